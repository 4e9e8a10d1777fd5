"""Helpers of the command-line tests on simulator recordings: run ``tolka``, simulate, learn's arguments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TOLKA = str(Path(sys.executable).with_name("tolka"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``tolka ARGS`` as a subprocess, its output captured as text."""
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=300)


def simulate_into(folder: Path, seed: int, minutes: float) -> Path:
    """``tolka simulate`` into ``folder``; the folder."""
    done = run("simulate", "--out", str(folder), "--seed", str(seed), "--minutes", str(minutes))
    assert done.returncode == 0, done.stderr
    return folder


def learn_args(folder: Path, *extra: str) -> list[str]:
    """``tolka learn``'s arguments for the simulator recording in ``folder``, then ``extra``."""
    return [
        "learn",
        "--source", str(folder / "vendor_a.schema.json"),
        "--target", str(folder / "vendor_b.schema.json"),
        "--source-stream", str(folder / "vendor_a.jsonl"),
        "--target-stream", str(folder / "vendor_b.jsonl"),
        *extra,
    ]  # fmt: skip
