"""``tolka match``: propose a mapping between two models."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.opcua.security import ClientSecurity
from services.cli.errors import fail, reports_errors
from services.cli.opcua import with_source_security
from services.cli.options import (
    DEFAULT_MAX_SIZE,
    MODEL_HELP,
    IndividualsOption,
    Loading,
    MaxSizeOption,
    ModelsDirOption,
)
from services.cli.progress import stage_bar
from services.cli.stdio import STDIO, at_most_one, check_report, read_alignment_at, where, write_output
from translator.matching.coherence import Removal
from translator.matching.options import METHODS, MatchOptions, default_threshold
from translator.matching.text.wordnet import open_wordnet

__all__ = ["match_command"]


@reports_errors
@with_source_security
def match_command(
    source: Annotated[
        str,
        typer.Argument(help=f"The source model: {MODEL_HELP}.", show_default=False),
    ],
    target: Annotated[
        str, typer.Argument(help="The target model, written the same way.", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the alignment: SSSOM TSV, or Alignment RDF/XML when it ends in .rdf "
            "(default, or -: SSSOM TSV on standard output).",
            show_default=False,
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="lexical, structural, gnn (the learned matcher, with the shipped model unless --model), "
            "decider (learned trees over all the evidence: names, dictionaries, structure, the GNN; the "
            "shipped decider unless --decider) or auto (the best measured: decider when a GNN model and "
            "a decider are at hand, else gnn, else structural).",
        ),
    ] = "auto",
    models_dir: ModelsDirOption = None,
    individuals: IndividualsOption = False,
    *,
    security: ClientSecurity,
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            help="Known correspondences (SSSOM or Alignment RDF): accepted ones are kept and anchor the "
            "match, rejected ones are never proposed.",
            show_default=False,
        ),
    ] = None,
    top_k: Annotated[
        int | None,
        typer.Option(
            "--top-k", help="Write the K best candidates of every source entity (for ranking metrics).", min=1
        ),
    ] = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Lowest confidence of a one-to-one correspondence. Default: the decider's own "
            "threshold with decider; 0.75, or 0.6 with gnn unless both models are ontologies.",
            min=0.0,
            max=1.0,
            show_default=False,
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", help="A model trained by tolka train (for --method gnn).", show_default=False
        ),
    ] = None,
    decider: Annotated[
        Path | None,
        typer.Option(
            "--decider",
            help="A decider trained by tolka train-decider (for --method decider).",
            show_default=False,
        ),
    ] = None,
    wordnet: Annotated[
        Path | None,
        typer.Option(
            "--wordnet",
            envvar="TOLKA_WORDNET_DIR",
            help="The WordNet 3.0 database folder for synonym evidence (index.noun, data.noun, ...). "
            "Default: /usr/share/wordnet (the wordnet-base package); without one, no synonyms.",
            show_default=False,
        ),
    ] = None,
    metadata: Annotated[
        bool,
        typer.Option(
            "--metadata",
            help="Propose standard properties that describe their parent (EngineeringUnits, EURange, "
            "InputArguments, ...) on their own, and match an ontology's metadata annotation properties "
            "(dc:creator, dcterms:license, skos:definition). By default each standard property follows "
            "its parent's correspondence to the same-named property of the parent's counterpart, and "
            "the metadata annotations are left out.",
        ),
    ] = False,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a self-contained HTML report here: the mapping table, a heatmap of the "
            "best candidates' scores and the confidence histogram.",
            show_default=False,
            metavar="HTML",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="List the correspondences removed because they conflict with others (disjoint or "
            "crossed classes, relations between other classes) and why.",
        ),
    ] = False,
) -> None:
    """Match the own entities of SOURCE to those of TARGET and write the proposed alignment.

    Only the models' own nodes are matched; required and imported models are context. By default
    the result is one-to-one above the threshold; --top-k K writes ranked candidates instead.
    A model in several files is one argument: the files separated by commas and/or a glob pattern
    in quotes, which Tolka expands (a missing file or a pattern matching nothing is an error).
    Without --out (or with --out -) the alignment goes to standard output; --seeds - reads standard
    input, --report - writes the report to standard output instead when --out names a file.
    Correspondences that conflict with higher-scored ones (classes the other model declares disjoint,
    crossed sub-class chains, relations between other classes) are removed, except with --method
    lexical or --top-k; standard error says how many, --verbose which and why.

    Examples:

        tolka match cmt.owl conference.owl --out cmt-conference.sssom.tsv

        tolka match ssnx/ssn.owl 'sosa-2024/*.ttl,ssn-2017/ssn.ttl' --out ssnx-ssn.sssom.tsv

        tolka match units-a.ttl units-b.ttl --individuals --out units.sssom.tsv

        tolka match VendorA.NodeSet2.xml VendorB.NodeSet2.xml --method lexical --out a-b.rdf

        tolka match a.owl b.owl --top-k 10 --out ranked.tsv && tolka evaluate ranked.tsv reference.rdf

        tolka match VendorA.NodeSet2.xml VendorB.NodeSet2.xml --out a-b.sssom.tsv --report a-b.html
    """
    if method not in METHODS:
        raise fail(f"unknown --method {method!r}; choose one of {', '.join(METHODS)}")
    at_most_one("standard output", **{"--out": out or STDIO, "--report": report})
    check_report(report)
    options = MatchOptions(
        method=method,
        threshold=threshold,
        top_k=top_k,
        model=str(model) if model else None,
        decider=str(decider) if decider else None,
        wordnet=str(wordnet) if wordnet else None,
        metadata=metadata,
    )
    loading = Loading(models_dir, max_size, individuals, security)
    _match(source, target, options, loading, seeds=seeds, out=out, report=report, verbose=verbose)


class _Removals(logging.Handler):
    """Collects the removals that the decision step logs (:mod:`translator.matching.decision`)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.removals: list[Removal] = []

    def emit(self, record: logging.LogRecord) -> None:
        removal = getattr(record, "removal", None)
        if isinstance(removal, Removal):
            self.removals.append(removal)


