"""Where each node hangs on its browse path, so that paths can be rebuilt after renames, removals and
regrouping (a renamed node's old name must not stay in its own or its descendants' paths).

A node hangs under the node that sits at its path's prefix (the adapters' browse paths and class
paths); :class:`PathTree` records that once, before a transform changes the graph, and writes the
changed paths again afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from translator.graph.model import SchemaGraph

__all__ = ["PathTree", "remove_nodes", "segment"]


def segment(name: str) -> str:
    """A name as a path segment, escaped as in RFC 6901 (``~`` → ``~0``, ``/`` → ``~1``)."""
    return name.replace("~", "~0").replace("/", "~1")


class PathTree:
    """Where each node's path hangs: on the node at its path's prefix (its path parent) or, when no
    node is there, on that prefix as plain text. Nodes whose path has no ``/`` are not in the tree.

    Built from a graph whose paths are consistent; after nodes are renamed, removed or moved,
    :meth:`rebuild` writes the paths of those nodes and of everything below them again, from the
    parents' paths and the nodes' (new) names. Several nodes at one prefix (two BrowseNames alike):
    the one linked to the node by an edge, then the first by id."""

    def __init__(self, graph: SchemaGraph) -> None:
        at: dict[str, list[str]] = {}
        for node in graph.nodes():
            at.setdefault(node.path, []).append(node.id)
        self.parent: dict[str, str] = {}
        self.head: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}
        self.moved: set[str] = set()
        for node in graph.nodes():
            if "/" not in node.path:
                continue
            prefix = node.path.rpartition("/")[0]
            candidates = at.get(prefix, ())
            if len(candidates) > 1:
                linked = {e.source for e in graph.in_edges(node.id)}
                linked |= {e.target for e in graph.out_edges(node.id)}
                candidates = sorted(c for c in candidates if c in linked) or sorted(candidates)
            if candidates:
                self.parent[node.id] = candidates[0]
                self.children.setdefault(candidates[0], []).append(node.id)
            else:
                self.head[node.id] = prefix

    def hang(self, node_id: str, parent: str | None, head: str = "") -> None:
        """Hang a node under ``parent`` (or, when None, under the plain prefix ``head``)."""
        old = self.parent.pop(node_id, None)
        if old is not None:
            self.children[old].remove(node_id)
        self.head.pop(node_id, None)
        if parent is None:
            self.head[node_id] = head
        else:
            self.parent[node_id] = parent
            self.children.setdefault(parent, []).append(node_id)
        self.moved.add(node_id)

    def remove(self, node_id: str, moved: Iterable[str] = (), to: str | None = None) -> None:
        """Take a node out: its children in ``moved`` hang under ``to``, its other children where it
        hung itself."""
        moved = set(moved)
        up, head = self.parent.pop(node_id, None), self.head.pop(node_id, "")
        if up is not None:
            self.children[up].remove(node_id)
        for child in list(self.children.pop(node_id, ())):
            del self.parent[child]
            if child in moved and to is not None:
                self.hang(child, to)
            else:
                self.hang(child, up, head)
        self.moved.discard(node_id)

    def rebuild(self, graph: SchemaGraph, renamed: Iterable[str] = ()) -> None:
        """Write the paths of the ``renamed`` and moved nodes and of everything below them again: the
        parent's path, then the node's segment (its new name when it was renamed, else its path's
        last segment as it was)."""
        renamed = set(renamed)
        stale: set[str] = set()
        stack = [n for n in (*renamed, *self.moved) if n in self.parent or n in self.head]
        while stack:
            node_id = stack.pop()
            if node_id not in stale:
                stale.add(node_id)
                stack.extend(self.children.get(node_id, ()))
        paths: dict[str, str] = {}

        def path_of(node_id: str) -> str:
            if node_id not in stale:
                return graph[node_id].path
            done = paths.get(node_id)
            if done is None:
                node = graph[node_id]
                last = segment(node.name) if node_id in renamed else node.path.rpartition("/")[2]
                up = self.parent.get(node_id)
                done = paths[node_id] = f"{path_of(up) if up is not None else self.head[node_id]}/{last}"
            return done

        for node_id in sorted(stale):
            path = path_of(node_id)
            node = graph[node_id]
            if path != node.path:
                graph.add_node(node.replace(path=path))
        self.moved.clear()


def remove_nodes(graph: SchemaGraph, node_ids: Iterable[str]) -> None:
    """Remove nodes; what hung under them on their paths hangs where they hung."""
    tree = PathTree(graph)
    for node_id in sorted(set(node_ids)):
        graph.remove_node(node_id)
        tree.remove(node_id)
    tree.rebuild(graph)
