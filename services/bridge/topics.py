"""Topics that keep the device: the topic a translation goes to, built from the topic it came on.

A subscription's ``+`` wildcards are numbered from 1, left to right; a level written ``{name}`` is a
``+`` with a name. A publish (or dead-letter) topic names them in braces, ``{1}`` or ``{name}``, and
each is replaced by the level the message's topic had there:

>>> sub = Subscription.parse("plant/{line}/+/a")
>>> sub.filter
'plant/+/+/a'
>>> TopicTemplate.parse("plant/{line}/{2}/b", sub).render("plant/line1/press7/a")
'plant/line1/press7/b'

A topic without braces is published to as it is. ``{{`` and ``}}`` are a literal brace. A name or
number the subscription does not have is an error naming it, raised before anything connects.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from services.mqtt.broker import MqttSettingsError, check_topic

__all__ = ["Subscription", "TopicTemplate", "filters_overlap"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class Subscription:
    """A topic filter whose ``+`` levels may have names.

    Attributes:
        given: the filter as written (``plant/{line}/+/a``). filter: the MQTT filter (``plant/+/+/a``).
        levels: the level index of each ``+``, in order (``{1}`` is ``levels[0]``).
        names: the named wildcards, name → number (from 1).
    """

    given: str
    filter: str
    levels: tuple[int, ...] = ()
    names: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, option: str = "--subscribe") -> Subscription:
        """Read a filter with named wildcards (it is not otherwise checked: see ``check_filter``).

        Raises:
            MqttSettingsError: a level with a brace that is not one whole ``{name}``, or a name twice.
        """
        plain: list[str] = []
        wildcards: list[int] = []
        names: dict[str, int] = {}
        for k, given in enumerate(text.split("/")):
            level = given
            if "{" in level or "}" in level:
                name = level[1:-1] if level.startswith("{") and level.endswith("}") else ""
                if not _NAME.fullmatch(name):
                    raise MqttSettingsError(
                        f"{text!r}: level {k + 1} ({level!r}) is no named wildcard: a whole level "
                        "{name}, the name letters, digits and _ (not a number: those are the + levels')",
                        option=option,
                        value=text,
                    )
                if name in names:
                    raise MqttSettingsError(f"{text!r} names {{{name}}} twice", option=option, value=text)
                names[name] = len(wildcards) + 1
                level = "+"
            if level == "+":
                wildcards.append(k)
            plain.append(level)
        return cls(text, "/".join(plain), tuple(wildcards), names)

    def placeholders(self) -> str:
        """What a template may name, for an error: ``{1}, {2}, {line}``, or that there is nothing."""
        known = [f"{{{n}}}" for n in range(1, len(self.levels) + 1)] + [f"{{{n}}}" for n in self.names]
        return ", ".join(known) if known else "no + wildcard"


@dataclass(frozen=True, slots=True)
class TopicTemplate:
    """A topic to publish to, its placeholders bound to the levels of a subscription.

    Attributes:
        text: the template as written. parts: literal text, or the level index of the incoming topic
            that goes there. fixed: the topic itself when it has no placeholder, else None.
    """

    text: str
    parts: tuple[str | int, ...]
    fixed: str | None

    @classmethod
    def parse(cls, text: str, subscription: Subscription, option: str = "--publish") -> TopicTemplate:
        """Read ``text`` against ``subscription``.

        Raises:
            MqttSettingsError: a wildcard, a ``$`` topic, an unbalanced brace, an empty or formatted
                placeholder, or one that names a wildcard the subscription does not have.
        """
        check_topic(text, option)
        try:
            pieces = list(string.Formatter().parse(text))
        except ValueError as exc:
            raise MqttSettingsError(
                f"{text!r}: {exc} (a literal brace is written {{{{ or }}}})", option=option, value=text
            ) from None
        parts: list[str | int] = []
        placeholders = 0
        for literal, name, spec, conversion in pieces:
            if literal:
                parts.append(literal)
            if name is None:
                continue
            if spec or conversion:
                raise MqttSettingsError(
                    f"{text!r}: {{{name}...}} has a format; a placeholder is {{n}} or {{name}} alone",
                    option=option,
                    value=text,
                )
            parts.append(subscription.levels[_number(text, name, subscription, option) - 1])
            placeholders += 1
        fixed = "".join(p for p in parts if isinstance(p, str)) if not placeholders else None
        return cls(text, tuple(parts), fixed)

    def render(self, topic: str) -> str:
        """The topic for a message that came on ``topic`` (a topic the subscription matched)."""
        if self.fixed is not None:
            return self.fixed
        levels = topic.split("/")
        return "".join(part if isinstance(part, str) else levels[part] for part in self.parts)

    @property
    def as_filter(self) -> str:
        """A filter matching every topic this template can make (a placeholder's level is ``+``)."""
        if self.fixed is not None:
            return self.fixed
        marked = "".join(part if isinstance(part, str) else "\0" for part in self.parts)
        return "/".join("+" if "\0" in level else level for level in marked.split("/"))


def _number(text: str, name: str, subscription: Subscription, option: str) -> int:
    """The wildcard number a placeholder names."""
    if _NUMBER.fullmatch(name):
        number = int(name)
        if number <= len(subscription.levels):
            return number
        count = len(subscription.levels)
        has = f"has {count} + wildcard{'s' if count != 1 else ''}" if count else "has no + wildcard"
        raise MqttSettingsError(
            f"{text!r} names {{{name}}}, but the --subscribe filter {subscription.given!r} {has}",
            option=option,
            value=text,
        )
    if name in subscription.names:
        return subscription.names[name]
    if not name:
        raise MqttSettingsError(
            f"{text!r} has an empty placeholder {{}}: number it ({{1}}) or name it ({{line}})",
            option=option,
            value=text,
        )
    raise MqttSettingsError(
        f"{text!r} names {{{name}}}, which the --subscribe filter {subscription.given!r} does not have "
        f"(it has {subscription.placeholders()})",
        option=option,
        value=text,
    )


def filters_overlap(first: str, second: str) -> bool:
    """Whether some topic matches both filters (``+`` one level, ``#`` the rest, the parent too).

    >>> filters_overlap("plant/+/+/a", "plant/+/+/b"), filters_overlap("plant/a/#", "plant/a")
    (False, True)
    """
    a, b = first.split("/"), second.split("/")
    for k in range(max(len(a), len(b))):
        if k >= len(a) or k >= len(b):
            return (a[k:] or b[k:]) == ["#"]
        x, y = a[k], b[k]
        if "#" in (x, y):
            return True
        if x != y and "+" not in (x, y):
            return False
    return True
