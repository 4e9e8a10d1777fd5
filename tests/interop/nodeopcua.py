"""node-opcua (the npm OPC UA stack) in the test suite: a strict, secured source server and a client.

Both run as Node.js subprocesses (``tests/interop/node/source-server.mjs`` and ``client.mjs``; their
header comments give the whole command line) and print one JSON object per line on stdout.

- :func:`require_node` skips the calling test when ``node`` or ``tests/interop/node/node_modules`` is
  missing; with ``TOLKA_NODE_OPCUA`` set (CI) it fails instead, telling to run ``make node-opcua``.
- :func:`node_source_server` (async context manager) runs the server until the block ends.
- :func:`run_node_client` (async, so that an in-process asyncua server keeps answering) runs one client
  command and returns ``(returncode, json_lines, stderr)``.
- :func:`trust_certificate` puts a certificate into a node-opcua PKI's ``trusted/certs`` *and* takes it
  out of ``rejected/``: node-opcua treats a certificate that is in both as rejected.

PKI folders use node-opcua's OPCUACertificateManager layout (``own/certs``, ``own/private``,
``trusted/certs``, ``trusted/crl``, ``issuers/certs``, ``issuers/crl``, ``rejected``); the scripts
create them. A refused certificate lands in ``rejected/`` as ``<CN>[<sha1 thumbprint>].pem``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
import ssl
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import pytest

NODE_DIR = Path(__file__).resolve().parent / "node"
SOURCE_SERVER_SCRIPT = NODE_DIR / "source-server.mjs"
CLIENT_SCRIPT = NODE_DIR / "client.mjs"
NODE_MODULES = NODE_DIR / "node_modules"
CI_VARIABLE = "TOLKA_NODE_OPCUA"
PASSWORD_VARIABLE = "NODE_OPCUA_PASSWORD"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LINE_LIMIT = 1 << 24  # the longest JSON line read from the server (a write of a large array)

JsonObject = dict[str, Any]
T = TypeVar("T")
SecurityPolicyName = Literal["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
SecurityModeName = Literal["None", "Sign", "SignAndEncrypt"]


class NodeHarnessError(RuntimeError):
    """A node-opcua script did not start, printed something that is not a JSON line, or did not end."""


def node_executable() -> str | None:
    """The ``node`` on PATH, or None."""
    return shutil.which("node")


def require_node() -> str:
    """The path of ``node``, after checking that node-opcua is installed in :data:`NODE_DIR`.

    Skips the test when ``node`` or ``node_modules`` is missing, unless ``TOLKA_NODE_OPCUA`` is set
    (CI), where it fails, telling to run ``make node-opcua``."""
    node = node_executable()
    missing = []
    if node is None:
        missing.append("node (Node.js) is not on PATH")
    if not (NODE_MODULES / "node-opcua").is_dir():
        missing.append(f"node-opcua is not installed in {NODE_MODULES}")
    if missing:
        message = "; ".join(missing) + " — run `make node-opcua`"
        if os.environ.get(CI_VARIABLE):
            pytest.fail(f"{CI_VARIABLE} is set but {message}", pytrace=False)
        pytest.skip(message)
    assert node is not None
    return node


def _environment(password: str | None) -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop(PASSWORD_VARIABLE, None)
    if password is not None:
        environment[PASSWORD_VARIABLE] = password
    return environment


def _parse_line(line: str, script: str) -> JsonObject:
    try:
        parsed = json.loads(line)
    except json.JSONDecodeError as error:
        raise NodeHarnessError(f"{script} printed a line that is not JSON: {line!r}") from error
    if not isinstance(parsed, dict):
        raise NodeHarnessError(f"{script} printed JSON that is not an object: {line!r}")
    return parsed


def _der(certificate: bytes) -> bytes:
    """DER bytes of a PEM or DER certificate file's content (the first certificate of a PEM chain)."""
    if certificate.lstrip().startswith(b"-----BEGIN"):
        text = certificate.decode("ascii")
        end = text.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
        return ssl.PEM_cert_to_DER_cert(text[text.index("-----BEGIN CERTIFICATE-----") : end])
    return certificate


def certificate_thumbprint(certificate: Path) -> str:
    """The SHA-1 thumbprint (lower-case hex) of a PEM or DER certificate file, as node-opcua names it."""
    return hashlib.sha1(_der(certificate.read_bytes()), usedforsecurity=False).hexdigest()


