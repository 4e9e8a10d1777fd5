"""GNN similarity between the own nodes of two graphs, on a given candidate set and its own top-k.

Without a consensus step the similarity is the embeddings' cosine (clipped at 0). With one, the
cosines become logits, the consensus step refines them through both graphs into assignment
probabilities over each source node's candidates, and the similarity is the mean of the cosine and
the probability relative to the node's best candidate: the cosine says how alike two nodes are, the
consensus which of the alike ones fits the neighbourhood (measured on held-out transformed
nodesets, the mean beat either alone; benchmarks/gnn_quality.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy import sparse
from torch_geometric.utils import softmax

from translator.gnn.data import graph_input
from translator.gnn.finetune import fine_tune
from translator.gnn.model_io import TrainedModel
from translator.gnn.scoring import top_k_candidates
from translator.gnn.threads import one_thread
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
    accepted: Sequence[tuple[str, str]] = (),
    rejected: Sequence[tuple[str, str]] = (),
) -> sparse.csr_matrix:
    """Similarity on the union of ``pairs``' pattern and the GNN's own top-``k`` targets per source
    node (see the module docstring); a len(left_ids) × len(right_ids) sparse matrix. Accepted and
    rejected (source id, target id) pairs first fine-tune a copy of the model
    (:func:`translator.gnn.finetune.fine_tune`)."""
    with one_thread():
        return _similarity(source, target, model, left_ids, right_ids, pairs, k, accepted, rejected)


def _similarity(
    source: SchemaGraph,
    target: SchemaGraph,
    model: TrainedModel,
    left_ids: Sequence[str],
    right_ids: Sequence[str],
    pairs: sparse.csr_matrix,
    k: int,
    accepted: Sequence[tuple[str, str]],
    rejected: Sequence[tuple[str, str]],
) -> sparse.csr_matrix:
    text = model.text_encoder
    a_in, b_in = graph_input(source, text), graph_input(target, text)
    with torch.enable_grad():
        model = fine_tune(model, a_in, b_in, accepted, rejected)
    left_rows, right_rows = a_in.rows(left_ids), b_in.rows(right_ids)
    a = model.encoder(a_in)[left_rows]
    b = model.encoder(b_in)[right_rows]
    top = top_k_candidates(a, b, k)
    given = pairs.tocoo()
    rows = np.concatenate([given.row, np.repeat(np.arange(len(left_ids)), top.columns.shape[1])])
    cols = np.concatenate([given.col, top.columns.reshape(-1).numpy()])
    pattern = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(left_ids), len(right_ids))
    ).tocoo()
    row, col = torch.as_tensor(pattern.row), torch.as_tensor(pattern.col)
    sims = (a[row] * b[col]).sum(dim=1)
    if model.consensus is not None and len(row):
        generator = torch.Generator().manual_seed(0)
        in_a, in_b = left_rows[row], right_rows[col]
        logits = model.consensus(a_in, b_in, in_a, in_b, sims / model.config.temperature, generator=generator)
        prob = softmax(logits, in_a, num_nodes=a_in.x.shape[0])
        best = torch.zeros(a_in.x.shape[0]).scatter_reduce(0, in_a, prob, reduce="amax")
        sims = 0.5 * (sims.clamp_min(0.0) + prob / best[in_a].clamp_min(1e-9))
    values = sims.clamp_min(0.0).numpy()
    return sparse.csr_matrix((values, (pattern.row, pattern.col)), shape=pattern.shape)
