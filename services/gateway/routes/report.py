"""``/alignments/{alignment_id}/report``: the visual report of a stored alignment (HTML).

The same self-contained page as ``tolka match --report`` (:mod:`services.report`): the mapping table
with the current review decisions, a heatmap of the best candidates (the matcher run again for the
two stored models, ranked) and the confidence histogram. The review page links to it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from services.gateway.state import Gateway, gateway
from services.gateway.store import Store
from translator.graph.file import graph_from_dict
from translator.matching.matcher import MatchOptions

__all__ = ["router"]

router = APIRouter(prefix="/alignments", tags=["alignments"])
State = Annotated[Gateway, Depends(gateway)]


def render_stored(store: Store, alignment_id: str) -> str:
    """The report page of stored alignment ``alignment_id``.

    Raises:
        NotFoundError: no such alignment (or one of its models is gone).
    """
    from services.report import ranked_candidates, render_report

    record = store.get_alignment(alignment_id)
    source, target = (graph_from_dict(store.model_graph(m), source=m) for m in (record.source, record.target))
    alignment = store.alignment(alignment_id)
    candidates = ranked_candidates(alignment, source, target, MatchOptions(method="auto"))
    return render_report(
        alignment=alignment,
        source_graph=source,
        target_graph=target,
        candidates=candidates,
        details=[("alignment", record.id), ("origin", record.origin)],
    )


@router.get("/{alignment_id}/report", response_class=HTMLResponse)
async def alignment_report(state: State, alignment_id: str) -> Response:
    """The visual report of an alignment: mapping table, candidate heatmap, confidence histogram."""
    from services.report import CONTENT_SECURITY_POLICY

    html = await run_in_threadpool(render_stored, state.store, alignment_id)
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return HTMLResponse(html, headers=headers)
