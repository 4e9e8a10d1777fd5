"""Helpers of the tests that run the real ``tolka serve`` with options of their own and a proxy in it.

``tests.servers.start_gateway`` reads the gateway's output through a pipe at the end; these tests make
it log a lot (an access log line per request, JSON lines), so :func:`start_serving` writes it to a
file instead, which never fills up and stops the gateway.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.server.server import Server
from asyncua.ua.uaerrors import UaStatusCodeError

from tests.paths import ROOT
from tests.polling import eventually, wait_until
from tests.servers import connects, free_port
from tests.services.proxy.test_proxy import A_NS, B_NS

__all__ = ["WORKER", "Serving", "proxy_body", "served_value", "set_speed", "start_serving", "stop_serving"]

WORKER = "Tolka-Worker"
"""The response header that names the worker process (its pid) that answered."""


@dataclass(frozen=True, slots=True)
class Serving:
    """A running ``tolka serve`` and the file its standard output and error go to."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_serving(
    data_dir: Path,
    log: Path,
    *options: str,
    workers: int = 2,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
) -> Serving:
    """``tolka serve --workers N --data-dir DATA_DIR OPTIONS`` on ``port`` (a free one unless given),
    ``env`` added to its environment, once ``/health`` answers; its output (appended) in ``log``."""
    port = port or free_port()
    args = ["serve", "--port", str(port), "--workers", str(workers), "--data-dir", str(data_dir), *options]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from services.cli import main; main()", *args],
            cwd=ROOT,
            env={**os.environ, "TOLKA_TOKENS": "", **(env or {})},
            stdout=out,
            stderr=out,
        )
    serving = Serving(process, port, log)

    def healthy() -> bool:
        try:
            return httpx.get(f"{serving.url}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(lambda: process.poll() is not None or healthy(), timeout, interval=0.2)
    if process.poll() is not None or not healthy():
        process.kill()
        process.wait()
        pytest.fail(f"tolka serve did not come up: {serving.output()}")
    return serving


def stop_serving(serving: Serving, timeout: float = 60.0) -> str:
    """SIGTERM, and the gateway's output once it has shut down cleanly (the test fails otherwise)."""
    serving.process.send_signal(signal.SIGTERM)
    try:
        serving.process.wait(timeout)
    except subprocess.TimeoutExpired:
        serving.process.kill()
        serving.process.wait()
        pytest.fail(f"tolka serve did not stop on SIGTERM: {serving.output()}")
    output = serving.output()
    assert "Application shutdown complete." in output, output
    assert serving.process.returncode in (0, -signal.SIGTERM), output
    return output


def proxy_body(translator: str, source_port: int, served: str, **more: Any) -> dict[str, Any]:
    """``POST /proxies``: vendor A's server at ``source_port`` through ``translator``, served at ``served``
    without security (the test machine offers none), anonymous clients reading."""
    return {
        "translator": translator,
        "source": f"opc.tcp://127.0.0.1:{source_port}",
        "source_security": "None",
        "serve": served,
        "serve_security": ["None"],
        "allow_anonymous": True,
        **more,
    }


async def set_speed(source: Server, rpm: float) -> None:
    """Vendor A's Speed (ns=A;i=6061), in RPM."""
    ns = await source.get_namespace_index(A_NS)
    await source.get_node(f"ns={ns};i=6061").write_value(ua.DataValue(ua.Variant(rpm, ua.VariantType.Double)))


async def served_value(served: str, expected: float, timeout: float = 60.0) -> float | None:
    """Vendor B's SC_107 (Hz) read from the proxy's served endpoint until it is ``expected`` (or the
    ``timeout`` passed): the last value read, None when nothing could be read."""
    client = Client(served, timeout=4)
    if not await eventually(lambda: connects(client), timeout, interval=0.5):
        return None
    try:
        node = client.get_node(f"ns={await client.get_namespace_index(B_NS)};i=6020")

        async def read() -> float | None:
            with contextlib.suppress(UaStatusCodeError):  # BadWaitingForInitialData while it starts
                value = await node.read_value()
                return float(value) if value is not None else None
            return None

        async def arrived() -> bool:
            value = await read()
            return value is not None and abs(value - expected) < 1e-6

        await eventually(arrived, timeout, interval=0.2)
        return await read()
    finally:
        with contextlib.suppress(Exception):
            await client.disconnect()
