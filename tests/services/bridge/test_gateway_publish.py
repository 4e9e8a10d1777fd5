"""``tolka serve --mqtt-publish``: every message the gateway translates also goes to MQTT as PubSub JSON."""

from __future__ import annotations

from pathlib import Path

import httpx
import orjson
import pytest

from services.gateway import Settings, create_app
from tests.paths import VENDOR_A, VENDOR_B
from tests.polling import eventually
from tests.servers import Mosquitto
from tests.services.bridge.conftest import Collector, message
from tests.services.gateway.conftest import upload
from tests.services.gateway.test_api import SPEED_A, SPEED_B
from tests.services.gateway.test_review import import_alignment

pytestmark = pytest.mark.anyio

TOPIC = "plant/b/gateway"
FIELD = "Skid_01.PLC.AnalogInputs.SC_107"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _speeds(collector: Collector) -> list[float]:
    speeds = []
    for payload in collector.on(TOPIC):
        network = orjson.loads(payload)
        assert network["MessageType"] == "ua-data"
        speeds += [m["Payload"][FIELD]["Value"] for m in network["Messages"] if FIELD in m["Payload"]]
    return speeds


async def test_the_gateway_publishes_what_it_translates(broker: Mosquitto, tmp_path: Path) -> None:
    collector = Collector(broker, TOPIC, client_id="gateway-publish-collector")
    settings = Settings(data_dir=tmp_path / "data", mqtt_publish=broker.url, mqtt_topic=TOPIC)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://tolka") as client:
                a, b = await upload(client, VENDOR_A), await upload(client, VENDOR_B)
                alignment = await import_alignment(client, a, b, f"{SPEED_A} {SPEED_B}")
                made = await client.post(
                    "/translators", json={"alignment": alignment, "target_format": "json"}
                )
                assert made.status_code == 201, made.text
                url = f"/translators/{made.json()['id']}/translate"
                one = await client.post(url, content=message(1200))
                assert one.status_code == 200, one.text
                batch = b"[" + b",".join(message(n) for n in (60, 120, 180)) + b"]"
                assert (await client.post(url, content=batch)).status_code == 200
            await eventually(lambda: len(_speeds(collector)) >= 4)  # the assertion below says what came
        collector.flush()  # the gateway has stopped: all it published is in, a duplicate too
    finally:
        collector.close()
    assert _speeds(collector) == pytest.approx([20.0, 1.0, 2.0, 3.0])  # rpm → Hz, in order


def test_a_bad_mqtt_url_is_refused_before_serving(tmp_path: Path) -> None:
    from tests.services.simulated import run

    done = run("serve", "--data-dir", str(tmp_path), "--mqtt-publish", "ftp://broker")
    assert done.returncode == 2
    assert "--mqtt-publish" in done.stderr
