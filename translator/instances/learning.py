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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from translator.alignment.model import Alignment, Correspondence, Justification, Status, proposed_by_tolka
from translator.errors import IncompatibleFieldsError
from translator.graph.classes import datatype_class
from translator.graph.model import Node, SchemaGraph
from translator.instances.conversion import complete_map, describe, rule_transforms
from translator.instances.descriptions import description_similarity
from translator.instances.evidence import Evidence, PairEvidence, mutual_best, score_pairs
from translator.instances.fit import ValueMapFit
from translator.instances.fusion import DEFAULT_WEIGHTS, Candidate, Data, features, probability, select
from translator.instances.series import Series, Stream
from translator.matching.matcher import MatchOptions, match
from translator.translation.compiler import field_address, field_addresses, field_transforms, is_field
from translator.translation.spec import MessageFormat, Rule, Side, Transform, TranslatorSpec
from translator.translation.units import compatible

__all__ = ["Collected", "LearnOptions", "Learned", "LearnedPair", "collect", "kinds", "learn", "stream_nodes"]

Progress = Callable[[str, float], None]
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class LearnOptions:
    """How to learn.

    Attributes:
        method: the schema matcher's method (``tolka match --method``).
        model: a GNN model file for the schema matcher (default: the shipped one).
        top_k: schema candidates kept per source field.
        threshold: lowest fused probability of a kept pair.
        lag: the target clock's lag behind the source's in seconds; estimated when None.
        max_lag: the largest lag looked for.
        weights: the fusion weights (:data:`translator.instances.fusion.DEFAULT_WEIGHTS`).
        synonyms: WordNet synonyms in the schema matcher.
    """

    method: str = "auto"
    model: str | None = None
    top_k: int = 5
    threshold: float = 0.5
    lag: float | None = None
    max_lag: float = 30.0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    synonyms: bool = True


@dataclass(frozen=True, slots=True)
class Collected:
    """Every candidate pair with its evidence, before fusion; ``nodes`` by id of both models,
    ``series`` of each node id that the streams carry."""

    candidates: tuple[Candidate, ...]
    evidence: Evidence
    nodes: dict[str, Node]
    series: dict[str, Series]
    seeds: dict[tuple[str, str], Correspondence]
    notes: tuple[str, ...]
    justification: str = Justification.COMPOSITE.value


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


def stream_nodes(
    graph: SchemaGraph, fmt: MessageFormat, names: list[str]
) -> tuple[dict[str, Node], list[str]]:
    """Stream field name → the model's field node at that address (for SenML, also a name that
    ends in the address after a base-name prefix), and the names no node has."""
    by_address = field_addresses(graph, fmt)
    found: dict[str, Node] = {}
    missing: list[str] = []
    for name in names:
        hit = by_address.get(name)
        if hit is None and fmt.type == "senml":
            ends = [n for a, n in by_address.items() if name.endswith((":" + a, "." + a, "/" + a))]
            hit = ends[0] if ends else None
        if hit is None:
            missing.append(name)
        else:
            found[name] = hit
    return found, missing


def _schema_scores(alignment: Alignment, fields: set[str]) -> tuple[dict[Pair, float], set[Pair]]:
    """The schema matcher's score of each pair of fields, and its mutual-best pairs."""
    scores = {
        c.pair: c.confidence
        for c in alignment.equivalences()
        if c.subject_id in fields and c.object_id in fields
    }
    best_target: dict[str, tuple[float, str]] = {}
    best_source: dict[str, tuple[float, str]] = {}
    for (s, t), score in scores.items():
        if (score, t) > best_target.get(s, (-1.0, "")):
            best_target[s] = (score, t)
        if (score, s) > best_source.get(t, (-1.0, "")):
            best_source[t] = (score, s)
    mutual = {(s, t) for s, (_, t) in best_target.items() if best_source[t][1] == s}
    return scores, mutual


def _flag(node: Node) -> bool:
    return datatype_class(node.datatype) == "bool" or sorted(node.enum_values) == ["0", "1"]


def kinds(a: Node, b: Node) -> tuple[bool, bool]:
    """Whether the models give both fields the same kind of values (two flags, two enumerations of
    as many values, two numbers in units of one quantity), and whether their units clash."""
    if _flag(a) or _flag(b):
        return _flag(a) and _flag(b), False
    if a.enum_values or b.enum_values:
        return len(a.enum_values) == len(b.enum_values), False
    agree = compatible(a.unit, b.unit)
    numbers = datatype_class(a.datatype) == datatype_class(b.datatype) == "number"
    return numbers and agree is True, agree is False


