"""``tolka demo`` end to end: servers, recording, learning, gateway, proxy, live table, clean stop."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest

from translator.alignment.formats import read_alignment
from translator.translation.spec import read_translator

TOLKA = str(Path(sys.executable).with_name("tolka"))


@pytest.mark.slow
def test_demo_runs_end_to_end_and_stops_cleanly(tmp_path: Path) -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    done = subprocess.run(
        [TOLKA, "demo", "--out", str(tmp_path), "--record-minutes", "6", "--live-seconds", "4"],
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = " ".join(done.stdout.split())
    f1 = float(re.search(r"F1 ([0-9.]+) against the true mapping", text).group(1))  # type: ignore[union-attr]
    assert f1 >= 0.9, text
    assert "everything stopped; ports freed" in text
    assert re.search(r"proxy: \d+ changes received, (\d+) translated, 0 failed", text)
    assert int(re.search(r"(\d+) translated, 0 failed", text).group(1)) > 0  # type: ignore[union-attr]
    assert re.search(r"gateway: [1-9]\d* messages translated over HTTP", text)
    # what it wrote: the recordings, the alignment and a translator tolka translate runs
    for name in ("vendor_a.jsonl", "vendor_b.jsonl"):
        assert (tmp_path / name).stat().st_size > 10_000
    alignment = read_alignment(tmp_path / "vendorA-vendorB.sssom.tsv")
    assert len(alignment) >= 12
    spec = read_translator(tmp_path / "vendorA-vendorB.translator.json")
    assert {rule.target_id for rule in spec.rules} == {c.object_id for c in alignment}
    translated = subprocess.run(
        [
            TOLKA,
            "translate",
            str(tmp_path / "vendorA-vendorB.translator.json"),
            "--in",
            str(tmp_path / "vendor_a.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert translated.returncode == 0, translated.stderr
    # no process of the demo outlives it (the gateway was a child)
    after = {p.pid for p in psutil.Process().children(recursive=True)}
    assert after <= before


@pytest.mark.slow
def test_demo_serve_keeps_running_until_interrupted(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [TOLKA, "demo", "--serve", "--out", str(tmp_path), "--record-minutes", "3", "--live-seconds", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert demo.stdout is not None
        lines = []
        for line in demo.stdout:
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        text = "".join(lines)
        url = re.search(r"http://127\.0\.0\.1:\d+/review/[\w-]+", text)
        assert url, text
        page = httpx.get(url[0], timeout=30)
        assert page.status_code == 200
        assert "Tolka" in page.text
        children = psutil.Process(demo.pid).children(recursive=True)
        assert children  # the gateway
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode == 0, rest
    assert "everything stopped; ports freed" in " ".join(rest.split())
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
