"""Word substitutions mined from the candidate pairs of two models."""

from __future__ import annotations

from translator.matching.vocabulary import substitution, token_translations


def test_substitution_needs_shared_context() -> None:
    assert substitution(("accepted", "contribution"), ("accepted", "paper")) == (
        ("contribution",),
        ("paper",),
    )
    assert substitution(("drum", "level"), ("vessel", "level")) == (("drum",), ("vessel",))
    assert substitution(("early", "paid", "applicant"), ("early", "registered", "participant")) == (
        ("paid", "applicant"),
        ("registered", "participant"),
    )
    assert substitution(("paper",), ("contribution",)) is None  # nothing shared to agree on
    assert substitution(("regular", "author"), ("author",)) is None  # a dropped word, not a rename
    assert substitution(("accepted", "paper"), ("accepted", "paper")) is None


def test_a_rename_needs_several_agreeing_pairs() -> None:
    pairs = [
        ((1, 1), ("accepted", "contribution"), ("accepted", "paper")),
        ((2, 2), ("rejected", "contribution"), ("rejected", "paper")),
        ((3, 3), ("conference", "chair"), ("conference", "member")),
    ]
    assert token_translations(pairs) == {("contribution",): ("paper",)}
    assert token_translations(pairs[:1]) == {}  # one coincidence is no rename
    # two name variants of one entity pair vote once
    same_pair = [((1, 1), ("accepted", "contribution"), ("accepted", "paper"))] * 2
    assert token_translations(same_pair) == {}


def test_a_word_with_two_equally_supported_renames_gets_none() -> None:
    pairs = [
        ((1, 1), ("conference", "chair"), ("pc", "chair")),
        ((2, 2), ("conference", "member"), ("pc", "member")),
        ((1, 3), ("conference", "chair"), ("oc", "chair")),
        ((2, 4), ("conference", "member"), ("oc", "member")),
    ]
    assert token_translations(pairs) == {}
    # a clear favourite wins over a weaker rival
    extra = [((5, 5), ("conference", "dinner"), ("pc", "dinner"))]
    assert token_translations(pairs + extra) == {("conference",): ("pc",)}
