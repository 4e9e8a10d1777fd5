"""Matching quality on every labelled pair, out of fold, with LogMap side by side.

Run from the repository root (``make bench-pairs`` also installs LogMap)::

    python benchmarks/pairs.py [--data ../shared/data] [--only PAIR ...] [--no-logmap] [--write-results]

The protocol is written in ``benchmarks/README.md``; in short:

* **Pairs.** Every ``<data>/pairs/*/pair.json`` (19 pairs) and the 11 OAEI conference pairs of
  ``<data>/oaei-conference`` (:mod:`translator.alignment.pairs`): 30 pairs in 7 families. A model of
  several files loads as one model (``adapters.load_paths``). Scoring: equivalences, directed
  (source, target); a partial reference (``brick-rec``) scores only predictions that touch one of
  its entities.
* **No id leaks.** When both sides share an own-node id string (the OPC UA version pairs, by OPC UA
  design), the source side is re-identified (:func:`translator.alignment.identity.reidentify`) before
  matching and the alignment mapped back for scoring.
* **Settings.** Every configuration is a list of settings, its shipped default first: ``lexical``
  (rules × threshold), ``structural`` (rules × flooding weight × threshold), ``unlearned`` (all of
  those: the best configuration without learning), ``gnn`` (nudge/blend weight × threshold). Each
  setting is scored on every pair: the evidence is gathered once per pair
  (``translator.matching.matcher.gather_evidence``) and every setting weighs and cuts it (``combine``,
  ``decide``), so that a setting's alignment is exactly what ``match()`` with those options returns.
* **The decider** (``decider-no-embedding``, what ``--method auto`` runs; its ablations
  ``decider-no-embedding-no-gnn`` without the GNN's features and ``decider-no-embedding-no-context``
  without the neighbourhood's (flooding, agreement of neighbours, parents, children); ``decider`` and
  ``decider-no-gnn`` with the sentence embeddings' features) is trained, not chosen: for each fold, on
  the other folds' pairs only and the synthetic pairs of the held-out GNN's corpus ontologies (its
  threshold chosen by cross-validation within them, a synthetic pair in its ontology's group,
  :mod:`translator.matching.decider.training`), then it decides the fold's pairs through ``decide`` as
  ``tolka match --method decider`` does. Its features read the held-out GNN's view. *In sample*: one
  decider trained on all 30 pairs.
* **Out of fold** (the headline): pairs that share a model — the same file, or the same model under
  other IRIs or in a translation (own entity names overlapping by half or more) — form one fold;
  each fold is reported with the setting that is best (micro F1) on the other folds
  (:func:`translator.alignment.crossval.out_of_fold`). The GNN used for it is trained by this script with the
  shipped model's recipe on the shipped corpus *minus every model of every labelled pair*, so no
  pair's model trained it (cached in ``.bench-cache/pairs/``).
* **In sample** (beside it): the one setting best over all 30 pairs, with the shipped GNN (whose
  corpus holds the conference, AAS, SOSA/SSN and OPC UA models of these pairs). **Defaults**: the
  shipped default setting and model, what ``tolka match`` does today.
* **LogMap** (OAEI's reference matcher; ``benchmarks/logmap.py``) runs on every pair whose two sides
  are OWL/RDF, with its own defaults (it chooses nothing on these pairs; its authors tuned it on OAEI
  tracks over the years, conference included).

Time per pair and configuration is the matcher's work from loaded models to an alignment (evidence
+ weighing + extraction of the chosen setting); loading is timed apart. Peak memory is the growth of
this process's peak RSS (``VmHWM``) while the pair's evidence is gathered and every setting scored —
all configurations together; LogMap's is its Java process's own peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from memory import peak_rss, reset_peak_rss  # benchmarks/memory.py
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from adapters import LoadOptions, load_paths
from translator.alignment.crossval import Counts, fold_groups, in_sample, micro, micro_f1, out_of_fold
from translator.alignment.formats import read_alignment
from translator.alignment.identity import restore_ids
from translator.alignment.model import Alignment, Correspondence
from translator.alignment.pairs import LabelledPair, conference_pairs, read_pairs, score
from translator.errors import TolkaError
from translator.graph.model import SchemaGraph
from translator.matching.decider.examples import (
    ontology_group,
    own_names,
    partial_examples,
    same_model,
    translated_examples,
    view_examples,
    without_shared_ids,
)
from translator.matching.decider.features import FEATURES, pair_features
from translator.matching.decider.model import Decider
from translator.matching.decider.scoring import decider_scores
from translator.matching.decider.training import Example, fit_decider, labelled_example
from translator.matching.decision import decide
from translator.matching.evidence import Evidence, Scores, combine
from translator.matching.lexical_rules import RULES
from translator.matching.matcher import default_model_path, gather_evidence
from translator.matching.options import MatchOptions
from translator.matching.text.freedict import available_languages

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".bench-cache" / "pairs"
CONFIGS = (
    "lexical",
    "structural",
    "unlearned",
    "gnn",
    "decider-no-gnn",
    "decider-no-embedding-no-gnn",
    "decider-no-embedding-no-context",
    "decider-no-embedding",
    "decider",
)
AUTO = "decider-no-embedding"
"""The configuration ``tolka match --method auto`` runs (the shipped decider reads no embeddings:
``tolka train-decider --no-embeddings``, the default)."""
CONTEXT_FEATURES = (
    *(f for f in FEATURES if f.startswith(("flooded", "neighbour_agreement"))),
    "parent_agreement",
    "child_agreement",
)
"""What the neighbourhood says of a pair (issue 21, point 3): the flooded structural score and the
agreement of neighbours, each with its standing among rivals, and the agreement of parents and
children."""
DECIDERS = {
    "decider": FEATURES,
    "decider-no-gnn": tuple(f for f in FEATURES if "gnn" not in f),
    "decider-no-embedding-no-gnn": tuple(f for f in FEATURES if "embedding" not in f and "gnn" not in f),
    "decider-no-embedding-no-context": tuple(
        f for f in FEATURES if "embedding" not in f and f not in CONTEXT_FEATURES
    ),
    "decider-no-embedding": tuple(f for f in FEATURES if "embedding" not in f),
}
"""The decider's configurations: the features each reads (the ablations drop the GNN's, with and
without the sentence embeddings, or the context's)."""
GRID = tuple(round(0.5 + 0.05 * k, 2) for k in range(10))
"""Thresholds every configuration may choose from (besides its default)."""
STRUCTURE = (0.3, 0.15, 0.5)
"""Flooding weights (``MatchOptions.structure``), the default first."""
GNN_WEIGHTS = ((0.04, 0.2), (0.02, 0.1), (0.08, 0.4))
"""(``gnn_nudge``, ``gnn_weight``): the GNN's say between ontologies / other models; default first."""
VALENTINE = ("Coma", "JaccardDistanceMatcher")
"""Valentine's matchers run beside (benchmarks/matching.py's presentation). SimilarityFlooding is left
out (542 s on the 11 small conference pairs alone), Cupid cannot run offline (NLTK data)."""
_GNN_CODE = ("gnn", "graph", "translation/units.py", "translation/unece.py")
"""The code whose change makes the cached held-out GNN stale (under translator/)."""
RDF_SUFFIXES = {".owl", ".ttl", ".rdf", ".nt", ".jsonld", ".n3"}


