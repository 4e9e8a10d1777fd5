"""Fixtures of the reliability suite.

``input_*`` fixtures serve the input fuzzing and hostile-upload tests: real files of every format
an adapter reads and real messages of every codec, read once per session.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.paths import PLANT, ROOT, SHARED, TEST_DATA, VENDOR_A, VENDOR_B
from tests.servers import free_port
from translator.graph.file import save_graph
from translator.translation.compiled import Translator
from translator.translation.spec import MessageFormat, Rule, Side, TranslatorSpec

Seeds = dict[str, list[tuple[str, bytes]]]
"""Format name → (file name, content) of real files of that format."""

_MESSAGE_FIELDS = ("/ts", "/pump/speed", "/pump/state", "/pump/fault", "/tank/level", "/tank/temp")


def _shared(*parts: str) -> list[Path]:
    path = SHARED.joinpath(*parts)
    return [path] if path.exists() else []


@pytest.fixture(scope="session")
def input_seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """Real files of every adapter format: shipped models, test data and ../shared/data when present.

    The formats without a file of their own here (N-Triples, N3, JSON-LD, saved graphs, SenML) are
    real files converted by rdflib and by Tolka itself.
    """
    from rdflib import Graph

    from adapters import load

    files: dict[str, list[Path]] = {
        "nodeset": [VENDOR_B, *_shared("opcua", "AML", "Opc.Ua.AMLBaseTypes.NodeSet2.xml")],
        "rdfxml": [TEST_DATA / "skid.rdf", *_shared("oaei-conference", "ontologies", "cmt.owl")],
        "turtle": [PLANT, *_shared("ontologies", "sosa-ssn", "ssn-sampling.ttl")],
        "jsonschema": [
            TEST_DATA / "pump.schema.json",
            ROOT / "ontologies" / "schemas" / "translator.schema.json",
        ],
        "samples": [TEST_DATA / "messages.jsonl"],
    }
    seeds: Seeds = {fmt: [(p.name, p.read_bytes()) for p in paths] for fmt, paths in files.items()}
    plant = Graph().parse(PLANT, format="turtle")
    for fmt, rdflib_name, suffix in (
        ("ntriples", "nt", ".nt"),
        ("n3", "n3", ".n3"),
        ("jsonld", "json-ld", ".jsonld"),
    ):
        seeds[fmt] = [(f"plant{suffix}", plant.serialize(format=rdflib_name, encoding="utf-8"))]
    saved = tmp_path_factory.mktemp("seeds") / "plant.graph.json"
    save_graph(load(PLANT), saved)
    seeds["graph"] = [(saved.name, saved.read_bytes())]
    senml = b"\n".join(input_messages_of(MessageFormat("senml")))
    seeds["samples"].append(("messages.senml.jsonl", senml))
    return seeds


def input_messages_of(fmt: MessageFormat) -> list[bytes]:
    """The messages of tests/data/messages.jsonl, encoded in ``fmt`` by a compiled translator."""
    lines = [line for line in (TEST_DATA / "messages.jsonl").read_bytes().splitlines() if line.strip()]
    if fmt.type == "json":
        return lines
    rules = tuple(Rule(address.lstrip("/").replace("/", "."), (address,), ()) for address in _MESSAGE_FIELDS)
    encode = Translator(TranslatorSpec(Side("messages", MessageFormat("json")), Side("out", fmt), rules))
    return [encode.translate_json(line) for line in lines]


@pytest.fixture(scope="session")
def input_messages() -> dict[str, list[bytes]]:
    """Real messages of every codec: codec name → JSON-encoded messages."""
    return {name: input_messages_of(MessageFormat(name)) for name in ("json", "senml", "opcua-pubsub-json")}


# ------------------------------------------------------------------------------------------ gateway
# ``gateway_*`` fixtures serve the API fuzzing and authentication tests: a gateway with a token, on a
# store seeded through its own API (the demo models, a matched and an imported alignment, a translator,
# a proxy), one per test module.

GATEWAY_TOKEN = "reliability-token-0123456789"


@pytest.fixture(scope="module")
def gateway_token() -> str:
    """The one bearer token the ``gateway_client`` gateway accepts."""
    return GATEWAY_TOKEN


@pytest.fixture(scope="module")
def gateway_client(tmp_path_factory: pytest.TempPathFactory, gateway_token: str) -> Iterator[TestClient]:
    """A gateway with ``gateway_token`` configured, running (lifespan entered) for the module; its
    client sends no token unless a request gives one."""
    from services.gateway import Settings, create_app

    settings = Settings(data_dir=tmp_path_factory.mktemp("gateway") / "data", tokens=(gateway_token,))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:  # a 500 is an answer
        yield client


@pytest.fixture(scope="module")
def gateway_ids(gateway_client: TestClient, gateway_token: str) -> dict[str, list[str]]:
    """Seed the ``gateway_client`` store through its API: kind of id → real ids.

    Kinds: ``model`` (source, target, and a spare one no alignment uses), ``alignment`` (matched,
    imported), ``cid`` (correspondence numbers of the matched alignment), ``job``, ``translator``,
    ``proxy`` (writes to a closed 127.0.0.1 port, so it keeps reconnecting), ``node`` (target nodes).
    """
    client, auth = gateway_client, {"Authorization": f"Bearer {gateway_token}"}

    def upload(path: Path) -> str:
        response = client.post("/models", files={"file": (path.name, path.read_bytes())}, headers=auth)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    a, b, spare = upload(VENDOR_A), upload(VENDOR_B), upload(VENDOR_B)
    started = client.post("/alignments", json={"source": a, "target": b, "method": "gnn"}, headers=auth)
    assert started.status_code == 202, started.text
    job, matched = started.json()["job"], started.json()["alignment"]
    deadline = time.monotonic() + 120
    while client.get(f"/jobs/{job}", headers=auth).json()["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the seeding match job did not finish"
        time.sleep(0.05)
    alignment = client.get(f"/alignments/{matched}", headers=auth).json()
    assert alignment["total"] > 0, alignment
    sssom = client.get(f"/alignments/{matched}/sssom", headers=auth).content
    imported = client.post(
        "/alignments/import",
        files={"file": ("seed.sssom.tsv", sssom)},
        data={"source": a, "target": b},
        headers=auth,
    )
    assert imported.status_code == 201, imported.text
    translator = client.post("/translators", json={"alignment": matched}, headers=auth)
    assert translator.status_code == 201, translator.text
    proxy = client.post(
        "/proxies",
        json={
            "translator": translator.json()["id"],
            "source": f"opc.tcp://127.0.0.1:{free_port()}",
            "write_to": f"opc.tcp://127.0.0.1:{free_port()}",
        },
        headers=auth,
    )
    assert proxy.status_code == 201, proxy.text
    nodes = client.get(f"/models/{b}/graph", params={"limit": 50}, headers=auth).json()["nodes"]
    return {
        "model": [a, b, spare],
        "alignment": [matched, imported.json()["id"]],
        "cid": [str(c["id"]) for c in alignment["correspondences"][:5]],
        "job": [job],
        "translator": [translator.json()["id"]],
        "proxy": [proxy.json()["id"]],
        "node": [n["id"] for n in nodes],
    }
