"""The review page in headless Chromium (Playwright) against a real ``tolka serve`` with a token.

Vendor A and B are uploaded and matched over HTTP; the browser signs in once with ``?access_token=``,
lists the standard properties' correspondences (folded under their parents' by default), accepts,
rejects and retargets correspondences, watches the live preview change, retrains and waits for the
job, and the decisions are then read back through the API. A screenshot is kept under
``$TOLKA_ARTIFACTS`` (else the test's tmp_path); with ``TOLKA_UPDATE_DOCS=1`` it also becomes
``docs/review.png``, the README's picture.

Chromium is ``$TOLKA_CHROMIUM`` or ``/usr/bin/chromium``. Without it the test is skipped — unless
``TOLKA_CHROMIUM`` is set (as in CI), when a missing browser fails it.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.paths import ROOT, VENDOR_A, VENDOR_B
from tests.servers import gateway_serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TOKEN = "browser-token-7c1e"
SPEED_A = "nsu=http://tolka.dev/demo/VendorA/;i=6061"
SPEED_B = "nsu=http://tolka.dev/demo/VendorB/;i=6020"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MAX_PNG_BYTES = 300_000


def chromium() -> str:
    """The browser to drive; skip without one, unless TOLKA_CHROMIUM asks for it."""
    wanted = os.environ.get("TOLKA_CHROMIUM", "")
    path = Path(wanted or "/usr/bin/chromium")
    if path.is_file() and os.access(path, os.X_OK):
        return str(path)
    if wanted:
        pytest.fail(f"TOLKA_CHROMIUM={wanted} but there is no executable browser there")
    pytest.skip("no Chromium at /usr/bin/chromium (set TOLKA_CHROMIUM to require one)")


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("TOLKA_CHROMIUM"):
            raise
        pytest.skip("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``tolka serve`` on a free 127.0.0.1 port with two workers and a token; its URL."""
    with gateway_serving(tmp_path / "data", token=TOKEN, workers=2) as gateway:
        url = gateway.url
        yield url


