"""The ``tolka`` command line: thin commands over the functions of `translator` and `adapters`."""

from __future__ import annotations

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="tolka",
    help=(
        "Tolka learns translators between industrial information models — OPC UA NodeSet2 files, "
        "OWL/RDF ontologies, JSON Schemas and sample messages — and runs them on live traffic.\n\n"
        "Start with [bold]tolka inspect MODEL[/bold] to see how Tolka reads a model."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Tolka: learn and run translators between information models."""


def main() -> None:
    """Entry point of the ``tolka`` console script: every command of `services.cli.commands`."""
    from services.cli.commands import register

    register(app)
    app()
