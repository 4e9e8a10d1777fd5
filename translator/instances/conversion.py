"""A fitted transform as the steps of a translator rule, and in words for the engineer.

An affine fit snapped to a unit conversion becomes a ``unit`` step (pint computes it, so a fit of
1.8x + 32 written as CEL → FAH is exact and reversible), a copy becomes no step, any other line an
``affine`` step; a value map a ``map``; a flag copied or negated an ``invert`` when negated. A
cast follows when the target's values are of another kind than what the steps produce: a flag into
a 0/1 integer field (``cast int`` from ``bool``), a number into a flag, a converted number into a
whole-numbered field.

Example:
    >>> describe(AffineFit(1.8, 32.0, 0.001, 0.99, ("CEL", "FAH")))
    'unit CEL -> FAH'
"""

from __future__ import annotations

from collections.abc import Sequence

from translator.instances.evidence import Fit
from translator.instances.fit import AffineFit, BooleanFit, ValueMapFit
from translator.instances.series import Kind, Series
from translator.translation.spec.model import Affine, Cast, Invert, Transform, Unit, ValueMap

__all__ = ["complete_map", "describe", "rule_transforms"]


def _number(value: float) -> str:
    return f"{value:.6g}"


def describe(fitted: Fit) -> str:
    """The fitted transform in a few words (``unit CEL -> FAH``, ``copy``, ``map 0->10, 1->20``)."""
    if isinstance(fitted, AffineFit):
        if fitted.units is not None:
            return f"unit {fitted.units[0]} -> {fitted.units[1]}"
        if fitted.identity:
            return "copy"
        return f"affine {_number(fitted.scale)} * x + {_number(fitted.offset)}"
    if isinstance(fitted, BooleanFit):
        return "flag inverted" if fitted.inverted else "flag copied"
    return "map " + ", ".join(f"{s}->{t}" for s, t in fitted.pairs)


def _like(text: str, example: object) -> object:
    """An enumeration value (text in the model) in the type the recording used."""
    if isinstance(example, int) and not isinstance(example, bool):
        try:
            return int(text)
        except ValueError:
            return text
    return text


def _code(value: str) -> str:
    """An enumeration value as the data carries it: ``Running=1`` (an OPC UA enumeration's name and
    value) is ``1``, a bare code is itself."""
    return value.rsplit("=", 1)[1].strip() if "=" in value else value


def complete_map(
    fitted: ValueMapFit, source_values: Sequence[str], target_values: Sequence[str]
) -> tuple[ValueMapFit, str]:
    """A value map seen in the data, completed from the two fields' enumerations when exactly one
    value of each was never seen (the only pairing left); with a note on what stays unmapped ("" when
    nothing does). The enumerations only count when every value seen is one of them; OPC UA
    enumerations (``Running=1``) count by their values."""
    source_values = [_code(v) for v in source_values]
    target_values = [_code(v) for v in target_values]
    seen_source = {str(s) for s, _ in fitted.pairs}
    seen_target = {str(t) for _, t in fitted.pairs}
    if not fitted.pairs or not source_values or not seen_source <= set(source_values):
        return fitted, ""
    left = [v for v in source_values if v not in seen_source]
    right = [v for v in target_values if v not in seen_target] if seen_target <= set(target_values) else []
    if len(left) == 1 and len(right) == 1 and len(seen_target) == len(fitted.pairs):
        example_s, example_t = fitted.pairs[0]
        pair = (_like(left[0], example_s), _like(right[0], example_t))
        return ValueMapFit((*fitted.pairs, pair), fitted.accuracy), f"{pair[0]}->{pair[1]} by elimination"
    if left:
        return fitted, f"values {left} never seen: add them to the map"
    return fitted, ""


def _produces(fitted: Fit, source: Series, steps: list[Transform]) -> Kind | None:
    """What kind of values the steps leave (None: the target's own, after a value map)."""
    if isinstance(fitted, ValueMapFit) and steps:
        return None
    if isinstance(fitted, BooleanFit) and fitted.inverted:
        return Kind.BOOLEAN if source.kind is Kind.BOOLEAN else Kind.NUMBER
    if isinstance(fitted, AffineFit) and not fitted.identity:
        return Kind.NUMBER
    return source.kind


def rule_transforms(fitted: Fit, source: Series, target: Series) -> tuple[Transform, ...]:
    """The rule steps that turn ``source``'s values into ``target``'s as ``fitted`` says."""
    steps: list[Transform] = []
    if isinstance(fitted, AffineFit):
        if fitted.units is not None:
            steps.append(Unit(*fitted.units))
        elif not fitted.identity:
            steps.append(Affine(fitted.scale, fitted.offset))
    elif isinstance(fitted, BooleanFit):
        if fitted.inverted:
            steps.append(Invert())
    elif any(s != t for s, t in fitted.pairs):
        steps.append(ValueMap(fitted.pairs))
    produced = _produces(fitted, source, steps)
    if produced is None or produced is target.kind:
        whole = target.kind is Kind.NUMBER and target.integral and produced is Kind.NUMBER
        if whole and steps and isinstance(steps[-1], Unit | Affine):
            steps.append(Cast("int", "float"))
        return tuple(steps)
    if target.kind is Kind.NUMBER and produced is Kind.BOOLEAN:
        steps.append(Cast("int", "bool"))
    elif target.kind is Kind.BOOLEAN:
        steps.append(Cast("bool", "int" if source.integral else "float"))
    elif target.kind is Kind.STRING:
        steps.append(Cast("string", {Kind.NUMBER: "float", Kind.BOOLEAN: "bool"}.get(produced)))
    elif produced is Kind.STRING:
        steps.append(Cast("float", "string"))
    return tuple(steps)
