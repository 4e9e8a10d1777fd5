"""Request and response bodies of the gateway (pydantic at the service boundary only).

The routes convert explicitly between these and the store's records (CONVENTIONS.md 5).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.records import (
    AlignmentRecord,
    JobRecord,
    ModelRecord,
    ReviewRecord,
    StoredCorrespondence,
    TranslatorRecord,
)
from translator.alignment import Status

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


class Created(BaseModel):
    """The id of what was created."""

    id: str


class ModelPublic(BaseModel):
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

    @classmethod
    def of(cls, record: ModelRecord) -> ModelPublic:
        return cls(
            id=record.id,
            name=record.name,
            filename=record.filename,
            format=record.format,
            created=record.created,
            size=record.size,
            nodes=record.nodes,
            own_nodes=record.own_nodes,
            edges=record.edges,
            required=list(record.required),
        )


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
        c = stored.correspondence
        return cls(
            id=stored.cid,
            subject_id=c.subject_id,
            object_id=c.object_id,
            predicate=c.predicate,
            confidence=c.confidence,
            justification=c.justification,
            status=c.status,
            subject_label=c.subject_label,
            object_label=c.object_label,
            subject_kind=c.subject_kind,
            object_kind=c.object_kind,
            comment=c.comment,
        )


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


class ReviewPublic(BaseModel):
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

    @classmethod
    def of(cls, record: ReviewRecord) -> ReviewPublic:
        return cls(
            id=record.id,
            cid=record.cid,
            who=record.who,
            at=record.at,
            action=record.action,
            status_before=record.status_before,
            status_after=record.status_after,
            object_before=record.object_before,
            object_after=record.object_after,
            comment=record.comment,
        )


class JobPublic(BaseModel):
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

    @classmethod
    def of(cls, record: JobRecord) -> JobPublic:
        return cls(
            id=record.id,
            kind=record.kind,
            state=record.state.value,
            progress=record.progress,
            stage=record.stage,
            message=record.message,
            created=record.created,
            updated=record.updated,
            alignment=record.alignment,
        )


class TranslatorCreate(_Body):
    """Compile an alignment into a translator."""

    alignment: str
    source_format: Literal["json", "senml", "opcua-pubsub-json"] = "opcua-pubsub-json"
    target_format: Literal["json", "senml", "opcua-pubsub-json"] = "json"
    accepted_only: bool = Field(default=False, description="use accepted correspondences only")


class TranslatorPublic(BaseModel):
    """A translator: its id, its alignment, the compiler's notes and the translator file."""

    id: str
    alignment: str
    created: str
    notes: list[str]
    document: dict[str, Any] = Field(description="the translator file (see the README, 'Translator files')")

    @classmethod
    def of(cls, record: TranslatorRecord) -> TranslatorPublic:
        return cls(
            id=record.id,
            alignment=record.alignment,
            created=record.created,
            notes=list(record.notes),
            document=dict(record.document),
        )
