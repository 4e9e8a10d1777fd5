"""Compiling a stored alignment into a translator, for ``POST /translators`` and for requests that ask
for other message formats than the stored translator file's (field addresses depend on the format)."""

from __future__ import annotations

from services.gateway.store import Store
from translator.compiler import CompileResult, compile_alignment
from translator.graphfile import graph_from_dict
from translator.rules import MessageFormat, Side

__all__ = ["compile_stored"]


def compile_stored(
    store: Store, alignment_id: str, source_format: str, target_format: str, *, accepted_only: bool = False
) -> CompileResult:
    """Compile alignment ``alignment_id`` of ``store`` between the given message formats.

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
        source_side=Side(models[0].name, MessageFormat(source_format)),
        target_side=Side(models[1].name, MessageFormat(target_format)),
        accepted_only=accepted_only,
    )
