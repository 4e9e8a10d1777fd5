"""The decider's scores of a gathering: the probability of every candidate pair.

Between models that are not both ontologies, a pair the GNN alone is sure of (its calibrated
probability at least ``gnn_confidence``, or ``gnn_confidence_units`` between units of one quantity:
:func:`translator.matching.evidence.confident`) keeps that probability when it is the higher, as
with ``--method gnn``: a PLC tag ``SC_107`` in rpm and a ``Speed`` in rpm share no letter, and no
labelled pair of names teaches the decider that the GNN's unit-aware view is right there.

The decider decides in rounds (collective inference, issue 21's point 3). The first reads the
context as the names give it: a neighbour pair counts as agreeing when its lexical score is strong
(:data:`~translator.matching.decider.context.STRONG`) or a reviewer accepted it. The next rounds
also count the pairs the previous round decided (the mutual best pairs at or above the threshold),
so a pair whose names meet only through a dictionary or a synonym still vouches for its neighbours:
``Autor`` ↔ ``author`` once decided supports ``schreibt`` ↔ ``writes``. The context columns are
recomputed for that; the rest of each row stays. Out of fold over the 30 labelled pairs
(benchmarks/pairs.py) the second round lifted German ↔ English from 0.840 to 0.865 and changed no
other family.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from translator.matching.decider.context import CONTEXT_FEATURES, context_columns, mutual_best
from translator.matching.decider.features import EMBEDDING_FEATURES, FEATURES, PairFeatures, pair_features
from translator.matching.decider.model import Decider
from translator.matching.evidence import Evidence, confident
from translator.matching.options import MatchOptions, is_ontology
from translator.matching.structural import flood

__all__ = ["ROUNDS", "decided_pairs", "decider_scores", "reads_embeddings", "with_context"]

ROUNDS = 2
"""Rounds of decision: the first on the names' context, then each on the previous round's decisions."""


def reads_embeddings(decider: Decider) -> bool:
    """Whether ``decider`` reads the sentence-embedding features (else they are not computed)."""
    return bool(set(decider.features) & set(EMBEDDING_FEATURES))


def decided_pairs(
    probability: sparse.csr_matrix, threshold: float, rejected: frozenset[tuple[int, int]] = frozenset()
) -> list[tuple[int, int]]:
    """The pairs of ``probability`` at or above ``threshold`` that are the best of their row and of
    their column (ties included), rejected pairs apart: what a round decided, as context."""
    best = mutual_best(sparse.csr_matrix(probability), threshold).tocoo()
    pairs = zip(best.row.tolist(), best.col.tolist(), strict=True)
    return [(i, j) for i, j in pairs if (i, j) not in rejected]


def with_context(features: PairFeatures, evidence: Evidence, decided: list[tuple[int, int]]) -> PairFeatures:
    """``features`` with the context columns recomputed, ``decided`` counting as settled pairs."""
    matrix = features.matrix.copy()
    for name, values in context_columns(evidence, features.rows, features.cols, decided).items():
        matrix[:, FEATURES.index(name)] = values
    return PairFeatures(features.rows, features.cols, matrix)


def _as_matrix(probability: np.ndarray, features: PairFeatures, shape: tuple[int, int]) -> sparse.csr_matrix:
    return sparse.csr_matrix((probability, (features.rows, features.cols)), shape=shape)


def decider_scores(
    evidence: Evidence,
    decider: Decider,
    options: MatchOptions | None = None,
    *,
    flooded: sparse.csr_matrix | None = None,
    features: PairFeatures | None = None,
    rounds: int = ROUNDS,
) -> sparse.csr_matrix:
    """The probability ``decider`` gives each candidate pair of ``evidence``
    (:func:`~translator.matching.decider.features.candidate_pattern`), raised to the GNN's own where it
    is confident (see the module docstring); ``flooded`` (the structural matcher's scores of the same
    evidence) and ``features`` (the pair features of the first round) are computed unless given.
    ``rounds``: of decision (:data:`ROUNDS`; 1 reads the names' context only)."""
    options = options or MatchOptions()
    if features is None:
        if flooded is None:
            cands = evidence.candidates
            flooded = flood(
                evidence.source,
                evidence.target,
                cands.source,
                cands.target,
                evidence.lexical,
                weight=options.structure,
            )
        features = pair_features(evidence, flooded, embeddings=reads_embeddings(decider))
    shape = (len(evidence.candidates.source), len(evidence.candidates.target))
    probability = decider.probability(features.matrix)
    threshold = decider.threshold if options.threshold is None else options.threshold
    reads_context = bool(set(decider.features) & set(CONTEXT_FEATURES))
    for _ in range(rounds - 1 if reads_context else 0):
        decided = decided_pairs(_as_matrix(probability, features, shape), threshold, evidence.rejected)
        again = with_context(features, evidence, decided)
        # only the rows whose context moved are read again: the trees are deterministic
        moved = np.flatnonzero((again.matrix != features.matrix).any(axis=1))
        probability = probability.copy()
        probability[moved] = decider.probability(again.matrix[moved])
        features = again
    out = _as_matrix(probability, features, shape)
    learned = evidence.learned
    if learned is not None and not (is_ontology(evidence.source) and is_ontology(evidence.target)):
        out = sparse.csr_matrix(out.maximum(confident(learned.probability, evidence.candidates, options)))
    out.eliminate_zeros()
    return out
