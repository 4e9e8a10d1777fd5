"""A model's own nodes as a tree by browse path, for the review page.

Each node sits under the node of its path's parent; path segments that name no node of the model's
own (``/Types/ObjectTypes/BaseObjectType`` of a companion model) become plain folders. The type
declarations (``/Types``) start folded, as do the deeper levels of a large model.

Example:
    >>> from adapters import load
    >>> roots = model_tree(load("ontologies/demo/VendorA.PumpSkid.NodeSet2.xml"))
    >>> [r.name for r in roots]
    ['Objects', 'Types']
    >>> [c.name for c in roots[0].children[0].children][:3]
    ['Heater', 'Identification', 'Inflow']
"""

from __future__ import annotations

from dataclasses import dataclass, field

from translator.graph.model import Node, NodeKind, SchemaGraph

__all__ = ["KIND_TAGS", "TreeItem", "model_tree"]

KIND_TAGS: dict[NodeKind, str] = {
    NodeKind.OBJECT: "obj",
    NodeKind.VARIABLE: "var",
    NodeKind.PROPERTY: "prop",
    NodeKind.METHOD: "method",
    NodeKind.OBJECT_TYPE: "type",
    NodeKind.VARIABLE_TYPE: "vtype",
    NodeKind.DATA_TYPE: "dtype",
    NodeKind.REFERENCE_TYPE: "ref",
    NodeKind.VIEW: "view",
    NodeKind.CLASS: "class",
    NodeKind.DATATYPE_PROPERTY: "dprop",
    NodeKind.OBJECT_PROPERTY: "oprop",
    NodeKind.ANNOTATION_PROPERTY: "note",
    NodeKind.INDIVIDUAL: "indiv",
    NodeKind.FIELD: "field",
    NodeKind.UNIT: "unit",
    NodeKind.ENUM_VALUE: "enum",
    NodeKind.UNKNOWN: "?",
}
"""The short tag the page shows for each kind of node."""

_LARGE = 400
"""Models with more own nodes than this start folded below their second level."""


@dataclass(slots=True)
class TreeItem:
    """One row of a tree: a node of the model (``node``) or a folder of a path segment (``node`` None)."""

    name: str
    path: str
    node: Node | None = None
    children: list[TreeItem] = field(default_factory=list)
    open: bool = True

    @property
    def tag(self) -> str:
        """The node's kind as a short tag ("" for a folder)."""
        return KIND_TAGS.get(self.node.kind, "?") if self.node else ""

    @property
    def unit(self) -> str:
        """The unit as the model writes it, else its code ("" for none)."""
        return (self.node.unit_label or self.node.unit) if self.node else ""

    @property
    def search(self) -> str:
        """What the target search box matches: label, name, path, unit and datatype, lower case."""
        node = self.node
        if node is None:
            return ""
        words = (node.label, node.name, node.path, node.unit, node.unit_label, node.datatype)
        return " ".join(w for w in (*words, node.description) if w).lower()


def _segments(path: str) -> list[str]:
    return [s.replace("~1", "/").replace("~0", "~") for s in path.strip("/").split("/") if s]


def model_tree(graph: SchemaGraph) -> list[TreeItem]:
    """The roots of the tree of ``graph``'s own nodes (children sorted by name, folders unfolded where
    they lead to the model's instances)."""
    own = sorted((n for n in graph.nodes() if n.own), key=lambda n: (n.path, n.id))
    root = TreeItem("", "")
    index: dict[tuple[str, ...], TreeItem] = {}
    for node in own:
        segments = _segments(node.path) or [node.name or node.id]
        parent = root
        for depth in range(1, len(segments)):
            key = tuple(segments[:depth])
            item = index.get(key)
            if item is None:
                item = index[key] = TreeItem(segments[depth - 1], "/" + "/".join(key))
                parent.children.append(item)
            parent = item
        key = tuple(segments)
        item = index.get(key)
        if item is None or item.node is not None:  # a second node on one path gets its own row
            item = TreeItem(segments[-1], node.path)
            parent.children.append(item)
            index.setdefault(key, item)
        item.node = node
    _settle(root.children, 0, len(own) > _LARGE)
    return root.children


def _settle(items: list[TreeItem], depth: int, large: bool) -> None:
    items.sort(key=lambda i: (i.name.lower(), i.path))
    for item in items:
        item.open = bool(item.children) and not (
            (item.path.startswith("/Types") and depth > 0) or (large and depth >= 2) or item.path == "/Types"
        )
        _settle(item.children, depth + 1, large)
