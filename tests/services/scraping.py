"""Reading a running service's ``/metrics`` and ``/health`` over real HTTP, as Prometheus and a probe do."""

from __future__ import annotations

import json
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

__all__ = ["health", "scrape"]


def scrape(url: str) -> dict[str, float]:
    """The samples of ``url``/metrics by name (labels in braces, sorted: ``tolka_bridge_state{state=connected}``);
    empty while nothing answers there."""
    try:
        response = httpx.get(f"{url}/metrics", timeout=5)
    except httpx.TransportError:
        return {}
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return samples


def health(url: str) -> tuple[int, dict[str, Any]]:
    """The status code and document of ``url``/health; ``(0, {})`` while nothing answers there."""
    try:
        response = httpx.get(f"{url}/health", timeout=5)
    except httpx.TransportError:
        return 0, {}
    assert response.headers["content-type"] == "application/json"
    return response.status_code, json.loads(response.text)
