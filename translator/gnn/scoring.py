"""Cross-graph scoring over candidate pairs: top-k per node, then Sinkhorn normalisation.

Embeddings of the two graphs are compared in row chunks and only the ``k`` best targets of every
source row are kept, so memory grows with n·k, never n·m. The kept scores are then normalised with
a few Sinkhorn iterations on the sparse candidate set (alternating row and column normalisation of
``exp(score / τ)``), which turns similarities into soft one-to-one assignment probabilities: a
target that many sources like gets shared out instead of taken by all.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch_geometric.utils import softmax

from translator.gnn.consensus import Consensus
from translator.gnn.data import GraphInput

__all__ = ["Candidates", "relative_consensus", "sinkhorn", "top_k_candidates"]


@dataclass
class Candidates:
    """``k`` candidate columns per row with their scores: ``columns`` and ``scores`` are [n, k]."""

    columns: torch.Tensor
    scores: torch.Tensor


@torch.no_grad()
def top_k_candidates(source: torch.Tensor, target: torch.Tensor, k: int, *, chunk: int = 2048) -> Candidates:
    """The ``k`` most similar target rows of every source row (dot products; ties by lower index)."""
    k = min(k, target.shape[0])
    columns, scores = [], []
    for start in range(0, source.shape[0], chunk):
        sims = source[start : start + chunk] @ target.T
        values, index = torch.topk(sims, k, dim=1, largest=True, sorted=True)
        columns.append(index)
        scores.append(values)
    if not columns:
        empty = torch.empty((0, k))
        return Candidates(empty.long(), empty)
    return Candidates(torch.cat(columns), torch.cat(scores))


def sinkhorn(
    candidates: Candidates, n_target: int, *, temperature: float = 0.05, rounds: int = 10
) -> torch.Tensor:
    """Sinkhorn-normalised assignment weights on the candidate set, [n, k], rows summing to 1.

    Column sums are pushed towards 1 over the targets that appear among the candidates, so that a
    target claimed by several sources is shared out between them.
    """
    log_p = candidates.scores / temperature
    flat_cols = candidates.columns.reshape(-1)
    for _ in range(rounds):
        log_p = log_p - torch.logsumexp(log_p, dim=1, keepdim=True)  # rows sum to 1
        col_lse = torch.full((n_target,), float("-inf"))
        col_lse = col_lse.scatter_reduce(0, flat_cols, log_p.reshape(-1), reduce="amax")
        sums = torch.zeros(n_target).scatter_add_(
            0, flat_cols, torch.exp(log_p.reshape(-1) - col_lse[flat_cols])
        )
        log_col = col_lse + torch.log(sums.clamp_min(1e-30))
        log_p = log_p - torch.clamp(log_col[candidates.columns], min=0.0)  # only shrink over-claimed targets
    result: torch.Tensor = torch.softmax(log_p, dim=1)
    return result


def relative_consensus(
    consensus: Consensus | None,
    source: GraphInput,
    target: GraphInput,
    rows: torch.Tensor,
    cols: torch.Tensor,
    cosine: torch.Tensor,
    temperature: float,
) -> torch.Tensor:
    """The consensus step's assignment probability of each candidate (graph rows ``rows`` of
    ``source`` × ``cols`` of ``target``) divided by its source node's best: 1 for the node's
    favourite. All ones without a consensus step. Seeded, so deterministic."""
    if consensus is None or not len(rows):
        return torch.ones_like(cosine)
    generator = torch.Generator().manual_seed(0)
    logits = consensus(source, target, rows, cols, cosine / temperature, generator=generator)
    probability = softmax(logits, rows, num_nodes=source.x.shape[0])
    best = torch.zeros(source.x.shape[0]).scatter_reduce(0, rows, probability, reduce="amax")
    relative: torch.Tensor = probability / best[rows].clamp_min(1e-9)
    return relative
