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
    """Entry point of the ``tolka`` console script."""
    from services.cli import bridge as _bridge  # noqa: F401
    from services.cli import compile as _compile  # noqa: F401  (registers the command)
    from services.cli import demo as _demo  # noqa: F401
    from services.cli import evaluate as _evaluate  # noqa: F401
    from services.cli import export as _export  # noqa: F401
    from services.cli import inspect as _inspect  # noqa: F401  (registers the command)
    from services.cli import learn as _learn  # noqa: F401
    from services.cli import match as _match  # noqa: F401
    from services.cli import pki as _pki  # noqa: F401
    from services.cli import proxy as _proxy  # noqa: F401
    from services.cli import serve as _serve  # noqa: F401
    from services.cli import simulate as _simulate  # noqa: F401
    from services.cli import train as _train  # noqa: F401
    from services.cli import translate as _translate  # noqa: F401

    app()
