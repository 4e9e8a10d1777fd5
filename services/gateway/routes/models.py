"""``/models``: upload a model (anything ``tolka inspect`` loads), list, summarise, page its graph, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from services.gateway.loading import Upload, load_upload, safe_name
from services.gateway.schemas import Created, GraphPage, ModelPublic
from services.gateway.state import Gateway, gateway
from translator.errors import InputTooLargeError
from translator.graphfile import graph_to_dict

__all__ = ["router"]

router = APIRouter(prefix="/models", tags=["models"])
State = Annotated[Gateway, Depends(gateway)]


async def _read(upload: UploadFile, limit: int) -> Upload:
    content = await upload.read(limit + 1)
    name = safe_name(upload.filename or "upload")
    if len(content) > limit:
        raise InputTooLargeError(source=name, size=upload.size or len(content), limit=limit)
    return Upload(name, content)


@router.post("", status_code=201, response_model=Created)
async def upload_model(
    state: State,
    file: Annotated[
        UploadFile, File(description="the model: NodeSet2 XML, OWL/RDF, JSON Schema or sample messages")
    ],
    required: Annotated[
        list[UploadFile] | None, File(description="required models (the NodeSet2 files it builds on)")
    ] = None,
) -> Created:
    """Load a model the way ``tolka inspect`` does and keep it with its graph; 201 with its id."""
    limit = state.settings.max_upload_bytes
    main = await _read(file, limit)
    others = [await _read(r, limit) for r in required or ()]
    loaded = await run_in_threadpool(load_upload, main, others, limit)
    graph = graph_to_dict(loaded.graph)
    files = [("main", main.filename, main.content)] + [("required", r.filename, r.content) for r in others]
    record = await run_in_threadpool(
        lambda: state.store.add_model(
            name=loaded.graph.name, filename=main.filename, format=loaded.format, graph=graph, files=files
        )
    )
    return Created(id=record.id)


@router.get("", response_model=list[ModelPublic])
def list_models(state: State) -> list[ModelPublic]:
    """Every stored model, oldest first."""
    return [ModelPublic.of(m) for m in state.store.list_models()]


@router.get("/{model_id}", response_model=ModelPublic)
def get_model(state: State, model_id: str) -> ModelPublic:
    """A model's summary."""
    return ModelPublic.of(state.store.get_model(model_id))


@router.get("/{model_id}/graph", response_model=GraphPage)
def get_graph(
    state: State,
    model_id: str,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> GraphPage:
    """A page of the model's nodes and edges (each list sliced by ``offset``/``limit``; sorted by id)."""
    document = state.store.model_graph(model_id)
    nodes, edges = document["nodes"], document["edges"]
    return GraphPage(
        id=model_id,
        name=document.get("name", ""),
        total_nodes=len(nodes),
        total_edges=len(edges),
        offset=offset,
        limit=limit,
        nodes=nodes[offset : offset + limit],
        edges=edges[offset : offset + limit],
    )


@router.delete("/{model_id}", status_code=204)
def delete_model(state: State, model_id: str) -> Response:
    """Delete a model (409 while an alignment uses it)."""
    state.store.delete_model(model_id)
    return Response(status_code=204)
