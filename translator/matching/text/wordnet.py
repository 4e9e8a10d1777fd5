"""WordNet synonyms: the lexicon behind the lexical matcher's synonym evidence.

Reads the WordNet 3.0 database files (Debian/Ubuntu package ``wordnet-base``, in
``/usr/share/wordnet``) directly, without NLTK: ``index.<pos>`` lists every lemma with its synsets
in order of sense frequency, ``data.<pos>`` holds each synset at the byte offset that names it, and
``<pos>.exc`` lists irregular inflections. Nothing is parsed up front: an index is read as bytes and
binary-searched (its lines are sorted), a synset is read by seeking to its offset, and both are
cached, so opening the database costs milliseconds and a match of two ontologies a few hundred
lookups.

Two words or phrases are synonyms when they share one of the first ``senses`` (default 2) synsets
of each, in one part of speech: the senses a reader thinks of first. WordNet lists many rare senses
(``paper`` is also a newspaper, ``chair`` also a professorship), and a synonym of a rare sense would
match names that mean different things. Inflected forms are reduced to their base forms as
WordNet's ``morphy`` does (``chairmen`` → ``chairman``, ``writes`` → ``write``), and collocations are
lemmas of their own (``last name`` ~ ``surname``).

>>> wn = open_wordnet()  # doctest: +SKIP
>>> wn.are_synonyms("last name", "surname")  # doctest: +SKIP
True

Without the database files (a machine where ``wordnet-base`` could not be installed)
:func:`open_wordnet` returns None, logs once why, and the matcher simply has no synonym evidence.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from translator.errors import InputError

__all__ = [
    "DEFAULT_DIRS",
    "POS",
    "SENSES",
    "WordNet",
    "WordNetMissingError",
    "open_wordnet",
]

log = logging.getLogger(__name__)

POS: dict[str, str] = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
"""WordNet's part-of-speech letters and the file suffixes they name."""
SENSES = 2
"""How many of a word's most frequent senses count when comparing words."""
DEFAULT_DIRS = (
    Path("/usr/share/wordnet"),  # Debian / Ubuntu wordnet-base
    Path("/usr/local/share/wordnet"),
    Path("/usr/local/WordNet-3.0/dict"),  # Princeton's source install
)
"""Where :func:`open_wordnet` looks when it is given no directory."""

_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
          ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}  # fmt: skip
"""WordNet's detachment rules (morphy(7WN)): inflectional endings and their replacements."""


class WordNetMissingError(InputError):
    """A WordNet directory that was asked for explicitly lacks the database files."""


def _missing(directory: Path) -> list[str]:
    names = [f"{kind}.{suffix}" for suffix in POS.values() for kind in ("index", "data")]
    return [name for name in names if not (directory / name).is_file()]


