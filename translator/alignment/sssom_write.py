"""Writing SSSOM TSV (:func:`format_sssom`; the format is described in :mod:`translator.alignment.sssom`).

Ids are written as CURIEs of prefixes the ``curie_map`` declares (:mod:`translator.alignment.curies`),
people as CURIEs where a known prefix fits; a rejected correspondence as its reviewer's negated
mapping, or not at all.
"""

from __future__ import annotations

import io
from typing import Any

import yaml

from translator.alignment.curies import compress, namespace_of, prefix_map
from translator.alignment.model import Alignment, Correspondence, Justification, Status, mapping_set_iri
from translator.alignment.sssom import COLUMNS, CURIE, KNOWN_PREFIXES, contract

__all__ = ["REJECTED_CHOICES", "format_sssom"]

_ALWAYS = frozenset(
    {"subject_id", "subject_label", "subject_category", "predicate_id", "object_id", "object_label",
     "object_category", "mapping_justification", "confidence", "review_status", "comment"}
)  # fmt: skip
"""The columns written even when no row has a value."""

REJECTED_CHOICES = ("keep", "omit")
"""What an export does with rejected correspondences: write them negated (``keep``) or leave them out."""

_REVIEW_STATUS = {
    "slot_name": "review_status",
    "property": "tolka:review_status",
    "type_hint": "http://www.w3.org/2001/XMLSchema#string",
}


def _tsv_cell(value: str) -> str:
    """``value``, in double quotes (csv style) when it holds a tab, quote or line break."""
    if any(ch in value for ch in '\t"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _tsv_row(cells: list[str]) -> str:
    """One TSV line; a first cell starting with ``#`` is quoted so it is not read as a comment."""
    quoted = [_tsv_cell(cell) for cell in cells]
    if quoted[0].startswith("#"):
        quoted[0] = '"' + cells[0].replace('"', '""') + '"'
    return "\t".join(quoted) + "\n"


def _prefix(curie: str) -> str:
    return curie.split(":", 1)[0] if ":" in curie and "://" not in curie else ""


def _id_prefixes(rows: list[Correspondence], own: dict[str, str]) -> dict[str, str]:
    """Prefixes for the rows' subject and object namespaces: the alignment's own (or a known one)
    where it has one for a namespace, else named by :func:`translator.alignment.curies.prefix_map` — never one
    that an id written whole would be read as (``a:b`` stays ``a:b``)."""
    ids = [i for c in rows for i in (c.subject_id, c.object_id)]
    namespaces = {ns for ns in map(namespace_of, ids) if ns is not None}
    kept: dict[str, str] = {}
    for prefix, base in {**KNOWN_PREFIXES, **own}.items():
        if base in namespaces and base not in kept.values():
            kept[prefix] = base
    whole = [CURIE.match(i) for i in ids if namespace_of(i) is None]
    reserved = [*KNOWN_PREFIXES, *own, *(m[1] for m in whole if m is not None)]
    fresh = [i for i in ids if namespace_of(i) not in kept.values()]
    return kept | prefix_map(fresh, reserved=reserved)


def _people(value: str, curie_map: dict[str, str]) -> str:
    """``|``-separated person IRIs as CURIEs where a prefix fits."""
    return "|".join(contract(part.strip(), curie_map) for part in value.split("|") if part.strip())


def _row(
    c: Correspondence, alignment: Alignment, ids: dict[str, str], curie_map: dict[str, str]
) -> dict[str, str]:
    """The cells of one correspondence; a rejected one as the reviewer's negated mapping."""
    rejected = c.status is Status.REJECTED
    row = {
        "subject_id": compress(c.subject_id, ids),
        "subject_label": c.subject_label,
        "subject_category": c.subject_kind,
        "predicate_id": c.predicate,
        "predicate_modifier": "Not" if rejected else "",
        "object_id": compress(c.object_id, ids),
        "object_label": c.object_label,
        "object_category": c.object_kind,
        "mapping_justification": c.justification,
        "confidence": repr(float(c.confidence)),
        "similarity_score": "",
        "author_id": _people(c.author_id, curie_map),
        "reviewer_id": _people(c.reviewer_id, curie_map),
        "mapping_date": c.mapping_date or alignment.mapping_date,
        "review_date": c.review_date,
        "review_status": c.status.value,
        "comment": c.comment,
    }
    if rejected:  # the reviewer asserts "not": the matcher's score stays as the pair's similarity
        row["mapping_justification"] = Justification.MANUAL.value
        row["confidence"] = ""
        row["similarity_score"] = repr(float(c.confidence))
        row["author_id"] = row["author_id"] or row["reviewer_id"]
        row["mapping_date"] = c.review_date or row["mapping_date"]
    return row


def format_sssom(alignment: Alignment, *, rejected: str = "keep") -> str:
    """SSSOM TSV text of ``alignment`` (``\\n`` line ends; ids as CURIEs of the ``curie_map``).

    Args:
        rejected: ``keep`` writes a rejected correspondence as a negated mapping (``predicate_modifier``
            ``Not``, justified by manual curation, its reviewer as author, the matcher's score as
            ``similarity_score``); ``omit`` leaves it out.

    Raises:
        ValueError: ``rejected`` is neither.
    """
    if rejected not in REJECTED_CHOICES:
        raise ValueError(f"rejected must be one of {', '.join(REJECTED_CHOICES)}, not {rejected!r}")
    rows = [c for c in alignment.correspondences if rejected == "keep" or c.status is not Status.REJECTED]
    ids = _id_prefixes(rows, alignment.curie_map)
    curie_map = {name: KNOWN_PREFIXES[name] for name in ("skos", "semapv", "tolka")}
    people = {c.author_id for c in rows} | {c.reviewer_id for c in rows}
    for name, base in KNOWN_PREFIXES.items():
        if any(base in value for value in people):
            curie_map[name] = base
    for c in rows:
        for prefix in (_prefix(c.predicate), _prefix(c.justification)):
            if prefix in KNOWN_PREFIXES:
                curie_map.setdefault(prefix, KNOWN_PREFIXES[prefix])
    curie_map.update(alignment.curie_map)
    curie_map.update(ids)
    meta: dict[str, Any] = {"curie_map": dict(sorted(curie_map.items()))}
    meta["extension_definitions"] = [_REVIEW_STATUS]
    meta["license"] = alignment.license
    meta["mapping_set_id"] = mapping_set_iri(alignment)
    for key in ("mapping_tool", "mapping_tool_version"):
        if getattr(alignment, key):
            meta[key] = getattr(alignment, key)
    if alignment.source:
        meta["subject_source"] = alignment.source
    if alignment.target:
        meta["object_source"] = alignment.target
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000)
    out = io.StringIO()
    out.writelines(f"#{line}\n" for line in header.rstrip("\n").split("\n"))
    cells = [_row(c, alignment, ids, curie_map) for c in rows]
    columns = [name for name in COLUMNS if name in _ALWAYS or any(row[name] for row in cells)]
    out.write(_tsv_row(columns))
    for row in cells:
        out.write(_tsv_row([row[name] for name in columns]))
    return out.getvalue()
