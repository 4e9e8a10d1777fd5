"""Model-loading benchmark: Tolka's loaders side by side with the bare parsers they are built on.

Run from the repository root::

    python benchmarks/load.py --data ../shared/data [--repeat N] [--write-results]

What is measured, in one run:

1. **OPC UA nodesets.** For every ``*.xml`` under ``<data>/opcua/``: (a) Tolka's full load,
   ``load_paths([file], LoadOptions(models_dirs=(<data>/opcua,)))``, with the NodeSet2 header
   cache cleared first so that every measurement is cold (the models folder is scanned again);
   (b) asyncua's own ``XMLParser`` parsing the *same set of files*: the nodeset plus every file
   Tolka's resolution picks for its required models, transitively. The set is computed once per
   nodeset with ``ModelIndex``/``read_header`` exactly as ``adapters.opcua.nodeset`` does, and
   checked against the files Tolka's loader really reads. For each file asyncua does
   ``parse_sync``, ``get_used_namespaces``, ``get_aliases`` and ``get_node_datas``: its bare parse
   into node records, which is what its ``XmlImporter`` starts from. Both are timed again with
   the cyclic garbage collector switched off during the call, because the collector turns out
   to be a large and very unequal share of both times.
2. **Memory** of both, in a separate pass (tracing slows everything down): the peak traced by
   ``tracemalloc`` and what is still traced when the call has returned (its result alive), and,
   because ``tracemalloc`` does not see memory that C libraries allocate outside Python's
   allocator (libxml2 trees), the growth of the peak resident set size (``VmHWM``) of a fresh
   subprocess doing only that load. The maximum RSS of this benchmark process (``getrusage``)
   is reported at the end.
3. **Ontologies.** Every ``*.owl`` of ``<data>/oaei-conference/ontologies/``, every ``*.ttl``
   under ``<data>/ontologies/`` (each file alone) and the 12 SOSA/SSN modules together as one
   model: Tolka's load (``load_paths([...], LoadOptions())``, the ``owl:imports`` candidate
   cache cleared first) against rdflib's bare ``Graph().parse(path)`` of the same files. When a
   file's ``owl:imports`` make Tolka load other files of its folder as context, rdflib parses
   those too. Tolka finds an import by parsing the candidate files of the folder once per
   process; the "warm" column is a second load with that cache filled.
4. **N-Triples lines** (generated, in a temporary folder): 200,000 short lines, and one line holding
   a literal of 800 kB. Tolka's load against rdflib's ``Graph().parse(path, format="nt")``.
   rdflib's own N-Triples reading is quadratic in a line's length; Tolka hands its parser whole
   lines (``adapters.rdf_parse.WholeLines``).

Why the comparison is fair: both sides read the identical files from the same (warm) page
cache, in the same process, interleaved (Tolka, other, Tolka, other, ...) so that drift in
machine load hits both alike; ``gc.collect()`` runs before every measurement and the collector
stays on during it, as it would in real use; what a call returns is freed outside the timed
region on both sides, intermediate trees inside it. The median of ``--repeat`` runs is reported,
with the minimum. It is not a like-for-like *work* comparison: the bare parsers stop at node
records or triples, while Tolka also resolves ids, finds the required models, builds the
``SchemaGraph`` (edges, browse paths, units, enumerations, labels) and for RDF copies every
file into one union graph. A ratio at or below 1.0 means that all of this costs no more than
the bare parse does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from asyncua.common.xmlparser import XMLParser
from rdflib import Graph
from results import hardware, revision, write_section  # benchmarks/results.py

import adapters.opcua.nodeset as nodeset_module
import adapters.rdf as rdf_module
from adapters.opcua.models import ModelIndex, clear_header_cache, read_header
from adapters.opcua.nodeid import UA_NAMESPACE
from adapters.options import DEFAULT_MAX_BYTES, LoadOptions
from adapters.registry import load_paths
from translator.graph.model import SchemaGraph

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "RESULTS.md"
MB = 1024 * 1024
GOAL_RATIO = 1.0

# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Timing:
    """Wall-clock samples of one measured call, in seconds."""

    samples: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.samples) * 1000

    def cell(self) -> str:
        """``median (min)`` in milliseconds."""
        return f"{self.median_ms:.1f} ({self.min_ms:.1f})"


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes, after a full collection; its result is freed afterwards."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def without_gc(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` with the cyclic garbage collector switched off while it runs."""

    def run() -> object:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def interleave(fns: Sequence[Callable[[], object]], repeat: int) -> list[Timing]:
    """Time every function ``repeat`` times, in turn (A, B, A, B, ...)."""
    timings = [Timing() for _ in fns]
    for _ in range(repeat):
        for fn, timing in zip(fns, timings, strict=True):
            timing.samples.append(timed(fn))
    return timings


