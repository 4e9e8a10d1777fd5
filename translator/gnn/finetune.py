"""Learning from people at match time: fine-tune a copy of the model on accepted and rejected pairs.

An engineer's accepted correspondences between the two models being matched are exactly the
training signal the model lacks: a few steps of the training loss on them (each accepted target
against every other own target, and through the consensus step) adapt the encoder to these two
models' naming and structure. Rejected correspondences, beside accepted ones, become explicit
negatives: their cosine is pushed below ``margin``. The model given is never changed; the copy is
tuned with a fixed seed, so the same decisions give the same result. The step count and learning
rate are small on purpose: on the OAEI pairs with 10 % and 20 % of the reference as seeds, 10 steps
at 3e-4 lifted F1 on the rest by 0.011 and 0.015, while 30 steps at 1e-3 overfitted the few pairs
and cost precision.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch

from translator.gnn.data import GraphInput
from translator.gnn.model_io import TrainedModel
from translator.gnn.training import PairInput, pair_loss

__all__ = ["fine_tune"]


def _pairs(
    a: GraphInput, b: GraphInput, pairs: Sequence[tuple[str, str]]
) -> tuple[torch.Tensor, torch.Tensor]:
    a_rows, b_rows = a.rows([s for s, _ in pairs]), b.rows([t for _, t in pairs])
    return a_rows, b_rows


def fine_tune(
    model: TrainedModel,
    a: GraphInput,
    b: GraphInput,
    accepted: Sequence[tuple[str, str]],
    rejected: Sequence[tuple[str, str]] = (),
    *,
    steps: int = 10,
    learning_rate: float = 3e-4,
    margin: float = 0.3,
    seed: int = 0,
) -> TrainedModel:
    """A copy of ``model`` tuned on (source id, target id) decisions between the graphs of inputs
    ``a`` and ``b`` (`translator.gnn.data.graph_input`); the model itself when there is nothing to
    learn from: no accepted pair. Rejections are negatives beside accepted pairs, never alone: ten
    Adam steps on a lone rejection's margin move every parameter by about the learning rate a step,
    and with them the GNN's probability of every pair of the two models (one rejection in
    materials ↔ MatOnto lowered F1 on the rest from 0.661 to 0.584, benchmarks/seeds.py). A rejected
    pair is never proposed all the same: the matcher takes it out of the candidates' scores."""
    if not accepted:
        return model
    a_acc, b_acc = _pairs(a, b, sorted(accepted))
    a_rej, b_rej = _pairs(a, b, sorted(rejected))
    data = PairInput(a, b, a_acc, b_acc, torch.nonzero(b.own, as_tuple=False).flatten())
    tuned = TrainedModel(
        model.config,
        copy.deepcopy(model.encoder),
        copy.deepcopy(model.consensus),
        dict(model.training),
        model.calibration,
    )
    parameters = [*tuned.encoder.parameters(), *(tuned.consensus.parameters() if tuned.consensus else [])]
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        tuned.encoder.train()
        for _ in range(steps):
            optimizer.zero_grad()
            loss = pair_loss(
                tuned.encoder, data, consensus=tuned.consensus, temperature=model.config.temperature
            )
            if len(rejected):
                left, right = tuned.encoder(a)[a_rej], tuned.encoder(b)[b_rej]
                loss = loss + torch.relu((left * right).sum(dim=1) - margin).mean()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
    tuned.encoder.eval()
    if tuned.consensus is not None:
        tuned.consensus.eval()
    tuned.training["fine_tuned"] = {"accepted": len(accepted), "rejected": len(rejected), "steps": steps}
    return tuned
