"""Every command's --help renders (help text is rich markup: a stray ``[/x]`` breaks it)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.cli.commands import register

COMMANDS = (
    "bridge", "compile", "demo", "evaluate", "export", "inspect", "learn", "match", "proxy", "serve", "simulate", "train", "translate",
)  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_help_renders(command: str) -> None:
    register(app)
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert "--help" in result.output