@dataclass(slots=True)
class Traced:
    """What ``tracemalloc`` saw during one call: the peak, and what its result still holds."""

    peak: int
    retained: int


def traced(fn: Callable[[], object], runs: int = 2) -> Traced:
    """Trace ``fn``: peak bytes during a call, and bytes still allocated with its result alive.

    The smallest figures of ``runs`` calls are kept, so that state some library creates once
    (caches, interned strings) is not charged to a load.
    """
    samples: list[Traced] = []
    for _ in range(runs):
        gc.collect()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            result = fn()
            gc.collect()
            retained, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        del result
        samples.append(Traced(peak, retained))
    return Traced(min(t.peak for t in samples), min(t.retained for t in samples))


def max_rss_bytes() -> int:
    """Maximum resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def peak_rss_bytes() -> int:
    """Peak RSS of this process's own address space (``VmHWM``).

    ``ru_maxrss`` is no good in a subprocess: on Linux it starts from the parent's high-water mark
    when the child is spawned with vfork, so it hides everything the child does below that.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return max_rss_bytes()


def subprocess_rss_growth(side: str, files: Sequence[Path], models_dir: Path) -> int:
    """Growth of the peak RSS of a fresh interpreter loading ``files`` (its imports excluded)."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--rss-child",
        side,
        "--models-dir",
        str(models_dir),
    ]
    out = subprocess.run([*cmd, *map(str, files)], capture_output=True, text=True, check=True)
    return int(json.loads(out.stdout.strip().splitlines()[-1])["growth"])


def rss_child(side: str, files: Sequence[Path], models_dir: Path) -> None:
    """The subprocess side of :func:`subprocess_rss_growth`: print the peak RSS growth as JSON."""
    fn = tolka_nodeset_loader(files[0], models_dir) if side == "tolka" else asyncua_parser(files)
    gc.collect()
    before = peak_rss_bytes()
    result = fn()
    after = peak_rss_bytes()
    del result
    print(json.dumps({"growth": after - before}))


# --------------------------------------------------------------------------------------------
# OPC UA nodesets
# --------------------------------------------------------------------------------------------


def resolved_files(nodeset: Path, models_dir: Path) -> list[Path]:
    """The nodeset and the files Tolka loads for its required models, transitively, in load order.

    Mirrors ``adapters.opcua.nodeset._resolve_required`` for one file: the file's own folder is
    searched flat, ``models_dir`` recursively, the exact required version is preferred, every
    folder a required model was found in is searched too, and a missing base model is skipped.
    """
    header = read_header(nodeset)
    if header is None:
        raise SystemExit(f"load.py: {nodeset} is not a NodeSet2 file")
    index = ModelIndex(flat=[header.path.parent], recursive=[models_dir])
    provided = set(header.model_uris)
    loaded = {header.path.resolve()}
    files = [nodeset]
    queue = list(header.required)
    while queue:
        required = queue.pop(0)
        if required.uri in provided:
            continue
        found = index.find(required)
        if found is None:
            if required.uri == UA_NAMESPACE:
                provided.add(required.uri)
                continue
            raise SystemExit(f"load.py: {nodeset}: required model {required.uri} not found")
        provided.update(found.model_uris)
        if found.path.resolve() in loaded:
            continue
        loaded.add(found.path.resolve())
        files.append(found.path)
        index.add_folder(found.path.parent)
        queue.extend(found.required)
    return files


def tolka_nodeset_loader(nodeset: Path, models_dir: Path) -> Callable[[], SchemaGraph]:
    """Tolka's full, cold load of one nodeset with its required models."""
    options = LoadOptions(models_dirs=(models_dir,))

    def load() -> SchemaGraph:
        clear_header_cache()
        return load_paths([nodeset], options)

    return load


