"""``tolka serve`` for real: uvicorn on a free 127.0.0.1 port, two workers, a token, real HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import websockets

from tests.paths import VENDOR_A, VENDOR_B
from tests.servers import gateway_serving, tolka_process

TOKEN = "test-token-5f2a"
SPEED_A = "nsu=http://tolka.dev/demo/VendorA/;i=6061"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with gateway_serving(tmp_path / "data", token=TOKEN, workers=2) as gateway:
        yield gateway.url


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
    process = tolka_process(
        "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path), env={"TOLKA_TOKENS": ""}
    )
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 2
    assert "refusing to listen on 0.0.0.0 without authentication" in output
