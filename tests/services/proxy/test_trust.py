"""The proxy on a plant network: certificates checked both ways, two identities, no password in clear.

A strict machine (asyncua, SignAndEncrypt only, its own PKI, one user) as the source; the proxy with
its own PKI; an HMI client with its own. Nothing is trusted until someone trusts it, and no password
leaves before the peer's certificate is trusted.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.server.server import Server
from asyncua.ua.uaerrors import UaStatusCodeError

from adapters.opcua.connect import secure_client
from adapters.opcua.pki import Pki
from adapters.opcua.security import ClientSecurity
from services.proxy.plan import plan_routes
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity, ServedUser
from services.proxy.targets import ServedTarget
from tests.paths import VENDOR_A, VENDOR_B
from tests.polling import eventually
from tests.servers import free_port, start_asyncua
from tests.services.proxy.test_proxy import A_NS, B_NS, SPEC

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def strict_machine(port: int, pki: Path) -> tuple[Server, list[str | None]]:
    """Vendor A's model behind SignAndEncrypt only, user ``plc``; the list of logins it was asked for."""
    security = ServedSecurity(users=(ServedUser("plc", "plc-secret"),), pki=pki, role="plc")
    server = await start_asyncua(VENDOR_A, port=port, configure=security.configure)
    security.after_start(server)
    logins: list[str | None] = []
    manager = server.iserver.user_manager
    asked = manager.get_user

    def counted(
        iserver: Any, username: str | None = None, password: str | None = None, certificate: Any = None
    ) -> Any:
        logins.append(username)
        return asked(iserver, username=username, password=password, certificate=certificate)

    manager.get_user = counted  # type: ignore[method-assign]
    return server, logins


async def test_nothing_is_trusted_unseen_either_way_and_the_sides_keep_their_own_identities(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING")
    source_port, served_port = free_port(), free_port()
    machine_pki, tolka_pki, hmi_pki = (
        Pki(tmp_path / "machine"),
        Pki(tmp_path / "tolka"),
        Pki(tmp_path / "hmi"),
    )
    source, logins = await strict_machine(source_port, machine_pki.root)
    served_url = f"opc.tcp://127.0.0.1:{served_port}"
    served = ServedSecurity(users=(ServedUser("operator", "op-secret"),), pki=tolka_pki.root)
    plc = ClientSecurity(username="plc", password="plc-secret", pki=tolka_pki.root)
    proxy = Proxy(
        plan_routes(SPEC),
        f"opc.tcp://127.0.0.1:{source_port}",
        ServedTarget(served_url, VENDOR_B, security=served),
        max_backoff=0.3,
        security=plc,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(proxy.run(stop, ready))
    try:
        # 1. the machine refuses Tolka's certificate: one line says which file to trust there; it retries
        refused = "the server refused the connection (BadCertificateUntrusted)"
        assert await eventually(lambda: refused in caplog.text, 30), caplog.text
        assert f"trust {tolka_pki.own_cert}" in caplog.text
        assert logins == []  # no password sent
        assert len(machine_pki.certificates(machine_pki.rejected)) == 1
        machine_pki.trust(tolka_pki.own_cert)
        # 2. Tolka refuses the machine's certificate, never seen before: copied to rejected/, one line
        assert await eventually(lambda: bool(tolka_pki.certificates(tolka_pki.rejected)), 30)
        [(rejected, _)] = tolka_pki.certificates(tolka_pki.rejected)
        assert await eventually(lambda: f"tolka pki trust {rejected}" in caplog.text, 30), caplog.text
        assert logins == []  # still no password sent: the machine was not trusted
        assert not ready.is_set()
        tolka_pki.trust(rejected)
        await asyncio.wait_for(ready.wait(), 30)
        assert logins == ["plc"]
        await source.get_node(f"ns={await source.get_namespace_index(A_NS)};i=6061").write_value(
            ua.DataValue(ua.Variant(1500.0, ua.VariantType.Double))
        )

        # the served side: an HMI with its own certificate, refused until trusted, and it checks ours
        hmi = ClientSecurity(username="operator", password="op-secret", pki=hmi_pki.root)
        first = Client(served_url)
        await secure_client(first, served_url, hmi)
        with pytest.raises(UaStatusCodeError, match="BadCertificateUntrusted"):
            await first.connect()
        [(hmi_cert, _)] = tolka_pki.certificates(tolka_pki.rejected)
        assert "refused the unknown client certificate" in caplog.text
        tolka_pki.trust(hmi_cert)
        second = Client(served_url)
        await secure_client(second, served_url, hmi)
        with pytest.raises(UaStatusCodeError, match="BadCertificateUntrusted"):
            await second.connect()  # now the HMI does not know the proxy's certificate
        [(proxy_cert, _)] = hmi_pki.certificates(hmi_pki.rejected)
        hmi_pki.trust(proxy_cert)
        client = Client(served_url)
        await secure_client(client, served_url, hmi)
        await client.connect()
        try:
            sc_107 = client.get_node(f"ns={await client.get_namespace_index(B_NS)};i=6020")

            async def arrived() -> bool:
                served = await sc_107.read_data_value(raise_on_bad_status=False)
                return bool(served.StatusCode.is_good() and served.Value.Value == pytest.approx(25.0))

            await eventually(arrived)
            assert await sc_107.read_value() == pytest.approx(25.0)  # 1500 rpm as Hz, encrypted both ways
        finally:
            await client.disconnect()

        # the PLC's credentials do not open the served endpoint; nothing without security is offered
        intruder = Client(served_url)
        await secure_client(
            intruder, served_url, ClientSecurity(username="plc", password="plc-secret", pki=hmi_pki.root)
        )
        with pytest.raises(UaStatusCodeError, match="BadUserAccessDenied"):
            await intruder.connect()
        endpoints = await Client(served_url).connect_and_get_server_endpoints()
        assert {e.SecurityMode for e in endpoints} == {ua.MessageSecurityMode.SignAndEncrypt}
        assert {e.SecurityPolicyUri.rpartition("#")[2] for e in endpoints} == {
            "Basic256Sha256",
            "Aes128_Sha256_RsaOaep",
            "Aes256_Sha256_RsaPss",
        }
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
        await source.stop()


async def test_a_username_is_never_offered_or_accepted_over_an_endpoint_without_security(
    tmp_path: Path,
) -> None:
    url = f"opc.tcp://127.0.0.1:{free_port()}"
    security = ServedSecurity.parse(
        ["None", "Aes256_Sha256_RsaPss-SignAndEncrypt"],
        users=(ServedUser("operator", "op-secret"),),
        allow_anonymous=True,
        pki=tmp_path / "pki",
    )
    target = ServedTarget(url, VENDOR_B, security=security)
    await target.start({r.target_id for r in plan_routes(SPEC).routes})
    try:
        endpoints = await Client(url).connect_and_get_server_endpoints()
        tokens = {e.SecurityMode: {t.TokenType for t in e.UserIdentityTokens} for e in endpoints}
        assert tokens[ua.MessageSecurityMode.None_] == {ua.UserTokenType.Anonymous}
        assert ua.UserTokenType.UserName in tokens[ua.MessageSecurityMode.SignAndEncrypt]
        clear = Client(url)  # a client that sends the password anyway, in clear
        clear.set_user("operator")
        clear.set_password("op-secret")
        with pytest.raises(UaStatusCodeError):
            await clear.connect()
        anonymous = Client(url)
        await anonymous.connect()  # anonymous reading over None was asked for
        await anonymous.disconnect()
    finally:
        await target.stop()
