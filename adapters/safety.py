"""Reading input files safely: size limits, and XML without external entities or entity bombs.

Every adapter reads its files through :func:`read_input`, and every XML document goes through
:func:`parse_xml` (or at least :func:`check_xml_safety` before another XML parser sees it).
A document type declaration that names an external DTD, declares external or parameter entities,
or declares entities built from other entities (the "billion laughs" bomb) is refused before any
parser runs (the rule lives in :mod:`translator.xmlsafety`, shared with the core's alignment
reader, and is re-exported here); the simple internal entities OWL tools write
(``<!ENTITY owl "http://...#">``) pass.
The lxml parser is also set never to load an external DTD and never to touch the network.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from translator.errors import InputError, InputTooLargeError, ParseError, UnsafeInputError
from translator.xmlsafety import check_xml_safety

__all__ = ["check_xml_safety", "parse_xml", "read_input"]


def read_input(path: Path, max_bytes: int) -> bytes:
    """Read a whole input file, refusing missing files, folders and files over ``max_bytes``."""
    source = str(path)
    try:
        if path.is_dir():
            raise InputError("is a folder; expected a model file", source=source)
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(source=source, size=size, limit=max_bytes)
        with path.open("rb") as fh:
            data = fh.read(size + 1)  # a file still growing past its stat()ed size is caught below
            if len(data) > size and len(data) <= max_bytes:
                data += fh.read(max_bytes + 1 - len(data))
    except FileNotFoundError:
        raise InputError("file not found", source=source) from None
    except PermissionError:
        raise InputError("permission denied", source=source) from None
    if len(data) > max_bytes:
        raise InputTooLargeError(source=source, size=len(data), limit=max_bytes)
    return data


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse an XML document safely; malformed XML raises ParseError naming source and line."""
    check_xml_safety(data, source)
    parser = etree.XMLParser(
        resolve_entities=True,  # only internal, reference-free entities pass check_xml_safety
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
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
