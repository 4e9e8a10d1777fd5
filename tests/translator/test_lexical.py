"""The lexical matcher's pair-level rules: specialisations, systematic renames, inverse relations,
WordNet synonyms."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.translator.test_wordnet import build, installed  # noqa: F401  (installed: a fixture)
from translator.alignment.model import Alignment, Correspondence, Status
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.lexical import lexical_candidates
from translator.matching.lexical_rules import ACRONYM, RULES, SYNONYM
from translator.matching.matcher import MatchOptions, match
from translator.matching.qualified import QUALIFIED
from translator.matching.text.wordnet import WordNet, WordNetMissingError, open_wordnet

CLASS, RELATION, ATTRIBUTE = NodeKind.CLASS, NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY


def _ontology(name: str, entities: list[tuple[str, NodeKind]]) -> SchemaGraph:
    graph = SchemaGraph(name)
    for local, kind in entities:
        graph.add_node(Node(id=f"{name}#{local}", kind=kind, name=local))
    return graph


def _matched(
    source: SchemaGraph, target: SchemaGraph, options: MatchOptions | None = None
) -> set[tuple[str, str]]:
    found = match(source, target, options or MatchOptions(method="lexical"))
    return {(a.split("#")[1], b.split("#")[1]) for a, b in (c.pair for c in found)}


def _scores(
    source: SchemaGraph, target: SchemaGraph, wordnet: WordNet | None = None
) -> dict[tuple[str, str], float]:
    cands = lexical_candidates(source, target, wordnet=wordnet)
    pairs = zip(cands.rows, cands.cols, cands.scores, strict=True)
    return {(cands.source[i].label, cands.target[j].label): float(s) for i, j, s in pairs}


def test_a_dropped_modifier_matches_when_neither_side_has_the_exact_name() -> None:
    source = _ontology("a", [("Regular_author", CLASS), ("Paper", CLASS)])
    target = _ontology("b", [("Author", CLASS), ("Paper", CLASS)])
    assert _matched(source, target) == {("Regular_author", "Author"), ("Paper", "Paper")}
    assert _matched(target, source) == {("Author", "Regular_author"), ("Paper", "Paper")}


def test_no_specialisation_when_an_exact_counterpart_exists() -> None:
    source = _ontology("a", [("Regular_author", CLASS), ("Author", CLASS)])
    target = _ontology("b", [("Author", CLASS)])
    assert _matched(source, target) == {("Author", "Author")}
    # not even a runner-up: a ranked (top-k) list keeps Regular_author below the threshold
    assert _scores(source, target)[("Regular_author", "Author")] < 0.75


def test_the_nearest_specialisation_wins_and_a_tie_matches_nothing() -> None:
    target = _ontology("b", [("Author", CLASS)])
    nearest = _ontology("a", [("Regular_author", CLASS), ("Contribution_co_author", CLASS)])
    assert _matched(nearest, target) == {("Regular_author", "Author")}
    tie = _ontology("a", [("Regular_author", CLASS), ("Invited_author", CLASS)])
    assert _matched(tie, target) == set()


def test_a_relation_specialises_only_with_the_same_verb() -> None:
    source = _ontology("a", [("hasConferenceMember", RELATION), ("assignReviewer", RELATION)])
    target = _ontology("b", [("hasMember", RELATION), ("hasReviewer", RELATION)])
    assert _matched(source, target) == {("hasConferenceMember", "hasMember")}


def test_attributes_do_not_drop_modifiers() -> None:
    source = _ontology("a", [("name", ATTRIBUTE)])
    target = _ontology("b", [("hasFirstName", ATTRIBUTE)])
    assert _matched(source, target) == set()


def test_a_systematic_rename_needs_several_agreeing_pairs() -> None:
    source = _ontology(
        "a", [("Accepted_contribution", CLASS), ("Rejected_contribution", CLASS), ("Reviewer", CLASS)]
    )
    target = _ontology("b", [("AcceptedPaper", CLASS), ("RejectedPaper", CLASS), ("Reviewer", CLASS)])
    assert _matched(source, target) == {
        ("Accepted_contribution", "AcceptedPaper"),
        ("Rejected_contribution", "RejectedPaper"),
        ("Reviewer", "Reviewer"),
    }
    alone = _ontology("b", [("AcceptedPaper", CLASS), ("Reviewer", CLASS)])
    assert _matched(source, alone) == {("Reviewer", "Reviewer")}


def test_a_rename_is_not_applied_to_names_with_an_exact_counterpart() -> None:
    source = _ontology("a", [("Accepted_contribution", CLASS), ("Rejected_contribution", CLASS)])
    target = _ontology(
        "b", [("AcceptedPaper", CLASS), ("RejectedPaper", CLASS), ("Rejected_contribution", CLASS)]
    )
    assert _matched(source, target) == {("Rejected_contribution", "Rejected_contribution")}


def test_an_acronym_matches_the_words_it_stands_for() -> None:
    source = _ontology("a", [("ProgramCommitteeChair", CLASS), ("ProgramCommitteeMember", CLASS)])
    target = _ontology("b", [("Chair_PC", CLASS), ("PC_Member", CLASS), ("Chair", CLASS)])
    assert _matched(source, target) == {
        ("ProgramCommitteeChair", "Chair_PC"),
        ("ProgramCommitteeMember", "PC_Member"),
    }
    # initials of other words, or a relation for a class, are no acronym
    assert _matched(_ontology("a", [("PostCard", CLASS)]), _ontology("b", [("PC_Chair", CLASS)])) == set()
    assert _matched(source, _ontology("b", [("hasChair_PC", RELATION)])) == set()


def test_an_acronym_must_be_the_only_one_of_both_entities() -> None:
    source = _ontology("a", [("ProgramCommitteeChair", CLASS), ("ProjectCoordinatorChair", CLASS)])
    target = _ontology("b", [("PC_Chair", CLASS)])
    assert _matched(source, target) == set()  # PC could stand for either


def test_an_inverse_relation_is_weighed_down() -> None:
    source = _ontology("a", [("hasAuthor", RELATION), ("hasPart", RELATION)])
    target = _ontology("b", [("authorOf", RELATION), ("has_parts", RELATION)])
    assert _matched(source, target) == {("hasPart", "has_parts")}
    scores = _scores(source, target)
    assert scores[("hasAuthor", "authorOf")] < 0.7


# -- WordNet synonyms (a tiny database in WordNet's format: these tests never skip) ----------------


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    return build(tmp_path / "wordnet")


def _with(wordnet: Path) -> MatchOptions:
    return MatchOptions(method="lexical", wordnet=str(wordnet))


def test_a_synonym_matches_when_neither_side_has_the_exact_name(tiny_dir: Path) -> None:
    source = _ontology("a", [("Chairman", CLASS), ("Paper", CLASS), ("has_the_last_name", ATTRIBUTE)])
    target = _ontology("b", [("Chair", CLASS), ("Paper", CLASS), ("hasSurname", ATTRIBUTE)])
    assert _matched(source, target, _with(tiny_dir)) == {
        ("Chairman", "Chair"),
        ("Paper", "Paper"),
        ("has_the_last_name", "hasSurname"),  # a collocation for one word
    }
    assert _scores(source, target, open_wordnet(tiny_dir))[("Chairman", "Chair")] == SYNONYM
    without = MatchOptions(method="lexical", synonyms=False)
    assert _matched(source, target, without) == {("Paper", "Paper")}


def test_a_synonym_needs_the_same_kind_of_entity(tiny_dir: Path) -> None:
    source = _ontology("a", [("Surname", CLASS)])
    target = _ontology("b", [("has_the_last_name", ATTRIBUTE)])
    assert _matched(source, target, _with(tiny_dir)) == set()


def test_a_synonym_must_be_the_only_one_of_both_entities(tiny_dir: Path) -> None:
    source = _ontology("a", [("Chairman", CLASS)])
    tie = _ontology("b", [("Chair", CLASS), ("Chairperson", CLASS)])
    assert _matched(source, tie, _with(tiny_dir)) == set()
    exact = _ontology("a", [("Chairman", CLASS), ("Chair", CLASS)])
    assert _matched(exact, _ontology("b", [("Chair", CLASS)]), _with(tiny_dir)) == {("Chair", "Chair")}


def test_a_rare_sense_is_no_synonym(tiny_dir: Path) -> None:
    source = _ontology("a", [("Paper", CLASS)])
    target = _ontology("b", [("Newspaper", CLASS)])
    assert _matched(source, target, _with(tiny_dir)) == set()


def test_synonyms_without_a_shared_ngram_are_still_candidates(tiny_dir: Path) -> None:
    source = _ontology("a", [("Speed", ATTRIBUTE)])
    target = _ontology("b", [("Velocity", ATTRIBUTE), ("Temperature", ATTRIBUTE)])
    assert ("Speed", "Velocity") not in _scores(source, target)
    assert _matched(source, target, _with(tiny_dir)) == {("Speed", "Velocity")}


def test_a_relation_named_by_verb_and_object_specialises_the_verb(tiny_dir: Path) -> None:
    source = _ontology("a", [("submitPaper", RELATION), ("reviewPaper", RELATION)])
    target = _ontology("b", [("submit", RELATION), ("review", RELATION)])
    # review is a noun too: reviewPaper may be a paper's review, not reviewing one
    assert _matched(source, target, _with(tiny_dir)) == {("submitPaper", "submit")}
    assert _matched(source, target, MatchOptions(method="lexical", synonyms=False)) == set()


def test_a_missing_wordnet_folder_is_refused(tmp_path: Path) -> None:
    source = _ontology("a", [("Paper", CLASS)])
    with pytest.raises(WordNetMissingError, match=r"index\.noun"):
        match(source, source, _with(tmp_path / "nowhere"))


def test_the_installed_wordnet_matches_synonyms(installed: WordNet) -> None:  # noqa: F811
    source = _ontology("a", [("Chairman", CLASS), ("has_the_last_name", ATTRIBUTE), ("Speed", ATTRIBUTE)])
    target = _ontology("b", [("Chair", CLASS), ("hasSurname", ATTRIBUTE), ("Velocity", ATTRIBUTE)])
    assert _matched(source, target, _with(installed.directory)) == {
        ("Chairman", "Chair"),
        ("has_the_last_name", "hasSurname"),
        ("Speed", "Velocity"),
    }


def test_an_obo_exact_synonym_matches_the_other_models_label(tmp_path: Path) -> None:
    from adapters import load_paths

    head = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix oio: <http://www.geneontology.org/formats/oboInOwl#> .\n"
    )
    source, target = tmp_path / "a.ttl", tmp_path / "b.ttl"
    source.write_text(
        head + '<http://a#X_1> a owl:Class ; rdfs:label "myocardial infarction" ;\n'
        '    oio:hasExactSynonym "heart attack" .\n'
        '<http://a#X_2> a owl:Class ; rdfs:label "stroke" .\n',
        encoding="utf-8",
    )
    target.write_text(
        head + '<http://b#Heart_Attack> a owl:Class ; rdfs:label "Heart attack" .\n'
        '<http://b#Stroke> a owl:Class ; rdfs:label "Stroke" .\n',
        encoding="utf-8",
    )
    found = match(load_paths([source]), load_paths([target]), MatchOptions(method="lexical", synonyms=False))
    assert {c.pair for c in found} == {
        ("http://a#X_1", "http://b#Heart_Attack"),
        ("http://a#X_2", "http://b#Stroke"),
    }
    without = source.read_text(encoding="utf-8").replace("oio:hasExactSynonym", "rdfs:seeAlso")
    source.write_text(without, encoding="utf-8")
    found = match(load_paths([source]), load_paths([target]), MatchOptions(method="lexical", synonyms=False))
    assert ("http://a#X_1", "http://b#Heart_Attack") not in {c.pair for c in found}


def test_a_dictionary_word_beats_a_guessed_acronym(installed: WordNet) -> None:  # noqa: F811
    # WordNet has Ar as argon; the initials of AromaticRing are a guess that gives way
    source = _ontology("a", [("Ar", CLASS), ("Hs", CLASS), ("H", CLASS)])
    target = _ontology(
        "b", [("Argon", CLASS), ("AromaticRing", CLASS), ("Hassium", CLASS), ("Hydrogen", CLASS)]
    )
    scores = _scores(source, target, installed)
    assert scores[("Ar", "Argon")] == SYNONYM
    assert scores.get(("Ar", "AromaticRing"), 0.0) < ACRONYM
    # each symbol is the synonym of one element only, so each pair is the only one of both entities
    assert scores[("Hs", "Hassium")] == SYNONYM
    assert scores[("H", "Hydrogen")] == SYNONYM
    assert _matched(source, target, _with(installed.directory)) == {
        ("Ar", "Argon"),
        ("Hs", "Hassium"),
        ("H", "Hydrogen"),
    }


def _taxonomy(name: str, classes: dict[str, str]) -> SchemaGraph:
    """Classes by name, each under the class named by its value ("" for none)."""
    graph = _ontology(name, [(local, CLASS) for local in {*classes, *filter(None, classes.values())}])
    for local, parent in classes.items():
        if parent:
            graph.add_edge(f"{name}#{local}", f"{name}#{parent}", "rdfs:subClassOf")
    return graph


def test_a_name_qualified_by_a_superclass_both_have_matches_the_bare_name() -> None:
    # Temperature ⊑ Sensor names what TemperatureSensor ⊑ Sensor names
    source = _taxonomy("a", {"Temperature": "Sensor", "Pressure": "Sensor"})
    target = _taxonomy(
        "b", {"TemperatureSensor": "Sensor", "PressureSensor": "Sensor", "Temperature": "Quantity"}
    )
    scores = _scores(source, target)
    assert scores[("Temperature", "TemperatureSensor")] < QUALIFIED  # an exact name is there
    assert scores[("Pressure", "PressureSensor")] == QUALIFIED
    # the superclasses must agree: a Poster that is a paper is no PosterSession
    paper = _taxonomy("a", {"Poster": "Paper"})
    session = _taxonomy("b", {"PosterSession": "Session"})
    assert _scores(paper, session).get(("Poster", "PosterSession"), 0.0) < QUALIFIED
    # the rule can be switched off like the others
    off = lexical_candidates(source, target, rules=tuple(r for r in RULES if r != "qualified"))
    off_scores = {
        (off.source[i].label, off.target[j].label): float(s)
        for i, j, s in zip(off.rows, off.cols, off.scores, strict=True)
    }
    assert off_scores.get(("Pressure", "PressureSensor"), 0.0) < QUALIFIED


def test_a_symbol_under_atom_is_the_element_s_atom(installed: WordNet) -> None:  # noqa: F811
    # MatOnto's ArgonAtom ⊑ Atom against a materials model's Ar ⊑ Atom: Ar is WordNet's argon
    source = _taxonomy("a", {"Ar": "Atom", "Ne": "Atom"})
    atoms = _taxonomy("b", {"ArgonAtom": "Atom", "NeonAtom": "Atom"})
    scores = _scores(source, atoms, installed)
    assert scores[("Ar", "ArgonAtom")] == QUALIFIED
    assert scores[("Ne", "NeonAtom")] == QUALIFIED
    # beside the elements themselves the name finds the element, and the atom is no rival of it
    both = _taxonomy("b", {"ArgonAtom": "Atom", "Argon": "Element", "NeonAtom": "Atom", "Neon": "Element"})
    scores = _scores(source, both, installed)
    assert scores[("Ar", "Argon")] == SYNONYM
    assert scores.get(("Ar", "ArgonAtom"), 0.0) < QUALIFIED


def test_the_decider_gives_a_symbol_the_element_and_its_atom_unless_a_reviewer_said_no(
    installed: WordNet,  # noqa: F811
) -> None:
    source = _taxonomy("a", {"Ar": "Atom", "Ne": "Atom", "Kr": "Atom"})
    target = _taxonomy(
        "b",
        {
            "Argon": "Element",
            "ArgonAtom": "Atom",
            "Neon": "Element",
            "NeonAtom": "Atom",
            "Krypton": "Element",
            "KryptonAtom": "Atom",
        },
    )
    options = replace(_with(installed.directory), method="decider")
    found = _matched(source, target, options)
    assert {("Ar", "Argon"), ("Ar", "ArgonAtom"), ("Ne", "Neon"), ("Ne", "NeonAtom")} <= found
    seeds = Alignment("a", "b")
    seeds.add(Correspondence("a#Ar", "b#ArgonAtom", status=Status.REJECTED))
    pairs = {(c.subject_id, c.object_id) for c in match(source, target, options, seeds=seeds)}
    assert ("a#Ar", "b#Argon") in pairs
    assert ("a#Ar", "b#ArgonAtom") not in pairs
