"""Speed and memory of the learned matcher (``--method gnn``), with ``structural`` as the baseline.

Run from the repository root::

    python benchmarks/gnn_scale.py [--data ../shared/data] [--model PATH] [--threads N] [--write-results]

What is measured, in one run:

1. **Scaling.** For N in ``--sizes`` (default 250, 500, 1000, 2000 and the full model) the first N
   own nodes (by id) of the base OPC UA model ``Opc.Ua.NodeSet2.xml`` (``match_scale.prefix``; the
   full model as loaded), turned into a pair by ``translator.gnn.augment.pairs.make_pair`` with the
   ``MODERATE`` transforms (renamed, 10 % of the leaves dropped, distractors added, flattened,
   nested, units and datatypes changed, re-identified; seeded by ``--seed``), and matched
   ``match(pair.source, pair.target, MatchOptions(method=M))`` for M = ``gnn`` (with ``model`` set)
   and ``structural``, other options at their defaults. Reported per (N, M): wall seconds and CPU
   seconds (``time.process_time``, all threads) of that one call; memory; the correspondences
   found; precision, recall and F1 against the transform's truth (``Pair.truth``, scored by
   ``translator.alignment.metrics.evaluate``).
2. **A pair of ~100-entity ontologies**: the OAEI conference pair ``cmt.owl`` → ``conference.owl``,
   each method timed ``--repeat`` times (median and minimum), with F1 against the reference ``ra1``
   for orientation.
3. **Model loading**: ``translator.gnn.model_io.load_weights`` of the model file, the first call in a
   fresh process (after the imports) and the median of ``--repeat`` further calls.

How, and why it is fair: every (case, method) runs in its own fresh Python process (this script
with ``--worker``), which imports everything, loads the data and builds the pair first, then makes
one untimed warm-up call of the same method (and model) on a small pair — the first 100 own nodes
of the same nodeset, or for the OAEI pair the smallest ontology of its folder against itself — so
that lazy imports, first-call set-up of torch and PyG and the text encoder's caches cost neither
side. Then ``gc.collect()``, the peak resident set size is reset (``"5"`` written to
``/proc/self/clear_refs``; the approach of ``benchmarks/matching.py``), and the call is timed with
``time.perf_counter``. *peak RSS* is the process's ``VmHWM`` after the call: everything the process
held at its peak, interpreter, torch and the loaded graphs included (this is what must stay under
4 GB); *growth* is that peak minus the resident size just before the call, the memory the call
itself needed. Both see memory that C/C++ code (torch, NumPy, SciPy) allocates, which
``tracemalloc`` would miss. ``match()`` reads the model file itself on every call
(``MatchOptions.model`` is a path), so the gnn times include one warm ``load_weights``, reported
separately under 3.

If the ``--model`` file does not exist (by default ``ontologies/models/tolka-gnn.pt``, the model
Tolka ships), a small stand-in model is trained first — ``train_model`` on
``ontologies/demo/*.xml`` with ``epochs=2, pairs_per_graph=1, seed=0`` — and saved to a temporary
file; the output says so. Its speed is that of any model of the same configuration (the work does
not depend on the weights); its precision and recall are not those of a real model.

Threads: Tolka runs the GNN on one torch thread (``translator.gnn.threads``: its tensors are small,
and on a busy machine torch's thread pool stalled at every small kernel); ``--threads N`` sets
torch's threads for everything else in the workers (default: torch's own choice). The machine may
be shared, so the 1-minute load average is recorded before every timed call.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import platform
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from match_scale import prefix  # benchmarks/match_scale.py
from memory import peak_rss, reset_peak_rss  # benchmarks/memory.py
from results import hardware, header_lines, revision, write_section  # benchmarks/results.py

from adapters import load_paths
from translator.alignment.formats import read_alignment
from translator.alignment.metrics import evaluate
from translator.alignment.model import Alignment, Correspondence
from translator.gnn.augment.pairs import MODERATE, make_pair
from translator.gnn.augment.transform import Pair
from translator.graph.model import SchemaGraph
from translator.matching.matcher import MatchOptions, match

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_MODEL = REPO / "ontologies" / "models" / "tolka-gnn.pt"
SECTION = "## Learned matcher at scale (benchmarks/gnn_scale.py)"
NODESET = Path("opcua") / "Schema" / "Opc.Ua.NodeSet2.xml"
OAEI = Path("oaei-conference")
PAIR = ("cmt", "conference")
METHODS = ("gnn", "structural")
DEFAULT_SIZES = "250,500,1000,2000,full"
WARM_NODES = 100
MB = 1024 * 1024
MIN_GROWTH = 5 * MB
"""Smallest baseline RSS growth a memory ratio is given for."""
GOAL_PAIR_SECONDS = 5.0
GOAL_FULL_SECONDS = 60.0
GOAL_FULL_BYTES = 4 * 1024**3
STAND_IN_EPOCHS, STAND_IN_PAIRS, STAND_IN_SEED = 2, 1, 0
"""``train_model`` settings of the stand-in model trained when the model file does not exist."""


# --------------------------------------------------------------------------------------------
# The worker: one method on one case, in a fresh process
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """What one worker measures: ``scale`` (a nodeset prefix of ``size`` own nodes, 0 = all) or
    ``pair`` (the OAEI pair), with ``method``."""

    kind: str
    method: str
    size: int = 0

    @property
    def spec(self) -> str:
        """The ``--worker`` argument naming this case."""
        return f"{self.kind}:{self.method}:{self.size}"

    @classmethod
    def parse(cls, spec: str) -> Case:
        """The case of a ``--worker`` argument."""
        kind, method, size = spec.split(":")
        if kind not in ("scale", "pair") or method not in METHODS:
            raise ValueError(f"bad worker case {spec!r}")
        return cls(kind, method, int(size))


def own_count(graph: SchemaGraph) -> int:
    """The number of own (matchable) nodes."""
    return sum(1 for _ in graph.own_nodes())


def options_for(method: str, model: Path) -> MatchOptions:
    """Default options of ``method``; the model file for ``gnn``."""
    return MatchOptions(method=method, model=str(model) if method == "gnn" else None)


def timed_match(source: SchemaGraph, target: SchemaGraph, options: MatchOptions) -> dict[str, Any]:
    """One measured ``match()`` call: wall and CPU seconds, peak RSS and its growth, the result."""
    gc.collect()
    load = os.getloadavg()[0]
    base = reset_peak_rss()
    cpu = time.process_time()
    start = time.perf_counter()
    alignment = match(source, target, options)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    peak = peak_rss()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_rss": peak,
        "rss_growth": max(0, peak - base),
        "load": load,
        "alignment": alignment,
    }


def scored(alignment: Alignment, reference: Alignment) -> dict[str, float]:
    """Precision, recall, F1 and the correspondences found, by Tolka's evaluator."""
    result = evaluate(alignment, reference)
    return {
        "found": len(alignment.equivalences()),
        "precision": result.precision,
        "recall": result.recall,
        "f1": result.f1,
    }


