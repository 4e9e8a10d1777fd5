"""Any model as a NodeSet2 file (`adapters.opcua.nodeset_write`): read back by Tolka's own NodeSet2
adapter, imported by a real asyncua server on 127.0.0.1, byte for byte the same for the same model.

node-opcua loading the same files is tested in tests/interop/test_nodeset_export_interop.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asyncua import ua
from asyncua.client.client import Client
from lxml import etree

from adapters import load
from adapters.opcua.nodeset_write import NodeSetExport, export_nodeset
from adapters.opcua.security import ClientSecurity
from tests.address_space import browse_model
from tests.paths import TEST_DATA, VENDOR_A
from tests.servers import asyncua_server
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.translation.units import unece_table

PUMP, SAMPLES, SKID = TEST_DATA / "pump.schema.json", TEST_DATA / "messages.jsonl", TEST_DATA / "skid.rdf"
P = "urn:tolka:test:pump#"
UA = "{http://opcfoundation.org/UA/2011/03/UANodeSet.xsd}"
NONE = ClientSecurity(policy="None")
SAME_FIELDS = (
    "kind", "name", "label", "description", "datatype", "unit", "unit_label", "path", "source", "own",
    "value_rank", "modelling_rule", "enum_values", "minimum", "maximum", "labels", "descriptions",
)  # fmt: skip


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def exported(model: Path | SchemaGraph, folder: Path) -> tuple[SchemaGraph, NodeSetExport, SchemaGraph]:
    """The model's graph, its export (written to ``folder``), and the export read back by Tolka."""
    graph = model if isinstance(model, SchemaGraph) else load(model)
    export = export_nodeset(graph)
    path = folder / "model.NodeSet2.xml"
    path.write_bytes(export.xml)
    return graph, export, load(path)


def back(export: NodeSetExport, read: SchemaGraph, graph_id: str) -> Node:
    """The node read back from the file that stands for the graph node ``graph_id``."""
    return read[export.ids[graph_id]]


# -- (a) Tolka's own NodeSet2 adapter reads it back ------------------------------------------------
def test_a_json_schema_reads_back_with_its_types_units_and_enumerations(tmp_path: Path) -> None:
    graph, export, read = exported(PUMP, tmp_path)
    assert export.notes == ()
    assert set(export.ids) == {n.id for n in graph.own_nodes()}  # every node of the schema is written
    uri = "urn:tolka:test:pump"  # the schema's $id is the namespace; ids are string NodeIds of the graph ids
    assert export.ids[P + "/properties/pump"] == f"nsu={uri};s={P}/properties/pump"
    assert read.namespaces == [uri]
    speed = back(export, read, P + "/properties/pump/properties/speed")
    assert (speed.kind, speed.name, speed.label, speed.datatype) == (
        NodeKind.VARIABLE,
        "speed",
        "Pump speed",
        "Double",
    )
    assert (speed.unit, speed.unit_label) == ("RPM", unece_table()["RPM"].symbol)
    assert speed.path == "/Objects/Pump telemetry/pump/speed"
    temperature = back(export, read, P + "/properties/readings/items/properties/temperature")
    assert (temperature.unit, temperature.description) == ("CEL", "Tank temperature")
    assert back(export, read, P + "/properties/readings/items/properties/time").datatype == "DateTime"
    assert back(export, read, P + "/properties/pump/properties/running").datatype == "Boolean"
    assert back(export, read, P + "/properties/readings").kind is NodeKind.OBJECT  # holds members
    state = back(export, read, P + "/properties/pump/properties/state")  # $ref to the enumeration
    assert (state.datatype, state.enum_values) == ("State", ("stopped=0", "running=1", "fault=2"))
    # definitions are types: an enumeration, and object types with one supertype and their members
    state_type = back(export, read, P + "/$defs/State")
    assert (state_type.kind, state_type.path) == (
        NodeKind.DATA_TYPE,
        "/Types/DataTypes/BaseDataType/Enumeration/State",
    )
    site = back(export, read, P + "/$defs/Site")
    assert (site.kind, site.path) == (NodeKind.OBJECT_TYPE, "/Types/ObjectTypes/BaseObjectType/Named/Site")
    member = back(export, read, P + "/$defs/Site/allOf/1/properties/area~0~1line")
    assert (member.name, member.modelling_rule, member.datatype) == ("area~/line", "Optional", "String")
    site_object = export.ids[P + "/properties/site"]
    assert (site_object, export.ids[P + "/$defs/Site"], "HasTypeDefinition") in set(read.edges())
    # what the export adds: EngineeringUnits of the two variables with units, EnumStrings of the enumeration
    added = {n.id for n in read.own_nodes()} - set(export.ids.values())
    assert sorted(read[n].name for n in added) == ["EngineeringUnits", "EngineeringUnits", "EnumStrings"]


