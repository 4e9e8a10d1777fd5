"""Reading and checking a translator file: :func:`read_translator` (a file), :func:`spec_from_dict` (a
parsed document); the first fault raises with the JSON Pointer to it. :func:`resolve_model` finds
the files a side's ``model`` names."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from translator.errors import TranslatorFileError
from translator.translation.spec.model import (
    CASTS,
    COMBINES,
    FORMAT_VERSION,
    FORMATS,
    MISSING,
    Affine,
    Cast,
    Copy,
    Invert,
    MessageFormat,
    Rule,
    Scalar,
    Side,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)

__all__ = ["read_translator", "resolve_model", "spec_from_dict"]


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
