"""How alike two entities' names are in meaning: the cosine of their sentence embeddings
(all-MiniLM-L6-v2, :mod:`translator.matching.text.minilm`), the best over their name variants
(name, labels, synonyms, English renderings of foreign labels: :class:`EntityText`'s ``variants``).

``paper`` and ``article`` share no letter and score 0.41 here; ``conference chair`` and ``chair of the
conference`` 0.96. The learned decider reads this beside the lexical evidence
(:mod:`translator.matching.decider.features`).

Embeddings are computed once per text and kept for the process, and on disk per model: the vectors
of one side's texts are written to ``<cache>/minilm-<sha256 of the texts>.npy`` (``TOLKA_CACHE_DIR``,
default ``~/.cache/tolka``), so matching the same model again — the review loop — encodes nothing.
An unwritable cache is skipped. Encoding costs about 1 ms per name on 2 cores
(``benchmarks/match_scale.py`` reports its share).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from translator.matching.entities import EntityText
from translator.matching.text.minilm import DIM, MiniLM

__all__ = ["VARIANTS", "cache_dir", "name_similarity", "name_vectors"]

log = logging.getLogger(__name__)

VARIANTS = 4
"""Name variants of an entity that are embedded (the first ones: name, label, ...)."""
_MEMORY: dict[str, np.ndarray] = {}


def cache_dir() -> Path:
    """Where embeddings are kept between runs (``TOLKA_CACHE_DIR``, default ``~/.cache/tolka``)."""
    return Path(os.environ.get("TOLKA_CACHE_DIR") or Path.home() / ".cache" / "tolka")


def _from_disk(path: Path, count: int) -> np.ndarray | None:
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return vectors if vectors.shape == (count, DIM) and vectors.dtype == np.float32 else None


def _to_disk(path: Path, vectors: np.ndarray) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            np.save(handle, vectors, allow_pickle=False)
        os.replace(handle.name, path)
    except OSError as error:
        log.debug("embedding cache not written (%s): %s", path, error)


def _embed(texts: list[str]) -> np.ndarray:
    """Vectors of distinct ``texts`` (sorted), from memory, the disk cache or the encoder."""
    missing = [t for t in texts if t not in _MEMORY]
    if missing:
        digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:32]
        path = cache_dir() / f"minilm-{digest}.npy"
        vectors = _from_disk(path, len(texts))
        if vectors is None:
            fresh = MiniLM.load().encode(missing).numpy().astype(np.float32)
            _MEMORY.update(zip(missing, fresh, strict=True))
            vectors = np.stack([_MEMORY[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
            _to_disk(path, vectors)
        _MEMORY.update(zip(texts, vectors, strict=True))
    return np.stack([_MEMORY[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)


def name_vectors(entities: Sequence[EntityText]) -> np.ndarray:
    """``len(entities)`` × :data:`VARIANTS` × 384 unit vectors of each entity's first name variants
    (zero where an entity has fewer)."""
    texts = sorted({v for e in entities for v in e.variants[:VARIANTS]})
    vectors = _embed(texts)
    index = {t: k for k, t in enumerate(texts)}
    out = np.zeros((len(entities), VARIANTS, DIM), dtype=np.float32)
    for i, e in enumerate(entities):
        for k, v in enumerate(e.variants[:VARIANTS]):
            out[i, k] = vectors[index[v]]
    return out


def name_similarity(
    left: Sequence[EntityText], right: Sequence[EntityText], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """For each pair (``left[rows[k]]``, ``right[cols[k]]``): the best cosine of their name variants."""
    if len(rows) == 0:
        return np.zeros(0)
    a, b = name_vectors(left), name_vectors(right)
    out = np.empty(len(rows))
    step = 4096
    for start in range(0, len(rows), step):
        r, c = rows[start : start + step], cols[start : start + step]
        out[start : start + step] = np.einsum("pkd,pld->pkl", a[r], b[c]).reshape(len(r), -1).max(1)
    return out
