"""``tolka bridge`` against a broker that wants TLS and a password: translated with the right ones,
refused by name with a wrong password."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import pwd
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import paho.mqtt.client as mqtt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.polling import wait_until
from tests.servers import free_port, mosquitto_binary
from tests.services.bridge.conftest import message
from tests.services.simulated import TOLKA, run

USER, PASSWORD = "operator", "s3cret-pw"


@dataclass(frozen=True)
class SecureBroker:
    port: int
    ca: Path


def _certificates(folder: Path) -> Path:
    """A CA and a server certificate for 127.0.0.1 signed by it, written into ``folder``; the CA file."""
    now = dt.datetime.now(dt.UTC)
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tolka test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return folder / "ca.pem"


@pytest.fixture
def secure_broker(tmp_path: Path) -> Iterator[SecureBroker]:
    binary = mosquitto_binary()
    folder = tmp_path / "secure"
    folder.mkdir()
    ca = _certificates(folder)
    passwords = folder / "passwd"
    passwords.write_text("")
    subprocess.run(
        [str(Path(binary).with_name("mosquitto_passwd")) if Path(binary).with_name("mosquitto_passwd").exists()
         else "mosquitto_passwd", "-b", str(passwords), USER, PASSWORD],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    config = folder / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nuser {pwd.getpwuid(os.getuid()).pw_name}\nallow_anonymous false\n"
        f"password_file {passwords}\ncafile {ca}\ncertfile {folder / 'server.pem'}\n"
        f"keyfile {folder / 'server.key'}\nlog_dest file {folder / 'mosquitto.log'}\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = folder / "mosquitto.log"
    try:
        running = wait_until(
            lambda: process.poll() is not None or (log.exists() and "running" in log.read_text())
        )
        assert process.poll() is None, process.communicate()[1]
        assert running, "the TLS broker did not start"
        yield SecureBroker(port, ca)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)


def _client(broker: SecureBroker, client_id: str) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id)
    client.username_pw_set(USER, PASSWORD)
    client.tls_set(ca_certs=str(broker.ca))
    return client


def test_tls_and_password(secure_broker: SecureBroker, translator_file: Path, tmp_path: Path) -> None:
    url = f"mqtts://127.0.0.1:{secure_broker.port}"
    log = tmp_path / "bridge.log"
    with log.open("wb") as stderr:  # the process has its own copy of the file
        bridge = subprocess.Popen(
            [TOLKA, "bridge", "--broker", url, "--ca-file", str(secure_broker.ca), "--username", USER,
             "--translator", str(translator_file), "--subscribe", "plant/a", "--publish", "plant/b"],
            env={**os.environ, "TOLKA_MQTT_PASSWORD": PASSWORD}, stdout=subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    received: list[bytes] = []
    arrived, subscribed = threading.Event(), threading.Event()

    def on_message(client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        received.append(bytes(msg.payload))
        arrived.set()

    collector = _client(secure_broker, "secure-collector")
    collector.on_message = on_message
    collector.on_subscribe = lambda *args: subscribed.set()
    collector.connect("127.0.0.1", secure_broker.port)
    collector.subscribe("plant/b", 1)
    collector.loop_start()
    publisher = _client(secure_broker, "secure-publisher")
    publisher.connect("127.0.0.1", secure_broker.port)
    publisher.loop_start()
    try:
        assert subscribed.wait(10), "the collector could not subscribe"
        # the bridge says ``tolka: bridging`` once its subscription is up: one message is enough then
        wait_until(lambda: bridge.poll() is not None or "tolka: bridging" in log.read_text(), 30)
        assert bridge.poll() is None, log.read_text()
        assert "tolka: bridging" in log.read_text(), f"the bridge did not subscribe: {log.read_text()}"
        publisher.publish("plant/a", message(1500), qos=1).wait_for_publish(5)
        assert arrived.wait(30), f"nothing translated over TLS: {log.read_text()}"
        assert orjson.loads(received[0])["Skid_01"]["PLC"]["AnalogInputs"]["SC_107"] == pytest.approx(25.0)
    finally:
        for client in (publisher, collector):
            client.disconnect()
            client.loop_stop()
        bridge.send_signal(signal.SIGTERM)
        bridge.wait(30)
    assert bridge.returncode == 0, log.read_text()

    wrong = run("bridge", "--broker", url, "--ca-file", str(secure_broker.ca), "--username", USER, "--password",
                "wrong", "--translator", str(translator_file), "--subscribe", "plant/a", "--publish", "plant/c")  # fmt: skip
    assert wrong.returncode != 0
    assert "refused the connection: Not authorized" in wrong.stderr
