"""The store's models: the uploaded files as uploaded, the loaded graph as a graph-file document."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import orjson

from services.gateway.records import ModelRecord
from services.gateway.store.db import ConflictError, Database, NotFoundError, new_id, now

__all__ = ["ModelStore", "require_model"]

_COLUMNS = "id, name, filename, format, created, size, nodes, own_nodes, edges"
"""The columns of a :class:`ModelRecord` (its required files come from ``model_files``)."""


def _record(row: tuple[Any, ...], required: tuple[str, ...]) -> ModelRecord:
    model_id, name, filename, format_name, created, size, nodes, own, edges = row
    return ModelRecord(model_id, name, filename, format_name, created, size, nodes, own, edges, required)


def require_model(db: sqlite3.Connection, model_id: str) -> ModelRecord:
    """The model ``model_id`` read on connection ``db``.

    Raises:
        NotFoundError: no such model.
    """
    row = db.execute(f"SELECT {_COLUMNS} FROM models WHERE id = ?", (model_id,)).fetchone()
    if row is None:
        raise NotFoundError("model", model_id)
    required = tuple(
        r[0]
        for r in db.execute(
            "SELECT filename FROM model_files WHERE model = ? AND role = 'required' ORDER BY position",
            (model_id,),
        )
    )
    return _record(row, required)


class ModelStore(Database):
    """Models: add, list, read (summary, graph, files) and delete."""

    def add_model(
        self,
        *,
        name: str,
        filename: str,
        format: str,
        graph: dict[str, Any],
        files: Sequence[tuple[str, str, bytes]],
    ) -> ModelRecord:
        """Keep a loaded model: ``graph`` (a graph-file document) and ``files`` as ``(role, filename,
        content)``, role ``main`` for the first and ``required`` for the others."""
        model_id = new_id("m")
        own = sum(1 for n in graph["nodes"] if n.get("own", True))
        with self._write() as db:
            db.execute(
                "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    model_id,
                    name,
                    filename,
                    format,
                    now(),
                    len(files[0][2]),
                    len(graph["nodes"]),
                    own,
                    len(graph["edges"]),
                    orjson.dumps(graph),
                ),
            )
            db.executemany(
                "INSERT INTO model_files VALUES (?, ?, ?, ?, ?)",
                [(model_id, k, role, fname, content) for k, (role, fname, content) in enumerate(files)],
            )
        return self.get_model(model_id)

    def list_models(self) -> list[ModelRecord]:
        """Every model, oldest first."""
        db = self._db()
        required: dict[str, list[str]] = {}
        for model, fname in db.execute(
            "SELECT model, filename FROM model_files WHERE role = 'required' ORDER BY model, position"
        ):
            required.setdefault(model, []).append(fname)
        rows = db.execute(f"SELECT {_COLUMNS} FROM models ORDER BY created, rowid").fetchall()
        return [_record(row, tuple(required.get(row[0], ()))) for row in rows]

    def get_model(self, model_id: str) -> ModelRecord:
        """The model ``model_id``.

        Raises:
            NotFoundError: no such model.
        """
        return require_model(self._db(), model_id)

    def model_graph(self, model_id: str) -> dict[str, Any]:
        """The graph-file document of a model (see :mod:`translator.graph.file`)."""
        row = self._db().execute("SELECT graph FROM models WHERE id = ?", (model_id,)).fetchone()
        if row is None:
            raise NotFoundError("model", model_id)
        document: dict[str, Any] = orjson.loads(row[0])
        return document

    def model_files(self, model_id: str) -> list[tuple[str, bytes]]:
        """A model's uploaded files as ``(role, content)``, the main file first."""
        self.get_model(model_id)
        rows = self._db().execute(
            "SELECT role, content FROM model_files WHERE model = ? ORDER BY position", (model_id,)
        )
        return [(role, bytes(content)) for role, content in rows]

    def delete_model(self, model_id: str) -> None:
        """Delete a model and its files.

        Raises:
            NotFoundError: no such model.
            ConflictError: an alignment uses it (names them).
        """
        with self._write() as db:
            if db.execute("SELECT 1 FROM models WHERE id = ?", (model_id,)).fetchone() is None:
                raise NotFoundError("model", model_id)
            users = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM alignments WHERE source = ? OR target = ? ORDER BY id",
                    (model_id, model_id),
                )
            ]
            if users:
                raise ConflictError(
                    f"model {model_id!r} is used by alignment(s) {', '.join(users)}: delete those first"
                )
            db.execute("DELETE FROM models WHERE id = ?", (model_id,))
