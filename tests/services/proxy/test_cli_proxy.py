"""``tolka proxy`` as a user runs it: a real source server, the command in its own process, a client."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.uaerrors import UaStatusCodeError

from tests.paths import ROOT, VENDOR_B
from tests.polling import eventually
from tests.servers import connects, free_port
from tests.services.proxy.test_proxy import SC_107, SPEC, SPEED, node, vendor_a, writable_model
from translator.translation.spec import write_translator

pytestmark = pytest.mark.anyio

# the test machine offers no security, nor does the served endpoint here (test_trust.py runs them secured)
NO_SECURITY = ("--source-security", "None", "--serve-security", "None")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def served(process: subprocess.Popen[str], client: Client) -> bool:
    """Whether ``client`` could connect to the endpoint ``tolka proxy`` serves (not yet while it
    starts); the test fails with the proxy's output when it has exited."""
    assert process.poll() is None, process.communicate()[1]
    return await connects(client)


async def test_tolka_proxy_serves_the_target_model_until_interrupted(tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    # the translator file names its target model relative to itself (as tolka compile writes it); the
    # proxy runs from another folder
    translator = tmp_path / "translators" / "a-b.json"
    (tmp_path / "models").mkdir()
    shutil.copy(VENDOR_B, tmp_path / "models" / VENDOR_B.name)
    beside = replace(SPEC, target=replace(SPEC.target, model=f"../models/{VENDOR_B.name}"))
    translator.parent.mkdir()
    write_translator(beside, translator)  # its target model is vendor B's NodeSet file: served as is
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", f"opc.tcp://127.0.0.1:{source_port}", "--translator", str(translator),
        "--serve", f"opc.tcp://127.0.0.1:{served_port}/tolka", "--report-every", "0.5", "--allow-anonymous", "--data-dir", str(tmp_path),
        *NO_SECURITY,
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stderr=subprocess.PIPE, text=True)
    client = Client(f"opc.tcp://127.0.0.1:{served_port}/tolka")
    try:
        assert await eventually(lambda: served(process, client), 40, 0.2), "no served endpoint"
        speed = await node(source, SPEED)
        await speed.write_value(ua.DataValue(ua.Variant(3000.0, ua.VariantType.Double)))
        uri, identifier = SC_107.removeprefix("nsu=").split(";")
        sc_107 = client.get_node(f"ns={await client.get_namespace_index(uri)};{identifier}")

        async def arrived() -> bool:
            # the served endpoint may answer before the proxy's first value: BadWaitingForInitialData
            value = await sc_107.read_data_value(raise_on_bad_status=False)
            return bool(value.StatusCode.is_good() and value.Value.Value == pytest.approx(50.0))

        await eventually(arrived)
        assert await sc_107.read_value() == pytest.approx(50.0)
        await client.disconnect()
    finally:
        process.send_signal(signal.SIGINT)
        errors = await asyncio.to_thread(lambda: process.communicate(timeout=30)[1])
        await source.stop()
    assert process.returncode == 0, errors
    assert f"proxying 2 variables from opc.tcp://127.0.0.1:{source_port}" in errors
    assert "stopped; connected:" in errors
    assert "0 failed, 0 dropped" in errors


def test_a_target_model_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    translator = tmp_path / "a-b.json"
    write_translator(
        SPEC.__class__(SPEC.source, SPEC.target.__class__("urn:nowhere", SPEC.target.format), SPEC.rules),
        translator,
    )
    result = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "proxy", "--source", "opc.tcp://127.0.0.1:1",
         "--translator", str(translator), "--allow-anonymous"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        "the target model 'urn:nowhere' is not a file: give its NodeSet2 file with --target-model"
        in result.stderr
    )


