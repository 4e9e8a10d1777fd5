"""Evaluation of a predicted alignment against a reference: pure functions, checkable by hand.

**Precision, recall, F1** are computed over the *equivalences* of both alignments — the
``skos:exactMatch`` correspondences that are not rejected — as sets of ``(subject_id, object_id)``
pairs. Direction matters: a reference pair ``(a, b)`` is found only by a prediction ``(a, b)``, never
by ``(b, a)`` (a predicted alignment runs from the same source to the same target as its reference).
Duplicate pairs count once. Every candidate in the file counts, so a top-k file has a low precision
by construction: judge it by the ranking metrics. A ratio with a zero denominator is 0.0 (no
predictions: precision 0.0).

**Ranking metrics** (only when the prediction is ranked, i.e. some subject has several candidates):
for each reference pair ``(s, o)``, the rank of ``o`` among the predicted candidates of ``s``, ordered
by confidence (highest first, ties broken by object id); Hits@k is the share of reference pairs
ranked k or better, MRR the mean of ``1/rank`` (0 for a pair not predicted at all).

**By kind**: each pair (found, wrong or missed) falls into a group by its subject's kind — from the
predicted correspondence, else the reference one, else any correspondence naming that node — see
:data:`KIND_GROUPS`; ``unknown`` when neither alignment records a kind.

Example:
    >>> from translator.alignment.model import Alignment, Correspondence
    >>> ref = Alignment(correspondences=[Correspondence("a", "x"), Correspondence("b", "y")])
    >>> pred = Alignment(correspondences=[Correspondence("a", "x"), Correspondence("b", "z")])
    >>> e = evaluate(pred, ref)
    >>> (e.precision, e.recall, e.tp, e.fp, e.fn)
    (0.5, 0.5, 1, 1, 1)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from statistics import fmean

from translator.alignment.model import Alignment

__all__ = [
    "KIND_GROUPS",
    "Evaluation",
    "Scores",
    "evaluate",
    "kind_group",
    "macro",
    "micro",
    "ranking",
]

KIND_GROUPS = {
    "class": "classes",
    "object_property": "properties",
    "datatype_property": "properties",
    "annotation_property": "properties",
    "property": "properties",
    "object_type": "OPC UA types",
    "variable_type": "OPC UA types",
    "data_type": "OPC UA types",
    "reference_type": "OPC UA types",
    "variable": "variables",
    "field": "variables",
    "object": "objects",
}
"""Node kind (``NodeKind`` value) → the group it is reported in; other kinds are ``other``."""


def kind_group(kind: str) -> str:
    """The readable group of a node kind: ``classes``, ``properties``, ... ``other`` or ``unknown``.

    >>> kind_group("datatype_property"), kind_group("method"), kind_group("")
    ('properties', 'other', 'unknown')
    """
    if not kind or kind == "unknown":
        return "unknown"
    return KIND_GROUPS.get(kind, "other")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 with the counts behind them."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> Scores:
        """Scores of ``tp`` pairs found, ``fp`` wrong and ``fn`` missed (0.0 for an empty ratio)."""
        return cls(_ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn), tp, fp, fn)

    def to_dict(self) -> dict[str, float | int]:
        """``{"precision", "recall", "f1", "tp", "fp", "fn"}``."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of :func:`evaluate`.

    Attributes:
        precision: share of predicted pairs that the reference holds.
        recall: share of reference pairs predicted.
        f1: harmonic mean of precision and recall.
        tp: pairs in both.
        fp: predicted pairs not in the reference.
        fn: reference pairs not predicted.
        hits_at_1: share of reference pairs ranked first (None unless the prediction is ranked).
        hits_at_10: share of reference pairs ranked in the top ten (None unless ranked).
        mrr: mean reciprocal rank of the reference pairs (None unless ranked).
        by_kind: scores per kind group (``classes``, ``properties``, ...), groups sorted by name.
    """

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int
    hits_at_1: float | None = None
    hits_at_10: float | None = None
    mrr: float | None = None
    by_kind: Mapping[str, Scores] = field(default_factory=dict)

    @property
    def scores(self) -> Scores:
        """The overall precision, recall, F1 and counts."""
        return Scores(self.precision, self.recall, self.f1, self.tp, self.fp, self.fn)

    @property
    def ranked(self) -> bool:
        """True when the ranking metrics were computed."""
        return self.mrr is not None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict: precision, recall, f1, (hits_at_1, hits_at_10, mrr,) tp, fp, fn, by_kind."""
        out: dict[str, object] = {"precision": self.precision, "recall": self.recall, "f1": self.f1}
        if self.ranked:
            out |= {"hits_at_1": self.hits_at_1, "hits_at_10": self.hits_at_10, "mrr": self.mrr}
        out |= {"tp": self.tp, "fp": self.fp, "fn": self.fn}
        out["by_kind"] = {group: scores.to_dict() for group, scores in self.by_kind.items()}
        return out


