"""SSSOM TSV: an `Alignment` as a YAML metadata header of ``#`` lines and a tab-separated table.

Written form (https://mapping-commons.github.io/sssom/)::

    #curie_map:
    #  cmt: http://cmt#
    #  di: nsu=http://opcfoundation.org/UA/DI/;
    #  semapv: https://w3id.org/semapv/vocab/
    #  skos: http://www.w3.org/2004/02/skos/core#
    #  tolka: http://tolka.dev/vocab#
    #  tolkauser: http://tolka.dev/user/
    #license: https://creativecommons.org/publicdomain/zero/1.0/
    #mapping_set_id: http://127.0.0.1:8000/alignments/a-3f9c1a7b2e4d
    #mapping_tool: Tolka
    #mapping_tool_version: 0.1.0
    #subject_source: Opc.Ua.Di.NodeSet2.xml
    #object_source: http://cmt
    subject_id  ...  predicate_id  predicate_modifier  object_id  ...  reviewer_id  ...  review_status

Columns: the SSSOM slots ``subject_id``, ``subject_label``, ``subject_category`` (Tolka's node kind),
``predicate_id``, ``predicate_modifier``, ``object_id``, ``object_label``, ``object_category``,
``mapping_justification``, ``confidence``, ``similarity_score``, ``author_id``, ``reviewer_id``,
``mapping_date``, ``review_date``, ``comment`` (those after ``confidence`` only when a row has one),
and one Tolka extension, ``review_status`` (proposed / accepted / rejected), declared in
``extension_definitions``. ``mapping_set_id`` is always an IRI (`translator.alignment.model.mapping_set_iri`).

Ids are written as CURIEs by the prefix scheme of :mod:`translator.alignment.curies` (an OPC UA ExpandedNodeId
``nsu=<URI>;i=1002`` as ``<prefix>:i=1002``, the prefix standing for ``nsu=<URI>;``), people as IRIs
(``orcid:``, or a name under ``tolkauser:``); reading accepts CURIEs whose prefix the ``curie_map``
holds and full ids alike.

A rejected correspondence is what SSSOM calls a negated mapping: ``predicate_modifier`` ``Not``,
asserted by its reviewer (``author_id`` and ``reviewer_id``, ``mapping_justification``
``semapv:ManualMappingCuration``, the review's date), the matcher's score kept as
``similarity_score``; ``format_sssom(rejected="omit")`` leaves it out instead. Any negated row read,
Tolka's or another tool's, is a rejected correspondence.

Reading is forgiving where it can be (blank and ``#`` comment lines, no metadata header, missing
optional columns, CRLF line ends, short rows, csv quoting) and names the file and line where it
cannot (no header row, a bad confidence, an unknown review status or predicate modifier, a negated row
that says it is accepted, a row with too many cells).

Example:
    >>> from translator.alignment.model import Correspondence
    >>> a = Alignment("urn:a", "urn:b", [Correspondence("urn:a#x", "urn:b#y", confidence=0.5)])
    >>> parse_sssom(format_sssom(a), "inline").correspondences == a.correspondences
    True
"""

from __future__ import annotations

import csv
import io
import math
import re
import urllib.parse
from typing import Any

import yaml

from translator.alignment.curies import compress, namespace_of, prefix_map
from translator.alignment.model import (
    EXACT_MATCH,
    Alignment,
    Correspondence,
    Justification,
    Status,
    is_iri,
    mapping_set_iri,
)
from translator.errors import ParseError

__all__ = [
    "COLUMNS",
    "KNOWN_PREFIXES",
    "PERSON_BASE",
    "REJECTED_CHOICES",
    "expand_id",
    "format_sssom",
    "parse_sssom",
    "person_id",
]

PERSON_BASE = "http://tolka.dev/user/"
"""IRIs of reviewers known only by name: ``http://tolka.dev/user/<name, percent-encoded>``."""

COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "object_category",
    "mapping_justification",
    "confidence",
    "similarity_score",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "review_date",
    "review_status",
    "comment",
)
"""The columns Tolka writes, in order; those not in `_ALWAYS` only when some row has a value."""
_ALWAYS = frozenset(
    {"subject_id", "subject_label", "subject_category", "predicate_id", "object_id", "object_label",
     "object_category", "mapping_justification", "confidence", "review_status", "comment"}
)  # fmt: skip

KNOWN_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "tolka": "http://tolka.dev/vocab#",
    "tolkauser": PERSON_BASE,
    "orcid": "https://orcid.org/",
}
"""Prefixes of Tolka's predicates, justifications and people; written to ``curie_map`` when used."""

