"""FreeDict bilingual dictionaries: foreign labels into English words, for cross-lingual matching.

Reads the dictd files of the FreeDict project (Debian/Ubuntu packages ``dict-freedict-deu-eng``,
``dict-freedict-fra-eng``, ``dict-freedict-spa-eng``, … in ``/usr/share/dictd``) directly, without
dictd: ``freedict-deu-eng.index`` lists every headword (lower case, punctuation dropped, sorted
bytewise) with the offset and length of each of its entries in dictd's base64, and
``freedict-deu-eng.dict.dz`` is dictzip: gzip in chunks of 58 kB compressed one by one, with a
chunk table in the gzip header. Nothing is parsed up front: the index is read as bytes and
binary-searched, an entry is read by inflating the chunk it lies in, and both are cached. For the
German dictionary (100 MB inflated) that beats both ways :mod:`gzip` offers: inflating it all once
takes 0.7 s, seeking in the gzip stream 0.1 s per entry, a dictzip chunk 0.1 ms. Opening costs
nothing, the first German lookup 16 ms (reading the 13 MB index); the 182 labels of MultiFarm's
``iasted-de``, :meth:`~Dictionary.english` and :meth:`~Dictionary.phrases` of each, take 0.11 s
all told, the 89 of ``cmt-de`` 0.07 s (2 cores, files in the page cache).

An entry is its headword line (pronunciation ``/…/``, grammar ``<…>``), then its translations:
one comma-separated line per sense, or numbered senses ``1. …``; notes ``[…]``, ``(…)``, ``<…>``,
examples, synonyms and cross-references are dropped. The German file lists its senses in no order
of frequency (``Beitrag``: portion, article, contribution, …), so a word's translations are ranked
by how many of its senses list them, then in file order, and normalised with
:func:`translator.graph.names.normalize` to compare with English names.

>>> de = open_dictionary("de")  # doctest: +SKIP
>>> de.phrases("Beitragszuordnung abgeschlossen von")[0]  # doctest: +SKIP
'contribution mapping completed by'

Without the files :func:`open_dictionary` returns None and logs once why.
"""

from __future__ import annotations

import functools
import heapq
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from translator.errors import InputError
from translator.graph.names import normalize
from translator.matching.text.compounds import FUNCTION_WORDS, LINKERS, inflections, spellings, split_compound
from translator.matching.text.compounds import words as label_words
from translator.matching.text.dictzip import DictData

__all__ = ["DEFAULT_DIRS", "LANGUAGES", "LIMIT", "Dictionary", "available_languages", "open_dictionary"]

log = logging.getLogger(__name__)

DEFAULT_DIRS = (Path("/usr/share/dictd"), Path("/usr/local/share/dictd"))
"""Where :func:`open_dictionary` looks when given no directory and ``TOLKA_FREEDICT_DIR`` is unset."""
ENV = "TOLKA_FREEDICT_DIR"
LIMIT = 6
"""How many translations of a word :meth:`Dictionary.translations` gives at most."""
LANGUAGES: dict[str, str] = {
    "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "nl": "nld", "pt": "por", "sv": "swe",
    "da": "dan", "fi": "fin", "pl": "pol", "cs": "ces", "ru": "rus", "tr": "tur", "el": "ell",
    "hu": "hun", "ja": "jpn", "ga": "gle", "la": "lat",
}  # fmt: skip
"""ISO 639-1 codes and FreeDict's ISO 639-3 ones."""

_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_RARE = ("[obs.]", "[archaic]", "[rare]", "[dated]", "[slang]", "[vulg.]")
_PRONUNCIATION = re.compile(r"(?:^|\s)/[^/\n]*/(?=[\s,;]|$)")
_NOTES = re.compile(r"\[[^\]]*\]|\{[^}]*\}|\([^)]*\)|\b(?:sb|sth)\.(?:'s)?|['’]s\b")
_HEAD = re.compile(r"\s/|\s<")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"))


