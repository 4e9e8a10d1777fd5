"""Secure sources everywhere: ``tolka inspect`` and ``tolka match`` (the same options serve ``compile``
and ``learn``) and the gateway's ``POST /models`` read a machine that requires SignAndEncrypt and a
user, once each side trusts the other's certificate, and say in one line what to trust until then."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.opcua.pki import Pki
from tests.paths import VENDOR_B
from tests.servers import free_port
from tests.services.proxy.test_trust import strict_machine

pytestmark = pytest.mark.anyio
TOLKA = str(Path(sys.executable).with_name("tolka"))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _tolka(*args: str, password: str = "plc-secret") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOLKA_")} | {
        "TOLKA_SOURCE_PASSWORD": password
    }
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=120, env=env)


async def test_inspect_and_match_read_a_machine_that_requires_encryption_and_a_user(tmp_path: Path) -> None:
    port = free_port()
    machine_pki, tolka_pki = Pki(tmp_path / "machine"), Pki(tmp_path / "tolka")
    source, logins = await strict_machine(port, machine_pki.root)
    url = f"opc.tcp://127.0.0.1:{port}"
    login = ("--source-user", "plc", "--pki", str(tolka_pki.root))
    try:
        first = await asyncio.to_thread(_tolka, "inspect", url, "--json", *login)
        assert first.returncode == 2
        assert (
            "the server refused the connection (BadCertificateUntrusted): if it does not trust "
            in first.stderr
        )
        assert f"trust {tolka_pki.own_cert}" in first.stderr
        machine_pki.trust(tolka_pki.own_cert)
        second = await asyncio.to_thread(_tolka, "inspect", url, "--json", *login)
        assert second.returncode == 2
        [(rejected, _)] = tolka_pki.certificates(tolka_pki.rejected)
        assert "refused the unknown server certificate 'Tolka plc@" in second.stderr
        assert f"tolka pki trust {rejected}" in second.stderr
        assert logins == []  # no password was sent to a machine not trusted
        trusted = await asyncio.to_thread(_tolka, "pki", "trust", str(rejected), "--pki", str(tolka_pki.root))
        assert trusted.returncode == 0, trusted.stderr
        third = await asyncio.to_thread(_tolka, "inspect", url, "--json", *login)
        assert third.returncode == 0, third.stderr
        assert json.loads(third.stdout)["browse"]["own_nodes"] == 119
        assert logins == ["plc"]
        wrong = await asyncio.to_thread(_tolka, "inspect", url, *login, password="guess")
        assert wrong.returncode == 2
        assert "BadUserAccessDenied" in wrong.stderr
        plain = await asyncio.to_thread(_tolka, "inspect", url, "--source-security", "None", *login[2:])
        assert plain.returncode == 2
        assert "offers no endpoint for None" in plain.stderr
        out = tmp_path / "a-b.sssom.tsv"
        matched = await asyncio.to_thread(_tolka, "match", url, str(VENDOR_B), "--out", str(out), *login)
        assert matched.returncode == 0, matched.stderr
        assert "skos:exactMatch" in out.read_text()
    finally:
        await source.stop()
