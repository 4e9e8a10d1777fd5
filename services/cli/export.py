"""``tolka export``: write any model Tolka loads in another format (for now: an OPC UA NodeSet2 file)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adapters.opcua.endpoint import is_endpoint
from adapters.opcua.security import ClientSecurity
from services.cli.errors import fail, reports_errors
from services.cli.opcua import with_source_security
from services.cli.options import (
    DEFAULT_MAX_SIZE,
    MODEL_HELP,
    IndividualsOption,
    LanguageOption,
    MaxSizeOption,
    ModelsDirOption,
    open_model,
)
from services.cli.stdio import where, write_output

__all__ = ["ExportFormat", "export_command"]


class ExportFormat(StrEnum):
    """What ``tolka export --format`` writes (a choice: any other name is a usage error listing these)."""

    NODESET = "nodeset"


_DESCRIBED = {ExportFormat.NODESET: "an OPC UA NodeSet2 file"}


@reports_errors
@with_source_security
def export_command(
    model: Annotated[
        str,
        typer.Argument(help=f"The model to export: {MODEL_HELP}.", show_default=False, metavar="MODEL"),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write it (default, or -: standard output); a file is written whole or not at all.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="What to write: nodeset (an OPC UA NodeSet2 file: types, variables, units, enumerations).",
        ),
    ] = ExportFormat.NODESET,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Force the format MODEL is read in (nodeset, rdfxml, turtle, ntriples, n3, jsonld, "
            "jsonschema, samples, graph) instead of detecting it.",
            show_default=False,
        ),
    ] = None,
    models_dir: ModelsDirOption = None,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    language: LanguageOption = "en",
    individuals: IndividualsOption = False,
    *,
    security: ClientSecurity,
) -> None:
    """Write MODEL — a JSON Schema, sample messages, an ontology, a NodeSet2 file or a live OPC UA
    server — as an OPC UA NodeSet2 file that OPC UA servers (asyncua, node-opcua, ...) load.

    The file holds the model's own nodes: containers as objects, fields and properties as variables
    with the DataType their datatype names (number → Double, integer → Int64, ...), JSON Schema
    definitions and OWL classes as ObjectTypes, enumerations as subtypes of Enumeration with their
    EnumStrings, and units as EngineeringUnits with their OPC UA UnitId (the UNECE codes of the OPC
    Foundation's table when TOLKA_UNECE_TABLE names it, else the common codes Tolka knows itself).
    Ids stay stable: an OPC UA node keeps its NodeId; any other node is the string NodeId of its Tolka
    id in the model's namespace (its $id or ontology IRI, else urn:tolka:model:<name>). The same
    model always gives the same bytes. What OPC UA cannot express (an OWL disjointness, a second
    supertype, values that are no enumeration) is listed as notes, never dropped without a word.

    'tolka proxy' serves a target model that is no NodeSet2 file exactly as this file has it.

    Examples:

        tolka export pump.schema.json -o pump.NodeSet2.xml

        tolka export messages.jsonl --format nodeset > messages.NodeSet2.xml

        tolka export plant.ttl -o plant.NodeSet2.xml

        tolka export opc.tcp://plc:4840 --source-security None -o plc.NodeSet2.xml
    """
    from adapters.opcua.nodeset_write import export_nodeset

    if input_format is not None and is_endpoint(model):
        raise fail("--from applies to files, not to a live server")
    err = Console(stderr=True)
    with err.status("loading…", spinner="dots") if sys.stderr.isatty() else nullcontext():
        graph, _ = open_model(
            [model],
            models_dirs=models_dir,
            format=input_format,
            max_size=max_size,
            language=language,
            individuals=individuals,
            security=security,
        )
    export = export_nodeset(graph)
    written = sum(1 for node in export.plan.nodes if node.graph_id)
    if not written:
        raise fail(f"{model}: no node of the model's own can be written as OPC UA (nothing exported)")
    write_output(export.xml, out)
    for note in export.notes:
        print(f"tolka: note: {note}", file=sys.stderr)
    added = len(export.plan.nodes) - written
    extra = f" and {added} it adds (EngineeringUnits, enumerations)" if added else ""
    print(
        f"tolka: wrote {written} nodes of {graph.name or model}{extra} as {_DESCRIBED[output_format]} "
        f"to {where(out)}",
        file=sys.stderr,
    )
