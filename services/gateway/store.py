"""The gateway's store: SQLite in the data folder, WAL mode, schema versioned, every change one transaction.

What it keeps: models (the uploaded files and the loaded graph), alignments with their correspondences
and the review history of each (who, when, what changed), translators and jobs. A change either
happens whole or not at all — a write interrupted by SIGKILL leaves the store as before that write —
and restarting the service keeps everything.

The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` brings an older store up to
:data:`SCHEMA_VERSION` when it opens, and a store written by a newer Tolka is refused.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "tolka.db")
    >>> store.list_models()
    []
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from services.gateway.provenance import with_provenance
from services.gateway.records import (
    AlignmentRecord,
    JobRecord,
    JobState,
    ModelRecord,
    ReviewRecord,
    StoredCorrespondence,
    TranslatorRecord,
)
from translator.alignment.model import Alignment, Correspondence, Status
from translator.errors import TolkaError
from translator.translation.values import iso_millis

__all__ = ["SCHEMA_VERSION", "ConflictError", "NotFoundError", "Store", "StoreError"]

SCHEMA_VERSION = 1

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
}
"""Statements that take a store from version ``n - 1`` to ``n``."""

_CORRESPONDENCE_COLUMNS = (
    "subject_id, object_id, predicate, confidence, justification, status, subject_label, "
    "object_label, subject_kind, object_kind, comment"
)


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


class Store:
    """The SQLite store at ``path`` (created with its folder when missing).

    Each thread has its own connection; every method is one transaction.

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

    # connections and transactions ------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
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

    # models ------------------------------------------------------------------------------------

    def add_model(
        self,
        *,
        name: str,
        filename: str,
        format: str,
        graph: dict[str, Any],
        files: Sequence[tuple[str, str, bytes]],
    ) -> ModelRecord:
        """Keep a loaded model: ``graph`` (a graph-file document) and ``files`` as ``(role, filename,
        content)``, role ``main`` for the first and ``required`` for the others."""
        model_id = new_id("m")
        own = sum(1 for n in graph["nodes"] if n.get("own", True))
        with self._write() as db:
            db.execute(
                "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    model_id,
                    name,
                    filename,
                    format,
                    now(),
                    len(files[0][2]),
                    len(graph["nodes"]),
                    own,
                    len(graph["edges"]),
                    orjson.dumps(graph),
                ),
            )
            db.executemany(
                "INSERT INTO model_files VALUES (?, ?, ?, ?, ?)",
                [(model_id, k, role, fname, content) for k, (role, fname, content) in enumerate(files)],
            )
        return self.get_model(model_id)

    def _model(self, row: tuple[Any, ...], required: tuple[str, ...]) -> ModelRecord:
        model_id, name, filename, format_name, created, size, nodes, own, edges = row
        return ModelRecord(model_id, name, filename, format_name, created, size, nodes, own, edges, required)

    def list_models(self) -> list[ModelRecord]:
        """Every model, oldest first."""
        db = self._db()
        required: dict[str, list[str]] = {}
        for model, fname in db.execute(
            "SELECT model, filename FROM model_files WHERE role = 'required' ORDER BY model, position"
        ):
            required.setdefault(model, []).append(fname)
        rows = db.execute(
            "SELECT id, name, filename, format, created, size, nodes, own_nodes, edges FROM models "
            "ORDER BY created, rowid"
        ).fetchall()
        return [self._model(row, tuple(required.get(row[0], ()))) for row in rows]

    def get_model(self, model_id: str) -> ModelRecord:
        """The model ``model_id``.

        Raises:
            NotFoundError: no such model.
        """
        db = self._db()
        row = db.execute(
            "SELECT id, name, filename, format, created, size, nodes, own_nodes, edges FROM models "
            "WHERE id = ?",
            (model_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError("model", model_id)
        required = tuple(
            r[0]
            for r in db.execute(
                "SELECT filename FROM model_files WHERE model = ? AND role = 'required' ORDER BY position",
                (model_id,),
            )
        )
        return self._model(row, required)

    def model_graph(self, model_id: str) -> dict[str, Any]:
        """The graph-file document of a model (see :mod:`translator.graph.file`)."""
        row = self._db().execute("SELECT graph FROM models WHERE id = ?", (model_id,)).fetchone()
        if row is None:
            raise NotFoundError("model", model_id)
        document: dict[str, Any] = orjson.loads(row[0])
        return document

    def model_files(self, model_id: str) -> list[tuple[str, bytes]]:
        """A model's uploaded files as ``(role, content)``, the main file first."""
        self.get_model(model_id)
        rows = self._db().execute(
            "SELECT role, content FROM model_files WHERE model = ? ORDER BY position", (model_id,)
        )
        return [(role, bytes(content)) for role, content in rows]

    def delete_model(self, model_id: str) -> None:
        """Delete a model and its files.

        Raises:
            NotFoundError: no such model.
            ConflictError: an alignment uses it (names them).
        """
        with self._write() as db:
            if db.execute("SELECT 1 FROM models WHERE id = ?", (model_id,)).fetchone() is None:
                raise NotFoundError("model", model_id)
            users = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM alignments WHERE source = ? OR target = ? ORDER BY id",
                    (model_id, model_id),
                )
            ]
            if users:
                raise ConflictError(
                    f"model {model_id!r} is used by alignment(s) {', '.join(users)}: delete those first"
                )
            db.execute("DELETE FROM models WHERE id = ?", (model_id,))

    # alignments --------------------------------------------------------------------------------

    def create_alignment(
        self,
        *,
        source: str,
        target: str,
        origin: str,
        method: str = "",
        seeds: str = "",
        job_kind: str | None = None,
        correspondences: Sequence[Correspondence] = (),
    ) -> tuple[AlignmentRecord, JobRecord | None]:
        """A new alignment between two stored models, with a queued job to fill it when ``job_kind``
        is given, and with ``correspondences`` (an import) — all in one transaction.

        Raises:
            NotFoundError: a model (or the seeds alignment) that does not exist.
        """
        alignment_id = new_id("a")
        job = None
        stamp = now()
        with self._write() as db:
            for model in (source, target):
                if db.execute("SELECT 1 FROM models WHERE id = ?", (model,)).fetchone() is None:
                    raise NotFoundError("model", model)
            if seeds and db.execute("SELECT 1 FROM alignments WHERE id = ?", (seeds,)).fetchone() is None:
                raise NotFoundError("alignment", seeds)
            if job_kind is not None:
                job = JobRecord(
                    new_id("j"), job_kind, JobState.QUEUED, 0.0, "queued", "", stamp, stamp, alignment_id
                )
            db.execute(
                "INSERT INTO alignments (id, source, target, origin, method, created, job, seeds) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (alignment_id, source, target, origin, method, stamp, job.id if job else "", seeds),
            )
            if job is not None:
                db.execute(
                    "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (job.id, job.kind, job.state.value, 0.0, job.stage, "", stamp, stamp, alignment_id),
                )
            self._insert_correspondences(db, alignment_id, correspondences)
        return self.get_alignment(alignment_id), job

    @staticmethod
    def _insert_correspondences(
        db: sqlite3.Connection, alignment_id: str, correspondences: Sequence[Correspondence]
    ) -> None:
        """Append correspondences with fresh cids (a cid is never reused, even after a re-match)."""
        start = db.execute("SELECT next_cid FROM alignments WHERE id = ?", (alignment_id,)).fetchone()[0]
        db.execute(
            "UPDATE alignments SET next_cid = ? WHERE id = ?", (start + len(correspondences), alignment_id)
        )
        db.executemany(
            f"INSERT INTO correspondences (alignment, cid, {_CORRESPONDENCE_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    alignment_id,
                    start + k,
                    c.subject_id,
                    c.object_id,
                    c.predicate,
                    float(c.confidence),
                    c.justification,
                    c.status.value,
                    c.subject_label,
                    c.object_label,
                    c.subject_kind,
                    c.object_kind,
                    c.comment,
                )
                for k, c in enumerate(correspondences)
            ],
        )

    def replace_correspondences(self, alignment_id: str, correspondences: Sequence[Correspondence]) -> None:
        """Put a match's result into an alignment, keeping every reviewed correspondence as reviewed:
        an accepted or rejected pair keeps its cid and decision, the rest is replaced."""
        with self._write() as db:
            self._require_alignment(db, alignment_id)
            kept = {
                (row[0], row[1])
                for row in db.execute(
                    "SELECT subject_id, object_id FROM correspondences WHERE alignment = ? AND status != ?",
                    (alignment_id, Status.PROPOSED.value),
                )
            }
            db.execute(
                "DELETE FROM correspondences WHERE alignment = ? AND status = ?",
                (alignment_id, Status.PROPOSED.value),
            )
            fresh = [c for c in correspondences if c.pair not in kept]
            self._insert_correspondences(db, alignment_id, fresh)

    @staticmethod
    def _require_alignment(db: sqlite3.Connection, alignment_id: str) -> tuple[Any, ...]:
        row = db.execute(
            "SELECT id, source, target, origin, method, created, job, seeds, "
            "(SELECT COUNT(*) FROM correspondences WHERE alignment = alignments.id) "
            "FROM alignments WHERE id = ?",
            (alignment_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError("alignment", alignment_id)
        return tuple(row)

    def get_alignment(self, alignment_id: str) -> AlignmentRecord:
        """The alignment ``alignment_id`` (without its correspondences)."""
        return AlignmentRecord(*self._require_alignment(self._db(), alignment_id))

    def list_alignments(self) -> list[AlignmentRecord]:
        """Every alignment, oldest first."""
        rows = self._db().execute(
            "SELECT id, source, target, origin, method, created, job, seeds, "
            "(SELECT COUNT(*) FROM correspondences WHERE alignment = alignments.id) "
            "FROM alignments ORDER BY created, rowid"
        )
        return [AlignmentRecord(*row) for row in rows]

    def correspondences(
        self,
        alignment_id: str,
        *,
        status: Status | None = None,
        min_confidence: float = 0.0,
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[StoredCorrespondence], int]:
        """A page of an alignment's correspondences (in cid order) and how many match the filters."""
        db = self._db()
        self._require_alignment(db, alignment_id)
        where = "alignment = ? AND confidence >= ?"
        params: list[Any] = [alignment_id, min_confidence]
        if status is not None:
            where += " AND status = ?"
            params.append(status.value)
        total = db.execute(f"SELECT COUNT(*) FROM correspondences WHERE {where}", params).fetchone()[0]
        rows = db.execute(
            f"SELECT cid, {_CORRESPONDENCE_COLUMNS} FROM correspondences WHERE {where} ORDER BY cid "
            "LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        ).fetchall()
        return [_stored(row) for row in rows], int(total)

    def alignment(self, alignment_id: str) -> Alignment:
        """The whole alignment as Tolka's `Alignment` (source and target: the models' names), with
        who proposed and reviewed each correspondence and when (`services.gateway.provenance`)."""
        record = self.get_alignment(alignment_id)
        names = (self.get_model(record.source).name, self.get_model(record.target).name)
        stored, _ = self.correspondences(alignment_id)
        pairs = [(s.cid, s.correspondence) for s in stored]
        return with_provenance(record, names, pairs, self.reviews(alignment_id))

    def review(
        self,
        alignment_id: str,
        cid: int,
        *,
        who: str,
        status: Status | None = None,
        object_id: str | None = None,
        object_label: str = "",
        object_kind: str = "",
        comment: str | None = None,
    ) -> StoredCorrespondence:
        """Accept, reject or retarget one correspondence and record the decision, in one transaction.

        A retarget (``object_id``) replaces the object and, unless ``status`` says otherwise, accepts
        the new pair: the reviewer chose it.

        Raises:
            NotFoundError: no such alignment or correspondence.
        """
        with self._write() as db:
            self._require_alignment(db, alignment_id)
            row = db.execute(
                f"SELECT cid, {_CORRESPONDENCE_COLUMNS} FROM correspondences WHERE alignment = ? AND cid = ?",
                (alignment_id, cid),
            ).fetchone()
            if row is None:
                raise NotFoundError("correspondence", f"{alignment_id}/{cid}")
            before = _stored(row).correspondence
            changes: dict[str, Any] = {}
            if object_id is not None and object_id != before.object_id:
                changes |= {"object_id": object_id, "object_label": object_label, "object_kind": object_kind}
                changes["justification"] = "semapv:ManualMappingCuration"
                changes["confidence"] = 1.0
                status = status or Status.ACCEPTED
            if status is not None:
                changes["status"] = status
            if comment is not None:
                changes["comment"] = comment
            after = before.replace(**changes)
            action = "retarget" if "object_id" in changes else (status.value if status else "comment")
            db.execute(
                "UPDATE correspondences SET object_id = ?, object_label = ?, object_kind = ?, status = ?, "
                "justification = ?, confidence = ?, comment = ? WHERE alignment = ? AND cid = ?",
                (
                    after.object_id,
                    after.object_label,
                    after.object_kind,
                    after.status.value,
                    after.justification,
                    after.confidence,
                    after.comment,
                    alignment_id,
                    cid,
                ),
            )
            db.execute(
                "INSERT INTO reviews (alignment, cid, who, at, action, status_before, status_after, "
                "object_before, object_after, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    alignment_id,
                    cid,
                    who,
                    now(),
                    action,
                    before.status.value,
                    after.status.value,
                    before.object_id,
                    after.object_id,
                    comment or "",
                ),
            )
        return StoredCorrespondence(cid, after)

    def reviews(self, alignment_id: str, cid: int | None = None) -> list[ReviewRecord]:
        """The review history of an alignment (or of one correspondence), oldest first."""
        db = self._db()
        self._require_alignment(db, alignment_id)
        query = "SELECT * FROM reviews WHERE alignment = ?"
        params: list[Any] = [alignment_id]
        if cid is not None:
            query += " AND cid = ?"
            params.append(cid)
        return [ReviewRecord(*row) for row in db.execute(query + " ORDER BY id", params)]

    # translators -------------------------------------------------------------------------------

    def add_translator(
        self,
        alignment_id: str,
        document: dict[str, Any],
        notes: Sequence[str],
        *,
        accepted_only: bool = False,
    ) -> TranslatorRecord:
        """Keep a compiled translator file made from ``alignment_id`` (with its accepted pairs only, or
        with every pair not rejected)."""
        translator_id = new_id("t")
        with self._write() as db:
            self._require_alignment(db, alignment_id)
            db.execute(
                "INSERT INTO translators VALUES (?, ?, ?, ?, ?, ?)",
                (
                    translator_id,
                    alignment_id,
                    now(),
                    orjson.dumps(document),
                    orjson.dumps(list(notes)),
                    int(accepted_only),
                ),
            )
        return self.get_translator(translator_id)

    def get_translator(self, translator_id: str) -> TranslatorRecord:
        """The translator ``translator_id``."""
        row = (
            self._db()
            .execute(
                "SELECT id, alignment, created, document, notes, accepted_only FROM translators WHERE id = ?",
                (translator_id,),
            )
            .fetchone()
        )
        if row is None:
            raise NotFoundError("translator", translator_id)
        return TranslatorRecord(
            row[0], row[1], row[2], orjson.loads(row[3]), tuple(orjson.loads(row[4])), bool(row[5])
        )

    def list_translators(self) -> list[TranslatorRecord]:
        """Every translator, oldest first."""
        rows = self._db().execute("SELECT id FROM translators ORDER BY created, rowid").fetchall()
        return [self.get_translator(row[0]) for row in rows]

    # jobs --------------------------------------------------------------------------------------

    def get_job(self, job_id: str) -> JobRecord:
        """The job ``job_id``."""
        row = self._db().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFoundError("job", job_id)
        return _job(row)

    def list_jobs(self, state: JobState | None = None) -> list[JobRecord]:
        """Every job (or those in ``state``), oldest first."""
        if state is None:
            rows = self._db().execute("SELECT * FROM jobs ORDER BY created, rowid")
        else:
            rows = self._db().execute(
                "SELECT * FROM jobs WHERE state = ? ORDER BY created, rowid", (state.value,)
            )
        return [_job(row) for row in rows]

    def create_job(self, kind: str, alignment_id: str) -> JobRecord:
        """A queued job working on ``alignment_id`` (which becomes the alignment's job)."""
        job_id, stamp = new_id("j"), now()
        with self._write() as db:
            self._require_alignment(db, alignment_id)
            db.execute(
                "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, JobState.QUEUED.value, 0.0, "queued", "", stamp, stamp, alignment_id),
            )
            db.execute("UPDATE alignments SET job = ? WHERE id = ?", (job_id, alignment_id))
        return self.get_job(job_id)

    def update_job(
        self,
        job_id: str,
        *,
        state: JobState | None = None,
        progress: float | None = None,
        stage: str | None = None,
        message: str | None = None,
    ) -> None:
        """Record how far a job got."""
        with self._write() as db:
            row = db.execute(
                "SELECT state, progress, stage, message FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError("job", job_id)
            db.execute(
                "UPDATE jobs SET state = ?, progress = ?, stage = ?, message = ?, updated = ? WHERE id = ?",
                (
                    (state or JobState(row[0])).value,
                    row[1] if progress is None else min(max(progress, 0.0), 1.0),
                    row[2] if stage is None else stage,
                    row[3] if message is None else message,
                    now(),
                    job_id,
                ),
            )

    def fail_unfinished_jobs(self, message: str) -> list[str]:
        """Mark every queued or running job failed (a restart interrupted them); their ids."""
        with self._write() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM jobs WHERE state IN (?, ?) ORDER BY id",
                    (JobState.QUEUED.value, JobState.RUNNING.value),
                )
            ]
            db.executemany(
                "UPDATE jobs SET state = ?, message = ?, updated = ? WHERE id = ?",
                [(JobState.FAILED.value, message, now(), job_id) for job_id in ids],
            )
        return ids

    def integrity(self) -> str:
        """SQLite's own integrity check (``ok`` when the file is sound) plus foreign-key check."""
        db = self._db()
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        return str(result) if not broken else f"{result}; foreign keys broken: {broken[:5]}"


def _stored(row: tuple[Any, ...] | sqlite3.Row) -> StoredCorrespondence:
    cid, subject, obj, predicate, confidence, justification, status, sl, ol, sk, ok, comment = row
    return StoredCorrespondence(
        cid,
        Correspondence(
            subject, obj, predicate, confidence, justification, Status(status), sl, ol, sk, ok, comment
        ),
    )


def _job(row: tuple[Any, ...] | sqlite3.Row) -> JobRecord:
    job_id, kind, state, progress, stage, message, created, updated, alignment = row
    return JobRecord(job_id, kind, JobState(state), progress, stage, message, created, updated, alignment)
