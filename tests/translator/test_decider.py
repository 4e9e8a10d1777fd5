"""The learned decider: its trees, its model file, its assignment, its features and its training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from translator.alignment.model import Alignment, Correspondence
from translator.errors import InputError, TolkaError
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.decider.assign import assign
from translator.matching.decider.features import FEATURES, pair_features
from translator.matching.decider.model import Decider, load_decider, save_decider
from translator.matching.decider.training import counts, counts_by_threshold, fit_decider, labelled_example
from translator.matching.decider.trees import TreeEnsemble, from_sklearn
from translator.matching.entities import entity_texts
from translator.matching.evidence import combine
from translator.matching.matcher import gather_evidence
from translator.matching.options import MatchOptions


def _fitted(seed: int = 0) -> tuple[object, np.ndarray]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(400, 5))
    x[rng.random(x.shape) < 0.05] = np.nan  # missing values take the branch the tree learned
    y = ((np.nan_to_num(x[:, 0]) + 0.5 * np.nan_to_num(x[:, 3])) > 0).astype(int)
    return HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, y), x


def test_the_trees_predict_exactly_as_scikit_learn_and_survive_json() -> None:
    model, x = _fitted()
    ensemble = from_sklearn(model)
    expected = model.predict_proba(x)[:, 1]  # type: ignore[attr-defined]
    assert np.abs(ensemble.probability(x) - expected).max() < 1e-12
    again = TreeEnsemble.from_json(json.loads(json.dumps(ensemble.to_json())))
    assert np.abs(again.probability(x) - expected).max() < 1e-12


def test_malformed_trees_are_refused() -> None:
    model, _ = _fitted()
    data = from_sklearn(model).to_json()
    data["trees"][0]["left"][0] = 0  # a node pointing at itself would never reach a leaf
    with pytest.raises(TolkaError, match="malformed"):
        TreeEnsemble.from_json(data)
    with pytest.raises(TolkaError, match="features per row"):
        from_sklearn(model).probability(np.zeros((2, 3)))


def test_a_decider_file_round_trips_and_bad_files_are_named(tmp_path: Path) -> None:
    model, x = _fitted()
    decider = Decider(FEATURES[:5], from_sklearn(model), 0.42, {"pairs": ["a"]})
    path = tmp_path / "decider.json"
    save_decider(decider, path)
    loaded = load_decider(path)
    assert loaded.threshold == 0.42
    assert loaded.features == FEATURES[:5]
    rows = np.zeros((len(x), len(FEATURES)))
    rows[:, :5] = x
    assert np.allclose(loaded.probability(rows), decider.probability(rows))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(InputError, match="not a Tolka decider") as caught:
        load_decider(bad)
    assert str(bad) in str(caught.value)
    with pytest.raises(InputError, match="not found"):
        load_decider(tmp_path / "missing.json")
    with pytest.raises(TolkaError, match="unknown features"):
        Decider(("no such feature", *FEATURES[:4]), from_sklearn(model), 0.5)


def _node(node_id: str, name: str, kind: NodeKind) -> Node:
    return Node(node_id, kind, name)


def test_namesakes_join_the_partner_of_a_matched_namesake_only_where_one_side_repeats_a_name() -> None:
    # a JSON Schema repeats "description" in three objects; the ontology defines it once
    source = entity_texts(
        [_node(f"s{k}", "description", NodeKind.FIELD) for k in range(3)]
        + [_node("s9", "title", NodeKind.FIELD)]
    )
    target = entity_texts(
        [
            _node("t0", "description", NodeKind.DATATYPE_PROPERTY),
            _node("t1", "title", NodeKind.DATATYPE_PROPERTY),
        ]
    )
    probability = sparse.csr_matrix(np.array([[0.9, 0.0], [0.6, 0.0], [0.3, 0.0], [0.0, 0.8]]))
    pairs = assign(probability, source, target, 0.5)
    assert [(i, j) for i, j, _ in pairs] == [(0, 0), (1, 0), (3, 1)]  # s2 stays out: below the threshold
    assert [(i, j) for i, j, _ in assign(probability, source, target, 0.5, many=False)] == [(0, 0), (3, 1)]
    # a standard property belongs to its parent: two variables' EngineeringUnits never share one partner
    units = entity_texts([_node(f"u{k}", "EngineeringUnits", NodeKind.PROPERTY) for k in range(2)])
    one = entity_texts([_node("v0", "EngineeringUnits", NodeKind.PROPERTY)])
    both = sparse.csr_matrix(np.array([[0.9], [0.8]]))
    assert [(i, j) for i, j, _ in assign(both, units, one, 0.5)] == [(0, 0)]
    # both sides repeat the name (two versions of one model): one-to-one
    twice = entity_texts(
        [
            _node("t0", "description", NodeKind.DATATYPE_PROPERTY),
            _node("t2", "description", NodeKind.DATATYPE_PROPERTY),
        ]
    )
    square = sparse.csr_matrix(np.array([[0.9, 0.7], [0.8, 0.0]]))
    assert [(i, j) for i, j, _ in assign(square, source[:2], twice, 0.5)] == [(0, 0)]
    # one side repeats the name more often than the other, which repeats it too (an old version kept a
    # state's StateNumber under states the new one dropped): the extra occurrence keeps no partner
    fewer = entity_texts(
        [
            _node("t0", "description", NodeKind.DATATYPE_PROPERTY),
            _node("t1", "description", NodeKind.DATATYPE_PROPERTY),
            _node("t2", "title", NodeKind.DATATYPE_PROPERTY),
        ]
    )
    thrice = sparse.csr_matrix(np.array([[0.9, 0.0, 0.0], [0.0, 0.8, 0.0], [0.7, 0.6, 0.0], [0.0, 0.0, 0.8]]))
    assert [(i, j) for i, j, _ in assign(thrice, source, fewer, 0.5)] == [(0, 0), (1, 1), (3, 2)]
    # an accepted seed is a matched pair: its namesakes join its partner, nothing else takes its column
    seeded = sparse.csr_matrix(np.array([[0.4, 0.0], [0.6, 0.0], [0.3, 0.0], [0.9, 0.8]]))
    pairs = assign(seeded, source, target, 0.5, seeds=[(0, 0)])
    assert [(i, j) for i, j, _ in pairs] == [(1, 0), (3, 1)]


def test_the_superclass_qualified_form_of_a_matched_class_joins_its_partner() -> None:
    # MatOnto tells the element Argon ⊑ Element from ArgonAtom ⊑ Atom; a materials model has one Ar ⊑ Atom
    source = entity_texts([_node("s0", "Ar", NodeKind.CLASS), _node("s1", "Ne", NodeKind.CLASS)])
    target = entity_texts(
        [
            _node("t0", "ArgonAtom", NodeKind.CLASS),
            _node("t1", "Argon", NodeKind.CLASS),
            _node("t2", "NeonAtom", NodeKind.CLASS),
            _node("t3", "Neon", NodeKind.CLASS),
        ]
    )
    atom: tuple[tuple[str, ...], ...] = (("atom",),)
    element: tuple[tuple[str, ...], ...] = (("element",),)
    parents = ([atom, atom], [atom, element, atom, element])
    # the names find the elements; the atoms follow, whatever the decider made of them
    probability = sparse.csr_matrix(np.array([[0.1, 0.9, 0.0, 0.0], [0.0, 0.0, 0.0, 0.3]]))
    pairs = assign(probability, source, target, 0.5, parents=parents)
    assert pairs == [(0, 0, 0.9), (0, 1, 0.9)]  # Ne -> Neon is below the threshold: NeonAtom stays out
    # a reviewer's rejection stands against the names
    kept = assign(probability, source, target, 0.5, parents=parents, rejected={(0, 0)})
    assert [(i, j) for i, j, _ in kept] == [(0, 1)]
    assert [(i, j) for i, j, _ in assign(probability, source, target, 0.5)] == [(0, 1)]
    # the partner must have that superclass: Ar under Particle says nothing of ArgonAtom
    particle: tuple[tuple[str, ...], ...] = (("particle",),)
    assert [
        (i, j)
        for i, j, _ in assign(probability, source, target, 0.5, parents=([particle, particle], parents[1]))
    ] == [(0, 1)]
    # never the other way: where the qualified form was matched, the bare name is another thing
    # (Temperature ⊑ Sensor found TemperatureSensor ⊑ Sensor; a Temperature ⊑ Quantity stays out)
    atom_first = sparse.csr_matrix(np.array([[0.9, 0.7, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]))
    assert [(i, j) for i, j, _ in assign(atom_first, source, target, 0.5, parents=parents)] == [(0, 0)]


def _graph(name: str, names: list[str]) -> SchemaGraph:
    graph = SchemaGraph(name)
    graph.add_node(Node(f"{name}#Thing", NodeKind.CLASS, "Thing"))
    for text in names:
        graph.add_node(Node(f"{name}#{text}", NodeKind.CLASS, text))
        graph.add_edge(f"{name}#{text}", f"{name}#Thing", "rdfs:subClassOf")
    return graph


def _example(name: str, left: list[str], right: list[str], truth: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    a, b = _graph(f"http://{name}-a", left), _graph(f"http://{name}-b", right)
    evidence = gather_evidence(a, b, MatchOptions(method="structural", synonyms=False))
    features = pair_features(evidence, combine(evidence, MatchOptions(), method="structural").matrix)
    reference = Alignment("a", "b")
    reference.extend(Correspondence(f"http://{name}-a#{x}", f"http://{name}-b#{y}") for x, y in truth)
    return labelled_example(
        name, name, features, evidence.candidates.source, evidence.candidates.target, reference
    )


def test_features_are_named_columns_of_the_candidates() -> None:
    example = _example(
        "f", ["Author", "Paper", "Review"], ["Author", "Article", "Reviewing"], [("Author", "Author")]
    )
    matrix = example.features.matrix
    assert matrix.shape[1] == len(FEATURES)
    assert len(matrix) == len(example.labels) > 0
    k = int(np.flatnonzero(example.labels == 1)[0])
    assert matrix[k, FEATURES.index("same_name")] == 1.0
    assert matrix[k, FEATURES.index("lexical")] == pytest.approx(1.0)
    assert matrix[:, FEATURES.index("has_gnn")].max() == 0.0  # gathered without the GNN


def test_pair_overlap_tells_versions_from_models_that_share_a_few_names() -> None:
    # 4 entities a side (Thing and three): all named alike in the version pair, two (Thing, Review) in the other
    version = _example("v", ["Author", "Paper", "Review"], ["Author", "Paper", "Review"], [])
    distant = _example("d", ["Author", "Paper", "Review"], ["Writer", "Article", "Review"], [])
    overlap = FEATURES.index("pair_overlap")
    for example, share in ((version, 4 / 4), (distant, 2 / 4)):
        column = example.features.matrix[:, overlap]
        assert column.min() == column.max() == pytest.approx(share)  # one value for the whole pair


def test_a_rejection_does_not_change_how_much_of_the_models_corresponds() -> None:
    from translator.alignment.model import Status

    a = _graph("http://a", ["Author", "Paper", "Review"])
    b = _graph("http://b", ["Author", "Paper", "Review"])
    seeds = Alignment("a", "b")
    seeds.add(Correspondence("http://a#Paper", "http://b#Paper", status=Status.REJECTED))
    overlap = FEATURES.index("pair_overlap")
    for given in (None, seeds):
        ev = gather_evidence(a, b, MatchOptions(method="decider", synonyms=False), seeds=given)
        features = pair_features(ev, combine(ev, MatchOptions(), method="structural").matrix)
        assert features.matrix[:, overlap].max() == pytest.approx(1.0)  # the names are as alike as before
        pairs = {(ev.candidates.source[i].label, ev.candidates.target[j].label) for i, j in ev.rejected}
        assert pairs == ({("Paper", "Paper")} if given else set())


def test_the_decider_learns_from_labelled_pairs_and_chooses_its_threshold_out_of_fold() -> None:
    words = ["Author", "Paper", "Review", "Conference", "Person", "Chair", "Topic", "Session"]
    examples = [
        _example(f"p{k}", [*words[k:], "Extra"], [*words[k:], "Other"], [(w, w) for w in words[k:]])
        for k in range(4)
    ]
    decider = fit_decider(examples, features=[f for f in FEATURES if "gnn" not in f])
    assert "inner cross-validation" in decider.training["threshold"]["how"]
    assert decider.training["true_candidates"] == sum(int((e.labels == 1).sum()) for e in examples)
    probability = decider.probability(examples[0].features.matrix)
    tp, fp, fn = counts(examples[0], probability, decider.threshold)
    assert (tp, fp, fn) == (8, 0, 0)
    grid = (0.05, 0.3, 0.6, 0.9)  # one greedy pass serves every threshold
    other = decider.probability(examples[1].features.matrix)
    assert counts_by_threshold(examples[1], other, grid) == {t: counts(examples[1], other, t) for t in grid}
    with pytest.raises(TolkaError, match="no labelled pairs"):
        fit_decider([])


def test_an_ontology_seen_as_a_json_schema_keeps_the_truth_many_to_one() -> None:
    import random

    from translator.matching.decider.views import json_name, json_schema_view

    onto = SchemaGraph("http://o")
    for name in ("Device", "Pump"):
        onto.add_node(Node(f"http://o#{name}", NodeKind.CLASS, name))
    onto.add_edge("http://o#Pump", "http://o#Device", "rdfs:subClassOf")
    onto.add_node(Node("http://o#hasName", NodeKind.DATATYPE_PROPERTY, "hasName", datatype="xsd:string"))
    onto.add_node(Node("http://o#isPartOf", NodeKind.OBJECT_PROPERTY, "isPartOf"))
    for owner in ("Device", "Pump"):
        onto.add_edge("http://o#hasName", f"http://o#{owner}", "rdfs:domain")
    onto.add_edge("http://o#isPartOf", "http://o#Pump", "rdfs:domain")
    onto.add_edge("http://o#isPartOf", "http://o#Device", "rdfs:range")
    view, truth = json_schema_view(onto, random.Random(0))
    by_path = {view[v].path: o for v, o in truth.items()}
    assert by_path["/Device"] == "http://o#Device"
    assert by_path["/Device/name"] == by_path["/Pump/name"] == "http://o#hasName"  # one property, two members
    part = next(p for p in by_path if p.startswith("/Pump/part"))
    assert by_path[part] == "http://o#isPartOf"
    ids = {view[v].path: v for v in truth}
    assert {(e.relation, view[e.target].path) for e in view.out_edges(ids["/Pump"])} == {
        ("extends", "/Device"),
        ("child", "/Pump/name"),
        ("child", part),
    }
    assert [(e.relation, view[e.target].path) for e in view.out_edges(ids[part])] == [("ref", "/Device")]
    assert not any(v.startswith("http://o#") for v in truth)  # no ontology id leaks into the view
    assert json_name("hasForm", random.Random(1), to_many=False) == "form"
    assert json_name("descriptionOf", random.Random(1), to_many=False) == "description"


def test_a_flattened_view_repeats_inherited_properties_in_every_subclass() -> None:
    """Hand-written schemas often repeat what a definition inherits (WoT's security schemes each list
    ``description`` and ``proxy``): one ontology property, a member of every subclass of its domain."""
    import random

    from translator.matching.decider.views import json_schema_view

    onto = SchemaGraph("http://o")
    for name in ("Scheme", "BasicScheme", "OAuthScheme", "ImplicitOAuth", "Thing"):
        onto.add_node(Node(f"http://o#{name}", NodeKind.CLASS, name))
    for sub, sup in (("BasicScheme", "Scheme"), ("OAuthScheme", "Scheme"), ("ImplicitOAuth", "OAuthScheme")):
        onto.add_edge(f"http://o#{sub}", f"http://o#{sup}", "rdfs:subClassOf")
    onto.add_node(Node("http://o#proxy", NodeKind.DATATYPE_PROPERTY, "proxy", datatype="xsd:anyURI"))
    onto.add_edge("http://o#proxy", "http://o#Scheme", "rdfs:domain")
    onto.add_node(Node("http://o#title", NodeKind.DATATYPE_PROPERTY, "title", datatype="xsd:string"))

    view, truth = json_schema_view(onto, random.Random(0), flatten=True)
    proxies = sorted(view[v].path for v, o in truth.items() if o == "http://o#proxy")
    assert proxies == ["/BasicScheme/proxy", "/ImplicitOAuth/proxy", "/OAuthScheme/proxy", "/Scheme/proxy"]
    assert [view[v].path for v, o in truth.items() if o == "http://o#title"] == ["/title"]  # no domain
    plain, plain_truth = json_schema_view(onto, random.Random(0))
    assert [plain[v].path for v, o in plain_truth.items() if o == "http://o#proxy"] == ["/Scheme/proxy"]
    assert "flattened" in view.name
    assert "flattened" not in plain.name


def test_synthetic_examples_share_the_inner_fold_of_their_ontology() -> None:
    """The threshold is chosen on predictions for models the trees never saw: the views and renderings
    of one ontology form one group, the group of a labelled pair of that model when there is one."""
    from translator.matching.decider.examples import ontology_group

    def ontology(iri: str, names: tuple[str, ...]) -> SchemaGraph:
        graph = SchemaGraph(iri)
        for name in names:
            graph.add_node(Node(f"{iri}#{name}", NodeKind.CLASS, name))
        return graph

    cmt = ontology("http://cmt", ("Paper", "Author", "Review", "Conference"))
    renamed = ontology("http://cmt-copy", ("Paper", "Author", "Review", "Chair"))  # the same model
    other = ontology("http://pump", ("Pump", "Valve", "Motor"))
    labelled = {3: [renamed, other], 5: [other]}
    assert ontology_group(cmt, labelled) == 3
    assert ontology_group(cmt) == ("ontology", "http://cmt")
    assert ontology_group(ontology("http://x", ("Sensor", "Actuator")), labelled) == ("ontology", "http://x")


def test_the_hard_rules_hold_whatever_the_trees_say() -> None:
    model, x = _fitted()
    decider = Decider(FEATURES[:5], from_sklearn(model), 0.5)
    rows = np.zeros((4, len(FEATURES)))
    rows[:, :5] = x[:4]
    rows[:, FEATURES.index("kind_factor")] = 1.0
    rows[:, FEATURES.index("datatype_factor")] = 1.0
    allowed = decider.probability(rows)
    rows[1, FEATURES.index("unit_incompatible")] = 1.0  # °C against bar
    rows[2, FEATURES.index("kind_factor")] = 0.0  # a class against a property
    rows[3, FEATURES.index("datatype_factor")] = 0.0  # a boolean against a number
    assert allowed.min() > 0
    assert decider.probability(rows).tolist() == [allowed[0], 0.0, 0.0, 0.0]


def test_more_evidence_for_a_pair_never_lowers_its_probability() -> None:
    from dataclasses import replace

    words = ["Author", "Paper", "Review", "Conference", "Person", "Chair", "Topic", "Session", "Track"]
    rng = np.random.default_rng(0)
    dice, lexical = FEATURES.index("dice"), FEATURES.index("lexical")
    examples = []
    for k in range(4):
        example = _example(f"m{k}", words[k:], [w.lower() + "s" for w in words[k:]], [])
        matrix = example.features.matrix.copy()
        matrix[:, dice] = rng.random(len(matrix))
        # labels that read the evidence upside down: the less alike, the likelier (a family's quirk)
        labels = (matrix[:, dice] < 0.5).astype(np.int64)
        examples.append(
            replace(
                example,
                features=replace(example.features, matrix=matrix),
                labels=labels,
                reference_size=int(labels.sum()),
            )
        )
    decider = fit_decider(examples, features=["dice", "lexical", "same_kind"])
    assert decider.training["monotone"] == {"dice": 1, "lexical": 1}
    rows = np.repeat(examples[0].features.matrix[:1], 11, axis=0)
    rows[:, dice] = np.linspace(0.0, 1.0, 11)
    rows[:, lexical] = 0.5
    probability = decider.probability(rows)
    assert np.all(np.diff(probability) >= 0)


def person_graph(name: str, cls: str) -> SchemaGraph:
    """A class whose two datatype properties (Name, Email) have it as their domain."""
    graph = SchemaGraph(name)
    graph.add_node(Node(f"{name}#{cls}", NodeKind.CLASS, cls))
    for prop in ("Name", "Email"):
        graph.add_node(Node(f"{name}#{prop}", NodeKind.DATATYPE_PROPERTY, prop))
        graph.add_edge(f"{name}#{prop}", f"{name}#{cls}", "rdfs:domain")
    return graph


def test_an_accepted_seed_is_context_for_its_neighbours_but_not_a_score_of_its_own() -> None:
    from translator.alignment.model import Status

    a, b = person_graph("http://a", "Person"), person_graph("http://b", "Mensch")  # names no rule relates
    seeds = Alignment("a", "b")
    seeds.add(Correspondence("http://a#Person", "http://b#Mensch", status=Status.ACCEPTED))

    def row(given: Alignment | None, pair: tuple[str, str]) -> np.ndarray:
        ev = gather_evidence(a, b, MatchOptions(method="decider", synonyms=False), seeds=given)
        features = pair_features(ev, combine(ev, MatchOptions(), method="structural").matrix)
        src, tgt = ev.candidates.source, ev.candidates.target
        for k, (i, j) in enumerate(zip(features.rows, features.cols, strict=True)):
            if (src[i].id, tgt[j].id) == pair:
                return features.matrix[k]
        raise AssertionError(f"{pair} is no candidate")

    name = ("http://a#Name", "http://b#Name")
    agreement = FEATURES.index("neighbour_agreement")
    assert row(None, name)[agreement] == 0.0  # Person and Mensch: strangers by name
    assert row(seeds, name)[agreement] == 1.0  # an engineer said they are one thing
    seeded, plain = (
        row(seeds, ("http://a#Person", "http://b#Mensch")),
        row(None, ("http://a#Person", "http://b#Mensch")),
    )
    lexical = FEATURES.index("lexical")
    assert seeded[lexical] == plain[lexical] < 0.75  # the seed's own evidence reads as found


def test_among_look_alikes_the_one_whose_neighbours_meet_leads_on_agreement() -> None:
    # an ontology property valueId of the class Property; a JSON Schema whose definitions Property
    # and MultiLanguageProperty each have a member valueId: the two members look alike, and only
    # the first one's neighbour (its definition) meets the property's (its domain)
    onto = SchemaGraph("http://o")
    for owner in ("Property", "MultiLanguageProperty"):
        onto.add_node(Node(f"http://o#{owner}", NodeKind.CLASS, owner))
    onto.add_node(Node("http://o#valueId", NodeKind.OBJECT_PROPERTY, "valueId"))
    onto.add_edge("http://o#valueId", "http://o#Property", "rdfs:domain")
    schema = SchemaGraph("urn:s")
    for owner in ("Property", "MultiLanguageProperty"):
        schema.add_node(Node(f"urn:s#/definitions/{owner}", NodeKind.OBJECT_TYPE, owner))
        member = f"urn:s#/definitions/{owner}/properties/valueId"
        schema.add_node(Node(member, NodeKind.OBJECT, "valueId", path=f"/{owner}/valueId"))
        schema.add_edge(f"urn:s#/definitions/{owner}", member, "child")
    evidence = gather_evidence(onto, schema, MatchOptions(method="structural", synonyms=False))
    features = pair_features(evidence, combine(evidence, MatchOptions(), method="structural").matrix)
    src, tgt = evidence.candidates.source, evidence.candidates.target
    rows = {
        tgt[j].id.split("/")[-3]: features.matrix[k]
        for k, (i, j) in enumerate(zip(features.rows, features.cols, strict=True))
        if src[i].id == "http://o#valueId"
    }
    own, other = rows["Property"], rows["MultiLanguageProperty"]

    def column(name: str) -> tuple[float, float]:
        return float(own[FEATURES.index(name)]), float(other[FEATURES.index(name)])

    assert column("lexical")[0] == column("lexical")[1]  # alike by name
    assert column("neighbour_agreement") == (1.0, 0.0)
    assert column("neighbour_agreement_row_best") == (1.0, 0.0)
    assert column("neighbour_agreement_row_margin") == (1.0, -1.0)
    assert column("neighbour_agreement_col_best") == (1.0, 1.0)  # each member has one candidate here
