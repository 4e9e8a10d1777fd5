"""What a proxy has done so far, and the one line that reports it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Counters", "describe"]


@dataclass
class Counters:
    """What the proxy has done so far.

    Attributes:
        received: data changes from the source; translated: written to the target; failed: changes
            a transform refused; dropped: translated changes the target refused; written_back: client
            writes carried to the source; reconnects: times the source came back; state:
            ``connecting``, ``connected`` or ``disconnected``; gaps: ``(lost, back)`` ISO times of
            each outage.
        writes_refused: client writes that did not reach the source (it refused them, or was away);
        last_change: when the last change from the source's subscription reached the target
            (``time.time()``; 0 before the first); lag: seconds from that change's source timestamp to
            then (the source's clock against this machine's: meaningful when both keep time).
    """

    received: int = 0
    translated: int = 0
    failed: int = 0
    dropped: int = 0
    written_back: int = 0
    reconnects: int = 0
    state: str = "connecting"
    gaps: list[tuple[str, str]] = field(default_factory=list)
    writes_refused: int = 0
    last_change: float = 0.0
    lag: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe(counters: Counters, started: float, extra: Sequence[str] = ()) -> str:
    """One log line of the counters."""
    seconds = max(time.monotonic() - started, 1e-9)
    c = counters
    return (
        f"{c.state}: {c.received} received, {c.translated} translated ({c.translated / seconds:,.0f}/s), "
        f"{c.failed} failed, {c.dropped} dropped, {c.written_back} written back, {c.reconnects} reconnects"
        + "".join(f"; {e}" for e in extra)
    )
