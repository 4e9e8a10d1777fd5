"""Re-identification: opaque ids for one side, so that no matcher gains from an id both sides share."""

from __future__ import annotations

import json

import pytest

from adapters import LoadOptions, load_paths
from tests.paths import VENDOR_A, shared
from translator.alignment.formats import read_alignment
from translator.alignment.identity import REIDENTIFIED_NAMESPACE, reidentify, restore_ids
from translator.alignment.metrics import evaluate
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.matcher import MatchOptions, match


def _graph() -> SchemaGraph:
    graph = SchemaGraph("m", namespaces=["urn:m"])
    graph.add_nodes(
        [
            Node("nsu=urn:m;i=2", NodeKind.OBJECT_TYPE, "PumpType"),
            Node("nsu=urn:m;i=1", NodeKind.VARIABLE, "Speed", path="PumpType/Speed"),
            Node(
                "nsu=http://opcfoundation.org/UA/;i=63",
                NodeKind.VARIABLE_TYPE,
                "BaseDataVariableType",
                own=False,
            ),
        ]
    )
    graph.add_edge("nsu=urn:m;i=2", "nsu=urn:m;i=1", "HasComponent")
    graph.add_edge("nsu=urn:m;i=1", "nsu=http://opcfoundation.org/UA/;i=63", "HasTypeDefinition")
    return graph


def test_own_ids_become_opaque_in_the_same_order_and_edges_follow() -> None:
    graph = _graph()
    opaque, back = reidentify(graph)
    own = sorted(n.id for n in opaque.own_nodes())
    assert all(i.startswith(f"nsu={REIDENTIFIED_NAMESPACE};") for i in own)
    assert not any("urn:m" in i for i in own)
    # the k-th old id in sorted order is the k-th new one
    assert [back[i] for i in own] == sorted(n.id for n in graph.own_nodes())
    # context keeps its id; names, paths and edges are kept
    assert "nsu=http://opcfoundation.org/UA/;i=63" in opaque
    new = {old: new for new, old in back.items()}
    assert opaque[new["nsu=urn:m;i=1"]].path == "PumpType/Speed"
    assert {(e.source, e.target, e.relation) for e in opaque.edges()} == {
        (new["nsu=urn:m;i=2"], new["nsu=urn:m;i=1"], "HasComponent"),
        (new["nsu=urn:m;i=1"], "nsu=http://opcfoundation.org/UA/;i=63", "HasTypeDefinition"),
    }
    assert graph["nsu=urn:m;i=1"].name == "Speed"  # the input is untouched
    assert opaque.namespaces == [REIDENTIFIED_NAMESPACE]


def test_restore_ids_maps_an_alignment_back() -> None:
    graph = load_paths([VENDOR_A])
    opaque, back = reidentify(graph)
    found = restore_ids(match(opaque, graph, MatchOptions(method="structural")), back)
    assert len(found) > 0
    assert all(c.subject_id in graph for c in found)
    assert all(c.subject_id == c.object_id for c in found)  # a model matched with itself


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize("method", ["lexical", "structural", "gnn"])
def test_a_reidentified_side_scores_the_same(method: str) -> None:
    """OPC UA version pairs share their NodeId strings by design; no method may gain from that."""
    folder = shared("pairs", "opcua-packml-1.00-1.01")
    manifest = json.loads((folder / "pair.json").read_text())
    options = LoadOptions(models_dirs=tuple((folder / d).resolve() for d in manifest["models_dir"]))
    source = load_paths([(folder / f).resolve() for f in manifest["source"]], options)
    target = load_paths([(folder / f).resolve() for f in manifest["target"]], options)
    reference = read_alignment(folder / manifest["reference"])
    assert {n.id for n in source.own_nodes()} & {n.id for n in target.own_nodes()}  # the leak exists

    before = match(source, target, MatchOptions(method=method))
    opaque, back = reidentify(source)
    after = restore_ids(match(opaque, target, MatchOptions(method=method)), back)
    scored_before, scored_after = evaluate(before, reference), evaluate(after, reference)
    if method == "gnn":
        # the consensus step's random colours are dealt to nodes in id order, so confidences may move
        # a little; what is found must not
        assert abs(scored_after.f1 - scored_before.f1) <= 0.01
        assert scored_after.f1 > 0.8
    else:
        assert {(c.pair, c.confidence) for c in after} == {(c.pair, c.confidence) for c in before}