def _seed_pairs(
    seeds: Alignment | None, nodes: Mapping[str, Node]
) -> tuple[dict[Pair, Correspondence], set[Pair]]:
    """The accepted seed correspondences between fields (by pair) and the rejected pairs."""
    accepted: dict[Pair, Correspondence] = {}
    rejected: set[Pair] = set()
    for c in seeds.equivalences(include_rejected=True) if seeds is not None else ():
        if c.subject_id not in nodes or c.object_id not in nodes:
            continue
        if c.status is Status.REJECTED:
            rejected.add(c.pair)
        else:
            accepted[c.pair] = c
    return accepted, rejected


def _data(a: Series | None, b: Series | None) -> Data:
    if a is None or b is None:
        return Data.NONE
    varying = (not a.constant) + (not b.constant)
    return Data.BOTH_VARY if varying == 2 else Data.ONE_VARIES if varying == 1 else Data.NONE


def collect(
    source: SchemaGraph,
    target: SchemaGraph,
    source_stream: Stream,
    target_stream: Stream,
    options: LearnOptions | None = None,
    *,
    seeds: Alignment | None = None,
    progress: Progress | None = None,
) -> Collected:
    """Every candidate pair of fields with its schema and instance evidence (steps 1-3)."""
    options = options or LearnOptions()
    report = progress or (lambda stage, share: None)
    notes: list[str] = []
    report("schema", 0.0)
    ranked = match(
        source,
        target,
        MatchOptions(
            method=options.method, top_k=options.top_k, model=options.model, synonyms=options.synonyms
        ),
        seeds=seeds,
        progress=lambda stage, share: report(f"schema: {stage}", 0.6 * share),
    )
    report("data", 0.6)
    a_nodes, a_missing = stream_nodes(source, source_stream.format, list(source_stream.series))
    b_nodes, b_missing = stream_nodes(target, target_stream.format, list(target_stream.series))
    for side, missing in (("source", a_missing), ("target", b_missing)):
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            notes.append(f"{len(missing)} {side} stream fields are not fields of the {side} model: {shown}")
    a_series = {n: source_stream.series[n] for n in a_nodes}
    b_series = {n: target_stream.series[n] for n in b_nodes}
    evidence = score_pairs(
        a_series,
        b_series,
        lag=options.lag,
        max_lag=options.max_lag,
        source_units={n: node.unit for n, node in a_nodes.items() if node.unit},
        target_units={n: node.unit for n, node in b_nodes.items() if node.unit},
    )
    report("fusing", 0.9)
    series = {a_nodes[n].id: s for n, s in a_series.items()} | {b_nodes[n].id: s for n, s in b_series.items()}
    nodes = {n.id: n for g in (source, target) for n in g.own_nodes() if is_field(g, n)}
    schema, schema_best = _schema_scores(ranked, set(nodes))
    texts = [{n.id: n.description for n in g.own_nodes() if n.id in nodes} for g in (source, target)]
    described = description_similarity(texts[0], texts[1])
    scored = {(a_nodes[p.source].id, b_nodes[p.target].id): p for p in evidence.pairs}
    best = {(a_nodes[p.source].id, b_nodes[p.target].id) for p in mutual_best(evidence.pairs)}
    accepted, rejected = _seed_pairs(seeds, nodes)
    pairs = (set(schema) | set(described) | set(scored) | set(accepted)) - rejected
    typed = {(s, t): kinds(nodes[s], nodes[t]) for s, t in pairs}
    candidates = tuple(
        Candidate(
            s,
            t,
            schema=schema.get((s, t), 0.0),
            schema_best=(s, t) in schema_best,
            description=described.get((s, t), 0.0),
            evidence=scored.get((s, t)),
            data_best=(s, t) in best,
            data=_data(series.get(s), series.get(t)),
            same_kind=typed[(s, t)][0],
            units_clash=typed[(s, t)][1],
        )
        for s, t in sorted(pairs)
    )
    justification = next((c.justification for c in ranked if c.status is Status.PROPOSED), None)
    return Collected(
        candidates,
        evidence,
        nodes,
        series,
        accepted,
        tuple(notes),
        justification or Justification.COMPOSITE.value,
    )


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
