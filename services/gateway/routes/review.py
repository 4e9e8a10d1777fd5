"""``/review/{alignment_id}``: the review page, and ``/review/assets/{name}``: its script and style sheet.

A browser opens ``/review/{id}?access_token=<token>`` once when the gateway has tokens: the page
answers with a redirect to itself that sets the session cookie (see :mod:`services.gateway.security`),
so the token leaves the address bar and the page's requests to the API carry the cookie.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from services.gateway.review import asset, render_review
from services.gateway.security import SESSION_COOKIE, session_value, token_matches
from services.gateway.state import Gateway, gateway

__all__ = ["PAGE_HEADERS", "router"]

router = APIRouter(prefix="/review", tags=["review"], include_in_schema=False)
State = Annotated[Gateway, Depends(gateway)]

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
SESSION_SECONDS = 8 * 3600


def _sign_in(state: Gateway, request: Request, token: str) -> Response:
    """Redirect to the page without the token, setting the session cookie when the token is right (the
    auth middleware let the request through, so it is, unless the gateway has no tokens)."""
    redirect = RedirectResponse(request.url.path, status_code=303, headers=PAGE_HEADERS)
    tokens = [t.get_secret_value() for t in state.settings.tokens]
    if tokens and token_matches(token, tokens):
        redirect.set_cookie(
            SESSION_COOKIE,
            session_value(token),
            max_age=SESSION_SECONDS,
            path="/",
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
    return redirect


@router.get("/assets/{name}")
def review_asset(name: str) -> Response:
    """The page's script or style sheet."""
    content, media = asset(name)
    return Response(content, media_type=media, headers={**PAGE_HEADERS, "Cache-Control": "no-cache"})


@router.get("/{alignment_id}", response_class=HTMLResponse)
async def review_page(
    state: State, request: Request, alignment_id: str, access_token: str | None = None
) -> Response:
    """The review page of an alignment (HTML)."""
    if access_token is not None:
        return _sign_in(state, request, access_token)
    report = f"/alignments/{alignment_id}/report"  # services.gateway.routes.report
    html = await run_in_threadpool(render_review, state.store, alignment_id, report)
    return HTMLResponse(html, headers=PAGE_HEADERS)
