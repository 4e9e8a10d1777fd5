"""The lexical matcher: candidate pairs by name, label and synonym similarity.

Each own node of a graph gets its name variants (name, label, labels in every locale, synonyms),
normalised by :mod:`translator.graph.names`. Candidates are blocked with a character 3-gram TF-IDF
index:
the sparse product of the two models' vectors is computed in row chunks and only the ``block`` best
targets of each source node (plus every exact normalised-name match) are kept, so memory grows with
n·block, never n·m. Each candidate pair is then scored by the best of exact equality, token Dice
and n-gram cosine, and weighed by kind datatype and unit compatibility: a class never maps to a
property, a boolean never to a temperature, a temperature never to a pressure (units compared by
the physical quantity they measure, :mod:`translator.translation.units`); two relations of which exactly one
is
named as the inverse (``authorOf`` / ``hasAuthor``) are weighed down.

Two rules then look at the whole candidate set rather than one pair, and only at entities with no
same-name counterpart on the other side:

- *specialisation*: when the nearest counterpart of a class or relation is the other name with
  modifiers added (``Regular_author`` / ``Author``, ``hasConferenceMember`` / ``hasMember``), and
  that pair is the one with the fewest added modifiers for both entities (mutual, no tie), it scores
  ``SPECIALISATION``. A relation's leading verb must agree (``assignReviewer`` is no
  ``hasReviewer``); attributes never take part, since their modifier picks another value
  (``FirstName`` is no ``Name``). With WordNet, a relation whose first word can only be a verb has
  that verb as its head, so the verb with its object specialises the verb (``submitPaper`` /
  ``submit``).
- *renaming*: names equal up to words the two models systematically name differently
  (``Accepted_contribution`` / ``AcceptedPaper`` when ``Rejected_…`` and ``Submitted_…`` agree too;
  :mod:`translator.matching.vocabulary`) score ``RENAMED``.
- *acronyms*: names equal once a run of two to four words of one is written as its initials
  (``ProgramCommitteeChair`` / ``Chair_PC``) score ``ACRONYM`` when that pair is the only such pair
  of both entities.
- *synonyms*: names of the same kind of entity whose words differ only in WordNet synonyms
  (``Chairman`` / ``Chair``, ``has_the_last_name`` / ``hasSurname``: a word or a collocation for
  another that shares one of its most frequent senses, :mod:`translator.matching.text.wordnet`) score
  ``SYNONYM``
  when that pair is the only such pair of both entities. Such pairs need not share a character
  n-gram, so each name is also looked up with one word replaced by each of its synonyms. Without a
  WordNet database this rule is off.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from scipy import sparse

from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import content_tokens, normalize, tokens
from translator.matching.text.synonyms import expansions, synonymous
from translator.matching.text.wordnet import WordNet
from translator.matching.vocabulary import substitution, token_translations
from translator.translation.units import compatible

__all__ = [
    "RULES",
    "Candidates",
    "EntityText",
    "entity_texts",
    "kind_factor",
    "lexical_candidates",
    "pair_factor",
]

_GROUPS: dict[NodeKind, str] = {
    NodeKind.CLASS: "concept",
    NodeKind.OBJECT_TYPE: "concept",
    NodeKind.OBJECT: "concept",
    NodeKind.INDIVIDUAL: "instance",
    NodeKind.VARIABLE: "attribute",
    NodeKind.PROPERTY: "attribute",
    NodeKind.FIELD: "attribute",
    NodeKind.DATATYPE_PROPERTY: "attribute",
    NodeKind.VARIABLE_TYPE: "attribute-type",
    NodeKind.OBJECT_PROPERTY: "relation",
    NodeKind.ANNOTATION_PROPERTY: "relation",
    NodeKind.REFERENCE_TYPE: "relation",
    NodeKind.DATA_TYPE: "datatype",
    NodeKind.METHOD: "method",
    NodeKind.VIEW: "view",
    NodeKind.UNIT: "unit",
    NodeKind.ENUM_VALUE: "enum",
}
HEAD_MATCH = 0.8
"""Score of a name contained in the other with the same head word (``Author`` / ``Regular_author``)."""
SPECIALISATION = 0.8
"""Score of a name whose nearest counterpart is the other with modifiers added, when neither has a
same-name counterpart (``Regular_author`` / ``Author``, ``Conference_fees`` / ``Fee``)."""
RENAMED = 0.85
"""Score of two names equal up to a word the two models systematically name differently."""
ACRONYM = 0.85
"""Score of two names equal once a run of words of one is written as its initials (``Program
Committee Chair`` / ``Chair PC``), when neither has a same-name counterpart."""
SYNONYM = 0.85
"""Score of two names equal up to words WordNet gives as synonyms in their most frequent senses
(``Chairman`` / ``Chair``), when neither has a same-name counterpart: a curated lexicon's word, as
strong as a rename the pair of models shows several times."""
RULES = ("specialisation", "renaming", "acronyms", "synonyms")
"""The set-level rules of the module docstring; each can be switched off (``MatchOptions.rules``), so
that which are on can be chosen by cross-validation (benchmarks/pairs.py)."""
INVERSE = 0.8
"""Factor of two relations of which exactly one is named as the inverse (``authorOf`` / ``hasAuthor``)."""
INVERSE_MARKER = "of"
_SPECIALISABLE = frozenset({"concept", "relation"})
"""Groups whose names may drop a modifier: a class or relation with a modifier is usually the only
one of its kind, an attribute's modifier picks a different value (``FirstName`` is no ``Name``)."""
_NEAR = {frozenset({"attribute", "relation"}): 0.75, frozenset({"concept", "attribute"}): 0.5}


