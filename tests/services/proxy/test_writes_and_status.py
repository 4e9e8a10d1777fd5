"""A plant's safety on the served model, against real asyncua servers on 127.0.0.1: writes are opt-in
(write-back, the target model's AccessLevel, the user's role), and status codes tell the truth."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.common.node import Node
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from services.proxy.plan import plan_routes
from services.proxy.runtime import Proxy
from services.proxy.security import ServedUser
from services.proxy.targets import ServedTarget
from tests.paths import VENDOR_B, shared
from tests.polling import eventually
from tests.servers import connects, free_port
from tests.services.proxy.test_proxy import (
    A_NS,
    B_NS,
    OPEN,
    SC_107,
    SPEC,
    SPEED,
    TT_103,
    node,
    open_served,
    running,
    vendor_a,
    writable_model,
)
from translator.errors import TolkaError
from translator.translation.spec import (
    Rule,
    TranslatorSpec,
    ValueMap,
    read_translator,
    spec_from_dict,
    spec_to_dict,
    write_translator,
)

pytestmark = pytest.mark.anyio

OPERATOR = ServedUser("operator", "op-secret", "write")
VIEWER = ServedUser("viewer", "view-secret", "read")
LT_101 = f"nsu={B_NS};i=6002"  # a variable of vendor B's model no rule of SPEC feeds
LT_101_RANGE = f"nsu={B_NS};i=6003"  # its EURange property
READ = ua.AccessLevel.CurrentRead.mask
READ_WRITE = ua.AccessLevel.CurrentRead.mask | ua.AccessLevel.CurrentWrite.mask


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _value(value: float) -> ua.DataValue:
    return ua.DataValue(ua.Variant(value, ua.VariantType.Double))


async def _levels(node: Node) -> tuple[int, int]:
    access = await node.read_attribute(AttributeIds.AccessLevel)
    user_access = await node.read_attribute(AttributeIds.UserAccessLevel)
    return int(access.Value.Value), int(user_access.Value.Value)


async def _settled(node: Node, expected: float) -> bool:
    """``node`` reads ``expected`` now and still after the proxy had time to carry anything further."""
    # the wait is what is tested: a refused write must not reach the source, not even a little later
    await asyncio.sleep(0.5)
    return bool(await node.read_value() == expected)


# ---- writes are opt-in -----------------------------------------------------------------------


def test_write_back_is_off_unless_the_file_or_an_option_enables_it() -> None:
    plan = plan_routes(SPEC)
    assert plan.writable() == set()  # an old translator file: read-only
    assert plan.writable([SC_107]) == {SC_107}
    assert plan.writable(["/SC_107"]) == {SC_107}  # by target address too
    with pytest.raises(TolkaError, match="has no inverse"):
        plan.writable(["/TT_103"])  # °C → °F cast to int without 'from': cannot go back
    with pytest.raises(TolkaError, match="no routed rule"):
        plan.writable(["/nowhere"])
    document = spec_to_dict(SPEC)
    assert "write_back" not in document["rules"][0]
    document["rules"][0]["write_back"] = True
    opted = spec_from_dict(document)
    assert plan_routes(opted).writable() == {SC_107}
    assert spec_to_dict(opted)["rules"][0]["write_back"] is True
    document["rules"][0]["write_back"] = "yes"
    with pytest.raises(TolkaError, match="/rules/0/write_back: expected true or false"):
        spec_from_dict(document)


def test_the_write_back_member_survives_a_file_round_trip(tmp_path: Path) -> None:
    spec = TranslatorSpec(SPEC.source, SPEC.target, (Rule(**{**_fields(SPEC.rules[0]), "write_back": True}),))
    write_translator(spec, tmp_path / "t.json")
    assert read_translator(tmp_path / "t.json").rules[0].write_back is True


def _fields(rule: Rule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in Rule.__slots__}


async def test_by_default_a_client_write_is_refused_and_nothing_reaches_the_source(tmp_path: Path) -> None:
    async with running(writable_model(tmp_path)) as rig:  # the model would allow it; write-back is off
        speed = await node(rig.source, SPEED)
        await speed.write_value(_value(600.0))
        sc_107 = await rig.served_node(SC_107)
        assert await eventually(lambda: _equals(sc_107, 10.0))
        assert await _levels(sc_107) == (READ, READ)  # the served attributes say read-only
        with pytest.raises(UaStatusCodeError, match="BadNotWritable"):
            await sc_107.write_value(_value(30.0))  # anonymous: the pump must not go to 1,800 rpm
        assert await _settled(speed, 600.0)
        assert await sc_107.read_value() == 10.0
        assert rig.proxy.counters.written_back == 0


async def test_write_back_for_one_rule_carries_a_write_users_value_and_timestamp(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tolka.proxy.writes")
    async with running(writable_model(tmp_path), write_back=(SC_107,), users=(OPERATOR, VIEWER)) as rig:
        speed = await node(rig.source, SPEED)
        async with rig.login(OPERATOR.username, OPERATOR.password) as operator:
            sc_107 = await rig.served_node(SC_107, operator)
            assert await _levels(sc_107) == (READ_WRITE, READ_WRITE)
            before = dt.datetime.now(dt.UTC)
            await sc_107.write_value(_value(10.0))  # no source timestamp: the proxy stamps it
            assert await eventually(lambda: _equals(speed, 600.0)), "10 Hz never reached the source"
            at_source = await speed.read_data_value()
            assert at_source.SourceTimestamp is not None
            assert at_source.SourceTimestamp.replace(tzinfo=dt.UTC) >= before.replace(microsecond=0)
            served = await sc_107.read_data_value()
            assert served.SourceTimestamp is not None  # the written value carries a timestamp too
            stamp = dt.datetime(2026, 11, 3, 12, 0, 0, 125000, tzinfo=dt.UTC)
            await sc_107.write_value(
                ua.DataValue(ua.Variant(5.0, ua.VariantType.Double), SourceTimestamp=stamp)
            )
            assert await eventually(lambda: _equals(speed, 300.0))
            stamped = await speed.read_data_value()
            assert stamped.SourceTimestamp.replace(tzinfo=dt.UTC) == stamp  # the client's own timestamp
            tt_103 = await rig.served_node(TT_103, operator)
            assert await _levels(tt_103) == (READ, READ)
            with pytest.raises(UaStatusCodeError, match="BadNotWritable"):
                await tt_103.write_value(_value(50.0))  # not enabled (and no inverse)
        assert rig.proxy.counters.written_back == 2
        lines = [r.getMessage() for r in caplog.records if r.name == "tolka.proxy.writes"]
        assert len(lines) == 2
        assert lines[0].startswith(f"write by operator: {SC_107} = 10.0, to the source {SPEED} = 600.0 at ")


async def test_read_role_users_and_anonymous_clients_are_refused_and_the_source_keeps_its_value(
    tmp_path: Path,
) -> None:
    async with running(writable_model(tmp_path), write_back=(SC_107,), users=(OPERATOR, VIEWER)) as rig:
        speed = await node(rig.source, SPEED)
        await speed.write_value(_value(1200.0))
        async with rig.login(VIEWER.username, VIEWER.password) as viewer:
            sc_107 = await rig.served_node(SC_107, viewer)
            assert await eventually(lambda: _equals(sc_107, 20.0))
            assert await _levels(sc_107) == (READ_WRITE, READ)  # the variable may be written, not by them
            with pytest.raises(UaStatusCodeError, match="BadUserAccessDenied"):
                await sc_107.write_value(_value(30.0))
        anonymous = await rig.served_node(SC_107)
        assert await _levels(anonymous) == (READ_WRITE, READ)
        with pytest.raises(UaStatusCodeError, match="BadUserAccessDenied"):
            await anonymous.write_value(_value(30.0))
        assert await _settled(speed, 1200.0)
        assert rig.proxy.counters.written_back == 0


async def test_write_back_is_left_off_where_the_target_model_says_read_only() -> None:
    """The shipped vendor B model declares no AccessLevel: CurrentRead only, so even an enabled rule and a
    write-role user cannot write."""
    async with running(VENDOR_B, write_back=(SC_107,), users=(OPERATOR,)) as rig:
        speed = await node(rig.source, SPEED)
        await speed.write_value(_value(600.0))
        async with rig.login(OPERATOR.username, OPERATOR.password) as operator:
            sc_107 = await rig.served_node(SC_107, operator)
            assert await eventually(lambda: _equals(sc_107, 10.0))
            assert await _levels(sc_107) == (READ, READ)
            with pytest.raises(UaStatusCodeError, match="BadNotWritable"):
                await sc_107.write_value(_value(30.0))
        assert await _settled(speed, 600.0)


# ---- status codes that tell the truth --------------------------------------------------------


async def test_before_any_value_served_variables_wait_and_unmapped_ones_are_not_connected() -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    target = ServedTarget(url, VENDOR_B, security=open_served())
    await target.start({r.target_id for r in plan_routes(SPEC).routes})
    client = Client(url)
    try:
        await client.connect()
        ns = await client.get_namespace_index(B_NS)
        for mapped in (SC_107, TT_103):
            value = await client.get_node(f"ns={ns};{mapped.split(';')[1]}").read_data_value(
                raise_on_bad_status=False
            )
            assert value.StatusCode.value == StatusCodes.BadWaitingForInitialData
            assert value.Value is None or value.Value.Value is None
        unmapped = await client.get_node(f"ns={ns};{LT_101.split(';')[1]}").read_data_value(
            raise_on_bad_status=False
        )
        assert unmapped.StatusCode.value == StatusCodes.BadNotConnected  # not its sample value, Good
        assert unmapped.Value is None or unmapped.Value.Value is None
        unmapped_node = client.get_node(f"ns={ns};{LT_101.split(';')[1]}")
        assert await _levels(unmapped_node) == (READ, READ)
        with pytest.raises(UaStatusCodeError, match="BadNotWritable"):
            await unmapped_node.write_value(_value(1.0))
        eu_range = await client.get_node(f"ns={ns};{LT_101_RANGE.split(';')[1]}").read_data_value()
        assert eu_range.StatusCode.is_good()  # a property keeps the model's value
    finally:
        await client.disconnect()
        await target.stop()


async def test_a_source_down_at_start_reads_no_communication_until_it_comes() -> None:
    source_port, served_port = free_port(), free_port()
    url = f"opc.tcp://127.0.0.1:{served_port}"
    target = ServedTarget(url, VENDOR_B, security=open_served())
    proxy = Proxy(
        plan_routes(SPEC), f"opc.tcp://127.0.0.1:{source_port}", target, max_backoff=0.5, security=OPEN
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    client = Client(url)
    source = None
    try:
        assert await eventually(lambda: connects(client)), "the served endpoint never came up"
        ns = await client.get_namespace_index(B_NS)
        sc_107 = client.get_node(f"ns={ns};{SC_107.split(';')[1]}")

        async def no_communication() -> bool:
            value = await sc_107.read_data_value(raise_on_bad_status=False)
            return bool(value.StatusCode.value == StatusCodes.BadNoCommunication)

        assert await eventually(no_communication), "a source never reached reads as something else"
        source = await vendor_a(source_port)
        await (await node(source, SPEED)).write_value(_value(900.0))
        await asyncio.wait_for(ready.wait(), 30)
        assert await eventually(lambda: _equals(sc_107, 15.0))
        assert (await sc_107.read_data_value()).StatusCode.is_good()
    finally:
        await client.disconnect()
        stop.set()
        await asyncio.wait_for(task, 30)
        if source is not None:
            await source.stop()


async def _equals(node: Node, expected: Any) -> bool:
    return bool(await node.read_value() == expected)


async def test_a_variable_the_source_never_fed_is_never_good(tmp_path: Path) -> None:
    """LT_101 fed from a source variable without a value (null, Good): it waits while the source is
    there, and has no communication once the source is gone — never Good with a default value."""
    level = f"nsu={A_NS};i=6005"  # vendor A's Level instance declaration: no value
    rules = (*SPEC.rules, Rule("/LT_101", ("Level",), source_id=level, target_id=LT_101))
    async with running(writable_model(tmp_path), spec=TranslatorSpec(SPEC.source, SPEC.target, rules)) as rig:
        lt_101 = await rig.served_node(LT_101)
        waiting = await lt_101.read_data_value(raise_on_bad_status=False)
        assert waiting.StatusCode.value == StatusCodes.BadWaitingForInitialData
        await rig.source.stop()

        async def no_communication() -> bool:
            read = await lt_101.read_data_value(raise_on_bad_status=False)
            return bool(read.StatusCode.value == StatusCodes.BadNoCommunication)

        assert await eventually(no_communication, timeout=15)
        rig.source = await vendor_a(rig.source_port)  # for the rig to stop


async def test_the_served_model_keeps_the_nodesets_namespaces_in_its_order() -> None:
    """The Machinery example names its namespaces example, Machinery, DI; its required models (DI, then
    Machinery) are imported first, yet a client sees the example's order."""
    machinery = shared("opcua", "Machinery")
    example = machinery / "Opc.Ua.Machinery.Examples.NodeSet2.xml"
    required = [shared("opcua", "DI", "Opc.Ua.Di.NodeSet2.xml"), machinery / "Opc.Ua.Machinery.NodeSet2.xml"]
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    target = ServedTarget(url, example, security=open_served(), required=required)
    await target.start(set())
    client = Client(url)
    try:
        await client.connect()
        namespaces = await client.get_namespace_array()
        assert namespaces[2:5] == [
            "http://opcfoundation.org/UA/Machinery_Example/",
            "http://opcfoundation.org/UA/Machinery/",
            "http://opcfoundation.org/UA/DI/",
        ]
    finally:
        await client.disconnect()
        await target.stop()


