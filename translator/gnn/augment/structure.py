"""Transforms of what a model holds and how it groups it: dropped leaves (:class:`DropNodes`), partial
overlap of both sides (:class:`Overlap`), distractor nodes (:class:`AddNodes`), flatter
(:class:`Flatten`) and deeper (:class:`Nest`) hierarchies. Paths follow every change
(:class:`~.paths.PathTree`); removed nodes leave the truth.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from translator.gnn.augment.paths import PathTree, remove_nodes, segment
from translator.gnn.augment.transform import CONTAINMENT, Pair, copy_graph, own_ids
from translator.graph.model import Node, NodeKind

__all__ = ["AddNodes", "DropNodes", "Flatten", "Nest", "Overlap"]

_FILLER = ("Aux", "Spare", "Reserve", "Diag", "Internal", "Debug", "Cfg", "Tmp", "Calc", "Misc")


@dataclass(frozen=True)
class DropNodes:
    """Drop a share of the own leaf nodes (no contained children; their edges go too, and nodes
    whose path went through them, subtypes for instance, hang one level up); they leave the truth."""

    share: float = 0.1

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = copy_graph(pair.target)
        leaves = [
            i for i in own_ids(target) if not any(e.relation in CONTAINMENT for e in target.out_edges(i))
        ]
        dropped = {i for i in leaves if rng.random() < self.share}
        remove_nodes(target, dropped)
        truth = {s: t for s, t in pair.truth.items() if t not in dropped}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Overlap:
    """Two models of one domain share only part of their content: drop a share (drawn between
    ``low`` and ``high`` per pair) of the matched own nodes, half of them from the source and half
    from the target, so that both sides keep nodes without a counterpart — the usual case between
    real models, where a confident-looking pair is often no pair at all."""

    low: float = 0.0
    high: float = 0.6

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        share = rng.uniform(self.low, self.high)
        source, target = copy_graph(pair.source), copy_graph(pair.target)
        truth = {}
        gone: tuple[list[str], list[str]] = ([], [])
        for s, t in sorted(pair.truth.items()):
            draw = rng.random()
            if draw < share / 2:
                gone[0].append(s)
            elif draw < share:
                gone[1].append(t)
            else:
                truth[s] = t
        remove_nodes(source, gone[0])
        remove_nodes(target, gone[1])
        return Pair(source, target, truth)


@dataclass(frozen=True)
class AddNodes:
    """Add distractor nodes (names the source never had) under random own parents."""

    share: float = 0.1

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = copy_graph(pair.target)
        parents = [i for i in own_ids(target) if any(e.relation in CONTAINMENT for e in target.out_edges(i))]
        if not parents:
            return Pair(pair.source, target, dict(pair.truth))
        count = max(1, int(self.share * len(parents)))
        for k in range(count):
            parent = target[rng.choice(parents)]
            name = f"{rng.choice(_FILLER)}{rng.choice(_FILLER)}{k}"
            node_id = f"{parent.id}/added-{k}"
            kind = NodeKind.FIELD if parent.kind in (NodeKind.OBJECT, NodeKind.FIELD) else NodeKind.VARIABLE
            target.add_node(
                Node(node_id, kind, name, label=name, path=f"{parent.path}/{name}", source=parent.source)
            )
            relation = next(e.relation for e in target.out_edges(parent.id) if e.relation in CONTAINMENT)
            target.add_edge(parent.id, node_id, relation)
        return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class Flatten:
    """Remove a share of the own intermediate grouping nodes; their children move up one level, in
    the containment and in their paths."""

    share: float = 0.3

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = copy_graph(pair.target)
        tree = PathTree(target)
        removed: set[str] = set()
        for node_id in own_ids(target):
            parents = [e for e in target.in_edges(node_id) if e.relation in CONTAINMENT]
            children = [e for e in target.out_edges(node_id) if e.relation in CONTAINMENT]
            if not parents or not children or rng.random() >= self.share:
                continue
            grandparent = parents[0].source
            for child in children:
                target.add_edge(grandparent, child.target, child.relation)
            target.remove_node(node_id)
            tree.remove(node_id, moved=(c.target for c in children), to=grandparent)
            removed.add(node_id)
        tree.rebuild(target)
        truth = {s: t for s, t in pair.truth.items() if t not in removed}
        return Pair(pair.source, target, truth)


@dataclass(frozen=True)
class Nest:
    """Insert a new folder between a share of the own parents and their children (their paths go
    through it)."""

    share: float = 0.2

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = copy_graph(pair.target)
        tree = PathTree(target)
        for k, node_id in enumerate(own_ids(target)):
            children = [e for e in target.out_edges(node_id) if e.relation in CONTAINMENT]
            if len(children) < 2 or rng.random() >= self.share:
                continue
            parent = target[node_id]
            folder_id = f"{node_id}/folder-{k}"
            name = rng.choice(("Parameters", "Values", "Signals", "Data", "Group"))
            path = f"{parent.path}/{segment(name)}"
            folder = Node(folder_id, NodeKind.OBJECT, name, label=name, path=path, source=parent.source)
            target.add_node(folder)
            target.add_edge(node_id, folder_id, "Organizes" if parent.kind is not NodeKind.FIELD else "child")
            tree.hang(folder_id, node_id)
            for child in children[: len(children) // 2 + 1]:
                target.remove_edge(child.source, child.target, child.relation)
                target.add_edge(folder_id, child.target, child.relation)
                if tree.parent.get(child.target) == node_id:
                    tree.hang(child.target, folder_id)
        tree.rebuild(target)
        return Pair(pair.source, target, dict(pair.truth))
