"""Steps 1–3 of learning a translator (:mod:`translator.instances.learning`): every candidate pair of
fields with its schema, description and instance evidence, before fusion (:func:`collect`).

Each stream field is tied to its model node by address (:func:`stream_nodes`); the schema matcher's
ranked targets, the descriptions' similarity, the data's fitted pairs and the accepted seeds all
propose pairs, and each pair gets every kind of evidence there is for it (:class:`Collected`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from translator.alignment.model import Alignment, Correspondence, Justification, Status
from translator.graph.classes import datatype_class
from translator.graph.model import Node, SchemaGraph
from translator.instances.descriptions import description_similarity
from translator.instances.evidence import Evidence, mutual_best, score_pairs
from translator.instances.fusion import DEFAULT_WEIGHTS, Candidate, Data
from translator.instances.series import Series, Stream
from translator.matching.matcher import match
from translator.matching.options import MatchOptions
from translator.translation.compiler import field_addresses, is_field
from translator.translation.spec.model import MessageFormat
from translator.translation.units import compatible

__all__ = ["Collected", "LearnOptions", "Progress", "collect", "kinds", "stream_nodes"]

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


@dataclass(frozen=True, slots=True)
class _Recorded:
    """The recorded stream fields tied to model nodes (stream field name → node, each side), their
    series by node id, and the instance evidence of every pair of them."""

    source_nodes: dict[str, Node]
    target_nodes: dict[str, Node]
    series: dict[str, Series]
    evidence: Evidence


def _recorded(
    source: SchemaGraph,
    target: SchemaGraph,
    source_stream: Stream,
    target_stream: Stream,
    options: LearnOptions,
    notes: list[str],
) -> _Recorded:
    """Steps 2 and 3: the stream fields tied to their model nodes (a note for the fields no node has),
    aligned in time, and every pair of them scored and fitted."""
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
    series = {a_nodes[n].id: s for n, s in a_series.items()} | {b_nodes[n].id: s for n, s in b_series.items()}
    return _Recorded(a_nodes, b_nodes, series, evidence)


def _candidates(
    source: SchemaGraph,
    target: SchemaGraph,
    ranked: Alignment,
    recorded: _Recorded,
    nodes: dict[str, Node],
    accepted: dict[Pair, Correspondence],
    rejected: set[Pair],
) -> tuple[Candidate, ...]:
    """Every pair of fields that the schema matcher, the descriptions, the data or an accepted seed
    proposes (rejected pairs left out), with all the evidence there is for it."""
    a_nodes, b_nodes, series, evidence = (
        recorded.source_nodes,
        recorded.target_nodes,
        recorded.series,
        recorded.evidence,
    )
    schema, schema_best = _schema_scores(ranked, set(nodes))
    texts = [{n.id: n.description for n in g.own_nodes() if n.id in nodes} for g in (source, target)]
    described = description_similarity(texts[0], texts[1])
    scored = {(a_nodes[p.source].id, b_nodes[p.target].id): p for p in evidence.pairs}
    best = {(a_nodes[p.source].id, b_nodes[p.target].id) for p in mutual_best(evidence.pairs)}
    pairs = (set(schema) | set(described) | set(scored) | set(accepted)) - rejected
    typed = {(s, t): kinds(nodes[s], nodes[t]) for s, t in pairs}
    return tuple(
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
    recorded = _recorded(source, target, source_stream, target_stream, options, notes)
    report("fusing", 0.9)
    nodes = {n.id: n for g in (source, target) for n in g.own_nodes() if is_field(g, n)}
    accepted, rejected = _seed_pairs(seeds, nodes)
    candidates = _candidates(source, target, ranked, recorded, nodes, accepted, rejected)
    justification = next((c.justification for c in ranked if c.status is Status.PROPOSED), None)
    return Collected(
        candidates,
        recorded.evidence,
        nodes,
        recorded.series,
        accepted,
        tuple(notes),
        justification or Justification.COMPOSITE.value,
    )
