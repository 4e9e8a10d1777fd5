"""Matching two models: the methods behind ``tolka match``.

``lexical`` scores names, labels and synonyms (:mod:`translator.matching.lexical`); ``structural`` floods
those scores through both graphs (:mod:`translator.matching.structural`) and blends the two; ``gnn`` adds the
learned matcher's similarity (:mod:`translator.gnn`, the shipped model unless another is given) to
the structural scores, in a way that depends on the kind of models. Between two OWL/RDF ontologies,
whose natural-language names carry the match, the GNN only breaks near-ties: a pair scores its
structural score plus ``gnn_nudge``·(similarity − 0.5), at most ±0.02 with the default. Otherwise the
GNN similarity is blended with weight ``gnn_weight`` and a pair the GNN is confident about on its
own may be proposed by it. ``auto`` (:func:`resolve_method`) is ``gnn`` when a model is at hand and
``structural`` without one.

The default weights and thresholds were chosen by hand on the 11 OAEI conference pairs, which makes
any figure on those pairs in-sample. benchmarks/pairs.py reports every method on 30 labelled pairs
out of fold (settings chosen by cross-validation over pairs, the GNN trained without the pairs'
models) beside these defaults; its figures are in benchmarks/RESULTS.md.

A match runs in three steps, so that many settings can be tried on one pair without recomputing
what they share: :func:`gather_evidence` (candidates, lexical scores, the GNN's view),
:func:`combine` (the weights) and :func:`decide` (threshold, extraction); :func:`match` is the three.
Accepted seed correspondences are kept, anchor the propagation and fine-tune a copy of the GNN;
rejected ones are never proposed and are the GNN's negatives. The result is one-to-one above a
threshold (:mod:`translator.matching.extract`, :func:`default_threshold`), or the ``top_k`` best candidates
of every source node for ranking. Except for ``lexical``, which reads names only, a one-to-one result
keeps no relation pair whose domain or range contradicts its class pairs
(:mod:`translator.matching.consistency`); the entities such a pair held are extracted again without it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from translator.alignment.model import Alignment, Correspondence, Justification, Status, proposed_by_tolka
from translator.errors import TolkaError
from translator.graph.model import NodeKind, SchemaGraph
from translator.graph.summary import require_own_entities
from translator.matching.consistency import conflicting_relations
from translator.matching.extract import one_to_one
from translator.matching.lexical import RULES, Candidates, EntityText, lexical_candidates, pair_factor
from translator.matching.structural import flood
from translator.matching.text.wordnet import open_wordnet
from translator.translation.units import compatible

if TYPE_CHECKING:
    from translator.gnn.match import GnnScores

__all__ = [
    "METHODS",
    "THRESHOLDS",
    "Evidence",
    "MatchOptions",
    "MethodNotAvailableError",
    "Scores",
    "combine",
    "decide",
    "default_model_path",
    "default_threshold",
    "gather_evidence",
    "match",
    "resolve_method",
]

METHODS = ("lexical", "structural", "gnn", "auto")
Progress = Callable[[str, float], None]


class MethodNotAvailableError(TolkaError):
    """A matching method that this installation cannot run (for instance without a model)."""


def default_model_path() -> Path:
    """The GNN model shipped with Tolka (``ontologies/models/tolka-gnn.pt``, built by ``make model``)."""
    return Path(str(resources.files("ontologies"))) / "models" / "tolka-gnn.pt"


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """How to match.

    Attributes:
        method: ``lexical``, ``structural``, ``gnn`` or ``auto``.
        threshold: lowest score of a one-to-one correspondence; default 0.75, and 0.6 for ``gnn``
            between models that are not both ontologies, whose blended scores run lower
            (:func:`default_threshold`).
        top_k: when set, write the k best candidates of every source node instead of one-to-one.
        block: candidates kept per source node by the n-gram index.
        structure: how far structural support lifts a pair's score towards 1 (0 = lexical only).
        extraction: ``greedy`` (mutual best first: an exact match is never traded for two near ones)
            or ``hungarian`` (maximum total score; falls back to greedy on huge problems).
        model: a trained GNN model file (``tolka train``) for ``gnn``; default: the shipped model.
        gnn_weight: weight of the GNN similarity blended with the structural scores (``gnn``, unless
            both models are ontologies); a pair the GNN is confident about on its own (calibrated
            probability at least ``gnn_confidence``, or ``gnn_confidence_units`` between units of
            one quantity) scores that probability when it is higher than the blend.
        gnn_nudge: between two ontologies, ``gnn`` scores a candidate pair structural score plus
            ``gnn_nudge``·(GNN similarity − 0.5): the GNN breaks near-ties and nothing more (chosen
            on the OAEI conference pairs, so in-sample there).
        synonyms: use WordNet synonyms as lexical evidence (:mod:`translator.matching.text.wordnet`); without
            a
            WordNet database the match runs without them (logged once).
        wordnet: the WordNet database folder; default: the first of
            :data:`translator.matching.text.wordnet.DEFAULT_DIRS` that holds one (``/usr/share/wordnet``).
        rules: the lexical matcher's set-level rules that are on (:data:`translator.matching.lexical.RULES`:
            specialisation, renaming, acronyms, synonyms; all by default).
    """

    method: str = "auto"
    threshold: float | None = None
    top_k: int | None = None
    block: int = 20
    structure: float = 0.3
    extraction: str = "greedy"
    model: str | None = None
    gnn_weight: float = 0.2
    gnn_nudge: float = 0.04
    gnn_confidence: float = 0.8
    gnn_confidence_units: float = 0.6
    synonyms: bool = True
    wordnet: str | None = None
    rules: tuple[str, ...] = RULES


THRESHOLDS = {"lexical": 0.75, "structural": 0.75, "gnn": 0.6}
"""Default one-to-one threshold per method."""


_ONTOLOGY_KINDS = frozenset(
    {
        NodeKind.CLASS,
        NodeKind.OBJECT_PROPERTY,
        NodeKind.DATATYPE_PROPERTY,
        NodeKind.ANNOTATION_PROPERTY,
        NodeKind.INDIVIDUAL,
    }
)


def _is_ontology(graph: SchemaGraph) -> bool:
    return all(node.kind in _ONTOLOGY_KINDS for node in graph.own_nodes())


def resolve_method(options: MatchOptions, source: SchemaGraph, target: SchemaGraph) -> str:
    """The method that runs. ``auto`` is ``gnn`` when a model is at hand, else ``structural``.

    Out of fold over the 30 labelled pairs of benchmarks/pairs.py (settings chosen by
    cross-validation over pairs, the GNN trained without the pairs' models), ``gnn`` scores micro F1
    0.707 against 0.684 for ``structural`` and 0.637 for ``lexical``, and cross-validation chose it in
    every fold; it also matches PLC tags to typed variables through units, which names cannot."""
    if options.method != "auto":
        return options.method
    return "gnn" if options.model is not None or default_model_path().is_file() else "structural"


def default_threshold(method: str, source: SchemaGraph, target: SchemaGraph) -> float:
    """The one-to-one threshold of ``method`` (after :func:`resolve_method`) when none is given:
    :data:`THRESHOLDS`, except that ``gnn`` between two ontologies keeps the structural threshold,
    since its scores there are structural scores, nudged."""
    if method == "gnn" and _is_ontology(source) and _is_ontology(target):
        return THRESHOLDS["structural"]
    return THRESHOLDS[method]


def _seed_pairs(
    seeds: Alignment | None, left: list[EntityText], right: list[EntityText]
) -> tuple[dict[tuple[int, int], Correspondence], set[tuple[int, int]]]:
    if seeds is None:
        return {}, set()
    li = {e.id: i for i, e in enumerate(left)}
    ri = {e.id: j for j, e in enumerate(right)}
    accepted: dict[tuple[int, int], Correspondence] = {}
    rejected: set[tuple[int, int]] = set()
    for c in seeds.equivalences(include_rejected=True):
        i, j = li.get(c.subject_id), ri.get(c.object_id)
        if i is None or j is None:
            continue
        if c.status is Status.REJECTED:
            rejected.add((i, j))
        else:
            accepted[(i, j)] = c
    return accepted, rejected


def _pin(
    scores: sparse.spmatrix, accepted: dict[tuple[int, int], Correspondence], rejected: set[tuple[int, int]]
) -> sparse.csr_matrix:
    """Scores with accepted seed pairs set to 1 and rejected ones removed."""
    lil = sparse.lil_matrix(scores)
    for i, j in rejected:
        lil[i, j] = 0.0
    for i, j in accepted:
        lil[i, j] = 1.0
    out = lil.tocsr()
    out.eliminate_zeros()
    return out


@dataclass(frozen=True)
class Evidence:
    """What a match decides on, gathered once (:func:`gather_evidence`): the candidate pairs and their
    lexical scores (seeds pinned), the GNN's view of them when the method uses it, and the seeds.

    Settings that only weigh this evidence (``structure``, ``gnn_weight``, ``gnn_nudge``, the GNN
    confidences) and those that only cut it (``threshold``, ``top_k``, ``extraction``) are applied
    by :func:`combine` and :func:`decide`, so many settings can be tried on one gathering: that is
    how benchmarks/pairs.py chooses them by cross-validation without running the GNN again."""

    source: SchemaGraph
    target: SchemaGraph
    method: str
    candidates: Candidates
    lexical: sparse.csr_matrix
    learned: GnnScores | None
    accepted: dict[tuple[int, int], Correspondence]
    rejected: frozenset[tuple[int, int]]


@dataclass(frozen=True)
class Scores:
    """Combined scores of the candidate pairs (``evidence.candidates``) under one method."""

    evidence: Evidence
    method: str
    matrix: sparse.csr_matrix


def gather_evidence(
    source: SchemaGraph,
    target: SchemaGraph,
    options: MatchOptions | None = None,
    *,
    seeds: Alignment | None = None,
    progress: Progress | None = None,
) -> Evidence:
    """Candidates, lexical scores and (for ``gnn``) the GNN's similarity of ``source``'s own nodes to
    ``target``'s; ``options`` gives the method, ``block``, ``model``, ``synonyms`` and ``wordnet``.

    Raises:
        EmptyModelError: a side has no entities of its own to match (it names the side and what to try).
    """
    require_own_entities(source, target)
    options = options or MatchOptions()
    if options.method not in METHODS:
        raise TolkaError(f"unknown method {options.method!r}; known methods: {', '.join(METHODS)}")
    method = resolve_method(options, source, target)
    if method == "gnn" and options.model is None and not default_model_path().is_file():
        raise MethodNotAvailableError(
            f"--method gnn needs a trained model and the default one ({default_model_path()}) is "
            "missing from this installation: build it with `make model`, or train one with "
            "`tolka train --corpus DIR --out model.pt` and pass --model model.pt"
        )
    report = progress or (lambda stage, share: None)
    report("candidates", 0.0)
    wordnet = open_wordnet(options.wordnet) if options.synonyms else None
    cands = lexical_candidates(source, target, block=options.block, wordnet=wordnet, rules=options.rules)
    accepted, rejected = _seed_pairs(seeds, cands.source, cands.target)
    lexical = _pin(cands.matrix(), accepted, rejected)
    learned = None
    if method == "gnn":
        report("scoring", 0.4)
        from translator.gnn.match import gnn_similarity
        from translator.gnn.model_io import load_model

        model = load_model(Path(options.model) if options.model else default_model_path())
        left, right = [e.id for e in cands.source], [e.id for e in cands.target]
        learned = gnn_similarity(
            source,
            target,
            model,
            left,
            right,
            lexical,  # only its pattern counts: flooding keeps the lexical candidates' pattern
            accepted=[(left[i], right[j]) for i, j in accepted],
            rejected=[(left[i], right[j]) for i, j in rejected],
        )
    return Evidence(source, target, method, cands, lexical, learned, accepted, frozenset(rejected))


def combine(evidence: Evidence, options: MatchOptions | None = None, *, method: str | None = None) -> Scores:
    """The scores of ``evidence``'s candidates under ``method`` (default: the gathered one; a
    ``gnn`` gathering also serves ``lexical`` and ``structural``), weighed by ``options``."""
    options = options or MatchOptions()
    method = method or evidence.method
    if method == "gnn" and evidence.learned is None:
        raise TolkaError("gnn scores need evidence gathered with the gnn method")
    accepted, rejected = evidence.accepted, set(evidence.rejected)
    lexical = evidence.lexical
    if method == "lexical":
        return Scores(evidence, method, lexical)
    cands = evidence.candidates
    source, target = evidence.source, evidence.target
    flooded = flood(source, target, cands.source, cands.target, lexical, weight=options.structure)
    if method != "gnn" or evidence.learned is None:
        return Scores(evidence, method, flooded)
    learned = evidence.learned
    if _is_ontology(source) and _is_ontology(target):
        nudged = _nudged(flooded, learned.similarity, options.gnn_nudge)
        return Scores(evidence, method, _pin(nudged, accepted, rejected))
    blended = (1.0 - options.gnn_weight) * flooded + options.gnn_weight * learned.similarity
    return Scores(
        evidence,
        method,
        _pin(blended.maximum(_confident(learned.probability, cands, options)), accepted, rejected),
    )


def _nudged(flooded: sparse.spmatrix, similarity: sparse.csr_matrix, weight: float) -> sparse.csr_matrix:
    """``flooded`` + ``weight``·(``similarity`` − 0.5) on the pairs of ``flooded`` (no new pairs),
    clipped at 0: the GNN moves a score by at most ``weight``/2 either way."""
    base = flooded.tocsr()
    base.eliminate_zeros()
    pattern = base.copy()
    pattern.data = np.ones_like(pattern.data)
    nudge = similarity.multiply(pattern) - 0.5 * pattern
    out = sparse.csr_matrix(base + weight * nudge)
    out.data = np.clip(out.data, 0.0, None)
    out.eliminate_zeros()
    return out


def _confident(probability: sparse.csr_matrix, cands: Candidates, options: MatchOptions) -> sparse.csr_matrix:
    """The GNN's calibrated probabilities of the pairs it may propose on its own: at least
    ``gnn_confidence``, or ``gnn_confidence_units`` when both nodes carry units of the same physical
    quantity — independent evidence the names cannot give (``TT_102`` in °F, ``Temperature`` in °C).
    The lexical matcher's hard rules hold here too (:func:`translator.matching.lexical.pair_factor`)."""
    coo = probability.tocoo()
    keep = np.zeros(coo.nnz, dtype=bool)
    for k in np.flatnonzero(coo.data >= options.gnn_confidence_units):
        p, a, b = coo.data[k], cands.source[coo.row[k]], cands.target[coo.col[k]]
        if pair_factor(a, b) <= 0:
            continue
        keep[k] = p >= options.gnn_confidence or compatible(a.unit, b.unit) is True
    return sparse.csr_matrix((coo.data[keep], (coo.row[keep], coo.col[keep])), shape=coo.shape)


