"""OPC UA endpoint URLs and the options and errors of browsing a live server (no asyncua import here).

The live adapter (:mod:`adapters.opcua.live`) imports asyncua; this module is what the registry and
the command line need to recognise an endpoint URL and to report a failure, so that loading a file
never imports the OPC UA stack.

``opc.tcp://host[:port][/path]``: the port defaults to 4840 (OPC 10000-6, 7.2). User names and
passwords never go in the URL (they would end up in logs and shell histories): the security and the
user of a connection are a `ClientSecurity` (:mod:`adapters.opcua.security`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from adapters.opcua.security import ClientSecurity
from translator.errors import TolkaError

__all__ = [
    "DEFAULT_PORT",
    "SCHEME",
    "EndpointError",
    "LiveOptions",
    "is_endpoint",
    "parse_endpoint",
]

SCHEME = "opc.tcp"
DEFAULT_PORT = 4840


class EndpointError(TolkaError):
    """A live OPC UA server could not be browsed: a bad URL, no server there, a timeout, a refusal.

    Attributes:
        url: the endpoint URL as given.
        cause: what went wrong, in words (``connection refused``, ``no answer within 5 s``, ...).
    """

    def __init__(self, url: str, cause: str) -> None:
        self.url = url
        self.cause = cause
        super().__init__(f"{url}: {cause}")


@dataclass(frozen=True, slots=True)
class LiveOptions:
    """How to browse a live server.

    Attributes:
        language: preferred locale of labels and descriptions; also sent as the session's locale.
        connect_timeout: seconds allowed to open the connection and the session.
        request_timeout: seconds allowed for one browse or read request.
        batch_size: most nodes per Browse request and most attributes per Read request; the
            server's ``MaxNodesPerBrowse`` / ``MaxNodesPerRead`` lower it when they are smaller.
        concurrency: most requests in flight at once on the one session.
        own_namespaces: namespace URIs whose nodes are the model's own; empty: every namespace
            of the server except the base one (``http://opcfoundation.org/UA/``).
        security: the channel's security, the user and the PKI (default: the most secure endpoint
            the server offers, anonymous).
    """

    language: str = "en"
    connect_timeout: float = 5.0
    request_timeout: float = 30.0
    batch_size: int = 1000
    concurrency: int = 4
    own_namespaces: tuple[str, ...] = ()
    security: ClientSecurity = field(default_factory=ClientSecurity)


def is_endpoint(source: object) -> bool:
    """Whether ``source`` is an ``opc.tcp://`` URL (a string; a Path never is one).

    >>> is_endpoint("opc.tcp://127.0.0.1:4840"), is_endpoint("model.xml")
    (True, False)
    """
    return isinstance(source, str) and source.strip().lower().startswith(SCHEME + "://")


def parse_endpoint(url: str) -> tuple[str, int]:
    """The host and port of an endpoint URL; a malformed one raises `EndpointError`.

    >>> parse_endpoint("opc.tcp://localhost/UA/Server")
    ('localhost', 4840)
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != SCHEME:
        raise EndpointError(url, f"not an {SCHEME}:// URL")
    if parts.username or parts.password:
        raise EndpointError(
            url,
            "no user names or passwords in the URL: give the user with --source-user, the password in "
            "the environment (TOLKA_SOURCE_PASSWORD) or a file (--source-password-file)",
        )
    try:
        port = parts.port
    except ValueError:
        raise EndpointError(url, "the port is not a number between 0 and 65535") from None
    if not parts.hostname:
        raise EndpointError(url, "no host name (expected opc.tcp://host:port)")
    return parts.hostname, port or DEFAULT_PORT
