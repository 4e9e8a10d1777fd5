"""The gateway's store: SQLite in the data folder, WAL mode, schema versioned, every change one transaction.

What it keeps: models (the uploaded files and the loaded graph), alignments with their correspondences
and the review history of each (who, when, what changed), translators, jobs, the proxies started
through the gateway (what each does and should do, and its last status) and the leases that say which
process supervises them. A change either happens whole or not at all — a write interrupted by SIGKILL
leaves the store as before that write — and restarting the service keeps everything.

:class:`Store` is the one entry point. It is made of one part per resource, each with its own SQL:
:mod:`~services.gateway.store.models`, :mod:`~services.gateway.store.alignments` (with the
correspondences and the reviews), :mod:`~services.gateway.store.translators`,
:mod:`~services.gateway.store.jobs`, :mod:`~services.gateway.store.proxies` and
:mod:`~services.gateway.store.leases`, all over one :class:`~services.gateway.store.db.Database` (the
file, its schema and migrations, connections and transactions). What they hold are the records of
:mod:`services.gateway.records`.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "tolka.db")
    >>> store.list_models()
    []
"""

from __future__ import annotations

from services.gateway.store.alignments import AlignmentStore
from services.gateway.store.db import SCHEMA_VERSION, ConflictError, NotFoundError, StoreError, new_id, now
from services.gateway.store.jobs import JobStore
from services.gateway.store.leases import LeaseStore
from services.gateway.store.models import ModelStore
from services.gateway.store.proxies import PROXY_LEASE, ProxyStatus, ProxyStore
from services.gateway.store.translators import TranslatorStore

__all__ = [
    "PROXY_LEASE",
    "SCHEMA_VERSION",
    "ConflictError",
    "NotFoundError",
    "ProxyStatus",
    "Store",
    "StoreError",
    "new_id",
    "now",
]


class Store(ModelStore, AlignmentStore, TranslatorStore, JobStore, ProxyStore, LeaseStore):
    """The SQLite store at ``path`` (created with its folder when missing).

    Each thread has its own connection; every method is one transaction.

    Raises:
        StoreError: the file is not a Tolka store, or a newer Tolka wrote it.
    """
