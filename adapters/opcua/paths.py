"""Browse paths of OPC UA nodes: which references contain a node, and each node's shortest path.

Both OPC UA adapters use it — NodeSet2 files and live servers — so a server and its file give every
node the same path. A node's path is its shortest chain of containment references (the standard
hierarchical ones and their subtypes, not ``HasEventSource``/``HasNotifier``) from a seed (the Root
folder, or a base node whose path the shipped table knows), ties broken by the path text; segments
are BrowseNames escaped as in RFC 6901. A node no seed reaches starts its own path (``/Name``).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from adapters.opcua.ns0 import CONTAINMENT_REFERENCES, NON_CONTAINMENT_HIERARCHICAL
from adapters.texts import escape_segment

__all__ = ["Links", "browse_paths", "containment_relations", "read_links"]


def containment_relations(reference_subtypes: Iterable[tuple[str, str]]) -> set[str]:
    """Names of the reference types along which nodes are contained.

    Args:
        reference_subtypes: ``(supertype name, subtype name)`` of reference types the model defines.
    """
    names = set(CONTAINMENT_REFERENCES)
    subtypes: dict[str, list[str]] = {}
    for parent, child in reference_subtypes:
        subtypes.setdefault(parent, []).append(child)
    stack = list(names)
    while stack:
        for child in subtypes.get(stack.pop(), ()):
            if child not in names and child not in NON_CONTAINMENT_HIERARCHICAL:
                names.add(child)
                stack.append(child)
    return names


def browse_paths(
    node_ids: Collection[str],
    children: Mapping[str, Sequence[str]],
    name_of: Callable[[str], str],
    seeds: Mapping[str, str],
) -> dict[str, str]:
    """Shortest browse path of every node from the seeds; unreachable nodes start their own.

    Args:
        node_ids: every node that needs a path.
        children: contained nodes of each node (sorted, for determinism).
        name_of: the BrowseName (without namespace index) of a node.
        seeds: nodes whose path is known (``""`` for the Root folder).
    """
    paths: dict[str, str] = {}
    heap = [(p.count("/"), p, node_id) for node_id, p in seeds.items()]
    heapq.heapify(heap)

    def run() -> None:
        while heap:
            depth, path, node_id = heapq.heappop(heap)
            if node_id in paths:
                continue
            paths[node_id] = path
            for child in children.get(node_id, ()):
                if child not in paths:
                    heapq.heappush(heap, (depth + 1, f"{path}/{escape_segment(name_of(child))}", child))

    run()
    has_parent = {c for kids in children.values() for c in kids}
    ordered = sorted(node_ids)
    for node_id in ordered:
        if node_id not in paths and node_id not in has_parent:
            heapq.heappush(heap, (1, "/" + escape_segment(name_of(node_id)), node_id))
    run()
    for node_id in ordered:  # left: cycles without an entry point
        if node_id not in paths:
            heapq.heappush(heap, (1, "/" + escape_segment(name_of(node_id)), node_id))
            run()
    return paths


@dataclass(slots=True)
class Links:
    """What a model's references say: each node's children (along containment, sorted) and first
    parent, its modelling rule's name, type definition and owner (of a property); and the edges."""

    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parent_of: dict[str, str] = field(default_factory=dict)
    modelling: dict[str, str] = field(default_factory=dict)
    type_of: dict[str, str] = field(default_factory=dict)
    property_of: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)


def read_links(
    refs: Iterable[tuple[str, str, str]],
    relation_of: Mapping[str, str],
    containment: Collection[str],
    name_of: Callable[[str], str],
) -> Links:
    """Read ``(source, target, reference type)`` references, each named by ``relation_of`` (its
    reference type's BrowseName), into `Links`; ``containment`` names the containing relations."""
    links = Links()
    for s, t, rt in refs:
        relation = relation_of[rt]
        links.edges.append((s, t, relation))
        if relation in containment:
            links.children[s].append(t)
            links.parent_of.setdefault(t, s)
        if relation == "HasModellingRule":
            links.modelling[s] = name_of(t)
        elif relation == "HasTypeDefinition":
            links.type_of[s] = t
        elif relation == "HasProperty":
            links.property_of[t] = s
    for kids in links.children.values():
        kids.sort()
    return links
