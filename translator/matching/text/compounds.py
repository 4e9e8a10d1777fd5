"""Foreign words onto dictionary headwords: label words, function words, spellings, endings, compounds.

A bilingual dictionary lists base forms (``vollständig``, ``Beitrag``), while ontology labels use
inflected forms (``vollständiger``, ``Beiträgen``), spellings without umlauts (``Zurueckweisung``)
and, in German and Dutch, compounds that no dictionary lists (``Konferenzbeitrag``,
``Beitragszuordnung``). The functions here only propose headwords; the caller's dictionary lookup
decides which exist.

>>> known = {"konferenz", "beitrag", "zuordnung"}.__contains__
>>> split_compound("beitragszuordnung", known)
('beitrag', 'zuordnung')
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["FUNCTION_WORDS", "LINKERS", "SUFFIXES", "inflections", "spellings", "split_compound", "words"]


def _each(text: str, english: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(text.split(), english)


FUNCTION_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "de": _each("der die das des dem den ein eine einer eines einem einen hat haben ist sind wird "
                "wurde wurden worden sein und oder zu zum zur in im an am auf mit für bei als")
    | {"von": ("by", "of", "from"), "vom": ("by", "of", "from")}
    | _each("nicht kein keine keiner keines keinem keinen", ("not",)),
    "fr": _each("le la les l un une des du au aux d et ou à a est été sont en dans sur avec pour")
    | {"de": ("of", "by"), "par": ("by",), "ne": (), "pas": ("not",)},
    "es": _each("el la los las lo un una unos unas y o e u a al en con para es ha sido fue son")
    | {"de": ("of", "by"), "del": ("of", "by"), "por": ("by",), "no": ("not",)},
}  # fmt: skip
"""Function words of labels and their English: () for articles, auxiliaries and prepositions whose
English is a stopword of names (``hat`` = has); ``by``/``of`` for those names keep, because they
turn a relation around (``geschrieben von`` = written by); ``not`` for negations (not ``no``, which
names read as ``number``)."""

SUFFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("en", ""), ("em", ""), ("er", ""), ("es", ""), ("n", ""), ("e", ""), ("s", "")),
    "nl": (("en", ""), ("e", ""), ("s", "")),
    "fr": (("aux", "al"), ("ées", "é"), ("ée", "é"), ("es", ""), ("s", ""), ("x", ""), ("e", "")),
    "es": (("es", ""), ("as", "o"), ("os", "o"), ("a", "o"), ("s", "")),
    "pt": (("ões", "ão"), ("as", "o"), ("os", "o"), ("a", "o"), ("s", "")),
    "it": (("i", "o"), ("e", "a"), ("e", "o")),
}
"""Inflectional endings and their replacements per language (ISO 639-1), most specific first:
plurals, the cases of German nouns and adjectives, Romance feminine forms (``acceptée`` →
``accepté``, ``aceptada`` → ``aceptado``)."""

LINKERS: dict[str, tuple[str, ...]] = {"de": ("s", "es", "n", "en", "e"), "nl": ("s", "en", "e")}
"""Languages that write compounds as one word, and the linking elements allowed between the parts
(``Beitrag-s-zuordnung``)."""

MIN_STEM = 3
"""Shortest base form :func:`inflections` proposes, and shortest compound part."""
MAX_PARTS = 4
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def words(text: str) -> list[str]:
    """The words of a label: runs of letters and digits, split where lower case meets upper case;
    a hyphenated word stays one (``Programm-Komitee``: dictd indexes it as ``programmkomitee``).

    >>> words("hatGutachten (Meta-Gutachten)")
    ['hat', 'Gutachten', 'Meta-Gutachten']
    """
    out = []
    for chunk in re.split(r"[^\w-]+|_", text):
        for run in chunk.strip("-").split("--"):
            start = 0
            for i in range(1, len(run)):
                if run[i].isupper() and run[i - 1].islower():
                    out.append(run[start:i])
                    start = i
            if run[start:].strip("-"):
                out.append(run[start:])
    return out


def spellings(word: str) -> tuple[str, ...]:
    """Other spellings of a lower-case word: umlauts written out (``ä`` → ``ae``, ``ß`` → ``ss``)
    and written back (``ae`` → ``ä``, ``ss`` → ``ß``); the word itself excluded. Accents are never dropped: an
    umlaut is a letter of its own (``Beiträgen`` is not ``beitragen``).

    >>> spellings("zurueckweisung")
    ('zurückweisung',)
    """
    out = {"".join(_UMLAUTS.get(c, c) for c in word)}
    back = word
    for umlaut, pair in _UMLAUTS.items():
        back = back.replace(pair, umlaut)
    out.add(back)
    out.discard(word)
    return tuple(sorted(out))


def inflections(word: str, lang: str) -> tuple[str, ...]:
    """Base forms ``word`` may be an inflection of (lower case, itself excluded), most specific
    ending first.

    >>> inflections("vollständiger", "de")
    ('vollständig',)
    """
    word = word.lower()
    out: dict[str, None] = {}
    for ending, replacement in SUFFIXES.get(lang, ()):
        stem = word[: len(word) - len(ending)]
        if word.endswith(ending) and len(stem) >= MIN_STEM:
            out.setdefault(stem + replacement, None)
    out.pop(word, None)
    return tuple(out)


def split_compound(
    word: str,
    known: Callable[[str], bool],
    *,
    lang: str = "de",
    known_last: Callable[[str], bool] | None = None,
) -> tuple[str, ...] | None:
    """``word`` (lower case) cut into two or more parts that ``known`` accepts, or None.

    Parts are at least :data:`MIN_STEM` letters; a linking element of ``lang`` (:data:`LINKERS`)
    may stand between two parts and is dropped. The split with the fewest parts wins, then the one
    with fewest linking elements, then the one whose shortest part is longest (``konferenz`` +
    ``beitrag``, not ``konferenzbei`` + ``trag``), then the one with the longest first part.
    ``known_last`` tests the last part (default ``known``), so that it may be inflected
    (``Konferenzbeiträgen``).

    >>> split_compound("konferenzbeitrag", {"konferenz", "beitrag", "bei", "trag"}.__contains__)
    ('konferenz', 'beitrag')
    """
    linkers = ("", *LINKERS.get(lang, ()))
    last = known_last or known
    word = word.lower()
    n = len(word)
    best: dict[int, tuple[int, int, int, tuple[str, ...]] | None] = {}

    def rest(i: int) -> tuple[int, int, int, tuple[str, ...]] | None:
        """The best split of ``word[i:]``: (parts, linking elements, -shortest part, parts)."""
        if i in best:
            return best[i]
        found: tuple[int, int, int, tuple[str, ...]] | None = None
        if n - i >= MIN_STEM and last(word[i:]):
            found = (1, 0, i - n, (word[i:],))
        for j in range(n - MIN_STEM, i + MIN_STEM - 1, -1):  # the longest first part first
            if not known(word[i:j]):
                continue
            for linker in linkers:
                tail = rest(j + len(linker)) if word.startswith(linker, j) else None
                if tail is not None and tail[0] < MAX_PARTS:
                    shortest = max(tail[2], i - j)
                    candidate = (tail[0] + 1, tail[1] + (linker != ""), shortest, (word[i:j], *tail[3]))
                    if found is None or candidate[:3] < found[:3]:
                        found = candidate
        best[i] = found
        return found

    result = rest(0)
    return result[3] if result is not None and result[0] >= 2 else None
