"""Learning translators from data (``tolka learn``): mapping quality, value accuracy and speed, in one run.

Run from the repository root::

    python benchmarks/learn.py [--quick] [--write-results]
    python benchmarks/learn.py --calibrate      # refit the fusion weights and print them

Every recording comes from the project's simulator (``services.simulator``: pump skids observed by
vendor A, OPC UA PubSub JSON in SI units at 1 Hz, and vendor B, a legacy PLC's JSON with tags such as
``XS_112`` in °F, psi, gpm, Hz, other state codes, at 0.5 Hz with jitter, noise and a 2 s clock
offset), seeded, with its true alignment and true translator. What is measured:

1. **Field mapping.** For evaluation seeds 0-4, 1 and 3 skids, 10 minutes: the schema-only matcher
   (``translator.matching.matcher.match`` with ``--method auto``, one-to-one, as ``tolka match``) and
   ``translator.instances.learning.learn`` (what ``tolka learn`` runs: schema, descriptions and
   streams fused), each scored against the true alignment over pairs of fields (micro P/R/F1 over
   the seeds). Vendor B's names are tags that give little away; the *bare* rows also strip every
   description from vendor B's schema, so names and texts give nothing away at all.
2. **Values on held-out messages.** Each recording runs two minutes past the learning window; those
   vendor A messages, never seen while learning, go through the learned translator and the true one,
   rule by rule (``Translator.rule_function`` of each on the same source value). A numeric value is
   right when it lies within 0.5 % of the true translator's (exactly equal when that is 0); a
   state, flag or count must be equal. Target fields the learned translator does not write are
   counted apart (coverage).
3. **Recording length.** Field-mapping F1 of ``learn`` for 1, 2, 5, 10 and 20 minutes (1 skid,
   seeds 0-4).
4. **Speed and memory.** ``tolka learn`` as a user runs it (a subprocess: model loading, the GNN,
   reading both streams, writing the translator and alignment) on 10 minutes at 1 Hz, 1 and 3 skids;
   wall time and the child's peak RSS.
5. **Calibration.** The fused probabilities of every candidate pair of the evaluation recordings
   (section 1) in five bins: mean probability against the share of true pairs, the expected
   calibration error and the Brier score. The weights (``translator.instances.fusion.DEFAULT_WEIGHTS``)
   were fitted by ``--calibrate`` on other recordings: seeds 100-115, 1-3 skids, 2-20 minutes,
   noise 0.5-3 %, half of them bare — never an evaluation seed.
"""

from __future__ import annotations

import argparse
import itertools
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from results import header_lines, markdown_table, run_info, write_section  # benchmarks/results.py

from services.cli.options import load_model
from services.simulator.recording import Recording, SimulationConfig, simulate, write_recording
from translator.graph.model import SchemaGraph
from translator.instances.candidates import collect
from translator.instances.fusion import FEATURES, features, fit_weights, probability
from translator.instances.learning import learn
from translator.instances.series import flatten, stream_from_messages
from translator.matching.matcher import MatchOptions, match
from translator.translation.compiled import Translator
from translator.translation.spec import TranslatorSpec, read_translator

SECTION = "## Learning from data (benchmarks/learn.py)"
ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = 120.0
EVAL_SEEDS = (0, 1, 2, 3, 4)
LENGTHS = (1.0, 2.0, 5.0, 10.0, 20.0)
TOLERANCE = 0.005
GOAL_F1 = 0.95
GOAL_VALUES = 0.99
GOAL_SECONDS = 30.0
PACKAGES = ("numpy", "torch", "torch-geometric")


@dataclass(frozen=True)
class Case:
    """One simulated recording: seed, minutes of learning data, skids, noise, and whether vendor B's
    schema is stripped of its descriptions."""

    seed: int
    minutes: float
    units: int = 1
    noise: float = 0.01
    bare: bool = False


@dataclass(frozen=True)
class Loaded:
    """A recording ready to learn from: both graphs, the learning and held-out messages, the truth."""

    case: Case
    folder: Path
    a: SchemaGraph
    b: SchemaGraph
    a_learn: list[Any]
    b_learn: list[Any]
    a_held: list[Any]
    truth: set[tuple[str, str]]
    truth_spec: TranslatorSpec


def _strip(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items() if k not in ("description", "unit")}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


