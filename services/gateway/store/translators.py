"""The store's translators: compiled translator files, each with the alignment it was compiled from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from services.gateway.records import TranslatorRecord
from services.gateway.store.alignments import require_alignment
from services.gateway.store.db import Database, NotFoundError, new_id, now

__all__ = ["TranslatorStore"]


class TranslatorStore(Database):
    """Translators: add and read (they never change once stored)."""

    def add_translator(
        self,
        alignment_id: str,
        document: dict[str, Any],
        notes: Sequence[str],
        *,
        accepted_only: bool = False,
    ) -> TranslatorRecord:
        """Keep a compiled translator file made from ``alignment_id`` (with its accepted pairs only, or
        with every pair not rejected)."""
        translator_id = new_id("t")
        with self._write() as db:
            require_alignment(db, alignment_id)
            db.execute(
                "INSERT INTO translators VALUES (?, ?, ?, ?, ?, ?)",
                (
                    translator_id,
                    alignment_id,
                    now(),
                    orjson.dumps(document),
                    orjson.dumps(list(notes)),
                    int(accepted_only),
                ),
            )
        return self.get_translator(translator_id)

    def get_translator(self, translator_id: str) -> TranslatorRecord:
        """The translator ``translator_id``."""
        row = (
            self._db()
            .execute(
                "SELECT id, alignment, created, notes, document, accepted_only FROM translators WHERE id = ?",
                (translator_id,),
            )
            .fetchone()
        )
        if row is None:
            raise NotFoundError("translator", translator_id)
        translator_id, alignment, created, notes, document, accepted_only = row
        return TranslatorRecord(
            translator_id,
            alignment,
            created,
            tuple(orjson.loads(notes)),
            orjson.loads(document),
            bool(accepted_only),
        )

    def list_translators(self) -> list[TranslatorRecord]:
        """Every translator, oldest first."""
        rows = self._db().execute("SELECT id FROM translators ORDER BY created, rowid").fetchall()
        return [self.get_translator(row[0]) for row in rows]
