"""Standard properties (EngineeringUnits, EURange, ...) on the review page: the page's settings map
them to the node each describes, and in headless Chromium their correspondences fold under the row
of their parent's correspondence ("+N metadata") unless the "metadata" filter lists them.

Two small NodeSets stand in for the models: a device with a temperature (EngineeringUnits and
EURange) and a pressure (EURange); the alignment pairs the temperatures, their two properties each,
and the pressures' EURange alone (its parent has no correspondence, so it is an ordinary row).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from services.gateway import Settings
from services.gateway.review.page import render_review
from services.gateway.store import Store
from tests.servers import gateway_serving
from tests.services.gateway.conftest import upload
from tests.services.gateway.test_review_browser import ARGS, chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

SOURCE_URI = "http://tolka.dev/test/Boiler/"
TARGET_URI = "http://tolka.dev/test/Heater/"
TOKEN = "metadata-token-31f"


def node(uri: str, number: int) -> str:
    """The id of node ``i=number`` of the model with namespace ``uri``."""
    return f"nsu={uri};i={number}"


# i=6001 the temperature, 6002 its EngineeringUnits, 6003 its EURange; 6004 the pressure, 6005 its EURange
TEMPERATURE = (node(SOURCE_URI, 6001), node(TARGET_URI, 6001))
UNITS = (node(SOURCE_URI, 6002), node(TARGET_URI, 6002))
RANGE = (node(SOURCE_URI, 6003), node(TARGET_URI, 6003))
PRESSURE_RANGE = (node(SOURCE_URI, 6005), node(TARGET_URI, 6005))
PAIRS = [TEMPERATURE, UNITS, RANGE, PRESSURE_RANGE]


def _property(number: int, name: str, parent: int, datatype: str) -> str:
    return f"""
  <UAVariable NodeId="ns=1;i={number}" BrowseName="{name}" ParentNodeId="ns=1;i={parent}" DataType="{datatype}">
    <DisplayName>{name}</DisplayName>
    <References>
      <Reference ReferenceType="HasTypeDefinition">i=68</Reference>
      <Reference ReferenceType="HasProperty" IsForward="false">ns=1;i={parent}</Reference>
    </References>
  </UAVariable>"""


def _variable(number: int, name: str, properties: tuple[int, ...]) -> str:
    has = "".join(
        f'\n      <Reference ReferenceType="HasProperty">ns=1;i={p}</Reference>' for p in properties
    )
    return f"""
  <UAVariable NodeId="ns=1;i={number}" BrowseName="1:{name}" ParentNodeId="ns=1;i=5001" DataType="Double">
    <DisplayName>{name}</DisplayName>
    <References>
      <Reference ReferenceType="HasTypeDefinition">i=2368</Reference>
      <Reference ReferenceType="HasComponent" IsForward="false">ns=1;i=5001</Reference>{has}
    </References>
  </UAVariable>"""


def metered_model(uri: str, device: str, temperature: str, pressure: str) -> bytes:
    """A NodeSet2 file: object ``device`` (i=5001) with variables ``temperature`` (i=6001; its
    EngineeringUnits i=6002 and EURange i=6003) and ``pressure`` (i=6004; its EURange i=6005)."""
    nodes = "".join(
        (
            _variable(6001, temperature, (6002, 6003)),
            _property(6002, "EngineeringUnits", 6001, "EUInformation"),
            _property(6003, "EURange", 6001, "Range"),
            _variable(6004, pressure, (6005,)),
            _property(6005, "EURange", 6004, "Range"),
        )
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<UANodeSet xmlns="http://opcfoundation.org/UA/2011/03/UANodeSet.xsd">
  <NamespaceUris><Uri>{uri}</Uri></NamespaceUris>
  <Aliases>
    <Alias Alias="Double">i=11</Alias>
    <Alias Alias="Organizes">i=35</Alias>
    <Alias Alias="HasTypeDefinition">i=40</Alias>
    <Alias Alias="HasProperty">i=46</Alias>
    <Alias Alias="HasComponent">i=47</Alias>
    <Alias Alias="Range">i=884</Alias>
    <Alias Alias="EUInformation">i=887</Alias>
  </Aliases>
  <UAObject NodeId="ns=1;i=5001" BrowseName="1:{device}">
    <DisplayName>{device}</DisplayName>
    <References>
      <Reference ReferenceType="Organizes" IsForward="false">i=85</Reference>
      <Reference ReferenceType="HasTypeDefinition">i=58</Reference>
      <Reference ReferenceType="HasComponent">ns=1;i=6001</Reference>
      <Reference ReferenceType="HasComponent">ns=1;i=6004</Reference>
    </References>
  </UAObject>{nodes}
</UANodeSet>
""".encode()


