"""What the gateway's store holds, as frozen dataclasses (the routes turn them into response models).

Ids are short random strings with a letter saying what they name: ``m-`` models, ``a-`` alignments,
``t-`` translators, ``j-`` jobs. A correspondence is named by its alignment and its ``cid``, its
position in the alignment as matched (it keeps it through review).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from translator.alignment.model import Correspondence

__all__ = [
    "AlignmentRecord",
    "JobRecord",
    "JobState",
    "ModelRecord",
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
        size: bytes of the main file.
        nodes: nodes in the graph (with imported ones); own_nodes: the model's own.
        edges: edges in the graph.
        required: the names of the required model files uploaded with it.
    """

    id: str
    name: str
    filename: str
    format: str
    created: str
    size: int
    nodes: int
    own_nodes: int
    edges: int
    required: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AlignmentRecord:
    """An alignment between two stored models.

    Attributes:
        origin: ``match`` (a job matched it), ``import`` (uploaded) or ``retrain``.
        method: the matching method asked for (``lexical``, ``gnn``, ``auto``; ``""`` for imports).
        job: the job that fills it, ``""`` for imports.
        seeds: the alignment whose decisions seeded the match, ``""`` for none.
    """

    id: str
    source: str
    target: str
    origin: str
    method: str
    created: str
    job: str = ""
    seeds: str = ""
    size: int = 0


@dataclass(frozen=True, slots=True)
class StoredCorrespondence:
    """A correspondence with its id within its alignment."""

    cid: int
    correspondence: Correspondence


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    """One review decision: who did what to which correspondence, when, and what it changed."""

    id: int
    alignment: str
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
    """A compiled translator: the translator file (a JSON document), the compiler's notes, and whether
    it was compiled from the accepted correspondences only."""

    id: str
    alignment: str
    created: str
    document: dict[str, object]
    notes: tuple[str, ...] = ()
    accepted_only: bool = False


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
    """

    id: str
    kind: str
    state: JobState
    progress: float
    stage: str
    message: str
    created: str
    updated: str
    alignment: str = ""
