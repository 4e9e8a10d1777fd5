"""Reading SSSOM TSV (:func:`parse_sssom`; the format is described in :mod:`translator.alignment.sssom`).

Reading is forgiving where it can be (blank and ``#`` comment lines, no metadata header, missing
optional columns, CRLF line ends, short rows, csv quoting) and names the file and line where it
cannot (no header row, a bad confidence, an unknown review status or predicate modifier, a negated row
that says it is accepted, a row with too many cells). Any negated row read, Tolka's or another
tool's, is a rejected correspondence.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import yaml

from translator.alignment.model import EXACT_MATCH, Alignment, Correspondence, Justification, Status
from translator.alignment.sssom import KNOWN_PREFIXES, contract, expand_id
from translator.errors import ParseError

__all__ = ["parse_sssom"]

_SET_TEXTS = (
    "subject_source", "object_source", "mapping_set_id", "license", "mapping_tool", "mapping_tool_version",
    "mapping_date",
)  # fmt: skip


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
    predicate = contract(cell("predicate_id") or EXACT_MATCH, curie_map)
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
        justification=contract(cell("mapping_justification"), curie_map) or Justification.UNSPECIFIED.value,
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
