"""The decider at scale: ``tolka match --method auto`` from loaded models to an alignment, by size.

Run from the repository root (``make bench-decider-scale`` also installs LogMap)::

    python benchmarks/decider_scale.py [--data ../shared/data] [--only KEY ...] [--repeat N] [--no-logmap]
                                       [--timeout 120] [--memory-limit 6000] [--profile] [--write-results]

Issue 21, point 9: a ~100-entity pair under 3 s after load; 3,000 × 3,000 ontologies in ≤ 15 s and
≤ 1.5 GB; 5,000 × 5,000 nodes under 60 s and 4 GB; the sentence encoder's share reported. Measured is
``match(source, target, MatchOptions())`` (``auto``: the decider with the shipped GNN and decider), each
run in a fresh process: its stages (the ``progress`` callback) and the functions of :data:`PROBES` inside
them (wrapped), the encoder's share (``embeddings.name_similarity``), peak RSS (benchmarks/memory.py).
*Cold* runs get ``TOLKA_CACHE_DIR`` as a new empty folder, *warm* ones reuse it. A run whose match passes
``--timeout`` s (loading gets 300 s more) or whose RSS passes ``--memory-limit`` MB is killed and reported
as stopped; ``--profile`` prints a cProfile of one more cold match, not counted. LogMap (benchmarks/logmap.py)
runs on the ontology pair in the same run. The report's text says the rest.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import importlib
import itertools
import json
import os
import pstats
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memory import peak_rss, reset_peak_rss  # benchmarks/memory.py
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

REPO = Path(__file__).resolve().parents[1]
MB = 1e6
_CONF = "oaei-conference/ontologies/{}.owl"
_MF = "pairs/multifarm-{0}-{0}-de-en/models/{0}-{1}.owl"
_MULTIFARM = ("cmt", "conference", "confOf", "iasted", "sigkdd")
_CONFERENCE = ("Cocus", "MICRO", "MyReview", "OpenConf", "PCS", "confious", "crs_dr", "edas", "ekaw")
_SOSA = ("sosa", "sosa-actuation", "sosa-common", "sosa-deprecated", "sosa-observation", "sosa-sampling")
_BASE = "opcua/Schema/Opc.Ua.NodeSet2.xml"


@dataclass(frozen=True)
class Case:
    """A pair to match (files relative to the data folder, several files one model) and its bounds."""

    key: str
    title: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    seconds: float
    mb: float | None
    note: str
    reidentify: bool = False
    logmap: bool = False


_SOURCE_3K = (
    "pairs/brick-rec/models/Brick.ttl",
    "pairs/mse-materialinformation-matonto/models/MaterialInformation.owl",
    "ontologies/aas/v2.0.1/AssetAdministrationShell_Ontology_2.0.1.ttl",
    "pairs/ssnx-ssn/models/ssnx-2011/ssn.owl",
    *(_MF.format(name, "de") for name in _MULTIFARM),
)
_TARGET_3K = (
    "pairs/brick-rec/models/rec.ttl",
    "pairs/mse-materialinformation-matonto/models/MatOnto.owl",
    "ontologies/aas/v3.1/rdf-ontology.ttl",
    "pairs/ssnx-ssn/models/ssn-2017-draft/ssn.ttl",
    *(f"pairs/ssnx-ssn/models/sosa-2024/{name}.ttl" for name in _SOSA),
    *(_MF.format(name, "en") for name in _MULTIFARM),
    *(_CONF.format(name) for name in (*_CONFERENCE, "linklings", "paperdyne")),
)
_NOTE_3K = (
    "no real ontology here has 3,000 own entities (the largest, Brick, has 1,487), so each side is one "
    "model of several real ontologies, none on both sides: the source sides of the OWL ↔ OWL labelled pairs "
    "(Brick, MaterialInformation, AAS V2.0.1, SSNX 2011, the 5 German MultiFarm ontologies) against their "
    "target sides (REC, MatOnto, AAS V3.1, SSN 2017 + SOSA 2024, the 5 English MultiFarm ones) and the 11 "
    "other OAEI conference ontologies; EMMO is left out (LogMap 4.0 crashes on it)"
)
_NOTE_5K = (
    "the data holds one version of `Opc.Ua.NodeSet2.xml` and no companion model near its size (the largest, "
    "CNC, has 1,104 nodes), so it is matched against itself with the source's own ids re-identified "
    "(`translator.alignment.identity.reidentify`): a version pair without changes. Both sides carry the "
    "same names, so each name is encoded once, not once per side"
)
_PAIR_100 = (_CONF.format("cmt"),), (_CONF.format("conference"),)
CASES = (
    Case("100", "cmt × conference", *_PAIR_100, 3.0, None, "two of the OAEI conference track's ontologies"),
    Case("3k", "ontologies, ~3,000 × 3,000", _SOURCE_3K, _TARGET_3K, 15.0, 1500.0, _NOTE_3K, logmap=True),
    Case("5k", "OPC UA base model × itself", (_BASE,), (_BASE,), 60.0, 4000.0, _NOTE_5K, reidentify=True),
)
BY_KEY = {c.key: c for c in CASES}
IMPORTS = ("translator.matching.matcher", "translator.gnn.match", "translator.matching.decider.scoring")
"""Imported before the clock starts (``match`` imports them, and torch, on its first call)."""
STAGES = {"candidates@0.00": "candidates", "scoring@0.40": "GNN", "scoring@0.60": "combining"}
STAGES |= {"extracting@0.80": "deciding"}
"""The matcher's ``progress`` calls (``stage@share``) that open a stage, and the stage's name here."""
PROBES = (
    ("GNN weights", "translator.gnn.model_io:load_weights"),
    ("flooding", "translator.matching.evidence:flood"),
    ("features", "translator.matching.decider.scoring:pair_features"),
    ("encoder", "translator.matching.decider.features:name_similarity"),
    ("MiniLM.encode", "translator.matching.text.minilm:MiniLM.encode"),
    ("MiniLM.load", "translator.matching.text.minilm:MiniLM.load"),
    ("trees", "translator.matching.decider.model:Decider.probability"),
    ("assignment", "translator.matching.decision:assign"),
    ("repair", "translator.matching.decision:_repaired"),
)
"""(name, ``module:function`` or ``module:Class.method``) timed inside the match by wrapping them."""
NESTED = tuple(name for name, _ in PROBES if name != "MiniLM.encode")  # the probes in the table of stages
Runs = dict[str, dict[str, list[dict[str, Any]]]]  # pair → phase (cold, warm) → each run's figures


def _probe(target: str, spent: dict[str, float], name: str) -> None:
    """Wrap ``target`` so that its calls add their seconds to ``spent[name]`` (absent: left out)."""
    module_name, _, attr = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *path, leaf = attr.split(".")
    for part in path:
        owner = getattr(owner, part, None)
    if owner is None or not hasattr(owner, leaf):
        return
    static = isinstance(vars(owner).get(leaf), staticmethod)
    original: Callable[..., Any] = getattr(owner, leaf)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    setattr(owner, leaf, staticmethod(timed) if static else timed)
    spent[name] = 0.0


def worker(data: Path, case: Case, profile: bool) -> None:
    """Load ``case``, match it once as ``auto`` does and print the figures as one line of JSON (after
    the match's cProfile when ``profile``)."""
    started = time.perf_counter()
    for module in IMPORTS:
        importlib.import_module(module)
    from adapters import load_paths
    from translator.alignment.identity import reidentify
    from translator.matching.matcher import MatchOptions, match
    from translator.matching.text import embeddings

    imports, started = time.perf_counter() - started, time.perf_counter()
    source, target = (load_paths([data / p for p in files]) for files in (case.source, case.target))
    source = reidentify(source)[0] if case.reidentify else source
    load = time.perf_counter() - started
    spent: dict[str, float] = {}
    for name, target_name in PROBES:
        _probe(target_name, spent, name)
    marks: list[tuple[str, float]] = []

    def mark(stage: str, share: float) -> None:
        marks.append((f"{stage}@{share:.2f}", time.perf_counter()))

    profiler = cProfile.Profile() if profile else None
    gc.collect()
    base = reset_peak_rss()
    print("LOADED", flush=True)
    started = time.perf_counter()
    with profiler or contextlib.nullcontext():
        alignment = match(source, target, MatchOptions(), progress=mark)
    seconds = time.perf_counter() - started
    if profiler:
        print(f"# cProfile of a cold match of {case.key}: by cumulative, then by own time")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25).sort_stats("tottime").print_stats(15)
    stages: dict[str, float] = {}
    bounds = [(label, started if k == 0 else at) for k, (label, at) in enumerate(marks)]
    for (label, at), (_, until) in itertools.pairwise([*bounds, ("end", started + seconds)]):
        stages[STAGES.get(label, label)] = stages.get(STAGES.get(label, label), 0.0) + until - at
    figures = {"imports": imports, "load": load, "seconds": seconds, "stages": stages, "probes": spent}
    figures |= {"own": [sum(1 for _ in g.own_nodes()) for g in (source, target)], "found": len(alignment)}
    figures |= {"peak": peak_rss(), "growth": max(0, peak_rss() - base)}
    figures["texts"] = len(getattr(embeddings, "_MEMORY", {}))  # the names embedded in this process
    print(json.dumps(figures), flush=True)


