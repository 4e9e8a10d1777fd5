"""``tolka compile`` and ``tolka translate`` end to end: files in, JSON Lines out, errors by line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import VENDOR_A, VENDOR_B
from tests.services.simulated import SPLIT_GROUP, simulate_into, split_target
from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.model import Alignment, Correspondence
from translator.translation.spec import resolve_model

TOLKA = str(Path(sys.executable).with_name("tolka"))
A = "nsu=http://tolka.dev/demo/VendorA/;i="
B = "nsu=http://tolka.dev/demo/VendorB/;i="


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120, input=stdin)


def message(speed: object, temperature: object = 20.0) -> str:
    payload = {
        "PumpSkid1.Pump.Speed": {"Value": speed, "SourceTimestamp": "2026-11-01T10:00:00Z"},
        "PumpSkid1.Heater.OutletTemperature": {"Value": temperature},
    }
    return json.dumps({"MessageId": "1", "MessageType": "ua-data", "Messages": [{"Payload": payload}]})


def compiled(tmp_path: Path, *extra: str) -> Path:
    """Vendor A's PubSub JSON into vendor B's tags as plain JSON (both models are NodeSets, whose own
    format would be PubSub JSON on both sides: the target format is asked for)."""
    mapping = tmp_path / "a-b.sssom.tsv"
    write_alignment(
        Alignment("A", "B", [Correspondence(A + "6061", B + "6020"), Correspondence(A + "6082", B + "6008")]),
        mapping,
    )
    out = tmp_path / "a-b.json"
    done = run(
        "compile", str(mapping), "--source", str(VENDOR_A), "--target", str(VENDOR_B), "-o", str(out),
        "--target-format", "json", *extra,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "2 rules (2 with unit conversions)" in done.stderr
    return out


def test_compile_then_translate_a_stream_with_a_bad_line(tmp_path: Path) -> None:
    translator = compiled(tmp_path)
    document = json.loads(translator.read_text())
    assert document["tolka_translator"] == 1
    assert {rule["target"] for rule in document["rules"]} == {
        "/Skid_01/PLC/AnalogInputs/SC_107",
        "/Skid_01/PLC/AnalogInputs/TT_103",
    }
    stream = tmp_path / "a.jsonl"
    stream.write_text(
        "\n".join([message(1500.0), message("fast"), "{broken", "", message(3000.0, 100.0)]) + "\n"
    )
    out = tmp_path / "b.jsonl"
    done = run("translate", str(translator), "--in", str(stream), "--out", str(out))
    assert done.returncode == 1
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["Skid_01"]["PLC"]["AnalogInputs"] for line in lines] == [
        {"SC_107": 25.0, "TT_103": 68.0},
        {"SC_107": 50.0, "TT_103": 212.0},
    ]
    errors = done.stderr.splitlines()
    assert f"{stream}:2: field PumpSkid1.Pump.Speed" in errors[0]
    assert "'fast'" in errors[0]
    assert f"{stream}:3: not JSON" in errors[1]
    assert errors[-1] == "2 translated, 2 failed"


def test_translate_reads_stdin_writes_stdout_and_reverses(tmp_path: Path) -> None:
    translator = compiled(tmp_path)
    done = run("translate", str(translator), stdin=message(1500.0) + "\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("1 translated, 0 failed")
    back = run("translate", str(translator), "--reverse", stdin=done.stdout)
    assert back.returncode == 0, back.stderr
    payload = json.loads(back.stdout)["Messages"][0]["Payload"]
    assert payload["PumpSkid1.Pump.Speed"]["Value"] == 1500.0
    assert abs(payload["PumpSkid1.Heater.OutletTemperature"]["Value"] - 20.0) < 1e-9


def test_senml_target_and_a_broken_translator_file(tmp_path: Path) -> None:
    translator = compiled(tmp_path, "--target-format", "senml")
    done = run("translate", str(translator), stdin=message(1500.0) + "\n")
    assert done.returncode == 0, done.stderr
    records = {r["n"]: r for r in json.loads(done.stdout)}
    assert records["Skid_01.PLC.AnalogInputs.SC_107"]["v"] == 25.0
    assert records["Skid_01.PLC.AnalogInputs.SC_107"]["u"] == "Hz"
    document = json.loads(translator.read_text())
    document["rules"][0]["transform"][0]["to"] = "BAR"
    translator.write_text(json.dumps(document))
    bad = run("translate", str(translator), stdin="")
    assert bad.returncode == 2
    assert bad.stderr.startswith(f"tolka: error: {translator}: /rules/0/transform/0: ")
    assert "different quantities" in bad.stderr


def test_compile_refuses_an_incompatible_pair_and_unknown_formats(tmp_path: Path) -> None:
    mapping = tmp_path / "bad.sssom.tsv"
    write_alignment(Alignment("A", "B", [Correspondence(A + "6082", B + "6011")]), mapping)  # °C → psi
    out = tmp_path / "t.json"
    done = run("compile", str(mapping), "--source", str(VENDOR_A), "--target", str(VENDOR_B), "-o", str(out))
    assert done.returncode == 2
    assert f"{A}6082 -> {B}6011" in done.stderr
    assert not out.exists()
    done = run(
        "compile",
        str(mapping),
        "--source",
        str(VENDOR_A),
        "--target",
        str(VENDOR_B),
        "-o",
        str(out),
        "--target-format",
        "xml",
    )
    assert done.returncode == 2
    assert "json, senml, opcua-pubsub-json" in done.stderr


def test_compile_a_target_given_as_a_glob_over_two_files(tmp_path: Path) -> None:
    plant = simulate_into(tmp_path / "sim", seed=1, minutes=2)
    first, second = split_target(plant, tmp_path / "b")
    ids = [json.loads(p.read_text())["$id"] for p in (first, second)]
    truth = read_alignment(plant / "truth.sssom.tsv")
    moved = [  # the fields now in the second file keep their pointers under its $id
        c.replace(object_id=c.object_id.replace(ids[0], ids[1]))
        if any(f"/{group}/" in c.object_id for group in SPLIT_GROUP)
        else c
        for c in truth.correspondences
        if "/DigitalInputs/" not in c.object_id  # states need the value map only the truth knows
    ]
    mapping = tmp_path / "split.sssom.tsv"
    write_alignment(Alignment(truth.source, truth.target, moved), mapping)
    out = tmp_path / "t.json"
    source = str(plant / "vendor_a.schema.json")
    pattern = str(tmp_path / "b" / "*.json")
    done = run("compile", str(mapping), "--source", source, "--target", pattern, "-o", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    # the pattern's files, sorted, relative to the translator file
    assert resolve_model(document["target"]["model"], out) == f"{second},{first}"
    assert document["target"]["model"].startswith("b/")
    assert len(document["rules"]) == len(moved)
    assert {r["target"].split("/")[3] for r in document["rules"]} == {"AnalogInputs", "Counters"}
    missing = str(tmp_path / "*.nope")
    nothing = run("compile", str(mapping), "--source", source, "--target", missing, "-o", str(out))
    assert nothing.returncode == 2
    assert f"{missing}: no file matches this pattern" in nothing.stderr


def test_each_side_s_format_follows_its_model(tmp_path: Path) -> None:
    mapping = tmp_path / "a-b.sssom.tsv"
    write_alignment(Alignment("A", "B", [Correspondence(A + "6061", B + "6020")]), mapping)
    out = tmp_path / "a-b.json"
    done = run("compile", str(mapping), "--source", str(VENDOR_A), "--target", str(VENDOR_B), "-o", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["source"]["format"]["type"] == "opcua-pubsub-json"  # both OPC UA models
    assert document["target"]["format"]["type"] == "opcua-pubsub-json"
    senml = tmp_path / "b.senml"
    senml.write_text(json.dumps([{"bn": "skid/", "n": "SC_107", "u": "Hz", "v": 25.0}]))
    json_samples = tmp_path / "b.jsonl"
    json_samples.write_text(json.dumps({"SC_107": 25.0}) + "\n")
    for target, expected in ((senml, "senml"), (json_samples, "json")):
        done = run(
            "compile", str(mapping), "--source", str(VENDOR_A), "--target", str(target), "-o", str(out)
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(out.read_text())["target"]["format"]["type"] == expected, target


def test_a_json_schema_pair_compiles_and_translates_plain_json_without_format_options(tmp_path: Path) -> None:
    def schema(name: str, field: str, unit: str) -> Path:
        path = tmp_path / f"{name}.schema.json"
        path.write_text(
            json.dumps(
                {
                    "$id": f"http://example.com/{name}.schema.json",
                    "type": "object",
                    "properties": {field: {"type": "number", "unit": unit}},
                }
            )
        )
        return path

    a, b = schema("a", "temp_c", "CEL"), schema("b", "temp_f", "FAH")
    mapping = tmp_path / "a-b.sssom.tsv"
    write_alignment(
        Alignment(
            "A",
            "B",
            [
                Correspondence(
                    "http://example.com/a.schema.json#/properties/temp_c",
                    "http://example.com/b.schema.json#/properties/temp_f",
                )
            ],
        ),
        mapping,
    )
    out = tmp_path / "a-b.json"
    done = run("compile", str(mapping), "--source", str(a), "--target", str(b), "-o", str(out))
    assert done.returncode == 0, done.stderr
    messages = tmp_path / "a.jsonl"
    messages.write_text(json.dumps({"temp_c": 100.0}) + "\n")
    translated = run("translate", str(out), "--in", str(messages))
    assert translated.returncode == 0, translated.stderr
    assert json.loads(translated.stdout.splitlines()[0]) == {"temp_f": 212.0}


def test_dash_means_standard_input_and_output_from_match_to_translate(tmp_path: Path) -> None:
    """tolka match A B | tolka compile - … | … and tolka translate --in - --out -: no file between."""
    matched = subprocess.run(
        [TOLKA, "match", str(VENDOR_A), str(VENDOR_B)], capture_output=True, timeout=300, check=False
    )
    assert matched.returncode == 0, matched.stderr
    assert b"skos:exactMatch" in matched.stdout  # the SSSOM file on standard output
    compiled = subprocess.run(
        [TOLKA, "compile", "-", "--source", str(VENDOR_A), "--target", str(VENDOR_B), "--target-format", "json"],
        input=matched.stdout, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stderr
    assert b"written to standard output" in compiled.stderr
    translator = tmp_path / "a-b.json"
    translator.write_bytes(compiled.stdout)
    rules = json.loads(compiled.stdout)["rules"]
    payload = {r["source"]: {"Value": 1500.0 if r["source_id"] == A + "6061" else 1} for r in rules}
    one = json.dumps({"MessageId": "1", "MessageType": "ua-data", "Messages": [{"Payload": payload}]})
    translated = run("translate", str(translator), "--in", "-", "--out", "-", stdin=one + "\n")
    assert translated.returncode == 0, translated.stderr
    assert "1 translated, 0 failed" in translated.stderr
    assert json.loads(translated.stdout)["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] == pytest.approx(25.0)
