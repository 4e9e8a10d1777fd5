"""What a graph transform is: it takes a `Pair` and returns a new one, its target changed on a copy.

``truth`` maps the source's own node ids to the target's; a transform that removes or renames target
nodes keeps it right. :class:`Compose` applies transforms in order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from translator.graph.model import SchemaGraph

__all__ = ["CONTAINMENT", "Augmentation", "Compose", "Pair", "copy_graph", "own_ids"]


@dataclass
class Pair:
    """A source graph, a transformed target graph, and the true correspondence (source id → target id)."""

    source: SchemaGraph
    target: SchemaGraph
    truth: dict[str, str] = field(default_factory=dict)


Augmentation = Callable[[Pair, random.Random], Pair]
"""An augmentation takes a pair (its target is what gets changed) and returns a new pair."""

CONTAINMENT = frozenset({"HasComponent", "HasProperty", "Organizes", "HasOrderedComponent", "child"})
"""The relations by which a node contains another."""


def copy_graph(graph: SchemaGraph) -> SchemaGraph:
    """A copy of ``graph`` that a transform may change."""
    out = SchemaGraph(graph.name, sources=graph.sources, namespaces=graph.namespaces)
    out.add_nodes(graph.nodes())
    out.add_edges(graph.edges())
    return out


def own_ids(graph: SchemaGraph) -> list[str]:
    """The ids of ``graph``'s own nodes, sorted."""
    return sorted(n.id for n in graph.own_nodes())


@dataclass(frozen=True)
class Compose:
    """Apply transforms in order."""

    transforms: tuple[Augmentation, ...]

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        for transform in self.transforms:
            pair = transform(pair, rng)
        return pair
