"""Compiled translators: a translator file turned, once, into one Python function per direction.

Compiling reads the rules, computes every unit conversion with pint, builds the value maps and
generates the source of one function that reads each source field, transforms it and builds the target
message — straight dictionary look-ups and arithmetic, no rule parsing, no unit look-up, no loop over
rules per message (CONVENTIONS.md 4, like PyG's ``MessagePassing`` inspecting once in ``__init__``).

Each field's block runs inside ``try``, which costs nothing in CPython 3.11 until something raises.
When a field does not have the common shape (absent, a null value with a bad status, a Variant, a
value of the wrong type), that field alone falls back to :meth:`Translator._slow_field`: the codec's
general reader, the same transform functions, the rule's default, and an error that names the field.

Example:
    >>> from translator.translation.spec import MessageFormat, Rule, Side, TranslatorSpec, Unit
    >>> spec = TranslatorSpec(
    ...     Side("a", MessageFormat("json")), Side("b", MessageFormat("json")),
    ...     (Rule("/temp_f", ("/temp_c",), (Unit("CEL", "FAH"),)),),
    ... )
    >>> Translator(spec).translate({"temp_c": 100.0})
    {'temp_f': 212.0}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from translator.errors import MessageError, TolkaError, TranslatorFileError
from translator.translation.codecs import Codec, OutField, codec_for
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
from translator.translation.spec.reverse import reverse_spec
from translator.translation.units import conversion
from translator.translation.values import CASTERS, short_repr, to_bool, to_epoch, to_iso

__all__ = ["Batch", "Translator"]


def _invert(value: Any) -> bool:
    return not to_bool(value)


_HELPERS: dict[str, Any] = {
    "_invert": _invert,
    "_to_iso": to_iso,
    "_to_epoch": to_epoch,
    **{f"_cast_{name}": function for name, function in CASTERS.items()},
}


@dataclass(frozen=True, slots=True)
class Batch:
    """The result of :meth:`Translator.translate_many`: translated messages in input order (None where
    the message failed) and the failures as ``(position, error)``."""

    messages: list[Any]
    errors: list[tuple[int, MessageError]]


def _number(value: float) -> str:
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):  # pragma: no cover - the reader refuses them
        raise ValueError(f"not a finite number: {value}")
    return text


def _short(scale: float, offset: float) -> bool:
    """Whether a conversion's numbers are short decimals (1.8 and 32, not 0.5555555555555556)."""
    return all(v == float(f"{v:.10g}") for v in (scale, offset))


def _linear(x: str, scale: float, offset: float) -> str:
    if scale == 1.0 and offset == 0.0:
        return x
    if offset == 0.0:
        divisor = 1.0 / scale
        if divisor == float(f"{divisor:.12g}") and abs(divisor) >= 1.0:  # rpm → Hz is x / 60, exactly
            return f"({x} / {_number(divisor)})"
        return f"({x} * {_number(scale)})"
    return f"({x} * {_number(scale)} + {_number(offset)})"


