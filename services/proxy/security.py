"""OPC UA security of the proxy: Basic256Sha256 (Sign or SignAndEncrypt) and username/password.

Users of the served model have a role: ``read`` or ``write``. Anonymous clients (when allowed) and the
``--username`` user read; only users given the ``write`` role (``--user NAME:write``) may write, and
only the variables write-back is enabled for.

Certificates are made on first use — a self-signed application certificate and its key per role
(``client`` for the connection to the source, ``server`` for the served model) — in
``<data dir>/pki/`` and reused afterwards; they belong to the installation and are never committed.
The served model accepts anonymous clients only when allowed explicitly; with a username it checks
the password, compared in constant time.

Example:
    >>> Security.parse("Basic256Sha256-SignAndEncrypt").mode.name
    'SignAndEncrypt'
"""

from __future__ import annotations

import hmac
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from asyncua.server.server import Server
from asyncua.server.user_managers import UserManager
from cryptography.x509.oid import ExtendedKeyUsageOID

from translator.errors import TolkaError

__all__ = ["POLICIES", "ROLES", "Credentials", "Security", "SecurityError", "ServedUser"]

POLICIES = ("None", "Basic256Sha256-Sign", "Basic256Sha256-SignAndEncrypt")
"""The ``--security`` values."""
_APP_URI = "urn:tolka:proxy:{role}"
ROLES = ("read", "write")
"""The roles of the served model's users."""


class SecurityError(TolkaError):
    """A security setting that cannot work (an unknown policy, a password without a username)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """A username and its password (both empty: anonymous)."""

    username: str = ""
    password: str = ""

    def __repr__(self) -> str:  # never print a password
        return f"Credentials(username={self.username!r}, password={'***' if self.password else ''!r})"


@dataclass(frozen=True, slots=True)
class ServedUser:
    """A user of the served model: name, password and role (``read`` or ``write``)."""

    username: str
    password: str
    role: str = "read"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise SecurityError(
                f"unknown role {self.role!r} for user {self.username!r}; choose read or write"
            )
        if not self.username or not self.password:
            raise SecurityError(f"the served user {self.username!r} needs a name and a password")

    def __repr__(self) -> str:  # never print a password
        return f"ServedUser(username={self.username!r}, password='***', role={self.role!r})"


@dataclass(frozen=True, slots=True)
class Security:
    """One side's security: the message security mode (None for no security) and where certificates live.

    Attributes:
        mode: ``None``, ``Sign`` or ``SignAndEncrypt`` (with Basic256Sha256).
        pki: the folder of this installation's certificates and keys.
    """

    mode: ua.MessageSecurityMode = ua.MessageSecurityMode.None_
    pki: Path = Path("tolka-data/pki")

    @classmethod
    def parse(cls, text: str, pki: Path = Path("tolka-data/pki")) -> Security:
        """``None``, ``Basic256Sha256-Sign`` or ``Basic256Sha256-SignAndEncrypt``.

        Raises:
            SecurityError: anything else (lists the choices).
        """
        modes = dict(
            zip(
                POLICIES,
                (
                    ua.MessageSecurityMode.None_,
                    ua.MessageSecurityMode.Sign,
                    ua.MessageSecurityMode.SignAndEncrypt,
                ),
                strict=True,
            )
        )
        if text not in modes:
            raise SecurityError(f"unknown security {text!r}; choose one of {', '.join(POLICIES)}")
        return cls(modes[text], pki)

    @property
    def secure(self) -> bool:
        return self.mode != ua.MessageSecurityMode.None_

    async def certificate(self, role: str) -> tuple[Path, Path]:
        """This installation's certificate and key for ``role`` (made on first use)."""
        self.pki.mkdir(parents=True, exist_ok=True)
        key, cert = self.pki / f"{role}-key.pem", self.pki / f"{role}-cert.der"
        use = ExtendedKeyUsageOID.CLIENT_AUTH if role == "client" else ExtendedKeyUsageOID.SERVER_AUTH
        await setup_self_signed_certificate(
            key,
            cert,
            _APP_URI.format(role=role),
            socket.gethostname(),
            [use],
            {"commonName": f"Tolka proxy {role}"},
        )
        key.chmod(0o600)
        return cert, key

    async def connect(self, client: Client, credentials: Credentials) -> None:
        """Configure ``client`` (before connecting) with this security and the credentials."""
        if credentials.password and not credentials.username:
            raise SecurityError("a password was given without a username")
        if credentials.username:
            client.set_user(credentials.username)
            client.set_password(credentials.password)
        if self.secure:
            cert, key = await self.certificate("client")
            client.application_uri = _APP_URI.format(role="client")
            await client.set_security(SecurityPolicyBasic256Sha256, str(cert), str(key), mode=self.mode)

    async def serve(
        self,
        server: Server,
        credentials: Credentials,
        allow_anonymous: bool,
        users: Sequence[ServedUser] = (),
    ) -> None:
        """Configure ``server`` (after ``init``, before ``start``): endpoint security, users.

        ``credentials`` is a user with the read role; ``users`` are more, each with its role. A user
        who logs in is an asyncua ``User`` named by the username (anonymous: no name)."""
        if self.secure:
            cert, key = await self.certificate("server")
            await server.load_certificate(str(cert))
            await server.load_private_key(str(key))
            policy = (
                ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt
                if self.mode == ua.MessageSecurityMode.SignAndEncrypt
                else ua.SecurityPolicyType.Basic256Sha256_Sign
            )
            server.set_security_policy([policy])
            await server.set_application_uri(_APP_URI.format(role="server"))
        else:
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        everyone = list(users)
        if credentials.username:
            everyone.insert(0, ServedUser(credentials.username, credentials.password, "read"))
        if not allow_anonymous and not everyone:
            raise SecurityError("the served model needs a username and password, or --allow-anonymous")
        names = [u.username for u in everyone]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise SecurityError(f"the served user {twice[0]!r} is given twice")
        server.set_security_IDs(
            (["Anonymous"] if allow_anonymous else []) + (["Username"] if everyone else [])
        )
        server.iserver.set_user_manager(_Users(everyone, allow_anonymous))


class _Users(UserManager):
    """The served model's users (passwords compared in constant time), and anonymous clients when
    allowed. Every one is a plain asyncua user, so the access levels hold for all of them; the role
    is checked by the served target on each write."""

    def __init__(self, users: Sequence[ServedUser], allow_anonymous: bool) -> None:
        self.users = list(users)
        self.allow_anonymous = allow_anonymous

    def get_user(
        self, iserver: Any, username: str | None = None, password: str | None = None, certificate: Any = None
    ) -> User | None:
        if username is None:
            return User(role=UserRole.User) if self.allow_anonymous else None
        found = None
        for user in self.users:  # every user compared, so the time says nothing about which exist
            same_user = hmac.compare_digest(username.encode(), user.username.encode())
            same_password = hmac.compare_digest((password or "").encode(), user.password.encode())
            if same_user and same_password:
                found = user
        return User(role=UserRole.User, name=found.username) if found is not None else None
