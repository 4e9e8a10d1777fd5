"""Every graph transform: copies before it changes, keeps the truth right, does what it says."""

from __future__ import annotations

import random

import pytest

from adapters import load_paths
from tests.paths import PLANT, VENDOR_A
from translator.graph import SchemaGraph
from translator.transforms import (
    DEFAULT,
    AddNodes,
    ChangeDatatypes,
    ChangeUnits,
    DropNodes,
    Flatten,
    Nest,
    Pair,
    Reidentify,
    Rename,
    make_pair,
)
from translator.units import compatible

CONTAINMENT = {"HasComponent", "HasProperty", "Organizes", "HasOrderedComponent", "child"}


@pytest.fixture(scope="module")
def graph() -> SchemaGraph:
    return load_paths([VENDOR_A])


def _start(graph: SchemaGraph) -> Pair:
    return Pair(graph, graph, {n.id: n.id for n in graph.own_nodes()})


def _truth_is_valid(pair: Pair) -> None:
    for s, t in pair.truth.items():
        assert s in pair.source
        assert t in pair.target


@pytest.mark.parametrize(
    "transform",
    [
        Rename(),
        DropNodes(0.5),
        AddNodes(0.5),
        Flatten(0.5),
        Nest(0.5),
        ChangeUnits(1.0),
        ChangeDatatypes(1.0),
        Reidentify(),
    ],
    ids=lambda t: type(t).__name__,
)
def test_copies_and_keeps_truth_valid(graph: SchemaGraph, transform: object) -> None:
    before = (len(graph), graph.num_edges, {n.id: n for n in graph.nodes()})
    pair = transform(_start(graph), random.Random(1))  # type: ignore[operator]
    assert (len(graph), graph.num_edges, {n.id: n for n in graph.nodes()}) == before  # input untouched
    _truth_is_valid(pair)
    assert pair.truth


def test_rename_changes_names_not_meaning(graph: SchemaGraph) -> None:
    pair = Rename(share=1.0)(_start(graph), random.Random(3))
    changed = sum(1 for s, t in pair.truth.items() if graph[s].name != pair.target[t].name)
    assert changed >= 0.6 * len(pair.truth)


def test_drop_removes_leaves_from_the_truth(graph: SchemaGraph) -> None:
    pair = DropNodes(share=0.5)(_start(graph), random.Random(2))
    assert len(pair.target) < len(graph)
    assert len(pair.truth) < sum(1 for _ in graph.own_nodes())


def test_add_nodes_adds_unmatched_distractors(graph: SchemaGraph) -> None:
    pair = AddNodes(share=0.5)(_start(graph), random.Random(2))
    added = {n.id for n in pair.target.nodes()} - {n.id for n in graph.nodes()}
    assert added
    assert not added & set(pair.truth.values())


def test_flatten_and_nest_regroup(graph: SchemaGraph) -> None:
    flat = Flatten(share=1.0)(_start(graph), random.Random(4))
    assert len(flat.target) < len(graph)
    nested = Nest(share=1.0)(_start(graph), random.Random(4))
    folders = {n.id for n in nested.target.nodes()} - {n.id for n in graph.nodes()}
    assert folders
    for node in nested.target.own_nodes():  # still a tree: one containment parent at most
        parents = [
            e
            for e in nested.target.in_edges(node.id)
            if e.relation in CONTAINMENT and nested.target[e.source].own
        ]
        assert len(parents) <= 1, node.id


def test_units_change_but_measure_the_same(graph: SchemaGraph) -> None:
    pair = ChangeUnits(share=1.0)(_start(graph), random.Random(5))
    changed = [
        (graph[s].unit, pair.target[t].unit)
        for s, t in pair.truth.items()
        if graph[s].unit != pair.target[t].unit
    ]
    assert changed
    assert all(compatible(a, b) for a, b in changed)


def test_reidentify_hides_the_answer(graph: SchemaGraph) -> None:
    pair = Reidentify()(_start(graph), random.Random(6))
    assert all(t.startswith("urn:tolka:copy:") for t in pair.truth.values())
    assert {graph[s].name for s in pair.truth} == {pair.target[t].name for t in pair.truth.values()}


def test_default_pair_is_seeded_and_deterministic() -> None:
    plant = load_paths([PLANT])
    a = make_pair(plant, random.Random(11))
    b = make_pair(plant, random.Random(11))
    assert a.truth == b.truth
    assert a.target == b.target
    _truth_is_valid(a)
    c = make_pair(plant, random.Random(12), DEFAULT)
    assert c.truth != a.truth or c.target != a.target
