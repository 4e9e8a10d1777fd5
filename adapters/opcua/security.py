"""How Tolka connects to an OPC UA server as a client: security policy and mode, the user, the PKI.

The same settings serve every connection Tolka opens — ``tolka inspect``/``match``/``compile``/
``learn`` reading a live model, the demo, the gateway's ``POST /models``, and the proxy's source
connection — and come from one set of command-line options (``--source-security``,
``--source-user``, ...; :mod:`services.cli.opcua`).

Policies (OPC 10000-7): ``Basic256Sha256``, ``Aes128_Sha256_RsaOaep``, ``Aes256_Sha256_RsaPss``,
each with mode ``Sign`` or ``SignAndEncrypt``; ``None`` only when asked for. ``auto`` (the default)
takes the most secure endpoint the server offers among those, and refuses a server that offers none
rather than falling back to no security. A password is never sent over a channel without
encryption unless ``allow_insecure_password`` says so. Secrets come from the environment or a file,
never from the URL (:func:`adapters.opcua.endpoint.parse_endpoint` refuses credentials there).

This module imports no OPC UA stack (the registry imports it to load files);
:mod:`adapters.opcua.connect` applies the settings to an asyncua client.

Example:
    >>> ClientSecurity.parse("Aes256_Sha256_RsaPss-Sign").mode
    'Sign'
    >>> ClientSecurity.parse("None").secure
    False
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from translator.errors import TolkaError

__all__ = [
    "AUTO",
    "MODES",
    "POLICIES",
    "ClientSecurity",
    "SecurityError",
    "security_choices",
    "split_security",
]

POLICIES = ("Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss")
"""The secure policies Tolka speaks, weakest first."""
MODES = ("Sign", "SignAndEncrypt")
AUTO = "auto"
DEFAULT_PKI = Path("tolka-data/pki")


class SecurityError(TolkaError):
    """A security setting that cannot work (an unknown policy, a password without a user, a password
    that would cross in clear)."""


def split_security(text: str) -> tuple[str, str]:
    """``POLICY-MODE`` → ``(policy, mode)``; a policy alone means SignAndEncrypt (not checked here).

    >>> split_security("Basic256Sha256"), split_security("None")
    (('Basic256Sha256', 'SignAndEncrypt'), ('None', ''))
    """
    policy, _, mode = text.strip().partition("-")
    return policy, "SignAndEncrypt" if policy in POLICIES and not mode else mode


def security_choices() -> list[str]:
    """Every value of a ``--...-security`` option: ``auto``, ``None`` and POLICY-MODE."""
    return [AUTO, "None"] + [f"{policy}-{mode}" for policy in POLICIES for mode in MODES]


@dataclass(frozen=True, slots=True)
class ClientSecurity:
    """How Tolka connects to one server.

    Attributes:
        policy: ``auto``, ``None`` or one of `POLICIES`.
        mode: ``Sign`` or ``SignAndEncrypt`` (``auto``: the server's best; ignored for ``None``).
        username, password: the user (both empty: anonymous).
        user_certificate, user_key: an X.509 user identity instead of a password.
        pki: the installation's PKI folder (own certificate, trusted servers).
        trust_all: accept any server certificate (logged on each connection; tests only).
        allow_insecure_password: send a password over a channel without encryption.
    """

    policy: str = AUTO
    mode: str = AUTO
    username: str = ""
    password: str = ""
    user_certificate: Path | None = None
    user_key: Path | None = None
    pki: Path = DEFAULT_PKI
    trust_all: bool = False
    allow_insecure_password: bool = False

    def __post_init__(self) -> None:
        if self.policy not in (AUTO, "None", *POLICIES):
            raise SecurityError(
                f"unknown security policy {self.policy!r}; choose one of {', '.join(security_choices())}"
            )
        if self.mode not in (AUTO, *MODES):
            raise SecurityError(f"unknown security mode {self.mode!r}; choose Sign or SignAndEncrypt")
        if self.password and not self.username:
            raise SecurityError("a password was given without a user")
        if (self.user_certificate is None) != (self.user_key is None):
            raise SecurityError("a user certificate needs its private key, and a key its certificate")
        if self.username and self.user_certificate is not None:
            raise SecurityError("give a user and password or a user certificate, not both")
        if self.username and not self.password:
            raise SecurityError(f"no password for the user {self.username!r}")
        if self.policy == "None" and self.username and not self.allow_insecure_password:
            raise SecurityError(
                f"the password of {self.username!r} would cross the network in clear with security None; "
                "choose a secure policy, or allow it explicitly (--allow-insecure-password)"
            )

    @classmethod
    def parse(cls, text: str, **settings: object) -> ClientSecurity:
        """``auto``, ``None``, ``POLICY`` (SignAndEncrypt) or ``POLICY-MODE``; other fields as given.

        Raises:
            SecurityError: an unknown policy or mode (lists the choices).
        """
        policy, mode = split_security(text)
        if policy in (AUTO, "None") and mode:
            raise SecurityError(f"unknown security {text!r}; choose one of {', '.join(security_choices())}")
        return cls(policy=policy, mode=mode or AUTO, **settings)  # type: ignore[arg-type]

    @property
    def secure(self) -> bool:
        """Whether the channel is signed (``auto`` always is, or fails)."""
        return self.policy != "None"

    def with_pki(self, pki: Path) -> ClientSecurity:
        return replace(self, pki=pki)

    def describe(self) -> str:
        """``Basic256Sha256-SignAndEncrypt as operator`` (never the password)."""
        channel = self.policy if self.policy in (AUTO, "None") else f"{self.policy}-{self.mode}"
        who = (
            f" as {self.username}"
            if self.username
            else " with a user certificate"
            if self.user_certificate
            else " anonymously"
        )
        return channel + who

    def __repr__(self) -> str:  # never print a password
        return f"ClientSecurity({self.describe()!r}, pki={str(self.pki)!r})"
