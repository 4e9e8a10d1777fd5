"""The decider's rounds: what one round decided is context for the next (issue 21, point 3)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from tests.translator.test_decider import person_graph
from translator.matching.decider.context import MUTUAL, STRONG, mutual_best, settled
from translator.matching.decider.features import FEATURES, pair_features
from translator.matching.decider.model import Decider
from translator.matching.decider.scoring import decided_pairs, decider_scores, with_context
from translator.matching.decider.trees import from_sklearn
from translator.matching.evidence import Evidence, combine
from translator.matching.matcher import gather_evidence
from translator.matching.options import MatchOptions


def test_a_round_decides_the_mutual_best_pairs_at_the_threshold() -> None:
    probability = sparse.csr_matrix(
        np.array(
            [
                [0.9, 0.2, 0.0],  # best of its row and of its column: decided
                [0.8, 0.0, 0.0],  # best of its row, but column 0 has 0.9: not decided
                [0.0, 0.0, 0.4],  # mutual best, below the threshold: not decided
                [0.0, 0.7, 0.0],  # mutual best: decided unless rejected
            ]
        )
    )
    assert decided_pairs(probability, 0.5) == [(0, 0), (3, 1)]
    assert decided_pairs(probability, 0.5, frozenset({(3, 1)})) == [(0, 0)]
    assert decided_pairs(probability, 0.3) == [(0, 0), (2, 2), (3, 1)]
    assert decided_pairs(sparse.csr_matrix((2, 2)), 0.5) == []
    # a pair the hard rules forbid (probability 0, stored) is never decided, whatever the threshold
    forbidden = sparse.csr_matrix((np.array([0.0, 0.6]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    assert decided_pairs(forbidden, 0.0) == [(1, 1)]


def _evidence() -> Evidence:
    # Person and Mensch: names no rule relates (no dictionary here); their properties named alike
    options = MatchOptions(method="decider", synonyms=False)
    return gather_evidence(person_graph("http://a", "Person"), person_graph("http://b", "Mensch"), options)


def test_a_decided_pair_is_context_for_its_neighbours_in_the_next_round() -> None:
    evidence = _evidence()
    features = pair_features(evidence, combine(evidence, MatchOptions(), method="structural").matrix)
    src, tgt = evidence.candidates.source, evidence.candidates.target
    pairs = [(src[i].id, tgt[j].id) for i, j in zip(features.rows, features.cols, strict=True)]
    k = pairs.index(("http://a#Person", "http://b#Mensch"))
    person = (int(features.rows[k]), int(features.cols[k]))
    name = pairs.index(("http://a#Name", "http://b#Name"))
    agreement = FEATURES.index("neighbour_agreement")
    assert features.matrix[name, agreement] == 0.0  # Person and Mensch are strangers by name
    again = with_context(features, evidence, [person])
    assert again.matrix[name, agreement] == 1.0  # once decided, they vouch for Name ↔ Name
    changed = np.flatnonzero((again.matrix != features.matrix).any(axis=0))
    assert {FEATURES[c] for c in changed} <= {
        "neighbour_agreement",
        "parent_agreement",
        "child_agreement",
        *(f"neighbour_agreement_{k}" for k in ("row_best", "col_best", "row_margin", "col_margin")),
    }  # the names, kinds and scores of each row stay as they were
    assert features.matrix[name, agreement] == 0.0  # the first round's rows are not changed in place


def _agreement_decider() -> Decider:
    """Trees that believe a pair exactly as far as its neighbours agree (threshold 0.5)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(0)
    x = rng.random((400, 2))
    y = (x[:, 1] > 0.5).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x, y)
    return Decider(("lexical", "neighbour_agreement"), from_sklearn(model), 0.5)


def test_the_second_round_raises_a_pair_whose_neighbours_the_first_round_matched() -> None:
    evidence, decider = _evidence(), _agreement_decider()
    one = decider_scores(evidence, decider, rounds=1).tocsr()
    two = decider_scores(evidence, decider).tocsr()
    src = {e.id: i for i, e in enumerate(evidence.candidates.source)}
    tgt = {e.id: j for j, e in enumerate(evidence.candidates.target)}
    person = (src["http://a#Person"], tgt["http://b#Mensch"])
    name = (src["http://a#Name"], tgt["http://b#Name"])
    # round 1: Person ↔ Mensch is believed for its agreeing properties; Name ↔ Name, whose one
    # neighbour (the domain) has no strong lexical partner, is not
    assert one[person] > 0.5 > one[name]
    assert two[name] > 0.5  # round 2 counts Person ↔ Mensch as decided
    assert two[person] == pytest.approx(one[person])


def test_a_seed_the_first_round_also_decided_counts_once() -> None:
    from translator.alignment.model import Alignment, Correspondence, Status

    seeds = Alignment("a", "b")
    seeds.add(Correspondence("http://a#Person", "http://b#Mensch", status=Status.ACCEPTED))
    options = MatchOptions(method="decider", synonyms=False)
    evidence = gather_evidence(
        person_graph("http://a", "Person"), person_graph("http://b", "Mensch"), options, seeds=seeds
    )
    (seed,) = evidence.accepted
    matrix = settled(evidence, [seed])
    assert matrix[seed] == 1.0  # not 2: a neighbour pair met twice would double a pair's agreement
    assert matrix.max() == 1.0


def test_mutually_best_names_count_as_context_from_the_mutual_floor() -> None:
    scores = sparse.csr_matrix(
        np.array(
            [
                [0.5, 0.0, 0.0],  # best of its row and of its column, above the floor: settled
                [0.0, 0.45, 0.6],  # 0.6 is mutual best; 0.45 is beaten in its row: not settled
                [0.0, 0.3, 0.0],  # mutual best, below the floor: not settled
            ]
        )
    )
    assert MUTUAL == 0.4
    assert sorted(zip(*mutual_best(scores, MUTUAL).nonzero(), strict=True)) == [(0, 0), (1, 2)]
    assert mutual_best(sparse.csr_matrix((2, 3)), MUTUAL).nnz == 0


def test_a_mutually_best_pair_below_strong_makes_its_neighbours_agree() -> None:
    # Person and PersonRecord: a near name (below STRONG), each other's best: context for Name ↔ Name
    options = MatchOptions(method="decider", synonyms=False)
    evidence = gather_evidence(
        person_graph("http://a", "Person"), person_graph("http://b", "PersonRecord"), options
    )
    src, tgt = evidence.candidates.source, evidence.candidates.target
    i = next(k for k, e in enumerate(src) if e.id == "http://a#Person")
    j = next(k for k, e in enumerate(tgt) if e.id == "http://b#PersonRecord")
    assert MUTUAL <= evidence.lexical[i, j] < STRONG
    assert settled(evidence)[i, j] == 1.0
    features = pair_features(evidence, combine(evidence, MatchOptions(), method="structural").matrix)
    pairs = [(src[a].id, tgt[b].id) for a, b in zip(features.rows, features.cols, strict=True)]
    name = pairs.index(("http://a#Name", "http://b#Name"))
    assert features.matrix[name, FEATURES.index("neighbour_agreement")] == 1.0