@dataclass(frozen=True)
class Setting:
    """One way to run a configuration: a method and the options that weigh and cut its evidence."""

    key: str
    method: str
    options: MatchOptions

    @property
    def weighing(self) -> tuple[str, tuple[str, ...], float, float, float]:
        """What ``combine`` depends on (settings that differ only in the threshold share it)."""
        o = self.options
        return (self.method, o.rules, o.structure, o.gnn_nudge, o.gnn_weight)


def _threshold_name(t: float | None) -> str:
    return "default" if t is None else f"{t:.2f}"


def _rule_sets() -> list[tuple[str, tuple[str, ...]]]:
    """Which of the lexical matcher's set-level rules are on: all (the default), each one off, none."""
    out = [("all", RULES)]
    out += [(f"no-{rule}", tuple(r for r in RULES if r != rule)) for rule in RULES]
    out.append(("none", ()))
    return out


def settings(config: str) -> list[Setting]:
    """The settings of ``config``, its shipped default first."""
    thresholds: list[float | None] = [None, *GRID]
    if config == "lexical":
        return [
            Setting(
                f"lexical rules={name} t={_threshold_name(t)}",
                "lexical",
                MatchOptions(method="lexical", threshold=t, rules=rules),
            )
            for name, rules in _rule_sets()
            for t in thresholds
        ]
    if config == "structural":
        return [
            Setting(
                f"structural rules={name} s={s} t={_threshold_name(t)}",
                "structural",
                MatchOptions(method="structural", structure=s, threshold=t, rules=rules),
            )
            for name, rules in _rule_sets()
            for s in STRUCTURE
            for t in thresholds
        ]
    if config == "gnn":
        return [
            Setting(
                f"gnn nudge={n} weight={w} t={_threshold_name(t)}",
                "gnn",
                MatchOptions(method="gnn", gnn_nudge=n, gnn_weight=w, threshold=t),
            )
            for n, w in GNN_WEIGHTS
            for t in thresholds
        ]
    if config == "unlearned":
        return [*settings("structural"), *settings("lexical")]
    if config in DECIDERS:
        return [Setting(config, "decider", MatchOptions(method="decider"))]
    raise ValueError(config)


# -- models -------------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Loaded:
    files: tuple[Path, ...]
    graph: SchemaGraph
    seconds: float
    names: frozenset[str]
    hashes: frozenset[str]


def load_side(
    files: tuple[Path, ...], models_dirs: tuple[Path, ...], cache: dict[tuple[Path, ...], Loaded]
) -> Loaded:
    if files not in cache:
        gc.collect()
        started = time.perf_counter()
        graph = load_paths(list(files), LoadOptions(models_dirs=models_dirs))
        seconds = time.perf_counter() - started
        cache[files] = Loaded(files, graph, seconds, own_names(graph), frozenset(_sha(f) for f in files))
    return cache[files]


def folds(pairs: Sequence[LabelledPair], loaded: dict[tuple[Path, ...], Loaded]) -> dict[str, int]:
    """Fold of every pair: pairs sharing a model file or the same model (:func:`same_model`) share one."""
    models = {p.name: [*loaded[p.source].hashes, *loaded[p.target].hashes, p.source, p.target] for p in pairs}
    sides = list(loaded.values())
    same: dict[object, list[object]] = {}
    for i, a in enumerate(sides):
        for b in sides[i + 1 :]:
            if same_model(a.names, b.names):
                same.setdefault(a.files, []).append(b.files)
    return fold_groups(models, same)