def _rss(pid: int) -> int:
    with contextlib.suppress(OSError):
        lines = Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines()
        return next((int(s.split()[1]) * 1024 for s in lines if s.startswith("VmRSS:")), 0)
    return 0


def run_worker(case: Case, cache: Path, args: argparse.Namespace, profile: bool) -> dict[str, Any]:
    """:func:`worker` in a fresh process with ``TOLKA_CACHE_DIR=cache``, killed at the bounds."""
    flags = ["--data", str(args.data), "--worker", case.key, *(["--profile"] if profile else [])]
    command = [sys.executable, __file__, *flags]
    lines: list[str] = []
    loaded: list[float] = []
    with tempfile.TemporaryFile() as stderr:
        env = dict(os.environ, TOLKA_CACHE_DIR=str(cache))
        child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)

        def read() -> None:
            for line in child.stdout or ():
                loaded.extend([time.perf_counter()] if line.startswith("LOADED") else [])
                lines.append(line)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        started, sampled, stopped = time.perf_counter(), 0, ""
        while child.poll() is None:
            sampled = max(sampled, _rss(child.pid))
            if time.perf_counter() - (loaded[0] if loaded else started) > args.timeout + 300 * (not loaded):
                stopped = f"stopped after {args.timeout:g} s" if loaded else "stopped while loading"
            elif sampled > args.memory_limit * MB:
                stopped = f"stopped at {args.memory_limit:g} MB RSS"
            if stopped:
                child.kill()
                break
            time.sleep(0.1)
        child.wait()
        reader.join(5)
        stderr.seek(0)
        tail = " ".join(stderr.read().decode(errors="replace")[-600:].split())
    print("".join(line for line in lines[:-1] if not line.startswith("LOADED")), end="")  # a profile
    if stopped or child.returncode != 0 or not lines:
        return {"error": stopped or f"worker failed ({child.returncode}): {tail}", "sampled": sampled}
    return dict(json.loads(lines[-1]))


