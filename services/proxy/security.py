"""The served endpoint's security: the policies it offers, its users and their roles, whom it trusts.

The proxy has two sides with two identities: it connects to the source as a client with a
`ClientSecurity` (:mod:`adapters.opcua.security`: the PLC's user, never handed to anyone) and serves
the target model with a `ServedSecurity` (this module: the HMI's users).

The served endpoint offers, by default, SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep and
Aes256_Sha256_RsaPss; ``None`` (and ``Sign``) only when asked for. A client's certificate must be
trusted in the installation's PKI (:mod:`adapters.opcua.pki`): an unknown one is refused, copied to
``rejected/`` and logged with the command that trusts it. Users have a role: ``read`` or ``write``.
Anonymous clients (only when allowed) read. A UserName token is not offered on an endpoint without
security, and a password sent over a channel without a client certificate is refused, unless
``allow_insecure_password`` says so. Passwords are compared in constant time.

Example:
    >>> ServedSecurity.parse(["Aes256_Sha256_RsaPss-SignAndEncrypt"]).endpoints
    (('Aes256_Sha256_RsaPss', 'SignAndEncrypt'),)
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.crypto.permission_rules import User, UserRole
from asyncua.server.server import Server
from asyncua.server.user_managers import UserManager

from adapters.opcua.pki import Pki
from adapters.opcua.security import DEFAULT_PKI, POLICIES, SecurityError, security_choices, split_security

__all__ = ["DEFAULT_ENDPOINTS", "ROLES", "SecurityError", "ServedSecurity", "ServedUser"]

log = logging.getLogger("tolka.proxy")

ROLES = ("read", "write")
"""The roles of the served model's users."""
DEFAULT_ENDPOINTS = tuple(f"{policy}-SignAndEncrypt" for policy in POLICIES)
"""What the served endpoint offers unless told otherwise."""
_TYPES = {
    ("Basic256Sha256", "Sign"): ua.SecurityPolicyType.Basic256Sha256_Sign,
    ("Basic256Sha256", "SignAndEncrypt"): ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
    ("Aes128_Sha256_RsaOaep", "Sign"): ua.SecurityPolicyType.Aes128Sha256RsaOaep_Sign,
    ("Aes128_Sha256_RsaOaep", "SignAndEncrypt"): ua.SecurityPolicyType.Aes128Sha256RsaOaep_SignAndEncrypt,
    ("Aes256_Sha256_RsaPss", "Sign"): ua.SecurityPolicyType.Aes256Sha256RsaPss_Sign,
    ("Aes256_Sha256_RsaPss", "SignAndEncrypt"): ua.SecurityPolicyType.Aes256Sha256RsaPss_SignAndEncrypt,
    ("None", ""): ua.SecurityPolicyType.NoSecurity,
}


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
class ServedSecurity:
    """What the served endpoint offers and to whom.

    Attributes:
        endpoints: (policy, mode) pairs; ``("None", "")`` for no security.
        users: the users who may log in, each with a role.
        allow_anonymous: anonymous clients may read.
        allow_insecure_password: a password may cross a channel without a client certificate.
        pki: the installation's PKI folder; trust_all: accept any client certificate (tests only).
        role: the ApplicationUri's last part, when the PKI makes the certificate.
    """

    endpoints: tuple[tuple[str, str], ...] = tuple((p, "SignAndEncrypt") for p in POLICIES)
    users: tuple[ServedUser, ...] = ()
    allow_anonymous: bool = False
    allow_insecure_password: bool = False
    pki: Path = DEFAULT_PKI
    trust_all: bool = False
    role: str = "application"

    def __post_init__(self) -> None:
        if not self.endpoints:
            raise SecurityError("the served endpoint offers no security policy")
        for policy, mode in self.endpoints:
            if (policy, mode) not in _TYPES:
                raise SecurityError(f"unknown served security {policy}-{mode}")
        names = [u.username for u in self.users]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise SecurityError(f"the served user {twice[0]!r} is given twice")
        if not self.allow_anonymous and not self.users:
            raise SecurityError("the served model needs a user (--user NAME:ROLE), or --allow-anonymous")
        if self.users and not self.secure_endpoints and not self.allow_insecure_password:
            raise SecurityError(
                "users log in with passwords, which would cross the network in clear on an endpoint "
                "without security: offer a secure policy (--serve-security), or allow it explicitly "
                "(--allow-insecure-password)"
            )

    @classmethod
    def parse(cls, texts: Iterable[str], **settings: Any) -> ServedSecurity:
        """``--serve-security`` values (``POLICY-MODE``, ``POLICY`` for SignAndEncrypt, or ``None``);
        none given: `DEFAULT_ENDPOINTS`.

        Raises:
            SecurityError: an unknown policy or mode (lists the choices).
        """
        endpoints: list[tuple[str, str]] = []
        for text in list(texts) or list(DEFAULT_ENDPOINTS):
            policy, mode = split_security(text)
            if (policy, mode) not in _TYPES:
                choices = ", ".join(
                    security_choices()[1:]
                )  # all but auto: this side offers, it does not pick
                raise SecurityError(f"unknown served security {text!r}; choose from {choices}")
            if (policy, mode) not in endpoints:
                endpoints.append((policy, mode))
        return cls(tuple(endpoints), **settings)

    @property
    def secure_endpoints(self) -> bool:
        return any(policy != "None" for policy, _ in self.endpoints)

    @property
    def writers(self) -> set[str]:
        return {u.username for u in self.users if u.role == "write"}

    async def configure(self, server: Server) -> None:
        """Configure ``server`` (after ``init``, before ``start``): certificate, endpoints, trust, users."""
        if self.secure_endpoints:
            pki = Pki(self.pki, trust_all=self.trust_all, role=self.role)
            cert, key = pki.own()
            await server.load_certificate(str(cert))
            await server.load_private_key(str(key))
            await server.set_application_uri(pki.application_uri())
            server.set_certificate_validator(pki.validator(peer="client"))
            if self.trust_all:
                log.warning("--trust-all: the served endpoint accepts every client certificate")
        server.set_security_policy([_TYPES[e] for e in self.endpoints])
        tokens: list[type] = [ua.AnonymousIdentityToken] if self.allow_anonymous else []
        if self.users:
            tokens.append(ua.UserNameIdentityToken)
        server.set_identity_tokens(tokens)
        server.iserver.set_user_manager(
            _Users(self.users, self.allow_anonymous, self.allow_insecure_password)
        )

    def after_start(self, server: Server) -> None:
        """No UserName token on an endpoint without security (unless allowed)."""
        if self.allow_insecure_password:
            return
        for endpoint in server.iserver.endpoints:
            if endpoint.SecurityMode == ua.MessageSecurityMode.None_:
                endpoint.UserIdentityTokens = [
                    t for t in endpoint.UserIdentityTokens if t.TokenType != ua.UserTokenType.UserName
                ]

    def describe(self) -> str:
        return ", ".join(p if p == "None" else f"{p}-{m}" for p, m in self.endpoints)


class _Users(UserManager):
    """The served model's users (passwords compared in constant time), and anonymous clients when
    allowed. Every one is a plain asyncua user, so the access levels hold for all of them; the role
    is checked by the served target on each write. A password login on a channel without a client
    certificate (security None) is refused unless allowed."""

    def __init__(
        self, users: Sequence[ServedUser], allow_anonymous: bool, allow_insecure_password: bool
    ) -> None:
        self.users = list(users)
        self.allow_anonymous = allow_anonymous
        self.allow_insecure_password = allow_insecure_password

    def get_user(
        self, iserver: Any, username: str | None = None, password: str | None = None, certificate: Any = None
    ) -> User | None:
        if username is None:
            return User(role=UserRole.User) if self.allow_anonymous else None
        if not certificate and not self.allow_insecure_password:  # None channel: b"" or None
            log.warning("refused the login of %r: a password over a channel without security", username)
            return None
        found = None
        for user in self.users:  # every user compared, so the time says nothing about which exist
            same_user = hmac.compare_digest(username.encode(), user.username.encode())
            same_password = hmac.compare_digest((password or "").encode(), user.password.encode())
            if same_user and same_password:
                found = user
        return User(role=UserRole.User, name=found.username) if found is not None else None
