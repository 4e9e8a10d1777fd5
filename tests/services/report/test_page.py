"""The report page of a real match and a real learn: one file, every correspondence, real figures."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

from adapters import load
from services.report import CONTENT_SECURITY_POLICY, check_writable, render_report, write_report
from services.report.data import MAX_SOURCES, heatmap
from services.report.overlays import Overlay, overlays
from tests.services.report.conftest import Matched, Recorded, check_png, external_references, pngs
from translator.alignment.model import Alignment, Justification
from translator.instances.learning import LearnOptions, learn
from translator.instances.series import read_stream
from translator.matching.matcher import MatchOptions, match


class _Rows(HTMLParser):
    """The text of each cell of each ``<tr class="correspondence">``."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and ("class", "correspondence") in attrs:
            self.rows.append([])
        elif tag == "td" and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(page: str) -> list[list[str]]:
    parser = _Rows()
    parser.feed(page)
    return parser.rows


def assert_rows(page: str, alignment: Alignment) -> None:
    rows = table(page)
    assert len(rows) == len(alignment) > 0
    for cells, c in zip(rows, alignment, strict=True):
        _, source, target, confidence, status, justification, comment, _ = cells
        assert source.endswith(c.subject_id)
        assert target.endswith(c.object_id)
        assert confidence == f"{c.confidence:.3f}"
        assert status == c.status.value
        assert justification == c.justification.rpartition(":")[2]
        assert comment == " ".join(c.comment.split())


def test_match_report_is_one_page_with_every_correspondence_and_no_external_reference(
    matched: Matched,
) -> None:
    page = render_report(
        alignment=matched.alignment,
        source_graph=matched.source,
        target_graph=matched.target,
        candidates=matched.ranked,
    )
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == page.count("</html>") == 1
    assert external_references(page) == []
    assert_rows(page, matched.alignment)
    # units of the matched variables: Speed in rpm against SC_107 in Hz, both named in the row
    speed = next(r for r in table(page) if r[1].startswith("Speed "))
    assert speed[7].count("→") == 1
    figures = pngs(page)
    assert len(figures) == 2  # heatmap and histogram, no time series without recordings
    heat, histogram = (check_png(p) for p in figures)
    assert heat[1] > histogram[1]  # 40 rows of sources
    assert 'id="series"' not in page


def test_heatmap_boxes_the_alignment_down_a_diagonal_and_says_when_capped(matched: Matched) -> None:
    best = heatmap(matched.alignment, matched.ranked, matched.source, matched.target)
    assert best is not None
    assert len(best.rows) == MAX_SOURCES < best.sources_total
    assert best.capped
    assert best.chosen == tuple((i, i) for i in range(len(best.chosen)))
    assert len(best.chosen) == min(len(matched.alignment), MAX_SOURCES)
    chosen = {(r.id, c.id) for r in best.rows for c in best.columns} & {x.pair for x in matched.alignment}
    assert len(chosen) == len(best.chosen)
    for i, j in best.chosen:  # the one-to-one choice is each source's ranked score
        pair = best.rows[i].id, best.columns[j].id
        chosen_pair = next(c for c in matched.alignment if c.pair == pair)
        if chosen_pair.justification == Justification.STRUCTURAL.value:
            continue  # a standard property, following its parent's pair with the parent's confidence
        assert best.scores[i, j] == pytest.approx(chosen_pair.confidence)
    assert np.nanmax(best.scores) <= 1.0
    page = render_report(
        alignment=matched.alignment,
        source_graph=matched.source,
        target_graph=matched.target,
        candidates=matched.ranked,
    )
    assert f"Showing {MAX_SOURCES} of {best.sources_total} sources" in page


def test_hostile_labels_are_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert('x')</script> Temperature"
    for name, fields in (
        ("a", {"temperature": hostile, "pressure": "Pressure & $cost$ <img src=https://evil.example/x>"}),
        ("b", {"tank_temperature": "Temperature", "pump_pressure": "Pressure"}),
    ):
        schema = {
            "$id": f"urn:test:{name}",
            "type": "object",
            "properties": {k: {"type": "number", "title": t} for k, t in fields.items()},
        }
        (tmp_path / f"{name}.schema.json").write_text(json.dumps(schema))
    source, target = load(tmp_path / "a.schema.json"), load(tmp_path / "b.schema.json")
    options = MatchOptions(method="lexical")
    alignment = match(source, target, options)
    assert hostile in {c.subject_label for c in alignment}
    page = render_report(
        alignment=alignment,
        source_graph=source,
        target_graph=target,
        candidates=match(source, target, replace(options, top_k=3)),
    )
    assert "<script" not in page
    assert "<img src=https" not in page
    assert "&lt;script&gt;alert(" in page
    assert any(row[1].startswith(hostile) for row in table(page))  # shown as text, as it is
    assert external_references(page) == []
    assert_rows(page, alignment)
    assert len([check_png(p) for p in pngs(page)]) == 2  # "$cost$" drawn as text, not mathtext


def test_learn_report_draws_every_pair_the_data_decided(recorded: Recorded) -> None:
    learned = recorded.learned
    page = render_report(
        alignment=learned.alignment,
        source_graph=recorded.source,
        target_graph=recorded.target,
        candidates=recorded.ranked,
        learned=learned,
        streams=recorded.streams,
    )
    assert external_references(page) == []
    assert_rows(page, learned.alignment)
    decided = sum(p.candidate.evidence is not None for p in learned.pairs)
    assert decided >= 12
    figures = pngs(page)
    assert len(figures) == 2 + math.ceil(decided / 9)
    for png in figures:
        check_png(png)
    assert 'id="series"' in page
    assert f"{learned.lag:+.1f} s" in page
    for note in learned.notes:  # the constant fault flag left out, with its likely target
        assert str(escape(note)) in page