_SET_TEXTS = (
    "subject_source", "object_source", "mapping_set_id", "license", "mapping_tool", "mapping_tool_version",
    "mapping_date",
)  # fmt: skip

REJECTED_CHOICES = ("keep", "omit")
"""What an export does with rejected correspondences: write them negated (``keep``) or leave them out."""

_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(?!//)(\S*)$")
_REVIEW_STATUS = {
    "slot_name": "review_status",
    "property": "tolka:review_status",
    "type_hint": "http://www.w3.org/2001/XMLSchema#string",
}


def expand_id(value: str, curie_map: dict[str, str]) -> str:
    """Expand a CURIE whose prefix ``curie_map`` holds; anything else (IRIs, ``nsu=`` ids) is kept.

    >>> expand_id("cmt:Author", {"cmt": "http://cmt#"})
    'http://cmt#Author'
    >>> expand_id("nsu=http://x/;s=a:b", {"nsu": "http://y/"})
    'nsu=http://x/;s=a:b'
    """
    match = _CURIE.match(value)
    if match is None or match[1] not in curie_map:
        return value
    return curie_map[match[1]] + match[2]


def person_id(who: str) -> str:
    """An IRI for a person: ``who`` when it is one (an ORCID IRI, a ``mailto:``), an ``orcid:`` CURIE
    expanded, else a name under :data:`PERSON_BASE`.

    >>> person_id("alice"), person_id("orcid:0000-0002-1825-0097")
    ('http://tolka.dev/user/alice', 'https://orcid.org/0000-0002-1825-0097')
    """
    who = who.strip()
    expanded = expand_id(who, {"orcid": KNOWN_PREFIXES["orcid"]})
    if expanded != who or (is_iri(who) and "://" in who) or who.startswith(("mailto:", "urn:")):
        return expanded
    return PERSON_BASE + urllib.parse.quote(who, safe="")


def _contract(value: str, curie_map: dict[str, str]) -> str:
    """A predicate or justification given as a full IRI, as a CURIE when a known prefix fits."""
    if "://" not in value:
        return value
    for prefix, base in sorted({**KNOWN_PREFIXES, **curie_map}.items(), key=lambda kv: -len(kv[1])):
        if base and value.startswith(base) and len(value) > len(base):
            return f"{prefix}:{value[len(base) :]}"
    return value


# --------------------------------------------------------------------------------------------- reading


def _split_header(lines: list[str], source: str) -> tuple[dict[str, Any], int]:
    """Parse the leading ``#`` lines as YAML; return (metadata, index of the first table line)."""
    yaml_lines: list[str] = []
    numbers: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            yaml_lines.append(line[1:].rstrip("\r\n"))
            numbers.append(index + 1)
        elif line.strip():
            break
        index += 1
    if not yaml_lines:
        return {}, index
    try:
        meta = yaml.safe_load("\n".join(yaml_lines))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line_no = numbers[min(mark.line, len(numbers) - 1)] if mark is not None else numbers[0]
        problem = getattr(exc, "problem", None) or "not YAML"
        raise ParseError(f"malformed SSSOM metadata header: {problem}", source=source, line=line_no) from None
    if not isinstance(meta, dict):  # free-text comments, not metadata
        return {}, index
    for key in _SET_TEXTS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str | int | float):  # refuses YAML alias bombs too
            raise ParseError(f"metadata {key} must be a string", source=source, line=numbers[0])
    curie_map = meta.get("curie_map", {})
    if curie_map is None:
        meta["curie_map"] = {}
    elif not isinstance(curie_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in curie_map.items()
    ):
        raise ParseError("curie_map must map prefixes to IRI strings", source=source, line=numbers[0])
    return meta, index


def _confidence(text: str, source: str, line: int) -> float:
    if not text.strip():
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ParseError(f"confidence {text!r} is not a number in [0, 1]", source=source, line=line)
    return value


def _status(text: str, source: str, line: int) -> Status:
    value = text.strip().lower()
    if not value:
        return Status.PROPOSED
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(s.value for s in Status)
        raise ParseError(f"review_status {text!r} is not one of {known}", source=source, line=line) from None


