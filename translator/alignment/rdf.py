"""Alignment API RDF/XML, the format of OAEI reference alignments, read and written.

A document holds one ``<Alignment>`` (optionally inside ``<rdf:RDF>``) with ``onto1``/``onto2`` and
one ``<map><Cell>`` per correspondence: ``entity1``/``entity2`` (``rdf:resource``), ``relation`` and
``measure``. The Alignment API namespace is ``http://knowledgeweb.semanticweb.org/heterogeneity/
alignment#``; the OAEI conference files declare it without the ``#``, and both are read. Written
files use the ``#`` form, as the Alignment API itself writes.

Relations follow the Alignment API: ``=`` is ``skos:exactMatch``; ``<`` (entity1 is subsumed by
entity2, so the object is broader) is ``skos:broadMatch``; ``>`` is ``skos:narrowMatch``; ``%``
(disjoint) is ``tolka:disjoint``; any other relation is kept verbatim as the predicate and written
back verbatim. A missing ``measure`` is 1.0, a missing ``relation`` is ``=``.

What the format has no place for (review status, justification, labels, kinds, comment, author,
reviewer, dates) is written, only when it differs from the default, as extension properties in the
``tolka:`` namespace (``http://tolka.dev/vocab#``) inside the ``Cell`` — the Alignment API keeps such
extensions and other readers ignore them — and read back, so a Tolka alignment survives the format. Since
other readers take every cell as a match, a rejected correspondence is left out unless asked for
(``rejected="keep"``); the ``Alignment``'s ``rdf:about`` is always an IRI.

Example:
    >>> from translator.alignment.model import Correspondence
    >>> a = Alignment("http://a", "http://b", [Correspondence("http://a#x", "http://b#y", "skos:broadMatch")])
    >>> b"<relation>&lt;</relation>" in format_alignment_rdf(a)
    True
"""

from __future__ import annotations

import math
import re
from collections import Counter

from lxml import etree

from translator.alignment.model import EXACT_MATCH, Alignment, Correspondence, Status, mapping_set_iri
from translator.errors import ParseError
from translator.xmlsafety import element_text, parse_xml_safely

__all__ = [
    "ALIGN_NS",
    "PREDICATE_OF_RELATION",
    "RELATION_OF_PREDICATE",
    "TOLKA_NS",
    "format_alignment_rdf",
    "parse_alignment_rdf",
]

ALIGN_NS = "http://knowledgeweb.semanticweb.org/heterogeneity/alignment#"
"""The Alignment API namespace (as written; read with or without the trailing ``#``)."""
TOLKA_NS = "http://tolka.dev/vocab#"
"""Namespace of Tolka's extension properties in a ``Cell``."""
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_FLOAT = "http://www.w3.org/2001/XMLSchema#float"

PREDICATE_OF_RELATION = {
    "=": EXACT_MATCH,
    "<": "skos:broadMatch",
    ">": "skos:narrowMatch",
    "%": "tolka:disjoint",
}
"""Alignment API relation → predicate CURIE."""
RELATION_OF_PREDICATE = {predicate: relation for relation, predicate in PREDICATE_OF_RELATION.items()}
"""Predicate CURIE → Alignment API relation."""

_ALIGN_NAMESPACES = (ALIGN_NS, ALIGN_NS.rstrip("#"))
_RDF_RESOURCE = f"{{{RDF_NS}}}resource"
_RDF_ABOUT = f"{{{RDF_NS}}}about"
_EXTENSIONS = (  # (element name, Correspondence field)
    ("status", "status"),
    ("justification", "justification"),
    ("subjectLabel", "subject_label"),
    ("objectLabel", "object_label"),
    ("subjectKind", "subject_kind"),
    ("objectKind", "object_kind"),
    ("comment", "comment"),
    ("author", "author_id"),
    ("reviewer", "reviewer_id"),
    ("mappingDate", "mapping_date"),
    ("reviewDate", "review_date"),
)
_DEFAULTS = Correspondence("", "")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


