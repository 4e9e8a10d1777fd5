"""Proxies started through the real ``tolka serve --workers 2``: stored, run by one supervisor, started
again after a restart of the service and after the death of their supervisor's worker, and answered
the same by both workers."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import pytest
from asyncua.client.client import Client

from services.gateway.store import Store
from tests.polling import eventually, wait_until
from tests.servers import connects, free_port
from tests.services.gateway.conftest import matched
from tests.services.gateway.serving import (
    WORKER,
    Serving,
    proxy_body,
    served_value,
    set_speed,
    start_serving,
    stop_serving,
)
from tests.services.proxy.test_proxy import vendor_a

pytestmark = pytest.mark.anyio

SAME = (
    "id", "translator", "source", "serve", "write_to", "created", "started", "state", "error", "desired",
    "supervisor", "received", "translated", "failed", "dropped", "written_back", "reconnects", "gaps",
)  # fmt: skip
"""What every worker must answer alike (``updated`` moves on every second)."""
SECRET = "op-secret-7c1e"
LEASE = {"TOLKA_PROXY_LEASE_TTL": "5", "TOLKA_PROXY_LEASE_RENEW": "1"}
"""The proxies' lease of the service (10 s, renewed every 2 s by default), shorter: the test waits for it
to expire once, after the death of its holder. A holder must still stall 4 s to lose it."""


def by_worker(url: str, path: str, least: int = 20, timeout: float = 60.0) -> dict[str, list[httpx.Response]]:
    """``GET path``, each on a fresh connection (the kernel hands each to one of the workers), until both
    workers answered and ``least`` answers came: the answers by the pid of the worker that gave them."""
    answers: dict[str, list[httpx.Response]] = defaultdict(list)

    def ask() -> bool:
        response = httpx.get(url + path, timeout=10)
        assert response.status_code == 200, response.text
        answers[response.headers[WORKER]].append(response)
        return len(answers) >= 2 and sum(len(a) for a in answers.values()) >= least

    wait_until(ask, timeout, interval=0.01)
    return dict(answers)


def supervisor_pid(answer: dict[str, Any]) -> int:
    return int(answer["supervisor"].rsplit(":", 2)[1])


async def test_a_proxy_outlives_restarts_and_its_supervisor_and_every_worker_answers_the_same(
    tmp_path: Path,
) -> None:
    source_port, served_port, port = free_port(), free_port(), free_port()
    served = f"opc.tcp://127.0.0.1:{served_port}"
    data, log = tmp_path / "data", tmp_path / "serve.log"
    source = await vendor_a(source_port)
    serving: Serving | None = None
    try:
        serving = await asyncio.to_thread(start_serving, data, log, workers=2, port=port, env=LEASE)
        async with httpx.AsyncClient(base_url=serving.url, timeout=60) as client:
            _, _, alignment = await matched(client)
            created = await client.post("/translators", json={"alignment": alignment})
            translator = created.json()["id"]
            users = [{"username": "op", "password": SECRET}]
            body = proxy_body(translator, source_port, served, users=users, allow_insecure_password=True)
            started = await client.post("/proxies", json=body)
            assert started.status_code == 201, started.text
            proxy = started.json()["id"]
            assert started.json()["desired"] == "running"
            again = await client.post("/proxies", json=body)
            assert again.status_code == 409  # one proxy per served endpoint
            assert proxy in again.json()["detail"]
        await set_speed(source, 1500.0)
        assert await served_value(served, 25.0) == pytest.approx(25.0), serving.output()

        await asyncio.to_thread(stop_serving, serving)
        serving = None
        assert not await connects(Client(served, timeout=2))  # the proxy stopped with the service
        store = Store(data / "tolka.db")
        try:
            kept = store.get_proxy(proxy)
            assert (kept.desired, kept.state, kept.supervisor) == ("running", "stopped", "")
            assert SECRET in str(kept.config)  # kept to log in to the source, serve its users again
            assert SECRET not in repr(kept)
        finally:
            store.close()

        serving = await asyncio.to_thread(start_serving, data, log, workers=2, port=port, env=LEASE)
        await set_speed(source, 3000.0)
        assert await served_value(served, 50.0) == pytest.approx(50.0), serving.output()
        url = f"{serving.url}/proxies/{proxy}"

        def settled() -> bool:  # the supervisor wrote the 3000 rpm it translated
            answer = httpx.get(url, timeout=10).json()
            return bool(answer["state"] == "connected" and answer["translated"] >= 1)

        assert await asyncio.to_thread(wait_until, settled, 30.0, 0.2), httpx.get(url).text
        answers = await asyncio.to_thread(by_worker, serving.url, f"/proxies/{proxy}")
        assert len(answers) == 2, answers.keys()  # both workers answered ...
        seen = {tuple(str(r.json()[k]) for k in SAME) for rs in answers.values() for r in rs}
        assert len(seen) == 1, seen  # ... the same
        answer = next(iter(answers.values()))[0].json()
        assert answer["state"] == "connected"
        assert supervisor_pid(answer) in {int(pid) for pid in answers}  # one of them runs it
        listed = await asyncio.to_thread(by_worker, serving.url, "/proxies", 6)
        assert {r.json()[0]["id"] for rs in listed.values() for r in rs} == {proxy}
        assert all(SECRET not in r.text for rs in [*answers.values(), *listed.values()] for r in rs)
        scrapes = await asyncio.to_thread(by_worker, serving.url, "/metrics", 6)
        proxy_lines = {
            "\n".join(line for line in r.text.splitlines() if line.startswith("tolka_proxy_"))
            for rs in scrapes.values()
            for r in rs
        }
        assert len(proxy_lines) == 1, proxy_lines  # the supervisor's figures, from the store, on every worker
        assert f'tolka_proxy_connected{{proxy="{proxy}"}} 1.0' in next(iter(proxy_lines))

        # its supervisor's worker dies: another worker takes the lease once it expires and starts it again
        holder = supervisor_pid(answer)
        os.kill(holder, signal.SIGKILL)

        def taken_over() -> dict[str, Any] | None:
            try:
                now = httpx.get(url, timeout=10).json()
            except httpx.TransportError:
                return None
            moved = now["supervisor"] and supervisor_pid(now) != holder and now["state"] == "connected"
            return now if moved else None

        assert await asyncio.to_thread(wait_until, taken_over, 90.0, 0.2), httpx.get(url).text
        await set_speed(source, 600.0)
        assert await served_value(served, 10.0) == pytest.approx(10.0), serving.output()

        async def reported() -> bool:
            answer = httpx.get(url, timeout=10).json()
            return bool(answer["translated"] >= 1)

        assert await eventually(reported, 30.0, 0.2)
        await asyncio.to_thread(stop_serving, serving)
        serving = None
    finally:
        if serving is not None:
            serving.process.kill()
            serving.process.wait()
        await source.stop()
