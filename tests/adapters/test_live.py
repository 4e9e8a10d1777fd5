"""The live OPC UA adapter against a real asyncua server on 127.0.0.1 that imported vendor A's NodeSet2 file.

Browsing the server must give the graph the NodeSet2 adapter reads from the same file: the same
ids, node fields and edges. The one justified difference is texts in several locales: the file has
German and English descriptions, the server keeps one text per node (asyncua's importer keeps the
last, English, one), so ``descriptions`` holds that one while the chosen ``description`` agrees.
Context (base-namespace) nodes also carry the DisplayName the server gives them as ``labels``,
where the file adapter without Opc.Ua.NodeSet2.xml only knows their names.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters import load
from adapters.opcua import EndpointError, LiveOptions, is_endpoint, parse_endpoint
from adapters.opcua.live import browse_endpoint
from adapters.opcua.security import ClientSecurity
from tests.paths import VENDOR_A
from tests.servers import asyncua_server, free_port
from translator.errors import TolkaError
from translator.graph.model import NodeKind, SchemaGraph
from translator.graph.summary import summarize

# the test server offers no security (the secure paths have tests of their own: test_live_secure.py)
NONE = ClientSecurity(policy="None")
OPEN = LiveOptions(security=NONE)
NO_SECURITY = ("--source-security", "None")

pytestmark = pytest.mark.anyio

A = "nsu=http://tolka.dev/demo/VendorA/;"
TOLKA = str(Path(sys.executable).with_name("tolka"))
SUMMARY_KEYS = (
    "name",
    "nodes",
    "edges",
    "own_nodes",
    "kinds",
    "own_kinds",
    "relations",
    "namespaces",
    "units",
)
SAME_FIELDS = (
    "kind", "name", "label", "description", "datatype", "unit", "unit_label", "path", "source", "own",
    "value_rank", "modelling_rule", "enum_values", "minimum", "maximum",
)  # fmt: skip


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def url() -> AsyncIterator[str]:
    """Vendor A's model served by a real asyncua server on a free port (one server for the module)."""
    async with asyncua_server(VENDOR_A) as server:
        yield server.endpoint.geturl()


@pytest.fixture(scope="module")
def from_file() -> SchemaGraph:
    return load(VENDOR_A)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


async def test_live_server_gives_the_graph_of_its_nodeset_file(url: str, from_file: SchemaGraph) -> None:
    model = await browse_endpoint(url, OPEN)
    live = model.graph
    assert {n.id for n in live.own_nodes()} == {n.id for n in from_file.own_nodes()}
    assert {n.id for n in live.nodes()} == {n.id for n in from_file.nodes()}
    assert len(list(live.own_nodes())) == 119
    for node in from_file.nodes():
        other = live[node.id]
        for field in SAME_FIELDS:
            assert getattr(other, field) == getattr(node, field), (node.id, field)
        if node.own and node.descriptions:  # one locale on the server: the English text of the file
            assert other.descriptions == (("", dict(node.descriptions)["en"]),)
    assert set(live.edges()) == set(from_file.edges())
    assert (live.name, live.namespaces, live.sources) == (from_file.name, from_file.namespaces, [url])
    assert live.warnings == []
    temperature = live[A + "i=6055"]
    assert temperature.path == "/Objects/PumpSkid1/Tank/Temperature"
    assert (temperature.unit, temperature.datatype) == ("CEL", "Double")
    assert (temperature.minimum, temperature.maximum) == (0.0, 120.0)
    assert live[A + "i=6073"].enum_values == ("Stopped=0", "Running=1", "Fault=2")
    assert live[A + "i=6057"].kind is NodeKind.PROPERTY
    stats = model.stats
    assert (stats.nodes, stats.own_nodes) == (len(live), 119)
    assert min(stats.browse_requests, stats.read_requests, stats.nodes_per_second) > 0


