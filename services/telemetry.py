"""``GET /metrics`` and ``GET /health`` of a long-running command (``tolka bridge``, ``tolka proxy``).

One small HTTP/1.1 server on asyncio's own streams, in the command's event loop (no thread, no second
framework): ``/metrics`` is the Prometheus text format of the command's own
:class:`~prometheus_client.CollectorRegistry`, ``/health`` a JSON document whose ``status`` is ``ok``,
``degraded`` or ``down`` (HTTP 200, 200 and 503, so a load balancer or an orchestrator's probe reads
the code alone). Both are computed when asked, from the running service's own counters, so what a
scrape shows is what the service counted. Each response closes its connection; requests other than
``GET`` / ``HEAD`` get 405, other paths 404.

Example:
    >>> async with Telemetry(registry, health, port=9100):  # doctest: +SKIP
    ...     await service.run(stop, ready)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Final

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from translator.errors import TolkaError

__all__ = ["HEALTH_CODES", "ReadingCollector", "Telemetry", "TelemetryError"]

log = logging.getLogger("tolka.telemetry")

HEALTH_CODES: Final = {"ok": 200, "degraded": 200, "down": 503}
"""The HTTP status of ``/health`` for each overall status."""
_REASONS: Final = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}
_HANG_UPS: Final = (
    TimeoutError,
    ConnectionError,
    ValueError,
    asyncio.IncompleteReadError,
    asyncio.LimitOverrunError,
)
"""A client that hung up, was too slow, or sent no HTTP request."""
_MAX_HEADERS: Final = 100
_READ_TIMEOUT: Final = 10.0


class TelemetryError(TolkaError):
    """The metrics server cannot listen where it was told to (``option`` names the option)."""

    def __init__(self, message: str, *, option: str = "--metrics-port") -> None:
        self.option = option
        super().__init__(f"{option}: {message}")


class ReadingCollector(Collector):
    """A Prometheus collector whose metrics ``read`` makes at each scrape (from counters kept elsewhere)."""

    def __init__(self, read: Callable[[], Iterable[Metric]]) -> None:
        self._read = read

    def collect(self) -> Iterable[Metric]:
        return self._read()


class Telemetry:
    """Serve ``registry`` on ``/metrics`` and ``health()`` on ``/health`` at ``host``:``port``.

    Args:
        registry: the metrics (each service its own registry).
        health: the health document; its ``status`` (``ok``, ``degraded`` or ``down``) chooses the code.
        host, port: where to listen (port 0: any free port, see :attr:`port` once started).
    """

    def __init__(
        self,
        registry: CollectorRegistry,
        health: Callable[[], Mapping[str, Any]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.registry = registry
        self.health = health
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Listen (``port`` is the bound one from now on).

        Raises:
            TelemetryError: the address is taken, or not this machine's.
        """
        try:
            self._server = await asyncio.start_server(self._serve, self.host, self.port, limit=8192)
        except OSError as exc:
            why = os.strerror(exc.errno) if exc.errno else str(exc)
            raise TelemetryError(f"cannot listen on {self.host}:{self.port}: {why}") from None
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 5.0)

    async def __aenter__(self) -> Telemetry:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    def metrics(self) -> bytes:
        """The Prometheus text exposition of the registry, now."""
        return generate_latest(self.registry)

    def health_document(self) -> tuple[int, dict[str, Any]]:
        """The health document now, and its HTTP status."""
        document = dict(self.health())
        return HEALTH_CODES.get(str(document.get("status")), 503), document

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            method, path = await asyncio.wait_for(_request(reader), _READ_TIMEOUT)
            code, kind, body = self._answer(method, path)
            head = (
                f"HTTP/1.1 {code} {_REASONS.get(code, '')}\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n"
                + ("Allow: GET, HEAD\r\n" if code == 405 else "")
                + "\r\n"
            )
            writer.write(head.encode("latin-1") + (b"" if method == "HEAD" else body))
            await writer.drain()
        except _HANG_UPS:
            pass  # it gets nothing more
        except Exception:  # a metric that failed to read: say so, keep serving
            log.exception("the metrics server could not answer")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        if path not in ("/metrics", "/health"):
            return 404, "text/plain; charset=utf-8", b"not found: GET /metrics or /health\n"
        if method not in ("GET", "HEAD"):
            return 405, "text/plain; charset=utf-8", b"GET or HEAD only\n"
        if path == "/metrics":
            return 200, CONTENT_TYPE_LATEST, self.metrics()
        code, document = self.health_document()
        return code, "application/json", json.dumps(document, default=str).encode("utf-8") + b"\n"


async def _request(reader: asyncio.StreamReader) -> tuple[str, str]:
    """The method and path (query dropped) of one request; its headers are read and ignored.

    Raises:
        ValueError: a request line that is not ``METHOD TARGET HTTP/x``, or too many headers.
    """
    line = (await reader.readuntil(b"\n")).decode("latin-1").strip()
    parts = line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ValueError(f"not an HTTP request line: {line[:80]!r}")
    for _ in range(_MAX_HEADERS):
        if (await reader.readuntil(b"\n")).strip() == b"":
            return parts[0].upper(), parts[1].split("?", 1)[0]
    raise ValueError("too many headers")
