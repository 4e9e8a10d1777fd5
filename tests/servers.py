"""The real servers tests start on 127.0.0.1: a free port, an asyncua server, a Mosquitto broker and
the gateway (``tolka serve``) as a process.

Plain functions and classes, so that any test module can import them; ``tests/conftest.py`` offers
the broker and the gateway as fixtures too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.paths import ROOT
from tests.polling import eventually, wait_until

if TYPE_CHECKING:  # asyncua is imported where a server starts: every test session loads this module
    from asyncua import ua
    from asyncua.client.client import Client
    from asyncua.server.server import Server

__all__ = [
    "Gateway",
    "Mosquitto",
    "asyncua_server",
    "connects",
    "free_port",
    "gateway_serving",
    "mosquitto_binary",
    "start_asyncua",
    "start_gateway",
    "stop_gateway",
    "tolka_process",
]


_LOWEST_PORT = 10_000


def _ephemeral_floor() -> int:
    """The lowest port the kernel hands out on its own (to ``bind(0)`` and to outgoing connections)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def _port_sequence() -> Iterator[int]:
    """This test process's own slice of the ports below the ephemeral range, from a random start.

    A port the kernel chose (``bind(0)``) could be handed to any outgoing connection, or to another
    xdist worker, between the moment it is released and the moment a server binds it: CI lost a run
    to that. Below the ephemeral range only explicit binds take a port, and each worker has its own
    slice of it.
    """
    floor = max(_ephemeral_floor(), _LOWEST_PORT + 1_000)
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) % workers if worker.isdigit() else 0
    width = (floor - _LOWEST_PORT) // workers
    low = _LOWEST_PORT + index * width
    start = random.randrange(width)
    for step in itertools.count():
        yield low + (start + step) % width


_PORTS = _port_sequence()


def free_port() -> int:
    """A 127.0.0.1 TCP port nothing listens on now (bound and released: connecting there is refused),
    outside the kernel's ephemeral range and in this test process's own slice of ports, so that no
    outgoing connection or other worker takes it before the caller binds it."""
    for port in itertools.islice(_PORTS, 1_000):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free 127.0.0.1 port in this test process's slice after 1,000 tries")


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


async def _accepts(port: int) -> bool:
    """Whether a TCP connection to ``port`` is accepted, without blocking the event loop (which may be
    the one serving that port)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1.0)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


# ------------------------------------------------------------------------------------------ asyncua


async def start_asyncua(
    *nodesets: Path,
    port: int | None = None,
    path: str = "",
    name: str | None = None,
    security_policies: Sequence[ua.SecurityPolicyType] | None = None,
    configure: Callable[[Server], Awaitable[object]] | None = None,
    timeout: float = 10.0,
) -> Server:
    """A real asyncua server at ``opc.tcp://127.0.0.1:<port><path>`` (a free port unless given) with
    ``nodesets`` imported, started and accepting connections; the caller stops it.

    Args:
        nodesets: NodeSet2 files to import, in order.
        port: the port; a restarted machine is a new server on its old port.
        path: the endpoint URL's path, e.g. ``/tolka/demo/``.
        name: the server's name (asyncua's default otherwise).
        security_policies: the endpoints' security policies (asyncua's default otherwise).
        configure: run after the import and before the start (writable variables, values, security).
        timeout: how long the server may take to accept a connection after its start.
    """
    port = port or free_port()
    server = _server_class()()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}{path}")
    if name is not None:
        server.set_server_name(name)
    if security_policies is not None:
        server.set_security_policy(list(security_policies))
    for nodeset in nodesets:
        await server.import_xml(str(nodeset))
    if configure is not None:
        await configure(server)
    await server.start()
    if not await eventually(lambda: _accepts(port), timeout):
        await server.stop()
        raise RuntimeError(f"the asyncua server did not accept connections on {port} within {timeout} s")
    return server


@functools.cache
def _server_class() -> type[Server]:
    """asyncua's Server, its ``stop()`` not waiting for the next tick of its clock (up to a second after
    it has closed every connection): :func:`services.proxy.targets.stop_clock`, as the proxy's own."""
    from asyncua.server.server import Server

    from services.proxy.targets import stop_clock

    class QuickStopServer(Server):
        async def stop(self) -> None:
            await stop_clock(self)
            await super().stop()

    return QuickStopServer


async def connects(client: Client) -> bool:
    """Whether ``client`` could connect now (False while its server is not up yet): for
    ``await eventually(lambda: connects(client))`` while a server process starts."""
    try:
        await client.connect()
    except (TimeoutError, OSError):
        return False
    return True


@contextlib.asynccontextmanager
async def asyncua_server(*nodesets: Path, **options: Any) -> AsyncIterator[Server]:
    """:func:`start_asyncua` (same arguments) as a context: the server is stopped on the way out.
    Its URL is ``server.endpoint.geturl()``."""
    server = await start_asyncua(*nodesets, **options)
    try:
        yield server
    finally:
        await server.stop()


# ---------------------------------------------------------------------------------------- Mosquitto