def write_models(folder: Path) -> tuple[Path, Path]:
    """The source (Boiler) and target (Heater) models written to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "Boiler.NodeSet2.xml"
    target = folder / "Heater.NodeSet2.xml"
    source.write_bytes(metered_model(SOURCE_URI, "Boiler", "Temperature", "VesselPressure"))
    target.write_bytes(metered_model(TARGET_URI, "Heater", "OutletTemp", "LinePressure"))
    return source, target


def sssom(pairs: list[tuple[str, str]]) -> bytes:
    """``pairs`` (subject, object) as SSSOM TSV."""
    head = "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n"
    rows = "".join(f"{s}\tskos:exactMatch\t{o}\tsemapv:ManualMappingCuration\t0.9\n" for s, o in pairs)
    return (head + rows).encode()


# ------------------------------------------------------------------------------------------ settings


@pytest.mark.anyio
async def test_the_page_settings_map_each_standard_property_to_its_parent(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    source, target = write_models(tmp_path / "models")
    a, b = await upload(client, source), await upload(client, target)
    imported = await client.post(
        "/alignments/import",
        files={"file": ("pairs.tsv", sssom(PAIRS))},
        data={"source": a, "target": b},
    )
    assert imported.status_code == 201, imported.text
    text = (await client.get(f"/review/{imported.json()['id']}")).text
    raw = re.search(r'<script type="application/json" id="review-settings">(.*?)</script>', text, re.S)
    assert raw is not None
    settings = json.loads(raw[1])
    for side, uri in (("source", SOURCE_URI), ("target", TARGET_URI)):
        assert settings[side]["metadata"] == {
            node(uri, 6002): node(uri, 6001),
            node(uri, 6003): node(uri, 6001),
            node(uri, 6005): node(uri, 6004),
        }


@pytest.mark.anyio
async def test_a_model_without_standard_properties_maps_nothing(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    schema = tmp_path / "pump.schema.json"
    schema.write_text(
        json.dumps({"$id": "pump", "type": "object", "properties": {"EURange": {"type": "number"}}})
    )
    source, _ = write_models(tmp_path / "models")
    a, b = await upload(client, source), await upload(client, schema)
    imported = await client.post(
        "/alignments/import",
        files={"file": ("pairs.tsv", sssom([(TEMPERATURE[0], "pump#/properties/EURange")]))},
        data={"source": a, "target": b},
    )
    assert imported.status_code == 201, imported.text
    text = render_review(Store(settings.database), imported.json()["id"])
    raw = re.search(r'id="review-settings">(.*?)</script>', text, re.S)
    assert raw is not None
    given = json.loads(raw[1])
    assert len(given["source"]["metadata"]) == 3
    assert given["target"]["metadata"] == {}  # a JSON Schema field named EURange is content, not metadata


# ------------------------------------------------------------------------------------------ browser


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


def rows(page: Page) -> Locator:
    return page.locator("#correspondences li.corr")


def shown(page: Page) -> list[int]:
    """The cids of the list's rows, in order."""
    return [
        int(cid)
        for cid in page.locator("#correspondences li.corr").evaluate_all("(l) => l.map((e) => e.dataset.cid)")
    ]


