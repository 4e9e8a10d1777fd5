"""One-to-one extraction from a sparse score matrix: the Hungarian method, or greedy mutual-best.

Only pairs at or above the threshold take part. The Hungarian method (scipy's
``linear_sum_assignment``) maximises the total score on the dense sub-matrix of the rows and
columns that have such a pair; when that sub-matrix would be too large it falls back to greedy
mutual-best (take the highest remaining pair whose two ends are both free), which is what most
ontology matchers do and needs no dense matrix at all.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

__all__ = ["MAX_DENSE_CELLS", "greedy_one_to_one", "hungarian_one_to_one", "one_to_one"]

MAX_DENSE_CELLS = 4_000_000
"""Largest dense sub-matrix the Hungarian method builds (32 MB of float64)."""


def greedy_one_to_one(scores: sparse.coo_matrix, threshold: float) -> list[tuple[int, int, float]]:
    """Highest pairs first, each row and column used once; ties broken by (row, column)."""
    keep = scores.data >= threshold
    rows, cols, vals = scores.row[keep], scores.col[keep], scores.data[keep]
    order = np.lexsort((cols, rows, -vals))
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for idx in order:
        r, c = int(rows[idx]), int(cols[idx])
        if r not in used_rows and c not in used_cols:
            used_rows.add(r)
            used_cols.add(c)
            out.append((r, c, float(vals[idx])))
    return out


def hungarian_one_to_one(scores: sparse.coo_matrix, threshold: float) -> list[tuple[int, int, float]] | None:
    """Maximum-total one-to-one assignment over pairs >= threshold; None when too large to do densely."""
    keep = scores.data >= threshold
    rows, cols, vals = scores.row[keep], scores.col[keep], scores.data[keep]
    if len(vals) == 0:
        return []
    urows, rinv = np.unique(rows, return_inverse=True)
    ucols, cinv = np.unique(cols, return_inverse=True)
    if len(urows) * len(ucols) > MAX_DENSE_CELLS:
        return None
    dense = np.zeros((len(urows), len(ucols)))
    dense[rinv, cinv] = vals
    r_idx, c_idx = linear_sum_assignment(dense, maximize=True)
    out = [
        (int(urows[r]), int(ucols[c]), float(dense[r, c]))
        for r, c in zip(r_idx, c_idx, strict=True)
        if dense[r, c] > 0
    ]
    return sorted(out)


def one_to_one(
    scores: sparse.spmatrix, threshold: float, *, method: str = "hungarian"
) -> list[tuple[int, int, float]]:
    """One-to-one pairs ``(row, column, score)`` above the threshold."""
    coo = sparse.coo_matrix(scores)
    if method == "hungarian":
        found = hungarian_one_to_one(coo, threshold)
        if found is not None:
            return found
    return greedy_one_to_one(coo, threshold)
