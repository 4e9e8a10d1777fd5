"""How ``tolka proxy``'s options become :class:`~services.proxy.build.ProxySettings`: which options go
together, the users of the served model (``--user NAME:ROLE``, passwords from the environment), the
two identities, the target model to serve and the MQTT publishing. Each refusal names the option.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.opcua.security import ClientSecurity
from services.cli.errors import fail
from services.cli.opcua import client_security

if TYPE_CHECKING:
    from services.proxy.build import ProxyMqtt
    from services.proxy.security import ServedSecurity, ServedUser

__all__ = [
    "DEFAULT_SERVE",
    "TARGET_PASSWORD",
    "check_usage",
    "mqtt_publishing",
    "password_variable",
    "served_security",
    "target_client_security",
    "target_model_file",
]

DEFAULT_SERVE = "opc.tcp://127.0.0.1:4841/tolka"
TARGET_PASSWORD = "TOLKA_TARGET_PASSWORD"


def check_usage(
    serve: str | None,
    write_to: str | None,
    mqtt_publish: str | None,
    workers: int,
    write_back: list[str] | None,
    users: list[str] | None,
) -> None:
    """Refuse options that do not go together."""
    if serve and write_to:
        raise fail("give --serve or --write-to, not both")
    if mqtt_publish and workers > 1:
        raise fail("--mqtt-publish runs with one worker (the workers translate in other processes)")
    if write_to and (write_back or users):
        raise fail("--write-back and --user are for the served model: not with --write-to")


def password_variable(name: str) -> str:
    """The environment variable holding the password of the served user ``name``."""
    return "TOLKA_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _served_user(text: str) -> ServedUser:
    """``NAME:ROLE`` of --user, its password from the environment."""
    from services.proxy.security import ROLES, ServedUser

    name, _, role = text.rpartition(":")
    if not name or role not in ROLES:
        raise fail(f"--user {text!r}: expected NAME:ROLE with ROLE one of {', '.join(ROLES)}")
    variable = password_variable(name)
    password = os.environ.get(variable, "")
    if not password:
        raise fail(f"--user {text!r}: no password in the environment variable {variable}")
    return ServedUser(name, password, role)


def served_security(
    texts: list[str] | None,
    users: list[str] | None,
    allow_anonymous: bool,
    allow_insecure_password: bool,
    pki: Path,
    trust_all: bool,
) -> ServedSecurity:
    """The served endpoint's security of --serve-security, --user and --allow-anonymous."""
    from services.proxy.security import SecurityError, ServedSecurity

    served_users = [_served_user(text) for text in users or ()]
    if not allow_anonymous and not served_users:
        raise fail(
            "clients of the served model need a user: give --user NAME:ROLE (password in "
            "TOLKA_PASSWORD_<NAME>), or --allow-anonymous"
        )
    try:
        return ServedSecurity.parse(
            texts or (),
            users=tuple(served_users),
            allow_anonymous=allow_anonymous,
            allow_insecure_password=allow_insecure_password,
            pki=pki,
            trust_all=trust_all,
        )
    except SecurityError as exc:
        raise fail(f"--serve-security: {exc}") from None


def target_client_security(
    security: str, user: str | None, password_file: Path | None, pki: Path, trust_all: bool, insecure: bool
) -> ClientSecurity:
    """The --write-to connection's security (--target-security, --target-user)."""
    return client_security(
        security,
        user,
        password_file,
        pki=pki,
        trust_all=trust_all,
        allow_insecure_password=insecure,
        password_variable=TARGET_PASSWORD,
        prefix="--target",
    )


def target_model_file(given: Path | None, named: str, translator: Path) -> Path:
    """The target model to serve: --target-model, else the translator file's (relative to it)."""
    from translator.translation.spec import resolve_model

    model = given or Path(resolve_model(named, translator))
    if not model.is_file():
        raise fail(
            f"the target model {str(model)!r} is not a file: give its NodeSet2 file with --target-model"
        )
    return model


def mqtt_publishing(
    broker: str | None,
    topic: str,
    metadata_topic: str | None,
    key_frame_count: int,
    *,
    status_topic: str | None = None,
) -> ProxyMqtt | None:
    """The MQTT publishing of --mqtt-publish (None without it), checked before anything starts;
    credentials from TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD; ``status_topic``: --mqtt-status-topic."""
    from services.mqtt.broker import BrokerUrl, check_topic
    from services.proxy.build import ProxyMqtt

    if not broker:
        return None
    return ProxyMqtt(
        BrokerUrl.parse(broker, "--mqtt-publish"),
        check_topic(topic, "--mqtt-topic"),
        None if metadata_topic is None else check_topic(metadata_topic, "--mqtt-metadata-topic"),
        key_frame_count,
        username=os.environ.get("TOLKA_MQTT_USERNAME") or None,
        password=os.environ.get("TOLKA_MQTT_PASSWORD") or None,
        status_topic=None if status_topic is None else check_topic(status_topic, "--mqtt-status-topic"),
    )