def measure(case: Case, scratch: Path, args: argparse.Namespace) -> dict[str, list[dict[str, Any]]]:
    """``args.repeat`` cold runs, each with a new cache folder, then as many warm runs on the last one."""
    runs: dict[str, list[dict[str, Any]]] = {"cold": [], "warm": []}
    if args.profile:  # one more cold run, under cProfile and not counted
        (cache := scratch / f"profile-{case.key}").mkdir()
        run_worker(case, cache, args, profile=True)
    for phase, k in itertools.product(("cold", "warm"), range(args.repeat)):
        if phase == "cold":
            cache = scratch / f"cache-{case.key}-{k}"
            cache.mkdir()
        runs[phase].append(run_worker(case, cache, args, profile=False))
        print(f"{case.key} {phase} {k + 1}: {json.dumps(runs[phase][-1])}", file=sys.stderr, flush=True)
        if "error" in runs[phase][-1]:
            break
    return {phase: found for phase, found in runs.items() if found}


def logmap_on(case: Case, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """LogMap's seconds, peak MB (of its Java process), equivalences and error on ``case``."""
    from logmap import run_logmap  # benchmarks/logmap.py

    sides = [[args.data / p for p in files] for files in (case.source, case.target)]
    done = run_logmap(*sides, workdir=workdir, timeout=max(600.0, args.timeout))
    error = done.error and " ".join(done.error.split())[:300]
    out = {"seconds": done.seconds, "mb": done.peak_rss_mb * 2**20 / MB, "pairs": len(done.pairs)}
    print(f"{case.key} LogMap: {json.dumps(out | {'error': error})}", file=sys.stderr, flush=True)
    return out | {"error": error}


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in runs if "error" not in r]
    return min(done, key=lambda r: r["seconds"]) if done else runs[-1]


