"""Training the encoder on transformed pairs: a contrastive loss, one epoch, ranking metrics.

Plain functions over (model, data), as CONVENTIONS.md asks. A training example is a `Pair` from
`translator.gnn.augment`: the model must rank, for every source node with a known counterpart, that
counterpart first among the target graph's own nodes (InfoNCE over all of them). With a consensus
step (:mod:`translator.gnn.consensus`), the encoder's ``k`` best targets of each such node (the true
one always among them, as in DGMC) are refined and the refined scores get the same loss.
`train_model` measures every epoch on pairs of models it never trains on (whole model families set
aside, :mod:`translator.gnn.split`), keeps the best epoch's weights, and measures the calibration on
other validation pairs than those it was fitted on.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from translator.errors import TolkaError
from translator.gnn.augment import Pair, make_pair
from translator.gnn.calibration import FEATURES, calibration_report, candidate_features, fit_calibration
from translator.gnn.consensus import Consensus
from translator.gnn.data import GraphInput, graph_input
from translator.gnn.encoder import RelationalEncoder
from translator.gnn.features import TextEncoder
from translator.gnn.model_io import ModelConfig, TrainedModel, text_encoder
from translator.gnn.scoring import relative_consensus, top_k_candidates
from translator.gnn.split import group_graphs, split_graphs
from translator.gnn.threads import one_thread
from translator.graph.model import SchemaGraph

__all__ = [
    "PairInput",
    "candidate_table",
    "encode_pair",
    "pair_loss",
    "rank_metrics",
    "train_epoch",
    "train_model",
]


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
    if validation is not None:
        train_graphs, valid_graphs = list(graphs), list(validation)
        valid_groups = group_graphs(valid_graphs)
        how = "given (train_model(validation=...))"
    else:
        split = split_graphs(graphs, share=validation_share, seed=seed)
        train_graphs = [graphs[i] for i in split.training]
        valid_graphs = [graphs[i] for i in split.validation]
        position = {g: k for k, g in enumerate(split.validation)}
        valid_groups = [[position[i] for i in group] for group in split.validation_groups]
        how = (
            f"split from the corpus: {len(valid_graphs)} of {len(graphs)} graphs in "
            f"{len(valid_groups)} model families (share {validation_share}, seed {seed}; a family — "
            "same name stem, other versions, shared own node ids — falls on one side)"
        )
    held_out_pairs = not valid_graphs
    if held_out_pairs:
        how = (
            "no unseen graph to validate on (one model family): extra transformed pairs of the "
            "training graphs stand in"
        )
    # what each pair is for: training, or validation and then fitting ("fit") or measuring
    # ("measure") the calibration — whole validation families apart when there are two or more
    alternate = (["fit", "measure"] * validation_pairs)[:validation_pairs]
    fit_graphs = {i for n, group in enumerate(valid_groups) if n % 2 == 0 for i in group}
    jobs = [(g, ["train"] * pairs_per_graph + (alternate if held_out_pairs else [])) for g in train_graphs]
    for i, graph in enumerate(valid_graphs):
        roles = [("fit" if i in fit_graphs else "measure")] * validation_pairs
        jobs.append((graph, roles if len(valid_groups) >= 2 else alternate))
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
    if not train:
        raise TolkaError("no training pairs: the corpus has no own nodes")
    config = dataclasses.replace(config, in_dim=int(train[0].source.x.shape[1]))
    encoder, consensus = config.build()
    parameters = [*encoder.parameters(), *(consensus.parameters() if consensus else [])]
    optimizer = torch.optim.Adam(parameters, lr=learning_rate)
    history: list[dict[str, float]] = []
    tau = config.temperature
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
    fit = _candidates(encoder, consensus, [d for part, d in valid if part == "fit"], tau)
    measure = _candidates(encoder, consensus, [d for part, d in valid if part == "measure"], tau)
    labels = fit[1]
    calibration = fit_calibration(*fit) if bool(labels.any()) and not bool(labels.all()) else None
    fit_names = sorted(_source(valid_graphs[i]) for i in fit_graphs) if len(valid_groups) >= 2 else []
    measure_names = sorted(_source(g) for g in valid_graphs if _source(g) not in fit_names)
    record: dict[str, Any] = {
        "seed": seed,
        "epochs": epochs,
        "pairs_per_graph": pairs_per_graph,
        "learning_rate": learning_rate,
        "graphs": [g.name for g in train_graphs],
        "training_graphs": [_source(g) for g in train_graphs],
        "validation": {
            "how": how,
            "graphs": [_source(g) for g in valid_graphs],
            "families": [sorted(_source(valid_graphs[i]) for i in group) for group in valid_groups],
            "pairs_per_graph": validation_pairs,
            "pairs": len(valid),
            "figures": "Hits@1, Hits@10, MRR of each validation pair's true counterparts among the "
            "target's own nodes (after the consensus step), averaged over the pairs",
        },
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
        record["calibration"] = {
            "features": list(FEATURES),
            "fitted_on": where[0] + f": {int(labels.numel())} candidates",
            "measured_on": where[1] + f": {int(measure[1].numel())} candidates, none used in the fit",
            "note": "the measured pairs took part in choosing the epoch (by MRR), not in the fit",
            "measured": calibration_report(calibration, *measure),
            "in_sample": calibration_report(calibration, *fit),
        }
    return TrainedModel(config, encoder, consensus, record, calibration)
