"""``tolka compile``: turn an alignment and its two models into a translator file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from adapters.opcua.endpoint import is_endpoint
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
from services.cli.stdio import is_stdio, read_alignment_at, where, write_output
from translator.translation.spec import FORMATS

__all__ = ["compile_command"]


def _format_option(side: str) -> object:
    return typer.Option(
        f"--{side}-format",
        help=f"Message format of the {side} side: {', '.join(FORMATS)} (default: what its model says: "
        "OPC UA → opcua-pubsub-json, SenML samples → senml, a JSON Schema and plain JSON samples → json).",
        show_default=False,
    )


@reports_errors
@with_source_security
def compile_command(
    alignment: Annotated[
        Path,
        typer.Argument(
            help="The alignment (SSSOM TSV or Alignment RDF/XML, as tolka match writes; -: standard input).",
            show_default=False,
        ),
    ],
    source: Annotated[
        str,
        typer.Option(
            "--source", help=f"The source model the alignment maps from: {MODEL_HELP}.", show_default=False
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--target", help="The target model it maps to, written the same way.", show_default=False
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the translator file (JSON; default, or -: standard output).",
            show_default=False,
        ),
    ] = None,
    source_format: Annotated[str | None, _format_option("source")] = None,
    target_format: Annotated[str | None, _format_option("target")] = None,
    accepted_only: Annotated[
        bool,
        typer.Option(
            "--accepted-only", help="Use only accepted correspondences (default: accepted and proposed)."
        ),
    ] = False,
    models_dir: ModelsDirOption = None,
    individuals: IndividualsOption = False,
    *,
    security: ClientSecurity,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
) -> None:
    """Compile ALIGNMENT into a translator that rewrites SOURCE's messages as TARGET's.

    Each equivalence between two value fields becomes a rule: unit conversions come from the two
    models' units (computed by pint), value maps from their enumerations, casts from their datatypes.
    A pair no transform can join (a temperature to a boolean, bar to metres) is refused, naming both
    fields; rejected correspondences are never used. Edit the file by hand if you like: tolka
    translate checks it when it loads it. A model in several files is written as for tolka match:
    comma-separated and/or a quoted glob.

    Examples:

        tolka compile a-b.sssom.tsv --source VendorA.NodeSet2.xml --target VendorB.NodeSet2.xml -o a-b.json

        tolka compile a-b.tsv --source a.xml --target b.xml --target-format senml --accepted-only -o t.json

        tolka compile a-b.tsv --source a.schema.json --target 'plant/*.ttl,units.ttl' -o a-b.json
    """
    source_format = source_format or _model_format(source)
    target_format = target_format or _model_format(target)
    for side, name in (("source", source_format), ("target", target_format)):
        if name not in FORMATS:
            raise fail(f"unknown --{side}-format {name!r}; choose one of {', '.join(FORMATS)}")
    loading = Loading(models_dir, max_size, individuals, security)
    _compile(alignment, (source, source_format), (target, target_format), loading, out, accepted_only)


def _compile(
    alignment: Path,
    source: tuple[str, str],
    target: tuple[str, str],
    loading: Loading,
    out: Path | None,
    accepted_only: bool,
) -> None:
    """Compile the alignment at ``alignment`` between the two (model, message format) sides, write the
    translator file and say how many rules it holds."""
    from translator.translation.compiler import compile_alignment
    from translator.translation.spec import MessageFormat, Side, spec_to_dict

    read = read_alignment_at(alignment)
    beside = None if is_stdio(out) else out
    graphs = [loading.load(model) for model, _ in (source, target)]
    result = compile_alignment(
        read,
        graphs[0],
        graphs[1],
        source_side=Side(model_name(source[0], beside), MessageFormat(source[1])),
        target_side=Side(model_name(target[0], beside), MessageFormat(target[1])),
        accepted_only=accepted_only,
    )
    write_output(orjson.dumps(spec_to_dict(result.spec), option=orjson.OPT_INDENT_2) + b"\n", out)
    for note in result.notes:
        print(f"tolka: note: {note}", file=sys.stderr)
    units = sum(1 for rule in result.spec.rules if rule.source_unit != rule.unit and rule.unit)
    print(
        f"{len(result.spec.rules)} rules ({units} with unit conversions) from "
        f"{sum(1 for _ in read.equivalences())} equivalences written to {where(out)}",
        file=sys.stderr,
    )


def _model_format(spec: str) -> str:
    """The message format a side's model implies (`adapters.registry.message_format`)."""
    from adapters.registry import message_format
    from services.cli.options import model_files

    return message_format(spec.strip() if is_endpoint(spec) else model_files(spec))
