"""Live previews of an alignment under review: its current decisions compiled and applied to one message.

The review page asks for a sample message of the source model (:func:`sample`) and translates it with
the alignment as it stands (:func:`preview`): accepted and proposed correspondences, never rejected
ones, compiled by :func:`translator.translation.compiler.compile_alignment` afresh on every call (a
decision may have changed it a moment ago). Nothing is stored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.compiling import compile_stored, stored_format
from services.gateway.store import Store
from translator.alignment.model import Status
from translator.graph.file import graph_from_dict
from translator.translation.compiled import Translator
from translator.translation.samples import sample_message
from translator.translation.spec import MessageFormat, spec_to_dict

__all__ = ["Format", "PreviewPublic", "PreviewRequest", "preview", "sample"]

Format = Literal["json", "senml", "opcua-pubsub-json"]


class PreviewRequest(BaseModel):
    """A message to translate with the alignment's current decisions."""

    model_config = ConfigDict(extra="forbid")

    message: Any = Field(description="one message in the source format (an object, or a SenML pack)")
    source_format: Format | None = Field(default=None, description="default: what the source model implies")
    target_format: Format | None = Field(default=None, description="default: what the target model implies")


class PreviewPublic(BaseModel):
    """The translated message, the rules that made it and the compiler's notes."""

    message: Any = Field(description="the translated message")
    rules: list[dict[str, Any]] = Field(description="the compiled rules, as in a translator file")
    notes: list[str] = Field(description="what the compiler left out, and why")
    correspondences: int = Field(description="correspondences compiled (accepted and proposed)")


def preview(store: Store, alignment_id: str, request: PreviewRequest) -> PreviewPublic:
    """Translate ``request.message`` with alignment ``alignment_id`` as reviewed so far.

    Raises:
        NotFoundError: no such alignment.
        IncompatibleFieldsError: a pair no transform can join (names both fields).
        MessageError: the message cannot be translated (names the field).
    """
    result = compile_stored(store, alignment_id, request.source_format, request.target_format)
    out = Translator(result.spec).translate(request.message)
    compiled = store.alignment(alignment_id).correspondences
    return PreviewPublic(
        message=out,
        rules=spec_to_dict(result.spec)["rules"],
        notes=list(result.notes),
        correspondences=sum(1 for c in compiled if c.status is not Status.REJECTED),
    )


def sample(store: Store, alignment_id: str, source_format: Format | None) -> Any:
    """A sample message of the alignment's source model in ``source_format`` (every value field;
    default: the format the model implies)."""
    record = store.get_alignment(alignment_id)
    graph = graph_from_dict(store.model_graph(record.source), source=record.source)
    chosen = source_format or stored_format(store, store.get_model(record.source))
    return sample_message(graph, MessageFormat(chosen))
