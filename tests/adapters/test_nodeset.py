"""The OPC UA NodeSet2 adapter on the shipped demo models and the real nodesets of ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from adapters import LoadOptions, load_paths
from adapters.opcua.models import ModelIndex, RequiredModel, read_header
from adapters.opcua.values import unece_code, unit_id
from tests.paths import SHARED, VENDOR_A, VENDOR_B, shared
from translator.errors import MissingModelError, ModelContentError
from translator.graph.model import NodeKind

A = "nsu=http://tolka.dev/demo/VendorA/;"
UA = "nsu=http://opcfoundation.org/UA/;"
NODE_TAGS = {
    "UAObject",
    "UAVariable",
    "UAMethod",
    "UAObjectType",
    "UAVariableType",
    "UADataType",
    "UAReferenceType",
    "UAView",
}


def _by_path(graph, path: str):  # type: ignore[no-untyped-def]
    found = [n for n in graph.nodes() if n.path == path]
    assert len(found) == 1, f"{len(found)} nodes at {path}"
    return found[0]


def test_vendor_a_instance_variables() -> None:
    graph = load_paths([VENDOR_A])
    temp = _by_path(graph, "/Objects/PumpSkid1/Tank/Temperature")
    assert temp.id.startswith(A)
    assert temp.kind is NodeKind.VARIABLE
    assert (temp.unit, temp.unit_label, temp.datatype) == ("CEL", "°C", "Double")
    assert temp.own
    assert temp.source == "http://tolka.dev/demo/VendorA/"
    assert temp.minimum is not None
    assert temp.maximum is not None
    assert temp.minimum < temp.maximum
    speed = _by_path(graph, "/Objects/PumpSkid1/Pump/Speed")
    assert speed.unit == "RPM"
    state = _by_path(graph, "/Objects/PumpSkid1/Pump/State")
    assert state.datatype == "PumpStateEnumeration"
    assert state.enum_values == ("Stopped=0", "Running=1", "Fault=2")
    eu = _by_path(graph, "/Objects/PumpSkid1/Tank/Temperature/EngineeringUnits")
    assert eu.kind is NodeKind.PROPERTY
    assert eu.datatype == "EUInformation"


def test_every_locale_kept_and_label_chosen() -> None:
    graph = load_paths([VENDOR_A])
    tank_type = next(n for n in graph.nodes() if n.name == "TankType")
    locales = {loc for loc, _ in tank_type.descriptions}
    assert {"en", "de"} <= locales
    english = dict(tank_type.descriptions)["en"]
    assert tank_type.description == english
    german = load_paths([VENDOR_A], LoadOptions(language="de"))
    assert german[tank_type.id].description == dict(tank_type.descriptions)["de"]


def test_type_instance_declarations_have_paths_and_rules() -> None:
    graph = load_paths([VENDOR_A])
    pump_type = next(n for n in graph.nodes() if n.name == "PumpType")
    assert pump_type.kind is NodeKind.OBJECT_TYPE
    assert pump_type.path == "/Types/ObjectTypes/BaseObjectType/PumpType"
    members = {e.target: e.relation for e in graph.out_edges(pump_type.id)}
    speed_decl = next(graph[t] for t in members if graph[t].name == "Speed")
    assert speed_decl.path == "/Types/ObjectTypes/BaseObjectType/PumpType/Speed"
    assert speed_decl.modelling_rule == "Mandatory"
    assert speed_decl.unit == "RPM"
    relations = {e.relation for e in graph.out_edges(speed_decl.id)}
    assert {"HasTypeDefinition", "HasModellingRule", "HasProperty", "DataType"} <= relations
    assert graph[f"{UA}i=2368"].name == "AnalogItemType"  # the type definition, named without the base file


def test_inverse_references_become_forward_edges() -> None:
    graph = load_paths([VENDOR_A])
    skid = _by_path(graph, "/Objects/PumpSkid1")
    # The file writes <Reference ReferenceType="Organizes" IsForward="false">i=85</Reference> on the instance.
    assert any(e.source == f"{UA}i=85" and e.relation == "Organizes" for e in graph.in_edges(skid.id))


def test_vendor_b_structure_units_and_enum_values() -> None:
    graph = load_paths([VENDOR_B])
    tt = _by_path(graph, "/Objects/Skid_01/PLC/AnalogInputs/TT_102")
    assert tt.unit == "FAH"
    assert "temperature" in tt.description.lower()
    status = _by_path(graph, "/Objects/Skid_01/PLC/DigitalInputs/XS_112")
    assert status.enum_values == ("OFF=10", "RUN=20", "TRIP=90")
    assert _by_path(graph, "/Objects/Skid_01/PLC/AnalogInputs/FT_105").unit == "G2"


def test_unit_ids() -> None:
    assert unece_code(4408652) == "CEL"
    assert unece_code(20529) == "P1"
    assert unece_code(-1) == ""
    for code in ("CEL", "FAH", "P1", "G2", "RPM", "BAR", "KEL"):
        assert unece_code(unit_id(code)) == code


def test_base_model_file_changes_nothing_of_the_own_nodes() -> None:
    """With or without Opc.Ua.NodeSet2.xml, the own nodes are identical (ids, names, paths, types)."""
    opcua = shared("opcua")
    alone = load_paths([VENDOR_A])
    with_base = load_paths([VENDOR_A], LoadOptions(models_dirs=(opcua,)))
    assert alone.warnings
    assert not with_base.warnings
    assert {n.id: n for n in alone.own_nodes()} == {n.id: n for n in with_base.own_nodes()}
    own_edges = {e for e in alone.edges() if alone[e.source].own}
    assert own_edges == {e for e in with_base.edges() if with_base[e.source].own}
    assert len(with_base) > 5000


def test_identifier_contract_example() -> None:
    path = shared("opcua", "I4AAS", "Opc.Ua.I4AAS.NodeSet2.xml")
    graph = load_paths([path], LoadOptions(models_dirs=(shared("opcua"),)))
    node = graph["nsu=http://opcfoundation.org/UA/I4AAS/;i=1006"]
    assert node.name == "AASSubmodelType"
    assert node.kind is NodeKind.OBJECT_TYPE
    assert node.own
    robotics = shared("opcua", "Robotics", "Opc.Ua.Robotics.NodeSet2.xml")
    graph = load_paths([robotics], LoadOptions(models_dirs=(shared("opcua"),)))
    device_type = graph["nsu=http://opcfoundation.org/UA/DI/;i=1002"]  # DI's DeviceType: context of Robotics
    assert device_type.name == "DeviceType"
    assert not device_type.own


def _nodesets() -> list[Path]:
    root = SHARED / "opcua"
    return sorted(root.rglob("*.xml")) if root.is_dir() else []


def _node_elements(path: Path) -> dict[str, str]:
    """NodeId text → element name, counted independently with plain lxml."""
    root = etree.parse(str(path)).getroot()
    return {
        el.get("NodeId"): etree.QName(el).localname
        for el in root
        if isinstance(el.tag, str) and etree.QName(el).localname in NODE_TAGS
    }


@pytest.mark.shared_data
@pytest.mark.parametrize("path", _nodesets(), ids=lambda p: p.name)
def test_every_shared_nodeset_loads_with_its_required_models(path: Path) -> None:
    graph = load_paths([path], LoadOptions(models_dirs=(shared("opcua"),)))
    header = read_header(path)
    assert header is not None
    own = list(graph.own_nodes())
    assert len(own) == len(_node_elements(path))
    assert all(n.id.startswith("nsu=") and ";" in n.id for n in graph.nodes())
    assert not [w for w in graph.warnings if "not found" in w]
    own_sources = {n.source for n in own}
    assert own_sources <= set(header.model_uris)
    for req in header.required:  # every required model is there as context
        assert any(n.source == req.uri and not n.own for n in graph.nodes()) or req.uri in header.model_uris
    assert all(n.path.startswith("/") for n in own if n.id != f"{UA}i=84")  # the Root folder's path is ""


def test_missing_required_model_names_the_uri(tmp_path: Path) -> None:
    text = VENDOR_A.read_text(encoding="utf-8").replace(
        '<RequiredModel ModelUri="http://opcfoundation.org/UA/"',
        '<RequiredModel ModelUri="http://example.com/UA/Missing/" Version="1.0"/>\n'
        '        <RequiredModel ModelUri="http://opcfoundation.org/UA/"',
    )
    path = tmp_path / "needs_missing.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MissingModelError) as info:
        load_paths([path])
    assert info.value.uri == "http://example.com/UA/Missing/"
    assert "http://example.com/UA/Missing/" in str(info.value)
    assert "--models-dir" in str(info.value)


def test_required_model_from_models_dir_and_version_choice() -> None:
    opcua = shared("opcua")
    index = ModelIndex(recursive=[opcua])
    uri = "http://opcfoundation.org/UA/PlasticsRubber/GeneralTypes/"
    old = index.find(RequiredModel(uri, "1.02"))
    new = index.find(RequiredModel(uri, "1.03"))
    assert old is not None
    assert "1.02" in str(old.path)
    assert new is not None
    assert "1.03" in str(new.path)
    newest = index.find(RequiredModel(uri, "9.99"))
    assert newest is not None
    assert "1.03" in str(newest.path)
    di = index.find(RequiredModel("http://opcfoundation.org/UA/DI/", "1.02"))  # older than the file: accepted
    assert di is not None
    assert di.path.name == "Opc.Ua.Di.NodeSet2.xml"


def test_bad_node_id_names_the_line(tmp_path: Path) -> None:
    lines = VENDOR_A.read_text(encoding="utf-8").splitlines()
    target = next(i for i, line in enumerate(lines) if "<UAVariable " in line)
    lines[target] = lines[target].replace('NodeId="ns=1;', 'NodeId="ns=7;', 1)
    path = tmp_path / "bad.xml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ModelContentError) as info:
        load_paths([path])
    assert info.value.line == target + 1
    assert "namespace index 7" in str(info.value)


def test_candidates_are_read_by_header_only(tmp_path: Path) -> None:
    """A models dir may hold broken or unrelated files: only their <Models> headers are read."""
    (tmp_path / "other.xml").write_text(
        '<?xml version="1.0"?>\n<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">\n'
        "<NamespaceUris><Uri>http://example.com/Other/</Uri></NamespaceUris>\n"
        '<Models><Model ModelUri="http://example.com/Other/" Version="1.0"/></Models>\n'
        "<Aliases> this body is not XML at all <<<",
        encoding="utf-8",
    )
    (tmp_path / "notes.xml").write_text("<notes>not a nodeset</notes>", encoding="utf-8")
    graph = load_paths([VENDOR_A], LoadOptions(models_dirs=(tmp_path,)))
    assert sum(1 for _ in graph.own_nodes()) == 119
    header = read_header(tmp_path / "other.xml")
    assert header is not None
    assert header.model_uris == ("http://example.com/Other/",)
    assert read_header(tmp_path / "notes.xml") is None
