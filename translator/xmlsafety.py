"""XML without external entities or entity bombs: the one safety rule both layers use.

:func:`check_xml_safety` looks at a document's type declaration before any parser runs: an
external DTD, external (``SYSTEM``/``PUBLIC``) or parameter (``%``) entities, and entities built
from other entities (the "billion laughs" bomb) are refused; the simple internal entities OWL tools
write (``<!ENTITY owl "http://...#">``) pass. :func:`parse_xml_safely` runs that check and then
lxml with entity resolution off, no DTD loading and no network; :func:`element_text` reads an
element's text with those simple internal entities expanded from the document's own DTD.
`adapters.safety` re-exports :func:`check_xml_safety` for the adapters.

Example:
    >>> root = parse_xml_safely(b"<a>x</a>", "inline")
    >>> element_text(root)
    'x'
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from translator.errors import ParseError, UnsafeInputError

__all__ = ["check_xml_safety", "element_text", "parse_xml_safely"]

_MAX_ENTITIES = 200
_MAX_ENTITY_LENGTH = 4096
_PROLOG_SKIP = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_SUBSET_TOKEN = re.compile(
    rb"""\s+|<!--.*?-->|<\?.*?\?>|<!ENTITY\b(?:[^>"']|"[^"]*"|'[^']*')*>|<!(?:[^>"']|"[^"]*"|'[^']*')*>|%[^;\s]+;""",
    re.S,
)
_ENTITY = re.compile(rb"""<!ENTITY\s+(%\s+)?([^\s]+)\s+(?:"([^"]*)"\s*|'([^']*)'\s*|(.*))>""", re.S)
_EXTERNAL_ID = re.compile(rb"^\s*[^\s\[>]+\s+(SYSTEM|PUBLIC)\b")


def _as_utf8(data: bytes) -> bytes:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def _doctype(text: bytes) -> tuple[int, bytes, bytes] | None:
    """Find the document type declaration in the prolog: (offset, declaration head, internal subset)."""
    pos = 0
    if text.startswith(codecs.BOM_UTF8):
        pos = len(codecs.BOM_UTF8)
    while True:
        skipped = _PROLOG_SKIP.match(text, pos)
        if skipped is None or skipped.end() == pos:
            break
        pos = skipped.end()
    if not text.startswith(b"<!DOCTYPE", pos):
        return None
    start = pos
    pos += len(b"<!DOCTYPE")
    head_end = pos
    while head_end < len(text) and text[head_end : head_end + 1] not in (b"[", b">"):
        quote = text[head_end : head_end + 1]
        if quote in (b'"', b"'"):
            head_end = text.find(quote, head_end + 1)
            if head_end == -1:
                return start, text[pos:], b""
        head_end += 1
    head = text[pos:head_end]
    if text[head_end : head_end + 1] != b"[":
        return start, head, b""
    cursor = head_end + 1
    subset_start = cursor
    while cursor < len(text) and text[cursor : cursor + 1] != b"]":
        token = _SUBSET_TOKEN.match(text, cursor)
        if token is None:  # not well-formed; the XML parser will say where
            break
        cursor = token.end()
    return start, head, text[subset_start:cursor]


def check_xml_safety(data: bytes, source: str) -> None:
    """Refuse XML whose document type declaration could make a parser fetch or expand without bound.

    Allowed: no DTD, or an internal subset declaring at most a few hundred short internal general
    entities whose values contain no references (OWL tools write ``<!ENTITY owl "http://...#">``;
    each expands once, so input size bounds output size). Refused: an external DTD, external
    (``SYSTEM``/``PUBLIC``) or parameter (``%``) entities, and entities referring to entities
    (the "billion laughs" bomb).

    Raises:
        UnsafeInputError: naming ``source`` and the line of the document type declaration.
    """
    text = _as_utf8(data)
    found = _doctype(text)
    if found is None:
        return
    offset, head, subset = found
    line = text.count(b"\n", 0, offset) + 1
    if _EXTERNAL_ID.search(head):
        raise UnsafeInputError(
            "XML external DTD is refused (SYSTEM/PUBLIC identifier)", source=source, line=line
        )
    entities = [m for m in _SUBSET_TOKEN.finditer(subset) if m[0].startswith(b"<!ENTITY")]
    if len(entities) > _MAX_ENTITIES:
        raise UnsafeInputError(f"more than {_MAX_ENTITIES} XML entity declarations", source=source, line=line)
    for token in entities:
        decl = _ENTITY.match(token[0])
        name = decl[2].decode("utf-8", "replace") if decl else "?"
        if decl is None or decl[1] or decl[5] is not None:
            raise UnsafeInputError(
                f"XML entity {name!r} is external or a parameter entity; refused (XXE)",
                source=source,
                line=line,
            )
        value = decl[3] if decl[3] is not None else decl[4]
        if b"&" in value or b"%" in value or len(value) > _MAX_ENTITY_LENGTH:
            raise UnsafeInputError(
                f"XML entity {name!r} refers to other entities or is too long; refused "
                "(entity expansion, 'billion laughs')",
                source=source,
                line=line,
            )
    if any(t[0].startswith(b"%") for t in _SUBSET_TOKEN.finditer(subset)):
        raise UnsafeInputError("XML parameter entity references are refused", source=source, line=line)


def parse_xml_safely(data: bytes, source: str) -> etree._Element:
    """Parse an XML document after :func:`check_xml_safety`.

    Only simple internal entities pass the check, so the parser may expand them; it never loads an
    external DTD and never touches the network.

    Raises:
        UnsafeInputError: a refused document type declaration.
        ParseError: malformed XML, naming ``source`` and the line.
    """
    check_xml_safety(data, source)
    parser = etree.XMLParser(
        resolve_entities=True,  # only internal, reference-free entities pass check_xml_safety
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed XML: {exc.msg}", source=source, line=exc.lineno) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "system_url", None) or getattr(docinfo, "public_id", None):
        raise UnsafeInputError("XML external DTD is refused", source=source, line=1)
    return root


def element_text(element: etree._Element) -> str:
    """The text directly inside ``element`` (not its child elements), internal entities expanded."""
    parts = [element.text or ""]
    values: dict[str, str] | None = None
    for child in element:
        if isinstance(child, etree._Entity):
            if values is None:
                dtd = element.getroottree().docinfo.internalDTD
                entities = dtd.iterentities() if dtd is not None else ()  # type: ignore[attr-defined]
                values = {e.name: e.content or "" for e in entities}
            parts.append(values.get(child.name, ""))
        parts.append(child.tail or "")
    return "".join(parts)
