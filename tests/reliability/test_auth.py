"""Authentication: with tokens configured, every route but ``/health`` refuses a missing or wrong token.

The routes are enumerated from the app itself — the OpenAPI schema's operations and every route its
routers hold (also those left out of the schema: the review page and its assets, the WebSocket stream,
the docs) — so a new endpoint is covered without touching this file. Refused: 401 problem+json with
``WWW-Authenticate: Bearer`` over HTTP, close code 1008 on a WebSocket. Accepted with the right token:
anything but 401 (path parameters are real ids of the seeded store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from services.gateway import Settings, create_app
from services.gateway.problems import PROBLEM_JSON

pytestmark = pytest.mark.reliability

OPEN = {"/health"}
KNOWN = {
    ("GET", "/review/{alignment_id}"),
    ("GET", "/review/assets/{name}"),
    ("WEBSOCKET", "/translators/{translator_id}/stream"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
}
"""Routes that must be among the enumerated ones (the first three are not in the OpenAPI schema)."""

_PARAMS = {
    "model_id": "model",
    "alignment_id": "alignment",
    "cid": "cid",
    "job_id": "job",
    "translator_id": "translator",
    "proxy_id": "proxy",
}


def _flat(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    """(method or WEBSOCKET, path) of every route, descending into included routers."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, WebSocketRoute):
            found.append(("WEBSOCKET", prefix + route.path))
        elif isinstance(route, Route):
            found += [(m, prefix + route.path) for m in sorted(route.methods or ()) if m != "HEAD"]
        elif hasattr(route, "original_router"):  # FastAPI keeps included routers unflattened
            context = getattr(route, "include_context", None)
            found += _flat(route.original_router.routes, prefix + getattr(context, "prefix", ""))
        elif hasattr(route, "routes"):  # a Mount
            found += _flat(route.routes, prefix + getattr(route, "path", ""))
    return found


def endpoints(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of ``app``: its OpenAPI operations and its routes."""
    schema = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    return sorted(schema | set(_flat(app.routes)))


ENDPOINTS = endpoints(create_app(Settings(data_dir=Path("unused"))))


def test_the_enumeration_finds_every_kind_of_route() -> None:
    assert set(ENDPOINTS) >= KNOWN, KNOWN - set(ENDPOINTS)
    assert len(ENDPOINTS) > 30


def _url(path: str, ids: dict[str, list[str]]) -> str:
    for name, kind in _PARAMS.items():
        path = path.replace("{" + name + "}", ids[kind][0])
    return path.replace("{name}", "review.js")


def _refused(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["status"] == 401, body
    assert all(body[member] for member in ("type", "title", "detail")), body


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if e[1] not in OPEN])
def test_every_endpoint_refuses_a_missing_or_wrong_token_and_takes_the_right_one(
    method: str, path: str, gateway_client: TestClient, gateway_ids: dict[str, list[str]], gateway_token: str
) -> None:
    url = _url(path, gateway_ids)
    if method == "WEBSOCKET":
        for query in ("", "?access_token=wrong"):
            with (
                pytest.raises(WebSocketDisconnect) as closed,
                gateway_client.websocket_connect(url + query) as ws,
            ):
                ws.receive_text()
            assert closed.value.code == 1008
        with (
            pytest.raises(WebSocketDisconnect) as closed,
            gateway_client.websocket_connect(url, headers={"Authorization": "Bearer wrong"}) as ws,
        ):
            ws.receive_text()
        assert closed.value.code == 1008
        with gateway_client.websocket_connect(
            url, headers={"Authorization": f"Bearer {gateway_token}"}
        ) as ws:
            ws.send_text('{"not": "a message of this translator"}')
            assert ws.receive_json() is not None  # accepted: a translation or an error frame, not a close
        return
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {gateway_token}x"}):
        _refused(gateway_client.request(method, url, headers=headers))
    if path.startswith("/review/"):
        _refused(gateway_client.request(method, url, params={"access_token": "wrong"}))
    accepted = gateway_client.request(
        method, url, headers={"Authorization": f"Bearer {gateway_token}"}, follow_redirects=False
    )
    assert accepted.status_code != 401, accepted.text


def test_health_is_open(gateway_client: TestClient) -> None:
    assert gateway_client.get("/health").status_code == 200
