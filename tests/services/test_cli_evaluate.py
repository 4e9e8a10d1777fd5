"""``tolka evaluate`` end to end through the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import shared
from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.model import Alignment, Correspondence

TOLKA = str(Path(sys.executable).with_name("tolka"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120)


def test_help_teaches() -> None:
    out = run("evaluate", "--help")
    assert out.returncode == 0
    for word in ("PREDICTED", "REFERENCE", "--json", "Hits@1", "Examples"):
        assert word in out.stdout


@pytest.mark.shared_data
def test_reference_against_itself() -> None:
    reference = str(shared("oaei-conference", "alignments", "cmt-ekaw.rdf"))
    out = run("evaluate", reference, reference, "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"precision", "recall", "f1", "tp", "fp", "fn", "by_kind"} <= result.keys()
    assert (result["precision"], result["recall"], result["f1"]) == (1.0, 1.0, 1.0)
    assert (result["tp"], result["fp"], result["fn"]) == (11, 0, 0)
    assert "mrr" not in result  # one entity2 per entity1: not a ranked prediction
    table = run("evaluate", reference, reference)
    assert table.returncode == 0
    assert "precision" in table.stdout
    assert "1.000" in table.stdout


@pytest.mark.shared_data
def test_a_written_prediction(tmp_path: Path) -> None:
    reference_path = shared("oaei-conference", "alignments", "cmt-iasted.rdf")
    reference = read_alignment(reference_path)  # Author, Review, Person, Reviewer
    predicted = Alignment(reference.source, reference.target)
    for c in reference:  # every true pair, the first two ranked behind a wrong candidate
        predicted.add(Correspondence(c.subject_id, c.object_id, confidence=0.8, subject_kind="class"))
    for c in reference.correspondences[:2]:
        predicted.add(
            Correspondence(c.subject_id, "http://iasted#Wrong", confidence=0.9, subject_kind="class")
        )
    path = tmp_path / "predicted.sssom.tsv"
    write_alignment(predicted, path)
    out = run("evaluate", str(path), str(reference_path), "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["tp"], result["fp"], result["fn"]) == (4, 2, 0)
    assert result["precision"] == pytest.approx(4 / 6)
    assert result["recall"] == 1.0
    assert result["f1"] == pytest.approx(0.8)
    assert result["hits_at_1"] == pytest.approx(0.5)
    assert result["hits_at_10"] == 1.0
    assert result["mrr"] == pytest.approx((0.5 + 0.5 + 1 + 1) / 4)
    assert result["by_kind"]["classes"]["tp"] == 4
    table = run("evaluate", str(path), str(reference_path))
    assert table.returncode == 0
    assert "classes" in table.stdout
    assert "Hits@1 0.500" in table.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    write_alignment(Alignment(correspondences=[Correspondence("urn:a", "urn:b")]), good)
    bad = tmp_path / "bad.tsv"
    bad.write_text("subject_id\tobject_id\tconfidence\nurn:a\turn:b\tvery\n", encoding="utf-8")
    broken = tmp_path / "broken.rdf"
    broken.write_text(
        "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<x>\n", encoding="utf-8"
    )
    cases = [
        ((str(bad), str(good)), f"{bad}:2: confidence 'very'"),
        ((str(good), str(broken)), f"{broken}:3: malformed XML"),
        ((str(tmp_path / "missing.rdf"), str(good)), "file not found"),
    ]
    for args, expected in cases:
        out = run("evaluate", *args)
        assert out.returncode == 2, out
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1, out.stderr
        assert lines[0].startswith("tolka: error: ")
        assert expected in lines[0]
        assert out.stdout == ""


@pytest.mark.shared_data
def test_a_prediction_on_standard_input() -> None:
    reference = shared("oaei-conference", "alignments", "cmt-ekaw.rdf")
    done = subprocess.run(
        [TOLKA, "evaluate", "-", str(reference), "--json"],
        input=reference.read_text(encoding="utf-8"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["tp"] == 11
    both = subprocess.run(
        [TOLKA, "evaluate", "-", "-"], input="", capture_output=True, text=True, timeout=120
    )
    assert both.returncode == 2
    assert "only one of PREDICTED, REFERENCE can be '-'" in both.stderr