# --------------------------------------------------------------------------------------------- reading


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    """Children of ``element`` named ``name`` in the Alignment API namespace (either spelling)."""
    return [
        child
        for child in element
        if isinstance(child.tag, str)
        and etree.QName(child).localname == name
        and etree.QName(child).namespace in _ALIGN_NAMESPACES
    ]


def _child_text(element: etree._Element, name: str) -> str | None:
    found = _children(element, name)
    return element_text(found[0]).strip() if found else None


def _line(element: etree._Element) -> int | None:
    line = element.sourceline
    return line if isinstance(line, int) else None


def _ontology(alignment: etree._Element, which: str) -> str:
    """``onto1``/``onto2`` as ``<Ontology rdf:about>`` (or its ``location``) or as plain text.

    Looked for anywhere under ``<Alignment>``: some OAEI files put it inside the first ``<map>``.
    """
    for onto in alignment.iter(*(f"{{{ns}}}onto{which}" for ns in _ALIGN_NAMESPACES)):
        for ontology in _children(onto, "Ontology"):
            about = ontology.get(_RDF_ABOUT, "").strip()
            return about or (_child_text(ontology, "location") or "")
        return element_text(onto).strip()
    return _child_text(alignment, f"uri{which}") or ""


def _entity(cell: etree._Element, name: str, source: str) -> str:
    found = _children(cell, name)
    if not found:
        raise ParseError(f"<Cell> has no <{name}>", source=source, line=_line(cell))
    entity = found[0]
    value = entity.get(_RDF_RESOURCE) or entity.get(_RDF_ABOUT) or element_text(entity)
    if not value.strip():  # a nested node element: <entity1><Class rdf:about="..."/></entity1>
        value = next((c.get(_RDF_ABOUT, "") for c in entity if isinstance(c.tag, str)), "")
    if not value.strip():
        raise ParseError(f"<{name}> names no entity (rdf:resource)", source=source, line=_line(entity))
    return value.strip()


def _measure(cell: etree._Element, source: str) -> float:
    found = _children(cell, "measure")
    if not found:
        return 1.0
    text = element_text(found[0]).strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise ParseError(f"measure {text!r} is not a number in [0, 1]", source=source, line=_line(found[0]))
    return value


