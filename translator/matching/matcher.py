"""Matching two models: the methods behind ``tolka match``.

``lexical`` scores names, labels and synonyms (:mod:`translator.matching.lexical`); ``structural`` floods
those scores through both graphs (:mod:`translator.matching.structural`) and blends the two; ``gnn`` adds the
learned matcher's similarity (:mod:`translator.gnn`, the shipped model unless another is given) to
the structural scores, in a way that depends on the kind of models. Between two OWL/RDF ontologies,
whose natural-language names carry the match, the GNN only breaks near-ties: a pair scores its
structural score plus ``gnn_nudge``·(similarity − 0.5), at most ±0.02 with the default. Otherwise the
GNN similarity is blended with weight ``gnn_weight`` and a pair the GNN is confident about on its
own may be proposed by it. ``decider`` lets gradient-boosted trees trained on labelled pairs weigh
all of that evidence at once (:mod:`translator.matching.decider`), then assigns one-to-one and, where
one side repeats a name, many-to-one. ``auto`` (:func:`resolve_method`) is ``decider`` when a GNN
model and a decider are at hand, ``gnn`` with a model only, ``structural`` without one.

The default weights and thresholds were chosen by hand on the 11 OAEI conference pairs, which makes
any figure on those pairs in-sample. benchmarks/pairs.py reports every method on 30 labelled pairs
out of fold (settings chosen by cross-validation over pairs, the GNN trained without the pairs'
models) beside these defaults; its figures are in benchmarks/RESULTS.md.

A match runs in three steps, so that many settings can be tried on one pair without recomputing
what they share: :func:`gather_evidence` (candidates, lexical scores, the GNN's view),
:func:`~translator.matching.evidence.combine` (the weights) and
:func:`~translator.matching.decision.decide` (threshold, extraction); :func:`match` is the three;
the options are :class:`~translator.matching.options.MatchOptions`. Accepted seed correspondences
are kept, anchor the propagation and fine-tune a copy of the GNN; rejected ones are never proposed
and are the GNN's negatives. The result is one-to-one above a threshold
(:mod:`translator.matching.extract`, :func:`~translator.matching.options.default_threshold`), or the
``top_k`` best candidates of every source node for ranking. Except for ``lexical``, which reads
names only, a one-to-one result keeps no relation pair whose domain or range contradicts its class
pairs (:mod:`translator.matching.consistency`); the entities such a pair held are extracted again
without it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from translator.alignment.model import Alignment
from translator.errors import InputError, TolkaError
from translator.graph.model import SchemaGraph
from translator.graph.summary import require_own_entities
from translator.matching.decision import decide
from translator.matching.evidence import Evidence, combine, pin, seed_pairs
from translator.matching.lexical import lexical_candidates
from translator.matching.options import METHODS, MatchOptions
from translator.matching.text.translation import LabelTranslations
from translator.matching.text.wordnet import open_wordnet

__all__ = [
    "METHODS",
    "MatchOptions",
    "MethodNotAvailableError",
    "default_model_path",
    "gather_evidence",
    "match",
    "resolve_method",
]

Progress = Callable[[str, float], None]


class MethodNotAvailableError(TolkaError):
    """A matching method that this installation cannot run (for instance without a model)."""


def default_model_path() -> Path:
    """The GNN model shipped with Tolka (``ontologies/models/tolka-gnn.pt``, built by ``make model``)."""
    return Path(str(resources.files("ontologies"))) / "models" / "tolka-gnn.pt"


def resolve_method(options: MatchOptions, source: SchemaGraph, target: SchemaGraph) -> str:
    """The method that runs. ``auto`` is ``decider`` when a GNN model and a decider are at hand,
    ``gnn`` with a GNN model only, else ``structural``.

    Out of fold over the 30 labelled pairs of benchmarks/pairs.py (each fold's decider trained on the
    other folds' pairs, other settings chosen by cross-validation over pairs, the GNN trained without
    the pairs' models), ``decider`` scores micro F1 0.804 against 0.771 for ``gnn`` and 0.736 for the
    best of ``structural`` and ``lexical``."""
    if options.method != "auto":
        return options.method
    if options.model is None and not default_model_path().is_file():
        return "structural"
    from translator.matching.decider.model import default_decider_path

    return "decider" if options.decider is not None or default_decider_path().is_file() else "gnn"


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
    if method in ("gnn", "decider") and options.model is None and not default_model_path().is_file():
        raise MethodNotAvailableError(
            f"--method {method} needs a trained model and the default one ({default_model_path()}) is "
            "missing from this installation: build it with `make model`, or train one with "
            "`tolka train --corpus DIR --out model.pt` and pass --model model.pt"
        )
    if method in ("gnn", "decider") and options.model is not None and not Path(options.model).is_file():
        # as load_weights says it, before the candidates and the GNN's import are paid for
        raise InputError("model file not found", source=str(Path(options.model)))
    report = progress or (lambda stage, share: None)
    report("candidates", 0.0)
    wordnet = open_wordnet(options.wordnet) if options.synonyms else None
    translate = LabelTranslations(options.dictionaries) if options.translations else None
    cands = lexical_candidates(
        source,
        target,
        block=options.block,
        wordnet=wordnet,
        rules=options.rules,
        translate=translate,
        metadata=options.metadata,
    )
    accepted, rejected = seed_pairs(seeds, cands.source, cands.target)
    # the decider reads its features from the evidence as found: an accepted seed's lexical score
    # pinned to 1 would make every other entity of its row and column look outranked, so the other
    # JSON members that repeat a seed's name (many-to-one) lost to it; the decider's scores and the
    # assignment take the seeds as matched (combine, decide)
    lexical = pin(cands.matrix(), {} if method == "decider" else accepted, rejected)
    learned = None
    if method == "decider" and options.decider is None:
        from translator.matching.decider.model import default_decider_path

        if not default_decider_path().is_file():
            raise MethodNotAvailableError(
                f"--method decider needs a trained decider and the default one ({default_decider_path()}) "
                "is missing from this installation: build it with `make decider`, or train one with "
                "`tolka train-decider` and pass --decider FILE"
            )
    if method in ("gnn", "decider"):
        report("scoring", 0.4)
        from translator.gnn.match import gnn_similarity
        from translator.gnn.model_io import load_weights

        model = load_weights(Path(options.model) if options.model else default_model_path())
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