async def test_small_batches_and_one_request_at_a_time_give_the_same_graph(url: str) -> None:
    default = await browse_endpoint(url, OPEN)
    small = await browse_endpoint(url, LiveOptions(security=NONE, batch_size=7, concurrency=1))
    wide = await browse_endpoint(url, LiveOptions(security=NONE, batch_size=3, concurrency=8))
    assert small.graph == default.graph == wide.graph
    assert small.stats.read_requests > default.stats.read_requests
    assert small.stats.browse_requests > default.stats.browse_requests


async def test_own_namespaces_can_be_narrowed(url: str) -> None:
    model = await browse_endpoint(url, LiveOptions(security=NONE, own_namespaces=("urn:not-on-this-server",)))
    assert list(model.graph.own_nodes()) == []
    assert any("no nodes of the server's own namespaces" in w for w in model.graph.warnings)


async def test_load_takes_a_url(url: str, from_file: SchemaGraph) -> None:
    # the synchronous entry point, in a thread: this test's event loop is serving the server
    graph = await asyncio.to_thread(load, url, security=NONE)
    assert {n.id for n in graph.own_nodes()} == {n.id for n in from_file.own_nodes()}
    with pytest.raises(EndpointError, match="alone"):
        load([url, VENDOR_A])


async def test_no_server_is_a_clear_error() -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError) as caught:
        await browse_endpoint(url, LiveOptions(security=NONE, connect_timeout=2.0))
    assert isinstance(caught.value, TolkaError)
    assert caught.value.url == url
    port = url.rsplit(":", 1)[1]
    assert (
        str(caught.value) == f"{url}: connection refused: no OPC UA server is listening on 127.0.0.1:{port}"
    )


async def test_a_server_that_never_answers_times_out(silent_port: int) -> None:
    url = f"opc.tcp://127.0.0.1:{silent_port}"
    with pytest.raises(EndpointError, match=r"no answer within 0\.5 s"):
        await browse_endpoint(url, LiveOptions(security=NONE, connect_timeout=0.5))


def test_endpoint_urls() -> None:
    assert [is_endpoint(s) for s in ("opc.tcp://h:1", " OPC.TCP://h", Path("opc.tcp:/h"))] == [
        True,
        True,
        False,
    ]
    assert parse_endpoint("opc.tcp://plc.local:4841/UA/Server") == ("plc.local", 4841)
    assert parse_endpoint("opc.tcp://[::1]") == ("::1", 4840)
    for bad, reason in [
        ("opc.tcp://:4840", "no host"),
        ("opc.tcp://h:99999", "port"),
        ("opc.tcp://user:secret@h:4840", "no user names or passwords in the URL"),
        ("http://h:4840", "not an opc.tcp"),
    ]:
        with pytest.raises(EndpointError, match=reason):
            parse_endpoint(bad)


def _tolka(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120)


async def test_tolka_inspect_a_live_server(url: str, from_file: SchemaGraph) -> None:
    live, table = await asyncio.gather(
        asyncio.to_thread(_tolka, "inspect", url, "--json", *NO_SECURITY),
        asyncio.to_thread(_tolka, "inspect", url, *NO_SECURITY),
    )
    assert live.returncode == 0, live.stderr
    assert live.stderr == ""
    summary, expected = json.loads(live.stdout), summarize(from_file)  # what inspect prints for the file
    for key in SUMMARY_KEYS:
        assert summary[key] == expected[key], key
    assert summary["sources"] == [url]
    assert summary["browse"]["own_nodes"] == 119
    assert summary["browse"]["nodes_per_second"] > 0
    assert table.returncode == 0, table.stderr
    assert "nodes/s" in table.stdout
    assert "http://tolka.dev/demo/VendorA/" in table.stdout


def test_tolka_inspect_no_server() -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    out = _tolka("inspect", url)
    assert out.returncode == 2
    assert out.stderr.startswith(f"tolka: error: {url}: connection refused")
    assert "Traceback" not in out.stderr
