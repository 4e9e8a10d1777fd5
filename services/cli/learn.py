"""``tolka learn``: learn a translator from two models and two recordings of the same process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

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
    model_name,
)
from services.cli.progress import stage_bar
from services.cli.stdio import (
    at_most_one,
    check_report,
    is_stdio,
    read_alignment_at,
    read_stream_at,
    where,
    write_output,
)
from translator.matching.options import METHODS

if TYPE_CHECKING:
    from translator.alignment.model import Alignment
    from translator.graph.model import SchemaGraph
    from translator.instances.learning import Learned, LearnOptions
    from translator.instances.series import Stream

__all__ = ["learn_command"]


def _short(node_id: str) -> str:
    """The readable tail of a node id (its pointer or browse name)."""
    tail = node_id.rsplit("#", 1)[-1]
    return tail.replace("/properties/", "/").lstrip("/") or node_id


def _time_option(side: str) -> object:
    return typer.Option(
        f"--{side}-time-field",
        help=f"The time field of the {side} stream only (overrides --time-field).",
        show_default=False,
        metavar="POINTER",
    )


@reports_errors
@with_source_security
def learn_command(
    source: Annotated[
        str,
        typer.Option("--source", help=f"The source model: {MODEL_HELP}.", show_default=False),
    ],
    target: Annotated[
        str, typer.Option("--target", help="The target model, written the same way.", show_default=False)
    ],
    source_stream: Annotated[
        Path,
        typer.Option(
            "--source-stream",
            help="Messages of the source system, one JSON message per line (OPC UA PubSub JSON, SenML or "
            "plain JSON).",
            show_default=False,
        ),
    ],
    target_stream: Annotated[
        Path,
        typer.Option(
            "--target-stream",
            help="Messages of the target system over the same stretch of time.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the translator file (JSON).")],
    alignment: Annotated[
        Path | None,
        typer.Option(
            "--alignment",
            help="Also write the learned alignment here, the fitted transforms noted (SSSOM TSV, or "
            "Alignment RDF/XML when it ends in .rdf).",
            show_default=False,
        ),
    ] = None,
    seeds: Annotated[
        Path | None,
        typer.Option(
            "--seeds",
            help="Known correspondences (SSSOM or Alignment RDF): accepted ones are kept, rejected ones "
            "never proposed.",
            show_default=False,
        ),
    ] = None,
    time_field: Annotated[
        str | None,
        typer.Option(
            "--time-field",
            help="The time field of both streams: a JSON Pointer (/ts) or a PubSub field name. Default: "
            "detected (a PubSub Timestamp, SenML bt+t, or a field named ts/time/timestamp holding ISO "
            "8601 text or epoch seconds).",
            show_default=False,
            metavar="POINTER",
        ),
    ] = None,
    source_time_field: Annotated[str | None, _time_option("source")] = None,
    target_time_field: Annotated[str | None, _time_option("target")] = None,
    method: Annotated[
        str, typer.Option("--method", help="The schema matcher's method (as tolka match --method).")
    ] = "auto",
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="A GNN model trained by tolka train (default: the shipped one).",
            show_default=False,
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Lowest probability of a learned pair.", min=0.0, max=1.0)
    ] = 0.5,
    lag: Annotated[
        float | None,
        typer.Option(
            "--lag",
            help="The target clock's lag behind the source's in seconds (default: found by "
            "cross-correlation).",
            show_default=False,
        ),
    ] = None,
    max_lag: Annotated[
        float, typer.Option("--max-lag", help="The largest clock lag looked for, in seconds.", min=0.0)
    ] = 30.0,
    models_dir: ModelsDirOption = None,
    individuals: IndividualsOption = False,
    *,
    security: ClientSecurity,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Also write a self-contained HTML report here: the learned pairs, a heatmap of the "
            "schema matcher's best candidates, the confidence histogram and each pair's time series "
            "after conversion.",
            show_default=False,
            metavar="HTML",
        ),
    ] = None,
) -> None:
    """Learn a translator from SOURCE's messages to TARGET's from recordings of the same process.

    Both systems observe one plant over the same stretch of time. Tolka aligns the two recordings in
    time (finding the lag between the clocks), finds which fields carry the same quantity and fits
    how to convert one into the other — a unit conversion, a copy, a value map for states, a flag —
    and fuses that with what the names, descriptions and structure of the models say. Fields that
    never changed while recording are matched by name only; what neither can tell is left out, not
    guessed. The translator runs as is with tolka translate; --alignment writes the pairs for review.
    A model in several files is written as for tolka match: comma-separated and/or a quoted glob.
    Any file option may be '-': one of the streams or --seeds reads standard input, one of --out,
    --alignment and --report writes standard output.

    Examples:

        tolka learn --source a.schema.json --target b.schema.json --source-stream a.jsonl
        --target-stream b.jsonl --out a-b.json --alignment a-b.sssom.tsv

        tolka simulate --out sim && cd sim && tolka learn --source vendor_a.schema.json --target
        vendor_b.schema.json --source-stream vendor_a.jsonl --target-stream vendor_b.jsonl -o t.json
        --report t.html

        tolka learn --source a.schema.json --target 'plant/*.ttl' --source-stream a.jsonl
        --target-stream b.jsonl -o a-b.json
    """
    from translator.instances.learning import LearnOptions

    if method not in METHODS:
        raise fail(f"unknown --method {method!r}; choose one of {', '.join(METHODS)}")
    at_most_one(
        "standard input",
        **{"--source-stream": source_stream, "--target-stream": target_stream, "--seeds": seeds},
    )
    at_most_one("standard output", **{"--out": out, "--alignment": alignment, "--report": report})
    check_report(report)
    _learn(
        _Recordings(
            source, target, source_stream, target_stream,
            source_time_field or time_field, target_time_field or time_field,
        ),
        LearnOptions(
            method=method, model=str(model) if model else None, threshold=threshold, lag=lag, max_lag=max_lag
        ),
        Loading(models_dir, max_size, individuals, security),
        _Outputs(out, alignment, report),
        seeds,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Recordings:
    """The two models and their recordings of the same process, with the streams' time fields."""

    source: str
    target: str
    source_stream: Path
    target_stream: Path
    source_time_field: str | None
    target_time_field: str | None


