"""Prometheus metrics of the gateway (``GET /metrics``, text format via ``prometheus-client``).

Requests and their latency by method, route template and status; messages translated and failed;
jobs by kind and final state; the counters of the proxies started through the gateway.

With several workers (``tolka serve --workers N``) each worker is its own process, and a scrape
reaches one of them. So ``tolka serve`` runs prometheus-client's multiprocess mode: it sets
``PROMETHEUS_MULTIPROC_DIR`` to a folder it empties at start (DATA_DIR/metrics), every worker's
counters and histograms live in memory-mapped files there, and ``/metrics`` adds up every worker's
files (:class:`~prometheus_client.multiprocess.MultiProcessCollector`) — so any worker answers with
the whole service's figures, including the counts of workers that have exited (a worker marks
itself dead on the way out). The proxies' figures are not counted per process at all: the one
supervisor writes them to the store (:mod:`services.gateway.supervisor`), and every worker reads them
from there (:class:`ProxyCollector`), so they are the same on every scrape.

Outside ``tolka serve`` (tests, an app embedded elsewhere) each app has its own registry, so several
apps in one process never clash.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess, values
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.store import Store

__all__ = ["MULTIPROC_ENV", "Metrics", "MetricsMiddleware", "ProxyCollector"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Where prometheus-client's multiprocess mode keeps every process's figures."""

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_FATES = ("received", "translated", "failed", "dropped", "written_back")


def multiprocess_dir() -> str | None:
    """The folder of the multiprocess mode when this process runs in it, else None.

    prometheus-client chooses the mode once, when it is first imported, from ``PROMETHEUS_MULTIPROC_DIR``:
    both must agree (the variable set, and set before the import — ``tolka serve`` sets it first thing).
    """
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder or values.ValueClass is values.MutexValue:
        return None
    return folder


class Metrics:
    """The gateway's metrics; :attr:`registry` is what ``/metrics`` shows."""

    def __init__(self) -> None:
        self.multiprocess_dir = multiprocess_dir()
        self.registry = CollectorRegistry()
        # in multiprocess mode the metrics write to this process's files and the registry reads every
        # process's: registering them too would count this process twice
        own = None if self.multiprocess_dir else self.registry
        if self.multiprocess_dir:
            multiprocess.MultiProcessCollector(self.registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        self.requests = Counter(
            "tolka_http_requests", "HTTP requests handled", ("method", "route", "status"), registry=own
        )
        self.latency = Histogram(
            "tolka_http_request_seconds",
            "Time to answer an HTTP request",
            ("method", "route"),
            buckets=_LATENCY_BUCKETS,
            registry=own,
        )
        self.translated = Counter(
            "tolka_messages_translated", "Messages translated", ("transport",), registry=own
        )
        self.failed = Counter(
            "tolka_messages_failed", "Messages that could not be translated", ("transport",), registry=own
        )
        self.jobs = Counter("tolka_jobs", "Jobs finished, by kind and state", ("kind", "state"), registry=own)

    def close(self) -> None:
        """This process leaves the multiprocess mode's figures (its counts stay in the sums)."""
        if self.multiprocess_dir:
            multiprocess.mark_process_dead(os.getpid(), self.multiprocess_dir)  # type: ignore[no-untyped-call]


class ProxyCollector(Collector):
    """The counters of every proxy in the store, as their supervisor last wrote them, for ``/metrics``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def collect(self) -> Iterator[Any]:
        changes = CounterMetricFamily(
            "tolka_proxy_changes", "Data changes by proxy and fate", labels=["proxy", "fate"]
        )
        connected = GaugeMetricFamily(
            "tolka_proxy_connected", "1 while the proxy's source is connected", labels=["proxy"]
        )
        reconnects = CounterMetricFamily(
            "tolka_proxy_reconnects", "Times the source came back", labels=["proxy"]
        )
        for record in self.store.list_proxies():
            c = record.counters
            for fate in _FATES:
                changes.add_metric([record.id, fate], float(c.get(fate, 0)))
            connected.add_metric([record.id], 1.0 if record.state == "connected" else 0.0)
            reconnects.add_metric([record.id], float(c.get("reconnects", 0)))
        yield from (changes, connected, reconnects)


class MetricsMiddleware:
    """Count every HTTP request and time it, labelled by its route template (not the raw path)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(scope["method"], template, str(status[0])).inc()
            self.metrics.latency.labels(scope["method"], template).observe(time.perf_counter() - started)
