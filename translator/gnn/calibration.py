"""Calibrated match probabilities from the GNN's candidate scores.

A cosine of 0.6 means a sure match in one pair of models and nothing in another; what carries over
is how a candidate stands against its rivals. Every candidate pair (the ``k`` best targets of each
source node) is described by its cosine, its consensus score relative to the node's best, its
margin over the best rival in its row and in its column, and whether it is the mutual best; a
logistic regression fitted at the end of training on transformed pairs of validation models (labels
known, models the encoder never trained on) turns that into the probability that the pair is a true
correspondence, and :func:`calibration_report` measures it on other pairs than those it was fitted
on. The matcher lets a confident GNN pair through even when the names share nothing (``TT_102`` /
``Tank.Temperature``).
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "FEATURES",
    "Calibration",
    "calibration_report",
    "candidate_features",
    "expected_calibration_error",
    "fit_calibration",
]

FEATURES = ("cosine", "consensus", "row_margin", "column_margin", "mutual_best")


class Calibration(nn.Module):
    """``sigmoid(w · features + b)`` over :data:`FEATURES`."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(len(FEATURES), 1)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Probabilities [m] of candidate features [m, len(FEATURES)]."""
        probability: torch.Tensor = torch.sigmoid(self.linear(features).squeeze(1))
        return probability


def _best_other(values: torch.Tensor, groups: torch.Tensor, size: int) -> torch.Tensor:
    """For every entry, the largest value among the other entries of its group (-1 if none)."""
    best = torch.full((size,), -1.0).scatter_reduce(0, groups, values, reduce="amax")
    is_best = values >= best[groups]
    count_best = torch.zeros(size).scatter_add_(0, groups, is_best.float())
    masked = torch.where(is_best, torch.full_like(values, -1.0), values)
    second = torch.full((size,), -1.0).scatter_reduce(0, groups, masked, reduce="amax")
    tied = count_best[groups] > 1
    return torch.where(is_best & ~tied, second[groups], best[groups])


def candidate_features(
    cosine: torch.Tensor,
    consensus: torch.Tensor,
    rows: torch.Tensor,
    cols: torch.Tensor,
    n_rows: int,
    n_cols: int,
) -> torch.Tensor:
    """Features [m, len(FEATURES)] of candidate pairs (``rows[i]``, ``cols[i]``) with their cosine
    and consensus score (relative to the row's best; 1 everywhere without a consensus step)."""
    row_margin = cosine - _best_other(cosine, rows, n_rows)
    column_margin = cosine - _best_other(cosine, cols, n_cols)
    mutual = ((row_margin > 0) & (column_margin > 0)).float()
    return torch.stack([cosine, consensus, row_margin, column_margin, mutual], dim=1)


def fit_calibration(features: torch.Tensor, labels: torch.Tensor, *, steps: int = 300) -> Calibration:
    """Fit the logistic regression (full-batch L-BFGS, deterministic) on labelled candidates."""
    calibration = Calibration()
    nn.init.zeros_(calibration.linear.weight)
    nn.init.zeros_(calibration.linear.bias)
    optimizer = torch.optim.LBFGS(
        calibration.parameters(), lr=0.5, max_iter=steps, line_search_fn="strong_wolfe"
    )
    loss_fn = nn.BCEWithLogitsLoss()

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss: torch.Tensor = loss_fn(calibration.linear(features).squeeze(1), labels.float())
        loss = loss + 1e-3 * calibration.linear.weight.pow(2).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        return loss

    optimizer.step(closure)  # type: ignore[no-untyped-call]
    calibration.eval()
    return calibration


def expected_calibration_error(probabilities: torch.Tensor, labels: torch.Tensor, *, bins: int = 10) -> float:
    """Expected calibration error: the candidates binned by probability into ``bins`` equal-width
    bins, the mean of |mean probability − share of true pairs| over the bins weighted by their size
    (0 is perfectly calibrated)."""
    if probabilities.numel() == 0:
        return 0.0
    which = (probabilities * bins).long().clamp(0, bins - 1)
    total = 0.0
    for b in range(bins):
        members = which == b
        count = int(members.sum())
        if count:
            gap = float(probabilities[members].mean()) - float(labels[members].float().mean())
            total += count * abs(gap)
    return total / probabilities.numel()


def calibration_report(
    calibration: Calibration, features: torch.Tensor, labels: torch.Tensor
) -> dict[str, float]:
    """Precision and recall of the candidates with probability ≥ 0.5, the expected calibration error
    (10 bins) and the Brier score, on labelled candidates (rounded to 4 places)."""
    with torch.no_grad():
        probabilities = calibration(features)
    chosen = probabilities >= 0.5
    truth = labels.bool()
    hits = int((chosen & truth).sum())
    return {
        "candidates": int(labels.numel()),
        "true_pairs": int(truth.sum()),
        "precision_at_0_5": round(hits / max(1, int(chosen.sum())), 4),
        "recall_at_0_5": round(hits / max(1, int(truth.sum())), 4),
        "ece_10_bins": round(expected_calibration_error(probabilities, labels), 4),
        "brier": round(float(((probabilities - truth.float()) ** 2).mean()) if labels.numel() else 0.0, 4),
    }
