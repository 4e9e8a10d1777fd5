"""Every ``tolka`` command, in one list: :func:`register` adds them to the app (``main`` calls it).

A command module only defines its command; none registers itself when imported.
"""

from __future__ import annotations

from collections.abc import Callable

import typer

from services.cli.bridge import bridge_command
from services.cli.compile import compile_command
from services.cli.demo import demo_command
from services.cli.evaluate import evaluate_command
from services.cli.export import export_command
from services.cli.inspect import inspect_command
from services.cli.learn import learn_command
from services.cli.match import match_command
from services.cli.pki import pki_app
from services.cli.proxy import proxy_command
from services.cli.serve import serve_command
from services.cli.simulate import simulate_command
from services.cli.train import train_command
from services.cli.train_decider import train_decider_command
from services.cli.translate import translate_command

__all__ = ["COMMANDS", "GROUPS", "register"]

COMMANDS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("bridge", bridge_command),
    ("compile", compile_command),
    ("demo", demo_command),
    ("evaluate", evaluate_command),
    ("export", export_command),
    ("inspect", inspect_command),
    ("learn", learn_command),
    ("match", match_command),
    ("proxy", proxy_command),
    ("serve", serve_command),
    ("simulate", simulate_command),
    ("train", train_command),
    ("train-decider", train_decider_command),
    ("translate", translate_command),
)
"""The commands by name, in the order ``tolka --help`` lists them."""

GROUPS: tuple[tuple[str, typer.Typer], ...] = (("pki", pki_app),)
"""Commands with subcommands (``tolka pki trust``), listed after the others."""


def register(app: typer.Typer) -> typer.Typer:
    """Add every command of :data:`COMMANDS` and :data:`GROUPS` to ``app``; one it has is left as it is."""
    commands = {info.name for info in app.registered_commands}
    for name, command in COMMANDS:
        if name not in commands:
            app.command(name)(command)
    groups = {info.typer_instance for info in app.registered_groups}
    for name, group in GROUPS:
        if group not in groups:
            app.add_typer(group, name=name)
    return app
