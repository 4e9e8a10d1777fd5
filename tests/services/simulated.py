"""Helpers of the command-line tests on simulator recordings: run ``tolka``, simulate, learn's arguments."""

from __future__ import annotations

import copy
import json
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


SPLIT_GROUP = "DigitalInputs", "Counters"
"""The groups of vendor B's PLC that `split_target` moves to a second schema file."""


def split_target(folder: Path, out: Path) -> tuple[Path, Path]:
    """Vendor B's schema of a simulator recording as two files of one model: the analog inputs (and
    the timestamp) in one, the digital inputs and counters in the other, each with its own ``$id``
    (the second ends in ``.part2.schema.json``); message paths are unchanged."""
    schema = json.loads((folder / "vendor_b.schema.json").read_text(encoding="utf-8"))
    second = copy.deepcopy(schema)
    second["$id"] = schema["$id"].replace(".schema.json", ".part2.schema.json")
    del second["properties"]["ts"]
    for doc, keep in ((schema, lambda g: g not in SPLIT_GROUP), (second, lambda g: g in SPLIT_GROUP)):
        plc = doc["properties"]["Skid_01"]["properties"]["PLC"]["properties"]
        for group in [g for g in plc if not keep(g)]:
            del plc[group]
    out.mkdir(parents=True, exist_ok=True)
    paths = out / "vendor_b.schema.json", out / "vendor_b.part2.schema.json"
    for path, doc in zip(paths, (schema, second), strict=True):
        path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return paths
