"""``tolka train-decider``: train the learned decider on labelled pairs of models."""

from __future__ import annotations

import time
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from services.cli.errors import reports_errors
from services.cli.options import DEFAULT_MAX_SIZE, MaxSizeOption, load_model
from services.cli.progress import stage_bar
from translator.errors import TolkaError

if TYPE_CHECKING:
    from translator.graph.model import SchemaGraph

__all__ = ["train_decider_command"]


@reports_errors
def train_decider_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the decider (JSON).")],
    pairs: Annotated[
        list[Path] | None,
        typer.Option(
            "--pairs",
            help="A folder of labelled pairs: */pair.json manifests (source, target, reference, family), "
            "as in shared/data/pairs (repeatable).",
            show_default=False,
        ),
    ] = None,
    conference: Annotated[
        list[Path] | None,
        typer.Option(
            "--conference",
            help="An OAEI-style folder with ontologies/*.owl and alignments/a-b.rdf (repeatable).",
            show_default=False,
        ),
    ] = None,
    views: Annotated[
        list[Path] | None,
        typer.Option(
            "--views",
            help="Ontologies (files, or folders searched recursively) whose JSON Schema views, with the "
            "truth known, are synthetic training pairs for what corresponds across formats, and whose "
            "partial views (two random parts sharing 15-40 % of the entities, one renamed) are pairs of "
            "independent models of one domain (repeatable).",
            show_default=False,
        ),
    ] = None,
    languages: Annotated[
        str | None,
        typer.Option(
            "--languages",
            help="Languages (comma-separated ISO 639-1 codes) to render the --views ontologies in, word by "
            "word through FreeDict read backwards, as synthetic cross-lingual pairs (default: every language "
            "with a FreeDict dictionary installed; '' for none).",
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="The GNN whose view the decider reads (default: the shipped one).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the trees.")] = 0,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings/--no-embeddings",
            help="Also read the sentence-embedding similarity of names (all-MiniLM-L6-v2). Off by "
            "default: out of fold over the 30 labelled pairs it lowered micro F1 (0.785 against 0.794 "
            "without, benchmarks/RESULTS.md), and encoding costs about 1 ms a name.",
        ),
    ] = False,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
) -> None:
    """Train the decider that makes `--method decider` (and `auto`) decide: gradient-boosted trees over
    every piece of evidence about a candidate pair (lexical, WordNet and dictionary names, the
    flooded structural score, the GNN's similarity and probability, kinds, datatypes, units, the
    agreement of parents, children and neighbours), learned from the labelled pairs' references.
    Pairs that share a model form one group; the threshold is chosen by cross-validation over the
    groups. `--views` adds synthetic pairs: each ontology against the JSON Schema a developer would
    write for it (classes as definitions, a property as a member of every class of its domain, JSON
    names), both ways; its flattened JSON Schema (a definition repeats what it inherits: one property,
    many members of one name) against it; each ontology labelled in another language
    (`--languages`) against itself, both ways, so that the decider learns how dictionary renderings
    of foreign labels meet English names; and two random parts of each ontology that share 15-40 %
    of its entities, the second written in another naming style with some words swapped for WordNet
    synonyms, both ways, so that the decider learns that between two independent models of one
    domain most entities have no partner and a pair that is only the best one left is no
    correspondence. `make decider` rebuilds the decider Tolka ships this way.

    Examples:

        tolka train-decider --pairs ../shared/data/pairs --conference ../shared/data/oaei-conference \\
            --out decider.json

        tolka match a.owl b.owl --method decider --decider decider.json --out a-b.sssom.tsv
    """
    from translator.alignment.pairs import conference_pairs, read_pairs
    from translator.matching.text.freedict import available_languages

    installed = available_languages()
    chosen_languages = (
        installed
        if languages is None
        else tuple(code.strip() for code in languages.split(",") if code.strip())
    )
    missing = [code for code in chosen_languages if code not in installed]
    if missing:
        raise TolkaError(
            f"--languages {', '.join(missing)}: no FreeDict dictionary into English installed "
            f"(installed: {', '.join(installed) or 'none'}; apt-get install dict-freedict-<xxx>-eng, "
            "or set TOLKA_FREEDICT_DIR)"
        )
    labelled = [p for folder in pairs or [] for p in read_pairs(folder)]
    labelled += [
        p
        for folder in conference or []
        for p in conference_pairs(folder / "ontologies", folder / "alignments")
    ]
    if not labelled:
        raise TolkaError("no labelled pairs: give --pairs and/or --conference folders that hold some")
    # the matching machinery (torch, the GNN, scikit-learn) only once the options are known to be good
    from translator.gnn.corpus import corpus_files
    from translator.matching.decider.examples import (
        model_folds,
        ontology_group,
        pair_example,
        partial_examples,
        translated_examples,
        view_examples,
    )
    from translator.matching.decider.features import DEFAULT_FEATURES, FEATURES
    from translator.matching.decider.model import save_decider
    from translator.matching.decider.training import fit_decider
    from translator.matching.matcher import default_model_path
    from translator.matching.options import MatchOptions

    gnn = model or default_model_path()
    if not gnn.is_file():
        raise TolkaError(f"no GNN model at {gnn}: build it with `make model` or pass --model")
    started = time.perf_counter()
    err = Console(stderr=True)
    graphs = {}
    with stage_bar(err, 40) as bar:
        task = bar.add_task("loading", total=len(labelled))
        for pair in labelled:
            bar.update(task, description=f"loading {pair.name}"[:40])
            for files in (pair.source, pair.target):
                if files not in graphs:
                    dirs = list(pair.models_dirs)
                    graphs[files] = load_model(list(files), models_dirs=dirs, max_size=max_size)
            bar.advance(task)
        folds = model_folds(labelled, graphs)
        options = MatchOptions(model=str(gnn))
        task = bar.add_task("matching", total=len(labelled))
        examples = []
        for pair in labelled:
            bar.update(task, description=f"matching {pair.name}"[:40])
            examples.append(
                pair_example(
                    pair,
                    folds[pair.name],
                    graphs[pair.source],
                    graphs[pair.target],
                    options,
                    embeddings=embeddings,
                )
            )
            bar.advance(task)
        rdf = {".owl", ".ttl", ".rdf", ".nt", ".jsonld"}
        ontologies = [f for f in corpus_files(views) if f.suffix.lower() in rdf] if views else []
        task = bar.add_task("views", total=len(ontologies))
        view_graphs = []
        sides: dict[Hashable, dict[tuple[Path, ...], SchemaGraph]] = {}  # each model once per group
        for pair in labelled:
            for files in (pair.source, pair.target):
                sides.setdefault(folds[pair.name], {})[files] = graphs[files]
        labelled_models = {group: list(models.values()) for group, models in sides.items()}
        view_groups = []
        for k, path in enumerate(ontologies):
            bar.update(task, description=f"views of {path.name}"[:40])
            view_graphs.append(load_model([path], max_size=max_size))
            group = ontology_group(view_graphs[-1], labelled_models)
            view_groups.append(group)
            examples += view_examples(view_graphs[-1], group, options, seed=k, embeddings=embeddings)
            examples += partial_examples(view_graphs[-1], group, options, seed=k, embeddings=embeddings)
            bar.advance(task)
        examples += translated_examples(
            view_graphs,
            view_groups,
            options,
            chosen_languages,
            embeddings=embeddings,
            progress=lambda stage: bar.update(task, description=stage[:40]),
        )
        bar.update(task, description="training")
        features = FEATURES if embeddings else DEFAULT_FEATURES
        decider = fit_decider(
            examples,
            features=features,
            seed=seed,
            progress=lambda stage: bar.update(task, description=stage[:40]),
        )
    decider.training["gnn"] = str(gnn)
    decider.training["folds"] = {p.name: folds[p.name] for p in labelled}
    decider.training["seconds"] = round(time.perf_counter() - started, 1)
    decider.training["views"] = [str(p) for p in ontologies]
    decider.training["languages"] = list(chosen_languages) if ontologies else []
    save_decider(decider, out)
    chosen = decider.training["threshold"]
    err.print(
        f"{len(labelled)} labelled pairs in {len(set(folds.values()))} groups"
        f"{f' and {len(examples) - len(labelled)} synthetic ones' if ontologies else ''}, "
        f"{decider.training['candidates']} candidate pairs ({decider.training['true_candidates']} true); "
        f"threshold {decider.threshold} ({chosen['how']}: micro F1 {chosen['micro_f1']}); "
        f"decider written to {out}"
    )
