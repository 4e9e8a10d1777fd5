"""How far a family's own labels take the decider: out of fold beside deciders trained on the family
itself. Run from the repository root::

    python benchmarks/ceiling.py [--data ../shared/data] [--family conference] [--write-results]

Three deciders, all reading the shipped decider's features, decide the same pairs of one family (the
pairs whose family name holds ``--family``; by default the 11 OAEI conference pairs):

* **out of fold**, as ``benchmarks/pairs.py``: trained on the pairs of the other folds and the JSON
  Schema views of the held-out GNN's corpus (the fold decider of ``benchmarks/seeds.py``, cached in
  ``.bench-cache/seeds/``). The figure of quality.
* **the family's other pairs** (leave one pair out): trained on the family's other pairs only, its
  threshold chosen among them. The family's pairs share ontologies (cmt and conference are in most
  conference pairs), so this is optimistic: at most what the family's labels teach about one of its
  pairs that they did not label. Not a figure of quality.
* **in sample**: trained, and its threshold chosen, on all of the family's pairs, then deciding them.
  What the features can separate at all when the answers are given. Not a figure of quality.

Gathering is as ``pairs.py``'s (the GNN trained without any pair's model; a source that shares ids
with its target re-identified). Beside each: how many wrong proposals join two entities of the same
name (the OAEI conference reference leaves ``Paper`` ↔ ``Paper``, ``name`` ↔ ``name`` and others out).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pairs import REPO, view_examples_of  # benchmarks/pairs.py
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py
from seeds import Case, cache_key, fold_decider, heldout_setup, prepare  # benchmarks/seeds.py

from translator.alignment.crossval import Counts, micro
from translator.alignment.identity import restore_ids
from translator.alignment.pairs import LabelledPair, conference_pairs, read_pairs, score
from translator.matching.decider.features import DEFAULT_FEATURES
from translator.matching.decider.model import Decider, load_decider
from translator.matching.decider.scoring import decider_scores
from translator.matching.decider.training import Example, fit_decider
from translator.matching.decision import decide
from translator.matching.evidence import Scores
from translator.matching.options import MatchOptions

WAYS = ("out of fold", "the family's other pairs", "in sample")


def decided(case: Case, decider: Decider) -> tuple[Counts, int]:
    """``decider``'s counts on ``case`` and how many of its wrong proposals (those the score counts)
    join namesakes: entities of one name."""
    options = MatchOptions(method="decider", threshold=decider.threshold)
    matrix = decider_scores(case.evidence, decider, options, features=case.example.features)
    alignment = restore_ids(decide(Scores(case.evidence, "decider", matrix), options), case.back)
    counts = score(alignment, case.reference, partial=case.pair.partial)
    cands = case.evidence.candidates
    names = {e.id: e.variants[0] for e in (*cands.source, *cands.target)}
    forward = {old: new for new, old in case.back.items()}
    truth = {c.pair for c in case.reference.equivalences()}
    subjects, objects = {a for a, _ in truth}, {b for _, b in truth}
    namesakes = 0
    for c in alignment.equivalences():
        scored = c.subject_id in subjects or c.object_id in objects or not case.pair.partial
        if c.pair in truth or not scored:
            continue
        name = names.get(forward.get(c.subject_id, c.subject_id))
        namesakes += name is not None and name == names.get(c.object_id)
    return (counts.tp, counts.fp, counts.fn), namesakes


def own(examples: Sequence[Example]) -> list[Example]:
    """``examples`` each its own group, so the threshold is chosen across them."""
    return [replace(e, group=e.name) for e in examples]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--family", default="conference", help="the pairs whose family name holds this")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    onto, refs = args.data / "oaei-conference" / "ontologies", args.data / "oaei-conference" / "alignments"
    if not (args.data / "pairs").is_dir() or not onto.is_dir():
        print(f"no labelled pairs under {args.data} (need pairs/ and oaei-conference/)", file=sys.stderr)
        return 2
    all_pairs: list[LabelledPair] = read_pairs(args.data / "pairs") + conference_pairs(onto, refs)
    family = [p for p in all_pairs if args.family in p.family]
    if len(family) < 2:
        print(
            f"need two pairs or more whose family holds {args.family!r}, found {len(family)}", file=sys.stderr
        )
        return 2
    loaded, groups, gnn, kept, log = heldout_setup(all_pairs)
    cases: dict[str, Case] = {}
    for pair in all_pairs:
        print(f"gathering {pair.name}", file=sys.stderr, flush=True)
        cases[pair.name] = prepare(pair, loaded[pair.source], loaded[pair.target], gnn)
    examples = [c.example for c in cases.values()] + view_examples_of(kept, gnn, log)
    key = cache_key(all_pairs, groups, gnn, kept)
    mine = [cases[p.name] for p in family]
    results: dict[str, dict[str, tuple[Counts, int]]] = {way: {} for way in WAYS}
    for fold in sorted({groups[p.name] for p in family}):
        decider = load_decider(fold_decider(fold, key, groups, lambda: examples, log))
        for case in (c for c in mine if groups[c.pair.name] == fold):
            results[WAYS[0]][case.pair.name] = decided(case, decider)
    for case in mine:
        print(f"leaving out {case.pair.name}", file=sys.stderr, flush=True)
        others = own([c.example for c in mine if c is not case])
        results[WAYS[1]][case.pair.name] = decided(case, fit_decider(others, features=DEFAULT_FEATURES))
    everything = fit_decider(own([c.example for c in mine]), features=DEFAULT_FEATURES)
    for case in mine:
        results[WAYS[2]][case.pair.name] = decided(case, everything)
    log.append(f"in sample: threshold {everything.threshold}")
    command = "python benchmarks/ceiling.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    info = run_info(["torch", "scikit-learn", "scipy"], ["translator", "adapters", "benchmarks/ceiling.py"])
    text = report(family, results, log, [*header_lines(info, command.strip())], time.perf_counter() - started)
    print(text)
    if args.write_results:
        write_section(text)
    return 0


def _prf(counts: Counts) -> str:
    m = micro([counts])
    return f"{m.precision:.3f} / {m.recall:.3f} / **{m.f1:.3f}**"


def report(
    family: Sequence[LabelledPair],
    results: dict[str, dict[str, tuple[Counts, int]]],
    log: list[str],
    head: list[str],
    seconds: float,
) -> str:
    name = family[0].family if len({p.family for p in family}) == 1 else "the chosen pairs"
    lines = [
        "## What a family's own labels teach the decider (benchmarks/ceiling.py)",
        "",
        *head,
        f"- Whole run: {seconds:.0f} s",
        "",
        f"The {len(family)} pairs of *{name}*, decided three ways (see the script's docstring). Only "
        "*out of fold* is a figure of quality: the other two are trained on the family's own answers.",
        "",
    ]
    rows = []
    for way in WAYS:
        got = results[way]
        tp, fp, fn = (sum(c[k] for c, _ in got.values()) for k in range(3))
        namesakes = sum(n for _, n in got.values())
        rows.append([way, _prf((tp, fp, fn)), f"{tp} / {fp} / {fn}", str(namesakes)])
    lines += [
        markdown_table(
            ["Decider trained on", "P / R / F1", "tp / fp / fn", "wrong proposals between namesakes"],
            rows,
            [False, True, True, True],
        ),
        "",
        "### Per pair (F1)",
        "",
    ]
    per = [[p.name, *(f"{micro([results[w][p.name][0]]).f1:.3f}" for w in WAYS)] for p in family]
    lines += [markdown_table(["Pair", *WAYS], per, [False, True, True, True]), ""]
    lines += ["### Log", "", *(f"- {entry}" for entry in log)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
