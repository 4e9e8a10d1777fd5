"""Matching benchmark: Tolka's matchers and Valentine's on the OAEI conference reference pairs.

Run from the repository root (Valentine comes with the ``bench`` extra: ``pip install -e .[bench]``)::

    python benchmarks/matching.py [--data ../shared/data] [--write-results]

What is measured, in one run, over every pair ``a-b`` of ``<data>/oaei-conference/alignments/``
(Alignment API RDF/XML, reference ra1; ``a`` is the source, entity1, and ``b`` the target):

* **Tolka** ``match(source, target, MatchOptions(method=M))`` for M in ``lexical``, ``structural``
  and ``auto``, all other options at their defaults (one-to-one above the default threshold).
* **Valentine** (PyPI ``valentine``): ``Coma``, ``Cupid``, ``SimilarityFlooding`` and
  ``JaccardDistanceMatcher``, each with its default parameters, through ``valentine_match``.

Every prediction is scored by the same evaluator, Tolka's ``translator.alignment.metrics.evaluate``, against
the reference read by ``translator.alignment.formats.read_alignment``: precision, recall and F1 per pair,
micro (tp/fp/fn summed over the pairs) and macro (mean of the per-pair scores) per matcher.

How the ontologies are presented to Valentine, and why this is the fairest schema-only
presentation: Valentine matches the columns of two tables. Each ontology becomes one pandas
DataFrame whose columns are exactly the entities Tolka matches (the graph's own nodes with a
name or label: classes, object and datatype properties), in the same order (by IRI). A column is
named by the entity's label (its name when it has no label), as a column would be in a real
table; when two entities share a label the kind is appended (``"date (datatype_property)"``),
then a counter, so names stay unique and deterministic, and a map column name → IRI turns
Valentine's column pairs back into correspondences. The frames carry no data of their own, since an
ontology has none: each column holds exactly one row whose value is the column's label. The
schema-based matchers (Coma with its default ``use_schema=True``, Cupid, SimilarityFlooding) read
only the names and ignore that row; the instance-based JaccardDistanceMatcher has nothing else to
look at, and one row holding the label gives it the same information, neither more nor less, that
the name-based matchers get (more rows, such as label tokens or values we made up, would inject
our own text processing into it). Tolka gets more: the whole graph (kinds, domains, ranges,
sub-class edges) and the models' other labels, which is what Tolka's structural matcher is for and
what a flat table cannot carry. The tables keep Valentine's default names (``aaa``, ``bbb``),
which share no trigram, so that a table name never adds similarity.

Valentine's scores become a one-to-one alignment by Valentine's own selection,
``MatcherResults.one_to_one_hungarian()`` with its default threshold (the median of the distinct
scores): the filter Valentine's own Precision/Recall/F1 apply. That filter returns all pairs
unchanged when every score is equal (JaccardDistanceMatcher on one-row columns scores 1.0 or
nothing); such a result is then made one-to-one greedily, best score first, ties broken by the
IRIs. The confidence of a correspondence is Valentine's score.

Fairness of time and memory: every matcher runs in its own fresh Python process (the same
interpreter), which imports everything and loads all ontologies first, then runs the matcher once
untimed on the smallest ontology of the folder matched against itself (not one of the reference
pairs) so that lazy imports and first-call set-up cost nobody, then times each pair with
``time.perf_counter`` after a ``gc.collect()``. The timed region is the matcher's whole job from
the loaded models to a one-to-one list of IRI pairs: for Tolka ``match()``; for Valentine building
the two DataFrames, ``valentine_match``, the one-to-one selection and mapping the columns back to
IRIs. Loading the OWL files and evaluating are outside it for everyone. Peak memory is the growth
of the process's peak resident set size (``VmHWM`` in ``/proc/self/status``, reset through
``/proc/self/clear_refs`` just before the first pair, so the loads and the warm-up do not count)
over its resident size at that moment: it sees memory allocated by C and C++ code (NumPy, SciPy,
rapidfuzz) that ``tracemalloc`` would miss.

No downloads: ``nltk.download`` is replaced in the worker processes by a function that refuses, so
a matcher that needs NLTK data which is not installed (Cupid: WordNet, stopwords, punkt) is
reported as "could not run" with the missing resources instead of reaching for the network.

The section also records the import cost of the PyPI ``sssom`` package (in a throwaway venv,
``--sssom-venv``) against Tolka's own SSSOM reader, ``translator.alignment.formats``, both measured
with ``python -X importtime``.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memory import peak_rss, reset_peak_rss  # benchmarks/memory.py
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from adapters import load_paths
from translator.alignment.formats import read_alignment
from translator.alignment.metrics import Evaluation, Scores, evaluate, macro, micro
from translator.alignment.model import Alignment, Correspondence
from translator.graph.model import Node, SchemaGraph
from translator.matching.matcher import MatchOptions, match

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "RESULTS.md"
SECTION = "## Matching (benchmarks/matching.py)"
DEFAULT_SSSOM_VENV = Path("/tmp/sssomvenv")
MB = 1024 * 1024

TOLKA_METHODS = ("lexical", "structural", "auto")
VALENTINE_MATCHERS = ("Coma", "Cupid", "SimilarityFlooding", "JaccardDistanceMatcher")
MATCHERS = tuple(f"tolka:{m}" for m in TOLKA_METHODS) + tuple(f"valentine:{m}" for m in VALENTINE_MATCHERS)
NLTK_RESOURCES = {
    # Valentine's Cupid tokenises with punkt, drops stopwords and compares tokens through WordNet
    # (valentine.utils.utils.ensure_nltk_data fetches these four at run time).
    "Cupid": {
        "punkt_tab": "tokenizers/punkt_tab",
        "stopwords": "corpora/stopwords",
        "wordnet": "corpora/wordnet",
        "omw-1.4": "corpora/omw-1.4",
    },
}
ANCHORS = (
    "**In sample.** Tolka's default thresholds, weights and lexical rules were chosen by hand on these "
    "11 pairs, so its figures here flatter it. The out-of-fold figures on these pairs and 19 more, with "
    "LogMap run on the same pairs, are in the section *Labelled pairs, out of fold* (benchmarks/pairs.py); "
    "published results over the track's 21 pairs are not comparable with these 11."
)
GOAL_F1 = 0.60

Triple = tuple[str, str, float, str, str]
"""A predicted correspondence: subject IRI, object IRI, confidence, subject kind, object kind."""
Runner = Callable[[SchemaGraph, SchemaGraph], list[Triple]]

# --------------------------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pair:
    """One reference pair: ``<source>-<target>.rdf``."""

    name: str
    source: Path
    target: Path
    reference: Path


def ontology_file(folder: Path, name: str) -> Path:
    """``<folder>/<name>.owl``, the name compared case-insensitively (``confof`` → ``confOf.owl``)."""
    for path in sorted(folder.glob("*.owl")):
        if path.stem.lower() == name.lower():
            return path
    raise FileNotFoundError(f"no ontology {name!r} in {folder}")


def find_pairs(data: Path) -> list[Pair]:
    """Every reference pair under ``<data>/oaei-conference``, sorted by name."""
    root = data / "oaei-conference"
    pairs = []
    for reference in sorted((root / "alignments").glob("*.rdf")):
        source, _, target = reference.stem.partition("-")
        ontologies = root / "ontologies"
        pairs.append(
            Pair(
                reference.stem,
                ontology_file(ontologies, source),
                ontology_file(ontologies, target),
                reference,
            )
        )
    return pairs


def load_graphs(paths: Sequence[Path]) -> dict[Path, SchemaGraph]:
    """Each ontology file loaded once."""
    return {path: load_paths([path]) for path in dict.fromkeys(paths)}


def matchable(graph: SchemaGraph) -> list[Node]:
    """The entities every matcher is given: the own nodes with a name or label, sorted by IRI."""
    return sorted((n for n in graph.own_nodes() if (n.label or n.name).strip()), key=lambda n: n.id)


# --------------------------------------------------------------------------------------------
# Presenting an ontology to Valentine
# --------------------------------------------------------------------------------------------


def column_names(nodes: Sequence[Node]) -> list[str]:
    """Unique column names, one per node: its label; kind appended on a clash, then a counter."""
    labels = [(n.label or n.name).strip() for n in nodes]
    clashing = {label for label, count in Counter(labels).items() if count > 1}
    names = [
        f"{label} ({node.kind.value})" if label in clashing else label
        for label, node in zip(labels, nodes, strict=True)
    ]
    used: set[str] = set()
    unique = []
    for name in names:
        candidate, k = name, 1
        while candidate in used:
            k += 1
            candidate = f"{name} #{k}"
        used.add(candidate)
        unique.append(candidate)
    return unique


def entity_frame(graph: SchemaGraph) -> tuple[Any, dict[str, Node]]:
    """The DataFrame Valentine matches (one row: each column's own label) and column name → node."""
    import pandas as pd

    nodes = matchable(graph)
    columns = dict(zip(column_names(nodes), nodes, strict=True))
    frame = pd.DataFrame({name: [(node.label or node.name).strip()] for name, node in columns.items()})
    return frame, columns


def greedy_one_to_one(scored: Sequence[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Best score first, each side used once; ties broken by the ids (deterministic)."""
    used_left: set[str] = set()
    used_right: set[str] = set()
    chosen = []
    for left, right, score in sorted(scored, key=lambda t: (-t[2], t[0], t[1])):
        if left not in used_left and right not in used_right:
            used_left.add(left)
            used_right.add(right)
            chosen.append((left, right, score))
    return chosen


def valentine_runner(name: str) -> Runner:
    """A function running Valentine's matcher ``name`` (default parameters) on two graphs."""
    from valentine import valentine_match
    from valentine.algorithms import Coma, Cupid, JaccardDistanceMatcher, SimilarityFlooding

    factories: dict[str, Callable[[], Any]] = {
        "Coma": Coma,
        "Cupid": Cupid,
        "SimilarityFlooding": SimilarityFlooding,
        "JaccardDistanceMatcher": JaccardDistanceMatcher,
    }
    factory = factories[name]

    def run(source: SchemaGraph, target: SchemaGraph) -> list[Triple]:
        left, left_columns = entity_frame(source)
        right, right_columns = entity_frame(target)
        results = valentine_match([left, right], factory())  # tables "aaa" (source) and "bbb"
        selected = results.one_to_one_hungarian()
        scored = []
        for pair, score in selected.items():
            if pair.source_table == "aaa":
                a, b = left_columns[pair.source_column], right_columns[pair.target_column]
            else:
                a, b = left_columns[pair.target_column], right_columns[pair.source_column]
            scored.append((a.id, b.id, float(score)))
        nodes = {n.id: n for n in (*left_columns.values(), *right_columns.values())}
        return [
            (a, b, score, nodes[a].kind.value, nodes[b].kind.value)
            for a, b, score in greedy_one_to_one(scored)
        ]

    return run


def tolka_runner(method: str) -> Runner:
    """A function running Tolka's ``match`` with ``method`` and default options."""
    options = MatchOptions(method=method)

    def run(source: SchemaGraph, target: SchemaGraph) -> list[Triple]:
        return [
            (c.subject_id, c.object_id, c.confidence, c.subject_kind, c.object_kind)
            for c in match(source, target, options)
        ]

    return run


# --------------------------------------------------------------------------------------------
# One matcher in its own process
# --------------------------------------------------------------------------------------------


def _refuse_download(info_or_id: object = None, *args: object, **kwargs: object) -> bool:
    raise RuntimeError(
        f"runtime download of NLTK data {info_or_id!r} refused (the benchmark downloads nothing)"
    )


def block_downloads() -> None:
    """Make ``nltk.download`` refuse, so that no matcher fetches data from the network."""
    try:
        import nltk
    except ImportError:
        return
    nltk.download = _refuse_download


def missing_nltk_data(matcher: str) -> list[str]:
    """The NLTK resources ``matcher`` needs that are not installed (``nltk.data.find`` fails)."""
    needed = NLTK_RESOURCES.get(matcher, {})
    if not needed:
        return []
    import nltk

    missing = []
    for resource, path in needed.items():
        try:
            nltk.data.find(path)
        except LookupError:
            missing.append(resource)
    return missing


def make_runner(matcher: str) -> Runner:
    """The runner of ``tolka:<method>`` or ``valentine:<Matcher>``."""
    family, _, name = matcher.partition(":")
    return tolka_runner(name) if family == "tolka" else valentine_runner(name)


def worker(matcher: str, data: Path, out: Path) -> None:
    """Run one matcher over all pairs in this process and write its predictions and costs to ``out``."""
    result: dict[str, Any] = {"matcher": matcher}
    try:
        block_downloads()
        pairs = find_pairs(data)
        folder = data / "oaei-conference" / "ontologies"
        warm = min(folder.glob("*.owl"), key=lambda p: p.stat().st_size)
        graphs = load_graphs([warm, *(p for pair in pairs for p in (pair.source, pair.target))])
        missing = missing_nltk_data(matcher.partition(":")[2])
        if missing:
            result["error"] = (
                f"NLTK data {', '.join(missing)} not installed (nltk.data.find: LookupError); Valentine "
                "fetches it with nltk.download at run time, downloads are not allowed here (closed "
                "network) and no PyPI package ships it"
            )
        else:
            run = make_runner(matcher)
            run(graphs[warm], graphs[warm])  # warm-up, untimed
            gc.collect()
            base = reset_peak_rss()
            result["pairs"] = {}
            for pair in pairs:
                gc.collect()
                start = time.perf_counter()
                predicted = run(graphs[pair.source], graphs[pair.target])
                seconds = time.perf_counter() - start
                result["pairs"][pair.name] = {"seconds": seconds, "predicted": predicted}
            result["peak_rss_growth"] = max(0, peak_rss() - base)
    except Exception as exc:  # recorded as "could not run", with the reason
        result.pop("pairs", None)
        result["error"] = f"{type(exc).__name__}: {exc}"
    out.write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Collecting and scoring
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class MatcherRun:
    """One matcher's predictions, costs and scores over all pairs."""

    matcher: str
    error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    predicted: dict[str, int] = field(default_factory=dict)
    evaluations: dict[str, Evaluation] = field(default_factory=dict)
    peak_rss_growth: int = 0

    @property
    def label(self) -> str:
        family, _, name = self.matcher.partition(":")
        return f"{'Tolka' if family == 'tolka' else 'Valentine'} {name}"

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def micro(self) -> Scores:
        return micro(self.evaluations.values())

    def macro(self) -> Scores:
        return macro(self.evaluations.values())


def run_matcher(
    matcher: str, data: Path, pairs: Sequence[Pair], references: dict[str, Alignment]
) -> MatcherRun:
    """Run ``matcher`` in a fresh process, then score its predictions with Tolka's evaluator."""
    with tempfile.TemporaryDirectory(prefix="tolka-matching-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", matcher, "--data", str(data)]
        done = subprocess.run(
            [*command, "--worker-out", str(out)], capture_output=True, text=True, check=False, cwd=REPO
        )
        if not out.exists():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return MatcherRun(matcher, error=f"worker exited with {done.returncode}: {tail}")
        result = json.loads(out.read_text(encoding="utf-8"))
    run = MatcherRun(matcher, error=result.get("error", ""))
    if run.error:
        return run
    run.peak_rss_growth = int(result["peak_rss_growth"])
    for pair in pairs:
        entry = result["pairs"][pair.name]
        reference = references[pair.name]
        predicted = Alignment(reference.source, reference.target)
        predicted.extend(
            Correspondence(a, b, confidence=score, subject_kind=ka, object_kind=kb)
            for a, b, score, ka, kb in entry["predicted"]
        )
        run.seconds[pair.name] = float(entry["seconds"])
        run.predicted[pair.name] = len(predicted)
        run.evaluations[pair.name] = evaluate(predicted, reference)
    return run


@dataclass(frozen=True, slots=True)
class PairInfo:
    """Sizes of one pair: matchable entities on each side, reference pairs, and references not matchable."""

    source: int
    target: int
    reference: int
    unreachable: int


def pair_info(pairs: Sequence[Pair], references: dict[str, Alignment]) -> dict[str, PairInfo]:
    """Entity counts per pair, and how many reference pairs name an entity no matcher is given."""
    graphs = load_graphs([p for pair in pairs for p in (pair.source, pair.target)])
    info = {}
    for pair in pairs:
        left = {n.id for n in matchable(graphs[pair.source])}
        right = {n.id for n in matchable(graphs[pair.target])}
        ref = {c.pair for c in references[pair.name].equivalences()}
        unreachable = sum(1 for a, b in ref if a not in left or b not in right)
        info[pair.name] = PairInfo(len(left), len(right), len(ref), unreachable)
    return info


# --------------------------------------------------------------------------------------------
# Import cost of the sssom package against Tolka's reader
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportCost:
    """Median over runs of the import time (``-X importtime``), modules imported and extra wall time."""

    seconds: float
    modules: int
    wall: float


def _importtime(python: str, statement: str) -> tuple[dict[str, int], dict[str, int], float]:
    """Per-module (cumulative µs of top-level imports, self µs of all) and wall seconds of one run."""
    start = time.perf_counter()
    done = subprocess.run(
        [python, "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True, cwd="/"
    )
    wall = time.perf_counter() - start
    cumulative: dict[str, int] = {}
    self_times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if found:
            self_us, cum_us, indent, name = int(found[1]), int(found[2]), found[3], found[4]
            self_times[name] = self_us
            if len(indent) <= 1:
                cumulative[name] = cum_us
    return cumulative, self_times, wall


def import_cost(python: str, module: str, runs: int = 5) -> ImportCost:
    """What ``import module`` costs in ``python`` beyond the interpreter's start-up (median of ``runs``)."""
    seconds, counts, walls = [], [], []
    for _ in range(runs):
        _, startup, base_wall = _importtime(python, "pass")
        cumulative, self_times, wall = _importtime(python, f"import {module}")
        new = [name for name in self_times if name not in startup]
        seconds.append(sum(us for name, us in cumulative.items() if name not in startup) / 1e6)
        counts.append(len(new))
        walls.append(wall - base_wall)
    return ImportCost(statistics.median(seconds), int(statistics.median(counts)), statistics.median(walls))


def import_cost_line(sssom_venv: Path) -> str:
    """One sentence comparing ``import sssom`` (throwaway venv) with
    ``import translator.alignment.formats``."""
    python = sssom_venv / "bin" / "python"
    tolka = import_cost(sys.executable, "translator.alignment.formats")
    tolka_text = (
        f"Tolka's own reader `import translator.alignment.formats` {tolka.seconds * 1000:.0f} ms "
        f"({tolka.modules} modules, {tolka.wall * 1000:.0f} ms more wall time than `python -c pass`)"
    )
    if not python.exists():
        return (
            f"SSSOM import cost: {tolka_text}; the PyPI `sssom` package was not measured (no venv at "
            f"{sssom_venv}: `python3 -m venv {sssom_venv} && {sssom_venv}/bin/pip install sssom`)."
        )
    sssom = import_cost(str(python), "sssom")
    done = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version; print(version('sssom'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    sssom_version = done.stdout.strip() or "?"
    return (
        f"SSSOM import cost (issue 3, point 1; `python -X importtime`, median of 5, start-up imports "
        f"excluded): PyPI `sssom` {sssom_version} in a throwaway venv {sssom.seconds * 1000:.0f} ms "
        f"({sssom.modules} modules, {sssom.wall * 1000:.0f} ms more wall time than `python -c pass`) "
        f"against {tolka_text}: {sssom.seconds / tolka.seconds:.0f}× the import time."
    )


# --------------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------------


def _f(value: float) -> str:
    return f"{value:.3f}"


def detail_table(runs: Sequence[MatcherRun], pairs: Sequence[Pair]) -> str:
    """The one printed table: per matcher and pair P/R/F1 and time, then micro and macro rows."""
    header = ["Matcher", "Pair", "P", "R", "F1", "tp", "fp", "fn", "time s", "peak MB"]
    rows = []
    for run in runs:
        if not run.ok:
            rows.append([run.label, "all", f"could not run: {run.error}", *["–"] * 7])
            continue
        for pair in pairs:
            e = run.evaluations[pair.name]
            rows.append(
                [
                    run.label,
                    pair.name,
                    *(_f(v) for v in (e.precision, e.recall, e.f1)),
                    *(str(v) for v in (e.tp, e.fp, e.fn)),
                    f"{run.seconds[pair.name]:.2f}",
                    "",
                ]
            )
        for name, s in (("micro", run.micro()), ("macro", run.macro())):
            rows.append(
                [
                    run.label,
                    f"**{name}**",
                    _f(s.precision),
                    _f(s.recall),
                    f"**{_f(s.f1)}**",
                    *(str(v) for v in (s.tp, s.fp, s.fn)),
                    f"{run.total_seconds:.2f}",
                    f"{run.peak_rss_growth / MB:.1f}",
                ]
            )
    return markdown_table(header, rows, [False, False, *[True] * 8])


def summary_table(runs: Sequence[MatcherRun]) -> str:
    """Per matcher: micro and macro P/R/F1, counts, total time, peak RSS growth."""
    header = ["Matcher", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1"]
    header += ["tp", "fp", "fn", "time s", "peak RSS growth MB"]
    rows = []
    for run in runs:
        if not run.ok:
            rows.append([run.label, f"could not run: {run.error}", *["–"] * 10])
            continue
        mi, ma = run.micro(), run.macro()
        rows.append(
            [
                run.label,
                _f(mi.precision),
                _f(mi.recall),
                f"**{_f(mi.f1)}**",
                *(_f(v) for v in (ma.precision, ma.recall, ma.f1)),
                *(str(v) for v in (mi.tp, mi.fp, mi.fn)),
                f"{run.total_seconds:.2f}",
                f"{run.peak_rss_growth / MB:.1f}",
            ]
        )
    return markdown_table(header, rows, [False, *[True] * 11])


def f1_grid(runs: Sequence[MatcherRun], pairs: Sequence[Pair], info: dict[str, PairInfo]) -> str:
    """F1 per pair (rows) and matcher (columns), with the pair's sizes."""
    header = ["Pair", "source", "target", "ref", *(run.label for run in runs)]
    rows = []
    for pair in pairs:
        i = info[pair.name]
        cells = [_f(run.evaluations[pair.name].f1) if run.ok else "–" for run in runs]
        rows.append([pair.name, str(i.source), str(i.target), str(i.reference), *cells])
    rows.append(
        ["**micro**", "", "", str(sum(i.reference for i in info.values()))]
        + [f"**{_f(run.micro().f1)}**" if run.ok else "–" for run in runs]
    )
    rows.append(["**macro**", "", "", ""] + [_f(run.macro().f1) if run.ok else "–" for run in runs])
    return markdown_table(header, rows, [False, *[True] * (len(header) - 1)])


def time_grid(runs: Sequence[MatcherRun], pairs: Sequence[Pair]) -> str:
    """Seconds per pair (rows) and matcher (columns)."""
    header = ["Pair", *(run.label for run in runs)]
    rows = [
        [pair.name] + [f"{run.seconds[pair.name]:.2f}" if run.ok else "–" for run in runs] for pair in pairs
    ]
    rows.append(["**total**"] + [f"**{run.total_seconds:.2f}**" if run.ok else "–" for run in runs])
    return markdown_table(header, rows, [False, *[True] * len(runs)])


def interpretation(runs: Sequence[MatcherRun]) -> str:
    """A few sentences: the best of each side and the goal of issue 3."""
    tolka = [r for r in runs if r.ok and r.matcher.startswith("tolka:")]
    valentine = [r for r in runs if r.ok and r.matcher.startswith("valentine:")]
    failed = [r for r in runs if not r.ok]
    parts = []
    if tolka:
        best = max(tolka, key=lambda r: r.micro().f1)
        parts.append(f"Best Tolka method: {best.label}, micro F1 {_f(best.micro().f1)}.")
    if valentine:
        best_v = max(valentine, key=lambda r: r.micro().f1)
        parts.append(f"Best Valentine matcher: {best_v.label}, micro F1 {_f(best_v.micro().f1)}.")
    structural = next((r for r in tolka if r.matcher == "tolka:structural"), None)
    if structural is not None:
        f1 = structural.micro().f1
        beaten = [r.label for r in valentine if r.micro().f1 >= f1]
        met = f1 >= GOAL_F1 and not beaten
        parts.append(
            f"Goal of issue 3 (lexical+structural micro F1 ≥ {GOAL_F1:.2f} and above every Valentine "
            f"matcher that ran): {'met' if met else 'not met'} (Tolka structural {_f(f1)}"
            + (f"; not beaten by: {', '.join(beaten)}" if beaten else "")
            + ")."
        )
    if failed:
        parts.append(
            "Could not run: " + "; ".join(f"{r.label} ({r.error})" for r in failed) + ", so the comparison "
            "covers the other matchers only."
        )
    return " ".join(parts)


def machine() -> dict[str, str]:
    """Date, hardware and software versions, for the record."""
    packages = ("valentine", "pandas", "numpy", "scipy", "nltk", "rapidfuzz", "rdflib")
    return run_info(packages, ("adapters", "translator", "benchmarks/matching.py"))


def section(
    info: dict[str, str],
    command: str,
    runs: Sequence[MatcherRun],
    pairs: Sequence[Pair],
    sizes: dict[str, PairInfo],
    sssom_line: str,
) -> str:
    """The Markdown section for RESULTS.md."""
    unreachable = sum(i.unreachable for i in sizes.values())
    lines = [
        SECTION,
        "",
        *header_lines(info, command),
        "",
        f"OAEI conference track, the {len(pairs)} pairs with a reference alignment (ra1) in "
        "`shared/data/oaei-conference/alignments/`. Every prediction is scored by Tolka's evaluator "
        "(`translator.alignment.metrics.evaluate`, equivalences as directed (source, target) IRI pairs); "
        "micro "
        "sums tp/fp/fn over the pairs, macro averages the per-pair scores. Tolka: `match()` with "
        "`MatchOptions(method=...)`, defaults otherwise. Valentine: default parameters; each ontology's "
        "matchable entities (the same own classes and properties Tolka matches) are the columns of "
        "one DataFrame, named by their labels, with one row holding each column's label; Valentine's "
        "own one-to-one selection (`one_to_one_hungarian()`, default median threshold), made "
        "one-to-one greedily where it returns ties unfiltered. Each matcher runs in its own process "
        "after an untimed warm-up; *time* is the matcher's work from loaded models to IRI pairs "
        "(loading the OWL files excluded for all); *peak RSS growth* is the rise of the process's "
        "peak resident set size (`VmHWM`, reset before the first pair) during the 11 pairs. See the "
        "docstring of `benchmarks/matching.py` for the details and why this presentation is fair."
        + (
            f" {unreachable} reference pairs name an entity that is not among the matchable ones."
            if unreachable
            else ""
        ),
        "",
        "### Summary",
        "",
        summary_table(runs),
        "",
        ANCHORS,
        "",
        "### F1 per pair",
        "",
        "*source*, *target*: matchable entities; *ref*: reference correspondences.",
        "",
        f1_grid(runs, pairs, sizes),
        "",
        "### Time per pair (s)",
        "",
        time_grid(runs, pairs),
        "",
        "<details><summary>Precision, recall, F1, counts and time per matcher and pair</summary>",
        "",
        detail_table(runs, pairs),
        "",
        "</details>",
        "",
        "### SSSOM import cost",
        "",
        sssom_line,
        "",
        "### Interpretation",
        "",
        interpretation(runs),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument(
        "--write-results", action="store_true", help=f"replace this benchmark's section of {RESULTS.name}"
    )
    parser.add_argument(
        "--matchers",
        default=",".join(MATCHERS),
        help="comma-separated subset of: " + ", ".join(MATCHERS) + " (default: all)",
    )
    parser.add_argument(
        "--sssom-venv", type=Path, default=DEFAULT_SSSOM_VENV, help="venv with the PyPI sssom package"
    )
    parser.add_argument("--worker", choices=MATCHERS, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if args.worker:
        worker(args.worker, data, args.worker_out)
        return 0
    alignments = data / "oaei-conference" / "alignments"
    if not alignments.is_dir() or not any(alignments.glob("*.rdf")):
        print(
            f"matching.py: no reference alignments under {alignments}; nothing to measure (give --data DIR)"
        )
        return 0
    matchers = [m.strip() for m in args.matchers.split(",") if m.strip()]
    unknown = [m for m in matchers if m not in MATCHERS]
    if unknown:
        print(
            f"matching.py: unknown matchers {', '.join(unknown)}; known: {', '.join(MATCHERS)}",
            file=sys.stderr,
        )
        return 2
    command = shlex.join(["python", "benchmarks/matching.py", *(sys.argv[1:] if argv is None else argv)])

    info = machine()
    pairs = find_pairs(data)
    references = {pair.name: read_alignment(pair.reference) for pair in pairs}
    sizes = pair_info(pairs, references)
    runs = []
    for matcher in matchers:
        print(f"Running {matcher} on {len(pairs)} pairs ...", flush=True)
        run = run_matcher(matcher, data, pairs, references)
        state = f"micro F1 {run.micro().f1:.3f}, {run.total_seconds:.1f} s" if run.ok else run.error
        print(f"  {state}", flush=True)
        runs.append(run)
    print("Measuring import cost of sssom vs translator.alignment.formats ...", flush=True)
    sssom_line = import_cost_line(args.sssom_venv)

    print()
    print(detail_table(runs, pairs))
    print()
    print(ANCHORS)
    print()
    print(sssom_line)
    print()
    print(interpretation(runs))
    if args.write_results:
        write_section(section(info, command, runs, pairs, sizes, sssom_line), RESULTS)
        print(f"\nwrote the matching section of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
