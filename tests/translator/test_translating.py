"""Compiled translators: every transform, every codec pair, the slow path, reversibility and bad input."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.errors import MessageError, TolkaError, TranslatorFileError
from translator.translation.codecs.senml import index_pack, record_value, resolve_pack
from translator.translation.compiled import Translator
from translator.translation.spec import (
    Affine,
    Cast,
    Invert,
    MessageFormat,
    Rule,
    Side,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)

PUBSUB = MessageFormat("opcua-pubsub-json")
JSON = MessageFormat("json")
SENML = MessageFormat("senml")
T0 = "2026-11-01T10:00:00Z"
T0_EPOCH = 1793527200.0


def one_rule(transforms: tuple[Transform, ...], **rule: Any) -> Translator:
    spec = TranslatorSpec(Side("a", JSON), Side("b", JSON), (Rule("/y", ("/x",), transforms, **rule),))
    return Translator(spec)


def pubsub(payload: dict[str, Any], **dataset: Any) -> dict[str, Any]:
    return {"MessageId": "m1", "MessageType": "ua-data", "Messages": [{"Payload": payload, **dataset}]}


@pytest.mark.parametrize(
    ("source", "target", "value", "expected"),
    [
        ("CEL", "FAH", 100.0, 212.0),
        ("FAH", "CEL", -40.0, -40.0),
        ("CEL", "KEL", 0.0, 273.15),
        ("BAR", "KPA", 1.0, 100.0),
        ("BAR", "PS", 1.0, 14.503773773),
        ("RPM", "HTZ", 1500.0, 25.0),
        ("MQH", "L2", 6.0, 100.0),
        ("KWT", "BHP", 1.0, 1.341022090),
    ],
)
def test_unit_conversions_give_the_known_constants(
    source: str, target: str, value: float, expected: float
) -> None:
    assert one_rule((Unit(source, target),)).translate({"x": value})["y"] == pytest.approx(expected, rel=1e-9)


def test_rpm_to_hz_is_exact() -> None:
    assert one_rule((Unit("RPM", "HTZ"),)).translate({"x": 1500})["y"] == 25.0


@pytest.mark.parametrize(
    ("transforms", "value", "expected"),
    [
        ((Affine(2.0, 1.0),), 3, 7.0),
        ((ValueMap(((0, "OFF"), (1, "RUN"))),), 1, "RUN"),
        ((ValueMap(((0, "OFF"),), default="?"),), 5, "?"),
        ((Invert(),), True, False),
        ((Invert(),), "off", True),
        ((Cast("int"),), 1499.6, 1500),
        ((Cast("int"),), "-2.5", -3),
        ((Cast("float"),), "2.5", 2.5),
        ((Cast("bool"),), "ON", True),
        ((Cast("bool"),), 0, False),
        ((Cast("string"),), True, "true"),
        ((Cast("string"),), 2.5, "2.5"),
        ((Cast("time"),), 0, "1970-01-01T00:00:00Z"),
        ((Cast("time"),), "2026-11-01T11:00:00.500+01:00", "2026-11-01T10:00:00.5Z"),
        ((Unit("CEL", "FAH"), Cast("int")), 37.0, 99),
    ],
)
def test_each_transform(transforms: tuple[Transform, ...], value: object, expected: object) -> None:
    assert one_rule(transforms).translate({"x": value}) == {"y": expected}


def test_errors_name_the_field_and_the_value() -> None:
    translator = one_rule((ValueMap(((0, "OFF"),)),))
    with pytest.raises(MessageError) as caught:
        translator.translate({"x": 7})
    assert caught.value.field == "/x"
    assert "7" in str(caught.value)
    assert "value map" in str(caught.value)
    with pytest.raises(MessageError, match="absent"):
        translator.translate({"z": 0})
    with pytest.raises(MessageError, match="cannot be transformed"):
        one_rule((Unit("CEL", "FAH"),)).translate({"x": "hot"})
    with pytest.raises(MessageError, match="expected a JSON object"):
        translator.translate([0])


def test_defaults_constants_and_combined_sources() -> None:
    spec = TranslatorSpec(
        Side("a", JSON),
        Side("b", JSON),
        (
            Rule("/site", default="north"),
            Rule("/level", ("/tank/level",), default=0.0),
            Rule("/total", ("/a", "/b"), combine="sum"),
            Rule("/mean", ("/a", "/b"), combine="mean"),
            Rule("/any", ("/missing", "/b"), combine="first"),
            Rule("/first/0", ("/list/1",)),
        ),
    )
    out = Translator(spec).translate({"a": 1, "b": 3, "list": [5, 6]})
    assert out == {"site": "north", "level": 0.0, "total": 4, "mean": 2.0, "any": 3, "first": [6]}


def test_pubsub_to_json_reads_datavalues_variants_and_bare_values() -> None:
    spec = TranslatorSpec(
        Side("a", PUBSUB),
        Side("b", MessageFormat("json", timestamp="/ts")),
        (
            Rule("/t", ("Temp",), (Unit("CEL", "FAH"),)),
            Rule("/n", ("Count",)),
            Rule("/raw", ("Raw",), (Affine(10.0),)),
            Rule("/v", ("Variant",), (Affine(1.0, 1.0),)),
        ),
    )
    message = pubsub(
        {
            "Temp": {"Value": 20.0},
            "Count": {"Value": {"Type": 6, "Body": 4}},
            "Raw": 2.5,
            "Variant": {"UaType": 11, "Value": 1.5},
        },
        Timestamp=T0,
    )
    assert Translator(spec).translate(message) == {"t": 68.0, "n": 4, "raw": 25.0, "v": 2.5, "ts": T0}


def test_timestamps_and_status_codes_are_carried_through_pubsub_and_senml() -> None:
    rules = (Rule("Temp", ("Temp",), (Unit("CEL", "KEL"),)), Rule("Valve", ("Valve",)))
    same = Translator(
        TranslatorSpec(
            Side("a", PUBSUB),
            Side("b", MessageFormat("opcua-pubsub-json", dataset_writer_id=7, publisher_id="tolka")),
            rules,
        )
    )
    bad = 0x80000000
    message = pubsub(
        {
            "Temp": {"Value": 0.0, "SourceTimestamp": T0, "StatusCode": 0x00400000},
            "Valve": {"StatusCode": bad, "SourceTimestamp": T0},
        },
        Timestamp=T0,
    )
    out = same.translate(message)
    assert out["MessageType"] == "ua-data"
    assert out["PublisherId"] == "tolka"
    dataset = out["Messages"][0]
    assert dataset["DataSetWriterId"] == 7
    assert dataset["Timestamp"] == T0
    assert dataset["Payload"]["Temp"] == {"Value": 273.15, "SourceTimestamp": T0, "StatusCode": 0x00400000}
    assert dataset["Payload"]["Valve"] == {"Value": None, "SourceTimestamp": T0, "StatusCode": bad}
    assert same.translate(message)["MessageId"] != out["MessageId"]

    senml = Translator(
        TranslatorSpec(Side("a", PUBSUB), Side("b", MessageFormat("senml", base_name="skid1.")), rules)
    )
    pack = senml.translate(message)
    assert pack[0] == {"n": "Temp", "v": 273.15, "bn": "skid1.", "bt": T0_EPOCH}
    assert pack[1] == {"n": "Valve"}
    null = pubsub(
        {"Temp": {"StatusCode": bad, "SourceTimestamp": "2026-11-01T10:00:00.25Z"}, "Valve": {"Value": 1}}
    )
    assert senml.translate(null) == [
        {"n": "Temp", "t": T0_EPOCH + 0.25, "bn": "skid1."},
        {"n": "Valve", "v": 1},
    ]

    back = Translator(
        TranslatorSpec(Side("b", MessageFormat("senml", base_name="skid1.")), Side("a", PUBSUB), rules[:1])
    )
    later = [{"bn": "skid1.", "bt": T0_EPOCH, "n": "Temp", "v": 1.0, "t": 1.5}]
    assert (
        back.translate(later)["Messages"][0]["Payload"]["Temp"]["SourceTimestamp"] == "2026-11-01T10:00:01.5Z"
    )


def test_a_time_that_cannot_be_converted_is_an_error_naming_its_field() -> None:
    rules = (Rule("temp", ("Temp",), (Unit("CEL", "KEL"),)), Rule("valve", ("Valve",)))
    to_senml = Translator(TranslatorSpec(Side("a", PUBSUB), Side("b", SENML), rules))
    good = {"Value": 1.0, "SourceTimestamp": T0}
    for bad in ("yesterday", [1], True):
        with pytest.raises(MessageError) as caught:
            to_senml.translate(pubsub({"Temp": good, "Valve": good}, Timestamp=bad))
        assert caught.value.field == "Timestamp"
        with pytest.raises(MessageError) as caught:
            to_senml.translate(pubsub({"Temp": good, "Valve": {"Value": 1, "SourceTimestamp": bad}}))
        assert caught.value.field == "Valve"
        assert "cannot be read" in str(caught.value)
    # an epoch time too far out for a calendar is an error, not a crash
    to_json = Translator(
        TranslatorSpec(
            Side("a", SENML), Side("b", MessageFormat("json", timestamp="/ts")), (Rule("/t", ("Temp",)),)
        )
    )
    with pytest.raises(MessageError) as caught:
        to_json.translate([{"bt": 1e300, "n": "Temp", "v": 1.0}])
    assert caught.value.field == "bt"


def test_senml_base_fields_resolve() -> None:
    spec = TranslatorSpec(
        Side("a", SENML), Side("b", JSON), (Rule("/a", ("dev1/temp",)), Rule("/b", ("dev1/on",)))
    )
    pack = [
        {"bn": "dev1/", "bt": 100.0, "bv": 10.0, "n": "temp", "v": 1.5, "t": 0},
        {"n": "temp", "v": 2.5, "t": 5},  # later record of the same name wins
        {"n": "on", "vb": True},
    ]
    assert Translator(spec).translate(pack) == {"a": 12.5, "b": True}
    with pytest.raises(MessageError, match="record 1: no name"):
        Translator(spec).translate([{"n": "x", "v": 1}, {"v": 2}])


def test_the_dataset_writer_is_picked_by_id() -> None:
    spec = TranslatorSpec(
        Side("a", MessageFormat("opcua-pubsub-json", dataset_writer_id=2)),
        Side("b", JSON),
        (Rule("/x", ("X",)),),
    )
    message = {
        "Messages": [
            {"DataSetWriterId": 1, "Payload": {"X": {"Value": 1}}},
            {"DataSetWriterId": 2, "Payload": {"X": {"Value": 2}}},
        ]
    }
    assert Translator(spec).translate(message) == {"x": 2}
    with pytest.raises(MessageError, match="DataSetWriterId 2"):
        Translator(spec).translate({"Messages": [{"DataSetWriterId": 1, "Payload": {}}]})
    with pytest.raises(MessageError, match="not a data message"):
        Translator(spec).translate({"MessageType": "ua-metadata", "Messages": []})


def test_pubsub_delta_frames_are_read_with_the_fields_of_earlier_frames() -> None:
    spec = TranslatorSpec(Side("a", PUBSUB), Side("b", JSON), (Rule("/x", ("X",)), Rule("/y", ("Y",))))
    translator = Translator(spec)

    def frame(kind: str, payload: dict[str, Any], writer: int = 1) -> dict[str, Any]:
        dataset = {"DataSetWriterId": writer, "MessageType": kind, "Payload": payload}
        return {"MessageId": "m", "MessageType": "ua-data", "PublisherId": "p", "Messages": [dataset]}

    with pytest.raises(MessageError, match="absent"):  # a delta before any key frame: its own fields
        translator.translate(frame("ua-deltaframe", {"X": {"Value": 0}}))
    key = frame("ua-keyframe", {"X": {"Value": 1}, "Y": {"Value": 2}})
    assert translator.translate(key) == {"x": 1, "y": 2}
    assert translator.translate(frame("ua-deltaframe", {"Y": {"Value": 3}})) == {"x": 1, "y": 3}
    assert translator.translate(frame("ua-deltaframe", {"X": {"Value": 4}})) == {"x": 4, "y": 3}
    other = frame("ua-keyframe", {"X": {"Value": 9}, "Y": {"Value": 9}}, writer=2)
    assert translator.translate(other) == {"x": 9, "y": 9}  # another writer's state is its own
    assert translator.translate(frame("ua-deltaframe", {"X": {"Value": 5}})) == {"x": 5, "y": 3}
    plain = {"Messages": [{"Payload": {"X": {"Value": 6}}}]}  # no MessageType: read as it is
    with pytest.raises(MessageError, match="absent"):
        translator.translate(plain)


def test_pubsub_layouts_of_1_04_and_1_05_are_read() -> None:
    spec = TranslatorSpec(
        Side("a", MessageFormat("opcua-pubsub-json", dataset_writer_id=2)),
        Side("b", JSON),
        (Rule("/x", ("X",)),),
    )
    translator = Translator(spec)
    alive = {"DataSetWriterId": 2, "MessageType": "ua-keepalive", "SequenceNumber": 9}
    data = {"DataSetWriterId": 2, "Payload": {"X": {"Value": 1}}}
    assert translator.translate({"MessageType": "ua-data", "Messages": [alive, data]}) == {"x": 1}
    with pytest.raises(MessageError, match="only keep-alive"):
        translator.translate({"MessageId": "k", "MessageType": "ua-data", "Messages": [alive]})
    single = {"MessageType": "ua-data", "Messages": {"DataSetWriterId": 2, "Payload": {"X": 3}}}
    assert translator.translate(single) == {"x": 3}  # 1.04: SingleDataSetMessage, an object
    old_id = {"Messages": [{"DataSetWriterId": "2", "Payload": {"X": {"Value": 4}}}]}
    assert translator.translate(old_id) == {"x": 4}  # 1.04 before its errata: the id as text
    headerless = {"DataSetWriterId": 2, "MessageType": "ua-keyframe", "Payload": {"X": {"Value": 5}}}
    assert translator.translate(headerless) == {"x": 5}  # A.3.3: a DataSetMessage alone
    with pytest.raises(MessageError, match="'ua-metadata', not 'ua-data'"):
        translator.translate({"MessageId": "m", "MessageType": "ua-metadata", "MetaData": {}})


def test_batch_and_bytes() -> None:
    translator = one_rule((Affine(2.0),))
    batch = translator.translate_many([{"x": 1}, {"x": "a"}, {"x": 3}])
    assert batch.messages == [{"y": 2.0}, None, {"y": 6.0}]
    assert [k for k, _ in batch.errors] == [1]
    assert orjson.loads(translator.translate_json(b'{"x": 4}')) == {"y": 8.0}
    with pytest.raises(MessageError, match="not JSON"):
        translator.translate_json(b"{")


def test_bad_addresses_and_clashing_targets_are_refused_when_compiled() -> None:
    with pytest.raises(TranslatorFileError, match="JSON Pointer"):
        Translator(TranslatorSpec(Side("a", JSON), Side("b", JSON), (Rule("y", ("/x",)),)))
    with pytest.raises(TranslatorFileError, match="already a field"):
        Translator(
            TranslatorSpec(Side("a", JSON), Side("b", JSON), (Rule("/y", ("/x",)), Rule("/y/z", ("/x",))))
        )


def test_reverse_refuses_a_translator_with_nothing_to_reverse() -> None:
    spec = TranslatorSpec(Side("a", JSON), Side("b", JSON), (Rule("/site", default="north"),))
    with pytest.raises(TolkaError, match="no rule"):
        Translator(spec).reverse()


def test_generated_code_holds_no_rule_text() -> None:
    # addresses enter the generated source only as repr() of a str; values only as bound names
    evil = "x'] + __import__('os').getcwd() + msg['"
    spec = TranslatorSpec(
        Side("a", JSON), Side("b", JSON), (Rule("/" + evil, ("/" + evil,), (ValueMap((("a", "b"),)),)),)
    )
    translator = Translator(spec)
    assert translator.translate({evil: "a"}) == {evil: "b"}


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

FORMATS = {"json": JSON, "senml": SENML, "opcua-pubsub-json": PUBSUB}
UNITS = [("CEL", "FAH"), ("BAR", "PS"), ("RPM", "HTZ"), ("MQH", "L2"), ("KWT", "BHP"), ("CEL", "KEL")]
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def address(fmt: str, name: str) -> str:
    return f"/{name}" if fmt == "json" else name


def encode(fmt: str, values: dict[str, Any]) -> Any:
    if fmt == "json":
        return dict(values)
    if fmt == "senml":
        return [
            {"n": k, **({"vb": v} if isinstance(v, bool) else {"vs": v} if isinstance(v, str) else {"v": v})}
            for k, v in values.items()
        ]
    return pubsub({k: {"Value": v} for k, v in values.items()})


def decode(fmt: str, message: Any) -> dict[str, Any]:
    if fmt == "json":
        return dict(message)
    if fmt == "senml":
        return {r["n"]: r.get("v", r.get("vs", r.get("vb"))) for r in message}
    return {k: f["Value"] for k, f in message["Messages"][0]["Payload"].items()}


@settings(max_examples=60, deadline=None)
@given(
    source=st.sampled_from(sorted(FORMATS)),
    target=st.sampled_from(sorted(FORMATS)),
    units=st.sampled_from(UNITS),
    a=st.floats(min_value=0.01, max_value=100.0),
    b=finite,
    number=finite,
    state=st.sampled_from([0, 1, 2]),
    flag=st.booleans(),
    count=st.integers(min_value=-(10**6), max_value=10**6),
)
def test_reverse_of_translate_gives_the_message_back(
    source: str,
    target: str,
    units: tuple[str, str],
    a: float,
    b: float,
    number: float,
    state: int,
    flag: bool,
    count: int,
) -> None:
    names = ("q", "k", "s", "f", "c")
    transforms: list[tuple[Transform, ...]] = [
        (Unit(*units),),
        (Affine(a, b),),
        (ValueMap(((0, "OFF"), (1, "RUN"), (2, "TRIP"))),),
        (Invert(),),
        (Cast("string", "int"),),
    ]
    rules = tuple(
        Rule(address(target, f"out_{n}"), (address(source, n),), t)
        for n, t in zip(names, transforms, strict=True)
    )
    forward = Translator(TranslatorSpec(Side("a", FORMATS[source]), Side("b", FORMATS[target]), rules))
    backward, skipped = forward.reverse()
    assert not skipped
    values = {"q": number, "k": number, "s": state, "f": flag, "c": count}
    message = encode(source, values)
    translated = forward.translate(message)
    again = decode(source, backward.translate(translated))
    assert again["s"] == state
    assert again["f"] is flag
    assert again["c"] == count
    for name in ("q", "k"):
        assert math.isclose(again[name], number, rel_tol=1e-9, abs_tol=1e-6)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


def well_formed_but(fmt: str, fields: dict[str, Any], time: Any) -> Any:
    """A message of ``fmt`` holding ``fields`` (any values) and ``time`` (any value) as its times."""
    if fmt == "json":
        return {**fields, "ts": time}
    if fmt == "senml":
        return [{"bt": time, "n": "ts"}] + [{"n": k, "v": v, "t": time} for k, v in fields.items()]
    return pubsub({k: {"Value": v, "SourceTimestamp": time} for k, v in fields.items()}, Timestamp=time)


@settings(max_examples=200, deadline=None)
@given(
    source=st.sampled_from(sorted(FORMATS)),
    target=st.sampled_from(sorted(FORMATS)),
    message=json_values,
    fields=st.dictionaries(st.sampled_from("abc"), json_values, max_size=3),
    time=json_values,
)
def test_malformed_messages_only_raise_message_errors(
    source: str, target: str, message: Any, fields: dict[str, Any], time: Any
) -> None:
    rules = (
        Rule(address(target, "a"), (address(source, "a"),), (Unit("CEL", "FAH"),)),
        Rule(address(target, "b"), (address(source, "b"),), (ValueMap(((1, "x"),)),)),
        Rule(address(target, "c"), (address(source, "c"),), (Cast("int"),)),
    )
    side = {**FORMATS, "json": MessageFormat("json", timestamp="/ts")}
    translator = Translator(TranslatorSpec(Side("a", side[source]), Side("b", side[target]), rules))
    # anything but a MessageError (a crash) fails the test: wholly random input, and a message of the
    # right shape whose values and times are random
    for candidate in (message, well_formed_but(source, fields, time)):
        with contextlib.suppress(MessageError):
            translator.translate(candidate)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.one_of(finite, st.integers(), st.booleans(), st.none(), st.text(max_size=3)),
        min_size=3,
        max_size=3,
    ),
    shape=st.sampled_from(["datavalue", "variant", "bare"]),
)
def test_the_fast_path_and_the_slow_path_agree(values: list[Any], shape: str) -> None:
    rules = (
        Rule("/a", ("A",), (Affine(2.0, 1.0),)),
        Rule("/b", ("B",), ()),
        Rule("/c", ("C",), (Cast("string"),), default="none"),
    )
    translator = Translator(TranslatorSpec(Side("a", PUBSUB), Side("b", JSON), rules))

    def wrap(v: Any) -> Any:
        return {"Value": v} if shape == "datavalue" else {"Type": 11, "Body": v} if shape == "variant" else v

    message = pubsub({k: wrap(v) for k, v in zip("ABC", values, strict=True)})
    try:
        fast = translator.translate(message)
    except MessageError:
        fast = "error"
    slow: Any = {}
    try:
        for i, rule in enumerate(rules):
            slow[rule.target[1:]] = translator._slow_field(i, message)[0]
    except MessageError:
        slow = "error"
    assert fast == slow


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        (
            MessageFormat("json", timestamp="/ts"),
            {"ts": T0, "tank": {"level": 1.5, "ok": True}, "mode": "RUN"},
        ),
        (
            MessageFormat("senml", base_name="skid1."),
            [
                {"n": "level", "v": 1.5, "bn": "skid1.", "bt": T0_EPOCH},
                {"n": "ok", "vb": True, "t": 0.5},
                {"n": "mode", "vs": "RUN"},
            ],
        ),
        (
            MessageFormat("opcua-pubsub-json", dataset_writer_id=4, publisher_id="p"),
            {
                "MessageId": "x",
                "MessageType": "ua-data",
                "PublisherId": "p",
                "Messages": [
                    {
                        "DataSetWriterId": 4,
                        "MessageType": "ua-keyframe",  # what Tolka writes: all the fields
                        "Payload": {
                            "level": {"Value": 1.5, "SourceTimestamp": T0},
                            "ok": {"Value": True, "StatusCode": 1073741824},
                            "mode": {"Value": "RUN"},
                        },
                        "Timestamp": T0,
                    }
                ],
            },
        ),
    ],
)
def test_every_codec_round_trips_its_own_messages(fmt: MessageFormat, message: Any) -> None:
    fields = {"json": ("/tank/level", "/tank/ok", "/mode"), "senml": ("level", "ok", "mode")}
    names = fields.get(fmt.type, ("level", "ok", "mode"))
    identity = Translator(TranslatorSpec(Side("a", fmt), Side("a", fmt), tuple(Rule(n, (n,)) for n in names)))
    out = identity.translate(message)
    if fmt.type == "opcua-pubsub-json":
        assert out.pop("MessageId") != message["MessageId"]  # a fresh id per message written
        message = {k: v for k, v in message.items() if k != "MessageId"}
    assert out == message


senml_records = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "bn": st.sampled_from(["", "dev/", "x/"]),
            "bt": st.sampled_from([0, 5, 100.0]),
            "bv": st.just(1.0),
            "n": st.sampled_from(["a", "b", "c"]),
            "v": finite,
            "vs": st.text(max_size=2),
            "vb": st.booleans(),
            "t": st.sampled_from([-1.0, 0.5, 2]),
        },
    ),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(pack=senml_records, base=st.sampled_from(["", "dev/"]))
def test_the_fast_senml_index_reads_what_the_full_resolution_reads(
    pack: list[dict[str, Any]], base: str
) -> None:
    try:
        expected, message_time = resolve_pack(pack, base)
    except MessageError:
        return
    records, base_time, message_time_fast = index_pack(pack, base)
    assert message_time_fast == message_time
    read = {
        name: (
            record["v"] if "v" in record else record_value(record),
            base_time + record["t"] if "t" in record else (base_time or None),
        )
        for name, record in records.items()
    }
    assert read == expected
