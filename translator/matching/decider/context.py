"""What a candidate pair's neighbourhood says of it: the decider's context features (issue 21, point 3).

A pair (a, b) is supported by its neighbours (parents, children, types, domains, ranges, in both
directions) when they meet among the *settled* pairs: the strong lexical candidates, the lexical
candidates that are each other's best on both sides, the reviewer's accepted seeds and, in the
decider's second round, its own first decisions
(:func:`~translator.matching.decider.scoring.decider_scores`). Look-alikes score alike on everything
else; which one's neighbours meet tells them apart. How a value stands against its rivals (best of
its row, of its column, and by how much) is computed here too, for every score the decider reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from translator.graph.classes import relation_class, upward
from translator.graph.model import SchemaGraph
from translator.matching.entities import EntityText
from translator.matching.evidence import Evidence

__all__ = [
    "CONTEXT_FEATURES",
    "MUTUAL",
    "STANDINGS",
    "STRONG",
    "adjacency",
    "at",
    "context_columns",
    "mutual_best",
    "settled",
    "standings",
]

STRONG = 0.75
"""Lexical score from which a neighbour pair counts as agreeing context."""
MUTUAL = 0.4
"""Lexical score from which a neighbour pair counts as agreeing context when it is the best of its
row and of its column: ``Motor`` and ``DriveMotorUnit``, ``Site`` and ``PlantSite``, where
neither side has a closer name for the other. Chosen once, before measuring (``make bench-pairs``)."""
STANDINGS = ("row_best", "col_best", "row_margin", "col_margin")
"""How a value stands among its rivals: best of its row, of its column, margin to each runner-up."""
CONTEXT_FEATURES = (
    "neighbour_agreement",
    "parent_agreement",
    "child_agreement",
    *(f"neighbour_agreement_{k}" for k in STANDINGS),
)
"""The decider's columns :func:`context_columns` computes."""