def test_a_sample_messages_read_back(tmp_path: Path) -> None:
    graph, export, read = exported(SAMPLES, tmp_path)
    assert set(export.ids) == {n.id for n in graph.own_nodes()}
    assert export.plan.model_uri == "urn:tolka:model:messages.jsonl"  # a file name is no URI
    level = back(export, read, "messages.jsonl#/tank/level")
    assert (level.kind, level.datatype, level.path) == (
        NodeKind.VARIABLE,
        "Double",
        "/Objects/messages.jsonl/tank/level",
    )
    # the text values the messages showed are an enumeration of the field's own
    state = back(export, read, "messages.jsonl#/pump/state")
    assert (state.datatype, state.enum_values) == ("stateEnumeration", ("RUN=0", "OFF=1"))
    assert back(export, read, "messages.jsonl#/ts").datatype == "DateTime"
    # values that are no enumeration are reported, not dropped without a word
    assert any("messages.jsonl#/ts" in note and "not written" in note for note in export.notes)


def test_a_ontology_classes_become_object_types(tmp_path: Path) -> None:
    graph, export, read = exported(SKID, tmp_path)
    skid = "urn:tolka:test:skid#"
    assert set(export.ids) == {n.id for n in graph.own_nodes()}
    pump = back(export, read, skid + "Pump")
    assert (pump.kind, pump.path) == (
        NodeKind.OBJECT_TYPE,
        "/Types/ObjectTypes/BaseObjectType/Equipment/Pump",
    )
    assert dict(pump.labels) == {"en": "Pump", "de": "Pumpe"}
    assert pump.description == "Moves liquid."
    speed = back(export, read, skid + "speed")  # a datatype property of Pump: its member
    assert (speed.kind, speed.datatype, speed.path) == (
        NodeKind.VARIABLE,
        "Double",
        "/Types/ObjectTypes/BaseObjectType/Equipment/Pump/speed",
    )
    motor = export.ids[skid + "hasMotor"]  # an object property: a member of its domain, typed by its range
    assert (motor, export.ids[skid + "Motor"], "HasTypeDefinition") in set(read.edges())
    assert any("owl:onProperty ×1" in note for note in export.notes)


def test_a_an_opc_ua_model_reads_back_the_same(tmp_path: Path) -> None:
    graph, export, read = exported(VENDOR_A, tmp_path)
    assert export.notes == ()
    assert {n.id for n in read.own_nodes()} == {n.id for n in graph.own_nodes()}  # ids kept, nothing added
    units = unece_table()
    for node in graph.own_nodes():
        again = read[node.id]
        for field in SAME_FIELDS:
            if field == "unit_label" and node.unit in units:
                # EngineeringUnits are written from the unit table: its symbol, which is the model's own
                # with the OPC Foundation's table (TOLKA_UNECE_TABLE), and may be spelled otherwise with
                # the built-in one ("%" for vendor A's "% or pct")
                assert again.unit_label == units[node.unit].symbol, node.id
                continue
            assert getattr(again, field) == getattr(node, field), (node.id, field)
    own = {n.id for n in graph.own_nodes()}
    assert {e for e in read.edges() if own & {e.source, e.target}} == {
        e for e in graph.edges() if own & {e.source, e.target}
    }


# -- the document itself ------------------------------------------------------------------------
def test_the_document_declares_its_model_and_escapes_what_it_must(tmp_path: Path) -> None:
    graph = SchemaGraph("urn:x:odd")
    graph.add_node(Node("urn:x:odd#", NodeKind.OBJECT, "root"))
    odd = 'a<b & "c">'
    graph.add_node(Node("urn:x:odd#/" + odd, NodeKind.FIELD, odd, datatype="number", description="x < y"))
    graph.add_node(Node("urn:x:odd#/bad", NodeKind.FIELD, "bad\x01", datatype="number"))
    graph.add_edge("urn:x:odd#", "urn:x:odd#/" + odd, "child")
    graph.add_edge("urn:x:odd#", "urn:x:odd#/bad", "child")
    _, export, read = exported(graph, tmp_path)
    root = etree.fromstring(export.xml)
    assert [u.text for u in root.find(f"{UA}NamespaceUris")] == ["urn:x:odd"]
    model = root.find(f"{UA}Models/{UA}Model")
    assert model is not None
    assert model.get("ModelUri") == "urn:x:odd"
    required = model.find(f"{UA}RequiredModel")
    assert required is not None
    assert required.get("ModelUri") == "http://opcfoundation.org/UA/"
    assert {a.get("Alias") for a in root.find(f"{UA}Aliases")} >= {"Double", "HasComponent", "Organizes"}
    variable = next(el for el in root.iter(f"{UA}UAVariable") if el.get("BrowseName") == f"1:{odd}")
    assert (variable.get("DataType"), variable.get("AccessLevel")) == ("Double", "1")  # read-only
    assert back(export, read, "urn:x:odd#/" + odd).description == "x < y"
    # a name XML cannot carry is not written, and said so
    assert "urn:x:odd#/bad" not in export.ids
    assert any("characters XML cannot carry" in note and "urn:x:odd#/bad" in note for note in export.notes)


