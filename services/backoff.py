"""How long to wait before connecting again: exponential backoff with jitter, one helper for every loop.

The bridge's broker connection, the MQTT publishers of the proxy and the gateway, and the proxy's
source connection all retry the same way. Doubling alone makes every instance that lost the same
broker come back at the same instants, in lock step; jitter spreads them out. Two kinds, after
"Exponential Backoff And Jitter" (AWS Architecture Blog, 2015):

- ``full`` (the default): the n-th wait (from 0) is uniform in ``[0, min(cap, first * 2**n))``;
- ``decorrelated``: uniform in ``[first, 3 * previous wait)``, at most ``cap`` — never shorter than
  ``first``, growing from the last wait rather than the attempt count.

:meth:`Backoff.reset` after a success starts again from ``first``. ``random`` (``random.random`` by
default) is injectable, so a test can pin the sequence:

>>> backoff = Backoff(first=0.5, cap=4.0, random=lambda: 0.5)
>>> [backoff.next() for _ in range(6)]
[0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
>>> backoff.reset(); backoff.next()
0.25
"""

from __future__ import annotations

import asyncio
import contextlib
import random as _random
from collections.abc import Callable
from typing import Final

__all__ = ["JITTERS", "Backoff", "wait_unless_stopped"]

JITTERS: Final = ("full", "decorrelated")


class Backoff:
    """Waits between attempts that grow exponentially, with jitter, up to ``cap`` seconds.

    Args:
        first: the first wait's scale (s): full jitter's first upper bound, decorrelated jitter's floor.
        cap: the longest wait (s).
        jitter: ``full`` or ``decorrelated``.
        random: a function giving a float in [0, 1) (``random.random`` unless given).

    Attributes:
        attempts: waits handed out since the last :meth:`reset`.

    Raises:
        ValueError: a jitter that is neither, or ``first`` not in (0, ``cap``].
    """

    def __init__(
        self,
        first: float = 0.5,
        cap: float = 10.0,
        *,
        jitter: str = "full",
        random: Callable[[], float] | None = None,
    ) -> None:
        if jitter not in JITTERS:
            raise ValueError(f"jitter {jitter!r}: use one of {', '.join(JITTERS)}")
        if not 0 < first <= cap:
            raise ValueError(f"backoff from {first} s to {cap} s: the first wait must be > 0 and <= the cap")
        self.first = first
        self.cap = cap
        self.jitter = jitter
        self._random = random or _random.random
        self.attempts = 0
        self._previous = first

    def next(self) -> float:
        """The wait before the next attempt (s)."""
        if self.jitter == "full":
            ceiling = min(self.cap, self.first * 2.0 ** min(self.attempts, 64))
            delay = ceiling * self._random()
        else:
            delay = min(self.cap, self.first + self._random() * (3.0 * self._previous - self.first))
            self._previous = delay
        self.attempts += 1
        return delay

    def reset(self) -> None:
        """A success: the next wait is short again."""
        self.attempts = 0
        self._previous = self.first

    async def wait(self, stop: asyncio.Event) -> float:
        """Wait :meth:`next` seconds, or less when ``stop`` is set meanwhile; the wait it chose."""
        delay = self.next()
        await wait_unless_stopped(stop, delay)
        return delay


async def wait_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds``, or until ``stop`` is set if that comes first."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
