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

from services.cli import app
from services.cli.errors import fail, reports_errors
from services.cli.options import TranslatorFileOption

if TYPE_CHECKING:
    from services.bridge.publisher import PubSubPublisher
    from services.proxy.security import ServedUser

__all__ = ["proxy_command"]

DEFAULT_SERVE = "opc.tcp://127.0.0.1:4841/tolka"


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
    security: Annotated[
        str,
        typer.Option(
            "--security",
            help="Message security of both connections: None, Basic256Sha256-Sign or "
            "Basic256Sha256-SignAndEncrypt (certificates are made in DATA_DIR/pki on first use).",
        ),
    ] = "None",
    username: Annotated[
        str | None,
        typer.Option(
            "--username",
            envvar="TOLKA_OPCUA_USERNAME",
            help="User for the source, and a user clients of the served model log in as (read role).",
            show_default=False,
        ),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            "--password",
            envvar="TOLKA_OPCUA_PASSWORD",
            help="Its password (better: the environment).",
            show_default=False,
        ),
    ] = None,
    allow_anonymous: Annotated[
        bool,
        typer.Option(
            "--allow-anonymous", help="Let clients of the served model in without a user (read only)."
        ),
    ] = False,
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
    data_dir: Annotated[
        Path, typer.Option("--data-dir", envvar="TOLKA_DATA_DIR", help="Where certificates are kept (pki/).")
    ] = Path("tolka-data"),
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
            "as OPC UA PubSub JSON; credentials from TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD.",
            show_default=False,
        ),
    ] = None,
    mqtt_topic: Annotated[
        str, typer.Option("--mqtt-topic", help="The topic --mqtt-publish publishes to.")
    ] = "tolka/proxy",
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

    Clients of the served model log in with --username/--password or a --user; anonymous clients
    (read only) only with --allow-anonymous. --security applies to the source connection and the
    served endpoint.

    Examples:

        tolka proxy --source opc.tcp://10.0.0.5:4840 --translator a-b.json --allow-anonymous

        TOLKA_OPCUA_PASSWORD=... tolka proxy --source opc.tcp://plc:4840 --translator a-b.json \
            --security Basic256Sha256-SignAndEncrypt --username operator

        TOLKA_PASSWORD_HMI=... tolka proxy --source opc.tcp://plc:4840 --translator a-b.json \
            --allow-anonymous --user hmi:write --write-back /Skid_01/SpeedSetpoint

        tolka proxy --source opc.tcp://plc:4840 --translator a-b.json --write-to opc.tcp://scada:4840
    """
    from adapters.registry import detect_format
    from services.bridge.publisher import field_name
    from services.cli.options import load_model
    from services.proxy.plan import plan_routes
    from services.proxy.runtime import Proxy, describe
    from services.proxy.security import Credentials, Security
    from services.proxy.targets import RemoteTarget, ServedTarget
    from services.proxy.workers import ShardedProxy
    from translator.graph import SchemaGraph
    from translator.rules import read_translator, spec_to_dict

    if serve and write_to:
        raise fail("give --serve or --write-to, not both")
    if mqtt_publish and workers > 1:
        raise fail("--mqtt-publish runs with one worker (the workers translate in other processes)")
    publisher = _publisher(mqtt_publish, mqtt_topic) if mqtt_publish else None
    if write_to and (write_back or users):
        raise fail("--write-back and --user are for the served model: not with --write-to")
    spec = read_translator(translator)
    plan = plan_routes(spec)
    for reason in plan.left_out:
        print(f"tolka: note: left out {reason}", file=sys.stderr)
    for note in plan.notes:
        print(f"tolka: note: {note}", file=sys.stderr)
    writable = set() if write_to else plan.writable(write_back or ())
    served_users = [_served_user(text) for text in users or ()]
    secure = Security.parse(security, data_dir / "pki")
    credentials = Credentials(username or "", password or "")
    if not write_to and not allow_anonymous and not username and not served_users:
        raise fail(
            "clients of the served model need a user: give --username/--password or --user, "
            "or --allow-anonymous"
        )
    if writable and not any(u.role == "write" for u in served_users):
        print(
            f"tolka: note: write-back is on for {len(writable)} variables, but no user has the write "
            "role (--user NAME:write): they stay read-only for every client",
            file=sys.stderr,
        )
    target: ServedTarget | RemoteTarget
    if write_to:
        target = RemoteTarget(write_to, security=secure, credentials=credentials)
    else:
        model = target_model or Path(spec.target.model)
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
            security=secure,
            credentials=credentials,
            allow_anonymous=allow_anonymous,
            users=served_users,
        )
    logging.basicConfig(level=logging.WARNING, format="tolka: %(message)s")
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    options = {
        "publishing_interval": publishing_interval,
        "queue_size": queue_size,
        "security": secure,
        "credentials": credentials,
    }
    proxy: Proxy | ShardedProxy
    if workers > 1:
        proxy = ShardedProxy(plan, spec_to_dict(spec), source, target, workers, **options)
    else:
        proxy = Proxy(plan, source, target, **options)  # type: ignore[arg-type]
        if publisher is not None:
            names = [field_name(rule.target) for rule in spec.rules]
            proxy.on_translated = lambda route, value: publisher.offer(
                names[route.rule],
                value.Value.Value if value.Value is not None else None,
                value.SourceTimestamp or value.ServerTimestamp,
                value.StatusCode.value if value.StatusCode is not None else 0,
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


def _publisher(broker: str, topic: str) -> PubSubPublisher:
    """The MQTT publisher of --mqtt-publish (settings checked before anything starts)."""
    import os

    from services.bridge.publisher import PubSubPublisher
    from services.bridge.settings import BrokerUrl, check_topic

    return PubSubPublisher(
        BrokerUrl.parse(broker, "--mqtt-publish"),
        check_topic(topic, "--mqtt-topic"),
        publisher_id="tolka-proxy",
        username=os.environ.get("TOLKA_MQTT_USERNAME") or None,
        password=os.environ.get("TOLKA_MQTT_PASSWORD") or None,
    )
