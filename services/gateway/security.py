"""Bearer-token authentication for every endpoint but ``/health`` (a pure ASGI middleware).

Tokens come from the settings (``TOLKA_TOKENS``, comma-separated) and are compared in constant time
against every configured token. With no token configured the gateway is open, and ``tolka serve``
refuses to bind to anything but a loopback address. WebSocket clients that cannot set headers (a
browser) may pass the token as the ``access_token`` query parameter instead.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.problems import problem

__all__ = ["OPEN_PATHS", "BearerAuth", "token_matches"]

OPEN_PATHS = frozenset({"/health"})


def token_matches(given: str, tokens: Sequence[str]) -> bool:
    """Whether ``given`` is one of ``tokens``; every token is compared, in constant time."""
    found = False
    for token in tokens:
        found |= hmac.compare_digest(given.encode(), token.encode())
    return found


class BearerAuth:
    """Refuse requests without a configured bearer token (401 problem+json, or WebSocket close 1008)."""

    def __init__(self, app: ASGIApp, tokens: Sequence[str]) -> None:
        self.app = app
        self.tokens = tuple(tokens)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self.tokens or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, credentials = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    given = credentials.strip()
        if not given and scope["type"] == "websocket":
            given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("access_token", [""])[0]
        if given and token_matches(given, self.tokens):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "a bearer token is required"})
            return
        detail = "a valid bearer token is required (Authorization: Bearer <token>)"
        await problem(401, detail, scope["path"])(scope, receive, send)