class _Compiler:
    """Generates the translating function's source and binds the names it uses."""

    def __init__(self, spec: TranslatorSpec, source: Codec, target: Codec) -> None:
        self.spec = spec
        self.source = source
        self.target = target
        self.names: dict[str, Any] = {**_HELPERS, **source.names(), **target.names()}

    def bind(self, name: str, value: Any) -> str:
        self.names[name] = value
        return name

    def expression(self, i: int, k: int, transform: Transform, x: str) -> str:
        """The source expression applying ``transform`` (rule ``i``, step ``k``) to expression ``x``."""
        match transform:
            case Copy():
                return x
            case Unit(source, target):
                forward, backward = conversion(source, target), conversion(target, source)
                if _short(*backward) and not _short(*forward):  # °F → °C as (x - 32) / 1.8
                    scale, offset = backward
                    return (
                        f"(({x} - {_number(offset)}) / {_number(scale)})"
                        if offset
                        else f"({x} / {_number(scale)})"
                    )
                return _linear(x, *forward)
            case Affine(a, b):
                return _linear(x, a, b)
            case Cast(to, _):
                return f"_cast_{to}({x})"
            case Invert():
                return f"((not {x}) if {x}.__class__ is bool else _invert({x}))"
            case ValueMap(pairs, default):
                table = self.bind(f"_map{i}_{k}", dict(pairs))
                if default is MISSING:
                    return f"{table}[{x}]"
                return f"{table}.get({x}, {self.bind(f'_default{i}_{k}', default)})"
        raise TypeError(f"not a transform: {transform!r}")  # pragma: no cover

    def transform_expression(self, i: int, rule: Rule, x: str) -> str:
        for k, transform in enumerate(rule.transforms):
            x = self.expression(i, k, transform, x)
        return x

    def time_conversion(self) -> str:
        if self.source.time_kind == self.target.time_kind:
            return "{}"
        return "_to_iso({})" if self.target.time_kind == "iso" else "_to_epoch({})"

    def check_addresses(self) -> None:
        for k, rule in enumerate(self.spec.rules):
            for j, address in enumerate(rule.sources):
                problem = self.source.validate_address(address)
                if problem:
                    where = "/source" if len(rule.sources) == 1 else f"/source/{j}"
                    raise TranslatorFileError(problem, pointer=f"/rules/{k}{where}")
            problem = self.target.validate_address(rule.target)
            if problem:
                raise TranslatorFileError(problem, pointer=f"/rules/{k}/target")

    def function_source(self) -> str:
        lines = ["def _translate(msg):", "    try:"]
        lines += [f"        {line}" for line in self.source.prelude()]
        lines += ["    except Exception as _exc:", "        _envelope_error(msg, _exc)"]
        for i, rule in enumerate(self.spec.rules):
            if not rule.sources:
                default = self.bind(f"_const{i}", rule.default)
                lines += [f"    r{i} = {default}", f"    t{i} = s{i} = None"]
                continue
            if len(rule.sources) > 1:
                lines.append(f"    r{i}, t{i}, s{i} = _slow_field({i}, msg)")
                continue
            lines.append("    try:")
            # only what the target writes is read; a Variant only needs unwrapping where no transform
            # would refuse it (a copy), as every transform raises on a dict and takes the slow path
            read = self.source.read(
                i,
                rule.sources[0],
                time=self.target.field_times,
                status=self.target.has_status,
                unwrap=all(isinstance(t, Copy) for t in rule.transforms),
            )
            lines += [f"        {line}" for line in read]
            lines.append(f"        r{i} = {self.transform_expression(i, rule, f'v{i}')}")
            lines += ["    except Exception:", f"        r{i}, t{i}, s{i} = _slow_field({i}, msg)"]
        fields = [
            OutField(i, rule.target, rule.unit, _value_type(rule)) for i, rule in enumerate(self.spec.rules)
        ]
        try:
            written = self.target.write(fields, self.time_conversion())
        except ValueError as exc:
            raise TranslatorFileError(str(exc), pointer="/rules") from None
        # writing converts times; one that cannot be read is reported by _time_error, naming its field
        lines.append("    try:")
        lines += [f"        {line}" for line in written]
        lines += ["    except (TypeError, ValueError) as _exc:", "        _time_error(msg, _exc)"]
        lines.append("    return out")
        return "\n".join(lines) + "\n"

    def transform_function(self, i: int, rule: Rule) -> Callable[[Any], Any]:
        """The transforms of rule ``i`` as a function of one value (the slow path uses it)."""
        source = f"lambda x: {self.transform_expression(i, rule, 'x')}"
        return eval(compile(source, f"<tolka rule {i}>", "eval"), self.names)  # type: ignore[no-any-return]


