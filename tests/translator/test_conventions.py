"""OPC UA's naming conventions read across formats: an ontology's class meets the companion
specification's ObjectType (``Submodel`` ↔ ``AASSubmodelType``), not the placeholder that holds its
instances (``<Submodel>``)."""

from __future__ import annotations

from adapters import load_paths
from adapters.options import LoadOptions
from tests.paths import shared
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.conventions import convention_names, follows_type_convention, spec_prefix
from translator.matching.entities import PLACEHOLDER_FACTOR, EntityText, entity_texts, pair_factor
from translator.matching.matcher import MatchOptions, match


def test_the_specification_prefix_is_the_acronym_that_starts_most_type_names() -> None:
    assert spec_prefix(["AASSubmodelType", "AASAssetType", "IAASReferableType", "AASKeyDataType"]) == "AAS"
    assert spec_prefix(["ISA95EquipmentType", "ISA95PersonnelType", "ISA95PhysicalAssetType"]) == "ISA95"
    assert spec_prefix(["MTConnectDeviceType", "MTConnectComponentType", "ConditionType"]) == "MTConnect"
    assert (
        spec_prefix(["PackMLBaseObjectType", "PackMLStatusObjectType", "PackMLAdminObjectType"]) == "PackML"
    )
    # a word that starts many names is no acronym; nor is a prefix of too few names
    assert spec_prefix(["MachineToolType", "MachineOperationType", "MachineIdentificationType"]) == ""
    assert spec_prefix(["AASSubmodelType", "DeviceType", "TopologyElementType"]) == ""


def _model(name: str, nodes: list[tuple[str, NodeKind]]) -> SchemaGraph:
    graph = SchemaGraph(name)
    for node_name, kind in nodes:
        graph.add_node(Node(f"urn:{name}:{node_name}", kind, node_name))
    return graph


def test_bare_type_names_only_against_a_model_that_does_not_follow_the_convention() -> None:
    nodeset = _model(
        "ns",
        [
            ("AASSubmodelType", NodeKind.OBJECT_TYPE),
            ("AASIdentifierTypeDataType", NodeKind.DATA_TYPE),
            ("AASAssetType", NodeKind.OBJECT_TYPE),
            ("<Submodel>", NodeKind.OBJECT),
        ],
    )
    ontology = _model("owl", [("Submodel", NodeKind.CLASS), ("IdentifierType", NodeKind.CLASS)])
    assert follows_type_convention(nodeset)
    assert not follows_type_convention(ontology)
    names = convention_names(nodeset, ontology)
    assert "Submodel" in names["urn:ns:AASSubmodelType"]
    assert "IdentifierType" in names["urn:ns:AASIdentifierTypeDataType"]
    assert "urn:ns:<Submodel>" not in names  # an instance declaration keeps its name
    assert convention_names(ontology, nodeset) == {}
    assert convention_names(nodeset, nodeset) == {}  # two nodesets compare their names as they are


def test_a_class_is_nearer_a_type_than_a_placeholder() -> None:
    def text(name: str, kind: NodeKind, rule: str = "") -> EntityText:
        return entity_texts([Node(f"urn:{name}", kind, name, modelling_rule=rule)])[0]

    owl_class = text("Submodel", NodeKind.CLASS)
    placeholder = text("<Submodel>", NodeKind.OBJECT, "OptionalPlaceholder")
    member = text("Submodel", NodeKind.OBJECT, "Mandatory")
    object_type = text("SubmodelType", NodeKind.OBJECT_TYPE)
    assert pair_factor(owl_class, placeholder) == pair_factor(placeholder, owl_class) == PLACEHOLDER_FACTOR
    assert pair_factor(owl_class, placeholder) < pair_factor(owl_class, object_type)
    assert pair_factor(owl_class, member) == pair_factor(owl_class, object_type)  # only the slot is far
    assert pair_factor(placeholder, member) == 1.0  # between nodesets a placeholder is an object


def test_the_aas_ontology_meets_the_opc_ua_companion_specifications_types() -> None:
    """The AAS 2.0.1 ontology against OPC 30270 (I4AAS), which models every AAS class as the
    ObjectType ``AAS<class>Type`` (and an enumeration as ``AAS<name>DataType``)."""
    owl = shared("ontologies", "aas", "v2.0.1", "AssetAdministrationShell_Ontology_2.0.1.ttl")
    nodeset = shared("opcua", "I4AAS", "Opc.Ua.I4AAS.NodeSet2.xml")
    source = load_paths([owl])
    target = load_paths([nodeset], LoadOptions(models_dirs=(shared("opcua"),)))
    found = {c.pair: c for c in match(source, target, MatchOptions())}
    aas, i4aas = "http://admin-shell.io/aas/2/0/", "nsu=http://opcfoundation.org/UA/I4AAS/;"
    expected = {
        "Submodel": "i=1006",
        "AssetAdministrationShell": "i=1002",
        "Asset": "i=1005",
        "Property": "i=1013",
        "View": "i=1003",
        "IdentifierType": "i=3010",
        "AssetAdministrationShell/submodel": "i=5003",  # the property → the type's <Submodel>
    }
    for owl_name, node in expected.items():
        assert (aas + owl_name, i4aas + node) in found, owl_name
    # no class meets a placeholder (a type's slot for its instances) instead of its type
    assert not [c for c in found.values() if c.subject_kind == "class" and c.object_label.startswith("<")]
    assert len(found) >= 80  # of 183 and 345 own entities; 25 before the conventions were read
