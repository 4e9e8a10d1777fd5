"""Conversion of a SchemaGraph to PyTorch Geometric data, with deterministic id tables.

The same graph always gives the same tensors: node ids are sorted, relation names are sorted (or
taken from a given vocabulary so that two graphs share relation indexes), edges are sorted by
(source index, target index, relation index), and kinds use the fixed order of `NodeKind`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import torch
from torch_geometric.data import Data

from translator.graph.model import NodeKind

if TYPE_CHECKING:
    from translator.graph.model import SchemaGraph

__all__ = ["KIND_INDEX", "OTHER_RELATION", "to_pyg"]

KIND_INDEX = {kind: i for i, kind in enumerate(NodeKind)}
OTHER_RELATION = "<other>"


def to_pyg(graph: SchemaGraph, *, relations: Iterable[str] | None = None) -> Data:
    """Build a `torch_geometric.data.Data` from a graph.

    Args:
        graph: the graph.
        relations: a relation vocabulary shared with other graphs. Relations of this graph not in
            it map to an extra last index named ``"<other>"``. By default, this graph's own
            relations, sorted.

    Returns:
        Data with ``edge_index`` [2, E] (long), ``edge_type`` [E] (long), ``kind`` [N] (long, index
        into `NodeKind`), ``own_mask`` [N] (bool), ``num_nodes``, and the id tables ``node_ids``
        (list of N ids, sorted) and ``relation_names`` (list, index = edge type).
    """
    node_ids = sorted(n.id for n in graph.nodes())
    index = {node_id: i for i, node_id in enumerate(node_ids)}
    if relations is None:
        relation_names = sorted({e.relation for e in graph.edges()})
    else:
        relation_names = list(dict.fromkeys(relations))
        if any(e.relation not in relation_names for e in graph.edges()):
            relation_names.append(OTHER_RELATION)
    rel_index = {name: i for i, name in enumerate(relation_names)}
    other = rel_index.get(OTHER_RELATION, -1)
    triples = sorted(
        (index[e.source], index[e.target], rel_index.get(e.relation, other)) for e in graph.edges()
    )
    if triples:
        edges = torch.tensor(triples, dtype=torch.long)
        edge_index = edges[:, :2].t().contiguous()
        edge_type = edges[:, 2].contiguous()
    else:
        edge_index = torch.empty((2, 0), dtype=torch.long)
        edge_type = torch.empty((0,), dtype=torch.long)
    kind = torch.tensor([KIND_INDEX[graph[i].kind] for i in node_ids], dtype=torch.long)
    own_mask = torch.tensor([graph[i].own for i in node_ids], dtype=torch.bool)
    return Data(
        edge_index=edge_index,
        edge_type=edge_type,
        kind=kind,
        own_mask=own_mask,
        num_nodes=len(node_ids),
        node_ids=node_ids,
        relation_names=relation_names,
    )
