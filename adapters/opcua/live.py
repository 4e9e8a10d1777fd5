"""The live OPC UA adapter: a running server's address space into one `SchemaGraph`.

Example:
    >>> model = load_endpoint("opc.tcp://127.0.0.1:4840")  # doctest: +SKIP
    >>> model.graph, f"{model.stats.nodes_per_second:,.0f} nodes/s"  # doctest: +SKIP

``browse_endpoint`` is the async entry point (for the gateway, which runs in an event loop);
``load_endpoint`` runs it for synchronous callers (the command line, ``adapters.load``). What is
browsed, and how (batched, concurrent requests), is described in :mod:`adapters.opcua.crawl`.

The graph is built by the rules of the NodeSet2 adapter (:mod:`adapters.opcua.nodeset`), so a live
server and the NodeSet2 file it loaded give the same graph: ids ``nsu=<NamespaceUri>;<id>``
resolved through the server's namespace array; node kinds from node classes (a variable whose
type definition is ``PropertyType`` is a property); names from BrowseNames; edges named after
their reference types' BrowseNames, in the forward direction, plus a ``DataType`` edge from each
variable to its data type; units (UNECE codes) from ``EngineeringUnits``, ranges from ``EURange``,
enumerations from ``EnumStrings``/``EnumValues`` and data type definitions; browse paths by the
same shortest-path rule (:mod:`adapters.opcua.paths`), base nodes placed where the shipped table of
the base namespace puts them. Nodes of the own namespaces are the model's own, the base nodes they
reference are context. What a server cannot say the same way as a file:

* one locale per text: a server answers a read in the session's locale (``language``), so
  ``labels``/``descriptions`` hold that one text where a file may hold several translations
  (the chosen ``label`` and ``description`` agree when the file has the preferred locale);
* context nodes carry what the server says of them (their DisplayName and Description), where a
  file without ``Opc.Ua.NodeSet2.xml`` only knows their names;
* a node's ``source`` is its namespace URI (the file adapter writes the file's model URI, which is
  the same for a file that defines one namespace).

The graph is assembled in :mod:`adapters.opcua.live_graph` (`build_graph`, importable from here too).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from asyncua.client.client import Client
from asyncua.ua.uaerrors import UaError, UaStatusCodeError

from adapters.opcua.connect import refusal, secure_client
from adapters.opcua.crawl import crawl_server
from adapters.opcua.endpoint import EndpointError, LiveOptions, parse_endpoint
from adapters.opcua.live_graph import build_graph
from adapters.opcua.pki import Pki, PkiError
from adapters.opcua.security import SecurityError
from translator.graph.model import SchemaGraph

__all__ = ["BrowseStats", "LiveModel", "browse_endpoint", "build_graph", "load_endpoint"]

_SESSION_TIMEOUT_MS = 600_000
_CLOSE_TIMEOUT = 2.0
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BrowseStats:
    """How much was browsed and how fast.

    Attributes:
        nodes: nodes in the graph.
        own_nodes: own nodes in the graph.
        references: references browsed (each once, forward).
        browse_requests: Browse and BrowseNext requests sent.
        read_requests: Read requests sent.
        connect_seconds: time to open the connection and the session.
        seconds: total time, from connecting to the finished graph.
    """

    nodes: int
    own_nodes: int
    references: int
    browse_requests: int
    read_requests: int
    connect_seconds: float
    seconds: float

    @property
    def nodes_per_second(self) -> float:
        """Nodes of the graph per second of the whole browse."""
        return self.nodes / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, float]:
        """The figures as a JSON-ready dictionary (with ``nodes_per_second``)."""
        return {
            "nodes": self.nodes,
            "own_nodes": self.own_nodes,
            "references": self.references,
            "browse_requests": self.browse_requests,
            "read_requests": self.read_requests,
            "connect_seconds": round(self.connect_seconds, 3),
            "seconds": round(self.seconds, 3),
            "nodes_per_second": round(self.nodes_per_second, 1),
        }


@dataclass(frozen=True, slots=True)
class LiveModel:
    """A browsed server: its graph and the figures of the browse."""

    graph: SchemaGraph
    stats: BrowseStats


# -- the connection ------------------------------------------------------------------------------


def _cause(exc: BaseException, host: str, port: int, timeout: float, *, connecting: bool) -> str:
    """The cause of a failure in words, for `EndpointError`."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: no OPC UA server is listening on {host}:{port}"
    if isinstance(exc, ConnectionError) and connecting:
        return (
            f"{exc or 'connection closed'}: the connection closed during the OPC UA handshake "
            f"(is an OPC UA server listening on {host}:{port}?)"
        )
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve host name {host!r}"
    if isinstance(exc, UaStatusCodeError):
        return f"the server answered {exc}"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


async def _close(client: Client) -> None:
    with suppress(Exception):
        await asyncio.wait_for(client.disconnect(), _CLOSE_TIMEOUT)
    with suppress(Exception):
        client.disconnect_socket()


async def browse_endpoint(url: str, options: LiveOptions | None = None) -> LiveModel:
    """Browse the server at ``url`` (``opc.tcp://host:port[/path]``) into a graph.

    Raises:
        EndpointError: a malformed URL, no server, a refusal, or no answer in time; the message
            names the URL and the cause.
    """
    options = options or LiveOptions()
    host, port = parse_endpoint(url)
    url = url.strip()
    started = time.perf_counter()
    # asyncua's watchdog reads ServerStatus every ``watchdog_intervall`` and drops the connection when
    # the answer takes longer than that; queued behind large batches it would, so allow a request's time
    client = Client(url, timeout=options.request_timeout, watchdog_intervall=options.request_timeout)
    client.set_locale([options.language])
    client.session_timeout = _SESSION_TIMEOUT_MS
    pki: Pki | None = None
    try:
        pki = await asyncio.wait_for(secure_client(client, url, options.security), options.connect_timeout)
        await asyncio.wait_for(client.connect(), options.connect_timeout)
    except (SecurityError, PkiError) as exc:
        await _close(client)
        raise EndpointError(url, str(exc)) from None
    except (OSError, TimeoutError, UaError, AssertionError) as exc:
        await _close(client)
        refused = refusal(exc, pki if options.security.secure else None)
        cause = refused or _cause(exc, host, port, options.connect_timeout, connecting=True)
        raise EndpointError(url, cause) from None
    connected = time.perf_counter()
    try:
        crawl = await crawl_server(client, options)
    except (OSError, TimeoutError, UaError) as exc:
        cause = _cause(exc, host, port, options.request_timeout, connecting=False)
        raise EndpointError(url, f"browsing failed: {cause}") from None
    finally:
        await _close(client)
    graph = build_graph(crawl, url, options.language)
    stats = BrowseStats(
        nodes=len(graph),
        own_nodes=sum(1 for _ in graph.own_nodes()),
        references=len(crawl.references),
        browse_requests=crawl.browse_requests,
        read_requests=crawl.read_requests,
        connect_seconds=connected - started,
        seconds=time.perf_counter() - started,
    )
    return LiveModel(graph, stats)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def load_endpoint(url: str, options: LiveOptions | None = None) -> LiveModel:
    """Browse the server at ``url`` from synchronous code; see `browse_endpoint`."""
    return _run(browse_endpoint(url, options))