def asyncua_parser(files: Sequence[Path]) -> Callable[[], list[list[Any]]]:
    """asyncua's bare parse of every file into its node records."""

    def parse() -> list[list[Any]]:
        out: list[list[Any]] = []
        for path in files:
            parser = XMLParser()  # type: ignore[no-untyped-call]
            parser.parse_sync(str(path))  # type: ignore[no-untyped-call]
            parser.get_used_namespaces()  # type: ignore[no-untyped-call]
            parser.get_aliases()
            out.append(parser.get_node_datas())  # type: ignore[no-untyped-call]
        return out

    return parse


@contextmanager
def recorded_nodeset_reads() -> Iterator[list[Path]]:
    """Record the paths Tolka's nodeset adapter reads in full (own file and required models)."""
    read = nodeset_module._read
    paths: list[Path] = []

    def spy(path: Path, options: LoadOptions) -> Any:
        paths.append(path)
        return read(path, options)

    nodeset_module._read = spy
    try:
        yield paths
    finally:
        nodeset_module._read = read


@dataclass(slots=True)
class NodesetResult:
    """Everything measured for one nodeset."""

    name: str
    files: list[Path]
    nodes: int
    own: int
    asyncua_records: int
    tolka: Timing
    asyncua: Timing
    tolka_nogc: Timing
    asyncua_nogc: Timing
    tolka_mem: Traced = field(default_factory=lambda: Traced(0, 0))
    asyncua_mem: Traced = field(default_factory=lambda: Traced(0, 0))
    tolka_rss: int = 0
    asyncua_rss: int = 0

    @property
    def ratio(self) -> float:
        return self.tolka.median_ms / self.asyncua.median_ms

    @property
    def ratio_nogc(self) -> float:
        return self.tolka_nogc.median_ms / self.asyncua_nogc.median_ms


def bench_nodesets(opcua: Path, repeat: int) -> list[NodesetResult]:
    """Time Tolka and asyncua on every nodeset, with the garbage collector on and off."""
    results: list[NodesetResult] = []
    for nodeset in sorted(opcua.rglob("*.xml")):
        name = nodeset.relative_to(opcua).as_posix()
        clear_header_cache()
        files = resolved_files(nodeset, opcua)
        tolka, asyncua = tolka_nodeset_loader(nodeset, opcua), asyncua_parser(files)
        with recorded_nodeset_reads() as read:  # warm-up run, also the check of the file set
            graph = tolka()
        if [p.resolve() for p in read] != [p.resolve() for p in files]:
            raise SystemExit(f"load.py: {name}: Tolka read {read}, the benchmark computed {files}")
        nodes, own = len(graph), sum(1 for _ in graph.own_nodes())
        del graph
        records = sum(len(r) for r in asyncua())
        on_tolka, on_asyncua, off_tolka, off_asyncua = interleave(
            [tolka, asyncua, without_gc(tolka), without_gc(asyncua)], repeat
        )
        result = NodesetResult(name, files, nodes, own, records, on_tolka, on_asyncua, off_tolka, off_asyncua)
        results.append(result)
        print(
            f"  {name}: Tolka {result.tolka.median_ms:.1f} ms, asyncua {result.asyncua.median_ms:.1f} ms "
            f"(ratio {result.ratio:.2f}; without gc {result.ratio_nogc:.2f})",
            flush=True,
        )
    return results


def measure_nodeset_memory(results: list[NodesetResult], opcua: Path) -> None:
    """Fill in the traced memory and the fresh-process RSS growth of every nodeset."""
    for r in results:
        r.tolka_mem = traced(tolka_nodeset_loader(r.files[0], opcua))
        r.asyncua_mem = traced(asyncua_parser(r.files))
        r.tolka_rss = subprocess_rss_growth("tolka", r.files, opcua)
        r.asyncua_rss = subprocess_rss_growth("asyncua", r.files, opcua)
        print(
            f"  {r.name}: traced peak Tolka {r.tolka_mem.peak / MB:.1f} MB, asyncua "
            f"{r.asyncua_mem.peak / MB:.1f} MB; RSS growth Tolka {r.tolka_rss / MB:.1f} MB, "
            f"asyncua {r.asyncua_rss / MB:.1f} MB",
            flush=True,
        )


