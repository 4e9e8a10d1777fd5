"""Hostile input to every adapter and every codec: only TolkaErrors, in bounded time and memory.

Real files of every format (``input_seeds``) and real messages of every codec (``input_messages``)
are cut at random points and spliced with random bytes; deeply nested documents (100,000 levels)
and files over the size limit are built per format. Each call must return or raise a TolkaError —
any other exception fails the test — and stay within generous safety bounds (not performance
claims): under ``TIME_BOUND`` seconds and ``MEMORY_BOUND`` bytes of resident-set growth.

The codec property tests in tests/translator/test_translating.py feed random *decoded* messages;
here the codecs read *bytes* (``translate_json``) and pathological decoded values.
"""

from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters import DEFAULT_MAX_BYTES, FORMATS, LoadOptions, load_paths
from tests.reliability.conftest import Seeds
from translator.errors import InputTooLargeError, MessageError, ParseError, TolkaError
from translator.translation.compiled import Translator
from translator.translation.spec import (
    Cast,
    Invert,
    MessageFormat,
    Rule,
    Side,
    TranslatorSpec,
    Unit,
    ValueMap,
)

pytestmark = pytest.mark.reliability

TIME_BOUND = 5.0
"""Seconds one load or one translation may take, at most (a safety bound, not a speed claim)."""
MEMORY_BOUND = 512 * 1024 * 1024
"""Bytes one load or one translation may allocate at its peak."""
DEPTH = 100_000
FILE_FORMATS = sorted(FORMATS)
CODECS = ("json", "senml", "opcua-pubsub-json")
FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SPLICES = st.sampled_from(
    [
        *(b"<", b">", b"&", b"&amp;", b"&x;", b"]]>", b"\x00", b"\xff\xfe", b'"', b"\\", b"{", b"}", b"["),
        *(b"]", b":", b",", b"@prefix", b"<!DOCTYPE a [<!ENTITY e 'x'>]>", b"\xe2\x82", b"1e999999", b"#"),
    ]
) | st.binary(max_size=6)


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm", "rb") as fh:
        return int(fh.read().split()[1]) * _PAGE


def _rss_high_water() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def bounded(call: Callable[[], object]) -> TolkaError | None:
    """Run ``call``; its TolkaError or None. Any other exception propagates (and fails the test);
    time and memory over the bounds fail it too.

    Memory is the growth of the resident set (C allocations of lxml, rdflib's expat and orjson
    included): sampled every 2 ms by a thread, and the process's high-water mark when the call set
    a new one. (tracemalloc slows rdflib five-fold and over-counts orjson's buffers.)
    """
    before, high_before = _rss(), _rss_high_water()
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.002):
            peak = max(peak, _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    error: TolkaError | None = None
    try:
        call()
    except TolkaError as exc:
        error = exc
    finally:
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
    high_after = _rss_high_water()
    peak = max(peak, _rss(), high_after if high_after > high_before else 0)
    assert elapsed < TIME_BOUND, f"took {elapsed:.1f} s"
    assert peak - before < MEMORY_BOUND, f"resident set grew by {(peak - before) / 2**20:.0f} MiB"
    return error


def load_bytes(
    name: str, data: bytes, fmt: str | None, options: LoadOptions | None = None
) -> TolkaError | None:
    """Write ``data`` as file ``name`` in a fresh folder and load it (``fmt`` None: detected)."""
    with tempfile.TemporaryDirectory(prefix="tolka-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return bounded(lambda: load_paths([path], options, format=fmt))


def seed_list(seeds: Seeds) -> list[tuple[str, str, bytes]]:
    return [(fmt, name, data) for fmt in FILE_FORMATS for name, data in seeds[fmt]]


# Adapters: truncated and spliced real files
# --------------------------------------------------------------------------------------------


def test_every_format_has_real_seeds(input_seeds: Seeds) -> None:
    assert set(input_seeds) == set(FORMATS)
    for fmt in FORMATS:  # the seeds themselves load, so a failure below is the damage's doing
        for name, data in input_seeds[fmt]:
            assert load_bytes(name, data, fmt) is None, (fmt, name)


@settings(FUZZ, max_examples=120)
@given(pick=st.data(), cut=st.floats(min_value=0.0, max_value=1.0), detect=st.booleans())
def test_truncated_files_raise_only_tolka_errors(
    input_seeds: Seeds, pick: st.DataObject, cut: float, detect: bool
) -> None:
    fmt, name, data = pick.draw(st.sampled_from(seed_list(input_seeds)), label="seed")
    load_bytes(name, data[: int(len(data) * cut)], None if detect else fmt)


@settings(FUZZ, max_examples=150)
@given(
    pick=st.data(),
    splices=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=0, max_value=8), SPLICES),
        min_size=1,
        max_size=6,
    ),
    detect=st.booleans(),
)
def test_spliced_files_raise_only_tolka_errors(
    input_seeds: Seeds,
    pick: st.DataObject,
    splices: list[tuple[float, int, bytes]],
    detect: bool,
) -> None:
    fmt, name, data = pick.draw(st.sampled_from(seed_list(input_seeds)), label="seed")
    for where, dropped, inserted in splices:
        at = int(len(data) * where)
        data = data[:at] + inserted + data[at + dropped :]
    load_bytes(name, data, None if detect else fmt)


