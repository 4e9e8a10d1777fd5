"""Request and response bodies of the gateway (pydantic at the service boundary only).

The routes convert explicitly between these and the store's records (CONVENTIONS.md 5).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.records import AlignmentRecord, StoredCorrespondence
from translator.alignment.model import Status

__all__ = [
    "AlignmentCreate",
    "AlignmentPublic",
    "AlignmentStarted",
    "CorrespondencePublic",
    "Created",
    "GraphPage",
    "JobPublic",
    "ModelPublic",
    "ReviewPublic",
    "ReviewRequest",
    "TranslatorCreate",
    "TranslatorPublic",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Record(BaseModel):
    """A response read from a store record's attributes (tuples become lists, enums their values)."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, record: object) -> Self:
        return cls.model_validate(record)


class Created(BaseModel):
    """The id of what was created."""

    id: str


class ModelPublic(_Record):
    """A stored model's summary."""

    id: str
    name: str
    filename: str
    format: str
    created: str
    size: int = Field(description="bytes of the uploaded main file")
    nodes: int
    own_nodes: int = Field(
        description="the model's own (matchable) nodes; the rest come from required models"
    )
    edges: int
    required: list[str] = Field(description="file names of the required models uploaded with it")


class GraphPage(BaseModel):
    """A page of a model's graph: nodes and edges in the graph file's layout (sorted by id)."""

    id: str
    name: str
    total_nodes: int
    total_edges: int
    offset: int
    limit: int
    nodes: list[dict[str, Any]]
    edges: list[list[str]]


Method = Literal["lexical", "structural", "gnn", "auto"]


class AlignmentCreate(_Body):
    """Start matching two stored models."""

    source: str = Field(description="id of the source model")
    target: str = Field(description="id of the target model")
    method: Method = "auto"
    seeds: str | None = Field(
        default=None,
        description="id of an alignment whose decisions guide the match: accepted pairs are kept and "
        "learnt from, rejected ones become negatives (an imported alignment's proposed pairs count "
        "as accepted, as with tolka match --seeds)",
    )


class AlignmentStarted(BaseModel):
    """A matching job was queued."""

    job: str
    alignment: str


class CorrespondencePublic(BaseModel):
    """One correspondence of an alignment; ``id`` is its cid within the alignment."""

    id: int
    subject_id: str
    object_id: str
    predicate: str
    confidence: float
    justification: str
    status: Status
    subject_label: str
    object_label: str
    subject_kind: str
    object_kind: str
    comment: str

    @classmethod
    def of(cls, stored: StoredCorrespondence) -> CorrespondencePublic:
        return cls.model_validate({"id": stored.cid, **dataclasses.asdict(stored.correspondence)})


class AlignmentPublic(BaseModel):
    """An alignment and a page of its correspondences (``total``: how many match the filters)."""

    id: str
    source: str
    target: str
    origin: str
    method: str
    created: str
    job: str
    seeds: str
    total: int
    offset: int
    limit: int | None
    correspondences: list[CorrespondencePublic]

    @classmethod
    def of(
        cls,
        record: AlignmentRecord,
        page: list[StoredCorrespondence],
        total: int,
        offset: int,
        limit: int | None,
    ) -> AlignmentPublic:
        return cls(
            id=record.id,
            source=record.source,
            target=record.target,
            origin=record.origin,
            method=record.method,
            created=record.created,
            job=record.job,
            seeds=record.seeds,
            total=total,
            offset=offset,
            limit=limit,
            correspondences=[CorrespondencePublic.of(s) for s in page],
        )


class ReviewRequest(_Body):
    """A review decision: accept, reject, or retarget to another node of the target model."""

    status: Literal["accepted", "rejected", "proposed"] | None = None
    object_id: str | None = Field(
        default=None, description="retarget: the target-model node to map to instead"
    )
    comment: str | None = None
    who: str | None = Field(
        default=None, description="the reviewer; default: the token's owner or 'anonymous'"
    )


class ReviewPublic(_Record):
    """One recorded review decision."""

    id: int
    cid: int
    who: str
    at: str
    action: str
    status_before: str
    status_after: str
    object_before: str
    object_after: str
    comment: str


class JobPublic(_Record):
    """How far a job got."""

    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0.0, le=1.0)
    stage: str
    message: str
    created: str
    updated: str
    alignment: str


class TranslatorCreate(_Body):
    """Compile an alignment into a translator."""

    alignment: str
    source_format: Literal["json", "senml", "opcua-pubsub-json"] | None = Field(
        default=None, description="default: what the source model implies (OPC UA: PubSub JSON, ...)"
    )
    target_format: Literal["json", "senml", "opcua-pubsub-json"] | None = Field(
        default=None, description="default: what the target model implies"
    )
    accepted_only: bool = Field(default=False, description="use accepted correspondences only")


class TranslatorPublic(_Record):
    """A translator: its id, its alignment, the compiler's notes and the translator file."""

    id: str
    alignment: str
    created: str
    notes: list[str]
    document: dict[str, Any] = Field(description="the translator file (see the README, 'Translator files')")