@dataclass(eq=False)
class WordNet:
    """A WordNet database directory, read lazily.

    Args:
        directory: the folder holding ``index.noun``, ``data.noun``, … (``/usr/share/wordnet``).

    Raises:
        WordNetMissingError: when an index or data file is missing.
    """

    directory: Path
    _index: dict[str, bytes] = field(default_factory=dict, init=False, repr=False)
    _exceptions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        missing = _missing(self.directory)
        if missing:
            raise WordNetMissingError(
                f"not a WordNet database: {', '.join(missing)} missing "
                "(install the wordnet-base package, or point TOLKA_WORDNET_DIR at a WordNet 3.0 dict folder)",
                source=str(self.directory),
            )

    # -- reading the files ------------------------------------------------------------------

    def _index_bytes(self, pos: str) -> bytes:
        data = self._index.get(pos)
        if data is None:
            data = self._index[pos] = (self.directory / f"index.{POS[pos]}").read_bytes()
        return data

    def _exception_table(self, pos: str) -> dict[str, tuple[str, ...]]:
        table = self._exceptions.get(pos)
        if table is None:
            table = {}
            path = self.directory / f"{POS[pos]}.exc"
            if path.is_file():
                for line in path.read_text(encoding="latin-1").splitlines():
                    words = line.split()
                    if len(words) >= 2:
                        table[words[0]] = tuple(words[1:])
            self._exceptions[pos] = table
        return table

    def _index_line(self, lemma: str, pos: str) -> str | None:
        """The index line of ``lemma`` by binary search over the sorted lines (license lines, which
        start with a space, sort first)."""
        if not lemma or any(c.isspace() for c in lemma):
            return None  # lemmas join their words with _; the license lines start with spaces
        data = self._index_bytes(pos)
        key = lemma.encode("latin-1", "replace") + b" "
        lo, hi = 0, len(data)
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", 0, mid) + 1
            end = data.find(b"\n", start)
            end = len(data) if end < 0 else end
            line = data[start:end]
            if line.startswith(key):
                return line.decode("latin-1")
            if line < key:
                lo = end + 1
            else:
                hi = start
        return None

    @functools.lru_cache(maxsize=50_000)  # noqa: B019  (one WordNet per directory, kept for the process)
    def senses(self, lemma: str, pos: str) -> tuple[int, ...]:
        """Synset offsets of ``lemma`` (exact, lower case, words joined by ``_``), most frequent first."""
        line = self._index_line(lemma, pos)
        if line is None:
            return ()
        fields = line.split()
        # lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        synset_cnt, p_cnt = int(fields[2]), int(fields[3])
        offsets = fields[4 + p_cnt + 2 :]
        return tuple(int(o) for o in offsets[:synset_cnt])

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def synset(self, offset: int, pos: str) -> tuple[str, ...]:
        """The lemmas of the synset at ``offset`` (lower case, words joined by ``_``)."""
        with (self.directory / f"data.{POS[pos]}").open("rb") as file:
            file.seek(offset)
            line = file.readline().decode("latin-1")
        # offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt ...
        fields = line.split()
        if len(fields) < 6 or not fields[0].isdigit() or int(fields[0]) != offset:
            raise WordNetMissingError(
                f"data.{POS[pos]} has no synset at byte offset {offset}: the index and data files "
                "are of different WordNet versions",
                source=str(self.directory),
            )
        count = int(fields[3], 16)
        words = fields[4 : 4 + 2 * count : 2]
        return tuple(_adjective_marker_free(w).lower() for w in words)

    # -- words ---------------------------------------------------------------------------------

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def base_forms(self, word: str, pos: str) -> tuple[str, ...]:
        """The lemmas in WordNet that ``word`` may be an inflection of (itself included), as
        ``morphy`` finds them: the exception list, then the detachment rules, which never leave a
        single letter (``Hs`` is hassium and ``Os`` osmium, not the plurals of ``h`` and ``o``,
        which WordNet has as hydrogen and oxygen). A collocation changes
        its last word for nouns and adjectives, its first for verbs (``writes_paper`` →
        ``write_paper``).

        >>> WordNet(Path("/usr/share/wordnet")).base_forms("chairmen", "n")  # doctest: +SKIP
        ('chairman',)
        """
        word = "_".join(word.lower().split())
        found: dict[str, None] = {}
        if self.senses(word, pos):
            found[word] = None
        parts = word.split("_")
        at = 0 if pos == "v" else len(parts) - 1
        inflected = parts[at]
        candidates = list(self._exception_table(pos).get(inflected, ()))
        for ending, replacement in _RULES[pos]:
            stem = inflected[: len(inflected) - len(ending)] + replacement
            if inflected.endswith(ending) and len(inflected) > len(ending) and len(stem) > 1:
                candidates.append(stem)
        for base in candidates:
            lemma = "_".join([*parts[:at], base, *parts[at + 1 :]])
            if self.senses(lemma, pos):
                found.setdefault(lemma, None)
        return tuple(found)

    @functools.lru_cache(maxsize=100_000)  # noqa: B019
    def first_senses(self, word: str, pos: str, senses: int = SENSES) -> frozenset[int]:
        """The first ``senses`` synsets of every base form of ``word`` in one part of speech."""
        out: set[int] = set()
        for lemma in self.base_forms(word, pos):
            out.update(self.senses(lemma, pos)[:senses])
        return frozenset(out)

    def are_synonyms(self, a: str, b: str, *, senses: int = SENSES) -> bool:
        """Whether two words or phrases share one of the first ``senses`` synsets of each, in one
        part of speech. A word is not its own synonym here: equal base forms are left to the caller's
        exact comparison.

        >>> WordNet(Path("/usr/share/wordnet")).are_synonyms("chairman", "chair")  # doctest: +SKIP
        True
        """
        for pos in POS:
            x, y = self.first_senses(a, pos, senses), self.first_senses(b, pos, senses)
            if x & y and not set(self.base_forms(a, pos)) & set(self.base_forms(b, pos)):
                return True
        return False

    def synonyms(self, word: str, pos: str | None = None, *, senses: int = SENSES) -> frozenset[str]:
        """Lemmas that are synonyms of ``word`` by :meth:`are_synonyms` (collocations joined by
        ``_``), in one part of speech or in all."""
        out: set[str] = set()
        for p in POS if pos is None else (pos,):
            mine = self.first_senses(word, p, senses)
            bases = set(self.base_forms(word, p))
            for offset in mine:
                for lemma in self.synset(offset, p):
                    if lemma not in bases and offset in self.senses(lemma, p)[:senses]:
                        out.add(lemma)
        return frozenset(out)

    def only_verb(self, word: str) -> bool:
        """Whether ``word`` is a verb and nothing else (``submit``, ``writes``; not ``review``, which
        is a noun too).

        >>> WordNet(Path("/usr/share/wordnet")).only_verb("submits")  # doctest: +SKIP
        True
        """
        return bool(self.base_forms(word, "v")) and not any(self.base_forms(word, pos) for pos in "nar")


def _adjective_marker_free(word: str) -> str:
    """An adjective lemma without its syntactic marker (``galore(ip)`` → ``galore``)."""
    return word.split("(", 1)[0] if word.endswith(")") else word


@functools.lru_cache(maxsize=8)
def _open(directory: Path | None) -> WordNet | None:
    if directory is not None:
        return WordNet(directory)
    for candidate in DEFAULT_DIRS:
        if not _missing(candidate):
            return WordNet(candidate)
    log.warning(
        "WordNet not found in %s: the lexical matcher has no synonym evidence (install the "
        "wordnet-base package, or set TOLKA_WORDNET_DIR to a WordNet 3.0 dict folder)",
        ", ".join(str(d) for d in DEFAULT_DIRS),
    )
    return None


def open_wordnet(directory: str | Path | None = None) -> WordNet | None:
    """The WordNet database in ``directory``, or in the first of :data:`DEFAULT_DIRS` that holds
    one; opened once per process.

    Returns:
        The database, or None (logged once) when no directory was given and none of the default
        ones holds the files.

    Raises:
        WordNetMissingError: when ``directory`` is given and lacks the database files.
    """
    return _open(Path(directory).expanduser().resolve() if directory is not None else None)