def _time(message: Any) -> float:
    seconds = flatten(message)[0]
    return math.inf if seconds is None else seconds


def load(case: Case, folder: Path) -> Loaded:
    """Simulate ``case`` (learning window plus the held-out stretch) into ``folder`` and load it."""
    config = SimulationConfig(seed=case.seed, duration=case.minutes * 60 + HOLDOUT, units=case.units)
    recording: Recording = simulate(replace(config, noise=case.noise))
    if case.bare:
        recording = replace(recording, b_schema=_strip(recording.b_schema))
    write_recording(recording, folder)
    a = load_model([folder / "vendor_a.schema.json"])
    b = load_model([folder / "vendor_b.schema.json"])
    cutoff = _time(recording.a_messages[0]) + case.minutes * 60
    truth = {c.pair for c in recording.alignment.equivalences()}
    return Loaded(
        case,
        folder,
        a,
        b,
        [m for m in recording.a_messages if _time(m) < cutoff],
        [m for m in recording.b_messages if _time(m) < cutoff],
        [m for m in recording.a_messages if _time(m) >= cutoff],
        truth,
        recording.translator,
    )


@contextmanager
def loaded(case: Case) -> Iterator[Loaded]:
    """:func:`load` in a temporary folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="tolka-learn-") as folder:
        yield load(case, Path(folder))


def prf(got: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[int, int, int]:
    """True positives, false positives, false negatives."""
    return len(got & truth), len(got - truth), len(truth - got)


def f1(tp: int, fp: int, fn: int) -> float:
    """F1 from counts (1.0 when there is nothing to find and nothing was found)."""
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def schema_pairs(data: Loaded) -> set[tuple[str, str]]:
    """The schema-only matcher's one-to-one pairs between fields."""
    fields = {n for p in data.truth for n in p} | {
        n.id for g in (data.a, data.b) for n in g.own_nodes() if n.kind.value in ("field", "variable")
    }
    alignment = match(data.a, data.b, MatchOptions(method="auto"))
    return {c.pair for c in alignment.equivalences() if c.subject_id in fields and c.object_id in fields}


def learned(data: Loaded) -> Any:
    """``learn`` on the learning window."""
    return learn(
        data.a,
        data.b,
        stream_from_messages(data.a_learn),
        stream_from_messages(data.b_learn),
        source_model="vendor_a.schema.json",
        target_model="vendor_b.schema.json",
    )


@dataclass
class Values:
    """Held-out value counts."""

    numeric: int = 0
    numeric_right: int = 0
    discrete: int = 0
    discrete_right: int = 0
    missing: int = 0


def compare_values(
    spec: TranslatorSpec, truth: TranslatorSpec, messages: Sequence[Any], counts: Values
) -> None:
    """Add to ``counts`` how the learned translator's values compare with the true translator's on
    ``messages``, rule by rule."""
    mine, true = Translator(spec), Translator(truth)
    learned_rules = {rule.target: (i, rule) for i, rule in enumerate(spec.rules)}
    for j, rule in enumerate(truth.rules):
        true_fn = true.rule_function(j)
        hit = learned_rules.get(rule.target)
        for message in messages:
            field = true.source_codec.field(message, rule.sources[0])
            if field is None:
                continue
            expected = true_fn(field.value)
            floating = isinstance(expected, float)
            if hit is None:
                counts.missing += 1
                continue
            i, mine_rule = hit
            got_field = mine.source_codec.field(message, mine_rule.sources[0])
            try:
                got = mine.rule_function(i)(got_field.value) if got_field is not None else None
            except (TypeError, ValueError, KeyError, ArithmeticError):
                got = None
            if floating:
                counts.numeric += 1
                ok = isinstance(got, int | float) and not isinstance(got, bool)
                ok = ok and abs(got - expected) <= (TOLERANCE * abs(expected) if expected else 1e-12)
                counts.numeric_right += ok
            else:
                counts.discrete += 1
                counts.discrete_right += got == expected and type(got) is type(expected)


