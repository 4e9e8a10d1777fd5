"""Cross-format views of a model with the truth known: an ontology rendered as the JSON Schema a
developer would write for it, so that the decider learns what corresponds across formats from
models that have no labelled partner.

:func:`json_schema_view` follows the conventions by which ontologies and JSON Schemas of one
standard meet (W3C WoT Thing Descriptions, the AAS, OPC UA's JSON encodings): every class is a
definition (``/Class``) that ``extends`` its superclasses (``allOf``); every property becomes a
member of *each* definition its ``rdfs:domain`` names — so one ontology property is several JSON
properties, the many-to-one the WoT pairs show — named in JSON style: ``hasForm`` → ``forms``,
``isSafe`` → ``safe``, ``descriptionOf`` → ``description``; a datatype property is a field, an
object property an object that refers (``ref``) to its range's definition. The truth maps every
view node to the ontology entity it renders; nothing of the ontology's ids is kept.

A *flattened* view (``flatten``) follows the other convention of hand-written schemas, where a
definition repeats what it inherits instead of extending (the security schemes of the WoT TD schema
each list ``description``, ``proxy``, ``scheme``): a property is a member of its domains and of
every subclass of them, so one ontology property is many JSON properties of the same name.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection

from translator.graph.classes import relation_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.hierarchy import closure

__all__ = ["json_name", "json_schema_view"]

_PREFIX = re.compile(r"^(has|is|get)(?=[A-Z_])")
_SUFFIX = re.compile(r"(Of|By)$")


def json_name(name: str, rng: random.Random, *, to_many: bool) -> str:
    """A JSON member name for an ontology property name: the ``has``/``is`` prefix or the ``Of``/``By``
    suffix dropped, the first letter lower case, a collection (``to_many``) sometimes plural."""
    stem = _SUFFIX.sub("", _PREFIX.sub("", name)) or name
    stem = stem[0].lower() + stem[1:]
    if to_many and not stem.endswith("s") and rng.random() < 0.5:
        stem += "s"
    return stem


def _domains(graph: SchemaGraph, node_id: str) -> list[str]:
    return sorted(e.target for e in graph.out_edges(node_id) if relation_class(e.relation) == "domain")


def _ranges(graph: SchemaGraph, node_id: str) -> list[str]:
    return sorted(e.target for e in graph.out_edges(node_id) if relation_class(e.relation) == "range")


def _subclasses(ontology: SchemaGraph, classes: Collection[str]) -> dict[str, frozenset[str]]:
    """Each class of ``classes`` and its subclasses among them, transitively."""
    below: dict[str, set[str]] = {}
    for cid in sorted(classes):
        for edge in ontology.out_edges(cid):
            if relation_class(edge.relation) == "is-a" and edge.target in classes:
                below.setdefault(edge.target, set()).add(cid)
    return {cid: closure(cid, below) for cid in classes}


def json_schema_view(
    ontology: SchemaGraph, rng: random.Random, *, flatten: bool = False
) -> tuple[SchemaGraph, dict[str, str]]:
    """The JSON Schema view of ``ontology``'s own classes and properties, and the truth (view id →
    ontology id); see the module docstring. Properties without a domain hang under a root object;
    with ``flatten`` a definition repeats the properties of its superclasses."""
    base = f"urn:tolka:view:{rng.getrandbits(32):08x}#"
    view = SchemaGraph(f"{ontology.name} as {'flattened ' if flatten else ''}JSON Schema")
    truth: dict[str, str] = {}
    classes = {n.id: n for n in ontology.own_nodes() if n.kind is NodeKind.CLASS and n.name}
    names = {cid: n.name for cid, n in classes.items()}
    root = f"{base}/"
    view.add_node(Node(root, NodeKind.OBJECT, "root", path="", datatype="object"))
    for cid, node in sorted(classes.items()):
        vid = f"{base}/{node.name}"
        view.add_node(
            Node(vid, NodeKind.OBJECT_TYPE, node.name, path=f"/{node.name}", description=node.description)
        )
        truth[vid] = cid
    for cid in sorted(classes):
        for edge in ontology.out_edges(cid):
            if relation_class(edge.relation) == "is-a" and edge.target in classes:
                view.add_edge(f"{base}/{names[cid]}", f"{base}/{names[edge.target]}", "extends")
    inherited = _subclasses(ontology, classes) if flatten else {}
    properties = [
        n
        for n in ontology.own_nodes()
        if n.kind in (NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY) and n.name
    ]
    for prop in sorted(properties, key=lambda n: n.id):
        relation = prop.kind is NodeKind.OBJECT_PROPERTY
        member = json_name(prop.name, rng, to_many=relation)
        domains = [d for d in _domains(ontology, prop.id) if d in classes]
        if flatten:
            domains = sorted({c for d in domains for c in inherited[d]})
        owners: list[str | None] = list(domains) or [None]
        targets = [r for r in _ranges(ontology, prop.id) if r in classes]
        for owner in owners:
            parent = f"{base}/{names[owner]}" if owner else root
            path = f"/{names[owner]}/{member}" if owner else f"/{member}"
            vid = f"{base}{path}"
            if vid in view:
                continue
            kind = NodeKind.OBJECT if relation else NodeKind.FIELD
            datatype = "object" if relation else _json_type(prop.datatype)
            view.add_node(Node(vid, kind, member, path=path, datatype=datatype, description=prop.description))
            view.add_edge(parent, vid, "child")
            for target in targets[:1]:
                view.add_edge(vid, f"{base}/{names[target]}", "ref")
            truth[vid] = prop.id
    return view, truth


def _json_type(datatype: str) -> str:
    d = datatype.lower()
    if "bool" in d:
        return "boolean"
    if any(k in d for k in ("int", "long", "short", "byte")):
        return "integer"
    if any(k in d for k in ("float", "double", "decimal")):
        return "number"
    return "string"
