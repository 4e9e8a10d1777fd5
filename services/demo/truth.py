"""The demo's true mapping: the simulator's true translator read onto the two served models' nodes."""

from __future__ import annotations

from services.demo.plant import DOTTED
from translator.graph.model import SchemaGraph
from translator.translation.compiler import field_addresses
from translator.translation.spec import TranslatorSpec

__all__ = ["true_pairs"]


def true_pairs(truth: TranslatorSpec, source: SchemaGraph, target: SchemaGraph) -> set[tuple[str, str]]:
    """(source node id, target node id) of every true rule whose two fields both models have (the
    simulator's vendor B addresses are JSON Pointers, the served model's the same path dotted)."""
    a, b = ({address: n.id for address, n in field_addresses(g, DOTTED).items()} for g in (source, target))
    pairs = set()
    for rule in truth.rules:
        s = a.get(rule.sources[0]) if rule.sources else None
        t = b.get(rule.target.strip("/").replace("/", "."))
        if s is not None and t is not None:
            pairs.add((s, t))
    return pairs
