"""The store's jobs: queued with the alignment they fill, their progress as they run, failed on restart."""

from __future__ import annotations

import sqlite3
from typing import Any

from services.gateway.records import JobRecord, JobState
from services.gateway.store.db import Database, NotFoundError, new_id, now

__all__ = ["JobStore", "insert_job"]


def _record(row: tuple[Any, ...] | sqlite3.Row) -> JobRecord:
    job_id, kind, state, progress, stage, message, created, updated, alignment = row
    return JobRecord(job_id, kind, JobState(state), progress, stage, message, created, updated, alignment)


def insert_job(db: sqlite3.Connection, kind: str, alignment_id: str, stamp: str) -> JobRecord:
    """A new queued job working on ``alignment_id``, written in the transaction of ``db``."""
    job = JobRecord(new_id("j"), kind, JobState.QUEUED, 0.0, "queued", "", stamp, stamp, alignment_id)
    db.execute(
        "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (job.id, job.kind, job.state.value, job.progress, job.stage, job.message, stamp, stamp, alignment_id),
    )
    return job


class JobStore(Database):
    """Jobs: create, read, record progress, fail the ones a restart interrupted."""

    def get_job(self, job_id: str) -> JobRecord:
        """The job ``job_id``."""
        row = self._db().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise NotFoundError("job", job_id)
        return _record(row)

    def list_jobs(self, state: JobState | None = None) -> list[JobRecord]:
        """Every job (or those in ``state``), oldest first."""
        if state is None:
            rows = self._db().execute("SELECT * FROM jobs ORDER BY created, rowid")
        else:
            rows = self._db().execute(
                "SELECT * FROM jobs WHERE state = ? ORDER BY created, rowid", (state.value,)
            )
        return [_record(row) for row in rows]

    def create_job(self, kind: str, alignment_id: str) -> JobRecord:
        """A queued job working on ``alignment_id`` (which becomes the alignment's job).

        Raises:
            NotFoundError: no such alignment.
        """
        with self._write() as db:
            job = insert_job(db, kind, alignment_id, now())
            if db.execute("UPDATE alignments SET job = ? WHERE id = ?", (job.id, alignment_id)).rowcount == 0:
                raise NotFoundError("alignment", alignment_id)  # and the transaction drops the job
        return self.get_job(job.id)

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
