"""How the CLI reports errors: one clear line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from translator.errors import TolkaError

__all__ = ["EXIT_BAD_INPUT", "fail", "reports_errors"]

EXIT_BAD_INPUT = 2
P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str) -> typer.Exit:
    """Print ``tolka: error: message`` on stderr; return the Exit to raise."""
    print(f"tolka: error: {message}", file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn Tolka's own errors and OS errors of a command into one line and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except TolkaError as exc:
            raise fail(str(exc)) from None
        except BrokenPipeError:  # the reader went away (tolka … | head): nothing is wrong
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            raise typer.Exit(0) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise fail(f"{where}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            print("tolka: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None

    return wrapper
