"""Compiling a stored alignment into a translator, for ``POST /translators`` and for requests that ask
for other message formats than the stored translator file's (field addresses depend on the format)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from services.gateway.loading import safe_name
from services.gateway.records import ModelRecord
from services.gateway.store import Store
from translator.graph.file import graph_from_dict
from translator.translation.compiler import CompileResult, compile_alignment
from translator.translation.spec import MessageFormat, Side

__all__ = ["compile_stored", "stored_format"]


_FORMATS: dict[str, str] = {}
"""Stored models' message formats by model id (a stored model never changes; the preview asks often)."""


def stored_format(store: Store, model: ModelRecord) -> str:
    """The message format a stored model implies (`adapters.registry.message_format`, read from its
    uploaded main file)."""
    from adapters.registry import message_format

    if model.format not in ("samples", "jsonschema"):
        return message_format([], kind=model.format)
    if model.id not in _FORMATS:
        with tempfile.TemporaryDirectory(prefix="tolka-format-") as folder:
            _, content = store.model_files(model.id)[0]
            path = Path(folder) / safe_name(model.filename)
            path.write_bytes(content)
            _FORMATS[model.id] = message_format(path, kind=model.format)
    return _FORMATS[model.id]


def compile_stored(
    store: Store,
    alignment_id: str,
    source_format: str | None,
    target_format: str | None,
    *,
    accepted_only: bool = False,
) -> CompileResult:
    """Compile alignment ``alignment_id`` of ``store`` between the given message formats (None: the
    format the side's model implies, as ``tolka compile`` decides it).

    Raises:
        NotFoundError: no such alignment.
        IncompatibleFieldsError: a pair no transform can join (names both fields).
    """
    record = store.get_alignment(alignment_id)
    models = [store.get_model(m) for m in (record.source, record.target)]
    graphs = [graph_from_dict(store.model_graph(m.id), source=m.id) for m in models]
    return compile_alignment(
        store.alignment(alignment_id),
        graphs[0],
        graphs[1],
        source_side=Side(models[0].name, MessageFormat(source_format or stored_format(store, models[0]))),
        target_side=Side(models[1].name, MessageFormat(target_format or stored_format(store, models[1]))),
        accepted_only=accepted_only,
    )