# --------------------------------------------------------------------------------------------
# Ontologies
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class OntologyResult:
    """Everything measured for one ontology (one file, or several files as one model)."""

    name: str
    files: list[Path]
    nodes: int
    own: int
    triples: int
    tolka: Timing
    tolka_warm: Timing
    rdflib: Timing

    @property
    def ratio(self) -> float:
        return self.tolka.median_ms / self.rdflib.median_ms


def ontology_cases(data: Path) -> list[tuple[str, list[Path]]]:
    """(name, files loaded together) for every ontology measured."""
    cases: list[tuple[str, list[Path]]] = []
    oaei = data / "oaei-conference" / "ontologies"
    cases.extend((p.relative_to(data).as_posix(), [p]) for p in sorted(oaei.glob("*.owl")))
    ontologies = data / "ontologies"
    cases.extend((p.relative_to(data).as_posix(), [p]) for p in sorted(ontologies.rglob("*.ttl")))
    sosa = sorted((ontologies / "sosa-ssn").glob("*.ttl"))
    if sosa:
        cases.append((f"ontologies/sosa-ssn/*.ttl ({len(sosa)} files together)", sosa))
    return cases


def tolka_rdf_loader(files: Sequence[Path], *, cold: bool) -> Callable[[], SchemaGraph]:
    """Tolka's load of RDF files as one model; ``cold`` forgets the owl:imports candidates first."""
    paths, options = list(files), LoadOptions()

    def load() -> SchemaGraph:
        if cold:
            rdf_module._CANDIDATES.clear()
        return load_paths(paths, options)

    return load


def rdflib_parser(files: Sequence[Path]) -> Callable[[], Graph]:
    """rdflib's bare parse of the files into one graph."""

    def parse() -> Graph:
        graph = Graph()
        for path in files:
            graph.parse(path)
        return graph

    return parse


def tolka_rdf_files(files: Sequence[Path]) -> tuple[SchemaGraph, list[Path]]:
    """Load once; return the graph and the files Tolka loaded (own, then owl:imports context)."""
    resolve = rdf_module._resolve_imports
    context: list[Path] = []

    def spy(own: Any, options: LoadOptions, warnings: list[str]) -> Any:
        found = resolve(own, options, warnings)
        context.extend(item.path for item in found)
        return found

    rdf_module._resolve_imports = spy
    try:
        graph = tolka_rdf_loader(files, cold=True)()
    finally:
        rdf_module._resolve_imports = resolve
    return graph, [*files, *context]


def bench_ontologies(data: Path, repeat: int) -> list[OntologyResult]:
    """Time Tolka (cold and warm) and rdflib on every ontology."""
    results: list[OntologyResult] = []
    for name, files in ontology_cases(data):
        graph, loaded = tolka_rdf_files(files)
        bare = rdflib_parser(loaded)
        triples = len(bare())
        timings = interleave(
            [tolka_rdf_loader(files, cold=True), tolka_rdf_loader(files, cold=False), bare], repeat
        )
        results.append(
            OntologyResult(name, loaded, len(graph), sum(1 for _ in graph.own_nodes()), triples, *timings)
        )
        del graph
    rdf_module._CANDIDATES.clear()
    return results


def ntriples_cases() -> list[tuple[str, bytes]]:
    """Generated N-Triples: many short lines, and one long line."""
    short = "".join(f'<http://e/s{i}> <http://e/p{i % 50}> "value {i}" .\n' for i in range(200_000))
    long = '<http://e/a> <http://e/b> "' + "x" * 800_000 + '" .\n'
    return [("200,000 short lines", short.encode()), ("one line, a literal of 800 kB", long.encode())]


