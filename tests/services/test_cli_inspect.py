"""``tolka inspect`` end to end through the installed console script, and bad input refused cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import PLANT, TEST_DATA, VENDOR_A, shared
from translator.graph.file import load_graph

TOLKA = str(Path(sys.executable).with_name("tolka"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120)


def test_help_teaches() -> None:
    out = run("inspect", "--help")
    assert out.returncode == 0
    for word in ("--models-dir", "--json", "--save", "--max-size", "Examples"):
        assert word in out.stdout


def test_json_summary_and_save(tmp_path: Path) -> None:
    saved = tmp_path / "a.graph.json"
    out = run("inspect", str(VENDOR_A), "--json", "--save", str(saved))
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert {"nodes", "edges", "own_nodes", "kinds"} <= summary.keys()
    assert summary["own_nodes"] == 119
    assert summary["kinds"]["variable"] >= 30
    assert summary["units"]["CEL"] == 4
    reloaded = run("inspect", str(saved), "--json")
    assert json.loads(reloaded.stdout) == summary
    assert load_graph(saved).name == "http://tolka.dev/demo/VendorA/"


def test_table_output() -> None:
    out = run("inspect", str(PLANT))
    assert out.returncode == 0
    assert "datatype_property" in out.stdout
    assert "http://tolka.dev/ontology/plant" in out.stdout


def test_models_dir() -> None:
    robotics = shared("opcua", "Robotics", "Opc.Ua.Robotics.NodeSet2.xml")
    missing = run("inspect", str(robotics), "--json")
    assert missing.returncode == 2
    assert "http://opcfoundation.org/UA/DI/" in missing.stderr
    assert "Traceback" not in missing.stderr
    found = run("inspect", str(robotics), "--models-dir", str(shared("opcua")), "--json")
    assert found.returncode == 0, found.stderr
    assert "http://opcfoundation.org/UA/DI/" in json.loads(found.stdout)["namespaces"]


BAD_INPUTS = {
    "broken.xml": (b'<?xml version="1.0"?>\n<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">\n<UAObject NodeId="i=1" BrowseName="x">\n</UANodeSet>\n', ":4:"),
    "broken.ttl": (b"@prefix ex: <http://ex.org/> .\nex:a a ex:B .\nex:c ex:d ex:e ex:f .\n", ":3"),
    "broken.json": (b'{\n  "$schema": "x",\n  "properties": {\n    "a": \n  }\n}\n', ":5:"),
    "broken.jsonl": (b'{"a": 1}\n{"a": 2}\n{"a": \n', ":3:"),
    "broken.rdf": (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n</rdf:RDF>\n', ":4"),
    "xxe.xml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE UANodeSet [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        b'<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"><UAObject NodeId="i=1" BrowseName="&xxe;"/></UANodeSet>\n',
        "external",
    ),
    "bomb.owl": (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&lol3;</rdf:RDF>\n',
        "billion laughs",
    ),
    "dtd.rdf": (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
        "external DTD",
    ),
    "model.xyz": (b"whatever", "known formats: nodeset"),
    "noidea.json": (b'"just a string"', "samples"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_exit_2(name: str, tmp_path: Path) -> None:
    content, expected = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    saved = tmp_path / "never.json"
    out = run("inspect", str(path), "--save", str(saved))
    if name == "noidea.json":  # a JSON string is a (degenerate) sample message: loads, but has no fields
        assert (out.returncode == 2 and "no" in out.stderr.lower()) or out.returncode == 0
        return
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("tolka: error: ")
    assert name in lines[0]
    assert expected in lines[0]
    assert "Traceback" not in out.stderr
    assert not saved.exists()  # nothing written on failure


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    out = run("inspect", str(VENDOR_A), "--max-size", "10K")
    assert out.returncode == 2
    assert "over the limit of 10,240 bytes" in out.stderr


def test_missing_file_and_unknown_format_name(tmp_path: Path) -> None:
    out = run("inspect", str(tmp_path / "nope.xml"))
    assert out.returncode == 2
    assert "file not found" in out.stderr
    out = run("inspect", str(PLANT), "--format", "excel")
    assert out.returncode == 2
    assert "unknown format 'excel'" in out.stderr
    assert "turtle" in out.stderr


def test_samples_fixture_through_the_cli() -> None:
    out = run("inspect", str(TEST_DATA / "messages.jsonl"), "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["own_kinds"]["field"] == 7  # ts, 3 pump, 2 tank, counters/*


def test_save_dash_writes_the_graph_to_standard_output_and_the_summary_to_standard_error() -> None:
    out = run("inspect", str(VENDOR_A), "--json", "--save", "-")
    assert out.returncode == 0, out.stderr
    graph = json.loads(out.stdout)
    assert graph["format"] == "tolka-schema-graph"
    assert json.loads(out.stderr)["own_nodes"] == 119
