"""The demo plant: each vendor's NodeSet2 model served by an OPC UA server, its values replayed from
the simulator.

:class:`PlantServer` serves one model and sets its variables by field address (the browse path below
``Objects`` joined with dots, ``PumpSkid1.Pump.Speed``). :class:`Playback` replays a simulated
recording's two message streams into the two servers in the order of their times, at ``speed`` times
real time (changed while it runs: fast while recording, real time while showing live traffic). Each
value's SourceTimestamp is the demo's start plus the message's time since the recording's first, so
vendor B's clock keeps its offset and the timestamps tell process time, however fast it is played.

The servers are secured as real machines are (`machine_security`), and they and Tolka trust each
other's certificates as an engineer would set them up (`trust_each_other`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asyncua import ua
from asyncua.server.server import Server

from adapters import load
from adapters.opcua.pki import Pki
from services.proxy.security import ServedSecurity, ServedUser
from services.proxy.targets import coerce, resolve_ids, stop_clock, variant_types
from translator.instances.series import flatten
from translator.translation.compiler import field_addresses
from translator.translation.spec import MessageFormat

__all__ = [
    "DOTTED",
    "TOLKA_USER",
    "PlantServer",
    "Playback",
    "field_values",
    "machine_security",
    "trust_each_other",
]

DOTTED = MessageFormat("opcua-pubsub-json")
"""How the demo names fields: the browse path below ``Objects`` joined with dots, as PubSub does."""


def field_values(message: Any) -> tuple[float | None, dict[str, Any]]:
    """A simulated message's time and its values by field address (JSON Pointers become dotted)."""
    seconds, fields = flatten(message)
    return seconds, {name.strip("/").replace("/", "."): value for name, value in fields.items()}


class PlantServer:
    """One vendor's model served at ``endpoint`` (asyncua), its variables set by field address, behind
    ``security`` (its endpoints, users and certificate, as a real machine's)."""

    def __init__(self, nodeset: Path, endpoint: str, name: str, security: ServedSecurity) -> None:
        self.nodeset = nodeset
        self.endpoint = endpoint
        self.security = security
        self.server = Server()
        self.name = name
        self.nodes: dict[str, ua.NodeId] = {}
        self.types: dict[str, ua.VariantType] = {}

    async def start(self) -> None:
        """Import the model and start serving."""
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name(self.name)
        await self.security.configure(self.server)
        await self.server.import_xml(str(self.nodeset))
        graph = load(self.nodeset)
        ids = {address: node.id for address, node in field_addresses(graph, DOTTED).items()}
        namespaces = await self.server.get_namespace_array()
        by_id = resolve_ids(ids.values(), namespaces, str(self.nodeset))
        self.nodes = {address: by_id[node_id] for address, node_id in ids.items()}
        self.types = await variant_types(self.nodes, self.server.get_node)
        await self.server.start()
        self.security.after_start(self.server)

    async def set(self, values: Mapping[str, Any], when: dt.datetime) -> int:
        """Write ``values`` (by field address; unknown addresses are skipped) stamped ``when``;
        returns how many were written."""
        written = 0
        for address, value in values.items():
            node = self.nodes.get(address)
            if node is None:
                continue
            variant = coerce(value, self.types[address])
            await self.server.write_attribute_value(
                node,
                ua.DataValue(variant, SourceTimestamp=ua.DateTime.fromtimestamp(when.timestamp(), dt.UTC)),
            )
            written += 1
        return written

    async def stop(self) -> None:
        await stop_clock(self.server)
        await self.server.stop()


@dataclass(frozen=True, slots=True)
class _Event:
    seconds: float
    server: int
    values: dict[str, Any]


class Playback:
    """Replay ``streams`` (one list of simulated messages per server, in ``servers``' order) at
    ``speed`` times real time.

    Attributes:
        process_seconds: process time played so far.
        written: values written so far.
        written_at: when (monotonic seconds) the first server's values of each SourceTimestamp
            (epoch seconds to the millisecond) were written, for the latest few thousand (to
            measure how long translation takes).
    """

    def __init__(
        self, servers: Sequence[PlantServer], streams: Sequence[Sequence[Any]], speed: float = 1.0
    ) -> None:
        events = []
        for index, messages in enumerate(streams):
            for message in messages:
                seconds, values = field_values(message)
                if seconds is not None:
                    events.append(_Event(seconds, index, values))
        events.sort(key=lambda e: (e.seconds, e.server))
        self.servers = tuple(servers)
        self.events = events
        self.start = events[0].seconds if events else 0.0
        self.epoch = dt.datetime.now(dt.UTC)
        self.process_seconds = 0.0
        self.written = 0
        self.written_at: dict[float, float] = {}
        self._speed = speed
        self._anchor = (time.monotonic(), 0.0)

    @property
    def duration(self) -> float:
        """Process seconds the streams cover."""
        return self.events[-1].seconds - self.start if self.events else 0.0

    @property
    def speed(self) -> float:
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        self._anchor = (time.monotonic(), self._now())
        self._speed = value

    def _now(self) -> float:
        wall, process = self._anchor
        return process + (time.monotonic() - wall) * self._speed

    def stamp(self, seconds: float) -> dt.datetime:
        """The SourceTimestamp of process time ``seconds`` (since the first message)."""
        return self.epoch + dt.timedelta(seconds=seconds)

    async def run(self, stop: asyncio.Event) -> None:
        """Play until the streams end or ``stop`` is set."""
        self._anchor = (time.monotonic(), 0.0)
        for event in self.events:
            due = event.seconds - self.start
            while not stop.is_set() and (ahead := due - self._now()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), min(ahead / self._speed, 0.25))
            if stop.is_set():
                return
            stamp = self.stamp(due)
            self.written += await self.servers[event.server].set(event.values, stamp)
            self.process_seconds = due
            if event.server == 0:
                self.written_at[round(stamp.timestamp(), 3)] = time.monotonic()
                while len(self.written_at) > 4096:
                    del self.written_at[next(iter(self.written_at))]


# -- the machines' security ------------------------------------------------------------------------

TOLKA_USER = "tolka"


def machine_security(pki: Path, role: str, password: str) -> ServedSecurity:
    """A simulated machine's security: SignAndEncrypt only, one user (Tolka's), its own certificate."""
    return ServedSecurity(users=(ServedUser(TOLKA_USER, password, "read"),), pki=pki, role=role)


def trust_each_other(tolka: Pki, machines: Sequence[Pki]) -> None:
    """What an engineer does once per machine (``tolka pki trust`` here, the machine's own tool
    there): Tolka trusts each machine's certificate, each machine Tolka's."""
    own, _ = tolka.own()
    for machine in machines:
        tolka.trust(machine.own()[0])
        machine.trust(own)
