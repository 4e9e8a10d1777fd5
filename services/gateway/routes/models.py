"""``/models``: upload a model (anything ``tolka inspect`` loads), list, summarise, page its graph, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from adapters.opcua.security import AUTO, ClientSecurity, SecurityError
from services.gateway.loading import Upload, load_upload, safe_name
from services.gateway.schemas import Created, GraphPage, ModelPublic
from services.gateway.state import Gateway, gateway
from translator.errors import InputError, InputTooLargeError
from translator.graph.file import graph_to_dict

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
    request: Request,
    file: Annotated[
        UploadFile | None,
        File(description="the model: NodeSet2 XML, OWL/RDF, JSON Schema or sample messages"),
    ] = None,
    required: Annotated[
        list[UploadFile] | None, File(description="required models (the NodeSet2 files it builds on)")
    ] = None,
    endpoint: Annotated[
        str | None, Form(description="instead of a file: a live OPC UA server, opc.tcp://host:port[/path]")
    ] = None,
    source_security: Annotated[
        str,
        Form(description="the live server's security: auto (its most secure endpoint), None, POLICY-MODE"),
    ] = AUTO,
    source_user: Annotated[str, Form(description="the user to log in to the live server as")] = "",
    source_password: Annotated[str, Form(description="its password")] = "",
) -> Created:
    """Keep a model and its graph; 201 with its id. Upload a file (multipart ``file``, with repeated
    ``required`` files) and it is loaded as ``tolka inspect`` loads it; or give a live server as the
    ``endpoint`` form field or a JSON body ``{"endpoint": "opc.tcp://..."}`` and it is browsed, over its
    most secure endpoint or ``source_security``, as ``source_user`` (with ``source_password``) or
    anonymously; its certificate must be trusted in the gateway's PKI (DATA_DIR/pki: an unknown one
    is refused and copied to rejected/, to trust with ``tolka pki trust``)."""
    if (
        file is None
        and endpoint is None
        and request.headers.get("content-type", "").startswith("application/json")
    ):
        body = await request.json()
        body = body if isinstance(body, dict) else {}
        endpoint = body.get("endpoint")
        source_security = str(body.get("source_security", AUTO))
        source_user = str(body.get("source_user", ""))
        source_password = str(body.get("source_password", ""))
    if (file is None) == (endpoint is None):
        raise InputError("give either a file (multipart field 'file') or an endpoint", source="request body")
    if endpoint is not None:
        try:
            security = ClientSecurity.parse(
                source_security,
                username=source_user,
                password=source_password,
                pki=state.settings.data_dir / "pki",
            )
        except SecurityError as exc:
            raise InputError(str(exc), source="request body") from None
        return await _browse(state, endpoint, security)
    assert file is not None
    return await _load(state, file, required or [])


async def _load(state: Gateway, file: UploadFile, required: list[UploadFile]) -> Created:
    """Load an uploaded model file as ``tolka inspect`` does, with its required files, and keep it."""
    limit = state.settings.max_upload_bytes
    main = await _read(file, limit)
    others = [await _read(r, limit) for r in required]
    loaded = await run_in_threadpool(load_upload, main, others, limit)
    graph = graph_to_dict(loaded.graph)
    files = [("main", main.filename, main.content)] + [("required", r.filename, r.content) for r in others]
    record = await run_in_threadpool(
        lambda: state.store.add_model(
            name=loaded.graph.name, filename=main.filename, format=loaded.format, graph=graph, files=files
        )
    )
    return Created(id=record.id)


async def _browse(state: Gateway, endpoint: str, security: ClientSecurity) -> Created:
    """Browse a live server into a stored model (format ``opcua-live``; no file is kept)."""
    from adapters.opcua.endpoint import LiveOptions, is_endpoint
    from adapters.opcua.live import browse_endpoint

    if not is_endpoint(endpoint):
        raise InputError(f"not an OPC UA endpoint: {endpoint!r} (expected opc.tcp://host:port[/path])")
    live = await browse_endpoint(endpoint, LiveOptions(security=security))
    graph = graph_to_dict(live.graph)
    record = await run_in_threadpool(
        lambda: state.store.add_model(
            name=live.graph.name,
            filename=endpoint,
            format="opcua-live",
            graph=graph,
            files=[("main", endpoint, b"")],
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
