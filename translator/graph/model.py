"""`SchemaGraph`: every information model Tolka reads, in one graph form.

A SchemaGraph is a typed, directed multigraph; its ``nx`` property gives a networkx view for
graph algorithms. Nodes are :class:`Node` records
with a stable ``id`` (the identifier contract of DESIGN.md: full IRIs, ``nsu=<uri>;<id>`` OPC UA
ExpandedNodeIds, ``<schema id>#<JSON Pointer>``), a :class:`NodeKind`, names, texts in every locale,
datatype, unit, browse path and the model it came from. Edges carry a relation name
(``HasComponent``, ``rdfs:subClassOf``, ``child``, ...); a pair of nodes has at most one edge per
relation.

A node is either the model's *own* (matchable) or *context*: it comes from a model the loaded one
imports or requires, and only gives structure to the own nodes.

Example:
    >>> g = SchemaGraph("demo")
    >>> g.add_node(Node(id="urn:x#/a", kind=NodeKind.FIELD, name="a", datatype="number"))
    >>> g.add_node(Node(id="urn:x#", kind=NodeKind.OBJECT, name="x"))
    >>> g.add_edge("urn:x#", "urn:x#/a", "child")
    >>> [e.relation for e in g.edges()]
    ['child']
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

import networkx as nx

from translator.errors import ModelContentError

__all__ = ["Edge", "LocalText", "Node", "NodeKind", "SchemaGraph"]

LocalText = tuple[str, str]
"""A text in one locale: ``(locale, text)``; the locale is ``""`` when the source gives none."""


class NodeKind(StrEnum):
    """What a node is. The order of members is the kind index the GNN's features use; append only."""

    OBJECT = "object"
    VARIABLE = "variable"
    PROPERTY = "property"
    METHOD = "method"
    OBJECT_TYPE = "object_type"
    VARIABLE_TYPE = "variable_type"
    DATA_TYPE = "data_type"
    REFERENCE_TYPE = "reference_type"
    VIEW = "view"
    CLASS = "class"
    DATATYPE_PROPERTY = "datatype_property"
    OBJECT_PROPERTY = "object_property"
    ANNOTATION_PROPERTY = "annotation_property"
    INDIVIDUAL = "individual"
    FIELD = "field"
    UNIT = "unit"
    ENUM_VALUE = "enum_value"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Node:
    """One element of a model.

    Attributes:
        id: stable identifier (see DESIGN.md, "Identifiers").
        kind: what the node is.
        name: the element's own name (BrowseName without namespace index, IRI local name, JSON key).
        label: the human label chosen from ``labels`` (preferred language first).
        description: the description chosen from ``descriptions``.
        datatype: readable datatype name (``Double``, ``xsd:float``, ``number``), "" when none.
        unit: UNECE Rec 20 common code (``CEL``) or QUDT unit IRI, "" when none.
        path: browse path / JSON Pointer from the model's root, segments escaped as in RFC 6901.
        source: the model it came from (OPC UA model URI, ontology IRI, schema id or file name).
        own: True for the loaded model's own (matchable) nodes, False for context nodes.
        labels: every label in every locale (DisplayName, rdfs:label, skos:prefLabel, title).
        descriptions: every description in every locale.
        synonyms: alternative names (skos:altLabel, ...).
        unit_label: the unit as the model writes it (``°C``), "" when none.
        value_rank: OPC UA ValueRank (-1 scalar, 1 array, ...), None when not applicable.
        modelling_rule: OPC UA ModellingRule name (``Mandatory``, ``Optional``, ...), "" when none.
        enum_values: allowed (or, for samples, observed) values of an enumeration, as text.
        minimum: lowest allowed or observed value, None when unknown.
        maximum: highest allowed or observed value, None when unknown.
    """

    id: str
    kind: NodeKind
    name: str
    label: str = ""
    description: str = ""
    datatype: str = ""
    unit: str = ""
    path: str = ""
    source: str = ""
    own: bool = True
    labels: tuple[LocalText, ...] = ()
    descriptions: tuple[LocalText, ...] = ()
    synonyms: tuple[str, ...] = ()
    unit_label: str = ""
    value_rank: int | None = None
    modelling_rule: str = ""
    enum_values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def replace(self, **changes: object) -> Node:
        """A copy with some fields changed (nodes are immutable)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


class Edge(NamedTuple):
    """A directed, typed edge."""

    source: str
    target: str
    relation: str


class SchemaGraph:
    """A typed directed multigraph of :class:`Node` records; see the module docstring.

    Args:
        name: a short name for the model (file name, model URI).
        sources: the files or endpoints it was loaded from.
        namespaces: the namespaces / model URIs / ontology IRIs of the own nodes.
    """

    def __init__(
        self, name: str = "", *, sources: Iterable[str] = (), namespaces: Iterable[str] = ()
    ) -> None:
        self.name = name
        self.sources: list[str] = list(sources)
        self.namespaces: list[str] = list(namespaces)
        self.warnings: list[str] = []
        self._nodes: dict[str, Node] = {}
        self._edges: dict[Edge, None] = {}  # an ordered set
        self._out: dict[str, list[Edge]] = {}
        self._in: dict[str, list[Edge]] = {}
        self._nx: nx.MultiDiGraph[str] | None = None

    # -- building ---------------------------------------------------------------------------
    def add_node(self, node: Node) -> None:
        """Add a node, or replace the node with the same id."""
        self._nodes[node.id] = node
        self._nx = None

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Add (or replace) many nodes."""
        self._nodes.update((n.id, n) for n in nodes)
        self._nx = None

    def add_edge(self, source: str, target: str, relation: str) -> None:
        """Add an edge between two existing nodes; adding the same edge twice keeps one."""
        if source not in self._nodes or target not in self._nodes:
            missing = source if source not in self._nodes else target
            raise ModelContentError(f"edge {relation} refers to unknown node {missing}", source=self.name)
        edge = Edge(source, target, relation)
        if edge in self._edges:
            return
        self._edges[edge] = None
        self._out.setdefault(source, []).append(edge)
        self._in.setdefault(target, []).append(edge)
        self._nx = None

    def add_edges(self, edges: Iterable[tuple[str, str, str]]) -> None:
        """Add many ``(source, target, relation)`` edges; every end must be a node already."""
        nodes, store, out, into = self._nodes, self._edges, self._out, self._in
        for source, target, relation in edges:
            if source not in nodes or target not in nodes:
                self.add_edge(source, target, relation)  # raises, naming the missing end
            edge = Edge(source, target, relation)
            if edge not in store:
                store[edge] = None
                out.setdefault(source, []).append(edge)
                into.setdefault(target, []).append(edge)
        self._nx = None

    def remove_edge(self, source: str, target: str, relation: str) -> None:
        """Remove one edge; removing an edge that is not there does nothing."""
        edge = Edge(source, target, relation)
        if self._edges.pop(edge, True) is None:
            self._out[source].remove(edge)
            self._in[target].remove(edge)
            self._nx = None

    def remove_node(self, node_id: str) -> None:
        """Remove a node and its edges."""
        del self._nodes[node_id]
        for edge in [*self._out.pop(node_id, ()), *self._in.pop(node_id, ())]:
            if self._edges.pop(edge, True) is None:  # present (value None), not yet removed
                if edge.source != node_id:
                    self._out[edge.source].remove(edge)
                if edge.target != node_id:
                    self._in[edge.target].remove(edge)
        self._nx = None

    def update(self, other: SchemaGraph) -> None:
        """Merge another graph into this one; an own node wins over a context node of the same id."""
        for node in other.nodes():
            mine = self._nodes.get(node.id)
            if mine is None or (node.own and not mine.own):
                self.add_node(node)
        self.add_edges(other.edges())
        for attr in ("sources", "namespaces", "warnings"):
            ours: list[str] = getattr(self, attr)
            ours.extend(v for v in getattr(other, attr) if v not in ours)

    # -- reading ----------------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __getitem__(self, node_id: str) -> Node:
        try:
            return self._nodes[node_id]
        except KeyError:
            raise KeyError(f"no node {node_id!r} in graph {self.name!r}") from None

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        return self._nodes.get(node_id)

    def nodes(self) -> Iterator[Node]:
        """All nodes in insertion order."""
        return iter(list(self._nodes.values()))

    def own_nodes(self) -> Iterator[Node]:
        """The model's own (matchable) nodes."""
        return (n for n in self.nodes() if n.own)

    def context_nodes(self) -> Iterator[Node]:
        """Nodes from imported / required models."""
        return (n for n in self.nodes() if not n.own)

    def edges(self) -> Iterator[Edge]:
        """All edges in insertion order."""
        return iter(list(self._edges))

    def out_edges(self, node_id: str) -> Iterator[Edge]:
        """Edges leaving a node."""
        return iter(list(self._out.get(node_id, ())))

    def in_edges(self, node_id: str) -> Iterator[Edge]:
        """Edges entering a node."""
        return iter(list(self._in.get(node_id, ())))

    @property
    def num_edges(self) -> int:
        """Number of edges."""
        return len(self._edges)

    @property
    def nx(self) -> nx.MultiDiGraph[str]:
        """A networkx view for graph algorithms (node attribute ``data`` = Node; edge key = relation).

        Built on first use and rebuilt after a change; treat it as read-only.
        """
        if self._nx is None:
            graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
            graph.add_nodes_from((n.id, {"data": n}) for n in self._nodes.values())
            for source, target, relation in self._edges:
                graph.add_edge(source, target, key=relation)
            self._nx = graph
        return self._nx

    def kind_counts(self, *, own_only: bool = False) -> Counter[str]:
        """Number of nodes per kind."""
        nodes = self.own_nodes() if own_only else self.nodes()
        return Counter(n.kind.value for n in nodes)

    def relation_counts(self) -> Counter[str]:
        """Number of edges per relation."""
        return Counter(e.relation for e in self._edges)

    def units(self) -> Counter[str]:
        """Units used by own nodes and how often."""
        return Counter(n.unit for n in self.own_nodes() if n.unit)

    # -- equality and conversion ------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SchemaGraph):
            return NotImplemented
        return (
            self.name == other.name
            and self.sources == other.sources
            and self.namespaces == other.namespaces
            and self.warnings == other.warnings
            and self._nodes == other._nodes
            and self._edges.keys() == other._edges.keys()
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        own = sum(1 for _ in self.own_nodes())
        return f"SchemaGraph({self.name!r}, nodes={len(self)}, own={own}, edges={self.num_edges})"
