"""Logs of the long-running commands (``tolka serve``, ``proxy``, ``bridge``), as text or as JSON lines.

``--log-format text`` (the default) keeps the lines people read: ``tolka: <message>``.
``--log-format json`` writes one JSON object per line, for a log shipper (journald, Loki, Fluent Bit,
Elasticsearch): ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``component`` (``serve``,
``proxy``, ``bridge``, …), ``event`` (the message), ``logger``, and the record's own fields, given as
``extra={"fields": {...}}`` or through :func:`log_event` (counters, ids). An exception goes in
``error``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final, TextIO

__all__ = ["LOG_FORMATS", "JsonFormatter", "TextFormatter", "configure_logging", "log_event"]

LOG_FORMATS: Final = ("text", "json")

_HANDLER_NAME: Final = "tolka"


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``component`` names the command that logs."""

    def __init__(self, component: str) -> None:
        super().__init__()
        self.component = component

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry: dict[str, Any] = {
            "time": stamp.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "component": self.component,
            "event": record.getMessage(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            for key, value in fields.items():
                entry.setdefault(str(key), value)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``tolka: <message>``, the record's fields appended as ``key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"tolka: {record.getMessage()}"
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping) and fields:
            text += " (" + ", ".join(f"{k}={v}" for k, v in fields.items()) + ")"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def configure_logging(
    log_format: str, component: str, *, level: int = logging.WARNING, stream: TextIO | None = None
) -> logging.Handler:
    """Send the root logger's records at ``level`` and above to standard error in ``log_format``.

    Calling it again replaces the handler it installed before (not anyone else's).

    Raises:
        ValueError: ``log_format`` is neither ``text`` nor ``json``.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format {log_format!r}: use one of {', '.join(LOG_FORMATS)}")
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter(component) if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def log_event(logger: logging.Logger, event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``event`` with ``fields`` kept as fields (their own keys in JSON, ``k=v`` in text)."""
    logger.log(level, event, extra={"fields": fields})
