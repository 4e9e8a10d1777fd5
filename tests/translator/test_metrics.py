"""The evaluator on small cases computed by hand."""

from __future__ import annotations

import pytest

from translator.alignment.metrics import Evaluation, Scores, evaluate, kind_group, macro, micro, ranking
from translator.alignment.model import Alignment, Correspondence, Status


def alignment(*pairs: tuple[str, str] | tuple[str, str, float], **fields: object) -> Alignment:
    out = Alignment("src", "tgt")
    for pair in pairs:
        confidence = pair[2] if len(pair) == 3 else 1.0
        out.add(Correspondence(pair[0], pair[1], confidence=confidence, **fields))  # type: ignore[arg-type]
    return out


REFERENCE = alignment(("a", "x"), ("b", "y"), ("c", "z"))


def test_precision_recall_f1_by_hand() -> None:
    # 3 reference pairs, 4 predictions of which 2 are right
    predicted = alignment(("a", "x"), ("b", "y"), ("c", "w"), ("d", "v"))
    result = evaluate(predicted, REFERENCE)
    assert (result.tp, result.fp, result.fn) == (2, 2, 1)
    assert result.precision == pytest.approx(0.5)
    assert result.recall == pytest.approx(2 / 3)
    assert result.f1 == pytest.approx(4 / 7)  # 2PR/(P+R) = (2/3)/(7/6)
    assert not result.ranked  # one candidate per subject
    assert result.hits_at_1 is None
    assert result.mrr is None
    assert "hits_at_1" not in result.to_dict()


def test_direction_matters_and_duplicates_count_once() -> None:
    predicted = alignment(("x", "a"), ("b", "y"), ("b", "y"))
    result = evaluate(predicted, REFERENCE)
    assert (result.tp, result.fp, result.fn) == (1, 1, 2)  # (x, a) is not (a, x)


def test_ranking_metrics_by_hand() -> None:
    # a: x ranked 1; b: y ranked 3 (after q 0.9 and r 0.8 -- the tie at 0.8 broken by object id); c: absent
    predicted = alignment(
        ("a", "x", 0.9),
        ("a", "p", 0.2),
        ("b", "q", 0.9),
        ("b", "y", 0.8),
        ("b", "r", 0.8),
        ("c", "s", 0.7),
    )
    assert ranking(predicted, [("a", "x"), ("b", "y"), ("c", "z")]) == {1: 1, 3: 1, None: 1}
    result = evaluate(predicted, REFERENCE)
    assert result.ranked
    assert result.hits_at_1 == pytest.approx(1 / 3)
    assert result.hits_at_10 == pytest.approx(2 / 3)
    assert result.mrr == pytest.approx((1 + 1 / 3 + 0) / 3)
    # P/R/F1 still over every candidate: 2 of 6 right, 2 of 3 found
    assert (result.tp, result.fp, result.fn) == (2, 4, 1)
    assert result.precision == pytest.approx(1 / 3)
    assert {"hits_at_1", "hits_at_10", "mrr"} <= result.to_dict().keys()


def test_rank_beyond_ten_is_not_a_hit() -> None:
    predicted = alignment(*[("a", f"o{i:02d}", 1 - i / 100) for i in range(11)], ("a", "x", 0.01))
    result = evaluate(predicted, alignment(("a", "x")))
    assert result.hits_at_10 == 0.0
    assert result.mrr == pytest.approx(1 / 12)


def test_empty_prediction_does_not_crash() -> None:
    result = evaluate(Alignment(), REFERENCE)
    assert (result.precision, result.recall, result.f1) == (0.0, 0.0, 0.0)
    assert (result.tp, result.fp, result.fn) == (0, 0, 3)
    assert not result.ranked
    both_empty = evaluate(Alignment(), Alignment())
    assert both_empty.scores == Scores(0.0, 0.0, 0.0, 0, 0, 0)
    assert both_empty.by_kind == {}


