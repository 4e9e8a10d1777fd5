"""The store's leases: which process does a job only one process may do, until when.

A lease is a row ``(name, owner, expires)``. :meth:`LeaseStore.take_lease` is one atomic ``UPDATE``
that succeeds when the lease is free, expired, or already the caller's — so of several processes
asking at once exactly one holds it — and pushes its expiry ``ttl`` seconds ahead. The holder renews
it well before it expires; a holder that dies simply stops renewing, and another process takes the
lease once it has expired. Expiry is wall-clock time (``time.time()``), the one clock every process
on the machine shares.

Example:
    >>> import tempfile, pathlib
    >>> store = LeaseStore(pathlib.Path(tempfile.mkdtemp()) / "tolka.db")
    >>> store.take_lease("proxies", "a", ttl=10), store.take_lease("proxies", "b", ttl=10)
    (True, False)
"""

from __future__ import annotations

import sqlite3
import time

from services.gateway.store.db import Database

__all__ = ["LeaseStore", "holds_lease"]


def holds_lease(db: sqlite3.Connection, name: str, owner: str) -> bool:
    """Whether ``owner`` holds the lease ``name`` (read in the transaction of ``db``): nobody took it
    over since ``owner`` last renewed it."""
    row = db.execute("SELECT owner FROM leases WHERE name = ?", (name,)).fetchone()
    return row is not None and row[0] == owner


class LeaseStore(Database):
    """Leases: take or renew, release, look up."""

    def take_lease(self, name: str, owner: str, ttl: float) -> bool:
        """Take the lease ``name`` for ``owner`` for ``ttl`` seconds, or renew it; whether ``owner``
        holds it now."""
        stamp = time.time()
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO leases VALUES (?, '', 0)", (name,))
            taken = db.execute(
                "UPDATE leases SET owner = ?, expires = ? WHERE name = ? AND (owner = ? OR expires < ?)",
                (owner, stamp + ttl, name, owner, stamp),
            ).rowcount
        return taken == 1

    def release_lease(self, name: str, owner: str) -> None:
        """Give up the lease ``name`` when ``owner`` holds it, so another process may take it at once."""
        with self._write() as db:
            db.execute(
                "UPDATE leases SET owner = '', expires = 0 WHERE name = ? AND owner = ?", (name, owner)
            )

    def lease_holder(self, name: str) -> str:
        """Who holds the lease ``name`` now, ``""`` for nobody (never taken, released or expired)."""
        row = (
            self._db()
            .execute("SELECT owner FROM leases WHERE name = ? AND expires >= ?", (name, time.time()))
            .fetchone()
        )
        return str(row[0]) if row is not None else ""
