"""Running a long-lived service from a command (``tolka proxy``, ``tolka bridge``) until Ctrl-C or SIGTERM.

The service is a ``run(stop, ready)`` coroutine function, as :meth:`services.proxy.build.BuiltProxy.run`
and :meth:`services.bridge.runtime.Bridge.run` are: it sets ``ready`` once it works and returns soon
after ``stop`` is set. What it says are log events of the logger ``tolka.service`` (at INFO, whatever
the other loggers' level): ``ready`` once it works (the banner), ``status`` every few seconds (the
counter line), ``stopped`` when it stops (and ``note``, ``telemetry``, ``error``). In ``--log-format
text`` (the default) each is the line it always was, ``tolka: <line>``; in ``--log-format json`` one
JSON object (:mod:`services.logs`) with ``event``, ``message`` (that line), ``counters`` (an object)
and ``uptime_seconds``. With a :class:`~services.telemetry.Telemetry`, ``GET /metrics`` and
``GET /health`` are served from before the service starts until it has stopped.

The options every such command shares are here too: ``--log-format``, ``--metrics-port``,
``--metrics-host``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine, Iterator, Mapping
from typing import Annotated, Any

import typer

from services.cli.errors import EXIT_BAD_INPUT
from services.logs import LOG_FORMATS, configure_logging, log_event
from services.telemetry import Telemetry
from translator.errors import TolkaError

__all__ = [
    "LogFormatOption",
    "MetricsHostOption",
    "MetricsPortOption",
    "Service",
    "logging_for",
    "run_until_stopped",
    "say",
]

Service = Callable[[asyncio.Event, asyncio.Event], Coroutine[Any, Any, None]]

log = logging.getLogger("tolka.service")
"""The service's own lines: ready, status, stopped, notes."""
log.setLevel(logging.INFO)


def _log_format(value: str) -> str:
    if value not in LOG_FORMATS:
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(LOG_FORMATS)}")
    return value


LogFormatOption = Annotated[
    str,
    typer.Option(
        "--log-format",
        help="text: the lines people read (tolka: ...); json: one JSON object a line on standard error "
        "(time, level, component, event, fields such as the counters), for a log shipper.",
        callback=_log_format,
        metavar="[text|json]",
    ),
]
MetricsPortOption = Annotated[
    int | None,
    typer.Option(
        "--metrics-port",
        help="Serve GET /metrics (Prometheus) and GET /health (JSON: ok, degraded or down, 503 when down) "
        "on this port. Off by default.",
        min=1,
        max=65535,
        show_default=False,
    ),
]
MetricsHostOption = Annotated[
    str,
    typer.Option("--metrics-host", help="The address --metrics-port listens on (0.0.0.0: every interface)."),
]


@contextlib.contextmanager
def logging_for(log_format: str, component: str) -> Iterator[None]:
    """Log as ``log_format`` says for ``component`` (asyncua's chatter only from errors up). In JSON,
    Python's warnings become log records too, and a Tolka error is one ``error`` event (exit status
    2), so that every line on standard error is JSON."""
    configure_logging(log_format, component)
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    if log_format != "json":
        yield
        return
    logging.captureWarnings(True)
    try:
        yield
    except (TolkaError, OSError) as exc:
        log_event(log, "error", logging.ERROR, message=str(exc))
        raise typer.Exit(EXIT_BAD_INPUT) from None


def say(event: str, text: str, log_format: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``text`` as ``tolka: <text>`` in text; in JSON as ``event`` with ``message`` and ``fields``."""
    if log_format == "json":
        log_event(log, event, level, message=text, **fields)
    else:
        log.log(level, "%s", text)


def run_until_stopped(
    service: Service,
    *,
    banner: Callable[[], str],
    status: Callable[[float], str],
    every: float,
    final: Callable[[float], str] | None = None,
    final_after_error: bool = True,
    log_format: str = "text",
    counters: Callable[[], Mapping[str, Any]] | None = None,
    details: Callable[[], Mapping[str, Any]] | None = None,
    telemetry: Telemetry | None = None,
) -> None:
    """Run ``service`` until SIGINT or SIGTERM (the caller has set up logging: :func:`logging_for`).

    Args:
        banner: the line once the service is ready.
        status: the counter line, given the ``time.monotonic()`` the service started at; logged every
            ``every`` seconds once ready.
        final: the line after ``stopped;`` at the end (default: ``status``).
        final_after_error: log the last line also when the service fails (its error follows it).
        log_format: ``text`` or ``json``.
        counters: the counters, as fields of the JSON events (``counters``).
        details: more fields of the JSON ``ready`` event (what the service reads and writes).
        telemetry: the ``/metrics`` and ``/health`` server to run alongside.

    Raises:
        TelemetryError: the metrics server cannot listen where it was told to.
    """
    asyncio.run(
        _run(
            service, banner, status, every, final or status, final_after_error,
            _Lines(log_format, counters, details), telemetry,
        )
    )  # fmt: skip


class _Lines:
    """The service's lines: as they read in text, with their fields (uptime, details, counters) in JSON."""

    def __init__(
        self,
        log_format: str,
        counters: Callable[[], Mapping[str, Any]] | None,
        details: Callable[[], Mapping[str, Any]] | None,
    ) -> None:
        self.log_format = log_format
        self._counters = counters
        self._details = details

    def say(self, event: str, text: str, started: float, ready: bool = False) -> None:
        fields: dict[str, Any] = {}
        if self.log_format == "json":
            fields["uptime_seconds"] = round(time.monotonic() - started, 3)
            if ready and self._details is not None:
                fields.update(self._details())
            if self._counters is not None:
                fields["counters"] = dict(self._counters())
        say(event, text, self.log_format, **fields)


async def _run(
    service: Service,
    banner: Callable[[], str],
    status: Callable[[float], str],
    every: float,
    final: Callable[[float], str],
    final_after_error: bool,
    lines: _Lines,
    telemetry: Telemetry | None,
) -> None:
    async with contextlib.AsyncExitStack() as serving:
        started = time.monotonic()
        if telemetry is not None:
            await serving.enter_async_context(telemetry)
            say(
                "telemetry",
                f"metrics at {telemetry.url}/metrics, health at {telemetry.url}/health",
                lines.log_format,
                url=telemetry.url,
            )
        stop, ready = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        task = asyncio.create_task(service(stop, ready))

        async def report() -> None:
            await ready.wait()
            lines.say("ready", banner(), started, ready=True)
            while True:
                await asyncio.sleep(every)
                lines.say("status", status(started), started)

        reporter = asyncio.create_task(report())
        failed = True
        try:
            await task
            failed = False
        finally:
            reporter.cancel()
            if final_after_error or not failed:
                lines.say("stopped", f"stopped; {final(started)}", started)
