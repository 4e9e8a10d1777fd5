"""The nodes of an RDF model: which resources are entities and of what kind, and the `Node` each
becomes (the rules are in the docstring of :mod:`adapters.rdf`).

What makes a class is decided over the whole model (`class_vocabulary`: metaclasses, shapes used as
classes); each file's entities are then found with it (`entity_kinds`), and `add_nodes` writes them
with their labels, synonyms, descriptions, datatype, unit and browse path (``/Root/.../Class`` along
the first named superclass; a property under its domain class), plus a context class for every other
resource an edge points to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD, Namespace

from adapters.texts import choose_text, escape_segment, local_name
from translator.graph.model import LocalText, Node, NodeKind, SchemaGraph

__all__ = [
    "BUILTIN_NAMESPACES",
    "LANGUAGE_NAMESPACES",
    "Vocabulary",
    "add_nodes",
    "class_vocabulary",
    "entity_kinds",
]

_QUDT = "http://qudt.org/schema/qudt/"
_UNIT_PREDICATES = (URIRef(_QUDT + "unit"), URIRef(_QUDT + "hasUnit"))
_OBO = Namespace("http://www.geneontology.org/formats/oboInOwl#")
_LABELS = (RDFS.label, SKOS.prefLabel)
_SYNONYMS = (
    SKOS.altLabel,
    SKOS.hiddenLabel,
    _OBO.hasExactSynonym,
    _OBO.hasRelatedSynonym,
    _OBO.hasNarrowSynonym,
    _OBO.hasBroadSynonym,
)
_DESCRIPTIONS = (RDFS.comment, SKOS.definition, DCTERMS.description)
_PROPERTIES = {
    OWL.ObjectProperty: NodeKind.OBJECT_PROPERTY,
    OWL.DatatypeProperty: NodeKind.DATATYPE_PROPERTY,
    OWL.AnnotationProperty: NodeKind.ANNOTATION_PROPERTY,
    RDF.Property: NodeKind.OBJECT_PROPERTY,
}
BUILTIN_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))
"""Namespaces of OWL, RDF, RDFS and XSD: their terms are never a model's entities."""
LANGUAGE_NAMESPACES = (*BUILTIN_NAMESPACES, str(SH))
"""Namespaces of the modelling languages themselves: their terms are never a model's entities."""


