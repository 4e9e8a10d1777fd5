"""``tolka proxy``: serve a machine's live OPC UA data in another information model."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.opcua.security import AUTO, POLICIES, ClientSecurity
from services.cli.errors import reports_errors
from services.cli.opcua import (
    AllowInsecurePasswordOption,
    SourcePasswordFileOption,
    SourceSecurityOption,
    SourceUserCertificateOption,
    SourceUserKeyOption,
    SourceUserOption,
    TrustAllOption,
    client_security,
)
from services.cli.options import TranslatorFileOption
from services.cli.proxy_settings import (
    DEFAULT_SERVE,
    TARGET_PASSWORD,
    check_usage,
    mqtt_publishing,
    served_security,
    target_client_security,
    target_model_file,
)
from services.cli.running import (
    LogFormatOption,
    MetricsHostOption,
    MetricsPortOption,
    logging_for,
    run_until_stopped,
    say,
)

if TYPE_CHECKING:
    from services.proxy.build import BuiltProxy, ProxySettings
    from services.telemetry import Telemetry

__all__ = ["proxy_command"]


@reports_errors
def proxy_command(
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="The source server (opc.tcp://host:port or opc.tcp://host:port/path).",
            show_default=False,
        ),
    ],
    translator: TranslatorFileOption,
    serve: Annotated[
        str | None,
        typer.Option(
            "--serve",
            help=f"Serve the target model at this endpoint (default {DEFAULT_SERVE}, unless --write-to).",
            show_default=False,
        ),
    ] = None,
    write_to: Annotated[
        str | None,
        typer.Option(
            "--write-to", help="Write into this existing target server instead.", show_default=False
        ),
    ] = None,
    target_model: Annotated[
        Path | None,
        typer.Option(
            "--target-model",
            help="The target model to serve: a NodeSet2 file as it is, any other model (JSON Schema, ...) "
            "built from its graph (default: the translator file's target model).",
            show_default=False,
        ),
    ] = None,
    publishing_interval: Annotated[
        float,
        typer.Option("--publishing-interval", help="Source subscription publishing interval (ms).", min=1),
    ] = 50.0,
    queue_size: Annotated[
        int, typer.Option("--queue-size", help="Server-side queue per monitored item.", min=2)
    ] = 100,
    source_security: SourceSecurityOption = AUTO,
    source_user: SourceUserOption = None,
    source_password_file: SourcePasswordFileOption = None,
    source_user_certificate: SourceUserCertificateOption = None,
    source_user_key: SourceUserKeyOption = None,
    serve_security: Annotated[
        list[str] | None,
        typer.Option(
            "--serve-security",
            help="What the served endpoint offers, POLICY-MODE (repeatable; default: SignAndEncrypt with "
            f"{', '.join(POLICIES)}); None only when asked for.",
            show_default=False,
        ),
    ] = None,
    allow_anonymous: Annotated[
        bool,
        typer.Option(
            "--allow-anonymous", help="Let clients of the served model in without a user (read only)."
        ),
    ] = False,
    allow_insecure_password: AllowInsecurePasswordOption = False,
    users: Annotated[
        list[str] | None,
        typer.Option(
            "--user",
            help="A user of the served model, NAME:ROLE with ROLE read or write (repeatable); the password "
            "comes from the environment variable TOLKA_PASSWORD_<NAME> (upper case, other characters _).",
            show_default=False,
        ),
    ] = None,
    write_back: Annotated[
        list[str] | None,
        typer.Option(
            "--write-back",
            help="Let users with the write role write this served variable (a rule's target_id or target "
            "address; repeatable); the write is translated back to the source. Also per rule in the "
            'translator file ("write_back": true). Off by default: served variables are read-only.',
            show_default=False,
        ),
    ] = None,
    target_security: Annotated[
        str,
        typer.Option(
            "--target-security", help="Security of the --write-to connection, as --source-security."
        ),
    ] = AUTO,
    target_user: Annotated[
        str | None,
        typer.Option(
            "--target-user",
            help=f"User for --write-to; the password from {TARGET_PASSWORD} or --target-password-file.",
            show_default=False,
        ),
    ] = None,
    target_password_file: Annotated[
        Path | None,
        typer.Option(
            "--target-password-file", help="File holding --target-user's password.", show_default=False
        ),
    ] = None,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", envvar="TOLKA_DATA_DIR", help="Where Tolka keeps its state (pki/).")
    ] = Path("tolka-data"),
    pki: Annotated[
        Path | None,
        typer.Option(
            "--pki",
            envvar="TOLKA_PKI",
            help="The PKI folder (default DATA_DIR/pki): own/ certificate, trusted/ peers, rejected/ ones.",
            show_default=False,
        ),
    ] = None,
    trust_all: TrustAllOption = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Processes sharing the source's monitored items (each with its own connection); past a "
            "few thousand changes/s one process is not enough.",
            min=1,
            max=64,
        ),
    ] = 1,
    report_every: Annotated[
        float, typer.Option("--report-every", help="Seconds between counter lines.", min=0.5)
    ] = 10.0,
    mqtt_publish: Annotated[
        str | None,
        typer.Option(
            "--mqtt-publish",
            help="Also publish what is translated to this MQTT broker (mqtt://host:port, mqtts:// for TLS) "
            "as OPC UA PubSub JSON (OPC 10000-14: key and delta frames, metadata); credentials from "
            "TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD.",
            show_default=False,
        ),
    ] = None,
    mqtt_topic: Annotated[
        str, typer.Option("--mqtt-topic", help="The topic --mqtt-publish publishes data messages to.")
    ] = "tolka/proxy",
    mqtt_metadata_topic: Annotated[
        str | None,
        typer.Option(
            "--mqtt-metadata-topic",
            help="The topic of the DataSet's metadata (ua-metadata, published retained). Default: next to "
            "--mqtt-topic: <topic>/metadata, or opcua/json/metadata/<publisher>/<group>/<writer> for a "
            "topic of the spec's opcua/json/data/... tree.",
            show_default=False,
        ),
    ] = None,
    key_frame_count: Annotated[
        int,
        typer.Option(
            "--key-frame-count",
            help="--mqtt-publish sends a key frame (every field) first and every N publishing intervals "
            "(100 ms), delta frames (the fields that changed) in between; 1: key frames only.",
            min=1,
        ),
    ] = 10,
    mqtt_status_topic: Annotated[
        str | None,
        typer.Option(
            "--mqtt-status-topic",
            help="Where --mqtt-publish says online (retained) on connecting and offline on stopping; the "
            "broker says offline (its Last Will) when the proxy dies. Default tolka/status/<client id>.",
            show_default=False,
        ),
    ] = None,
    log_format: LogFormatOption = "text",
    metrics_port: MetricsPortOption = None,
    metrics_host: MetricsHostOption = "127.0.0.1",
) -> None:
    """Subscribe to SOURCE, translate every data change with TRANSLATOR, and serve the result in the
    target's model (an embedded OPC UA server), or write it into an existing target server.

    Value, source timestamp and status code are carried through. A served variable no value has
    reached yet reads BadWaitingForInitialData (BadNoCommunication while the source cannot be
    reached); variables no rule feeds read BadNotConnected. If the source goes away, the served values
    keep their last value and source timestamp as UncertainLastUsableValue, and the proxy reconnects
    on its own. Counters go to standard error every --report-every seconds and at exit (--log-format
    json: as JSON), and to GET /metrics and /health with --metrics-port. Stop it with Ctrl-C.

    Served variables are read-only. A client may write one only when write-back is enabled for its
    rule (--write-back, or "write_back": true in the translator file), the rule has an inverse, the
    target model's AccessLevel allows writes, and the client logged in as a user with the write role
    (--user NAME:write); the write is then translated back, written to the source with a timestamp,
    and logged. Other writes answer BadNotWritable or BadUserAccessDenied.

    Two sides, two identities. The source connection (--source-security, --source-user with its
    password in TOLKA_SOURCE_PASSWORD or --source-password-file) is Tolka's own login to the machine,
    never handed to anyone. The served endpoint offers SignAndEncrypt with Basic256Sha256,
    Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss (--serve-security to choose; None only when asked
    for) to the users given with --user NAME:ROLE (password in TOLKA_PASSWORD_<NAME>), and to anonymous
    clients (read only) with --allow-anonymous. Passwords never cross a channel without security
    unless --allow-insecure-password.

    Certificates are checked both ways against the PKI folder (DATA_DIR/pki, see 'tolka pki'):
    Tolka's own certificate is made on first use; a server or client whose certificate is not
    trusted is refused, its certificate copied to rejected/, and one line says how to trust it. When
    the source refuses Tolka's certificate, one line says which file to trust there, and the proxy
    keeps retrying.

    Examples:

        tolka proxy --source opc.tcp://10.0.0.5:4840 --translator a-b.json --allow-anonymous

        TOLKA_SOURCE_PASSWORD=... TOLKA_PASSWORD_HMI=... tolka proxy --source opc.tcp://plc:4840 \
            --translator a-b.json --source-user tolka --user hmi:write --write-back /Skid_01/SpeedSetpoint

        tolka pki trust tolka-data/pki/rejected/PLC_01_3F2A....der

        tolka proxy --source opc.tcp://plc:4840 --translator a-b.json --write-to opc.tcp://scada:4840

        tolka proxy --source opc.tcp://plc:4840 --translator a-b.json --allow-anonymous \
            --metrics-port 9102 --log-format json
    """
    from services.proxy.build import ProxySettings, build_proxy
    from translator.translation.spec import read_translator

    with logging_for(log_format, "proxy"):
        check_usage(serve, write_to, mqtt_publish, workers, write_back, users)
        spec = read_translator(translator)
        mqtt = mqtt_publishing(
            mqtt_publish, mqtt_topic, mqtt_metadata_topic, key_frame_count, status_topic=mqtt_status_topic
        )
        pki = pki or data_dir / "pki"
        source_side = client_security(
            source_security, source_user, source_password_file, source_user_certificate, source_user_key,
            pki, trust_all, allow_insecure_password,
        )  # fmt: skip
        served, model, target_side = None, None, ClientSecurity()
        if write_to:
            target_side = target_client_security(
                target_security, target_user, target_password_file, pki, trust_all, allow_insecure_password
            )
        else:
            served = served_security(
                serve_security, users, allow_anonymous, allow_insecure_password, pki, trust_all
            )
            model = target_model_file(target_model, spec.target.model, translator)
        settings = ProxySettings(
            spec,
            source,
            serve="" if write_to else serve or DEFAULT_SERVE,
            served_model=model,
            served_security=served,
            write_to=write_to or "",
            source_security=source_side,
            target_security=target_side,
            write_back=tuple(write_back or ()),
            publishing_interval=publishing_interval,
            queue_size=queue_size,
            workers=workers,
            mqtt=mqtt,
        )
        built = build_proxy(settings)
        telemetry = None
        if metrics_port is not None:
            from services.proxy.metrics import proxy_telemetry

            target = settings.write_to or settings.serve
            telemetry = proxy_telemetry(built, settings.source, target, metrics_host, metrics_port)
        _run(settings, built, report_every, log_format, telemetry)


def _run(
    settings: ProxySettings,
    built: BuiltProxy,
    report_every: float,
    log_format: str,
    telemetry: Telemetry | None,
) -> None:
    """Say the plan's notes, then run ``built`` until Ctrl-C or SIGTERM with counter lines."""
    from services.proxy.counters import describe

    for note in built.notes:
        say("note", f"note: {note}", log_format)
    served = settings.served_security
    if built.writable and served is not None and not served.writers:
        say(
            "note",
            f"note: write-back is on for {len(built.writable)} variables, but no user has the write "
            "role (--user NAME:write): they stay read-only for every client",
            log_format,
        )
    workers = f" with {settings.workers} workers" if settings.workers > 1 else ""
    banner = (
        f"proxying {len(built.plan.routes)} variables from {settings.source} to "
        f"{settings.write_to or settings.serve}{workers}"
    )
    publisher = built.publisher
    run_until_stopped(
        built.run,
        banner=lambda: banner,
        status=lambda started: describe(built.proxy.counters, started),
        final=lambda started: (
            describe(built.proxy.counters, started)
            + (f"; {publisher.values} values in {publisher.published} MQTT messages" if publisher else "")
        ),
        every=report_every,
        final_after_error=False,
        log_format=log_format,
        counters=lambda: _counters(built),
        details=lambda: {
            "source": settings.source,
            "target": settings.write_to or settings.serve,
            "variables": len(built.plan.routes),
            "workers": settings.workers,
        },
        telemetry=telemetry,
    )


def _counters(built: BuiltProxy) -> dict[str, object]:
    """The proxy's counters, and its MQTT publisher's when it publishes."""
    counters: dict[str, object] = built.proxy.counters.as_dict()
    publisher = built.publisher
    if publisher is not None:
        counters["mqtt_published"] = publisher.published
        counters["mqtt_values"] = publisher.values
        counters["mqtt_connected"] = publisher.connected
    return counters
