"""How to match (:class:`MatchOptions`), and the defaults that depend on the models: the one-to-one
threshold of each method (:func:`default_threshold`). The weights and thresholds were chosen by hand
on the 11 OAEI conference pairs (see :mod:`translator.matching.matcher`)."""

from __future__ import annotations

from dataclasses import dataclass

from translator.graph.model import NodeKind, SchemaGraph
from translator.matching.lexical_rules import RULES

__all__ = ["METHODS", "THRESHOLDS", "MatchOptions", "default_threshold", "is_ontology"]

METHODS = ("lexical", "structural", "gnn", "decider", "auto")


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """How to match.

    Attributes:
        method: ``lexical``, ``structural``, ``gnn``, ``decider`` (the learned decider over all the
            evidence, :mod:`translator.matching.decider`) or ``auto``.
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
        rules: the lexical matcher's set-level rules that are on
            (:data:`translator.matching.lexical_rules.RULES`: specialisation, renaming, acronyms,
            synonyms, qualified; all by default).
        translations: give labels in other languages English variants from the FreeDict
            dictionaries (:mod:`translator.matching.text.translation`); a language without an
            installed dictionary simply gets none.
        dictionaries: the FreeDict folder; default ``TOLKA_FREEDICT_DIR`` or ``/usr/share/dictd``.
        decider: a trained decider file (``tolka train-decider``) for ``decider``; default: the
            shipped one. Its threshold is the default threshold of ``decider``.
        metadata: propose standard properties that describe their parent (``EngineeringUnits``,
            ``EURange``, method arguments: :mod:`translator.matching.metadata`) on their own, like any
            entity. By default they are context: each follows its parent's correspondence to the
            same-named property of the parent's counterpart (:mod:`translator.matching.derived`).
            Also match an ontology's metadata annotation properties (``dc:creator``,
            ``dcterms:license``: :func:`translator.matching.metadata.is_vocabulary_annotation`),
            which by default are no entities of the match.
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
    translations: bool = True
    dictionaries: str | None = None
    decider: str | None = None
    metadata: bool = False


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


def is_ontology(graph: SchemaGraph) -> bool:
    """Whether every own node of ``graph`` is an ontology entity (class, property, individual)."""
    return all(node.kind in _ONTOLOGY_KINDS for node in graph.own_nodes())


def default_threshold(
    method: str, source: SchemaGraph, target: SchemaGraph, *, decider: str | None = None
) -> float:
    """The one-to-one threshold of ``method`` (after :func:`~translator.matching.matcher.resolve_method`)
    when none is given:
    :data:`THRESHOLDS`, except that ``gnn`` between two ontologies keeps the structural threshold,
    since its scores there are structural scores, nudged, and that ``decider`` takes the threshold
    its model was trained with (``decider``: its file; default the shipped one)."""
    if method == "decider":
        from translator.matching.decider.model import cached_decider

        return cached_decider(decider).threshold
    if method == "gnn" and is_ontology(source) and is_ontology(target):
        return THRESHOLDS["structural"]
    return THRESHOLDS[method]
