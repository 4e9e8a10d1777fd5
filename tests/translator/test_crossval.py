"""The out-of-fold protocol: a held-out fold never chooses its own setting."""

from __future__ import annotations

import pytest

from translator.alignment.crossval import choose, fold_groups, in_sample, micro_f1, out_of_fold
from translator.errors import TolkaError


def test_micro_f1_sums_counts() -> None:
    assert micro_f1([(8, 2, 2), (0, 0, 0)]) == pytest.approx(0.8)
    assert micro_f1([(0, 3, 3)]) == 0.0
    assert micro_f1([]) == 0.0


def test_a_held_out_pair_does_not_choose_its_setting() -> None:
    # "greedy" is perfect on c alone and poor elsewhere; in sample it wins (c is large), out of fold
    # c must get what the other pairs prefer.
    table = {
        "careful": {"a": (9, 1, 1), "b": (9, 1, 1), "c": (10, 90, 90)},
        "greedy": {"a": (2, 8, 8), "b": (2, 8, 8), "c": (100, 0, 0)},
    }
    groups = {"a": 0, "b": 1, "c": 2}
    assert in_sample(table, list(groups)) == "greedy"
    chosen = out_of_fold(table, groups)
    assert chosen["c"] == "careful"
    # a is chosen on b and c together: c's 100 true positives outweigh b
    assert chosen["a"] == "greedy"


def test_pairs_of_one_fold_are_held_out_together() -> None:
    table = {
        "x": {"a": (10, 0, 0), "b": (10, 0, 0), "c": (0, 5, 5)},
        "y": {"a": (0, 5, 5), "b": (0, 5, 5), "c": (10, 0, 0)},
    }
    # a and b share a fold: when it is held out, only c chooses, and c prefers y
    chosen = out_of_fold(table, {"a": 0, "b": 0, "c": 1})
    assert chosen == {"a": "y", "b": "y", "c": "x"}


def test_ties_go_to_the_setting_listed_first() -> None:
    table = {"default": {"a": (1, 1, 1)}, "other": {"a": (1, 1, 1)}}
    assert choose(table, ["a"]) == "default"


def test_choose_refuses_missing_results_and_single_folds() -> None:
    with pytest.raises(TolkaError, match="no result for pairs b"):
        choose({"x": {"a": (1, 0, 0)}}, ["a", "b"])
    with pytest.raises(TolkaError, match="at least two folds"):
        out_of_fold({"x": {"a": (1, 0, 0)}}, {"a": 0})


def test_fold_groups_join_pairs_that_share_a_model() -> None:
    models = {
        "cmt-conference": ["cmt", "conference"],
        "cmt-edas": ["cmt", "edas"],
        "cmt_de-cmt_en": ["cmt_de", "cmt_en"],
        "di": ["di-1.01", "di-1.04"],
    }
    groups = fold_groups(models, {"cmt_en": ["cmt"]})
    assert groups["cmt-conference"] == groups["cmt-edas"] == groups["cmt_de-cmt_en"]
    assert groups["di"] != groups["cmt-edas"]
    assert sorted(set(groups.values())) == [0, 1]