_VERIFY_ROUNDS = 5
"""Re-extractions after dropping contradicting relation pairs; later contradictions are only dropped."""


def _verified(
    source: SchemaGraph,
    target: SchemaGraph,
    cands: Candidates,
    free: sparse.lil_matrix,
    accepted: dict[tuple[int, int], Correspondence],
    picked: list[tuple[int, int, float]],
    threshold: float,
    extraction: str,
) -> list[tuple[int, int, float]]:
    """``picked`` without the relation pairs whose domain or range contradicts the class pairs
    (:mod:`translator.matching.consistency`); the entities they free are extracted again (``free`` loses the
    dropped pairs)."""
    for round_ in range(_VERIFY_ROUNDS + 1):
        pairs = [(i, j) for i, j, _ in picked]
        ids = [(cands.source[i].id, cands.target[j].id) for i, j in [*accepted, *pairs]]
        wrong = conflicting_relations(source, target, ids)
        drop = {(i, j) for i, j in pairs if (cands.source[i].id, cands.target[j].id) in wrong}
        if not drop or round_ == _VERIFY_ROUNDS:
            return [p for p in picked if (p[0], p[1]) not in drop]
        for i, j in drop:
            free[i, j] = 0
        picked = one_to_one(free.tocsr(), threshold, method=extraction)
    return picked


