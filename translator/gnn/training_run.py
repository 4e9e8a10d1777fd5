"""A whole training run (:func:`train_model`): the encoder trained on transformed pairs of a corpus,
the best epoch kept and the match probability calibrated.

`train_model` measures every epoch on pairs of models it never trains on (whole model families set
aside, :mod:`translator.gnn.split`), keeps the best epoch's weights, and measures the calibration on
other validation pairs than those it was fitted on; the loss, the epoch and the metrics are the plain
functions of :mod:`translator.gnn.training`. What was done goes to the model's training record.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from typing import Any

import torch

from translator.errors import TolkaError
from translator.gnn.augment.pairs import make_pair
from translator.gnn.calibration import FEATURES, Calibration, calibration_report, fit_calibration
from translator.gnn.consensus import Consensus
from translator.gnn.encoder import RelationalEncoder
from translator.gnn.features import TextEncoder
from translator.gnn.model_io import ModelConfig, TrainedModel, text_encoder
from translator.gnn.split import PairPlan, plan_pairs
from translator.gnn.threads import one_thread
from translator.gnn.training import PairInput, candidate_table, encode_pair, rank_metrics, train_epoch
from translator.graph.model import SchemaGraph

__all__ = ["train_model"]


def _mean_figures(scores: Sequence[dict[str, float]]) -> dict[str, float]:
    """Hits@1, Hits@10 and MRR averaged over pairs (zeros when there are none)."""
    return {
        key: sum(s[key] for s in scores) / max(1, len(scores)) for key in ("hits_at_1", "hits_at_10", "mrr")
    }


def _state(*parts: torch.nn.Module | None) -> list[dict[str, torch.Tensor]]:
    """Copies of the parts' weights (to keep the best epoch's)."""
    return [{k: v.detach().clone() for k, v in p.state_dict().items()} if p else {} for p in parts]


def _candidates(
    encoder: RelationalEncoder, consensus: Consensus | None, data: Sequence[PairInput], tau: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Calibration features and labels of the candidates of several pairs."""
    tables = [candidate_table(encoder, d, consensus=consensus, temperature=tau) for d in data]
    if not tables:
        return torch.zeros((0, len(FEATURES))), torch.zeros(0, dtype=torch.bool)
    return torch.cat([f for f, _ in tables]), torch.cat([y for _, y in tables])


def _source(graph: SchemaGraph) -> str:
    """What a graph is called in the training record: its first file, else its name."""
    return graph.sources[0] if graph.sources else graph.name


def _encode_jobs(
    jobs: Sequence[tuple[SchemaGraph, Sequence[str]]],
    rng: random.Random,
    text: TextEncoder,
    prepared: Callable[[int, int], None] | None,
) -> tuple[list[int], list[PairInput], list[tuple[str, PairInput]]]:
    """The transformed pairs of every job, each from a fresh seed drawn from ``rng``: the seeds, the
    training pairs and the validation pairs with their roles (pairs without a true pair left out).
    ``prepared(done, total)`` is called after every graph's pairs are built."""
    seeds: list[int] = []
    train: list[PairInput] = []
    valid: list[tuple[str, PairInput]] = []
    for done, (graph, roles) in enumerate(jobs, start=1):
        for role in roles:
            seeds.append(rng.randrange(2**31))
            data = encode_pair(make_pair(graph, random.Random(seeds[-1])), text)
            if int(data.source_rows.numel()) == 0:
                continue
            if role == "train":
                train.append(data)
            else:
                valid.append((role, data))
        if prepared is not None:
            prepared(done, len(jobs))
    return seeds, train, valid


def _best_epoch(
    encoder: RelationalEncoder,
    consensus: Consensus | None,
    train: Sequence[PairInput],
    valid: Sequence[tuple[str, PairInput]],
    optimizer: torch.optim.Optimizer,
    rng: random.Random,
    *,
    epochs: int,
    tau: float,
    progress: Callable[[int, float, dict[str, float]], None] | None,
) -> tuple[list[dict[str, float]], int, float]:
    """Train for ``epochs`` epochs, measuring each on the validation pairs, and leave the encoder and
    the consensus step with the weights of the epoch with the highest validation MRR (the earliest
    of equals; the last without validation pairs). Returns the history, that epoch and its MRR."""
    history: list[dict[str, float]] = []
    best_epoch, best_mrr, best_state = 0, -1.0, _state(encoder, consensus)
    for epoch in range(epochs):
        loss = train_epoch(encoder, train, optimizer, rng, consensus=consensus, temperature=tau)
        scores = [rank_metrics(encoder, d, consensus=consensus, temperature=tau) for _, d in valid]
        figures = {"loss": loss} | _mean_figures(scores)
        history.append({"epoch": epoch + 1} | figures)
        if not valid or figures["mrr"] > best_mrr:
            best_epoch, best_mrr, best_state = epoch + 1, figures["mrr"], _state(encoder, consensus)
        if progress is not None:
            progress(epoch, loss, figures)
    encoder.load_state_dict(best_state[0])
    encoder.eval()
    if consensus is not None:
        consensus.load_state_dict(best_state[1])
        consensus.eval()
    return history, best_epoch, best_mrr


