"""The RDF/OWL adapter (rdflib): Turtle, RDF/XML, N-Triples, N3 and JSON-LD into a SchemaGraph.

Nodes: named classes, object, datatype and annotation properties, and individuals. A class is a
resource typed ``owl:Class`` or ``rdfs:Class``, or typed with a metaclass — a class that is
(transitively) ``rdfs:subClassOf`` ``rdfs:Class`` or ``owl:Class``, as ``s223:Class`` in ASHRAE 223P
— or a SHACL ``sh:NodeShape`` used as a class: with ``rdfs:subClassOf`` at either end, named by a
``sh:targetClass`` or as the ``rdf:type`` of a resource (Brick and 223P declare their classes as
shapes too). A shape that only targets another class stays a shape. Individuals — named resources
typed ``owl:NamedIndividual``, ``owl:Thing`` or a class outside the RDF, RDFS, OWL, XSD and SHACL
vocabularies — are loaded when asked (``--individuals``) and, with a warning, when the model declares
no class or property of its own (a units vocabulary, a plant's equipment instances).
Edges: ``rdfs:subClassOf``, ``rdfs:subPropertyOf``, ``rdfs:domain``,
``rdfs:range``, ``owl:inverseOf``, ``owl:equivalentClass``, ``owl:disjointWith``, ``rdf:type``
(individuals), and for ``subClassOf`` restrictions ``owl:onProperty`` / ``owl:someValuesFrom`` /
``owl:allValuesFrom`` from the restricted class. Unions in domains and ranges are expanded.
Labels come from ``rdfs:label`` and ``skos:prefLabel`` in every language, synonyms from
``skos:altLabel``, ``skos:hiddenLabel`` and the OBO synonyms (``oboInOwl:hasExactSynonym``,
``hasRelatedSynonym``, ``hasNarrowSynonym``, ``hasBroadSynonym``), descriptions from
``rdfs:comment``, ``skos:definition`` and ``dcterms:description``, units from ``qudt:unit`` /
``qudt:hasUnit``.

``owl:imports`` are resolved from local files only — the loaded files themselves, their folders and
``--models-dir`` folders (matched by the ontology IRI they declare) — and never over the network;
an unresolved import is a warning and the graph is built without it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD, Namespace

from adapters.options import LoadOptions, SourceFile
from adapters.safety import check_xml_safety, parse_json, read_input
from adapters.texts import choose_text, escape_segment, local_name
from translator.errors import InputError, ParseError, UnknownFormatError, UnsafeInputError
from translator.graph.model import LocalText, Node, NodeKind, SchemaGraph
from translator.translation.values import short_repr

__all__ = ["RDF_SYNTAX", "RdfAdapter", "load_rdf"]

RDF_SYNTAX = {"rdfxml": "xml", "turtle": "turtle", "ntriples": "nt", "n3": "n3", "jsonld": "json-ld"}
"""Tolka format name → rdflib parser name."""

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
_BUILTIN = (str(OWL), str(RDF), str(RDFS), str(XSD))
_LANGUAGE = (*_BUILTIN, str(SH))
"""Namespaces of the modelling languages themselves: their terms are never a model's entities."""
_PLAIN_EDGES = {
    RDFS.subClassOf: "rdfs:subClassOf",
    RDFS.subPropertyOf: "rdfs:subPropertyOf",
    OWL.inverseOf: "owl:inverseOf",
    OWL.equivalentClass: "owl:equivalentClass",
    OWL.equivalentProperty: "owl:equivalentProperty",
    OWL.disjointWith: "owl:disjointWith",
}
_RESTRICTION_TARGETS = {
    OWL.someValuesFrom: "owl:someValuesFrom",
    OWL.allValuesFrom: "owl:allValuesFrom",
    OWL.onClass: "owl:someValuesFrom",
}
_LINE = re.compile(r"line (\d+)")


