"""Matching jobs: run in worker threads, their progress and result written to the store as they go.

A job is queued in the same transaction that creates its alignment, so a job id always names a
stored job. The runner loads both graphs from the store, calls
:func:`translator.matching.matcher.match` with a progress callback (written to the store at most every
few percent), and puts the result into the alignment, keeping every reviewed decision
(:meth:`Store.replace_correspondences`). A job that fails says why in its ``message``; jobs a restart
interrupted are marked failed when the service starts.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from services.gateway.metrics import Metrics
from services.gateway.records import JobState
from services.gateway.store import Store
from translator.alignment.model import Alignment, Status
from translator.errors import TolkaError
from translator.graph.file import graph_from_dict
from translator.matching.options import MatchOptions

__all__ = ["INTERRUPTED", "JobRunner", "MatchJob"]

log = logging.getLogger("tolka.gateway.jobs")

INTERRUPTED = "interrupted: the service stopped while the job ran; start it again"


@dataclass(frozen=True, slots=True)
class MatchJob:
    """What a matching job does: match the alignment's two models with ``method`` into it.

    Attributes:
        seeds: an alignment whose decisions guide the match ("" for none).
        only_decisions: use only the seeds' accepted and rejected pairs (review decisions); else every
            pair not rejected counts as accepted (an imported, curated alignment).
    """

    job: str
    alignment: str
    method: str
    seeds: str = ""
    only_decisions: bool = True


class JobRunner:
    """Runs jobs on ``threads`` worker threads of this process."""

    def __init__(self, store: Store, threads: int = 1, metrics: Metrics | None = None) -> None:
        self.store = store
        self.metrics = metrics
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tolka-job")

    def submit(self, job: MatchJob) -> None:
        """Queue ``job`` (already stored as queued)."""
        self._pool.submit(self._run, job)

    def shutdown(self) -> None:
        """Stop taking jobs; running ones finish, queued ones are dropped (and marked at the next start)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: MatchJob) -> None:
        state = self._work(job)
        if self.metrics is not None:
            self.metrics.jobs.labels(self.store.get_job(job.job).kind, state.value).inc()

    def _work(self, job: MatchJob) -> JobState:
        store = self.store
        last: dict[str, Any] = {"progress": -1.0, "stage": ""}

        def progress(stage: str, share: float) -> None:
            overall = 0.1 + 0.85 * share  # loading takes the first tenth, saving the last
            if stage != last["stage"] or overall - last["progress"] >= 0.05:
                last.update(progress=overall, stage=stage)
                store.update_job(job.job, progress=overall, stage=stage)

        # here, not at the top: `tolka serve` imports this module (INTERRUPTED) before its workers start
        from translator.matching.matcher import match

        try:
            store.update_job(job.job, state=JobState.RUNNING, progress=0.02, stage="loading")
            record = store.get_alignment(job.alignment)
            source = graph_from_dict(store.model_graph(record.source), source=record.source)
            target = graph_from_dict(store.model_graph(record.target), source=record.target)
            seeds = self._seeds(job) if job.seeds else None
            result = match(source, target, MatchOptions(method=job.method), seeds=seeds, progress=progress)
            store.update_job(job.job, progress=0.96, stage="saving")
            store.replace_correspondences(job.alignment, result.correspondences)
            kept = store.correspondences(job.alignment)[1]
            store.update_job(
                job.job,
                state=JobState.DONE,
                progress=1.0,
                stage="done",
                message=f"{len(result.correspondences)} correspondences proposed; the alignment holds {kept}",
            )
            return JobState.DONE
        except TolkaError as exc:
            store.update_job(job.job, state=JobState.FAILED, stage="failed", message=str(exc))
        except Exception as exc:  # a bug: keep the service up, say so in the job, log the traceback
            log.exception("job %s failed", job.job)
            store.update_job(
                job.job,
                state=JobState.FAILED,
                stage="failed",
                message=f"internal error: {type(exc).__name__}: {exc}",
            )
        return JobState.FAILED

    def _seeds(self, job: MatchJob) -> Alignment:
        seeds = self.store.alignment(job.seeds)
        if job.only_decisions:
            seeds.correspondences = [c for c in seeds.correspondences if c.status is not Status.PROPOSED]
        return seeds