def scale_worker(case: Case, data: Path, model: Path, seed: int) -> dict[str, Any]:
    """Match a transformed copy of a prefix of the base nodeset (the whole of it for size 0)."""
    base = load_paths([data / NODESET])
    total = own_count(base)
    graph = base if case.size <= 0 or case.size >= total else prefix(base, case.size)
    pair = make_pair_of(graph, seed)
    warm = make_pair_of(prefix(base, WARM_NODES), seed)
    options = options_for(case.method, model)
    match(warm.source, warm.target, options)  # warm-up, untimed
    run = timed_match(pair.source, pair.target, options)
    truth = Alignment(correspondences=[Correspondence(s, t) for s, t in sorted(pair.truth.items())])
    return {
        "own": own_count(pair.source),
        "target_own": own_count(pair.target),
        "truth": len(pair.truth),
        **{k: v for k, v in run.items() if k != "alignment"},
        **scored(run["alignment"], truth),
    }


def make_pair_of(graph: SchemaGraph, seed: int) -> Pair:
    """The graph and a transformed copy of it: ``make_pair(graph, random.Random(seed), MODERATE)``."""
    return make_pair(graph, random.Random(seed), MODERATE)


def ontology(folder: Path, name: str) -> Path:
    """``<folder>/<name>.owl``, the name compared case-insensitively."""
    return next(p for p in sorted(folder.glob("*.owl")) if p.stem.lower() == name.lower())


