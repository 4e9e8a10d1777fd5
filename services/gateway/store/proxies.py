"""The store's proxies: each proxy started through the gateway, its desired state and its last status.

The API writes what a proxy should do (:meth:`ProxyStore.add_proxy`, :meth:`ProxyStore.stop_proxy`);
the supervisor — the one process holding the ``proxies`` lease (:mod:`services.gateway.supervisor`)
— reads that, runs the proxies, and writes what they do (:meth:`ProxyStore.report_proxies`, only
while it still holds the lease, so a supervisor that lost it never overwrites its successor's
figures). Every worker answers ``GET /proxies`` from here, so all answer the same.

The definition is kept whole, passwords included (the supervisor needs them to connect again after a
restart), in the store file next to the PKI's private key: protect the data folder as you protect
that key. The API never shows it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from services.gateway.records import ProxyDesired, ProxyRecord
from services.gateway.store.db import ConflictError, Database, NotFoundError, new_id, now
from services.gateway.store.leases import holds_lease

__all__ = ["PROXY_LEASE", "ProxyStatus", "ProxyStore"]

PROXY_LEASE = "proxies"
"""The lease whose holder supervises every proxy."""

_COLUMNS = (
    "id, translator, source, serve, write_to, config, desired, created, started, state, error, counters, "
    "supervisor, updated"
)


@dataclass(frozen=True, slots=True)
class ProxyStatus:
    """What the supervisor saw a proxy do: ``state``, ``error``, its ``counters`` (None: keep the stored
    ones), when it ``started`` (``""``: keep the stored time)."""

    id: str
    state: str
    error: str = ""
    counters: dict[str, Any] | None = None
    started: str = ""


def _record(row: tuple[Any, ...] | sqlite3.Row) -> ProxyRecord:
    (proxy_id, translator, source, serve, write_to, config, desired, created, started, state, error,
     counters, supervisor, updated) = row  # fmt: skip
    return ProxyRecord(
        proxy_id,
        translator,
        source,
        serve,
        write_to,
        orjson.loads(config),
        ProxyDesired(desired),
        created,
        started,
        state,
        error,
        orjson.loads(counters),
        supervisor,
        updated,
    )


class ProxyStore(Database):
    """Proxies: add, read, ask to stop, forget; their status as their supervisor reports it."""

    def add_proxy(
        self, config: dict[str, Any], *, translator: str, source: str, serve: str = "", write_to: str = ""
    ) -> ProxyRecord:
        """Keep a proxy that should run: ``config`` is its whole definition; its state is ``starting``
        until a supervisor starts it.

        Raises:
            NotFoundError: no such translator.
            ConflictError: another proxy serves at ``serve`` already.
        """
        proxy_id, stamp = new_id("p"), now()
        with self._write() as db:
            if db.execute("SELECT 1 FROM translators WHERE id = ?", (translator,)).fetchone() is None:
                raise NotFoundError("translator", translator)
            if serve:
                taken = db.execute("SELECT id FROM proxies WHERE serve = ?", (serve,)).fetchone()
                if taken is not None:
                    raise ConflictError(
                        f"the proxy {taken[0]} serves at {serve} already: stop it first, or serve elsewhere"
                    )
            db.execute(
                f"INSERT INTO proxies ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    proxy_id, translator, source, serve, write_to, orjson.dumps(config),
                    ProxyDesired.RUNNING.value, stamp, stamp, "starting", "", b"{}", "", stamp,
                ),
            )  # fmt: skip
        return self.get_proxy(proxy_id)

    def get_proxy(self, proxy_id: str) -> ProxyRecord:
        """The proxy ``proxy_id``."""
        row = self._db().execute(f"SELECT {_COLUMNS} FROM proxies WHERE id = ?", (proxy_id,)).fetchone()
        if row is None:
            raise NotFoundError("proxy", proxy_id)
        return _record(row)

    def list_proxies(self) -> list[ProxyRecord]:
        """Every proxy, oldest first."""
        rows = self._db().execute(f"SELECT {_COLUMNS} FROM proxies ORDER BY created, rowid")
        return [_record(row) for row in rows]

    def stop_proxy(self, proxy_id: str) -> ProxyRecord:
        """Ask the proxy ``proxy_id`` to stop: its supervisor stops it, then forgets it.

        Raises:
            NotFoundError: no such proxy.
        """
        with self._write() as db:
            changed = db.execute(
                "UPDATE proxies SET desired = ?, state = 'stopping', updated = ? WHERE id = ?",
                (ProxyDesired.STOPPED.value, now(), proxy_id),
            ).rowcount
            if changed == 0:
                raise NotFoundError("proxy", proxy_id)
        return self.get_proxy(proxy_id)

    def forget_proxy(self, proxy_id: str) -> None:
        """Delete the proxy ``proxy_id`` once it was asked to stop (one that should run stays)."""
        with self._write() as db:
            db.execute(
                "DELETE FROM proxies WHERE id = ? AND desired = ?", (proxy_id, ProxyDesired.STOPPED.value)
            )

    def report_proxies(self, owner: str, statuses: Iterable[ProxyStatus], *, supervised: bool = True) -> bool:
        """Write what the supervisor ``owner`` saw its proxies do — only while it holds the proxies' lease
        and only for proxies that should still run; whether it held the lease.

        Args:
            supervised: whether ``owner`` goes on running them (False: it stopped them, and the
                proxies are left without a supervisor until another takes the lease).
        """
        stamp = now()
        with self._write() as db:
            if not holds_lease(db, PROXY_LEASE, owner):
                return False
            db.executemany(
                "UPDATE proxies SET state = ?, error = ?, counters = COALESCE(?, counters), "
                "started = COALESCE(NULLIF(?, ''), "
                "started), supervisor = ?, updated = ? WHERE id = ? AND desired = ?",
                [
                    (
                        s.state, s.error, None if s.counters is None else orjson.dumps(s.counters),
                        s.started, owner if supervised else "",
                        stamp, s.id, ProxyDesired.RUNNING.value,
                    )
                    for s in statuses
                ],
            )  # fmt: skip
        return True
