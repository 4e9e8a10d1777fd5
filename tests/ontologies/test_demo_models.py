"""Checks for the demo models shipped in ``ontologies/``.

The two NodeSet2 files describe the same physical pump skid: vendor A as a modern, typed OPC UA model,
vendor B as a flat legacy PLC tag table. Each nodeset is imported into a real asyncua server and read
back through a real asyncua client over opc.tcp on 127.0.0.1. ``plant.ttl`` is checked with rdflib.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.resources
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from asyncua import Client, Server, ua
from asyncua.common.xmlparser import XMLParser
from lxml import etree
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from tests.servers import asyncua_server

VENDOR_A = "VendorA.PumpSkid.NodeSet2.xml"
VENDOR_B = "VendorB.LegacySkid.NodeSet2.xml"
URI_A = "http://tolka.dev/demo/VendorA/"
URI_B = "http://tolka.dev/demo/VendorB/"
BASE_URI = "http://opcfoundation.org/UA/"
CEFACT = "http://www.opcfoundation.org/UA/units/un/cefact"

UANS = "http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"
UAX = "http://opcfoundation.org/UA/2008/02/Types.xsd"
NS = {"n": UANS, "uax": UAX}
NODE_TAGS = (
    "UAObject",
    "UAVariable",
    "UAMethod",
    "UAObjectType",
    "UAVariableType",
    "UADataType",
    "UAReferenceType",
    "UAView",
)
# Reference types whose forward direction points from parent to child.
HIERARCHICAL = {"HasComponent", "HasProperty", "Organizes", "i=47", "i=46", "i=35"}

PLANT = Namespace("http://tolka.dev/ontology/plant#")
SOSA = Namespace("http://www.w3.org/ns/sosa/")
QUDT_UNIT = URIRef("http://qudt.org/schema/qudt/unit")
UNIT = Namespace("http://qudt.org/vocab/unit/")


def unece_unit_id(code: str) -> int:
    """OPC 10000-8 UnitId of a UNECE Rec. 20 common code."""
    uid = 0
    for char in code[:3]:
        uid = (uid << 8) | ord(char)
    return uid


def test_unece_unit_id_matches_opc_foundation_table() -> None:
    # Spot values from the OPC Foundation UNECE_to_OPCUA.csv table.
    assert unece_unit_id("CEL") == 4408652
    assert unece_unit_id("MTR") == 5067858
    assert unece_unit_id("P1") == 20529
    assert unece_unit_id("G2") == 18226


# ---------------------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def model_file(*parts: str) -> Iterator[Path]:
    """Real filesystem path of a file in the ``ontologies`` package (checkout fallback)."""
    try:
        resource = importlib.resources.files("ontologies").joinpath(*parts)
        found = resource.is_file()
    except (ModuleNotFoundError, TypeError):
        found = False
    if found:
        with importlib.resources.as_file(resource) as path:
            yield Path(path)
        return
    path = Path(__file__).resolve().parents[2].joinpath("ontologies", *parts)
    assert path.is_file(), path
    yield path


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.asynccontextmanager
async def serve(model: Path) -> AsyncIterator[Client]:
    """Import ``model`` into a fresh asyncua server and yield a client connected to it."""

    async def imported(server: Server) -> None:
        importer_log = logging.getLogger("asyncua.common.xmlimporter")
        collect = _Collect()
        importer_log.addHandler(collect)
        try:
            added = await server.import_xml(str(model))
        finally:
            importer_log.removeHandler(collect)
        assert added, "import_xml added no nodes"
        assert not collect.records, [r.getMessage() for r in collect.records]

    async with (
        asyncua_server(
            path="/tolka/demo/",
            name="Tolka demo model test server",
            security_policies=[ua.SecurityPolicyType.NoSecurity],
            configure=imported,
        ) as server,
        Client(server.endpoint.geturl(), timeout=10) as client,
    ):
        yield client


async def read_unit(node: Any) -> ua.EUInformation:
    eu_node = await node.get_child("0:EngineeringUnits")
    eu = await eu_node.read_value()
    assert isinstance(eu, ua.EUInformation)
    return eu


async def check_variable(
    client: Client, idx: int, path: tuple[str, ...], expected: Any, code: str | None
) -> None:
    node = await client.nodes.objects.get_child([f"{idx}:{name}" for name in path])
    value = await node.read_value()
    if isinstance(expected, float):
        assert value == pytest.approx(expected), path
    else:
        assert value == expected, path
        assert type(value) is type(expected), path
    if code is None:
        return
    eu = await read_unit(node)
    assert eu.NamespaceUri == CEFACT, path
    assert eu.UnitId == unece_unit_id(code), (path, code, eu.UnitId)
    assert eu.DisplayName.Text, path
    assert eu.Description.Text, path


# ---------------------------------------------------------------------------------------- expectations

# (browse path below Objects, initial value, UNECE code or None)
VENDOR_A_VARIABLES: list[tuple[tuple[str, ...], Any, str | None]] = [
    (("PumpSkid1", "Identification", "Manufacturer"), "Vendor A AB", None),
    (("PumpSkid1", "Identification", "Model"), "PS-200", None),
    (("PumpSkid1", "Identification", "SerialNumber"), "A-0001", None),
    (("PumpSkid1", "Tank", "Level"), 1.42, "MTR"),
    (("PumpSkid1", "Tank", "Temperature"), 62.5, "CEL"),
    (("PumpSkid1", "Tank", "Volume"), 5.68, "MTQ"),
    (("PumpSkid1", "Pump", "Speed"), 1450.0, "RPM"),
    (("PumpSkid1", "Pump", "MotorCurrent"), 12.6, "AMP"),
    (("PumpSkid1", "Pump", "DischargePressure"), 4.2, "BAR"),
    (("PumpSkid1", "Pump", "Flow"), 18.5, "MQH"),
    (("PumpSkid1", "Pump", "State"), 1, None),
    (("PumpSkid1", "Pump", "RunHours"), 12873.5, "HUR"),
    (("PumpSkid1", "Pump", "StartCount"), 342, None),
    (("PumpSkid1", "Pump", "Fault"), False, None),
    (("PumpSkid1", "Heater", "Power"), 7.5, "KWT"),
    (("PumpSkid1", "Heater", "OutletTemperature"), 65.0, "CEL"),
    (("PumpSkid1", "Heater", "Enabled"), True, None),
    (("PumpSkid1", "InletValve", "Position"), 75.0, "P1"),
    (("PumpSkid1", "InletValve", "Open"), True, None),
    (("PumpSkid1", "OutletValve", "Position"), 60.0, "P1"),
    (("PumpSkid1", "OutletValve", "Open"), True, None),
    (("PumpSkid1", "Inflow"), 18.2, "MQH"),
    (("PumpSkid1", "Outflow"), 18.5, "MQH"),
]

_PLC = ("Skid_01", "PLC")
VENDOR_B_VARIABLES: list[tuple[tuple[str, ...], Any, str | None]] = [
    ((*_PLC, "AnalogInputs", "LT_101"), 55.91, "INH"),
    ((*_PLC, "AnalogInputs", "TT_102"), 144.5, "FAH"),
    ((*_PLC, "AnalogInputs", "TT_103"), 149.0, "FAH"),
    ((*_PLC, "AnalogInputs", "PT_104"), 60.92, "PS"),
    ((*_PLC, "AnalogInputs", "FT_105"), 80.13, "G2"),
    ((*_PLC, "AnalogInputs", "FT_106"), 81.45, "G2"),
    ((*_PLC, "AnalogInputs", "SC_107"), 24.17, "HTZ"),
    ((*_PLC, "AnalogInputs", "IT_108"), 12.6, "AMP"),
    ((*_PLC, "AnalogInputs", "ZT_109"), 60.0, "P1"),
    ((*_PLC, "AnalogInputs", "ZT_110"), 75.0, "P1"),
    ((*_PLC, "AnalogInputs", "JT_111"), 10.06, "BHP"),
    ((*_PLC, "AnalogInputs", "AT_117"), 420.0, "G42"),
    ((*_PLC, "AnalogInputs", "PT_118"), 7.25, "PS"),
    ((*_PLC, "DigitalInputs", "XS_112"), 20, None),
    ((*_PLC, "DigitalInputs", "XA_113"), False, None),
    ((*_PLC, "DigitalInputs", "XS_114"), True, None),
    ((*_PLC, "Counters", "KQ_115"), 46344600.0, "SEC"),
    ((*_PLC, "Counters", "KC_116"), 342, None),
]


# ---------------------------------------------------------------------------------------- served models


def test_vendor_a_served_by_asyncua() -> None:
    async def run() -> None:
        with model_file("demo", VENDOR_A) as path:
            async with serve(path) as client:
                idx = await client.get_namespace_index(URI_A)
                assert idx > 0
                for path_, expected, code in VENDOR_A_VARIABLES:
                    await check_variable(client, idx, path_, expected, code)

                speed = await client.nodes.objects.get_child(
                    [f"{idx}:PumpSkid1", f"{idx}:Pump", f"{idx}:Speed"]
                )
                assert (await speed.read_type_definition()) == ua.NodeId(ua.ObjectIds.AnalogItemType)
                rng = await (await speed.get_child("0:EURange")).read_value()
                assert isinstance(rng, ua.Range)
                assert (rng.Low, rng.High) == (0.0, 3000.0)
                # The English description is listed last, which is the one asyncua keeps.
                assert (await speed.read_description()).Text == "Rotational speed of the pump shaft."

                eu = await read_unit(
                    await client.nodes.objects.get_child(
                        [f"{idx}:PumpSkid1", f"{idx}:Tank", f"{idx}:Temperature"]
                    )
                )
                assert (eu.UnitId, eu.DisplayName.Text, eu.DisplayName.Locale) == (4408652, "°C", "en")
                assert eu.Description.Text == "degree Celsius"

                state = await client.nodes.objects.get_child(
                    [f"{idx}:PumpSkid1", f"{idx}:Pump", f"{idx}:State"]
                )
                state_type = client.get_node(await state.read_data_type())
                assert (await state_type.read_browse_name()).Name == "PumpStateEnumeration"
                strings = await (await state_type.get_child("0:EnumStrings")).read_value()
                assert [s.Text for s in strings] == ["Stopped", "Running", "Fault"]

                skid = await client.nodes.objects.get_child(f"{idx}:PumpSkid1")
                skid_type = client.get_node(await skid.read_type_definition())
                assert (await skid_type.read_browse_name()).Name == "PumpSkidType"

    asyncio.run(run())


def test_vendor_b_served_by_asyncua() -> None:
    async def run() -> None:
        with model_file("demo", VENDOR_B) as path:
            async with serve(path) as client:
                idx = await client.get_namespace_index(URI_B)
                assert idx > 0
                for path_, expected, code in VENDOR_B_VARIABLES:
                    await check_variable(client, idx, path_, expected, code)

                tt = await client.nodes.objects.get_child(
                    [f"{idx}:{p}" for p in (*_PLC, "AnalogInputs", "TT_102")]
                )
                eu = await read_unit(tt)
                assert (eu.UnitId, eu.DisplayName.Text) == (4604232, "°F")
                assert "temperature" in (await tt.read_description()).Text

                status = await client.nodes.objects.get_child(
                    [f"{idx}:{p}" for p in (*_PLC, "DigitalInputs", "XS_112")]
                )
                status_type = client.get_node(await status.read_data_type())
                assert (await status_type.read_browse_name()).Name == "PumpStatusCode"
                enum_values = await (await status_type.get_child("0:EnumValues")).read_value()
                assert [(e.Value, e.DisplayName.Text) for e in enum_values] == [
                    (10, "OFF"),
                    (20, "RUN"),
                    (90, "TRIP"),
                ]

                plc = await client.nodes.objects.get_child([f"{idx}:Skid_01", f"{idx}:PLC"])
                plc_type = client.get_node(await plc.read_type_definition())
                assert (await plc_type.read_browse_name()).Name == "ControllerType"

    asyncio.run(run())


# ---------------------------------------------------------------------------------------- nodeset structure


def _load(name: str) -> etree._Element:
    with model_file("demo", name) as path:
        return etree.parse(str(path)).getroot()


def _nodes(root: etree._Element) -> list[etree._Element]:
    return [el for el in root if etree.QName(el).localname in NODE_TAGS]


def _aliases(root: etree._Element) -> dict[str, str]:
    return {str(a.get("Alias")): str(a.text) for a in root.iterfind("n:Aliases/n:Alias", NS)}


def _refs(node: etree._Element, aliases: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(ReferenceType, target NodeId with aliases resolved, IsForward) of a node's references."""
    out = []
    for ref in node.iterfind("n:References/n:Reference", NS):
        rtype = str(ref.get("ReferenceType"))
        target = str(ref.text).strip()
        forward = ref.get("IsForward", "true").lower() != "false"
        out.append((rtype, aliases.get(target, target), forward))
    return out


