"""Synthetic cross-lingual pairs: FreeDict read backwards, an ontology labelled in another language with
the truth known, and the decider's sign that names came through a dictionary."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from tests.translator.test_freedict import build
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.decider.features import FEATURES, pair_features
from translator.matching.decider.translated import english_words, translated_view
from translator.matching.entities import entity_texts
from translator.matching.evidence import combine
from translator.matching.matcher import gather_evidence
from translator.matching.options import MatchOptions
from translator.matching.text.freedict import Dictionary
from translator.matching.text.reverse import foreign_function_words, foreign_words
from translator.matching.text.translation import LabelTranslations


@pytest.fixture
def tiny(tmp_path: Path) -> Dictionary:
    root = build(tmp_path / "dictd")
    return Dictionary(root / "freedict-deu-eng.index", root / "freedict-deu-eng.dict.dz", lang="de")


def test_every_headword_comes_back_as_written_with_its_senses(tiny: Dictionary) -> None:
    entries = list(tiny.headwords())
    heads = [h for h, _ in entries]
    assert "Zurückweisung" in heads
    assert "in Bezug auf" in heads
    assert ("Konferenz", [["conference"]]) in entries
    assert all(not h.startswith("00") for h in heads)


def test_english_words_find_the_headwords_that_give_them_first(tiny: Dictionary) -> None:
    found = foreign_words(tiny, ["contribution", "Conference", "rejection", "regarding", "opinion", "x y"])
    assert found["conference"] == ("Konferenz",)
    assert found["rejection"] == ("Zurückweisung",)
    # Beitrag gives it in an early sense; the plural's entry gives "contributions" third only
    assert found["contribution"][0] == "Beitrag"
    # a phrase headword (in Bezug auf) is no one-word rendering; a second-sense-only word is too far
    assert "regarding" not in found
    assert "x y" not in found


def test_function_words_are_the_inverse_of_what_the_matcher_reads() -> None:
    german = foreign_function_words("de")
    assert (german["of"], german["by"], german["not"]) == ("von", "von", "nicht")
    assert foreign_function_words("fr")["of"] == "de"
    assert foreign_function_words("xx") == {}


def _ontology() -> SchemaGraph:
    g = SchemaGraph("conf")
    base = "http://example.org/conf#"
    g.add_node(Node(base + "Conference", NodeKind.CLASS, "Conference"))
    g.add_node(Node(base + "ConferenceContribution", NodeKind.CLASS, "ConferenceContribution"))
    g.add_node(Node(base + "Rejection", NodeKind.CLASS, "Rejection", description="a no"))
    g.add_node(Node(base + "contributionOf", NodeKind.OBJECT_PROPERTY, "contributionOf"))
    g.add_node(Node("http://www.w3.org/2002/07/owl#Thing", NodeKind.CLASS, "Thing", own=False))
    g.add_edge(base + "ConferenceContribution", base + "Conference", "subClassOf")
    g.add_edge(base + "Conference", "http://www.w3.org/2002/07/owl#Thing", "subClassOf")
    g.add_edge(base + "contributionOf", base + "ConferenceContribution", "domain")
    return g


WORDS = {"conference": ("Konferenz",), "contribution": ("Beitrag",), "rejection": ("Zurückweisung",)}


def test_an_ontology_in_german_keeps_its_structure_and_the_truth() -> None:
    onto = _ontology()
    made = translated_view(onto, "de", WORDS, foreign_function_words("de"), random.Random(3))
    assert made is not None
    view, truth = made
    assert sorted(truth.values()) == sorted(n.id for n in onto.own_nodes())
    labels = {truth[n.id].split("#")[1]: n.label for n in view.own_nodes()}
    assert labels["Conference"] == "Konferenz"
    assert labels["Rejection"] == "Zurückweisung"
    assert labels["ConferenceContribution"] in ("Konferenz Beitrag", "Konferenzbeitrag")
    assert labels["contributionOf"] == "Beitrag von"
    for node in view.own_nodes():
        assert node.labels == (("de", node.label),)
        assert node.description == ""
        assert "example.org" not in node.id  # nothing of the ontology's ids
    back = {o: v for v, o in truth.items()}
    edges = {(e.source, e.target, e.relation) for e in view.edges()}
    base = "http://example.org/conf#"
    assert (back[base + "ConferenceContribution"], back[base + "Conference"], "subClassOf") in edges
    assert (back[base + "Conference"], "http://www.w3.org/2002/07/owl#Thing", "subClassOf") in edges
    assert (back[base + "contributionOf"], back[base + "ConferenceContribution"], "domain") in edges


def test_german_compounds_and_romance_word_order_both_occur() -> None:
    onto = _ontology()
    seen = set()
    for seed in range(20):
        made = translated_view(onto, "de", WORDS, foreign_function_words("de"), random.Random(seed))
        assert made is not None
        seen |= {n.label for n in made[0].own_nodes()}
    assert {"Konferenz Beitrag", "Konferenzbeitrag"} <= seen
    french = {"conference": ("conférence",), "contribution": ("contribution",), "rejection": ("rejet",)}
    made = translated_view(onto, "fr", french, foreign_function_words("fr"), random.Random(0))
    assert made is not None
    assert "contribution de conférence" in {n.label for n in made[0].own_nodes()}


def test_a_language_the_dictionary_hardly_knows_gives_no_view() -> None:
    assert translated_view(_ontology(), "de", {"rejection": ("Zurückweisung",)}, {}, random.Random(0)) is None
    assert english_words([_ontology()]) == {"conference", "contribution", "rejection"}


def test_names_read_through_a_dictionary_are_marked_for_the_decider(tmp_path: Path) -> None:
    build(tmp_path / "dictd")
    translate = LabelTranslations(tmp_path / "dictd")
    german = Node("urn:de#k1", NodeKind.CLASS, "k1", label="Konferenz", labels=(("de", "Konferenz"),))
    english = Node("urn:en#Conference", NodeKind.CLASS, "Conference", labels=(("en", "Conference"),))
    texts = {t.id: t for t in entity_texts([german, english], translate)}
    assert texts["urn:de#k1"].translated
    assert "conference" in texts["urn:de#k1"].variants
    assert not texts["urn:en#Conference"].translated
    left, right = SchemaGraph("de"), SchemaGraph("en")
    left.add_node(german)
    right.add_node(english)
    options = MatchOptions(method="structural", dictionaries=str(tmp_path / "dictd"))
    evidence = gather_evidence(left, right, options)
    features = pair_features(
        evidence, combine(evidence, options, method="structural").matrix, embeddings=False
    )
    column = features.matrix[:, FEATURES.index("translated")]
    assert len(column) == 1
    assert np.all(column == 1.0)