def _texts(graph: Graph, subject: URIRef, predicates: Iterable[URIRef]) -> tuple[LocalText, ...]:
    out: list[LocalText] = []
    for predicate in predicates:
        for obj in graph.objects(subject, predicate):
            if isinstance(obj, Literal):
                text = str(obj).strip()
                if text and (obj.language or "", text) not in out:
                    out.append((obj.language or "", text))
    return tuple(sorted(out))


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in (("xsd", XSD), ("rdfs", RDFS), ("rdf", RDF), ("owl", OWL)):
        if text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    return text


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the whole model (own files and imports together) says makes a resource a class.

    Attributes:
        class_types: ``owl:Class``, ``rdfs:Class`` and every metaclass: a named class that is
            (transitively) ``rdfs:subClassOf`` one of them (``s223:Class``).
        used_as_class: resources the model uses as classes: at either end of ``rdfs:subClassOf``,
            the object of ``sh:targetClass`` or the ``rdf:type`` of something. A ``sh:NodeShape``
            among them is a class; any other shape is only a shape.
    """

    class_types: frozenset[URIRef]
    used_as_class: frozenset[URIRef]


def class_vocabulary(graph: Graph) -> Vocabulary:
    """What makes a resource a class in ``graph`` (the union of a model's files)."""
    subclasses: dict[URIRef, list[URIRef]] = defaultdict(list)
    used: set[URIRef] = set()
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            subclasses[sup].append(sub)
            used.update((sub, sup))
    for predicate in (SH.targetClass, RDF.type):
        used.update(o for o in graph.objects(None, predicate) if isinstance(o, URIRef))
    class_types = {OWL.Class, RDFS.Class}
    stack = list(class_types)
    while stack:
        for sub in subclasses.get(stack.pop(), ()):
            if sub not in class_types and not str(sub).startswith(BUILTIN_NAMESPACES):
                class_types.add(sub)
                stack.append(sub)
    return Vocabulary(frozenset(class_types), frozenset(used))


def _is_instance_type(rdf_type: object) -> bool:
    """Whether a resource of this rdf:type is an individual (unless it is a class or property)."""
    if rdf_type in (OWL.NamedIndividual, OWL.Thing):
        return True
    return isinstance(rdf_type, URIRef) and not str(rdf_type).startswith(LANGUAGE_NAMESPACES)


def entity_kinds(graph: Graph, vocabulary: Vocabulary, individuals: bool) -> dict[URIRef, NodeKind]:
    """The entities ``graph`` declares, with their kinds; what makes a class comes from
    ``vocabulary`` (the whole model's, so a metaclass or a subclass link may sit in another file)."""
    kinds: dict[URIRef, NodeKind] = {}
    for subject, _, rdf_type in graph.triples((None, RDF.type, None)):
        if (
            isinstance(subject, URIRef)
            and not str(subject).startswith(BUILTIN_NAMESPACES)
            and (
                rdf_type in vocabulary.class_types
                or (rdf_type == SH.NodeShape and subject in vocabulary.used_as_class)
            )
        ):
            kinds[subject] = NodeKind.CLASS
    for rdf_type, kind in _PROPERTIES.items():
        for subject in graph.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and not str(subject).startswith(BUILTIN_NAMESPACES):
                current = kinds.get(subject)
                if current is None or (
                    current is NodeKind.OBJECT_PROPERTY and kind is not NodeKind.OBJECT_PROPERTY
                ):
                    kinds[subject] = kind
    for prop, kind in list(kinds.items()):  # a plain rdf:Property with a literal range is a datatype property
        if kind is NodeKind.OBJECT_PROPERTY and (prop, RDF.type, OWL.ObjectProperty) not in graph:
            ranges = list(graph.objects(prop, RDFS.range))
            if ranges and all(str(r).startswith(str(XSD)) or r == RDFS.Literal for r in ranges):
                kinds[prop] = NodeKind.DATATYPE_PROPERTY
    if individuals:
        for subject, _, rdf_type in graph.triples((None, RDF.type, None)):
            if (
                isinstance(subject, URIRef)
                and subject not in kinds
                and not str(subject).startswith(BUILTIN_NAMESPACES)
                and _is_instance_type(rdf_type)
            ):
                kinds[subject] = NodeKind.INDIVIDUAL
    return kinds


def _class_paths(names: dict[str, str], parents: dict[str, list[str]]) -> dict[str, str]:
    """``/Root/.../Class`` along the first named superclass (sorted), cycles cut."""
    paths: dict[str, str] = {}

    def path_of(iri: str, seen: frozenset[str]) -> str:
        if iri in paths:
            return paths[iri]
        supers = [p for p in sorted(parents.get(iri, ())) if p in names and p not in seen and p != iri]
        head = path_of(supers[0], seen | {iri}) if supers else ""
        paths[iri] = f"{head}/{escape_segment(names[iri])}"
        return paths[iri]

    for iri in sorted(names):
        path_of(iri, frozenset())
    return paths


def add_nodes(
    result: SchemaGraph,
    graph: Graph,
    kinds: dict[URIRef, NodeKind],
    edges: list[tuple[str, str, str]],
    *,
    own: Collection[URIRef],
    source_of: dict[URIRef, str],
    language: str,
) -> None:
    """Add to ``result`` a node for each entity of ``kinds`` (read from ``graph``, the model's union;
    those in ``own`` are the model's own), then a context class for each other target of ``edges``."""
    referenced = {t for _, t, _ in edges} - {str(k) for k in kinds}
    names = {str(iri): local_name(str(iri)) for iri in kinds} | {t: local_name(t) for t in referenced}
    parents: dict[str, list[str]] = defaultdict(list)
    for s, t, relation in edges:
        if relation in ("rdfs:subClassOf", "rdfs:subPropertyOf", "rdf:type"):
            parents[s].append(t)
    class_paths = _class_paths(
        {i: n for i, n in names.items() if kinds.get(URIRef(i), NodeKind.CLASS) is NodeKind.CLASS}, parents
    )
    domains = {s: t for s, t, r in sorted(edges) if r == "rdfs:domain"}
    for iri in sorted(kinds):
        key = str(iri)
        kind = kinds[iri]
        if kind is NodeKind.CLASS:
            path = class_paths.get(key, "/" + escape_segment(names[key]))
        elif key in domains and domains[key] in class_paths:
            path = f"{class_paths[domains[key]]}/{escape_segment(names[key])}"
        else:
            path = "/" + escape_segment(names[key])
        source = source_of.get(iri, "")
        result.add_node(_entity_node(graph, iri, kind, names[key], path, source, iri in own, language))
    for target in sorted(referenced):
        result.add_node(
            Node(
                id=target,
                kind=NodeKind.CLASS,
                name=names[target],
                label=names[target],
                path=class_paths.get(target, "/" + escape_segment(names[target])),
                source=target[: len(target) - len(names[target])].rstrip("#/") or target,
                own=False,
            )
        )


def _entity_node(
    graph: Graph, iri: URIRef, kind: NodeKind, name: str, path: str, source: str, own: bool, language: str
) -> Node:
    """The node of one entity, its texts, datatype and unit read from ``graph``."""
    labels = _texts(graph, iri, _LABELS)
    ranges = sorted(
        str(r) for r in graph.objects(iri, RDFS.range) if str(r).startswith(str(XSD)) or r == RDFS.Literal
    )
    units = sorted(str(u) for p in _UNIT_PREDICATES for u in graph.objects(iri, p))
    descriptions = _texts(graph, iri, _DESCRIPTIONS)
    return Node(
        id=str(iri),
        kind=kind,
        name=name,
        label=choose_text(labels, language) or name,
        description=choose_text(descriptions, language),
        datatype=_curie(URIRef(ranges[0])) if ranges else "",
        unit=units[0] if units else "",
        path=path,
        source=source,
        own=own,
        labels=labels,
        descriptions=descriptions,
        synonyms=tuple(text for _, text in _texts(graph, iri, _SYNONYMS)),
        unit_label=local_name(units[0]) if units else "",
    )
