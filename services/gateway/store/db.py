"""The store's SQLite file: its schema and migrations, connections, transactions and errors.

The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` brings an older store up to
:data:`SCHEMA_VERSION` when it opens, and a store written by a newer Tolka is refused.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from translator.errors import TolkaError
from translator.translation.values import iso_millis

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ConflictError",
    "Database",
    "NotFoundError",
    "StoreError",
    "new_id",
    "now",
]

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE models (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, filename TEXT NOT NULL, format TEXT NOT NULL,
            created TEXT NOT NULL, size INTEGER NOT NULL, nodes INTEGER NOT NULL,
            own_nodes INTEGER NOT NULL, edges INTEGER NOT NULL, graph BLOB NOT NULL)""",
        """CREATE TABLE model_files (
            model TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE, position INTEGER NOT NULL,
            role TEXT NOT NULL, filename TEXT NOT NULL, content BLOB NOT NULL,
            PRIMARY KEY (model, position))""",
        """CREATE TABLE alignments (
            id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES models(id),
            target TEXT NOT NULL REFERENCES models(id), origin TEXT NOT NULL, method TEXT NOT NULL,
            created TEXT NOT NULL, job TEXT NOT NULL, seeds TEXT NOT NULL,
            next_cid INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE correspondences (
            alignment TEXT NOT NULL REFERENCES alignments(id) ON DELETE CASCADE, cid INTEGER NOT NULL,
            subject_id TEXT NOT NULL, object_id TEXT NOT NULL, predicate TEXT NOT NULL,
            confidence REAL NOT NULL, justification TEXT NOT NULL, status TEXT NOT NULL,
            subject_label TEXT NOT NULL, object_label TEXT NOT NULL, subject_kind TEXT NOT NULL,
            object_kind TEXT NOT NULL, comment TEXT NOT NULL, PRIMARY KEY (alignment, cid))""",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alignment TEXT NOT NULL REFERENCES alignments(id) ON DELETE CASCADE, cid INTEGER NOT NULL,
            who TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, status_before TEXT NOT NULL,
            status_after TEXT NOT NULL, object_before TEXT NOT NULL, object_after TEXT NOT NULL,
            comment TEXT NOT NULL)""",
        "CREATE INDEX reviews_by_alignment ON reviews (alignment, cid)",
        """CREATE TABLE translators (
            id TEXT PRIMARY KEY, alignment TEXT NOT NULL REFERENCES alignments(id),
            created TEXT NOT NULL, document BLOB NOT NULL, notes BLOB NOT NULL,
            accepted_only INTEGER NOT NULL)""",
        """CREATE TABLE jobs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, progress REAL NOT NULL,
            stage TEXT NOT NULL, message TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
            alignment TEXT NOT NULL)""",
    ),
    2: (
        # proxies started through the gateway: what each does (its config, secrets included, which only
        # the supervisor reads), what it should do (desired) and what the supervisor last saw it do
        """CREATE TABLE proxies (
            id TEXT PRIMARY KEY, translator TEXT NOT NULL REFERENCES translators(id),
            source TEXT NOT NULL, serve TEXT NOT NULL, write_to TEXT NOT NULL, config BLOB NOT NULL,
            desired TEXT NOT NULL, created TEXT NOT NULL, started TEXT NOT NULL, state TEXT NOT NULL,
            error TEXT NOT NULL, counters BLOB NOT NULL, supervisor TEXT NOT NULL, updated TEXT NOT NULL)""",
        # who does a job only one process may do (the proxies' supervisor), until when
        "CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires REAL NOT NULL)",
    ),
}
"""Statements that take a store from version ``n - 1`` to ``n``."""


class StoreError(TolkaError):
    """The store cannot do what was asked."""


class NotFoundError(StoreError):
    """No such model, alignment, correspondence, translator or job (``what`` and ``id`` say which)."""

    def __init__(self, what: str, id: str) -> None:
        self.what = what
        self.id = id
        super().__init__(f"no {what} {id!r}")


class ConflictError(StoreError):
    """The change would break the store's integrity (deleting a model an alignment uses)."""


def now() -> str:
    """The current time, ISO 8601 UTC to the millisecond."""
    return iso_millis(dt.datetime.now(dt.UTC))


def new_id(prefix: str) -> str:
    """A fresh random id such as ``m-3f9c1a7b2e4d``."""
    return f"{prefix}-{secrets.token_hex(6)}"


class Database:
    """The SQLite file at ``path`` (created with its folder when missing), brought to
    :data:`SCHEMA_VERSION`; what every part of the store reads and writes through.

    Each thread has its own connection: :meth:`_db` for reading, :meth:`_write` for one transaction.

    Raises:
        StoreError: the file is not a Tolka store, or a newer Tolka wrote it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._migrate()

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so concurrent writers queue instead of failing)."""
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    def _migrate(self) -> None:
        try:
            with self._write() as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(
                        f"{self.path}: the store has schema version {version}, newer than this Tolka's "
                        f"{SCHEMA_VERSION}: upgrade Tolka, or give another --data-dir"
                    )
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in MIGRATIONS[step]:
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{self.path}: not a Tolka store ({exc})") from None

    @property
    def schema_version(self) -> int:
        """The schema version of the store on disk."""
        return int(self._db().execute("PRAGMA user_version").fetchone()[0])

    def integrity(self) -> str:
        """SQLite's own integrity check (``ok`` when the file is sound) plus foreign-key check."""
        db = self._db()
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        return str(result) if not broken else f"{result}; foreign keys broken: {broken[:5]}"
