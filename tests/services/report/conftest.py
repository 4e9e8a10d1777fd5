"""Real inputs for the report: the demo nodesets matched, and a simulated recording learned from."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from adapters import load
from services.report import ranked_candidates
from services.simulator.recording import SimulationConfig, simulate, write_recording
from tests.paths import VENDOR_A, VENDOR_B
from translator.alignment.model import Alignment
from translator.graph.model import SchemaGraph
from translator.instances.learning import Learned, learn
from translator.instances.series import Stream, read_stream
from translator.matching.matcher import MatchOptions, match

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ATTRIBUTE = re.compile(r"""\b(src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)


@dataclass(frozen=True)
class Matched:
    source: SchemaGraph
    target: SchemaGraph
    alignment: Alignment
    ranked: Alignment


@dataclass(frozen=True)
class Recorded:
    folder: Path
    source: SchemaGraph
    target: SchemaGraph
    streams: tuple[Stream, Stream]
    learned: Learned
    ranked: Alignment


@pytest.fixture(scope="session")
def matched() -> Matched:
    source, target = load(VENDOR_A), load(VENDOR_B)
    options = MatchOptions()
    alignment = match(source, target, options)
    return Matched(source, target, alignment, ranked_candidates(alignment, source, target, options))


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    folder = tmp_path_factory.mktemp("plant")
    write_recording(simulate(SimulationConfig(seed=0, duration=600.0)), folder)
    source, target = load(folder / "vendor_a.schema.json"), load(folder / "vendor_b.schema.json")
    streams = read_stream(folder / "vendor_a.jsonl"), read_stream(folder / "vendor_b.jsonl")
    learned = learn(source, target, *streams, source_model="a", target_model="b")
    ranked = ranked_candidates(learned.alignment, source, target, MatchOptions())
    return Recorded(folder, source, target, streams, learned, ranked)


def external_references(html: str) -> list[str]:
    """Every URL-bearing attribute value that is not an embedded PNG or a link within the page,
    and any style or script that could load something."""
    found = [
        value
        for tag in re.findall(r"<[A-Za-z][^>]*>", html)
        for _, value in _ATTRIBUTE.findall(tag)
        if not value.startswith(("data:image/png;base64,", "#"))
    ]
    found += re.findall(r"<(?:script|link|iframe|object|embed)\b[^>]*>", html, re.IGNORECASE)
    found += re.findall(r"@import|url\(", html, re.IGNORECASE)
    return found


def pngs(html: str) -> list[bytes]:
    """The embedded PNG images of a page, decoded (strictly: bad base64 fails)."""
    return [
        base64.b64decode(data, validate=True)
        for data in re.findall(r'src="data:image/png;base64,([^"]*)"', html)
    ]


def check_png(data: bytes, *, min_width: int = 300, min_height: int = 200) -> tuple[int, int]:
    """Assert ``data`` is a PNG matplotlib drew, of a real size and not blank; its (width, height)."""
    from matplotlib import image

    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= min_width
    assert height >= min_height
    pixels = image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    assert float(np.std(pixels[..., :3])) > 0.05  # drawn on, not a blank canvas
    return width, height
