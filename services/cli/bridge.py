"""``tolka bridge``: translate the messages of an MQTT topic to another topic, in one or many instances."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from services.cli.errors import reports_errors
from services.cli.options import TranslatorFileOption
from services.cli.running import (
    LogFormatOption,
    MetricsHostOption,
    MetricsPortOption,
    logging_for,
    run_until_stopped,
)

if TYPE_CHECKING:
    from services.bridge.runtime import Bridge
    from services.telemetry import Telemetry

__all__ = ["bridge_command"]


@reports_errors
def bridge_command(
    broker: Annotated[
        str,
        typer.Option(
            "--broker",
            help="The broker: mqtt://host[:port] (default port 1883) or mqtts://host[:port] (TLS, 8883).",
            show_default=False,
        ),
    ],
    translator: TranslatorFileOption,
    subscribe: Annotated[
        str,
        typer.Option(
            "--subscribe",
            help="The topic filter to read (+ and # allowed; a level {name} is a + with a name).",
            show_default=False,
        ),
    ],
    publish: Annotated[
        str,
        typer.Option(
            "--publish",
            help="The topic translations go to; {1}, {2}, ... or {name} there take the level the "
            "message's topic had at that + of --subscribe (plant/{1}/b).",
            show_default=False,
        ),
    ],
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="Share the subscription with the other instances of this group ($share/GROUP/FILTER): "
            "each message goes to one of them.",
            show_default=False,
        ),
    ] = None,
    qos: Annotated[
        int,
        typer.Option(
            "--qos",
            help="0 or 1. At 1 a message is acknowledged only once its translation is published.",
            min=0,
            max=1,
        ),
    ] = 1,
    dead_letter: Annotated[
        str | None,
        typer.Option(
            "--dead-letter",
            help="Where messages that cannot be translated go, with the error (default PUBLISH/dead-letter; "
            "the same placeholders as --publish).",
            show_default=False,
        ),
    ] = None,
    client_id: Annotated[
        str | None,
        typer.Option(
            "--client-id",
            help="A stable MQTT client id, one per instance: the broker keeps its session (and the messages "
            "for it) while it restarts. Default: a new id per process.",
            show_default=False,
        ),
    ] = None,
    session_expiry: Annotated[
        int,
        typer.Option(
            "--session-expiry", help="Seconds the broker keeps the session of a --client-id away.", min=0
        ),
    ] = 3600,
    username: Annotated[
        str | None,
        typer.Option("--username", envvar="TOLKA_MQTT_USERNAME", help="Broker user.", show_default=False),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="TOLKA_MQTT_PASSWORD",
            help="Its password (better: the environment).",
            show_default=False,
        ),
    ] = None,
    tls: Annotated[
        bool, typer.Option("--tls", help="TLS on an mqtt:// URL's port (mqtts:// has it).")
    ] = False,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file", help="CA certificate(s) of the broker (default: the system's).", show_default=False
        ),
    ] = None,
    cert_file: Annotated[
        Path | None,
        typer.Option(
            "--cert-file", help="Client certificate, for brokers that ask for one.", show_default=False
        ),
    ] = None,
    key_file: Annotated[
        Path | None, typer.Option("--key-file", help="The client certificate's key.", show_default=False)
    ] = None,
    batch: Annotated[
        int,
        typer.Option("--batch", help="Messages translated and published together, at most.", min=1, max=1000),
    ] = 100,
    status_topic: Annotated[
        str | None,
        typer.Option(
            "--status-topic",
            help="Where the bridge says online (retained) on connecting and offline on stopping; the "
            "broker says offline (its Last Will) when the bridge dies. Default tolka/status/<client id>.",
            show_default=False,
        ),
    ] = None,
    report_every: Annotated[
        float, typer.Option("--report-every", help="Seconds between counter lines.", min=0.1)
    ] = 10.0,
    log_format: LogFormatOption = "text",
    metrics_port: MetricsPortOption = None,
    metrics_host: MetricsHostOption = "127.0.0.1",
) -> None:
    """Read the messages of SUBSCRIBE in the translator's source format, translate them with
    TRANSLATOR, and publish them to PUBLISH in its target format.

    Instances started with the same --group split the stream between them (an MQTT shared
    subscription). At --qos 1 (the default) a message is acknowledged to the broker only once its
    translation is; with a persistent session nothing is lost when the broker restarts or the
    connection drops — the bridge reconnects on its own. A message that cannot be translated goes to
    the dead-letter topic with the error and the original payload. Counters go to standard error
    every --report-every seconds and at exit (--log-format json: as JSON), and to GET /metrics and
    /health with --metrics-port. Stop it with Ctrl-C or SIGTERM.

    Examples:

        tolka bridge --broker mqtt://127.0.0.1:1883 --translator a-b.json --subscribe plant/a/# \
            --publish plant/b

        tolka bridge --broker mqtt://127.0.0.1:1883 --translator a-b.json \
            --subscribe 'plant/{line}/{machine}/a' --publish 'plant/{line}/{machine}/b' --metrics-port 9101

        TOLKA_MQTT_PASSWORD=... tolka bridge --broker mqtts://broker:8883 --username tolka \
            --translator a-b.json --subscribe plant/a/# --publish plant/b --group ab --client-id ab-1
    """
    from services.bridge.runtime import Bridge
    from services.bridge.settings import BridgeSettings
    from services.mqtt.broker import Tls
    from translator.translation.compiled import Translator
    from translator.translation.spec import read_translator

    with logging_for(log_format, "bridge"):
        want_tls = tls or any(f is not None for f in (ca_file, cert_file, key_file))
        settings = BridgeSettings.build(
            broker,
            subscribe,
            publish,
            dead_letter=dead_letter,
            group=group,
            qos=qos,
            client_id=client_id,
            session_expiry=session_expiry,
            username=username,
            password=password,
            tls=Tls(ca_file, cert_file, key_file) if want_tls else None,
            batch=batch,
            status_topic=status_topic,
        )
        bridge = Bridge(settings, Translator(read_translator(translator)))
        telemetry = None
        if metrics_port is not None:
            from services.bridge.metrics import bridge_telemetry

            telemetry = bridge_telemetry(bridge, metrics_host, metrics_port)
        _run(bridge, report_every, log_format, telemetry)


def _run(bridge: Bridge, report_every: float, log_format: str, telemetry: Telemetry | None) -> None:
    """Run ``bridge`` until Ctrl-C or SIGTERM, with counter lines on standard error."""
    from services.bridge.counters import describe

    s = bridge.settings
    run_until_stopped(
        bridge.run,
        banner=lambda: (
            f"bridging {s.subscription} to {s.publish} on {s.broker} as {s.client_id} ({bridge.translator})"
        ),
        status=lambda started: describe(bridge.counters, started),
        every=report_every,
        log_format=log_format,
        counters=bridge.counters.as_dict,
        details=lambda: {
            "broker": str(s.broker),
            "client_id": s.client_id,
            "subscription": s.subscription,
            "publish": s.publish,
            "dead_letter": s.dead_letter,
            "status_topic": bridge.status_topic,
        },
        telemetry=telemetry,
    )