def test_e_the_same_model_gives_the_same_bytes() -> None:
    for model in (PUMP, SAMPLES, SKID, VENDOR_A):
        graph = load(model)
        shuffled = SchemaGraph(graph.name, sources=graph.sources, namespaces=graph.namespaces)
        shuffled.add_nodes(reversed(list(graph.nodes())))
        shuffled.add_edges(reversed(list(graph.edges())))
        first = export_nodeset(graph).xml
        assert export_nodeset(load(model)).xml == first, model
        assert export_nodeset(shuffled).xml == first, model  # the order nodes were added in does not matter
        assert b"LastModified" not in first  # no date of today: the same model, the same bytes


def test_d_enumerations_are_enumeration_data_types_with_their_strings() -> None:
    export = export_nodeset(load(PUMP))
    root = etree.fromstring(export.xml)
    state = export.ids[P + "/$defs/State"].split(";", 1)[1]
    data_type = next(el for el in root.iter(f"{UA}UADataType") if el.get("NodeId") == f"ns=1;{state}")
    supertype = data_type.find(f"{UA}References/{UA}Reference[@ReferenceType='HasSubtype']")
    assert supertype is not None
    assert (supertype.text, supertype.get("IsForward")) == ("i=29", "false")
    fields = data_type.findall(f"{UA}Definition/{UA}Field")
    assert [(f.get("Name"), f.get("Value")) for f in fields] == [
        ("stopped", "0"),
        ("running", "1"),
        ("fault", "2"),
    ]
    strings = next(el for el in root.iter(f"{UA}UAVariable") if el.get("ParentNodeId") == f"ns=1;{state}")
    assert strings.get("BrowseName") == "EnumStrings"
    texts = [t.text for t in strings.iter("{http://opcfoundation.org/UA/2008/02/Types.xsd}Text")]
    assert texts == ["stopped", "running", "fault"]
    assert export.plan.enumerations[P + "/properties/pump/properties/state"] == {
        "stopped": 0,
        "running": 1,
        "fault": 2,
    }


def test_d_integer_values_are_enum_values() -> None:
    graph = SchemaGraph("urn:x:codes")
    graph.add_node(
        Node(
            "urn:x:codes#/$defs/Code", NodeKind.DATA_TYPE, "Code", datatype="integer", enum_values=("1", "5")
        )
    )
    export = export_nodeset(graph)
    planned = next(n for n in export.plan.nodes if n.browse_name == "EnumValues")
    assert [(f.name, f.value) for f in planned.value] == [("1", 1), ("5", 5)]  # type: ignore[union-attr]


def test_what_opc_ua_cannot_say_is_reported() -> None:
    graph = SchemaGraph("urn:x:onto")
    for name in ("A", "B", "C"):
        graph.add_node(Node(f"urn:x:onto#{name}", NodeKind.CLASS, name))
    graph.add_node(Node("urn:x:onto#note", NodeKind.ANNOTATION_PROPERTY, "note"))
    graph.add_node(Node("urn:x:onto#loose", NodeKind.OBJECT_PROPERTY, "loose"))
    graph.add_node(
        Node("urn:x:onto#size", NodeKind.DATATYPE_PROPERTY, "size", datatype="xsd:gYear", unit="furlong")
    )
    graph.add_edge("urn:x:onto#C", "urn:x:onto#A", "rdfs:subClassOf")
    graph.add_edge("urn:x:onto#C", "urn:x:onto#B", "rdfs:subClassOf")
    graph.add_edge("urn:x:onto#A", "urn:x:onto#B", "owl:disjointWith")
    export = export_nodeset(graph)
    notes = "\n".join(export.notes)
    assert (
        "an OPC UA type has one supertype; left out: urn:x:onto#C -> nsu=urn:x:onto;s=urn:x:onto#B" in notes
    )
    assert "annotation property has no OPC UA counterpart: urn:x:onto#note" in notes
    assert "an object property without a domain class of the model has no place: urn:x:onto#loose" in notes
    assert "owl:disjointWith ×1" in notes
    assert "'xsd:gYear' has no OPC UA counterpart" in notes
    assert "'furlong' is no UNECE common code" in notes
    assert {"urn:x:onto#A", "urn:x:onto#B", "urn:x:onto#C", "urn:x:onto#size"} == set(export.ids)