class Translator:
    """A translator file compiled for one direction.

    Args:
        spec: the rules (see :mod:`translator.translation.spec`).

    Raises:
        TranslatorFileError: an address the side's format cannot hold, two rules writing one field.
        UnitError: a unit conversion between unknown or incompatible units.
    """

    def __init__(self, spec: TranslatorSpec) -> None:
        self.spec = spec
        self.source_codec = codec_for(spec.source.format)
        self.target_codec = codec_for(spec.target.format)
        compiler = _Compiler(spec, self.source_codec, self.target_codec)
        compiler.check_addresses()
        self.source_code = compiler.function_source()
        self._transforms = [compiler.transform_function(i, rule) for i, rule in enumerate(spec.rules)]
        names = compiler.names
        names["_slow_field"] = self._slow_field
        names["_envelope_error"] = self._envelope_error
        names["_time_error"] = self._time_error
        exec(compile(self.source_code, "<tolka translator>", "exec"), names)
        self._function: Callable[[Any], Any] = names["_translate"]

    def __repr__(self) -> str:
        source, target = self.spec.source.format.type, self.spec.target.format.type
        return f"Translator({source} -> {target}, {len(self.spec.rules)} rules)"

    # the slow paths -------------------------------------------------------------------------

    def _envelope_error(self, msg: Any, exc: Exception) -> None:
        """Raise a MessageError for a message whose envelope the fast path could not read."""
        self.source_codec.check(msg)  # names what is wrong when it can
        raise MessageError(f"not a {self.source_codec.name} message: {type(exc).__name__}: {exc}")

    def _time_error(self, msg: Any, exc: Exception) -> None:
        """Raise a MessageError naming the time the target format could not be given (the message's
        or a field's)."""
        codec = self.source_codec
        times = [(codec.message_time_field(), codec.message_time(msg))]
        for rule in self.spec.rules:
            for address in rule.sources:
                found = codec.field(msg, address)
                times.append((address, None if found is None else found.time))
        kind = self.target_codec.time_kind
        convert = hash if codec.time_kind == kind else to_iso if kind == "iso" else to_epoch
        for where, time in times:
            try:
                if time is not None:
                    hash(convert(time))
            except (TypeError, ValueError) as bad:
                raise MessageError(
                    f"the time {short_repr(time)} cannot be read: {bad}", field=where
                ) from None
        raise MessageError(f"cannot write the {self.target_codec.name} message: {type(exc).__name__}: {exc}")

    def _slow_field(self, i: int, msg: Any) -> tuple[Any, Any, Any]:
        """Rule ``i`` on any message shape: ``(result, time, status)`` or a MessageError naming the field."""
        rule = self.spec.rules[i]
        codec = self.source_codec
        found = [(address, codec.field(msg, address)) for address in rule.sources]
        present = [(address, value) for address, value in found if value is not None]
        if not present or (rule.combine != "first" and len(present) < len(found)):
            if rule.default is not MISSING:
                return rule.default, None, None
            absent = [address for address, value in found if value is None]
            raise MessageError("absent from the message", field=absent[0])
        address, first = present[0]
        if len(rule.sources) == 1 or rule.combine == "first":
            value = first.value
        else:
            value = _combine(rule.combine, [v.value for _, v in present], address)
        try:
            return self._transforms[i](value), first.time, first.status
        except (TypeError, ValueError, KeyError, ArithmeticError) as exc:
            if value is None:  # a null value (a bad status) is carried through, not transformed
                return None, first.time, first.status
            raise MessageError(_reason(exc, value, rule), field=address) from None

    # the API ---------------------------------------------------------------------------------

    def translate(self, message: Any) -> Any:
        """Translate one decoded message (a dict, or a list for SenML).

        Raises:
            MessageError: the message, or one of its fields, cannot be translated (names the field).
        """
        return self._function(message)

    def translate_json(self, data: bytes | str) -> bytes:
        """Translate one JSON-encoded message into JSON bytes.

        Raises:
            MessageError: not JSON, or not translatable.
        """
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise MessageError(f"not JSON: {exc.msg} (column {exc.colno})") from None
        return orjson.dumps(self._function(message))

    def rule_function(self, index: int) -> Callable[[Any], Any]:
        """The transforms of rule ``index`` as a function of one value (for callers that get one field
        at a time, such as the OPC UA proxy); it raises TypeError, ValueError, KeyError or
        ArithmeticError on a value it cannot transform."""
        return self._transforms[index]

    def translate_many(self, messages: Iterable[Any]) -> Batch:
        """Translate a batch; a message that fails is reported and the others go on."""
        function = self._function
        results: list[Any] = []
        errors: list[tuple[int, MessageError]] = []
        for k, message in enumerate(messages):
            try:
                results.append(function(message))
            except MessageError as exc:
                results.append(None)
                errors.append((k, exc))
        return Batch(results, errors)

    def reverse(self) -> tuple[Translator, tuple[Rule, ...]]:
        """The translator from target back to source and the rules that have no inverse.

        Raises:
            TolkaError: no rule of this translator can be reversed.
        """
        spec, skipped = reverse_spec(self.spec)
        if not spec.rules:
            raise TolkaError(
                "no rule of this translator can be reversed (constants, combined sources, "
                "many-to-one maps or casts without 'from' only)"
            )
        return Translator(spec), skipped


_CAST_TYPES = {"int": "number", "float": "number", "bool": "bool", "string": "text", "time": "text"}


def _value_type(rule: Rule) -> str:
    """The type a rule's result always has (None aside), from its last transform; "" when unknown."""
    if not rule.transforms:
        return ""
    last = rule.transforms[-1]
    match last:
        case Unit() | Affine():
            return "number"
        case Invert():
            return "bool"
        case Cast(to, _):
            return _CAST_TYPES[to]
        case ValueMap(pairs, default):
            values = [t for _, t in pairs] + ([] if default is MISSING else [default])
            kinds = {
                "bool" if isinstance(v, bool) else "text" if isinstance(v, str) else "number" for v in values
            }
            return kinds.pop() if len(kinds) == 1 and None not in values else ""
    return ""


def _combine(how: str, values: Sequence[Any], address: str) -> Any:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        raise MessageError(f"cannot {how} non-numeric values {short_repr(list(values))}", field=address)
    if how == "sum":
        return sum(numbers)
    if how == "mean":
        return sum(numbers) / len(numbers)
    return min(numbers) if how == "min" else max(numbers)


_DETAIL = 200
"""Longest error detail quoted from a failed transform."""


def _reason(exc: Exception, value: Any, rule: Rule) -> str:
    if isinstance(exc, KeyError) and any(isinstance(t, ValueMap) for t in rule.transforms):
        shown = short_repr(value)
        return f"value {shown} is not in the value map of target {rule.target} (add it, or a default)"
    detail = str(exc) or type(exc).__name__
    if len(detail) > _DETAIL:  # float() names the whole text it could not read
        detail = detail[:_DETAIL] + "..."
    return f"value {short_repr(value)} cannot be transformed for target {rule.target}: {detail}"
