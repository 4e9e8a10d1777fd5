"""Which candidate pairs the decider's probabilities make correspondences: one-to-one first, then
many-to-one (and one-to-many) where the models call for it.

One-to-one is greedy mutual-best above the threshold (:func:`translator.matching.extract.one_to_one`).
Models often say one thing several times on one side and once on the other: a JSON Schema repeats a
``description`` property in every object that an ontology defines once; an OPC UA model may have a
DataType and an ObjectType for one ontology class (``AASQualifierDataType`` and ``AASQualifierType``
for ``Qualifier``). So, after one-to-one, an entity left without a partner joins the partner of a
*namesake* — an entity of its own side with the same name and kind that was matched; an OPC UA
type read against a model without OPC UA's naming convention is named by its bare name
(:attr:`~translator.matching.entities.EntityText.bare`), and its ObjectTypes and DataTypes count as
one kind — when the decider gives that pair at least the threshold too, its name agrees
with the partner's (token Dice at least :data:`~translator.matching.similarity.HEAD_MATCH`:
``description`` / ``description``, ``forms`` / ``hasForm``, never ``Speed`` / ``SC_107``, where two
skids' speeds are two tags), and only where its side says the name several times and the other
side says the partner's name once. Where both sides repeat a name, every occurrence has its own
counterpart or none, so everything stays one-to-one: between two versions of a model, where the old
one repeats a state machine's ``StateNumber`` under more states than the new one, the states the new
version dropped keep no partner rather than join a namesake of another state. A standard property
that describes its parent (``EngineeringUnits``, ``EURange``: :mod:`translator.matching.metadata`)
never joins a namesake's partner: it belongs to its own parent's counterpart. A reviewer's accepted
pair (a seed) is a matched pair like the others: its entities take no other one-to-one partner, but
their namesakes may join them (a seeded ``description`` → ``description`` brings the other
``description`` properties).

One side may also tell a thing from its form qualified by a superclass's name where the other names
it once: MatOnto has the element ``Argon`` ⊑ ``Element`` and ``ArgonAtom`` ⊑ ``Atom``, a materials
model one ``Ar`` ⊑ ``Atom``. The name finds ``Argon``; the superclass says ``Ar`` is the atom. So
an unmatched class named as a matched class followed by the name of one of its own superclasses
joins the matched class's partner when that partner has a superclass of that name too
(:mod:`translator.matching.qualified`), with the matched pair's probability. Never the other way:
where ``Temperature`` ⊑ ``Sensor`` found ``TemperatureSensor`` ⊑ ``Sensor``, a ``Temperature`` ⊑
``Quantity`` beside it is another thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from scipy import sparse

from translator.graph.model import NodeKind
from translator.matching.entities import GROUPS, EntityText
from translator.matching.extract import one_to_one
from translator.matching.metadata import is_metadata
from translator.matching.qualified import Words
from translator.matching.similarity import HEAD_MATCH, dice

__all__ = ["assign"]


_ONE_TYPE = frozenset({NodeKind.OBJECT_TYPE, NodeKind.DATA_TYPE})
"""Kinds of OPC UA type that are one kind for namesakes when read by their bare names: a class of
another model may be both an ObjectType and a DataType of the specification."""


def _key(entity: EntityText) -> tuple[str, str]:
    if entity.bare:
        return entity.bare, "type" if entity.kind in _ONE_TYPE else entity.kind.value
    return entity.variants[0], entity.kind.value


def _namesake_pairs(
    probability: sparse.csr_matrix,
    picked: list[tuple[int, int, float]],
    mine: Sequence[EntityText],
    theirs: Sequence[EntityText],
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Pairs (mine, theirs) for unmatched entities of ``mine`` whose namesake was matched."""
    count_mine = Counter(_key(e) for e in mine)
    count_theirs = Counter(_key(e) for e in theirs)
    partner: dict[tuple[str, str], list[int]] = {}
    matched = set()
    for i, j, _ in picked:
        matched.add(i)
        partner.setdefault(_key(mine[i]), []).append(j)
    out = []
    for i, entity in enumerate(mine):
        key = _key(entity)
        if i in matched or key not in partner or count_mine[key] <= 1 or is_metadata(entity):
            continue
        best: tuple[int, int, float] | None = None
        for j in set(partner[key]):
            p = float(probability[i, j])
            if (
                p >= threshold
                and count_theirs[_key(theirs[j])] == 1
                and dice(entity.token_sets, theirs[j].token_sets) >= HEAD_MATCH
                and (best is None or p > best[2])
            ):
                best = (i, j, p)
        if best is not None:
            out.append(best)
    return out


