"""The structural matcher: similarity flooding over the candidate pairs of two graphs.

After Melnik, Garcia-Molina and Rahm (ICDE 2002): two nodes are more alike when their neighbours,
reached by the same kind of relation, are alike. Pairs are the lexical candidates; a pair
(a, b) receives similarity from every candidate pair (a', b') where a' is a neighbour of a and b'
of b by relations of the same class (is-a, part-of, domain, range, restriction, type; direction
kept), weighted by the inverse fan-out as in the paper's propagation graph. A few rounds of
``σ ← σ0 + w·(1 - σ0)·W·σ`` run on a sparse matrix, so the cost grows with the
number of candidate pairs and their neighbourhoods, never with n·m. As in the paper's variant
that keeps the initial similarities, structure adds evidence to the lexical scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from translator.graph.classes import relation_class, upward
from translator.graph.model import SchemaGraph
from translator.matching.entities import EntityText

__all__ = ["flood"]

_MAX_NEIGHBOURS = 40
TIE_BREAK = 1e-3
"""Support added on top of the score so that, among pairs of equal score, structure decides."""


def _neighbours(graph: SchemaGraph, entities: Sequence[EntityText]) -> list[dict[str, list[int]]]:
    index = {e.id: i for i, e in enumerate(entities)}
    out: list[dict[str, list[int]]] = []
    for e in entities:
        groups: dict[str, list[int]] = defaultdict(list)
        # a relation's neighbours on one side, its inverse's on the other ("^"), whichever way a
        # model writes it: an OPC UA subtype's supertype is where an OWL subclass's superclass is
        for edge in graph.out_edges(e.id):
            j = index.get(edge.target)
            if j is not None:
                groups[("" if upward(edge.relation) else "^") + relation_class(edge.relation)].append(j)
        for edge in graph.in_edges(e.id):
            j = index.get(edge.source)
            if j is not None:
                groups[("^" if upward(edge.relation) else "") + relation_class(edge.relation)].append(j)
        out.append({k: sorted(v)[:_MAX_NEIGHBOURS] for k, v in groups.items()})
    return out


def flood(
    source: SchemaGraph,
    target: SchemaGraph,
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    pairs: sparse.csr_matrix,
    *,
    rounds: int = 2,
    weight: float = 0.3,
) -> sparse.csr_matrix:
    """Propagate the pair scores in ``pairs`` (left × right) through both graphs.

    The support of a pair is the fan-out-weighted mean score of its neighbour pairs (in [0, 1]);
    each round lifts a pair's own score towards 1 by ``weight`` × support:
    ``σ ← σ0 + weight · (1 - σ0) · W·σ``. Structure only ever adds evidence: a pair keeps at least
    its lexical score. Returns the scores on the same sparsity pattern.
    """
    coo = pairs.tocoo()
    if coo.nnz == 0:
        return sparse.csr_matrix(pairs.shape)
    pair_index = {(int(r), int(c)): p for p, (r, c) in enumerate(zip(coo.row, coo.col, strict=True))}
    n_left = _neighbours(source, left)
    n_right = _neighbours(target, right)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for p, (i, j) in enumerate(zip(coo.row, coo.col, strict=True)):
        left_groups, right_groups = n_left[int(i)], n_right[int(j)]
        shared = [label for label in left_groups if label in right_groups]
        for label in shared:
            neighbours, others = left_groups[label], right_groups[label]
            fan_out = 1.0 / (len(neighbours) * len(others) * len(shared))
            for a in neighbours:
                for b in others:
                    q = pair_index.get((a, b))
                    if q is not None:
                        rows.append(p)
                        cols.append(q)
                        vals.append(fan_out)
    propagation = sparse.csr_matrix((vals, (rows, cols)), shape=(coo.nnz, coo.nnz))
    sigma0 = np.clip(coo.data.astype(np.float64), 0.0, 1.0)
    sigma = sigma0.copy()
    support = np.zeros_like(sigma0)
    for _ in range(rounds):
        support = np.minimum(propagation @ sigma, 1.0)
        sigma = sigma0 + weight * (1.0 - sigma0) * support
    sigma += TIE_BREAK * support  # equal names: the pair whose neighbours match ranks first
    return sparse.csr_matrix((sigma, (coo.row, coo.col)), shape=pairs.shape)
