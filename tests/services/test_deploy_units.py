"""The systemd units of deploy/systemd and the command lines of docs/deploy.md against the real ``tolka``.

``systemd-analyze verify`` reads each unit as systemd would (unknown or misspelt directives, bad
values, an ExecStart= that is not executable): a copy of each unit runs through it with ExecStart=
pointing at this virtual environment's ``tolka`` instead of /opt/tolka/.venv/bin/tolka, and templates
instantiated (``tolka-proxy@line1.service``). It prints what it finds on standard error and still exits
0 for a misspelt directive, so the test reads standard error; a test of its own shows that a misspelt
key and a missing program are reported. Skipped where ``systemd-analyze`` is not installed (Debian's
package ``systemd``).

Every ``--option`` that the units, the example environment files beside them and docs/deploy.md give a
``tolka`` command must be one of that command's options, shown in its ``--help``; every variable an
ExecStart= line uses must be set in the unit's example environment file. So neither the units nor the
guide can drift from the command line.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from services.cli import app
from services.cli.commands import register
from tests.paths import ROOT

UNITS_DIR = ROOT / "deploy" / "systemd"
GUIDE = ROOT / "docs" / "deploy.md"
UNITS = ("tolka-bridge@.service", "tolka-proxy@.service", "tolka-serve.service")
INSTALLED = "/opt/tolka/.venv/bin/tolka"
"""Where the units expect Tolka (docs/deploy.md installs it there)."""
TOLKA = str(Path(sys.executable).with_name("tolka"))
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
SEPARATORS = {"|", "||", "&&", ";", "&"}

needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None,
    reason="systemd-analyze is not installed (Debian package systemd): the units are not verified",
)


# -- systemd-analyze verify ------------------------------------------------------------------------


def instance_name(unit: str) -> str:
    """A template's instance (``tolka-proxy@.service`` → ``tolka-proxy@line1.service``); others as they are."""
    return unit.replace("@.", "@line1.")


def for_this_machine(text: str) -> str:
    """The unit with ExecStart= running this virtual environment's ``tolka``."""
    assert f"ExecStart={INSTALLED} " in text, f"ExecStart= does not run {INSTALLED}"
    return text.replace(f"ExecStart={INSTALLED} ", f"ExecStart={TOLKA} ")


def verify(text: str, name: str, folder: Path) -> tuple[int, list[str]]:
    """``systemd-analyze verify`` on ``text`` saved as ``folder/name``: its exit status and the lines of
    its standard error about that unit."""
    assert SYSTEMD_ANALYZE is not None
    path = folder / name
    path.write_text(text)
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(path)], capture_output=True, text=True, timeout=120
    )
    about = [line for line in done.stderr.splitlines() if str(folder) in line or name in line]
    return done.returncode, about


@needs_systemd_analyze
@pytest.mark.parametrize("unit", UNITS)
def test_systemd_accepts_the_unit(unit: str, tmp_path: Path) -> None:
    text = for_this_machine((UNITS_DIR / unit).read_text())
    status, complaints = verify(text, instance_name(unit), tmp_path)
    assert complaints == []
    assert status == 0


@needs_systemd_analyze
def test_verify_reports_a_misspelt_directive_and_a_missing_program(tmp_path: Path) -> None:
    text = for_this_machine((UNITS_DIR / "tolka-proxy@.service").read_text())
    misspelt = text.replace("\nRestartSec=", "\nRestartSecs=")
    assert misspelt != text
    _, complaints = verify(misspelt, "tolka-proxy@misspelt.service", tmp_path)
    assert any("RestartSecs" in line for line in complaints), complaints
    missing = text.replace(f"ExecStart={TOLKA} ", f"ExecStart={tmp_path}/no-such/tolka ")
    status, complaints = verify(missing, "tolka-proxy@missing.service", tmp_path)
    assert status != 0
    assert any("no-such/tolka" in line for line in complaints), complaints


def test_the_units_are_the_three_the_guide_installs() -> None:
    assert sorted(p.name for p in UNITS_DIR.glob("*.service")) == sorted(UNITS)
    guide = GUIDE.read_text()
    for unit in UNITS:
        assert unit in guide, f"docs/deploy.md does not mention {unit}"


# -- the options the units and the guide give tolka -------------------------------------------------


@cache
def command_tree() -> Any:
    """``tolka``'s commands as typer builds them (its own copy of click's: groups have ``commands``,
    commands ``params`` with ``opts``)."""
    register(app)
    return get_command(app)


def resolve(words: list[str]) -> tuple[tuple[str, ...], Any] | None:
    """The ``tolka`` command that ``words`` (what follows ``tolka``) name — its path, e.g. ``("pki",
    "trust")``, and the command; None when the first word is no command."""
    path: list[str] = []
    command = command_tree()
    for word in words:
        subcommands = getattr(command, "commands", None)
        if not subcommands or word not in subcommands:
            break
        command = subcommands[word]
        path.append(word)
    return (tuple(path), command) if path else None


@cache
def help_text(path: tuple[str, ...]) -> str:
    """``tolka PATH --help``, wide enough that no option name is cut short."""
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "240"})
    assert result.exit_code == 0, result.output
    return result.output


