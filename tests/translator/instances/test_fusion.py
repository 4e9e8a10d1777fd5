"""Fusing schema and instance evidence: features, fitted weights, one-to-one selection."""

from __future__ import annotations

import numpy as np

from translator.instances.evidence import PairEvidence
from translator.instances.fit import AffineFit
from translator.instances.fusion import (
    DEFAULT_WEIGHTS,
    FEATURES,
    Candidate,
    Data,
    features,
    fit_weights,
    probability,
    select,
)

EXACT = PairEvidence("a", "b", 0.99, AffineFit(1.8, 32.0, 0.01, 0.99, ("CEL", "FAH")), 0.01, "correlation")
LINE = PairEvidence("a", "c", 0.95, AffineFit(1.3, 2.0, 0.2, 0.9), 0.2, "correlation", 0.2)


def test_weights_cover_the_features() -> None:
    assert set(DEFAULT_WEIGHTS) == set(FEATURES)
    assert len(features(Candidate("a", "b"))) == len(FEATURES)


def test_names_decide_when_the_fields_never_changed() -> None:
    named = Candidate("a", "b", schema=0.95, schema_best=True, description=0.9, data=Data.NONE)
    row = dict(zip(FEATURES, features(named), strict=True))
    assert row["score"] == row["exact"] == row["data_best"] == row["unexplained"] == 0.0
    assert probability(features(named)) > 0.5
    assert probability(features(Candidate("a", "b", schema=0.2, data=Data.NONE))) < 0.1


def test_data_decides_between_look_alike_names() -> None:
    """Two fields the names cannot tell apart: the one the data explains exactly wins."""
    explained = Candidate("a", "b", schema=0.6, evidence=EXACT, data_best=True, data=Data.BOTH_VARY)
    look_alike = Candidate("a", "c", schema=0.6, evidence=LINE, data=Data.BOTH_VARY)
    unexplained = Candidate("a", "d", schema=0.6, data=Data.BOTH_VARY)
    p = [probability(features(c)) for c in (explained, look_alike, unexplained)]
    assert p[0] > 0.9
    assert p[0] > p[1] > p[2]


def test_fit_weights_learns_the_informative_feature() -> None:
    rng = np.random.default_rng(0)
    rows = np.zeros((400, len(FEATURES)))
    rows[:, 0] = 1.0
    labels = (rng.random(400) < 0.3).astype(float)
    rows[:, FEATURES.index("data_best")] = labels
    rows[:, FEATURES.index("schema")] = rng.random(400)  # noise
    flip = rng.random(400) < 0.05
    rows[flip, FEATURES.index("data_best")] = 1 - rows[flip, FEATURES.index("data_best")]
    weights = fit_weights(rows, labels)
    assert weights["data_best"] > 3.0
    assert abs(weights["schema"]) < 1.0
    predicted = np.array([probability(r, weights) for r in rows])
    assert abs(predicted.mean() - labels.mean()) < 0.02  # calibrated in the large


def test_select_is_one_to_one_above_the_threshold() -> None:
    scored = [
        (Candidate("a", "x"), 0.9),
        (Candidate("a", "y"), 0.8),
        (Candidate("b", "x"), 0.85),
        (Candidate("b", "y"), 0.7),
        (Candidate("c", "z"), 0.4),
        (Candidate("d", "w"), 0.99),
    ]
    chosen = [(c.source_id, c.target_id) for c, _ in select(scored, 0.5, taken_targets=["w"])]
    assert chosen == [("a", "x"), ("b", "y")]
