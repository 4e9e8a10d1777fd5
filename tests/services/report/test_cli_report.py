"""``tolka match --report`` and ``tolka learn --report`` end to end, and refusals that write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import VENDOR_A, VENDOR_B
from tests.services.report.conftest import check_png, external_references, pngs
from tests.services.report.test_page import assert_rows
from tests.services.simulated import learn_args, run, simulate_into
from translator.alignment.formats import read_alignment


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate_into(tmp_path_factory.mktemp("sim"), seed=4, minutes=5)


def test_match_report(tmp_path: Path) -> None:
    out, report = tmp_path / "a-b.sssom.tsv", tmp_path / "reports" / "a-b.html"
    done = run("match", str(VENDOR_A), str(VENDOR_B), "--out", str(out), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert f"report to {report}" in " ".join(done.stderr.split())
    page = report.read_text(encoding="utf-8")
    assert external_references(page) == []
    assert_rows(page, read_alignment(out))
    figures = pngs(page)
    assert len(figures) == 2
    for png in figures:
        check_png(png)
    assert "method</dt><dd>decider" in page


def test_learn_report(plant: Path, tmp_path: Path) -> None:
    out, alignment, report = tmp_path / "t.json", tmp_path / "t.sssom.tsv", tmp_path / "t.html"
    done = run(*learn_args(plant, "--out", str(out), "--alignment", str(alignment), "--report", str(report)))
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    page = report.read_text(encoding="utf-8")
    assert external_references(page) == []
    assert_rows(page, read_alignment(alignment))
    assert 'id="series"' in page
    figures = pngs(page)
    assert len(figures) >= 3  # heatmap, histogram and the time series
    for png in figures:
        check_png(png)


def test_unwritable_report_path_is_refused_before_anything_is_written(plant: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    out = tmp_path / "a-b.sssom.tsv"
    done = run("match", str(VENDOR_A), str(VENDOR_B), "--out", str(out), "--report", str(blocker / "r.html"))
    assert done.returncode == 2
    assert done.stderr.startswith("tolka: error: ")
    assert "a-file/r.html" in done.stderr
    assert "Traceback" not in done.stderr
    learned = tmp_path / "t.json"
    done = run(*learn_args(plant, "--out", str(learned), "--report", str(tmp_path)))
    assert done.returncode == 2
    assert "is a folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
