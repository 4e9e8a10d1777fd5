"""A SchemaGraph as input to the encoder: features, typed edges with inverses, and an id table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from translator.gnn.features import TextEncoder, node_features
from translator.graph.classes import relation_class
from translator.graph.model import SchemaGraph

__all__ = ["RELATION_VOCABULARY", "GraphInput", "graph_input"]

RELATION_VOCABULARY = (
    "is-a", "part", "domain", "range", "restriction", "restriction-target", "inverse", "type", "same",
    "DataType", "HasModellingRule", "HasEncoding", "GeneratesEvent", "other",
)  # fmt: skip
"""Relation roles the encoder knows (see `translator.matching.structural.relation_class`); each has an
inverse type, so the encoder has 2 × len(RELATION_VOCABULARY) edge types."""
_INDEX = {name: i for i, name in enumerate(RELATION_VOCABULARY)}


@dataclass
class GraphInput:
    """Encoder input of one graph. ``ids[i]`` is the node of row i; ``own`` masks matchable rows."""

    ids: list[str]
    x: torch.Tensor
    edge_index: torch.Tensor
    edge_type: torch.Tensor
    own: torch.Tensor

    def rows(self, node_ids: Sequence[str]) -> torch.Tensor:
        """Row numbers of node ids."""
        index = {node_id: i for i, node_id in enumerate(self.ids)}
        return torch.tensor([index[n] for n in node_ids], dtype=torch.long)


def _neighbourhood(graph: SchemaGraph) -> set[str]:
    """The own nodes and the context nodes one edge away from them (all nodes when none is own)."""
    own = {n.id for n in graph.own_nodes()}
    if not own:
        return {n.id for n in graph.nodes()}
    keep = set(own)
    for edge in graph.edges():
        if edge.source in own:
            keep.add(edge.target)
        elif edge.target in own:
            keep.add(edge.source)
    return keep


def graph_input(graph: SchemaGraph, encoder: TextEncoder) -> GraphInput:
    """Features and edges of a graph's own nodes and their direct context (a companion model's
    imported base model is thousands of nodes the matcher never needs in full): rows in sorted id
    order, inverse edges added."""
    keep = _neighbourhood(graph)
    ids = sorted(keep)
    row = {node_id: i for i, node_id in enumerate(ids)}
    sources, targets, types = [], [], []
    for edge in sorted(e for e in graph.edges() if e.source in keep and e.target in keep):
        kind = _INDEX.get(relation_class(edge.relation), _INDEX["other"])
        s, t = row[edge.source], row[edge.target]
        sources += [s, t]
        targets += [t, s]
        types += [2 * kind, 2 * kind + 1]
    return GraphInput(
        ids=ids,
        x=node_features(graph, encoder, ids),
        edge_index=torch.tensor([sources, targets], dtype=torch.long).reshape(2, -1),
        edge_type=torch.tensor(types, dtype=torch.long),
        own=torch.tensor([graph[i].own for i in ids], dtype=torch.bool),
    )
