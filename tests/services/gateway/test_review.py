"""The review page and its preview endpoints in process (httpx + ASGITransport): the live preview, the
sample message, escaping of what models say, the report link slot, and the page's authentication."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, WebSocketDisconnect
from fastapi.testclient import TestClient

from services.gateway import Settings, create_app
from services.gateway.security import SESSION_COOKIE, session_value
from tests.paths import VENDOR_A, VENDOR_B
from tests.services.gateway.conftest import matched, upload
from tests.services.gateway.test_api import SPEED_A, SPEED_B, TEMP_B, is_problem

TEMP_A = "nsu=http://tolka.dev/demo/VendorA/;i=6082"  # the heater's outlet temperature

pytestmark = pytest.mark.anyio

TOKEN = "review-s3cret"
HOSTILE = "<script>alert(1)</script>"
HOSTILE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/</script><script>alert(2)</script>",
    "title": "<b>bold</b>",
    "type": "object",
    "properties": {
        "pump": {
            "type": "object",
            "title": HOSTILE,
            "description": "<img src=x onerror=alert(3)>",
            "properties": {
                "speed": {
                    "type": "number",
                    "title": 'Speed "quoted" & <i>it</i>',
                    "description": "pump speed",
                }
            },
        }
    },
}
HOSTILE_SPEED = "https://example.com/</script><script>alert(2)</script>#/properties/pump/properties/speed"


def analog(message: dict[str, Any]) -> dict[str, Any]:
    """The analog inputs of a translated vendor B message (plain JSON)."""
    inputs: dict[str, Any] = message["Skid_01"]["PLC"]["AnalogInputs"]
    return inputs


async def import_alignment(client: httpx.AsyncClient, source: str, target: str, pairs: str) -> str:
    """An alignment imported as SSSOM TSV (``pairs``: subject, object lines); its id."""
    tsv = "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n" + "".join(
        f"{s}\tskos:exactMatch\t{o}\tsemapv:ManualMappingCuration\t0.9\n"
        for s, o in (line.split(" ") for line in pairs.strip().splitlines())
    )
    response = await client.post(
        "/alignments/import",
        files={"file": ("pairs.tsv", tsv.encode())},
        data={"source": source, "target": target},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


# ------------------------------------------------------------------------------------------ preview


async def test_the_preview_translates_with_the_decisions_as_they_stand(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)
    sample = (await client.get(f"/alignments/{alignment}/sample")).json()
    payload = sample["Messages"][0]["Payload"]
    assert payload["PumpSkid1.Pump.Speed"]["Value"] == 1500.0  # the middle of its range, 0..3000 rpm
    assert payload["PumpSkid1.Pump.StartCount"]["Value"] == 1  # an integer without a range

    # vendor B's model is a NodeSet: by default the preview writes its messages as PubSub JSON
    default = (await client.post(f"/alignments/{alignment}/preview", json={"message": sample})).json()
    assert default["message"]["MessageType"] == "ua-data"
    before = await client.post(
        f"/alignments/{alignment}/preview", json={"message": sample, "target_format": "json"}
    )
    assert before.status_code == 200, before.text
    body = before.json()
    assert analog(body["message"])["SC_107"] == pytest.approx(25.0)  # 1500 rpm → 25 Hz
    assert SPEED_A in {r["source_id"] for r in body["rules"]}
    total = (await client.get(f"/alignments/{alignment}")).json()["total"]
    assert body["correspondences"] == total

    cs = (await client.get(f"/alignments/{alignment}")).json()["correspondences"]
    speed = next(c for c in cs if (c["subject_id"], c["object_id"]) == (SPEED_A, SPEED_B))
    await client.patch(f"/alignments/{alignment}/correspondences/{speed['id']}", json={"status": "rejected"})
    after = (
        await client.post(
            f"/alignments/{alignment}/preview", json={"message": sample, "target_format": "json"}
        )
    ).json()
    assert "SC_107" not in analog(after["message"])
    assert SPEED_A not in {r["source_id"] for r in after["rules"]}
    assert after["correspondences"] == total - 1
    assert (await client.get(f"/alignments/{alignment}")).json()["total"] == total  # nothing else changed

    # retargeted to the outlet temperature: rpm cannot become °F, and the preview says so by name
    await client.patch(f"/alignments/{alignment}/correspondences/{speed['id']}", json={"object_id": TEMP_B})
    refused = is_problem(
        await client.post(
            f"/alignments/{alignment}/preview", json={"message": sample, "target_format": "json"}
        ),
        422,
    )
    assert (refused["source_field"], refused["target_field"]) == (SPEED_A, TEMP_B)
    assert (await client.get("/translators")).json() == []  # a preview stores nothing


async def test_the_preview_speaks_every_format_and_refuses_bad_requests(client: httpx.AsyncClient) -> None:
    _, _, alignment = await matched(client)
    pack = (await client.get(f"/alignments/{alignment}/sample", params={"source_format": "senml"})).json()
    speed = next(r for r in pack if r["n"] == "PumpSkid1.Pump.Speed")
    assert (speed["v"], speed["u"]) == (1500.0, "rpm")  # SenML writes the unit as its symbol
    out = await client.post(
        f"/alignments/{alignment}/preview",
        json={"message": pack, "source_format": "senml", "target_format": "senml"},
    )
    assert out.status_code == 200, out.text
    records = {r["n"]: r for r in out.json()["message"]}
    assert records["Skid_01.PLC.AnalogInputs.SC_107"]["v"] == pytest.approx(25.0)
    plain = (await client.get(f"/alignments/{alignment}/sample", params={"source_format": "json"})).json()
    assert plain["PumpSkid1"]["Pump"]["Speed"] == 1500.0

    del plain["PumpSkid1"]["Pump"]["Speed"]
    missing = is_problem(
        await client.post(
            f"/alignments/{alignment}/preview", json={"message": plain, "source_format": "json"}
        ),
        422,
    )
    assert missing["field"] == "/PumpSkid1/Pump/Speed"
    is_problem(
        await client.post(f"/alignments/{alignment}/preview", json={"message": {}, "target_format": "xml"}),
        422,
    )
    is_problem(await client.post(f"/alignments/{alignment}/preview", json={"message": {}, "extra": 1}), 422)
    is_problem(await client.post("/alignments/a-nope/preview", json={"message": {}}), 404)
    is_problem(await client.get("/alignments/a-nope/sample"), 404)


# --------------------------------------------------------------------------------------------- page


async def test_the_page_shows_both_trees_and_escapes_what_the_models_say(client: httpx.AsyncClient) -> None:
    hostile = await upload(
        client,
        VENDOR_B,
        file=("<img src=x onerror=alert(4)>.schema.json", json.dumps(HOSTILE_SCHEMA).encode()),
    )
    b = await upload(client, VENDOR_B)
    alignment = await import_alignment(client, hostile, b, f"{HOSTILE_SPEED} {SPEED_B}")
    page = await client.get(f"/review/{alignment}")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    text = page.text

    for raw in (HOSTILE, "<img src=x", "<b>bold</b>", "<i>it</i>", "</script><script>alert(2)"):
        assert raw not in text
    assert html.escape(HOSTILE) in text  # the label is there, as text
    assert "Speed &#34;quoted&#34; &amp; &lt;i&gt;it&lt;/i&gt;" in text
    assert len(re.findall(r"<script\b", text)) == 2  # the settings and the page's script, nothing else
    raw_settings = re.search(
        r'<script type="application/json" id="review-settings">(.*?)</script>', text, re.S
    )
    assert raw_settings is not None
    assert "<" not in raw_settings[1]
    settings = json.loads(raw_settings[1])
    assert settings["source"]["name"] == "https://example.com/</script><script>alert(2)</script>"
    assert settings["target"]["message_format"] == "opcua-pubsub-json"
    assert settings["report"] == f"/alignments/{alignment}/report"

    # every own node of both models is a row, named by its id
    ids = set(re.findall(r'data-id="([^"]*)"', text))
    assert html.escape(HOSTILE_SPEED) in ids
    graph = (await client.get(f"/models/{b}/graph", params={"limit": 10000})).json()
    assert {html.escape(n["id"]) for n in graph["nodes"] if n.get("own", True)} <= ids
    assert 'data-unit="Hz"' in text  # SC_107's unit, as vendor B writes it

    is_problem(await client.get("/review/a-nope"), 404)
    script = await client.get("/review/assets/review.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "textContent" in script.text
    assert (await client.get("/review/assets/review.css")).headers["content-type"].startswith("text/css")
    is_problem(await client.get("/review/assets/secrets.txt"), 404)


async def test_the_review_page_links_to_the_visual_report(client: httpx.AsyncClient) -> None:
    a, b = await upload(client, VENDOR_A), await upload(client, VENDOR_B)
    alignment = await import_alignment(client, a, b, f"{SPEED_A} {SPEED_B}\n{TEMP_A} {TEMP_B}")
    assert f'href="/alignments/{alignment}/report"' in (await client.get(f"/review/{alignment}")).text
    report = await client.get(f"/alignments/{alignment}/report")
    assert report.status_code == 200, report.text
    assert report.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in report.headers["content-security-policy"]
    text = report.text
    assert text.count("data:image/png;base64,") >= 2  # the heatmap and the histogram
    assert "SC_107" in text
    assert "TT_103" in text
    assert not re.search(r'(?:src|href)="https?://', text)  # self-contained
    is_problem(await client.get("/alignments/a-nope/report"), 404)


# --------------------------------------------------------------------------------------------- auth


def browser_of(app: FastAPI, **options: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tolka", **options)


@pytest.fixture
async def guarded(settings: Settings) -> AsyncIterator[tuple[FastAPI, str]]:
    """An app with tokens, vendor A and B uploaded and aligned (imported): the app and the alignment."""
    app = create_app(Settings(data_dir=settings.data_dir, tokens=f"{TOKEN}, other"))  # type: ignore[arg-type]
    async with (
        app.router.lifespan_context(app),
        browser_of(app, headers={"Authorization": f"Bearer {TOKEN}"}) as admin,
    ):
        a, b = await upload(admin, VENDOR_A), await upload(admin, VENDOR_B)
        yield app, await import_alignment(admin, a, b, f"{SPEED_A} {SPEED_B}\n{TEMP_A} {TEMP_B}")


async def test_a_browser_signs_in_once_and_the_cookie_stands_for_the_token(
    guarded: tuple[FastAPI, str],
) -> None:
    app, alignment = guarded
    page = f"/review/{alignment}"
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    async with browser_of(app) as anonymous:
        denied = is_problem(await anonymous.get(page), 401)
        assert "access_token" in str(denied["detail"])
        assert (await anonymous.get(page)).headers["www-authenticate"] == "Bearer"
        assert (await anonymous.get(page, params={"access_token": "wrong"})).status_code == 401
        assert (await anonymous.get("/review/assets/review.js")).status_code == 401
        # the query token is for pages a browser navigates to, not for the API
        api = await anonymous.get(f"/alignments/{alignment}", params={"access_token": TOKEN})
        assert api.status_code == 401
        assert (await anonymous.get(page, headers=bearer)).status_code == 200

        signed = await anonymous.get(page, params={"access_token": TOKEN})
        assert signed.status_code == 303
        assert signed.headers["location"] == page  # the token leaves the address bar
        assert signed.headers["referrer-policy"] == "no-referrer"
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}={session_value(TOKEN)};")
        assert TOKEN not in cookie
        for attribute in ("HttpOnly", "SameSite=strict", "Path=/", "Max-Age="):
            assert attribute in cookie
        assert "Secure" not in cookie  # plain http on loopback; over https the cookie is Secure

    async with browser_of(app, cookies={SESSION_COOKIE: session_value(TOKEN)}) as browser:
        assert (await browser.get(page)).status_code == 200
        assert (await browser.get("/review/assets/review.js")).status_code == 200
        cs = (await browser.get(f"/alignments/{alignment}")).json()["correspondences"]
        url = f"/alignments/{alignment}/correspondences/{cs[0]['id']}"
        # a change needs the page's header besides the cookie: a form of another site cannot send it
        assert (await browser.patch(url, json={"status": "accepted"})).status_code == 401
        assert (await browser.post(f"/alignments/{alignment}/retrain")).status_code == 401
        done = await browser.patch(url, json={"status": "accepted"}, headers={"X-Tolka-Request": "review"})
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "accepted"
    for value in (session_value("a-token-no-longer-configured"), TOKEN, ""):  # the cookie is not the token
        async with browser_of(app, cookies={SESSION_COOKIE: value}) as other:
            refused = await other.get(f"/alignments/{alignment}")
            assert refused.status_code == 401
            assert refused.headers["content-type"].startswith("application/problem+json")
    async with browser_of(app, cookies={SESSION_COOKIE: session_value("other")}) as second:
        assert (await second.get(f"/alignments/{alignment}")).status_code == 200  # any configured token

    with TestClient(app) as sync_client:  # a WebSocket never takes the cookie
        sync_client.cookies.set(SESSION_COOKIE, session_value(TOKEN))
        with (
            pytest.raises(WebSocketDisconnect) as refused_socket,
            sync_client.websocket_connect("/translators/t-x/stream"),
        ):
            pass
        assert refused_socket.value.code == 1008


async def test_without_tokens_the_page_is_open_and_sets_no_cookie(client: httpx.AsyncClient) -> None:
    a, b = await upload(client, VENDOR_A), await upload(client, VENDOR_B)
    alignment = await import_alignment(client, a, b, f"{SPEED_A} {SPEED_B}")
    assert (await client.get(f"/review/{alignment}")).status_code == 200
    redirect = await client.get(f"/review/{alignment}", params={"access_token": "anything"})
    assert redirect.status_code == 303
    assert "set-cookie" not in redirect.headers