def ranking(predicted: Alignment, reference_pairs: Iterable[tuple[str, str]]) -> dict[int | None, int]:
    """How many reference pairs have each rank among the predicted candidates (None: not predicted).

    >>> from translator.alignment.model import Correspondence
    >>> pred = Alignment(correspondences=[Correspondence("a", "x", confidence=0.9),
    ...                                   Correspondence("a", "y", confidence=0.5)])
    >>> ranking(pred, [("a", "y"), ("b", "z")])
    {2: 1, None: 1}
    """
    candidates: dict[str, list[str]] = {}
    for subject, group in predicted.by_subject().items():
        candidates[subject] = list(dict.fromkeys(c.object_id for c in group))  # unique, in rank order
    ranks: Counter[int | None] = Counter()
    for subject, obj in reference_pairs:
        objects = candidates.get(subject, [])
        ranks[objects.index(obj) + 1 if obj in objects else None] += 1
    return dict(ranks)


def _kind_of_pairs(
    predicted: Alignment, reference: Alignment
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(pair → subject kind recorded on it, node id → any kind recorded for it)."""
    by_pair: dict[tuple[str, str], str] = {}
    by_node: dict[str, str] = {}
    for c in chain(predicted.equivalences(), reference.equivalences()):
        if c.subject_kind:
            by_pair.setdefault(c.pair, c.subject_kind)
    for c in chain(predicted.correspondences, reference.correspondences):
        if c.subject_kind:
            by_node.setdefault(c.subject_id, c.subject_kind)
        if c.object_kind:
            by_node.setdefault(c.object_id, c.object_kind)
    return by_pair, by_node


def evaluate(predicted: Alignment, reference: Alignment) -> Evaluation:
    """Score ``predicted`` against ``reference`` (see the module docstring for the exact rules)."""
    predicted_pairs = {c.pair for c in predicted.equivalences()}
    reference_pairs = {c.pair for c in reference.equivalences()}
    found = predicted_pairs & reference_pairs
    wrong = predicted_pairs - reference_pairs
    missed = reference_pairs - predicted_pairs
    overall = Scores.from_counts(len(found), len(wrong), len(missed))

    by_pair, by_node = _kind_of_pairs(predicted, reference)
    counts: dict[str, list[int]] = {}
    for outcome, pairs in enumerate((found, wrong, missed)):
        for pair in pairs:
            kind = by_pair.get(pair) or by_node.get(pair[0]) or by_node.get(pair[1]) or ""
            counts.setdefault(kind_group(kind), [0, 0, 0])[outcome] += 1
    by_kind = {group: Scores.from_counts(*counts[group]) for group in sorted(counts)}

    hits_at_1 = hits_at_10 = mrr = None
    if predicted.is_ranked():
        ranks = ranking(predicted, reference_pairs)
        total = len(reference_pairs)
        hits_at_1 = _ratio(sum(n for r, n in ranks.items() if r is not None and r <= 1), total)
        hits_at_10 = _ratio(sum(n for r, n in ranks.items() if r is not None and r <= 10), total)
        mrr = _ratio(sum(n / r for r, n in ranks.items() if r is not None), total)
    return Evaluation(
        overall.precision,
        overall.recall,
        overall.f1,
        overall.tp,
        overall.fp,
        overall.fn,
        hits_at_1=hits_at_1,
        hits_at_10=hits_at_10,
        mrr=mrr,
        by_kind=by_kind,
    )


def _scores(item: Evaluation | Scores) -> Scores:
    return item.scores if isinstance(item, Evaluation) else item


def micro(evaluations: Iterable[Evaluation | Scores]) -> Scores:
    """Micro average over several evaluations (e.g. the pairs of a benchmark): sum tp/fp/fn, then score.

    >>> micro([Scores.from_counts(1, 1, 0), Scores.from_counts(3, 0, 1)]).precision
    0.8
    """
    items = [_scores(e) for e in evaluations]
    return Scores.from_counts(sum(s.tp for s in items), sum(s.fp for s in items), sum(s.fn for s in items))


def macro(evaluations: Iterable[Evaluation | Scores]) -> Scores:
    """Macro average: the mean of each precision, recall and F1 (counts summed); zeros when empty.

    >>> macro([Scores.from_counts(1, 1, 0), Scores.from_counts(3, 0, 1)]).precision
    0.75
    """
    items = [_scores(e) for e in evaluations]
    if not items:
        return Scores(0.0, 0.0, 0.0, 0, 0, 0)
    return Scores(
        fmean(s.precision for s in items),
        fmean(s.recall for s in items),
        fmean(s.f1 for s in items),
        sum(s.tp for s in items),
        sum(s.fp for s in items),
        sum(s.fn for s in items),
    )
