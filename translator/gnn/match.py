"""GNN similarity between the own nodes of two graphs, on a given candidate set and its own top-k."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy import sparse

from translator.gnn.data import graph_input
from translator.gnn.model_io import TrainedModel
from translator.gnn.scoring import top_k_candidates
from translator.graph import SchemaGraph

__all__ = ["gnn_similarity"]


@torch.no_grad()
def gnn_similarity(
    source: SchemaGraph,
    target: SchemaGraph,
    model: TrainedModel,
    left_ids: Sequence[str],
    right_ids: Sequence[str],
    pairs: sparse.csr_matrix,
    *,
    k: int = 10,
) -> sparse.csr_matrix:
    """Cosine similarity (clipped at 0) of the embeddings on the union of ``pairs``' pattern and the
    GNN's own top-``k`` targets per source node; a len(left_ids) × len(right_ids) sparse matrix."""
    text = model.text_encoder
    a_in, b_in = graph_input(source, text), graph_input(target, text)
    a = model.encoder(a_in)[a_in.rows(left_ids)]
    b = model.encoder(b_in)[b_in.rows(right_ids)]
    top = top_k_candidates(a, b, k)
    given = pairs.tocoo()
    rows = np.concatenate([given.row, np.repeat(np.arange(len(left_ids)), top.columns.shape[1])])
    cols = np.concatenate([given.col, top.columns.reshape(-1).numpy()])
    pattern = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(left_ids), len(right_ids))
    ).tocoo()
    sims = (a[torch.as_tensor(pattern.row)] * b[torch.as_tensor(pattern.col)]).sum(dim=1).clamp_min(0.0)
    return sparse.csr_matrix((sims.numpy(), (pattern.row, pattern.col)), shape=pattern.shape)
