"""Training the encoder on transformed pairs: a contrastive loss, one epoch, ranking metrics.

Plain functions over (model, data), as CONVENTIONS.md asks. A training example is a `Pair` from
`translator.transforms`: the model must rank, for every source node with a known counterpart, that
counterpart first among the target graph's own nodes (InfoNCE over all of them).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from translator.features import TextEncoder
from translator.gnn.data import GraphInput, graph_input
from translator.gnn.encoder import RelationalEncoder
from translator.transforms import Pair

__all__ = ["PairInput", "encode_pair", "pair_loss", "rank_metrics", "train_epoch"]


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
    model: RelationalEncoder, data: PairInput, temperature: float
) -> tuple[torch.Tensor, torch.Tensor]:
    src = model(data.source)[data.source_rows]
    tgt = model(data.target)[data.target_own]
    position = {int(r): i for i, r in enumerate(data.target_own)}
    labels = torch.tensor([position[int(r)] for r in data.target_rows], dtype=torch.long)
    return src @ tgt.T / temperature, labels


def pair_loss(model: RelationalEncoder, data: PairInput, *, temperature: float = 0.05) -> torch.Tensor:
    """InfoNCE: the true counterpart against every own target node."""
    logits, labels = _logits(model, data, temperature)
    return torch.nn.functional.cross_entropy(logits, labels)


def train_epoch(
    model: RelationalEncoder,
    data: Sequence[PairInput],
    optimizer: torch.optim.Optimizer,
    rng: random.Random,
) -> float:
    """One pass over the pairs in a seeded random order; returns the mean loss."""
    model.train()
    order = list(range(len(data)))
    rng.shuffle(order)
    total = 0.0
    for i in order:
        optimizer.zero_grad()
        loss = pair_loss(model, data[i])
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
        total += float(loss.detach())
    return total / max(1, len(order))


@torch.no_grad()
def rank_metrics(model: RelationalEncoder, data: PairInput) -> dict[str, float]:
    """Hits@1, Hits@10 and MRR of the true counterparts among the target's own nodes."""
    model.eval()
    logits, labels = _logits(model, data, 1.0)
    true = logits.gather(1, labels.unsqueeze(1))
    ranks = (logits > true).sum(dim=1) + 1
    return {
        "hits_at_1": float((ranks <= 1).float().mean()),
        "hits_at_10": float((ranks <= 10).float().mean()),
        "mrr": float((1.0 / ranks.float()).mean()),
    }