def kind_factor(a: NodeKind, b: NodeKind) -> float:
    """How compatible two kinds are: 1 same kind, 0.9 same group, less for near groups, 0 otherwise."""
    if a is b:
        return 1.0
    ga, gb = _GROUPS.get(a, a.value), _GROUPS.get(b, b.value)
    if ga == gb:
        return 0.9
    return _NEAR.get(frozenset({ga, gb}), 0.0)


def _datatype_factor(a: str, b: str) -> float:
    if not a or not b or a == b:
        return 1.0
    if "bool" in (a, b) and "number" in (a, b):
        return 0.0  # a temperature never maps to a boolean
    return 0.6


@dataclass(frozen=True, slots=True)
class EntityText:
    """The comparable texts of one node."""

    id: str
    kind: NodeKind
    variants: tuple[str, ...]
    token_sets: tuple[tuple[str, ...], ...]
    datatype: str
    label: str
    unit: str = ""
    lead_words: frozenset[str] = frozenset()
    """First words of the names, stopwords kept: the verb of a relation (``has``, ``assign``)."""


def _variants(node: Node) -> tuple[str, ...]:
    raw = [node.name, node.label, *(text for _, text in node.labels), *node.synonyms]
    seen: dict[str, None] = {}
    for text in raw:
        if text and text != "*":
            norm = normalize(text)
            if norm:
                seen.setdefault(norm, None)
    return tuple(seen)


def _lead_words(node: Node) -> frozenset[str]:
    texts = (node.name, node.label, *(text for _, text in node.labels), *node.synonyms)
    return frozenset(words[0] for words in map(tokens, texts) if words)


def entity_texts(nodes: Iterable[Node]) -> list[EntityText]:
    """Texts of nodes (sorted by id, so results never depend on load order)."""
    out = []
    for node in sorted(nodes, key=lambda n: n.id):
        variants = _variants(node)
        if not variants:
            continue
        out.append(
            EntityText(
                node.id,
                node.kind,
                variants,
                tuple(content_tokens(v) for v in variants),
                datatype_class(node.datatype),
                node.label or node.name,
                node.unit,
                _lead_words(node),
            )
        )
    return out


def _ngrams(text: str) -> Iterable[str]:
    padded = f"  {text} "
    return (padded[i : i + 3] for i in range(len(padded) - 2))


