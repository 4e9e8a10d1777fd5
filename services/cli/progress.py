"""The progress bar of a command's stages, shown only on a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["stage_bar"]


def stage_bar(console: Console, width: int, *, transient: bool = True) -> Progress:
    """A bar with the stage's name (``width`` characters), the bar and the time elapsed, on
    ``console``; off when that console is not a terminal (logs and pipes get no bar characters)."""
    return Progress(
        TextColumn(f"{{task.description:<{width}}}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=transient,
    )
