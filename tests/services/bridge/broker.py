"""A real Mosquitto broker for the bridge tests, on a free 127.0.0.1 port, with persistence on.

The broker is Debian's ``mosquitto`` (``$TOLKA_MOSQUITTO``, else the one on the PATH or in
/usr/sbin). Tests that need it skip when there is none — unless ``TOLKA_MOSQUITTO`` is set (as in CI),
when a missing broker fails them.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

__all__ = ["Mosquitto", "free_port", "mosquitto_binary"]


def mosquitto_binary() -> str:
    """The broker to run; skips the test without one, fails it when TOLKA_MOSQUITTO names a missing one."""
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mosquitto:
    """One broker process; ``restart()`` stops it (it saves its sessions and queued messages) and
    starts it again on the same port from its persistence file."""

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
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(
                    f"mosquitto exited with {self.process.returncode}: {err} {self.log_text()}"
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port} within {timeout} s: {self.log_text()}")

    def stop(self, timeout: float = 10.0) -> None:
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
        self.stop()
        time.sleep(down)
        self.start()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