def wait_for_job(api: httpx.Client, job: str) -> dict[str, Any]:
    deadline = time.monotonic() + 180
    while (state := api.get(f"/jobs/{job}").json())["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, state
        time.sleep(0.2)
    return state


def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TOLKA_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pointer(message: Any, address: str) -> Any:
    """The value at a JSON Pointer, or KeyError."""
    for token in address.strip("/").split("/"):
        message = message[token.replace("~1", "/").replace("~0", "~")]
    return message


def preview_of(page: Page) -> tuple[int, Any]:
    """The live preview's version and its translated message."""
    output = page.locator("#preview-output")
    return int(output.get_attribute("data-version") or 0), json.loads(output.text_content() or "null")


def preview_without(page: Page, address: str) -> Any:
    """The translated message, once the live preview no longer holds the field at ``address``."""
    deadline = time.monotonic() + 15
    while True:
        translated = preview_of(page)[1]
        try:
            pointer(translated, address)
        except (KeyError, TypeError):
            return translated
        assert time.monotonic() < deadline, f"{address} is still in the preview: {translated}"
        page.wait_for_timeout(100)


def links_drawn(page: Page, count: int) -> None:
    """Wait until the board shows ``count`` links (they are drawn on the next animation frame)."""
    page.wait_for_function(f"document.querySelectorAll('#links path').length === {count}", timeout=5_000)


def row(page: Page, cid: int) -> Any:
    return page.locator(f'#correspondences li[data-cid="{cid}"]')


def test_reviewing_in_the_browser(browser: Browser, server: str, tmp_path: Path) -> None:
    api = httpx.Client(base_url=server, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    ids = [
        api.post("/models", files={"file": (p.name, p.read_bytes())}).json()["id"]
        for p in (VENDOR_A, VENDOR_B)
    ]
    started = api.post("/alignments", json={"source": ids[0], "target": ids[1]}).json()
    assert wait_for_job(api, started["job"])["state"] == "done"
    alignment = started["alignment"]
    proposed = api.get(f"/alignments/{alignment}").json()["correspondences"]
    sample = api.get(f"/alignments/{alignment}/sample").json()
    target_nodes = api.get(f"/models/{ids[1]}/graph", params={"limit": 10000}).json()["nodes"]
    level_range = next(n["id"] for n in target_nodes if n.get("path", "").endswith("/LT_101/EURange"))
    rules = api.post(
        f"/alignments/{alignment}/preview", json={"message": sample, "target_format": "json"}
    ).json()["rules"]

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)

    # without the token the page is refused; with it once, the cookie takes over
    assert page.goto(f"{server}/review/{alignment}").status == 401  # type: ignore[union-attr]
    page.goto(f"{server}/review/{alignment}?access_token={TOKEN}")
    assert page.url == f"{server}/review/{alignment}"
    session = next(c for c in context.cookies() if c["name"] == "tolka_session")
    assert session["httpOnly"]
    assert session["sameSite"] == "Strict"
    assert TOKEN not in session["value"]
    errors.clear()  # the refused first visit logs its 401
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)

    # both trees; the standard properties' correspondences fold under their parents' rows, a line per row
    assert page.locator("#source-tree [data-id]").count() > 50
    listed = page.locator("#correspondences li.corr").count()
    assert 0 < listed < len(proposed)
    links_drawn(page, listed)
    assert page.locator("#correspondences .metadata-toggle").count() > 0
    # the "metadata" filter lists every correspondence: a row and a line each
    page.check("#show-metadata")
    assert page.locator("#correspondences li.corr").count() == len(proposed)
    links_drawn(page, len(proposed))
    speed_unit = page.locator(f'#source-tree [data-id="{SPEED_A}"] .unit').text_content()
    assert speed_unit == "r/min"  # as vendor A writes it
    # vendor B's model is a NodeSet, so the preview starts in PubSub JSON; the reviewer asks for plain JSON
    assert page.locator("#target-format").input_value() == "opcua-pubsub-json"
    page.select_option("#target-format", "json")
    deadline = time.monotonic() + 15
    while True:
        try:
            speed_hz = pointer(preview_of(page)[1], "/Skid_01/PLC/AnalogInputs/SC_107")
            break
        except (KeyError, TypeError):
            assert time.monotonic() < deadline, f"no plain JSON preview: {preview_of(page)[1]}"
            page.wait_for_timeout(100)
    assert speed_hz == pytest.approx(25.0)  # 1500 rpm

    page.fill("#reviewer", "ana")
    page.locator("#reviewer").dispatch_event("change")

    # accept the speed pair
    speed = next(c for c in proposed if (c["subject_id"], c["object_id"]) == (SPEED_A, SPEED_B))
    row(page, speed["id"]).get_by_role("button", name="Accept").click()
    page.wait_for_selector(f'#correspondences li[data-cid="{speed["id"]}"].status-accepted')

    # reject a pair the preview translates: its field leaves the preview
    rule = next(r for r in rules if r["source_id"] != SPEED_A)
    dropped = next(
        c for c in proposed if (c["subject_id"], c["object_id"]) == (rule["source_id"], rule["target_id"])
    )
    version = preview_of(page)[0]
    row(page, dropped["id"]).get_by_role("button", name="Reject").click()
    page.wait_for_selector(f'#correspondences li[data-cid="{dropped["id"]}"].status-rejected')
    after = preview_without(page, rule["target"])
    assert preview_of(page)[0] > version
    assert pointer(after, "/Skid_01/PLC/AnalogInputs/SC_107") == pytest.approx(25.0)
    # the links are redrawn on the next animation frame, so wait for it rather than read it at once
    page.wait_for_selector(
        f'#links path[data-cid="{dropped["id"]}"].rejected', state="attached", timeout=5_000
    )

    # retarget another one through the search box over the target model
    moved = next(
        c for c in proposed if c["id"] not in (speed["id"], dropped["id"]) and c["object_id"] != level_range
    )
    row(page, moved["id"]).get_by_role("button", name="Retarget").click()
    page.fill("#retarget-search", "lt_101 eurange")
    choices = page.locator("#retarget-results button")
    choices.first.wait_for()
    assert choices.count() == 1
    assert choices.first.get_attribute("data-id") == level_range
    choices.first.click()
    page.wait_for_selector(f'#correspondences li[data-cid="{moved["id"]}"].status-accepted')
    assert "LT_101" in (row(page, moved["id"]).locator(".object").text_content() or "")

    # retrain, watching the job, and the decisions stay
    page.click("#retrain")
    page.wait_for_selector("#retrain[data-state=done]", timeout=120_000)
    assert "correspondences" in (page.locator("#job-text").text_content() or "")
    page.wait_for_selector(f'#correspondences li[data-cid="{dropped["id"]}"].status-rejected')

    # the API holds what the page decided
    stored = {c["id"]: c for c in api.get(f"/alignments/{alignment}").json()["correspondences"]}
    assert stored[speed["id"]]["status"] == "accepted"
    assert stored[dropped["id"]]["status"] == "rejected"
    assert (stored[moved["id"]]["status"], stored[moved["id"]]["object_id"]) == ("accepted", level_range)
    history = api.get(f"/alignments/{alignment}/reviews").json()
    assert [(h["cid"], h["who"], h["action"]) for h in history] == [
        (speed["id"], "ana", "accepted"),
        (dropped["id"], "ana", "rejected"),
        (moved["id"], "ana", "retarget"),
    ]
    jobs = [j for j in api.get("/jobs").json() if j["kind"] == "retrain"]
    assert [j["state"] for j in jobs] == ["done"]

    # the filters hide what they should
    page.uncheck('input[name="status"][value="rejected"]')
    assert page.locator(f'#correspondences li[data-cid="{dropped["id"]}"]').count() == 0
    page.wait_for_selector(f'#links path[data-cid="{dropped["id"]}"]', state="detached", timeout=5_000)
    page.check('input[name="status"][value="rejected"]')
    page.uncheck("#show-metadata")

    row(page, speed["id"]).locator(".pair").click()
    page.wait_for_timeout(400)  # the smooth scroll to the selected pair
    shot = artifacts(tmp_path) / "review.png"
    page.screenshot(path=str(shot))
    assert 0 < shot.stat().st_size < MAX_PNG_BYTES * 3
    if os.environ.get("TOLKA_UPDATE_DOCS"):
        docs = ROOT / "docs" / "review.png"
        docs.parent.mkdir(exist_ok=True)
        save_small_png(shot, docs)
    assert errors == []
    context.close()
    api.close()


def save_small_png(source: Path, target: Path) -> None:
    """``source`` as a palette PNG under MAX_PNG_BYTES (the README's picture)."""
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    assert target.stat().st_size < MAX_PNG_BYTES, target.stat().st_size
