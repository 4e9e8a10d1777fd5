"""A bridge's ``/metrics`` and ``/health`` (``tolka bridge --metrics-port``), read from its counters.

Metrics (Prometheus, each bridge its own registry; counters end in ``_total``):

- ``tolka_bridge_messages_received_total`` (in, redeliveries included),
  ``tolka_bridge_messages_translated_total`` (out), ``tolka_bridge_messages_failed_total`` (refused by
  the translator), ``tolka_bridge_messages_dead_lettered_total``, ``tolka_bridge_duplicates_total``,
  ``tolka_bridge_redelivered_total``, ``tolka_bridge_reconnects_total``;
- ``tolka_bridge_broker_connected`` (1 or 0), ``tolka_bridge_state{state=...}`` (1 for the current one);
- ``tolka_bridge_last_message_timestamp_seconds`` (Unix time, 0 before the first message) and
  ``tolka_bridge_last_message_age_seconds`` (once one arrived): how long the stream has been quiet;
- ``tolka_bridge_info{client_id, broker, subscription, publish, status_topic}`` and the process's
  ``process_*`` (CPU, memory, open files).

``/health``: ``ok`` while the broker is connected, else ``down`` (HTTP 503), with the broker's state,
the counters and the last message's age.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.metrics_core import Metric

from services.bridge.runtime import Bridge
from services.telemetry import ReadingCollector, Telemetry

__all__ = ["STATES", "bridge_health", "bridge_metrics", "bridge_registry", "bridge_telemetry"]

STATES = ("connecting", "connected", "disconnected", "stopping", "stopped")
_COUNTERS = (
    ("messages_received", "received", "Messages read from the broker (redeliveries included)"),
    ("messages_translated", "translated", "Translations published (acknowledged by the broker at QoS 1)"),
    ("messages_failed", "failed", "Messages the translator refused (each goes to the dead-letter topic)"),
    ("messages_dead_lettered", "dead_lettered", "Dead letters published"),
    ("duplicates", "duplicates", "Redeliveries of messages already published (not published again)"),
    ("redelivered", "redelivered", "Messages the broker marked as sent before (DUP flag)"),
    ("reconnects", "reconnects", "Times the broker came back after a lost connection"),
)


def bridge_metrics(bridge: Bridge) -> Iterator[Metric]:
    """The bridge's metrics now."""
    c, s = bridge.counters, bridge.settings
    for name, attribute, documentation in _COUNTERS:
        yield CounterMetricFamily(f"tolka_bridge_{name}", documentation, value=getattr(c, attribute))
    yield GaugeMetricFamily(
        "tolka_bridge_broker_connected", "1 while the broker is connected", value=int(c.state == "connected")
    )
    state = GaugeMetricFamily(
        "tolka_bridge_state", "The bridge's state (1: the current one)", labels=["state"]
    )
    for name in STATES:
        state.add_metric([name], int(c.state == name))
    yield state
    yield GaugeMetricFamily(
        "tolka_bridge_last_message_timestamp_seconds",
        "When the last message arrived (Unix time; 0 before the first)",
        value=c.last_received,
    )
    if c.last_received:
        yield GaugeMetricFamily(
            "tolka_bridge_last_message_age_seconds",
            "Seconds since the last message arrived",
            value=max(time.time() - c.last_received, 0.0),
        )
    yield InfoMetricFamily(
        "tolka_bridge",
        "What the bridge reads and writes",
        value={
            "client_id": s.client_id,
            "broker": str(s.broker),
            "subscription": s.subscription,
            "publish": s.publish,
            "status_topic": bridge.status_topic,
        },
    )


def bridge_registry(bridge: Bridge) -> CollectorRegistry:
    """A registry of its own holding the bridge's metrics and the process's."""
    registry = CollectorRegistry()
    registry.register(ReadingCollector(lambda: bridge_metrics(bridge)))
    ProcessCollector(registry=registry)
    return registry


def bridge_health(bridge: Bridge) -> dict[str, Any]:
    """``ok`` while the broker is connected, else ``down``; the broker, the counters, the quiet time."""
    c, s = bridge.counters, bridge.settings
    connected = c.state == "connected"
    return {
        "status": "ok" if connected else "down",
        "component": "bridge",
        "broker": {
            "url": str(s.broker),
            "state": c.state,
            "connected": connected,
            "client_id": s.client_id,
            "status_topic": bridge.status_topic,
        },
        "subscription": s.subscription,
        "publish": s.publish,
        "last_message_age_seconds": round(time.time() - c.last_received, 3) if c.last_received else None,
        "counters": c.as_dict(),
    }


def bridge_telemetry(bridge: Bridge, host: str, port: int) -> Telemetry:
    """The metrics server of ``bridge`` at ``host``:``port`` (not listening yet)."""
    return Telemetry(bridge_registry(bridge), lambda: bridge_health(bridge), host=host, port=port)
