"""The proxies' supervisor in process: two apps on one store (as two workers are), one runs the proxies;
they move to the other when it stops; a lease taken over stops them; a proxy that fails is tried again."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from asyncua.client.client import Client
from fastapi import FastAPI

from services.gateway import Settings, create_app
from services.gateway.store import PROXY_LEASE
from tests.polling import eventually
from tests.servers import connects, free_port
from tests.services.gateway.conftest import matched
from tests.services.gateway.serving import proxy_body, served_value, set_speed
from tests.services.proxy.test_proxy import vendor_a

pytestmark = pytest.mark.anyio

SAME = ("id", "state", "desired", "supervisor", "started", "received", "translated", "failed", "gaps")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The apps renew (or try to take) the proxies' lease every 0.5 s instead of every 2 s: a lease freed
    or expired is taken sooner, a lease taken over is noticed sooner."""
    return Settings(data_dir=tmp_path / "data", proxy_lease_renew=0.5)


async def running_app(
    stack: contextlib.AsyncExitStack, settings: Settings
) -> tuple[FastAPI, httpx.AsyncClient]:
    """An app on ``settings``' store, started, and its in-process client, both closed with ``stack``."""
    app = create_app(settings)
    await stack.enter_async_context(app.router.lifespan_context(app))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tolka")
    await stack.enter_async_context(client)
    return app, client


def owner(app: FastAPI) -> str:
    return str(app.state.gateway.supervisor.owner)


async def closed(url: str) -> bool:
    client = Client(url, timeout=1)
    if await connects(client):
        await client.disconnect()
        return False
    return True


async def test_two_apps_on_one_store_run_a_proxy_once_and_hand_it_over(settings: Settings) -> None:
    source_port, served_port = free_port(), free_port()
    served = f"opc.tcp://127.0.0.1:{served_port}"
    source = await vendor_a(source_port)
    stacks = [contextlib.AsyncExitStack(), contextlib.AsyncExitStack()]
    try:
        (first, a), (second, b) = [await running_app(stack, settings) for stack in stacks]
        _, _, alignment = await matched(a)
        translator = (await b.post("/translators", json={"alignment": alignment})).json()["id"]
        started = await b.post("/proxies", json=proxy_body(translator, source_port, served))
        assert started.status_code == 201, started.text
        proxy = started.json()["id"]
        await set_speed(source, 1500.0)
        assert await served_value(served, 25.0) == pytest.approx(25.0)

        async def alike() -> list[dict[str, Any]]:
            answers = [(await c.get(f"/proxies/{proxy}")).json() for c in (a, b)]
            same = {tuple(str(answer[k]) for k in SAME) for answer in answers}
            counted = answers[0]["translated"] >= 1 and answers[0]["state"] == "connected"
            return answers if counted and len(same) == 1 else []

        answers = await eventually(alike, 30.0)
        assert answers, [(await c.get(f"/proxies/{proxy}")).json() for c in (a, b)]
        holder = answers[0]["supervisor"]
        assert holder in (owner(first), owner(second))  # one of them runs it, the other does not
        running = [len(app.state.gateway.proxies.running) for app in (first, second)]
        assert sorted(running) == [0, 1]

        k = 0 if holder == owner(first) else 1
        other, other_client = (second, b) if k == 0 else (first, a)
        await stacks[k].aclose()  # the holder stops: its proxy stops, the lease is free at once

        async def moved() -> bool:
            answer = (await other_client.get(f"/proxies/{proxy}")).json()
            return bool(answer["supervisor"] == owner(other) and answer["state"] == "connected")

        assert await eventually(moved, 30.0), (await other_client.get(f"/proxies/{proxy}")).json()
        await set_speed(source, 600.0)
        assert await served_value(served, 10.0) == pytest.approx(10.0)
        assert (await other_client.delete(f"/proxies/{proxy}")).status_code == 204
        assert (await other_client.get(f"/proxies/{proxy}")).status_code == 404
        assert (await other_client.get("/proxies")).json() == []
        assert await closed(served)
    finally:
        for stack in stacks:
            await stack.aclose()
        await source.stop()


async def test_a_lease_taken_over_stops_the_proxies_and_a_failed_proxy_is_tried_again(
    settings: Settings, tmp_path: Path
) -> None:
    source_port, served_port = free_port(), free_port()
    served = f"opc.tcp://127.0.0.1:{served_port}"
    source = await vendor_a(source_port)
    taken = socket.socket()  # something else listens on the served port first
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", served_port))
    taken.listen()
    try:
        async with contextlib.AsyncExitStack() as stack:
            app, client = await running_app(stack, settings)
            store = app.state.gateway.store
            _, _, alignment = await matched(client)
            translator = (await client.post("/translators", json={"alignment": alignment})).json()["id"]
            started = await client.post("/proxies", json=proxy_body(translator, source_port, served))
            assert started.status_code == 201, started.text
            url = f"/proxies/{started.json()['id']}"

            async def state() -> str:
                return str((await client.get(url)).json()["state"])

            assert await eventually(lambda: _is(state, "failed"), 30.0), (await client.get(url)).json()
            assert (await client.get(url)).json()["error"]
            taken.close()  # the port is free: the supervisor's next try serves
            assert await eventually(lambda: _is(state, "connected"), 60.0), (await client.get(url)).json()
            await set_speed(source, 1500.0)
            assert await served_value(served, 25.0) == pytest.approx(25.0)

            # another supervisor takes the lease (and dies without ever renewing it): this one stops
            # its proxy at its next renewal, and starts it again once the lease has expired
            mine, before = owner(app), (await client.get(url)).json()["started"]
            store.release_lease(PROXY_LEASE, mine)
            assert store.take_lease(PROXY_LEASE, "elsewhere:1:ghost", ttl=4.0)
            assert await eventually(lambda: not app.state.gateway.proxies.running, 30.0)
            assert await closed(served)

            async def back() -> bool:
                answer = (await client.get(url)).json()
                again = answer["supervisor"] == mine and answer["started"] != before  # a new run
                return bool(again and answer["state"] == "connected")

            assert await eventually(back, 60.0), (await client.get(url)).json()
            await set_speed(source, 600.0)
            assert await served_value(served, 10.0) == pytest.approx(10.0)
    finally:
        taken.close()
        await source.stop()


async def _is(state: Any, wanted: str) -> bool:
    return bool(await state() == wanted)


async def test_the_apps_lease_comes_from_the_settings_and_outlasts_its_renewals(tmp_path: Path) -> None:
    default = Settings(data_dir=tmp_path / "data")
    assert (default.proxy_lease_ttl, default.proxy_lease_renew) == (10.0, 2.0)
    async with contextlib.AsyncExitStack() as stack:
        app, _ = await running_app(stack, Settings(data_dir=tmp_path / "data", proxy_lease_ttl=5.0))
        supervisor = app.state.gateway.supervisor
        assert (supervisor.ttl, supervisor.renew_every) == (5.0, 2.0)
    with pytest.raises(ValueError, match="must be shorter than proxy_lease_ttl"):
        Settings(data_dir=tmp_path / "data", proxy_lease_ttl=2.0)
