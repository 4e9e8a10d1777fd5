"""Description similarity: shared rare words tie fields, common words weigh little."""

from __future__ import annotations

from translator.instances.descriptions import description_similarity


def test_rare_words_decide() -> None:
    left = {
        "tank": "Temperature of the liquid in the buffer tank.",
        "outlet": "Temperature of the liquid leaving the heater.",
    }
    right = {
        "TT_102": "Buffer tank liquid temperature.",
        "TT_103": "Heater outlet temperature of the liquid.",
        "LT_101": "Level in the buffer tank.",
    }
    similar = description_similarity(left, right, floor=0.0)
    assert similar[("tank", "TT_102")] > similar[("tank", "TT_103")]
    assert similar[("outlet", "TT_103")] > similar[("outlet", "TT_102")]
    assert similar[("tank", "TT_102")] > similar.get(("tank", "LT_101"), 0.0)


def test_empty_descriptions_are_never_similar() -> None:
    assert description_similarity({"a": ""}, {"b": ""}, floor=0.0) == {}
    assert description_similarity({"a": "Pump speed"}, {"b": ""}, floor=0.0) == {}


def test_floor() -> None:
    similar = description_similarity({"a": "pump speed"}, {"b": "pump speed", "c": "valve speed"}, floor=0.9)
    assert set(similar) == {("a", "b")}
    assert similar[("a", "b")] == 1.0
