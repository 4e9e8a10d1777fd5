"""``tolka inspect``: load models (files or a live OPC UA server) and summarise them."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from adapters.opcua.security import ClientSecurity
from services.cli.errors import reports_errors
from services.cli.opcua import with_source_security
from services.cli.options import (
    DEFAULT_MAX_SIZE,
    FormatOption,
    IndividualsOption,
    LanguageOption,
    MaxSizeOption,
    ModelsDirOption,
    open_model,
)
from services.cli.stdio import is_stdio, where, write_output
from translator.graph.file import graph_json
from translator.graph.summary import summarize

__all__ = ["inspect_command"]


@reports_errors
@with_source_security
def inspect_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files of ONE model: a NodeSet2 file, ontology modules, a JSON Schema, sample messages, "
            "or a saved graph (several as separate arguments, comma-separated or as a quoted glob); or "
            "the URL of a live OPC UA server (opc.tcp://host:port).",
            show_default=False,
            metavar="PATHS_OR_URL...",
        ),
    ],
    models_dir: ModelsDirOption = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the summary as one JSON object (nodes, edges, own_nodes, kinds, ...)."
        ),
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            help="Also write the loaded graph to this JSON file (reload it with tolka inspect); '-' "
            "writes it to standard output and the summary to standard error.",
            show_default=False,
        ),
    ] = None,
    format: FormatOption = None,
    max_size: MaxSizeOption = DEFAULT_MAX_SIZE,
    language: LanguageOption = "en",
    individuals: IndividualsOption = False,
    *,
    security: ClientSecurity,
) -> None:
    """Load a model and summarise it: nodes and edges by kind, own vs context, namespaces, units.

    Several PATHs load together as one model (for example the modules of SOSA). Required OPC UA
    models are found in the file's folder and in --models-dir folders and loaded as context; the
    base model Opc.Ua.NodeSet2.xml is optional. An opc.tcp:// URL browses a live server from its
    Objects folder and also reports how fast it was browsed: over its most secure endpoint
    (--source-security), as --source-user or anonymously, trusting its certificate only when it is
    in the PKI's trusted/ folder (the first time, it is refused and copied to rejected/: look at it,
    then 'tolka pki trust FILE').

    Examples:

        tolka inspect ontologies/demo/VendorA.PumpSkid.NodeSet2.xml

        TOLKA_SOURCE_PASSWORD=... tolka inspect opc.tcp://plc:4840 --source-user engineer

        tolka inspect opc.tcp://127.0.0.1:4840 --source-security None

        tolka inspect Opc.Ua.Robotics.NodeSet2.xml -m ../shared/data/opcua --json

        tolka inspect sosa/*.ttl --save sosa.graph.json

        tolka inspect 'sosa/*.ttl,ssn/ssn.ttl' --json
    """
    err = Console(stderr=True)
    with err.status("loading…", spinner="dots") if sys.stderr.isatty() else nullcontext():
        graph, browse = open_model(
            paths,
            models_dirs=models_dir,
            format=format,
            max_size=max_size,
            language=language,
            individuals=individuals,
            security=security,
        )
    if save is not None:
        write_output(graph_json(graph), save)
    summary = summarize(graph)
    if browse is not None:
        summary["browse"] = browse.as_dict()
    shown = sys.stderr if save is not None and is_stdio(save) else sys.stdout  # the graph has stdout
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2), file=shown)
        return
    _print(summary, Console(file=shown), save)


def _print(summary: dict[str, Any], console: Console, saved: Path | None) -> None:
    console.print(f"[bold]{summary['name']}[/bold]  ({', '.join(summary['sources'])})")
    console.print(
        f"{summary['nodes']:,} nodes ({summary['own_nodes']:,} own, {summary['context_nodes']:,} context), "
        f"{summary['edges']:,} edges"
    )
    kinds = Table(title="nodes by kind", title_justify="left")
    kinds.add_column("kind")
    kinds.add_column("own", justify="right")
    kinds.add_column("context", justify="right")
    for kind, total in summary["kinds"].items():
        own = summary["own_kinds"].get(kind, 0)
        kinds.add_row(kind, f"{own:,}", f"{total - own:,}")
    console.print(kinds)
    spaces = Table(title="namespaces / models", title_justify="left")
    spaces.add_column("namespace")
    spaces.add_column("own", justify="right")
    spaces.add_column("nodes", justify="right")
    for uri, counts in summary["namespaces"].items():
        spaces.add_row(uri or "(none)", f"{counts['own']:,}", f"{counts['nodes']:,}")
    console.print(spaces)
    relations = ", ".join(f"{name} {count:,}" for name, count in list(summary["relations"].items())[:12])
    console.print(f"[bold]edges by relation[/bold]: {relations or 'none'}")
    units = ", ".join(f"{unit} ×{count}" for unit, count in summary["units"].items())
    console.print(f"[bold]units[/bold]: {units or 'none'}")
    browse = summary.get("browse")
    if browse is not None:
        console.print(
            f"[bold]browsed[/bold] {browse['nodes']:,} nodes in {browse['seconds']:.2f} s: "
            f"{browse['nodes_per_second']:,.0f} nodes/s ({browse['browse_requests']:,} browse and "
            f"{browse['read_requests']:,} read requests)"
        )
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if saved is not None:
        console.print(f"graph saved to {where(saved)}")
