"""Training the encoder on transformed pairs: a contrastive loss, one epoch, ranking metrics.

Plain functions over (model, data), as CONVENTIONS.md asks. A training example is a `Pair` from
`translator.gnn.augment`: the model must rank, for every source node with a known counterpart, that
counterpart first among the target graph's own nodes (InfoNCE over all of them). With a consensus
step (:mod:`translator.gnn.consensus`), the encoder's ``k`` best targets of each such node (the true
one always among them, as in DGMC) are refined and the refined scores get the same loss. A whole
training run, validated and calibrated, is :func:`translator.gnn.training_run.train_model`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from translator.gnn.augment.transform import Pair
from translator.gnn.calibration import candidate_features
from translator.gnn.consensus import Consensus
from translator.gnn.data import GraphInput, graph_input
from translator.gnn.encoder import RelationalEncoder
from translator.gnn.features import TextEncoder
from translator.gnn.scoring import relative_consensus, top_k_candidates

__all__ = ["PairInput", "candidate_table", "encode_pair", "pair_loss", "rank_metrics", "train_epoch"]


@dataclass
class PairInput:
    """A training pair ready for the model: both graphs' inputs and the rows of the true pairs."""

    source: GraphInput
    target: GraphInput
    source_rows: torch.Tensor
    target_rows: torch.Tensor
    target_own: torch.Tensor


def encode_pair(pair: Pair, encoder: TextEncoder) -> PairInput:
    """Turn a `Pair` into tensors (truth restricted to nodes present on both sides)."""
    source = graph_input(pair.source, encoder)
    target = graph_input(pair.target, encoder)
    truth = sorted((s, t) for s, t in pair.truth.items() if s in set(source.ids) and t in set(target.ids))
    own_rows = torch.nonzero(target.own, as_tuple=False).flatten()
    return PairInput(
        source,
        target,
        source.rows([s for s, _ in truth]),
        target.rows([t for _, t in truth]),
        own_rows,
    )


