"""``tolka translate``: run a translator over a stream of JSON Lines messages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Annotated

import typer

from services.cli.errors import reports_errors
from services.cli.stdio import is_stdio

__all__ = ["translate_command"]

EXIT_SOME_FAILED = 1


@reports_errors
def translate_command(
    translator: Annotated[
        Path, typer.Argument(help="The translator file (as tolka compile writes it).", show_default=False)
    ],
    source: Annotated[
        Path | None,
        typer.Option(
            "--in", "-i", help="JSON Lines to translate (default, or -: standard input).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the translated JSON Lines (default, or -: standard output).",
            show_default=False,
        ),
    ] = None,
    reverse: Annotated[
        bool,
        typer.Option(
            "--reverse", help="Translate target messages back into source messages (invertible rules only)."
        ),
    ] = False,
) -> None:
    """Translate every message (one JSON document per line) with TRANSLATOR.

    A message that cannot be translated is reported on standard error with its line number and the
    field at fault, and the others go on; the exit status is 1 when any message failed, else 0. A
    summary line ends the run.

    Examples:

        tolka translate a-b.json --in vendor-a.jsonl --out vendor-b.jsonl

        mosquitto_sub -t plant/a | tolka translate a-b.json | mosquitto_pub -l -t plant/b

        tolka translate a-b.json --reverse < vendor-b.jsonl
    """
    from translator.errors import MessageError
    from translator.translation.compiled import Translator
    from translator.translation.spec import read_translator

    compiled = Translator(read_translator(translator))
    if reverse:
        compiled, skipped = compiled.reverse()
        for rule in skipped:
            print(
                f"tolka: note: --reverse leaves out {rule.target} (its rule has no inverse)", file=sys.stderr
            )
    from_file, to_file = not is_stdio(source), not is_stdio(out)
    name = str(source) if from_file else "<stdin>"
    inp: IO[bytes] = source.open("rb") if from_file and source else sys.stdin.buffer
    output: IO[bytes] = out.open("wb") if to_file and out else sys.stdout.buffer
    done = failed = 0
    try:
        for line_number, line in enumerate(inp, start=1):
            if not line.strip():
                continue
            try:
                translated = compiled.translate_json(line)
            except MessageError as exc:
                failed += 1
                print(f"tolka: {name}:{line_number}: {exc}", file=sys.stderr)
                continue
            output.write(translated)
            output.write(b"\n")
            done += 1
    finally:
        if from_file:
            inp.close()
        if to_file:
            output.close()
        else:
            output.flush()
    print(f"{done} translated, {failed} failed", file=sys.stderr)
    if failed:
        raise typer.Exit(EXIT_SOME_FAILED)
