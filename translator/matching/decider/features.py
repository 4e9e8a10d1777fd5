"""What the learned decider sees of a candidate pair: one row of numbers per pair (:data:`FEATURES`).

The candidate pairs are the lexical candidates and, when the GNN ran, its own top-k targets of
every source node (:func:`candidate_pattern`). For each pair (a, b) the row holds

- the evidence the other methods weigh by hand: the lexical score, the flooded structural score,
  the GNN's similarity and calibrated probability;
- how alike the names are in meaning: the cosine of their sentence embeddings
  (:mod:`translator.matching.text.embeddings`, all-MiniLM-L6-v2 shipped in a wheel);
- how the pair stands against its rivals: whether it is the best of its row and of its column under
  each score, and by how much (margin to the runner-up);
- name evidence apart from the lexical score: same name, token Dice, character 3-gram Jaccard,
  how many entities on each side carry the same name (an ambiguous name decides less);
- kinds, datatypes and units: same kind, the kind groups of both sides, the datatype factor, unit
  compatibility;
- context: the share of each side's neighbours (parents, children, types, domains, ranges) that
  have a strong lexical candidate — or a reviewer's accepted pair (a seed) — among the other side's
  neighbours, parents apart;
- the kind of models: both ontologies, one of them, none;
- whether either side's names came through a dictionary (a label in another language rendered in
  English, :attr:`~translator.matching.entities.EntityText.translated`): word-by-word renderings
  meet their partners with lower scores than English names do;
- how much of the two models correspond, estimated from the names alone (:func:`pair_overlap`):
  the same for every row of a pair. Two versions of one model correspond almost entity by entity,
  two independent ontologies of one domain in a tenth of their entities; where little corresponds,
  a pair that is only the best one left of its row is less likely a correspondence;
- how the pair's agreeing context stands against its rivals' context: whether its share of agreeing
  neighbours is the best of its row and of its column, and by how much. Look-alikes (one name on
  several members, as ``valueId`` in each AAS element that has one) score alike on everything
  else; what tells them apart is which one's neighbours meet (issue 21's point 3).

Every feature is computed from the two models and the evidence alone, never from a reference, so
the same row is computed when matching and when training.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from translator.matching.decider.context import STANDINGS, at, context_columns, standings
from translator.matching.decider.trees import TreeEnsemble
from translator.matching.entities import GROUPS, EntityText, datatype_factor, kind_factor
from translator.matching.evidence import Evidence
from translator.matching.options import is_ontology
from translator.matching.similarity import dice, same_name
from translator.matching.text.embeddings import name_similarity
from translator.translation.units import compatible

__all__ = [
    "DEFAULT_FEATURES",
    "EMBEDDING_FEATURES",
    "FEATURES",
    "GROUP_NAMES",
    "MORE_IS_MORE",
    "PairFeatures",
    "candidate_pattern",
    "impossible",
    "masked_probability",
    "monotone",
    "pair_features",
    "pair_overlap",
]

GROUP_NAMES = ("concept", "attribute", "relation", "datatype", "attribute-type", "instance", "other")
"""Kind groups (:data:`translator.matching.entities.GROUPS`) one-hot encoded for each side."""

_SCORES = ("lexical", "flooded", "gnn_similarity", "embedding")
FEATURES: tuple[str, ...] = (
    "lexical",
    "flooded",
    "gnn_similarity",
    "gnn_probability",
    "has_gnn",
    "embedding",
    *(f"{s}_{k}" for s in _SCORES for k in STANDINGS),
    "same_name",
    "dice",
    "trigram_jaccard",
    "source_name_count",
    "target_name_count",
    "same_kind",
    "kind_factor",
    *(f"source_{g}" for g in GROUP_NAMES),
    *(f"target_{g}" for g in GROUP_NAMES),
    "datatype_factor",
    "unit_compatible",
    "unit_incompatible",
    "neighbour_agreement",
    "parent_agreement",
    "child_agreement",
    "both_ontologies",
    "one_ontology",
    "translated",
    "pair_overlap",
    *(f"neighbour_agreement_{k}" for k in STANDINGS),
)
"""Names of the columns of :attr:`PairFeatures.matrix`, in order."""
EMBEDDING_FEATURES = tuple(f for f in FEATURES if f.startswith("embedding"))
"""The columns read from sentence embeddings: computed only for a decider that reads them (encoding
costs about 1 ms a name), zero otherwise."""
DEFAULT_FEATURES = tuple(f for f in FEATURES if f not in EMBEDDING_FEATURES)
"""What ``tolka train-decider`` reads unless ``--embeddings``: out of fold, the embedding features
lowered micro F1 over the 30 labelled pairs (0.785 against 0.794, benchmarks/RESULTS.md)."""


MORE_IS_MORE = frozenset(
    {
        *_SCORES,
        "gnn_probability",
        *(f"{s}_{k}" for s in _SCORES for k in STANDINGS),
        *(f"neighbour_agreement_{k}" for k in STANDINGS),
        "same_name",
        "dice",
        "trigram_jaccard",
        "kind_factor",
        "datatype_factor",
        "unit_compatible",
        "neighbour_agreement",
        "parent_agreement",
        "child_agreement",
    }
)
"""Features that are evidence *for* a pair: all else equal, a higher value never makes the pair less
likely (more alike names, a better score, a clearer lead over its rivals, more agreeing neighbours).
The trees are held to that (:func:`monotone`), so what they learn on some families cannot turn
evidence upside down on another: trained without the ``mse`` pairs, they had read a name match
(token Dice 1 against 0) as evidence *against* ``AmountOfSubstance`` ↔ ``AmountOfSubstance``."""


def monotone(features: Sequence[str]) -> list[int]:
    """The trees' monotonic constraint of each of ``features``: +1 for :data:`MORE_IS_MORE`, −1 for
    ``unit_incompatible`` (units of different quantities), 0 (free) for the rest: kinds, counts and
    what kind of models are matched, whose meaning depends on the rest."""
    return [1 if f in MORE_IS_MORE else -1 if f == "unit_incompatible" else 0 for f in features]


ALIKE = 0.9
"""Lexical score from which two names count as the same name for :func:`pair_overlap`."""


@dataclass(frozen=True)
class PairFeatures:
    """Feature rows of candidate pairs: ``matrix[k]`` describes (``rows[k]``, ``cols[k]``), indexes into
    the evidence's candidate entities."""

    rows: np.ndarray
    cols: np.ndarray
    matrix: np.ndarray


