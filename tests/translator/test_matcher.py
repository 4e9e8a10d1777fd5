"""The lexical and structural matchers, extraction, seeds and scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from adapters import load_paths
from tests.paths import shared
from translator.alignment.model import Alignment, Correspondence, Status
from translator.errors import TolkaError
from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import normalize, tokens
from translator.matching.entities import entity_texts, kind_factor
from translator.matching.extract import greedy_one_to_one, hungarian_one_to_one
from translator.matching.lexical import lexical_candidates
from translator.matching.matcher import MatchOptions, MethodNotAvailableError, match
from translator.matching.structural import TIE_BREAK, flood


def test_tokens_split_and_expand() -> None:
    assert tokens("TankTempPV") == ("tank", "temperature", "process", "value")
    assert tokens("PUMP_SPD") == ("pump", "speed")
    assert normalize("hasAuthor") == normalize("has_authors") == "author"
    assert normalize("authorOf") != normalize("hasAuthor")  # 'of' turns a relation around


def test_kind_and_datatype_compatibility() -> None:
    assert kind_factor(NodeKind.CLASS, NodeKind.CLASS) == 1.0
    assert kind_factor(NodeKind.CLASS, NodeKind.OBJECT_PROPERTY) == 0.0
    # an object member (JSON property holding an object, OPC UA instance declaration) is a relation
    assert kind_factor(NodeKind.OBJECT, NodeKind.OBJECT_PROPERTY) == 0.75
    assert kind_factor(NodeKind.OBJECT_TYPE, NodeKind.OBJECT_PROPERTY) == 0.0
    assert kind_factor(NodeKind.VARIABLE, NodeKind.FIELD) > 0.8
    assert datatype_class("Boolean") == "bool"
    assert datatype_class("xsd:double") == "number"


def _graph(
    name: str, nodes: list[tuple[str, NodeKind, str]], edges: list[tuple[str, str, str]] = ()
) -> SchemaGraph:  # type: ignore[assignment]
    graph = SchemaGraph(name)
    for node_id, kind, datatype in nodes:
        label = node_id.split("@")[0]  # "Speed@fan": a node named Speed
        graph.add_node(Node(id=f"{name}#{node_id}", kind=kind, name=label, label=label, datatype=datatype))
    graph.add_edges((f"{name}#{s}", f"{name}#{t}", r) for s, t, r in edges)
    return graph


def test_temperature_never_maps_to_a_boolean() -> None:
    a = _graph("a", [("TankTemp", NodeKind.VARIABLE, "Double")])
    b = _graph(
        "b",
        [
            ("TankTemperature", NodeKind.VARIABLE, "Boolean"),
            ("Tank_Temperature_PV", NodeKind.FIELD, "number"),
        ],
    )
    found = match(a, b, MatchOptions(method="lexical", threshold=0.5))
    assert [(c.subject_id, c.object_id) for c in found] == [("a#TankTemp", "b#Tank_Temperature_PV")]


def test_greedy_keeps_the_exact_match_hungarian_may_trade_it() -> None:
    scores = sparse.coo_matrix(np.array([[1.0, 0.71], [0.71, 0.0]]))
    assert greedy_one_to_one(scores, 0.7) == [(0, 0, 1.0)]
    assert hungarian_one_to_one(scores, 0.7) == [(0, 1, 0.71), (1, 0, 0.71)]


def test_structure_breaks_a_tie() -> None:
    """Two variables named Speed: the one under the matching parent wins."""
    a = _graph(
        "a",
        [("Pump", NodeKind.OBJECT, ""), ("Speed", NodeKind.VARIABLE, "Double"), ("Fan", NodeKind.OBJECT, "")],
        [("Pump", "Speed", "HasComponent")],
    )
    b = _graph(
        "b",
        [
            ("Pump", NodeKind.OBJECT, ""),
            ("Fan", NodeKind.OBJECT, ""),
            ("Speed@fan", NodeKind.VARIABLE, "Double"),
            ("Speed@pump", NodeKind.VARIABLE, "Double"),
        ],
        [("Fan", "Speed@fan", "child"), ("Pump", "Speed@pump", "child")],
    )
    lexical = {
        c.subject_id: c.confidence
        for c in match(a, b, MatchOptions(method="lexical", top_k=2))
        if "Speed" in c.subject_id
    }
    assert lexical == {"a#Speed": 1.0}  # names alone cannot tell the two apart
    found = {c.subject_id: c.object_id for c in match(a, b, MatchOptions(method="structural", threshold=0.5))}
    assert found["a#Pump"] == "b#Pump"
    assert found["a#Speed"] == "b#Speed@pump"


def test_structure_lifts_a_pair_by_the_weight_asked_for() -> None:
    """Pump/Pump (1.0) fully supports Speed/Rate (0.5): each round gives 0.5 + weight · 0.5 · 1."""
    a = _graph(
        "a", [("Pump", NodeKind.OBJECT, ""), ("Speed", NodeKind.VARIABLE, "")], [("Pump", "Speed", "child")]
    )
    b = _graph(
        "b", [("Pump", NodeKind.OBJECT, ""), ("Rate", NodeKind.VARIABLE, "")], [("Pump", "Rate", "child")]
    )
    left, right = entity_texts(a.own_nodes()), entity_texts(b.own_nodes())
    pairs = sparse.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.5]]))
    for weight in (0.1, 0.3, 0.6):
        lifted = flood(a, b, left, right, pairs, weight=weight).toarray()
        assert lifted[1, 1] == pytest.approx(0.5 + weight * 0.5 + TIE_BREAK)


def test_seeds_are_kept_and_rejections_respected() -> None:
    a = _graph("a", [("Level", NodeKind.VARIABLE, "Double"), ("Temp", NodeKind.VARIABLE, "Double")])
    b = _graph(
        "b",
        [
            ("Level", NodeKind.VARIABLE, "Double"),
            ("LT_101", NodeKind.VARIABLE, "Double"),
            ("Temperature", NodeKind.VARIABLE, "Double"),
        ],
    )
    seeds = Alignment("a", "b")
    seeds.add(Correspondence("a#Level", "b#LT_101", status=Status.ACCEPTED))
    seeds.add(Correspondence("a#Temp", "b#Temperature", status=Status.REJECTED))
    found = match(a, b, MatchOptions(threshold=0.5), seeds=seeds)
    pairs = {(c.subject_id, c.object_id): c for c in found}
    assert pairs[("a#Level", "b#LT_101")].status is Status.ACCEPTED
    assert ("a#Temp", "b#Temperature") not in pairs


def test_the_decider_reads_an_accepted_seed_as_found_and_keeps_it() -> None:
    """Under the decider an accepted seed is matched but not pinned into the evidence its features
    read: pinned to 1, it outranked every namesake in its column, and a JSON Schema that repeats
    ``proxy`` in every security scheme lost the other members to the one an engineer accepted."""
    from translator.matching.matcher import gather_evidence

    a = _graph("a", [("Proxy", NodeKind.VARIABLE, "String"), ("ProxyUri", NodeKind.VARIABLE, "String")])
    b = _graph("b", [("ProxyAddress", NodeKind.VARIABLE, "String"), ("Level", NodeKind.VARIABLE, "Double")])
    seeds = Alignment("a", "b")
    seeds.add(Correspondence("a#Proxy", "b#ProxyAddress", status=Status.ACCEPTED))
    seeds.add(Correspondence("a#ProxyUri", "b#ProxyAddress", status=Status.REJECTED))

    def lexical(method: str, given: Alignment | None) -> dict[tuple[str, str], float]:
        ev = gather_evidence(a, b, MatchOptions(method=method), seeds=given)
        m = ev.lexical.tocoo()
        src, tgt = ev.candidates.source, ev.candidates.target
        return {(src[i].id, tgt[j].id): float(v) for i, j, v in zip(m.row, m.col, m.data, strict=True)}

    found, decider, plain = lexical("lexical", seeds), lexical("decider", seeds), lexical("decider", None)
    assert found[("a#Proxy", "b#ProxyAddress")] == 1.0  # pinned where the score is the decision
    assert decider[("a#Proxy", "b#ProxyAddress")] == plain[("a#Proxy", "b#ProxyAddress")] < 1.0
    assert ("a#ProxyUri", "b#ProxyAddress") not in decider  # a rejection still removes the pair
    kept = {(c.subject_id, c.object_id): c for c in match(a, b, MatchOptions(method="decider"), seeds=seeds)}
    assert kept[("a#Proxy", "b#ProxyAddress")].status is Status.ACCEPTED
    assert ("a#ProxyUri", "b#ProxyAddress") not in kept


def test_top_k_ranks_candidates() -> None:
    a = _graph("a", [("PumpSpeed", NodeKind.VARIABLE, "Double")])
    b = _graph(
        "b",
        [
            ("PumpSpeed", NodeKind.VARIABLE, "Double"),
            ("PumpSpeedSetpoint", NodeKind.VARIABLE, "Double"),
            ("FanSpeed", NodeKind.VARIABLE, "Double"),
        ],
    )
    ranked = list(match(a, b, MatchOptions(method="lexical", top_k=2)))
    assert [c.object_id for c in ranked] == ["b#PumpSpeed", "b#PumpSpeedSetpoint"]
    assert ranked[0].confidence >= ranked[1].confidence


def test_gnn_without_a_model_names_the_way_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import translator.matching.matcher

    a = _graph("a", [("x", NodeKind.CLASS, "")])
    monkeypatch.setattr(translator.matching.matcher, "default_model_path", lambda: tmp_path / "gone.pt")
    with pytest.raises(MethodNotAvailableError, match="make model"):
        match(a, a, MatchOptions(method="gnn"))
    with pytest.raises(TolkaError, match="known methods"):
        match(a, a, MatchOptions(method="magic"))


def test_the_shipped_model_is_small_safe_and_recorded() -> None:
    import json

    from translator.gnn.model_io import load_weights
    from translator.matching.matcher import default_model_path

    path = default_model_path()
    assert path.stat().st_size < 5_000_000
    model = load_weights(path)  # weights_only loading
    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["seed"] == model.training["seed"]
    assert record["corpus"]
    assert record["history"]
    assert record["config"]["text_encoder"] == model.config.text_encoder


def test_gnn_matching_is_deterministic_and_learns_from_seeds() -> None:
    from tests.paths import VENDOR_A, VENDOR_B

    a, b = load_paths([VENDOR_A]), load_paths([VENDOR_B])
    first = match(a, b, MatchOptions(method="gnn"))
    again = match(a, b, MatchOptions(method="gnn"))
    assert [(c.pair, c.confidence) for c in first] == [(c.pair, c.confidence) for c in again]
    assert len(first) > 10
    chosen = sorted(first, key=lambda c: c.pair)
    seeds = Alignment(a.name, b.name)
    seeds.extend([chosen[0].replace(status=Status.ACCEPTED), chosen[1].replace(status=Status.REJECTED)])
    seeded = {c.pair: c for c in match(a, b, MatchOptions(method="gnn"), seeds=seeds)}
    assert seeded[chosen[0].pair].status is Status.ACCEPTED
    assert chosen[1].pair not in seeded


def test_demo_vendor_models_match_sensibly() -> None:
    from tests.paths import VENDOR_A, VENDOR_B

    found = match(load_paths([VENDOR_A]), load_paths([VENDOR_B]), MatchOptions(threshold=0.5))
    assert found, "the demo models matched nothing"  # the checks below would pass on nothing
    assert all(c.subject_id.startswith("nsu=http://tolka.dev/demo/VendorA/;") for c in found)
    assert all(c.object_id.startswith("nsu=http://tolka.dev/demo/VendorB/;") for c in found)
    speed, sc_107 = "nsu=http://tolka.dev/demo/VendorA/;i=6061", "nsu=http://tolka.dev/demo/VendorB/;i=6020"
    assert (speed, sc_107) in {c.pair for c in found}  # the pump's speed is tag SC_107, the demo's own pair


def test_small_real_pair_cmt_confof() -> None:
    from lxml import etree

    ontologies = shared("oaei-conference", "ontologies")
    reference_file = shared("oaei-conference", "alignments", "cmt-confOf.rdf")
    resource = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
    root = etree.parse(str(reference_file)).getroot()
    cells = [el for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("}Cell")]
    reference = {
        (
            next(c.get(resource) for c in cell if c.tag.endswith("entity1")),
            next(c.get(resource) for c in cell if c.tag.endswith("entity2")),
        )
        for cell in cells
    }
    found = {
        c.pair for c in match(load_paths([ontologies / "cmt.owl"]), load_paths([ontologies / "confOf.owl"]))
    }
    tp = len(found & reference)
    assert tp >= 6  # well above chance: 16 reference pairs among 29x38 classes and 59x36 properties
    assert tp / len(found) >= 0.5


@pytest.mark.slow
def test_five_thousand_by_five_thousand_stays_sparse() -> None:
    """The base OPC UA model against itself: blocked candidates, never a dense 5,000 x 5,000 matrix."""
    base = load_paths([shared("opcua", "Schema", "Opc.Ua.NodeSet2.xml")])
    candidates = lexical_candidates(base, base, block=20)
    n = len(candidates.source)
    assert n == len(candidates.target) > 4_000  # dense, that would be over 16 million scores
    assert len(candidates.scores) <= n * 25  # n·block plus exact-name extras
    found = match(base, base, MatchOptions(method="structural"))
    correct = sum(1 for c in found if c.subject_id == c.object_id)
    assert correct / len(found) > 0.6


def test_auto_picks_the_decider_then_the_gnn_then_structural(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import translator.matching.decider.model
    import translator.matching.matcher
    from tests.paths import PLANT, VENDOR_A, VENDOR_B
    from translator.matching.decider.model import cached_decider
    from translator.matching.matcher import resolve_method
    from translator.matching.options import default_threshold

    auto = MatchOptions()
    plant, a, b = load_paths([PLANT]), load_paths([VENDOR_A]), load_paths([VENDOR_B])
    assert resolve_method(auto, plant, plant) == "decider"
    assert resolve_method(auto, a, b) == "decider"
    assert default_threshold("decider", a, b) == cached_decider().threshold
    assert resolve_method(MatchOptions(method="lexical"), a, b) == "lexical"
    monkeypatch.setattr(
        translator.matching.decider.model, "default_decider_path", lambda: tmp_path / "no.json"
    )
    assert resolve_method(auto, a, b) == "gnn"
    assert resolve_method(auto, plant, a) == "gnn"
    # between two ontologies the GNN only nudges structural scores, at the structural threshold
    assert default_threshold("gnn", plant, plant) == default_threshold("structural", a, b) == 0.75
    assert default_threshold("gnn", a, b) == default_threshold("gnn", plant, a) == 0.6
    monkeypatch.setattr(translator.matching.matcher, "default_model_path", lambda: tmp_path / "gone.pt")
    assert resolve_method(auto, a, b) == "structural"
    assert resolve_method(auto, plant, plant) == "structural"


def test_the_gnn_only_breaks_near_ties_between_ontologies() -> None:
    """Between two ontologies ``gnn`` moves a structural score by at most ``gnn_nudge``/2 and
    proposes no pair that ``structural`` did not score."""
    from tests.paths import PLANT

    plant = load_paths([PLANT])
    every = 100  # more than the candidates of any node: all scored pairs
    structural = {
        c.pair: c.confidence for c in match(plant, plant, MatchOptions(method="structural", top_k=every))
    }
    gnn = {c.pair: c.confidence for c in match(plant, plant, MatchOptions(method="gnn", top_k=every))}
    assert gnn
    assert set(gnn) <= set(structural)
    nudge = MatchOptions().gnn_nudge / 2 + 1e-6
    assert all(abs(v - structural[p]) <= nudge for p, v in gnn.items())
    assert any(v != structural[p] for p, v in gnn.items())


def test_auto_maps_plc_tags_to_typed_variables_by_description_unit_and_structure() -> None:
    from tests.paths import VENDOR_A, VENDOR_B

    a, b = load_paths([VENDOR_A]), load_paths([VENDOR_B])
    found = {(a[c.subject_id].path, b[c.object_id].name) for c in match(a, b)}
    # vendor B's tags share no word with vendor A's names; lexical and structural find none of these
    expected = {
        ("/Objects/PumpSkid1/Pump/MotorCurrent", "IT_108"),
        ("/Objects/PumpSkid1/Pump/StartCount", "KC_116"),
        ("/Objects/PumpSkid1/Heater/Power", "JT_111"),
        ("/Objects/PumpSkid1/Pump/DischargePressure", "PT_104"),
    }
    assert expected <= found
    structural = {
        (a[c.subject_id].path, b[c.object_id].name) for c in match(a, b, MatchOptions(method="structural"))
    }
    assert not expected & structural


def test_gnn_alone_proposes_only_confident_compatible_pairs() -> None:
    from translator.matching.entities import EntityText
    from translator.matching.evidence import confident
    from translator.matching.lexical import Candidates

    def entity(name: str, kind: NodeKind, unit: str = "") -> EntityText:
        return EntityText(f"x#{name}", kind, (name,), ((name,),), "", name, unit)

    source = [
        entity("TT_102", NodeKind.VARIABLE, "FAH"),
        entity("PT_104", NodeKind.VARIABLE, "PS"),
        entity("XS_112", NodeKind.VARIABLE),
        entity("Pump", NodeKind.OBJECT_TYPE),
    ]
    target = [
        entity("Temperature", NodeKind.VARIABLE, "CEL"),
        entity("Level", NodeKind.VARIABLE, "MTR"),
        entity("State", NodeKind.VARIABLE),
        entity("Speed", NodeKind.OBJECT_PROPERTY),
    ]
    empty = np.empty(0, dtype=np.int64)
    cands = Candidates(source, target, empty, empty, np.empty(0))
    probability = sparse.csr_matrix(
        np.array(
            [
                [0.65, 0.0, 0.0, 0.0],  # °F to °C, fairly sure: units of one quantity back it
                [0.0, 0.95, 0.0, 0.0],  # psi to metres: never, however sure
                [0.0, 0.0, 0.65, 0.0],  # no units: 0.65 is not enough
                [0.0, 0.0, 0.0, 0.95],  # a type to a relation: never
            ]
        )
    )
    kept = confident(probability, cands, MatchOptions()).toarray()
    assert kept[0, 0] == pytest.approx(0.65)
    assert kept[1, 1] == 0
    assert kept[2, 2] == 0
    assert kept[3, 3] == 0
    sure = sparse.csr_matrix(np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0.9, 0], [0, 0, 0, 0]]))
    assert confident(sure, cands, MatchOptions()).toarray()[2, 2] == pytest.approx(0.9)
