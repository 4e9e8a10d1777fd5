"""Semantic verification: relation pairs whose domain or range contradicts the class pairs."""

from __future__ import annotations

from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.consistency import conflicting_relations
from translator.matching.matcher import MatchOptions, match

CLASSES = ("Document", "Paper", "Review", "Person", "Author", "Reviewer")
HIERARCHY = (("Paper", "Document"), ("Review", "Document"), ("Author", "Person"), ("Reviewer", "Person"))


def _model(
    name: str, relations: dict[str, tuple[str | None, str | None]], inverses: tuple[str, ...] = ()
) -> SchemaGraph:
    """Classes of a conference model and object properties ``name: (domain, range)``."""
    graph = SchemaGraph(name)

    def iri(local: str) -> str:
        return f"http://{name}#{local}"

    graph.add_nodes(Node(iri(c), NodeKind.CLASS, c, label=c) for c in CLASSES)
    graph.add_edges((iri(sub), iri(sup), "rdfs:subClassOf") for sub, sup in HIERARCHY)
    for relation, (domain, range_) in relations.items():
        graph.add_node(Node(iri(relation), NodeKind.OBJECT_PROPERTY, relation, label=relation))
        for end, cls in (("rdfs:domain", domain), ("rdfs:range", range_)):
            if cls is not None:
                graph.add_edge(iri(relation), iri(cls), end)
    for a, b in zip(inverses[::2], inverses[1::2], strict=True):
        graph.add_edge(iri(a), iri(b), "owl:inverseOf")
    return graph


def _classes(a: str, b: str) -> list[tuple[str, str]]:
    return [(f"http://{a}#{c}", f"http://{b}#{c}") for c in CLASSES]


def test_a_relation_between_other_classes_is_no_match() -> None:
    a = _model("a", {"writtenBy": ("Review", "Reviewer")})
    b = _model("b", {"writtenBy": ("Paper", "Author")})
    relation = ("http://a#writtenBy", "http://b#writtenBy")
    assert conflicting_relations(a, b, [relation, *_classes("a", "b")]) == {relation}
    assert relation in {c.pair for c in match(a, b, MatchOptions(method="lexical"))}  # names alone
    found = {c.pair for c in match(a, b, MatchOptions(method="structural"))}
    assert relation not in found
    assert set(_classes("a", "b")) <= found


def test_a_relation_declared_on_a_super_class_agrees() -> None:
    a = _model("a", {"writtenBy": ("Review", "Reviewer")})
    b = _model("b", {"writtenBy": ("Document", "Person")})
    relation = ("http://a#writtenBy", "http://b#writtenBy")
    assert conflicting_relations(a, b, [relation, *_classes("a", "b")]) == set()
    assert relation in {c.pair for c in match(a, b, MatchOptions(method="structural"))}


def test_ends_come_from_the_inverse_too() -> None:
    a = _model("a", {"writtenBy": (None, None), "writes": ("Reviewer", "Review")}, ("writtenBy", "writes"))
    b = _model("b", {"writtenBy": ("Paper", "Author")})
    relation = ("http://a#writtenBy", "http://b#writtenBy")
    assert conflicting_relations(a, b, [relation, *_classes("a", "b")]) == {relation}


def test_unmapped_or_undeclared_ends_say_nothing() -> None:
    a = _model("a", {"writtenBy": ("Review", None)})
    b = _model("b", {"writtenBy": ("Paper", "Author")})
    relation = ("http://a#writtenBy", "http://b#writtenBy")
    assert conflicting_relations(a, b, [relation]) == set()  # no class pair
    assert conflicting_relations(a, b, [relation, ("http://a#Person", "http://b#Person")]) == set()
    assert conflicting_relations(a, b, [relation, ("http://a#Review", "http://b#Review")]) == {relation}