# -- the held-out GNN ---------------------------------------------------------------------------


def _python_files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def heldout_model(
    shipped: Path, pair_sides: Iterable[Loaded], log: list[str], models_dirs: tuple[Path, ...]
) -> tuple[Path, list[Path]]:
    """The shipped model's recipe trained on its corpus without any model of a labelled pair (cached),
    and the corpus files it kept."""
    import torch

    from translator.gnn.model_io import ModelConfig, load_weights, save_weights
    from translator.gnn.training_run import train_model

    record = load_weights(shipped).training
    corpus = [REPO / str(p) for p in record.get("corpus", [])]
    if not corpus:
        raise TolkaError(f"{shipped}: the training record names no corpus")
    sides = list(pair_sides)
    pair_hashes = {h for s in sides for h in s.hashes}
    kept: list[Path] = []
    dropped: list[str] = []
    graphs: list[SchemaGraph] = []
    for path in corpus:
        if not path.is_file():
            dropped.append(f"{path.name} (missing)")
            continue
        if _sha(path) in pair_hashes:
            dropped.append(f"{path.name} (a pair's file)")
            continue
        try:
            graph = load_paths([path], LoadOptions(models_dirs=models_dirs))
        except TolkaError as exc:
            dropped.append(f"{path.name} ({exc})")
            continue
        names = own_names(graph)
        if any(same_model(names, s.names) for s in sides):
            dropped.append(f"{path.name} (the same model as a pair's)")
            continue
        if any(True for _ in graph.own_nodes()):
            kept.append(path)
            graphs.append(graph)
    config = record.get("config", {})
    settings_ = {k: record.get(k) for k in ("epochs", "pairs_per_graph", "seed", "learning_rate")}
    source = "".join(sorted(_sha(p) for p in kept)) + json.dumps([config, settings_], sort_keys=True)
    code = [f for m in _GNN_CODE for f in _python_files(REPO / "translator" / m)]
    for module in sorted(code):
        source += _sha(module)
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    out = CACHE / f"gnn-heldout-{key}.pt"
    log.append(
        f"held-out GNN: {len(kept)} of {len(corpus)} corpus models kept; "
        f"left out: {'; '.join(dropped) or 'none'}"
    )
    if out.is_file():
        log.append(f"held-out GNN: cached {out.relative_to(REPO)}")
        return out, kept
    CACHE.mkdir(parents=True, exist_ok=True)
    print(
        f"training the held-out GNN on {len(graphs)} models (cached afterwards)", file=sys.stderr, flush=True
    )
    started = time.perf_counter()
    fields = set(ModelConfig.__dataclass_fields__)
    model_config = ModelConfig(**{k: v for k, v in config.items() if k in fields})
    torch.manual_seed(0)
    trained = train_model(
        graphs,
        config=model_config,
        epochs=int(settings_["epochs"] or 8),
        pairs_per_graph=int(settings_["pairs_per_graph"] or 2),
        seed=int(settings_["seed"] or 0),
        **({"learning_rate": float(settings_["learning_rate"])} if settings_["learning_rate"] else {}),
        progress=lambda epoch, loss, figures: print(
            f"held-out GNN: epoch {epoch + 1}, loss {loss:.4f}, "
            + ", ".join(f"{k} {v:.3f}" for k, v in figures.items() if k != "loss"),
            file=sys.stderr,
            flush=True,
        ),
    )
    trained.training["corpus"] = [
        str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p) for p in kept
    ]
    trained.training["left_out"] = dropped
    save_weights(trained, out)
    log.append(f"held-out GNN: trained in {time.perf_counter() - started:.0f} s → {out.relative_to(REPO)}")
    return out, kept


# -- running a pair -----------------------------------------------------------------------------


@dataclass
class PairRun:
    pair: LabelledPair
    reference_size: int
    own: tuple[int, int]
    reidentified: bool
    load_seconds: float
    counts: dict[str, dict[str, Counts]] = field(default_factory=dict)
    """table (``oof`` or ``in``) → setting → counts."""
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    peak_mb: float = 0.0
    """Peak RSS growth of a fresh process matching the pair (:func:`memory_of`)."""
    process_mb: float = 0.0
    logmap: tuple[Counts, float, float] | None = None
    logmap_error: str = ""
    others: dict[str, tuple[Counts, float]] = field(default_factory=dict)
    """Valentine matcher → counts and seconds."""
    other_errors: dict[str, str] = field(default_factory=dict)
    evidence: Evidence | None = None
    """The out-of-fold gathering (held-out GNN), kept for the decider's pass."""
    example: Example | None = None
    feature_seconds: float = 0.0
    """Flooding and the decider's features on top of the gathering."""
    back: dict[str, str] = field(default_factory=dict)


def _own_ids(graph: SchemaGraph) -> set[str]:
    return {n.id for n in graph.own_nodes()}