def bench_ntriples(repeat: int) -> Table:
    """Time Tolka and rdflib on each of :func:`ntriples_cases`, written to a temporary file."""
    table = Table(
        ["N-Triples (generated)", "MB", "triples", "Tolka ms", "rdflib ms", "Tolka/rdflib"], "lrrrrr"
    )
    with tempfile.TemporaryDirectory(prefix="tolka-bench-") as folder:
        for name, data in ntriples_cases():
            path = Path(folder) / "case.nt"
            path.write_bytes(data)

            def tolka(path: Path = path) -> SchemaGraph:
                return load_paths([path], LoadOptions(), format="ntriples")

            def bare(path: Path = path) -> Graph:
                return Graph().parse(path, format="nt")

            triples = len(bare())
            ours, theirs = interleave([tolka, bare], repeat)
            table.rows.append(
                [
                    name,
                    f"{len(data) / MB:.1f}",
                    str(triples),
                    ours.cell(),
                    theirs.cell(),
                    f"{ours.median_ms / theirs.median_ms:.3f}",
                ]
            )
    return table


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Table:
    """A table printed as aligned text and written as Markdown; ``align`` is ``l``/``r`` per column."""

    headers: list[str]
    align: str
    rows: list[list[str]] = field(default_factory=list)
    footer: list[list[str]] = field(default_factory=list)

    def text(self) -> str:
        body = [*self.rows, *self.footer]
        widths = [max(len(r[i]) for r in [self.headers, *body]) for i in range(len(self.headers))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                c.ljust(w) if a == "l" else c.rjust(w)
                for c, w, a in zip(cells, widths, self.align, strict=True)
            ).rstrip()

        rule = "  ".join("-" * w for w in widths)
        out = [line(self.headers), rule, *map(line, self.rows)]
        if self.footer:
            out += [rule, *map(line, self.footer)]
        return "\n".join(out)

    def markdown(self) -> str:
        marks = ["---" if a == "l" else "---:" for a in self.align]
        rows = [*self.rows, *([[f"**{c}**" if c else "" for c in r] for r in self.footer])]
        return "\n".join("| " + " | ".join(r) + " |" for r in [self.headers, marks, *rows])


def ratio_cell(ratio: float) -> str:
    return f"{ratio:.2f}" + (" ⚠" if ratio > GOAL_RATIO else "")


def nodeset_table(results: list[NodesetResult]) -> Table:
    """Per-nodeset sizes and times with the garbage collector on (the headline comparison)."""
    table = Table(
        ["Nodeset", "files", "nodes", "own", "asyncua records", "Tolka ms", "asyncua ms", "Tolka/asyncua"],
        "lrrrrrrr",
    )
    for r in results:
        table.rows.append(
            [
                r.name,
                str(len(r.files)),
                str(r.nodes),
                str(r.own),
                str(r.asyncua_records),
                r.tolka.cell(),
                r.asyncua.cell(),
                ratio_cell(r.ratio),
            ]
        )
    tolka = sum(r.tolka.median_ms for r in results)
    asyncua = sum(r.asyncua.median_ms for r in results)
    table.footer.append(
        [
            f"total ({len(results)} nodesets)",
            str(sum(len(r.files) for r in results)),
            str(sum(r.nodes for r in results)),
            str(sum(r.own for r in results)),
            str(sum(r.asyncua_records for r in results)),
            f"{tolka:.1f}",
            f"{asyncua:.1f}",
            ratio_cell(tolka / asyncua),
        ]
    )
    return table


def nogc_table(results: list[NodesetResult]) -> Table:
    """The same loads with the cyclic garbage collector off during the timed call."""
    table = Table(["Nodeset", "Tolka ms", "asyncua ms", "Tolka/asyncua"], "lrrr")
    for r in results:
        table.rows.append([r.name, r.tolka_nogc.cell(), r.asyncua_nogc.cell(), ratio_cell(r.ratio_nogc)])
    tolka = sum(r.tolka_nogc.median_ms for r in results)
    asyncua = sum(r.asyncua_nogc.median_ms for r in results)
    table.footer.append(
        [f"total ({len(results)} nodesets)", f"{tolka:.1f}", f"{asyncua:.1f}", ratio_cell(tolka / asyncua)]
    )
    return table