@contextmanager
def _collecting_removals() -> Iterator[list[Removal]]:
    """The removals the decision step logs while the block runs."""
    from translator.matching.decision import decide

    logger = logging.getLogger(decide.__module__)
    handler, level = _Removals(), logger.level
    logger.addHandler(handler)
    if not logger.isEnabledFor(logging.INFO):
        logger.setLevel(logging.INFO)
    try:
        yield handler.removals
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _say_removals(err: Console, removals: list[Removal], *, verbose: bool) -> None:
    """One line on how many correspondences the repair removed, by kind; with ``verbose`` the reasons."""
    if not removals:
        return
    kinds = Counter(r.kind for r in removals)
    count = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    many = "s" if len(removals) > 1 else ""
    head = f"coherence: removed {len(removals)} correspondence{many} in conflict with others ({count})"
    err.print(
        head + (":" if verbose else "; --verbose lists them"), markup=False, highlight=False, soft_wrap=True
    )
    if verbose:
        for removal in removals:
            err.print(f"  {removal.reason}", markup=False, highlight=False, soft_wrap=True)


def _match(
    source: str,
    target: str,
    options: MatchOptions,
    loading: Loading,
    *,
    seeds: Path | None,
    out: Path | None,
    report: Path | None,
    verbose: bool = False,
) -> None:
    """Load both models, match them (and draw the report) with a progress bar, write the alignment and
    the report, and say what was written."""
    from translator.alignment.formats import format_alignment

    seed_alignment = read_alignment_at(seeds) if seeds is not None else None
    synonyms = open_wordnet(options.wordnet) is not None
    err = Console(stderr=True)
    with stage_bar(err, 12) as bar:
        task = bar.add_task("loading", total=1.0)
        graphs = [loading.load(p) for p in (source, target)]
        from translator.matching.matcher import match, resolve_method  # once the models are read

        def progress(stage: str, share: float) -> None:
            bar.update(task, description=stage, completed=0.1 + 0.9 * share)

        with _collecting_removals() as removals:
            alignment = match(graphs[0], graphs[1], options, seeds=seed_alignment, progress=progress)
        ran = resolve_method(options, graphs[0], graphs[1])
        page = b""
        if report is not None:
            from services.report import ranked_candidates, render_report

            bar.update(task, description="report")
            page = render_report(
                alignment=alignment,
                source_graph=graphs[0],
                target_graph=graphs[1],
                candidates=ranked_candidates(alignment, graphs[0], graphs[1], options, seeds=seed_alignment),
                details=[("method", ran + (f", top {options.top_k}" if options.top_k else ""))],
            ).encode("utf-8")
    write_output(format_alignment(alignment, out), out)  # no --out or "-": SSSOM
    if report is not None:
        write_output(page, report)
    own = [sum(1 for _ in g.own_nodes()) for g in graphs]
    top_k, threshold = options.top_k, options.threshold
    cut = (
        default_threshold(ran, graphs[0], graphs[1], decider=options.decider)
        if threshold is None
        else threshold
    )
    err.print(
        f"{len(alignment)} correspondences between {own[0]} and {own[1]} own entities "
        f"({ran}{f', top {top_k}' if top_k else f', threshold {cut}'}"
        f"{'' if synonyms else ', no WordNet synonyms'}) written to {where(out)}"
        + (f"; report to {where(report)}" if report is not None else "")
    )
    _say_removals(err, removals, verbose=verbose)