def load_times(model: Path, repeat: int) -> dict[str, float]:
    """Seconds of the first ``load_weights`` in this process and the median of ``repeat`` more."""
    from translator.gnn.model_io import load_weights

    start = time.perf_counter()
    load_weights(model)
    first = time.perf_counter() - start
    again = []
    for _ in range(repeat):
        start = time.perf_counter()
        load_weights(model)
        again.append(time.perf_counter() - start)
    return {"load_first": first, "load_median": statistics.median(again)}


def pair_worker(case: Case, data: Path, model: Path, repeat: int) -> dict[str, Any]:
    """Match cmt → conference ``repeat`` times (and time the model loading, for ``gnn``)."""
    folder = data / OAEI / "ontologies"
    source = load_paths([ontology(folder, PAIR[0])])
    target = load_paths([ontology(folder, PAIR[1])])
    warm_path = min(folder.glob("*.owl"), key=lambda p: p.stat().st_size)
    warm = load_paths([warm_path])
    result: dict[str, Any] = {"own": own_count(source), "target_own": own_count(target)}
    if case.method == "gnn":
        result |= load_times(model, repeat)
    options = options_for(case.method, model)
    match(warm, warm, options)  # warm-up, untimed
    runs = [timed_match(source, target, options) for _ in range(repeat)]
    reference_file = data / OAEI / "alignments" / f"{PAIR[0]}-{PAIR[1]}.rdf"
    reference = read_alignment(reference_file)
    result |= {
        "seconds_all": [r["seconds"] for r in runs],
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss": max(r["peak_rss"] for r in runs),
        "rss_growth": max(r["rss_growth"] for r in runs),
        "load": max(r["load"] for r in runs),
        "truth": len(reference.equivalences()),
        **scored(runs[-1]["alignment"], reference),
    }
    return result


def worker(case: Case, data: Path, model: Path, seed: int, repeat: int, threads: int, out: Path) -> None:
    """Measure one case in this process (``threads`` > 0: torch's intra-op threads) and write the
    figures as JSON to ``out``."""
    import torch

    if threads > 0:
        torch.set_num_threads(threads)
    result: dict[str, Any] = {"case": case.spec, "threads": torch.get_num_threads()}
    try:
        if case.kind == "scale":
            result |= scale_worker(case, data, model, seed)
        else:
            result |= pair_worker(case, data, model, repeat)
    except Exception as exc:  # recorded as "could not run", with the reason
        result["error"] = f"{type(exc).__name__}: {exc}"
    out.write_text(json.dumps(result), encoding="utf-8")


def run_case(case: Case, args: argparse.Namespace, model: Path) -> dict[str, Any]:
    """Run ``case`` in a fresh process and return its figures (``error`` set if it failed)."""
    with tempfile.TemporaryDirectory(prefix="tolka-gnn-scale-") as tmp:
        out = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            *("--worker", case.spec, "--worker-out", str(out)),
            *("--data", str(args.data), "--model", str(model)),
            *("--seed", str(args.seed), "--repeat", str(args.repeat), "--threads", str(args.threads)),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, check=False, cwd=REPO, timeout=args.timeout
            )
        except subprocess.TimeoutExpired:
            return {"case": case.spec, "error": f"timed out after {args.timeout:.0f} s"}
        if not out.exists():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"case": case.spec, "error": f"worker exited with {done.returncode}: {tail}"}
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def model_file(path: Path) -> Iterator[tuple[Path, str]]:
    """The model to measure and a note on it: ``path``, or a stand-in trained into a temporary file
    when ``path`` does not exist."""
    if path.exists():
        yield path, ""
        return
    from translator.gnn.model_io import save_weights
    from translator.gnn.training_run import train_model

    demo = sorted((REPO / "ontologies" / "demo").glob("*.xml"))
    print(f"{path} not found: training a stand-in model on {len(demo)} demo models ...", file=sys.stderr)
    start = time.perf_counter()
    trained = train_model(
        [load_paths([p]) for p in demo],
        epochs=STAND_IN_EPOCHS,
        pairs_per_graph=STAND_IN_PAIRS,
        seed=STAND_IN_SEED,
    )
    seconds = time.perf_counter() - start
    settings = f"epochs={STAND_IN_EPOCHS}, pairs_per_graph={STAND_IN_PAIRS}, seed={STAND_IN_SEED}"
    note = (
        f"**`{display(path)}` does not exist: a stand-in model was trained for this run** "
        f"(`train_model` on `ontologies/demo/*.xml`, {settings}; {seconds:.1f} s) and saved to a "
        "temporary file. Its times and memory are those of any model of its configuration; its "
        "precision and recall say nothing about a real model."
    )
    with tempfile.TemporaryDirectory(prefix="tolka-gnn-model-") as tmp:
        stand_in = Path(tmp) / "stand-in.pt"
        save_weights(trained, stand_in)
        yield stand_in, note


