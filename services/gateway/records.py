"""What the gateway's store holds, one frozen dataclass per resource, each field declared once.

The store builds these records from its rows; the API's response models
(:mod:`services.gateway.schemas`) are the same records as pydantic reads them, so a field's
description and bounds live here, in the ``Field`` of its annotation. A field marked
``Field(exclude=True)`` is the store's own: the API neither shows nor documents it.

Ids are short random strings with a letter saying what they name: ``m-`` models, ``a-`` alignments,
``t-`` translators, ``j-`` jobs, ``p-`` proxies. A correspondence is named by its alignment and its
``cid``, its position in the alignment as matched (it keeps it through review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from translator.alignment.model import Correspondence

__all__ = [
    "AlignmentRecord",
    "JobRecord",
    "JobState",
    "ModelRecord",
    "ProxyDesired",
    "ProxyRecord",
    "ReviewRecord",
    "StoredCorrespondence",
    "TranslatorRecord",
]


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """An uploaded model: its files are kept as uploaded, its graph as loaded.

    Attributes:
        id: the model's id.
        name: the graph's name (a namespace URI, an ontology IRI, a file name).
        filename: the uploaded file's name, as the client gave it (never used as a path).
        format: the adapter format that read it (``nodeset``, ``rdf``, ``jsonschema``, ...).
        created: when it was uploaded (ISO 8601 UTC).
        nodes: nodes in the graph (with imported ones).
        edges: edges in the graph.
    """

    id: str
    name: str
    filename: str
    format: str
    created: str
    size: Annotated[int, Field(description="bytes of the uploaded main file")]
    nodes: int
    own_nodes: Annotated[
        int, Field(description="the model's own (matchable) nodes; the rest come from required models")
    ]
    edges: int
    required: Annotated[
        tuple[str, ...], Field(description="file names of the required models uploaded with it")
    ]


@dataclass(frozen=True, slots=True)
class AlignmentRecord:
    """An alignment between two stored models.

    Attributes:
        origin: ``match`` (a job matched it), ``import`` (uploaded) or ``retrain``.
        method: the matching method asked for (``lexical``, ``gnn``, ``auto``; ``""`` for imports).
        job: the job that fills it, ``""`` for imports.
        seeds: the alignment whose decisions seeded the match, ``""`` for none.
        size: how many correspondences it holds (the API says so in a page's ``total``).
    """

    id: str
    source: str
    target: str
    origin: str
    method: str
    created: str
    job: str
    seeds: str
    size: Annotated[int, Field(exclude=True)]


@dataclass(frozen=True, slots=True)
class StoredCorrespondence:
    """A correspondence with its id within its alignment."""

    cid: int
    correspondence: Correspondence


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One review decision: who did what to which correspondence, when, and what it changed (the API
    reads it per alignment, so it leaves ``alignment`` out)."""

    id: int
    alignment: Annotated[str, Field(exclude=True)]
    cid: int
    who: str
    at: str
    action: str
    status_before: str
    status_after: str
    object_before: str
    object_after: str
    comment: str


@dataclass(frozen=True, slots=True)
class TranslatorRecord:
    """A compiled translator: the compiler's notes, the translator file (a JSON document), and whether
    it was compiled from the accepted correspondences only (the store's to know: recompiling for other
    message formats keeps to it)."""

    id: str
    alignment: str
    created: str
    notes: tuple[str, ...]
    document: Annotated[
        dict[str, object], Field(description="the translator file (see docs/translator-file.md)")
    ]
    accepted_only: Annotated[bool, Field(exclude=True)]


class JobState(StrEnum):
    """Where a job stands."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JobRecord:
    """A long piece of work (matching) and how far it got.

    Attributes:
        progress: 0..1.
        stage: what it is doing (``loading``, ``candidates``, ``scoring``, ...).
        message: a human sentence: the result when done, the error when failed.
        alignment: the alignment it works on.
    """

    id: str
    kind: str
    state: JobState
    progress: Annotated[float, Field(ge=0.0, le=1.0)]
    stage: str
    message: str
    created: str
    updated: str
    alignment: str


class ProxyDesired(StrEnum):
    """What a proxy should do: run, or stop (``DELETE`` asked; its supervisor stops it and forgets it)."""

    RUNNING = "running"
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class ProxyRecord:
    """A proxy started through the gateway: what it does, what it should do, what its supervisor saw.

    Attributes:
        config: the proxy's whole definition (:func:`services.gateway.proxies.config_to_dict`),
            passwords included: the supervisor needs them to connect after a restart. Never shown, never
            printed.
        desired: ``running`` or ``stopped``.
        created: when it was asked for. started: when its supervisor last started it (``created`` until
            then).
        state: ``starting`` (stored, no supervisor has started it yet), then the proxy's own
            (``connecting``, ``connected``, ``disconnected``), ``failed`` (``error`` says why; the
            supervisor tries again), ``stopping`` once asked to stop, ``stopped`` while no supervisor
            runs it (the service stopped; it starts again with the service).
        counters: the proxy's counters as its supervisor last wrote them (``received``, ``translated``,
            ...; :class:`services.proxy.counters.Counters`).
        supervisor: the process that runs it (``host:pid:nonce``), ``""`` for none.
        updated: when the supervisor last wrote state and counters.
    """

    id: str
    translator: str
    source: str
    serve: str
    write_to: str
    config: dict[str, Any] = field(repr=False)
    desired: ProxyDesired
    created: str
    started: str
    state: str
    error: str
    counters: dict[str, Any]
    supervisor: str
    updated: str
