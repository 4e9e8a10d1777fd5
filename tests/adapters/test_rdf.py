"""The RDF/OWL adapter on the plant ontology, a small RDF/XML file and the shared ontologies."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters import LoadOptions, load_paths
from tests.paths import PLANT, SHARED, TEST_DATA, shared
from translator.graph import NodeKind

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