def run_pair(
    pair: LabelledPair,
    source: Loaded,
    target: Loaded,
    models: dict[str, Path],
    all_settings: list[Setting],
    valentine: Sequence[str] = (),
) -> PairRun:
    reference = read_alignment(pair.reference)
    src, tgt = source.graph, target.graph
    src, back = without_shared_ids(src, tgt)
    reidentified = bool(back)
    run = PairRun(
        pair,
        len(reference.equivalences()),
        (len(_own_ids(src)), len(_own_ids(tgt))),
        reidentified,
        source.seconds + target.seconds,
    )
    gc.collect()

    def gathered(options: MatchOptions) -> tuple[Evidence, float]:
        started = time.perf_counter()
        evidence = gather_evidence(src, tgt, options)
        return evidence, time.perf_counter() - started

    plain = {
        rules: gathered(MatchOptions(method="structural", rules=rules))
        for rules in {s.options.rules for s in all_settings if s.method != "gnn"}
    }
    learned = {table: gathered(MatchOptions(method="gnn", model=str(path))) for table, path in models.items()}
    combined: dict[tuple[str, object], tuple[Scores, float]] = {}

    def scored(setting: Setting, table: str) -> tuple[Counts, float]:
        evidence, gather_s = learned[table] if setting.method == "gnn" else plain[setting.options.rules]
        key = (table if setting.method == "gnn" else "", setting.weighing)
        if key not in combined:
            started = time.perf_counter()
            scores = combine(evidence, setting.options, method=setting.method)
            combined[key] = scores, time.perf_counter() - started
        scores, combine_s = combined[key]
        started = time.perf_counter()
        alignment = restore_ids(decide(scores, setting.options), back)
        decide_s = time.perf_counter() - started
        found = score(alignment, reference, partial=pair.partial)
        return (found.tp, found.fp, found.fn), gather_s + combine_s + decide_s

    evidence, gather_s = learned["oof"]
    started = time.perf_counter()
    flooded = combine(evidence, MatchOptions(), method="structural").matrix
    features = pair_features(evidence, flooded)
    run.feature_seconds = gather_s + time.perf_counter() - started
    run.evidence, run.back = evidence, back
    run.example = labelled_example(
        pair.name,
        pair.name,
        features,
        evidence.candidates.source,
        evidence.candidates.target,
        reference,
        partial=pair.partial,
        original_ids=back,
    )
    shared = {s.key: scored(s, "") for s in all_settings if s.method != "gnn"}
    for table in models:
        results = dict(shared) | {s.key: scored(s, table) for s in all_settings if s.method == "gnn"}
        run.counts[table] = {k: v[0] for k, v in results.items()}
        run.seconds[table] = {k: v[1] for k, v in results.items()}
    for name in valentine:
        run_valentine(run, name, src, tgt, back, reference)
    return run


def view_examples_of(files: Sequence[Path], model: Path, log: list[str]) -> list[Example]:
    """The synthetic training examples of the ontologies among ``files`` (the held-out GNN's corpus: no
    pair's model): their JSON Schema views (:mod:`translator.matching.decider.views`) and their
    renderings in every language FreeDict has here (:mod:`translator.matching.decider.translated`),
    each both ways."""
    ontologies = [f for f in files if f.suffix.lower() in RDF_SUFFIXES]
    options = MatchOptions(model=str(model))
    graphs = [load_paths([path]) for path in ontologies]
    groups = [ontology_group(graph) for graph in graphs]  # no pair's model: each its own group
    out: list[Example] = []
    partial: list[Example] = []
    for k, (graph, group) in enumerate(zip(graphs, groups, strict=True)):
        out += view_examples(graph, group, options, seed=k)
        partial += partial_examples(graph, group, options, seed=k)
    languages = available_languages()
    translated = translated_examples(graphs, groups, options, languages)
    log.append(
        f"decider: {len(out)} synthetic examples, the JSON Schema views of "
        f"{', '.join(p.name for p in ontologies)} both ways and flattened (the held-out GNN's corpus "
        "ontologies); "
        f"{len(translated)} more, those ontologies rendered in {', '.join(languages) or 'no language'} "
        f"(FreeDict read backwards) both ways; {len(partial)} more, two random pairs of partial views "
        "of each, both ways"
    )
    return out + translated + partial


def decider_pass(
    runs: Sequence[PairRun], groups: dict[str, int], synthetic: Sequence[Example], log: list[str]
) -> None:
    """Each decider configuration's counts: out of fold, every fold's pairs matched by a decider trained
    on the other folds' pairs only, and the ``synthetic`` examples (its threshold chosen within them);
    in sample, one decider trained on all pairs. Both read the held-out GNN's view (the gathering the
    example was made from)."""
    examples = {r.pair.name: replace(r.example, group=groups[r.pair.name]) for r in runs if r.example}
    for config, features in DECIDERS.items():
        thresholds = []
        for fold in sorted(set(groups.values())):
            held = [r for r in runs if groups[r.pair.name] == fold]
            training = [e for name, e in examples.items() if groups[name] != fold] + list(synthetic)
            print(f"{config}: fold {fold}, training on {len(training)} pairs", file=sys.stderr, flush=True)
            decider = fit_decider(training, features=features)
            thresholds.append(f"fold {fold}: {decider.threshold}")
            for r in held:
                _decided(r, decider, "oof", config)
        decider = fit_decider([*examples.values(), *synthetic], features=features)
        for r in runs:
            _decided(r, decider, "in", config)
        log.append(
            f"{config}: thresholds chosen out of fold ({'; '.join(thresholds)}), "
            f"in sample {decider.threshold}"
        )


def _decided(run: PairRun, decider: Decider, table: str, config: str) -> None:
    """Match ``run``'s pair with ``decider`` exactly as ``tolka match --method decider`` decides."""
    assert run.evidence is not None
    assert run.example is not None
    started = time.perf_counter()
    options = MatchOptions(method="decider", threshold=decider.threshold)
    matrix = decider_scores(run.evidence, decider, options, features=run.example.features)
    alignment = restore_ids(decide(Scores(run.evidence, "decider", matrix), options), run.back)
    found = score(alignment, read_alignment(run.pair.reference), partial=run.pair.partial)
    run.counts.setdefault(table, {})[config] = (found.tp, found.fp, found.fn)
    run.seconds.setdefault(table, {})[config] = run.feature_seconds + time.perf_counter() - started