@pytest.mark.parametrize(("name", "uri"), [(VENDOR_A, URI_A), (VENDOR_B, URI_B)])
def test_nodeset_header_and_asyncua_parser(name: str, uri: str) -> None:
    root = _load(name)
    assert etree.QName(root).namespace == UANS
    assert [u.text for u in root.iterfind("n:NamespaceUris/n:Uri", NS)] == [uri]
    (model,) = root.iterfind("n:Models/n:Model", NS)
    assert model.get("ModelUri") == uri
    required = [r.attrib for r in model.iterfind("n:RequiredModel", NS)]
    assert [(r["ModelUri"], r["Version"], r["PublicationDate"]) for r in required] == [
        (BASE_URI, "1.05.03", "2023-12-15T00:00:00Z")
    ]

    parser = XMLParser()
    with model_file("demo", name) as path:
        parser.parse_sync(str(path))
    assert parser.get_used_namespaces() == [uri]
    datas = parser.get_node_datas()
    assert len(datas) == len(_nodes(root))
    assert all(d.nodeid.startswith("ns=1;i=") for d in datas)
    assert {d.nodeid for d in datas} == {n.get("NodeId") for n in _nodes(root)}


@pytest.mark.parametrize("name", [VENDOR_A, VENDOR_B])
def test_nodeset_internal_consistency(name: str) -> None:
    root = _load(name)
    aliases = _aliases(root)
    nodes = {str(n.get("NodeId")): n for n in _nodes(root)}
    assert len(nodes) == len(_nodes(root)), "duplicate NodeIds"
    refs = {nid: _refs(n, aliases) for nid, n in nodes.items()}

    used_aliases: set[str] = set()
    for nid, node in nodes.items():
        assert node.findtext("n:DisplayName", namespaces=NS), nid
        assert node.findall("n:Description", NS), nid
        if node.get("DataType"):
            used_aliases.add(str(node.get("DataType")))
        for ref in node.iterfind("n:References/n:Reference", NS):
            used_aliases.update({str(ref.get("ReferenceType")), str(ref.text).strip()})
        # every ns=1 NodeId referenced anywhere exists in the file
        targets = [t for _, t, _ in refs[nid]]
        for attr in ("ParentNodeId", "DataType"):
            value = node.get(attr)
            if value:
                targets.append(aliases.get(value, value))
        for target in targets:
            if target.startswith("ns=1;"):
                assert target in nodes, (nid, target)
        assert sum(1 for r, _, _ in refs[nid] if r == "HasTypeDefinition") == (
            1 if etree.QName(node).localname in ("UAObject", "UAVariable") else 0
        ), nid

    assert set(aliases) <= used_aliases, set(aliases) - used_aliases

    # hierarchical references are stored in both directions; ParentNodeId agrees with them
    for nid, node_refs in refs.items():
        for rtype, target, forward in node_refs:
            if rtype in HIERARCHICAL and target in nodes:
                assert (rtype, nid, not forward) in refs[target], (nid, rtype, target, forward)
        parents = [(r, t) for r, t, f in node_refs if r in HIERARCHICAL and not f]
        parent_id = nodes[nid].get("ParentNodeId")
        if parent_id:
            assert any(t == parent_id and r in {"HasComponent", "HasProperty"} for r, t in parents), nid
        if etree.QName(nodes[nid]).localname in ("UAObject", "UAVariable"):
            assert len(parents) == 1, (nid, parents)


