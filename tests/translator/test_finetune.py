"""Learning from people: fine-tuning on accepted and rejected pairs at match time."""

from __future__ import annotations

import random

import pytest
import torch

from adapters import load_paths
from tests.paths import VENDOR_A
from translator.gnn.augment.pairs import make_pair
from translator.gnn.augment.transform import Pair
from translator.gnn.data import graph_input
from translator.gnn.finetune import fine_tune
from translator.gnn.model_io import ModelConfig, TrainedModel
from translator.gnn.training import PairInput, pair_loss
from translator.gnn.training_run import train_model
from translator.graph.model import SchemaGraph


@pytest.fixture(scope="module")
def setting() -> tuple[TrainedModel, Pair]:
    graph: SchemaGraph = load_paths([VENDOR_A])
    model = train_model(
        [graph], config=ModelConfig(text_dim=32, hidden=32, consensus_steps=1), epochs=1, seed=0
    )
    return model, make_pair(graph, random.Random(5))


def _cosines(model: TrainedModel, pair: Pair, pairs: list[tuple[str, str]]) -> torch.Tensor:
    a, b = graph_input(pair.source, model.text_encoder), graph_input(pair.target, model.text_encoder)
    with torch.no_grad():
        left = model.encoder(a)[a.rows([s for s, _ in pairs])]
        right = model.encoder(b)[b.rows([t for _, t in pairs])]
    return (left * right).sum(dim=1)


def test_accepted_pairs_pull_together_rejected_push_apart(setting: tuple[TrainedModel, Pair]) -> None:
    model, pair = setting
    truth = sorted(pair.truth.items())
    accepted = truth[:8]
    wrong = [(truth[8][0], truth[9][1]), (truth[10][0], truth[11][1])]
    before_acc, before_rej = _cosines(model, pair, accepted), _cosines(model, pair, wrong)
    a, b = graph_input(pair.source, model.text_encoder), graph_input(pair.target, model.text_encoder)
    data = PairInput(
        a, b, a.rows([s for s, _ in accepted]), b.rows([t for _, t in accepted]), b.own.nonzero().flatten()
    )
    with torch.no_grad():
        loss_before = float(pair_loss(model.encoder, data))
    tuned = fine_tune(model, a, b, accepted, wrong, steps=40, learning_rate=3e-3)
    assert tuned is not model
    assert tuned.training["fine_tuned"] == {"accepted": 8, "rejected": 2, "steps": 40}
    with torch.no_grad():
        # each accepted target now stands out more clearly from the other targets
        assert float(pair_loss(tuned.encoder, data)) < 0.5 * loss_before
    assert float(_cosines(tuned, pair, wrong).max()) < min(0.3 + 0.05, float(before_rej.max()))
    # the model given is left as it was
    assert torch.equal(_cosines(model, pair, accepted), before_acc)


def test_fine_tuning_is_deterministic_and_a_no_op_without_decisions(
    setting: tuple[TrainedModel, Pair],
) -> None:
    model, pair = setting
    a, b = graph_input(pair.source, model.text_encoder), graph_input(pair.target, model.text_encoder)
    assert fine_tune(model, a, b, [], []) is model
    truth = sorted(pair.truth.items())
    assert fine_tune(model, a, b, [], [(truth[0][0], truth[1][1])]) is model  # a rejection alone
    accepted = truth[:5]
    first = fine_tune(model, a, b, accepted, steps=5)
    second = fine_tune(model, a, b, accepted, steps=5)
    for x, y in zip(first.encoder.parameters(), second.encoder.parameters(), strict=True):
        assert torch.equal(x, y)
