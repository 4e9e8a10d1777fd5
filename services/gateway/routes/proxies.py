"""``/proxies``: OPC UA proxies run by the gateway — start one from a translator, watch it, stop it.

The routes only read and write the store: ``POST`` checks the proxy can be built and stores it,
``DELETE`` marks it to stop and waits until the supervisor has stopped and forgotten it, ``GET``
reads what the supervisor last wrote — so every worker answers the same
(:mod:`services.gateway.supervisor` runs them).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from adapters.opcua.security import AUTO, ClientSecurity, SecurityError, security_choices
from services.gateway.proxies import ProxyConfig, config_to_dict
from services.gateway.records import ProxyRecord
from services.gateway.state import Gateway, gateway
from services.gateway.store import NotFoundError
from services.proxy.security import DEFAULT_ENDPOINTS, ServedSecurity, ServedUser
from translator.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/proxies", tags=["proxies"])
State = Annotated[Gateway, Depends(gateway)]
_URL = r"^opc\.tcp://"
_BODY = "request body"
_STOP_WAIT = 60.0
"""Seconds ``DELETE`` waits for the supervisor to stop a proxy (its own wait is 35 s at most, a new
supervisor takes over a dead one's lease within 12 s)."""


class ProxyUser(BaseModel):
    """A user of the served model and its role (read, or write where write-back is on)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1)
    password: SecretStr
    role: Literal["read", "write"] = "read"


class ProxyCreate(BaseModel):
    """Proxy a live source server through a translator: serve the target model, or write into a server."""

    model_config = ConfigDict(extra="forbid")

    translator: str = Field(description="id of a translator (its rules carry the node ids)")
    source: str = Field(pattern=r"^opc\.tcp://", description="the source server, opc.tcp://host:port[/path]")
    serve: str | None = Field(
        default=None, pattern=r"^opc\.tcp://", description="serve the target model here"
    )
    write_to: str | None = Field(
        default=None, pattern=r"^opc\.tcp://", description="or write into this server"
    )
    source_security: str = Field(
        default=AUTO,
        description="the source connection: auto (the most secure endpoint it offers), None, or POLICY-MODE "
        f"({', '.join(security_choices()[2:])})",
    )
    source_user: str = Field(default="", description="the user Tolka logs in to the source as")
    source_password: SecretStr = SecretStr("")
    serve_security: list[str] = Field(
        default=list(DEFAULT_ENDPOINTS),
        description="what the served endpoint offers: POLICY-MODE values, None only when asked for",
    )
    allow_anonymous: bool = False
    allow_insecure_password: bool = Field(
        default=False, description="let passwords cross channels without security (source and served)"
    )
    users: list[ProxyUser] = Field(default=[], description="users of the served model, with their roles")
    target_security: str = Field(default=AUTO, description="the connection to write_to, as source_security")
    target_user: str = ""
    target_password: SecretStr = SecretStr("")
    write_back: list[str] = Field(
        default=[],
        description="target ids or addresses users with the write role may write, carried back to the source "
        "(besides the translator's rules with write_back); none by default",
    )
    publishing_interval: float = Field(default=50.0, gt=0, le=60_000, description="ms")


class ProxyPublic(BaseModel):
    """A proxy: what it does, what it should do, and its state and counters as its supervisor last
    wrote them (never its passwords)."""

    id: str
    translator: str
    source: str
    serve: str
    write_to: str
    started: str = Field(description="when its supervisor last started it (its counters count from then)")
    state: str = Field(
        description="starting, connecting, connected, disconnected, failed (see error; tried again), "
        "stopping, stopped (no supervisor runs it: the service is stopping or starting)"
    )
    error: str
    received: int
    translated: int
    failed: int
    dropped: int
    written_back: int
    reconnects: int
    gaps: list[tuple[str, str]]
    created: str = Field(description="when it was asked for")
    desired: Literal["running", "stopped"] = Field(description="what it should do")
    supervisor: str = Field(description="the process running it (host:pid:nonce), empty for none")
    updated: str = Field(description="when its supervisor last wrote its state and counters")

    @classmethod
    def of(cls, record: ProxyRecord) -> ProxyPublic:
        c: dict[str, Any] = record.counters
        return cls(
            id=record.id,
            translator=record.translator,
            source=record.source,
            serve=record.serve,
            write_to=record.write_to,
            started=record.started,
            state=record.state,
            error=record.error,
            received=c.get("received", 0),
            translated=c.get("translated", 0),
            failed=c.get("failed", 0),
            dropped=c.get("dropped", 0),
            written_back=c.get("written_back", 0),
            reconnects=c.get("reconnects", 0),
            gaps=[(lost, back) for lost, back in c.get("gaps", ())],
            created=record.created,
            desired=record.desired.value,
            supervisor=record.supervisor,
            updated=record.updated,
        )


@router.post("", status_code=201, response_model=ProxyPublic)
async def start_proxy(state: State, body: ProxyCreate) -> ProxyPublic:
    """Start a proxy: stored, it runs under the gateway's supervisor (state ``starting`` until then), starts
    again with the service, and reconnects to the source on its own. 409 when another proxy serves at
    the same endpoint."""
    config = _config(body)
    state.proxies.check(config)  # what starting it would refuse, refused now, before anything is stored
    record = state.store.add_proxy(
        config_to_dict(config),
        translator=config.translator,
        source=config.source,
        serve=config.serve,
        write_to=config.write_to,
    )
    state.supervisor.wake()
    return ProxyPublic.of(record)


def _config(body: ProxyCreate) -> ProxyConfig:
    """The request as the registry's :class:`ProxyConfig`: what goes together, the two identities.

    Raises:
        InputError: serve and write_to both or neither, no user for a served model, users or write_back
            with write_to, a security setting that cannot work.
    """
    if bool(body.serve) == bool(body.write_to):
        raise InputError(
            "give one of serve (an endpoint to serve the target model at) or write_to", source="request body"
        )
    if body.serve and not (body.allow_anonymous or body.users):
        raise InputError("clients of the served model need a user (users) or allow_anonymous", source=_BODY)
    if body.write_to and (body.users or body.write_back):
        raise InputError("users and write_back are for a served model, not write_to", source=_BODY)
    insecure = body.allow_insecure_password
    try:
        users = tuple(ServedUser(u.username, u.password.get_secret_value(), u.role) for u in body.users)
        served = (
            ServedSecurity.parse(
                body.serve_security,
                users=users,
                allow_anonymous=body.allow_anonymous,
                allow_insecure_password=insecure,
            )
            if body.serve
            else None
        )
        source = ClientSecurity.parse(
            body.source_security,
            username=body.source_user,
            password=body.source_password.get_secret_value(),
            allow_insecure_password=insecure,
        )
        target = ClientSecurity.parse(
            body.target_security,
            username=body.target_user,
            password=body.target_password.get_secret_value(),
            allow_insecure_password=insecure,
        )
    except SecurityError as exc:
        raise InputError(str(exc), source=_BODY) from None
    return ProxyConfig(
        body.translator,
        body.source,
        body.serve or "",
        body.write_to or "",
        source_security=source,
        served=served,
        target_security=target,
        publishing_interval=body.publishing_interval,
        write_back=tuple(body.write_back),
    )


@router.get("", response_model=list[ProxyPublic])
async def list_proxies(state: State) -> list[ProxyPublic]:
    """Every proxy started through the gateway, oldest first, with its state and counters."""
    return [ProxyPublic.of(p) for p in state.store.list_proxies()]


@router.get("/{proxy_id}", response_model=ProxyPublic)
async def get_proxy(state: State, proxy_id: str) -> ProxyPublic:
    """One proxy and its counters."""
    return ProxyPublic.of(state.store.get_proxy(proxy_id))


@router.delete(
    "/{proxy_id}",
    status_code=204,
    responses={202: {"model": ProxyPublic, "description": "asked to stop; no supervisor stopped it yet"}},
)
async def stop_proxy(state: State, proxy_id: str) -> Response:
    """Stop a proxy (its served endpoint closes) and forget it: 204 once its supervisor has stopped it."""
    state.store.stop_proxy(proxy_id)
    state.supervisor.wake()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _STOP_WAIT
    while loop.time() < deadline:
        try:
            record = state.store.get_proxy(proxy_id)
        except NotFoundError:
            return Response(status_code=204)
        await asyncio.sleep(0.1)
    return JSONResponse(ProxyPublic.of(record).model_dump(), status_code=202)
