"""The relational encoder: the same weights embed the nodes of both graphs (a siamese GNN)."""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import RGCNConv

from translator.gnn.data import RELATION_VOCABULARY, GraphInput

__all__ = ["RelationalEncoder"]


class RelationalEncoder(nn.Module):
    """Input projection, then ``layers`` R-GCN layers (basis-decomposed, one weight per relation role
    and direction) with residual connections; output L2-normalised so that dot products are cosines.

    Args:
        in_dim: feature size.
        hidden: embedding size.
        layers: message-passing rounds.
        bases: R-GCN bases shared by the relation types.
    """

    def __init__(self, in_dim: int, hidden: int = 128, layers: int = 2, bases: int = 4) -> None:
        super().__init__()
        self.project = nn.Linear(in_dim, hidden)
        self.convs = nn.ModuleList(
            RGCNConv(hidden, hidden, num_relations=2 * len(RELATION_VOCABULARY), num_bases=bases)
            for _ in range(layers)
        )
        self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in range(layers))

    def forward(self, graph: GraphInput) -> torch.Tensor:
        """Node embeddings [n, hidden], unit length."""
        h = torch.relu(self.project(graph.x))
        for conv, norm in zip(self.convs, self.norms, strict=True):
            h = norm(h + torch.relu(conv(h, graph.edge_index, graph.edge_type)))
        embedded: torch.Tensor = nn.functional.normalize(h, dim=1)
        return embedded