# Adapters: deeply nested and huge input
# --------------------------------------------------------------------------------------------

_UA = 'xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd"'
_RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/"'


def _nested(head: str, inner: str, tail: str, depth: int = DEPTH) -> bytes:
    return (head * depth + inner + tail * depth).encode()


DEEP: dict[str, list[tuple[str, bytes]]] = {
    "nodeset": [
        ("deep.xml", f"<UANodeSet {_UA}>".encode() + _nested("<a>", "", "</a>") + b"</UANodeSet>"),
        (
            "deep-value.xml",
            f'<UANodeSet {_UA}><UAVariable NodeId="i=1" BrowseName="EURange"><Value>'.encode()
            + _nested("<Range>", "1", "</Range>")
            + b"</Value></UAVariable></UANodeSet>",
        ),
    ],
    "rdfxml": [
        (  # rdflib's RDF/XML parser has no depth limit and reads ~20,000 elements/s: a shallower tree
            "deep.rdf",
            f"<rdf:RDF {_RDF}>".encode() + _nested("<e:a><e:b>", "", "</e:b></e:a>", 5_000) + b"</rdf:RDF>",
        )
    ],
    "turtle": [
        ("deep-list.ttl", b"@prefix : <http://e/> .\n:a :b " + _nested("(", "", ")") + b" ."),
        ("deep-bnode.ttl", b"@prefix : <http://e/> .\n:a :b " + _nested("[ :p ", ":x", " ]") + b" ."),
    ],
    "n3": [("deep.n3", b"@prefix : <http://e/> .\n" + _nested("{ :a :b ", ":c", " }") + b" .")],
    # an 8 MB line: rdflib's own line reading is quadratic in a line's length (minutes for this one)
    "ntriples": [("long.nt", b'<http://e/a> <http://e/b> "' + b"x" * (80 * DEPTH) + b'" .\n' * 2)],
    "jsonld": [
        ("deep.jsonld", b'{"@context": {"@vocab": "http://e/"}, "a": ' + _nested('{"b": ', "1", "}") + b"}"),
        ("deep-list.jsonld", b'{"@context": {"@vocab": "http://e/"}, "a": ' + _nested("[", "1", "]") + b"}"),
    ],
    "jsonschema": [
        ("deep.json", b'{"$schema": "x", "properties": ' + _nested('{"a": ', "1", "}") + b"}"),
        (  # deep, but within what a JSON parser takes: the schema walker's own depth
            "deep-walk.json",
            b'{"$schema": "x", "type": "object", "properties": '
            + _nested('{"a": {"type": "object", "properties": ', "{}", "}}", depth=240)
            + b"}",
        ),
    ],
    "samples": [
        ("deep.json", _nested("[", "", "]")),
        ("deep.jsonl", _nested('{"a": ', "1", "}") + b"\n"),
        ("deep-ok.jsonl", _nested('{"a": ', "1", "}", depth=400) + b"\n"),
        ("deep.senml", b'[{"n": "x", "v": ' + _nested("[", "", "]") + b"}]"),
    ],
    "graph": [("deep.json", b'{"format": "tolka-schema-graph", "nodes": ' + _nested("[", "", "]") + b"}")],
}