def _met(value: float, bound: float | None, sign: str) -> str:
    return "–" if bound is None else f"{sign} {bound:g}: " + ("met" if value <= bound else "**not met**")


def _row(case: Case, phase: str, runs: list[dict[str, Any]]) -> list[str]:
    run = _best(runs)
    if "error" in run:
        stopped = [f"**{run['error']}**", *["–"] * 3, f"≥ {run['sampled'] / MB:.0f} (sampled)", "–", "–"]
        return [case.key, phase, "–", "–", *stopped]
    s, p, peak = run["seconds"], run["probes"], run["peak"] / MB
    every = ", ".join(f"{r['seconds']:.1f}" if "error" not in r else "stopped" for r in runs)
    cells = [case.key, phase, "{:,} × {:,}".format(*run["own"]), f"{run['load']:.1f} (+{run['imports']:.1f})"]
    cells += [f"**{s:.2f}**" + (f" ({every})" if len(runs) > 1 else ""), _met(s, case.seconds, "<")]
    cells += [f"{p.get('encoder', 0):.2f} (**{p.get('encoder', 0) / s:.0%}**)"]
    encode, growth = p.get("MiniLM.encode", 0), run["growth"] / MB
    cells += [f"{encode:.2f} / {run['texts']:,}", f"{peak:.0f} (+{growth:.0f})"]
    return [*cells, _met(peak, case.mb, "≤"), f"{run['found']:,}"]


