"""Prometheus metrics of the gateway (``GET /metrics``, text format via ``prometheus-client``).

Requests and their latency by method, route template and status; messages translated and failed;
jobs by kind and final state. Each app has its own registry, so several apps (tests) never clash.
With several uvicorn workers each process counts its own requests (scrape each, or put one worker
behind the scraper); the store-backed job figures are the same in all.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Metrics", "MetricsMiddleware"]

_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The gateway's metrics in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tolka_http_requests",
            "HTTP requests handled",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "tolka_http_request_seconds",
            "Time to answer an HTTP request",
            ("method", "route"),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.translated = Counter(
            "tolka_messages_translated", "Messages translated", ("transport",), registry=self.registry
        )
        self.failed = Counter(
            "tolka_messages_failed",
            "Messages that could not be translated",
            ("transport",),
            registry=self.registry,
        )
        self.jobs = Counter(
            "tolka_jobs", "Jobs finished, by kind and state", ("kind", "state"), registry=self.registry
        )


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