class RdfAdapter:
    """Loads RDF/OWL files; several files load together as one model."""

    name = "rdf"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Load the files as one model, with resolvable owl:imports as context."""
        return load_rdf(files, options)


def _parse(path: Path, fmt: str, options: LoadOptions) -> Graph:
    data = read_input(path, options.max_bytes)
    if fmt == "rdfxml":
        check_xml_safety(data, str(path))
    elif fmt == "jsonld":
        _check_jsonld_contexts(parse_json(data, str(path), what="jsonld"), str(path))
    graph = Graph()
    try:
        graph.parse(data=data, format=RDF_SYNTAX[fmt], publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many unrelated types; every one is a parse error here
        why = getattr(exc, "_why", None) or getattr(exc, "why", None)
        text = str(why or exc).strip()
        message = text.splitlines()[0] if text else type(exc).__name__
        line = None
        if m := _LINE.search(str(exc)):
            line = int(m[1])
        elif hasattr(exc, "getLineNumber"):
            line = exc.getLineNumber()
        elif isinstance(lineno := getattr(exc, "lineno", None), int):
            line = lineno
        raise ParseError(f"malformed {fmt}: {message}", source=str(path), line=line) from None
    return graph


def _check_jsonld_contexts(doc: object, source: str) -> None:
    """Refuse JSON-LD that names a remote context (``"@context": "http://..."``, ``file:`` URLs, or
    ``@import``): rdflib would fetch it, reading a local file or the network."""
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                contexts = value if key == "@context" and isinstance(value, list) else [value]
                if key == "@import" or (key == "@context" and any(isinstance(c, str) for c in contexts)):
                    raise UnsafeInputError(
                        f"remote JSON-LD context {short_repr(value)} refused (only inline contexts are read)",
                        source=source,
                    )
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def _ontology_iris(graph: Graph) -> list[str]:
    return sorted(str(s) for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))


@dataclass(slots=True)
class _Loaded:
    path: Path
    graph: Graph
    ontologies: list[str]


_CANDIDATES: dict[tuple[str, int, int], list[str]] = {}
_DECLARES_ONTOLOGY = re.compile(r"owl#Ontology|owl:Ontology")


def _declares(path: Path, iri: str, options: LoadOptions, parsed: dict[Path, Graph]) -> bool:
    """Whether a local file declares the ontology ``iri``.

    The file is parsed (once per path, size and modification time) only when its text mentions
    both ``owl:Ontology`` and the IRI; any other file is skipped after a text search. A graph
    parsed here is left in ``parsed`` for the caller to use.
    """
    try:
        stat = path.stat()
        if stat.st_size > options.max_bytes:
            return False
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    if iri.rstrip("/#") not in text or not _DECLARES_ONTOLOGY.search(text):
        return False
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _CANDIDATES:
        from adapters.registry import detect_format

        try:
            fmt = detect_format(path)
            if fmt in RDF_SYNTAX:
                parsed[path] = _parse(path, fmt, options)
                _CANDIDATES[key] = _ontology_iris(parsed[path])
            else:
                _CANDIDATES[key] = []
        except (InputError, UnknownFormatError):
            _CANDIDATES[key] = []
    return iri in _CANDIDATES[key]


def _resolve_imports(own: list[_Loaded], options: LoadOptions, warnings: list[str]) -> list[_Loaded]:
    known = {iri for item in own for iri in item.ontologies}
    wanted = [str(o) for item in own for o in item.graph.objects(None, OWL.imports)]
    folders = [(item.path.parent, False) for item in own] + [(d, True) for d in options.models_dirs]
    suffixes = {".ttl", ".owl", ".rdf", ".nt", ".n3", ".jsonld"}
    files: list[Path] = []
    for folder, recursive in folders:
        if folder.is_dir():
            found = folder.rglob("*") if recursive else folder.iterdir()
            files.extend(sorted(p for p in found if p.suffix.lower() in suffixes))
    own_paths = {item.path.resolve() for item in own}
    context: list[_Loaded] = []
    parsed: dict[Path, Graph] = {}
    while wanted:
        iri = wanted.pop(0)
        if iri in known or iri.rstrip("/#") in {k.rstrip("/#") for k in known}:
            continue
        match = next(
            (
                p
                for p in dict.fromkeys(files)
                if p.resolve() not in own_paths and _declares(p, iri, options, parsed)
            ),
            None,
        )
        known.add(iri)
        if match is None:
            warnings.append(f"owl:imports {iri} not found in local folders; loaded without it")
            continue
        from adapters.registry import detect_format

        cached = parsed.pop(match, None)
        graph = cached if cached is not None else _parse(match, detect_format(match), options)
        item = _Loaded(match, graph, _ontology_iris(graph))
        known.update(item.ontologies)
        context.append(item)
        wanted.extend(str(o) for o in graph.objects(None, OWL.imports))
    return context


def _texts(graph: Graph, subject: URIRef, predicates: Iterable[URIRef]) -> tuple[LocalText, ...]:
    out: list[LocalText] = []
    for predicate in predicates:
        for obj in graph.objects(subject, predicate):
            if isinstance(obj, Literal):
                text = str(obj).strip()
                if text and (obj.language or "", text) not in out:
                    out.append((obj.language or "", text))
    return tuple(sorted(out))


def _members(graph: Graph, node: URIRef | BNode) -> list[URIRef]:
    """A named class, or the named members of a union/intersection blank node."""
    if isinstance(node, URIRef):
        return [node]
    out: list[URIRef] = []
    for predicate in (OWL.unionOf, OWL.intersectionOf):
        for head in graph.objects(node, predicate):
            out.extend(m for m in Collection(graph, head) if isinstance(m, URIRef))
    return out


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in (("xsd", XSD), ("rdfs", RDFS), ("rdf", RDF), ("owl", OWL)):
        if text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    return text


@dataclass(frozen=True, slots=True)
class _Vocabulary:
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


def _vocabulary(graph: Graph) -> _Vocabulary:
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
            if sub not in class_types and not str(sub).startswith(_BUILTIN):
                class_types.add(sub)
                stack.append(sub)
    return _Vocabulary(frozenset(class_types), frozenset(used))


def _is_instance_type(rdf_type: object) -> bool:
    """Whether a resource of this rdf:type is an individual (unless it is a class or property)."""
    if rdf_type in (OWL.NamedIndividual, OWL.Thing):
        return True
    return isinstance(rdf_type, URIRef) and not str(rdf_type).startswith(_LANGUAGE)


def _kinds(graph: Graph, vocabulary: _Vocabulary, individuals: bool) -> dict[URIRef, NodeKind]:
    """The entities ``graph`` declares, with their kinds; what makes a class comes from
    ``vocabulary`` (the whole model's, so a metaclass or a subclass link may sit in another file)."""
    kinds: dict[URIRef, NodeKind] = {}
    for subject, _, rdf_type in graph.triples((None, RDF.type, None)):
        if (
            isinstance(subject, URIRef)
            and not str(subject).startswith(_BUILTIN)
            and (
                rdf_type in vocabulary.class_types
                or (rdf_type == SH.NodeShape and subject in vocabulary.used_as_class)
            )
        ):
            kinds[subject] = NodeKind.CLASS
    for rdf_type, kind in _PROPERTIES.items():
        for subject in graph.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef) and not str(subject).startswith(_BUILTIN):
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
                and not str(subject).startswith(_BUILTIN)
                and _is_instance_type(rdf_type)
            ):
                kinds[subject] = NodeKind.INDIVIDUAL
    return kinds