def run_valentine(
    run: PairRun,
    name: str,
    source: SchemaGraph,
    target: SchemaGraph,
    back: dict[str, str],
    reference: Alignment,
) -> None:
    """Valentine's matcher ``name`` on the pair, presented as benchmarks/matching.py presents it (the
    entities are the columns, named by their labels; Valentine's own one-to-one selection)."""
    from matching import block_downloads, valentine_runner  # benchmarks/matching.py

    block_downloads()
    started = time.perf_counter()
    try:
        found = valentine_runner(name)(source, target)
    except Exception as exc:  # a third-party matcher: report, never stop the run
        run.other_errors[name] = f"{type(exc).__name__}: {exc}"
        return
    seconds = time.perf_counter() - started
    alignment = Alignment("valentine-source", "valentine-target")
    alignment.extend(
        Correspondence(back.get(a, a), b, confidence=min(1.0, max(0.0, c))) for a, b, c, _, _ in found
    )
    scored = score(alignment, reference, partial=run.pair.partial)
    run.others[name] = ((scored.tp, scored.fp, scored.fn), seconds)


def _pair_models(pair: LabelledPair) -> tuple[SchemaGraph, SchemaGraph]:
    """Both sides loaded, the source re-identified when they share own ids (as in :func:`run_pair`)."""
    options = LoadOptions(models_dirs=pair.models_dirs)
    source, target = load_paths(list(pair.source), options), load_paths(list(pair.target), options)
    return without_shared_ids(source, target)[0], target


def memory_worker(data: Path, name: str, model: Path) -> None:
    """Run in a fresh process: load one pair, reset the peak RSS, match it as ``auto`` does with its
    defaults and the held-out GNN, print the peak's growth and the process's peak (bytes) as JSON."""
    pairs = read_pairs(data / "pairs") + conference_pairs(
        data / "oaei-conference" / "ontologies", data / "oaei-conference" / "alignments"
    )
    pair = next(p for p in pairs if p.name == name)
    from translator.matching.matcher import match

    warm = _pair_models(pairs[0])
    options = MatchOptions(method="decider", model=str(model))  # the shipped decider: its size is what counts
    match(warm[0], warm[0], options)  # imports and first-call set-up
    source, target = _pair_models(pair)
    gc.collect()
    base = reset_peak_rss()
    match(source, target, options)
    print(json.dumps({"growth": max(0, peak_rss() - base), "peak": peak_rss()}))


