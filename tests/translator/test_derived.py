"""Standard properties (EngineeringUnits, EURange, ...) are context: they follow their parent's pair."""

from __future__ import annotations

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
