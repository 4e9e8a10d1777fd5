"""What every message codec provides: generated code for the hot path, and plain functions for the rest.

A compiled translator is one Python function generated from the translator file (see
:mod:`translator.translation.compiled`). Codecs contribute its reading and writing parts as source lines:

- reading: :meth:`Codec.prelude` sets up per-message state from ``msg`` (and the message time ``mt``);
  :meth:`Codec.read` sets ``v{i}`` (value), ``t{i}`` (time) and ``s{i}`` (status) of source field ``i``;
- writing: :meth:`Codec.write` builds ``out`` from the results ``r{i}``, times ``t{i}``, statuses ``s{i}``
  and ``mt``.

The generated reading lines may assume the common shape of a message; anything unusual raises and the
translator falls back, for that field only, to :meth:`Codec.field`, the general reader, which accepts
every shape the format allows and returns None for an absent field. :meth:`Codec.check` says why a
whole message is unreadable. Addresses enter generated code only through ``repr`` of a ``str``, and
other values only as names bound in :meth:`Codec.names`, never as source text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from translator.translation.spec.model import MessageFormat

__all__ = ["Codec", "FieldValue", "OutField"]


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One field of a decoded message: its value, time (the codec's time kind) and status code."""

    value: Any
    time: Any = None
    status: Any = None


@dataclass(frozen=True, slots=True)
class OutField:
    """A target field to write: its index ``i`` (``r{i}``, ``t{i}``, ``s{i}``), address, unit, and the
    type its rule always produces (``number``, ``text``, ``bool``; "" when it depends on the value)."""

    index: int
    address: str
    unit: str = ""
    value_type: str = ""


class Codec(ABC):
    """A message format on one side of a translator.

    Attributes:
        name: the format's name in translator files.
        time_kind: how the format writes times: ``iso`` (ISO 8601 text) or ``epoch`` (seconds).
        has_status: whether fields carry an OPC UA status code.
        field_times: whether each field carries its own time (else at most the message has one).
    """

    name: ClassVar[str]
    time_kind: ClassVar[str]
    has_status: ClassVar[bool] = False
    field_times: ClassVar[bool] = False

    def __init__(self, fmt: MessageFormat) -> None:
        self.fmt = fmt

    def names(self) -> dict[str, Any]:
        """Names the generated lines use (helpers and constants), all starting with ``_``."""
        return {}

    # reading ---------------------------------------------------------------------------------

    @abstractmethod
    def prelude(self) -> list[str]:
        """Lines run once per message: per-message state from ``msg``, and ``mt`` (message time or None)."""

    @abstractmethod
    def read(self, i: int, address: str, *, time: bool, status: bool, unwrap: bool) -> list[str]:
        """Lines setting ``v{i}`` for the field at ``address``, and ``t{i}`` / ``s{i}`` when ``time`` /
        ``status`` are wanted. ``unwrap``: the value is used as it is (no transform would fail on a
        wrapped value), so the lines must unwrap it themselves."""

    @abstractmethod
    def check(self, msg: Any) -> None:
        """Raise :class:`~translator.errors.MessageError` saying why ``msg`` is not a message of
        this format; return when it is one."""

    @abstractmethod
    def field(self, msg: Any, address: str) -> FieldValue | None:
        """The field at ``address`` of a message that passed :meth:`check`; None when absent."""

    @abstractmethod
    def message_time(self, msg: Any) -> Any:
        """The message-level time of a message that passed :meth:`check`, or None."""

    def message_time_field(self) -> str:
        """Where the message-level time is, as an error message names it."""
        return "the message time"

    def validate_address(self, address: str) -> str | None:
        """Why ``address`` cannot name a field of this format, or None when it can."""
        return None if address else "empty field address"

    # writing ---------------------------------------------------------------------------------

    @abstractmethod
    def write(self, fields: Sequence[OutField], time: str) -> list[str]:
        """Lines building ``out``. ``time`` is an expression of one variable, ``{}``, converting a
        source time to this format's time kind (``{}`` alone when the kinds agree)."""
