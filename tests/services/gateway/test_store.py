"""The gateway's SQLite store: versioned schema, transactions, review history, and SIGKILL mid-write."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from services.gateway.records import JobState
from services.gateway.store import SCHEMA_VERSION, ConflictError, NotFoundError, Store, StoreError
from tests.paths import ROOT
from translator.alignment.model import Correspondence, Status

GRAPH = {
    "format": "tolka-schema-graph",
    "version": 1,
    "name": "m",
    "nodes": [{"id": "x", "kind": "variable", "name": "x"}],
    "edges": [],
}


def model(store: Store, name: str = "m") -> str:
    return store.add_model(
        name=name, filename=f"{name}.xml", format="nodeset", graph=GRAPH, files=[("main", "f", b"x")]
    ).id


def test_a_new_store_has_the_current_schema_and_refuses_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "tolka.db"
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer than this Tolka"):
        Store(path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a Tolka store"):
        Store(junk)


def test_a_failed_change_changes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "tolka.db")
    a, b = model(store, "a"), model(store, "b")
    with pytest.raises(NotFoundError):
        store.create_alignment(source=a, target="m-missing", origin="match", job_kind="match")
    assert store.list_alignments() == []
    assert store.list_jobs() == []
    alignment, _ = store.create_alignment(
        source=a, target=b, origin="import", correspondences=[Correspondence("x", "y")]
    )
    with pytest.raises(ConflictError, match=alignment.id):
        store.delete_model(a)
    assert [m.id for m in store.list_models()] == [a, b]
    with pytest.raises(NotFoundError):
        store.review(alignment.id, 7, who="ana", status=Status.ACCEPTED)
    assert store.reviews(alignment.id) == []


def test_rematching_keeps_reviewed_pairs_and_their_ids(tmp_path: Path) -> None:
    store = Store(tmp_path / "tolka.db")
    a, b = model(store, "a"), model(store, "b")
    first = [Correspondence("s1", "t1"), Correspondence("s2", "t2"), Correspondence("s3", "t3")]
    alignment, job = store.create_alignment(
        source=a, target=b, origin="match", job_kind="match", correspondences=first
    )
    assert job is not None
    assert store.get_job(job.id).state is JobState.QUEUED
    store.review(alignment.id, 0, who="ana", status=Status.ACCEPTED)
    store.review(alignment.id, 1, who="bo", status=Status.REJECTED)
    store.replace_correspondences(
        alignment.id, [Correspondence("s1", "t1"), Correspondence("s2", "t2"), Correspondence("s4", "t4")]
    )
    stored, total = store.correspondences(alignment.id)
    assert total == 3
    assert [(s.cid, s.correspondence.pair, s.correspondence.status) for s in stored] == [
        (0, ("s1", "t1"), Status.ACCEPTED),
        (1, ("s2", "t2"), Status.REJECTED),
        (3, ("s4", "t4"), Status.PROPOSED),
    ]
    assert [r.who for r in store.reviews(alignment.id)] == ["ana", "bo"]


def test_unfinished_jobs_are_failed_at_start(tmp_path: Path) -> None:
    store = Store(tmp_path / "tolka.db")
    a, b = model(store, "a"), model(store, "b")
    _, job = store.create_alignment(source=a, target=b, origin="match", job_kind="match")
    assert job is not None
    store.update_job(job.id, state=JobState.RUNNING, progress=0.5, stage="scoring")
    assert store.fail_unfinished_jobs("interrupted") == [job.id]
    failed = store.get_job(job.id)
    assert failed.state is JobState.FAILED
    assert failed.message == "interrupted"
    assert failed.progress == 0.5


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from services.gateway.store import Store
    from translator.alignment.model import Correspondence, Status

    store = Store(Path(sys.argv[1]))
    graph = {"format": "tolka-schema-graph", "version": 1, "name": "m", "nodes": [], "edges": []}
    a = store.add_model(name="a", filename="a", format="nodeset", graph=graph, files=[("main", "a", b"a")]).id
    b = store.add_model(name="b", filename="b", format="nodeset", graph=graph, files=[("main", "b", b"b")]).id
    batch = [Correspondence(f"s{k}", f"t{k}") for k in range(50)]
    alignment, _ = store.create_alignment(source=a, target=b, origin="match", correspondences=batch)
    print(alignment.id, flush=True)
    n = 0
    while True:
        n += 1
        # a whole re-match: 50 proposed pairs replaced by 50 others in one transaction
        store.replace_correspondences(alignment.id, [Correspondence(f"s{k}", f"t{k}-{n}") for k in range(50)])
        stored, _ = store.correspondences(alignment.id, status=Status.PROPOSED, limit=1)
        status = Status.ACCEPTED if n % 2 else Status.REJECTED
        store.review(alignment.id, stored[0].cid, who=f"w{n}", status=status, comment=f"n={n}")
        store.add_translator(alignment.id, {"n": n, "padding": "x" * 20000}, [f"note {n}"])
    """
)


def test_sigkill_in_the_middle_of_writes_leaves_a_consistent_store(tmp_path: Path) -> None:
    path = tmp_path / "tolka.db"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_ in range(3):  # kill at three different moments
        process = subprocess.Popen(
            [sys.executable, str(script), str(path)], stdout=subprocess.PIPE, env=env, text=True
        )
        assert process.stdout is not None
        alignment = process.stdout.readline().strip()
        time.sleep(0.4 + 0.3 * round_)  # many transactions in flight by now
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL

        store = Store(path)
        assert store.integrity() == "ok"
        stored, _ = store.correspondences(alignment)
        # every re-match happened whole: exactly one proposed pair per subject s0..s49, all from one
        # re-match (a half-applied replace would leave fewer, or pairs of two re-matches)
        proposed = [s.correspondence for s in stored if s.correspondence.status is Status.PROPOSED]
        reviewed = [s for s in stored if s.correspondence.status is not Status.PROPOSED]
        assert sorted(c.subject_id for c in proposed) == sorted({c.subject_id for c in proposed})
        assert len(proposed) in (49, 50)  # 49: killed between a re-match and its review
        assert len({c.object_id.rsplit("-", 1)[-1] for c in proposed}) <= 1
        # every decision is both applied and recorded, or neither
        history = store.reviews(alignment)
        assert len(history) == len(reviewed)
        for record in history:
            applied = next(s for s in stored if s.cid == record.cid).correspondence
            assert applied.status.value == record.status_after
            assert applied.comment == record.comment
        translators = store.list_translators()
        assert all(len(t.document["padding"]) == 20000 for t in translators)  # type: ignore[arg-type]
        store.close()
