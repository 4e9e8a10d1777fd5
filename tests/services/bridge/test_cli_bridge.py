"""``tolka bridge`` refuses bad input with one clear line and exit status 2, before connecting."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from tests.services.bridge.conftest import TOLKA


def bridge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, "bridge", *args], capture_output=True, text=True, timeout=60)


def common(translator: Path, broker: str = "mqtt://127.0.0.1:1") -> list[str]:
    return [
        "--broker",
        broker,
        "--translator",
        str(translator),
        "--subscribe",
        "plant/a/#",
        "--publish",
        "plant/b",
    ]


@pytest.mark.parametrize(
    ("broker", "says"),
    [
        (
            "http://127.0.0.1:1883",
            "'http://127.0.0.1:1883' is not an MQTT broker URL: it must start with mqtt://, mqtts://",
        ),
        ("mqtt://127.0.0.1:99999", "has a bad port"),
        ("mqtt://user:secret@127.0.0.1", "carries credentials"),
        ("mqtt:///plant", "has a path"),
    ],
)
def test_a_bad_broker_url_is_named(translator_file: Path, broker: str, says: str) -> None:
    done = bridge(*common(translator_file, broker))
    assert done.returncode == 2
    assert done.stderr.startswith("tolka: error: --broker: ")
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_translator_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    done = bridge(*common(missing))
    assert done.returncode == 2
    assert str(missing) in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--publish", "plant/a/b"], "--publish: 'plant/a/b' matches the --subscribe filter 'plant/a/#'"),
        (["--group", "a/b"], "--group: 'a/b' cannot name a shared subscription group"),
        (["--dead-letter", "dead/#"], "--dead-letter: 'dead/#' has a wildcard"),
        (["--subscribe", "plant/#/x"], "--subscribe: 'plant/#/x': level 2"),
        (["--ca-file", "/nonexistent/ca.pem"], "--ca-file: '/nonexistent/ca.pem' is not a file"),
    ],
)
def test_bad_topics_groups_and_tls_files_are_named(
    translator_file: Path, extra: list[str], says: str
) -> None:
    done = bridge(*common(translator_file), *extra)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_metrics_port_in_use_is_named_in_the_log_format_asked_for(
    translator_file: Path, log_format: str
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = bridge(*common(translator_file), "--metrics-port", str(port), "--log-format", log_format)
    assert done.returncode == 2, done.stderr
    says = f"--metrics-port: cannot listen on 127.0.0.1:{port}: Address already in use"
    if log_format == "text":
        assert done.stderr == f"tolka: error: {says}\n"
    else:
        (line,) = done.stderr.splitlines()
        event = json.loads(line)
        assert (event["level"], event["component"], event["event"]) == ("error", "bridge", "error")
        assert event["message"] == says


def test_an_unknown_log_format_is_refused(translator_file: Path) -> None:
    done = bridge(*common(translator_file), "--log-format", "xml")
    assert done.returncode == 2
    assert "'xml': use one of text, json" in done.stderr
