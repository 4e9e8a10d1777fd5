"""The decider's model file: gradient-boosted trees over the pair features, the threshold chosen with
them, and the record of how it was trained (a JSON file; ``ontologies/models/tolka-decider.json``
is the shipped one, built by ``make decider``)."""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from translator.errors import InputError, TolkaError
from translator.matching.decider.features import FEATURES, masked_probability
from translator.matching.decider.trees import TreeEnsemble

__all__ = ["FORMAT", "Decider", "cached_decider", "default_decider_path", "load_decider", "save_decider"]

FORMAT = "tolka-decider/1"


@dataclass(frozen=True)
class Decider:
    """A trained decider.

    Attributes:
        features: the names of the features it reads (a subset of
            :data:`~translator.matching.decider.features.FEATURES`, in its order of columns).
        ensemble: the trees.
        threshold: the lowest probability of a correspondence, chosen when training.
        training: how it was trained (pairs, folds, settings, figures).
    """

    features: tuple[str, ...]
    ensemble: TreeEnsemble
    threshold: float
    training: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown:
            raise TolkaError(
                f"the decider reads unknown features {unknown}; this Tolka computes {list(FEATURES)}"
            )
        if len(self.features) != self.ensemble.n_features:
            raise TolkaError("the decider's feature list and its trees disagree")

    @property
    def columns(self) -> np.ndarray:
        """The columns of a :class:`~translator.matching.decider.features.PairFeatures` matrix it reads."""
        return np.asarray([FEATURES.index(f) for f in self.features], dtype=np.int64)

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """The probability that each pair (a row of all :data:`FEATURES`) is a correspondence; 0 for
        pairs the hard rules forbid (:func:`~translator.matching.decider.features.impossible`)."""
        if len(matrix) == 0:
            return np.zeros(0)
        return masked_probability(self.ensemble, matrix, self.columns)


def default_decider_path() -> Path:
    """The decider shipped with Tolka (``ontologies/models/tolka-decider.json``)."""
    return Path(str(resources.files("ontologies"))) / "models" / "tolka-decider.json"


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> Decider:
    return load_decider(Path(path))


def cached_decider(path: str | Path | None = None) -> Decider:
    """The decider in ``path`` (default: the shipped one), read once per file version."""
    where = Path(path) if path is not None else default_decider_path()
    try:
        mtime = where.stat().st_mtime
    except OSError:
        mtime = -1.0
    return _cached(str(where), mtime)


def save_decider(decider: Decider, path: Path) -> None:
    """Write ``decider`` as JSON, atomically."""
    data = {
        "format": FORMAT,
        "features": list(decider.features),
        "threshold": decider.threshold,
        "training": decider.training,
        "trees": decider.ensemble.to_json(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(partial, path)


def load_decider(path: Path) -> Decider:
    """Read a decider file.

    Raises:
        InputError: the file is missing, is not JSON, or is not a decider of this format.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("decider file not found", source=str(path)) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the decider: {exc}", source=str(path)) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"not a Tolka decider file (format {FORMAT!r} expected)", source=str(path))
    try:
        return Decider(
            tuple(str(f) for f in data["features"]),
            TreeEnsemble.from_json(data["trees"]),
            float(data["threshold"]),
            dict(data.get("training") or {}),
        )
    except (KeyError, TypeError, ValueError, TolkaError) as exc:
        raise InputError(f"malformed decider: {exc}", source=str(path)) from exc
