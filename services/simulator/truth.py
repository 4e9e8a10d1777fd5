"""The ground truth of a recording: which field of A is which field of B, and how values convert.

The alignment holds one accepted ``skos:exactMatch`` per field both vendors observe, between the
two schemas' node ids. The translator file turns vendor A's PubSub messages into vendor B's JSON:
unit conversions (UNECE codes, computed by pint when it runs), the state-code map, flags cast to
0/1. Applied to stream A it gives stream B's values at A's instants, without B's noise, jitter or
clock offset (B's ``ts`` is A's time plus the lag).
"""

from __future__ import annotations

from collections.abc import Sequence

from services.simulator.fields import STATE_CODES, Encoding, Quantity
from services.simulator.schemas import A_SCHEMA_ID, B_SCHEMA_ID, a_node_id, b_node_id
from services.simulator.vendors import a_field, b_pointer
from translator.alignment.model import Alignment, Correspondence, Justification, Status
from translator.translation.spec import (
    Cast,
    MessageFormat,
    Rule,
    Side,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)

__all__ = ["transforms", "truth_alignment", "truth_translator"]


def transforms(quantity: Quantity) -> tuple[Transform, ...]:
    """The transforms from vendor A's value of ``quantity`` to vendor B's."""
    if quantity.encoding is Encoding.STATE:
        return (ValueMap(STATE_CODES),)
    if quantity.encoding is Encoding.FLAG:
        return (Cast("int", "bool"),)
    if quantity.a_unit != quantity.b_unit:
        return (Unit(quantity.a_unit, quantity.b_unit),)
    return ()


def _describe(steps: tuple[Transform, ...]) -> str:
    texts = []
    for step in steps:
        match step:
            case Unit(source, target):
                texts.append(f"unit {source} -> {target}")
            case ValueMap(pairs):
                texts.append("map " + ", ".join(f"{a}->{b}" for a, b in pairs))
            case Cast(to, source):
                texts.append(f"cast {source} -> {to}")
    return "; ".join(texts) or "copy"


def truth_alignment(units: int, quantities: Sequence[Quantity]) -> Alignment:
    """The true correspondences between vendor A's and vendor B's fields."""
    alignment = Alignment(
        source=A_SCHEMA_ID,
        target=B_SCHEMA_ID,
        mapping_set_id="http://tolka.dev/simulator/truth.sssom.tsv",
    )
    for unit in range(units):
        for quantity in quantities:
            if not quantity.shared:
                continue
            alignment.add(
                Correspondence(
                    a_node_id(unit, quantity),
                    b_node_id(unit, quantity),
                    confidence=1.0,
                    justification=Justification.MANUAL.value,
                    status=Status.ACCEPTED,
                    subject_label=quantity.a_path.rsplit("/", 1)[-1],
                    object_label=quantity.b_tag.replace("_", "-"),
                    subject_kind="field",
                    object_kind="field",
                    comment=f"simulated {quantity.key}: {_describe(transforms(quantity))}",
                )
            )
    return alignment


def truth_translator(units: int, quantities: Sequence[Quantity]) -> TranslatorSpec:
    """The translator file from vendor A's messages to vendor B's (``tolka translate`` runs it)."""
    rules = []
    for unit in range(units):
        for quantity in quantities:
            if not quantity.shared:
                continue
            rules.append(
                Rule(
                    target=b_pointer(unit, quantity),
                    sources=(a_field(unit, quantity),),
                    transforms=transforms(quantity),
                    unit=quantity.b_unit,
                    source_unit=quantity.a_unit,
                    source_id=a_node_id(unit, quantity),
                    target_id=b_node_id(unit, quantity),
                    confidence=1.0,
                )
            )
    return TranslatorSpec(
        Side("vendor_a.schema.json", MessageFormat("opcua-pubsub-json", dataset_writer_id=1)),
        Side("vendor_b.schema.json", MessageFormat("json", timestamp="/ts")),
        tuple(rules),
    )
