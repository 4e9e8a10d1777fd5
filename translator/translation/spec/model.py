"""The rules of a translator file as frozen dataclasses: each side's model and message format, the
value transforms, the rules and the whole file (:class:`TranslatorSpec`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

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
    "Scalar",
    "Side",
    "Transform",
    "TranslatorSpec",
    "Unit",
    "ValueMap",
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
