"""Training and test pairs: the standard transform chains (:data:`DEFAULT`, :data:`MODERATE`) and
:func:`make_pair`."""

from __future__ import annotations

import random

from translator.gnn.augment.naming import Reidentify, Rename, Tag
from translator.gnn.augment.structure import AddNodes, DropNodes, Flatten, Nest, Overlap
from translator.gnn.augment.transform import Augmentation, Compose, Pair
from translator.gnn.augment.values import ChangeDatatypes, ChangeUnits
from translator.graph.model import SchemaGraph

__all__ = ["DEFAULT", "MODERATE", "make_pair"]

DEFAULT = Compose(
    (
        Overlap(),
        Rename(),
        Tag(),
        ChangeUnits(),
        ChangeDatatypes(),
        DropNodes(),
        AddNodes(),
        Flatten(),
        Nest(),
        Reidentify(),
    )
)
"""Every kind of difference, then fresh ids: what the learned matcher trains on. ``Overlap`` makes
both sides keep nodes without a counterpart (up to 60 % of them), so that the calibration learns
that a confident-looking pair can be no pair at all."""

MODERATE = Compose(
    (Rename(), ChangeUnits(), ChangeDatatypes(), DropNodes(), AddNodes(), Flatten(), Nest(), Reidentify())
)
"""The differences the matcher's quality goal names — renaming, 10 % of the leaves dropped,
distractors added, hierarchies regrouped, units and datatypes changed, order shuffled — at moderate
strength, with no loss of overlap beyond the dropped leaves."""


def make_pair(graph: SchemaGraph, rng: random.Random, transform: Augmentation = DEFAULT) -> Pair:
    """A training or test pair: the graph, a transformed copy, and the true correspondence."""
    start = Pair(graph, graph, {n.id: n.id for n in graph.own_nodes()})
    return transform(start, rng)
