"""Which worker process answered: every HTTP response carries ``Tolka-Worker: <pid>``.

With ``tolka serve --workers N`` the kernel hands each connection to one of N processes. The header
says which one answered, so that an operator (or a test) can tell that every worker gives the same
answer — proxies and metrics come from the shared store — and can match a response to a worker's log
lines.
"""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["WORKER_HEADER", "WorkerHeader"]

WORKER_HEADER = "Tolka-Worker"


class WorkerHeader:
    """Add ``Tolka-Worker: <pid of this process>`` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (WORKER_HEADER.lower().encode(), str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), self.header]
            await send(message)

        await self.app(scope, receive, sending)
