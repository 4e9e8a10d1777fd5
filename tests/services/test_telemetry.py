"""The metrics and health server of the long-running commands, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric

from services.telemetry import ReadingCollector, Telemetry, TelemetryError

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Service:
    """Counters kept by a service, read at each scrape."""

    def __init__(self) -> None:
        self.handled = 0
        self.status = "ok"

    def metrics(self) -> Iterator[Metric]:
        yield CounterMetricFamily("demo_handled", "Things handled", value=self.handled)

    def health(self) -> dict[str, Any]:
        return {"status": self.status, "counters": {"handled": self.handled}}


def telemetry(service: Service) -> Telemetry:
    registry = CollectorRegistry()
    registry.register(ReadingCollector(service.metrics))
    return Telemetry(registry, service.health, port=0)


async def test_metrics_and_health_are_read_from_the_service_at_each_request() -> None:
    service = Service()
    async with telemetry(service) as server, httpx.AsyncClient(base_url=server.url) as client:
        assert server.port > 0  # port 0: a free one, known once started
        first = await client.get("/metrics")
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("text/plain; version=")
        assert "demo_handled_total 0.0" in first.text
        service.handled = 3
        assert "demo_handled_total 3.0" in (await client.get("/metrics?x=1")).text  # the query is ignored
        answer = await client.get("/health")
        assert (answer.status_code, answer.headers["content-type"]) == (200, "application/json")
        assert answer.json() == {"status": "ok", "counters": {"handled": 3}}


@pytest.mark.parametrize(("status", "code"), [("ok", 200), ("degraded", 200), ("down", 503), ("odd", 503)])
async def test_health_answers_503_when_down(status: str, code: int) -> None:
    service = Service()
    service.status = status
    async with telemetry(service) as server, httpx.AsyncClient(base_url=server.url) as client:
        answer = await client.get("/health")
    assert answer.status_code == code
    assert answer.json()["status"] == status


async def test_other_paths_and_methods_are_refused_and_head_has_no_body() -> None:
    async with telemetry(Service()) as server, httpx.AsyncClient(base_url=server.url) as client:
        assert (await client.get("/")).status_code == 404
        assert (await client.get("/metrics/extra")).status_code == 404
        posted = await client.post("/metrics", content=b"x")
        assert posted.status_code == 405
        assert posted.headers["allow"] == "GET, HEAD"
        head = await client.head("/metrics")
        assert head.status_code == 200
        assert head.content == b""
        assert int(head.headers["content-length"]) > 0


async def test_a_client_that_sends_no_http_gets_nothing_and_the_server_goes_on() -> None:
    async with telemetry(Service()) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"hello there\r\n\r\n")
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 30) == b""  # closed without an answer
        writer.close()
        async with httpx.AsyncClient(base_url=server.url) as client:
            answer = await client.get("/health")
        assert json.loads(answer.text)["status"] == "ok"


async def test_a_port_in_use_is_named() -> None:
    async with telemetry(Service()) as first:
        taken = Telemetry(CollectorRegistry(), dict, port=first.port)
        with pytest.raises(TelemetryError, match=f"--metrics-port: cannot listen on 127.0.0.1:{first.port}"):
            await taken.start()