def mosquitto_binary() -> str:
    """The broker to run: ``$TOLKA_MOSQUITTO``, else the one on the PATH or in /usr/sbin (Debian's).

    Skips the test without one, unless ``TOLKA_MOSQUITTO`` is set (as in CI): then a missing broker
    fails it.
    """
    wanted = os.environ.get("TOLKA_MOSQUITTO", "")
    if wanted:
        if not (os.path.isfile(wanted) and os.access(wanted, os.X_OK)):
            pytest.fail(f"TOLKA_MOSQUITTO={wanted} but there is no executable broker there")
        return wanted
    found = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.access("/usr/sbin/mosquitto", os.X_OK) else None
    )
    if found is None:
        pytest.skip("no mosquitto broker (apt-get install mosquitto, or make test as root)")
    return found


class Mosquitto:
    """One broker process on 127.0.0.1 with persistence on; ``restart()`` stops it (it saves its
    sessions and queued messages) and starts it again on the same port from its persistence file."""

    def __init__(self, binary: str, workdir: Path, port: int | None = None) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.config = workdir / "mosquitto.conf"
        self.log = workdir / "mosquitto.log"
        workdir.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            # run as whoever runs the tests (as root, mosquitto would switch to the user mosquitto,
            # who cannot write the persistence file into this folder)
            f"user {pwd.getpwuid(os.getuid()).pw_name}\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {workdir}/\n"
            "persistence_file mosquitto.db\n"
            "autosave_interval 0\n"
            # a bridge that falls behind has its messages queued, not dropped (the default keeps 1,000)
            "max_queued_messages 1000000\n"
            "set_tcp_nodelay true\n"
            f"log_dest file {self.log}\n"
            "log_type error\nlog_type warning\nlog_type notice\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start the broker and wait until it accepts connections."""
        process = self.process = subprocess.Popen(
            [self.binary, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_until(lambda: process.poll() is not None or _listening(self.port), timeout)
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"mosquitto exited with {process.returncode}: {err} {self.log_text()}")
        if not _listening(self.port):
            raise RuntimeError(
                f"mosquitto did not listen on {self.port} within {timeout} s: {self.log_text()}"
            )

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the broker saves its persistence file), SIGKILL after ``timeout`` s."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()

    def restart(self, down: float = 0.0) -> None:
        """Stop, stay down ``down`` seconds (an outage of that length is the point), start again."""
        self.stop()
        time.sleep(down)
        self.start()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# ------------------------------------------------------------------------------------------ gateway


def tolka_process(*args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """``tolka ARGS`` from this checkout as a process, ``env`` added to the environment; its standard
    output and error together, as text."""
    return subprocess.Popen(
        [sys.executable, "-c", "from services.cli import main; main()", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@dataclass(frozen=True, slots=True)
class Gateway:
    """A running ``tolka serve``."""

    process: subprocess.Popen[str]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_gateway(
    data_dir: Path,
    *,
    workers: int = 1,
    token: str | None = None,
    port: int | None = None,
    timeout: float = 60.0,
) -> Gateway:
    """``tolka serve`` on ``port`` (a free one unless given) over ``data_dir``, once ``/health``
    answers 200 (asked every 0.2 s); the test fails with the gateway's output when it exits first or
    does not answer within ``timeout`` s.

    Args:
        token: the one bearer token it accepts (``TOLKA_TOKENS``); None leaves the environment's.
    """
    port = port or free_port()
    args = ["serve", "--port", str(port), "--workers", str(workers), "--data-dir", str(data_dir)]
    process = tolka_process(*args, env=None if token is None else {"TOLKA_TOKENS": token})
    gateway = Gateway(process, port)

    def healthy() -> bool:
        try:
            return httpx.get(f"{gateway.url}/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(lambda: process.poll() is not None or healthy(), timeout, interval=0.2)
    if process.poll() is not None or not healthy():
        process.kill()
        pytest.fail(f"tolka serve did not come up: {process.communicate()[0]}")
    return gateway


def stop_gateway(gateway: Gateway, timeout: float = 30.0) -> str:
    """SIGTERM; the gateway's output once it has exited (the test fails when it does not within
    ``timeout`` s)."""
    gateway.process.send_signal(signal.SIGTERM)
    try:
        return gateway.process.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        gateway.process.kill()
        gateway.process.communicate()
        pytest.fail("tolka serve did not stop on SIGTERM")


@contextlib.contextmanager
def gateway_serving(data_dir: Path, **options: Any) -> Iterator[Gateway]:
    """:func:`start_gateway` (same arguments) as a context; on the way out the gateway is stopped
    with SIGTERM, must shut down cleanly and free its port.

    Clean means uvicorn's "Application shutdown complete." and exit status 0 — or, with one worker, the
    SIGTERM itself: uvicorn (since 0.29) raises the signal it caught again once it has shut down.
    """
    gateway = start_gateway(data_dir, **options)
    try:
        yield gateway
    except BaseException:
        with contextlib.suppress(BaseException):  # the test's own failure is the one to report
            stop_gateway(gateway)
        raise
    output = stop_gateway(gateway)
    assert "Application shutdown complete." in output, output
    assert gateway.process.returncode in (0, -signal.SIGTERM), output
    with socket.socket() as sock:  # nothing listens on the port any more (closed connections may linger)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", gateway.port))
        sock.listen()
