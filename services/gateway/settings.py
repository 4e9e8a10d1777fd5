"""The gateway's settings: read once from the environment (prefix ``TOLKA_``) by :func:`get_settings`.

``tolka serve`` sets the variables of its options before it starts uvicorn, so every worker process
reads the same settings; tests build a :class:`Settings` themselves and override the dependency.

Example:
    >>> Settings(data_dir="/tmp/tolka").database.name
    'tolka.db'
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["LOOPBACK", "Settings", "get_settings"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
"""The hosts the service may bind to without a token."""


class Settings(BaseSettings):
    """How the gateway runs. Each field is also the environment variable ``TOLKA_<FIELD>``.

    Attributes:
        data_dir: where the store (``tolka.db``) lives; created when missing.
        host: the address ``tolka serve`` binds to.
        port: the port ``tolka serve`` listens on.
        workers: uvicorn worker processes.
        tokens: bearer tokens accepted (comma-separated in the environment); none: loopback only.
        max_upload_bytes: largest uploaded model or alignment file.
        max_batch: most messages in one batch translation request.
        max_message_bytes: largest request body of a translation request.
        job_threads: matching jobs run at once per worker process.
        recover_jobs: mark jobs a restart interrupted as failed when the app starts (``tolka serve``
            does it once before starting several workers, and turns it off for them).
        mqtt_publish: an MQTT broker (``mqtt://host:port``, ``mqtts://`` for TLS) that every
            translated message is also published to, as OPC UA PubSub JSON; None: none.
        mqtt_topic: the topic of ``mqtt_publish``.
        mqtt_status_topic: where the publisher of ``mqtt_publish`` says ``online`` (retained) when it
            connects and ``offline`` when it stops, and the broker says ``offline`` (the connection's
            Last Will) when it dies; None: ``tolka/status/<client id>``, which changes with every run.
        proxy_lease_ttl: how long the proxies' lease lasts unrenewed (s): after the death of the worker
            that runs the proxies, another starts them once it has expired
            (:mod:`services.gateway.supervisor`).
        proxy_lease_renew: how often the lease is renewed by its holder and tried by the other workers
            (s); shorter than ``proxy_lease_ttl``. Tests shorten both.
    """

    model_config = SettingsConfigDict(env_prefix="TOLKA_", extra="ignore")

    data_dir: Path = Path("tolka-data")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    tokens: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    max_upload_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    max_batch: int = Field(default=10_000, ge=1)
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    job_threads: int = Field(default=1, ge=1, le=16)
    recover_jobs: bool = True
    mqtt_publish: str | None = None
    mqtt_topic: str = "tolka/gateway"
    mqtt_status_topic: str | None = None
    proxy_lease_ttl: float = Field(default=10.0, gt=0)
    proxy_lease_renew: float = Field(default=2.0, gt=0)

    @field_validator("tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    @model_validator(mode="after")
    def _renew_within_ttl(self) -> Settings:
        if self.proxy_lease_renew >= self.proxy_lease_ttl:
            raise ValueError(
                f"proxy_lease_renew ({self.proxy_lease_renew} s) must be shorter than proxy_lease_ttl "
                f"({self.proxy_lease_ttl} s): the lease would expire between renewals"
            )
        return self

    @property
    def database(self) -> Path:
        """The SQLite file of the store."""
        return self.data_dir / "tolka.db"


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read from the environment once."""
    return Settings()
