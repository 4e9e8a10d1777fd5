"""The last step of a match: the alignment that combined scores give (:func:`decide`) — one-to-one above
a threshold (:mod:`translator.matching.extract`), or the ``top_k`` best candidates of every source
node.

Except for ``lexical``, a one-to-one result is repaired: it keeps no class pair that makes the merged
models incoherent with a higher-scored one (:mod:`translator.matching.coherence`: disjointness and
crossed sub-class chains) and no relation pair whose domain or range contradicts the class pairs
kept (:mod:`translator.matching.consistency`); the entities a removed pair held are extracted again.
What was removed and why is :attr:`Decision.removals` (:func:`decide_with_report`), and every
removal is logged at INFO on this module's logger, with the :class:`~translator.matching.coherence.Removal`
as the record's ``removal`` attribute — how ``tolka match``, which calls
:func:`~translator.matching.matcher.match`, reports them. The alignment's file formats are unchanged:
removals are not written into it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from translator.alignment.model import Alignment, Correspondence, Justification, Status, proposed_by_tolka
from translator.graph.model import SchemaGraph
from translator.matching.coherence import Removal, repair
from translator.matching.consistency import relation_conflicts
from translator.matching.decider.assign import assign
from translator.matching.derived import metadata_children, metadata_pairs
from translator.matching.evidence import Scores
from translator.matching.extract import one_to_one
from translator.matching.lexical import Candidates
from translator.matching.options import MatchOptions, default_threshold
from translator.matching.qualified import parent_words

__all__ = ["Decision", "decide", "decide_with_report"]

log = logging.getLogger(__name__)

Extract = Callable[[sparse.csr_matrix, float], list[tuple[int, int, float]]]
"""Pairs (row, column, score) a score matrix gives above a threshold."""

_VERIFY_ROUNDS = 5
"""Re-extractions after removing pairs that conflict with the others; later conflicts are only removed."""


@dataclass(frozen=True)
class Decision:
    """An alignment and what its repair removed (:func:`decide_with_report`).

    Attributes:
        alignment: the alignment.
        removals: the correspondences removed because they conflict with kept ones, in the order
            they were removed (empty for ``lexical`` and ``top_k``).
    """

    alignment: Alignment
    removals: tuple[Removal, ...] = ()


def _conflicts(
    source: SchemaGraph,
    target: SchemaGraph,
    chosen: list[tuple[str, str, float]],
    seeds: set[tuple[str, str]],
) -> list[Removal]:
    """The removals that make ``chosen`` (seeds among them, never removed) coherent: class pairs first
    (:func:`~translator.matching.coherence.repair`), then the relation pairs that contradict the class
    pairs left (:func:`~translator.matching.consistency.relation_conflicts`)."""
    kept, removals = repair(source, target, chosen, keep=seeds)
    wrong = relation_conflicts(source, target, [(a, b) for a, b, _ in kept])
    removals += [
        Removal(a, b, score, conflict.end, conflict.classes, conflict.reason)
        for a, b, score in kept
        if (conflict := wrong.get((a, b))) is not None and (a, b) not in seeds
    ]
    return removals


def _repaired(
    source: SchemaGraph,
    target: SchemaGraph,
    cands: Candidates,
    free: sparse.lil_matrix,
    accepted: dict[tuple[int, int], Correspondence],
    picked: list[tuple[int, int, float]],
    threshold: float,
    extract: Extract,
) -> tuple[list[tuple[int, int, float]], list[Removal]]:
    """``picked`` without the pairs that conflict with the others (:func:`_conflicts`), and the removals;
    the entities the removed pairs held are extracted again (``free`` loses the removed pairs)."""
    seeds = {(cands.source[i].id, cands.target[j].id) for i, j in accepted}
    removals: list[Removal] = []
    for round_ in range(_VERIFY_ROUNDS + 1):
        where = {(cands.source[i].id, cands.target[j].id): (i, j) for i, j, _ in picked}
        chosen = [(a, b, 1.0) for a, b in sorted(seeds)]
        chosen += [(cands.source[i].id, cands.target[j].id, s) for i, j, s in picked]
        found = _conflicts(source, target, chosen, seeds)
        removals += found
        drop = {where[r.pair] for r in found}
        if not drop or round_ == _VERIFY_ROUNDS:
            return [p for p in picked if (p[0], p[1]) not in drop], removals
        for i, j in drop:
            free[i, j] = 0
        picked = extract(free.tocsr(), threshold)
    return picked, removals


def decide(scores: Scores, options: MatchOptions | None = None) -> Alignment:
    """The alignment ``scores`` give under ``options``' ``threshold`` (default
    :func:`~translator.matching.options.default_threshold`), ``extraction`` and ``top_k``; see
    :mod:`translator.matching.matcher`."""
    return decide_with_report(scores, options).alignment


def decide_with_report(scores: Scores, options: MatchOptions | None = None) -> Decision:
    """:func:`decide`'s alignment and the correspondences its repair removed (see the module
    docstring); each removal is also logged."""
    options = options or MatchOptions()
    evidence, method = scores.evidence, scores.method
    source, target, cands, accepted = evidence.source, evidence.target, evidence.candidates, evidence.accepted
    justification = {
        "lexical": Justification.LEXICAL,
        "gnn": Justification.LEARNED,
        "decider": Justification.LEARNED,
    }.get(method, Justification.COMPOSITE).value
    alignment = proposed_by_tolka(source.name, target.name)

    def correspondence(i: int, j: int, score: float, how: str = justification) -> Correspondence:
        a, b = cands.source[i], cands.target[j]
        seed = accepted.get((i, j))
        return Correspondence(
            a.id,
            b.id,
            confidence=round(min(1.0, max(0.0, score)), 6),
            justification=seed.justification if seed else how,
            status=Status.ACCEPTED if seed else Status.PROPOSED,
            subject_label=a.label,
            object_label=b.label,
            subject_kind=a.kind.value,
            object_kind=b.kind.value,
        )

    if options.top_k:
        csr = scores.matrix.tocsr()
        for i in range(csr.shape[0]):
            start, end = csr.indptr[i], csr.indptr[i + 1]
            cols, vals = csr.indices[start:end], csr.data[start:end]
            order = np.lexsort((cols, -vals))[: options.top_k]
            alignment.extend(correspondence(i, int(cols[k]), float(vals[k])) for k in order if vals[k] > 0)
        return Decision(alignment)
    free = scores.matrix.tolil()
    if method != "decider":  # the decider's assignment takes the seeds' rows and columns itself
        for i, j in accepted:
            free[i, :] = 0
            free[:, j] = 0
    children = metadata_children(source, cands.source), metadata_children(target, cands.target)
    if not options.metadata:  # context, derived from the parents' pairs below
        for i in (i for kids in children[0].values() for i in kids.values()):
            free[i, :] = 0
        for j in (j for kids in children[1].values() for j in kids.values()):
            free[:, j] = 0
    seeds = sorted(accepted)
    threshold = options.threshold
    if threshold is None:
        threshold = default_threshold(method, source, target, decider=options.decider)

    parents = None
    if method == "decider":  # for the qualified names' one-to-many pairs
        parents = parent_words(source, cands.source), parent_words(target, cands.target)

    def extract(matrix: sparse.csr_matrix, cut: float) -> list[tuple[int, int, float]]:
        if method == "decider":
            sides = cands.source, cands.target
            return assign(matrix, *sides, cut, seeds=seeds, parents=parents, rejected=evidence.rejected)
        return one_to_one(matrix, cut, method=options.extraction)

    picked = extract(free.tocsr(), threshold)
    removals: list[Removal] = []
    if method != "lexical":
        picked, removals = _repaired(source, target, cands, free, accepted, picked, threshold, extract)
    for removal in removals:
        log.info("%s", removal.reason, extra={"removal": removal})
    chosen = [(i, j, 1.0) for i, j in accepted] + picked
    derived = [] if options.metadata else metadata_pairs(children, chosen, accepted, evidence.rejected)
    follows = {(i, j) for i, j, _ in derived}
    alignment.extend(
        correspondence(i, j, s, Justification.STRUCTURAL.value if (i, j) in follows else justification)
        for i, j, s in sorted(chosen + derived)
    )
    return Decision(alignment, tuple(removals))