@pytest.mark.parametrize(("name", "instances"), [(VENDOR_A, 7), (VENDOR_B, 1)])
def test_instances_mirror_their_type(name: str, instances: int) -> None:
    """Every member of an instance of a model-defined ObjectType is one of its instance declarations
    (same BrowseName, reference type, type definition and DataType); all Mandatory ones are present."""
    root = _load(name)
    aliases = _aliases(root)
    nodes = {str(n.get("NodeId")): n for n in _nodes(root)}

    def children(nid: str) -> dict[str, tuple[str, str, str, str | None, str | None]]:
        out = {}
        for rtype, target, forward in _refs(nodes[nid], aliases):
            if forward and rtype in {"HasComponent", "HasProperty"}:
                child = nodes[target]
                child_refs = _refs(child, aliases)
                typedef = next(t for r, t, _ in child_refs if r == "HasTypeDefinition")
                rule = next((t for r, t, _ in child_refs if r == "HasModellingRule"), None)
                out[str(child.get("BrowseName"))] = (target, rtype, typedef, child.get("DataType"), rule)
        return out

    checked = 0
    for nid, node in nodes.items():
        if etree.QName(node).localname != "UAObject":
            continue
        node_refs = _refs(node, aliases)
        if any(r == "HasModellingRule" for r, _, _ in node_refs):
            continue  # instance declaration, not an instance
        typedef = next(t for r, t, _ in node_refs if r == "HasTypeDefinition")
        if not typedef.startswith("ns=1;"):
            continue
        decls = children(typedef)
        members = children(nid)
        for browse, (_, rtype, child_type, data_type, rule) in members.items():
            assert browse in decls, (nid, browse)
            assert decls[browse][1:4] == (rtype, child_type, data_type), (nid, browse)
            assert rule is None, (nid, browse)
        for browse, decl in decls.items():
            if decl[4] == "i=78":
                assert browse in members, (nid, browse)
        for browse, (member_id, *_) in members.items():
            # the properties of instance variables (EURange, EngineeringUnits) mirror their declaration
            if etree.QName(nodes[member_id]).localname == "UAVariable":
                assert set(children(member_id)) == set(children(decls[browse][0])), (nid, browse)
        checked += 1
    assert checked == instances  # A: skid + its 6 typed components; B: the PLC