@pytest.mark.parametrize(
    ("fmt", "name", "data"),
    [(fmt, name, data) for fmt, files in DEEP.items() for name, data in files],
    ids=[f"{fmt}-{name}" for fmt, files in DEEP.items() for name, _ in files],
)
@pytest.mark.parametrize("detect", [False, True], ids=["forced", "detected"])
def test_deeply_nested_input_raises_only_tolka_errors(fmt: str, name: str, data: bytes, detect: bool) -> None:
    load_bytes(name, data, None if detect else fmt)


def test_deep_formats_cover_every_adapter() -> None:
    assert set(DEEP) == set(FORMATS)


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_files_over_the_limit_are_refused_unread(input_seeds: Seeds, fmt: str, tmp_path: Path) -> None:
    name, data = input_seeds[fmt][0]
    huge = tmp_path / name
    with huge.open("wb") as fh:  # sparse: over the default limit without writing 256 MiB
        fh.write(data)
        fh.truncate(DEFAULT_MAX_BYTES + 1)
    error = bounded(lambda: load_paths([huge], format=fmt))
    assert isinstance(error, InputTooLargeError), error
    assert error.size == DEFAULT_MAX_BYTES + 1
    assert error.limit == DEFAULT_MAX_BYTES
    small = LoadOptions(max_bytes=len(data) - 1)
    error = load_bytes(name, data, None, small)
    assert isinstance(error, InputTooLargeError), error


@pytest.mark.parametrize(
    ("name", "fmt", "data"),
    [
        ("wide.jsonl", "samples", b'{"a": 1, "b": "x"}\n' * 50_000),
        ("long-string.json", "samples", b'{"a": "' + b"x" * 20_000_000 + b'"}'),
        ("big-number.json", "samples", b'{"a": ' + b"9" * 1_000_000 + b"}"),
        ("big-number.json", "jsonschema", b'{"type": "object", "maximum": ' + b"9" * 1_000_000 + b"}"),
        ("many.ttl", "turtle", b"@prefix : <http://e/> .\n" + b":a :b :c .\n" * 30_000),
        ("wide.xml", "nodeset", f"<UANodeSet {_UA}>".encode() + b"<x/>" * 200_000 + b"</UANodeSet>"),
    ],
)
def test_large_inputs_within_the_limit_stay_bounded(name: str, fmt: str, data: bytes) -> None:
    load_bytes(name, data, fmt)


# Codecs: compiled translators reading bytes in every message format
# --------------------------------------------------------------------------------------------


def reader(codec: str) -> Translator:
    """A translator from ``codec`` messages (the fields of tests/data/messages.jsonl) to plain JSON."""

    def at(pointer: str) -> str:
        return pointer if codec == "json" else pointer.lstrip("/").replace("/", ".")

    rules = (
        Rule("/speed", (at("/pump/speed"),), (Cast("float"),)),
        Rule("/state", (at("/pump/state"),), (ValueMap((("RUN", 1), ("OFF", 0))),)),
        Rule("/ok", (at("/pump/fault"),), (Invert(),)),
        Rule("/level", (at("/tank/level"),), ()),
        Rule("/temp", (at("/tank/temp"),), (Unit("CEL", "FAH"),)),
        Rule("/label", (at("/pump/state"),), (Cast("string"),)),
    )
    return Translator(
        TranslatorSpec(Side("in", MessageFormat(codec)), Side("out", MessageFormat("json")), rules)
    )


def translate_bytes(translator: Translator, data: bytes) -> TolkaError | None:
    error = bounded(lambda: translator.translate_json(data))
    assert error is None or isinstance(error, MessageError), repr(error)
    return error


