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

Reading one file safely is :mod:`adapters.rdf_parse`'s; which resources are entities and the nodes
they become, :mod:`adapters.rdf_nodes`'s; their edges, :mod:`adapters.rdf_edges`'s.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from adapters.options import LoadOptions, SourceFile
from adapters.rdf_edges import entity_edges
from adapters.rdf_nodes import Vocabulary, add_nodes, class_vocabulary, entity_kinds
from adapters.rdf_parse import RDF_SYNTAX, ontology_iris, parse_rdf
from translator.errors import InputError, UnknownFormatError
from translator.graph.model import NodeKind, SchemaGraph

__all__ = ["RDF_SYNTAX", "RdfAdapter", "load_rdf"]


class RdfAdapter:
    """Loads RDF/OWL files; several files load together as one model."""

    name = "rdf"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Load the files as one model, with resolvable owl:imports as context."""
        return load_rdf(files, options)


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
                parsed[path] = parse_rdf(path, fmt, options)
                _CANDIDATES[key] = ontology_iris(parsed[path])
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
        graph = cached if cached is not None else parse_rdf(match, detect_format(match), options)
        item = _Loaded(match, graph, ontology_iris(graph))
        known.update(item.ontologies)
        context.append(item)
        wanted.extend(str(o) for o in graph.objects(None, OWL.imports))
    return context


def _source_name(item: _Loaded) -> str:
    return item.ontologies[0] if item.ontologies else item.path.name


def _own_kinds(own: list[_Loaded], vocabulary: Vocabulary, individuals: bool) -> dict[URIRef, NodeKind]:
    """The entities the loaded files declare (the first file to declare one gives its kind)."""
    kinds: dict[URIRef, NodeKind] = {}
    for item in own:
        for iri, kind in entity_kinds(item.graph, vocabulary, individuals).items():
            kinds.setdefault(iri, kind)
    return kinds


def load_rdf(files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
    """Load RDF files as one model; see the module docstring."""
    own = []
    for f in files:
        graph = parse_rdf(f.path, f.format, options)
        own.append(_Loaded(f.path, graph, ontology_iris(graph)))
    warnings: list[str] = []
    context = _resolve_imports(own, options, warnings)
    union = _union(own, context)
    vocabulary = class_vocabulary(union)
    individuals, own_kinds = _own_entities(own, vocabulary, options.individuals, warnings)
    source_of: dict[URIRef, str] = {}
    for item in (*own, *context):
        for iri in entity_kinds(item.graph, vocabulary, individuals):
            source_of.setdefault(iri, _source_name(item))
    kinds = entity_kinds(union, vocabulary, individuals)
    kinds.update(own_kinds)

    edges: list[tuple[str, str, str]] = []
    for iri in sorted(kinds):
        edges.extend(
            (str(iri), str(target), relation) for relation, target in entity_edges(union, iri, kinds)
        )
    name = own[0].ontologies[0] if own[0].ontologies else own[0].path.name
    result = SchemaGraph(
        name,
        sources=[str(f.path) for f in files],
        namespaces=list(dict.fromkeys(iri for item in own for iri in item.ontologies)),
    )
    result.warnings.extend(warnings)
    add_nodes(result, union, kinds, edges, own=own_kinds, source_of=source_of, language=options.language)
    result.add_edges(edges)
    return result


def _union(own: list[_Loaded], context: list[_Loaded]) -> Graph:
    """One graph of every triple of the files and their imports (the file's own graph when alone)."""
    if len(own) == 1 and not context:
        return own[0].graph
    union = Graph()
    for item in (*own, *context):
        for triple in item.graph:
            union.add(triple)
    return union


def _own_entities(
    own: list[_Loaded], vocabulary: Vocabulary, individuals: bool, warnings: list[str]
) -> tuple[bool, dict[URIRef, NodeKind]]:
    """Whether individuals are loaded, and the entities of the loaded files: with individuals when
    asked, or (with a warning) when the files declare no class or property of their own."""
    own_kinds = _own_kinds(own, vocabulary, individuals)
    if not own_kinds and not individuals:  # a vocabulary of instances only: its individuals are its entities
        individuals = True
        own_kinds = _own_kinds(own, vocabulary, individuals)
        if own_kinds:
            warnings.append(
                f"no classes or properties of its own: loaded its {len(own_kinds)} individuals "
                "(as with --individuals)"
            )
    return individuals, own_kinds