def _value(root: etree._Element, browse_path: tuple[str, ...]) -> float:
    """Follow forward hierarchical references by BrowseName from the node organized by Objects."""
    aliases = _aliases(root)
    nodes = {str(n.get("NodeId")): n for n in _nodes(root)}
    current = next(
        n
        for n in nodes.values()
        if ("Organizes", "i=85", False) in _refs(n, aliases) and n.get("BrowseName") == f"1:{browse_path[0]}"
    )
    for name in browse_path[1:]:
        current = next(
            nodes[t]
            for r, t, f in _refs(current, aliases)
            if f and r in HIERARCHICAL and nodes[t].get("BrowseName") == f"1:{name}"
        )
    text = str(current.findtext("n:Value/*", namespaces=NS))
    return float(text == "true") if text in ("true", "false") else float(text)


def test_vendors_describe_the_same_physical_state() -> None:
    """Ground truth for the A <-> B mapping: the initial values agree after unit conversion."""
    a, b = _load(VENDOR_A), _load(VENDOR_B)
    ai, di, ct = (*_PLC, "AnalogInputs"), (*_PLC, "DigitalInputs"), (*_PLC, "Counters")
    pairs = [
        (("Tank", "Level"), (*ai, "LT_101"), lambda m: m / 0.0254),
        (("Tank", "Temperature"), (*ai, "TT_102"), lambda c: c * 9 / 5 + 32),
        (("Heater", "OutletTemperature"), (*ai, "TT_103"), lambda c: c * 9 / 5 + 32),
        (("Pump", "DischargePressure"), (*ai, "PT_104"), lambda bar: bar * 1e5 / 6894.757),
        (("Inflow",), (*ai, "FT_105"), lambda q: q / 0.2271247),
        (("Outflow",), (*ai, "FT_106"), lambda q: q / 0.2271247),
        (("Pump", "Speed"), (*ai, "SC_107"), lambda rpm: rpm / 60),
        (("Pump", "MotorCurrent"), (*ai, "IT_108"), lambda amp: amp),
        (("OutletValve", "Position"), (*ai, "ZT_109"), lambda pct: pct),
        (("InletValve", "Position"), (*ai, "ZT_110"), lambda pct: pct),
        (("Heater", "Power"), (*ai, "JT_111"), lambda kw: kw * 1000 / 745.69987),
        (("Pump", "Fault"), (*di, "XA_113"), lambda x: x),
        (("Heater", "Enabled"), (*di, "XS_114"), lambda x: x),
        (("Pump", "RunHours"), (*ct, "KQ_115"), lambda h: h * 3600),
        (("Pump", "StartCount"), (*ct, "KC_116"), lambda n: n),
    ]
    for a_path, b_path, convert in pairs:
        expected = convert(_value(a, ("PumpSkid1", *a_path)))
        assert _value(b, b_path) == pytest.approx(expected, rel=1e-3, abs=0.01), (a_path, b_path)
    # PumpStateEnumeration Running (1) <-> PumpStatusCode RUN (20)
    assert (_value(a, ("PumpSkid1", "Pump", "State")), _value(b, (*di, "XS_112"))) == (1.0, 20.0)