def display(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(REPO))
    return str(path)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, list) and len(value) > 4:
        return f"{len(value)} items ({', '.join(map(str, value[:3]))}, ...)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_model(path: Path) -> list[str]:
    """Markdown lines: the model's configuration and its training record (history shortened)."""
    from translator.gnn.model_io import load_weights

    model = load_weights(path)
    config = ", ".join(f"{k}={v}" for k, v in asdict(model.config).items())
    lines = [f"- Model configuration: {config}; file {path.stat().st_size / 1024:.0f} KiB"]
    training = dict(model.training)
    history = training.pop("history", None)
    if training:
        lines.append("- Training record: " + "; ".join(f"{k}={_short(v)}" for k, v in training.items()))
    if isinstance(history, list) and history:
        lines.append(f"- Training history: {len(history)} epochs, last {_short(history[-1])}")
    if not training and not history:
        lines.append("- Training record: none in the file")
    return lines


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def _mb(value: Any) -> str:
    return f"{value / MB:,.0f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b else "–"


def scale_table(results: dict[tuple[int, str], dict[str, Any]], sizes: Sequence[int]) -> list[str]:
    """The scaling table: one row per size and method, gnn rows with the ratios to structural."""
    rows = [
        "| own nodes | target own | truth | method | seconds | CPU s | peak RSS MB | growth MB "
        "| found | P | R | F1 | time ÷ structural | growth ÷ structural | load avg |",
        "| ---: | ---: | ---: | --- |" + " ---: |" * 11,
    ]
    for size in sizes:
        for method in METHODS:
            r = results[(size, method)]
            if "error" in r:
                rows.append(f"| {size or 'all'} |  |  | {method} | could not run: {r['error']} |" + " |" * 10)
                continue
            base = results[(size, "structural")]
            ratios = ["–", "–"]
            if method == "gnn" and "error" not in base:
                ratios[0] = _ratio(r["seconds"], base["seconds"])
                if base["rss_growth"] >= MIN_GROWTH:  # a ratio to a few pages of growth is noise
                    ratios[1] = _ratio(r["rss_growth"], base["rss_growth"])
            rows.append(
                f"| {r['own']:,} | {r['target_own']:,} | {r['truth']:,} | {method} | {r['seconds']:.2f} "
                f"| {r['cpu_seconds']:.2f} | {_mb(r['peak_rss'])} | {_mb(r['rss_growth'])} | {r['found']:,} "
                f"| {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {ratios[0]} | {ratios[1]} "
                f"| {r['load']:.1f} |"
            )
    return rows


