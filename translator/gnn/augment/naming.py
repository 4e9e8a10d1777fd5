"""Transforms of how nodes are named: renamed (:class:`Rename`), given PLC tag names (:class:`Tag`), given
fresh ids (:class:`Reidentify`).

A renamed node is renamed everywhere its old name is written (:func:`~.prose.renamed_node`), and the paths
of the node and of everything below it follow (:class:`~.paths.PathTree`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from translator.gnn.augment.paths import PathTree
from translator.gnn.augment.prose import renamed_node
from translator.gnn.augment.transform import Pair, copy_graph, own_ids
from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import ABBREVIATIONS, split_name
from translator.translation.units import dimension

__all__ = ["Reidentify", "Rename", "Tag"]

_ABBREVIATE = {long: short for short, long in ABBREVIATIONS.items() if " " not in long and len(short) >= 2}
_VENDOR_PREFIXES = ("VND_", "X", "ACME_", "p_", "Sys", "M1_")


def _style(words: Sequence[str], style: str) -> str:
    if style == "snake":
        return "_".join(words)
    if style == "upper":
        return "_".join(w.upper() for w in words)
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:]) if words else ""
    return "".join(w.capitalize() for w in words)  # Pascal


@dataclass(frozen=True)
class Rename:
    """Rename a share of the own nodes: case style, abbreviations, a vendor prefix, a dropped
    qualifier (``RegularAuthor`` → ``Author``), swapped word order (``PcChair`` → ``ChairPc``), or a
    synonym / another language's label when the node has one. A renamed node loses its
    description with probability ``drop_description``: real models rarely share their prose; a kept
    description has the old name replaced by the new. Paths follow the new names."""

    share: float = 0.7
    drop_description: float = 0.5

    def _words(self, node: Node, rng: random.Random) -> list[str]:
        words = [_ABBREVIATE.get(w, w) if rng.random() < 0.5 else w for w in split_name(node.name)]
        if len(words) >= 2 and rng.random() < 0.2:
            del words[0]  # the qualifier goes, the head word stays
        elif len(words) >= 2 and rng.random() < 0.15:
            words = words[-1:] + words[:-1]
        return words

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        target = copy_graph(pair.target)
        tree = PathTree(target)
        renamed = []
        prefix = rng.choice(_VENDOR_PREFIXES) if rng.random() < 0.5 else ""
        style = rng.choice(("snake", "upper", "camel", "pascal"))
        for node_id in own_ids(target):
            if rng.random() >= self.share:
                continue
            node = target[node_id]
            others = [t for _, t in node.labels if t and t not in (node.name, node.label)] + list(
                node.synonyms
            )
            if others and rng.random() < 0.3:
                name = rng.choice(sorted(others))
            else:
                words = self._words(node, rng)
                name = prefix + _style(words, style) if words else node.name
            kept = rng.random() >= self.drop_description
            target.add_node(renamed_node(node, name, keep_descriptions=kept))
            renamed.append(node_id)
        tree.rebuild(target, renamed)
        return Pair(pair.source, target, dict(pair.truth))


_ISA_LETTERS = {
    "[temperature]": "T",
    "[length]^-1 [mass] [time]^-2": "P",
    "[length]^3 [time]^-1": "F",
    "[length]": "L",
    "[time]^-1": "S",
    "[current]": "I",
    "[length]^2 [mass] [time]^-3": "J",
    "[time]": "K",
    "": "Z",
}
"""ISA-5.1 first letters by measured quantity: temperature, pressure, flow, level, speed, current,
power, time, position/ratio (dimensionless)."""


@dataclass(frozen=True)
class Tag:
    """Give a share of the own variables legacy PLC tag names (ISA-5.1 style: ``TT_102`` for a
    temperature transmitter, ``XS_112`` for a status), keeping description (the old name in it
    replaced by the tag) and unit: what a controller's tag list looks like next to a typed
    information model. Applied to a whole model with probability ``chance``."""

    chance: float = 0.3
    share: float = 0.8

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        if rng.random() >= self.chance:
            return pair
        target = copy_graph(pair.target)
        tree = PathTree(target)
        renamed = []
        number = rng.randrange(100, 900)
        for node_id in own_ids(target):
            node = target[node_id]
            if node.kind not in (NodeKind.VARIABLE, NodeKind.FIELD) or rng.random() >= self.share:
                continue
            quantity = dimension(node.unit) if node.unit else None
            letter = _ISA_LETTERS.get(quantity, "X") if quantity is not None else "X"
            function = "S" if datatype_class(node.datatype) == "bool" else rng.choice("TTTIC")
            number += 1
            name = f"{letter}{function}{rng.choice(('_', '-', ''))}{number}"
            target.add_node(renamed_node(node, name))
            renamed.append(node_id)
        tree.rebuild(target, renamed)
        return Pair(pair.source, target, dict(pair.truth))


@dataclass(frozen=True)
class Reidentify:
    """Give every own node of the target a new, meaningless id in shuffled order (ids must not leak
    the answer), and rewrite edges and truth accordingly."""

    prefix: str = "urn:tolka:copy:"

    def __call__(self, pair: Pair, rng: random.Random) -> Pair:
        old = pair.target
        own = own_ids(old)
        numbers = list(range(len(own)))
        rng.shuffle(numbers)
        new_id = {node_id: f"{self.prefix}{n}" for node_id, n in zip(own, numbers, strict=True)}
        target = SchemaGraph(f"{old.name} (transformed)", sources=old.sources, namespaces=[self.prefix])
        nodes = [n.replace(id=new_id[n.id]) if n.id in new_id else n for n in old.nodes()]
        rng.shuffle(nodes)
        target.add_nodes(nodes)
        target.add_edges(
            (new_id.get(e.source, e.source), new_id.get(e.target, e.target), e.relation) for e in old.edges()
        )
        truth = {s: new_id[t] for s, t in pair.truth.items() if t in new_id}
        return Pair(pair.source, target, truth)
