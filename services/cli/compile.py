"""``tolka compile``: turn an alignment and its two models into a translator file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from adapters.opcua.security import ClientSecurity
from services.cli import app
from services.cli.errors import fail, reports_errors
from services.cli.opcua import with_source_security
from services.cli.options import (
    DEFAULT_MAX_SIZE,
    MODEL_HELP,
    IndividualsOption,
    MaxSizeOption,
    ModelsDirOption,
    load_model,
    model_name,
)
from translator.rules import FORMATS

__all__ = ["compile_command"]


def _format_option(side: str) -> object:
    return typer.Option(
        f"--{side}-format",
        help=f"Message format of the {side} side: {', '.join(FORMATS)}.",
    )


@app.command("compile")
@reports_errors
@with_source_security
def compile_command(
    alignment: Annotated[
        Path,
        typer.Argument(
            help="The alignment (SSSOM TSV or Alignment RDF/XML, as tolka match writes).", show_default=False
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
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the translator file (JSON).")],
    source_format: Annotated[str, _format_option("source")] = "opcua-pubsub-json",
    target_format: Annotated[str, _format_option("target")] = "json",
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
    from translator.alignment_io import read_alignment
    from translator.compiler import compile_alignment
    from translator.rules import MessageFormat, Side, write_translator

    for side, name in (("source", source_format), ("target", target_format)):
        if name not in FORMATS:
            raise fail(f"unknown --{side}-format {name!r}; choose one of {', '.join(FORMATS)}")
    read = read_alignment(alignment)
    graphs = [
        load_model([p], models_dirs=models_dir, max_size=max_size, individuals=individuals, security=security)
        for p in (source, target)
    ]
    result = compile_alignment(
        read,
        graphs[0],
        graphs[1],
        source_side=Side(model_name(source, out), MessageFormat(source_format)),
        target_side=Side(model_name(target, out), MessageFormat(target_format)),
        accepted_only=accepted_only,
    )
    write_translator(result.spec, out)
    for note in result.notes:
        print(f"tolka: note: {note}", file=sys.stderr)
    units = sum(1 for rule in result.spec.rules if rule.source_unit != rule.unit and rule.unit)
    print(
        f"{len(result.spec.rules)} rules ({units} with unit conversions) from "
        f"{sum(1 for _ in read.equivalences())} equivalences written to {out}",
        file=sys.stderr,
    )
