"""GNN similarity between the own nodes of two graphs, on a given candidate set and its own top-k.

Without a consensus step the similarity is the embeddings' cosine (clipped at 0). With one, the
cosines become logits, the consensus step refines them through both graphs into assignment
probabilities over each source node's candidates, and the similarity is the mean of the cosine and
the probability relative to the node's best candidate: the cosine says how alike two nodes are, the
consensus which of the alike ones fits the neighbourhood (on transformed nodeset pairs the cosine
alone, the probability alone and the mean were within 0.01 F1 of each other when this was chosen;
the mean keeps the cosine's scale and lets the consensus count). A model with a calibration
(:mod:`translator.gnn.calibration`) also gives each candidate the probability that it is a true
correspondence, from how it stands against its rivals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from scipy import sparse

from translator.gnn.calibration import candidate_features
from translator.gnn.data import graph_input
from translator.gnn.finetune import fine_tune
from translator.gnn.model_io import TrainedModel
from translator.gnn.scoring import relative_consensus, top_k_candidates
from translator.gnn.threads import one_thread
from translator.graph.model import SchemaGraph

__all__ = ["GnnScores", "gnn_similarity"]


@dataclass
class GnnScores:
    """The learned matcher's view of the candidate pairs (len(left_ids) × len(right_ids), sparse):
    ``similarity`` in [0, 1] to blend with other evidence, and ``probability``, the calibrated
    chance that a pair is a true correspondence (zeros for a model without calibration)."""

    similarity: sparse.csr_matrix
    probability: sparse.csr_matrix


@torch.no_grad()
@one_thread()
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
) -> GnnScores:
    """Similarity on the union of ``pairs``' pattern and the GNN's own top-``k`` targets per source
    node (see the module docstring); a len(left_ids) × len(right_ids) sparse matrix. Accepted and
    rejected (source id, target id) pairs first fine-tune a copy of the model
    (:func:`translator.gnn.finetune.fine_tune`)."""
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
    cosine = (a[row] * b[col]).sum(dim=1)
    relative = relative_consensus(
        model.consensus, a_in, b_in, left_rows[row], right_rows[col], cosine, model.config.temperature
    )
    similarity = 0.5 * (cosine.clamp_min(0.0) + relative) if model.consensus is not None else cosine
    probability = torch.zeros_like(cosine)
    if model.calibration is not None and len(row):
        features = candidate_features(cosine, relative, row, col, len(left_ids), len(right_ids))
        probability = model.calibration(features)
    shape = pattern.shape
    return GnnScores(
        sparse.csr_matrix((similarity.clamp_min(0.0).numpy(), (pattern.row, pattern.col)), shape=shape),
        sparse.csr_matrix((probability.numpy(), (pattern.row, pattern.col)), shape=shape),
    )
