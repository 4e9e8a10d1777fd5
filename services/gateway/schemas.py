"""Request and response bodies of the gateway (pydantic at the service boundary only).

A response about a stored resource is its record (:mod:`services.gateway.records`) as the API shows
it: a pydantic dataclass subclassing the record, declaring no field of its own but what a page adds.
The routes convert explicitly with ``Public.of(record)`` (CONVENTIONS.md 5).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from services.gateway.records import (
    AlignmentRecord,
    JobRecord,
    ModelRecord,
    ReviewRecord,
    StoredCorrespondence,
    TranslatorRecord,
)
from translator.alignment.model import Status

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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


class _Public:
    """What the response forms of records share: :meth:`of`."""

    @classmethod
    def of(cls, record: DataclassInstance, **page: Any) -> Self:
        """The API's form of ``record`` (with the fields ``page`` adds, for a page of it)."""
        values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
        return cls(**values, **page)


class Created(BaseModel):
    """The id of what was created."""

    id: str


@pydantic_dataclass(frozen=True)
class ModelPublic(_Public, ModelRecord):
    """A stored model's summary."""


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


@pydantic_dataclass(frozen=True)
class AlignmentPublic(_Public, AlignmentRecord):
    """An alignment and a page of its correspondences (``total``: how many match the filters)."""

    total: int
    offset: int
    limit: int | None
    correspondences: list[CorrespondencePublic]

    @classmethod
    def page(
        cls,
        record: AlignmentRecord,
        stored: list[StoredCorrespondence],
        total: int,
        offset: int,
        limit: int | None,
    ) -> AlignmentPublic:
        """The alignment ``record`` with a page of its correspondences."""
        correspondences = [CorrespondencePublic.of(s) for s in stored]
        return cls.of(record, total=total, offset=offset, limit=limit, correspondences=correspondences)


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


@pydantic_dataclass(frozen=True)
class ReviewPublic(_Public, ReviewRecord):
    """One recorded review decision."""


@pydantic_dataclass(frozen=True)
class JobPublic(_Public, JobRecord):
    """How far a job got."""


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


@pydantic_dataclass(frozen=True)
class TranslatorPublic(_Public, TranslatorRecord):
    """A translator: its id, its alignment, the compiler's notes and the translator file."""
