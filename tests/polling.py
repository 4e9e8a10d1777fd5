"""Waiting in tests by asking again until a deadline, never by sleeping a fixed time and hoping.

Both helpers ask ``check`` every ``interval`` seconds and return its first true result, or its last
(false) result once ``timeout`` seconds have passed: the test asserts on it with a message of its own,
e.g. ``assert await eventually(arrived), "1500 rpm never arrived as 25 Hz"``.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["eventually", "wait_until"]

T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T] | T], timeout: float = 10.0, interval: float = 0.05
) -> T:
    """In a coroutine: ``check`` (a coroutine function or a plain one) until it gives a true value.

    The event loop keeps running between the checks, so a server or a task of this loop goes on.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        value: T = await result if inspect.isawaitable(result) else result  # type: ignore[assignment]
        if value or loop.time() > deadline:
            return value
        await asyncio.sleep(interval)


def wait_until(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.05) -> T:
    """In plain code (processes, threads): ``check`` until it gives a true value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
