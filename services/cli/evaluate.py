"""``tolka evaluate``: score a predicted alignment against a reference alignment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.cli.errors import reports_errors
from services.cli.options import DEFAULT_MAX_SIZE, MaxSizeOption, parse_size
from services.cli.stdio import at_most_one, read_alignment_at
from translator.alignment.metrics import Evaluation, evaluate

__all__ = ["evaluate_command"]


@reports_errors
def evaluate_command(
    predicted: Annotated[
        Path,
        typer.Argument(
            help="The alignment to score: SSSOM TSV or Alignment API RDF/XML (.rdf).", show_default=False
        ),
    ],
    reference: Annotated[
        Path,
        typer.Argument(help="The reference alignment (the truth), in either format.", show_default=False),
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print one JSON object: precision, recall, f1, (hits_at_1, hits_at_10, mrr,) tp, fp, fn, "
            "by_kind.",
        ),
    ] = False,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
) -> None:
    """Score PREDICTED against REFERENCE: precision, recall, F1, and by entity kind.

    Equivalences count (skos:exactMatch, OAEI relation =), rejected ones do not;
    pairs are compared as (subject, object), in that direction. When PREDICTED
    holds several ranked candidates per subject (tolka match --top-k K), Hits@1,
    Hits@10 and MRR are shown too. Either file may be SSSOM TSV or Alignment API
    RDF/XML (OAEI), told apart by suffix (.tsv, .rdf/.xml) or content; either
    may be '-', standard input.

    Examples:

        tolka evaluate cmt-conference.sssom.tsv alignments/cmt-conference.rdf

        tolka evaluate top10.sssom.tsv reference.rdf --json
    """
    limit = parse_size(max_size)
    at_most_one("standard input", PREDICTED=predicted, REFERENCE=reference)
    result = evaluate(read_alignment_at(predicted, limit), read_alignment_at(reference, limit))
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    _print(result, Console(), predicted, reference)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _print(result: Evaluation, console: Console, predicted: Path, reference: Path) -> None:
    console.print(f"[bold]{predicted}[/bold] against [bold]{reference}[/bold]")
    table = Table(title_justify="left")
    for name in ("", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(name, justify="left" if not name else "right")
    rows = [("all", result.scores), *result.by_kind.items()]
    for index, (name, scores) in enumerate(rows):
        table.add_row(
            f"[bold]{name}[/bold]" if index == 0 else name,
            _fmt(scores.precision),
            _fmt(scores.recall),
            _fmt(scores.f1),
            str(scores.tp),
            str(scores.fp),
            str(scores.fn),
            end_section=index == 0 and len(rows) > 1,
        )
    console.print(table)
    if result.ranked:
        console.print(
            f"[bold]ranking[/bold]: Hits@1 {_fmt(result.hits_at_1)}  Hits@10 {_fmt(result.hits_at_10)}  "
            f"MRR {_fmt(result.mrr)}"
        )
