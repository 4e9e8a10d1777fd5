"""``/alignments``: matching jobs, correspondences, exports, imports, review and retraining."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from services.gateway.jobs import MatchJob
from services.gateway.records import JobState
from services.gateway.routes.models import _read
from services.gateway.schemas import (
    AlignmentCreate,
    AlignmentPublic,
    AlignmentStarted,
    CorrespondencePublic,
    Created,
    ReviewPublic,
    ReviewRequest,
)
from services.gateway.state import Gateway, gateway
from services.gateway.store import ConflictError
from translator.alignment.formats import alignment_format
from translator.alignment.model import Alignment, Status
from translator.alignment.rdf import format_alignment_rdf, parse_alignment_rdf
from translator.alignment.sssom_read import parse_sssom
from translator.alignment.sssom_write import format_sssom
from translator.errors import InputError, ModelContentError, ParseError

__all__ = ["router"]

router = APIRouter(prefix="/alignments", tags=["alignments"])
State = Annotated[Gateway, Depends(gateway)]
_ROWS = 2**63 - 1
"""The largest number SQLite stores: correspondence numbers and offsets past it are refused (422)."""


def _start(state: Gateway, alignment: str, method: str, seeds: str) -> str:
    """Queue a matching job on ``alignment``; its id."""
    store = state.store
    only_decisions = not seeds or store.get_alignment(seeds).origin != "import"
    job_id = store.get_alignment(alignment).job
    state.runner.submit(MatchJob(job_id, alignment, method, seeds, only_decisions))
    return job_id


@router.post("", status_code=202, response_model=AlignmentStarted)
def create_alignment(state: State, body: AlignmentCreate) -> AlignmentStarted:
    """Match two stored models in a job: 202 with the job (poll ``GET /jobs/{id}``) and the alignment."""
    record, job = state.store.create_alignment(
        source=body.source,
        target=body.target,
        origin="match",
        method=body.method,
        seeds=body.seeds or "",
        job_kind="match",
    )
    assert job is not None
    _start(state, record.id, body.method, body.seeds or "")
    return AlignmentStarted(job=job.id, alignment=record.id)


@router.get("", response_model=list[AlignmentPublic])
def list_alignments(state: State) -> list[AlignmentPublic]:
    """Every alignment, without correspondences (``total`` says how many each holds)."""
    return [AlignmentPublic.page(a, [], a.size, 0, 0) for a in state.store.list_alignments()]


@router.get("/{alignment_id}", response_model=AlignmentPublic)
def get_alignment(
    state: State,
    alignment_id: str,
    status: Status | None = None,
    min_confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    offset: Annotated[int, Query(ge=0, le=_ROWS)] = 0,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> AlignmentPublic:
    """An alignment and its correspondences, filtered by status and lowest confidence, paged."""
    record = state.store.get_alignment(alignment_id)
    page, total = state.store.correspondences(
        alignment_id, status=status, min_confidence=min_confidence, offset=offset, limit=limit
    )
    return AlignmentPublic.page(record, page, total, offset, limit)


_Rejected = Annotated[
    Literal["keep", "omit"] | None,
    Query(
        description="rejected correspondences: keep (SSSOM: negated, predicate_modifier Not; RDF: marked "
        "tolka:status rejected) or omit; default keep for SSSOM, omit for RDF, which cannot say 'not'"
    ),
]


def _exported(state: Gateway, request: Request, alignment_id: str) -> Alignment:
    """The stored alignment with its provenance, named by the IRI it is served at."""
    alignment = state.store.alignment(alignment_id)
    alignment.mapping_set_id = str(request.url_for("get_alignment", alignment_id=alignment_id))
    return alignment


@router.get("/{alignment_id}/sssom", response_class=Response)
def export_sssom(state: State, request: Request, alignment_id: str, rejected: _Rejected = None) -> Response:
    """The alignment as SSSOM TSV: ids as CURIEs, reviewers and dates, rejected pairs negated."""
    text = format_sssom(_exported(state, request, alignment_id), rejected=rejected or "keep")
    return Response(
        text, media_type="text/tab-separated-values; charset=utf-8", headers=_attachment(alignment_id, "tsv")
    )


@router.get("/{alignment_id}/rdf", response_class=Response)
def export_rdf(state: State, request: Request, alignment_id: str, rejected: _Rejected = None) -> Response:
    """The alignment as Alignment API RDF/XML (the OAEI format), rejected pairs left out by default."""
    data = format_alignment_rdf(_exported(state, request, alignment_id), rejected=rejected or "omit")
    return Response(data, media_type="application/rdf+xml", headers=_attachment(alignment_id, "rdf"))


def _attachment(alignment_id: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{alignment_id}.{suffix}"'}


def _parse(name: str, data: bytes) -> Alignment:
    """An uploaded alignment file (SSSOM TSV or Alignment RDF/XML, told apart as ``tolka`` does)."""
    if alignment_format(Path(name), data) == "rdf":  # the name only gives the suffix
        return parse_alignment_rdf(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError("not UTF-8 text", source=name, line=data.count(b"\n", 0, exc.start) + 1) from None
    return parse_sssom(text, name)


@router.post("/import", status_code=201, response_model=Created)
async def import_alignment(
    state: State,
    file: Annotated[UploadFile, File(description="SSSOM TSV or Alignment API RDF/XML")],
    source: Annotated[str, Form(description="id of the source model")],
    target: Annotated[str, Form(description="id of the target model")],
) -> Created:
    """Keep an alignment made elsewhere (or by ``tolka match``) between two stored models."""
    upload = await _read(file, state.settings.max_upload_bytes)
    if not upload.content:
        raise InputError("the file is empty", source=upload.filename)
    parsed = await run_in_threadpool(_parse, upload.filename, upload.content)
    record, _ = await run_in_threadpool(
        lambda: state.store.create_alignment(
            source=source, target=target, origin="import", correspondences=parsed.correspondences
        )
    )
    return Created(id=record.id)


@router.patch("/{alignment_id}/correspondences/{cid}", response_model=CorrespondencePublic)
def review(
    state: State, alignment_id: str, cid: Annotated[int, PathParam(ge=0, le=_ROWS)], body: ReviewRequest
) -> CorrespondencePublic:
    """Accept, reject or retarget a correspondence (``object_id``: another node of the target model,
    which accepts the new pair unless ``status`` says otherwise); the decision is kept in its history."""
    if body.status is None and body.object_id is None and body.comment is None:
        raise InputError("nothing to change: give status, object_id or comment", source="request body")
    label = kind = ""
    if body.object_id is not None:
        target = state.store.get_alignment(alignment_id).target
        nodes = {n["id"]: n for n in state.store.model_graph(target)["nodes"]}
        node = nodes.get(body.object_id)
        if node is None:
            raise ModelContentError(
                f"object_id {body.object_id!r} is not a node of the target model {target}",
                source="request body",
            )
        label, kind = node.get("label", "") or node["name"], node["kind"]
    stored = state.store.review(
        alignment_id,
        cid,
        who=body.who or "anonymous",
        status=Status(body.status) if body.status else None,
        object_id=body.object_id,
        object_label=label,
        object_kind=kind,
        comment=body.comment,
    )
    return CorrespondencePublic.of(stored)


@router.get("/{alignment_id}/reviews", response_model=list[ReviewPublic])
def review_history(
    state: State, alignment_id: str, cid: Annotated[int | None, Query(ge=0, le=_ROWS)] = None
) -> list[ReviewPublic]:
    """Every review decision on the alignment (or on correspondence ``cid``), oldest first."""
    return [ReviewPublic.of(r) for r in state.store.reviews(alignment_id, cid)]


@router.post("/{alignment_id}/retrain", status_code=202, response_model=AlignmentStarted)
def retrain(state: State, alignment_id: str) -> AlignmentStarted:
    """Match again with the GNN, fine-tuned on this alignment's decisions (accepted pairs are kept and
    learnt from, rejected ones become negatives); the decisions stay as they are."""
    store = state.store
    current = store.get_alignment(alignment_id)
    if current.job and store.get_job(current.job).state in (JobState.QUEUED, JobState.RUNNING):
        raise ConflictError(f"alignment {alignment_id} already has a job under way ({current.job})")
    job = store.create_job("retrain", alignment_id)
    state.runner.submit(MatchJob(job.id, alignment_id, "gnn", alignment_id, only_decisions=True))
    return AlignmentStarted(job=job.id, alignment=alignment_id)
