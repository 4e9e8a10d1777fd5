"""The log formats of the long-running commands: what a log shipper parses."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from services.logs import configure_logging, log_event


@pytest.fixture
def restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root")
def test_json_lines_carry_time_level_component_event_and_fields() -> None:
    out = io.StringIO()
    configure_logging("json", "bridge", level=logging.INFO, stream=out)
    log_event(logging.getLogger("services.bridge"), "status", received=12, translated=11)
    try:
        raise RuntimeError("broker gone")
    except RuntimeError:
        logging.getLogger("services.bridge").exception("connection lost")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert (first["component"], first["level"], first["event"]) == ("bridge", "info", "status")
    assert (first["received"], first["translated"]) == (12, 11)
    assert first["time"].endswith("Z")
    assert (second["level"], second["event"]) == ("error", "connection lost")
    assert "RuntimeError: broker gone" in second["error"]


@pytest.mark.usefixtures("restore_root")
def test_text_stays_readable_and_a_second_call_replaces_the_first() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("json", "proxy", stream=first)
    configure_logging("text", "proxy", stream=second)
    logging.getLogger("x").warning("source %s down", "opc.tcp://127.0.0.1:4840")
    log_event(logging.getLogger("x"), "status", logging.WARNING, changes=3)
    assert first.getvalue() == ""
    assert second.getvalue().splitlines() == [
        "tolka: source opc.tcp://127.0.0.1:4840 down",
        "tolka: status (changes=3)",
    ]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="log format 'xml'"):
        configure_logging("xml", "serve")
