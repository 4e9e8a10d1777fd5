"""Dead letters: a message the bridge could not translate, with the error, as JSON.

A dead letter carries the error, the field at fault when known, the topic the message came from,
and the original payload — as text when it is UTF-8, else base64 — so nothing is lost and the message
can be replayed once the translator (or its sender) is fixed::

    {"error": "field /temp: ...", "field": "/temp", "topic": "plant/a", "bridge": "tolka-bridge-1",
     "time": "2026-11-22T13:45:00.123Z", "payload": "{\\"temp\\": \\"hot\\"}"}
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import orjson

from translator.errors import MessageError, TolkaError
from translator.translation.values import iso_millis

__all__ = ["dead_letter", "original_payload"]


def dead_letter(error: TolkaError, payload: bytes, topic: str, bridge: str) -> bytes:
    """The dead letter of ``payload`` (from ``topic``, read by client ``bridge``) that failed: ``error``."""
    letter: dict[str, Any] = {
        "error": str(error),
        "field": error.field if isinstance(error, MessageError) else None,
        "topic": topic,
        "bridge": bridge,
        "time": iso_millis(dt.datetime.now(dt.UTC)),
    }
    try:
        letter["payload"] = payload.decode("utf-8")
    except UnicodeDecodeError:
        letter["payload_base64"] = base64.b64encode(payload).decode("ascii")
    return orjson.dumps(letter)


def original_payload(letter: bytes) -> bytes:
    """The original payload of a dead letter (to replay it)."""
    data = orjson.loads(letter)
    if "payload" in data:
        return str(data["payload"]).encode("utf-8")
    return base64.b64decode(data["payload_base64"])