def _qualified_pairs(
    picked: list[tuple[int, int, float]],
    mine: Sequence[EntityText],
    parents: Sequence[tuple[Words, ...]],
    their_parents: Sequence[tuple[Words, ...]],
) -> list[tuple[int, int, float]]:
    """Pairs (mine, theirs) for unmatched classes of ``mine`` named as a matched class of ``mine``
    followed by the name of one of their own superclasses that the matched class's partner has too
    (``ArgonAtom`` ⊑ ``Atom``, when ``Argon`` is matched to ``Ar`` ⊑ ``Atom``), with the matched
    pair's probability; ``parents``, ``their_parents``:
    :func:`translator.matching.qualified.parent_words` of both sides."""
    concept = [GROUPS.get(e.kind) == "concept" and not is_metadata(e) for e in mine]
    partner: dict[int, tuple[int, float]] = {}
    for i, j, p in picked:
        if concept[i] and (i not in partner or p > partner[i][1]):
            partner[i] = (j, p)
    named: dict[Words, list[int]] = {}
    for m in partner:
        for words in mine[m].token_sets:
            named.setdefault(words, []).append(m)
    out: dict[int, tuple[int, int, float]] = {}
    for k, entity in enumerate(mine):
        if not concept[k] or k in partner:
            continue
        for parent in parents[k]:
            for words in entity.token_sets:
                if len(words) <= len(parent) or words[-len(parent) :] != parent:
                    continue
                for m in named.get(words[: -len(parent)], ()):
                    j, p = partner[m]
                    if parent in their_parents[j] and (k not in out or p > out[k][2]):
                        out[k] = (k, j, p)
    return list(out.values())


def assign(
    probability: sparse.csr_matrix,
    source: Sequence[EntityText],
    target: Sequence[EntityText],
    threshold: float,
    *,
    many: bool = True,
    lower: list[tuple[int, int, float]] | None = None,
    seeds: Sequence[tuple[int, int]] = (),
    parents: tuple[Sequence[tuple[Words, ...]], Sequence[tuple[Words, ...]]] | None = None,
    rejected: Collection[tuple[int, int]] = frozenset(),
) -> list[tuple[int, int, float]]:
    """Pairs ``(source index, target index, probability)``: one-to-one above ``threshold``, then (with
    ``many``) the namesakes' many-to-one and one-to-many pairs, and (with ``parents``, the words of
    both sides' superclasses' names) the qualified names'; see the module docstring. ``seeds``
    (accepted pairs) are matched already: not returned, their rows and columns taken; ``rejected``
    pairs are never returned, whatever their names say.

    ``lower``: the greedy one-to-one pairs of the same matrix at a lower threshold, to reuse — greedy
    takes pairs in falling order, so its pairs above ``threshold`` are those above the lower one that
    reach ``threshold`` (how training tries many thresholds at the cost of one)."""
    csr = sparse.csr_matrix(probability)
    if lower is not None:
        picked = [p for p in lower if p[2] >= threshold]
    elif seeds:
        free = csr.tolil()
        for i, j in seeds:
            free[i, :] = 0
            free[:, j] = 0
        picked = one_to_one(free.tocsr(), threshold, method="greedy")
    else:
        picked = one_to_one(csr, threshold, method="greedy")
    if not many:
        return sorted(picked)
    matched = [*picked, *((i, j, 1.0) for i, j in seeds)]
    extra = _namesake_pairs(csr, matched, source, target, threshold)
    flipped = [(j, i, p) for i, j, p in matched]
    extra += [(i, j, p) for j, i, p in _namesake_pairs(csr.T.tocsr(), flipped, target, source, threshold)]
    if parents is not None:
        extra += _qualified_pairs(matched, source, parents[0], parents[1])
        extra += [(i, j, p) for j, i, p in _qualified_pairs(flipped, target, parents[1], parents[0])]
    out = set(seeds) | set(rejected)
    return sorted({(i, j): (i, j, p) for i, j, p in [*picked, *extra] if (i, j) not in out}.values())