def _error(overlay: Overlay) -> float:
    """RMS of the converted source read at the target's times, relative to the target's range."""
    inside = (overlay.target_times >= overlay.source_times[0]) & (
        overlay.target_times <= overlay.source_times[-1]
    )
    converted = np.interp(overlay.target_times[inside], overlay.source_times, overlay.converted)
    error = converted - overlay.target[inside]
    return float(np.sqrt(np.mean(error**2))) / (float(np.ptp(overlay.target)) or 1.0)


def test_overlays_lie_on_the_target_after_conversion_and_lag(recorded: Recorded) -> None:
    drawn = overlays(recorded.learned, recorded.source, recorded.target, recorded.streams)
    assert not drawn.capped
    assert (
        drawn.total
        == len(drawn.items)
        == sum(p.candidate.evidence is not None for p in recorded.learned.pairs)
    )
    continuous = [o for o in drawn.items if not o.steps]
    assert len(continuous) >= 8
    errors = {f"{o.source.short}->{o.target_entity.short}": _error(o) for o in continuous}
    assert max(errors.values()) < 0.2, errors
    # the simulator's target clock lags 2 s: read the other way round, the lines part
    assert abs(recorded.learned.lag - 2.0) < 0.5
    wrong = overlays(
        replace(recorded.learned, lag=-recorded.learned.lag),
        recorded.source,
        recorded.target,
        recorded.streams,
    )
    worse = [_error(o) for o in wrong.items if not o.steps]
    assert sum(worse) > 2 * sum(errors.values())


def test_overlays_are_capped_and_the_page_says_so(recorded: Recorded) -> None:
    decided = sum(p.candidate.evidence is not None for p in recorded.learned.pairs)
    page = render_report(
        alignment=recorded.learned.alignment,
        source_graph=recorded.source,
        target_graph=recorded.target,
        learned=recorded.learned,
        streams=recorded.streams,
        max_overlays=4,
    )
    assert f"{decided} learned pairs have data to draw; the first 4" in page
    assert len(pngs(page)) == 2  # histogram and one picture of four pairs; no candidates, no heatmap
    assert "No ranked candidates were given" in page


def test_string_states_are_drawn_as_categories(tmp_path: Path) -> None:
    states = {"STOPPED": 0, "RUNNING": 1, "FAULT": 9}
    order = ["STOPPED", "RUNNING", "STOPPED", "FAULT", "RUNNING", "FAULT", "STOPPED", "RUNNING"]
    with (tmp_path / "codes.jsonl").open("w") as codes, (tmp_path / "names.jsonl").open("w") as names:
        for t in range(240):
            state, speed = order[t // 30], 1000 + 500 * math.sin(t / 20)
            names.write(json.dumps({"ts": t, "pump": {"state": state, "speed": round(speed, 2)}}) + "\n")
            if t % 2 == 0:
                drive = {"mode": states[state], "frequency": round(speed / 60, 3)}
                codes.write(json.dumps({"ts": t, "drive": drive}) + "\n")
    source, target = load(tmp_path / "codes.jsonl"), load(tmp_path / "names.jsonl")
    streams = read_stream(tmp_path / "codes.jsonl"), read_stream(tmp_path / "names.jsonl")
    learned = learn(
        source,
        target,
        *streams,
        source_model="codes",
        target_model="names",
        options=LearnOptions(method="lexical"),
    )
    drawn = overlays(learned, source, target, streams)
    state = next(o for o in drawn.items if o.categories is not None)
    assert state.categories == ("FAULT", "RUNNING", "STOPPED")
    assert state.steps
    held = np.searchsorted(state.source_times, state.target_times, side="right") - 1
    agree = np.mean(state.converted[np.clip(held, 0, None)] == state.target)
    assert agree > 0.95
    page = render_report(
        alignment=learned.alignment,
        source_graph=source,
        target_graph=target,
        learned=learned,
        streams=streams,
    )
    for png in pngs(page):
        check_png(png)


def test_empty_alignment_gives_a_page_that_says_so(matched: Matched) -> None:
    page = render_report(
        alignment=Alignment(matched.source.name, matched.target.name),
        source_graph=matched.source,
        target_graph=matched.target,
    )
    assert "The alignment holds no correspondence." in page
    assert table(page) == []
    assert [p[:8] for p in pngs(page)] == [b"\x89PNG\r\n\x1a\n"]  # the (empty) histogram


def test_write_report_is_atomic_and_refuses_paths_it_cannot_write(matched: Matched, tmp_path: Path) -> None:
    out = tmp_path / "new" / "report.html"
    write = functools.partial(
        write_report, alignment=matched.alignment, source_graph=matched.source, target_graph=matched.target
    )
    write(out)
    assert [p.name for p in out.parent.iterdir()] == ["report.html"]  # no temporary file left behind
    assert_rows(out.read_text(encoding="utf-8"), matched.alignment)
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        write(blocker / "report.html")
    with pytest.raises(IsADirectoryError):
        check_writable(out.parent)
    assert blocker.read_text() == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "new"]


def test_page_policy_allows_only_its_own_style_and_embedded_images(matched: Matched) -> None:
    page = render_report(
        alignment=matched.alignment, source_graph=matched.source, target_graph=matched.target
    )
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert policy is not None
    assert policy.group(1) == str(escape(CONTENT_SECURITY_POLICY))
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    styles = re.findall(r"<style>(.*?)</style>", page, re.DOTALL)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CONTENT_SECURITY_POLICY  # the browser would apply it
    assert " style=" not in page  # no inline style attribute the policy would block