def unknown_options(path: tuple[str, ...], command: Any, used: list[str]) -> list[str]:
    """The options of ``used`` that ``tolka PATH`` does not have, or that its ``--help`` does not show."""
    known = {
        name
        for param in command.params
        if not getattr(param, "hidden", False)
        for name in (*param.opts, *param.secondary_opts)
    }
    shown = help_text(path)
    return [o for o in used if o not in known or not re.search(rf"{re.escape(o)}(?![\w-])", shown)]


def options_of(words: list[str]) -> list[str]:
    """The ``--options`` among ``words`` (``--name=value`` counts as ``--name``), up to the end of the
    command (a shell operator or redirection)."""
    found = []
    for word in words:
        if word in SEPARATORS or word.startswith((">", "2>", "<")):
            break
        if word.startswith("--") and len(word) > 2:
            found.append(word.split("=", 1)[0])
    return found


def tolka_calls(line: str) -> Iterator[tuple[tuple[str, ...], Any, list[str]]]:
    """Each ``tolka COMMAND ... --option ...`` in a shell line (a path ending in /tolka counts):
    the command, and the options given it."""
    words = shlex.split(line, comments=True)
    for k, word in enumerate(words):
        if word != "tolka" and not word.endswith("/tolka"):
            continue
        found = resolve(words[k + 1 :])
        if found is not None:
            path, command = found
            yield path, command, options_of(words[k + 1 + len(path) :])


def exec_start(unit: str) -> str:
    lines = [line for line in (UNITS_DIR / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1, lines
    return lines[0].removeprefix("ExecStart=")


def env_example(unit: str) -> Path:
    """The example environment file of ``unit`` (``tolka-proxy@.service`` → ``proxy.env.example``)."""
    return UNITS_DIR / f"{unit.removeprefix('tolka-').split('@')[0].split('.')[0]}.env.example"


def assignments(text: str) -> dict[str, str]:
    """``NAME=value`` lines of an environment file (comments and blank lines skipped), values unquoted."""
    out = {}
    for line in text.splitlines():
        match = re.match(r"([A-Z_][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            value = shlex.split(match[2])
            out[match[1]] = " ".join(value)
    return out


@pytest.mark.parametrize("unit", UNITS)
def test_the_units_command_line_has_only_real_options(unit: str) -> None:
    calls = list(tolka_calls(exec_start(unit)))
    assert len(calls) == 1, exec_start(unit)
    path, command, used = calls[0]
    assert path == (unit.removeprefix("tolka-").split("@")[0].split(".")[0],)
    assert "--log-format" in used
    assert unknown_options(path, command, used) == []
    extra = assignments(env_example(unit).read_text()).get("OPTIONS", "")
    assert unknown_options(path, command, options_of(shlex.split(extra))) == []


@pytest.mark.parametrize("unit", UNITS)
def test_every_variable_the_unit_uses_is_in_its_example_environment_file(unit: str) -> None:
    used = set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", exec_start(unit)))
    assert "OPTIONS" in used
    assert used <= set(assignments(env_example(unit).read_text()))


def guide_blocks(kind: str) -> list[str]:
    """The fenced code blocks of docs/deploy.md marked ``kind`` (```sh, ```ini), continuation lines joined."""
    blocks = re.findall(rf"^```{kind}\n(.*?)^```", GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)
    return [re.sub(r"\\\n\s*", " ", block) for block in blocks]


def inline_code() -> list[str]:
    """The `code spans` of docs/deploy.md outside its fenced blocks."""
    prose = re.sub(r"^```.*?^```", "", GUIDE.read_text(), flags=re.MULTILINE | re.DOTALL)
    return re.findall(r"`([^`\n]+)`", prose)


def test_every_tolka_command_line_in_the_guide_has_only_real_options() -> None:
    """The lines of its shell blocks and its code spans that run ``tolka COMMAND``."""
    spans = [span for span in inline_code() if re.search(r"(^|[\s/])tolka [a-z]", span)]
    lines = [line for block in guide_blocks("sh") for line in block.splitlines()] + spans
    seen: set[tuple[str, ...]] = set()
    wrong = []
    for line in lines:
        for path, command, used in tolka_calls(line):
            seen.add(path)
            wrong += [
                f"tolka {' '.join(path)} {o}: {line.strip()}" for o in unknown_options(path, command, used)
            ]
    assert wrong == []
    assert {("serve",), ("proxy",), ("bridge",), ("pki", "own"), ("pki", "trust")} <= seen  # it was read


def test_every_option_the_guide_names_is_an_option_of_tolka() -> None:
    """A code span that is an option (`--group`, `--session-expiry`) names one of some command's."""
    commands = list(command_tree().commands.values())
    known: set[str] = set()
    while commands:
        command = commands.pop()
        known |= {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        commands += getattr(command, "commands", {}).values()
    named = [span.split()[0].split("=")[0] for span in inline_code() if span.startswith("--")]
    assert len(named) > 10  # the guide was read
    assert sorted(set(named) - known) == []


def test_the_guides_environment_files_have_only_real_options() -> None:
    """A block that starts with ``# /etc/tolka/<command>....env`` is that command's environment file."""
    checked = set()
    for block in guide_blocks("ini"):
        named = re.match(r"#\s*/etc/tolka/(serve|proxy|bridge)[-.]", block)
        if not named:
            continue
        found = resolve([named[1]])
        assert found is not None
        path, command = found
        options = assignments(block).get("OPTIONS", "")
        assert unknown_options(path, command, options_of(shlex.split(options))) == [], block
        checked.add(named[1])
    assert checked == {"serve", "proxy", "bridge"}
