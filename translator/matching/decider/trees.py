"""Gradient-boosted trees as plain arrays: the decider's model, readable without the library that
trained it.

The decider is trained with scikit-learn's ``HistGradientBoostingClassifier`` (binary log loss);
:func:`from_sklearn` copies its trees into :class:`TreeEnsemble` — per tree the arrays feature,
threshold, left, right, missing-goes-left, leaf and value — which :meth:`TreeEnsemble.probability`
evaluates with numpy exactly as scikit-learn does (a numeric split sends ``x <= threshold`` left,
a missing value where the tree learned to send it), and which :meth:`TreeEnsemble.to_json` writes
as JSON: a model file that any version of any library can read, and no pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from translator.errors import TolkaError

__all__ = ["Tree", "TreeEnsemble", "from_sklearn"]

_FIELDS = ("feature", "threshold", "left", "right", "missing_left", "leaf", "value")


@dataclass(frozen=True)
class Tree:
    """One regression tree; node 0 is the root."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The leaf value each row of ``x`` reaches."""
        node = np.zeros(len(x), dtype=np.int64)
        active = ~self.leaf[node]
        rows = np.arange(len(x))
        while active.any():
            r, n = rows[active], node[active]
            values = x[r, self.feature[n]]
            go_left = np.where(np.isnan(values), self.missing_left[n], values <= self.threshold[n])
            node[r] = np.where(go_left, self.left[n], self.right[n])
            active = ~self.leaf[node]
        out: np.ndarray = self.value[node]
        return out


@dataclass(frozen=True)
class TreeEnsemble:
    """A binary classifier: ``sigmoid(baseline + Σ tree(x))``."""

    baseline: float
    trees: tuple[Tree, ...]
    n_features: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row of ``x`` (n × ``n_features``)."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise TolkaError(f"the decider expects {self.n_features} features per row, got shape {x.shape}")
        raw = np.full(len(x), self.baseline)
        for tree in self.trees:
            raw += tree.predict(x)
        out: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "n_features": self.n_features,
            "trees": [{name: getattr(t, name).tolist() for name in _FIELDS} for t in self.trees],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsemble:
        try:
            trees = tuple(
                Tree(
                    feature=np.asarray(t["feature"], dtype=np.int64),
                    threshold=np.asarray(t["threshold"], dtype=np.float64),
                    left=np.asarray(t["left"], dtype=np.int64),
                    right=np.asarray(t["right"], dtype=np.int64),
                    missing_left=np.asarray(t["missing_left"], dtype=bool),
                    leaf=np.asarray(t["leaf"], dtype=bool),
                    value=np.asarray(t["value"], dtype=np.float64),
                )
                for t in data["trees"]
            )
            ensemble = cls(float(data["baseline"]), trees, int(data["n_features"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise TolkaError(f"not a decider tree ensemble: {exc!r}") from exc
        for k, tree in enumerate(ensemble.trees):
            size = len(tree.value)
            lengths = {len(getattr(tree, name)) for name in _FIELDS}
            inner = ~tree.leaf
            if (
                lengths != {size}
                or size == 0
                or (tree.feature[inner] >= ensemble.n_features).any()
                or (tree.left[inner] >= size).any()
                or (tree.right[inner] >= size).any()
                or (tree.left[inner] <= np.flatnonzero(inner)).any()  # children come after their parent
                or (tree.right[inner] <= np.flatnonzero(inner)).any()
            ):
                raise TolkaError(f"decider tree {k} is malformed")
        return ensemble


def from_sklearn(model: Any) -> TreeEnsemble:
    """The trees of a fitted binary ``sklearn.ensemble.HistGradientBoostingClassifier`` (numeric
    features only)."""
    predictors = getattr(model, "_predictors", None)
    if predictors is None or len(getattr(model, "classes_", ())) != 2:
        raise TolkaError("from_sklearn needs a fitted binary HistGradientBoostingClassifier")
    trees = []
    for (predictor,) in predictors:
        nodes = predictor.nodes
        if nodes["is_categorical"].any():
            raise TolkaError("categorical splits are not supported")
        trees.append(
            Tree(
                feature=nodes["feature_idx"].astype(np.int64),
                threshold=nodes["num_threshold"].astype(np.float64),
                left=nodes["left"].astype(np.int64),
                right=nodes["right"].astype(np.int64),
                missing_left=nodes["missing_go_to_left"].astype(bool),
                leaf=nodes["is_leaf"].astype(bool),
                value=nodes["value"].astype(np.float64),
            )
        )
    baseline = float(np.asarray(model._baseline_prediction).reshape(-1)[0])
    return TreeEnsemble(baseline, tuple(trees), int(model.n_features_in_))
