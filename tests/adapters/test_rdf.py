"""The RDF/OWL adapter on the plant ontology, a small RDF/XML file and the shared ontologies."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters import LoadOptions, load_paths
from adapters.rdf_parse import WholeLines, parse_rdf
from tests.paths import PLANT, SHARED, TEST_DATA, shared
from translator.graph.model import NodeKind

P = "http://tolka.dev/ontology/plant#"
OAEI_COUNTS = {  # ../shared/data/README.md: classes, object properties, datatype properties
    "Cocus.owl": (54, 34, 0), "MICRO.owl": (31, 17, 9), "MyReview.owl": (38, 49, 17), "OpenConf.owl": (62, 24, 21),
    "PCS.owl": (23, 24, 14), "cmt.owl": (29, 49, 10), "confOf.owl": (38, 13, 23), "conference.owl": (59, 46, 18),
    "confious.owl": (56, 51, 5), "crs_dr.owl": (14, 15, 2), "edas.owl": (103, 30, 20), "ekaw.owl": (73, 33, 0),
    "iasted.owl": (140, 38, 3), "linklings.owl": (37, 29, 14), "paperdyne.owl": (45, 58, 20), "sigkdd.owl": (49, 17, 11),
}  # fmt: skip


def test_plant_ontology_labels_units_and_structure() -> None:
    graph = load_paths([PLANT])
    temperature = graph[P + "temperature"]
    assert temperature.kind is NodeKind.DATATYPE_PROPERTY
    assert {loc for loc, _ in temperature.labels} >= {"en", "de", "sv"}
    assert temperature.unit == "http://qudt.org/vocab/unit/DEG_C"
    assert temperature.unit_label == "DEG_C"
    assert temperature.datatype.startswith("xsd:")
    speed = graph[P + "speed"]
    assert "RPM" in speed.synonyms or "rotational speed" in speed.synonyms
    sensor = graph[P + "Sensor"]
    assert any(e.target == "http://www.w3.org/ns/sosa/Sensor" for e in graph.out_edges(sensor.id))
    assert graph["http://www.w3.org/ns/sosa/Sensor"].own is False  # referenced, not declared: context
    swedish = load_paths([PLANT], LoadOptions(language="sv"))
    assert swedish[P + "temperature"].label == dict(temperature.labels)["sv"]


def test_rdfxml_restrictions_domains_and_internal_entities() -> None:
    graph = load_paths([TEST_DATA / "skid.rdf"])
    pump = graph["urn:tolka:test:skid#Pump"]
    assert pump.label == "Pump"
    assert ("de", "Pumpe") in pump.labels
    assert pump.description == "Moves liquid."
    assert pump.path == "/Equipment/Pump"
    relations = {(e.relation, e.target) for e in graph.out_edges(pump.id)}
    assert ("rdfs:subClassOf", "urn:tolka:test:skid#Equipment") in relations
    assert ("owl:onProperty", "urn:tolka:test:skid#hasMotor") in relations
    assert ("owl:someValuesFrom", "urn:tolka:test:skid#Motor") in relations
    speed = graph["urn:tolka:test:skid#speed"]
    assert speed.datatype == "xsd:double"  # written as &xsd;double through an internal entity
    assert speed.path == "/Equipment/Pump/speed"


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(OAEI_COUNTS))
def test_oaei_ontologies_load_with_their_published_counts(name: str) -> None:
    graph = load_paths([shared("oaei-conference", "ontologies", name)])
    kinds = graph.kind_counts(own_only=True)
    assert (kinds["class"], kinds["object_property"], kinds["datatype_property"]) == OAEI_COUNTS[name]
    stem = name.removesuffix(".owl").lower()
    assert all(
        n.id.lower().startswith(f"http://{stem}") for n in graph.own_nodes()
    )  # full IRIs, e.g. http://cmt#Author


@pytest.mark.shared_data
def test_sosa_ssn_modules_load_together() -> None:
    folder = shared("ontologies", "sosa-ssn")
    graph = load_paths(sorted(folder.glob("*.ttl")))
    sosa = [n for n in graph.own_nodes() if n.id.startswith("http://www.w3.org/ns/sosa/")]
    kinds = {
        k: sum(1 for n in sosa if n.kind.value == k)
        for k in ("class", "object_property", "datatype_property")
    }
    assert kinds == {"class": 27, "object_property": 72, "datatype_property": 3}
    observation = graph["http://www.w3.org/ns/sosa/Observation"]
    assert observation.label
    assert observation.description
    assert not graph.warnings


@pytest.mark.shared_data
def test_owl_imports_resolved_from_the_folder() -> None:
    graph = load_paths([shared("ontologies", "sosa-ssn", "sosa.ttl")])
    assert not graph.warnings  # the four modules sosa.ttl imports are beside it
    assert graph["http://www.w3.org/ns/sosa/Observation"].own is False  # imported: context


def test_unresolved_import_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "o.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<urn:o> a owl:Ontology ; owl:imports <http://example.com/never/fetched> .\n"
        "<urn:o#A> a owl:Class .\n"
    )
    graph = load_paths([path])
    assert any("http://example.com/never/fetched" in w for w in graph.warnings)
    assert graph["urn:o#A"].own


@pytest.mark.shared_data
@pytest.mark.parametrize(
    "parts",
    [
        ("ontologies", "aas", "v2.0.1", "AssetAdministrationShell_Ontology_2.0.1.ttl"),
        ("ontologies", "aas", "v3.1", "rdf-ontology.ttl"),
    ],
)
def test_aas_ontologies(parts: tuple[str, ...]) -> None:
    graph = load_paths([shared(*parts)])
    assert graph.kind_counts(own_only=True)["class"] >= 60


def test_shared_folder_constant_points_beside_the_checkout() -> None:
    assert SHARED.name == "data"
    assert SHARED.parent.name == "shared"


S223_CORE = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix s223: <http://data.ashrae.org/standard223#> .
<http://data.ashrae.org/standard223/1.0/model/core> a owl:Ontology .
s223:Class a rdfs:Class, sh:NodeShape ; rdfs:subClassOf rdfs:Class ; rdfs:label "Class" .
s223:Concept a s223:Class, sh:NodeShape ; rdfs:subClassOf rdfs:Resource ; rdfs:label "Concept" .
s223:Equipment a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:Concept ; rdfs:label "Equipment" ;
    rdfs:comment "A piece of equipment." ;
    sh:property [ sh:path s223:hasConnectionPoint ; sh:class s223:ConnectionPoint ] .
s223:ConnectionPoint a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:Concept ; rdfs:label "Connection Point" .
s223:EnumerationKind a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:Concept ; rdfs:label "Enumeration kind" .
s223:EnumerationKind-Medium a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:EnumerationKind ;
    rdfs:label "Medium" .
s223:Medium-Water a s223:Class, s223:EnumerationKind-Medium, sh:NodeShape ;
    rdfs:subClassOf s223:EnumerationKind-Medium ; rdfs:label "Water" .
s223:hasConnectionPoint a rdf:Property ; rdfs:label "has connection point" .
s223:hasMedium a rdf:Property ; rdfs:label "has medium" .
"""
S223_EQUIPMENT = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix s223: <http://data.ashrae.org/standard223#> .
s223:Pump a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:Equipment ; rdfs:label "Pump" .
s223:Fan a s223:Class, sh:NodeShape ; rdfs:subClassOf s223:Equipment ; rdfs:label "Fan" .
s223:Valve a sh:NodeShape ; rdfs:subClassOf s223:Equipment ; rdfs:label "Valve" .
s223:Compressor a s223:Class ; rdfs:label "Compressor" .
s223:InletConnectionPoint a sh:NodeShape ; rdfs:label "Inlet" .
s223:OutletConnectionPoint rdfs:subClassOf s223:InletConnectionPoint .
s223:PumpRule a sh:NodeShape ; sh:targetClass s223:Pump ;
    sh:property [ sh:path s223:hasMedium ; sh:class s223:EnumerationKind-Medium ] .
