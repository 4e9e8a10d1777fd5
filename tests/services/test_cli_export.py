"""``tolka export`` end to end through the installed console script, and bad input refused cleanly."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from adapters import load
from tests.paths import TEST_DATA, VENDOR_A
from tests.servers import asyncua_server

TOLKA = str(Path(sys.executable).with_name("tolka"))
PUMP = TEST_DATA / "pump.schema.json"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120)


def test_help_teaches() -> None:
    out = run("export", "--help")
    assert out.returncode == 0
    for word in (
        "--format",
        "nodeset",
        "--out",
        "EngineeringUnits",
        "Examples",
        "tolka export",
        "--source-security",
    ):
        assert word in out.stdout


def test_a_schema_to_a_file_and_to_standard_output(tmp_path: Path) -> None:
    target = tmp_path / "out" / "pump.NodeSet2.xml"
    out = run("export", str(PUMP), "--format", "nodeset", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    assert out.stderr.strip() == (
        f"tolka: wrote 14 nodes of urn:tolka:test:pump and 3 it adds (EngineeringUnits, enumerations) as "
        f"an OPC UA NodeSet2 file to {target}"
    )
    read = load(target)
    assert read.namespaces == ["urn:tolka:test:pump"]
    assert sorted(read.units().items()) == [("CEL", 1), ("RPM", 1)]
    for args in (("-o", "-"), ()):  # standard output: the same bytes
        piped = subprocess.run([TOLKA, "export", str(PUMP), *args], capture_output=True, timeout=120)
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout == target.read_bytes()
        assert b"standard output" in piped.stderr


def test_what_cannot_be_expressed_is_a_note(tmp_path: Path) -> None:
    out = run("export", str(TEST_DATA / "skid.rdf"), "-o", str(tmp_path / "skid.xml"))
    assert out.returncode == 0, out.stderr
    notes = [line for line in out.stderr.splitlines() if line.startswith("tolka: note:")]
    assert notes == [
        "tolka: note: relations without an OPC UA counterpart, not written: owl:onProperty ×1, "
        "owl:someValuesFrom ×1"
    ]


def test_f_a_model_that_does_not_exist_is_one_line_and_no_file(tmp_path: Path) -> None:
    target = tmp_path / "x.NodeSet2.xml"
    out = run("export", str(tmp_path / "missing.schema.json"), "-o", str(target))
    assert out.returncode == 2
    assert out.stderr == f"tolka: error: {tmp_path / 'missing.schema.json'}: file not found\n"
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_f_a_broken_model_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    broken = tmp_path / "broken.schema.json"
    broken.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {', "utf-8")
    target = tmp_path / "x.NodeSet2.xml"
    target.write_bytes(b"the old file")
    out = run("export", str(broken), "-o", str(target))
    assert out.returncode == 2
    assert out.stderr.startswith(f"tolka: error: {broken}")
    assert len(out.stderr.splitlines()) == 1
    assert "Traceback" not in out.stderr
    assert target.read_bytes() == b"the old file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.schema.json", "x.NodeSet2.xml"]


def test_f_only_nodeset_can_be_written(tmp_path: Path) -> None:
    out = run("export", str(PUMP), "--format", "owl", "-o", str(tmp_path / "x.owl"))
    assert out.returncode == 2
    assert "'owl' is not one of 'nodeset'" in out.stderr
    assert not (tmp_path / "x.owl").exists()
    refused = run("export", "opc.tcp://127.0.0.1:1", "--from", "jsonschema")
    assert refused.returncode == 2
    assert refused.stderr == "tolka: error: --from applies to files, not to a live server\n"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_a_live_server(tmp_path: Path) -> None:
    target = tmp_path / "live.NodeSet2.xml"
    async with asyncua_server(VENDOR_A) as server:  # in a thread: this event loop serves the server
        url = server.endpoint.geturl()
        out = await asyncio.to_thread(run, "export", url, "--source-security", "None", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert "wrote 119 nodes of http://tolka.dev/demo/VendorA/" in out.stderr
    assert {n.id for n in load(target).own_nodes()} == {n.id for n in load(VENDOR_A).own_nodes()}