def _b64(digits: bytes, source: Path) -> int:
    """A number in dictd's base64 (most significant digit first)."""
    value = 0
    for char in digits.decode("latin-1"):
        if char not in _B64:
            raise InputError(f"not a dictd index: bad base64 number {digits!r}", source=str(source))
        value = value * 64 + _B64[char]
    return value


def _key(word: str) -> str:
    """A headword as dictd indexes it: lower case, letters, digits and single spaces."""
    return " ".join("".join(c for c in part if c.isalnum()) for part in word.lower().split())


def _senses(body: str) -> list[list[str]]:
    """The translations of one entry body, per sense (notes stripped, not yet normalised)."""
    senses = []
    for line in body.split("\n")[1:]:  # the first line is the headword's
        if not line.strip() or line.startswith('"') or (line[0].isspace() and line.lstrip()[0] != "["):
            continue  # blank, an example, a note, synonyms, cross-references
        text = _PRONUNCIATION.sub(" ", re.sub(r"^\d+\.\s*", "", line)).translate(_DASHES)
        items = (_NOTES.sub(" ", i.split("<", 1)[0]).strip() for i in re.split(r"[,;]", text) if not _rare(i))
        senses.append([item for item in items if item])
    return senses


def _rare(item: str) -> bool:
    return any(mark in item for mark in _RARE)