def memory_table(results: list[NodesetResult]) -> Table:
    """Traced peak and retained memory, and fresh-process RSS growth, in MB."""
    table = Table(
        [
            "Nodeset",
            "files",
            "Tolka peak",
            "asyncua peak",
            "Tolka retained",
            "asyncua retained",
            "Tolka ΔRSS",
            "asyncua ΔRSS",
        ],
        "lrrrrrrr",
    )

    def row(name: str, files: str, values: Sequence[int]) -> list[str]:
        return [name, files, *(f"{v / MB:.1f}" for v in values)]

    def values(r: NodesetResult) -> list[int]:
        return [
            r.tolka_mem.peak,
            r.asyncua_mem.peak,
            r.tolka_mem.retained,
            r.asyncua_mem.retained,
            r.tolka_rss,
            r.asyncua_rss,
        ]

    table.rows.extend(row(r.name, str(len(r.files)), values(r)) for r in results)
    largest = [max(column) for column in zip(*(values(r) for r in results), strict=True)]
    table.footer.append(row("largest", "", largest))
    return table


def ontology_table(results: list[OntologyResult]) -> Table:
    table = Table(
        [
            "Ontology",
            "files",
            "triples",
            "nodes",
            "own",
            "Tolka ms",
            "Tolka warm ms",
            "rdflib ms",
            "Tolka/rdflib",
        ],
        "lrrrrrrrr",
    )
    for r in results:
        table.rows.append(
            [
                r.name,
                str(len(r.files)),
                str(r.triples),
                str(r.nodes),
                str(r.own),
                r.tolka.cell(),
                r.tolka_warm.cell(),
                r.rdflib.cell(),
                f"{r.ratio:.2f}",
            ]
        )
    tolka = sum(r.tolka.median_ms for r in results)
    warm = sum(r.tolka_warm.median_ms for r in results)
    bare = sum(r.rdflib.median_ms for r in results)
    table.footer.append(
        [
            f"total ({len(results)} ontologies)",
            str(sum(len(r.files) for r in results)),
            str(sum(r.triples for r in results)),
            str(sum(r.nodes for r in results)),
            str(sum(r.own for r in results)),
            f"{tolka:.1f}",
            f"{warm:.1f}",
            f"{bare:.1f}",
            f"{tolka / bare:.2f}",
        ]
    )
    return table


def machine() -> dict[str, str]:
    """Date, hardware and software versions, for the record."""
    cpus, cpu, ram = hardware()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y"),
        "cpu": f"nproc {cpus}, {cpu}",
        "ram": ram,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({platform.system()})",
        "packages": ", ".join(f"{p} {version(p)}" for p in ("asyncua", "rdflib", "lxml")),
        "revision": revision("adapters", "translator"),
    }


def _sum_ms(timings: Iterable[Timing]) -> float:
    return sum(t.median_ms for t in timings)


