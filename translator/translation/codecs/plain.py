"""Plain nested JSON messages, fields addressed by JSON Pointer (RFC 6901).

Reading ``/tank/level`` becomes ``msg["tank"]["level"]`` in the compiled translator; a numeric token
(``/counters/0``) indexes a list or names an object member, whichever the message holds. Writing builds
the nested objects (and lists, where every key under a parent is a position 0…n-1) in one literal.
An optional message-level timestamp (``"timestamp": "/ts"`` in the format) is read as every field's
time and written from the source message's time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from translator.errors import MessageError
from translator.translation.codecs.base import Codec, FieldValue, OutField

__all__ = ["JsonCodec", "pointer_tokens"]


def pointer_tokens(pointer: str) -> list[str]:
    """The unescaped tokens of a JSON Pointer (``/a~1b/0`` → ``["a/b", "0"]``)."""
    if not pointer:
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _item(container: Any, token: str) -> Any:
    """``container[token]`` for an object, ``container[int(token)]`` for a list."""
    if isinstance(container, list):
        return container[int(token)]
    return container[token]


def _lookup(msg: Any, tokens: Sequence[str]) -> tuple[bool, Any]:
    """(found, value) at ``tokens`` in ``msg``."""
    node = msg
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _access(tokens: Sequence[str]) -> str:
    """The source expression reading ``tokens`` from ``msg``."""
    expression = "msg"
    for token in tokens:
        expression = f"_item({expression}, {token!r})" if token.isdigit() else f"{expression}[{token!r}]"
    return expression


class JsonCodec(Codec):
    """Plain nested JSON (``"type": "json"``)."""

    name = "json"
    time_kind = "iso"

    def names(self) -> dict[str, Any]:
        return {"_item": _item, "_lookup": _lookup, "_ts_tokens": pointer_tokens(self.fmt.timestamp or "")}

    def validate_address(self, address: str) -> str | None:
        if not address.startswith("/"):
            return f"expected a JSON Pointer (starting with '/'), found {address!r}"
        return None

    # reading ---------------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        check = "if msg.__class__ is not dict: raise TypeError(type(msg).__name__)"
        if self.fmt.timestamp is None:
            return [check, "mt = None"]
        return [check, "mt = _lookup(msg, _ts_tokens)[1]"]

    def read(self, i: int, address: str, *, time: bool, status: bool, unwrap: bool) -> list[str]:
        lines = [f"v{i} = {_access(pointer_tokens(address))}"]
        return lines + ([f"t{i} = mt"] if time else []) + ([f"s{i} = None"] if status else [])

    def check(self, msg: Any) -> None:
        if not isinstance(msg, dict):
            raise MessageError(f"expected a JSON object, found {type(msg).__name__}")

    def field(self, msg: Any, address: str) -> FieldValue | None:
        found, value = _lookup(msg, pointer_tokens(address))
        return FieldValue(value, self.message_time(msg)) if found else None

    def message_time(self, msg: Any) -> Any:
        if self.fmt.timestamp is None:
            return None
        return _lookup(msg, pointer_tokens(self.fmt.timestamp))[1]

    def message_time_field(self) -> str:
        return self.fmt.timestamp or super().message_time_field()

    # writing ---------------------------------------------------------------------------------

    def write(self, fields: Sequence[OutField], time: str) -> list[str]:
        tree: dict[str, Any] = {}
        leaves = [(f.address, f"r{f.index}") for f in fields]
        if self.fmt.timestamp is not None:
            leaves.append((self.fmt.timestamp, f"(None if mt is None else {time.format('mt')})"))
        for address, expression in leaves:
            _insert(tree, pointer_tokens(address), expression, address)
        return [f"out = {_literal(tree)}"]


def _insert(tree: dict[str, Any], tokens: Sequence[str], expression: str, address: str) -> None:
    if not tokens:
        raise ValueError(f"target {address!r}: the whole message cannot be one field")
    node = tree
    for token in tokens[:-1]:
        child = node.setdefault(token, {})
        if not isinstance(child, dict):
            raise ValueError(f"target {address!r}: {token!r} is already a field")
        node = child
    if tokens[-1] in node:
        raise ValueError(f"target {address!r}: written twice, or a field inside another field")
    node[tokens[-1]] = expression


def _literal(tree: dict[str, Any] | str) -> str:
    """A Python literal of the nested target: a list where the keys are exactly 0…n-1."""
    if isinstance(tree, str):
        return tree
    keys = list(tree)
    if keys and all(k.isdigit() for k in keys) and sorted(int(k) for k in keys) == list(range(len(keys))):
        return "[" + ", ".join(_literal(tree[str(k)]) for k in range(len(keys))) + "]"
    return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in tree.items()) + "}"
