"""Parsing one NodeSet2 document into raw node records with resolved, expanded ids.

No graph is built here; :mod:`adapters.opcua.nodeset` assembles the records of a file and of its
required models into one SchemaGraph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from adapters.opcua.nodeid import NodeIdResolver
from adapters.opcua.values import (
    EUnit,
    parse_enum_strings,
    parse_enum_values,
    parse_eu_information,
    parse_range,
)
from adapters.safety import parse_xml
from translator.errors import ModelContentError
from translator.graph.model import LocalText, NodeKind

__all__ = ["ParsedNodeSet", "RawNode", "nodeset_namespaces", "parse_nodeset"]

UA_XSD = "{http://opcfoundation.org/UA/2011/03/UANodeSet.xsd}"

_NODE_KINDS = {
    f"{UA_XSD}UAObject": NodeKind.OBJECT,
    f"{UA_XSD}UAVariable": NodeKind.VARIABLE,
    f"{UA_XSD}UAMethod": NodeKind.METHOD,
    f"{UA_XSD}UAObjectType": NodeKind.OBJECT_TYPE,
    f"{UA_XSD}UAVariableType": NodeKind.VARIABLE_TYPE,
    f"{UA_XSD}UADataType": NodeKind.DATA_TYPE,
    f"{UA_XSD}UAReferenceType": NodeKind.REFERENCE_TYPE,
    f"{UA_XSD}UAView": NodeKind.VIEW,
}
_DISPLAY_NAME = f"{UA_XSD}DisplayName"
_DESCRIPTION = f"{UA_XSD}Description"
_REFERENCES = f"{UA_XSD}References"
_VALUE = f"{UA_XSD}Value"
_DEFINITION = f"{UA_XSD}Definition"
_NAMESPACE_URIS = f"{UA_XSD}NamespaceUris"
_ALIASES = f"{UA_XSD}Aliases"
_VALUE_PARSERS = {
    "EngineeringUnits": "eu",
    "EURange": "range",
    "InstrumentRange": "range",
    "EnumStrings": "enum_strings",
    "EnumValues": "enum_values",
}
_VARIABLE_KINDS = (NodeKind.VARIABLE, NodeKind.VARIABLE_TYPE)


@dataclass(slots=True)
class RawNode:
    """One node element, ids resolved, before assembly into the graph."""

    id: str
    kind: NodeKind
    name: str
    line: int
    labels: tuple[LocalText, ...] = ()
    descriptions: tuple[LocalText, ...] = ()
    datatype: str = ""
    value_rank: int | None = None
    parent: str = ""
    eu: EUnit | None = None
    range: tuple[float, float] | None = None
    enum: tuple[str, ...] = ()
    value_kind: str = ""


@dataclass(slots=True)
class ParsedNodeSet:
    """A parsed NodeSet2 file: its nodes, its references (forward-normalised) and alias names."""

    source: str
    model_uri: str
    namespaces: tuple[str, ...]
    nodes: list[RawNode] = field(default_factory=list)
    references: list[tuple[str, str, str]] = field(default_factory=list)
    """(source id, target id, reference type id), every one stored in its forward direction."""
    alias_names: dict[str, str] = field(default_factory=dict)
    """Expanded id → alias name, for naming reference types and data types of unloaded models."""


def _local_texts(el: etree._Element) -> LocalText:
    return (el.get("Locale") or "", (el.text or "").strip())


def _browse_name(text: str) -> str:
    """``1:PumpType`` → ``PumpType`` (the namespace index of a BrowseName is dropped)."""
    head, sep, tail = text.partition(":")
    return tail if sep and head.isdigit() else text


def nodeset_namespaces(data: bytes, source: str) -> tuple[str, ...]:
    """The NamespaceUris of a NodeSet2 document, in its order (without parsing its nodes)."""
    uris = parse_xml(data, source).find(_NAMESPACE_URIS)
    return tuple((u.text or "").strip() for u in uris) if uris is not None else ()


def parse_nodeset(data: bytes, source: str) -> ParsedNodeSet:
    """Parse a NodeSet2 document; malformed or inconsistent content raises a TolkaError naming the line."""
    root = parse_xml(data, source)
    if etree.QName(root).localname != "UANodeSet":
        raise ModelContentError(
            f"root element is <{etree.QName(root).localname}>, not <UANodeSet>", source=source
        )
    namespaces, aliases, model_uri = _header(root)
    resolve = NodeIdResolver(namespaces, aliases, source)
    parsed = ParsedNodeSet(source, model_uri or (namespaces[0] if namespaces else ""), namespaces)
    for alias, target in aliases.items():
        try:
            parsed.alias_names.setdefault(resolve(target), alias)
        except ModelContentError as exc:
            raise ModelContentError(f"alias {alias!r}: {exc.reason}", source=source) from None
    refs = parsed.references
    cached = resolve.cache.get
    for el in root:
        kind = _NODE_KINDS.get(el.tag)  # type: ignore[call-overload,unused-ignore]
        if kind is None:
            continue
        line: int = getattr(el, "sourceline", None) or 0
        try:
            raw = _raw_node(el, kind, line, resolve, cached, refs)
        except ValueError as exc:
            raise ModelContentError(f"bad attribute value: {exc}", source=source, line=line) from None
        except ModelContentError as exc:
            raise ModelContentError(exc.reason, source=source, line=line) from None
        parsed.nodes.append(raw)
    return parsed


def _header(root: etree._Element) -> tuple[tuple[str, ...], dict[str, str], str]:
    """The document's NamespaceUris, aliases (name → NodeId text) and first ModelUri."""
    namespaces: tuple[str, ...] = ()
    aliases: dict[str, str] = {}
    model_uri = ""
    for child in root:
        tag = child.tag
        if tag == _NAMESPACE_URIS:
            namespaces = tuple((u.text or "").strip() for u in child)
        elif tag == _ALIASES:
            aliases = {a.get("Alias", ""): (a.text or "").strip() for a in child}
        elif tag == f"{UA_XSD}Models":
            first = next(iter(child), None)
            model_uri = first.get("ModelUri", "") if first is not None else ""
    return namespaces, aliases, model_uri