def candidate_pattern(evidence: Evidence) -> sparse.csr_matrix:
    """The pairs the decider scores: the lexical candidates and the GNN's (a 0/1 matrix)."""
    pattern = (evidence.lexical != 0).astype(np.float64)
    if evidence.learned is not None:
        pattern = pattern + (evidence.learned.similarity != 0).astype(np.float64)
    out = sparse.csr_matrix(pattern)
    out.data = np.ones_like(out.data)
    return out


def impossible(matrix: np.ndarray) -> np.ndarray:
    """Rows (of all :data:`FEATURES`) that the lexical matcher's hard rules forbid whatever the evidence
    (:func:`translator.matching.entities.pair_factor`): kinds that never map (a class and a property),
    a boolean and a number, units of different quantities."""
    kinds, datatypes = FEATURES.index("kind_factor"), FEATURES.index("datatype_factor")
    units = FEATURES.index("unit_incompatible")
    out: np.ndarray = (matrix[:, kinds] <= 0) | (matrix[:, datatypes] <= 0) | (matrix[:, units] > 0)
    return out


def masked_probability(trees: TreeEnsemble, matrix: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``trees``' probability of each row of ``matrix`` (all :data:`FEATURES`; ``columns`` the ones the
    trees read), 0 where the hard rules forbid the pair (:func:`impossible`)."""
    return np.where(impossible(matrix), 0.0, trees.probability(matrix[:, columns]))


def _name_counts(entities: Sequence[EntityText]) -> np.ndarray:
    """How many entities of the side share each entity's first name variant (log scale)."""
    counts: dict[str, int] = {}
    for e in entities:
        counts[e.variants[0]] = counts.get(e.variants[0], 0) + 1
    return np.log1p(np.asarray([counts[e.variants[0]] - 1 for e in entities], dtype=np.float64))


@functools.lru_cache(maxsize=65_536)
def _trigrams(text: str) -> frozenset[str]:
    padded = f" {text.replace(' ', '')} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _jaccard(a: EntityText, b: EntityText) -> float:
    best = 0.0
    for x in a.variants[:3]:
        gx = _trigrams(x)
        for y in b.variants[:3]:
            gy = _trigrams(y)
            if gx and gy:
                best = max(best, len(gx & gy) / len(gx | gy))
    return best


