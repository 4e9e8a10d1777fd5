"""What the OPC UA proxy does with each source node: its routes, planned once from a translator file.

A route joins one source variable (the rule's ``source_id``) to one target variable (``target_id``)
through the rule's transforms, and back through the reverse rule when the rule is invertible. Rules
that combine several sources, and rules without node ids (written by hand, without ``tolka compile``),
cannot be routed node to node: the plan lists them with the reason. Constants are written once.

Writes are opt-in: a route is writable on the served model only when its rule inverts *and* write-back
is enabled for it — ``"write_back": true`` in the translator file, or its target id or target address
named to :meth:`Plan.writable` (``tolka proxy --write-back``). Whether the target model and the
client's role allow the write is the served target's business.

Example:
    >>> from translator.translation.spec import MessageFormat, Rule, Side, TranslatorSpec, Unit
    >>> rule = Rule("/t", ("T",), (Unit("CEL", "FAH"),), source_id="nsu=urn:a;i=1", target_id="nsu=urn:b;i=2")
    >>> sides = Side("a", MessageFormat("opcua-pubsub-json")), Side("b", MessageFormat("json"))
    >>> spec = TranslatorSpec(*sides, (rule,))
    >>> plan = plan_routes(spec)
    >>> plan.routes[0].forward(100.0), plan.routes[0].backward(212.0)
    (212.0, 100.0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from translator.errors import InputError, TolkaError
from translator.translation.compiled import Translator
from translator.translation.spec import MISSING, TranslatorSpec, reverse_spec

__all__ = ["Constant", "Plan", "Route", "plan_routes"]


@dataclass(frozen=True, slots=True)
class Route:
    """One source variable feeding one target variable.

    Attributes:
        rule: the rule's position in the translator file.
        source_id: the source node (``nsu=<uri>;<id>``).
        target_id: the target node.
        forward: source value → target value.
        backward: target value → source value, None when the rule has no inverse.
        target: the rule's target address (``/Skid_01/SC_107``).
        write_back: the translator file enables write-back for this rule.
    """

    rule: int
    source_id: str
    target_id: str
    forward: Callable[[Any], Any]
    backward: Callable[[Any], Any] | None = None
    target: str = ""
    write_back: bool = False


@dataclass(frozen=True, slots=True)
class Constant:
    """A target variable the translator fills with a constant."""

    rule: int
    target_id: str
    value: Any


@dataclass(frozen=True, slots=True)
class Plan:
    """The routes, the constants, the rules left out with why, and notes (write-back that cannot be)."""

    routes: tuple[Route, ...]
    constants: tuple[Constant, ...] = ()
    left_out: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def writable(self, write_back: Iterable[str] = ()) -> set[str]:
        """The target ids clients may write: routes whose rule inverts and has write-back enabled,
        in the translator file or by ``write_back`` (target ids or target addresses).

        Raises:
            InputError: ``write_back`` names no routed target, or one whose rule has no inverse.
        """
        out = {r.target_id for r in self.routes if r.write_back and r.backward is not None}
        for name in write_back:
            found = [r for r in self.routes if name in (r.target_id, r.target)]
            if not found:
                known = ", ".join(sorted(r.target for r in self.routes)[:5])
                raise InputError(
                    f"write-back for {name!r}: no routed rule has this target id or address "
                    f"(some are: {known})"
                )
            for route in found:
                if route.backward is None:
                    raise InputError(
                        f"write-back for {name!r}: rule {route.rule} ({route.target}) has no inverse, "
                        "so a write cannot be translated back to the source"
                    )
                out.add(route.target_id)
        return out

    def by_source(self) -> dict[str, list[Route]]:
        """The routes of each source node (one source may feed several targets)."""
        out: dict[str, list[Route]] = {}
        for route in self.routes:
            out.setdefault(route.source_id, []).append(route)
        return out


def plan_routes(spec: TranslatorSpec) -> Plan:
    """Plan the routes of ``spec``.

    Raises:
        TolkaError: not one rule can be routed (none carries node ids).
    """
    forward = Translator(spec)
    back_spec, _ = reverse_spec(spec)
    backward = Translator(back_spec) if back_spec.rules else None
    back_of = {rule.target_id: k for k, rule in enumerate(back_spec.rules) if rule.target_id}
    routes, constants, left_out, notes = [], [], [], []
    for k, rule in enumerate(spec.rules):
        if not rule.sources:
            if rule.target_id and rule.default is not MISSING:
                constants.append(Constant(k, rule.target_id, rule.default))
            else:
                left_out.append(f"rule {k} ({rule.target}): a constant without a target_id")
            continue
        if len(rule.sources) > 1:
            left_out.append(f"rule {k} ({rule.target}): combines {len(rule.sources)} sources")
            continue
        if not (rule.source_id and rule.target_id):
            left_out.append(
                f"rule {k} ({rule.target}): no source_id/target_id (compile it with tolka compile)"
            )
            continue
        index = back_of.get(rule.source_id)
        back = None
        if backward is not None and index is not None and back_spec.rules[index].source_id == rule.target_id:
            back = backward.rule_function(index)
        if rule.write_back and back is None:
            notes.append(
                f"rule {k} ({rule.target}): write_back is set but the rule has no inverse: read-only"
            )
        routes.append(
            Route(
                k,
                rule.source_id,
                rule.target_id,
                forward.rule_function(k),
                back,
                rule.target,
                rule.write_back,
            )
        )
    if not routes and not constants:
        raise TolkaError("no rule of this translator joins two OPC UA nodes: " + "; ".join(left_out[:5]))
    return Plan(tuple(routes), tuple(constants), tuple(left_out), tuple(notes))
