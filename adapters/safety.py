"""Reading input files safely: size limits, and XML without external entities or entity bombs.

Every adapter reads its files through :func:`read_input`, and every XML document goes through
:func:`parse_xml` (or at least :func:`check_xml_safety` before another XML parser sees it). The
rules live in the core (:mod:`translator.inputs`, :mod:`translator.xmlsafety`), shared with the
alignment readers: a document type declaration that names an external DTD, declares external or
parameter entities, or declares entities built from other entities (the "billion laughs" bomb) is
refused before any parser runs; the simple internal entities OWL tools write
(``<!ENTITY owl "http://...#">``) pass.
"""

from __future__ import annotations

from translator.inputs import parse_json, read_input
from translator.xmlsafety import check_xml_safety
from translator.xmlsafety import parse_xml_safely as parse_xml

__all__ = ["check_xml_safety", "parse_json", "parse_xml", "read_input"]
