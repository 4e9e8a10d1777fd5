"""The translator file: reading, checking (errors name the JSON Pointer), writing and reversing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from translator.errors import ParseError, TranslatorFileError
from translator.translation.spec import (
    MISSING,
    Affine,
    Cast,
    Copy,
    Invert,
    Unit,
    ValueMap,
    read_translator,
    reverse_spec,
    spec_from_dict,
    spec_to_dict,
    write_translator,
)

SCHEMA = Path(__file__).resolve().parents[2] / "ontologies" / "schemas" / "translator.schema.json"

DOCUMENT: dict[str, Any] = {
    "tolka_translator": 1,
    "source": {"model": "VendorA.xml", "format": {"type": "opcua-pubsub-json", "dataset_writer_id": 3}},
    "target": {"model": "VendorB.xml", "format": {"type": "json", "timestamp": "/ts"}},
    "rules": [
        {
            "target": "/tt",
            "source": "Temp",
            "transform": [{"op": "unit", "from": "CEL", "to": "FAH"}],
            "unit": "FAH",
        },
        {
            "target": "/mode",
            "source": "State",
            "transform": [{"op": "map", "pairs": [[0, "OFF"], [1, "RUN"]]}],
        },
        {"target": "/run", "source": "Stopped", "transform": [{"op": "invert"}]},
        {"target": "/n", "source": "Count", "transform": [{"op": "cast", "to": "string", "from": "int"}]},
        {
            "target": "/f",
            "source": "Flow",
            "transform": [{"op": "affine", "a": 2.0, "b": 1.0}, {"op": "copy"}],
        },
        {"target": "/site", "default": "north"},
        {"target": "/sum", "source": ["A", "B"], "combine": "sum"},
        {"target": "/cast", "source": "C", "transform": [{"op": "cast", "to": "int"}]},
    ],
}


def test_a_document_reads_into_rules_and_writes_back_the_same() -> None:
    spec = spec_from_dict(DOCUMENT)
    assert spec.source.format.dataset_writer_id == 3
    assert spec.target.format.timestamp == "/ts"
    rules = {rule.target: rule for rule in spec.rules}
    assert rules["/tt"].transforms == (Unit("CEL", "FAH"),)
    assert rules["/mode"].transforms == (ValueMap(((0, "OFF"), (1, "RUN"))),)
    assert rules["/run"].transforms == (Invert(),)
    assert rules["/n"].transforms == (Cast("string", "int"),)
    assert rules["/f"].transforms == (Affine(2.0, 1.0), Copy())
    assert rules["/site"].sources == ()
    assert rules["/site"].default == "north"
    assert rules["/sum"].sources == ("A", "B")
    assert rules["/sum"].combine == "sum"
    assert rules["/tt"].default is MISSING
    assert spec_from_dict(spec_to_dict(spec)) == spec


def test_write_and_read_a_file(tmp_path: Path) -> None:
    spec = spec_from_dict(DOCUMENT)
    path = tmp_path / "t.json"
    write_translator(spec, path)
    assert read_translator(path) == spec
    assert path.read_text().count("\n") > 20  # indented for people


def _broken(pointer: str, value: object) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    *parents, last = [int(t) if t.isdigit() else t for t in pointer.strip("/").split("/")]
    node: Any = document
    for token in parents:
        node = node[token]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return document


@pytest.mark.parametrize(
    ("pointer", "value", "where", "words"),
    [
        ("/tolka_translator", 2, "/tolka_translator", "version"),
        ("/source/format/type", "xml", "/source/format/type", "json, senml, opcua-pubsub-json"),
        ("/target/format/timestamp", "ts", "/target/format/timestamp", "JSON Pointer"),
        ("/rules/0/transform/0/to", "BAR", "/rules/0/transform/0", "different quantities"),
        ("/rules/0/transform/0/to", "XYZ", "/rules/0/transform/0", "unknown unit"),
        ("/rules/1/transform/0/pairs", [[0, "OFF"], [0, "RUN"]], "/rules/1/transform/0/pairs/1/0", "twice"),
        ("/rules/4/transform/0/a", "2", "/rules/4/transform/0/a", "finite number"),
        ("/rules/3/transform/0/to", "decimal", "/rules/3/transform/0/to", "int, float, bool"),
        ("/rules/2/transform/0/op", "negate", "/rules/2/transform/0/op", "copy, unit"),
        ("/rules/2/colour", "red", "/rules/2/colour", "unknown member"),
        ("/rules/5/default", KeyError, "/rules/5", "'source' or a 'default'"),
        ("/rules/6/combine", "product", "/rules/6/combine", "first, sum"),
        ("/rules/7/target", "/tt", "/rules/7/target", "also written by rule 0"),
        ("/rules", {}, "/rules", "list of rules"),
    ],
)
def test_a_broken_document_is_refused_naming_the_pointer(
    pointer: str, value: object, where: str, words: str
) -> None:
    with pytest.raises(TranslatorFileError) as caught:
        spec_from_dict(_broken(pointer, value), source="t.json")
    assert caught.value.pointer == where
    assert words in str(caught.value)
    assert str(caught.value).startswith("t.json: ")


def test_a_file_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{\n  "tolka_translator": 1,\n  oops\n}\n')
    with pytest.raises(ParseError) as caught:
        read_translator(path)
    assert caught.value.line == 3


def test_reverse_keeps_the_invertible_rules_and_names_the_others() -> None:
    spec = spec_from_dict(DOCUMENT)
    back, skipped = reverse_spec(spec)
    assert back.source == spec.target
    assert back.target == spec.source
    rules = {rule.target: rule for rule in back.rules}
    assert rules["Temp"].transforms == (Unit("FAH", "CEL"),)
    assert rules["Temp"].sources == ("/tt",)
    assert rules["State"].transforms == (ValueMap((("OFF", 0), ("RUN", 1))),)
    assert rules["Count"].transforms == (Cast("int", "string"),)
    assert rules["Flow"].transforms == (Copy(), Affine(0.5, -0.5))
    assert rules["Stopped"].transforms == (Invert(),)
    assert rules["Temp"].unit == ""
    assert rules["Temp"].source_unit == "FAH"
    assert {rule.target for rule in skipped} == {"/site", "/sum", "/cast"}


def test_a_many_to_one_map_does_not_reverse() -> None:
    document = _broken("/rules/1/transform/0/pairs", [[0, "OFF"], [1, "RUN"], [2, "RUN"]])
    _, skipped = reverse_spec(spec_from_dict(document))
    assert "/mode" in {rule.target for rule in skipped}


def test_the_json_schema_accepts_the_format_and_refuses_what_the_reader_refuses() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(DOCUMENT))
    assert not list(validator.iter_errors(spec_to_dict(spec_from_dict(DOCUMENT))))
    for pointer, value in [
        ("/source/format/type", "xml"),
        ("/rules/2/transform/0/op", "negate"),
        ("/rules/2/colour", "red"),
        ("/rules/5/default", KeyError),
        ("/rules/3/transform/0/to", "decimal"),
    ]:
        assert list(validator.iter_errors(_broken(pointer, value))), pointer


def test_the_documented_example_is_a_valid_translator_file() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "translator-file.md").read_text()
    block = page.split("```json\n", 1)[1].split("```", 1)[0]
    spec = spec_from_dict(json.loads(block))
    assert len(spec.rules) == 4
    assert spec.rules[0].transforms == (Unit("RPM", "HTZ"),)
