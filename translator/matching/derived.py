"""Correspondences that follow from others: a standard property that describes its parent
(:mod:`translator.matching.metadata` — ``EngineeringUnits``, ``EURange``, method arguments) is not a
correspondence of its own but context. When two nodes correspond, their same-named standard
properties do too (:func:`metadata_pairs`); otherwise the property maps nowhere. So a review page is
not flooded with ``EngineeringUnits → EngineeringUnits`` rows, and no ``EURange`` is matched to the
``EURange`` of some other variable.

Example: ``Temperature → Temp`` holds, both have an ``EngineeringUnits`` and an ``EURange``: the two
property pairs follow, with the parent pair's score.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from translator.graph.model import SchemaGraph
from translator.matching.entities import EntityText
from translator.matching.metadata import metadata_parents

__all__ = ["metadata_children", "metadata_pairs"]


def metadata_children(graph: SchemaGraph, entities: Sequence[EntityText]) -> dict[int, dict[str, int]]:
    """Index of a parent entity → {name of a standard property describing it: index of that property}
    (indexes into ``entities``)."""
    index = {e.id: k for k, e in enumerate(entities)}
    out: dict[int, dict[str, int]] = {}
    for child, parent in metadata_parents(graph).items():
        if child in index and parent in index:
            out.setdefault(index[parent], {})[entities[index[child]].variants[0]] = index[child]
    return out


def metadata_pairs(
    children: tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]],
    chosen: Iterable[tuple[int, int, float]],
    taken: Iterable[tuple[int, int]] = (),
    refused: Collection[tuple[int, int]] = frozenset(),
) -> list[tuple[int, int, float]]:
    """The standard-property pairs that ``chosen`` pairs (row, column, score) imply: each pair's
    same-named standard properties, with the pair's score. ``children``: :func:`metadata_children` of
    the source's and the target's entities; an entity of a ``taken`` pair (a reviewer's acceptance) is
    never paired again, and a ``refused`` pair (a reviewer's rejection) never follows."""
    kids_l, kids_r = children
    used_l = {i for i, _ in taken}
    used_r = {j for _, j in taken}
    out = []
    for i, j, score in chosen:
        mine, theirs = kids_l.get(i, {}), kids_r.get(j, {})
        for name in sorted(mine.keys() & theirs.keys()):
            a, b = mine[name], theirs[name]
            if a not in used_l and b not in used_r and (a, b) not in refused:
                used_l.add(a)
                used_r.add(b)
                out.append((a, b, score))
    return out
