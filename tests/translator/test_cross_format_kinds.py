"""What corresponds across formats: an ontology's enumeration class and a JSON Schema's enum definition
(or an OPC UA DataType) are one thing, through the real loaders and the shipped matcher."""

from __future__ import annotations

import json
from pathlib import Path

from adapters import load_paths
from translator.graph.model import NodeKind
from translator.matching.entities import kind_factor
from translator.matching.matcher import match
from translator.matching.options import MatchOptions

ONTOLOGY = """@prefix : <https://example.org/aas#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://example.org/aas> a owl:Ontology .
:AssetInformation a owl:Class ; rdfs:label "AssetInformation" .
:AssetKind a owl:Class ; rdfs:label "AssetKind" ;
    owl:oneOf ( :AssetKind_Type :AssetKind_Instance ) .
:AssetKind_Type a owl:NamedIndividual , :AssetKind .
:AssetKind_Instance a owl:NamedIndividual , :AssetKind .
:KeyTypes a owl:Class ; rdfs:label "KeyTypes" ;
    owl:oneOf ( :KeyTypes_Submodel :KeyTypes_Property ) .
:KeyTypes_Submodel a owl:NamedIndividual , :KeyTypes .
:KeyTypes_Property a owl:NamedIndividual , :KeyTypes .
:assetKind a owl:ObjectProperty ; rdfs:domain :AssetInformation ; rdfs:range :AssetKind .
:globalAssetId a owl:DatatypeProperty ; rdfs:domain :AssetInformation ; rdfs:range xsd:string .
"""

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2019-09/schema",
    "$id": "https://example.org/aas.schema.json",
    "definitions": {
        "AssetInformation": {
            "type": "object",
            "properties": {
                "assetKind": {"$ref": "#/definitions/AssetKind"},
                "globalAssetId": {"type": "string"},
            },
        },
        "AssetKind": {"type": "string", "enum": ["Type", "Instance"]},
        "KeyTypes": {"type": "string", "enum": ["Submodel", "Property"]},
    },
}


def test_an_ontology_class_and_a_data_type_may_correspond_but_kinds_of_one_format_stay_apart() -> None:
    assert kind_factor(NodeKind.CLASS, NodeKind.DATA_TYPE) == 0.75
    assert kind_factor(NodeKind.DATA_TYPE, NodeKind.CLASS) == 0.75
    # within OPC UA, an ObjectType and a DataType of one name are two things
    assert kind_factor(NodeKind.OBJECT_TYPE, NodeKind.DATA_TYPE) == 0.0
    assert kind_factor(NodeKind.OBJECT, NodeKind.DATA_TYPE) == 0.0


def test_an_enumeration_class_matches_the_json_schema_enum_of_its_name(tmp_path: Path) -> None:
    owl = tmp_path / "aas.ttl"
    owl.write_text(ONTOLOGY, encoding="utf-8")
    schema = tmp_path / "aas.schema.json"
    schema.write_text(json.dumps(SCHEMA), encoding="utf-8")
    source, target = load_paths([owl]), load_paths([schema])
    kinds = {n.name: n.kind for n in target.own_nodes()}
    assert kinds["AssetKind"] is NodeKind.DATA_TYPE  # what the JSON Schema adapter makes of an enum

    found = {
        (c.subject_id.rsplit("#", 1)[-1], c.object_id.rsplit("/", 1)[-1])
        for c in match(source, target, MatchOptions()).equivalences()
    }
    assert ("AssetKind", "AssetKind") in found
    assert ("KeyTypes", "KeyTypes") in found
    assert ("AssetInformation", "AssetInformation") in found