@dataclass(eq=False)
class Dictionary:
    """One FreeDict dictionary from ``lang`` into English, read lazily.

    Args:
        index: the ``freedict-xxx-eng.index`` file.
        data: the ``freedict-xxx-eng.dict.dz`` file (or an uncompressed ``.dict``).
        lang: the source language, ISO 639-1 (``de``): the endings, compounds and function words
            :meth:`english` knows.
        limit: how many translations of a word to give at most.

    Raises:
        InputError: when a file is missing, and on first reading it, when it is no dictd file.
    """

    index: Path
    data: Path
    lang: str
    limit: int = LIMIT
    _bytes: bytes = field(default=b"", init=False, repr=False)
    _data: DictData = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index, self.data = Path(self.index), Path(self.data)
        for path in (self.index, self.data):
            if not path.is_file():
                raise InputError(f"missing (apt-get install {_package(self.lang)})", source=str(path))
        self._data = DictData(self.data)

    def _fields(self, line: bytes) -> tuple[bytes, int, int]:
        parts = line.split(b"\t")
        if len(parts) != 3:
            raise InputError(
                f"not a dictd index: {line[:60]!r} is not headword, offset, length", source=str(self.index)
            )
        return parts[0], _b64(parts[1], self.index), _b64(parts[2], self.index)

    def _index_bytes(self) -> bytes:
        if not self._bytes:
            data = self.index.read_bytes()
            if not data.endswith(b"\n"):
                raise InputError(
                    "not a dictd index: empty, or truncated (no final newline)", source=str(self.index)
                )
            self._fields(data[: data.index(b"\n")])
            self._fields(data[data.rfind(b"\n", 0, len(data) - 1) + 1 : -1])
            self._bytes = data
        return self._bytes

    @functools.lru_cache(maxsize=100_000)  # noqa: B019  (one Dictionary per file, kept for the process)
    def _locations(self, key: str) -> tuple[tuple[int, int], ...]:
        """Offset and length of every entry of the headword ``key`` (made by :func:`_key`) in index
        order, by binary search for its first line (the lines sort bytewise)."""
        if not key or key.startswith("00database"):
            return ()
        data, wanted = self._index_bytes(), key.encode()
        lo, hi = 0, len(data)
        while lo < hi:
            start = data.rfind(b"\n", 0, (lo + hi) // 2) + 1
            end = data.find(b"\n", start)
            if data[start:end].split(b"\t", 1)[0] < wanted:
                lo = end + 1
            else:
                hi = start
        found = []
        while lo < len(data):
            end = data.find(b"\n", lo)
            head, offset, length = self._fields(data[lo:end])
            if head != wanted:
                break
            found.append((offset, length))
            lo = end + 1
        return tuple(found)

    def entries(self, word: str) -> tuple[str, ...]:
        """The entry bodies of the headword ``word`` (any case), as the file holds them."""
        return tuple(self._data.read(o, n).decode("utf-8", "replace") for o, n in self._locations(_key(word)))

    def headwords(self) -> Iterator[tuple[str, list[list[str]]]]:
        """Every entry in index order: its headword as the entry writes it (``Gutachter``) and its
        translations per sense (not normalised). Inflates the whole file once (the German one: 100 MB)."""
        data, text = self._index_bytes(), self._data.everything()
        for line in data.split(b"\n"):
            if not line or line.startswith(b"00database"):
                continue
            _, offset, length = self._fields(line)
            body = text[offset : offset + length].decode("utf-8", "replace")
            head = _HEAD.split(body.split("\n", 1)[0], 1)[0].strip()
            if head:
                yield head, _senses(body)

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def _ranked(self, key: str) -> tuple[str, ...]:
        """The normalised translations of one headword: those that most of its senses list first,
        then in file order."""
        scores: dict[str, list[int]] = {}
        for body in self.entries(key)[:32]:
            for sense in _senses(body):
                for item in dict.fromkeys(normalize(item) for item in sense):
                    if item:
                        scores.setdefault(item, [0, len(scores)])[0] -= 1
        return tuple(sorted(scores, key=scores.__getitem__))[: self.limit]

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def translations(self, word: str) -> tuple[str, ...]:
        """English translations of ``word`` (normalised, most common first, at most ``limit``);
        when it is no headword, those of another spelling (``ae`` ↔ ``ä``) or of a base form
        (``vollständiger`` → ``vollständig``); () when there are none.

        >>> open_dictionary("de").translations("Entscheidung")[:2]  # doctest: +SKIP
        ('decision', 'ruling')
        """
        key = _key(word)
        for candidate in (key, *spellings(key), *inflections(key, self.lang)):
            found = self._ranked(candidate) if self._locations(candidate) else ()
            if found:
                return found
        return ()

    @functools.lru_cache(maxsize=20_000)  # noqa: B019
    def english(self, text: str) -> tuple[tuple[str, ...], ...]:
        """The English alternatives of every content word of a label, in the label's order.

        A phrase the dictionary lists is one word (``in Bezug auf``); a compound gives one word
        per part; articles and auxiliaries are dropped, ``von``/``de``/``por`` give ``by``/``of``
        (:data:`~translator.matching.text.compounds.FUNCTION_WORDS`); an acronym (``ID``) and a
        word the dictionary does not know (a name) are kept, normalised.

        >>> open_dictionary("de").english("Konferenzbeitrag")  # doctest: +SKIP
        (('conference',), ('contribution', 'due', 'post', 'portion', 'article', 'feature'))
        """
        found, i = label_words(text), 0
        slots: list[tuple[str, ...]] = []
        while i < len(found):
            for j in range(min(len(found), i + 4), i + 1, -1):  # a phrase of the dictionary
                phrase = self._ranked(_key(" ".join(found[i:j])))
                if phrase:
                    slots.append(phrase)
                    i = j
                    break
            else:
                slots.extend(self._word(found[i]))
                i += 1
        return tuple(slots)

    def _word(self, word: str) -> tuple[tuple[str, ...], ...]:
        fixed = FUNCTION_WORDS.get(self.lang, {}).get(word.lower())
        if fixed is not None:
            return (fixed,) if fixed else ()
        if len(word) > 1 and word.isupper():
            return ((normalize(word),),)
        found = self.translations(word)
        if found:
            return (found,)
        if "-" in word:
            return tuple(slot for part in word.split("-") if part for slot in self._word(part))
        if self.lang in LINKERS:
            parts = split_compound(
                _key(word), lambda p: bool(self._locations(p)), lang=self.lang,
                known_last=lambda p: bool(self.translations(p)),
            ) or ()  # fmt: skip
            slots = tuple(self.translations(part) for part in parts)
            if slots and all(slots):
                return slots
        return ((normalize(word),),) if normalize(word) else ()

    def phrases(self, text: str, max_phrases: int = 8, *, per_word: int = 3) -> tuple[str, ...]:
        """Normalised English renderings of a whole label, most probable first: the first
        translation of every word, then those with one word's second translation, … (of each
        word's first ``per_word`` translations).

        >>> open_dictionary("de").phrases("vollständiger Konferenzbeitrag", 2)  # doctest: +SKIP
        ('full conference contribution', 'full conference due')
        """
        slots = [slot[:per_word] for slot in self.english(text) if slot]
        if not slots or max_phrases < 1:
            return ()
        out: dict[str, None] = {}
        first = (0,) * len(slots)
        heap, seen = [(0, first)], {first}
        for _ in range(16 * max_phrases):
            if not heap or len(out) >= max_phrases:
                break
            total, ranks = heapq.heappop(heap)
            out.setdefault(normalize(" ".join(slot[r] for slot, r in zip(slots, ranks, strict=True))), None)
            for i, slot in enumerate(slots):
                step = (*ranks[:i], ranks[i] + 1, *ranks[i + 1 :])
                if ranks[i] + 1 < len(slot) and step not in seen:
                    seen.add(step)
                    heapq.heappush(heap, (total + 1, step))
        out.pop("", None)
        return tuple(out)


def _codes(lang: str) -> tuple[str, str]:
    """ISO 639-1 and FreeDict's ISO 639-3 code of a language (``de``, ``deu``, ``de-AT``)."""
    lang = lang.lower().replace("_", "-").split("-")[0]
    if lang in LANGUAGES:
        return lang, LANGUAGES[lang]
    return {code: iso1 for iso1, code in LANGUAGES.items()}.get(lang, lang), lang


def _package(lang: str) -> str:
    return f"dict-freedict-{_codes(lang)[1]}-eng"


def _folders(directory: str | Path | None) -> tuple[Path, ...]:
    chosen = directory if directory is not None else os.environ.get(ENV) or None
    return (Path(chosen).expanduser().resolve(),) if chosen is not None else DEFAULT_DIRS


def _files(folder: Path, code: str) -> tuple[Path, Path] | None:
    index = folder / f"freedict-{code}-eng.index"
    for data in (folder / f"freedict-{code}-eng.dict.dz", folder / f"freedict-{code}-eng.dict"):
        if index.is_file() and data.is_file():
            return index, data
    return None


@functools.lru_cache(maxsize=32)
def _open(lang: str, folders: tuple[Path, ...]) -> Dictionary | None:
    code = _codes(lang)[1]
    for folder in folders:
        files = _files(folder, code)
        if files is not None:
            return Dictionary(*files, lang=lang)
    log.info(
        "no FreeDict %s-English dictionary in %s, so labels in %s are not translated (apt-get "
        "install %s, or set %s to a folder holding freedict-%s-eng.index and .dict.dz)",
        code, ", ".join(map(str, folders)), lang, _package(lang), ENV, code,
    )  # fmt: skip
    return None


def open_dictionary(lang: str, directory: str | Path | None = None) -> Dictionary | None:
    """The FreeDict dictionary from ``lang`` (ISO 639-1 ``de``, or 639-3 ``deu``) into English, in
    ``directory``, else in the folder ``TOLKA_FREEDICT_DIR`` names, else in the first of
    :data:`DEFAULT_DIRS` that holds it; opened once per process.

    Returns:
        The dictionary, or None (logged once, at INFO) when it is not installed there.
    """
    return _open(_codes(lang)[0], _folders(directory))


def available_languages(directory: str | Path | None = None) -> tuple[str, ...]:
    """The languages (ISO 639-1 where known) that have a FreeDict dictionary into English, in the
    folders :func:`open_dictionary` would look in."""
    found = set()
    for folder in _folders(directory):
        for index in sorted(folder.glob("freedict-*-eng.index")) if folder.is_dir() else ():
            code = index.name.removeprefix("freedict-").removesuffix("-eng.index")
            if _files(folder, code) is not None:
                found.add(_codes(code)[0])
    return tuple(sorted(found))
