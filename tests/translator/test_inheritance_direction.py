"""Inheritance reads the same in every format: an OPC UA subtype's supertype (``HasSubtype`` runs from
the supertype) is where an OWL subclass's superclass is (``rdfs:subClassOf`` runs from the subclass),
for the decider's parent and child agreement and for the structural matcher's propagation; through the
real loaders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse

from adapters import load_paths
from translator.matching.decider.context import adjacency
from translator.matching.entities import entity_texts
from translator.matching.structural import _neighbours

ONTOLOGY = """@prefix : <https://example.org/plant#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://example.org/plant> a owl:Ontology .
:Machine a owl:Class .
:Pump a owl:Class ; rdfs:subClassOf :Machine .
"""

NODESET = """<?xml version="1.0" encoding="utf-8"?>
<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">
  <NamespaceUris><Uri>http://example.org/Plant/</Uri></NamespaceUris>
  <Aliases><Alias Alias="HasSubtype">i=45</Alias></Aliases>
  <UAObjectType NodeId="ns=1;i=1001" BrowseName="1:MachineType">
    <DisplayName>MachineType</DisplayName>
    <References><Reference ReferenceType="HasSubtype" IsForward="false">i=58</Reference></References>
  </UAObjectType>
  <UAObjectType NodeId="ns=1;i=1002" BrowseName="1:PumpType">
    <DisplayName>PumpType</DisplayName>
    <References><Reference ReferenceType="HasSubtype" IsForward="false">ns=1;i=1001</Reference></References>
  </UAObjectType>
</UANodeSet>
"""


def _parents(path: Path) -> dict[str, set[str]]:
    """Each entity's name → the names of its parents, as the decider's features see them."""
    graph = load_paths([path])
    entities = entity_texts(graph.own_nodes())
    parent = sparse.coo_matrix(adjacency(graph, entities)["parent"])
    out: dict[str, set[str]] = {e.label: set() for e in entities}
    for i, j in zip(parent.row, parent.col, strict=True):
        out[entities[i].label].add(entities[j].label)
    return out


def _superclass_groups(path: Path, name: str) -> dict[str, list[str]]:
    graph = load_paths([path])
    entities = entity_texts(graph.own_nodes())
    index = next(i for i, e in enumerate(entities) if e.label == name)
    groups = _neighbours(graph, entities)[index]
    return {k: [entities[j].label for j in v] for k, v in groups.items() if "is-a" in k}


def test_a_subtype_has_its_supertype_as_parent_in_owl_and_opc_ua_alike(tmp_path: Path) -> None:
    owl, nodeset = tmp_path / "plant.ttl", tmp_path / "Plant.NodeSet2.xml"
    owl.write_text(ONTOLOGY, encoding="utf-8")
    nodeset.write_text(NODESET, encoding="utf-8")
    assert _parents(owl)["Pump"] == {"Machine"}
    assert _parents(owl)["Machine"] == set()
    assert _parents(nodeset)["PumpType"] == {"MachineType"}
    assert _parents(nodeset)["MachineType"] == set()
    # the structural matcher propagates along the same role on both sides
    assert _superclass_groups(owl, "Pump") == {"is-a": ["Machine"]}
    assert _superclass_groups(nodeset, "PumpType") == {"is-a": ["MachineType"]}
    assert _superclass_groups(nodeset, "MachineType") == {"^is-a": ["PumpType"]}
    graph = load_paths([nodeset])
    near = adjacency(graph, entity_texts(graph.own_nodes()))
    assert np.array_equal(near["child"].toarray(), near["parent"].T.toarray())
