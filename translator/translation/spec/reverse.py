"""The translator back: :func:`reverse_spec` turns a translator from source to target into one from
target to source, the rules that cannot be inverted left out."""

from __future__ import annotations

from dataclasses import replace

from translator.translation.spec.model import (
    MISSING,
    Affine,
    Cast,
    Copy,
    Invert,
    Rule,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)

__all__ = ["reverse_spec"]


def _inverse(transform: Transform) -> Transform | None:
    """The transform undoing ``transform``; None when there is none."""
    match transform:
        case Copy() | Invert():
            return transform
        case Unit(source, target):
            return Unit(target, source)
        case Affine(a, b):
            return Affine(1.0 / a, -b / a) if a != 0 else None
        case Cast(to, source):
            return Cast(source, to) if source is not None else None
        case ValueMap(pairs, _):
            targets = {t for _, t in pairs}
            return ValueMap(tuple((t, s) for s, t in pairs)) if len(targets) == len(pairs) else None
    return None  # pragma: no cover


def _reverse_rule(rule: Rule) -> Rule | None:
    if len(rule.sources) != 1:
        return None
    inverses = [_inverse(t) for t in reversed(rule.transforms)]
    if any(t is None for t in inverses):
        return None
    return replace(
        rule,
        target=rule.sources[0],
        sources=(rule.target,),
        transforms=tuple(t for t in inverses if t is not None),
        combine="first",
        default=MISSING,
        unit=rule.source_unit,
        source_unit=rule.unit,
        source_id=rule.target_id,
        target_id=rule.source_id,
    )


def reverse_spec(spec: TranslatorSpec) -> tuple[TranslatorSpec, tuple[Rule, ...]]:
    """The translator from target back to source, and the rules it had to leave out.

    A rule reverses when it has one source and every transform has an inverse: copy, unit, affine
    with ``a != 0``, a one-to-one map, a cast that names the type it casts from, invert. Constants
    and combined sources do not; of several rules reading one source field, the first reverses.
    """
    reversed_rules: dict[str, Rule] = {}
    skipped = []
    for rule in spec.rules:
        back = _reverse_rule(rule)
        if back is None or back.target in reversed_rules:  # a source field feeding two targets: the first
            skipped.append(rule)
        else:
            reversed_rules[back.target] = back
    return TranslatorSpec(spec.target, spec.source, tuple(reversed_rules.values())), tuple(skipped)