def _logits(
    model: RelationalEncoder, data: PairInput, temperature: float, rows: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Logits of the chosen truth rows against every own target, their labels, and the rows."""
    chosen = torch.arange(int(data.source_rows.numel())) if rows is None else rows
    src = model(data.source)[data.source_rows[chosen]]
    tgt = model(data.target)[data.target_own]
    position = {int(r): i for i, r in enumerate(data.target_own)}
    labels = torch.tensor([position[int(r)] for r in data.target_rows[chosen]], dtype=torch.long)
    return src @ tgt.T / temperature, labels, chosen


def _consensus_logits(
    consensus: Consensus,
    data: PairInput,
    logits: torch.Tensor,
    labels: torch.Tensor,
    chosen: torch.Tensor,
    k: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Refined [r, k] logits of each row's ``k`` best targets with the true one forced in, and the
    position of the true one in each row."""
    k = min(k, logits.shape[1])
    top = torch.topk(logits.detach(), k, dim=1).indices
    present = (top == labels.unsqueeze(1)).any(dim=1)
    top[~present, -1] = labels[~present]
    position = (top == labels.unsqueeze(1)).float().argmax(dim=1)
    rows = data.source_rows[chosen].repeat_interleave(k)
    cols = data.target_own[top.reshape(-1)]
    refined = consensus(data.source, data.target, rows, cols, logits.gather(1, top).reshape(-1))
    return refined.reshape(-1, k), position


def pair_loss(
    model: RelationalEncoder,
    data: PairInput,
    *,
    temperature: float = 0.05,
    rows: torch.Tensor | None = None,
    consensus: Consensus | None = None,
    k: int = 10,
) -> torch.Tensor:
    """InfoNCE: the true counterpart against every own target node (for the chosen truth rows), plus
    the same loss on the consensus-refined top-``k`` when a consensus step is given."""
    logits, labels, chosen = _logits(model, data, temperature, rows)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    if consensus is not None:
        refined, position = _consensus_logits(consensus, data, logits, labels, chosen, k)
        loss = loss + torch.nn.functional.cross_entropy(refined, position)
    return loss


def train_epoch(
    model: RelationalEncoder,
    data: Sequence[PairInput],
    optimizer: torch.optim.Optimizer,
    rng: random.Random,
    *,
    max_rows: int = 512,
    consensus: Consensus | None = None,
    temperature: float = 0.05,
) -> float:
    """One pass over the pairs in a seeded random order (at most ``max_rows`` truth rows of a pair
    per step, so a 5,000-node model costs max_rows × n, not n²); returns the mean loss."""
    model.train()
    if consensus is not None:
        consensus.train()
    order = list(range(len(data)))
    rng.shuffle(order)
    total = 0.0
    for i in order:
        optimizer.zero_grad()
        count = int(data[i].source_rows.numel())
        rows = torch.tensor(sorted(rng.sample(range(count), max_rows))) if count > max_rows else None
        loss = pair_loss(model, data[i], rows=rows, consensus=consensus, temperature=temperature)
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        total += float(loss.detach())
    return total / max(1, len(order))


@torch.no_grad()
def rank_metrics(
    model: RelationalEncoder,
    data: PairInput,
    *,
    consensus: Consensus | None = None,
    temperature: float = 0.05,
    k: int = 10,
) -> dict[str, float]:
    """Hits@1, Hits@10 and MRR of the true counterparts among the target's own nodes (after the
    consensus step, when given, which reorders each row's ``k`` best)."""
    model.eval()
    logits, labels, chosen = _logits(model, data, temperature)
    if consensus is not None and logits.shape[0]:
        consensus.eval()
        k = min(k, logits.shape[1])
        top = torch.topk(logits, k, dim=1).indices
        rows = data.source_rows[chosen].repeat_interleave(k)
        cols = data.target_own[top.reshape(-1)]
        generator = torch.Generator().manual_seed(0)
        refined = consensus(
            data.source, data.target, rows, cols, logits.gather(1, top).reshape(-1), generator=generator
        ).reshape(-1, k)
        # the refined top-k go above everything else, in their refined order
        logits.scatter_(1, top, refined - refined.min() + logits.max() + 1.0)
    true = logits.gather(1, labels.unsqueeze(1))
    ranks = (logits > true).sum(dim=1) + 1
    return {
        "hits_at_1": float((ranks <= 1).float().mean()),
        "hits_at_10": float((ranks <= 10).float().mean()),
        "mrr": float((1.0 / ranks.float()).mean()),
    }


@torch.no_grad()
def candidate_table(
    model: RelationalEncoder,
    data: PairInput,
    *,
    consensus: Consensus | None = None,
    temperature: float = 0.05,
    k: int = 10,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Calibration features and labels of every own source node's ``k`` best targets (nodes without
    a counterpart included: their candidates are all negatives)."""
    model.eval()
    source_own = torch.nonzero(data.source.own, as_tuple=False).flatten()
    src, tgt = model(data.source)[source_own], model(data.target)[data.target_own]
    top = top_k_candidates(src, tgt, k)
    width = top.columns.shape[1]
    local_rows = torch.arange(source_own.numel()).repeat_interleave(width)
    local_cols = top.columns.reshape(-1)
    cosine = top.scores.reshape(-1)
    rows, cols = source_own[local_rows], data.target_own[local_cols]
    if consensus is not None:
        consensus.eval()
    relative = relative_consensus(consensus, data.source, data.target, rows, cols, cosine, temperature)
    features = candidate_features(cosine, relative, local_rows, local_cols, source_own.numel(), tgt.shape[0])
    truth = dict(zip(data.source_rows.tolist(), data.target_rows.tolist(), strict=True))
    labels = torch.tensor([truth.get(int(r)) == int(c) for r, c in zip(rows, cols, strict=True)])
    return features, labels
