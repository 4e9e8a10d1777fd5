"""People's decisions teach the decider: F1 on the rest of a pair against the share of its reference
given as seeds, out of fold. Run from the repository root::

    python benchmarks/seeds.py [--data ../shared/data] [--pairs SUBSTRING] [--fractions 0,0.05,0.1,0.2]
        [--rejected 0.1] [--budget MINUTES] [--write-results]

* **Pairs, folds, GNN, decider** as in ``benchmarks/pairs.py`` (its functions are imported): the 30
  labelled pairs, folds of pairs that share a model, the GNN trained without any pair's model
  (cached in ``.bench-cache/pairs/``), and per fold one decider trained on the other folds' pairs and
  the JSON Schema views of the GNN's corpus ontologies (its threshold chosen within them), trained
  once for every seed share and cached in ``.bench-cache/seeds/`` (keyed by code, data, folds, GNN).
* **Seeds.** A pair's reference equivalences, sorted and shuffled by ``random.Random("seeds:<pair>")``;
  the first ``round(share · n)`` (at least 1 when the share is above 0) are the accepted seeds, so
  smaller sets are prefixes of larger ones. The pair is matched as ``tolka match --method decider
  --seeds`` matches it: ``gather_evidence`` with the seeds (pinned to 1 among the lexical scores, the
  GNN fine-tuned on them), ``combine`` (the fold's decider over features of that evidence; seeds
  pinned), ``decide``. **Rejections**: ``--rejected`` (10 %, at least 1) of the wrong proposals of the
  unseeded run (``random.Random("rejected:<pair>")``) are given as rejected seeds.
* **Scored on the rest**: the seed pairs are removed from the prediction and the reference. Beside it,
  *unseeded*: the run without seeds scored on the same rest; *Δ*, the difference, is what the seeds
  bought beyond naming themselves. Micro P/R/F1; a partial reference scores only predictions that
  touch it. *s*: matching seconds (gathering with the GNN, deciding), loading apart. With
  ``--budget``, no fold starts after that many minutes (folds of most pairs run first).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pairs import REPO, Loaded, folds, heldout_model, load_side, view_examples_of  # benchmarks/pairs.py
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from translator.alignment.crossval import Counts, micro
from translator.alignment.formats import read_alignment
from translator.alignment.identity import restore_ids
from translator.alignment.model import Alignment, Correspondence, Justification, Status
from translator.alignment.pairs import LabelledPair, conference_pairs, read_pairs, score
from translator.graph.model import SchemaGraph
from translator.matching.decider.examples import without_shared_ids
from translator.matching.decider.features import DEFAULT_FEATURES, pair_features
from translator.matching.decider.model import save_decider
from translator.matching.decider.training import Example, fit_decider, labelled_example
from translator.matching.decision import decide
from translator.matching.evidence import Evidence, combine
from translator.matching.matcher import default_model_path, gather_evidence
from translator.matching.options import MatchOptions

CACHE = REPO / ".bench-cache" / "seeds"
Pair = tuple[str, str]


@dataclass
class Outcome:
    """One pair under one condition: counts on the rest, the unseeded run's on the same rest."""

    counts: Counts
    baseline: Counts
    given: int
    rest: int
    seconds: float


@dataclass
class Case:
    """One pair ready to match: its sides (the source re-identified when ids are shared), reference,
    the unseeded gathering with the held-out GNN and the decider's training example made of it."""

    pair: LabelledPair
    source: SchemaGraph
    target: SchemaGraph
    back: dict[str, str]
    reference: Alignment
    evidence: Evidence
    gather_seconds: float
    example: Example
    fold: int = -1
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    """Condition (``10 % accepted``) → what it gave."""


