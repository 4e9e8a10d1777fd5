"""OPC UA's naming conventions read across formats: an ontology's class meets the companion
specification's ObjectType (``Submodel`` ↔ ``AASSubmodelType``), not the placeholder that holds its
instances (``<Submodel>``)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from adapters import load_paths
from adapters.options import LoadOptions
from tests.paths import shared
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.blocking import blocked_pairs
from translator.matching.conventions import convention_names, follows_type_convention, spec_prefix
from translator.matching.decider.assign import assign
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


def test_a_class_may_be_both_an_object_type_and_a_data_type_of_the_specification() -> None:
    nodeset = _model(
        "ns",
        [
            ("AASQualifierType", NodeKind.OBJECT_TYPE),
            ("AASQualifierDataType", NodeKind.DATA_TYPE),
            ("AASViewType", NodeKind.OBJECT_TYPE),
            ("AASAssetType", NodeKind.OBJECT_TYPE),
        ],
    )
    ontology = _model("owl", [("Qualifier", NodeKind.CLASS), ("View", NodeKind.CLASS)])
    target = entity_texts(nodeset.own_nodes(), more=convention_names(nodeset, ontology))
    source = entity_texts(ontology.own_nodes(), more=convention_names(ontology, nodeset))
    assert [t.bare for t in target] == ["asset", "qualifier", "qualifier", "view"]
    assert [s.bare for s in source] == ["", ""]  # the ontology's names are its names
    # the decider is surer of the ObjectType; the DataType of the same bare name joins it above the threshold
    # (columns in id order: AASAssetType, AASQualifierDataType, AASQualifierType, AASViewType)
    probability = sparse.csr_matrix(np.array([[0.0, 0.6, 0.9, 0.0], [0.0, 0.0, 0.0, 0.8]]))
    assert [(i, j) for i, j, _ in assign(probability, source, target, 0.5)] == [(0, 1), (0, 2), (1, 3)]
    # below the threshold, it does not
    probability = sparse.csr_matrix(np.array([[0.0, 0.3, 0.9, 0.0], [0.0, 0.0, 0.0, 0.8]]))
    assert [(i, j) for i, j, _ in assign(probability, source, target, 0.5)] == [(0, 2), (1, 3)]
    # between two nodesets the names compare as they are: two kinds, two things
    same = entity_texts(nodeset.own_nodes(), more=convention_names(nodeset, nodeset))
    assert [t.bare for t in same] == ["", "", "", ""]


def test_a_name_many_nodes_share_does_not_hide_the_one_node_of_another_kind() -> None:
    nodeset = _model(
        "ns", [("AASKeyDataType", NodeKind.DATA_TYPE), ("AASReferenceType", NodeKind.OBJECT_TYPE)]
    )
    for k in range(26):  # every reference's list of keys, one property each
        nodeset.add_node(Node(f"urn:ns:Keys{k}", NodeKind.PROPERTY, "Keys"))
    ontology = _model("owl", [("Key", NodeKind.CLASS)])
    target = entity_texts(nodeset.own_nodes(), more=convention_names(nodeset, ontology))
    source = entity_texts(ontology.own_nodes())
    pairs = blocked_pairs(source, target, block=20, chunk=64, wordnet=None)
    data_type = next(j for j, t in enumerate(target) if t.id == "urn:ns:AASKeyDataType")
    assert (0, data_type) in pairs
    assert len(pairs) <= 21  # the n-gram top 20 and the data type, not every Keys property


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
        "Key": "i=3011",  # AASKeyDataType, once 26 properties named Keys no longer hide it
        "AssetAdministrationShell/submodel": "i=5003",  # the property → the type's <Submodel>
    }
    for owl_name, node in expected.items():
        assert (aas + owl_name, i4aas + node) in found, owl_name
    # no class meets a placeholder (a type's slot for its instances) instead of its type
    assert not [c for c in found.values() if c.subject_kind == "class" and c.object_label.startswith("<")]
    assert len(found) >= 80  # of 183 and 345 own entities; 25 before the conventions were read
