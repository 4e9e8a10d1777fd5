"""Standard properties (EngineeringUnits, EURange, ...) are context: they follow their parent's pair;
an ontology's metadata annotations (dc:creator, dcterms:license) are no entities of the match."""

from __future__ import annotations

from pathlib import Path

from translator.alignment.model import Justification
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.matcher import MatchOptions, match


def _model(name: str, variables: dict[str, str]) -> SchemaGraph:
    """A model whose variables (name → unit) each have an EngineeringUnits and an EURange property."""
    graph = SchemaGraph(name)
    ns = f"nsu=urn:{name};"
    graph.add_node(Node(f"{ns}s=Skid", NodeKind.OBJECT, "Skid", path="/Skid"))
    for var, unit in variables.items():
        vid = f"{ns}s={var}"
        graph.add_node(Node(vid, NodeKind.VARIABLE, var, datatype="Double", unit=unit, path=f"/Skid/{var}"))
        graph.add_edge(f"{ns}s=Skid", vid, "HasComponent")
        for prop, datatype in (("EngineeringUnits", "EUInformation"), ("EURange", "Range")):
            pid = f"{vid}.{prop}"
            graph.add_node(Node(pid, NodeKind.PROPERTY, prop, datatype=datatype, path=f"/Skid/{var}/{prop}"))
            graph.add_edge(vid, pid, "HasProperty")
    return graph


def test_standard_properties_follow_their_parents_pair_and_nothing_else() -> None:
    source = _model("a", {"OutletTemperature": "CEL", "Pressure": "BAR", "Vibration": "MMT"})
    target = _model("b", {"OutletTemperature": "CEL", "Pressure": "BAR", "Humidity": "P1"})
    alignment = match(source, target, MatchOptions(method="structural"))
    pairs = {(c.subject_id.split(";s=")[1], c.object_id.split(";s=")[1]): c for c in alignment}
    assert ("OutletTemperature", "OutletTemperature") in pairs
    assert ("Pressure", "Pressure") in pairs
    for var in ("OutletTemperature", "Pressure"):
        for prop in ("EngineeringUnits", "EURange"):
            derived = pairs[(f"{var}.{prop}", f"{var}.{prop}")]
            assert derived.justification == Justification.STRUCTURAL.value
            assert derived.confidence == pairs[(var, var)].confidence
    # the unmatched variables' properties map nowhere, not to a namesake of another variable
    assert not any(a.startswith("Vibration") or b.startswith("Humidity") for a, b in pairs)
    assert len(pairs) == 2 + 2 * 2 + 1  # the skid, the two variables, their four properties


def test_asked_for_standard_properties_are_matched_on_their_own() -> None:
    source = _model("a", {"Vibration": "MMT"})
    target = _model("b", {"Humidity": "P1"})
    derived = {(c.subject_id, c.object_id) for c in match(source, target, MatchOptions(method="structural"))}
    alone = match(source, target, MatchOptions(method="structural", metadata=True))
    assert not any("EURange" in a for a, _ in derived)
    assert any(
        c.subject_id.endswith("Vibration.EURange") and c.object_id.endswith("Humidity.EURange") for c in alone
    )


def _ontology(path: Path, namespace: str, classes: list[str]) -> Path:
    """A Turtle ontology with ``classes`` that declares and uses Dublin Core and DCMI annotations."""
    lines = [
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix dc: <http://purl.org/dc/elements/1.1/> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        f"@prefix ann: <{namespace}> .",
        "dc:creator a owl:AnnotationProperty .",
        "dcterms:license a owl:AnnotationProperty .",
        "ann:editorNote a owl:AnnotationProperty .",
        f'<{namespace}> a owl:Ontology ; dc:creator "W3C" ; dcterms:license <https://example.org/licence> .',
    ]
    lines += [f'ann:{c} a owl:Class ; dc:creator "W3C" ; ann:editorNote "checked" .' for c in classes]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_ontologys_metadata_annotations_are_matched_only_when_asked(tmp_path: Path) -> None:
    from adapters import load_paths

    old = load_paths([_ontology(tmp_path / "old.ttl", "http://example.org/old#", ["Sensor", "Platform"])])
    new = load_paths([_ontology(tmp_path / "new.ttl", "http://example.org/new#", ["Sensor", "Platform"])])
    found = {c.pair for c in match(old, new, MatchOptions(method="lexical"))}
    assert found == {
        ("http://example.org/old#Sensor", "http://example.org/new#Sensor"),
        ("http://example.org/old#Platform", "http://example.org/new#Platform"),
        # an annotation property of the ontology's own is content like any other
        ("http://example.org/old#editorNote", "http://example.org/new#editorNote"),
    }
    asked = {c.pair for c in match(old, new, MatchOptions(method="lexical", metadata=True))}
    assert asked == found | {
        ("http://purl.org/dc/elements/1.1/creator", "http://purl.org/dc/elements/1.1/creator"),
        ("http://purl.org/dc/terms/license", "http://purl.org/dc/terms/license"),
    }
