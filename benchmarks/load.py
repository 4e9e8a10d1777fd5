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
   into node records, which is what its ``XmlImporter`` starts from.
2. **Peak memory** of both, in a separate pass (tracing slows everything down): the peak traced
   by ``tracemalloc``, and, because ``tracemalloc`` does not see memory that C libraries
   allocate outside Python's allocator (lxml/libxml2 trees, expat buffers), the growth of the
   peak resident set size of a fresh subprocess doing only that load. The maximum RSS of this
   benchmark process is reported at the end.
3. **Ontologies.** Every ``*.owl`` of ``<data>/oaei-conference/ontologies/``, every ``*.ttl``
   under ``<data>/ontologies/`` (each file alone) and the 12 SOSA/SSN modules together as one
   model: Tolka's load (``load_paths([...], LoadOptions())``, the ``owl:imports`` candidate
   cache cleared first) against rdflib's bare ``Graph().parse(path)`` of the same files. When a
   file's ``owl:imports`` make Tolka load other files of its folder as context, rdflib parses
   those too. Tolka finds an import by parsing the candidate files of the folder once per
   process; the "warm" column is a second load with that cache filled.

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
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from asyncua.common.xmlparser import XMLParser
from rdflib import Graph

import adapters.opcua.nodeset as nodeset_module
import adapters.rdf as rdf_module
from adapters.opcua.models import ModelIndex, clear_header_cache, read_header
from adapters.opcua.nodeid import UA_NAMESPACE
from adapters.options import LoadOptions
from adapters.registry import load_paths
from translator.graph import SchemaGraph

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


def interleave(fns: Sequence[Callable[[], object]], repeat: int) -> list[Timing]:
    """Time every function ``repeat`` times, in turn (A, B, A, B, ...)."""
    timings = [Timing() for _ in fns]
    for _ in range(repeat):
        for fn, timing in zip(fns, timings, strict=True):
            timing.samples.append(timed(fn))
    return timings


def traced_peak(fn: Callable[[], object]) -> int:
    """Peak bytes ``tracemalloc`` sees while ``fn`` runs (its result included)."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def max_rss_bytes() -> int:
    """Maximum resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def subprocess_rss_growth(side: str, files: Sequence[Path], models_dir: Path) -> int:
    """Growth of the peak RSS of a fresh interpreter loading ``files`` (imports excluded)."""
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
    before = max_rss_bytes()
    result = fn()
    after = max_rss_bytes()
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
            parser = XMLParser()
            parser.parse_sync(str(path))
            parser.get_used_namespaces()
            parser.get_aliases()
            out.append(parser.get_node_datas())
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
    tolka: Timing
    asyncua: Timing
    asyncua_records: int
    tolka_peak: int = 0
    asyncua_peak: int = 0
    tolka_rss: int = 0
    asyncua_rss: int = 0

    @property
    def ratio(self) -> float:
        return self.tolka.median_ms / self.asyncua.median_ms


def bench_nodesets(opcua: Path, repeat: int) -> list[NodesetResult]:
    """Time Tolka and asyncua on every nodeset (see the module docstring)."""
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
        records = sum(len(r) for r in asyncua())
        t_tolka, t_asyncua = interleave([tolka, asyncua], repeat)
        results.append(
            NodesetResult(
                name,
                files,
                len(graph),
                sum(1 for _ in graph.own_nodes()),
                t_tolka,
                t_asyncua,
                records,
            )
        )
        del graph
        print(f"  {name}: Tolka {t_tolka.median_ms:.1f} ms, asyncua {t_asyncua.median_ms:.1f} ms", flush=True)
    return results


def measure_nodeset_memory(results: list[NodesetResult], opcua: Path) -> None:
    """Fill in the tracemalloc peaks and the fresh-process RSS growth of every nodeset."""
    for r in results:
        nodeset = r.files[0]
        r.tolka_peak = traced_peak(tolka_nodeset_loader(nodeset, opcua))
        r.asyncua_peak = traced_peak(asyncua_parser(r.files))
        r.tolka_rss = subprocess_rss_growth("tolka", r.files, opcua)
        r.asyncua_rss = subprocess_rss_growth("asyncua", r.files, opcua)
        print(
            f"  {r.name}: Tolka {r.tolka_peak / MB:.1f} MB, asyncua {r.asyncua_peak / MB:.1f} MB", flush=True
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


def memory_table(results: list[NodesetResult]) -> Table:
    table = Table(
        ["Nodeset", "files", "Tolka peak MB", "asyncua peak MB", "Tolka ΔRSS MB", "asyncua ΔRSS MB"],
        "lrrrrr",
    )
    for r in results:
        table.rows.append(
            [
                r.name,
                str(len(r.files)),
                f"{r.tolka_peak / MB:.1f}",
                f"{r.asyncua_peak / MB:.1f}",
                f"{r.tolka_rss / MB:.1f}",
                f"{r.asyncua_rss / MB:.1f}",
            ]
        )
    table.footer.append(
        [
            "largest",
            "",
            f"{max(r.tolka_peak for r in results) / MB:.1f}",
            f"{max(r.asyncua_peak for r in results) / MB:.1f}",
            f"{max(r.tolka_rss for r in results) / MB:.1f}",
            f"{max(r.asyncua_rss for r in results) / MB:.1f}",
        ]
    )
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
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = models[0] if models else cpu
    ram = "unknown"
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:", 1)[1].split()[0])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y"),
        "cpu": f"nproc {cpus}, {cpu}",
        "ram": ram,
        "python": f"{platform.python_implementation()} {platform.python_version()} ({platform.system()})",
        "packages": ", ".join(f"{p} {version(p)}" for p in ("asyncua", "rdflib", "lxml")),
    }