def _edges(graph: Graph, subject: URIRef, kinds: dict[URIRef, NodeKind]) -> list[tuple[str, URIRef]]:
    out: list[tuple[str, URIRef]] = []
    for predicate, relation in _PLAIN_EDGES.items():
        for obj in graph.objects(subject, predicate):
            if isinstance(obj, URIRef):
                out.append((relation, obj))
            elif predicate == RDFS.subClassOf and isinstance(obj, BNode):
                for prop in graph.objects(obj, OWL.onProperty):
                    if isinstance(prop, URIRef):
                        out.append(("owl:onProperty", prop))
                for target_pred, relation_name in _RESTRICTION_TARGETS.items():
                    for target in graph.objects(obj, target_pred):
                        out.extend((relation_name, m) for m in _members(graph, target))  # type: ignore[arg-type]
                out.extend(("rdfs:subClassOf", m) for m in _members(graph, obj))
    for predicate, relation in ((RDFS.domain, "rdfs:domain"), (RDFS.range, "rdfs:range")):
        for obj in graph.objects(subject, predicate):
            for member in _members(graph, obj):  # type: ignore[arg-type]
                if relation == "rdfs:range" and (str(member).startswith(str(XSD)) or member == RDFS.Literal):
                    continue
                out.append((relation, member))
    if kinds.get(subject) is NodeKind.INDIVIDUAL:
        out.extend(
            ("rdf:type", c)
            for c in graph.objects(subject, RDF.type)
            if isinstance(c, URIRef) and (c in kinds or not str(c).startswith(_LANGUAGE))
        )
    return out


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


