"""``tolka proxy``: serve a machine's live OPC UA data in another information model."""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.opcua.security import AUTO, POLICIES
from services.cli import app
from services.cli.errors import fail, reports_errors
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

if TYPE_CHECKING:
    from services.bridge.publisher import PubSubPublisher
    from services.proxy.plan import Plan
    from services.proxy.security import ServedUser
    from services.proxy.targets import RemoteTarget, ServedTarget
    from translator.translation.spec import Rule, TranslatorSpec

__all__ = ["proxy_command"]

DEFAULT_SERVE = "opc.tcp://127.0.0.1:4841/tolka"
TARGET_PASSWORD = "TOLKA_TARGET_PASSWORD"


@app.command("proxy")
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
) -> None:
    """Subscribe to SOURCE, translate every data change with TRANSLATOR, and serve the result in the
    target's model (an embedded OPC UA server), or write it into an existing target server.

    Value, source timestamp and status code are carried through. A served variable no value has
    reached yet reads BadWaitingForInitialData (BadNoCommunication while the source cannot be
    reached); variables no rule feeds read BadNotConnected. If the source goes away, the served values
    keep their last value and source timestamp as UncertainLastUsableValue, and the proxy reconnects
    on its own. Stop it with Ctrl-C.

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
    """
    from adapters.registry import detect_format
    from services.bridge.publisher import field_name
    from services.cli.options import load_model
    from services.proxy.plan import plan_routes
    from services.proxy.runtime import Proxy, describe
    from services.proxy.security import SecurityError, ServedSecurity
    from services.proxy.targets import RemoteTarget, ServedTarget
    from services.proxy.workers import ShardedProxy
    from translator.graph.model import SchemaGraph
    from translator.translation.spec import read_translator, resolve_model, spec_to_dict

    if serve and write_to:
        raise fail("give --serve or --write-to, not both")
    if mqtt_publish and workers > 1:
        raise fail("--mqtt-publish runs with one worker (the workers translate in other processes)")
    if write_to and (write_back or users):
        raise fail("--write-back and --user are for the served model: not with --write-to")
    spec = read_translator(translator)
    plan = plan_routes(spec)
    names = [field_name(rule.target) for rule in spec.rules]
    publisher = (
        _publisher(mqtt_publish, mqtt_topic, mqtt_metadata_topic, key_frame_count, spec, plan, names)
        if mqtt_publish
        else None
    )
    for reason in plan.left_out:
        print(f"tolka: note: left out {reason}", file=sys.stderr)
    for note in plan.notes:
        print(f"tolka: note: {note}", file=sys.stderr)
    writable = set() if write_to else plan.writable(write_back or ())
    served_users = [_served_user(text) for text in users or ()]
    pki = pki or data_dir / "pki"
    source_side = client_security(
        source_security,
        source_user,
        source_password_file,
        source_user_certificate,
        source_user_key,
        pki,
        trust_all,
        allow_insecure_password,
    )
    if not write_to and not allow_anonymous and not served_users:
        raise fail(
            "clients of the served model need a user: give --user NAME:ROLE (password in "
            "TOLKA_PASSWORD_<NAME>), or --allow-anonymous"
        )
    if writable and not any(u.role == "write" for u in served_users):
        print(
            f"tolka: note: write-back is on for {len(writable)} variables, but no user has the write "
            "role (--user NAME:write): they stay read-only for every client",
            file=sys.stderr,
        )
    target: ServedTarget | RemoteTarget
    if write_to:
        target_side = client_security(
            target_security,
            target_user,
            target_password_file,
            pki=pki,
            trust_all=trust_all,
            allow_insecure_password=allow_insecure_password,
            password_variable=TARGET_PASSWORD,
            prefix="--target",
        )
        target = RemoteTarget(write_to, security=target_side)
    else:
        try:
            served_security = ServedSecurity.parse(
                serve_security or (),
                users=tuple(served_users),
                allow_anonymous=allow_anonymous,
                allow_insecure_password=allow_insecure_password,
                pki=pki,
                trust_all=trust_all,
            )
        except SecurityError as exc:
            raise fail(f"--serve-security: {exc}") from None
        model = target_model or Path(resolve_model(spec.target.model, translator))
        if not model.is_file():
            raise fail(
                f"the target model {str(model)!r} is not a file: give its NodeSet2 file with --target-model"
            )
        # a NodeSet2 file is served as it is; any other model (a JSON Schema, ...) is built from its graph
        served: Path | SchemaGraph = model if detect_format(model) == "nodeset" else load_model([model])
        target = ServedTarget(
            serve or DEFAULT_SERVE,
            served,
            writable=writable,
            security=served_security,
        )
    logging.basicConfig(level=logging.WARNING, format="tolka: %(message)s")
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    options = {
        "publishing_interval": publishing_interval,
        "queue_size": queue_size,
        "security": source_side,
    }
    proxy: Proxy | ShardedProxy
    if workers > 1:
        proxy = ShardedProxy(plan, spec_to_dict(spec), source, target, workers, **options)
    else:
        proxy = Proxy(plan, source, target, **options)  # type: ignore[arg-type]
        if publisher is not None:
            # the target model's types: an abstract one (Variant) stays so whatever the values are
            publisher.types = lambda: {names[r.rule]: _kind(target, r.target_id) for r in plan.routes}
            proxy.on_translated = lambda route, value: publisher.offer(
                names[route.rule],
                value.Value.Value if value.Value is not None else None,
                value.SourceTimestamp or value.ServerTimestamp,
                value.StatusCode.value if value.StatusCode is not None else 0,
                _kind(target, route.target_id),
            )

    async def run() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        started = time.monotonic()
        task = asyncio.create_task(proxy.run(stop, ready))
        publishing = asyncio.create_task(publisher.run(stop)) if publisher is not None else None

        async def report() -> None:
            await ready.wait()
            where = write_to or serve or DEFAULT_SERVE
            print(
                f"tolka: proxying {len(plan.routes)} variables from {source} to {where}"
                + (f" with {workers} workers" if workers > 1 else ""),
                file=sys.stderr,
            )
            while True:
                await asyncio.sleep(report_every)
                print(f"tolka: {describe(proxy.counters, started)}", file=sys.stderr)

        reporter = asyncio.create_task(report())
        try:
            await task
            if publishing is not None:
                stop.set()
                await publishing
        finally:
            reporter.cancel()
        mqtt = f"; {publisher.values} values in {publisher.published} MQTT messages" if publisher else ""
        print(f"tolka: stopped; {describe(proxy.counters, started)}{mqtt}", file=sys.stderr)

    asyncio.run(run())


