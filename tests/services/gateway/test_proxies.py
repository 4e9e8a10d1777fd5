"""``/proxies``: the gateway runs an OPC UA proxy from a stored translator against a live source."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.uaerrors import UaStatusCodeError

from adapters.opcua.pki import Pki
from tests.paths import VENDOR_A
from tests.polling import eventually
from tests.servers import free_port
from tests.services.gateway.conftest import matched, upload
from tests.services.proxy.test_proxy import A_NS, B_NS, vendor_a
from tests.services.proxy.test_trust import strict_machine

pytestmark = pytest.mark.anyio


async def test_a_proxy_is_started_watched_on_metrics_and_stopped(client: httpx.AsyncClient) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    try:
        _, _, alignment = await matched(client)
        translator = (await client.post("/translators", json={"alignment": alignment})).json()["id"]
        body = {
            "translator": translator,
            "source": f"opc.tcp://127.0.0.1:{source_port}",
            "source_security": "None",  # the test machine offers no security; nor does the served endpoint
            "serve_security": ["None"],
        }
        refused = await client.post("/proxies", json=body)
        assert refused.status_code == 422
        assert "serve" in refused.json()["detail"]
        served = f"opc.tcp://127.0.0.1:{served_port}"
        assert (await client.post("/proxies", json={**body, "serve": served})).status_code == 422  # no user
        unknown = {**body, "serve": served, "allow_anonymous": True, "write_back": ["/nowhere"]}
        assert (await client.post("/proxies", json=unknown)).status_code == 422
        for insecure in (
            {"source_security": "Basic128Rsa15"},  # not a policy Tolka speaks
            {"source_user": "plc", "source_password": "s"},  # a password in clear to the source
            {"users": [{"username": "op", "password": "s"}]},  # a password in clear to the served endpoint
        ):
            asked = {**body, "serve": served, "allow_anonymous": True, **insecure}
            refused = await client.post("/proxies", json=asked)
            assert refused.status_code == 422, insecure
            assert "security" in refused.json()["detail"] or "clear" in refused.json()["detail"]
        missing = await client.post(
            "/proxies", json={**body, "translator": "t-nope", "serve": served, "allow_anonymous": True}
        )
        assert missing.status_code == 404
        assert (await client.get("/proxies")).json() == []  # nothing refused was kept
        started = await client.post("/proxies", json={**body, "serve": served, "allow_anonymous": True})
        assert started.status_code == 201, started.text
        proxy = started.json()["id"]
        for _ in range(200):
            if (await client.get(f"/proxies/{proxy}")).json()["state"] == "connected":
                break
            await asyncio.sleep(0.1)
        ns = await source.get_namespace_index(A_NS)
        await source.get_node(f"ns={ns};i=6061").write_value(
            ua.DataValue(ua.Variant(1500.0, ua.VariantType.Double))
        )
        reader = Client(served)
        await reader.connect()
        try:
            sc_107 = reader.get_node(f"ns={await reader.get_namespace_index(B_NS)};i=6020")
            for _ in range(100):
                if await sc_107.read_value() == pytest.approx(25.0):
                    break
                await asyncio.sleep(0.1)
            assert await sc_107.read_value() == pytest.approx(25.0)
            with pytest.raises(UaStatusCodeError, match="BadNotWritable"):  # read-only unless asked
                await sc_107.write_value(ua.DataValue(ua.Variant(30.0, ua.VariantType.Double)))
            assert await source.get_node(f"ns={ns};i=6061").read_value() == 1500.0
        finally:
            await reader.disconnect()

        async def counted() -> list[dict[str, Any]]:  # the supervisor writes the counters every second
            listed: list[dict[str, Any]] = (await client.get("/proxies")).json()
            return listed if listed and listed[0]["translated"] >= 1 else []

        listed = await eventually(counted)
        assert [p["id"] for p in listed] == [proxy], listed
        assert listed[0]["failed"] == 0
        assert listed[0]["desired"] == "running"
        assert listed[0]["supervisor"].split(":")[1] == str(os.getpid())  # the app's own supervisor runs it
        metrics = (await client.get("/metrics")).text
        assert f'tolka_proxy_connected{{proxy="{proxy}"}} 1.0' in metrics
        assert f'tolka_proxy_changes_total{{fate="translated",proxy="{proxy}"}}' in metrics
        assert (await client.delete(f"/proxies/{proxy}")).status_code == 204
        assert (await client.get(f"/proxies/{proxy}")).status_code == 404
        closed = Client(served, timeout=2)
        with pytest.raises((OSError, asyncio.TimeoutError)):
            await closed.connect()
    finally:
        await source.stop()


async def test_a_live_server_is_a_model_like_its_nodeset_file(client: httpx.AsyncClient) -> None:
    port = free_port()
    source = await vendor_a(port)
    try:
        url = f"opc.tcp://127.0.0.1:{port}"
        refused = await client.post("/models", json={"endpoint": url})  # by default: security or nothing
        assert refused.status_code == 502
        assert "offers no endpoint for auto: it offers None" in refused.json()["detail"]
        live = await client.post("/models", json={"endpoint": url, "source_security": "None"})
        assert live.status_code == 201, live.text
        summary = (await client.get(f"/models/{live.json()['id']}")).json()
        assert summary["format"] == "opcua-live"
        assert summary["filename"] == url
        from_file = await upload(client, VENDOR_A)
        graphs = [
            (await client.get(f"/models/{m}/graph", params={"limit": 10_000})).json()
            for m in (live.json()["id"], from_file)
        ]
        own = [{n["id"] for n in g["nodes"] if n.get("own", True)} for g in graphs]
        assert own[0] == own[1]
        also_form = await client.post("/models", data={"endpoint": url, "source_security": "None"})
        assert also_form.status_code == 201
    finally:
        await source.stop()
    gone = await client.post("/models", json={"endpoint": url, "source_security": "None"})
    assert gone.status_code == 502
    assert gone.json()["url"] == url
    assert url in gone.json()["detail"]
    both = await client.post("/models", files={"file": ("a.xml", b"<x/>")}, data={"endpoint": url})
    assert both.status_code == 422


async def test_the_gateway_browses_a_secure_machine(client: httpx.AsyncClient, tmp_path: Path) -> None:
    port = free_port()
    machine_pki = Pki(tmp_path / "machine")
    gateway_pki = Pki(tmp_path / "data" / "pki")  # the gateway's data dir (conftest) holds its PKI
    source, _ = await strict_machine(port, machine_pki.root)
    body = {"endpoint": f"opc.tcp://127.0.0.1:{port}", "source_user": "plc", "source_password": "plc-secret"}
    try:
        refused = await client.post("/models", json=body)
        assert refused.status_code == 502
        assert "refused the connection" in refused.json()["detail"]
        machine_pki.trust(gateway_pki.own_cert)
        refused = await client.post("/models", json=body)
        assert refused.status_code == 502
        assert "refused the unknown server certificate" in refused.json()["detail"]
        [(rejected, _)] = gateway_pki.certificates(gateway_pki.rejected)
        gateway_pki.trust(rejected)
        live = await client.post("/models", json=body)
        assert live.status_code == 201, live.text
        summary = (await client.get(f"/models/{live.json()['id']}")).json()
        assert summary["format"] == "opcua-live"
    finally:
        await source.stop()