def memory_of(data: Path, run: PairRun, model: Path) -> None:
    """The pair's matching memory, measured in a fresh process (:func:`memory_worker`): in this one,
    memory freed earlier (the GNN's training, other pairs) would hide the pair's own peak."""
    worker = ["--data", str(data), "--model", str(model), "--memory-worker", run.pair.name]
    done = subprocess.run(
        [sys.executable, __file__, *worker],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    if done.returncode != 0:
        print(f"{run.pair.name}: memory pass failed: {done.stderr[-400:]}", file=sys.stderr)
        return
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    run.peak_mb, run.process_mb = figures["growth"] / 1e6, figures["peak"] / 1e6


def is_rdf(files: Sequence[Path]) -> bool:
    return all(f.suffix.lower() in RDF_SUFFIXES for f in files)


def run_logmap_on(run: PairRun, workdir: Path, timeout: float) -> None:
    from logmap import run_logmap  # benchmarks/logmap.py

    pair = run.pair
    done = run_logmap(pair.source, pair.target, workdir=workdir, timeout=timeout)
    if done.error:
        run.logmap_error = done.error
        return
    alignment = Alignment("logmap-source", "logmap-target")
    alignment.extend(Correspondence(a, b, confidence=c) for a, b, c in done.pairs)
    found = score(alignment, read_alignment(pair.reference), partial=pair.partial)
    run.logmap = ((found.tp, found.fp, found.fn), done.seconds, done.peak_rss_mb)


# -- reporting ----------------------------------------------------------------------------------


def _f(x: float) -> str:
    return f"{x:.3f}"


def _prf(counts: Iterable[Counts]) -> str:
    """A table cell: micro precision / recall / **F1** of ``counts``."""
    m = micro(counts)
    return f"{_f(m.precision)} / {_f(m.recall)} / **{_f(m.f1)}**"


@dataclass
class Chosen:
    """Per configuration: the setting each pair is reported with, out of fold, in sample and default."""

    oof: dict[str, str]
    insample: str
    default: str


def choose_all(runs: Sequence[PairRun], groups: dict[str, int]) -> dict[str, Chosen]:
    out: dict[str, Chosen] = {}
    names = [r.pair.name for r in runs]
    for config in CONFIGS:
        keys = [s.key for s in settings(config)]
        oof_table = {k: {r.pair.name: r.counts["oof"][k] for r in runs} for k in keys}
        in_table = {k: {r.pair.name: r.counts["in"][k] for r in runs} for k in keys}
        oof = (
            out_of_fold(oof_table, groups) if len(set(groups.values())) > 1 else dict.fromkeys(names, keys[0])
        )
        out[config] = Chosen(oof, in_sample(in_table, names), keys[0])
    return out


CAVEATS = (
    "What these figures do not show:",
    "",
    "- The lexical rules, their scores and the candidate features were written while looking at the "
    "conference pairs. Cross-validation chooses which rules are on and every weight and threshold, "
    "not how the rules were written, so the conference figures still flatter Tolka.",
    "- *In sample* differs from *out of fold* in two ways: the settings are chosen on all pairs, and "
    "it uses the shipped GNN (trained on several of these models) where out of fold uses the held-out "
    "one. Where the held-out GNN happens to do better (the nodesets), out of fold is the higher.",
    "- `wot-td-json-owl` is many-to-one (187 rows, 93 targets): a one-to-one matcher cannot pass "
    "recall 0.5 there. `brick-rec` is scored only where its partial reference speaks.",
    "- The decider is trained on the other folds' pairs, so a family that forms one fold (the "
    "conference and MultiFarm pairs share their ontologies) is decided by a model that saw no pair of "
    "its family; the shipped decider, trained on all 30 pairs, has seen every family.",
    "- LogMap runs offline: its online translation, which its published MultiFarm results used, is "
    "off. On `mse-materialinformation-emmo` LogMap fails (an OWL API "
    "error while writing its output); its family figure covers the pairs it finished.",
)


def report(
    runs: Sequence[PairRun],
    groups: dict[str, int],
    chosen: dict[str, Chosen],
    log: list[str],
    info: dict[str, str],
    command: str,
    total_seconds: float,
) -> str:
    families = sorted({r.pair.family for r in runs})
    by_family = {f: [r for r in runs if r.pair.family == f] for f in families}

    def oof_counts(config: str, rs: Iterable[PairRun]) -> list[Counts]:
        return [r.counts["oof"][chosen[config].oof[r.pair.name]] for r in rs]

    def in_counts(config: str, rs: Iterable[PairRun]) -> list[Counts]:
        return [r.counts["in"][chosen[config].insample] for r in rs]

    def default_counts(config: str, rs: Iterable[PairRun]) -> list[Counts]:
        return [r.counts["in"][chosen[config].default] for r in rs]

    def logmap_cell(rs: Sequence[PairRun]) -> str:
        done = [r.logmap for r in rs if r.logmap is not None]
        if not done:
            return "–"
        cell = _f(micro_f1(c for c, _, _ in done))
        return cell if len(done) == len(rs) else f"{cell} ({len(done)}/{len(rs)} pairs)"

    lines = [
        "## Labelled pairs, out of fold (benchmarks/pairs.py)",
        "",
        *header_lines(info, command),
        f"- Whole run: {total_seconds:.0f} s",
        "",
        "Every labelled pair of `shared/data/pairs/` and the 11 OAEI conference pairs: 30 pairs, 7 families. "
        "The protocol is in `benchmarks/README.md`. **Out of fold** (the headline): each fold of pairs "
        "that share a model is reported with the setting (threshold, weights, method) best on the other "
        "folds, and the GNN was trained without any pair's model. **In sample**: the one setting best over "
        "all pairs, with the shipped GNN (trained on some of these models, never on a reference). "
        "**Defaults**: `tolka match` as shipped. LogMap runs with its own defaults on the OWL ↔ OWL pairs. "
        "F1 is micro (tp/fp/fn summed over the family's pairs).",
        "",
        *CAVEATS,
        "",
        "### F1 per family",
        "",
    ]
    header = ["Family", "pairs", "ref"]
    for config in CONFIGS:
        header += [f"{config} OOF", f"{config} in-sample", f"{config} defaults"]
    header += ["LogMap"]
    rows = []
    for family, rs in [*by_family.items(), ("**all pairs**", list(runs))]:
        row = [family, str(len(rs)), str(sum(r.reference_size for r in rs))]
        for config in CONFIGS:
            row += [
                f"**{_f(micro_f1(oof_counts(config, rs)))}**",
                _f(micro_f1(in_counts(config, rs))),
                _f(micro_f1(default_counts(config, rs))),
            ]
        row.append(logmap_cell(rs))
        rows.append(row)
    lines += [markdown_table(header, rows, [False] + [True] * (len(header) - 1)), ""]

    lines += [
        "### Out of fold per family: precision, recall, F1, time, memory",
        "",
        "*s*: the configuration's matcher seconds summed over the family's pairs (loading apart); *peak MB*: "
        "the largest growth of peak RSS while a fresh process matched one pair of the family (`auto`, "
        "its defaults, the held-out GNN; the models loaded before), and that process's whole peak.",
        "",
    ]
    rows = []
    for family, rs in [*by_family.items(), ("**all pairs**", list(runs))]:
        row = [family]
        for config in CONFIGS:
            seconds = sum(r.seconds["oof"][chosen[config].oof[r.pair.name]] for r in rs)
            row.append(f"{_prf(oof_counts(config, rs))} ({seconds:.1f} s)")
        row += [
            f"{sum(r.load_seconds for r in rs):.1f}",
            f"{max(r.peak_mb for r in rs):.0f} ({max(r.process_mb for r in rs):.0f})",
        ]
        rows.append(row)
    lines += [
        markdown_table(
            ["Family", *(f"{c} P / R / F1 (s)" for c in CONFIGS), "load s", "peak MB (process)"],
            rows,
            [False] + [True] * (len(CONFIGS) + 2),
        ),
        "",
    ]

    others = sorted({name for r in runs for name in (*r.others, *r.other_errors)})
    if others:
        lines += [
            "### Beside Valentine's matchers (every pair)",
            "",
            "Valentine's matchers with default parameters, each model's entities presented as the columns "
            "of one table as in *Matching (benchmarks/matching.py)*; micro F1, their seconds summed. "
            "SimilarityFlooding is left out (542 s on the 11 small conference pairs alone); Cupid cannot "
            "run offline (it downloads NLTK data).",
            "",
        ]
        rows = []
        for family, rs in [*by_family.items(), ("**all pairs**", list(runs))]:
            row = [family, f"**{_f(micro_f1(oof_counts(AUTO, rs)))}**"]
            for name in others:
                done = [r.others[name] for r in rs if name in r.others]
                failed = sum(1 for r in rs if name in r.other_errors)
                cell = f"{_f(micro_f1(c for c, _ in done))} ({sum(t for _, t in done):.1f} s)"
                row.append(cell + (f", failed on {failed}" if failed else ""))
            rows.append(row)
        lines += [
            markdown_table(
                ["Family", "Tolka auto OOF", *(f"Valentine {n}" for n in others)],
                rows,
                [False] + [True] * (len(others) + 1),
            ),
            "",
        ]
        errors = [f"{r.pair.name} {n}: {e}" for r in runs for n, e in r.other_errors.items()]
        lines += [*(f"- failed: {' '.join(e.split())[:200]}" for e in errors), *([""] if errors else [])]

    owl = [r for r in runs if r.logmap is not None]
    if owl:
        lines += [
            "### Tolka beside LogMap (pairs where LogMap ran)",
            "",
            "*ratio*: Tolka over LogMap (F1: above 1 is better for Tolka; time: below 1 is faster). "
            "Tolka's time is loading both models plus its `auto` configuration's matching (evidence with the "
            "GNN, weighing, extraction); LogMap's is its whole Java run, which loads the files itself.",
            "",
        ]
        rows = []
        for family, members in [*by_family.items(), ("**all LogMap pairs**", list(runs))]:
            rs = [r for r in members if r.logmap is not None]
            if not rs:
                continue
            tolka = micro_f1(oof_counts(AUTO, rs))
            logmap = micro_f1(r.logmap[0] for r in rs if r.logmap)
            t_tolka = sum(r.load_seconds + r.seconds["oof"][chosen[AUTO].oof[r.pair.name]] for r in rs)
            t_logmap = sum(r.logmap[1] for r in rs if r.logmap)
            rows.append(
                [
                    family,
                    str(len(rs)),
                    _f(tolka),
                    _f(logmap),
                    f"{tolka / logmap:.2f}" if logmap else "–",
                    f"{t_tolka:.1f}",
                    f"{t_logmap:.1f}",
                    f"{t_tolka / t_logmap:.2f}" if t_logmap else "–",
                ]
            )
        lines += [
            markdown_table(
                [
                    "Family",
                    "pairs",
                    "Tolka auto OOF F1",
                    "LogMap F1",
                    "F1 ratio",
                    "Tolka s (load + match)",
                    "LogMap s",
                    "time ratio",
                ],
                rows,
                [False] + [True] * 7,
            ),
            "",
        ]

    lines += ["### Folds and the settings chosen out of fold", ""]
    fold_rows = []
    for fold in sorted(set(groups.values())):
        members = [r.pair.name for r in runs if groups[r.pair.name] == fold]
        first = members[0]
        fold_rows.append([str(fold), ", ".join(members), *(f"`{chosen[c].oof[first]}`" for c in CONFIGS)])
    lines += [
        markdown_table(["Fold", "pairs", *CONFIGS], fold_rows, [True, False, *(False for _ in CONFIGS)]),
        "",
        "In sample, over all pairs: " + "; ".join(f"{c} `{chosen[c].insample}`" for c in CONFIGS) + ".",
        "",
        *(f"- {line}" for line in log),
        "",
        "### Per pair",
        "",
        "P/R/F1 out of fold; *auto s*: the matcher's seconds (loading apart, in *load s*); "
        "*peak MB*: peak RSS growth of a fresh process matching the pair (`auto` defaults); *re-id*: the "
        "source was re-identified (ids shared by design).",
        "",
    ]
    rows = []
    for r in runs:
        row = [
            r.pair.name,
            r.pair.family,
            f"{r.own[0]}/{r.own[1]}",
            str(r.reference_size),
            "yes" if r.reidentified else "",
        ]
        for config in CONFIGS:
            row.append(_prf([r.counts["oof"][chosen[config].oof[r.pair.name]]]))
        auto_s = r.seconds["oof"][chosen[AUTO].oof[r.pair.name]]
        row += [f"{r.load_seconds:.2f}", f"{auto_s:.2f}", f"{r.peak_mb:.0f}"]
        if r.logmap is not None:
            row += [_prf([r.logmap[0]]), f"{r.logmap[1]:.1f}", f"{r.logmap[2]:.0f}"]
        elif r.logmap_error:
            reason = " ".join(r.logmap_error.split()).replace("|", "/")
            row += [f"failed: {reason[:160]}", "–", "–"]
        else:
            row += ["–", "–", "–"]
        rows.append(row)
    lines.append(
        markdown_table(
            [
                "Pair",
                "family",
                "own",
                "ref",
                "re-id",
                *(f"{c} P / R / F1" for c in CONFIGS),
                "load s",
                "auto s",
                "peak MB",
                "LogMap P / R / F1",
                "LogMap s",
                "LogMap MB",
            ],
            rows,
            [False, False, True, True, False, *[True] * len(CONFIGS), True, True, True, True, True, True],
        )
    )
    return "\n".join(lines) + "\n"


def _keep_deciders(chosen: set[str]) -> None:
    """Train and report only the ``chosen`` decider configurations (the others cost a decider per fold)."""
    global CONFIGS  # noqa: PLW0603  (the report reads the module's configurations)
    CONFIGS = tuple(c for c in CONFIGS if c not in DECIDERS or c in chosen)
    for name in [c for c in DECIDERS if c not in chosen]:
        del DECIDERS[name]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--only", nargs="*", default=None, help="run only these pairs (no cross-validation)")
    parser.add_argument("--no-logmap", action="store_true", help="skip LogMap")
    parser.add_argument(
        "--deciders",
        default=",".join(DECIDERS),
        help=f"decider configurations to train and score (comma-separated; {AUTO} always); each trains "
        "a decider per fold",
    )
    parser.add_argument(
        "--valentine",
        default=",".join(VALENTINE),
        help="Valentine matchers to run beside (comma-separated; '' for none; needs the bench extra)",
    )
    parser.add_argument("--logmap-timeout", type=float, default=300.0)
    parser.add_argument(
        "--model", type=Path, default=None, help="the in-sample GNN (default: the shipped one)"
    )
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--memory-worker", metavar="PAIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    chosen_deciders = {AUTO, *(c.strip() for c in args.deciders.split(",") if c.strip())}
    if chosen_deciders - set(DECIDERS):
        print(f"unknown deciders: {', '.join(sorted(chosen_deciders - set(DECIDERS)))}", file=sys.stderr)
        return 2
    _keep_deciders(chosen_deciders)
    if args.memory_worker:
        memory_worker(args.data, args.memory_worker, args.model)
        return 0
    started = time.perf_counter()
    pairs_dir = args.data / "pairs"
    conference = args.data / "oaei-conference"
    if not pairs_dir.is_dir() or not conference.is_dir():
        print(f"no labelled pairs under {args.data} (need pairs/ and oaei-conference/)", file=sys.stderr)
        return 2
    pairs = read_pairs(pairs_dir) + conference_pairs(conference / "ontologies", conference / "alignments")
    if args.only:
        unknown = set(args.only) - {p.name for p in pairs}
        if unknown:
            print(f"unknown pairs: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        pairs = [p for p in pairs if p.name in set(args.only)]
    shipped = args.model or default_model_path()
    log: list[str] = []
    loaded: dict[tuple[Path, ...], Loaded] = {}
    all_pairs = read_pairs(pairs_dir) + conference_pairs(conference / "ontologies", conference / "alignments")
    for pair in all_pairs:
        print(f"loading {pair.name}", file=sys.stderr, flush=True)
        load_side(pair.source, pair.models_dirs, loaded)
        load_side(pair.target, pair.models_dirs, loaded)
    groups = folds(all_pairs, loaded)
    models_dirs = tuple(sorted({d for p in all_pairs for d in p.models_dirs}))
    heldout, kept = heldout_model(shipped, loaded.values(), log, models_dirs)
    models = {"oof": heldout, "in": shipped}
    everything = list({s.key: s for c in CONFIGS if c not in DECIDERS for s in settings(c)}.values())
    valentine = [v for v in args.valentine.split(",") if v]
    if valentine:
        try:
            import valentine as _  # noqa: F401
        except ImportError:
            log.append("Valentine not installed (pip install -e '.[bench]'): not run")
            valentine = []
    runs: list[PairRun] = []
    workdir = Path(tempfile.mkdtemp(prefix="tolka-pairs-"))
    logmap_ready = False
    if not args.no_logmap:
        from logmap import logmap_jar  # benchmarks/logmap.py

        logmap_ready = logmap_jar() is not None
        if not logmap_ready:
            log.append("LogMap not installed (make logmap): not run")
    for pair in pairs:
        run = run_pair(pair, loaded[pair.source], loaded[pair.target], models, everything, valentine)
        memory_of(args.data, run, heldout)
        if logmap_ready and is_rdf(pair.source) and is_rdf(pair.target):
            run_logmap_on(run, workdir / pair.name, args.logmap_timeout)
        default = settings("gnn")[0].key
        lm = f", LogMap F1 {_f(micro_f1([run.logmap[0]]))}" if run.logmap else ""
        print(
            f"{pair.name}: gnn defaults F1 {_f(micro_f1([run.counts['in'][default]]))}, "
            f"held-out GNN F1 {_f(micro_f1([run.counts['oof'][default]]))}{lm}",
            file=sys.stderr,
            flush=True,
        )
        runs.append(run)
    groups = {r.pair.name: groups[r.pair.name] for r in runs}
    if len(set(groups.values())) > 1:
        decider_pass(runs, groups, view_examples_of(kept, heldout, log), log)
    else:
        log.append("the deciders need pairs of two folds or more: not run (--only)")
    chosen = choose_all(runs, groups)
    command = "python benchmarks/pairs.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    info = run_info(["torch", "rdflib", "scipy"], ["translator", "adapters", "benchmarks/pairs.py"])
    text = report(runs, groups, chosen, log, info, command.strip(), time.perf_counter() - started)
    print(text)
    if args.write_results:
        if args.only:
            print("--write-results needs every pair (no --only)", file=sys.stderr)
            return 2
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
