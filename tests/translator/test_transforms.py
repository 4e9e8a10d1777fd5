"""Every graph transform: copies before it changes, keeps the truth right, does what it says."""

from __future__ import annotations

import random
import re

import pytest

from adapters import load_paths
from tests.paths import PLANT, VENDOR_A
from translator.graph import Node, NodeKind, SchemaGraph
from translator.transforms import (
    DEFAULT,
    AddNodes,
    ChangeDatatypes,
    ChangeUnits,
    DropNodes,
    Flatten,
    Nest,
    Overlap,
    Pair,
    Reidentify,
    Rename,
    Tag,
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
        Tag(chance=1.0),
        Overlap(0.4, 0.4),
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


def test_rename_drops_qualifiers_and_descriptions(graph: SchemaGraph) -> None:
    pair = Rename(share=1.0, drop_description=1.0)(_start(graph), random.Random(4))
    renamed = [pair.target[t] for t in pair.truth.values()]
    assert all(not n.description and not n.descriptions for n in renamed)
    node = Node("x#RegularAuthor", NodeKind.CLASS, "RegularAuthor")
    variants = {tuple(Rename()._words(node, random.Random(seed))) for seed in range(60)}
    assert ("author",) in {tuple(w.lower() for w in v) for v in variants}  # the qualifier goes
    assert ("author", "regular") in {tuple(w.lower() for w in v) for v in variants}  # word order


def test_tag_gives_isa_style_names_by_quantity(graph: SchemaGraph) -> None:
    pair = Tag(chance=1.0, share=1.0)(_start(graph), random.Random(2))
    tagged = {s: pair.target[t] for s, t in pair.truth.items() if graph[s].kind.value == "variable"}
    assert tagged
    for s, node in tagged.items():
        assert re.fullmatch(r"[A-Z]{2}[-_]?\d{3}", node.name), node.name
        assert node.description == graph[s].description  # the tag list keeps the prose and the unit
        assert node.unit == graph[s].unit
        if graph[s].unit in ("CEL", "FAH", "KEL"):
            assert node.name.startswith("T")
    assert Tag(chance=0.0)(_start(graph), random.Random(2)).target is graph


def test_overlap_leaves_unmatched_nodes_on_both_sides(graph: SchemaGraph) -> None:
    pair = Overlap(0.5, 0.5)(_start(graph), random.Random(6))
    own = sum(1 for _ in graph.own_nodes())
    matched_source, matched_target = set(pair.truth), set(pair.truth.values())
    only_source = [n for n in pair.source.own_nodes() if n.id not in matched_source]
    only_target = [n for n in pair.target.own_nodes() if n.id not in matched_target]
    assert only_source  # nodes of the source with no counterpart
    assert only_target  # and of the target
    assert 0.3 * own < len(pair.truth) < 0.7 * own


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
