"""A summary of a SchemaGraph: what ``tolka inspect`` prints and ``--json`` returns."""

from __future__ import annotations

from collections import Counter
from typing import Any

from translator.graph import SchemaGraph

__all__ = ["summarize"]


def summarize(graph: SchemaGraph) -> dict[str, Any]:
    """Counts of a graph as a JSON-ready dictionary.

    Keys: ``name``, ``sources``, ``nodes``, ``edges``, ``own_nodes``, ``context_nodes``, ``kinds``
    (all nodes by kind), ``own_kinds``, ``relations`` (edges by relation), ``namespaces`` (per model
    namespace or ontology: ``nodes`` and ``own``), ``units`` (unit → own nodes using it), ``warnings``.
    """
    per_source: dict[str, Counter[str]] = {}
    own = 0
    for node in graph.nodes():
        counts = per_source.setdefault(node.source, Counter())
        counts["nodes"] += 1
        if node.own:
            counts["own"] += 1
            own += 1
    return {
        "name": graph.name,
        "sources": list(graph.sources),
        "nodes": len(graph),
        "edges": graph.num_edges,
        "own_nodes": own,
        "context_nodes": len(graph) - own,
        "kinds": dict(sorted(graph.kind_counts().items())),
        "own_kinds": dict(sorted(graph.kind_counts(own_only=True).items())),
        "relations": dict(graph.relation_counts().most_common()),
        "namespaces": {
            source: {"nodes": c["nodes"], "own": c["own"]}
            for source, c in sorted(
                per_source.items(), key=lambda kv: (-kv[1]["own"], -kv[1]["nodes"], kv[0])
            )
        },
        "units": dict(graph.units().most_common()),
        "warnings": list(graph.warnings),
    }