def _raw_node(
    el: etree._Element,
    kind: NodeKind,
    line: int,
    resolve: NodeIdResolver,
    cached: Callable[[str], str | None],
    refs: list[tuple[str, str, str]],
) -> RawNode:
    """One node element as a record; its references are appended to ``refs`` (forward)."""
    node_id = resolve(el.get("NodeId", ""))
    raw = RawNode(node_id, kind, _browse_name(el.get("BrowseName", "")), line)
    if kind in _VARIABLE_KINDS:
        raw.datatype = resolve(el.get("DataType") or "i=24")
        raw.value_rank = int(el.get("ValueRank", "-1"))
    parent = el.get("ParentNodeId")
    if parent:
        raw.parent = resolve(parent)
    labels: list[LocalText] = []
    descriptions: list[LocalText] = []
    value_el = definition = None
    for sub in el:
        tag = sub.tag
        if tag == _DISPLAY_NAME:
            labels.append(_local_texts(sub))
        elif tag == _DESCRIPTION:
            descriptions.append(_local_texts(sub))
        elif tag == _REFERENCES:
            for ref in sub:
                text = ref.text or ""
                target = cached(text) or resolve(text)
                text = ref.get("ReferenceType") or ""
                ref_type = cached(text) or resolve(text)
                forward = ref.get("IsForward")
                if forward is not None and forward.lower() == "false":
                    refs.append((target, node_id, ref_type))
                else:
                    refs.append((node_id, target, ref_type))
        elif tag == _VALUE:
            value_el = sub
        elif tag == _DEFINITION:
            definition = sub
    raw.labels = tuple(labels)
    raw.descriptions = tuple(descriptions)
    raw.value_kind = _VALUE_PARSERS.get(raw.name, "") if kind is NodeKind.VARIABLE else ""
    if value_el is not None and raw.value_kind:
        _read_value(raw, value_el)
    if definition is not None:
        raw.enum = tuple(
            f"{f.get('Name', '')}={f.get('Value')}" for f in definition if f.get("Value") is not None
        )
    return raw


def _read_value(raw: RawNode, value_el: etree._Element) -> None:
    if raw.value_kind == "eu":
        raw.eu = parse_eu_information(value_el)
    elif raw.value_kind == "range":
        raw.range = parse_range(value_el)
    elif raw.value_kind == "enum_strings":
        raw.enum = parse_enum_strings(value_el)
    elif raw.value_kind == "enum_values":
        raw.enum = parse_enum_values(value_el)
