"""The translator file: what a translator does, as plain data a person can read and edit.

A translator file is JSON (its JSON Schema is ``ontologies/schemas/translator.schema.json``; the
README has a page on it). It names the two models and the message format on each side, and holds one
rule per target field: the source field(s), the target field, and the value transforms applied in
order::

    {
      "tolka_translator": 1,
      "source": {"model": "VendorA.PumpSkid.NodeSet2.xml",
                 "format": {"type": "opcua-pubsub-json", "dataset_writer_id": 1}},
      "target": {"model": "VendorB.LegacySkid.NodeSet2.xml", "format": {"type": "json"}},
      "rules": [
        {"target": "/Skid_01/TT_102", "source": "Skid.Tank.Temperature",
         "transform": [{"op": "unit", "from": "CEL", "to": "FAH"}], "unit": "FAH"},
        {"target": "/Skid_01/Mode", "source": "Skid.Pump.State",
         "transform": [{"op": "map", "pairs": [[1, "RUN"], [0, "OFF"]]}]},
        {"target": "/Skid_01/Site", "default": "north"}
      ]
    }

Field addresses depend on the side's format (:mod:`translator.translation.codecs`): a JSON Pointer for plain
JSON, the record name for SenML, the DataSet field name for OPC UA PubSub JSON. Transforms: ``copy``,
``unit`` (UNECE common codes or QUDT IRIs, converted by pint), ``affine`` (``a*x + b``), ``map`` (value
pairs, optional ``default``), ``cast`` (``int``, ``float``, ``bool``, ``string``, ``time``), ``invert``
(boolean not). A rule without a source writes its ``default``; a rule with several sources combines
them (``sum``, ``mean``, ``min``, ``max``, or ``first`` present).

This module only reads, checks, writes and inverts the rules; :mod:`translator.translation.compiled` compiles
them into the function that runs on messages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import orjson

from translator.errors import TranslatorFileError
from translator.files import write_atomic

__all__ = [
    "CASTS",
    "COMBINES",
    "FORMATS",
    "FORMAT_VERSION",
    "MISSING",
    "Affine",
    "Cast",
    "Copy",
    "Invert",
    "MessageFormat",
    "Rule",
    "Side",
    "Transform",
    "TranslatorSpec",
    "Unit",
    "ValueMap",
    "read_translator",
    "resolve_model",
    "reverse_spec",
    "spec_from_dict",
    "spec_to_dict",
    "write_translator",
]

FORMAT_VERSION: Final = 1
FORMATS: Final = ("json", "senml", "opcua-pubsub-json")
CASTS: Final = ("int", "float", "bool", "string", "time")
COMBINES: Final = ("first", "sum", "mean", "min", "max")


class _Missing:
    """The absence of a default (``None`` is a valid default: JSON ``null``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Scalar = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class MessageFormat:
    """The message format of one side and its options.

    Attributes:
        type: ``json``, ``senml`` or ``opcua-pubsub-json``.
        timestamp: ``json`` only: JSON Pointer of a message-level timestamp (ISO 8601 text), read on
            the source side and written on the target side.
        base_name: ``senml`` only: the ``bn`` written on output (record names are relative to it).
        dataset_writer_id: ``opcua-pubsub-json`` only: the DataSetMessage to read (the first one when
            unset) and the ``DataSetWriterId`` written.
        publisher_id: ``opcua-pubsub-json`` only: the ``PublisherId`` written.
    """

    type: str = "json"
    timestamp: str | None = None
    base_name: str = ""
    dataset_writer_id: int | None = None
    publisher_id: str | None = None


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a translator: the model it speaks (a file, URI or endpoint) and its message format."""

    model: str
    format: MessageFormat = field(default_factory=MessageFormat)


@dataclass(frozen=True, slots=True)
class Copy:
    """The value as it is."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit conversion from ``source`` to ``target`` (UNECE codes or QUDT IRIs), computed by pint."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class Affine:
    """``a * x + b``."""

    a: float
    b: float = 0.0


@dataclass(frozen=True, slots=True)
class ValueMap:
    """Each source value to a target value; ``default`` for the others (an error when MISSING)."""

    pairs: tuple[tuple[Scalar, Scalar], ...]
    default: Any = MISSING


@dataclass(frozen=True, slots=True)
class Cast:
    """A type cast to ``to``; ``source`` (the type cast from) makes it invertible."""

    to: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Invert:
    """Boolean not."""


Transform = Copy | Unit | Affine | ValueMap | Cast | Invert


@dataclass(frozen=True, slots=True)
class Rule:
    """How one target field is made.

    Attributes:
        target: the target field's address.
        sources: the source fields' addresses; empty for a constant (``default``).
        transforms: applied in order to the (combined) source value.
        combine: how several sources become one value.
        default: written when the source field is absent (or always, without sources).
        unit: the target field's unit (written where the format carries units, as SenML ``u``).
        source_unit: the source field's unit (used by the reverse translator).
        source_id: the source model's node id this rule came from (provenance only).
        target_id: the target model's node id.
        confidence: the correspondence's confidence, when compiled from an alignment.
        write_back: whether a client of the OPC UA proxy's served model may write the target and have
            the write carried back to the source (the rule must invert); off unless the file says
            ``"write_back": true``.
    """

    target: str
    sources: tuple[str, ...] = ()
    transforms: tuple[Transform, ...] = ()
    combine: str = "first"
    default: Any = MISSING
    unit: str = ""
    source_unit: str = ""
    source_id: str = ""
    target_id: str = ""
    confidence: float | None = None
    write_back: bool = False


@dataclass(frozen=True, slots=True)
class TranslatorSpec:
    """A whole translator file."""

    source: Side
    target: Side
    rules: tuple[Rule, ...]


# --------------------------------------------------------------------------------------------
# Reading and checking
# --------------------------------------------------------------------------------------------


class _Reader:
    """Checks one JSON document against the format, raising with the JSON Pointer of the fault."""

    def __init__(self, source: str | None) -> None:
        self.source = source

    def fail(self, pointer: str, message: str) -> TranslatorFileError:
        return TranslatorFileError(message, source=self.source, pointer=pointer)

    def obj(self, value: object, pointer: str, allowed: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(pointer, f"expected an object, found {_kind(value)}")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise self.fail(
                f"{pointer}/{_escape(unknown[0])}",
                f"unknown member {unknown[0]!r}; allowed: {', '.join(allowed)}",
            )
        return value

    def text(self, value: object, pointer: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value):
            raise self.fail(pointer, f"expected a non-empty string, found {_kind(value)}")
        return value

    def number(self, value: object, pointer: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(pointer, f"expected a finite number, found {_kind(value)}")
        return float(value)

    def scalar(self, value: object, pointer: str) -> Scalar:
        if value is None or isinstance(value, str | bool | int | float):
            return value
        raise self.fail(pointer, f"expected a string, number, boolean or null, found {_kind(value)}")

    def choice(self, value: object, pointer: str, choices: Sequence[str]) -> str:
        if value not in choices:
            raise self.fail(pointer, f"expected one of {', '.join(choices)}, found {value!r}")
        return str(value)

    def format(self, value: object, pointer: str) -> MessageFormat:
        data = self.obj(
            value, pointer, ("type", "timestamp", "base_name", "dataset_writer_id", "publisher_id")
        )
        kind = self.choice(data.get("type"), f"{pointer}/type", FORMATS)
        timestamp = data.get("timestamp")
        if timestamp is not None:
            timestamp = self.text(timestamp, f"{pointer}/timestamp")
            if not timestamp.startswith("/"):
                raise self.fail(f"{pointer}/timestamp", f"expected a JSON Pointer, found {timestamp!r}")
        writer = data.get("dataset_writer_id")
        if writer is not None and (isinstance(writer, bool) or not isinstance(writer, int) or writer < 0):
            raise self.fail(f"{pointer}/dataset_writer_id", f"expected an unsigned integer, found {writer!r}")
        publisher = data.get("publisher_id")
        return MessageFormat(
            type=kind,
            timestamp=timestamp,
            base_name=self.text(data.get("base_name", ""), f"{pointer}/base_name", empty=True),
            dataset_writer_id=writer,
            publisher_id=None if publisher is None else self.text(publisher, f"{pointer}/publisher_id"),
        )

    def side(self, value: object, pointer: str) -> Side:
        data = self.obj(value, pointer, ("model", "format"))
        if "format" not in data:
            raise self.fail(pointer, "missing member 'format'")
        return Side(
            model=self.text(data.get("model", ""), f"{pointer}/model", empty=True),
            format=self.format(data["format"], f"{pointer}/format"),
        )

    def transform(self, value: object, pointer: str) -> Transform:
        if not isinstance(value, dict):
            raise self.fail(pointer, f"expected a transform object, found {_kind(value)}")
        op = self.choice(
            value.get("op"), f"{pointer}/op", ("copy", "unit", "affine", "map", "cast", "invert")
        )
        if op in ("copy", "invert"):
            self.obj(value, pointer, ("op",))
            return Copy() if op == "copy" else Invert()
        if op == "unit":
            data = self.obj(value, pointer, ("op", "from", "to"))
            result = Unit(
                self.text(data.get("from"), f"{pointer}/from"), self.text(data.get("to"), f"{pointer}/to")
            )
            _check_unit(self, result, pointer)
            return result
        if op == "affine":
            data = self.obj(value, pointer, ("op", "a", "b"))
            return Affine(
                self.number(data.get("a"), f"{pointer}/a"), self.number(data.get("b", 0.0), f"{pointer}/b")
            )
        if op == "cast":
            data = self.obj(value, pointer, ("op", "to", "from"))
            source = data.get("from")
            return Cast(
                self.choice(data.get("to"), f"{pointer}/to", CASTS),
                None if source is None else self.choice(source, f"{pointer}/from", CASTS),
            )
        data = self.obj(value, pointer, ("op", "pairs", "default"))
        pairs = data.get("pairs")
        if not isinstance(pairs, list):
            raise self.fail(
                f"{pointer}/pairs", f"expected a list of [source, target] pairs, found {_kind(pairs)}"
            )
        checked = []
        seen: set[object] = set()
        for k, pair in enumerate(pairs):
            where = f"{pointer}/pairs/{k}"
            if not isinstance(pair, list) or len(pair) != 2:
                raise self.fail(where, f"expected a [source, target] pair, found {pair!r}")
            key = self.scalar(pair[0], f"{where}/0")
            if key in seen:  # Python equality, as the compiled lookup uses: 1, 1.0 and true are one key
                raise self.fail(f"{where}/0", f"source value {key!r} is mapped twice")
            seen.add(key)
            checked.append((key, self.scalar(pair[1], f"{where}/1")))
        default = self.scalar(data["default"], f"{pointer}/default") if "default" in data else MISSING
        return ValueMap(tuple(checked), default)

    def rule(self, value: object, pointer: str) -> Rule:
        data = self.obj(
            value,
            pointer,
            (
                "target", "source", "transform", "combine", "default", "unit", "source_unit",
                "source_id", "target_id", "confidence", "write_back",
            ),
        )  # fmt: skip
        raw = data.get("source", [])
        raw_sources = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw_sources, list):
            raise self.fail(f"{pointer}/source", f"expected a field or a list of fields, found {_kind(raw)}")
        where = f"{pointer}/source" if isinstance(raw, str) else None
        sources = tuple(self.text(s, where or f"{pointer}/source/{k}") for k, s in enumerate(raw_sources))
        if not sources and "default" not in data:
            raise self.fail(pointer, "a rule needs a 'source' or a 'default'")
        transforms = data.get("transform", [])
        if isinstance(transforms, dict):
            transforms = [transforms]
        if not isinstance(transforms, list):
            raise self.fail(
                f"{pointer}/transform", f"expected a list of transforms, found {_kind(transforms)}"
            )
        confidence = data.get("confidence")
        write_back = data.get("write_back", False)
        if not isinstance(write_back, bool):
            raise self.fail(f"{pointer}/write_back", f"expected true or false, found {_kind(write_back)}")
        return Rule(
            target=self.text(data.get("target"), f"{pointer}/target"),
            sources=sources,
            transforms=tuple(self.transform(t, f"{pointer}/transform/{k}") for k, t in enumerate(transforms)),
            combine=self.choice(data.get("combine", "first"), f"{pointer}/combine", COMBINES),
            default=self.scalar(data["default"], f"{pointer}/default") if "default" in data else MISSING,
            unit=self.text(data.get("unit", ""), f"{pointer}/unit", empty=True),
            source_unit=self.text(data.get("source_unit", ""), f"{pointer}/source_unit", empty=True),
            source_id=self.text(data.get("source_id", ""), f"{pointer}/source_id", empty=True),
            target_id=self.text(data.get("target_id", ""), f"{pointer}/target_id", empty=True),
            confidence=None if confidence is None else self.number(confidence, f"{pointer}/confidence"),
            write_back=write_back,
        )


def _check_unit(reader: _Reader, unit: Unit, pointer: str) -> None:
    from translator.errors import UnitError
    from translator.translation.units import conversion

    try:
        conversion(unit.source, unit.target)
    except UnitError as exc:
        raise reader.fail(pointer, str(exc)) from None


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value!r}"
    return names.get(type(value), type(value).__name__)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def spec_from_dict(data: object, *, source: str | None = None) -> TranslatorSpec:
    """Check a parsed translator file and build its spec.

    Raises:
        TranslatorFileError: the first fault, with the JSON Pointer to it and ``source`` as the file.
    """
    reader = _Reader(source)
    document = reader.obj(data, "", ("tolka_translator", "source", "target", "rules"))
    version = document.get("tolka_translator")
    if version != FORMAT_VERSION:
        raise reader.fail("/tolka_translator", f"expected format version {FORMAT_VERSION}, found {version!r}")
    for member in ("source", "target", "rules"):
        if member not in document:
            raise reader.fail("", f"missing member {member!r}")
    rules = document["rules"]
    if not isinstance(rules, list):
        raise reader.fail("/rules", f"expected a list of rules, found {_kind(rules)}")
    spec = TranslatorSpec(
        reader.side(document["source"], "/source"),
        reader.side(document["target"], "/target"),
        tuple(reader.rule(rule, f"/rules/{k}") for k, rule in enumerate(rules)),
    )
    seen: dict[str, int] = {}
    for k, rule in enumerate(spec.rules):
        if rule.target in seen:
            raise reader.fail(
                f"/rules/{k}/target",
                f"target field {rule.target!r} is also written by rule {seen[rule.target]}",
            )
        seen[rule.target] = k
    return spec


def resolve_model(model: str, translator: str | Path) -> str:
    """A side's ``model`` as the files it names, relative paths taken from the translator file's
    folder (where `tolka compile` writes them from); a path that only exists from the current
    directory (a translator file written before) is kept. URLs and URNs are returned as they are.

    >>> resolve_model("models/b.xml", "/plant/translators/a-b.json")
    '/plant/translators/models/b.xml'
    """
    if "://" in model or model.startswith("urn:"):
        return model
    folder = Path(translator).parent
    resolved = []
    for part in model.split(","):
        path = Path(part.strip())
        beside = path if path.is_absolute() else folder / path
        resolved.append(str(path if not beside.exists() and path.exists() else beside))
    return ",".join(resolved)


def read_translator(path: str | Path) -> TranslatorSpec:
    """Read and check a translator file.

    Raises:
        ParseError: the file is not JSON (names file and line).
        TranslatorFileError: the JSON breaks the format (names file and JSON Pointer).
    """
    from translator.errors import ParseError

    path = Path(path)
    try:
        data = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    return spec_from_dict(data, source=str(path))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


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
    """The JSON document of a spec (the inverse of :func:`spec_from_dict`)."""
    return {
        "tolka_translator": FORMAT_VERSION,
        "source": {"model": spec.source.model, "format": _format_dict(spec.source.format)},
        "target": {"model": spec.target.model, "format": _format_dict(spec.target.format)},
        "rules": [_rule_dict(rule) for rule in spec.rules],
    }


def write_translator(spec: TranslatorSpec, path: str | Path) -> None:
    """Write a translator file atomically, indented for people."""
    write_atomic(Path(path), orjson.dumps(spec_to_dict(spec), option=orjson.OPT_INDENT_2) + b"\n")


# --------------------------------------------------------------------------------------------
# Reversing
# --------------------------------------------------------------------------------------------


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