# ---------------------------------------------------------------------------------------- plant ontology


def _plant() -> Graph:
    graph = Graph()
    with model_file("plant.ttl") as path:
        graph.parse(str(path), format="turtle")
    return graph


def _terms(graph: Graph, rdf_type: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, rdf_type) if isinstance(s, URIRef) and s.startswith(PLANT)}


def test_plant_ontology_terms() -> None:
    graph = _plant()
    assert (URIRef("http://tolka.dev/ontology/plant"), RDF.type, OWL.Ontology) in graph

    classes = _terms(graph, OWL.Class)
    assert {c.removeprefix(str(PLANT)) for c in classes} == {
        "Equipment",
        "Pump",
        "Tank",
        "Heater",
        "Valve",
        "Skid",
        "Sensor",
        "Measurement",
    }
    assert (PLANT.Sensor, RDFS.subClassOf, SOSA.Sensor) in graph
    for equipment in ("Pump", "Tank", "Heater", "Valve", "Skid"):
        assert (PLANT[equipment], RDFS.subClassOf, PLANT.Equipment) in graph

    object_props = _terms(graph, OWL.ObjectProperty)
    assert object_props == {PLANT.hasPart, PLANT.hasSensor, PLANT.observes}
    assert (PLANT.hasPart, RDFS.domain, PLANT.Equipment) in graph
    assert (PLANT.hasPart, RDFS.range, PLANT.Equipment) in graph

    data_props = _terms(graph, OWL.DatatypeProperty)
    assert {p.removeprefix(str(PLANT)) for p in data_props} == {
        "level",
        "temperature",
        "pressure",
        "flowRate",
        "speed",
        "motorCurrent",
        "valvePosition",
        "power",
        "runHours",
        "startCount",
        "running",
        "fault",
    }
    for term in classes | object_props | data_props:
        assert graph.value(term, RDFS.comment) is not None, term


def test_plant_datatype_properties_are_labelled_and_typed() -> None:
    graph = _plant()
    skos_alt = URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    for prop in _terms(graph, OWL.DatatypeProperty):
        labels = {lbl.language for lbl in graph.objects(prop, RDFS.label) if isinstance(lbl, Literal)}
        assert {"en", "de", "sv"} <= labels, (prop, labels)
        assert graph.value(prop, RDFS.domain) in _terms(graph, OWL.Class), prop
        data_range = graph.value(prop, RDFS.range)
        assert data_range is not None, prop
        assert str(data_range).startswith(xsd), prop

    alt = {str(a) for a in graph.objects(None, skos_alt)}
    assert {"fill level", "rotational speed", "RPM"} <= alt
    assert graph.value(PLANT.temperature, QUDT_UNIT) == UNIT.DEG_C
    assert graph.value(PLANT.speed, QUDT_UNIT) == UNIT["REV-PER-MIN"]
    assert graph.value(PLANT.flowRate, QUDT_UNIT) == UNIT["M3-PER-HR"]
