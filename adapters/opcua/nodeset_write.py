"""Writing any model as an OPC UA NodeSet2 file: `export_nodeset`.

The address space comes from :func:`adapters.opcua.export_plan.plan_export` (its docstring gives the
rules: NodeIds, node classes, references, DataTypes, enumerations, units); this module writes it as
a ``UANodeSet`` document: ``NamespaceUris`` (the model's namespaces, then those of the models it
refers to), one ``Model`` per own namespace with a ``RequiredModel`` for the base model and each
other, ``Aliases`` for the base reference types and data types it uses, then the nodes, each before
its children. The file carries no date: the same graph gives the same bytes.

Example:
    >>> from adapters import load
    >>> export = export_nodeset(load("tests/data/pump.schema.json"))  # doctest: +SKIP
    >>> export.ids["urn:tolka:test:pump#/properties/pump/properties/speed"]  # doctest: +SKIP
    'nsu=urn:tolka:test:pump;s=urn:tolka:test:pump#/properties/pump/properties/speed'
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapters.opcua.export_model import (
    EU_INFORMATION,
    EnumField,
    ExportPlan,
    NodeClass,
    PlannedNode,
    RangeValue,
)
from adapters.opcua.export_plan import plan_export
from adapters.opcua.nodeid import UA_NAMESPACE, split_expanded
from adapters.opcua.ns0 import base_name, ua_id
from adapters.opcua.values import CEFACT_NAMESPACE
from translator.graph.model import LocalText, SchemaGraph
from translator.translation.units import UneceUnit

__all__ = ["BASE_MODEL_VERSION", "NodeSetExport", "export_nodeset", "write_plan"]

_UA = "http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"
_UAX = "http://opcfoundation.org/UA/2008/02/Types.xsd"
_NSMAP = {None: _UA, "uax": _UAX, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}

BASE_MODEL_VERSION = ("1.04", "2017-11-22T00:00:00Z")
"""The base model the file requires: OPC UA 1.04 (EUInformation, Enumeration, the types it uses are
older; every current stack has it). Other required models have no known version: any will do."""
_ANY_VERSION, _ANY_DATE = "0.0.0", "1900-01-01T00:00:00Z"
"""A required model other than the base one: a graph knows no version of it, so any will do."""
_ENCODINGS = {EU_INFORMATION: ua_id(888), ua_id(884): ua_id(885), ua_id(7594): ua_id(7616)}
"""DataType → its DefaultXml encoding, the TypeId of an ExtensionObject value."""


@dataclass(frozen=True, slots=True)
class NodeSetExport:
    """A model written as a NodeSet2 document.

    Attributes:
        xml: the document (UTF-8).
        plan: what was written: namespaces, nodes, the NodeId of each graph node (``plan.ids``),
            enumerations, and the notes on what could not be expressed (``plan.notes``).
    """

    xml: bytes
    plan: ExportPlan

    @property
    def ids(self) -> dict[str, str]:
        """Graph id → expanded NodeId (``nsu=<uri>;<id>``) of every written graph node."""
        return self.plan.ids

    @property
    def notes(self) -> tuple[str, ...]:
        """What could not be expressed in OPC UA, one line per reason."""
        return self.plan.notes

    @property
    def namespaces(self) -> tuple[str, ...]:
        """The document's NamespaceUris (index 1 first)."""
        return (*self.plan.own_namespaces, *self.plan.required)


def export_nodeset(graph: SchemaGraph) -> NodeSetExport:
    """Write ``graph``'s own nodes as a NodeSet2 document (see the module docstring)."""
    plan = plan_export(graph)
    return NodeSetExport(write_plan(plan), plan)