def pair_table(results: dict[str, dict[str, Any]], repeat: int) -> list[str]:
    """The OAEI pair: median (min) seconds of each method, the ratio, F1 against ra1."""
    rows = [
        f"| pair | own nodes | method | seconds, median (min) of {repeat} | CPU s | growth MB | found "
        "| F1 vs ra1 | time ÷ structural |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    name = "-".join(PAIR)
    for method in METHODS:
        r = results[method]
        if "error" in r:
            rows.append(f"| {name} |  | {method} | could not run: {r['error']} |" + " |" * 5)
            continue
        base = results["structural"]
        ratio = _ratio(r["seconds"], base["seconds"]) if method == "gnn" and "error" not in base else "–"
        rows.append(
            f"| {name} | {r['own']} → {r['target_own']} | {method} | {r['seconds']:.3f} "
            f"({min(r['seconds_all']):.3f}) | {r['cpu_seconds']:.3f} | {_mb(r['rss_growth'])} "
            f"| {r['found']} | {r['f1']:.3f} | {ratio} |"
        )
    return rows


def goals(scale: dict[tuple[int, str], dict[str, Any]], pair: dict[str, Any], full: int) -> list[str]:
    """The issue's goals, met or not, by this run's numbers."""
    lines = []
    if "error" not in pair:
        ok = pair["seconds"] < GOAL_PAIR_SECONDS
        lines.append(
            f"- ~100-entity pair ({'-'.join(PAIR)}, {pair['own']} → {pair['target_own']} own nodes) in "
            f"under {GOAL_PAIR_SECONDS:.0f} s with the model loaded: {pair['seconds']:.2f} s, "
            f"**{'met' if ok else 'not met'}**."
        )
    r = scale.get((full, "gnn"), {"error": "not measured in this run (--sizes)"})
    if "error" in r:
        lines.append(f"- Full `Opc.Ua.NodeSet2.xml` against a transformed copy: {r['error']}.")
    else:
        ok_time, ok_memory = r["seconds"] < GOAL_FULL_SECONDS, r["peak_rss"] < GOAL_FULL_BYTES
        lines.append(
            f"- `Opc.Ua.NodeSet2.xml` ({r['own']:,} own nodes) against a transformed copy in under "
            f"{GOAL_FULL_SECONDS:.0f} s with a peak under {GOAL_FULL_BYTES // 1024**3} GB: "
            f"{r['seconds']:.1f} s and {_mb(r['peak_rss'])} MB peak RSS (the whole process), "
            f"**{'met' if ok_time and ok_memory else 'not met'}**."
        )
    return lines


def contention(results: Sequence[dict[str, Any]], threads: int) -> list[str]:
    """A warning when the load average exceeded the core count before any timed call."""
    loads = [float(r["load"]) for r in results if "load" in r]
    cpus = hardware()[0]
    if not loads or max(loads) <= cpus:
        return []
    return [
        f"- ⚠ Load average up to {max(loads):.1f} on {cpus} cores before the timed calls: other "
        f"processes competed for the CPU, so the times are upper bounds."
    ]


def section(
    info: dict[str, str],
    command: str,
    model_lines: list[str],
    scale_rows: list[str],
    pair_rows: list[str],
    load_line: str,
    goal_lines: list[str],
    wall: float,
) -> str:
    """The Markdown section for RESULTS.md (and stdout)."""
    return "\n".join(
        [
            SECTION,
            "",
            *header_lines(info, command),
            f"- Model: {info['model']}",
            *model_lines,
            f"- Run time of this benchmark: {wall:.0f} s",
            "",
            "Every row is one `match()` call in a fresh process after an untimed warm-up call on a "
            "small pair, with the model file read by `match()` itself (see *Model loading*). "
            "*seconds*: wall time; *CPU s*: CPU time of all threads; *peak RSS*: the process's peak "
            "resident set size during the call (`VmHWM` reset just before it; interpreter, torch and "
            "the loaded graphs included); *growth*: that peak minus the resident size just before the "
            "call; *found*: correspondences; P/R/F1 against the truth of the transform (`Pair.truth`); "
            "*load avg*: 1-minute load average before the call (above the core count, other processes "
            "were competing for the CPU). See the docstring of `benchmarks/gnn_scale.py`.",
            "",
            "### Scaling: prefixes of `Opc.Ua.NodeSet2.xml` against transformed copies",
            "",
            *scale_rows,
            "",
            "### A ~100-entity pair (OAEI conference)",
            "",
            *pair_rows,
            "",
            load_line,
            "",
            "### Goals",
            "",
            *goal_lines,
            "",
        ]
    )


def machine(model: str, threads: int) -> dict[str, str]:
    """Date, hardware, software versions and the model, for the record."""
    import scipy
    import torch
    import torch_geometric

    cpus, cpu, ram = hardware()
    packages = {"torch": torch.__version__, "torch_geometric": torch_geometric.__version__}
    packages["scipy"] = scipy.__version__
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%a %b %d %H:%M:%S UTC %Y"),
        "machine": f"nproc {cpus}, {cpu}, {ram} RAM; torch intra-op threads in the workers "
        + (f"{threads} (--threads)" if threads > 0 else f"{torch.get_num_threads()} (torch's default)"),
        "python": f"{platform.python_implementation()} {platform.python_version()} ({platform.system()})",
        "packages": ", ".join(f"{k} {v}" for k, v in packages.items()),
        "revision": revision("adapters", "translator", "benchmarks/gnn_scale.py"),
        "model": model,
    }


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_sizes(text: str, total: int) -> list[int]:
    """``250,500,full`` → [250, 500, total] (sizes at or above ``total`` become ``total``, once)."""
    sizes = [total if part.strip() == "full" else min(int(part), total) for part in text.split(",")]
    return list(dict.fromkeys(sizes))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument(
        "--model", type=Path, default=DEFAULT_MODEL, help="model file (a stand-in is trained if missing)"
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="own-node counts, 'full' = all")
    parser.add_argument("--seed", type=int, default=0, help="seed of the transformed copies")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of the OAEI pair and load")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch intra-op threads in the workers (0: torch's default)"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds allowed per worker")
    parser.add_argument(
        "--write-results", action="store_true", help="replace this script's section of RESULTS.md"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure everything and print the Markdown section (and write it with ``--write-results``)."""
    args = parse_args(argv)
    if args.worker:
        case = Case.parse(args.worker)
        worker(case, args.data, args.model, args.seed, args.repeat, args.threads, args.worker_out)
        return 0
    started = time.perf_counter()
    nodeset = args.data / NODESET
    if not nodeset.exists():
        print(f"gnn_scale.py: {nodeset} not found; nothing to measure (give --data DIR)", file=sys.stderr)
        return 1
    if args.repeat < 1:
        print("gnn_scale.py: --repeat must be at least 1", file=sys.stderr)
        return 2
    command = shlex.join(["python", "benchmarks/gnn_scale.py", *(sys.argv[1:] if argv is None else argv)])
    total = own_count(load_paths([nodeset]))
    sizes = parse_sizes(args.sizes, total)
    with model_file(args.model.resolve()) as (model, note):
        info = machine(f"`{display(model)}`" + (f" — {note}" if note else ""), args.threads)
        model_lines = describe_model(model)
        scale: dict[tuple[int, str], dict[str, Any]] = {}
        for size in sizes:
            for method in METHODS:
                print(f"{size} own nodes, {method} ...", file=sys.stderr, flush=True)
                scale[(size, method)] = run_case(Case("scale", method, size), args, model)
        pair: dict[str, dict[str, Any]] = {}
        for method in METHODS:
            print(f"{'-'.join(PAIR)}, {method} ...", file=sys.stderr, flush=True)
            pair[method] = run_case(Case("pair", method), args, model)
    gnn_pair = pair["gnn"]
    load_line = (
        f"**Model loading** (`load_weights`, fresh process): first call "
        f"{gnn_pair['load_first'] * 1000:.0f} ms, then median {gnn_pair['load_median'] * 1000:.1f} ms "
        f"of {args.repeat} (the latter is inside every gnn time above, since `match()` reads the "
        "model file on each call)."
        if "load_first" in gnn_pair
        else f"**Model loading**: not measured ({gnn_pair.get('error', 'no figures')})."
    )
    text = section(
        info,
        command,
        model_lines,
        scale_table(scale, sizes),
        pair_table(pair, args.repeat),
        load_line,
        goals(scale, gnn_pair, total) + contention([*scale.values(), *pair.values()], args.threads),
        time.perf_counter() - started,
    )
    print(text)
    if args.write_results:
        write_section(text)
        print(f"wrote {SECTION[3:]} to benchmarks/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
