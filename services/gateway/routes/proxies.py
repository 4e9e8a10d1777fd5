"""``/proxies``: OPC UA proxies run by the gateway — start one from a translator, watch it, stop it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from adapters.opcua.security import AUTO, ClientSecurity, SecurityError, security_choices
from services.gateway.proxies import ProxyConfig, RunningProxy
from services.gateway.state import Gateway, gateway
from services.proxy.security import DEFAULT_ENDPOINTS, ServedSecurity, ServedUser
from translator.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/proxies", tags=["proxies"])
State = Annotated[Gateway, Depends(gateway)]
_URL = r"^opc\.tcp://"
_BODY = "request body"


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
    """A running proxy: what it does and its counters."""

    id: str
    translator: str
    source: str
    serve: str
    write_to: str
    started: str
    state: str
    error: str
    received: int
    translated: int
    failed: int
    dropped: int
    written_back: int
    reconnects: int
    gaps: list[tuple[str, str]]

    @classmethod
    def of(cls, running: RunningProxy) -> ProxyPublic:
        c, config = running.proxy.counters, running.config
        return cls(
            id=running.id,
            translator=config.translator,
            source=config.source,
            serve=config.serve,
            write_to=config.write_to,
            started=running.started,
            state=running.state,
            error=running.error,
            received=c.received,
            translated=c.translated,
            failed=c.failed,
            dropped=c.dropped,
            written_back=c.written_back,
            reconnects=c.reconnects,
            gaps=list(c.gaps),
        )


@router.post("", status_code=201, response_model=ProxyPublic)
async def start_proxy(state: State, body: ProxyCreate) -> ProxyPublic:
    """Start a proxy in this gateway process (it reconnects to the source on its own)."""
    return ProxyPublic.of(await state.proxies.start(_config(body)))


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
    """The proxies of this gateway process, with their counters."""
    return [ProxyPublic.of(p) for p in state.proxies.running.values()]


@router.get("/{proxy_id}", response_model=ProxyPublic)
async def get_proxy(state: State, proxy_id: str) -> ProxyPublic:
    """One proxy and its counters."""
    return ProxyPublic.of(state.proxies.get(proxy_id))


@router.delete("/{proxy_id}", status_code=204)
async def stop_proxy(state: State, proxy_id: str) -> Response:
    """Stop a proxy (its served endpoint closes)."""
    await state.proxies.stop(proxy_id)
    return Response(status_code=204)