def prepare(pair: LabelledPair, source: Loaded, target: Loaded, gnn: Path) -> Case:
    """Gather ``pair``'s unseeded evidence with ``gnn`` and label its candidates (as pairs.py's run_pair)."""
    src, back = without_shared_ids(source.graph, target.graph)
    tgt, reference = target.graph, read_alignment(pair.reference)
    started = time.perf_counter()
    evidence = gather_evidence(src, tgt, MatchOptions(method="gnn", model=str(gnn)))
    seconds = time.perf_counter() - started
    flooded = combine(evidence, MatchOptions(), method="structural").matrix
    features = pair_features(evidence, flooded, embeddings=False)  # as the shipped decider
    cands = evidence.candidates
    example = labelled_example(
        pair.name, pair.name, features, cands.source, cands.target, reference,
        partial=pair.partial, original_ids=back,
    )  # fmt: skip
    return Case(pair, src, tgt, back, reference, evidence, seconds, example)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cache_key(pairs: Sequence[LabelledPair], groups: dict[str, int], gnn: Path, views: Sequence[Path]) -> str:
    """What the fold deciders depend on: the project's code, the pairs' files and folds, the GNN, the
    views' ontologies."""
    files = [f for p in pairs for f in (*p.source, *p.target, p.reference)] + [gnn, *views]
    files += [f for d in ("translator", "adapters") for f in sorted((REPO / d).rglob("*.py"))]
    parts = [repr(sorted(groups.items())), ",".join(DEFAULT_FEATURES), *(_sha(f) for f in files)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def fold_decider(
    fold: int, key: str, groups: dict[str, int], examples: Callable[[], Sequence[Example]], log: list[str]
) -> Path:
    """The decider of ``fold``, trained on the other folds' examples and the synthetic ones (``examples``
    gives them all, pair examples named by their pair), cached by ``key``."""
    path = CACHE / f"decider-{key}-fold{fold}.json"
    if path.is_file():
        log.append(f"fold {fold}: decider cached (`{path.relative_to(REPO)}`)")
        return path
    training = [replace(e, group=groups[e.name]) if e.name in groups else e for e in examples()]
    training = [e for e in training if e.group != fold]
    print(f"decider: fold {fold}, training on {len(training)} examples", file=sys.stderr, flush=True)
    save_decider(fit_decider(training, features=DEFAULT_FEATURES), path)
    log.append(f"fold {fold}: decider trained on {len(training)} examples (pairs of other folds, views)")
    return path


def without(alignment: Alignment, pairs: set[Pair]) -> Alignment:
    """``alignment`` less the correspondences of ``pairs``."""
    out = Alignment(alignment.source, alignment.target)
    out.extend(c for c in alignment if c.pair not in pairs)
    return out


def seed_alignment(case: Case, pairs: Sequence[Pair], status: Status) -> Alignment:
    """``pairs`` (reference ids) as reviewed seeds in the ids the matcher sees (re-identified source)."""
    forward = {old: new for new, old in case.back.items()}
    out = Alignment(case.source.name, case.target.name)
    out.extend(
        Correspondence(forward.get(a, a), b, justification=Justification.MANUAL.value, status=status)
        for a, b in pairs
    )
    return out


def accepted_seeds(case: Case, fraction: float) -> list[Pair]:
    """The first ``fraction`` of the reference, shuffled by the pair's name (at least 1 when above 0)."""
    pairs = sorted({c.pair for c in case.reference.equivalences()})
    random.Random(f"seeds:{case.pair.name}").shuffle(pairs)
    return pairs[: 0 if fraction <= 0 or not pairs else max(1, round(fraction * len(pairs)))]


def rejected_seeds(case: Case, predicted: Alignment, fraction: float) -> list[Pair]:
    """``fraction`` (at least 1) of the wrong proposals of ``predicted`` that the reference scores."""
    truth = {c.pair for c in case.reference.equivalences()}
    subjects, objects = {a for a, _ in truth}, {b for _, b in truth}
    wrong = sorted(
        c.pair
        for c in predicted.equivalences()
        if c.pair not in truth
        and (not case.pair.partial or c.subject_id in subjects or c.object_id in objects)
    )
    random.Random(f"rejected:{case.pair.name}").shuffle(wrong)
    return wrong[: max(1, round(fraction * len(wrong))) if wrong else 0]


def matched(case: Case, options: MatchOptions, seeds: Alignment | None) -> tuple[Alignment, float]:
    """``match(source, target, options, seeds=seeds)`` in its three steps (the unseeded gathering reused),
    mapped back to the reference's ids, and its seconds."""
    started = time.perf_counter()
    gathered = (
        case.evidence if seeds is None else gather_evidence(case.source, case.target, options, seeds=seeds)
    )
    alignment = decide(combine(gathered, options, method="decider"), options)
    seconds = time.perf_counter() - started + (case.gather_seconds if seeds is None else 0.0)
    return restore_ids(alignment, case.back), seconds


def run_case(case: Case, options: MatchOptions, fractions: Sequence[float], rejected: float) -> None:
    """Every condition on one pair (``case.outcomes``): each share of accepted seeds, then the rejections."""
    plain, plain_s = matched(case, options, None)
    truth = {c.pair for c in case.reference.equivalences()}
    conditions = [(_label(f), accepted_seeds(case, f), Status.ACCEPTED) for f in fractions]
    if rejected > 0:
        conditions.append(
            (_label(rejected, "rejected"), rejected_seeds(case, plain, rejected), Status.REJECTED)
        )
    for label, pairs, status in conditions:
        given = set(pairs)
        seeds = seed_alignment(case, pairs, status) if pairs else None
        predicted, seconds = matched(case, options, seeds) if seeds else (plain, plain_s)
        counts = rest_counts(case, predicted, given), rest_counts(case, plain, given)
        case.outcomes[label] = Outcome(*counts, len(given), len(truth - given), seconds)


def rest_counts(case: Case, predicted: Alignment, given: set[Pair]) -> Counts:
    """tp, fp, fn of ``predicted`` on the reference, both less the ``given`` seed pairs."""
    found = score(without(predicted, given), without(case.reference, given), partial=case.pair.partial)
    return found.tp, found.fp, found.fn


# -- reporting ----------------------------------------------------------------------------------


def _label(fraction: float, kind: str = "accepted") -> str:
    return f"{100 * fraction:g} % {kind}"


def _f(x: float) -> str:
    return f"{x:.3f}"


def _d(x: float) -> str:
    return f"{x:+.3f}"


@dataclass
class Summary:
    """Micro scores of some pairs under one condition, the unseeded run's F1 on the same rest beside."""

    precision: float
    recall: float
    f1: float
    unseeded: float
    given: int
    rest: int
    seconds: float

    @classmethod
    def of(cls, results: Sequence[Case], label: str) -> Summary:
        outs = [r.outcomes[label] for r in results]
        m, base = micro(o.counts for o in outs), micro(o.baseline for o in outs)
        given, rest = sum(o.given for o in outs), sum(o.rest for o in outs)
        return cls(m.precision, m.recall, m.f1, base.f1, given, rest, sum(o.seconds for o in outs))

    @property
    def cell(self) -> str:
        m = self
        return f"{_f(m.precision)} / {_f(m.recall)} / **{_f(m.f1)}** ({_d(m.f1 - m.unseeded)})"


def findings(results: Sequence[Case], labels: Sequence[str]) -> list[str]:
    """Plain sentences, computed from the figures, on whether the seeds raise F1 on the rest."""
    rows = {lb: Summary.of(results, lb) for lb in labels}
    out = [
        f"{lb}: F1 on the rest {_f(m.f1)} against {_f(m.unseeded)} unseeded on the same rest, "
        f"Δ {_d(m.f1 - m.unseeded)} ({'up' if m.f1 > m.unseeded else 'not up'}); {m.given} seeds given"
        for lb, m in rows.items()
        if m.given
    ]
    families = sorted({r.pair.family for r in results})
    for lb in [lb for lb in labels if rows[lb].given]:
        moved = {f: Summary.of([r for r in results if r.pair.family == f], lb) for f in families}
        down = [f"{f} ({_d(m.f1 - m.unseeded)})" for f, m in moved.items() if m.f1 < m.unseeded - 1e-9]
        out.append(f"{lb}: families below their unseeded F1 on the same rest: {', '.join(down) or 'none'}")
    return out


def report(results: Sequence[Case], labels: Sequence[str], log: list[str], head: list[str]) -> str:
    """The section of RESULTS.md; ``head``: its record lines (date, machine, command, run time)."""
    families = sorted({r.pair.family for r in results})
    lines = [
        "## Seeds teach the decider (benchmarks/seeds.py)",
        "",
        *head,
        "",
        "Accepted seeds (a share of each pair's reference, drawn per pair) and rejected seeds (wrong "
        "proposals of the unseeded run) are given to the matcher as `tolka match --method decider --seeds` "
        "gives them, with the decider of the pair's fold (trained on the other folds' pairs only) and the "
        "GNN trained without any pair's model, as in *Labelled pairs, out of fold*. Scored on the rest: the "
        "seed pairs are removed from the prediction and the reference. *unseeded*: the run without seeds "
        "scored on the same rest; *Δ*: the difference. Micro P/R/F1 over the pairs; the protocol is in the "
        "docstring of `benchmarks/seeds.py`.",
        "",
        *(f"- {s}" for s in findings(results, labels)),
        "",
        "### All pairs",
        "",
    ]
    rows = []
    for lb in labels:
        m = Summary.of(results, lb)
        rows.append([lb, str(m.given), str(m.rest), _f(m.precision), _f(m.recall), f"**{_f(m.f1)}**"])
        rows[-1] += [_f(m.unseeded), _d(m.f1 - m.unseeded), f"{m.seconds:.1f}"]
    header = ["Seeds", "given", "reference left", "P", "R", "F1 on the rest", "unseeded F1", "Δ", "s"]
    lines += [markdown_table(header, rows, [False] + [True] * 8), ""]
    lines += ["### Per family: P / R / F1 on the rest (Δ)", ""]
    groups = [(f, [r for r in results if r.pair.family == f]) for f in families]
    rows = [
        [family, str(len(rs)), str(sum(len(r.reference.equivalences()) for r in rs))]
        + [Summary.of(rs, lb).cell for lb in labels]
        for family, rs in [*groups, ("**all pairs**", list(results))]
    ]
    lines += [markdown_table(["Family", "pairs", "ref", *labels], rows, [False] + [True] * (2 + len(labels)))]
    lines += [
        "",
        "### Per pair",
        "",
        "F1 on the rest (Δ, seeds given); a fold's decider saw none of its pairs.",
    ]
    rows = []
    for res in results:
        row = [res.pair.name, res.pair.family, str(res.fold), str(len(res.reference.equivalences()))]
        for lb in labels:
            o = res.outcomes[lb]
            f1 = micro([o.counts]).f1
            row.append(f"{_f(f1)} ({_d(f1 - micro([o.baseline]).f1)}, {o.given})")
        rows.append(row)
    right = [False, False, True, True, *[True] * len(labels)]
    lines += ["", markdown_table(["Pair", "family", "fold", "ref", *labels], rows, right), ""]
    return "\n".join([*lines, *(f"- {line}" for line in log)]) + "\n"


def heldout_setup(
    all_pairs: Sequence[LabelledPair],
) -> tuple[dict[tuple[Path, ...], Loaded], dict[str, int], Path, list[Path], list[str]]:
    """Every pair's sides loaded, the folds, the GNN trained without any pair's model (and the corpus
    files it kept), and the log that says so: what ``pairs.py`` starts from."""
    loaded: dict[tuple[Path, ...], Loaded] = {}
    for pair, files in [(p, f) for p in all_pairs for f in (p.source, p.target)]:
        load_side(files, pair.models_dirs, loaded)
    groups = folds(all_pairs, loaded)
    models_dirs = tuple(sorted({d for p in all_pairs for d in p.models_dirs}))
    log: list[str] = []
    gnn, kept = heldout_model(default_model_path(), loaded.values(), log, models_dirs)
    return loaded, groups, gnn, kept, log


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--pairs", default="", help="match only the pairs whose name holds this")
    parser.add_argument("--fractions", default="0,0.05,0.1,0.2", help="accepted seed shares")
    parser.add_argument("--rejected", type=float, default=0.1, help="share of wrong proposals rejected")
    parser.add_argument("--budget", type=float, default=0.0, help="minutes; no new fold after them")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    fractions = sorted({float(x) for x in args.fractions.split(",") if x.strip()} | {0.0})
    onto, refs = args.data / "oaei-conference" / "ontologies", args.data / "oaei-conference" / "alignments"
    if not (args.data / "pairs").is_dir() or not onto.is_dir():
        print(f"no labelled pairs under {args.data} (need pairs/ and oaei-conference/)", file=sys.stderr)
        return 2
    all_pairs = read_pairs(args.data / "pairs") + conference_pairs(onto, refs)
    chosen = [p for p in all_pairs if args.pairs in p.name]
    if not chosen:
        print(f"no pair's name holds {args.pairs!r}", file=sys.stderr)
        return 2
    loaded, groups, gnn, kept, log = heldout_setup(all_pairs)
    cases: dict[str, Case] = {}

    def case(pair: LabelledPair) -> Case:
        if pair.name not in cases:
            print(f"gathering {pair.name}", file=sys.stderr, flush=True)
            cases[pair.name] = prepare(pair, loaded[pair.source], loaded[pair.target], gnn)
        return cases[pair.name]

    key = cache_key(all_pairs, groups, gnn, kept)
    examples: list[Example] = []

    def all_examples() -> list[Example]:
        if not examples:
            examples.extend([case(p).example for p in all_pairs] + view_examples_of(kept, gnn, log))
        return examples

    labels = [_label(f) for f in fractions] + ([_label(args.rejected, "rejected")] if args.rejected else [])
    results: list[Case] = []
    order = sorted(
        {groups[p.name] for p in chosen}, key=lambda f: (-sum(groups[p.name] == f for p in chosen), f)
    )
    for k, fold in enumerate(order):  # the folds of most pairs first, in case the budget runs out
        if args.budget and time.perf_counter() - started > 60 * args.budget:
            log.append(f"budget of {args.budget:g} min spent: folds {order[k:]} not run")
            break
        decider = fold_decider(fold, key, groups, all_examples, log)
        options = MatchOptions(method="decider", model=str(gnn), decider=str(decider))
        for pair in [p for p in chosen if groups[p.name] == fold]:
            result = case(pair)
            result.fold = fold
            run_case(result, options, fractions, args.rejected)
            figures = ", ".join(f"{lb} {_f(micro([o.counts]).f1)}" for lb, o in result.outcomes.items())
            print(f"{pair.name}: {figures}", file=sys.stderr, flush=True)
            results.append(result)
    subset = (
        f"; **a subset**: {len(results)} of {len(all_pairs)} pairs" if len(results) < len(all_pairs) else ""
    )
    command = "python benchmarks/seeds.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    info = run_info(["torch", "scikit-learn", "scipy"], ["translator", "adapters", "benchmarks/seeds.py"])
    head = [
        *header_lines(info, command.strip()),
        f"- Whole run: {time.perf_counter() - started:.0f} s{subset}",
    ]
    text = report(results, labels, log, head)
    print(text)
    if args.write_results:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