def calibration_cases() -> list[Case]:
    """The recordings the fusion weights are fitted on (never an evaluation seed)."""
    minutes = (2.0, 5.0, 10.0, 20.0)
    noises = (0.005, 0.01, 0.02, 0.03)
    return [
        Case(100 + k, minutes[k % 4], units=1 + k % 3, noise=noises[(k // 2) % 4], bare=k % 2 == 1)
        for k in range(16)
    ]


def calibrate() -> dict[str, float]:
    """Fit the fusion weights on :func:`calibration_cases` and return them."""
    rows, labels = [], []
    for case in calibration_cases():
        with loaded(case) as data:
            found = collect(
                data.a, data.b, stream_from_messages(data.a_learn), stream_from_messages(data.b_learn)
            )
            for c in found.candidates:
                rows.append(features(c))
                labels.append(float((c.source_id, c.target_id) in data.truth))
        print(f"calibration: {case} — {len(found.candidates)} candidates", file=sys.stderr)
    return fit_weights(np.array(rows), np.array(labels))


def _cli_run(case: Case) -> tuple[float, float, int]:
    """Wall seconds and peak RSS (MiB) of ``tolka learn`` on ``case``, and its rule count."""
    with tempfile.TemporaryDirectory(prefix="tolka-learn-cli-") as folder:
        out = Path(folder)
        config = SimulationConfig(seed=case.seed, duration=case.minutes * 60, units=case.units)
        write_recording(simulate(config), out)
        command = [
            str(Path(sys.executable).with_name("tolka")),
            "learn",
            "--source", str(out / "vendor_a.schema.json"),
            "--target", str(out / "vendor_b.schema.json"),
            "--source-stream", str(out / "vendor_a.jsonl"),
            "--target-stream", str(out / "vendor_b.jsonl"),
            "--out", str(out / "learned.json"),
            "--alignment", str(out / "learned.sssom.tsv"),
        ]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"tolka learn failed:\n{done.stderr}")
        rules = len(read_translator(out / "learned.json").rules)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, rules


def evaluate(cases: Sequence[Case]) -> tuple[dict[str, Any], list[tuple[float, float]]]:
    """Schema-only and learned counts, held-out values, seconds and (probability, label) pairs."""
    totals: dict[str, Any] = {"schema": [0, 0, 0], "learn": [0, 0, 0], "values": Values(), "seconds": []}
    scored: list[tuple[float, float]] = []
    for case in cases:
        with loaded(case) as data:
            schema = prf(schema_pairs(data), data.truth)
            start = time.perf_counter()
            result = learned(data)
            totals["seconds"].append(time.perf_counter() - start)
            got = {c.pair for c in result.alignment.equivalences()}
            counts = prf(got, data.truth)
            for k in range(3):
                totals["schema"][k] += schema[k]
                totals["learn"][k] += counts[k]
            compare_values(result.spec, data.truth_spec, data.a_held, totals["values"])
            found = collect(
                data.a, data.b, stream_from_messages(data.a_learn), stream_from_messages(data.b_learn)
            )
            scored.extend(
                (probability(features(c)), float((c.source_id, c.target_id) in data.truth))
                for c in found.candidates
            )
        print(f"{case}: schema F1 {f1(*schema):.3f}, learn F1 {f1(*counts):.3f}", file=sys.stderr)
    return totals, scored


def _counts(counts: Sequence[int]) -> str:
    return "/".join(map(str, counts))


def calibration_table(scored: Sequence[tuple[float, float]]) -> tuple[str, float, float]:
    """Reliability bins, expected calibration error and Brier score."""
    p = np.array([s for s, _ in scored])
    y = np.array([label for _, label in scored])
    edges = np.array([0.0, 0.1, 0.5, 0.9, 0.99, 1.0 + 1e-9])
    rows, ece = [], 0.0
    for low, high in itertools.pairwise(edges):
        inside = (p >= low) & (p < high)
        if not inside.any():
            continue
        mean_p, share = float(p[inside].mean()), float(y[inside].mean())
        ece += inside.sum() / len(p) * abs(mean_p - share)
        rows.append(
            [f"[{low:.2f}, {min(high, 1.0):.2f})", str(int(inside.sum())), f"{mean_p:.3f}", f"{share:.3f}"]
        )
    table = markdown_table(
        ["probability", "pairs", "mean probability", "share true"], rows, [False, True, True, True]
    )
    return table, ece, float(np.mean((p - y) ** 2))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two seeds, fewer lengths (development)")
    parser.add_argument("--calibrate", action="store_true", help="fit the fusion weights and print them")
    parser.add_argument("--write-results", action="store_true", help="replace this section of RESULTS.md")
    args = parser.parse_args(argv)
    if args.calibrate:
        weights = calibrate()
        print("DEFAULT_WEIGHTS = {")
        for name in FEATURES:
            print(f'    "{name}": {weights[name]},')
        print("}")
        return
    command = (
        "python benchmarks/learn.py"
        + (" --quick" if args.quick else "")
        + " --write-results" * args.write_results
    )
    info = run_info(PACKAGES, ("translator", "benchmarks/learn.py"))
    seeds = EVAL_SEEDS[:2] if args.quick else EVAL_SEEDS
    lengths = (2.0, 10.0) if args.quick else LENGTHS
    cli = [_cli_run(Case(0, 10.0, units=u)) for u in (1, 3)]
    rows, all_scored, values_rows = [], [], []
    for units in (1, 3):
        for bare in (False, True):
            totals, scored = evaluate([Case(s, 10.0, units=units, bare=bare) for s in seeds])
            if units == 1 and not bare:
                all_scored = scored
            elif not bare:
                all_scored += scored
            s, lrn, v = totals["schema"], totals["learn"], totals["values"]
            label = f"{units} skid{'s' if units > 1 else ''}, {'bare' if bare else 'with descriptions'}"
            seconds = f"{np.median(totals['seconds']):.1f}"
            rows.append(
                [label, f"{f1(*s):.3f} ({_counts(s)})", f"**{f1(*lrn):.3f}** ({_counts(lrn)})", seconds]
            )
            numeric = v.numeric_right / v.numeric if v.numeric else 1.0
            discrete = v.discrete_right / v.discrete if v.discrete else 1.0
            covered = (v.numeric + v.discrete) / (v.numeric + v.discrete + v.missing)
            values_rows.append(
                [
                    label,
                    f"{numeric:.2%} of {v.numeric:,}",
                    f"{discrete:.2%} of {v.discrete:,}",
                    f"{covered:.1%}",
                ]
            )
    curve = []
    for minutes in lengths:
        totals, _ = evaluate([Case(s, minutes) for s in seeds])
        lrn = totals["learn"]
        curve.append([f"{minutes:g}", f"{f1(*lrn):.3f}", _counts(lrn)])
    reliability, ece, brier = calibration_table(all_scored)
    body = [
        SECTION,
        "",
        *header_lines(info, command),
        "",
        f"Simulator seeds {', '.join(map(str, seeds))}; 10 minutes of learning data unless said; micro "
        "counts tp/fp/fn over the seeds, pairs of fields against the true alignment. See the docstring "
        "of `benchmarks/learn.py` for the set-up.",
        "",
        "### Field mapping: schema only against schema + streams",
        "",
        markdown_table(
            ["recording", "schema-only F1 (tp/fp/fn)", "learn F1 (tp/fp/fn)", "median learn s"],
            rows,
            [False, True, True, True],
        ),
        "",
        f"Goal: learn F1 ≥ {GOAL_F1} with streams.",
        "",
        "### Held-out messages (2 minutes after the learning window)",
        "",
        markdown_table(
            [
                "recording",
                f"numeric values within {TOLERANCE:.1%}",
                "states, flags, counts equal",
                "coverage",
            ],
            values_rows,
            [False, True, True, True],
        ),
        "",
        f"Goal: ≥ {GOAL_VALUES:.0%} of numeric values within {TOLERANCE:.1%}, every state right.",
        "",
        "### F1 against recording length (1 skid, with descriptions)",
        "",
        markdown_table(["minutes", "learn F1", "tp/fp/fn"], curve, [True, True, True]),
        "",
        "### `tolka learn` end to end (10 minutes at 1 Hz)",
        "",
        markdown_table(
            ["skids", "wall s", "peak RSS MiB", "rules"],
            [[str(u), f"{s:.1f}", f"{m:.0f}", str(r)] for u, (s, m, r) in zip((1, 3), cli, strict=True)],
            [True, True, True, True],
        ),
        "",
        f"Goal: under {GOAL_SECONDS:.0f} s.",
        "",
        "### Calibration of the fused probabilities (evaluation recordings with descriptions)",
        "",
        reliability,
        "",
        f"Expected calibration error {ece:.3f}; Brier score {brier:.4f}.",
    ]
    text = "\n".join(body)
    print(text)
    if args.write_results:
        write_section(text)


if __name__ == "__main__":
    main()
