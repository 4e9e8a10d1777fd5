"""Neighbourhood consensus: refining initial correspondence scores through both graphs (after DGMC).

Deep Graph Matching Consensus (Fey et al., ICLR 2020) refines the siamese encoder's similarities by
asking whether the neighbours of a candidate pair agree with each other. Every source node gets a
random colour vector; the current soft correspondence carries the colours over to the target
(``R_t = Sᵀ R_s``); one relational GNN, shared by both graphs, spreads the colours over each graph's
own edges; where a source node and a candidate target end up with the same colour mixture, their
neighbourhoods correspond, and a small network turns the difference of the two vectors into a score
update. The loop runs a few times, re-normalising the scores per source node each time.

Candidates are a sparse list of (source row, target row) pairs with a logit each, so the work and
the memory grow with the number of candidates (n·k), never n·m. The random colours come from a
generator seeded by the caller, so inference is deterministic.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import RGCNConv
from torch_geometric.utils import softmax

from translator.gnn.data import RELATION_VOCABULARY, GraphInput

__all__ = ["Consensus"]


class Consensus(nn.Module):
    """The consensus refinement of candidate logits.

    Args:
        dim: size of the random colour vectors and of the colour GNN.
        layers: message-passing rounds of the colour GNN.
        steps: refinement iterations.
    """

    def __init__(self, dim: int = 32, layers: int = 2, steps: int = 3) -> None:
        super().__init__()
        self.dim = dim
        self.steps = steps
        self.convs = nn.ModuleList(
            RGCNConv(dim, dim, num_relations=2 * len(RELATION_VOCABULARY), num_bases=2) for _ in range(layers)
        )
        self.update = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))

    def _spread(self, colours: torch.Tensor, graph: GraphInput) -> torch.Tensor:
        h = colours
        for conv in self.convs:
            h = h + torch.relu(conv(h, graph.edge_index, graph.edge_type))
        return h

    def forward(
        self,
        source: GraphInput,
        target: GraphInput,
        rows: torch.Tensor,
        cols: torch.Tensor,
        logits: torch.Tensor,
        *,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Refined logits of the candidate pairs (``rows[m]`` of ``source`` with ``cols[m]`` of
        ``target``); normalise them per source row with a softmax grouped by ``rows``."""
        n_source, n_target = source.x.shape[0], target.x.shape[0]
        for _ in range(self.steps):
            weights = softmax(logits, rows, num_nodes=n_source)
            colours = torch.randn((n_source, self.dim), generator=generator)
            carried = torch.zeros((n_target, self.dim)).index_add(
                0, cols, weights.unsqueeze(1) * colours[rows]
            )
            here, there = self._spread(colours, source), self._spread(carried, target)
            logits = logits + self.update(here[rows] - there[cols]).squeeze(1)
        return logits
