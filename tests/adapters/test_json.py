"""The JSON Schema and sample-message adapters, with hypothesis on the inference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters import load_paths
from adapters.samples import infer_graph, senml_records
from tests.paths import TEST_DATA, shared
from translator.errors import ModelContentError, ParseError
from translator.graph.model import NodeKind

PUMP = "urn:tolka:test:pump#"


def test_json_schema_ids_paths_units_and_refs() -> None:
    graph = load_paths([TEST_DATA / "pump.schema.json"])
    assert graph.name == "urn:tolka:test:pump"  # the trailing '#' of $id is dropped
    speed = graph["urn:tolka:test:pump#/properties/pump/properties/speed"]
    assert (speed.kind, speed.path, speed.unit, speed.label) == (
        NodeKind.FIELD,
        "/pump/speed",
        "RPM",
        "Pump speed",
    )
    assert (speed.minimum, speed.maximum, speed.datatype) == (0.0, 3000.0, "number")
    temp = graph["urn:tolka:test:pump#/properties/readings/items/properties/temperature"]
    assert temp.path == "/readings/*/temperature"
    assert temp.unit == "CEL"
    assert graph["urn:tolka:test:pump#/properties/readings"].datatype == "array<object>"
    time = graph["urn:tolka:test:pump#/properties/readings/items/properties/time"]
    assert time.datatype == "string(date-time)"
    state_def = graph["urn:tolka:test:pump#/$defs/State"]
    assert state_def.kind is NodeKind.DATA_TYPE
    assert state_def.enum_values == ("stopped", "running", "fault")
    state = "urn:tolka:test:pump#/properties/pump/properties/state"
    assert ("ref", state_def.id) in {(e.relation, e.target) for e in graph.out_edges(state)}
    site = graph["urn:tolka:test:pump#/$defs/Site"]
    assert ("extends", "urn:tolka:test:pump#/$defs/Named") in {
        (e.relation, e.target) for e in graph.out_edges(site.id)
    }
    escaped = graph["urn:tolka:test:pump#/$defs/Site/allOf/1/properties/area~0~1line"]  # RFC 6901 escaping
    assert escaped.name == "area~/line"
    assert escaped.path == "/Site/area~0~1line"
    assert graph["urn:tolka:test:pump#/properties/site"].kind is NodeKind.OBJECT


def test_json_schema_without_id_uses_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "flow.json"
    path.write_text(
        json.dumps(
            {"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"q": {"type": "number"}}}
        )
    )
    graph = load_paths([path])
    assert "flow.json#/properties/q" in graph


def test_broken_ref_names_the_pointer(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"$schema": "x", "properties": {"a": {"$ref": "#/$defs/Nope"}}}))
    with pytest.raises(ModelContentError, match="#/\\$defs/Nope"):
        load_paths([path])


def test_aas_json_schema_identifier_contract() -> None:
    graph = load_paths([shared("ontologies", "aas", "v3.1", "aas.json")])
    submodel = graph["https://admin-shell.io/aas/3/0#/definitions/Submodel"]
    assert submodel.kind is NodeKind.OBJECT_TYPE
    assert (
        len(
            [
                n
                for n in graph.own_nodes()
                if n.id.partition("#")[2].startswith("/definitions/")
                and n.id.partition("#")[2].count("/") == 2
            ]
        )
        == 67
    )


def test_sample_messages_paths_types_enums_ranges() -> None:
    graph = load_paths([TEST_DATA / "messages.jsonl"])
    src = "messages.jsonl#"
    state = graph[src + "/pump/state"]
    assert state.enum_values == ("RUN", "OFF")
    assert state.datatype == "string"
    speed = graph[src + "/pump/speed"]
    assert (speed.datatype, speed.minimum, speed.maximum) == ("number", 0.0, 1452.5)
    assert graph[src + "/pump/fault"].enum_values == ("false", "true")
    assert graph[src + "/ts"].datatype == "string(date-time)"
    assert graph[src + "/counters/*"].datatype == "integer"
    assert graph[src + "/pump"].kind is NodeKind.OBJECT
    assert ("child", src + "/pump/speed") in {(e.relation, e.target) for e in graph.out_edges(src + "/pump")}


def test_senml_pack(tmp_path: Path) -> None:
    pack = [
        {"bn": "urn:dev:skid1:", "bt": 1.7e9, "bu": "Cel", "n": "temp", "v": 21.5},
        {"n": "level", "u": "m", "v": 1.2, "t": 1},
        {"n": "run", "vb": True},
        {"n": "mode", "vs": "auto"},
    ]
    path = tmp_path / "pack.senml"
    path.write_text(json.dumps(pack))
    graph = load_paths([path])
    temp = graph["pack.senml#/urn:dev:skid1:temp"]
    assert (temp.name, temp.unit, temp.unit_label, temp.datatype) == ("temp", "CEL", "Cel", "number")
    assert graph["pack.senml#/urn:dev:skid1:level"].unit == "MTR"
    assert graph["pack.senml#/urn:dev:skid1:run"].datatype == "boolean"
    records = list(senml_records(pack))
    assert records[1] == ("urn:dev:skid1:level", "m", 1.2, 1.7e9 + 1)


def test_opcua_pubsub_json_messages() -> None:
    message = {
        "MessageId": "1",
        "MessageType": "ua-data",
        "Messages": [
            {
                "DataSetWriterId": 1,
                "Payload": {
                    "Speed": {"Value": 1450.0, "SourceTimestamp": "2026-11-01T10:00:00Z"},
                    "State": {"Value": 1, "StatusCode": 0},
                },
            }
        ],
    }
    graph = infer_graph([message], "pubsub")
    assert graph["pubsub#/Speed"].datatype == "number"
    assert graph["pubsub#/State"].enum_values == ("1",)


JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.text(max_size=8)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


def _leaf_paths(value: Any, path: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            child = f"{path}/{key.replace('~', '~0').replace('/', '~1')}"
            out.add(child)
            out |= _leaf_paths(inner, child)
    elif isinstance(value, list):
        for inner in value:
            out.add(f"{path}/*")
            out |= _leaf_paths(inner, f"{path}/*")
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.text(max_size=6), JSON_VALUE, max_size=5), min_size=1, max_size=4))
def test_inference_covers_every_path_and_is_deterministic(messages: list[dict[str, Any]]) -> None:
    graph = infer_graph(messages, "m")
    expected = set().union(*(_leaf_paths(m) for m in messages))
    assert {n.path for n in graph.nodes() if n.id != "m#"} == expected
    assert all(n.id == f"m#{n.path}" for n in graph.nodes())
    assert infer_graph(messages, "m") == graph
    for node in graph.nodes():
        if node.minimum is not None:
            assert node.maximum is not None
            assert node.minimum <= node.maximum


SENML_RECORD = st.fixed_dictionaries(
    {"n": st.text("abcxyz", min_size=1, max_size=4)},
    optional={
        "bn": st.text("ab:", max_size=4),
        "u": st.sampled_from(["Cel", "m", "%", "Pa", "W"]),
        "v": st.floats(-1e6, 1e6),
        "t": st.floats(-100, 100),
        "bt": st.floats(0, 2e9),
        "vb": st.booleans(),
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(SENML_RECORD, min_size=1, max_size=8))
def test_senml_names_resolve_with_base_names(pack: list[dict[str, Any]]) -> None:
    graph = infer_graph([pack], "s")
    names = set()
    base = ""
    for record in pack:
        base = record.get("bn", base)
        names.add(base + record["n"])
    assert {n.id for n in graph.nodes()} - {"s#"} == {
        "s#/" + name.replace("~", "~0").replace("/", "~1") for name in names
    }


def _is_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):  # bad syntax, bad UTF-8 (UnicodeDecodeError is a ValueError)
        return False
    return True


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_is_read_or_refused_naming_its_file_and_line(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """Any bytes as JSON Lines: a graph when every line is JSON, else a ParseError naming the file and
    the first line that is not (bad JSON or bad UTF-8); blank lines only: "no messages found"."""
    path = tmp_path_factory.mktemp("g") / "garbage.jsonl"
    path.write_bytes(data)
    lines = data.splitlines()
    if not any(line.strip() for line in lines):
        with pytest.raises(ModelContentError) as empty:
            load_paths([path])
        assert str(empty.value) == f"{path}: no messages found"
        return
    bad = next((n for n, line in enumerate(lines, 1) if line.strip() and not _is_json(line)), None)
    if bad is None:
        assert load_paths([path]).sources == [str(path)]
        return
    with pytest.raises(ParseError) as refused:
        load_paths([path])
    assert (refused.value.source, refused.value.line) == (str(path), bad)
    assert str(refused.value).startswith(f"{path}:{bad}: "), str(refused.value)
