"""Running a long-lived service from a command (``tolka proxy``, ``tolka bridge``) until Ctrl-C or SIGTERM.

The service is a ``run(stop, ready)`` coroutine function, as :meth:`services.proxy.build.BuiltProxy.run`
and :meth:`services.bridge.runtime.Bridge.run` are: it sets ``ready`` once it works and returns soon
after ``stop`` is set. Standard error gets one line once it is ready, a counter line every few seconds,
and a last line when it stops.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

__all__ = ["Service", "run_until_stopped"]

Service = Callable[[asyncio.Event, asyncio.Event], Coroutine[Any, Any, None]]


def _say(text: str) -> None:
    print(f"tolka: {text}", file=sys.stderr, flush=True)


def run_until_stopped(
    service: Service,
    *,
    banner: Callable[[], str],
    status: Callable[[float], str],
    every: float,
    final: Callable[[float], str] | None = None,
    final_after_error: bool = True,
) -> None:
    """Run ``service`` until SIGINT or SIGTERM.

    Args:
        banner: the line printed once the service is ready.
        status: the counter line, given the ``time.monotonic()`` the service started at; printed every
            ``every`` seconds once ready.
        final: the line after ``stopped;`` at the end (default: ``status``).
        final_after_error: print the last line also when the service fails (its error follows it).
    """
    asyncio.run(_run(service, banner, status, every, final or status, final_after_error))


async def _run(
    service: Service,
    banner: Callable[[], str],
    status: Callable[[float], str],
    every: float,
    final: Callable[[float], str],
    final_after_error: bool,
) -> None:
    stop, ready = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started = time.monotonic()
    task = asyncio.create_task(service(stop, ready))

    async def report() -> None:
        await ready.wait()
        _say(banner())
        while True:
            await asyncio.sleep(every)
            _say(status(started))

    reporter = asyncio.create_task(report())
    failed = True
    try:
        await task
        failed = False
    finally:
        reporter.cancel()
        if final_after_error or not failed:
            _say(f"stopped; {final(started)}")
