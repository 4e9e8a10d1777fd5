"""The lexical matcher's pair-level rules: specialisations, systematic renames, inverse relations."""

from __future__ import annotations

from translator.graph import Node, NodeKind, SchemaGraph
from translator.lexical import lexical_candidates
from translator.matcher import MatchOptions, match

CLASS, RELATION, ATTRIBUTE = NodeKind.CLASS, NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY


def _ontology(name: str, entities: list[tuple[str, NodeKind]]) -> SchemaGraph:
    graph = SchemaGraph(name)
    for local, kind in entities:
        graph.add_node(Node(id=f"{name}#{local}", kind=kind, name=local))
    return graph


def _matched(source: SchemaGraph, target: SchemaGraph) -> set[tuple[str, str]]:
    found = match(source, target, MatchOptions(method="lexical"))
    return {(a.split("#")[1], b.split("#")[1]) for a, b in (c.pair for c in found)}


def _scores(source: SchemaGraph, target: SchemaGraph) -> dict[tuple[str, str], float]:
    cands = lexical_candidates(source, target)
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


def test_an_inverse_relation_is_weighed_down() -> None:
    source = _ontology("a", [("hasAuthor", RELATION), ("hasPart", RELATION)])
    target = _ontology("b", [("authorOf", RELATION), ("has_parts", RELATION)])
    assert _matched(source, target) == {("hasPart", "has_parts")}
    scores = _scores(source, target)
    assert scores[("hasAuthor", "authorOf")] < 0.7