def interpretation(nodesets: list[NodesetResult], ontologies: list[OntologyResult]) -> str:
    """Five sentences reading the numbers of this run (regenerated with every run)."""
    tolka, asyncua = _sum_ms(r.tolka for r in nodesets), _sum_ms(r.asyncua for r in nodesets)
    tolka_nogc = _sum_ms(r.tolka_nogc for r in nodesets)
    asyncua_nogc = _sum_ms(r.asyncua_nogc for r in nodesets)
    ratio, ratio_nogc = tolka / asyncua, tolka_nogc / asyncua_nogc
    ratios = sorted(r.ratio for r in nodesets)
    slower = [r for r in nodesets if r.ratio > GOAL_RATIO]
    parts = [
        f"Over all {len(nodesets)} nodesets Tolka's complete load took {tolka:.0f} ms against "
        f"{asyncua:.0f} ms for asyncua's bare parse of the same {sum(len(r.files) for r in nodesets)} "
        f"files (ratio {ratio:.2f}, {'within' if ratio <= GOAL_RATIO else 'above'} the goal of "
        f"≤ {GOAL_RATIO:.1f}; per nodeset {ratios[0]:.2f} to {ratios[-1]:.2f}"
        + (
            ", above 1.0 for " + ", ".join(f"`{r.name}` ({r.ratio:.2f})" for r in slower) + ")."
            if slower
            else ", never above 1.0)."
        )
    ]
    gc_share = (1 - tolka_nogc / tolka) * 100, (1 - asyncua_nogc / asyncua) * 100
    parts.append(
        f"Much of the difference is garbage collection: with the collector off Tolka takes "
        f"{tolka_nogc:.0f} ms and asyncua {asyncua_nogc:.0f} ms (ratio {ratio_nogc:.2f}), so the "
        f"collector costs Tolka {gc_share[0]:.0f}% and asyncua {gc_share[1]:.0f}% of their time — "
        "asyncua builds an ElementTree of Python-level elements, then a NodeData object (with its "
        "own `__dict__` and lists) per node and a RefStruct object per reference, while lxml keeps "
        "its tree in C and Tolka pauses the cyclic collector while it builds a graph "
        "(`adapters/gcpause.py`: nothing built during a load is garbage)."
    )
    lead = (
        "Without that cost asyncua's bare parse is the faster one, because Tolka does more"
        if ratio_nogc > 1
        else "Tolka stays ahead even without it, although it does more"
    )
    parts.append(
        f"{lead}: it scans the headers of every models-dir file (the cache is cleared for each run), "
        "resolves every id and reference to `nsu=` form, and builds the SchemaGraph (one Python call "
        "per edge, browse paths, units, enumerations); most of every companion load is the "
        "5,000-node base model (`Schema/Opc.Ua.NodeSet2.xml`), which both sides parse each time."
    )
    t_peak = max(r.tolka_mem.peak for r in nodesets)
    a_peak = max(r.asyncua_mem.peak for r in nodesets)
    t_rss = max(r.tolka_rss for r in nodesets) / MB
    a_rss = max(r.asyncua_rss for r in nodesets) / MB
    buffer_note = (
        " (almost all of it one transient 256 MiB buffer: `adapters.safety.read_input` reads with "
        "`fh.read(max_bytes + 1)`, which allocates the whole limit up front; it is never touched, so "
        "it does not show in RSS)"
        if min(r.tolka_mem.peak for r in nodesets) >= DEFAULT_MAX_BYTES
        else ""
    )
    parts.append(
        f"Memory: Tolka's largest traced peak is {t_peak / MB:.0f} MB{buffer_note} against "
        f"{a_peak / MB:.0f} MB for asyncua, but tracemalloc does not see libxml2's trees, so the "
        f"fresh-process RSS growth is the fairer figure: at most {t_rss:.0f} MB for Tolka and "
        f"{a_rss:.0f} MB for asyncua."
    )
    o_tolka, o_warm = _sum_ms(r.tolka for r in ontologies), _sum_ms(r.tolka_warm for r in ontologies)
    o_bare = _sum_ms(r.rdflib for r in ontologies)
    parts.append(
        f"For ontologies Tolka takes {o_tolka / o_bare:.2f}× rdflib's bare parse ({o_tolka:.0f} ms "
        f"against {o_bare:.0f} ms in total; {o_warm:.0f} ms with the owl:imports candidate cache warm): "
        "the same rdflib parse is the first step of Tolka's load, which then queries the parsed graph "
        "per entity for kinds, edges, labels and paths; a SOSA/SSN module loaded alone also loads the "
        "modules it imports (found by a text search of its folder, then parsed)."
    )
    return " ".join(parts)


