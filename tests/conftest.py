"""Fixtures every test folder may use: a Mosquitto broker and the gateway (``tolka serve``) as a
process. The servers themselves, a free port and an asyncua server, are plain functions in
:mod:`tests.servers`; waiting without fixed sleeps is :mod:`tests.polling`.

The units are those of the OPC Foundation's UNECE table in ../shared/data when it is there, as
``make test`` sets them: ``TOLKA_UNECE_TABLE`` names it for this process and every ``tolka`` process a
test starts, unless already set (``TOLKA_UNECE_TABLE=`` runs the tests with the built-in table)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.paths import UNECE_TABLE
from tests.servers import Gateway, Mosquitto, gateway_serving, mosquitto_binary

if UNECE_TABLE.is_file():
    os.environ.setdefault("TOLKA_UNECE_TABLE", str(UNECE_TABLE))


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    """A Mosquitto broker of its own on a free 127.0.0.1 port, persistence in ``tmp_path/broker``
    (skipped without a broker, unless TOLKA_MOSQUITTO is set)."""
    server = Mosquitto(mosquitto_binary(), tmp_path / "broker")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def gateway_process(tmp_path: Path) -> Iterator[Callable[..., Gateway]]:
    """Starts ``tolka serve`` processes: ``gateway_process(workers=2, token="t")`` gives a running
    gateway (its data in ``tmp_path/gateway-<n>`` unless ``data_dir=`` says otherwise); each is
    stopped with SIGTERM after the test and must shut down cleanly and free its port."""
    started: list[Gateway] = []
    with contextlib.ExitStack() as running:

        def start(data_dir: Path | None = None, **options: object) -> Gateway:
            folder = data_dir or tmp_path / f"gateway-{len(started)}"
            started.append(running.enter_context(gateway_serving(folder, **options)))
            return started[-1]

        yield start
