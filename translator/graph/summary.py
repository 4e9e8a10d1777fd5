"""A summary of a SchemaGraph: what ``tolka inspect`` prints and ``--json`` returns, and the check
that two models to match have entities of their own, which says what was loaded when one has none."""

from __future__ import annotations

from collections import Counter
from typing import Any

from translator.errors import EmptyModelError
from translator.graph.model import SchemaGraph

__all__ = ["require_own_entities", "summarize"]


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


def _files(graph: SchemaGraph, shown: int = 3) -> str:
    sources = list(graph.sources) or [graph.name]
    more = f" and {len(sources) - shown} more" if len(sources) > shown else ""
    return ", ".join(sources[:shown]) + more


def require_own_entities(source: SchemaGraph, target: SchemaGraph) -> None:
    """Refuse to match when a model has no entities of its own (nothing loaded, or only context).

    Raises:
        EmptyModelError: naming the side, what was loaded (nodes by kind, the loader's warnings)
            and what to try.
    """
    for side, graph in (("source", source), ("target", target)):
        if any(True for _ in graph.own_nodes()):
            continue
        if len(graph) == 0:
            loaded = "nothing (no classes, properties, individuals, nodes or fields)"
        else:
            kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(graph.kind_counts().items()))
            loaded = f"{len(graph):,} nodes, all context from imported or required models ({kinds})"
        notes = "".join(f"; {warning}" for warning in graph.warnings[:3])
        raise EmptyModelError(
            f"the {side} model ({_files(graph)}) has no entities of its own to match: loaded {loaded}"
            f"{notes}. Try --individuals if its entities are RDF individuals (instances); give the files "
            "that declare its own classes, properties or nodes (several files: 'a.ttl,b.ttl' or "
            "'folder/*.ttl'); or add the folders of the models it imports or requires with --models-dir",
            side=side,
        )
