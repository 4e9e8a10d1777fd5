"""The decider's scores of a gathering: the probability of every candidate pair.

Between models that are not both ontologies, a pair the GNN alone is sure of (its calibrated
probability at least ``gnn_confidence``, or ``gnn_confidence_units`` between units of one quantity:
:func:`translator.matching.evidence.confident`) keeps that probability when it is the higher, as
with ``--method gnn``: a PLC tag ``SC_107`` in rpm and a ``Speed`` in rpm share no letter, and no
labelled pair of names teaches the decider that the GNN's unit-aware view is right there.
"""

from __future__ import annotations

from scipy import sparse

from translator.matching.decider.features import EMBEDDING_FEATURES, PairFeatures, pair_features
from translator.matching.decider.model import Decider
from translator.matching.evidence import Evidence, confident
from translator.matching.options import MatchOptions, is_ontology
from translator.matching.structural import flood

__all__ = ["decider_scores", "reads_embeddings"]


def reads_embeddings(decider: Decider) -> bool:
    """Whether ``decider`` reads the sentence-embedding features (else they are not computed)."""
    return bool(set(decider.features) & set(EMBEDDING_FEATURES))


def decider_scores(
    evidence: Evidence,
    decider: Decider,
    options: MatchOptions | None = None,
    *,
    flooded: sparse.csr_matrix | None = None,
    features: PairFeatures | None = None,
) -> sparse.csr_matrix:
    """The probability ``decider`` gives each candidate pair of ``evidence``
    (:func:`~translator.matching.decider.features.candidate_pattern`), raised to the GNN's own where it
    is confident (see the module docstring); ``flooded`` (the structural matcher's scores of the same
    evidence) and ``features`` (the pair features) are computed unless given."""
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
    probability = decider.probability(features.matrix)
    shape = (len(evidence.candidates.source), len(evidence.candidates.target))
    out = sparse.csr_matrix((probability, (features.rows, features.cols)), shape=shape)
    learned = evidence.learned
    if learned is not None and not (is_ontology(evidence.source) and is_ontology(evidence.target)):
        out = sparse.csr_matrix(out.maximum(confident(learned.probability, evidence.candidates, options)))
    out.eliminate_zeros()
    return out
