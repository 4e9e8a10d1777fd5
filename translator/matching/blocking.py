"""Candidate blocking: which pairs of entities are scored at all.

Candidates are blocked with a character 3-gram TF-IDF index: the sparse product of the two models'
vectors is computed in row chunks and only the ``block`` best targets of each source node (plus
every exact normalised-name match, but for a name that many nodes of one kind share) are kept, so
memory grows with n·block, never n·m. With WordNet, names equal once a run of words is replaced by
a synonym are candidates too, though they may share no n-gram (``surname`` / ``family name``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

from translator.matching.entities import EntityText, pair_factor
from translator.matching.text.synonyms import expansions
from translator.matching.text.wordnet import WordNet

__all__ = ["blocked_pairs"]


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


def _few(sharing: Sequence[int], right: Sequence[EntityText], block: int) -> list[int]:
    """The targets of one name that are candidates by name: all of them when at most ``block`` are;
    else those of kinds that hold the name at most ``block`` times. A name shared by many nodes of
    one kind (26 ``Keys`` properties, one per reference of a companion specification) is left to the
    n-gram top-k, but the few nodes of another kind of that name (the DataType ``AASKeyDataType``,
    known as ``Key``) stay candidates: the many would fill the top-k and hide them."""
    if len(sharing) <= block:
        return list(sharing)
    per_kind = Counter(right[j].kind for j in sharing)
    return [j for j in sharing if per_kind[right[j].kind] <= block]


def blocked_pairs(
    left: Sequence[EntityText],
    right: Sequence[EntityText],
    *,
    block: int,
    chunk: int,
    wordnet: WordNet | None,
) -> dict[tuple[int, int], float]:
    """The blocked candidate pairs ``(source index, target index)`` with their n-gram cosine: the
    ``block`` best targets of each source entity by the n-gram index (``chunk`` source rows per
    sparse product), every target sharing a normalised name with it (when at most ``block`` do),
    and, with ``wordnet``, the synonym candidates."""
    a, b = _tfidf(left, right)
    bt = b.T.tocsc()
    exact: dict[str, list[int]] = {}
    for j, e in enumerate(right):
        for v in e.variants:
            exact.setdefault(v, []).append(j)
    by_name = {v: _few(sharing, right, block) for v, sharing in exact.items()}
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
                for j in by_name.get(v, ()):
                    pairs.setdefault((i, j), 1.0)
    if wordnet is not None:
        for i, j in sorted(_synonym_blocks(left, right, exact, wordnet, block) - pairs.keys()):
            pairs[(i, j)] = float(a[i].multiply(b[j]).sum())
    return pairs
