"""Bearer-token authentication for every endpoint but ``/health`` (a pure ASGI middleware).

Tokens come from the settings (``TOLKA_TOKENS``, comma-separated) and are compared in constant time
against every configured token. With no token configured the gateway is open, and ``tolka serve``
refuses to bind to anything but a loopback address. WebSocket clients that cannot set headers (a
browser) may pass the token as the ``access_token`` query parameter instead.

The review page (``/review/{id}``) is opened in a browser, which cannot set headers on navigation:
``GET /review/{id}?access_token=<token>`` is accepted once, and the page answers with a redirect to
itself that sets the :data:`SESSION_COOKIE` (HttpOnly, SameSite=Strict). The cookie holds
:func:`session_value` of the token, an HMAC that names the token without being it, and is compared in
constant time like a token. It stands for the token on every HTTP request — on requests that change
something (anything but GET, HEAD, OPTIONS) only together with the :data:`CSRF_HEADER`, which a page
of another origin cannot send without a CORS preflight the gateway never grants. WebSockets never
take the cookie.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.problems import problem

__all__ = [
    "CSRF_HEADER",
    "OPEN_PATHS",
    "PAGE_PREFIX",
    "SESSION_COOKIE",
    "BearerAuth",
    "session_value",
    "token_matches",
]

OPEN_PATHS = frozenset({"/health"})
PAGE_PREFIX = "/review/"
"""Pages a browser navigates to: they take ``?access_token=`` on GET."""
SESSION_COOKIE = "tolka_session"
CSRF_HEADER = "x-tolka-request"
"""The header a cookie-authenticated request that changes something must carry (any value)."""
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_matches(given: str, tokens: Sequence[str]) -> bool:
    """Whether ``given`` is one of ``tokens``; every token is compared, in constant time."""
    found = False
    for token in tokens:
        found |= hmac.compare_digest(given.encode(), token.encode())
    return found


def session_value(token: str) -> str:
    """The session cookie's value for ``token``: HMAC-SHA256 keyed by the token (hex).

    It is the same in every worker process and after a restart, and stops working when the token is
    removed from the settings.
    """
    return hmac.new(token.encode(), b"tolka review session 1", hashlib.sha256).hexdigest()


class BearerAuth:
    """Refuse requests without a configured bearer token (401 problem+json, or WebSocket close 1008)."""

    def __init__(self, app: ASGIApp, tokens: Sequence[str]) -> None:
        self.app = app
        self.tokens = tuple(tokens)
        self.sessions = tuple(session_value(t) for t in self.tokens)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self.tokens or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self._allowed(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "a bearer token is required"})
            return
        detail = "a valid bearer token is required (Authorization: Bearer <token>)"
        if scope["path"].startswith(PAGE_PREFIX):
            detail += f"; in a browser, open {scope['path']}?access_token=<token> once"
        await problem(401, detail, scope["path"])(scope, receive, send)

    def _allowed(self, scope: Scope) -> bool:
        given, cookie, csrf = "", "", False
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, credentials = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer":
                    given = credentials.strip()
            elif name == b"cookie":
                cookie = cookie_parser(value.decode("latin-1")).get(SESSION_COOKIE, "") or cookie
            elif name == CSRF_HEADER.encode():
                csrf = True
        websocket = scope["type"] == "websocket"
        page = not websocket and scope["method"] == "GET" and scope["path"].startswith(PAGE_PREFIX)
        if not given and (websocket or page):
            given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("access_token", [""])[0]
        if given:  # a token given is the credential, right or wrong
            return token_matches(given, self.tokens)
        if cookie and not websocket and (scope["method"] in _SAFE_METHODS or csrf):
            return token_matches(cookie, self.sessions)
        return False
