"""The command-line options of a connection to a live OPC UA server, the same in every command that
reads one (``inspect``, ``match``, ``compile``, ``learn``, ``demo``, ``proxy``'s source), and the
`ClientSecurity` they make.

Secrets never go on the command line or in a URL: the password comes from ``TOLKA_SOURCE_PASSWORD``
or from the first line of ``--source-password-file``.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from adapters.opcua.security import AUTO, DEFAULT_PKI, ClientSecurity, SecurityError, security_choices
from services.cli.errors import fail

__all__ = [
    "DEFAULT_PKI",
    "AllowInsecurePasswordOption",
    "PkiOption",
    "SourcePasswordFileOption",
    "SourceSecurityOption",
    "SourceUserCertificateOption",
    "SourceUserKeyOption",
    "SourceUserOption",
    "TrustAllOption",
    "client_security",
    "read_secret",
    "with_source_security",
]

R = TypeVar("R")
PASSWORD_VARIABLE = "TOLKA_SOURCE_PASSWORD"

SourceSecurityOption = Annotated[
    str,
    typer.Option(
        "--source-security",
        help="Security of the connection to a live OPC UA server: auto (the most secure endpoint it offers "
        "among Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss; a server without any is "
        f"refused), None (only when you mean it), or POLICY-MODE: {', '.join(security_choices()[2:])}.",
    ),
]
SourceUserOption = Annotated[
    str | None,
    typer.Option(
        "--source-user",
        envvar="TOLKA_SOURCE_USER",
        help=f"User to log in to the live server as; the password from {PASSWORD_VARIABLE} or "
        "--source-password-file (default: anonymous).",
        show_default=False,
    ),
]
SourcePasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--source-password-file",
        help=f"File whose first line is the password of --source-user (instead of {PASSWORD_VARIABLE}).",
        show_default=False,
    ),
]
SourceUserCertificateOption = Annotated[
    Path | None,
    typer.Option(
        "--source-user-certificate",
        help="Log in with this X.509 user certificate (DER or PEM) instead of a user and password.",
        show_default=False,
    ),
]
SourceUserKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--source-user-key", help="The private key of --source-user-certificate.", show_default=False
    ),
]
PkiOption = Annotated[
    Path,
    typer.Option(
        "--pki",
        envvar="TOLKA_PKI",
        help="Tolka's PKI folder: own/ (its certificate, made on first use), trusted/, issuers/, rejected/. "
        "Trust a server with 'tolka pki trust FILE'.",
    ),
]
TrustAllOption = Annotated[
    bool,
    typer.Option(
        "--trust-all",
        help="Accept every peer certificate without checking it. For tests only: never on a plant network.",
    ),
]
AllowInsecurePasswordOption = Annotated[
    bool,
    typer.Option(
        "--allow-insecure-password",
        help="Let a password cross a channel without security (refused by default).",
    ),
]


def read_secret(variable: str, file: Path | None, what: str) -> str:
    """A secret from ``file`` (its first line) or the environment ``variable``; ``""`` when neither.

    Raises:
        typer.Exit: the file cannot be read (names it).
    """
    if file is not None:
        try:
            return file.read_text(encoding="utf-8").splitlines()[0] if file.stat().st_size else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(f"{what}: cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    return os.environ.get(variable, "")


def client_security(
    security: str = AUTO,
    user: str | None = None,
    password_file: Path | None = None,
    user_certificate: Path | None = None,
    user_key: Path | None = None,
    pki: Path = DEFAULT_PKI,
    trust_all: bool = False,
    allow_insecure_password: bool = False,
    *,
    password_variable: str = PASSWORD_VARIABLE,
    prefix: str = "--source",
) -> ClientSecurity:
    """The `ClientSecurity` of the options (a bad combination is a usage error naming the options)."""
    if password_file is not None and not user:
        raise fail(f"{prefix}-password-file: give the user it is for with {prefix}-user")
    password = read_secret(password_variable, password_file, f"{prefix}-password-file") if user else ""
    if user and not password:
        raise fail(
            f"{prefix}-user {user!r}: no password; put it in {password_variable} or a file given with "
            f"{prefix}-password-file"
        )
    try:
        return ClientSecurity.parse(
            security,
            username=user or "",
            password=password,
            user_certificate=user_certificate,
            user_key=user_key,
            pki=pki,
            trust_all=trust_all,
            allow_insecure_password=allow_insecure_password,
        )
    except SecurityError as exc:
        raise fail(f"{prefix}-security: {exc}") from None


def with_source_security(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command that reads live servers the --source-… options (appended to its own), and hand
    it their `ClientSecurity` as its ``security`` argument.

    One definition serves ``inspect``, ``match``, ``compile`` and ``learn``; Typer reads the options
    from the returned function's signature.
    """
    own = inspect.signature(command, eval_str=True)
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default in (
            ("source_security", SourceSecurityOption, AUTO),
            ("source_user", SourceUserOption, None),
            ("source_password_file", SourcePasswordFileOption, None),
            ("source_user_certificate", SourceUserCertificateOption, None),
            ("source_user_key", SourceUserKeyOption, None),
            ("pki", PkiOption, DEFAULT_PKI),
            ("trust_all", TrustAllOption, False),
            ("allow_insecure_password", AllowInsecurePasswordOption, False),
        )
    ]
    kept = [p for name, p in own.parameters.items() if name != "security"]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> R:
        values = [kwargs.pop(p.name, p.default) for p in added]
        return command(*args, security=client_security(*values), **kwargs)

    wrapper.__signature__ = own.replace(parameters=kept + added)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in kept + added} | {"return": own.return_annotation}
    return wrapper
