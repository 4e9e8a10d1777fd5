"""What a bridge has done so far, and the one line that reports it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Counters", "describe"]


@dataclass
class Counters:
    """A bridge's counts since it started.

    Attributes:
        received: messages read from the broker (redeliveries included); translated: translations
            published (and acknowledged by the broker at QoS 1); dead_lettered: messages published to
            the dead-letter topic with their error; duplicates: redeliveries of a message this instance
            had already published (acknowledged again, not published twice); redelivered: messages
            the broker marked as sent before (DUP flag); reconnects: times the broker came back;
            state: ``connecting``, ``connected``, ``disconnected``, ``stopping`` or ``stopped``.
        failed: messages the translator refused (each goes to the dead-letter topic; one the broker
            sends again is refused again, and counted again); last_received: when the last message
            arrived (``time.time()``; 0 before the first).
    """

    received: int = 0
    translated: int = 0
    dead_lettered: int = 0
    duplicates: int = 0
    redelivered: int = 0
    reconnects: int = 0
    state: str = "connecting"
    failed: int = 0
    last_received: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe(counters: Counters, started: float) -> str:
    """One line of the counters, with the rate of translations since ``started`` (``time.monotonic``)."""
    c = counters
    seconds = max(time.monotonic() - started, 1e-9)
    return (
        f"{c.state}: {c.received} received, {c.translated} translated ({c.translated / seconds:,.0f}/s), "
        f"{c.dead_lettered} dead-lettered, {c.duplicates} duplicates, {c.redelivered} redelivered, "
        f"{c.reconnects} reconnects"
    )