def test_rejected_and_other_predicates_are_left_out() -> None:
    predicted = alignment(("a", "x"), ("b", "y"))
    predicted.add(Correspondence("c", "z", status=Status.REJECTED))
    predicted.add(Correspondence("d", "v", predicate="skos:broadMatch"))
    predicted.add(Correspondence("a", "q", status=Status.REJECTED))  # would make it "ranked"
    reference = alignment(("a", "x"), ("b", "y"), ("c", "z"))
    reference.add(Correspondence("e", "u", status=Status.REJECTED))
    result = evaluate(predicted, reference)
    assert (result.tp, result.fp, result.fn) == (2, 0, 1)
    assert not result.ranked


def test_identical_alignments_score_one() -> None:
    result = evaluate(REFERENCE, REFERENCE)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)


def test_by_kind_split() -> None:
    reference = Alignment(
        correspondences=[
            Correspondence("c1", "C1", subject_kind="class"),
            Correspondence("c2", "C2"),  # kind taken from the prediction of the same pair
            Correspondence("p1", "P1", subject_kind="object_property"),
            Correspondence("v1", "V1"),  # missed; kind known from another correspondence of v1
            Correspondence("t1", "T1", subject_kind="object_type"),
            Correspondence("n1", "N1"),  # no kind anywhere
        ]
    )
    predicted = Alignment(
        correspondences=[
            Correspondence("c1", "C1"),
            Correspondence("c2", "C2", subject_kind="class"),
            Correspondence("c3", "C3", subject_kind="class"),  # wrong
            Correspondence("p1", "P1", subject_kind="datatype_property"),  # prediction's kind wins
            Correspondence("v1", "V9", subject_kind="variable"),  # wrong
            Correspondence("t1", "T1"),
            Correspondence("m1", "M1", subject_kind="method"),  # wrong
        ]
    )
    result = evaluate(predicted, reference)
    assert list(result.by_kind) == sorted(result.by_kind)
    assert result.by_kind["classes"] == Scores.from_counts(2, 1, 0)
    assert result.by_kind["properties"] == Scores.from_counts(1, 0, 0)
    assert result.by_kind["variables"] == Scores.from_counts(0, 1, 1)
    assert result.by_kind["OPC UA types"] == Scores.from_counts(1, 0, 0)
    assert result.by_kind["other"] == Scores.from_counts(0, 1, 0)
    assert result.by_kind["unknown"] == Scores.from_counts(0, 0, 1)
    assert sum(s.tp for s in result.by_kind.values()) == result.tp
    assert sum(s.fp for s in result.by_kind.values()) == result.fp
    assert sum(s.fn for s in result.by_kind.values()) == result.fn
    assert result.by_kind["classes"].precision == pytest.approx(2 / 3)


def test_kind_groups() -> None:
    assert kind_group("class") == "classes"
    assert {
        kind_group(k) for k in ("object_property", "datatype_property", "annotation_property", "property")
    } == {"properties"}
    assert {kind_group(k) for k in ("object_type", "variable_type", "data_type", "reference_type")} == {
        "OPC UA types"
    }
    assert {kind_group(k) for k in ("variable", "field")} == {"variables"}
    assert kind_group("object") == "objects"
    assert kind_group("enum_value") == "other"
    assert kind_group("") == kind_group("unknown") == "unknown"


def test_micro_and_macro() -> None:
    first = Scores.from_counts(tp=1, fp=1, fn=0)  # P 1/2, R 1, F1 2/3
    second = Scores.from_counts(tp=3, fp=0, fn=1)  # P 1, R 3/4, F1 6/7
    total = micro([first, second])
    assert (total.tp, total.fp, total.fn) == (4, 1, 1)
    assert total.precision == pytest.approx(4 / 5)
    assert total.recall == pytest.approx(4 / 5)
    assert total.f1 == pytest.approx(4 / 5)
    mean = macro([first, second])
    assert mean.precision == pytest.approx(3 / 4)
    assert mean.recall == pytest.approx(7 / 8)
    assert mean.f1 == pytest.approx((2 / 3 + 6 / 7) / 2)
    assert (mean.tp, mean.fp, mean.fn) == (4, 1, 1)
    assert micro([]) == macro([]) == Scores(0.0, 0.0, 0.0, 0, 0, 0)


def test_micro_accepts_evaluations() -> None:
    result = evaluate(alignment(("a", "x"), ("d", "v")), REFERENCE)
    assert isinstance(result, Evaluation)
    assert micro([result, result]) == Scores.from_counts(2, 2, 4)