@pytest.mark.parametrize("codec", CODECS)
def test_real_messages_translate(input_messages: dict[str, list[bytes]], codec: str) -> None:
    translator = reader(codec)
    for message in input_messages[codec]:
        assert translate_bytes(translator, message) is None


@settings(FUZZ, max_examples=200)
@given(
    codec=st.sampled_from(CODECS),
    pick=st.data(),
    cut=st.floats(min_value=0.0, max_value=1.0),
    splices=st.lists(st.tuples(st.floats(min_value=0.0, max_value=1.0), SPLICES), max_size=4),
)
def test_damaged_messages_raise_only_message_errors(
    input_messages: dict[str, list[bytes]],
    codec: str,
    pick: st.DataObject,
    cut: float,
    splices: list[tuple[float, bytes]],
) -> None:
    data = pick.draw(st.sampled_from(input_messages[codec]), label="message")
    data = data[: max(1, int(len(data) * cut))] if cut < 0.999 else data
    for where, inserted in splices:
        at = int(len(data) * where)
        data = data[:at] + inserted + data[at:]
    translate_bytes(reader(codec), data)


def _deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _deep_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


HOSTILE_VALUES: list[Any] = [
    _deep_list(DEPTH),
    _deep_dict(DEPTH),
    10**5000,
    -(10**5000),
    "x" * 10_000_000,
    float("nan"),
    float("inf"),
    [None] * 200_000,
]
HOSTILE_IDS = [
    "deep-list",
    "deep-dict",
    "huge-int",
    "huge-negative",
    "long-string",
    "nan",
    "inf",
    "long-list",
]


def place(codec: str, value: Any) -> Any:
    """A message of ``codec`` whose fields (every one the reader reads) hold ``value``."""
    fields = ("pump.speed", "pump.state", "pump.fault", "tank.level", "tank.temp")
    if codec == "json":
        return {
            "pump": {"speed": value, "state": value, "fault": value},
            "tank": {"level": value, "temp": value},
        }
    if codec == "senml":
        return [{"n": name, "v": value} for name in fields]
    return {"MessageType": "ua-data", "Messages": [{"Payload": {name: {"Value": value} for name in fields}}]}


@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=HOSTILE_IDS)
@pytest.mark.parametrize("codec", CODECS)
def test_hostile_field_values_raise_only_message_errors(codec: str, value: Any) -> None:
    translator = reader(codec)
    error = bounded(lambda: translator.translate(place(codec, value)))
    assert error is None or isinstance(error, MessageError), repr(error)
    error = bounded(lambda: translator.translate_many([place(codec, value)]))
    assert error is None, repr(error)  # a batch reports a failed message, it never raises


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize(
    "data",
    [
        _nested("[", "", "]").replace(b"][", b"],["),
        _nested('{"a":', "1", "}"),
        b'{"pump": {"speed": ' + b"9" * 100_000 + b"}}",
        b'{"pump": {"speed": "' + b"x" * 50_000_000 + b'"}}',
        b"[" + b"{}," * 2_000_000 + b"{}]",
        b"\xef\xbb\xbf\xff\xfe{}",
        b"",
    ],
    ids=["deep-array", "deep-object", "huge-number", "huge-string", "many-records", "bad-utf8", "empty"],
)
def test_hostile_message_bytes_raise_only_message_errors(codec: str, data: bytes) -> None:
    translate_bytes(reader(codec), data)


def test_a_damaged_message_names_what_was_wrong(input_messages: dict[str, list[bytes]]) -> None:
    message = input_messages["json"][0]
    error = translate_bytes(reader("json"), message[: len(message) // 2])
    assert isinstance(error, MessageError)
    assert "not JSON" in str(error)
    deep = translate_bytes(reader("json"), _nested("[", "", "]"))
    assert isinstance(deep, MessageError)
    parse = load_bytes("deep.json", _nested("[", "", "]"), "samples")
    assert isinstance(parse, ParseError)
    assert "nested too deeply" in str(parse)
