"""``tolka proxy`` as a user runs it: a real source server, the command in its own process, a client."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from asyncua import ua
from asyncua.client.client import Client

from tests.paths import ROOT
from tests.services.proxy.test_proxy import SC_107, SPEC, SPEED, free_port, node, vendor_a
from translator.rules import write_translator

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_tolka_proxy_serves_the_target_model_until_interrupted(tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)  # its target model is vendor B's NodeSet file: served as is
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", f"opc.tcp://127.0.0.1:{source_port}", "--translator", str(translator),
        "--serve", f"opc.tcp://127.0.0.1:{served_port}/tolka", "--report-every", "0.5", "--allow-anonymous", "--data-dir", str(tmp_path),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE, text=True)
    client = Client(f"opc.tcp://127.0.0.1:{served_port}/tolka")
    try:
        for _ in range(200):
            try:
                await client.connect()
                break
            except (TimeoutError, OSError):
                assert process.poll() is None, process.communicate()[1]
                await asyncio.sleep(0.2)
        speed = await node(source, SPEED)
        await speed.write_value(ua.DataValue(ua.Variant(3000.0, ua.VariantType.Double)))
        uri, identifier = SC_107.removeprefix("nsu=").split(";")
        sc_107 = client.get_node(f"ns={await client.get_namespace_index(uri)};{identifier}")
        for _ in range(100):
            if await sc_107.read_value() == pytest.approx(50.0):
                break
            await asyncio.sleep(0.1)
        assert await sc_107.read_value() == pytest.approx(50.0)
        await client.disconnect()
    finally:
        process.send_signal(signal.SIGINT)
        errors = await asyncio.to_thread(lambda: process.communicate(timeout=30)[1])
        await source.stop()
    assert process.returncode == 0, errors
    assert f"proxying 2 variables from opc.tcp://127.0.0.1:{source_port}" in errors
    assert "stopped; connected:" in errors
    assert "0 failed, 0 dropped" in errors


def test_a_target_model_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    translator = tmp_path / "a-b.json"
    write_translator(
        SPEC.__class__(SPEC.source, SPEC.target.__class__("urn:nowhere", SPEC.target.format), SPEC.rules),
        translator,
    )
    result = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "proxy", "--source", "opc.tcp://127.0.0.1:1",
         "--translator", str(translator), "--allow-anonymous"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        "the target model 'urn:nowhere' is not a file: give its NodeSet2 file with --target-model"
        in result.stderr
    )
