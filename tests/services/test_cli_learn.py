"""``tolka learn`` end to end: simulate → learn → translate, and bad input refused without output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.services.simulated import SPLIT_GROUP, TOLKA, learn_args, run, simulate_into, split_target
from translator.alignment.formats import read_alignment
from translator.translation.spec import resolve_model


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items() for k, v in _leaves(item, f"{path}/{key}").items()}
    return {path: value}


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return simulate_into(tmp_path_factory.mktemp("sim"), seed=3, minutes=8)


def test_learn_then_translate_matches_the_true_translator(plant: Path, tmp_path: Path) -> None:
    out, alignment = tmp_path / "learned.json", tmp_path / "learned.sssom.tsv"
    done = run(*learn_args(plant, "--out", str(out), "--alignment", str(alignment)))
    assert done.returncode == 0, done.stderr
    assert "rules from 481 + 241 messages" in " ".join(done.stderr.split())
    assert "semapv:" in alignment.read_text()
    for name, translator in (("learned", out), ("truth", plant / "truth.translator.json")):
        translated = run(
            "translate",
            str(translator),
            "--in",
            str(plant / "vendor_a.jsonl"),
            "--out",
            str(tmp_path / f"{name}.jsonl"),
        )
        assert translated.returncode == 0, translated.stderr
    learned = [_leaves(json.loads(line)) for line in (tmp_path / "learned.jsonl").read_text().splitlines()]
    truth = [_leaves(json.loads(line)) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    assert len(learned) == len(truth) == 481
    # every field the learned translator writes is the true one's value (unit conversions exact)
    assert set(learned[0]) <= set(truth[0])
    assert len(learned[0]) >= len(truth[0]) - 1  # at most the fault flag, constant while recording
    for mine, true in zip(learned, truth, strict=True):
        for key, value in mine.items():
            if isinstance(value, float):
                assert value == pytest.approx(true[key], rel=0.005, abs=1e-9), key
            else:
                assert value == true[key], key


def test_bad_stream_line_is_named_and_nothing_is_written(plant: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    lines = (plant / "vendor_b.jsonl").read_text().splitlines()
    broken.write_text("\n".join([*lines[:5], "{not json", *lines[5:]]) + "\n")
    out = tmp_path / "learned.json"
    args = learn_args(plant, "--out", str(out))
    args[args.index("--target-stream") + 1] = str(broken)
    done = run(*args)
    assert done.returncode != 0
    assert f"{broken}:6" in done.stderr
    assert not out.exists()


def test_unknown_time_field_is_reported(plant: Path, tmp_path: Path) -> None:
    done = run(*learn_args(plant, "--out", str(tmp_path / "t.json"), "--target-time-field", "/nope"))
    assert done.returncode != 0
    assert "no message has a time in field '/nope'" in done.stderr
    assert not (tmp_path / "t.json").exists()


def test_a_target_in_two_files_is_one_model(plant: Path, tmp_path: Path) -> None:
    first, second = split_target(plant, tmp_path / "b")
    out, alignment = tmp_path / "learned.json", tmp_path / "learned.sssom.tsv"
    args = learn_args(plant, "--out", str(out), "--alignment", str(alignment))
    args[args.index("--target") + 1] = f"{first},{second}"
    done = run(*args)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    # written relative to the translator file, read back from there
    assert document["target"]["model"] == f"b/{first.name},b/{second.name}"
    assert resolve_model(document["target"]["model"], out) == f"{first},{second}"
    targets = {rule["target"].split("/")[3] for rule in document["rules"]}
    assert {"AnalogInputs", *SPLIT_GROUP} <= targets  # rules into fields of both files
    objects = {c.object_id.split("#")[0] for c in read_alignment(alignment)}
    assert objects == {
        json.loads(first.read_text())["$id"],
        json.loads(second.read_text())["$id"],
    }


def test_dash_reads_a_stream_from_standard_input_and_writes_the_translator_to_standard_output(
    plant: Path, tmp_path: Path
) -> None:
    args = learn_args(plant, "--out", "-", "--alignment", str(tmp_path / "a.sssom.tsv"))
    args[args.index("--source-stream") + 1] = "-"
    done = subprocess.run(
        [TOLKA, *args],
        input=(plant / "vendor_a.jsonl").read_text(encoding="utf-8"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "written to standard output" in done.stderr
    spec = json.loads(done.stdout)
    assert len(spec["rules"]) >= 10
    assert spec["source"]["model"] == str(plant / "vendor_a.schema.json")  # no file to be relative to
    assert read_alignment(tmp_path / "a.sssom.tsv").mapping_tool == "Tolka"

    twice = run(*learn_args(plant, "--out", "-", "--alignment", "-"))
    assert twice.returncode == 2
    assert "only one of --out, --alignment can be '-' (standard output)" in twice.stderr