def _validation_record(plan: PairPlan, pairs_per_graph: int, pairs: int) -> dict[str, Any]:
    """What the training record says of the validation graphs and pairs."""
    valid_graphs = plan.validation
    return {
        "how": plan.how,
        "graphs": [_source(g) for g in valid_graphs],
        "families": [sorted(_source(valid_graphs[i]) for i in group) for group in plan.groups],
        "pairs_per_graph": pairs_per_graph,
        "pairs": pairs,
        "figures": "Hits@1, Hits@10, MRR of each validation pair's true counterparts among the "
        "target's own nodes (after the consensus step), averaged over the pairs",
    }


def _calibration_record(
    plan: PairPlan,
    calibration: Calibration,
    fit: tuple[torch.Tensor, torch.Tensor],
    measure: tuple[torch.Tensor, torch.Tensor],
) -> dict[str, Any]:
    """What the training record says of the calibration: its features, the candidates it was fitted
    on and those it was measured on (other validation pairs), and how it did on each."""
    valid_graphs = plan.validation
    fit_names = sorted(_source(valid_graphs[i]) for i in plan.fit) if len(plan.groups) >= 2 else []
    measure_names = sorted(_source(g) for g in valid_graphs if _source(g) not in fit_names)
    where = (
        (
            f"the validation pairs of {', '.join(fit_names)}",
            f"the validation pairs of {', '.join(measure_names)}",
        )
        if fit_names
        else (
            "every other validation pair (the 1st, 3rd, ... of each graph)",
            "the remaining validation pairs",
        )
    )
    return {
        "features": list(FEATURES),
        "fitted_on": where[0] + f": {int(fit[1].numel())} candidates",
        "measured_on": where[1] + f": {int(measure[1].numel())} candidates, none used in the fit",
        "note": "the measured pairs took part in choosing the epoch (by MRR), not in the fit",
        "measured": calibration_report(calibration, *measure),
        "in_sample": calibration_report(calibration, *fit),
    }


@one_thread()
def train_model(
    graphs: Sequence[SchemaGraph],
    *,
    config: ModelConfig | None = None,
    epochs: int = 10,
    pairs_per_graph: int = 2,
    seed: int = 0,
    learning_rate: float = 3e-3,
    progress: Callable[[int, float, dict[str, float]], None] | None = None,
    prepared: Callable[[int, int], None] | None = None,
    validation: Sequence[SchemaGraph] | None = None,
    validation_share: float = 0.2,
    validation_pairs: int = 2,
) -> TrainedModel:
    """Train an encoder on transformed copies of ``graphs`` and keep the epoch that does best on
    models it never trained on.

    Validation graphs are ``validation`` when given; otherwise about ``validation_share`` of
    ``graphs`` (whole model families, seeded: :func:`translator.gnn.split.split_graphs`) are set
    aside and the rest trained on. Each training graph gives ``pairs_per_graph`` transformed pairs,
    each validation graph ``validation_pairs``. After every epoch, Hits@1, Hits@10 and MRR over the
    validation pairs go to ``progress(epoch, loss, figures)`` and the history; the returned model is
    the epoch with the highest validation MRR (the earliest of equals). The match-probability
    calibration is fitted on the candidates of one part of the validation pairs (half of the
    validation families; half of the pairs when there is one) and measured — precision and recall at
    0.5, expected calibration error — on the other part. With a single model family and no
    ``validation``, the training graphs' own extra pairs stand in for validation (the record says
    so). ``prepared(done, total)`` is called after every graph's pairs are built. Seeded: the same
    graphs and seed give the same model."""
    config = config or ModelConfig()
    rng = random.Random(seed)
    torch.manual_seed(seed)
    text = text_encoder(config)
    plan = plan_pairs(
        graphs,
        validation=validation,
        share=validation_share,
        seed=seed,
        pairs_per_graph=pairs_per_graph,
        validation_pairs=validation_pairs,
    )
    seeds, train, valid = _encode_jobs(plan.jobs, rng, text, prepared)
    if not train:
        raise TolkaError("no training pairs: the corpus has no own nodes")
    config = dataclasses.replace(config, in_dim=int(train[0].source.x.shape[1]))
    encoder, consensus = config.build()
    parameters = [*encoder.parameters(), *(consensus.parameters() if consensus else [])]
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    tau = config.temperature
    history, best_epoch, best_mrr = _best_epoch(
        encoder, consensus, train, valid, optimizer, rng, epochs=epochs, tau=tau, progress=progress
    )
    fit = _candidates(encoder, consensus, [d for part, d in valid if part == "fit"], tau)
    measure = _candidates(encoder, consensus, [d for part, d in valid if part == "measure"], tau)
    labels = fit[1]
    calibration = fit_calibration(*fit) if bool(labels.any()) and not bool(labels.all()) else None
    record: dict[str, Any] = {
        "seed": seed,
        "epochs": epochs,
        "pairs_per_graph": pairs_per_graph,
        "learning_rate": learning_rate,
        "graphs": [g.name for g in plan.training],
        "training_graphs": [_source(g) for g in plan.training],
        "validation": _validation_record(plan, validation_pairs, len(valid)),
        "transform_seeds": seeds,
        "history": history,
        "best_epoch": best_epoch,
        "selection": (
            f"epoch {best_epoch} of {epochs}: the highest validation MRR ({best_mrr:.4f}; the earliest "
            "of equals); its weights are the model's, not the last epoch's"
            if valid
            else f"epoch {best_epoch} of {epochs}: the last (no validation pairs)"
        ),
    }
    if calibration is not None:
        record["calibration"] = _calibration_record(plan, calibration, fit, measure)
    return TrainedModel(config, encoder, consensus, record, calibration)
