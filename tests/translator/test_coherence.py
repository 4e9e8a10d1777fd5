"""Coherent alignments: class pairs that clash with disjointness or cross a sub-class chain are removed
(the least total score: of two, the lower-scored one; never a seed) and reported, beside the
domain/range removals."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters import load_paths
from tests.paths import TEST_DATA, VENDOR_A, VENDOR_B
from translator.alignment.model import Alignment, Correspondence, Status
from translator.graph.model import SchemaGraph
from translator.matching.coherence import Removal, repair
from translator.matching.decision import Decision, decide_with_report
from translator.matching.evidence import combine
from translator.matching.hierarchy import ClassHierarchy
from translator.matching.matcher import MatchOptions, gather_evidence

PREFIXES = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

CONFERENCE = """\
:Person a owl:Class .
:Author a owl:Class ; rdfs:subClassOf :Person .
:Paper a owl:Class .
"""
"""A model without disjointness."""

LIBRARY = """\
:Human a owl:Class .
:Writer a owl:Class ; rdfs:subClassOf :Human .
:Document a owl:Class ; owl:disjointWith :Human .
:Article a owl:Class ; rdfs:subClassOf :Document .
"""
"""A model whose documents are declared disjoint from humans (so an article is not a human either)."""


def turtle_file(folder: Path, name: str, body: str) -> Path:
    """Ontology ``<http://name>`` written to ``folder/name.ttl``: ``body`` is Turtle with ``:`` the
    model's namespace and the ``owl:`` and ``rdfs:`` prefixes."""
    path = folder / f"{name}.ttl"
    path.write_text(
        f"@prefix : <http://{name}#> .\n{PREFIXES}<http://{name}> a owl:Ontology .\n{body}", encoding="utf-8"
    )
    return path


def _ontology(tmp_path: Path, name: str, body: str) -> SchemaGraph:
    """``body`` (see :func:`turtle_file`) loaded through the RDF adapter."""
    return load_paths([turtle_file(tmp_path, name, body)])


def _pairs(*items: tuple[str, str, float]) -> list[tuple[str, str, float]]:
    """``("Author", "Article", 0.7)`` → the ids of a correspondence from ``a`` to ``b``."""
    return [(f"http://a#{x}", f"http://b#{y}", score) for x, y, score in items]


@pytest.fixture
def models(tmp_path: Path) -> tuple[SchemaGraph, SchemaGraph]:
    return _ontology(tmp_path, "a", CONFERENCE), _ontology(tmp_path, "b", LIBRARY)


def test_a_pair_under_disjoint_images_loses_to_the_higher_scored(
    models: tuple[SchemaGraph, SchemaGraph],
) -> None:
    a, b = models
    chosen = _pairs(("Person", "Human", 0.9), ("Author", "Article", 0.7), ("Paper", "Document", 0.8))
    kept, removed = repair(a, b, chosen)
    assert kept == [chosen[0], chosen[2]]
    assert removed == [
        Removal(
            "http://a#Author",
            "http://b#Article",
            0.7,
            "disjoint",
            ("http://a#Person", "http://b#Human"),
            "disjoint: Author→Article conflicts with Person→Human because Article and Human are disjoint "
            "(Document disjointWith Human) and Author ⊑ Person",
        )
    ]
    # the same conflict with the scores the other way round: the other pair goes
    kept, removed = repair(a, b, _pairs(("Person", "Human", 0.6), ("Author", "Article", 0.7)))
    assert [(r.pair, r.conflicting) for r in removed] == [
        (("http://a#Person", "http://b#Human"), ("http://a#Author", "http://b#Article"))
    ]
    assert "Human and Article are disjoint" in removed[0].reason


def test_disjointness_on_the_source_side_and_one_class_for_two_disjoint_ones(
    models: tuple[SchemaGraph, SchemaGraph],
) -> None:
    a, b = models
    flipped = [(y, x, s) for x, y, s in _pairs(("Person", "Human", 0.9), ("Author", "Article", 0.7))]
    kept, removed = repair(b, a, flipped)
    assert kept == flipped[:1]
    assert removed[0].reason.endswith(
        "because Article and Human are disjoint (Document disjointWith Human) and Author ⊑ Person"
    )
    kept, removed = repair(a, b, _pairs(("Paper", "Article", 0.8), ("Paper", "Writer", 0.5)))
    assert [r.pair for r in removed] == [("http://a#Paper", "http://b#Writer")]
    assert removed[0].reason.endswith(
        "Writer and Article are disjoint (Human disjointWith Document) and Paper maps to both"
    )