def _source_name(item: _Loaded) -> str:
    return item.ontologies[0] if item.ontologies else item.path.name


def _own_kinds(own: list[_Loaded], vocabulary: _Vocabulary, individuals: bool) -> dict[URIRef, NodeKind]:
    """The entities the loaded files declare (the first file to declare one gives its kind)."""
    kinds: dict[URIRef, NodeKind] = {}
    for item in own:
        for iri, kind in _kinds(item.graph, vocabulary, individuals).items():
            kinds.setdefault(iri, kind)
    return kinds


def load_rdf(files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
    """Load RDF files as one model; see the module docstring."""
    own = []
    for f in files:
        graph = _parse(f.path, f.format, options)
        own.append(_Loaded(f.path, graph, _ontology_iris(graph)))
    warnings: list[str] = []
    context = _resolve_imports(own, options, warnings)
    if len(own) == 1 and not context:
        union = own[0].graph
    else:
        union = Graph()
        for item in (*own, *context):
            for triple in item.graph:
                union.add(triple)
    vocabulary = _vocabulary(union)
    individuals = options.individuals
    own_kinds = _own_kinds(own, vocabulary, individuals)
    if not own_kinds and not individuals:  # a vocabulary of instances only: its individuals are its entities
        individuals = True
        own_kinds = _own_kinds(own, vocabulary, individuals)
        if own_kinds:
            warnings.append(
                f"no classes or properties of its own: loaded its {len(own_kinds)} individuals "
                "(as with --individuals)"
            )
    source_of: dict[URIRef, str] = {}
    for item in (*own, *context):
        for iri in _kinds(item.graph, vocabulary, individuals):
            source_of.setdefault(iri, _source_name(item))
    kinds = _kinds(union, vocabulary, individuals)
    kinds.update(own_kinds)

    edges: list[tuple[str, str, str]] = []
    for iri in sorted(kinds):
        edges.extend((str(iri), str(target), relation) for relation, target in _edges(union, iri, kinds))
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

    lang = options.language
    name = own[0].ontologies[0] if own[0].ontologies else own[0].path.name
    result = SchemaGraph(
        name,
        sources=[str(f.path) for f in files],
        namespaces=list(dict.fromkeys(iri for item in own for iri in item.ontologies)),
    )
    result.warnings.extend(warnings)
    for iri in sorted(kinds):
        key = str(iri)
        kind = kinds[iri]
        labels = _texts(union, iri, _LABELS)
        ranges = sorted(
            str(r) for r in union.objects(iri, RDFS.range) if str(r).startswith(str(XSD)) or r == RDFS.Literal
        )
        units = sorted(str(u) for p in _UNIT_PREDICATES for u in union.objects(iri, p))
        if kind is NodeKind.CLASS:
            path = class_paths.get(key, "/" + escape_segment(names[key]))
        elif key in domains and domains[key] in class_paths:
            path = f"{class_paths[domains[key]]}/{escape_segment(names[key])}"
        else:
            path = "/" + escape_segment(names[key])
        descriptions = _texts(union, iri, _DESCRIPTIONS)
        result.add_node(
            Node(
                id=key,
                kind=kind,
                name=names[key],
                label=choose_text(labels, lang) or names[key],
                description=choose_text(descriptions, lang),
                datatype=_curie(URIRef(ranges[0])) if ranges else "",
                unit=units[0] if units else "",
                path=path,
                source=source_of.get(iri, ""),
                own=iri in own_kinds,
                labels=labels,
                descriptions=descriptions,
                synonyms=tuple(text for _, text in _texts(union, iri, _SYNONYMS)),
                unit_label=local_name(units[0]) if units else "",
            )
        )
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
    result.add_edges(edges)
    return result
