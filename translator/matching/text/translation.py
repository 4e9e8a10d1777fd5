"""Labels in other languages rendered in English, for cross-lingual matching: the FreeDict
dictionary of each language (:mod:`translator.matching.text.freedict`), opened on first use.

A node labelled ``Konferenzbeitrag``@de gets the variants ``conference contribution``, ...; the
matcher then compares them with English names as it compares any name. Languages without an
installed dictionary (and English itself) give nothing.
"""

from __future__ import annotations

from pathlib import Path

from translator.matching.text.freedict import Dictionary, open_dictionary

__all__ = ["PHRASES", "LabelTranslations"]

PHRASES = 4
"""English renderings kept per label (the most probable first)."""


class LabelTranslations:
    """``translations(lang, text)``: English phrases for a label in ``lang`` (a BCP 47 tag such as
    ``de`` or ``de-AT``), from the dictionaries in ``directory`` (default: FreeDict's own search)."""

    def __init__(self, directory: str | Path | None = None, *, phrases: int = PHRASES) -> None:
        self._directory = directory
        self._phrases = phrases
        self._open: dict[str, Dictionary | None] = {}
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def __call__(self, lang: str, text: str) -> tuple[str, ...]:
        base = lang.lower().split("-")[0]
        if not base or base == "en":
            return ()
        key = (base, text)
        if key not in self._cache:
            if base not in self._open:
                self._open[base] = open_dictionary(base, self._directory)
            dictionary = self._open[base]
            self._cache[key] = dictionary.phrases(text, self._phrases) if dictionary else ()
        return self._cache[key]
