"""From an alignment and its two models to a translator file (``tolka compile``).

Each equivalence between two value-carrying nodes (OPC UA variables and object properties, JSON
fields, OWL datatype properties) becomes one rule. Its transforms come from the models: a unit
conversion when both fields name units (pint checks they measure the same quantity), a value map
between two enumerations (:mod:`translator.translation.valuemaps`), a cast between different datatype classes.
A pair no transform can join — a temperature to a boolean, a pressure to a length — is refused
naming both fields. An equivalence between two objects pairs their unmatched children by name, so a
reviewer who maps ``Pump1`` to ``P_101`` gets ``Pump1/Speed`` → ``P_101/Speed`` with it.

Field addresses follow the side's message format: the node's browse path without the ``Objects``
root as a JSON Pointer for plain JSON, the same path joined with dots for SenML names and PubSub
DataSet fields (``PumpSkid1.Pump.Speed``). Type definitions (``/Types/...``) are not message fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from translator.alignment.model import Alignment, Correspondence, Status
from translator.errors import IncompatibleFieldsError, UnitError
from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import normalize
from translator.translation.spec.model import (
    Cast,
    MessageFormat,
    Rule,
    Side,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)
from translator.translation.units import compatible, conversion
from translator.translation.valuemaps import pair_enums

__all__ = [
    "CompileResult",
    "compile_alignment",
    "field_address",
    "field_addresses",
    "field_transforms",
    "is_field",
]

_VALUE_KINDS = frozenset({NodeKind.VARIABLE, NodeKind.PROPERTY, NodeKind.FIELD, NodeKind.DATATYPE_PROPERTY})
_CONTAINER_KINDS = frozenset({NodeKind.OBJECT, NodeKind.INDIVIDUAL, NodeKind.CLASS})


@dataclass(frozen=True, slots=True)
class CompileResult:
    """The compiled translator file and notes for the engineer (what was left out, and why)."""

    spec: TranslatorSpec
    notes: tuple[str, ...]


def _segments(node: Node) -> list[str]:
    segments = [s.replace("~1", "/").replace("~0", "~") for s in node.path.strip("/").split("/") if s]
    return segments[1:] if segments[:1] == ["Objects"] else segments


def field_address(node: Node, fmt: MessageFormat) -> str:
    """The address of a node's value in messages of format ``fmt``."""
    segments = _segments(node)
    if fmt.type == "json":
        return "/" + "/".join(s.replace("~", "~0").replace("/", "~1") for s in segments)
    return ".".join(segments)


def is_field(graph: SchemaGraph, node: Node) -> bool:
    """A node whose value travels in messages (not a type's declaration, not a variable's metadata)."""
    if node.kind not in _VALUE_KINDS or node.path.startswith("/Types/"):
        return False
    if node.kind is NodeKind.PROPERTY:  # EngineeringUnits, EURange of a variable: metadata
        parents = [graph.get(e.source) for e in graph.in_edges(node.id) if e.relation == "HasProperty"]
        return not any(p is not None and p.kind is NodeKind.VARIABLE for p in parents)
    return True


def field_addresses(graph: SchemaGraph, fmt: MessageFormat) -> dict[str, Node]:
    """Every own field of ``graph`` by its address in messages of format ``fmt`` (the first node
    when two share one)."""
    fields: dict[str, Node] = {}
    for node in graph.own_nodes():
        if is_field(graph, node):
            fields.setdefault(field_address(node, fmt), node)
    return fields


def field_transforms(source: Node, target: Node, notes: list[str]) -> tuple[Transform, ...]:
    """The transforms from ``source``'s values to ``target``'s; IncompatibleFieldsError when none can.
    Enumeration values left without a counterpart are added to ``notes``."""
    s_class, t_class = datatype_class(source.datatype), datatype_class(target.datatype)
    if source.enum_values and target.enum_values:
        pairs, unpaired = pair_enums(source.enum_values, target.enum_values)
        if unpaired:
            missing = list(unpaired)
            notes.append(f"{source.id} -> {target.id}: values {missing} have no counterpart (add them)")
        if not pairs:
            raise IncompatibleFieldsError(
                f"no value of {list(source.enum_values)} pairs with one of {list(target.enum_values)}",
                source_field=source.id,
                target_field=target.id,
            )
        return (ValueMap(pairs),)
    quantity = bool(source.unit) or s_class == "number"
    if t_class == "bool" and (quantity and s_class != "bool"):
        raise IncompatibleFieldsError(
            f"a {source.datatype or 'number'}{_unit_text(source)} cannot become a boolean",
            source_field=source.id,
            target_field=target.id,
        )
    if s_class == "bool" and target.unit:
        raise IncompatibleFieldsError(
            f"a boolean cannot become a quantity in {target.unit}",
            source_field=source.id,
            target_field=target.id,
        )
    steps: list[Transform] = []
    if source.unit and target.unit and source.unit != target.unit:
        if compatible(source.unit, target.unit) is False:
            raise IncompatibleFieldsError(
                f"{source.unit} and {target.unit} measure different quantities",
                source_field=source.id,
                target_field=target.id,
            )
        try:
            conversion(source.unit, target.unit)
        except UnitError as exc:
            raise IncompatibleFieldsError(str(exc), source_field=source.id, target_field=target.id) from None
        steps.append(Unit(source.unit, target.unit))
    cast = {"number": "float", "bool": "bool", "text": "string", "time": "time"}.get(t_class)
    if s_class and t_class and s_class != t_class and cast:
        if _integral(target.datatype) and t_class == "number":
            cast = "int"
        steps.append(Cast(cast, {"number": "float", "bool": "bool", "text": "string"}.get(s_class)))
    elif t_class == "number" and _integral(target.datatype) and not _integral(source.datatype):
        steps.append(Cast("int", "float"))
    return tuple(steps)