async def test_tolka_proxy_writes_back_only_what_it_is_told_for_a_write_user(tmp_path: Path) -> None:
    source_port, served_port = free_port(), free_port()
    source = await vendor_a(source_port)
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    url = f"opc.tcp://127.0.0.1:{served_port}/tolka"
    command = [
        sys.executable, "-c", "from services.cli import main; main()", "proxy",
        "--source", f"opc.tcp://127.0.0.1:{source_port}", "--translator", str(translator),
        "--target-model", str(writable_model(tmp_path)), "--serve", url, "--allow-anonymous",
        "--user", "operator:write", "--user", "viewer:read", "--write-back", "/SC_107", "--data-dir", str(tmp_path),
        *NO_SECURITY, "--allow-insecure-password",
    ]  # fmt: skip
    env = dict(os.environ, TOLKA_PASSWORD_OPERATOR="op-secret", TOLKA_PASSWORD_VIEWER="view-secret")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    anonymous, operator = Client(url), Client(url)
    operator.set_user("operator")
    operator.set_password("op-secret")
    try:
        assert await eventually(lambda: served(process, anonymous), 40, 0.2), "no served endpoint"
        await operator.connect()
        uri, identifier = SC_107.removeprefix("nsu=").split(";")
        ns = await anonymous.get_namespace_index(uri)
        speed = await node(source, SPEED)
        with pytest.raises(UaStatusCodeError, match="BadUserAccessDenied"):
            await anonymous.get_node(f"ns={ns};{identifier}").write_value(
                ua.DataValue(ua.Variant(30.0, ua.VariantType.Double))
            )
        await operator.get_node(f"ns={ns};{identifier}").write_value(
            ua.DataValue(ua.Variant(10.0, ua.VariantType.Double))
        )

        async def written_back() -> bool:
            return bool(await speed.read_value() == pytest.approx(600.0))

        await eventually(written_back)
        assert await speed.read_value() == pytest.approx(600.0)
        await operator.disconnect()
        await anonymous.disconnect()
    finally:
        process.send_signal(signal.SIGINT)
        errors = await asyncio.to_thread(lambda: process.communicate(timeout=30)[1])
        await source.stop()
    assert process.returncode == 0, errors
    assert f"write by operator: {SC_107} = 10.0, to the source {SPEED} = 600.0 at " in errors
    assert "1 written back" in errors


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        (["--write-back", "/TT_103"], {}, "rule 1 (/TT_103) has no inverse"),
        (["--write-back", "/nowhere"], {}, "no routed rule has this target id or address"),
        (["--user", "operator:admin"], {}, "expected NAME:ROLE with ROLE one of read, write"),
        (["--user", "operator:write"], {}, "no password in the environment variable TOLKA_PASSWORD_OPERATOR"),
        (["--write-to", "opc.tcp://127.0.0.1:1", "--write-back", "/SC_107"], {}, "not with --write-to"),
        # two identities, and no password in clear unless asked for
        (["--source-user", "plc"], {}, "--source-user 'plc': no password; put it in TOLKA_SOURCE_PASSWORD"),
        (["--source-security", "Basic128Rsa15"], {}, "unknown security policy 'Basic128Rsa15'"),
        (
            ["--source-security", "None", "--source-user", "plc"],
            {"TOLKA_SOURCE_PASSWORD": "s"},
            "the password of 'plc' would cross the network in clear with security None",
        ),
        (
            ["--serve-security", "None", "--user", "operator:read"],
            {"TOLKA_PASSWORD_OPERATOR": "s"},
            "would cross the network in clear on an endpoint without security",
        ),
        (["--serve-security", "Basic256-Sign"], {}, "unknown served security 'Basic256-Sign'"),
        (["--source-password-file", "p.txt"], {}, "--source-password-file: give the user it is for"),
    ],
)
def test_bad_write_back_and_user_options_are_refused(
    tmp_path: Path, options: list[str], env: dict[str, str], message: str
) -> None:
    translator = tmp_path / "a-b.json"
    write_translator(SPEC, translator)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TOLKA_")} | env
    result = subprocess.run(
        [sys.executable, "-c", "from services.cli import main; main()", "proxy", "--source", "opc.tcp://127.0.0.1:1",
         "--translator", str(translator), "--allow-anonymous", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
