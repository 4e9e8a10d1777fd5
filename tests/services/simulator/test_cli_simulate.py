"""``tolka simulate`` through the installed console script, and its files through inspect and translate."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.simulator import FILES

TOLKA = str(Path(sys.executable).with_name("tolka"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120)


def test_help_teaches() -> None:
    out = run("simulate", "--help")
    assert out.returncode == 0
    for word in (
        "--out",
        "--seed",
        "--minutes",
        "--units",
        "--noise",
        "--rate-a",
        "--rate-b",
        "--lag",
        "--drop",
        "Examples",
    ):
        assert word in out.stdout


def test_writes_six_files_that_inspect_and_translate_read(tmp_path: Path) -> None:
    out = run("simulate", "--out", str(tmp_path), "--minutes", "2", "--units", "2", "--seed", "3")
    assert out.returncode == 0, out.stderr
    assert "vendor A: 121 messages at 1 Hz; vendor B: 61 messages at 0.5 Hz, lag 2 s" in out.stdout
    assert "truth: 30 correspondences, 30 translator rules" in out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    for name in ("vendor_a.schema.json", "vendor_b.schema.json"):
        inspected = run("inspect", str(tmp_path / name), "--json")
        assert inspected.returncode == 0, inspected.stderr
        summary = json.loads(inspected.stdout)
        assert summary["own_kinds"]["field"] == 17 * 2 + ("_b" in name)  # B also has ts
    translated = run(
        "translate", str(tmp_path / "truth.translator.json"), "--in", str(tmp_path / "vendor_a.jsonl")
    )
    assert translated.returncode == 0, translated.stderr
    assert "121 translated, 0 failed" in translated.stderr
    first = json.loads(translated.stdout.splitlines()[0])
    assert set(first["Skid_02"]["PLC"]) == {"AnalogInputs", "DigitalInputs", "Counters"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--minutes", "0"), "--minutes 0 is out of range"),
        (("--units", "-1"), "--units -1 is out of range"),
        (("--rate-b", "100"), "--rate-b 100 is out of range"),
        (("--drop", "colour"), "'colour' is not a simulated quantity"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    out = run("simulate", "--out", str(tmp_path / "sim"), *args)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tolka: error: ")
    assert expected in lines[0]
    assert not (tmp_path / "sim").exists()
