"""Cross-graph scoring over candidate pairs: top-k per node, then the consensus step's normalisation.

Embeddings of the two graphs are compared in row chunks and only the ``k`` best targets of every
source row are kept, so memory grows with n·k, never n·m. The consensus step's logits are then
normalised per source node with a softmax over its candidates (:func:`relative_consensus`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch_geometric.utils import softmax

from translator.gnn.consensus import Consensus
from translator.gnn.data import GraphInput

__all__ = ["Candidates", "relative_consensus", "top_k_candidates"]


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