def _extensions(cell: etree._Element, source: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for child in cell:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != TOLKA_NS:
            continue
        name = etree.QName(child).localname
        field = dict(_EXTENSIONS).get(name)
        if field is None:
            continue
        text = element_text(child)
        if field == "status":
            try:
                values[field] = Status(text.strip())
            except ValueError:
                known = ", ".join(s.value for s in Status)
                raise ParseError(
                    f"tolka:status {text!r} is not one of {known}", source=source, line=_line(child)
                ) from None
        else:
            values[field] = text if field in ("subject_label", "object_label", "comment") else text.strip()
    return values


def parse_alignment_rdf(data: bytes, source: str) -> Alignment:
    """Read an Alignment API RDF/XML document; ``source`` names the file in errors.

    Raises:
        UnsafeInputError: an external entity, external DTD or entity bomb.
        ParseError: malformed XML, no ``<Alignment>``, a ``Cell`` without entities or with a bad
            measure, with the file and line.
    """
    root = parse_xml_safely(data, source)
    if etree.QName(root).localname == "Alignment" and etree.QName(root).namespace in _ALIGN_NAMESPACES:
        element = root
    else:
        found = _children(root, "Alignment")
        if not found:
            raise ParseError(
                f"not an Alignment API document: no <Alignment> in namespace {ALIGN_NS}",
                source=source,
                line=_line(root),
            )
        element = found[0]
    alignment = Alignment(
        source=_ontology(element, "1"),
        target=_ontology(element, "2"),
        mapping_set_id=element.get(_RDF_ABOUT, "").strip(),
    )
    for cell in element.iter(f"{{{ALIGN_NS}}}Cell", f"{{{_ALIGN_NAMESPACES[1]}}}Cell"):
        relation = _child_text(cell, "relation") or "="
        alignment.add(
            Correspondence(
                subject_id=_entity(cell, "entity1", source),
                object_id=_entity(cell, "entity2", source),
                predicate=PREDICATE_OF_RELATION.get(relation, relation),
                confidence=_measure(cell, source),
                **_extensions(cell, source),  # type: ignore[arg-type]
            )
        )
    return alignment


# --------------------------------------------------------------------------------------------- writing


def _arity(cells: list[Correspondence]) -> str:
    """Alignment API ``type``: ``?`` when each entity appears at most once on its side, else ``*``."""
    left = Counter(c.subject_id for c in cells)
    right = Counter(c.object_id for c in cells)
    return "".join("?" if max(side.values(), default=0) <= 1 else "*" for side in (left, right))


def _ontology_element(parent: etree._Element, tag: str, uri: str) -> None:
    onto = etree.SubElement(parent, f"{{{ALIGN_NS}}}{tag}")
    ontology = etree.SubElement(onto, f"{{{ALIGN_NS}}}Ontology", {_RDF_ABOUT: _xml(uri)})
    etree.SubElement(ontology, f"{{{ALIGN_NS}}}location").text = _xml(uri)


def format_alignment_rdf(alignment: Alignment, *, rejected: str = "omit") -> bytes:
    """Alignment API RDF/XML of ``alignment`` (UTF-8, with an XML declaration).

    Args:
        rejected: ``omit`` (the default) leaves rejected correspondences out, since the format cannot
            say "not" and other readers take every cell as a match; ``keep`` writes them marked
            ``<tolka:status>rejected</tolka:status>``, for Tolka to read back.

    Raises:
        ValueError: ``rejected`` is neither.
    """
    if rejected not in ("keep", "omit"):
        raise ValueError(f"rejected must be keep or omit, not {rejected!r}")
    cells = [c for c in alignment.correspondences if rejected == "keep" or c.status is not Status.REJECTED]
    nsmap = {None: ALIGN_NS, "rdf": RDF_NS, "xsd": "http://www.w3.org/2001/XMLSchema#", "tolka": TOLKA_NS}
    root = etree.Element(f"{{{RDF_NS}}}RDF", nsmap=nsmap)  # type: ignore[arg-type]
    element = etree.SubElement(root, f"{{{ALIGN_NS}}}Alignment")
    element.set(_RDF_ABOUT, _xml(mapping_set_iri(alignment)))
    etree.SubElement(element, f"{{{ALIGN_NS}}}xml").text = "yes"
    etree.SubElement(element, f"{{{ALIGN_NS}}}level").text = "0"
    etree.SubElement(element, f"{{{ALIGN_NS}}}type").text = _arity(cells)
    _ontology_element(element, "onto1", alignment.source)
    _ontology_element(element, "onto2", alignment.target)
    for c in cells:
        cell = etree.SubElement(etree.SubElement(element, f"{{{ALIGN_NS}}}map"), f"{{{ALIGN_NS}}}Cell")
        etree.SubElement(cell, f"{{{ALIGN_NS}}}entity1", {_RDF_RESOURCE: _xml(c.subject_id)})
        etree.SubElement(cell, f"{{{ALIGN_NS}}}entity2", {_RDF_RESOURCE: _xml(c.object_id)})
        etree.SubElement(cell, f"{{{ALIGN_NS}}}relation").text = _xml(
            RELATION_OF_PREDICATE.get(c.predicate, c.predicate)
        )
        measure = etree.SubElement(cell, f"{{{ALIGN_NS}}}measure", {f"{{{RDF_NS}}}datatype": XSD_FLOAT})
        measure.text = repr(float(c.confidence))
        for name, field in _EXTENSIONS:
            value = getattr(c, field)
            if value != getattr(_DEFAULTS, field):
                etree.SubElement(cell, f"{{{TOLKA_NS}}}{name}").text = _xml(str(value))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
