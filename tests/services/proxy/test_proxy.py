"""The OPC UA proxy against real asyncua servers on 127.0.0.1: vendor A's model in, vendor B's model out."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.node import Node
from asyncua.server.server import Server
from asyncua.ua.status_codes import StatusCodes

from adapters.opcua.security import ClientSecurity
from services.proxy.plan import plan_routes
from services.proxy.remote import RemoteTarget
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity, ServedUser
from services.proxy.targets import ServedTarget, stop_clock
from services.proxy.workers import ShardedProxy, shares
from tests.paths import VENDOR_A, VENDOR_B
from tests.polling import eventually
from tests.servers import free_port, start_asyncua
from translator.graph.model import Node as GraphNode
from translator.graph.model import NodeKind, SchemaGraph
from translator.translation.spec import Cast, MessageFormat, Rule, Side, TranslatorSpec, Unit, spec_to_dict

pytestmark = pytest.mark.anyio

A_NS, B_NS = "http://tolka.dev/demo/VendorA/", "http://tolka.dev/demo/VendorB/"
SPEED, TEMPERATURE = f"nsu={A_NS};i=6061", f"nsu={A_NS};i=6082"  # RPM; °C
SC_107, TT_103 = f"nsu={B_NS};i=6020", f"nsu={B_NS};i=6008"  # Hz; °F

SPEC = TranslatorSpec(
    Side(str(VENDOR_A), MessageFormat("opcua-pubsub-json")),
    Side(str(VENDOR_B), MessageFormat("json")),
    (
        Rule("/SC_107", ("Speed",), (Unit("RPM", "HTZ"),), source_id=SPEED, target_id=SC_107),
        # a cast that does not say what it casts from has no inverse: TT_103 is read-only
        Rule(
            "/TT_103",
            ("OutletTemperature",),
            (Unit("CEL", "FAH"), Cast("int")),
            source_id=TEMPERATURE,
            target_id=TT_103,
        ),
    ),
)


# the test machines offer no security and the served endpoint offers none (the secure paths have their
# own tests: test_trust.py and tests/interop)
OPEN = ClientSecurity(policy="None")


def open_served(users: tuple[ServedUser, ...] = (), allow_anonymous: bool = True) -> ServedSecurity:
    """A served endpoint without security, anonymous clients allowed, the users' passwords in clear."""
    return ServedSecurity.parse(
        ["None"], users=users, allow_anonymous=allow_anonymous, allow_insecure_password=True
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def serve_model(nodeset: Path, uri: str, port: int, writable: tuple[int, ...]) -> Server:
    """A real asyncua server at ``port`` with ``nodeset`` imported, the ``writable`` variables of ``uri``
    writable by clients."""

    async def make_writable(server: Server) -> None:
        ns = await server.get_namespace_index(uri)
        for identifier in writable:
            await server.get_node(f"ns={ns};i={identifier}").set_writable()

    return await start_asyncua(nodeset, port=port, configure=make_writable)


async def vendor_a(port: int) -> Server:
    """Vendor A's model served at ``port``, its Speed and OutletTemperature writable (setpoints)."""
    return await serve_model(VENDOR_A, A_NS, port, (6061, 6082))


async def node(server: Server, expanded: str) -> Node:
    uri, identifier = expanded.removeprefix("nsu=").split(";")
    return server.get_node(f"ns={await server.get_namespace_index(uri)};{identifier}")


def writable_model(folder: Path) -> Path:
    """Vendor B's model where SC_107 may be written (AccessLevel 3): the shipped file declares every
    variable read-only (no AccessLevel: the NodeSet2 default, CurrentRead)."""
    text = VENDOR_B.read_text(encoding="utf-8")
    marker = '<UAVariable NodeId="ns=1;i=6020" BrowseName="1:SC_107"'
    assert marker in text
    path = folder / VENDOR_B.name
    path.write_text(text.replace(marker, f'{marker} AccessLevel="3" UserAccessLevel="3"'), encoding="utf-8")
    return path


@dataclass
class Rig:
    source: Server
    source_port: int
    proxy: Proxy
    served: Client
    stop: asyncio.Event
    task: asyncio.Task[None]
    url: str = ""

    async def served_node(self, expanded: str, client: Client | None = None) -> Node:
        client = client or self.served
        uri, identifier = expanded.removeprefix("nsu=").split(";")
        return client.get_node(f"ns={await client.get_namespace_index(uri)};{identifier}")

    @contextlib.asynccontextmanager
    async def login(self, user: str, password: str) -> AsyncIterator[Client]:
        """A client of the served model logged in as ``user``."""
        client = Client(self.url)
        client.set_user(user)
        client.set_password(password)
        await client.connect()
        try:
            yield client
        finally:
            await client.disconnect()


@contextlib.asynccontextmanager
async def running(
    model: Path | SchemaGraph = VENDOR_B,
    spec: TranslatorSpec = SPEC,
    write_back: tuple[str, ...] = (),
    users: tuple[ServedUser, ...] = (),
) -> AsyncIterator[Rig]:
    """Vendor A's server, the proxy serving ``model`` (anonymous clients allowed), an anonymous client."""
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    plan = plan_routes(spec)
    url = f"opc.tcp://127.0.0.1:{served_port}"
    target = ServedTarget(url, model, plan.writable(write_back), security=open_served(users))
    proxy = Proxy(
        plan,
        f"opc.tcp://127.0.0.1:{source_port}",
        target,
        publishing_interval=20,
        max_backoff=1.0,
        security=OPEN,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    await asyncio.wait_for(ready.wait(), 30)
    served = Client(url)
    await served.connect()
    rig = Rig(source, source_port, proxy, served, stop, task, url)
    try:
        yield rig
    finally:
        await served.disconnect()
        stop.set()
        await asyncio.wait_for(task, 30)
        await rig.source.stop()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    """The proxy as it starts by default (no write-back), over a target model that would allow writes."""
    async with running(writable_model(tmp_path)) as started:
        yield started


async def test_a_data_change_arrives_translated_with_its_timestamp_and_status(rig: Rig) -> None:
    speed = await node(rig.source, SPEED)
    stamp = dt.datetime(2026, 11, 1, 10, 0, 0, 250000, tzinfo=dt.UTC)
    uncertain = ua.StatusCode(ua.UInt32(StatusCodes.UncertainSensorNotAccurate))
    await speed.write_value(
        ua.DataValue(ua.Variant(1500.0, ua.VariantType.Double), StatusCode=uncertain, SourceTimestamp=stamp)
    )
    sc_107 = await rig.served_node(SC_107)

    async def arrived() -> ua.DataValue | None:
        value = await sc_107.read_data_value(raise_on_bad_status=False)
        return value if value.Value is not None and value.Value.Value == pytest.approx(25.0) else None

    value = await eventually(arrived)
    assert value is not None, "1500 rpm never arrived as 25 Hz"
    assert value.StatusCode.value == StatusCodes.UncertainSensorNotAccurate
    assert value.SourceTimestamp.replace(tzinfo=dt.UTC) == stamp
    temperature = await node(rig.source, TEMPERATURE)
    await temperature.write_value(ua.DataValue(ua.Variant(100.0, ua.VariantType.Double)))
    tt_103 = await rig.served_node(TT_103)
    assert await eventually(lambda: _equals(tt_103, 212))  # °C → °F, cast to an integer: served as its type


async def _equals(node: Node, expected: Any) -> bool:
    """The node reads ``expected`` with a Good status (not yet, while it waits for its first value)."""
    value = await node.read_data_value(raise_on_bad_status=False)
    return bool(value.StatusCode.is_good() and value.Value is not None and value.Value.Value == expected)


async def test_every_value_of_a_steady_counter_arrives(rig: Rig) -> None:
    """No silent loss: 400 values at 200 changes/s, each must reach a client of the served model."""
    sc_107 = await rig.served_node(SC_107)
    seen: list[float] = []

    class Collect:
        def datachange_notification(self, node: Any, value: Any, data: Any) -> None:
            seen.append(value)

    subscription = await rig.served.create_subscription(20, Collect())
    await subscription.subscribe_data_change(sc_107, queuesize=1000, sampling_interval=ua.Double(0.0))
    speed = await node(rig.source, SPEED)
    count = 400
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k in range(1, count + 1):
        await speed.write_value(ua.DataValue(ua.Variant(60.0 * k, ua.VariantType.Double)))
        await asyncio.sleep(max(0.0, start + k / 200 - loop.time()))  # paced: 200 changes/s is the load
    assert await eventually(lambda: float(count) in seen, timeout=15), f"last seen {seen[-3:]}"
    missing = sorted(set(range(1, count + 1)) - {round(v) for v in seen})
    assert missing == [], f"{len(missing)} values lost, first {missing[:10]}"
    assert rig.proxy.counters.dropped == 0
    assert rig.proxy.counters.failed == 0


@pytest.mark.reliability
async def test_the_proxy_survives_a_source_restart_and_reports_the_gap(rig: Rig) -> None:
    sc_107 = await rig.served_node(SC_107)
    speed = await node(rig.source, SPEED)
    stamp = dt.datetime(2026, 11, 2, 8, 30, 0, 500000, tzinfo=dt.UTC)
    await speed.write_value(ua.DataValue(ua.Variant(120.0, ua.VariantType.Double), SourceTimestamp=stamp))
    assert await eventually(lambda: _equals(sc_107, 2.0))
    await rig.source.stop()

    async def uncertain() -> bool:
        value = await sc_107.read_data_value(raise_on_bad_status=False)
        return value.StatusCode.value == StatusCodes.UncertainLastUsableValue and value.Value.Value == 2.0

    assert await eventually(uncertain, timeout=15), (
        "served value not marked uncertain while the source is gone"
    )
    held = await sc_107.read_data_value(raise_on_bad_status=False)
    assert held.SourceTimestamp.replace(tzinfo=dt.UTC) == stamp  # the last source timestamp, kept
    assert held.ServerTimestamp is not None
    assert rig.proxy.counters.state == "disconnected"
    rig.source = await vendor_a(rig.source_port)  # the machine reboots: a new server, same endpoint
    speed = await node(rig.source, SPEED)
    await speed.write_value(ua.DataValue(ua.Variant(180.0, ua.VariantType.Double)))

    async def good_again() -> bool:
        value = await sc_107.read_data_value(raise_on_bad_status=False)
        return value.StatusCode.is_good() and value.Value.Value == pytest.approx(3.0)

    assert await eventually(good_again, timeout=20), "the proxy did not recover"
    counters = rig.proxy.counters
    assert counters.state == "connected"
    assert counters.reconnects == 1
    assert len(counters.gaps) == 1
    lost, back = counters.gaps[0]
    assert lost < back


async def test_two_workers_share_the_source_and_lose_nothing(tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    plan = plan_routes(SPEC)
    assert sorted(len(share) for share in shares(plan, 2)) == [1, 1]  # one source node each
    served_url = f"opc.tcp://127.0.0.1:{served_port}"
    operator = ServedUser("operator", "op-secret", "write")
    target = ServedTarget(
        served_url,
        writable_model(tmp_path),
        writable=plan.writable([SC_107]),
        security=open_served((operator,), allow_anonymous=False),
    )
    proxy = ShardedProxy(
        plan,
        spec_to_dict(SPEC),
        f"opc.tcp://127.0.0.1:{source_port}",
        target,
        2,
        publishing_interval=20,
        security=OPEN,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    reader = Client(served_url)
    reader.set_user(operator.username)
    reader.set_password(operator.password)
    try:
        await asyncio.wait_for(ready.wait(), 60)
        await reader.connect()
        nsb = await reader.get_namespace_index(B_NS)
        sc_107, tt_103 = reader.get_node(f"ns={nsb};i=6020"), reader.get_node(f"ns={nsb};i=6008")
        seen: dict[str, list[Any]] = {"speed": [], "temperature": []}

        class Collect:
            def datachange_notification(self, node: Any, value: Any, data: Any) -> None:
                seen["speed" if node.nodeid.Identifier == 6020 else "temperature"].append(value)

        subscription = await reader.create_subscription(20, Collect())
        await subscription.subscribe_data_change(
            [sc_107, tt_103], queuesize=1000, sampling_interval=ua.Double(0.0)
        )
        speed, temperature = await node(source, SPEED), await node(source, TEMPERATURE)
        loop = asyncio.get_running_loop()
        start, count = loop.time(), 200
        for k in range(1, count + 1):
            await speed.write_value(ua.DataValue(ua.Variant(60.0 * k, ua.VariantType.Double)))
            await temperature.write_value(ua.DataValue(ua.Variant(float(k), ua.VariantType.Double)))
            await asyncio.sleep(max(0.0, start + k / 200 - loop.time()))  # paced: 200 changes/s
        last_f = round(count * 1.8 + 32)
        assert await eventually(lambda: float(count) in seen["speed"] and last_f in seen["temperature"], 20)
        assert sorted(set(range(1, count + 1)) - {round(v) for v in seen["speed"]}) == []
        assert sorted({round(k * 1.8 + 32) for k in range(1, count + 1)} - set(seen["temperature"])) == []
        # a write-role user's write reaches the source through the worker that owns the variable
        await sc_107.write_value(ua.DataValue(ua.Variant(5.0, ua.VariantType.Double)))
        assert await eventually(lambda: _equals(speed, 300.0))
        # the workers report their counters four times a second
        assert await eventually(lambda: proxy.counters.written_back == 1)
        counters = proxy.counters
        assert counters.state == "connected"
        assert counters.translated >= 2 * count
        assert counters.dropped == 0
    finally:
        with contextlib.suppress(Exception):
            await reader.disconnect()
        stop.set()
        await asyncio.wait_for(task, 60)
        await source.stop()


async def test_write_to_puts_translated_values_into_an_existing_target_server() -> None:
    source_port, target_port = free_port(), free_port()
    source = await vendor_a(source_port)
    existing = await serve_model(VENDOR_B, B_NS, target_port, (6020, 6008))
    nsb = await existing.get_namespace_index(B_NS)
    proxy = Proxy(
        plan_routes(SPEC),
        f"opc.tcp://127.0.0.1:{source_port}",
        RemoteTarget(f"opc.tcp://127.0.0.1:{target_port}", security=OPEN),
        security=OPEN,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    try:
        await asyncio.wait_for(ready.wait(), 30)
        await (await node(source, SPEED)).write_value(ua.DataValue(ua.Variant(900.0, ua.VariantType.Double)))
        assert await eventually(lambda: _equals(existing.get_node(f"ns={nsb};i=6020"), 15.0))
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await source.stop()
        await existing.stop()


async def test_a_target_without_a_nodeset_is_served_from_its_graph() -> None:
    """A JSON target (no NodeSet2 file): its fields become variables under Objects, values arrive."""
    target = SchemaGraph("urn:plant:skid")
    target.add_node(GraphNode("skid.json#", NodeKind.FIELD, "skid", datatype="object"))
    target.add_node(GraphNode("skid.json#/speed_hz", NodeKind.FIELD, "speed_hz", datatype="number"))
    target.add_node(
        GraphNode("skid.json#/outlet_f", NodeKind.FIELD, "outlet_f", datatype="integer", unit="FAH")
    )
    target.add_edge("skid.json#", "skid.json#/speed_hz", "child")
    target.add_edge("skid.json#", "skid.json#/outlet_f", "child")
    target.add_node(GraphNode("skid.json#/pressure", NodeKind.FIELD, "pressure", datatype="number"))
    target.add_edge("skid.json#", "skid.json#/pressure", "child")  # no rule feeds it
    spec = TranslatorSpec(
        SPEC.source,
        Side("urn:plant:skid", MessageFormat("json")),
        (
            Rule(
                "/speed_hz",
                ("Speed",),
                (Unit("RPM", "HTZ"),),
                source_id=SPEED,
                target_id="skid.json#/speed_hz",
            ),
            Rule(
                "/outlet_f",
                ("T",),
                (Unit("CEL", "FAH"),),
                source_id=TEMPERATURE,
                target_id="skid.json#/outlet_f",
            ),
        ),
    )
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    served_url = f"opc.tcp://127.0.0.1:{served_port}"
    proxy = Proxy(
        plan_routes(spec),
        f"opc.tcp://127.0.0.1:{source_port}",
        ServedTarget(served_url, target, security=open_served()),
        security=OPEN,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    reader = Client(served_url)
    try:
        await asyncio.wait_for(ready.wait(), 30)
        await (await node(source, SPEED)).write_value(ua.DataValue(ua.Variant(3000.0, ua.VariantType.Double)))
        await (await node(source, TEMPERATURE)).write_value(
            ua.DataValue(ua.Variant(100.0, ua.VariantType.Double))
        )
        await reader.connect()
        ns = await reader.get_namespace_index("urn:plant:skid")
        skid = await reader.nodes.objects.get_child(f"{ns}:skid")
        speed, outlet = await skid.get_child(f"{ns}:speed_hz"), await skid.get_child(f"{ns}:outlet_f")
        assert speed.nodeid == ua.NodeId("skid.json#/speed_hz", ns)
        assert await eventually(lambda: _equals(speed, 50.0))
        assert await eventually(lambda: _equals(outlet, 212))  # the field is an integer: served as one
        assert (await outlet.read_data_value()).Value.VariantType == ua.VariantType.Int64
        units = await (await outlet.get_child("0:EngineeringUnits")).read_value()
        assert (units.UnitId, units.DisplayName.Text) == (4604232, "°F")  # FAH, from the OPC table
        pressure = await (await skid.get_child(f"{ns}:pressure")).read_data_value(raise_on_bad_status=False)
        assert pressure.StatusCode.value == StatusCodes.BadNotConnected  # not 0.0 reading Good
    finally:
        with contextlib.suppress(Exception):
            await reader.disconnect()
        stop.set()
        await asyncio.wait_for(task, 30)
        await source.stop()


async def test_a_server_stops_without_waiting_for_its_clock() -> None:
    server = await start_asyncua(VENDOR_B)
    clock = server.iserver.time_task
    assert clock is not None  # asyncua keeps its clock in this task ...
    assert not clock.done()
    await stop_clock(server)  # ... which stop() would wait for (up to its next tick, a second)
    assert clock.cancelled()
    assert server.iserver.time_task is None
    await server.stop()
    await stop_clock(server)  # nothing left to stop