# -- (b) a real asyncua server imports it ---------------------------------------------------------
@pytest.fixture
async def served_pump(tmp_path: Path) -> AsyncIterator[tuple[str, NodeSetExport]]:
    export = export_nodeset(load(PUMP))
    path = tmp_path / "pump.NodeSet2.xml"
    path.write_bytes(export.xml)
    async with asyncua_server(path) as server:
        yield server.endpoint.geturl(), export


@pytest.mark.anyio
async def test_b_asyncua_serves_the_variables_with_their_types_and_units(
    served_pump: tuple[str, NodeSetExport],
) -> None:
    url, _ = served_pump
    async with Client(url) as client:
        ns = await client.get_namespace_index("urn:tolka:test:pump")
        tree = await browse_model(client.get_node, ns)
        instances = sorted(
            name
            for key, (name, node_class, _, _) in tree.items()
            if node_class == "Variable" and "#/properties/" in key and name != "0:EngineeringUnits"
        )
        assert instances == [f"{ns}:{n}" for n in ("running", "speed", "state", "temperature", "time")]
        units_held = {unit for name, _, _, unit in tree.values() if name == "0:EngineeringUnits"}
        assert units_held == {unece_table()["RPM"].unit_id, unece_table()["CEL"].unit_id}
        speed = client.get_node(f"ns={ns};s={P}/properties/pump/properties/speed")
        assert await speed.read_data_type() == ua.NodeId(ua.ObjectIds.Double)
        access = await speed.read_attribute(ua.AttributeIds.AccessLevel)
        assert access.Value.Value == ua.AccessLevel.CurrentRead.mask  # read-only
        units = await (await speed.get_child("0:EngineeringUnits")).read_value()
        assert (units.UnitId, units.DisplayName.Text) == (
            unece_table()["RPM"].unit_id,
            unece_table()["RPM"].symbol,
        )
        assert units.NamespaceUri == "http://www.opcfoundation.org/UA/units/un/cefact"
        temperature = await client.nodes.objects.get_child(
            [f"{ns}:Pump telemetry", f"{ns}:readings", f"{ns}:temperature", "0:EngineeringUnits"]
        )
        assert (await temperature.read_value()).UnitId == unece_table()["CEL"].unit_id == 4408652
        # (d) the enumeration: a subtype of Enumeration, its EnumStrings, the state variable of that type
        state = client.get_node(f"ns={ns};s={P}/properties/pump/properties/state")
        data_type = client.get_node(await state.read_data_type())
        assert (await data_type.read_browse_name()).Name == "State"
        assert ua.NodeId(ua.ObjectIds.Enumeration) in [n.nodeid for n in await data_type.get_path()]
        strings = await (await data_type.get_child("0:EnumStrings")).read_value()
        assert [s.Text for s in strings] == ["stopped", "running", "fault"]


# -- a browsed live server, exported and read back -----------------------------------------------
@pytest.mark.anyio
async def test_a_live_server_exports_to_the_model_it_serves(tmp_path: Path) -> None:
    async with asyncua_server(VENDOR_A) as server:  # this loop serves the server: load in a thread
        live = await asyncio.to_thread(load, server.endpoint.geturl(), security=NONE)
    _, export, read = exported(live, tmp_path)
    assert export.plan.model_uri == "http://tolka.dev/demo/VendorA/"
    assert {n.id for n in read.own_nodes()} == {n.id for n in live.own_nodes()}
    temperature = read["nsu=http://tolka.dev/demo/VendorA/;i=6055"]
    assert (temperature.path, temperature.unit, temperature.datatype) == (
        "/Objects/PumpSkid1/Tank/Temperature",
        "CEL",
        "Double",
    )
    assert (temperature.minimum, temperature.maximum) == (0.0, 120.0)
    assert read["nsu=http://tolka.dev/demo/VendorA/;i=6073"].enum_values == (
        "Stopped=0",
        "Running=1",
        "Fault=2",
    )
