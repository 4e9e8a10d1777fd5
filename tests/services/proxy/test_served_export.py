"""The proxy serves a target model that is no NodeSet2 file exactly as ``tolka export`` writes it.

One asyncua server imports the file ``tolka export`` wrote; the proxy's served target serves the graph.
Both must give the same browse tree: NodeIds, BrowseNames, node classes, DataTypes, EngineeringUnits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from asyncua import ua
from asyncua.client.client import Client

from adapters import load
from services.proxy.security import ServedSecurity, ServedUser
from services.proxy.targets import ServedTarget, coerce
from tests.address_space import ServedNode, browse_model
from tests.paths import TEST_DATA
from tests.polling import eventually
from tests.servers import asyncua_server, free_port
from tests.services.proxy.test_proxy import open_served

pytestmark = pytest.mark.anyio

TOLKA = str(Path(sys.executable).with_name("tolka"))
PUMP = TEST_DATA / "pump.schema.json"
URI = "urn:tolka:test:pump"
SPEED = "urn:tolka:test:pump#/properties/pump/properties/speed"
STATE = "urn:tolka:test:pump#/properties/pump/properties/state"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def normalised(tree: dict[str, ServedNode], index: int) -> dict[str, ServedNode]:
    """The tree with the model's namespace index written as its URI (two servers number it apart)."""
    local = f"ns={index};"

    def named(text: str) -> str:
        return text.replace(local, f"nsu={URI};", 1) if text.startswith(local) else text

    return {named(k): (name, cls, named(data_type), unit) for k, (name, cls, data_type, unit) in tree.items()}


async def test_the_served_model_is_the_exported_file(tmp_path: Path) -> None:
    exported = tmp_path / "pump.NodeSet2.xml"
    done = await asyncio.to_thread(
        subprocess.run, [TOLKA, "export", str(PUMP), "-o", str(exported)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    async with asyncua_server(exported) as server:
        index = await server.get_namespace_index(URI)
        from_file = normalised(await browse_model(server.get_node, index), index)

    url = f"opc.tcp://127.0.0.1:{free_port()}"
    target = ServedTarget(url, load(PUMP), security=open_served())
    await target.start([SPEED, STATE])
    try:
        async with Client(url) as client:
            index = await client.get_namespace_index(URI)
            served = normalised(await browse_model(client.get_node, index), index)
    finally:
        await target.stop()
    assert served == from_file
    assert f"nsu={URI};s={SPEED}" in served
    assert sum(1 for name, *_ in served.values() if name == "0:EngineeringUnits") == 2


async def test_an_enumeration_the_export_made_is_written_by_name() -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    operator = ServedUser("operator", "op-secret", "write")
    security = ServedSecurity.parse(
        ["None"], users=(operator,), allow_anonymous=True, allow_insecure_password=True
    )
    target = ServedTarget(url, load(PUMP), writable=[STATE], security=security)
    written: list[object] = []

    async def on_write(key: str, value: ua.DataValue, user: str) -> None:
        written.append((key, value.Value.Value if value.Value is not None else None, user))

    target.on_client_write = on_write
    await target.start([SPEED, STATE])
    try:
        assert target.types[STATE] == ua.VariantType.Variant  # the rules give names, not numbers
        await target.write(STATE, ua.DataValue(ua.Variant("running")))
        with pytest.raises(ValueError, match="'jammed' is not one of the enumeration's values"):
            await target.write(STATE, ua.DataValue(ua.Variant("jammed")))
        client = Client(url)
        client.set_user("operator")
        client.set_password("op-secret")
        async with client:
            index = await client.get_namespace_index(URI)
            state = client.get_node(f"ns={index};s={STATE}")
            value = await state.read_data_value()
            assert (value.Value.Value, value.Value.VariantType) == (1, ua.VariantType.Int32)
            await state.write_value(ua.DataValue(ua.Variant(2, ua.VariantType.Int32)))

            assert await eventually(lambda: bool(written))
    finally:
        await target.stop()
    assert written == [(STATE, "fault", "operator")]  # carried back by name, as the rule has it


def test_a_json_date_time_is_served_as_a_date_time() -> None:
    # a JSON Schema's string(date-time) is a DateTime variable in the export: the text a rule gives is parsed
    value = coerce("2026-11-01T10:00:00Z", ua.VariantType.DateTime)
    assert value.Value == dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="isoformat"):
        coerce("yesterday", ua.VariantType.DateTime)