async def test_a_source_value_without_translation_makes_the_target_bad_not_stale(tmp_path: Path) -> None:
    """SC_107 mapped by a value map that knows 600 and 1200 rpm only: 900 rpm has no translation, so
    SC_107 stops reading the 10 Hz of before as Good; a known value makes it Good again."""
    speed_map = Rule(
        "/SC_107", ("Speed",), (ValueMap(((600.0, 10.0), (1200.0, 20.0))),), source_id=SPEED, target_id=SC_107
    )
    rules = (speed_map, *SPEC.rules[1:])
    async with running(writable_model(tmp_path), spec=TranslatorSpec(SPEC.source, SPEC.target, rules)) as rig:
        sc_107, speed = await rig.served_node(SC_107), await node(rig.source, SPEED)

        async def reads(value: float | None, code: int = StatusCodes.Good) -> bool:
            read = await sc_107.read_data_value(raise_on_bad_status=False)
            got = read.Value.Value if read.Value is not None else None
            return bool(read.StatusCode.value == code and (value is None or got == value))

        assert await eventually(lambda: reads(None, StatusCodes.BadOutOfRange))  # the source's 1450 rpm
        await speed.write_value(_value(600.0))
        assert await eventually(lambda: reads(10.0))
        failed = rig.proxy.counters.failed

        await speed.write_value(_value(900.0))
        assert await eventually(lambda: reads(None, StatusCodes.BadOutOfRange))
        assert rig.proxy.counters.failed == failed + 1
        await speed.write_value(_value(1200.0))
        assert await eventually(lambda: reads(20.0))