def decide(scores: Scores, options: MatchOptions | None = None) -> Alignment:
    """The alignment ``scores`` give under ``options``' ``threshold`` (default
    :func:`default_threshold`), ``extraction`` and ``top_k``; see the module docstring."""
    options = options or MatchOptions()
    evidence, method = scores.evidence, scores.method
    source, target, cands, accepted = evidence.source, evidence.target, evidence.candidates, evidence.accepted
    justification = {
        "lexical": Justification.LEXICAL,
        "gnn": Justification.LEARNED,
    }.get(method, Justification.COMPOSITE).value
    alignment = proposed_by_tolka(source.name, target.name)

    def correspondence(i: int, j: int, score: float) -> Correspondence:
        a, b = cands.source[i], cands.target[j]
        seed = accepted.get((i, j))
        return Correspondence(
            a.id,
            b.id,
            confidence=round(min(1.0, max(0.0, score)), 6),
            justification=seed.justification if seed else justification,
            status=Status.ACCEPTED if seed else Status.PROPOSED,
            subject_label=a.label,
            object_label=b.label,
            subject_kind=a.kind.value,
            object_kind=b.kind.value,
        )

    if options.top_k:
        csr = scores.matrix.tocsr()
        for i in range(csr.shape[0]):
            start, end = csr.indptr[i], csr.indptr[i + 1]
            cols, vals = csr.indices[start:end], csr.data[start:end]
            order = np.lexsort((cols, -vals))[: options.top_k]
            alignment.extend(correspondence(i, int(cols[k]), float(vals[k])) for k in order if vals[k] > 0)
        return alignment
    free = scores.matrix.tolil()
    for i, j in accepted:
        free[i, :] = 0
        free[:, j] = 0
    threshold = options.threshold
    if threshold is None:
        threshold = default_threshold(method, source, target)
    picked = one_to_one(free.tocsr(), threshold, method=options.extraction)
    if method != "lexical":
        picked = _verified(source, target, cands, free, accepted, picked, threshold, options.extraction)
    chosen = sorted([(i, j, 1.0) for i, j in accepted] + picked)
    alignment.extend(correspondence(i, j, s) for i, j, s in chosen)
    return alignment


def match(
    source: SchemaGraph,
    target: SchemaGraph,
    options: MatchOptions | None = None,
    *,
    seeds: Alignment | None = None,
    progress: Progress | None = None,
) -> Alignment:
    """Match the own nodes of ``source`` to those of ``target``; see the module docstring."""
    options = options or MatchOptions()
    report = progress or (lambda stage, share: None)
    evidence = gather_evidence(source, target, options, seeds=seeds, progress=report)
    report("scoring", 0.6)
    scores = combine(evidence, options)
    report("extracting", 0.8)
    alignment = decide(scores, options)
    report("done", 1.0)
    return alignment