def report(cases: Sequence[Case], runs: Runs, logmap: dict[str, Any], head: list[str], repeat: int) -> str:
    """The section of RESULTS.md; ``head`` is its record (date, machine, command, load)."""
    lines = [
        "## The decider at scale (benchmarks/decider_scale.py)",
        "",
        *head,
        "",
        "`match(source, target, MatchOptions())` (`--method auto`: the decider with the shipped GNN and "
        "decider) from loaded models to an alignment, CPU only, each run a fresh process; the fastest of "
        f"{repeat} shown, all in brackets. *load s*: reading the models (+ importing torch and the matcher's "
        "modules); *match s*: the call, reading the GNN's weights, the decider and the encoder included. "
        "*encoder*: seconds in `embeddings.name_similarity` (names → vectors → cosines), its share of *match "
        "s* in bold; *encode s / names*: the encoder's forward passes, the names embedded. *cold*: "
        "`TOLKA_CACHE_DIR` a new empty folder; *warm*: that folder again in a new process (`tolka match` run "
        "again). *peak MB*: the process's peak RSS (+ its growth during the match over the RSS with the "
        "models loaded), MB = 10^6 bytes. Targets (issue 21, point 9) are judged on *match s* and the peak.",
        "",
        *(f"- **{c.key}** ({c.title}): {c.note}." for c in cases),
        "",
    ]
    rows = [_row(c, phase, found) for c in cases for phase, found in runs[c.key].items()]
    header = ["pair", "run", "own entities", "load s", "match s", "time target", "encoder s (share)"]
    header += ["encode s / names", "peak MB", "memory target", "correspondences"]
    lines += [markdown_table(header, rows, [False, False, *[True] * 3, False, *[True] * 3, False, True]), ""]
    rows = []
    for case in cases:
        for phase, found in runs[case.key].items():
            run = _best(found)
            if "error" not in run:
                cells = [run["stages"].get(n, 0.0) for n in STAGES.values()]
                cells += [run["probes"].get(n, 0.0) for n in NESTED]
                rows.append([case.key, phase, *(f"{x:.2f} ({x / run['seconds']:.0%})" for x in cells)])
    lines += [
        "Where *match s* goes: the matcher's four stages (they add up to it), then functions inside them "
        "(*GNN weights* in GNN; *flooding*, *features* ⊃ *encoder* ⊃ *MiniLM.load* (the encoder's one-time "
        "load), *trees* in combining; *assignment*, *repair* in deciding, repair re-running the assignment).",
        "",
        markdown_table(["pair", "run", *STAGES.values(), *NESTED], rows, [False, False, *[True] * 12]),
        "",
    ]
    for key, lm in logmap.items():
        cold, warm = _best(runs[key]["cold"]), _best(runs[key].get("warm") or [{"error": "no warm run"}])
        lines += [f"### Beside LogMap on the {key} pair", ""]
        if lm["error"] or "error" in cold:
            lines += [f"- Not compared: {lm['error'] or cold['error']}", ""]
            continue
        cells = [("seconds: match, models loaded (Tolka cold)", cold["seconds"], lm["seconds"])]
        cells += [("seconds: match, models loaded (Tolka warm)", warm.get("seconds", 0.0), lm["seconds"])]
        whole = cold["seconds"] + cold["load"] + cold["imports"]
        cells += [("seconds: imports + load + match (Tolka cold)", whole, lm["seconds"])]
        cells += [("peak RSS MB, whole process (Tolka cold)", cold["peak"] / MB, lm["mb"])]
        rows = [[n, f"{a:.1f}", f"{b:.1f}", f"**{a / b:.2f}**" if a and b else "–"] for n, a, b in cells]
        rows.append(["equivalences", f"{cold['found']:,}", f"{lm['pairs']:,}", "–"])
        lines += [
            "LogMap 4.0 with its defaults, offline (benchmarks/logmap.py), in the same run: its whole Java "
            "process, JVM start and reading the files included. Below 1: Tolka is faster or smaller.",
            "",
            markdown_table(["", "Tolka", "LogMap", "Tolka / LogMap"], rows, [False, True, True, True]),
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every pair in fresh processes, LogMap beside; print the section (and write it)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--only", nargs="*", choices=list(BY_KEY), help="run only these pairs")
    parser.add_argument("--repeat", type=int, default=3, help="cold and warm runs per pair (fastest kept)")
    parser.add_argument("--no-logmap", action="store_true", help="skip LogMap")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds at which a match is stopped")
    parser.add_argument("--memory-limit", type=float, default=6000.0, help="MB RSS at which a run is stopped")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one more cold match")
    parser.add_argument("--write-results", action="store_true", help="rewrite this script's RESULTS.md part")
    parser.add_argument("--worker", choices=list(BY_KEY), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.data, BY_KEY[args.worker], args.profile)
        return 0
    if args.write_results and args.only:
        parser.error("--write-results needs every pair (no --only)")
    cases = [c for c in CASES if not args.only or c.key in args.only]
    missing = [p for c in cases for p in (*c.source, *c.target) if not (args.data / p).is_file()]
    if missing:
        parser.error(f"not found under {args.data}: {', '.join(missing)}; nothing measured")
    load_before = os.getloadavg()
    runs: Runs = {}
    logmap: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="tolka-decider-scale-") as scratch:
        for case in cases:
            runs[case.key] = measure(case, Path(scratch), args)
            if case.logmap and not args.no_logmap:
                logmap[case.key] = logmap_on(case, Path(scratch) / f"logmap-{case.key}", args)
    command = "python benchmarks/decider_scale.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    paths = ["translator", "adapters", "ontologies", "benchmarks"] if args.write_results else []
    info = run_info(["torch", "scipy", "numpy"], paths)  # uncommitted changes looked up when written
    averages = {"start": load_before, "end": os.getloadavg()}
    load = "; ".join(f"{when} {', '.join(f'{x:.2f}' for x in avg)}" for when, avg in averages.items())
    head = [*header_lines(info, command.strip()), f"- Load average (1, 5, 15 min) at {load}; 2 cores shared"]
    text = report(cases, runs, logmap, head, args.repeat)
    print(text)
    if args.write_results:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