def interpretation(nodesets: list[NodesetResult], ontologies: list[OntologyResult]) -> str:
    """A few sentences reading the numbers of this run."""
    tolka = sum(r.tolka.median_ms for r in nodesets)
    asyncua = sum(r.asyncua.median_ms for r in nodesets)
    ratio = tolka / asyncua
    slower = [r for r in nodesets if r.ratio > GOAL_RATIO]
    ratios = sorted(r.ratio for r in nodesets)
    base = next((r for r in nodesets if len(r.files) == 1 and r.own == r.nodes and r.nodes > 1000), None)
    verdict = "meets" if ratio <= GOAL_RATIO else "misses"
    parts = [
        f"Over all {len(nodesets)} nodesets Tolka's complete load took {tolka:.0f} ms against "
        f"{asyncua:.0f} ms for asyncua's bare parse of the same files (ratio {ratio:.2f}, which "
        f"{verdict} the goal of ≤ {GOAL_RATIO:.1f}); per file the ratio ranges from {ratios[0]:.2f} "
        f"to {ratios[-1]:.2f}."
    ]
    if slower:
        names = ", ".join(f"`{r.name}` ({r.ratio:.2f})" for r in slower)
        parts.append(f"Tolka is slower than asyncua on {len(slower)} file(s): {names}.")
    else:
        parts.append("Tolka is not slower than asyncua on any single nodeset.")
    parts.append(
        "Tolka parses with lxml and reads only what the graph needs (ids, names, texts, references and "
        "a few values), whereas asyncua's `XMLParser` builds an ElementTree and converts every node's "
        "attributes and `<Value>` into Python objects; Tolka spends its margin on work asyncua does "
        "not do here: it scans the headers of all models-dir files (the cache is cleared for every "
        "run), resolves every id and reference to `nsu=` form, and builds the SchemaGraph with "
        "edges, browse paths, units and enumerations"
        + (
            f" — on the base nodeset alone, where no resolution is needed, the ratio is {base.ratio:.2f}."
            if base
            else "."
        )
    )
    t_peak = max(r.tolka_peak for r in nodesets) / MB
    a_peak = max(r.asyncua_peak for r in nodesets) / MB
    t_rss = max(r.tolka_rss for r in nodesets) / MB
    a_rss = max(r.asyncua_rss for r in nodesets) / MB
    parts.append(
        f"Memory: the largest traced peak is {t_peak:.1f} MB for Tolka and {a_peak:.1f} MB for asyncua, "
        "but tracemalloc does not see libxml2's trees, so the fresh-process RSS growth is the fairer "
        f"figure: at most {t_rss:.1f} MB for Tolka and {a_rss:.1f} MB for asyncua."
    )
    o_tolka = sum(r.tolka.median_ms for r in ontologies)
    o_warm = sum(r.tolka_warm.median_ms for r in ontologies)
    o_bare = sum(r.rdflib.median_ms for r in ontologies)
    parts.append(
        f"For ontologies Tolka is slower than rdflib's bare parse ({o_tolka:.0f} ms against {o_bare:.0f} ms "
        f"in total, ratio {o_tolka / o_bare:.2f}; {o_warm:.0f} ms with the owl:imports candidate cache "
        "warm): rdflib's parse is only the first step of Tolka's load, which then copies every file "
        "into a union graph and queries it per entity for kinds, edges, labels and paths, and, for "
        "SOSA/SSN modules loaded alone, parses the other files of the folder to find their owl:imports."
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
    """Rewrite RESULTS.md with this run."""
    lines = [
        "# Tolka benchmarks",
        "",
        "Latest figures of the scripts in `benchmarks/`; each script rewrites its own section.",
        "",
        "## Model loading (benchmarks/load.py)",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['cpu']}, {info['ram']} RAM",
        f"- Python: {info['python']}; {info['packages']}",
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
        "### Peak memory (separate pass)",
        "",
        "*peak*: tracemalloc's peak during the load (Python allocations only; lxml's C trees are not "
        "traced). *ΔRSS*: growth of the peak resident set size of a fresh Python process doing only "
        "that load, after its imports. Maximum RSS of the whole benchmark process at the end: "
        f"{max_rss / MB:.0f} MB.",
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
        "### Interpretation",
        "",
        text,
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


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

    print(f"Timing OPC UA nodesets ({args.repeat} runs each) ...", flush=True)
    nodesets = bench_nodesets(opcua, args.repeat)
    print("Measuring peak memory ...", flush=True)
    measure_nodeset_memory(nodesets, opcua)
    print(f"Timing ontologies ({args.repeat} runs each) ...", flush=True)
    ontologies = bench_ontologies(data, args.repeat)
    max_rss = max_rss_bytes()

    tables = {
        "nodesets": nodeset_table(nodesets),
        "memory": memory_table(nodesets),
        "ontologies": ontology_table(ontologies),
    }
    titles = {
        "nodesets": "OPC UA nodesets: Tolka load_paths vs asyncua XMLParser (ms: median (min))",
        "memory": "Peak memory (tracemalloc peak; ΔRSS of a fresh process)",
        "ontologies": "Ontologies: Tolka load_paths vs rdflib Graph().parse (ms: median (min))",
    }
    for key, table in tables.items():
        print(f"\n{titles[key]}\n\n{table.text()}")
    print(f"\nMaximum RSS of this process: {max_rss / MB:.0f} MB")
    text = interpretation(nodesets, ontologies)
    print(f"\n{text}")
    if args.write_results:
        write_results(RESULTS, command, machine(), tables, text, max_rss, args.repeat)
        print(f"\nwrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
