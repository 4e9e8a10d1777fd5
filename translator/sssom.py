"""SSSOM TSV: an `Alignment` as a YAML metadata header of ``#`` lines and a tab-separated table.

Written form (https://mapping-commons.github.io/sssom/)::

    #curie_map:
    #  semapv: https://w3id.org/semapv/vocab/
    #  skos: http://www.w3.org/2004/02/skos/core#
    #license: https://creativecommons.org/publicdomain/zero/1.0/
    #mapping_set_id: https://example.org/cmt-conference
    #subject_source: http://cmt
    #object_source: http://conference
    subject_id  subject_label  subject_category  predicate_id  object_id  ...  review_status  comment

Columns: the SSSOM slots ``subject_id``, ``subject_label``, ``subject_category`` (Tolka's node kind),
``predicate_id``, ``predicate_modifier``, ``object_id``, ``object_label``, ``object_category``,
``mapping_justification``, ``confidence``, ``comment``, and one Tolka extension, ``review_status``
(proposed / accepted / rejected), declared in ``extension_definitions``. Ids are written in full
(IRIs, ``nsu=...;i=...`` ExpandedNodeIds) and never compressed; on reading, a CURIE whose prefix the
``curie_map`` holds is expanded. A negated row (``predicate_modifier`` ``Not``) becomes the predicate
``"Not skos:exactMatch"`` so it never counts as an equivalence.

Reading is forgiving where it can be (blank and ``#`` comment lines, no metadata header, missing
optional columns, CRLF line ends, short rows, csv quoting) and names the file and line where it
cannot (no header row, a bad confidence, an unknown review status, a row with too many cells).

Example:
    >>> from translator.alignment import Correspondence
    >>> a = Alignment("urn:a", "urn:b", [Correspondence("urn:a#x", "urn:b#y", confidence=0.5)])
    >>> parse_sssom(format_sssom(a), "inline").correspondences == a.correspondences
    True
"""

from __future__ import annotations

import csv
import io
import math
import re
from typing import Any

import yaml

from translator.alignment import EXACT_MATCH, Alignment, Correspondence, Justification, Status
from translator.errors import ParseError

__all__ = ["COLUMNS", "KNOWN_PREFIXES", "NEGATED", "expand_id", "format_sssom", "parse_sssom"]

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
    "review_status",
    "comment",
)
"""The columns Tolka writes, in order (``predicate_modifier`` only when a row is negated)."""

KNOWN_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "tolka": "http://tolka.dev/vocab#",
}
"""Prefixes Tolka's predicates and justifications use; written to ``curie_map`` when used."""

NEGATED = "Not "
"""Prefix of a predicate read from a row whose ``predicate_modifier`` is ``Not``."""

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
    for key in ("subject_source", "object_source", "mapping_set_id", "license"):
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
    if cell("predicate_modifier").lower() == "not":
        predicate = NEGATED + predicate
    return Correspondence(
        subject_id=expand_id(subject_id, curie_map),
        object_id=expand_id(object_id, curie_map),
        predicate=predicate,
        confidence=_confidence(cell("confidence"), source, line),
        justification=_contract(cell("mapping_justification"), curie_map) or Justification.UNSPECIFIED.value,
        status=_status(cell("review_status"), source, line),
        subject_label=cells.get("subject_label", ""),
        object_label=cells.get("object_label", ""),
        subject_kind=cell("subject_category"),
        object_kind=cell("object_category"),
        comment=cells.get("comment", ""),
    )


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
    return curie.removeprefix(NEGATED).split(":", 1)[0] if ":" in curie else ""


def format_sssom(alignment: Alignment) -> str:
    """SSSOM TSV text of ``alignment`` (``\\n`` line ends; ids written in full)."""
    curie_map = {
        "skos": KNOWN_PREFIXES["skos"],
        "semapv": KNOWN_PREFIXES["semapv"],
        "tolka": KNOWN_PREFIXES["tolka"],
    }
    for c in alignment.correspondences:
        for prefix in (_prefix(c.predicate), _prefix(c.justification)):
            if prefix in KNOWN_PREFIXES:
                curie_map.setdefault(prefix, KNOWN_PREFIXES[prefix])
    curie_map.update(alignment.curie_map)
    meta: dict[str, Any] = {"curie_map": dict(sorted(curie_map.items()))}
    meta["extension_definitions"] = [_REVIEW_STATUS]
    meta["license"] = alignment.license
    if alignment.mapping_set_id:
        meta["mapping_set_id"] = alignment.mapping_set_id
    if alignment.source:
        meta["subject_source"] = alignment.source
    if alignment.target:
        meta["object_source"] = alignment.target
    header = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1_000_000)
    out = io.StringIO()
    out.writelines(f"#{line}\n" for line in header.rstrip("\n").split("\n"))
    negated = any(c.predicate.startswith(NEGATED) for c in alignment.correspondences)
    columns = [name for name in COLUMNS if negated or name != "predicate_modifier"]
    out.write(_tsv_row(columns))
    for c in alignment.correspondences:
        row = {
            "subject_id": c.subject_id,
            "subject_label": c.subject_label,
            "subject_category": c.subject_kind,
            "predicate_id": c.predicate.removeprefix(NEGATED),
            "predicate_modifier": "Not" if c.predicate.startswith(NEGATED) else "",
            "object_id": c.object_id,
            "object_label": c.object_label,
            "object_category": c.object_kind,
            "mapping_justification": c.justification,
            "confidence": repr(float(c.confidence)),
            "review_status": c.status.value,
            "comment": c.comment,
        }
        out.write(_tsv_row([row[name] for name in columns]))
    return out.getvalue()
