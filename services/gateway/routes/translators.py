"""``/translators``: compile an alignment, read the translator file, translate over HTTP and WebSocket.

``POST /translators/{id}/translate`` takes one message or a batch. The message format is the
translator file's source format unless the request says otherwise: ``Content-Type:
application/senml+json`` means SenML, and the ``source_format`` / ``target_format`` query parameters
name any format (``json``, ``senml``, ``opcua-pubsub-json``) — the alignment is then compiled for
those formats. A JSON object is one message; a JSON array is a batch (for a SenML source, where one
message is itself an array, a batch is an array of packs). A batch answers an array in the same order
with ``null`` where a message failed; the ``Tolka-Failed`` header counts the failures and
``Tolka-Errors`` lists the first ten (``index``, ``detail``) as JSON.

``WS /translators/{id}/stream`` translates each incoming message (text or bytes, one JSON message per
frame) and sends the result back in order; a message that fails is answered by
``{"error": {"index": n, "detail": "...", "field": "..."}}`` and the stream goes on.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from services.gateway.compiling import compile_stored
from services.gateway.problems import problem
from services.gateway.schemas import Created, TranslatorCreate, TranslatorPublic
from services.gateway.state import Gateway, gateway
from translator.errors import InputTooLargeError, MessageError
from translator.translation.compiled import Translator
from translator.translation.spec import FORMATS, spec_to_dict

__all__ = ["router"]

router = APIRouter(prefix="/translators", tags=["translators"])
State = Annotated[Gateway, Depends(gateway)]
Format = Annotated[str | None, Query(description=f"one of {', '.join(FORMATS)}")]

_MEDIA = {"senml": "application/senml+json"}


@router.post("", status_code=201, response_model=Created)
def create_translator(state: State, body: TranslatorCreate) -> Created:
    """Compile an alignment (accepted and proposed correspondences, or accepted only) into a translator."""
    result = compile_stored(
        state.store, body.alignment, body.source_format, body.target_format, accepted_only=body.accepted_only
    )
    Translator(result.spec)  # the file must compile before it is kept
    record = state.store.add_translator(
        body.alignment, spec_to_dict(result.spec), result.notes, accepted_only=body.accepted_only
    )
    return Created(id=record.id)


@router.get("", response_model=list[TranslatorPublic])
def list_translators(state: State) -> list[TranslatorPublic]:
    """Every translator with its file and the compiler's notes."""
    return [TranslatorPublic.of(t) for t in state.store.list_translators()]


@router.get("/{translator_id}")
def get_translator(state: State, translator_id: str) -> dict[str, Any]:
    """The translator file (the same document ``tolka compile`` writes)."""
    return dict(state.store.get_translator(translator_id).document)


def _formats(request: Request, source_format: str | None, target_format: str | None) -> tuple[str, str]:
    for name in (source_format, target_format):
        if name and name not in FORMATS:
            raise MessageError(f"unknown message format {name!r}; known formats: {', '.join(FORMATS)}")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not source_format and content_type == _MEDIA["senml"]:
        source_format = "senml"
    return source_format or "", target_format or ""


def _is_batch(body: Any, translator: Translator) -> bool:
    if not isinstance(body, list):
        return False
    if translator.source_codec.name == "senml":  # a pack is a list: a batch is a list of packs
        return bool(body) and all(isinstance(item, list) for item in body)
    return True


@router.post("/{translator_id}/translate", response_class=Response)
async def translate(
    state: State,
    request: Request,
    translator_id: str,
    source_format: Format = None,
    target_format: Format = None,
    reverse: bool = False,
) -> Response:
    """Translate one message (→ the translated message) or a batch (→ an array in the same order)."""
    source, target = _formats(request, source_format, target_format)
    translator = state.translator(translator_id, source, target, reverse)
    limit = state.settings.max_message_bytes
    data = await _body(request, limit)
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MessageError(f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    media = _MEDIA.get(translator.target_codec.name, "application/json")
    metrics = state.metrics
    if not _is_batch(body, translator):
        try:
            out = translator.translate(body)
        except MessageError:
            metrics.failed.labels("http").inc()
            raise
        metrics.translated.labels("http").inc()
        data = orjson.dumps(out)
        if state.mqtt is not None:
            state.mqtt.offer_translation(out, data)  # a key frame (metadata first when it changed)
        return Response(data, media_type=media)
    if len(body) > state.settings.max_batch:
        return problem(
            413,
            f"a batch of {len(body):,} messages is over the limit of {state.settings.max_batch:,}",
            request.url.path,
        )
    batch = (
        await run_in_threadpool(translator.translate_many, body)
        if len(body) > 256
        else translator.translate_many(body)
    )
    metrics.translated.labels("http").inc(len(body) - len(batch.errors))
    if state.mqtt is not None:
        for out in batch.messages:
            if out is not None:
                state.mqtt.offer_translation(out)
    headers = {}
    if batch.errors:
        metrics.failed.labels("http").inc(len(batch.errors))
        headers["Tolka-Failed"] = str(len(batch.errors))
        first = [{"index": k, "detail": str(e)} for k, e in batch.errors[:10]]
        headers["Tolka-Errors"] = orjson.dumps(first).decode("ascii", "replace")
    return Response(orjson.dumps(batch.messages), media_type=media, headers=headers)


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused past ``limit`` bytes without reading all of it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InputTooLargeError(source="request body", size=int(declared), limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise InputTooLargeError(source="request body", size=size, limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.websocket("/{translator_id}/stream")
async def stream(
    websocket: WebSocket,
    translator_id: str,
    source_format: str | None = None,
    target_format: str | None = None,
    reverse: bool = False,
) -> None:
    """Translate every message sent on the socket and send each result back, in order."""
    state: Gateway = websocket.app.state.gateway
    try:
        for name in (source_format, target_format):
            if name and name not in FORMATS:
                raise MessageError(f"unknown message format {name!r}; known formats: {', '.join(FORMATS)}")
        translator = state.translator(translator_id, source_format or "", target_format or "", reverse)
    except Exception as exc:  # no such translator, a bad format: say so and close
        await websocket.close(code=1008, reason=str(exc)[:120])
        return
    await websocket.accept()
    metrics, index = state.metrics, 0
    try:
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            data = frame.get("bytes") or (frame.get("text") or "").encode()
            try:
                translated = translator.translate(orjson.loads(data))
                out = orjson.dumps(translated)
                metrics.translated.labels("websocket").inc()
                if state.mqtt is not None:
                    state.mqtt.offer_translation(translated, out)
            except (MessageError, orjson.JSONDecodeError) as exc:
                metrics.failed.labels("websocket").inc()
                field = getattr(exc, "field", None)
                detail = str(exc) if isinstance(exc, MessageError) else f"not JSON: {exc.msg}"
                out = orjson.dumps({"error": {"index": index, "detail": detail, "field": field}})
            await websocket.send_text(out.decode())
            index += 1
    except WebSocketDisconnect:
        return
