"""FreeDict: the dictd reader on a tiny dictionary of our own, then the installed Debian ones."""

from __future__ import annotations

import gzip
import logging
import os
import struct
import zlib
from pathlib import Path

import pytest

import translator.matching.text.freedict as freedict_module
from translator.errors import InputError
from translator.matching.text.compounds import inflections, spellings, split_compound, words
from translator.matching.text.freedict import Dictionary, available_languages, open_dictionary

DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# headword as the entry writes it -> entry bodies, in file order (the German file's style, one sense
# an entry; a French-style numbered entry; notes, examples, synonyms and cross-references to drop)
ENTRIES: dict[str, list[str]] = {
    "00-database-info": ["00-database-info\nA tiny German-English dictionary for the tests.\n"],
    "Beitrag": [
        "Beitrag /bˈaɪtɾɑːk/ <masc, n, sg>\nportion <n>\n   Synonyms: {Anteil}, {Teil}\n\n see: {Beiträge}\n\n",
        "Beitrag /bˈaɪtɾɑːk/ <masc, n, sg>\narticle <n>art.,  /ˈaɾt/ , feature <n>\n         Note: journalism\n",
        "Beitrag /bˈaɪtɾɑːk/ <masc, n, sg>\n [fin.] financial contribution <n>, contribution <n>\n"
        '         Note: to sth.\n      "den Beitrag festsetzen"  - assess the contribution\n',
        "Beitrag /bˈaɪtɾɑːk/ <masc, n, sg>\ncontribution <n>\n         Note: for a publication\n",
    ],
    "Beiträge": ["Beiträge /bˈaɪtɾɛːɡə/ <pl>\nportions, articles, contributions\n"],
    "Konferenz": [
        'Konferenz /kɔnfeːrˈɛnts/ <fem, n, sg>\nconference <n>\n      "auf der Konferenz"  - at the conference\n'
    ],
    "Zuordnung": [
        "Zuordnung /tsˈuːɔɾdnˌʊŋ/ <fem, n, sg>\n [math.] mapping <n>, map <n>\n   Synonym: {Abbildung}\n\n"
    ],
    "Zuordnung ": ["Zuordnung /tsˈuːɔɾdnˌʊŋ/ <fem, n, sg>\nassignment <n>, assignation <n>\n"],
    "Zurückweisung": ["Zurückweisung /tsuːrˈykvˌaɪzʊŋ/ <fem, n, sg>\nrejection <n>\n"],
    "vollständig": [
        "vollständig /fˈɔlʃtˌɛndɪç/ <adj>\ncomplete <adj>, in full <adj>\n",
        "vollständig /fˈɔlʃtˌɛndɪç/ <adv>\nquitely <adv> [obs.], completely <adv>\n",
    ],
    "abgeschlossen": ["abgeschlossen /ˈapɡəʃlˌɔsən/\nfinished, completed (successfully)\n"],
    "Gutachten": ["Gutachten /ɡˈuːtaxtən/ <neut, n, sg>\nexpert's opinion <n>, review <n>, write sth. up\n"],
    "in Bezug auf": ["in Bezug auf <prep>\nwith respect to, regarding\n"],
    "Programm-Komitee": ["Programm-Komitee <n>\nprogram committee\n"],
    "abattis": ["abattis /abati/ <n, masc>\n1. debris, rubbish; rubble\n2.  [cul] giblets\n"],
}


def b64(number: int) -> str:
    """A number in dictd's base64."""
    out = DIGITS[number % 64]
    while number >= 64:
        number //= 64
        out = DIGITS[number % 64] + out
    return out