def pair_overlap(lexical: np.ndarray, rows: np.ndarray, cols: np.ndarray, sizes: tuple[int, int]) -> float:
    """The share of the smaller model's entities that meet a near-identical name on the other side
    (``lexical`` ≥ :data:`ALIKE`, at (``rows``, ``cols``); ``sizes``: both sides' entity counts),
    counted on the side where fewer do: an estimate, from names alone, of how much of the two models
    corresponds. Versions of one model read near 1, a model and its JSON Schema view about 0.5, two
    independent ontologies of one domain about 0.1. Read from the lexical candidates as scored, so a
    reviewer's rejections do not move it: it describes the two models, and one value moves every
    row of the pair across the trees' splits at once."""
    alike = lexical >= ALIKE
    met = min(len(np.unique(rows[alike])), len(np.unique(cols[alike])))
    return met / max(1, min(sizes))


def _groups(entities: Sequence[EntityText]) -> np.ndarray:
    onehot = np.zeros((len(entities), len(GROUP_NAMES)))
    for i, e in enumerate(entities):
        group = GROUPS.get(e.kind, "other")
        onehot[i, GROUP_NAMES.index(group) if group in GROUP_NAMES else -1] = 1.0
    return onehot


def pair_features(evidence: Evidence, flooded: sparse.csr_matrix, *, embeddings: bool = True) -> PairFeatures:
    """The feature rows of the decider's candidate pairs (:func:`candidate_pattern`) of ``evidence``;
    ``flooded`` is the structural matcher's score matrix of the same evidence. Without ``embeddings``
    the :data:`EMBEDDING_FEATURES` are zero (and nothing is encoded)."""
    cands = evidence.candidates
    left, right = cands.source, cands.target
    pattern = candidate_pattern(evidence).tocoo()
    order = np.lexsort((pattern.col, pattern.row))
    rows, cols = pattern.row[order].astype(np.int64), pattern.col[order].astype(np.int64)
    n = len(rows)
    learned = evidence.learned
    scores = {
        "lexical": at(evidence.lexical, rows, cols),
        "flooded": at(flooded, rows, cols),
        "gnn_similarity": at(learned.similarity, rows, cols) if learned else np.zeros(n),
        "embedding": name_similarity(left, right, rows, cols) if embeddings else np.zeros(n),
    }
    columns: list[np.ndarray] = [
        scores["lexical"],
        scores["flooded"],
        scores["gnn_similarity"],
        at(learned.probability, rows, cols) if learned else np.zeros(n),
        np.full(n, 1.0 if learned else 0.0),
        scores["embedding"],
    ]
    for name in _SCORES:
        columns += standings(scores[name], rows, cols, (len(left), len(right)))
    same, overlap, jaccard, kinds, kfactor, dfactor, unit_ok, unit_bad = (np.zeros(n) for _ in range(8))
    for k, (i, j) in enumerate(zip(rows, cols, strict=True)):
        a, b = left[i], right[j]
        same[k] = float(same_name(a, b))
        overlap[k] = dice(a.token_sets, b.token_sets)
        jaccard[k] = _jaccard(a, b)
        kinds[k] = float(a.kind is b.kind)
        kfactor[k] = kind_factor(a.kind, b.kind)
        dfactor[k] = datatype_factor(a.datatype, b.datatype)
        fits = compatible(a.unit, b.unit)
        unit_ok[k], unit_bad[k] = float(fits is True), float(fits is False)
    columns += [same, overlap, jaccard, _name_counts(left)[rows], _name_counts(right)[cols], kinds, kfactor]
    columns += list(_groups(left)[rows].T) + list(_groups(right)[cols].T)
    columns += [dfactor, unit_ok, unit_bad]
    context = context_columns(evidence, rows, cols)
    columns += [context["neighbour_agreement"], context["parent_agreement"], context["child_agreement"]]
    onto_s, onto_t = is_ontology(evidence.source), is_ontology(evidence.target)
    columns += [np.full(n, float(onto_s and onto_t)), np.full(n, float(onto_s != onto_t))]
    translated = (
        np.asarray([e.translated for e in left], bool)[rows]
        | np.asarray([e.translated for e in right], bool)[cols]
    )
    columns.append(translated.astype(np.float64))
    # from the names as scored, before a reviewer's rejections are taken out: a property of the models
    overlap_share = pair_overlap(cands.scores, cands.rows, cands.cols, (len(left), len(right)))
    columns.append(np.full(n, overlap_share))
    columns += [context[f"neighbour_agreement_{k}"] for k in STANDINGS]
    matrix = np.column_stack(columns).astype(np.float32) if n else np.zeros((0, len(FEATURES)), np.float32)
    return PairFeatures(rows, cols, matrix)
