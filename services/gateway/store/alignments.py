"""The store's alignments: their correspondences (each with a ``cid`` it keeps) and the review history.

A re-match replaces the proposed correspondences and keeps every reviewed one with its cid; a review
decision changes its correspondence and is recorded, in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from services.gateway.provenance import with_provenance
from services.gateway.records import AlignmentRecord, JobRecord, ReviewRecord, StoredCorrespondence
from services.gateway.store.db import Database, NotFoundError, new_id, now
from services.gateway.store.jobs import insert_job
from services.gateway.store.models import require_model
from translator.alignment.model import Alignment, Correspondence, Status

__all__ = ["AlignmentStore", "require_alignment"]

_ALIGNMENT_COLUMNS = (
    "id, source, target, origin, method, created, job, seeds, "
    "(SELECT COUNT(*) FROM correspondences WHERE alignment = alignments.id)"
)
"""The columns of an :class:`AlignmentRecord`, its size counted."""

_CORRESPONDENCE_COLUMNS = (
    "subject_id, object_id, predicate, confidence, justification, status, subject_label, "
    "object_label, subject_kind, object_kind, comment"
)

_REVIEW_COLUMNS = (
    "id, alignment, cid, who, at, action, status_before, status_after, object_before, object_after, comment"
)


def require_alignment(db: sqlite3.Connection, alignment_id: str) -> AlignmentRecord:
    """The alignment ``alignment_id`` read on connection ``db``.

    Raises:
        NotFoundError: no such alignment.
    """
    row = db.execute(f"SELECT {_ALIGNMENT_COLUMNS} FROM alignments WHERE id = ?", (alignment_id,)).fetchone()
    if row is None:
        raise NotFoundError("alignment", alignment_id)
    return AlignmentRecord(*row)


def _stored(row: tuple[Any, ...] | sqlite3.Row) -> StoredCorrespondence:
    cid, subject, obj, predicate, confidence, justification, status, sl, ol, sk, ok, comment = row
    return StoredCorrespondence(
        cid,
        Correspondence(
            subject, obj, predicate, confidence, justification, Status(status), sl, ol, sk, ok, comment
        ),
    )


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


def _decide(
    before: Correspondence,
    status: Status | None,
    object_id: str | None,
    object_label: str,
    object_kind: str,
    comment: str | None,
) -> tuple[Correspondence, str]:
    """A correspondence after a review decision, and the decision's action (``retarget``, the status
    set, or ``comment``)."""
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
    action = "retarget" if "object_id" in changes else (status.value if status else "comment")
    return before.replace(**changes), action


def _record_decision(
    db: sqlite3.Connection,
    alignment_id: str,
    cid: int,
    who: str,
    before: Correspondence,
    after: Correspondence,
    action: str,
    comment: str,
) -> None:
    """Write correspondence ``cid`` as decided (``after``) and the decision's line in the review history."""
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
            comment,
        ),
    )


class AlignmentStore(Database):
    """Alignments: create (with their job, or imported correspondences), read, re-match, review."""

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
                job = insert_job(db, job_kind, alignment_id, stamp)
            db.execute(
                "INSERT INTO alignments (id, source, target, origin, method, created, job, seeds) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (alignment_id, source, target, origin, method, stamp, job.id if job else "", seeds),
            )
            _insert_correspondences(db, alignment_id, correspondences)
        return self.get_alignment(alignment_id), job

    def replace_correspondences(self, alignment_id: str, correspondences: Sequence[Correspondence]) -> None:
        """Put a match's result into an alignment, keeping every reviewed correspondence as reviewed:
        an accepted or rejected pair keeps its cid and decision, the rest is replaced."""
        with self._write() as db:
            require_alignment(db, alignment_id)
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
            _insert_correspondences(db, alignment_id, fresh)

    def get_alignment(self, alignment_id: str) -> AlignmentRecord:
        """The alignment ``alignment_id`` (without its correspondences)."""
        return require_alignment(self._db(), alignment_id)

    def list_alignments(self) -> list[AlignmentRecord]:
        """Every alignment, oldest first."""
        rows = self._db().execute(f"SELECT {_ALIGNMENT_COLUMNS} FROM alignments ORDER BY created, rowid")
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
        require_alignment(db, alignment_id)
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
        db = self._db()
        names = (require_model(db, record.source).name, require_model(db, record.target).name)
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
            require_alignment(db, alignment_id)
            row = db.execute(
                f"SELECT cid, {_CORRESPONDENCE_COLUMNS} FROM correspondences WHERE alignment = ? AND cid = ?",
                (alignment_id, cid),
            ).fetchone()
            if row is None:
                raise NotFoundError("correspondence", f"{alignment_id}/{cid}")
            before = _stored(row).correspondence
            after, action = _decide(before, status, object_id, object_label, object_kind, comment)
            _record_decision(db, alignment_id, cid, who, before, after, action, comment or "")
        return StoredCorrespondence(cid, after)

    def reviews(self, alignment_id: str, cid: int | None = None) -> list[ReviewRecord]:
        """The review history of an alignment (or of one correspondence), oldest first."""
        db = self._db()
        require_alignment(db, alignment_id)
        query = f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE alignment = ?"
        params: list[Any] = [alignment_id]
        if cid is not None:
            query += " AND cid = ?"
            params.append(cid)
        return [ReviewRecord(*row) for row in db.execute(query + " ORDER BY id", params)]