def parse_sssom(text: str, source: str) -> Alignment:
    """Read SSSOM TSV text; ``source`` names the file in errors.

    Raises:
        ParseError: malformed metadata, no ``subject_id``/``object_id`` header row, or a bad row,
            with the file and line.
    """
    lines = io.StringIO(text, newline="").readlines()  # split at \n, \r\n and \r only, ends kept
    meta, first = _split_header(lines, source)
    curie_map: dict[str, str] = {str(k): str(v) for k, v in meta.get("curie_map", {}).items()}
    alignment = Alignment(
        source=str(meta.get("subject_source") or ""),
        target=str(meta.get("object_source") or ""),
        mapping_set_id=str(meta.get("mapping_set_id") or ""),
        curie_map=curie_map,
    )
    if meta.get("license"):
        alignment.license = str(meta["license"])
    for key in ("mapping_tool", "mapping_tool_version", "mapping_date"):
        if meta.get(key) is not None:
            setattr(alignment, key, str(meta[key]))
    reader = csv.reader(io.StringIO("".join(lines[first:]), newline=""), delimiter="\t")
    header: list[str] | None = None
    consumed = 0
    try:
        for row in reader:
            line = first + consumed + 1
            consumed = reader.line_num
            if not row or not "".join(row).strip() or lines[line - 1].startswith("#"):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                if "subject_id" not in header or "object_id" not in header:
                    raise ParseError(
                        "no SSSOM header row: expected tab-separated column names including "
                        f"subject_id and object_id, found {row[0][:60]!r}",
                        source=source,
                        line=line,
                    )
                continue
            if len(row) > len(header):
                raise ParseError(
                    f"row has {len(row)} cells, the header names {len(header)} columns",
                    source=source,
                    line=line,
                )
            alignment.add(_correspondence(dict(zip(header, row, strict=False)), curie_map, source, line))
    except csv.Error as exc:
        raise ParseError(f"malformed TSV: {exc}", source=source, line=first + reader.line_num) from None
    if header is None:
        raise ParseError(
            "no SSSOM header row (subject_id, object_id, ...)", source=source, line=max(len(lines), 1)
        )
    return alignment


def _correspondence(
    cells: dict[str, str], curie_map: dict[str, str], source: str, line: int
) -> Correspondence:
    def cell(name: str) -> str:
        return cells.get(name, "").strip()

    subject_id, object_id = cell("subject_id"), cell("object_id")
    if not subject_id or not object_id:
        raise ParseError("empty subject_id or object_id", source=source, line=line)
    predicate = _contract(cell("predicate_id") or EXACT_MATCH, curie_map)
    status = _status(cell("review_status"), source, line)
    confidence = _confidence(cell("confidence"), source, line)
    modifier = cell("predicate_modifier")
    if modifier.lower() == "not":  # a negated mapping: Tolka's rejection, whoever wrote it
        if cell("review_status") and status is not Status.REJECTED:
            raise ParseError(
                f"predicate_modifier Not contradicts review_status {status.value!r}", source=source, line=line
            )
        status = Status.REJECTED
        if cell("similarity_score"):
            confidence = _confidence(cell("similarity_score"), source, line)
    elif modifier:
        raise ParseError(f"predicate_modifier {modifier!r} is not 'Not'", source=source, line=line)
    return Correspondence(
        subject_id=expand_id(subject_id, curie_map),
        object_id=expand_id(object_id, curie_map),
        predicate=predicate,
        confidence=confidence,
        justification=_contract(cell("mapping_justification"), curie_map) or Justification.UNSPECIFIED.value,
        status=status,
        subject_label=cells.get("subject_label", ""),
        object_label=cells.get("object_label", ""),
        subject_kind=cell("subject_category"),
        object_kind=cell("object_category"),
        comment=cells.get("comment", ""),
        author_id=_expand_people(cell("author_id"), curie_map),
        reviewer_id=_expand_people(cell("reviewer_id"), curie_map),
        mapping_date=cell("mapping_date"),
        review_date=cell("review_date"),
    )


def _expand_people(value: str, curie_map: dict[str, str]) -> str:
    """``|``-separated person ids with their CURIEs expanded (Tolka's and ORCID's known)."""
    known = {**KNOWN_PREFIXES, **curie_map}
    return "|".join(expand_id(part.strip(), known) for part in value.split("|") if part.strip())


# --------------------------------------------------------------------------------------------- writing


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
    whole = [_CURIE.match(i) for i in ids if namespace_of(i) is None]
    reserved = [*KNOWN_PREFIXES, *own, *(m[1] for m in whole if m is not None)]
    fresh = [i for i in ids if namespace_of(i) not in kept.values()]
    return kept | prefix_map(fresh, reserved=reserved)


def _people(value: str, curie_map: dict[str, str]) -> str:
    """``|``-separated person IRIs as CURIEs where a prefix fits."""
    return "|".join(_contract(part.strip(), curie_map) for part in value.split("|") if part.strip())


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
