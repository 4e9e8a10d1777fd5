"""A proxy whose run fails is started again after the shared jittered backoff (services/backoff.py):
waits below ceilings that double from 1 s, and the first wait again after a run that worked.

The jitter is pinned (every draw 0.5, so each wait is half its ceiling) and the waits are read from
the supervisor's ``proxy failed`` events: no timing is asserted, only which wait was chosen."""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any

import pytest

from services.gateway import Settings
from services.gateway.proxies import ProxyRunner
from services.gateway.store import Store
from services.gateway.supervisor import RETRY_FIRST, Supervisor
from tests.polling import eventually
from tests.servers import free_port
from tests.services.gateway.conftest import matched
from tests.services.gateway.serving import proxy_body
from tests.services.gateway.test_supervisor import running_app
from tests.services.proxy.test_proxy import vendor_a

pytestmark = pytest.mark.anyio


def _waits(caplog: pytest.LogCaptureFixture, proxy: str) -> list[float]:
    """The ``retry_in`` of every ``proxy failed`` event of ``proxy`` so far, in order."""
    fields: list[dict[str, Any]] = [
        getattr(r, "fields", {}) for r in caplog.records if r.getMessage() == "proxy failed"
    ]
    return [float(f["retry_in"]) for f in fields if f.get("proxy") == proxy]


async def test_a_failed_proxy_backs_off_with_jitter_and_from_the_first_wait_after_a_good_run(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tolka.gateway.supervisor")
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    taken = socket.socket()  # something else listens on the served port: every start fails
    taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    taken.bind(("127.0.0.1", served_port))
    taken.listen()
    try:
        async with contextlib.AsyncExitStack() as stack:  # the app stores the translator and the proxy
            _, client = await running_app(stack, settings)
            _, _, alignment = await matched(client)
            translator = (await client.post("/translators", json={"alignment": alignment})).json()["id"]
            body = proxy_body(translator, source_port, f"opc.tcp://127.0.0.1:{served_port}")
            started = await client.post("/proxies", json=body)
            assert started.status_code == 201, started.text
            proxy = str(started.json()["id"])
        caplog.clear()  # the app's supervisor (random jitter) has stopped; from here on, this one's

        store = Store(settings.database)
        supervisor = Supervisor(
            store, ProxyRunner(store, settings.data_dir / "pki"), random=lambda: 0.5, poll_every=0.05
        )
        supervisor.start()
        try:
            assert await eventually(lambda: len(_waits(caplog, proxy)) >= 2, 30), caplog.text
            taken.close()  # the port is free: the next start serves

            def runs(since: str = "") -> bool:
                record = store.get_proxy(proxy)
                return record.state == "connected" and record.started != since

            assert await eventually(runs, 60), store.get_proxy(proxy)
            before, first_run = _waits(caplog, proxy), store.get_proxy(proxy).started
            # half of each ceiling: 1 s, 2 s, 4 s, ... (how many failed depends on the machine's pace)
            assert before == [RETRY_FIRST * 0.5 * 2**k for k in range(len(before))]

            supervisor.runner.running[proxy].stop.set()  # its run ends on its own, cleanly
            assert await eventually(lambda: len(_waits(caplog, proxy)) > len(before), 30), caplog.text
            assert _waits(caplog, proxy)[len(before)] == RETRY_FIRST * 0.5  # from the first wait again
            assert await eventually(lambda: runs(since=first_run), 60), store.get_proxy(proxy)
        finally:
            await supervisor.close()
            store.close()
    finally:
        taken.close()
        await source.stop()