def links(page: Page) -> set[int]:
    """The cids of the links drawn between the trees (once the drawing has caught up)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return {int(c) for c in page.locator("#links path").evaluate_all("(l) => l.map((e) => e.dataset.cid)")}


@pytest.mark.browser
def test_metadata_rows_fold_under_their_parents_row(browser: Browser, tmp_path: Path) -> None:
    source, target = write_models(tmp_path / "models")
    with gateway_serving(tmp_path / "data", token=TOKEN) as gateway:
        api = httpx.Client(base_url=gateway.url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        ids = [
            api.post("/models", files={"file": (p.name, p.read_bytes())}).json()["id"]
            for p in (source, target)
        ]
        imported = api.post(
            "/alignments/import",
            files={"file": ("pairs.tsv", sssom(PAIRS))},
            data={"source": ids[0], "target": ids[1]},
        )
        assert imported.status_code == 201, imported.text
        alignment = imported.json()["id"]
        cid = {
            (c["subject_id"], c["object_id"]): c["id"]
            for c in api.get(f"/alignments/{alignment}").json()["correspondences"]
        }
        temperature, units, eu_range, orphan = (cid[p] for p in PAIRS)

        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{gateway.url}/review/{alignment}?access_token={TOKEN}")
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)

        # by default the temperature's two properties fold under its row; the pressure's EURange, whose
        # parent has no correspondence, is an ordinary row
        assert shown(page) == [temperature, orphan]  # in tree order
        assert links(page) == {temperature, orphan}
        assert page.locator("#shown-count").text_content() == "2 of 4 shown · 2 metadata folded"
        parent = page.locator(f'#correspondences li[data-cid="{temperature}"]')
        toggle = parent.locator(".metadata-toggle")
        assert toggle.text_content() == "+2 metadata"
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator(f'#correspondences li[data-cid="{orphan}"] .metadata-toggle').count() == 0

        # the badge unfolds them right under their parent's row, indented; again folds them
        toggle.click()
        assert shown(page)[0] == temperature
        assert sorted(shown(page)[1:3]) == sorted([units, eu_range])
        assert shown(page)[3] == orphan
        assert links(page) == {temperature, units, eu_range, orphan}
        assert page.locator("#correspondences li.metadata-child").count() == 2
        assert page.locator(f'#correspondences li[data-cid="{units}"]').evaluate(
            "(e) => e.classList.contains('metadata-child')"
        )
        assert page.locator("#shown-count").text_content() == "4 of 4 shown"
        assert toggle.get_attribute("aria-expanded") == "true"
        page.locator(f'#correspondences li[data-cid="{temperature}"] .metadata-toggle').click()
        assert shown(page) == [temperature, orphan]  # in tree order

        # the "metadata" filter lists them as ordinary rows, no badge
        assert not page.is_checked("#show-metadata")
        page.check("#show-metadata")
        assert sorted(shown(page)) == sorted([temperature, units, eu_range, orphan])
        assert page.locator("#correspondences li.metadata-child").count() == 0
        assert page.locator("#correspondences .metadata-toggle").count() == 0
        assert links(page) == {temperature, units, eu_range, orphan}
        page.uncheck("#show-metadata")
        assert shown(page) == [temperature, orphan]  # in tree order

        # a decision on the parent leaves its properties as they were; once the parent row is filtered
        # out, they are listed on their own rather than lost
        parent.get_by_role("button", name="Accept").click()
        page.wait_for_selector(f'#correspondences li[data-cid="{temperature}"].status-accepted')
        statuses = {
            c["id"]: c["status"] for c in api.get(f"/alignments/{alignment}").json()["correspondences"]
        }
        assert statuses == {
            temperature: "accepted",
            units: "proposed",
            eu_range: "proposed",
            orphan: "proposed",
        }
        page.uncheck('input[name="status"][value="accepted"]')
        assert sorted(shown(page)) == sorted([units, eu_range, orphan])
        assert page.locator("#shown-count").text_content() == "3 of 4 shown"

        assert errors == []
        context.close()
        api.close()
