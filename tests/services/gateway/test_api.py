"""The gateway's API in process (httpx + ASGITransport): models, jobs, review, translators, errors."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import orjson
import pytest
from fastapi import WebSocketDisconnect
from fastapi.testclient import TestClient

from services.gateway import Settings, create_app
from services.gateway.problems import status_of
from services.gateway.store import SCHEMA_VERSION
from tests.paths import PLANT, VENDOR_A, VENDOR_B
from tests.services.gateway.conftest import matched, upload, wait_for
from translator.alignment.rdf import parse_alignment_rdf
from translator.alignment.sssom_read import parse_sssom
from translator.errors import ParseError, UnitTableError

pytestmark = pytest.mark.anyio

SPEED_A = "nsu=http://tolka.dev/demo/VendorA/;i=6061"
SPEED_B = "nsu=http://tolka.dev/demo/VendorB/;i=6020"
STATE_B = "nsu=http://tolka.dev/demo/VendorB/;i=6041"
TEMP_B = "nsu=http://tolka.dev/demo/VendorB/;i=6008"


def is_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["detail"]
    return body


# --------------------------------------------------------------------------------------------- models


async def test_a_model_is_uploaded_summarised_paged_and_deleted(client: httpx.AsyncClient) -> None:
    model = await upload(client, VENDOR_A)
    summary = (await client.get(f"/models/{model}")).json()
    assert summary["name"] == "http://tolka.dev/demo/VendorA/"
    assert summary["filename"] == VENDOR_A.name
    assert summary["format"] == "nodeset"
    assert 0 < summary["own_nodes"] <= summary["nodes"]
    assert [m["id"] for m in (await client.get("/models")).json()] == [model]

    first = (await client.get(f"/models/{model}/graph", params={"limit": 10})).json()
    second = (await client.get(f"/models/{model}/graph", params={"offset": 10, "limit": 10})).json()
    assert first["total_nodes"] == summary["nodes"]
    assert first["total_edges"] == summary["edges"]
    assert len(first["nodes"]) == 10
    assert first["nodes"][-1]["id"] < second["nodes"][0]["id"]
    assert any(
        n["id"] == SPEED_A for n in (await client.get(f"/models/{model}/graph?limit=10000")).json()["nodes"]
    )

    assert (await client.delete(f"/models/{model}")).status_code == 204
    is_problem(await client.get(f"/models/{model}"), 404)
    assert (await client.get("/models")).json() == []


async def test_required_models_are_uploaded_with_the_model(client: httpx.AsyncClient, tmp_path: Path) -> None:
    companion = tmp_path / "Companion.NodeSet2.xml"
    companion.write_text(
        VENDOR_A.read_text(encoding="utf-8")
        .replace("http://tolka.dev/demo/VendorA/", "http://example.com/Companion/")
        .replace(
            '<RequiredModel ModelUri="http://opcfoundation.org/UA/"',
            '<RequiredModel ModelUri="http://tolka.dev/demo/VendorA/" Version="1.0.0" />\n'
            '<RequiredModel ModelUri="http://opcfoundation.org/UA/"',
        ),
        encoding="utf-8",
    )
    missing = is_problem(
        await client.post("/models", files={"file": (companion.name, companion.read_bytes())}), 422
    )
    assert "http://tolka.dev/demo/VendorA/" in str(missing["detail"])
    assert "required" in str(missing["detail"])
    assert "/tmp" not in str(missing["detail"])  # the server's temporary paths never show
    response = await client.post(
        "/models",
        files=[
            ("file", (companion.name, companion.read_bytes())),
            ("required", (VENDOR_A.name, VENDOR_A.read_bytes())),
        ],
    )
    assert response.status_code == 201, response.text
    summary = (await client.get(f"/models/{response.json()['id']}")).json()
    assert summary["required"] == [VENDOR_A.name]
    assert summary["own_nodes"] < summary["nodes"]  # vendor A's nodes are context, not the model's own


@pytest.mark.parametrize(
    ("name", "content", "status", "says"),
    [
        ("broken.xml", b"<UANodeSet><oops></UANodeSet>", 422, "broken.xml"),
        (
            "evil.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><UANodeSet>&e;</UANodeSet>',
            422,
            "entit",
        ),
        ("notes.bin", b"\x00\x01 just bytes", 415, "known formats"),
        ("empty.xml", b"", 422, "empty"),
    ],
)
async def test_bad_uploads_are_refused_clearly_and_store_nothing(
    client: httpx.AsyncClient, name: str, content: bytes, status: int, says: str
) -> None:
    body = is_problem(await client.post("/models", files={"file": (name, content)}), status)
    assert says in str(body["detail"])
    assert (await client.get("/models")).json() == []


async def test_uploads_over_the_limit_are_refused(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_upload_bytes": 4096}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        body = is_problem(
            await client.post("/models", files={"file": (VENDOR_A.name, VENDOR_A.read_bytes())}), 413
        )
        assert "4,096" in str(body["detail"])


async def test_client_file_names_never_become_paths(client: httpx.AsyncClient, settings: Settings) -> None:
    model = await upload(client, PLANT, file=("../../../../etc/evil.ttl", PLANT.read_bytes()))
    assert (await client.get(f"/models/{model}")).json()["filename"] == "evil.ttl"
    assert not Path("/etc/evil.ttl").exists()
    assert {p.name for p in settings.data_dir.iterdir()} <= {"tolka.db", "tolka.db-wal", "tolka.db-shm"}


# ------------------------------------------------------------------------------------- alignments


async def test_a_match_job_reports_progress_and_fills_the_alignment(client: httpx.AsyncClient) -> None:
    a, b, alignment = await matched(client)
    record = (await client.get(f"/alignments/{alignment}")).json()
    job = (await client.get(f"/jobs/{record['job']}")).json()
    assert job["state"] == "done"
    assert job["progress"] == 1.0
    assert "correspondences" in job["message"]
    assert (record["source"], record["target"]) == (a, b)
    pairs = {(c["subject_id"], c["object_id"]) for c in record["correspondences"]}
    assert (SPEED_A, SPEED_B) in pairs  # Speed (RPM) -> SC_107 (Hz), found by description and unit
    assert record["total"] == len(record["correspondences"]) > 0
    assert all(c["status"] == "proposed" for c in record["correspondences"])

    confident = (await client.get(f"/alignments/{alignment}", params={"min_confidence": 0.9})).json()
    assert confident["total"] < record["total"]
    assert all(c["confidence"] >= 0.9 for c in confident["correspondences"])
    page = (await client.get(f"/alignments/{alignment}", params={"offset": 2, "limit": 3})).json()
    assert [c["id"] for c in page["correspondences"]] == [c["id"] for c in record["correspondences"][2:5]]


async def test_a_job_that_cannot_run_fails_with_a_reason(client: httpx.AsyncClient) -> None:
    a = await upload(client, VENDOR_A)
    is_problem(await client.post("/alignments", json={"source": a, "target": "m-nope"}), 404)
    is_problem(await client.post("/alignments", json={"source": a, "target": a, "method": "magic"}), 422)
    is_problem(await client.get("/jobs/j-nope"), 404)


async def test_exports_and_imports_round_trip(client: httpx.AsyncClient) -> None:
    a, b, alignment = await matched(client)
    record = (await client.get(f"/alignments/{alignment}")).json()
    sssom = await client.get(f"/alignments/{alignment}/sssom")
    assert sssom.headers["content-type"].startswith("text/tab-separated-values")
    parsed = parse_sssom(sssom.text, "export.tsv")
    assert [c.pair for c in parsed] == [(c["subject_id"], c["object_id"]) for c in record["correspondences"]]
    rdf = await client.get(f"/alignments/{alignment}/rdf")
    assert {c.pair for c in parse_alignment_rdf(rdf.content, "export.rdf")} == {c.pair for c in parsed}

    imported = await client.post(
        "/alignments/import",
        files={"file": ("mine.tsv", sssom.content)},
        data={"source": a, "target": b},
    )
    assert imported.status_code == 201, imported.text
    again = (await client.get(f"/alignments/{imported.json()['id']}")).json()
    assert again["origin"] == "import"
    assert again["total"] == record["total"]
    bad = await client.post(
        "/alignments/import",
        files={"file": ("bad.tsv", b"subject_id\tobject_id\tconfidence\na\tb\thigh\n")},
        data={"source": a, "target": b},
    )
    assert "bad.tsv:2" in str(is_problem(bad, 422)["detail"])
    assert len((await client.get("/alignments")).json()) == 2


async def test_review_decisions_are_kept_with_their_history(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)
    cs = (await client.get(f"/alignments/{alignment}")).json()["correspondences"]
    first, second = cs[0]["id"], cs[1]["id"]
    accepted = await client.patch(
        f"/alignments/{alignment}/correspondences/{first}", json={"status": "accepted", "who": "ana"}
    )
    assert accepted.json()["status"] == "accepted"
    retargeted = (
        await client.patch(
            f"/alignments/{alignment}/correspondences/{second}", json={"object_id": STATE_B, "who": "bo"}
        )
    ).json()
    assert retargeted["object_id"] == STATE_B
    assert retargeted["status"] == "accepted"
    assert retargeted["object_label"]
    assert retargeted["justification"] == "semapv:ManualMappingCuration"
    is_problem(
        await client.patch(
            f"/alignments/{alignment}/correspondences/{second}", json={"object_id": "nsu=x;i=1"}
        ),
        422,
    )
    is_problem(
        await client.patch(f"/alignments/{alignment}/correspondences/99999", json={"status": "rejected"}), 404
    )
    is_problem(await client.patch(f"/alignments/{alignment}/correspondences/{first}", json={}), 422)
    is_problem(
        await client.patch(f"/alignments/{alignment}/correspondences/{first}", json={"status": "maybe"}), 422
    )
    history = (await client.get(f"/alignments/{alignment}/reviews")).json()
    assert [(h["cid"], h["who"], h["action"], h["status_before"], h["status_after"]) for h in history] == [
        (first, "ana", "accepted", "proposed", "accepted"),
        (second, "bo", "retarget", "proposed", "accepted"),
    ]
    assert history[1]["object_before"] == cs[1]["object_id"]
    assert history[1]["object_after"] == STATE_B
    accepted_only = (await client.get(f"/alignments/{alignment}", params={"status": "accepted"})).json()
    assert {c["id"] for c in accepted_only["correspondences"]} == {first, second}


async def test_retraining_keeps_the_decisions(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)
    cs = (await client.get(f"/alignments/{alignment}")).json()["correspondences"]
    rejected = cs[0]
    await client.patch(f"/alignments/{alignment}/correspondences/{cs[1]['id']}", json={"status": "accepted"})
    await client.patch(
        f"/alignments/{alignment}/correspondences/{rejected['id']}", json={"status": "rejected"}
    )
    started = await client.post(f"/alignments/{alignment}/retrain")
    assert started.status_code == 202
    assert started.json()["alignment"] == alignment
    state = await wait_for(client, started.json()["job"])
    assert state["state"] == "done", state
    after = (await client.get(f"/alignments/{alignment}")).json()
    by_cid = {c["id"]: c for c in after["correspondences"]}
    assert by_cid[cs[1]["id"]]["status"] == "accepted"
    assert by_cid[rejected["id"]]["status"] == "rejected"
    pairs = [(c["subject_id"], c["object_id"]) for c in after["correspondences"]]
    assert pairs.count((rejected["subject_id"], rejected["object_id"])) == 1  # never proposed again
    assert (await client.get(f"/alignments/{alignment}")).json()["job"] == started.json()["job"]


# ------------------------------------------------------------------------------------ translators


FIELDS: list[str] = []  # the source fields of the demo translator (every rule's source), set below


def pubsub(values: dict[str, object]) -> dict[str, object]:
    """A PubSub message with every demo source field (1.0 unless ``values`` says otherwise)."""
    stamp = "2026-11-01T10:00:00Z"
    payload = {k: {"Value": values.get(k, 1.0), "SourceTimestamp": stamp} for k in FIELDS}
    payload |= {k: {"Value": v, "SourceTimestamp": stamp} for k, v in values.items()}
    return {
        "MessageId": "1",
        "MessageType": "ua-data",
        "Messages": [{"DataSetWriterId": 1, "Payload": payload}],
    }


async def translator_for(client: httpx.AsyncClient, **options: object) -> tuple[str, dict[str, object]]:
    _, _, alignment = await matched(client)
    # both models are NodeSets, whose own format is PubSub JSON: these tests translate into plain JSON
    created = await client.post(
        "/translators", json={"alignment": alignment, "target_format": "json", **options}
    )
    assert created.status_code == 201, created.text
    document = (await client.get(f"/translators/{created.json()['id']}")).json()
    FIELDS[:] = [rule["source"] for rule in document["rules"]]
    return str(created.json()["id"]), document


async def test_a_translator_is_compiled_and_translates_one_message_or_a_batch(
    client: httpx.AsyncClient,
) -> None:
    translator, document = await translator_for(client)
    assert document["tolka_translator"] == 1
    assert document["rules"]
    speed = next(r for r in document["rules"] if r["source_id"] == SPEED_A)  # type: ignore[union-attr]
    assert speed["unit"] == "HTZ"
    assert speed["source_unit"] == "RPM"
    listed = (await client.get("/translators")).json()
    assert [t["id"] for t in listed] == [translator]
    assert listed[0]["document"] == document

    one = await client.post(f"/translators/{translator}/translate", json=pubsub({speed["source"]: 1500.0}))
    assert one.status_code == 200, one.text
    assert one.json()["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] == pytest.approx(25.0)

    batch = [pubsub({speed["source"]: rpm}) for rpm in (60.0, 120.0)] + [pubsub({speed["source"]: "fast"})]
    answer = await client.post(f"/translators/{translator}/translate", json=batch)
    assert answer.status_code == 200
    out = answer.json()
    assert [m["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] for m in out[:2]] == pytest.approx([1.0, 2.0])
    assert out[2] is None
    assert answer.headers["Tolka-Failed"] == "1"
    assert orjson.loads(answer.headers["Tolka-Errors"])[0]["index"] == 2

    bad = is_problem(
        await client.post(f"/translators/{translator}/translate", json=pubsub({speed["source"]: "x"})), 422
    )
    assert bad["field"] == speed["source"]
    is_problem(await client.post(f"/translators/{translator}/translate", content=b"{nope"), 422)
    is_problem(await client.post("/translators/t-nope/translate", json={}), 404)

    back = await client.post(
        f"/translators/{translator}/translate", params={"reverse": "true"}, json=one.json()
    )
    assert back.json()["Messages"][0]["Payload"][speed["source"]]["Value"] == pytest.approx(1500.0)


async def test_the_message_format_is_chosen_by_content_type_or_query(client: httpx.AsyncClient) -> None:
    translator, document = await translator_for(client)
    speed = next(r for r in document["rules"] if r["source_id"] == SPEED_A)  # type: ignore[union-attr]
    pack = [{"n": field, "v": 3000.0 if field == speed["source"] else 1.0} for field in FIELDS]
    senml_in = await client.post(
        f"/translators/{translator}/translate",
        content=orjson.dumps(pack),
        headers={"Content-Type": "application/senml+json"},
    )
    assert senml_in.status_code == 200, senml_in.text
    assert senml_in.json()["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] == pytest.approx(50.0)
    senml_out = await client.post(
        f"/translators/{translator}/translate",
        params={"target_format": "senml"},
        json=pubsub({speed["source"]: 600.0}),
    )
    assert senml_out.headers["content-type"] == "application/senml+json"
    records = {r["n"]: r for r in senml_out.json()}
    assert any(r.get("v") == pytest.approx(10.0) and r.get("u") == "Hz" for r in records.values())
    batch_of_packs = await client.post(
        f"/translators/{translator}/translate",
        content=orjson.dumps([pack, pack]),
        headers={"Content-Type": "application/senml+json"},
    )
    assert len(batch_of_packs.json()) == 2
    is_problem(await client.post(f"/translators/{translator}/translate?source_format=xml", json={}), 422)


async def test_batches_and_bodies_over_the_limits_are_refused(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_batch": 2, "max_message_bytes": 2048}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        translator, _ = await translator_for(client)
        is_problem(await client.post(f"/translators/{translator}/translate", json=[{}, {}, {}]), 413)
        is_problem(
            await client.post(f"/translators/{translator}/translate", content=b"[" + b" " * 4096 + b"]"), 413
        )


async def test_an_incompatible_alignment_is_refused_naming_both_fields(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)
    cs = (await client.get(f"/alignments/{alignment}")).json()["correspondences"]
    speed = next(c for c in cs if c["subject_id"] == SPEED_A)
    # the speed retargeted to the outlet temperature: rpm cannot become °F
    await client.patch(f"/alignments/{alignment}/correspondences/{speed['id']}", json={"object_id": TEMP_B})
    refused = is_problem(await client.post("/translators", json={"alignment": alignment}), 422)
    assert refused["source_field"] == SPEED_A
    assert refused["target_field"] == TEMP_B
    assert (await client.get("/translators")).json() == []


def test_websocket_streams_translate_in_order(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        a = client.post("/models", files={"file": (VENDOR_A.name, VENDOR_A.read_bytes())}).json()["id"]
        b = client.post("/models", files={"file": (VENDOR_B.name, VENDOR_B.read_bytes())}).json()["id"]
        started = client.post("/alignments", json={"source": a, "target": b}).json()
        for _ in range(1200):
            if client.get(f"/jobs/{started['job']}").json()["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
        translator = client.post(
            "/translators", json={"alignment": started["alignment"], "target_format": "json"}
        ).json()["id"]
        field = next(
            r["source"]
            for r in client.get(f"/translators/{translator}").json()["rules"]
            if r["source_id"] == SPEED_A
        )
        with client.websocket_connect(f"/translators/{translator}/stream") as ws:
            for rpm in (60.0, 120.0):
                ws.send_text(orjson.dumps(pubsub({field: rpm})).decode())
            ws.send_text("{oops")
            ws.send_bytes(orjson.dumps(pubsub({field: 180.0})))
            got = [orjson.loads(ws.receive_text()) for _ in range(4)]
        assert [
            g["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] for g in (got[0], got[1], got[3])
        ] == pytest.approx([1, 2, 3])
        assert got[2]["error"]["index"] == 2
        assert "not JSON" in got[2]["error"]["detail"]
        metrics = client.get("/metrics").text
        assert 'tolka_messages_translated_total{transport="websocket"} 3.0' in metrics
        assert 'tolka_messages_failed_total{transport="websocket"} 1.0' in metrics


# --------------------------------------------------------------------------------------- system


async def test_health_metrics_and_openapi(client: httpx.AsyncClient) -> None:
    health = (await client.get("/health")).json()
    assert health["status"] == "ok"
    assert health["schema_version"] == SCHEMA_VERSION
    await client.get("/models")
    await client.get("/models/m-missing")
    metrics = await client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert (
        'tolka_http_requests_total{method="GET",route="/models/{model_id}",status="404"} 1.0' in metrics.text
    )
    assert "tolka_http_request_seconds_bucket" in metrics.text
    spec = (await client.get("/openapi.json")).json()
    assert {"/models", "/alignments", "/jobs/{job_id}", "/translators/{translator_id}/translate"} <= set(
        spec["paths"]
    )
    assert (await client.get("/docs")).status_code == 200


async def test_tokens_guard_everything_but_health(settings: Settings) -> None:
    app = create_app(Settings(data_dir=settings.data_dir, tokens="s3cret, other"))  # type: ignore[arg-type]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        assert (await client.get("/health")).status_code == 200
        for path in ("/models", "/metrics", "/openapi.json", "/docs"):
            denied = await client.get(path)
            assert denied.status_code == 401
            assert denied.headers["www-authenticate"] == "Bearer"
        assert (await client.get("/models", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await client.get("/models", headers={"Authorization": "Bearer s3cret"})).status_code == 200
        assert (await client.get("/models", headers={"Authorization": "bearer other"})).status_code == 200
    with TestClient(app) as sync_client:
        with (
            pytest.raises(WebSocketDisconnect) as denied,
            sync_client.websocket_connect("/translators/t-x/stream"),
        ):
            pass
        assert denied.value.code == 1008
        assert "token" in denied.value.reason
        # a browser passes the token in the query: it gets through, to learn there is no such translator
        url = "/translators/t-x/stream?access_token=s3cret"
        with pytest.raises(WebSocketDisconnect) as missing, sync_client.websocket_connect(url):
            pass
        assert "no translator" in missing.value.reason


async def test_a_restart_keeps_everything(settings: Settings) -> None:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        _, _, alignment = await matched(client)
        first = (await client.get(f"/alignments/{alignment}")).json()["correspondences"][0]["id"]
        await client.patch(f"/alignments/{alignment}/correspondences/{first}", json={"status": "rejected"})
        translator = (
            await client.post("/translators", json={"alignment": alignment, "target_format": "json"})
        ).json()["id"]
        before = [
            (await client.get(path)).json()
            for path in ("/models", f"/alignments/{alignment}", "/translators")
        ]
    again = create_app(settings)
    async with (
        again.router.lifespan_context(again),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=again), base_url="http://t") as client,
    ):
        after = [
            (await client.get(path)).json()
            for path in ("/models", f"/alignments/{alignment}", "/translators")
        ]
        assert after == before
        assert (await client.get(f"/alignments/{alignment}/reviews")).json()[0]["status_after"] == "rejected"
        assert (await client.post(f"/translators/{translator}/translate", json=pubsub({}))).status_code in (
            200,
            422,
        )


async def test_a_translator_s_formats_follow_its_models_unless_asked(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)  # two NodeSets
    created = await client.post("/translators", json={"alignment": alignment})
    document = (await client.get(f"/translators/{created.json()['id']}")).json()
    assert (document["source"]["format"]["type"], document["target"]["format"]["type"]) == (
        "opcua-pubsub-json",
        "opcua-pubsub-json",
    )
    asked = await client.post("/translators", json={"alignment": alignment, "target_format": "senml"})
    document = (await client.get(f"/translators/{asked.json()['id']}")).json()
    assert document["target"]["format"]["type"] == "senml"


def test_a_bad_unit_table_is_the_server_s_fault_not_the_request_s() -> None:
    assert status_of(UnitTableError("file not found", source="/srv/UNECE_to_OPCUA.csv")) == 500
    assert status_of(ParseError("malformed XML", source="a.xml", line=3)) == 422