def write_results(
    path: Path,
    command: str,
    info: dict[str, str],
    tables: dict[str, Table],
    text: str,
    max_rss: int,
    repeat: int,
) -> None:
    """Rewrite this benchmark's section of RESULTS.md with this run."""
    lines = [
        "## Model loading (benchmarks/load.py)",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['cpu']}, {info['ram']} RAM",
        f"- Python: {info['python']}; {info['packages']}",
        f"- Tolka: commit {info['revision']}",
        f"- Command: `{command}`",
        "",
        f"Times are the median (minimum) of {repeat} runs in milliseconds, Tolka and the bare parser "
        "interleaved, `gc.collect()` before each; Tolka's caches of NodeSet2 headers and owl:imports "
        "candidates are cleared before every run. *files* is the set both sides read: the model "
        "plus every required model (OPC UA) or imported ontology Tolka's resolution picks, "
        "transitively. ⚠ marks a ratio above the goal of 1.0. See the docstring of "
        "`benchmarks/load.py` for what exactly is measured.",
        "",
        "### OPC UA nodesets: Tolka `load_paths` vs asyncua `XMLParser`",
        "",
        tables["nodesets"].markdown(),
        "",
        "*nodes*: size of Tolka's graph (the model and its required models, plus referenced nodes "
        "that are not in any loaded file); *own*: the model's own nodes; *asyncua records*: the "
        "NodeData records asyncua returns for all files.",
        "",
        "#### The same, with the garbage collector off during the timed call",
        "",
        tables["nogc"].markdown(),
        "",
        "### Memory (separate pass, MB)",
        "",
        "*peak*: tracemalloc's peak during the load; *retained*: what tracemalloc still counts once "
        "the load returned, its result (graph or node records) alive; each the smaller of two "
        "traced runs. Both are Python allocations "
        "only: libxml2's trees (Tolka, via lxml) are not traced. *ΔRSS*: growth of the peak resident "
        "set size (`VmHWM`) of a fresh Python process doing only that load, after its imports. "
        f"Maximum RSS of the whole benchmark process at the end (`getrusage`): {max_rss / MB:.0f} MB.",
        "",
        tables["memory"].markdown(),
        "",
        "### Ontologies: Tolka `load_paths` vs rdflib `Graph().parse`",
        "",
        "*Tolka warm*: the same load with the owl:imports candidate cache already filled "
        "(a second load in the same process).",
        "",
        tables["ontologies"].markdown(),
        "",
        "### N-Triples lines (generated): Tolka `load_paths` vs rdflib `Graph().parse`",
        "",
        "rdflib reads N-Triples 2,048 characters at a time and searches what it holds for a line's "
        "end after each read, so a long line costs time quadratic in its length; Tolka hands its "
        "parser whole lines.",
        "",
        tables["ntriples"].markdown(),
        "",
        "### Interpretation",
        "",
        text,
        "",
    ]
    write_section("\n".join(lines), path)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--write-results", action="store_true", help=f"rewrite {RESULTS.relative_to(REPO)}")
    parser.add_argument("--rss-child", choices=("tolka", "asyncua"), help=argparse.SUPPRESS)
    parser.add_argument("--models-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_child:
        rss_child(args.rss_child, args.files, args.models_dir)
        return 0
    data: Path = args.data
    opcua = data / "opcua"
    if not opcua.is_dir() or not any(opcua.rglob("*.xml")):
        print(f"load.py: no OPC UA nodesets under {opcua}; nothing to measure (give --data DIR)")
        return 0
    if args.repeat < 1:
        print("load.py: --repeat must be at least 1", file=sys.stderr)
        return 2
    command = " ".join(["python", *(sys.argv if argv is None else ["benchmarks/load.py", *argv])])

    info = machine()  # at the start: the date is when the run began
    print(f"Timing OPC UA nodesets ({args.repeat} runs each) ...", flush=True)
    nodesets = bench_nodesets(opcua, args.repeat)
    print("Measuring peak memory ...", flush=True)
    measure_nodeset_memory(nodesets, opcua)
    print(f"Timing ontologies ({args.repeat} runs each) ...", flush=True)
    ontologies = bench_ontologies(data, args.repeat)
    print(f"Timing generated N-Triples ({args.repeat} runs each) ...", flush=True)
    ntriples = bench_ntriples(args.repeat)
    max_rss = max_rss_bytes()

    tables = {
        "nodesets": nodeset_table(nodesets),
        "nogc": nogc_table(nodesets),
        "memory": memory_table(nodesets),
        "ontologies": ontology_table(ontologies),
        "ntriples": ntriples,
    }
    titles = {
        "nodesets": "OPC UA nodesets: Tolka load_paths vs asyncua XMLParser (ms: median (min))",
        "nogc": "The same with the garbage collector off during the timed call (ms: median (min))",
        "memory": "Memory, MB (tracemalloc peak and retained; peak-RSS growth of a fresh process)",
        "ontologies": "Ontologies: Tolka load_paths vs rdflib Graph().parse (ms: median (min))",
        "ntriples": "Generated N-Triples: Tolka load_paths vs rdflib Graph().parse (ms: median (min))",
    }
    for key, table in tables.items():
        print(f"\n{titles[key]}\n\n{table.text()}")
    print(f"\nMaximum RSS of this process: {max_rss / MB:.0f} MB")
    text = interpretation(nodesets, ontologies)
    print(f"\n{text}")
    if args.write_results:
        write_results(RESULTS, command, info, tables, text, max_rss, args.repeat)
        print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
