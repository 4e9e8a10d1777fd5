"""Choosing one label among texts in several locales, and escaping path segments."""

from __future__ import annotations

from collections.abc import Sequence

from translator.graph.model import LocalText

__all__ = ["choose_text", "escape_segment", "local_name"]


def choose_text(texts: Sequence[LocalText], language: str) -> str:
    """The text in ``language`` (exact, then a regional variant), else the unlocalised one, else the first.

    >>> choose_text([("de", "Pumpe"), ("en-US", "Pump")], "en")
    'Pump'
    """
    if not texts:
        return ""
    lang = language.lower()
    regional = None
    plain = None
    for locale, text in texts:
        loc = locale.lower()
        if loc == lang:
            return text
        if regional is None and loc.startswith(lang + "-"):
            regional = text
        if plain is None and not loc:
            plain = text
    if regional is not None:
        return regional
    if plain is not None:
        return plain
    return texts[0][1]


def escape_segment(name: str) -> str:
    """Escape one path segment as RFC 6901 does (``~`` → ``~0``, ``/`` → ``~1``)."""
    return name.replace("~", "~0").replace("/", "~1")


def local_name(iri: str) -> str:
    """The local part of an IRI: after the last ``#``, else after the last ``/`` or ``:``.

    >>> local_name("http://cmt#Author"), local_name("http://www.w3.org/ns/sosa/Sensor")
    ('Author', 'Sensor')
    """
    _, hashed, fragment = iri.rpartition("#")
    if hashed and fragment:
        return fragment
    stripped = iri.rstrip("/#")
    for sep in ("/", ":"):
        _, found, tail = stripped.rpartition(sep)
        if found and tail:
            return tail
    return iri
