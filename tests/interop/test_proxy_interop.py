"""``tolka proxy`` between two OPC UA stacks nobody here wrote: node-opcua as a strict, secured source
(SignAndEncrypt only, a user, its own PKI) and node-opcua as the HMI client of the served model.

One plant engineer's day, end to end on 127.0.0.1: the proxy starts; the machine refuses Tolka's
certificate until it is trusted there; Tolka refuses the machine's until it is trusted here; values
flow, translated; the HMI is refused until its certificate is trusted, then browses, reads and
subscribes over an encrypted channel; an anonymous write is refused and reaches nothing; the write
user's write reaches the machine, translated back; an impostor in the machine's place is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from adapters.opcua.pki import Pki
from tests.interop.nodeopcua import (
    events_of,
    node_client_certificate,
    node_source_server,
    run_node_client,
    trust_certificate,
)
from tests.paths import ROOT, VENDOR_A
from tests.polling import eventually
from tests.servers import free_port
from tests.services.proxy.test_proxy import SC_107, SPEC, TT_103, writable_model
from translator.translation.spec import write_translator

pytestmark = pytest.mark.anyio

A_NS = "http://tolka.dev/demo/VendorA/"
SPEED = f"nsu={A_NS};i=6061"  # Double, rpm: SC_107 serves it in Hz
PLC_PASSWORD, HMI_PASSWORD = "plc-s3cret", "hmi-s3cret"
SECURE = {"security": "Aes256_Sha256_RsaPss", "mode": "SignAndEncrypt"}


@dataclass
class RunningProxy:
    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(self.lines)

    async def said(self, words: str, after: int = 0, seconds: float = 60.0) -> int:
        """Wait until a line from the ``after``-th on contains ``words``; the index after it."""

        def found() -> int | None:
            index = next((k + 1 for k in range(after, len(self.lines)) if words in self.lines[k]), None)
            assert index is not None or self.process.returncode is None, self.text()
            return index

        index = await eventually(found, seconds, 0.1)
        assert index is not None, f"the proxy never said {words!r}:\n{self.text()}"
        return index


@contextlib.asynccontextmanager
async def tolka_proxy(args: list[str], env: dict[str, str]) -> AsyncIterator[RunningProxy]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from services.cli import main; main()", "proxy", *args,
        cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    running = RunningProxy(process)

    async def read() -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            running.lines.append(line.decode("utf-8", "replace"))

    reader = asyncio.create_task(read())
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        await reader


def values(lines: list[dict[str, object]]) -> list[float]:
    return [float(str(line["value"])) for line in lines if line.get("value") is not None]


async def test_a_secured_node_opcua_machine_through_tolka_proxy_to_a_node_opcua_hmi(tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    tolka = Pki(tmp_path / "tolka-pki")
    hmi_pki, machine_pki = tmp_path / "hmi-pki", tmp_path / "machine-pki"
    translator = tmp_path / "a-b.json"
    write_translator(
        replace(SPEC, target=replace(SPEC.target, model=str(writable_model(tmp_path)))), translator
    )
    served = f"opc.tcp://127.0.0.1:{served_port}/tolka"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOLKA_")} | {
        "TOLKA_SOURCE_PASSWORD": PLC_PASSWORD,
        "TOLKA_PASSWORD_HMI": HMI_PASSWORD,
    }
    async with node_source_server(
        source_port,
        machine_pki,
        [VENDOR_A],
        user="plc",
        password=PLC_PASSWORD,
        writable=[SPEED],
        simulate=False,
    ) as machine:
        args = [
            "--source", machine.endpoint, "--translator", str(translator), "--serve", served,
            "--source-user", "plc", "--pki", str(tolka.root), "--allow-anonymous", "--user", "hmi:write",
            "--write-back", "/SC_107", "--report-every", "1",
        ]  # fmt: skip
        async with tolka_proxy(args, env) as proxy:
            # the machine does not know Tolka yet: one line says which certificate to trust there
            seen = await proxy.said(f"if it does not trust Tolka's certificate yet, trust {tolka.own_cert}")
            await machine.trust(tolka.own_cert, refused=True)
            # Tolka does not know the machine yet: refused, copied to rejected/, one line says how
            seen = await proxy.said("refused the unknown server certificate", seen)
            [(rejected, _)] = tolka.certificates(tolka.rejected)
            assert f"tolka pki trust {rejected}" in proxy.lines[seen - 1]
            tolka.trust(rejected)
            seen = await proxy.said("proxying 2 variables", seen)
            engineer, _ = await node_client_certificate(tmp_path / "engineer-pki")  # sets the machine's speed
            await machine.trust(engineer)
            write = await run_node_client(
                machine.endpoint, tmp_path / "engineer-pki", ["write", SPEED, "1500", "--type", "Double"],
                user="plc", password=PLC_PASSWORD, trust_server=True, **SECURE,
            )  # fmt: skip
            assert events_of(write[1], "write")[0]["statusCode"] == "Good", write

            # the HMI, a node-opcua client with a certificate of its own: refused until trusted here
            await node_client_certificate(hmi_pki)
            trust_certificate(tolka.own_cert, hmi_pki)  # and it trusts the proxy's certificate
            code, lines, _ = await run_node_client(served, hmi_pki, ["read", SC_107], **SECURE)
            assert code == 2, lines
            await proxy.said("refused the unknown client certificate", seen)
            tolka.trust(next(p for p, c in tolka.certificates(tolka.rejected)))
            # anonymous over SignAndEncrypt: browse, read, subscribe; the values are the source's, translated
            code, lines, err = await run_node_client(served, hmi_pki, ["browse"], **SECURE)
            assert code == 0, err
            browsed = {line.get("nodeId") for line in events_of(lines, "node")}
            assert any(str(n).endswith("i=6020") for n in browsed), browsed
            code, lines, err = await run_node_client(served, hmi_pki, ["read", SC_107, TT_103], **SECURE)
            assert code == 0, err
            speed, temperature = events_of(lines, "read")
            assert speed["statusCode"] == "Good"
            assert float(speed["value"]) == pytest.approx(25.0)  # 1,500 rpm in Hz
            assert speed["sourceTimestamp"] is not None
            assert temperature["statusCode"] == "Good"  # the machine's °C in °F, as an integer
            code, lines, err = await run_node_client(
                served, hmi_pki, ["subscribe", SC_107, "--seconds", "2"], **SECURE
            )
            assert code == 0, err
            assert values(events_of(lines, "data")) == pytest.approx([25.0])

            # a write: anonymous refused and nothing reaches the machine; the write user's goes through
            before = len(machine.writes())
            code, lines, err = await run_node_client(
                served, hmi_pki, ["write", SC_107, "30", "--type", "Double"], **SECURE
            )
            assert events_of(lines, "write")[0]["statusCode"] == "BadUserAccessDenied", (lines, err)
            await asyncio.sleep(1.0)  # the wait is what is tested: nothing reaches the machine, even later
            assert len(machine.writes()) == before
            code, lines, err = await run_node_client(
                served, hmi_pki, ["write", SC_107, "10", "--type", "Double"], user="hmi", password=HMI_PASSWORD,
                **SECURE,
            )  # fmt: skip
            assert events_of(lines, "write")[0]["statusCode"] == "Good", (lines, err)
            reached = await machine.wait_for(
                lambda e: e.get("event") == "write" and float(e["value"]) == 600.0
            )
            assert reached["user"] == "plc"  # Tolka's own login to the machine, not the HMI's
            assert "write by hmi" in "".join(proxy.lines)

    # an impostor where the machine was: same port, its own certificate; Tolka refuses it
    async with node_source_server(
        source_port, tmp_path / "impostor-pki", [VENDOR_A], user="plc", password=PLC_PASSWORD, simulate=False
    ) as impostor:
        await impostor.trust(tolka.own_cert)  # it would let Tolka in; Tolka must not go in
        async with tolka_proxy(args, env) as proxy:
            await proxy.said("refused the unknown server certificate")
            code, lines, err = await run_node_client(served, hmi_pki, ["read", SC_107], **SECURE)
            assert code == 0, err
            assert events_of(lines, "read")[0]["statusCode"] == "BadNoCommunication"
