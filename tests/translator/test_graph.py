"""SchemaGraph: building, equality, the JSON file round trip and the conversion to the GNN's tensors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

from translator.errors import GraphFileError, ModelContentError
from translator.gnn.data import RELATION_VOCABULARY, graph_input
from translator.gnn.features import HashedNgramEncoder
from translator.graph.file import load_graph, save_graph
from translator.graph.model import Node, NodeKind, SchemaGraph


def _full_node(node_id: str, **changes: object) -> Node:
    node = Node(
        id=node_id,
        kind=NodeKind.VARIABLE,
        name="Temperature",
        label="Temperatur",
        description="Tank temperature",
        datatype="Double",
        unit="CEL",
        path="/Objects/Skid/Tank/Temperature",
        source="urn:test",
        own=True,
        labels=(("de", "Temperatur"), ("en", "Temperature")),
        descriptions=(("en", "Tank temperature"),),
        synonyms=("Temp", "TT"),
        unit_label="°C",
        value_rank=-1,
        modelling_rule="Mandatory",
        enum_values=("Stopped=0", "Running=1"),
        minimum=-20.5,
        maximum=150.0,
    )
    return node.replace(**changes)


def _graph(order: list[int] | None = None) -> SchemaGraph:
    nodes = [
        _full_node("urn:test;i=1"),
        _full_node("urn:test;i=2", kind=NodeKind.OBJECT, own=False, minimum=None),
        _full_node("urn:test;i=3", kind=NodeKind.OBJECT_TYPE, unit=""),
    ]
    edges = [
        ("urn:test;i=2", "urn:test;i=1", "HasComponent"),
        ("urn:test;i=2", "urn:test;i=3", "HasTypeDefinition"),
    ]
    if order is not None:
        nodes = [nodes[i] for i in order]
        edges = edges[::-1]
    graph = SchemaGraph("test", sources=["a.xml"], namespaces=["urn:test"])
    graph.add_nodes(nodes)
    graph.add_edges(edges)
    return graph


def test_edges_need_both_ends_and_are_kept_once() -> None:
    graph = _graph()
    graph.add_edge("urn:test;i=2", "urn:test;i=1", "HasComponent")
    assert graph.num_edges == 2
    with pytest.raises(ModelContentError, match="unknown node urn:nope"):
        graph.add_edge("urn:test;i=1", "urn:nope", "HasProperty")


def test_same_pair_may_have_several_relations() -> None:
    graph = _graph()
    graph.add_edge("urn:test;i=2", "urn:test;i=1", "Organizes")
    assert sorted(e.relation for e in graph.out_edges("urn:test;i=2")) == [
        "HasComponent",
        "HasTypeDefinition",
        "Organizes",
    ]
    assert graph.nx.number_of_edges("urn:test;i=2", "urn:test;i=1") == 2


def test_remove_node_removes_its_edges() -> None:
    graph = _graph()
    graph.remove_node("urn:test;i=1")
    assert "urn:test;i=1" not in graph
    assert [e.relation for e in graph.edges()] == ["HasTypeDefinition"]
    assert next(iter(graph.in_edges("urn:test;i=3"))).source == "urn:test;i=2"


def test_own_and_context_nodes() -> None:
    graph = _graph()
    assert {n.id for n in graph.own_nodes()} == {"urn:test;i=1", "urn:test;i=3"}
    assert [n.id for n in graph.context_nodes()] == ["urn:test;i=2"]


def test_update_prefers_own_nodes() -> None:
    graph = _graph()
    other = SchemaGraph("other")
    other.add_node(_full_node("urn:test;i=2", own=True, name="Skid"))
    graph.update(other)
    assert graph["urn:test;i=2"].own
    assert graph["urn:test;i=2"].name == "Skid"


def test_json_round_trip_is_exact(tmp_path: Path) -> None:
    graph = _graph()
    graph.warnings.append("a warning")
    path = tmp_path / "g.json"
    save_graph(graph, path)
    again = load_graph(path)
    assert again == graph
    assert again["urn:test;i=1"] == graph["urn:test;i=1"]
    # Equal graphs built in another order give byte-identical files.
    other = _graph(order=[2, 0, 1])
    other.warnings.append("a warning")
    save_graph(other, tmp_path / "h.json")
    assert (tmp_path / "h.json").read_bytes() == path.read_bytes()


def test_graph_file_errors_name_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(GraphFileError, match="not a Tolka graph file"):
        load_graph(path)
    path.write_text(
        json.dumps(
            {
                "format": "tolka-schema-graph",
                "version": 1,
                "nodes": [{"id": "a", "kind": "nonsense", "name": "a"}],
            }
        )
    )
    with pytest.raises(GraphFileError, match="nodes/0"):
        load_graph(path)


def test_save_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text("previous content")
    graph = _graph()
    graph.add_node(_full_node("urn:test;i=9", minimum=float("nan")).replace(synonyms=(object(),)))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        save_graph(graph, path)
    assert path.read_text() == "previous content"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_the_gnn_input_is_deterministic_and_shaped() -> None:
    """The one graph → tensor converter (`translator.gnn.data.graph_input`): rows in sorted id order
    whatever the insertion order, every edge with its inverse, typed by relation role."""
    encoder = HashedNgramEncoder(dim=16)
    a, b = graph_input(_graph(), encoder), graph_input(_graph(order=[2, 1, 0]), encoder)
    assert a.ids == sorted(a.ids) == b.ids
    assert torch.equal(a.edge_index, b.edge_index)
    assert torch.equal(a.edge_type, b.edge_type)
    assert torch.equal(a.x, b.x)
    assert a.edge_index.shape == (2, 4)  # two edges, each with its inverse
    assert a.edge_index.dtype == torch.long
    assert a.own.tolist() == [True, False, True]
    assert a.x.shape[0] == 3
    part, type_of = RELATION_VOCABULARY.index("part"), RELATION_VOCABULARY.index("type")
    assert sorted(a.edge_type.tolist()) == [2 * part, 2 * part + 1, 2 * type_of, 2 * type_of + 1]
    pairs = {(a.ids[s], a.ids[t]) for s, t in a.edge_index.t().tolist()}
    assert ("urn:test;i=2", "urn:test;i=1") in pairs
    assert ("urn:test;i=1", "urn:test;i=2") in pairs


def test_random_graph_round_trips(tmp_path: Path) -> None:
    rng = random.Random(7)
    graph = SchemaGraph("random")
    ids = [f"urn:r#/{i}" for i in range(200)]
    kinds = list(NodeKind)
    for node_id in ids:
        graph.add_node(Node(id=node_id, kind=rng.choice(kinds), name=node_id[-3:], own=rng.random() < 0.7))
    for _ in range(600):
        graph.add_edge(rng.choice(ids), rng.choice(ids), rng.choice(["child", "ref", "HasComponent"]))
    save_graph(graph, tmp_path / "r.json")
    assert load_graph(tmp_path / "r.json") == graph