def _tfidf(
    left: Sequence[EntityText], right: Sequence[EntityText]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    counts = [Counter(g for v in e.variants for g in _ngrams(v)) for e in (*left, *right)]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    vocab = {g: i for i, g in enumerate(sorted(df))}
    n_docs = len(counts)
    idf = {g: math.log((1 + n_docs) / (1 + n)) + 1.0 for g, n in df.items()}
    rows, cols, vals = [], [], []
    for r, c in enumerate(counts):
        weights = {vocab[g]: (1.0 + math.log(k)) * idf[g] for g, k in c.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for col, w in weights.items():
            rows.append(r)
            cols.append(col)
            vals.append(w / norm)
    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(n_docs, len(vocab)), dtype=np.float32)
    return matrix[: len(left)], matrix[len(left) :]


@functools.lru_cache(maxsize=100_000)
def _token_similar(a: str, b: str) -> bool:
    """Same token, or a spelling variant of a long one (organisation / organization)."""
    if a == b:
        return True
    if len(a) != len(b) or len(a) < 6:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.9


def _soft_overlap(x: frozenset[str], y: frozenset[str]) -> int:
    return sum(1 for t in x if any(_token_similar(t, u) for u in y))


def _dice(a: Sequence[tuple[str, ...]], b: Sequence[tuple[str, ...]]) -> float:
    """Best token Dice over the variants; a name contained in the other with the same head word
    (``Author`` in ``Regular_author``) counts as a near match."""
    best = 0.0
    for xt in a:
        x = frozenset(xt)
        for yt in b:
            y = frozenset(yt)
            if not x or not y:
                continue
            overlap = min(_soft_overlap(x, y), _soft_overlap(y, x))
            best = max(best, 2 * overlap / (len(x) + len(y)))
            small, large = (xt, yt) if len(x) <= len(y) else (yt, xt)
            if overlap == len(set(small)) and _token_similar(small[-1], large[-1]):
                best = max(best, HEAD_MATCH)
    return best


def pair_factor(a: EntityText, b: EntityText) -> float:
    """How compatible two entities are by kind, datatype and unit; 0 means never a pair (a class and
    a property, a boolean and a number, a temperature and a pressure)."""
    if compatible(a.unit, b.unit) is False:  # °C never maps to bar; °C to °F is fine
        return 0.0
    return kind_factor(a.kind, b.kind) * _datatype_factor(a.datatype, b.datatype)


def _direction_factor(a: EntityText, b: EntityText) -> float:
    """``INVERSE`` for two relations of which exactly one is named as the inverse (``authorOf`` /
    ``hasAuthor``, ``partOf`` / ``hasPart``), else 1."""
    if _GROUPS.get(a.kind) != "relation" or _GROUPS.get(b.kind) != "relation":
        return 1.0
    a_of = any(INVERSE_MARKER in t for t in a.token_sets)
    b_of = any(INVERSE_MARKER in t for t in b.token_sets)
    return INVERSE if a_of != b_of else 1.0


def _score_pairs(
    left: Sequence[EntityText], right: Sequence[EntityText], pairs: dict[tuple[int, int], float]
) -> dict[tuple[int, int], tuple[float, float, bool]]:
    """``(score, factor, same name)`` of every compatible blocked pair; the score includes the factor."""
    scored: dict[tuple[int, int], tuple[float, float, bool]] = {}
    for (i, j), cosine in pairs.items():
        ea, eb = left[i], right[j]
        factor = pair_factor(ea, eb) * _direction_factor(ea, eb)
        if factor <= 0:
            continue
        same = bool({v.replace(" ", "") for v in ea.variants} & {v.replace(" ", "") for v in eb.variants})
        score = max(1.0 if same else 0.0, 0.5 * cosine + 0.5 * _dice(ea.token_sets, eb.token_sets))
        scored[(i, j)] = (score * factor, factor, same)
    return scored


def _head(words: tuple[str, ...]) -> str:
    """The head word of a name: the last, or the one before ``of`` (``Deadline_of_acceptance``)."""
    if INVERSE_MARKER in words[1:]:
        return words[words.index(INVERSE_MARKER, 1) - 1]
    return words[-1]


def _verb_head(wordnet: WordNet, words: tuple[str, ...]) -> str:
    """The head of a relation's name: its first word when that can only be a verb (``submitPaper``
    is a submitting, whose object is the paper), else :func:`_head`."""
    return words[0] if wordnet.only_verb(words[0]) else _head(words)


def _extra_modifiers(
    a: Sequence[tuple[str, ...]],
    b: Sequence[tuple[str, ...]],
    head: Callable[[tuple[str, ...]], str] = _head,
) -> int | None:
    """How many modifiers the longer name adds when the shorter one is contained in it with the same
    head word (``Author`` / ``Regular_author``: 1); None when no variants relate so."""
    best: int | None = None
    for xt in a:
        for yt in b:
            x, y = frozenset(xt), frozenset(yt)
            if not x or not y or len(x) == len(y):
                continue
            (small, small_set), (large, large_set) = sorted(((xt, x), (yt, y)), key=lambda v: len(v[1]))
            if _soft_overlap(small_set, large_set) == len(small_set) and _token_similar(
                head(small), head(large)
            ):
                extra = len(large_set) - len(small_set)
                best = extra if best is None else min(best, extra)
    return best


def _unique_minima(values: dict[tuple[int, int], int], side: int) -> set[tuple[int, int]]:
    """The pairs holding the single lowest value among the pairs of their ``side`` entity."""
    by_entity: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for pair, value in values.items():
        by_entity.setdefault(pair[side], []).append((value, pair))
    out = set()
    for options in by_entity.values():
        options.sort()
        if len(options) == 1 or options[0][0] < options[1][0]:
            out.add(options[0][1])
    return out


def _specialisations(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    eligible: Iterable[tuple[int, int]],
    wordnet: WordNet | None = None,
) -> set[tuple[int, int]]:
    """Pairs where one name is the other with modifiers added and the nearest such pair of both.
    With WordNet, a relation named by a verb and its object specialises the one named by the verb
    (``submitPaper`` / ``submit``)."""
    relation_head = _head if wordnet is None else functools.partial(_verb_head, wordnet)
    extra = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        group = _GROUPS.get(a.kind)
        if group not in _SPECIALISABLE or group != _GROUPS.get(b.kind):
            continue
        if group == "relation" and not a.lead_words & b.lead_words:
            continue  # assignReviewer is no hasReviewer: a relation's verb must agree
        head = relation_head if group == "relation" else _head
        count = _extra_modifiers(left[i].token_sets, right[j].token_sets, head)
        if count is not None:
            extra[(i, j)] = count
    return _unique_minima(extra, 0) & _unique_minima(extra, 1)


def _renamed(
    left: Sequence[EntityText], right: Sequence[EntityText], eligible: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs equal up to a word the two models systematically name differently
    (:func:`translator.matching.vocabulary.token_translations`)."""
    translations = token_translations(
        ((i, j), a, b) for i, j in eligible for a in left[i].token_sets for b in right[j].token_sets
    )
    out = set()
    for i, j in eligible:
        for a in left[i].token_sets:
            for b in right[j].token_sets:
                sub = substitution(a, b)
                if sub is not None and translations.get(sub[0]) == sub[1]:
                    out.add((i, j))
    return out


def _synonyms(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    eligible: Iterable[tuple[int, int]],
    wordnet: WordNet,
) -> set[tuple[int, int]]:
    """Pairs of entities of one group whose names differ only in WordNet synonyms, when that pair
    is the only such pair of both entities (:func:`translator.matching.text.synonyms.synonymous`)."""
    found: dict[tuple[int, int], int] = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        if _GROUPS.get(a.kind) != _GROUPS.get(b.kind):
            continue
        if any(synonymous(x, y, wordnet) for x in a.token_sets for y in b.token_sets):
            found[(i, j)] = 0
    return _unique_minima(found, 0) & _unique_minima(found, 1)


def _acronym_forms(words: tuple[str, ...]) -> set[frozenset[str]]:
    """The word sets of a name with one run of 2–4 words written as its initials
    (``program committee chair`` → ``{pc, chair}``)."""
    out = set()
    for size in range(2, min(4, len(words)) + 1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if all(len(w) > 1 for w in run):
                short = "".join(w[0] for w in run)
                out.add(frozenset((*words[:start], short, *words[start + size :])))
    return out


def _acronyms(
    left: Sequence[EntityText], right: Sequence[EntityText], eligible: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs of one group whose names are equal once a run of words of one is written as its
    initials, as the other writes it (``ProgramCommitteeChair`` / ``Chair_PC``), when that pair is
    the only such pair of both entities."""
    found: dict[tuple[int, int], int] = {}
    for i, j in eligible:
        a, b = left[i], right[j]
        if _GROUPS.get(a.kind) != _GROUPS.get(b.kind):
            continue
        for x in a.token_sets:
            for y in b.token_sets:
                if frozenset(y) in _acronym_forms(x) or frozenset(x) in _acronym_forms(y):
                    found[(i, j)] = 0
    return _unique_minima(found, 0) & _unique_minima(found, 1)


def _pair_level_boosts(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    scored: dict[tuple[int, int], tuple[float, float, bool]],
    wordnet: WordNet | None = None,
    rules: Collection[str] = RULES,
) -> dict[tuple[int, int], float]:
    """Scores (before the pair factor) that the whole candidate set justifies for some pairs, by
    the set-level ``rules`` that are on.

    Only entities without a same-name counterpart on the other side take part: ``Author`` never
    maps to ``Regular_author`` while the other model has an ``Author`` of its own.
    """
    exact_left = {i for (i, _), (_, _, same) in scored.items() if same}
    exact_right = {j for (_, j), (_, _, same) in scored.items() if same}
    eligible = [(i, j) for i, j in scored if i not in exact_left and j not in exact_right]
    boosts: dict[tuple[int, int], float] = {}
    found: list[tuple[str, float, Iterable[tuple[int, int]]]] = []
    if "specialisation" in rules:
        found.append(("specialisation", SPECIALISATION, _specialisations(left, right, eligible, wordnet)))
    if "renaming" in rules:
        found.append(("renaming", RENAMED, _renamed(left, right, eligible)))
    if "acronyms" in rules:
        found.append(("acronyms", ACRONYM, _acronyms(left, right, eligible)))
    if "synonyms" in rules and wordnet is not None:
        found.append(("synonyms", SYNONYM, _synonyms(left, right, eligible, wordnet)))
    for _, value, pairs in found:
        for pair in pairs:
            boosts[pair] = max(boosts.get(pair, 0.0), value)
    return boosts


def _synonym_blocks(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    exact: dict[str, list[int]],
    wordnet: WordNet,
    block: int,
) -> set[tuple[int, int]]:
    """Pairs whose names are equal once one run of words of the source name is replaced by a
    synonym: candidates that the n-gram index may not propose (``surname`` / ``family name``).
    Entities with a same-name counterpart are skipped: they never take a synonym."""
    out: set[tuple[int, int]] = set()
    for i, e in enumerate(left):
        if any(pair_factor(e, right[j]) > 0 for v in e.variants for j in exact.get(v, ())):
            continue
        for words in e.token_sets:
            for other in expansions(words, wordnet):
                sharing = exact.get(" ".join(other), ())
                if len(sharing) <= block:
                    out.update((i, j) for j in sharing)
    return out


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


def lexical_candidates(
    source: SchemaGraph,
    target: SchemaGraph,
    *,
    block: int = 20,
    chunk: int = 1024,
    wordnet: WordNet | None = None,
    rules: Collection[str] = RULES,
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
    """
    unknown = set(rules) - set(RULES)
    if unknown:
        raise ValueError(f"unknown lexical rules {sorted(unknown)}; known: {', '.join(RULES)}")
    left = entity_texts(source.own_nodes())
    right = entity_texts(target.own_nodes())
    if not left or not right:
        empty = np.empty(0, dtype=np.int64)
        return Candidates(left, right, empty, empty, np.empty(0))
    a, b = _tfidf(left, right)
    bt = b.T.tocsc()
    exact: dict[str, list[int]] = {}
    for j, e in enumerate(right):
        for v in e.variants:
            exact.setdefault(v, []).append(j)
    pairs: dict[tuple[int, int], float] = {}
    k = min(block, len(right))
    for start in range(0, len(left), chunk):
        cos = (a[start : start + chunk] @ bt).toarray()
        top = (
            np.argpartition(-cos, k - 1, axis=1)[:, :k]
            if k < cos.shape[1]
            else np.tile(np.arange(cos.shape[1]), (cos.shape[0], 1))
        )
        for offset, row in enumerate(top):
            i = start + offset
            for j in row:
                if cos[offset, j] > 0:
                    pairs[(i, int(j))] = float(cos[offset, j])
            for v in left[i].variants:
                sharing = exact.get(v, ())
                if len(sharing) <= block:  # a name shared by many nodes is left to the n-gram top-k
                    for j in sharing:
                        pairs.setdefault((i, j), 1.0)
    if wordnet is not None and "synonyms" in rules:
        for i, j in sorted(_synonym_blocks(left, right, exact, wordnet, block) - pairs.keys()):
            pairs[(i, j)] = float(a[i].multiply(b[j]).sum())
    scored = _score_pairs(left, right, pairs)
    for (i, j), boost in _pair_level_boosts(left, right, scored, wordnet, rules).items():
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
