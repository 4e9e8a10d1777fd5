"""What a match decides on and how it is weighed: the :class:`Evidence` gathered once per pair of
models (:func:`translator.matching.matcher.gather_evidence`), and the :class:`Scores` that
:func:`combine` makes of it under one method and weights. Seed correspondences are pinned: accepted
ones score 1, rejected ones are removed (:func:`pin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from translator.alignment.model import Alignment, Correspondence, Status
from translator.errors import TolkaError
from translator.graph.model import SchemaGraph
from translator.matching.entities import EntityText, pair_factor
from translator.matching.lexical import Candidates
from translator.matching.options import MatchOptions, is_ontology
from translator.matching.structural import flood
from translator.translation.units import compatible

if TYPE_CHECKING:
    from translator.gnn.match import GnnScores

__all__ = ["Evidence", "Scores", "combine", "confident", "pin", "seed_pairs"]


def seed_pairs(
    seeds: Alignment | None, left: list[EntityText], right: list[EntityText]
) -> tuple[dict[tuple[int, int], Correspondence], set[tuple[int, int]]]:
    """The accepted seed correspondences (by candidate indexes) and the rejected pairs."""
    if seeds is None:
        return {}, set()
    li = {e.id: i for i, e in enumerate(left)}
    ri = {e.id: j for j, e in enumerate(right)}
    accepted: dict[tuple[int, int], Correspondence] = {}
    rejected: set[tuple[int, int]] = set()
    for c in seeds.equivalences(include_rejected=True):
        i, j = li.get(c.subject_id), ri.get(c.object_id)
        if i is None or j is None:
            continue
        if c.status is Status.REJECTED:
            rejected.add((i, j))
        else:
            accepted[(i, j)] = c
    return accepted, rejected


def pin(
    scores: sparse.spmatrix, accepted: dict[tuple[int, int], Correspondence], rejected: set[tuple[int, int]]
) -> sparse.csr_matrix:
    """Scores with accepted seed pairs set to 1 and rejected ones removed."""
    lil = sparse.lil_matrix(scores)
    for i, j in rejected:
        lil[i, j] = 0.0
    for i, j in accepted:
        lil[i, j] = 1.0
    out = lil.tocsr()
    out.eliminate_zeros()
    return out


@dataclass(frozen=True)
class Evidence:
    """What a match decides on, gathered once (:func:`~translator.matching.matcher.gather_evidence`):
    the candidate pairs and their lexical scores (seeds pinned, except an accepted seed's under the
    decider, whose features read the scores as found), the GNN's view of them when the method uses
    it, and the seeds.

    Settings that only weigh this evidence (``structure``, ``gnn_weight``, ``gnn_nudge``, the GNN
    confidences) and those that only cut it (``threshold``, ``top_k``, ``extraction``) are applied
    by :func:`combine` and :func:`~translator.matching.decision.decide`, so many settings can be
    tried on one gathering: that is how benchmarks/pairs.py chooses them by cross-validation without
    running the GNN again."""

    source: SchemaGraph
    target: SchemaGraph
    method: str
    candidates: Candidates
    lexical: sparse.csr_matrix
    learned: GnnScores | None
    accepted: dict[tuple[int, int], Correspondence]
    rejected: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class Scores:
    """Combined scores of the candidate pairs (``evidence.candidates``) under one method."""

    evidence: Evidence
    method: str
    matrix: sparse.csr_matrix


def combine(evidence: Evidence, options: MatchOptions | None = None, *, method: str | None = None) -> Scores:
    """The scores of ``evidence``'s candidates under ``method`` (default: the gathered one; a
    ``gnn`` gathering also serves ``lexical`` and ``structural``), weighed by ``options``."""
    options = options or MatchOptions()
    method = method or evidence.method
    if method in ("gnn", "decider") and evidence.learned is None:
        raise TolkaError(f"{method} scores need evidence gathered with the GNN (method gnn or decider)")
    accepted, rejected = evidence.accepted, set(evidence.rejected)
    lexical = evidence.lexical
    if method == "lexical":
        return Scores(evidence, method, lexical)
    cands = evidence.candidates
    source, target = evidence.source, evidence.target
    flooded = flood(source, target, cands.source, cands.target, lexical, weight=options.structure)
    if method == "decider":
        from translator.matching.decider.model import cached_decider
        from translator.matching.decider.scoring import decider_scores

        decided = decider_scores(evidence, cached_decider(options.decider), options, flooded=flooded)
        return Scores(evidence, method, pin(decided, accepted, rejected))
    if method != "gnn" or evidence.learned is None:
        return Scores(evidence, method, flooded)
    learned = evidence.learned
    if is_ontology(source) and is_ontology(target):
        nudged = _nudged(flooded, learned.similarity, options.gnn_nudge)
        return Scores(evidence, method, pin(nudged, accepted, rejected))
    blended = (1.0 - options.gnn_weight) * flooded + options.gnn_weight * learned.similarity
    return Scores(
        evidence,
        method,
        pin(blended.maximum(confident(learned.probability, cands, options)), accepted, rejected),
    )


def _nudged(flooded: sparse.spmatrix, similarity: sparse.csr_matrix, weight: float) -> sparse.csr_matrix:
    """``flooded`` + ``weight``·(``similarity`` − 0.5) on the pairs of ``flooded`` (no new pairs),
    clipped at 0: the GNN moves a score by at most ``weight``/2 either way."""
    base = flooded.tocsr()
    base.eliminate_zeros()
    pattern = base.copy()
    pattern.data = np.ones_like(pattern.data)
    nudge = similarity.multiply(pattern) - 0.5 * pattern
    out = sparse.csr_matrix(base + weight * nudge)
    out.data = np.clip(out.data, 0.0, None)
    out.eliminate_zeros()
    return out


def confident(probability: sparse.csr_matrix, cands: Candidates, options: MatchOptions) -> sparse.csr_matrix:
    """The GNN's calibrated probabilities of the pairs it may propose on its own: at least
    ``gnn_confidence``, or ``gnn_confidence_units`` when both nodes carry units of the same physical
    quantity — independent evidence the names cannot give (``TT_102`` in °F, ``Temperature`` in °C).
    The lexical matcher's hard rules hold here too (:func:`translator.matching.entities.pair_factor`)."""
    coo = probability.tocoo()
    keep = np.zeros(coo.nnz, dtype=bool)
    for k in np.flatnonzero(coo.data >= options.gnn_confidence_units):
        p, a, b = coo.data[k], cands.source[coo.row[k]], cands.target[coo.col[k]]
        if pair_factor(a, b) <= 0:
            continue
        keep[k] = p >= options.gnn_confidence or compatible(a.unit, b.unit) is True
    return sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=coo.shape)
