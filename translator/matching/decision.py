"""The last step of a match: the alignment that combined scores give (:func:`decide`) — one-to-one above
a threshold (:mod:`translator.matching.extract`), or the ``top_k`` best candidates of every source
node. Except for ``lexical``, a one-to-one result keeps no relation pair whose domain or range
contradicts its class pairs (:mod:`translator.matching.consistency`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from translator.alignment.model import Alignment, Correspondence, Justification, Status, proposed_by_tolka
from translator.graph.model import SchemaGraph
from translator.matching.consistency import conflicting_relations
from translator.matching.decider.assign import assign
from translator.matching.evidence import Scores
from translator.matching.extract import one_to_one
from translator.matching.lexical import Candidates
from translator.matching.options import MatchOptions, default_threshold

__all__ = ["decide"]

Extract = Callable[[sparse.csr_matrix, float], list[tuple[int, int, float]]]
"""Pairs (row, column, score) a score matrix gives above a threshold."""

_VERIFY_ROUNDS = 5
"""Re-extractions after dropping contradicting relation pairs; later contradictions are only dropped."""


def _verified(
    source: SchemaGraph,
    target: SchemaGraph,
    cands: Candidates,
    free: sparse.lil_matrix,
    accepted: dict[tuple[int, int], Correspondence],
    picked: list[tuple[int, int, float]],
    threshold: float,
    extract: Extract,
) -> list[tuple[int, int, float]]:
    """``picked`` without the relation pairs whose domain or range contradicts the class pairs
    (:mod:`translator.matching.consistency`); the entities they free are extracted again (``free`` loses the
    dropped pairs)."""
    for round_ in range(_VERIFY_ROUNDS + 1):
        pairs = [(i, j) for i, j, _ in picked]
        ids = [(cands.source[i].id, cands.target[j].id) for i, j in [*accepted, *pairs]]
        wrong = conflicting_relations(source, target, ids)
        drop = {(i, j) for i, j in pairs if (cands.source[i].id, cands.target[j].id) in wrong}
        if not drop or round_ == _VERIFY_ROUNDS:
            return [p for p in picked if (p[0], p[1]) not in drop]
        for i, j in drop:
            free[i, j] = 0
        picked = extract(free.tocsr(), threshold)
    return picked


def decide(scores: Scores, options: MatchOptions | None = None) -> Alignment:
    """The alignment ``scores`` give under ``options``' ``threshold`` (default
    :func:`~translator.matching.options.default_threshold`), ``extraction`` and ``top_k``; see
    :mod:`translator.matching.matcher`."""
    options = options or MatchOptions()
    evidence, method = scores.evidence, scores.method
    source, target, cands, accepted = evidence.source, evidence.target, evidence.candidates, evidence.accepted
    justification = {
        "lexical": Justification.LEXICAL,
        "gnn": Justification.LEARNED,
        "decider": Justification.LEARNED,
    }.get(method, Justification.COMPOSITE).value
    alignment = proposed_by_tolka(source.name, target.name)

    def correspondence(i: int, j: int, score: float) -> Correspondence:
        a, b = cands.source[i], cands.target[j]
        seed = accepted.get((i, j))
        return Correspondence(
            a.id,
            b.id,
            confidence=round(min(1.0, max(0.0, score)), 6),
            justification=seed.justification if seed else justification,
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
        return alignment
    free = scores.matrix.tolil()
    for i, j in accepted:
        free[i, :] = 0
        free[:, j] = 0
    threshold = options.threshold
    if threshold is None:
        threshold = default_threshold(method, source, target, decider=options.decider)

    def extract(matrix: sparse.csr_matrix, cut: float) -> list[tuple[int, int, float]]:
        if method == "decider":
            return assign(matrix, cands.source, cands.target, cut)
        return one_to_one(matrix, cut, method=options.extraction)

    picked = extract(free.tocsr(), threshold)
    if method != "lexical":
        picked = _verified(source, target, cands, free, accepted, picked, threshold, extract)
    chosen = sorted([(i, j, 1.0) for i, j in accepted] + picked)
    alignment.extend(correspondence(i, j, s) for i, j, s in chosen)
    return alignment
