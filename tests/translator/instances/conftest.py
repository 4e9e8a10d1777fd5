"""A simulated two-vendor recording (seed 0, 10 min), written once per session and read back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.simulator.recording import SimulationConfig, simulate, write_recording
from translator.instances.series import Series, read_series


@dataclass(frozen=True)
class Plant:
    a: dict[str, Series]
    b: dict[str, Series]
    rules: list[dict[str, Any]]
    folder: Path


@pytest.fixture(scope="session")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Plant:
    out = tmp_path_factory.mktemp("plant")
    write_recording(simulate(SimulationConfig(seed=0, duration=600.0)), out)
    rules = json.loads((out / "truth.translator.json").read_text())["rules"]
    return Plant(read_series(out / "vendor_a.jsonl"), read_series(out / "vendor_b.jsonl"), rules, out)
