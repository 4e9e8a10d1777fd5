"""WordNet: the database reader on a tiny database of our own, then the installed one."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

import translator.matching.text.wordnet as wordnet_module
from translator.matching.text.synonyms import expansions, synonymous
from translator.matching.text.wordnet import DEFAULT_DIRS, WordNet, WordNetMissingError, open_wordnet

LICENSE = "  1 This software and database is provided by Princeton University.  \n  2   \n"

# part of speech -> synsets (name, lemmas in the synset); and each lemma's senses, most frequent first
SYNSETS = {
    "n": [
        ("seat", ["chair"]),
        ("professorship", ["professorship", "chair"]),
        ("president", ["president", "chairman", "chairwoman", "chair", "chairperson"]),
        ("surname", ["surname", "family_name", "last_name"]),
        ("material", ["paper"]),
        ("essay", ["composition", "paper", "report"]),
        ("newspaper", ["newspaper", "paper"]),
        ("review", ["review", "critique"]),
        ("speed", ["speed", "velocity"]),
    ],
    "v": [
        ("preside", ["chair", "chairman"]),
        ("compose", ["write", "compose", "pen"]),
        ("submit", ["submit", "subject"]),
        ("review", ["review", "reexamine"]),
    ],
    "a": [("abundant", ["galore(ip)", "abundant"])],
    "r": [],
}
SENSES = {
    "n": {
        "chair": ["seat", "professorship", "president"],
        "chairman": ["president"],
        "chairwoman": ["president"],
        "chairperson": ["president"],
        "president": ["president"],
        "professorship": ["professorship"],
        "surname": ["surname"],
        "family_name": ["surname"],
        "last_name": ["surname"],
        "paper": ["material", "essay", "newspaper"],
        "composition": ["essay"],
        "report": ["essay"],
        "newspaper": ["newspaper"],
        "review": ["review"],
        "critique": ["review"],
        "speed": ["speed"],
        "velocity": ["speed"],
    },
    "v": {
        "chair": ["preside"],
        "chairman": ["preside"],
        "write": ["compose"],
        "compose": ["compose"],
        "pen": ["compose"],
        "submit": ["submit"],
        "subject": ["submit"],
        "review": ["review"],
        "reexamine": ["review"],
    },
    "a": {"galore": ["abundant"], "abundant": ["abundant"]},
    "r": {},
}
EXCEPTIONS = {"noun": "chairmen chairman\n", "verb": "wrote write\nwritten write\n"}
FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


def build(root: Path) -> Path:
    """A WordNet database in the real file format: license lines, byte offsets, sorted index."""
    root.mkdir(parents=True, exist_ok=True)
    for pos, suffix in FILES.items():
        data = LICENSE
        offsets = {}
        for name, words in SYNSETS[pos]:
            offsets[name] = len(data.encode())
            lemmas = " ".join(f"{w} 0" for w in words)
            data += f"{offsets[name]:08d} 05 {pos} {len(words):02x} {lemmas} 000 | the {name} sense  \n"
        (root / f"data.{suffix}").write_text(data)
        lines = []
        for lemma, senses in sorted(SENSES[pos].items()):
            found = " ".join(f"{offsets[s]:08d}" for s in senses)
            lines.append(f"{lemma} {pos} {len(senses)} 1 @ {len(senses)} 0 {found}  \n")
        (root / f"index.{suffix}").write_text(LICENSE + "".join(lines))
    for suffix, text in EXCEPTIONS.items():
        (root / f"{suffix}.exc").write_text(text)
    return root


@pytest.fixture
def tiny(tmp_path: Path) -> WordNet:
    return WordNet(build(tmp_path / "dict"))


def test_senses_come_in_index_order_and_synsets_by_offset(tiny: WordNet) -> None:
    chair = tiny.senses("chair", "n")
    assert len(chair) == 3
    assert [tiny.synset(offset, "n") for offset in chair] == [
        ("chair",),
        ("professorship", "chair"),
        ("president", "chairman", "chairwoman", "chair", "chairperson"),
    ]
    assert tiny.synset(tiny.senses("galore", "a")[0], "a") == ("galore", "abundant")  # marker (ip) dropped


def test_the_binary_search_finds_every_lemma_and_nothing_else(tiny: WordNet) -> None:
    for pos, lemmas in SENSES.items():
        for lemma in lemmas:
            assert tiny.senses(lemma, pos), (lemma, pos)
    for absent in ("", "a", "chai", "chairs", "zzz", "chair_man", "1", "This"):
        assert tiny.senses(absent, "n") == ()


def test_base_forms_follow_exceptions_and_detachment_rules(tiny: WordNet) -> None:
    assert tiny.base_forms("chairmen", "n") == ("chairman",)  # noun.exc
    assert tiny.base_forms("chairs", "n") == ("chair",)  # -s
    assert tiny.base_forms("written", "v") == ("write",)  # verb.exc
    assert tiny.base_forms("writes", "v") == ("write",)
    assert tiny.base_forms("reviewed", "v") == ("review",)  # -ed
    assert tiny.base_forms("last names", "n") == ("last_name",)  # a collocation inflects its last word
    assert tiny.base_forms("chairmanship", "n") == ()


def test_synonyms_share_one_of_the_two_most_frequent_senses_of_each(tiny: WordNet) -> None:
    assert tiny.are_synonyms("last name", "surname")
    assert tiny.are_synonyms("family names", "surname")
    assert tiny.are_synonyms("chairman", "chair")  # the verb: chair is to preside, as chairman is
    assert not tiny.are_synonyms("chairmen", "chair")  # chairmen is a noun only, chair's third sense
    assert tiny.are_synonyms("chairman", "chairperson")
    assert not tiny.are_synonyms("paper", "newspaper")  # paper's third sense only
    assert not tiny.are_synonyms("chair", "president")  # the chair's third sense only
    assert not tiny.are_synonyms("chair", "chairs")  # one word, not synonyms
    assert tiny.are_synonyms("paper", "newspaper", senses=3)
    assert tiny.synonyms("surname") == {"family_name", "last_name"}
    assert tiny.synonyms("chair", "n") == {"professorship"}


def test_only_verb_tells_a_pure_verb_from_a_word_that_is_also_a_noun(tiny: WordNet) -> None:
    assert tiny.only_verb("submits")
    assert tiny.only_verb("wrote")
    assert not tiny.only_verb("review")  # a noun too
    assert not tiny.only_verb("paper")


def test_a_folder_without_the_database_is_refused_by_name(tmp_path: Path) -> None:
    root = build(tmp_path / "dict")
    (root / "data.verb").unlink()
    with pytest.raises(WordNetMissingError, match=r"data\.verb missing") as caught:
        WordNet(root)
    assert caught.value.source == str(root)
    with pytest.raises(WordNetMissingError):
        open_wordnet(tmp_path / "nowhere")


def test_index_and_data_of_different_versions_are_refused(tmp_path: Path) -> None:
    root = build(tmp_path / "dict")
    data = (root / "data.noun").read_text()
    (root / "data.noun").write_text("x" + data)  # every offset now points one byte early
    with pytest.raises(WordNetMissingError, match="different WordNet versions"):
        WordNet(root).synset(WordNet(root).senses("chair", "n")[0], "n")


def test_without_a_database_open_wordnet_says_so_once_and_returns_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(wordnet_module, "DEFAULT_DIRS", (tmp_path / "none",))
    wordnet_module._open.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="translator.matching.text.wordnet"):
            assert open_wordnet() is None
            assert open_wordnet() is None
        warnings = [r for r in caplog.records if "no synonym evidence" in r.getMessage()]
        assert len(warnings) == 1
        assert "TOLKA_WORDNET_DIR" in warnings[0].getMessage()
    finally:
        wordnet_module._open.cache_clear()


def test_open_wordnet_opens_a_folder_once(tmp_path: Path) -> None:
    root = build(tmp_path / "dict")
    first = open_wordnet(root)
    assert first is not None
    assert open_wordnet(str(root)) is first


def test_names_that_differ_only_in_synonyms(tiny: WordNet) -> None:
    assert synonymous(("last", "name"), ("surname",), tiny)
    assert synonymous(("conference", "chairman"), ("conference", "chair"), tiny)
    assert synonymous(("reviewed", "chairman"), ("review", "chair"), tiny)  # inflections are one word
    assert not synonymous(("chair",), ("chair",), tiny)
    assert not synonymous(("reviewed",), ("review",), tiny)  # inflection only: no synonym
    assert not synonymous(("conference", "chairman"), ("chair",), tiny)  # a word left over
    assert not synonymous(("paper",), ("newspaper",), tiny)
    assert expansions(("conference", "surname"), tiny) == {
        ("conference", "family", "name"),
        ("conference", "last", "name"),
    }


# -- the installed database (wordnet-base; CI installs it) ---------------------------------------


@pytest.fixture(scope="module")
def installed() -> WordNet:
    """The installed database: the one TOLKA_WORDNET_DIR names (as on CI, where a missing database
    fails the tests), else the first default folder that holds one, else the tests skip."""
    configured = os.environ.get("TOLKA_WORDNET_DIR")
    if configured:
        return WordNet(Path(configured))
    for root in DEFAULT_DIRS:
        try:
            return WordNet(root)
        except WordNetMissingError:
            continue
    pytest.skip("WordNet database not installed (apt-get install wordnet-base, or set TOLKA_WORDNET_DIR)")


def test_installed_wordnet_knows_the_synonyms_names_use(installed: WordNet) -> None:
    assert installed.are_synonyms("chairman", "chair")
    assert installed.are_synonyms("last name", "surname")
    assert installed.are_synonyms("speed", "velocity")
    assert not installed.are_synonyms("paper", "newspaper")
    assert not installed.are_synonyms("author", "reviewer")
    assert installed.base_forms("chairmen", "n") == ("chairman",)
    assert installed.base_forms("written", "v") == ("write",)
    assert installed.only_verb("submit")
    assert not installed.only_verb("review")
    assert synonymous(("last", "name"), ("surname",), installed)
    assert ("family", "name") in {words[1:] for words in expansions(("conference", "surname"), installed)}


def test_installed_wordnet_reads_a_chemical_symbol_as_itself(installed: WordNet) -> None:
    # "Hs" and "Os" are no plurals of the letters h and o (which WordNet has as hydrogen and oxygen)
    assert installed.base_forms("hs", "n") == ("hs",)
    assert installed.base_forms("os", "n") == ("os",)
    assert installed.are_synonyms("hs", "hassium")
    assert not installed.are_synonyms("hs", "hydrogen")
    assert installed.base_forms("chairs", "n") == ("chair",)  # a longer word still inflects
