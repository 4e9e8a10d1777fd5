"""Compiling an alignment into a translator file: units, enums, casts, refusals, object children."""

from __future__ import annotations

import pytest

from adapters import load_paths
from tests.paths import VENDOR_A, VENDOR_B
from translator.alignment.model import Alignment, Correspondence, Status
from translator.errors import IncompatibleFieldsError
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.translation.compiled import Translator
from translator.translation.compiler import compile_alignment, field_address
from translator.translation.spec import Cast, MessageFormat, Side, Unit, ValueMap
from translator.translation.valuemaps import pair_enums

A = "nsu=http://tolka.dev/demo/VendorA/;i="
B = "nsu=http://tolka.dev/demo/VendorB/;i="
PUBSUB = Side("VendorA", MessageFormat("opcua-pubsub-json"))
JSON = Side("VendorB", MessageFormat("json"))


@pytest.fixture(scope="module")
def vendors() -> tuple[SchemaGraph, SchemaGraph]:
    return load_paths([VENDOR_A]), load_paths([VENDOR_B])


def alignment(*pairs: tuple[str, str], status: Status = Status.PROPOSED) -> Alignment:
    return Alignment(
        "A", "B", [Correspondence(A + a, B + b, confidence=0.9, status=status) for a, b in pairs]
    )


def test_demo_pairs_compile_to_unit_conversions_and_value_maps(
    vendors: tuple[SchemaGraph, SchemaGraph],
) -> None:
    a, b = vendors
    # Pump speed (rpm) → SC_107 (Hz); pump state (enum) → XS_112 (status word); outlet temperature °C → °F
    result = compile_alignment(
        alignment(("6061", "6020"), ("6073", "6041"), ("6082", "6008")),
        a,
        b,
        source_side=PUBSUB,
        target_side=JSON,
    )
    rules = {rule.target: rule for rule in result.spec.rules}
    assert rules["/Skid_01/PLC/AnalogInputs/SC_107"].transforms == (Unit("RPM", "HTZ"),)
    assert rules["/Skid_01/PLC/AnalogInputs/SC_107"].sources == ("PumpSkid1.Pump.Speed",)
    xs_112 = b.get(B + "6041")
    assert xs_112 is not None
    state = rules[field_address(xs_112, JSON.format)]
    assert state.transforms == (ValueMap(((0, 10), (1, 20), (2, 90))),)
    assert rules["/Skid_01/PLC/AnalogInputs/TT_103"].transforms == (Unit("CEL", "FAH"),)
    assert not result.notes
    payload = {
        "PumpSkid1.Pump.Speed": {"Value": 1500.0},
        "PumpSkid1.Pump.State": {"Value": 2},
        "PumpSkid1.Heater.OutletTemperature": {"Value": 100.0},
    }
    out = Translator(result.spec).translate({"Messages": [{"Payload": payload}]})
    assert out["Skid_01"]["PLC"]["AnalogInputs"] == {"SC_107": 25.0, "TT_103": 212.0}
    group, tag = state.target.strip("/").split("/")[-2:]
    assert out["Skid_01"]["PLC"][group][tag] == 90  # Fault → TRIP


def test_incompatible_pairs_are_refused_naming_both_fields(vendors: tuple[SchemaGraph, SchemaGraph]) -> None:
    a, b = vendors
    booleans = [n for n in b.own_nodes() if n.kind is NodeKind.VARIABLE and n.datatype == "Boolean"]
    with pytest.raises(IncompatibleFieldsError) as caught:
        compile_alignment(
            alignment(("6082", booleans[0].id[len(B) :])), a, b, source_side=PUBSUB, target_side=JSON
        )
    assert caught.value.source_field == A + "6082"
    assert caught.value.target_field == booleans[0].id
    assert "boolean" in str(caught.value)
    with pytest.raises(IncompatibleFieldsError, match="different quantities"):  # °C → psi
        compile_alignment(alignment(("6082", "6011")), a, b, source_side=PUBSUB, target_side=JSON)


def test_rejected_are_never_used_and_accepted_only_is_honoured(
    vendors: tuple[SchemaGraph, SchemaGraph],
) -> None:
    a, b = vendors
    rejected = alignment(("6061", "6020"), status=Status.REJECTED)
    assert compile_alignment(rejected, a, b, source_side=PUBSUB, target_side=JSON).spec.rules == ()
    proposed = alignment(("6061", "6020"))
    assert len(compile_alignment(proposed, a, b, source_side=PUBSUB, target_side=JSON).spec.rules) == 1
    only = compile_alignment(proposed, a, b, source_side=PUBSUB, target_side=JSON, accepted_only=True)
    assert only.spec.rules == ()
    assert "no rules" in only.notes[0]


def _graph(prefix: str, parent: str, fields: dict[str, tuple[str, str]]) -> SchemaGraph:
    graph = SchemaGraph()
    graph.add_node(Node(f"{prefix}#/{parent}", NodeKind.OBJECT, parent, path=f"/{parent}"))
    for name, (datatype, unit) in fields.items():
        node = Node(
            f"{prefix}#/{parent}/{name}",
            NodeKind.FIELD,
            name,
            datatype=datatype,
            unit=unit,
            path=f"/{parent}/{name}",
        )
        graph.add_node(node)
        graph.add_edge(f"{prefix}#/{parent}", node.id, "child")
    return graph


def test_an_object_correspondence_pairs_its_children_by_name() -> None:
    source = _graph(
        "a", "pump", {"speed": ("number", "RPM"), "count": ("number", ""), "only_here": ("string", "")}
    )
    target = _graph(
        "b", "P101", {"Speed": ("number", "HTZ"), "count": ("integer", ""), "other": ("string", "")}
    )
    mapped = Alignment("a", "b", [Correspondence("a#/pump", "b#/P101")])
    result = compile_alignment(
        mapped, source, target, source_side=Side("a", MessageFormat("json")), target_side=JSON
    )
    rules = {rule.target: rule for rule in result.spec.rules}
    assert set(rules) == {"/P101/Speed", "/P101/count"}
    assert rules["/P101/Speed"].transforms == (Unit("RPM", "HTZ"),)
    assert rules["/P101/count"].transforms == (Cast("int", "float"),)


def test_enumerations_pair_by_name_abbreviation_and_state_vocabulary() -> None:
    pairs, unpaired = pair_enums(
        ("Stopped=0", "Running=1", "Fault=2", "Maintenance=3"), ("OFF=10", "RUN=20", "TRIP=90")
    )
    assert pairs == ((0, 10), (1, 20), (2, 90))
    assert unpaired == ("Maintenance=3",)
    assert pair_enums(("Open", "Closed"), ("CLOSED", "OPEN"))[0] == (("Open", "OPEN"), ("Closed", "CLOSED"))
