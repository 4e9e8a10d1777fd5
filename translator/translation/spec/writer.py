"""Writing a translator file: :func:`spec_to_dict` (the JSON document of a spec, the inverse of
:func:`~translator.translation.spec.reader.spec_from_dict`) and :func:`write_translator`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from translator.files import write_atomic
from translator.translation.spec.model import (
    FORMAT_VERSION,
    MISSING,
    Affine,
    Cast,
    Copy,
    Invert,
    MessageFormat,
    Rule,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)

__all__ = ["spec_to_dict", "write_translator"]


def _format_dict(fmt: MessageFormat) -> dict[str, Any]:
    data: dict[str, Any] = {"type": fmt.type}
    if fmt.timestamp is not None:
        data["timestamp"] = fmt.timestamp
    if fmt.base_name:
        data["base_name"] = fmt.base_name
    if fmt.dataset_writer_id is not None:
        data["dataset_writer_id"] = fmt.dataset_writer_id
    if fmt.publisher_id is not None:
        data["publisher_id"] = fmt.publisher_id
    return data


def _transform_dict(transform: Transform) -> dict[str, Any]:
    match transform:
        case Copy():
            return {"op": "copy"}
        case Invert():
            return {"op": "invert"}
        case Unit(source, target):
            return {"op": "unit", "from": source, "to": target}
        case Affine(a, b):
            return {"op": "affine", "a": a, "b": b}
        case Cast(to, source):
            return {"op": "cast", "to": to} | ({"from": source} if source else {})
        case ValueMap(pairs, default):
            data: dict[str, Any] = {"op": "map", "pairs": [list(p) for p in pairs]}
            return data | ({} if default is MISSING else {"default": default})
    raise TypeError(f"not a transform: {transform!r}")  # pragma: no cover


def _rule_dict(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"target": rule.target}
    if rule.sources:
        data["source"] = rule.sources[0] if len(rule.sources) == 1 else list(rule.sources)
    if len(rule.sources) > 1:
        data["combine"] = rule.combine
    if rule.transforms:
        data["transform"] = [_transform_dict(t) for t in rule.transforms]
    if rule.default is not MISSING:
        data["default"] = rule.default
    for name in ("unit", "source_unit", "source_id", "target_id"):
        if getattr(rule, name):
            data[name] = getattr(rule, name)
    if rule.confidence is not None:
        data["confidence"] = round(rule.confidence, 4)
    if rule.write_back:
        data["write_back"] = True
    return data


def spec_to_dict(spec: TranslatorSpec) -> dict[str, Any]:
    """The JSON document of a spec (the inverse of :func:`~.reader.spec_from_dict`)."""
    return {
        "tolka_translator": FORMAT_VERSION,
        "source": {"model": spec.source.model, "format": _format_dict(spec.source.format)},
        "target": {"model": spec.target.model, "format": _format_dict(spec.target.format)},
        "rules": [_rule_dict(rule) for rule in spec.rules],
    }


def write_translator(spec: TranslatorSpec, path: str | Path) -> None:
    """Write a translator file atomically, indented for people."""
    write_atomic(Path(path), orjson.dumps(spec_to_dict(spec), option=orjson.OPT_INDENT_2) + b"\n")