s223:SensorRule a sh:NodeShape ; sh:targetClass s223:Sensor .
"""
S223_CLASSES = {  # everything typed s223:Class or a shape used as a class; not PumpRule nor SensorRule
    "Class", "Concept", "Equipment", "ConnectionPoint", "EnumerationKind", "EnumerationKind-Medium",
    "Medium-Water", "Pump", "Fan", "Valve", "Compressor", "InletConnectionPoint",
}  # fmt: skip


def test_ashrae_223p_metaclass_and_shapes_used_as_classes_load_as_classes(tmp_path: Path) -> None:
    core, equipment = tmp_path / "223p.ttl", tmp_path / "223p-equipment.ttl"
    core.write_text(S223_CORE, encoding="utf-8")
    equipment.write_text(S223_EQUIPMENT, encoding="utf-8")
    graph = load_paths([core, equipment])
    s223 = "http://data.ashrae.org/standard223#"
    classes = {n.id.removeprefix(s223) for n in graph.own_nodes() if n.kind is NodeKind.CLASS}
    assert classes == S223_CLASSES
    assert graph.kind_counts(own_only=True)["object_property"] == 2
    assert s223 + "PumpRule" not in graph  # a shape, not a class
    assert s223 + "SensorRule" not in graph
    pump = graph[s223 + "Pump"]
    assert pump.path == "/Resource/Concept/Equipment/Pump"
    assert ("rdfs:subClassOf", s223 + "Equipment") in {
        (e.relation, e.target) for e in graph.out_edges(pump.id)
    }
    # the metaclass is declared in the core file: without it, only the shapes used as classes are
    alone = load_paths([equipment])
    assert {n.id.removeprefix(s223) for n in alone.own_nodes()} == {
        "Pump",
        "Fan",
        "Valve",
        "InletConnectionPoint",
    }
    only = load_paths([equipment, core])  # file order does not matter
    assert {n.id for n in only.own_nodes()} == {n.id for n in graph.own_nodes()}


def test_shapes_of_a_shapes_only_file_stay_shapes(tmp_path: Path) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:PumpShape a sh:NodeShape ; sh:targetClass ex:Pump ;\n"
        "    sh:property [ sh:path ex:speed ; sh:minCount 1 ] .\n"
        "ex:ValveShape a sh:NodeShape ; sh:targetClass ex:Valve .\n",
        encoding="utf-8",
    )
    graph = load_paths([path])
    assert not any(n.kind is NodeKind.CLASS for n in graph.own_nodes())
    assert "http://example.org/PumpShape" not in graph


@pytest.mark.shared_data
def test_brick_classes_declared_as_owl_class_and_node_shape() -> None:
    brick = "https://brickschema.org/schema/Brick#"
    graph = load_paths([shared("pairs", "brick-rec", "models", "Brick.ttl")])
    assert graph.kind_counts(own_only=True)["class"] == 1438  # every `a owl:Class, sh:NodeShape`
    assert graph[brick + "Pump"].kind is NodeKind.CLASS
    # its 92 shapes that are no class (validation shapes, sh:targetClass elsewhere) stay out
    assert "https://brickschema.org/schema/BrickShape#TimeseriesReferenceOnPointsConstraint" not in graph


UNITS = """@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
<http://qudt.org/vocab/unit> a owl:Ontology .
unit:DEG_C a qudt:Unit, qudt:DerivedUnit ; rdfs:label "degree Celsius"@en .
unit:BAR a qudt:Unit ; rdfs:label "bar"@en .
unit:M a owl:NamedIndividual ; rdfs:label "metre"@en .
"""


def test_a_model_of_individuals_loads_them_without_being_asked(tmp_path: Path) -> None:
    path = tmp_path / "units.ttl"
    path.write_text(UNITS, encoding="utf-8")
    graph = load_paths([path])
    unit = "http://qudt.org/vocab/unit/"
    assert {n.id for n in graph.own_nodes()} == {unit + "DEG_C", unit + "BAR", unit + "M"}
    assert all(n.kind is NodeKind.INDIVIDUAL for n in graph.own_nodes())
    assert any("loaded its 3 individuals" in w for w in graph.warnings)
    celsius = {(e.relation, e.target) for e in graph.out_edges(unit + "DEG_C")}
    assert ("rdf:type", "http://qudt.org/schema/qudt/Unit") in celsius  # the class, as context
    assert graph["http://qudt.org/schema/qudt/Unit"].own is False


def test_individuals_beside_classes_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "plant.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix ex: <http://example.org/plant#> .\n"
        "ex:Pump a owl:Class .\nex:P101 a ex:Pump .\nex:P102 a ex:Pump, owl:NamedIndividual .\n",
        encoding="utf-8",
    )
    assert {n.id for n in load_paths([path]).own_nodes()} == {"http://example.org/plant#Pump"}
    graph = load_paths([path], LoadOptions(individuals=True))
    assert graph.kind_counts(own_only=True) == {"class": 1, "individual": 2}
    assert not graph.warnings


def test_obo_synonyms_are_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "obo.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix oio: <http://www.geneontology.org/formats/oboInOwl#> .\n"
        '<http://example.org/X_1> a owl:Class ; rdfs:label "myocardial infarction" ;\n'
        '    oio:hasExactSynonym "heart attack" ; oio:hasRelatedSynonym "cardiac infarction" ;\n'
        '    oio:hasNarrowSynonym "STEMI" ; oio:hasBroadSynonym "heart disease" .\n',
        encoding="utf-8",
    )
    node = load_paths([path])["http://example.org/X_1"]
    assert set(node.synonyms) == {"heart attack", "cardiac infarction", "STEMI", "heart disease"}


def test_a_sub_class_of_a_union_is_a_sub_class_of_none_of_its_members(tmp_path: Path) -> None:
    # conference.owl: Organizer ⊑ Organization ⊔ Committee_member. Read as two sub-class links, an
    # organizer would be both an organization and a person, which other ontologies declare disjoint.
    path = tmp_path / "union.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:Organization a owl:Class . ex:Member a owl:Class . ex:Named a owl:Class .\n"
        "ex:Organizer a owl:Class ; rdfs:subClassOf [ owl:unionOf ( ex:Organization ex:Member ) ] .\n"
        "ex:Chair a owl:Class ; rdfs:subClassOf [ owl:intersectionOf ( ex:Member ex:Named ) ] .\n",
        encoding="utf-8",
    )
    graph = load_paths([path])

    def parents(name: str) -> set[str]:
        edges = graph.out_edges(f"http://example.org/{name}")
        return {
            e.target.removeprefix("http://example.org/") for e in edges if e.relation == "rdfs:subClassOf"
        }

    assert not parents("Organizer") & {"Organization", "Member"}
    assert parents("Chair") >= {"Member", "Named"}


def test_ntriples_with_a_long_literal_every_line_end_and_a_byte_order_mark_loads_whole(
    tmp_path: Path,
) -> None:
    long = "x" * 2_000_000
    path = tmp_path / "long.nt"
    path.write_bytes(
        f'\ufeff<http://e/a> <http://e/comment> "{long}" .\r\n'
        '<http://e/a> <http://e/b> "cr" .\r<http://e/a> <http://e/c> "lf" .\n'
        '<http://e/a> <http://e/d> "last, unterminated" .'.encode()
    )
    graph = parse_rdf(path, "ntriples", LoadOptions())
    assert sorted(str(o) for o in graph.objects()) == sorted([long, "cr", "lf", "last, unterminated"])


def test_the_ntriples_parser_is_handed_whole_lines() -> None:
    """rdflib's N-Triples parser reads 2,048 characters at a time and searches what it holds for a
    line end after each read: handed part of a long line it searches again and again (quadratic)."""
    line = '<http://e/a> <http://e/b> "' + "x" * 100_000 + '" .\n'
    reader = WholeLines((line + line + '<http://e/a> <http://e/c> "y" .\r\n').encode())
    assert reader.read(2048) == line
    assert reader.read(2048) == line
    assert reader.read(2048) == '<http://e/a> <http://e/c> "y" .\n'
    assert reader.read(2048) == ""
