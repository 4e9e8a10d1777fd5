"""``tolka serve`` for real: uvicorn on a free 127.0.0.1 port, two workers, a token, real HTTP and WebSocket;\n/metrics adding up both workers; JSON log lines."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from tests.paths import VENDOR_A, VENDOR_B
from tests.polling import wait_until
from tests.servers import gateway_serving, tolka_process
from tests.services.gateway.serving import WORKER, start_serving, stop_serving

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


def test_metrics_add_up_every_worker(tmp_path: Path) -> None:
    serving = start_serving(tmp_path / "data", tmp_path / "serve.log", workers=2)
    try:
        sent: dict[str, int] = {}

        def request() -> bool:  # each on a fresh connection, so that both workers get some
            response = httpx.get(f"{serving.url}/models", timeout=10)
            assert response.status_code == 200
            sent[response.headers[WORKER]] = sent.get(response.headers[WORKER], 0) + 1
            return len(sent) == 2 and sum(sent.values()) >= 50

        assert wait_until(request, 60.0, interval=0.01), sent
        total = sum(sent.values())
        scrapes: dict[str, list[str]] = {}

        def scrape() -> bool:
            response = httpx.get(f"{serving.url}/metrics", timeout=10)
            assert response.status_code == 200
            scrapes.setdefault(response.headers[WORKER], []).append(response.text)
            return len(scrapes) == 2 and sum(len(s) for s in scrapes.values()) >= 6

        assert wait_until(scrape, 60.0, interval=0.01), scrapes.keys()
        for worker, texts in scrapes.items():
            for text in texts:
                samples = {
                    (s.name, tuple(sorted(s.labels.items()))): s.value
                    for family in text_string_to_metric_families(text)
                    for s in family.samples
                }
                models = (("method", "GET"), ("route", "/models"), ("status", "200"))
                assert samples[("tolka_http_requests_total", models)] == total, (worker, sent)
                count = ("tolka_http_request_seconds_count", models[:2])
                assert samples[count] == total, (worker, sent)
        assert set(sent) == set(scrapes)  # the same two workers
    finally:
        stop_serving(serving)
    files = {f.name for f in (tmp_path / "data" / "metrics").glob("counter_*.db")}
    assert {f"counter_{pid}.db" for pid in sent} <= files  # each worker counted in a file of its own


def test_serve_logs_json_lines_uvicorn_included(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    serving = start_serving(tmp_path / "data", log, "--log-format", "json", "--access-log", workers=2)
    try:
        assert httpx.get(f"{serving.url}/models", timeout=10).status_code == 200
        assert httpx.get(f"{serving.url}/models/m-missing", timeout=10).status_code == 404
    finally:
        output = stop_serving(serving)
    refused = tolka_process("serve", "--host", "0.0.0.0", "--log-format", "json", env={"TOLKA_TOKENS": ""})
    output += refused.communicate(timeout=60)[0]
    assert refused.returncode == 2
    lines = [orjson.loads(line) for line in output.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "component", "event", "logger"} <= line.keys() for line in lines), lines
    assert {line["component"] for line in lines} == {"serve"}
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "uvicorn.access", "tolka.serve", "tolka.gateway.supervisor"} <= loggers, loggers
    assert any('"GET /models/m-missing HTTP/1.1" 404' in line["event"] for line in lines)
    assert any(line["event"] == "Application shutdown complete." for line in lines)
    [serving_line] = [line for line in lines if line["event"] == "serving"]
    assert serving_line["workers"] == 2
    assert serving_line["store"] == str((tmp_path / "data" / "tolka.db").resolve())
    [error] = [line for line in lines if line["level"] == "error"]
    assert "refusing to listen on 0.0.0.0 without authentication" in error["event"]