def test_a_crossed_sub_class_chain_loses_the_lower_scored_pair(
    models: tuple[SchemaGraph, SchemaGraph],
) -> None:
    a, b = models
    crossed = _pairs(("Person", "Writer", 0.8), ("Author", "Human", 0.75))
    kept, removed = repair(a, b, crossed)
    assert kept == crossed[:1]
    assert [(r.kind, r.reason) for r in removed] == [
        (
            "crossing",
            "crossing: Author→Human conflicts with Person→Writer because Author ⊑ Person but Writer ⊑ Human, "
            "which would make Author ≡ Person",
        )
    ]


QUANTITIES = """\
:Quantity a owl:Class .
:Base a owl:Class ; rdfs:subClassOf :Quantity .
:Mass a owl:Class ; rdfs:subClassOf :Base .
:Length a owl:Class ; rdfs:subClassOf :Base .
:Time a owl:Class ; rdfs:subClassOf :Base .
"""
"""Physical quantities, the SI base quantities under ``Base``."""

CHEMISTRY = """\
:Independent a owl:Class .
:Dependent a owl:Class ; owl:disjointWith :Independent .
:Base a owl:Class ; rdfs:subClassOf :Independent .
:Mass a owl:Class ; rdfs:subClassOf :Dependent .
:Length a owl:Class ; rdfs:subClassOf :Dependent .
:Time a owl:Class ; rdfs:subClassOf :Dependent .
"""
"""A chemistry model: a ``Base`` is a substance, disjoint from the qualities such as ``Mass``."""


def test_one_wrong_pair_that_conflicts_with_many_goes_rather_than_all_of_them(tmp_path: Path) -> None:
    a, b = _ontology(tmp_path, "a", QUANTITIES), _ontology(tmp_path, "b", CHEMISTRY)
    chosen = _pairs(
        ("Base", "Base", 0.8), ("Mass", "Mass", 0.7), ("Length", "Length", 0.7), ("Time", "Time", 0.6)
    )
    kept, removed = repair(a, b, chosen)
    assert kept == chosen[1:]  # three pairs of 0.6-0.7 outweigh one of 0.8
    assert [(r.pair, r.conflicting) for r in removed] == [(chosen[0][:2], chosen[2][:2])]
    assert removed[0].reason == (
        "disjoint: Base→Base conflicts with Length→Length because Base and Length are disjoint "
        "(Independent disjointWith Dependent) and Length ⊑ Base"
    )
    # against one of them alone, the higher-scored pair stays
    kept, removed = repair(a, b, chosen[:2])
    assert kept == chosen[:1]
    assert [r.pair for r in removed] == [chosen[1][:2]]


def test_a_seed_is_kept_and_the_other_pair_goes(models: tuple[SchemaGraph, SchemaGraph]) -> None:
    a, b = models
    chosen = _pairs(("Person", "Human", 0.9), ("Author", "Article", 0.4))
    seed = chosen[1][:2]
    kept, removed = repair(a, b, chosen, keep={seed})
    assert kept == chosen[1:]
    assert [(r.pair, r.conflicting) for r in removed] == [(chosen[0][:2], seed)]


def test_a_coherent_alignment_is_unchanged(models: tuple[SchemaGraph, SchemaGraph]) -> None:
    a, b = models
    chosen = _pairs(("Person", "Human", 0.9), ("Author", "Writer", 0.8), ("Paper", "Article", 0.7))
    assert repair(a, b, chosen) == (chosen, [])
    # a class and its sub-class mapped to one class collapse no chain the other side has: no crossing
    assert repair(a, b, _pairs(("Person", "Human", 0.9), ("Author", "Human", 0.8)))[1] == []


def test_a_class_its_own_model_leaves_unsatisfiable_takes_part_in_no_conflict(tmp_path: Path) -> None:
    a = _ontology(tmp_path, "a", CONFERENCE)
    leaflets = ":Leaflet a owl:Class ; owl:disjointWith :Article .\n:Pamphlet a owl:Class ; rdfs:subClassOf :Article, :Leaflet .\n"
    b = _ontology(tmp_path, "b", LIBRARY + leaflets)
    assert not ClassHierarchy(b).satisfiable("http://b#Pamphlet")
    chosen = _pairs(("Person", "Human", 0.9), ("Author", "Pamphlet", 0.5))
    assert repair(a, b, chosen) == (chosen, [])  # the library model, not the alignment, is at fault
    assert len(repair(a, b, _pairs(("Person", "Human", 0.9), ("Author", "Article", 0.5)))[1]) == 1


