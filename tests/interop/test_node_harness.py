"""Smoke tests of the node-opcua harness (tests/interop/nodeopcua.py) against asyncua, on 127.0.0.1.

node-opcua as a strict source server read by an asyncua client, and as a client reading an asyncua
server and a node-opcua server; untrusted certificates are refused until trusted."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.security_policies import SecurityPolicyBasic256Sha256
from asyncua.ua.uaerrors import UaError
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.interop.nodeopcua import (
    certificate_thumbprint,
    events_of,
    node_client_certificate,
    node_source_server,
    run_node_client,
    trust_certificate,
)
from tests.paths import VENDOR_A
from tests.polling import eventually
from tests.servers import asyncua_server, free_port

pytestmark = pytest.mark.anyio

A_NS = "http://tolka.dev/demo/VendorA/"
SPEED, TEMPERATURE = f"nsu={A_NS};i=6061", f"nsu={A_NS};i=6082"  # Double, RPM; Double, °C
USER, PASSWORD = "operator", "s3cret-operator"
ASYNCUA_CLIENT_URI = "urn:tolka:interop:asyncua-client"


async def asyncua_client_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed asyncua client certificate (DER) and key (PEM) for ASYNCUA_CLIENT_URI."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "asyncua-client.der", folder / "asyncua-client-key.pem"
    await setup_self_signed_certificate(
        key,
        certificate,
        ASYNCUA_CLIENT_URI,
        socket.gethostname(),
        [ExtendedKeyUsageOID.CLIENT_AUTH],
        {"commonName": "Tolka asyncua interop client", "organizationName": "Tolka interop tests"},
    )
    return certificate, key


async def secured_asyncua_client(
    endpoint: str, certificate: Path, key: Path, user: str | None = USER, password: str = PASSWORD
) -> Client:
    client = Client(url=endpoint, timeout=5)
    client.application_uri = ASYNCUA_CLIENT_URI
    if user is not None:
        client.set_user(user)
        client.set_password(password)
    await client.set_security(
        SecurityPolicyBasic256Sha256,
        certificate=str(certificate),
        private_key=str(key),
        mode=ua.MessageSecurityMode.SignAndEncrypt,
    )
    return client


async def test_asyncua_client_reads_the_strict_node_server_once_its_certificate_is_trusted(
    tmp_path: Path,
) -> None:
    certificate, key = await asyncua_client_certificate(tmp_path / "asyncua")
    async with node_source_server(
        free_port(), tmp_path / "server-pki", [VENDOR_A], user=USER, password=PASSWORD
    ) as server:
        assert server.endpoint.startswith("opc.tcp://127.0.0.1:")
        assert server.certificate.is_file()
        assert A_NS in server.namespaces

        # unknown certificate: node-opcua refuses the OpenSecureChannel (BadSecurityChecksFailed in a
        # ServiceFault, which asyncua 2.1.0 cannot parse: it ends in a bare AssertionError)
        refused = await secured_asyncua_client(server.endpoint, certificate, key)
        with pytest.raises((AssertionError, UaError, ConnectionError, TimeoutError)):
            await refused.connect()
        with contextlib.suppress(Exception):
            await refused.disconnect()
        await server.wait_for_rejected(certificate)

        # copies it to trusted/certs, removes it from rejected/, waits
        await server.trust(certificate, refused=True)
        assert certificate_thumbprint(certificate) not in server.rejected_certificates()

        # a trusted certificate, but no user or the wrong password: the session is refused
        anonymous = await secured_asyncua_client(server.endpoint, certificate, key, user=None)
        with pytest.raises(ua.uaerrors.BadIdentityTokenInvalid):
            await anonymous.connect()
        await anonymous.disconnect()
        wrong = await secured_asyncua_client(server.endpoint, certificate, key, password="wrong")
        with pytest.raises(ua.uaerrors.BadUserAccessDenied):
            await wrong.connect()
        await wrong.disconnect()

        client = await secured_asyncua_client(server.endpoint, certificate, key)
        async with client:
            ns = await client.get_namespace_index(A_NS)
            speed = client.get_node(f"ns={ns};i=6061")  # asyncua encodes nsu= node ids as ExpandedNodeIds
            temperature = client.get_node(f"ns={ns};i=6082")
            first = await speed.read_data_value()

            async def next_value() -> ua.DataValue | None:  # the simulation's next tick
                value = await speed.read_data_value()
                return value if value.SourceTimestamp != first.SourceTimestamp else None

            second = await eventually(next_value) or await speed.read_data_value()
            temperature_value = await temperature.read_data_value()
            assert temperature_value.StatusCode is not None
            assert temperature_value.StatusCode.is_good()

    for value in (first, second):
        assert value.StatusCode is not None
        assert value.StatusCode.is_good()
        assert value.Value is not None
        assert value.Value.VariantType == ua.VariantType.Double
        assert value.SourceTimestamp is not None
    assert first.Value is not None
    assert second.Value is not None
    assert first.Value.Value != second.Value.Value
    assert 1000 < first.Value.Value < 2000  # a sine around 1450 RPM
    assert first.SourceTimestamp is not None
    assert second.SourceTimestamp is not None
    assert second.SourceTimestamp > first.SourceTimestamp
    assert abs(second.SourceTimestamp.replace(tzinfo=dt.UTC).timestamp() - time.time()) < 30


async def test_node_client_browses_and_reads_an_asyncua_server(tmp_path: Path) -> None:
    async with asyncua_server(VENDOR_A, security_policies=[ua.SecurityPolicyType.NoSecurity]) as server:
        ns = await server.get_namespace_index(A_NS)
        await server.get_node(f"ns={ns};i=6061").write_value(1450.5)
        endpoint = server.endpoint.geturl()
        code, lines, stderr = await run_node_client(endpoint, tmp_path / "client-pki", ["browse"], timeout=30)
        assert code == 0, stderr
        namespaces = events_of(lines, "namespaces")
        assert len(namespaces) == 1
        assert namespaces[0]["uris"][ns] == A_NS
        nodes = {line["nodeId"]: line for line in events_of(lines, "node")}
        assert nodes[f"ns={ns};i=6061"]["browseName"] == "Speed"
        assert nodes[f"ns={ns};i=6061"]["nodeClass"] == "Variable"
        assert nodes[f"ns={ns};i=6061"]["namespaceUri"] == A_NS

        code, lines, stderr = await run_node_client(
            endpoint, tmp_path / "client-pki", ["read", SPEED, f"ns={ns};i=999999"], timeout=30
        )
    assert code == 0, stderr
    speed, missing = events_of(lines, "read")
    assert speed["nodeId"] == SPEED
    assert speed["value"] == 1450.5
    assert speed["dataType"] == "Double"
    assert speed["statusCode"] == "Good"
    assert missing["statusCode"] == "BadNodeIdUnknown"


async def test_node_client_is_refused_by_the_strict_node_server_until_trusted(tmp_path: Path) -> None:
    client_pki = tmp_path / "client-pki"
    client_certificate, client_uri = await node_client_certificate(client_pki)
    assert client_certificate.is_file()
    assert client_uri
    async with node_source_server(
        free_port(), tmp_path / "server-pki", [VENDOR_A], user=USER, password=PASSWORD
    ) as server:
        trust_certificate(server.certificate, client_pki)  # the client trusts the server

        async def read() -> tuple[int, list[dict[str, Any]], str]:
            return await run_node_client(
                server.endpoint,
                client_pki,
                ["read", SPEED, TEMPERATURE],
                security="Aes128_Sha256_RsaOaep",
                mode="SignAndEncrypt",
                user=USER,
                password=PASSWORD,
                timeout=30,
            )

        code, lines, stderr = await read()
        assert code == 2, (lines, stderr)
        (error,) = events_of(lines, "error")
        assert error["stage"] == "connect"
        assert error["statusCode"] == "BadSecurityChecksFailed"
        await server.wait_for_rejected(client_certificate)

        await server.trust(client_certificate, refused=True)
        code, lines, stderr = await read()
        assert code == 0, (lines, stderr)
        reads = events_of(lines, "read")
        assert [line["nodeId"] for line in reads] == [SPEED, TEMPERATURE]
        assert all(line["statusCode"] == "Good" and line["dataType"] == "Double" for line in reads)
        assert all(line["sourceTimestamp"] for line in reads)

        # the NodeSet's AccessLevel (CurrentRead by default) is honoured, and the refusal is reported
        code, lines, stderr = await run_node_client(
            server.endpoint,
            client_pki,
            ["write", SPEED, "1500", "--type", "Double"],
            security="Basic256Sha256",
            mode="SignAndEncrypt",
            user=USER,
            password=PASSWORD,
            timeout=30,
        )
        assert code == 0, (lines, stderr)
        assert events_of(lines, "write")[0]["statusCode"] == "BadNotWritable"
        refused = await server.wait_for(lambda event: event.get("event") == "write-refused")
        assert refused["user"] == USER
        assert refused["value"] == 1500
        assert server.writes() == []
