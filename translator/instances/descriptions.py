"""How alike two fields' descriptions are: TF-IDF cosine over their content words.

PLC tags (``XA_113``) give nothing away by name, but the text a vendor writes beside them often
does ("True while the pump is tripped on a fault."). Words common to many descriptions of the two
models weigh little (inverse document frequency over both), so "temperature" alone does not tie two
temperature fields; "tank" or "outlet" does.

Example:
    >>> s = description_similarity({"a": "Level of the tank", "b": "Speed of the pump"},
    ...                            {"x": "Tank level", "y": "Pump motor current"})
    >>> round(s[("a", "x")], 2), ("a", "y") in s
    (1.0, False)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

from translator.graph.names import content_tokens

__all__ = ["description_similarity"]


def _vectors(texts: Mapping[str, str], idf: Mapping[str, float]) -> dict[str, dict[str, float]]:
    vectors = {}
    for key, text in texts.items():
        counts = Counter(content_tokens(text))
        weights = {w: c * idf[w] for w, c in counts.items() if idf.get(w, 0.0) > 0}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        if norm > 0:
            vectors[key] = {w: v / norm for w, v in weights.items()}
    return vectors


def description_similarity(
    left: Mapping[str, str], right: Mapping[str, str], floor: float = 0.3
) -> dict[tuple[str, str], float]:
    """Cosine similarity of every (left key, right key) whose descriptions share weighted words,
    kept when at least ``floor``; empty descriptions are never similar."""
    documents = [set(content_tokens(t)) for t in (*left.values(), *right.values()) if t]
    frequency = Counter(word for words in documents for word in words)
    idf = {w: math.log((1 + len(documents)) / (1 + n)) + 1.0 for w, n in frequency.items()}
    a, b = _vectors(left, idf), _vectors(right, idf)
    index: dict[str, list[str]] = {}
    for key, vector in b.items():
        for word in vector:
            index.setdefault(word, []).append(key)
    result = {}
    for key, vector in a.items():
        touched = {other for word in vector for other in index.get(word, ())}
        for other in touched:
            cosine = sum(v * b[other].get(w, 0.0) for w, v in vector.items())
            if cosine >= floor:
                result[(key, other)] = round(min(1.0, cosine), 6)
    return result