def _decide(
    a: SchemaGraph, b: SchemaGraph, seeds: Alignment | None = None, *, metadata: bool = False
) -> Decision:
    options = MatchOptions(method="structural", metadata=metadata)
    return decide_with_report(combine(gather_evidence(a, b, options, seeds=seeds), options), options)


CHAIRS = """\
:Person a owl:Class .
:Chair a owl:Class ; rdfs:subClassOf :Person .
:Review a owl:Class .
:Reviewer a owl:Class ; rdfs:subClassOf :Person .
:writtenBy a owl:ObjectProperty ; rdfs:domain :Review ; rdfs:range :Reviewer .
"""
FURNITURE = """\
:Person a owl:Class .
:Furniture a owl:Class ; owl:disjointWith :Person .
:Chair a owl:Class ; rdfs:subClassOf :Furniture .
:Paper a owl:Class .
:Author a owl:Class ; rdfs:subClassOf :Person .
:Reviewer a owl:Class ; rdfs:subClassOf :Person .
:writtenBy a owl:ObjectProperty ; rdfs:domain :Paper ; rdfs:range :Author .
"""


def test_a_match_removes_and_reports_incoherent_and_contradicting_pairs(tmp_path: Path) -> None:
    a, b = _ontology(tmp_path, "a", CHAIRS), _ontology(tmp_path, "b", FURNITURE)
    names = {(x, y) for x, y, _ in _pairs(("Chair", "Chair", 1), ("Person", "Person", 1))}
    lexical = MatchOptions(method="lexical")  # names only, no repair: both namesakes are proposed
    assert names <= {
        c.pair for c in decide_with_report(combine(gather_evidence(a, b, lexical)), lexical).alignment
    }
    decision = _decide(a, b)
    found = {c.pair for c in decision.alignment}
    assert ("http://a#Reviewer", "http://b#Reviewer") in found
    assert len(names & found) == 1  # the chair (a person on one side, furniture on the other) or the person
    assert {r.kind for r in decision.removals} == {"disjoint", "range"}
    assert not {r.pair for r in decision.removals} & found
    disjoint = next(r for r in decision.removals if r.kind == "disjoint")
    assert {disjoint.pair, disjoint.conflicting} == names
    assert (
        "because Chair and Person are disjoint (Furniture disjointWith Person) and Chair ⊑ Person"
        in disjoint.reason
    )
    contradicting = next(r for r in decision.removals if r.kind == "range")
    assert contradicting.pair == ("http://a#writtenBy", "http://b#writtenBy")
    assert contradicting.conflicting == ("http://a#Reviewer", "http://b#Reviewer")
    assert contradicting.reason.startswith(
        "range: writtenBy→writtenBy conflicts with Reviewer→Reviewer because"
    )


def test_a_seed_survives_a_match_and_its_rival_is_removed(tmp_path: Path) -> None:
    a, b = _ontology(tmp_path, "a", CHAIRS), _ontology(tmp_path, "b", FURNITURE)
    seed = ("http://a#Chair", "http://b#Chair")
    seeds = Alignment("a", "b", [Correspondence(*seed, status=Status.ACCEPTED)])
    decision = _decide(a, b, seeds)
    statuses = {c.pair: c.status for c in decision.alignment}
    assert statuses[seed] is Status.ACCEPTED
    assert ("http://a#Person", "http://b#Person") not in statuses
    assert ("http://a#Person", "http://b#Person", "disjoint", seed) in {
        (*r.pair, r.kind, r.conflicting) for r in decision.removals
    }


@pytest.mark.parametrize("target", [VENDOR_B, TEST_DATA / "pump.schema.json"], ids=["opcua", "json"])
def test_models_without_the_axioms_are_untouched(target: Path) -> None:
    a, b = load_paths([VENDOR_A]), load_paths([target])
    assert ClassHierarchy(a).empty  # OPC UA subtypes are not OWL sub-classes
    assert ClassHierarchy(b).empty
    decision = _decide(a, b, metadata=True)  # the vendors' names differ: their standard properties match
    assert len(decision.alignment) >= 3
    assert decision.removals == ()
    chosen = [(c.subject_id, c.object_id, c.confidence) for c in decision.alignment]
    assert repair(a, b, chosen) == (chosen, [])