def at(matrix: sparse.spmatrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The values of ``matrix`` at (rows, cols), 0 where it holds nothing."""
    if len(rows) == 0:
        return np.zeros(0)
    # own copies: scipy's fancy indexing fails on read-only index arrays (a frozen PairFeatures')
    picked = sparse.csr_matrix(matrix)[np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)]
    return np.asarray(picked).reshape(-1)


def _standing(values: np.ndarray, keys: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """For each value: whether it is the best of its group (``keys``), and its margin to the best
    other value of the group (negative when another is higher)."""
    best = np.full(size, -np.inf)
    np.maximum.at(best, keys, values)
    is_best = values >= best[keys]
    # the runner-up: the best of the group once each group's (first) best is removed
    order = np.lexsort((-values, keys))
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    second = np.full(size, 0.0)
    rest = order[~first]
    np.maximum.at(second, keys[rest], values[rest])
    other = np.where(is_best, second[keys], best[keys])
    return is_best.astype(np.float64), values - other


def standings(
    values: np.ndarray, rows: np.ndarray, cols: np.ndarray, sizes: tuple[int, int]
) -> list[np.ndarray]:
    """The columns :data:`STANDINGS` of ``values`` (one per candidate pair): best of its row, best of
    its column, margin to the row's and to the column's runner-up."""
    row_best, row_margin = _standing(values, rows, sizes[0])
    col_best, col_margin = _standing(values, cols, sizes[1])
    return [row_best, col_best, row_margin, col_margin]


def adjacency(graph: SchemaGraph, entities: Sequence[EntityText]) -> dict[str, sparse.csr_matrix]:
    """Neighbour matrices over ``entities``: ``parent`` (a → its is-a parents and wholes), ``child``
    (the reverse), ``any`` (every relation, both directions)."""
    index = {e.id: i for i, e in enumerate(entities)}
    up_r: list[int] = []
    up_c: list[int] = []
    any_r: list[int] = []
    any_c: list[int] = []
    for i, e in enumerate(entities):
        for edge in graph.out_edges(e.id):
            j = index.get(edge.target)
            if j is None or j == i:
                continue
            any_r += [i, j]
            any_c += [j, i]
            role = relation_class(edge.relation)
            if role == "is-a" and upward(edge.relation):
                up_r.append(i)
                up_c.append(j)
            elif role in ("part", "is-a"):  # a whole's part, a supertype's subtype (HasSubtype)
                up_r.append(j)
                up_c.append(i)
    n = len(entities)

    def build(r: list[int], c: list[int]) -> sparse.csr_matrix:
        m = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
        m.data = np.ones_like(m.data)
        return m

    parent = build(up_r, up_c)
    return {"parent": parent, "child": parent.T.tocsr(), "any": build(any_r, any_c)}


def _agreement(
    left: sparse.csr_matrix,
    right: sparse.csr_matrix,
    strong: sparse.csr_matrix,
    rows: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """Share of the neighbours (by ``left``/``right``) of both ends that meet in a ``strong`` pair: the
    number of strong neighbour pairs over the smaller neighbourhood, 0 when either has none."""
    meeting = left @ strong @ right.T
    count = at(meeting, rows, cols)
    degree_l = np.asarray(left.sum(axis=1)).reshape(-1)[rows]
    degree_r = np.asarray(right.sum(axis=1)).reshape(-1)[cols]
    smaller = np.minimum(degree_l, degree_r)
    return np.where(smaller > 0, np.minimum(count / np.maximum(smaller, 1), 1.0), 0.0)


def mutual_best(scores: sparse.csr_matrix, floor: float) -> sparse.csr_matrix:
    """The pairs (a 0/1 matrix) whose score is positive, at least ``floor`` and the best of both its
    row and its column (ties all count)."""
    coo = scores.tocoo()
    if not coo.nnz:
        return sparse.csr_matrix(scores.shape)
    row_best = scores.max(axis=1).toarray().reshape(-1)
    col_best = scores.max(axis=0).toarray().reshape(-1)
    keep = (coo.data > 0) & (coo.data >= floor)
    keep &= (coo.data >= row_best[coo.row]) & (coo.data >= col_best[coo.col])
    return sparse.csr_matrix((np.ones(int(keep.sum())), (coo.row[keep], coo.col[keep])), shape=scores.shape)


def settled(evidence: Evidence, decided: Iterable[tuple[int, int]] = ()) -> sparse.csr_matrix:
    """The pairs that count as matched context (a 0/1 matrix): the strong lexical candidates, the
    mutually best ones from :data:`MUTUAL` (:func:`mutual_best`), and the accepted seeds (a rejected
    pair is out of the lexical matrix already:
    :func:`~translator.matching.matcher.gather_evidence` pins rejections for every method). A seed
    is context only: the lexical score and the rival standings read the names as found, so a seed
    does not outrank its namesakes. ``decided``: more pairs that count, the decider's own first
    decisions (:func:`context_columns`)."""
    lexical = sparse.csr_matrix(evidence.lexical)
    strong = sparse.csr_matrix(lexical >= STRONG, dtype=np.float64)
    strong = sparse.csr_matrix(strong.maximum(mutual_best(lexical, MUTUAL)))
    pairs = sorted({*evidence.accepted, *decided})  # a seed the decider also decided counts once
    if not pairs:
        return strong
    rows, cols = zip(*pairs, strict=True)
    more = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=strong.shape)
    return sparse.csr_matrix(strong.maximum(more))


def context_columns(
    evidence: Evidence, rows: np.ndarray, cols: np.ndarray, decided: Iterable[tuple[int, int]] = ()
) -> dict[str, np.ndarray]:
    """The :data:`CONTEXT_FEATURES` of the candidate pairs (``rows``, ``cols``) of ``evidence``, with
    ``decided`` pairs settled besides the strong lexical ones and the seeds (:func:`settled`)."""
    left, right = evidence.candidates.source, evidence.candidates.target
    strong = settled(evidence, decided)
    near_l, near_r = adjacency(evidence.source, left), adjacency(evidence.target, right)
    agreement = {
        relation: _agreement(near_l[relation], near_r[relation], strong, rows, cols)
        for relation in ("any", "parent", "child")
    }
    out = {
        "neighbour_agreement": agreement["any"],
        "parent_agreement": agreement["parent"],
        "child_agreement": agreement["child"],
    }
    ranks = standings(agreement["any"], rows, cols, (len(left), len(right)))
    out.update({f"neighbour_agreement_{k}": v for k, v in zip(STANDINGS, ranks, strict=True)})
    return out
