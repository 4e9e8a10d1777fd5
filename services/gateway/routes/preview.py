"""``/alignments/{id}/preview`` and ``/sample``: translate a message with the decisions made so far.

The review page's live preview: ``GET /alignments/{id}/sample`` gives a message of the source model
with every value field, ``POST /alignments/{id}/preview`` translates one message with the alignment
compiled as it stands (accepted and proposed correspondences; rejected ones never). Nothing is stored;
a translator to keep is made with ``POST /translators``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.gateway.previews import Format, PreviewPublic, PreviewRequest, preview, sample
from services.gateway.state import Gateway, gateway

__all__ = ["router"]

router = APIRouter(prefix="/alignments", tags=["alignments"])
State = Annotated[Gateway, Depends(gateway)]


@router.post("/{alignment_id}/preview", response_model=PreviewPublic)
def preview_alignment(state: State, alignment_id: str, body: PreviewRequest) -> PreviewPublic:
    """Translate one message with the alignment's current decisions (422 naming both fields when a pair
    cannot be compiled, or the field a message lacks)."""
    return preview(state.store, alignment_id, body)


@router.get("/{alignment_id}/sample")
def sample_message(state: State, alignment_id: str, source_format: Format | None = None) -> Any:
    """A message of the source model in ``source_format`` (default: the format the model implies): every
    value field, each with a value from the model (the middle of its range, its first enumeration
    entry, ...)."""
    return sample(state.store, alignment_id, source_format)
