"""Every graph transform: copies before it changes, keeps the truth right, does what it says."""

from __future__ import annotations

import random
import re

import pytest

from adapters import load_paths
from tests.paths import PLANT, VENDOR_A
from translator.gnn.augment.naming import Reidentify, Rename, Tag
from translator.gnn.augment.pairs import DEFAULT, make_pair
from translator.gnn.augment.structure import AddNodes, DropNodes, Flatten, Nest, Overlap
from translator.gnn.augment.transform import Pair
from translator.gnn.augment.values import ChangeDatatypes, ChangeUnits
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.translation.units import compatible

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


# -- no leaks: a renamed node's old name survives nowhere in the transformed copy ---------------


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """``needle`` as a contiguous run of ``haystack``."""
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def _stale_segments(graph: SchemaGraph) -> dict[str, list[str]]:
    """Path segments (case-folded) that no node at their prefix is named any more, and where: a
    segment is stale when some node sits at the path up to it but none of those nodes has that name
    (a renamed or regrouped ancestor whose old name stayed in a descendant's path)."""
    names: dict[str, set[str]] = {}
    for node in graph.nodes():
        names.setdefault(node.path, set()).add(node.name.casefold())
    stale: dict[str, list[str]] = {}
    for node in graph.nodes():
        parts = node.path.split("/")
        for i in range(1, len(parts)):
            here = names.get("/".join(parts[: i + 1]))
            segment = _unescape(parts[i]).casefold()
            if here is not None and segment not in here:
                stale.setdefault(segment, []).append(node.path)
    return stale


def _leaks(source: SchemaGraph, pair: Pair) -> list[str]:
    """Every place of the target where a renamed node's old name survives.

    Whole names and path segments are compared case-insensitively (when the old name is not also
    the new one). When the new name does not itself contain the old name's words: the text the GNN
    encodes for the node (name, labels, parent path segments) must not hold the old name as a whole
    identifier (a parent named ``IDeviceHealthType`` may hold ``DeviceHealth``'s words; a parent of
    the same name, ``plant:Sensor`` under ``sosa:Sensor``, may hold it), and its
    descriptions must not hold the old name's words in order, in any case style (``InletValve``,
    ``inlet valve``), when it has at least two (one word in prose is meaning, not a name)."""
    from translator.gnn.features import node_text
    from translator.graph.names import split_name

    target = pair.target
    stale = _stale_segments(target)
    leaks = []
    for s, t in sorted(pair.truth.items()):
        old, node = source[s].name, target[t]
        key = old.casefold()
        if key == node.name.casefold():
            continue
        where = f"{old!r} → {node.name!r} ({t})"
        names = [node.name, node.label, *(text for _, text in node.labels), *node.synonyms]
        if any(n.casefold() == key for n in names):
            leaks.append(f"{where}: name, label or synonym")
        segments = [_unescape(p) for p in node.path.split("/")[1:]]
        if segments and segments[-1] != node.name:
            leaks.append(f"{where}: own path {node.path!r}")
        if key in stale:
            leaks.append(f"{where}: stale path segment in {stale[key][:2]}")
        words = split_name(old)
        if _contains(split_name(node.name), words):
            continue  # the new name keeps the old one's words (a prefix, a case style): nothing hidden
        identifier = re.compile(rf"(?<![0-9a-z_]){re.escape(old)}(?![0-9a-z_])", re.IGNORECASE)
        text = node_text(node.replace(description=""))  # the description is searched below
        namesake = any(p.casefold() == key for p in segments[:-1])  # an ancestor of that name (stale: above)
        if identifier.search(text) and not namesake:
            leaks.append(f"{where}: GNN text {text[:80]!r}")
        if len(words) < 2:
            continue
        descriptions = {"": node.description, **dict(node.descriptions)}
        for locale, text in descriptions.items():
            if _contains(split_name(text), words):
                leaks.append(f"{where}: description@{locale} {text[:80]!r}")
    return leaks


def _assert_no_leaks(graph: SchemaGraph, seeds: range, transforms: tuple[object, ...]) -> None:
    from translator.gnn.augment.pairs import MODERATE

    renamed = 0
    for transform in (*transforms, DEFAULT, MODERATE):
        for seed in seeds:
            pair = make_pair(graph, random.Random(seed), transform)  # type: ignore[arg-type]
            leaks = _leaks(graph, pair)
            assert not leaks, f"{type(transform).__name__} seed {seed}: {len(leaks)} leaks, e.g. {leaks[:5]}"
            renamed += sum(1 for s, t in pair.truth.items() if graph[s].name != pair.target[t].name)
    assert renamed  # the check saw renamed nodes


_RENAMING = (Rename(share=1.0, drop_description=0.0), Tag(chance=1.0, share=1.0))


def test_no_old_names_leak_from_the_demo_nodeset(graph: SchemaGraph) -> None:
    _assert_no_leaks(graph, range(25), _RENAMING)


def test_no_old_names_leak_from_a_plant_ontology() -> None:
    _assert_no_leaks(load_paths([PLANT]), range(25), _RENAMING)


@pytest.mark.shared_data
def test_no_old_names_leak_from_a_companion_nodeset() -> None:
    from adapters import LoadOptions
    from tests.paths import shared

    options = LoadOptions(models_dirs=(shared("opcua"),))
    di = load_paths([shared("opcua", "DI", "Opc.Ua.Di.NodeSet2.xml")], options)
    _assert_no_leaks(di, range(4), _RENAMING)


@pytest.mark.shared_data
def test_no_old_names_leak_from_an_oaei_ontology() -> None:
    from tests.paths import shared

    for name in ("cmt.owl", "conference.owl"):
        _assert_no_leaks(load_paths([shared("oaei-conference", "ontologies", name)]), range(10), _RENAMING)


def test_regrouping_and_dropping_rebuild_the_paths(graph: SchemaGraph) -> None:
    for transform in (Flatten(share=1.0), Nest(share=1.0), DropNodes(share=0.5), Overlap(0.5, 0.5)):
        for seed in range(5):
            pair = transform(_start(graph), random.Random(seed))
            for side in (pair.source, pair.target):
                paths = {n.path for n in side.nodes()}
                for node in side.nodes():  # every ancestor on a node's path is still a node here
                    prefix = node.path.rpartition("/")[0]
                    if node.path.count("/") > 1 and node.own:
                        assert prefix in paths, f"{type(transform).__name__}: {node.path}"
                assert not _stale_segments(side), type(transform).__name__
    nested = Nest(share=1.0)(_start(graph), random.Random(1))
    folders = [n for n in nested.target.nodes() if n.id not in graph]
    assert folders
    for folder in folders:  # the folder has a path under its parent, and its children under it
        children = [e.target for e in nested.target.out_edges(folder.id)]
        assert folder.path.count("/") >= 1
        assert all(nested.target[c].path.startswith(folder.path + "/") for c in children)
