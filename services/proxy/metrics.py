"""A proxy's ``/metrics`` and ``/health`` (``tolka proxy --metrics-port``), read from its counters.

Metrics (Prometheus, each proxy its own registry; counters end in ``_total``; with ``--workers`` the
workers' counters summed):

- ``tolka_proxy_changes_received_total`` (data changes from the source, first reads included),
  ``tolka_proxy_changes_translated_total`` (served: written to the target),
  ``tolka_proxy_changes_failed_total`` (a transform refused them), ``tolka_proxy_changes_dropped_total``
  (the target refused them), ``tolka_proxy_writes_total`` (client writes carried to the source),
  ``tolka_proxy_writes_refused_total``, ``tolka_proxy_reconnects_total``;
- ``tolka_proxy_source_connected`` (1 when every worker's source connection is up),
  ``tolka_proxy_workers_connected``, ``tolka_proxy_state{state=...}``;
- ``tolka_proxy_last_change_timestamp_seconds`` (Unix time the last subscribed change reached the
  target; 0 before the first), ``tolka_proxy_last_change_age_seconds`` and
  ``tolka_proxy_source_lag_seconds`` (from that change's source timestamp to then: the two clocks');
- with ``--mqtt-publish``: ``tolka_proxy_mqtt_messages_published_total``,
  ``tolka_proxy_mqtt_values_published_total``, ``tolka_proxy_mqtt_reconnects_total``,
  ``tolka_proxy_mqtt_connected``;
- ``tolka_proxy_info{source, target, workers}`` and the process's ``process_*``.

``/health``: ``ok`` while the source is connected (every worker's connection), ``degraded`` while only
some workers are connected or the MQTT broker of ``--mqtt-publish`` is away, ``down`` (HTTP 503) while
the source is not connected — the served values are then the last ones, Uncertain.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.metrics_core import Metric

from services.proxy.build import BuiltProxy
from services.proxy.workers import ShardedProxy
from services.telemetry import ReadingCollector, Telemetry

__all__ = ["STATES", "proxy_health", "proxy_metrics", "proxy_registry", "proxy_telemetry"]

STATES = ("connecting", "connected", "disconnected")
_COUNTERS = (
    ("changes_received", "received", "Data changes read from the source (first reads included)"),
    ("changes_translated", "translated", "Translated changes written to the target (served)"),
    ("changes_failed", "failed", "Changes a transform refused (the target then reads Bad)"),
    ("changes_dropped", "dropped", "Translated changes the target refused"),
    ("writes", "written_back", "Client writes carried back to the source"),
    ("writes_refused", "writes_refused", "Client writes that did not reach the source"),
    ("reconnects", "reconnects", "Times the source came back after a lost connection"),
)


def _states(built: BuiltProxy) -> list[str]:
    proxy = built.proxy
    return proxy.states if isinstance(proxy, ShardedProxy) else [proxy.counters.state]


def proxy_metrics(built: BuiltProxy, source: str, target: str) -> Iterator[Metric]:
    """The proxy's metrics now."""
    c, states = built.proxy.counters, _states(built)
    for name, attribute, documentation in _COUNTERS:
        yield CounterMetricFamily(f"tolka_proxy_{name}", documentation, value=getattr(c, attribute))
    up = sum(state == "connected" for state in states)
    yield GaugeMetricFamily(
        "tolka_proxy_source_connected", "1 while the source is connected", value=int(up == len(states))
    )
    yield GaugeMetricFamily(
        "tolka_proxy_workers_connected", "Connections to the source that are up", value=up
    )
    state = GaugeMetricFamily("tolka_proxy_state", "The proxy's state (1: the current one)", labels=["state"])
    for name in STATES:
        state.add_metric([name], int(c.state == name))
    yield state
    yield GaugeMetricFamily(
        "tolka_proxy_last_change_timestamp_seconds",
        "When the last subscribed change reached the target (Unix time; 0 before the first)",
        value=c.last_change,
    )
    if c.last_change:
        yield GaugeMetricFamily(
            "tolka_proxy_last_change_age_seconds",
            "Seconds since the last subscribed change reached the target",
            value=max(time.time() - c.last_change, 0.0),
        )
        yield GaugeMetricFamily(
            "tolka_proxy_source_lag_seconds",
            "From the last change's source timestamp to its arrival in the target (the two clocks')",
            value=c.lag,
        )
    publisher = built.publisher
    if publisher is not None:
        yield CounterMetricFamily(
            "tolka_proxy_mqtt_messages_published", "PubSub data messages published", value=publisher.published
        )
        yield CounterMetricFamily(
            "tolka_proxy_mqtt_values_published", "Values the PubSub messages carried", value=publisher.values
        )
        yield CounterMetricFamily(
            "tolka_proxy_mqtt_reconnects", "Times the MQTT broker came back", value=publisher.reconnects
        )
        yield GaugeMetricFamily(
            "tolka_proxy_mqtt_connected",
            "1 while the MQTT broker is connected",
            value=int(publisher.connected),
        )
    yield InfoMetricFamily(
        "tolka_proxy",
        "What the proxy reads and serves",
        value={"source": source, "target": target, "workers": str(len(states))},
    )


def proxy_registry(built: BuiltProxy, source: str, target: str) -> CollectorRegistry:
    """A registry of its own holding the proxy's metrics and the process's."""
    registry = CollectorRegistry()
    registry.register(ReadingCollector(lambda: proxy_metrics(built, source, target)))
    ProcessCollector(registry=registry)
    return registry


def proxy_health(built: BuiltProxy, source: str, target: str) -> dict[str, Any]:
    """``ok``, ``degraded`` or ``down`` (see the module), the source's state and the counters."""
    c, states, publisher = built.proxy.counters, _states(built), built.publisher
    up = sum(state == "connected" for state in states)
    mqtt_away = publisher is not None and not publisher.connected
    status = "down" if not up else "ok" if up == len(states) and not mqtt_away else "degraded"
    document: dict[str, Any] = {
        "status": status,
        "component": "proxy",
        "source": {"url": source, "state": c.state, "connected": up == len(states)},
        "target": target,
        "workers": {"count": len(states), "connected": up},
        "last_change_age_seconds": round(time.time() - c.last_change, 3) if c.last_change else None,
        "counters": c.as_dict(),
    }
    if publisher is not None:
        document["mqtt"] = {
            "broker": str(publisher.broker),
            "topic": publisher.topic,
            "connected": publisher.connected,
            "status_topic": publisher.status_topic,
            "published": publisher.published,
            "reconnects": publisher.reconnects,
        }
    return document


def proxy_telemetry(built: BuiltProxy, source: str, target: str, host: str, port: int) -> Telemetry:
    """The metrics server of ``built`` (reading ``source``, serving or writing ``target``) at
    ``host``:``port`` (not listening yet)."""
    return Telemetry(
        proxy_registry(built, source, target),
        lambda: proxy_health(built, source, target),
        host=host,
        port=port,
    )
