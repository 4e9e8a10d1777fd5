"""``tolka serve`` for real: uvicorn on a free 127.0.0.1 port, two workers, a token, real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson
import pytest
import websockets

from tests.paths import ROOT, VENDOR_A, VENDOR_B

TOKEN = "test-token-5f2a"
SPEED_A = "nsu=http://tolka.dev/demo/VendorA/;i=6061"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tolka(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from services.cli import main; main()", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@contextmanager
def serving(data_dir: Path, token: str, workers: int = 2) -> Iterator[str]:
    """``tolka serve`` on a free 127.0.0.1 port with ``workers`` and a ``token``, yielding its URL; on
    exit it is stopped with SIGTERM and must exit 0 and free its port."""
    port = free_port()
    process = tolka(
        "serve", "--port", str(port), "--workers", str(workers), "--data-dir", str(data_dir),
        env={"TOLKA_TOKENS": token},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"tolka serve did not come up: {process.communicate()[0]}")
        time.sleep(0.2)
    yield url
    process.send_signal(signal.SIGTERM)
    try:
        output = process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("tolka serve did not stop on SIGTERM")
    assert process.returncode == 0, output
    with socket.socket() as s:  # nothing listens on the port any more (closed connections may linger)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path / "data", TOKEN) as url:
        yield url


def test_upload_match_review_compile_translate_over_http_and_websocket(server: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as client:
        assert httpx.get(f"{server}/models").status_code == 401
        ids = []
        for path in (VENDOR_A, VENDOR_B):
            response = client.post("/models", files={"file": (path.name, path.read_bytes())})
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        started = client.post("/alignments", json={"source": ids[0], "target": ids[1]}).json()
        deadline = time.monotonic() + 180
        while (job := client.get(f"/jobs/{started['job']}").json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["state"] == "done", job
        alignment = started["alignment"]
        cs = client.get(f"/alignments/{alignment}").json()["correspondences"]
        speed = next(c for c in cs if c["subject_id"] == SPEED_A)
        reviewed = client.patch(
            f"/alignments/{alignment}/correspondences/{speed['id']}", json={"status": "accepted", "who": "ci"}
        )
        assert reviewed.json()["status"] == "accepted"
        created = client.post(
            "/translators", json={"alignment": alignment, "accepted_only": True, "target_format": "json"}
        )
        assert created.status_code == 201, created.text
        translator = created.json()["id"]
        rules = client.get(f"/translators/{translator}").json()["rules"]
        assert [r["source_id"] for r in rules] == [SPEED_A]  # only the accepted pair
        field = rules[0]["source"]

        def message(rpm: float) -> dict[str, object]:
            payload = {field: {"Value": rpm, "SourceTimestamp": "2026-11-01T10:00:00Z"}}
            return {"MessageId": "m", "MessageType": "ua-data", "Messages": [{"Payload": payload}]}

        one = client.post(f"/translators/{translator}/translate", json=message(1500.0)).json()
        assert one["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] == pytest.approx(25.0)
        batch = client.post(
            f"/translators/{translator}/translate", json=[message(60.0 * k) for k in range(100)]
        )
        values = [m["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] for m in batch.json()]
        assert values == pytest.approx([float(k) for k in range(100)])

    async def stream() -> list[object]:
        url = server.replace("http", "ws") + f"/translators/{translator}/stream"
        async with websockets.connect(url, additional_headers=headers) as ws:
            for k in range(50):
                await ws.send(orjson.dumps(message(60.0 * k)))
            return [orjson.loads(await ws.recv()) for _ in range(50)]

    got = asyncio.run(stream())
    assert [g["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] for g in got] == pytest.approx(list(range(50)))  # type: ignore[index]


def test_serve_refuses_an_open_non_loopback_address(tmp_path: Path) -> None:
    process = tolka("serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path), env={"TOLKA_TOKENS": ""})
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 2
    assert "refusing to listen on 0.0.0.0 without authentication" in output
