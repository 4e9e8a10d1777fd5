"""Learning a translator from two models and two recordings of the same process (``tolka learn``).

1. The schema matcher (:func:`translator.matching.matcher.match`, ranked: its ``top_k`` best targets of each
   source node) scores pairs by names, structure and the learned model, and the fields'
   descriptions are compared (:mod:`translator.instances.descriptions`).
2. Each stream field is tied to its model node by address (the node's path as the stream's message
   format writes it: ``PumpSkid1.Pump.Speed`` in PubSub and SenML, ``/Skid_01/PLC/LT_101`` in plain
   JSON); the models' units narrow the unit conversions tried.
3. The streams are aligned in time and every pair of varying fields is scored and fitted
   (:func:`translator.instances.score_pairs`).
4. Both kinds of evidence are fused into one probability per candidate pair
   (:mod:`translator.instances.fusion`) and a one-to-one set above the threshold is kept; accepted
   seeds are kept as they are, rejected ones never proposed.
5. Each kept pair becomes a rule: the fitted transform when the data fitted one
   (:mod:`translator.instances.conversion`), else the transform the models' units, enumerations and
   datatypes give (:func:`translator.translation.compiler.field_transforms`), as ``tolka compile`` would.

Steps 1–3 are :func:`~translator.instances.candidates.collect`; this module does steps 4 and 5
(:func:`learn`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from translator.alignment.model import Alignment, Correspondence, Justification, Status, proposed_by_tolka
from translator.errors import IncompatibleFieldsError
from translator.graph.model import Node, SchemaGraph
from translator.instances.candidates import Collected, LearnOptions, Progress, collect
from translator.instances.conversion import complete_map, describe, rule_transforms
from translator.instances.evidence import PairEvidence
from translator.instances.fit import ValueMapFit
from translator.instances.fusion import Candidate, Data, features, probability, select
from translator.instances.series import Stream
from translator.translation.compiler import field_address, field_transforms
from translator.translation.spec.model import Rule, Side, Transform, TranslatorSpec

__all__ = ["LearnOptions", "Learned", "LearnedPair", "learn"]


@dataclass(frozen=True, slots=True)
class LearnedPair:
    """A kept pair: its fused probability, evidence and rule steps, and how they were found."""

    candidate: Candidate
    probability: float
    transforms: tuple[Transform, ...]
    how: str
    seed: bool = False


@dataclass(frozen=True, slots=True)
class Learned:
    """The alignment and translator learned, the kept pairs, the lag found and notes."""

    alignment: Alignment
    spec: TranslatorSpec
    pairs: tuple[LearnedPair, ...]
    lag: float
    notes: tuple[str, ...]


def _rule_steps(
    candidate: Candidate, collected: Collected, notes: list[str]
) -> tuple[tuple[Transform, ...], str] | None:
    source, target = collected.nodes[candidate.source_id], collected.nodes[candidate.target_id]
    e: PairEvidence | None = candidate.evidence
    if e is not None:
        fitted, completion = e.transform, ""
        if isinstance(fitted, ValueMapFit):
            fitted, completion = complete_map(fitted, source.enum_values, target.enum_values)
        steps = rule_transforms(fitted, collected.series[source.id], collected.series[target.id])
        how = f"data: {describe(e.transform)}, residual {e.residual:.2%}"
        return steps, f"{how}; {completion}" if completion else how
    try:
        steps = field_transforms(source, target, notes)
    except IncompatibleFieldsError as error:
        notes.append(f"left out {source.id} -> {target.id}: {error}")
        return None
    why = {Data.ONE_VARIES: "one field never changed", Data.NONE: "no data to compare"}.get(
        candidate.data, ""
    )
    return steps, f"names ({why})" if why else "names"


def _correspondence(pair: LearnedPair, nodes: Mapping[str, Node], justification: str) -> Correspondence:
    c, e = pair.candidate, pair.candidate.evidence
    a, b = nodes[c.source_id], nodes[c.target_id]
    if pair.seed:
        how = Justification.MANUAL.value
    elif e is None:
        how = justification
    else:
        how = (Justification.COMPOSITE if c.schema > 0 else Justification.INSTANCE).value
    return Correspondence(
        a.id,
        b.id,
        confidence=round(pair.probability, 6),
        justification=how,
        status=Status.ACCEPTED if pair.seed else Status.PROPOSED,
        subject_label=a.label or a.name,
        object_label=b.label or b.name,
        subject_kind=a.kind.value,
        object_kind=b.kind.value,
        comment=f"{pair.how}; schema score {c.schema:.2f}" + (f", data score {e.score:.3f}" if e else ""),
    )


def _keep(collected: Collected, options: LearnOptions, notes: list[str]) -> list[LearnedPair]:
    """The accepted seeds, then a one-to-one set of the most probable other candidates."""
    kept: list[LearnedPair] = []
    by_pair = {(c.source_id, c.target_id): c for c in collected.candidates}
    for pair in sorted(collected.seeds):
        steps = _rule_steps(by_pair[pair], collected, notes)
        if steps is not None:
            kept.append(LearnedPair(by_pair[pair], 1.0, steps[0], steps[1], seed=True))
    free = [
        (c, probability(features(c), options.weights))
        for c in collected.candidates
        if (c.source_id, c.target_id) not in collected.seeds
    ]
    sources = [pair.candidate.source_id for pair in kept]
    targets = [pair.candidate.target_id for pair in kept]
    for candidate, p in select(free, options.threshold, sources, targets):
        steps = _rule_steps(candidate, collected, notes)
        if steps is not None:
            kept.append(LearnedPair(candidate, p, steps[0], steps[1]))
    return kept


def _rule(pair: LearnedPair, nodes: Mapping[str, Node], source_side: Side, target_side: Side) -> Rule:
    a, b = nodes[pair.candidate.source_id], nodes[pair.candidate.target_id]
    return Rule(
        target=field_address(b, target_side.format),
        sources=(field_address(a, source_side.format),),
        transforms=pair.transforms,
        unit=b.unit,
        source_unit=a.unit,
        source_id=a.id,
        target_id=b.id,
        confidence=round(pair.probability, 6),
    )


def _unmatched_constants(
    collected: Collected, kept: list[LearnedPair], source: SchemaGraph, options: LearnOptions
) -> list[str]:
    """A note for each source field constant in the recording and left out, with its most probable
    free target (for the engineer to confirm with --seeds)."""
    used = {p.candidate.source_id for p in kept} | {p.candidate.target_id for p in kept}
    notes = []
    for node_id, series in sorted(collected.series.items()):
        if node_id in used or source.get(node_id) is None or not series.constant:
            continue
        free = [
            (probability(features(c), options.weights), c.target_id)
            for c in collected.candidates
            if c.source_id == node_id and c.target_id not in used
        ]
        best = max(free, default=None)
        hint = (
            f"; most likely {best[1]} (p {best[0]:.2f}): confirm it with --seeds"
            if best and best[0] >= 0.1
            else ""
        )
        notes.append(f"{node_id}: constant in the recording and no confident name match; left out{hint}")
    return notes


def learn(
    source: SchemaGraph,
    target: SchemaGraph,
    source_stream: Stream,
    target_stream: Stream,
    *,
    source_model: str,
    target_model: str,
    options: LearnOptions | None = None,
    seeds: Alignment | None = None,
    progress: Progress | None = None,
) -> Learned:
    """Learn the alignment and translator from ``source``'s messages to ``target``'s (module doc).

    Args:
        source, target: the two models' graphs.
        source_stream, target_stream: the two recordings (:func:`translator.instances.read_stream`).
        source_model, target_model: how the translator file names the models.
        seeds: known correspondences: accepted ones are kept, rejected ones never proposed.
    """
    options = options or LearnOptions()
    collected = collect(source, target, source_stream, target_stream, options, seeds=seeds, progress=progress)
    notes = list(collected.notes)
    kept = _keep(collected, options, notes)
    notes.extend(_unmatched_constants(collected, kept, source, options))
    alignment = proposed_by_tolka(source.name, target.name)
    alignment.extend(_correspondence(pair, collected.nodes, collected.justification) for pair in kept)
    source_side = Side(source_model, source_stream.format)
    target_side = Side(target_model, target_stream.format)
    rules = [_rule(pair, collected.nodes, source_side, target_side) for pair in kept]
    rules.sort(key=lambda rule: rule.target_id)
    spec = TranslatorSpec(source_side, target_side, tuple(rules))
    return Learned(alignment, spec, tuple(kept), collected.evidence.lag, tuple(notes))