def dictzip(text: bytes, chunk: int) -> bytes:
    """``text`` as dictzip: gzip whose deflate stream is flushed every ``chunk`` bytes, with the
    compressed chunk sizes in the header's RA field."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = [
        deflate.compress(text[i : i + chunk]) + deflate.flush(zlib.Z_FULL_FLUSH)
        for i in range(0, len(text), chunk)
    ]
    chunks[-1] += deflate.flush(zlib.Z_FINISH)
    ra = struct.pack(f"<HHH{len(chunks)}H", 1, chunk, len(chunks), *map(len, chunks))
    extra = b"RA" + struct.pack("<H", len(ra)) + ra
    header = b"\x1f\x8b\x08\x04\0\0\0\0\x02\x03" + struct.pack("<H", len(extra)) + extra
    return header + b"".join(chunks) + struct.pack("<II", zlib.crc32(text), len(text))


def build(root: Path, code: str = "deu", *, chunk: int = 97, plain_gzip: bool = False) -> Path:
    """A FreeDict dictionary in ``root`` in the real file formats: entries at byte offsets, an
    index sorted bytewise by lower-case headword without punctuation, dictzip chunks (small, so that
    entries straddle them)."""
    root.mkdir(parents=True, exist_ok=True)
    text, lines = b"", []
    for headword, bodies in ENTRIES.items():
        key = " ".join("".join(c for c in w if c.isalnum()) for w in headword.lower().split())
        for body in bodies:
            data = body.encode()
            lines.append((key.encode(), f"{key}\t{b64(len(text))}\t{b64(len(data))}\n"))
            text += data
    index = "".join(line for _, line in sorted(lines, key=lambda kl: kl[0]))  # stable: file order kept
    (root / f"freedict-{code}-eng.index").write_text(index, encoding="utf-8")
    packed = gzip.compress(text) if plain_gzip else dictzip(text, chunk)
    (root / f"freedict-{code}-eng.dict.dz").write_bytes(packed)
    assert gzip.decompress(packed) == text  # the file is gzip too, as dictzip must be
    return root


@pytest.fixture
def tiny(tmp_path: Path) -> Dictionary:
    root = build(tmp_path / "dictd")
    return Dictionary(root / "freedict-deu-eng.index", root / "freedict-deu-eng.dict.dz", lang="de")


def test_base64_numbers_are_dictds() -> None:
    assert [b64(n) for n in (0, 1, 63, 64, 4095, 4096)] == ["A", "B", "/", "BA", "//", "BAA"]


def test_entries_come_back_byte_exact_from_dictzip_chunks(tiny: Dictionary) -> None:
    assert tiny.entries("Beitrag") == tuple(ENTRIES["Beitrag"])  # four entries, each over chunk borders
    assert tiny.entries("beitrag") == tiny.entries("BEITRAG")
    assert tiny.entries("programm-komitee") == tuple(ENTRIES["Programm-Komitee"])
    assert tiny.entries("Zuordnung") == tuple(ENTRIES["Zuordnung"] + ENTRIES["Zuordnung "])
    for absent in ("", "Beitr", "Beitragx", "00-database-info", "00databaseinfo", "zzz", "in Bezug"):
        assert tiny.entries(absent) == (), absent


def test_plain_gzip_is_read_whole(tmp_path: Path) -> None:
    root = build(tmp_path / "dictd", plain_gzip=True)
    plain = Dictionary(root / "freedict-deu-eng.index", root / "freedict-deu-eng.dict.dz", lang="de")
    assert plain.entries("Konferenz") == tuple(ENTRIES["Konferenz"])


def test_translations_drop_notes_and_rank_by_senses(tiny: Dictionary) -> None:
    # contribution: two senses; then the file's order. art., the pronunciation, notes, examples,
    # synonyms and cross-references are gone.
    assert tiny.translations("Beitrag") == (
        "contribution",
        "portion",
        "article",
        "feature",
        "financial contribution",
    )
    assert tiny.translations("Gutachten") == ("expert opinion", "review", "write up")
    assert tiny.translations("vollständig") == ("complete", "full", "completely")  # [obs.] quitely dropped
    assert tiny.translations("abgeschlossen") == ("finished", "completed")
    assert tiny.translations("abattis") == ("debris", "rubbish", "rubble", "giblet")  # numbered senses
    assert tiny.translations("in Bezug auf") == ("respect", "regarding")
    assert Dictionary(tiny.index, tiny.data, lang="de", limit=2).translations("Beitrag") == (
        "contribution",
        "portion",
    )


def test_translations_try_spellings_and_base_forms_on_a_miss(tiny: Dictionary) -> None:
    assert tiny.translations("Zurueckweisung") == ("rejection",)  # ue -> ü
    assert tiny.translations("vollständiger") == tiny.translations("vollständig")  # -er
    assert tiny.translations("Konferenzen") == ("conference",)  # -en
    assert tiny.translations("Beiträgen") == ("portion", "article", "contribution")  # -n: the plural's entry
    assert tiny.translations("Konferenzbeitrag") == ()  # a compound is english()'s business


def test_english_splits_compounds_and_handles_function_words(tiny: Dictionary) -> None:
    beitrag = tiny.translations("Beitrag")
    zuordnung = ("mapping", "map", "assignment", "assignation")
    assert tiny.english("Konferenzbeitrag") == (("conference",), beitrag)
    assert tiny.english("Beitragszuordnung abgeschlossen von") == (
        beitrag,
        zuordnung,
        ("finished", "completed"),
        ("by", "of", "from"),
    )
    assert tiny.english("Konferenzbeiträgen") == (("conference",), ("portion", "article", "contribution"))
    assert tiny.english("hat Gutachten in Bezug auf die Konferenz") == (
        ("expert opinion", "review", "write up"),
        ("respect", "regarding"),
        ("conference",),
    )
    assert tiny.english("Mitglied des Programm-Komitees") == (("mitglied",), ("program committee",))
    assert tiny.english("hatKonferenz ID_2") == (("conference",), ("identifier",), ("2",))
    assert tiny.english("kein Gutachten") == (("not",), ("expert opinion", "review", "write up"))
    assert tiny.english("der die das") == ()


def test_phrases_take_the_first_translations_first(tiny: Dictionary) -> None:
    assert tiny.phrases("vollständiger Konferenzbeitrag", 4) == (
        "complete conference contribution",
        "complete conference portion",
        "full conference contribution",
        "complete conference article",
    )
    assert tiny.phrases("Beitragszuordnung abgeschlossen von")[0] == "contribution mapping finished by"
    assert len(tiny.phrases("Beitragszuordnung abgeschlossen von")) == 8
    assert tiny.phrases("Konferenz", 8) == ("conference",)
    assert tiny.phrases("Konferenz", 0) == ()
    assert tiny.phrases("der") == ()


def test_a_garbage_or_truncated_index_is_refused_by_name(tmp_path: Path) -> None:
    root = build(tmp_path / "dictd")
    index, data = root / "freedict-deu-eng.index", root / "freedict-deu-eng.dict.dz"
    good = index.read_bytes()
    for bad in (b"", b"\x00\xff garbage \x01\n", good[: len(good) // 2], good.replace(b"\tA\t", b"\t*\t", 1)):
        index.write_bytes(bad)
        with pytest.raises(InputError, match="not a dictd index") as caught:
            Dictionary(index, data, lang="de").translations("Konferenz")
        assert caught.value.source == str(index)


def test_a_truncated_or_foreign_data_file_is_refused_by_name(tmp_path: Path) -> None:
    root = build(tmp_path / "dictd")
    index, data = root / "freedict-deu-eng.index", root / "freedict-deu-eng.dict.dz"
    packed = data.read_bytes()
    for bad in (packed[: len(packed) // 2], b"PK\x03\x04 not gzip at all, a zip perhaps"):
        data.write_bytes(bad)
        with pytest.raises(InputError, match="not a dictzip file") as caught:
            Dictionary(index, data, lang="de").translations("vollständig")
        assert caught.value.source == str(data)
    data.unlink()
    with pytest.raises(InputError, match="dict-freedict-deu-eng"):
        Dictionary(index, data, lang="de")


def test_without_a_dictionary_open_dictionary_says_so_once_and_returns_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("TOLKA_FREEDICT_DIR", raising=False)
    monkeypatch.setattr(freedict_module, "DEFAULT_DIRS", (tmp_path / "none",))
    freedict_module._open.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="translator.matching.text.freedict"):
            assert open_dictionary("de") is None
            assert open_dictionary("deu") is None
        notes = [r for r in caplog.records if "no FreeDict deu-English dictionary" in r.getMessage()]
        assert len(notes) == 1
        assert "apt-get install dict-freedict-deu-eng" in notes[0].getMessage()
        assert notes[0].levelno == logging.INFO
        assert open_dictionary("it", build(tmp_path / "dictd")) is None  # a folder with German only
        assert available_languages() == ()
    finally:
        freedict_module._open.cache_clear()


def test_open_dictionary_opens_once_and_the_variable_comes_before_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build(tmp_path / "dictd")
    build(root, "fra")
    first = open_dictionary("de", root)
    assert first is not None
    assert first.lang == "de"
    assert first.index == root / "freedict-deu-eng.index"
    assert open_dictionary("deu", str(root)) is first
    assert open_dictionary("de-AT", root) is first
    assert available_languages(root) == ("de", "fr")
    monkeypatch.setenv("TOLKA_FREEDICT_DIR", str(root))
    assert open_dictionary("de") is first
    assert available_languages() == ("de", "fr")
    french = open_dictionary("fr")
    assert french is not None
    assert french.lang == "fr"


def test_inflections_compounds_words_and_spellings() -> None:
    known = {
        "konferenz",
        "konferenzbei",
        "beitrag",
        "bei",
        "trag",
        "zuordnung",
        "gegen",
        "stand",
        "gegenstand",
        "bereich",
    }.__contains__
    assert split_compound("konferenzbeitrag", known) == ("konferenz", "beitrag")  # not konferenzbei+trag
    assert split_compound("beitragszuordnung", known) == ("beitrag", "zuordnung")  # linking s
    assert split_compound("gegenstandsbereich", known) == ("gegenstand", "bereich")  # fewest parts
    assert split_compound("gegenstandbereichbeitrag", known) == ("gegenstand", "bereich", "beitrag")
    assert split_compound("beitrag", known) is None  # one part is no compound
    assert split_compound("beitragxzuordnung", known) is None  # x links nothing
    assert split_compound("beitragszuordnung", known, lang="fr") is None  # French has no linking s
    assert split_compound("konferenzbeiträgen", known, known_last=lambda w: w == "beiträgen") == (
        "konferenz",
        "beiträgen",
    )
    assert inflections("Konferenzen", "de") == ("konferenz", "konferenze")
    assert inflections("acceptées", "fr") == ("accepté", "acceptée")
    assert inflections("aceptada", "es") == ("aceptado",)
    assert inflections("zu", "de") == ()
    assert inflections("word", "xx") == ()
    assert words("hatGutachten (Meta-Gutachten), l'article_2") == [
        "hat",
        "Gutachten",
        "Meta-Gutachten",
        "l",
        "article",
        "2",
    ]
    assert spellings("zurueckweisung") == ("zurückweisung",)
    assert spellings("straße") == ("strasse",)
    assert spellings("konferenz") == ()


# -- the installed dictionaries (Debian's dict-freedict-*-eng; CI installs them) -------------------


def installed_dictionary(lang: str) -> Dictionary:
    """The installed dictionary: from the folder TOLKA_FREEDICT_DIR names (as on CI, where a missing
    one fails the tests), else from the default folders, else the test skips."""
    configured = os.environ.get("TOLKA_FREEDICT_DIR")
    found = open_dictionary(lang, configured or None)  # without the variable: DEFAULT_DIRS
    if found is None and configured:
        pytest.fail(f"no FreeDict {lang}-English dictionary in TOLKA_FREEDICT_DIR={configured}")
    if found is None:
        pytest.skip(
            f"FreeDict {lang}-English not installed (apt-get install dict-freedict-{lang}-eng, or set TOLKA_FREEDICT_DIR)"
        )
    return found


@pytest.fixture(scope="module")
def german() -> Dictionary:
    return installed_dictionary("deu")


def test_installed_german_translates_the_cmt_labels(german: Dictionary) -> None:
    assert german.translations("Entscheidung")[0] == "decision"
    assert german.translations("Zurückweisung")[0] == "rejection"
    assert german.translations("Vorsitzender")[0] == "chairman"
    assert {"review", "expert opinion", "assessment"} <= set(german.translations("Gutachten"))
    assert german.translations("vollständiger") == german.translations("vollständig")
    assert german.english("Konferenzbeitrag")[0] == ("conference",)
    assert german.english("Konferenzbeitrag")[1][0] == "contribution"
    assert [slot[0] for slot in german.english("Beitragszuordnung abgeschlossen von")] == [
        "contribution",
        "mapping",
        "completed",
        "by",
    ]
    assert "assignment" in german.english("Beitragszuordnung")[1]
    assert german.phrases("Programm-Komitee")[0] == "program committee"
    assert german.phrases("hat Gutachten geschrieben")[0] == "assessment written"
    assert "review written" in german.phrases("hat Gutachten geschrieben")
    assert german.phrases("Zurueckweisung")[0] == "rejection"


def test_installed_french_and_spanish() -> None:
    french, spanish = installed_dictionary("fra"), installed_dictionary("spa")
    assert french.lang == "fr"
    assert french.translations("président") == ("chairman", "president")
    assert french.translations("auteur")[0] == "author"
    assert french.translations("acceptée") == ("accepted",)  # feminine -e
    assert french.translations("conférence") == ("lecture",)  # so the file has it: no "conference"
    assert french.phrases("membre du comité")[:2] == ("limb committee", "member committee")
    assert spanish.translations("conferencia") == ("conference",)
    assert spanish.translations("artículos")[0] == "article"  # plural -s