def _integral(datatype: str) -> bool:
    d = datatype.lower()
    return "int" in d or d in ("byte", "sbyte", "long", "short")


def _unit_text(node: Node) -> str:
    return f" in {node.unit}" if node.unit else ""


def _selected(alignment: Alignment, accepted_only: bool) -> list[Correspondence]:
    wanted = {Status.ACCEPTED} if accepted_only else {Status.ACCEPTED, Status.PROPOSED}
    chosen = [c for c in alignment.equivalences() if c.status in wanted]
    # several candidates of one subject: the accepted, else the most confident, wins
    best: dict[str, Correspondence] = {}
    for c in chosen:
        held = best.get(c.subject_id)
        rank = (c.status is Status.ACCEPTED, c.confidence)
        if held is None or rank > (held.status is Status.ACCEPTED, held.confidence):
            best[c.subject_id] = c
    return sorted(best.values(), key=lambda c: (-c.confidence, c.subject_id))


def _children(graph: SchemaGraph, node_id: str) -> dict[str, Node]:
    children: dict[str, Node] = {}
    for edge in graph.out_edges(node_id):
        child = graph.get(edge.target)
        if child is not None and is_field(graph, child):
            children.setdefault(normalize(child.name), child)
    return children


def _pairs(
    alignment: Alignment, source: SchemaGraph, target: SchemaGraph, accepted_only: bool, notes: list[str]
) -> Iterable[tuple[Node, Node, float | None]]:
    chosen = _selected(alignment, accepted_only)
    direct = set()
    containers = []
    for c in chosen:
        s, t = source.get(c.subject_id), target.get(c.object_id)
        if s is None or t is None:
            missing = c.subject_id if s is None else c.object_id
            notes.append(f"skipped {c.subject_id} -> {c.object_id}: {missing} is not in its model")
            continue
        if is_field(source, s) and is_field(target, t):
            direct.add(s.id)
            yield s, t, c.confidence
        elif s.kind in _CONTAINER_KINDS and t.kind in _CONTAINER_KINDS:
            containers.append((s, t, c.confidence))
    for s, t, confidence in containers:
        target_children = _children(target, t.id)
        for name, child in _children(source, s.id).items():
            if child.id not in direct and name in target_children:
                direct.add(child.id)
                yield child, target_children[name], confidence


def compile_alignment(
    alignment: Alignment,
    source: SchemaGraph,
    target: SchemaGraph,
    *,
    source_side: Side,
    target_side: Side,
    accepted_only: bool = False,
) -> CompileResult:
    """Compile an alignment into a translator file.

    Args:
        alignment: correspondences from ``source`` to ``target`` (rejected ones are never used).
        source: the source model's graph; target: the target model's.
        source_side: the source model reference and message format; target_side: the target's.
        accepted_only: use only accepted correspondences (default: accepted and proposed).

    Raises:
        IncompatibleFieldsError: a pair of fields that no transform joins (names both).
    """
    notes: list[str] = []
    rules: dict[str, Rule] = {}
    for s, t, confidence in _pairs(alignment, source, target, accepted_only, notes):
        target_address = field_address(t, target_side.format)
        if target_address in rules:
            notes.append(f"skipped {s.id} -> {t.id}: {t.id} already fed by {rules[target_address].source_id}")
            continue
        transforms = field_transforms(s, t, notes)
        rules[target_address] = Rule(
            target=target_address,
            sources=(field_address(s, source_side.format),),
            transforms=transforms,
            unit=t.unit,
            source_unit=s.unit,
            source_id=s.id,
            target_id=t.id,
            confidence=confidence,
        )
    if not rules:
        notes.append("no correspondence between two value fields: the translator has no rules")
    return CompileResult(TranslatorSpec(source_side, target_side, tuple(rules.values())), tuple(notes))
