"""Names qualified by their superclass's name: a set-level rule of the lexical matcher.

Models name a subclass either by what sets it apart or by that and its superclass's name: under
``Atom``, one model has ``Ar``, another ``ArgonAtom``; under ``Sensor``, ``Temperature`` and
``TemperatureSensor``. So a class whose name is another class's name (or a WordNet synonym of it:
``Ar`` is argon) followed by the name of one of its own superclasses corresponds to that class when
the other class has a superclass of that name too (``Ar`` ⊑ ``Atom`` against ``ArgonAtom`` ⊑
``Atom``). The superclasses must agree: ``Poster`` against ``PosterSession`` says nothing unless
``Poster`` is a session. Such a pair scores :data:`QUALIFIED` when it is the only such pair of both
classes and neither has a synonym pair (:mod:`translator.matching.lexical_rules`). Where one model
has both forms (MatOnto's element ``Argon`` and its ``ArgonAtom`` ⊑ ``Atom``), the bare name is
found by name and the decider's assignment adds the qualified form
(:mod:`translator.matching.decider.assign`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from translator.graph.classes import relation_class, upward
from translator.graph.model import SchemaGraph
from translator.graph.names import content_tokens
from translator.matching.entities import GROUPS, EntityText
from translator.matching.text.synonyms import synonymous
from translator.matching.text.wordnet import WordNet

__all__ = ["QUALIFIED", "Words", "parent_words", "qualified_pairs"]

QUALIFIED = 0.85
"""Score of a class whose name is the other's name (or a synonym of it) followed by the name of a
superclass both have (``ArgonAtom`` ⊑ ``Atom`` / ``Ar`` ⊑ ``Atom``): as strong as a synonym."""

Words = tuple[str, ...]


def parent_words(graph: SchemaGraph, entities: Sequence[EntityText]) -> list[tuple[Words, ...]]:
    """For each entity, the words of its direct superclasses' names and labels (``rdfs:subClassOf``
    and the other is-a relations, whichever way they run)."""
    out = []
    for entity in entities:
        parents = [graph.get(e.target) for e in graph.out_edges(entity.id) if _is_a(e.relation, up=True)]
        parents += [graph.get(e.source) for e in graph.in_edges(entity.id) if _is_a(e.relation, up=False)]
        words: dict[Words, None] = {}
        for node in parents:
            if node is None:
                continue
            for text in (node.name, node.label):
                found = content_tokens(text) if text else ()
                if found:
                    words[found] = None
        out.append(tuple(words))
    return out


def _is_a(relation: str, *, up: bool) -> bool:
    return relation_class(relation) == "is-a" and upward(relation) is up


def _same(a: Words, b: Words, wordnet: WordNet | None) -> bool:
    return a == b or (wordnet is not None and synonymous(a, b, wordnet))


def _qualifies(
    long: EntityText,
    long_parents: Sequence[Words],
    short: EntityText,
    short_parents: Sequence[Words],
    wordnet: WordNet | None,
) -> bool:
    """Whether ``long``'s name is ``short``'s followed by the name of a superclass of ``long`` that
    ``short`` has too."""
    for parent in long_parents:
        if not any(_same(parent, other, wordnet) for other in short_parents):
            continue
        for words in long.token_sets:
            if len(words) > len(parent) and words[-len(parent) :] == parent:
                rest = words[: -len(parent)]
                if any(_same(rest, mine, wordnet) for mine in short.token_sets if mine):
                    return True
    return False


def qualified_pairs(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    parents: tuple[Sequence[tuple[Words, ...]], Sequence[tuple[Words, ...]]],
    eligible: Iterable[tuple[int, int]],
    wordnet: WordNet | None = None,
) -> dict[tuple[int, int], int]:
    """The eligible pairs of classes where one name is the other qualified by a superclass both
    have (module docstring); ``parents``: :func:`parent_words` of ``left`` and of ``right``. The
    caller keeps a pair only when it is the only one of both its classes."""
    found: dict[tuple[int, int], int] = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        if GROUPS.get(a.kind) != "concept" or GROUPS.get(b.kind) != "concept":
            continue
        pa, pb = parents[0][i], parents[1][j]
        if not pa or not pb:
            continue
        if _qualifies(b, pb, a, pa, wordnet) or _qualifies(a, pa, b, pb, wordnet):
            found[(i, j)] = 0
    return found
