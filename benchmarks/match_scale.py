"""How matching scales: time, peak memory and candidate count against model size.

Matches the base OPC UA model (``Opc.Ua.NodeSet2.xml``, about 5,000 own nodes) and growing
prefixes of it against itself, with every method, and reports seconds, peak traced memory and the
number of candidate pairs kept by the blocking index next to the n·m pairs a dense matrix would
hold. (A self-match is a scale test, not a quality test: quality is measured on real pairs by
``benchmarks/matching.py``.) Run: ``python benchmarks/match_scale.py --data ../shared/data``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
import tracemalloc
from pathlib import Path

from results import hardware, write_section  # benchmarks/results.py

from adapters import load_paths
from translator.graph.model import SchemaGraph
from translator.matching.lexical import lexical_candidates
from translator.matching.matcher import MatchOptions, match

ROOT = Path(__file__).resolve().parents[1]


def prefix(graph: SchemaGraph, n: int) -> SchemaGraph:
    """A graph with the first ``n`` own nodes (by id) and every context node, with their edges."""
    own = sorted(node.id for node in graph.own_nodes())[:n]
    keep = set(own) | {node.id for node in graph.context_nodes()}
    out = SchemaGraph(f"{graph.name}[:{n}]")
    out.add_nodes(node for node in graph.nodes() if node.id in keep)
    out.add_edges(e for e in graph.edges() if e.source in keep and e.target in keep)
    return out


def measure(graph: SchemaGraph, method: str) -> tuple[float, float, int, int]:
    """Seconds, peak MB, candidate pairs and correspondences of one self-match."""
    gc.collect()
    started = time.perf_counter()
    result = match(graph, graph, MatchOptions(method=method))
    seconds = time.perf_counter() - started
    tracemalloc.start()  # a second run for memory: tracing slows Python code several times
    match(graph, graph, MatchOptions(method=method))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    candidates = len(lexical_candidates(graph, graph).scores)
    return seconds, peak, candidates, len(result)


def main() -> None:
    """Print the scaling table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--write-results", action="store_true", help="replace this script's section of RESULTS.md"
    )
    args = parser.parse_args()
    nodeset = args.data / "opcua" / "Schema" / "Opc.Ua.NodeSet2.xml"
    if not nodeset.exists():
        print(f"{nodeset} not found; nothing to measure")
        return
    base = load_paths([nodeset])
    total = sum(1 for _ in base.own_nodes())
    rows = [
        "| own nodes | method | seconds | peak MB | candidate pairs | dense n·m | correspondences |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in (500, 1000, 2500, total):
        graph = prefix(base, n)
        for method in ("lexical", "structural"):
            seconds, peak, candidates, found = measure(graph, method)
            rows.append(
                f"| {n} | {method} | {seconds:.2f} | {peak:.0f} | {candidates:,} | {n * n:,} | {found:,} |"
            )
            print(rows[-1])
    if args.write_results:
        cpus, cpu, ram = hardware()
        write_section(
            "\n".join(
                [
                    "## Matching at scale (benchmarks/match_scale.py)",
                    "",
                    f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
                    f"machine: {cpus} cores, {cpu}, {ram} RAM",
                    f"- Python {platform.python_version()} ({sys.platform}); "
                    "command: `python benchmarks/match_scale.py --write-results`",
                    "",
                    "The base OPC UA model (`Opc.Ua.NodeSet2.xml`) and prefixes of it matched against "
                    "themselves (a scale test; quality is in the section above). *seconds*: one "
                    "`match()` call, models loaded; *peak MB*: tracemalloc peak of a second run; "
                    "*candidate pairs*: pairs the n-gram blocking keeps, next to the n·m a dense "
                    "matrix would hold. Goal of issue 3: 5,000 x 5,000 in under a minute on 2 cores.",
                    "",
                    *rows,
                ]
            )
        )


if __name__ == "__main__":
    main()