class _Writer:
    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.table = (UA_NAMESPACE, *plan.own_namespaces, *plan.required)
        self.aliases: dict[str, str] = {}

    def node_id(self, expanded: str) -> str:
        uri, identifier = split_expanded(expanded)
        if uri == UA_NAMESPACE:
            return identifier
        return f"ns={self.table.index(uri)};{identifier}"

    def aliased(self, expanded: str) -> str:
        """A base reference type or data type by its alias (asyncua reads HasTypeDefinition by name)."""
        uri, identifier = split_expanded(expanded)
        name = base_name(expanded) if uri == UA_NAMESPACE else None
        if name is None:
            return self.node_id(expanded)
        self.aliases[name] = identifier
        return name

    def browse_name(self, node: PlannedNode) -> str:
        if node.browse_namespace == UA_NAMESPACE:
            return node.browse_name
        return f"{self.table.index(node.browse_namespace)}:{node.browse_name}"

    def element(self, node: PlannedNode) -> etree._Element:
        el = etree.Element(f"{{{_UA}}}UA{node.node_class.value}", nsmap=None)
        el.set("NodeId", self.node_id(node.node_id))
        el.set("BrowseName", self.browse_name(node))
        if node.parent:
            el.set("ParentNodeId", self.node_id(node.parent))
        if node.node_class in (NodeClass.VARIABLE, NodeClass.VARIABLE_TYPE):
            el.set("DataType", self.aliased(node.data_type))
            if node.value_rank != -1:
                el.set("ValueRank", str(node.value_rank))
            if isinstance(node.value, tuple) and node.value_rank == 1:
                el.set("ArrayDimensions", str(len(node.value)))
        if node.node_class is NodeClass.VARIABLE:
            el.set("AccessLevel", "1")  # CurrentRead: the model's values are read, not written
        _texts(el, "DisplayName", node.display_names)
        _texts(el, "Description", node.descriptions)
        refs = etree.SubElement(el, f"{{{_UA}}}References")
        for ref in node.references:
            item = etree.SubElement(refs, f"{{{_UA}}}Reference", ReferenceType=self.aliased(ref.type))
            if not ref.forward:
                item.set("IsForward", "false")
            item.text = self.node_id(ref.target)
        if node.value is not None:
            self.value(etree.SubElement(el, f"{{{_UA}}}Value"), node)
        if node.definition:
            definition = etree.SubElement(el, f"{{{_UA}}}Definition", Name=self.browse_name(node))
            for field in node.definition:
                etree.SubElement(definition, f"{{{_UA}}}Field", Name=field.name, Value=str(field.value))
        return el

    def value(self, parent: etree._Element, node: PlannedNode) -> None:
        value = node.value
        if isinstance(value, UneceUnit):
            body = self.extension(parent, EU_INFORMATION, "EUInformation")
            _uax(body, "NamespaceUri", CEFACT_NAMESPACE if value.unit_id >= 0 else "")
            _uax(body, "UnitId", str(value.unit_id))
            _localized(_uax(body, "DisplayName"), value.symbol)
            _localized(_uax(body, "Description"), value.name)
        elif isinstance(value, RangeValue):
            body = self.extension(parent, ua_id(884), "Range")
            _uax(body, "Low", repr(value.low))
            _uax(body, "High", repr(value.high))
        elif value and isinstance(value[0], EnumField):
            listing = _uax(parent, "ListOfExtensionObject")
            for field in value:
                assert isinstance(field, EnumField)
                body = self.extension(listing, ua_id(7594), "EnumValueType")
                _uax(body, "Value", str(field.value))
                _localized(_uax(body, "DisplayName"), field.name)
                _localized(_uax(body, "Description"), "")
        elif isinstance(value, tuple):
            listing = _uax(parent, "ListOfLocalizedText")
            for text in value:
                _localized(_uax(listing, "LocalizedText"), str(text))

    def extension(self, parent: etree._Element, data_type: str, name: str) -> etree._Element:
        extension = _uax(parent, "ExtensionObject")
        _uax(_uax(extension, "TypeId"), "Identifier", self.node_id(_ENCODINGS[data_type]))
        return _uax(_uax(extension, "Body"), name)

    def document(self) -> bytes:
        plan = self.plan
        root = etree.Element(f"{{{_UA}}}UANodeSet", nsmap=_NSMAP)  # type: ignore[arg-type]
        uris = etree.SubElement(root, f"{{{_UA}}}NamespaceUris")
        for uri in self.table[1:]:
            etree.SubElement(uris, f"{{{_UA}}}Uri").text = uri
        models = etree.SubElement(root, f"{{{_UA}}}Models")
        for uri in plan.own_namespaces:
            model = etree.SubElement(models, f"{{{_UA}}}Model", ModelUri=uri)
            version, date = BASE_MODEL_VERSION
            etree.SubElement(
                model, f"{{{_UA}}}RequiredModel", ModelUri=UA_NAMESPACE, Version=version, PublicationDate=date
            )
            for other in plan.required:
                etree.SubElement(
                    model,
                    f"{{{_UA}}}RequiredModel",
                    ModelUri=other,
                    Version=_ANY_VERSION,
                    PublicationDate=_ANY_DATE,
                )
        aliases = etree.SubElement(root, f"{{{_UA}}}Aliases")
        nodes = [self.element(node) for node in plan.nodes]  # collects the aliases
        for name, identifier in sorted(self.aliases.items(), key=lambda item: (int(item[1][2:]), item[0])):
            etree.SubElement(aliases, f"{{{_UA}}}Alias", Alias=name).text = identifier
        root.extend(nodes)
        out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        return out


def _uax(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{_UAX}}}{name}")
    if text is not None:
        el.text = text
    return el


def _localized(parent: etree._Element, text: str) -> None:
    _uax(parent, "Text", text)


def _texts(el: etree._Element, tag: str, texts: tuple[LocalText, ...]) -> None:
    for locale, text in texts:
        sub = etree.SubElement(el, f"{{{_UA}}}{tag}")
        if locale:
            sub.set("Locale", locale)
        sub.text = text


def write_plan(plan: ExportPlan) -> bytes:
    """The NodeSet2 document of an export plan (UTF-8, with an XML declaration)."""
    return _Writer(plan).document()
