"""SchemaGraph: building, equality, the JSON file round trip and the PyG conversion."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

from translator.errors import GraphFileError, ModelContentError
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
    graph.save(path)
    again = SchemaGraph.load(path)
    assert again == graph
    assert again["urn:test;i=1"] == graph["urn:test;i=1"]
    # Equal graphs built in another order give byte-identical files.
    other = _graph(order=[2, 0, 1])
    other.warnings.append("a warning")
    other.save(tmp_path / "h.json")
    assert (tmp_path / "h.json").read_bytes() == path.read_bytes()


def test_graph_file_errors_name_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(GraphFileError, match="not a Tolka graph file"):
        SchemaGraph.load(path)
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
        SchemaGraph.load(path)


def test_save_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_text("previous content")
    graph = _graph()
    graph.add_node(_full_node("urn:test;i=9", minimum=float("nan")).replace(synonyms=(object(),)))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        graph.save(path)
    assert path.read_text() == "previous content"
    assert [p.name for p in tmp_path.iterdir()] == ["g.json"]


def test_to_pyg_is_deterministic_and_shaped() -> None:
    a = _graph().to_pyg()
    b = _graph(order=[2, 1, 0]).to_pyg()
    assert a.node_ids == sorted(a.node_ids) == b.node_ids
    assert a.relation_names == b.relation_names == ["HasComponent", "HasTypeDefinition"]
    assert torch.equal(a.edge_index, b.edge_index)
    assert torch.equal(a.edge_type, b.edge_type)
    assert torch.equal(a.kind, b.kind)
    assert a.edge_index.shape == (2, 2)
    assert a.edge_index.dtype == torch.long
    assert a.own_mask.tolist() == [True, False, True]
    assert a.num_nodes == 3
    src, dst = a.edge_index[:, 0].tolist()
    assert (a.node_ids[src], a.node_ids[dst]) == ("urn:test;i=2", "urn:test;i=1")


def test_to_pyg_shared_relation_vocabulary() -> None:
    data = _graph().to_pyg(relations=["HasTypeDefinition", "Organizes"])
    assert data.relation_names == ["HasTypeDefinition", "Organizes", "<other>"]
    assert sorted(data.edge_type.tolist()) == [0, 2]


def test_random_graph_round_trips(tmp_path: Path) -> None:
    rng = random.Random(7)
    graph = SchemaGraph("random")
    ids = [f"urn:r#/{i}" for i in range(200)]
    kinds = list(NodeKind)
    for node_id in ids:
        graph.add_node(Node(id=node_id, kind=rng.choice(kinds), name=node_id[-3:], own=rng.random() < 0.7))
    for _ in range(600):
        graph.add_edge(rng.choice(ids), rng.choice(ids), rng.choice(["child", "ref", "HasComponent"]))
    graph.save(tmp_path / "r.json")
    assert SchemaGraph.load(tmp_path / "r.json") == graph