def certificates_in(folder: Path) -> dict[str, Path]:
    """The certificates of a PKI folder (e.g. ``pki / "rejected"``) by SHA-1 thumbprint."""
    found: dict[str, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                with contextlib.suppress(ValueError, UnicodeDecodeError):
                    found[certificate_thumbprint(path)] = path
    return found


def trust_certificate(certificate: Path, pki: Path) -> Path:
    """Copy ``certificate`` (PEM or DER) into ``pki/trusted/certs`` and remove it from ``pki/rejected``.

    node-opcua considers a certificate that is both in rejected/ and in trusted/certs as rejected,
    so copying alone is not enough once a connection was refused. The copy is written beside the
    folder and renamed into it, so that folder watchers never see half a file. A running node-opcua
    server picks both changes up through its folder watchers (:meth:`NodeSourceServer.trust` waits
    for that). Returns the trusted copy."""
    thumbprint = certificate_thumbprint(certificate)
    trusted = pki / "trusted" / "certs"
    trusted.mkdir(parents=True, exist_ok=True)
    target = trusted / f"{certificate.stem}[{thumbprint}]{certificate.suffix or '.der'}"
    partial = pki / f".{target.name}.partial"
    shutil.copyfile(certificate, partial)
    partial.replace(target)
    rejected = certificates_in(pki / "rejected")
    if thumbprint in rejected:
        rejected[thumbprint].unlink()
    return target


@dataclass
class NodeSourceServer:
    """A running ``source-server.mjs``."""

    endpoint: str
    certificate: Path
    application_uri: str
    namespaces: list[str]
    pki: Path
    process: asyncio.subprocess.Process
    events: list[JsonObject] = field(default_factory=list)
    stderr_lines: list[str] = field(default_factory=list)

    def writes(self) -> list[JsonObject]:
        """The client writes the server applied so far (``{"event": "write", ...}``)."""
        return [event for event in self.events if event.get("event") == "write"]

    def refused_writes(self) -> list[JsonObject]:
        """The client writes the server refused so far (``{"event": "write-refused", "statusCode": ..}``)."""
        return [event for event in self.events if event.get("event") == "write-refused"]

    def stderr(self) -> str:
        """What node-opcua logged so far."""
        return "".join(self.stderr_lines)

    def rejected_certificates(self) -> dict[str, Path]:
        """The certificates in the server's ``rejected/`` folder, by SHA-1 thumbprint."""
        return certificates_in(self.pki / "rejected")

    async def trust(self, certificate: Path, timeout: float = 10.0, *, refused: bool = False) -> Path:
        """:func:`trust_certificate` into this server's PKI, then wait (at most ``timeout`` s) until the
        server has seen the certificate arrive in trusted/ and leave rejected/.

        node-opcua records a refusal after it has answered: it writes the certificate to rejected/ and
        its folder watcher indexes the file later. A rejection recorded after the trust wins (rejected
        outranks trusted), and a file removed before the watcher indexed it stays rejected in memory.
        So when the server refused ``certificate`` (``refused``, or its file is in rejected/ already)
        this first waits until the server has indexed that refusal."""
        thumbprint = certificate_thumbprint(certificate)

        def seen(store: str, *actions: str) -> Callable[[JsonObject], bool]:
            def matches(event: JsonObject) -> bool:
                return (
                    event.get("event") == "pki"
                    and event.get("thumbprint") == thumbprint
                    and event.get("store") == store
                    and event.get("action") in actions
                )

            return matches

        added, removed = seen("trusted", "added", "changed"), seen("rejected", "removed")
        recorded = seen("rejected", "added", "changed")
        if refused or thumbprint in self.rejected_certificates():
            await self._poll(
                lambda: True if len(self._matching(recorded)) > len(self._matching(removed)) else None,
                timeout,
                f"the node-opcua server did not record its refusal of {certificate}",
            )
        was_rejected = thumbprint in self.rejected_certificates()
        additions, removals = len(self._matching(added)), len(self._matching(removed))
        target = trust_certificate(certificate, self.pki)
        await self._wait_for_count(added, additions + 1, timeout)
        # a refusal writes rejected/ in the background: it may land after trust_certificate looked
        for _ in range(3):
            if was_rejected:
                removals += 1
                await self._wait_for_count(removed, removals, timeout)
            stale = self.rejected_certificates().get(thumbprint)
            if stale is None:
                break
            stale.unlink(missing_ok=True)
            was_rejected = True
        return target

    def _matching(self, predicate: Callable[[JsonObject], bool]) -> list[JsonObject]:
        return [event for event in self.events if predicate(event)]

    async def _poll(self, found: Callable[[], T | None], timeout: float, what: str) -> T:
        """What ``found`` returns once it is not None, asked every 50 ms for at most ``timeout`` s;
        TimeoutError naming ``what``, NodeHarnessError when the server exits meanwhile."""
        deadline = time.monotonic() + timeout
        while (result := found()) is None:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{what} within {timeout} s")
            if self.process.returncode is not None:
                raise NodeHarnessError(
                    f"the node-opcua server exited ({self.process.returncode}):\n{self.stderr()}"
                )
            await asyncio.sleep(0.05)
        return result

    async def _wait_for_count(
        self, predicate: Callable[[JsonObject], bool], count: int, timeout: float
    ) -> None:
        await self._poll(
            lambda: True if len(self._matching(predicate)) >= count else None,
            timeout,
            "the node-opcua server did not report the change",
        )

    async def wait_for_rejected(self, certificate: Path, timeout: float = 10.0) -> Path:
        """The file of ``certificate`` in the server's ``rejected/`` (which node-opcua writes in the
        background of a refusal), waiting at most ``timeout`` s for it."""
        thumbprint = certificate_thumbprint(certificate)
        return await self._poll(
            lambda: self.rejected_certificates().get(thumbprint),
            timeout,
            f"{certificate} did not arrive in {self.pki / 'rejected'}",
        )

    async def wait_for(self, predicate: Callable[[JsonObject], bool], timeout: float = 10.0) -> JsonObject:
        """The first event (printed so far or later) that ``predicate`` accepts; TimeoutError after
        ``timeout`` seconds."""
        return await self._poll(
            lambda: next((event for event in self.events if predicate(event)), None),
            timeout,
            "no matching event from the node-opcua server",
        )


async def _read_lines(stream: asyncio.StreamReader, sink: Callable[[str], None]) -> None:
    while line := await stream.readline():
        sink(line.decode("utf-8", "replace"))


@contextlib.asynccontextmanager
async def node_source_server(
    port: int,
    pki: Path,
    nodesets: Iterable[Path] = (),
    user: str | None = None,
    password: str | None = None,
    allow_anonymous: bool = False,
    security: Literal["strict", "open"] = "strict",
    writable: Sequence[str] = (),
    simulate: bool = True,
    startup_timeout: float = STARTUP_TIMEOUT,
) -> AsyncIterator[NodeSourceServer]:
    """Run node-opcua's ``source-server.mjs`` on 127.0.0.1:``port`` for the duration of the block.

    ``pki`` is its PKI folder (created when missing; the server's certificate is made there once and
    kept). ``nodesets`` are loaded after the standard nodeset and simulated. ``user``/``password``: the
    one user accepted (the password goes through the environment, not the command line).
    ``security="strict"``: SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep or
    Aes256_Sha256_RsaPss only; ``"open"`` adds None and Sign. ``writable``: node ids (``ns=``/``nsu=``)
    made writable whatever their NodeSet says; ``simulate=False`` keeps the NodeSet's values.

    Waits at most ``startup_timeout`` seconds for the ready line; stops the server with SIGTERM (then
    SIGKILL) when the block ends. Its stderr is printed to ``sys.stderr`` when the block raises."""
    node = require_node()
    if user is not None and password is None:
        raise ValueError("a user needs a password")
    pki = pki.resolve()  # the scripts run in NODE_DIR
    pki.mkdir(parents=True, exist_ok=True)
    command = [
        node,
        str(SOURCE_SERVER_SCRIPT),
        "--port",
        str(port),
        "--pki",
        str(pki),
        "--security",
        security,
    ]
    for nodeset in nodesets:
        command += ["--nodeset", str(Path(nodeset).resolve())]
    if user is not None:
        command += ["--user", user]
    if allow_anonymous:
        command.append("--allow-anonymous")
    for node_id in writable:
        command += ["--writable", node_id]
    if not simulate:
        command.append("--no-simulation")

    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(password),
        cwd=NODE_DIR,
        limit=LINE_LIMIT,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    events: list[JsonObject] = []
    stderr_lines: list[str] = []
    bad_lines: list[str] = []
    ready = asyncio.Event()

    def on_stdout(line: str) -> None:
        if not line.strip():
            return
        try:
            event = _parse_line(line, "source-server.mjs")
        except NodeHarnessError:
            bad_lines.append(line)
            ready.set()
            return
        events.append(event)
        if event.get("event") in {"ready", "error"}:
            ready.set()

    readers = [
        asyncio.ensure_future(_read_lines(process.stdout, on_stdout)),
        asyncio.ensure_future(_read_lines(process.stderr, stderr_lines.append)),
    ]
    exited = asyncio.ensure_future(process.wait())

    async def stop() -> None:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(exited), STOP_TIMEOUT)
            except TimeoutError:
                process.kill()
                await exited
        await asyncio.wait(readers, timeout=5)
        for reader in readers:
            reader.cancel()

    server: NodeSourceServer | None = None
    try:
        waiter = asyncio.ensure_future(ready.wait())
        await asyncio.wait({waiter, exited}, timeout=startup_timeout, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        ready_event = next((event for event in events if event.get("event") == "ready"), None)
        if ready_event is None or bad_lines:
            await stop()
            if bad_lines:
                why = f"printed {bad_lines[0]!r}"
            elif events:
                why = f"reported {events[-1]}"
            elif process.returncode is not None:
                why = f"exited with {process.returncode}"
            else:
                why = f"was not ready within {startup_timeout} s"
            raise NodeHarnessError(
                f"node-opcua source server on port {port} {why}\ncommand: {command}\nstderr:\n{''.join(stderr_lines)}"
            )
        server = NodeSourceServer(
            endpoint=str(ready_event["endpoint"]),
            certificate=Path(ready_event["certificate"]),
            application_uri=str(ready_event["applicationUri"]),
            namespaces=[str(uri) for uri in ready_event.get("namespaces", [])],
            pki=pki,
            process=process,
            events=events,
            stderr_lines=stderr_lines,
        )
        yield server
    except BaseException:
        if server is not None:
            sys.stderr.write(f"--- node-opcua source server stderr ---\n{''.join(stderr_lines)}\n")
        raise
    finally:
        await stop()
    if bad_lines:
        raise NodeHarnessError(f"node-opcua source server printed a line that is not JSON: {bad_lines[0]!r}")
    if process.returncode != 0:
        raise NodeHarnessError(
            f"node-opcua source server exited with {process.returncode}\nstderr:\n{''.join(stderr_lines)}"
        )


def _client_command(
    node: str,
    endpoint: str | None,
    pki: Path,
    command_args: Sequence[str],
    security: SecurityPolicyName,
    mode: SecurityModeName,
    user: str | None,
    trust_server: bool,
    timeout: float,
) -> list[str]:
    command = [node, str(CLIENT_SCRIPT), "--pki", str(pki.resolve()), "--security", security, "--mode", mode]
    if endpoint is not None:
        command += ["--endpoint", endpoint]
    if user is not None:
        command += ["--user", user]
    if trust_server:
        command.append("--trust-server")
    command += ["--timeout", f"{timeout:g}"]
    return [*command, *command_args]


def _client_result(returncode: int, stdout: bytes, stderr: bytes) -> tuple[int, list[JsonObject], str]:
    lines = [
        _parse_line(line, "client.mjs") for line in stdout.decode("utf-8", "replace").splitlines() if line
    ]
    return returncode, lines, stderr.decode("utf-8", "replace")


async def run_node_client(
    endpoint: str | None,
    pki: Path,
    command_args: Sequence[str],
    security: SecurityPolicyName = "None",
    mode: SecurityModeName = "None",
    user: str | None = None,
    password: str | None = None,
    trust_server: bool = False,
    timeout: float = 60.0,
) -> tuple[int, list[JsonObject], str]:
    """Run ``client.mjs COMMAND_ARGS`` and return ``(returncode, JSON lines, stderr)``.

    ``command_args`` is the command and its arguments, e.g. ``["read", "nsu=URI;i=6061"]``,
    ``["subscribe", NODE_ID, "--seconds", "2"]``, ``["write", NODE_ID, "1500", "--type", "Double"]``,
    ``["browse"]`` or ``["cert"]`` (``endpoint`` may be None for ``cert``). Return codes: 0 done (Bad
    status codes of reads and writes are data), 1 usage error, 2 connecting or activating the session
    failed (``{"event": "error", "stage": "connect"|"session", "message": .., "statusCode": ..}``), 3 a
    later failure or ``timeout``. The client is killed ``timeout`` + 15 s after it started at the latest
    (NodeHarnessError). Async, so that an asyncua server in the same event loop keeps answering."""
    node = require_node()
    command = _client_command(node, endpoint, pki, command_args, security, mode, user, trust_server, timeout)
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(password),
        cwd=NODE_DIR,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout + 15)
    except TimeoutError:
        process.kill()
        stdout, stderr = await process.communicate()
        raise NodeHarnessError(
            f"client.mjs did not end within {timeout + 15} s\ncommand: {command}\n"
            f"stdout:\n{stdout.decode(errors='replace')}\nstderr:\n{stderr.decode(errors='replace')}"
        ) from None
    assert process.returncode is not None
    return _client_result(process.returncode, stdout, stderr)


async def node_client_certificate(pki: Path) -> tuple[Path, str]:
    """The node client's own certificate in ``pki`` (made on first use) and its applicationUri."""
    returncode, lines, stderr = await run_node_client(None, pki, ["cert"], timeout=30)
    if returncode != 0 or not lines or lines[0].get("event") != "cert":
        raise NodeHarnessError(f"client.mjs cert failed ({returncode}): {lines}\n{stderr}")
    return Path(lines[0]["certificate"]), str(lines[0]["applicationUri"])


def events_of(lines: Iterable[JsonObject], event: str) -> list[JsonObject]:
    """The lines whose ``event`` is ``event``."""
    return [line for line in lines if line.get("event") == event]