@dataclass(frozen=True, slots=True)
class _Outputs:
    """Where the translator, the alignment and the report go (None: not written; ``-``: standard output)."""

    translator: Path
    alignment: Path | None
    report: Path | None


def _learn(
    given: _Recordings, options: LearnOptions, loading: Loading, outputs: _Outputs, seeds: Path | None
) -> None:
    """Learn with a progress bar, write the translator (and the alignment and report), print the pairs."""
    from translator.instances.learning import learn

    seed_alignment = read_alignment_at(seeds) if seeds is not None else None
    beside = None if is_stdio(outputs.translator) else outputs.translator
    err = Console(stderr=True)
    with stage_bar(err, 20) as bar:
        task = bar.add_task("loading models", total=1.0)
        graphs = [loading.load(p) for p in (given.source, given.target)]
        bar.update(task, description="reading streams", completed=0.05)
        streams = [
            read_stream_at(given.source_stream, given.source_time_field),
            read_stream_at(given.target_stream, given.target_time_field),
        ]
        learned = learn(
            graphs[0],
            graphs[1],
            streams[0],
            streams[1],
            source_model=model_name(given.source, beside),
            target_model=model_name(given.target, beside),
            options=options,
            seeds=seed_alignment,
            progress=lambda stage, share: bar.update(task, description=stage, completed=0.1 + 0.9 * share),
        )
        page = b""
        if outputs.report is not None:
            bar.update(task, description="report")
            page = _report(given, graphs, streams, learned, options, seed_alignment)
    _write(learned, outputs, page)
    _print(learned, streams, outputs, err)


def _report(
    given: _Recordings,
    graphs: list[SchemaGraph],
    streams: list[Stream],
    learned: Learned,
    options: LearnOptions,
    seeds: Alignment | None,
) -> bytes:
    """The HTML report: the learned pairs, the schema matcher's best candidates, the time series."""
    from services.report import ranked_candidates, render_report
    from translator.matching.matcher import MatchOptions

    schema = MatchOptions(method=options.method, model=options.model)
    return render_report(
        alignment=learned.alignment,
        source_graph=graphs[0],
        target_graph=graphs[1],
        candidates=ranked_candidates(
            learned.alignment, graphs[0], graphs[1], schema, seeds=seeds, top_k=options.top_k
        ),
        learned=learned,
        streams=streams,
        title=f"Tolka learned translator: {graphs[0].name} → {graphs[1].name}",
        details=[
            (
                "recordings",
                f"{given.source_stream} ({streams[0].messages} messages), "
                f"{given.target_stream} ({streams[1].messages} messages)",
            )
        ],
    ).encode("utf-8")


def _write(learned: Learned, outputs: _Outputs, page: bytes) -> None:
    from translator.alignment.formats import format_alignment
    from translator.translation.spec import spec_to_dict

    spec = orjson.dumps(spec_to_dict(learned.spec), option=orjson.OPT_INDENT_2) + b"\n"
    write_output(spec, outputs.translator)
    if outputs.alignment is not None:
        write_output(format_alignment(learned.alignment, outputs.alignment), outputs.alignment)  # "-": SSSOM
    if outputs.report is not None:
        write_output(page, outputs.report)


def _print(learned: Learned, streams: list[Stream], outputs: _Outputs, err: Console) -> None:
    """The learned pairs as a table, the notes, and what was written where."""
    table = Table(title=f"learned pairs (target clock lag {learned.lag:+.1f} s)", title_justify="left")
    for column, right in (
        ("source", False),
        ("target", False),
        ("p", True),
        ("evidence and transform", False),
    ):
        table.add_column(column, justify="right" if right else "left", overflow="fold")
    for pair in sorted(learned.pairs, key=lambda p: p.candidate.source_id):
        c = pair.candidate
        how = "seed" if pair.seed else pair.how
        table.add_row(_short(c.source_id), _short(c.target_id), f"{pair.probability:.3f}", how)
    err.print(table)
    for note in learned.notes:
        err.print(f"tolka: note: {note}", highlight=False, markup=False)
    counts = [len(s.series) for s in streams]
    alignment, report = outputs.alignment, outputs.report
    err.print(
        f"{len(learned.spec.rules)} rules from {streams[0].messages} + {streams[1].messages} messages "
        f"({counts[0]} and {counts[1]} fields) written to {where(outputs.translator)}"
        + (f"; alignment to {where(alignment)}" if alignment is not None else "")
        + (f"; report to {where(report)}" if report is not None else ""),
        highlight=False,
    )
