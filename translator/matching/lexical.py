"""The lexical matcher: candidate pairs by name, label and synonym similarity.

Each own node of a graph — but the annotation properties of the standard metadata vocabularies
(``dc:creator``, :func:`~translator.matching.metadata.is_vocabulary_annotation`) unless asked — gets
its name variants (name, label, labels in every locale, synonyms, and against a model that does not
follow OPC UA's naming convention a type's bare name: ``AASSubmodelType`` as ``Submodel``,
:mod:`translator.matching.conventions`; a name that begins with its model's own name also without
it: ``Conference_fees`` of ``http://conference`` as ``fee``, :mod:`translator.matching.model_prefix`),
normalised by :mod:`translator.graph.names`
(:mod:`translator.matching.entities`). Candidates are
blocked with a character 3-gram TF-IDF index, so memory grows with n·block, never n·m
(:mod:`translator.matching.blocking`). Each candidate pair is then scored by the best of exact
equality, token Dice and n-gram cosine, and weighed by kind, datatype and unit compatibility
(:mod:`translator.matching.similarity`). Set-level rules — specialisation, renaming, acronyms,
synonyms, names qualified by a superclass — then look at the whole candidate set rather than one
pair, and only at entities with no same-name counterpart on the other side
(:mod:`translator.matching.lexical_rules`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from translator.graph.model import Node, SchemaGraph
from translator.matching.blocking import blocked_pairs
from translator.matching.conventions import convention_names
from translator.matching.entities import EntityText, Translate, entity_texts
from translator.matching.lexical_rules import RULES, pair_level_boosts
from translator.matching.metadata import is_vocabulary_annotation
from translator.matching.model_prefix import model_prefix_names
from translator.matching.qualified import parent_words
from translator.matching.similarity import score_pairs
from translator.matching.text.wordnet import WordNet

__all__ = ["Candidates", "lexical_candidates"]


@dataclass
class Candidates:
    """Scored candidate pairs, as parallel arrays of source and target indexes."""

    source: list[EntityText]
    target: list[EntityText]
    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray

    def matrix(self) -> sparse.csr_matrix:
        """The scores as a sparse source × target matrix."""
        return sparse.csr_matrix(
            (self.scores, (self.rows, self.cols)),
            shape=(len(self.source), len(self.target)),
            dtype=np.float64,
        )


def _matchable(graph: SchemaGraph, metadata: bool) -> list[Node]:
    return [n for n in graph.own_nodes() if metadata or not is_vocabulary_annotation(n)]


def lexical_candidates(
    source: SchemaGraph,
    target: SchemaGraph,
    *,
    block: int = 20,
    chunk: int = 1024,
    wordnet: WordNet | None = None,
    rules: Collection[str] = RULES,
    translate: Translate | None = None,
    metadata: bool = False,
) -> Candidates:
    """Score the blocked candidate pairs between the own nodes of two graphs.

    Args:
        source: the source graph; its own nodes are the rows.
        target: the target graph; its own nodes are the columns.
        block: candidates kept per source node by the n-gram index.
        chunk: source rows per sparse product.
        wordnet: the WordNet database for synonym evidence
            (:func:`translator.matching.text.wordnet.open_wordnet`);
            None: no synonym evidence.
        rules: the set-level rules that are on (:data:`RULES`; all by default).
        translate: English renderings of labels in other languages
            (:class:`translator.matching.text.translation.LabelTranslations`); None: none.
        metadata: match the annotation properties of the standard metadata vocabularies too
            (``dc:creator``, ``dcterms:license``:
            :func:`~translator.matching.metadata.is_vocabulary_annotation`); by default they are no
            entities of either side.
    """
    unknown = set(rules) - set(RULES)
    if unknown:
        raise ValueError(f"unknown lexical rules {sorted(unknown)}; known: {', '.join(RULES)}")
    left = entity_texts(
        _matchable(source, metadata),
        translate,
        convention_names(source, target),
        model_prefix_names(source),
    )
    right = entity_texts(
        _matchable(target, metadata),
        translate,
        convention_names(target, source),
        model_prefix_names(target),
    )
    if not left or not right:
        empty = np.empty(0, dtype=np.int64)
        return Candidates(left, right, empty, empty, np.empty(0))
    pairs = blocked_pairs(
        left, right, block=block, chunk=chunk, wordnet=wordnet if "synonyms" in rules else None
    )
    scored = score_pairs(left, right, pairs)
    parents = (parent_words(source, left), parent_words(target, right)) if "qualified" in rules else None
    for (i, j), boost in pair_level_boosts(left, right, scored, wordnet, rules, parents).items():
        score, factor, same = scored[(i, j)]
        scored[(i, j)] = (max(score, boost * factor), factor, same)
    keys = list(scored)
    return Candidates(
        left,
        right,
        np.asarray([i for i, _ in keys], dtype=np.int64),
        np.asarray([j for _, j in keys], dtype=np.int64),
        np.asarray([scored[k][0] for k in keys]),
    )