def password_variable(name: str) -> str:
    """The environment variable holding the password of the served user ``name``."""
    return "TOLKA_PASSWORD_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _served_user(text: str) -> ServedUser:
    """``NAME:ROLE`` of --user, its password from the environment."""
    import os

    from services.proxy.security import ROLES, ServedUser

    name, _, role = text.rpartition(":")
    if not name or role not in ROLES:
        raise fail(f"--user {text!r}: expected NAME:ROLE with ROLE one of {', '.join(ROLES)}")
    variable = password_variable(name)
    password = os.environ.get(variable, "")
    if not password:
        raise fail(f"--user {text!r}: no password in the environment variable {variable}")
    return ServedUser(name, password, role)


def _publisher(
    broker: str,
    topic: str,
    metadata_topic: str | None,
    key_frame_count: int,
    spec: TranslatorSpec,
    plan: Plan,
    names: list[str],
) -> PubSubPublisher:
    """The MQTT publisher of --mqtt-publish (settings checked before anything starts): one DataSetWriter
    whose fields are the routed target fields, in the translator file's order, with their units."""
    import os

    from services.bridge.publisher import PubSubPublisher
    from services.bridge.settings import BrokerUrl, check_topic
    from translator.translation.codecs.pubsub_frames import FieldSpec

    routed = sorted({route.rule for route in plan.routes})
    publisher = PubSubPublisher(
        BrokerUrl.parse(broker, "--mqtt-publish"),
        check_topic(topic, "--mqtt-topic"),
        publisher_id="tolka-proxy",
        writer_name="proxy",
        dataset_name=Path(spec.target.model).stem or "translated",
        fields=[FieldSpec(names[k], unit=_unit(spec.rules[k])) for k in routed],
        key_frame_count=key_frame_count,
        username=os.environ.get("TOLKA_MQTT_USERNAME") or None,
        password=os.environ.get("TOLKA_MQTT_PASSWORD") or None,
    )
    if metadata_topic is not None:
        publisher.metadata_topic = check_topic(metadata_topic, "--mqtt-metadata-topic")
    if publisher.metadata_topic == publisher.topic:
        raise fail("--mqtt-metadata-topic: the metadata needs a topic of its own, not --mqtt-topic's")
    return publisher


def _unit(rule: Rule) -> str:
    """A target field's unit: the rule's, else what its last unit conversion converts to."""
    from translator.translation.spec import Unit

    return rule.unit or next((t.target for t in reversed(rule.transforms) if isinstance(t, Unit)), "")


def _kind(target: ServedTarget | RemoteTarget, target_id: str) -> int:
    """The built-in type of a target variable (its VariantType's number), 0 while unknown."""
    variant = target.types.get(target_id)
    return 0 if variant is None else int(variant.value)
