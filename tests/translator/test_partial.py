"""Synthetic pairs of independent models: two partial views of one ontology with the truth known."""

from __future__ import annotations

import random

from adapters import load_paths
from tests.paths import PLANT, shared
from translator.graph.classes import relation_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.decider.examples import partial_examples
from translator.matching.decider.partial import MIN_ENTITIES, SHARED, partial_views, restyle
from translator.matching.matcher import default_model_path
from translator.matching.options import MatchOptions
from translator.matching.text.wordnet import open_wordnet


def test_names_are_restyled_as_another_author_would_write_them() -> None:
    assert restyle(("paper", "full", "version"), "camel", concept=True) == "PaperFullVersion"
    assert restyle(("has", "author"), "camel", concept=False) == "hasAuthor"
    assert restyle(("paper", "full", "version"), "snake", concept=True) == "Paper_full_version"
    assert restyle(("has", "author"), "title-snake", concept=False) == "has_Author"
    assert restyle((), "camel", concept=True) == ""


def test_two_views_share_a_part_of_the_ontology_and_the_truth_names_it() -> None:
    onto = load_paths([shared("oaei-conference", "ontologies", "Cocus.owl")])
    own = {
        n.id: n
        for n in onto.own_nodes()
        if n.kind in (NodeKind.CLASS, NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY)
    }
    made = partial_views(onto, random.Random(4), open_wordnet())
    assert made is not None
    first, second, truth = made
    a_ids = {n.id for n in first.own_nodes()}
    b_ids = {n.id for n in second.own_nodes()}
    assert set(truth) <= b_ids
    assert set(truth.values()) <= a_ids
    # shared: 15-40 % of the ontology; the rest split between the views, none in both
    assert SHARED[0] * len(own) - 1 <= len(truth) <= SHARED[1] * len(own) + 1
    assert len(a_ids) + len(b_ids) - len(truth) == len(own)
    assert len(a_ids) - len(truth) > len(truth) // 2
    assert len(b_ids) - len(truth) > len(truth) // 2
    # nothing of the ontology's ids; the first view keeps the names, the second writes its own
    assert not any("cocus" in i.lower() for i in a_ids | b_ids)
    own_names = {n.name for n in own.values()}
    assert {n.name for n in first.own_nodes()} <= own_names
    assert sum(n.name not in own_names for n in second.own_nodes()) > len(b_ids) // 3
    # the hierarchy, domains and ranges stay within each view
    for view in (first, second):
        ends = {n.id for n in view.own_nodes()}
        for edge in view.edges():
            if relation_class(edge.relation) in ("is-a", "domain", "range") and edge.source in ends:
                assert edge.target in view
    assert any(relation_class(e.relation) == "is-a" for e in second.edges())


def test_a_small_ontology_gives_no_views_and_the_examples_teach_without_choosing() -> None:
    tiny = SchemaGraph("tiny")
    for k in range(MIN_ENTITIES - 1):
        tiny.add_node(Node(f"urn:t#C{k}", NodeKind.CLASS, f"C{k}"))
    assert partial_views(tiny, random.Random(0), None) is None
    plant = load_paths([PLANT])
    examples = partial_examples(
        plant, "plant", MatchOptions(model=str(default_model_path())), embeddings=False
    )
    assert len(examples) == 4
    assert not any(e.calibrates for e in examples)
    for e in examples:
        # some candidates are the truth, most are not: entities without partner
        assert int((e.labels == 1).sum()) >= 1
        assert int((e.labels == 0).sum()) > int((e.labels == 1).sum())
