"""``tolka serve``: run the gateway (FastAPI under uvicorn)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from services.cli.errors import fail, reports_errors

if TYPE_CHECKING:
    from services.gateway.settings import Settings

__all__ = ["serve_command"]


@reports_errors
def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=0, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1, max=64)] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request (costs CPU under load).")
    ] = False,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Folder of the store (tolka.db: models, alignments, reviews, translators, jobs). "
            "Default: $TOLKA_DATA_DIR, else ./tolka-data.",
            show_default=False,
        ),
    ] = None,
    mqtt_publish: Annotated[
        str | None,
        typer.Option(
            "--mqtt-publish",
            help="Also publish every translated message to this MQTT broker (mqtt://host:port, mqtts:// "
            "for TLS) as OPC UA PubSub JSON; credentials from TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD.",
            show_default=False,
        ),
    ] = None,
    mqtt_topic: Annotated[
        str | None,
        typer.Option("--mqtt-topic", help="Its topic (default tolka/gateway).", show_default=False),
    ] = None,
) -> None:
    """Run the gateway: models, matching jobs, review, translators and live translation over HTTP.

    The API is described at /docs (and /openapi.json). Other settings come from the environment:
    TOLKA_TOKENS (comma-separated bearer tokens; without any, only 127.0.0.1 / ::1 may be bound),
    TOLKA_MAX_UPLOAD_BYTES, TOLKA_MAX_BATCH, TOLKA_MAX_MESSAGE_BYTES, TOLKA_JOB_THREADS.

    Examples:

        tolka serve --data-dir /var/lib/tolka

        TOLKA_TOKENS=s3cret tolka serve --host 0.0.0.0 --port 8080 --workers 2
    """
    settings = _settings(host, port, workers, data_dir, mqtt_publish, mqtt_topic)
    _serve(settings, host=host, port=port, workers=workers, access_log=access_log)


def _settings(
    host: str,
    port: int,
    workers: int,
    data_dir: Path | None,
    mqtt_publish: str | None,
    mqtt_topic: str | None,
) -> Settings:
    """The gateway's settings: the options, put in the environment the workers read theirs from, and the
    rest of the environment; checked before any worker starts."""
    from services.gateway.settings import LOOPBACK, Settings

    os.environ["TOLKA_HOST"], os.environ["TOLKA_PORT"] = host, str(port)
    os.environ["TOLKA_WORKERS"] = str(workers)
    if data_dir is not None:
        os.environ["TOLKA_DATA_DIR"] = str(data_dir)
    if mqtt_publish is not None:
        os.environ["TOLKA_MQTT_PUBLISH"] = mqtt_publish
    if mqtt_topic is not None:
        os.environ["TOLKA_MQTT_TOPIC"] = mqtt_topic
    settings = Settings()
    if settings.mqtt_publish:  # checked before the workers start
        from services.mqtt.broker import BrokerUrl, check_topic

        BrokerUrl.parse(settings.mqtt_publish, "--mqtt-publish")
        check_topic(settings.mqtt_topic, "--mqtt-topic")
    if not settings.tokens and host not in LOOPBACK:
        raise fail(
            f"refusing to listen on {host} without authentication: set TOLKA_TOKENS (bearer tokens), "
            "or listen on 127.0.0.1"
        )
    return settings


def _serve(settings: Settings, *, host: str, port: int, workers: int, access_log: bool) -> None:
    """Mark the jobs the last stop interrupted, then run the gateway's workers under uvicorn."""
    import uvicorn

    from services.gateway.jobs import INTERRUPTED
    from services.gateway.store import Store

    # jobs a stop interrupted are marked once here, before the workers start (a worker restarted
    # later must not mark another worker's running job)
    store = Store(settings.database)
    interrupted = store.fail_unfinished_jobs(INTERRUPTED)
    store.close()
    if interrupted:
        typer.echo(f"tolka: {len(interrupted)} job(s) interrupted by the last stop marked failed", err=True)
    os.environ["TOLKA_RECOVER_JOBS"] = "false"
    typer.echo(f"tolka: store {settings.database.resolve()}; API docs at http://{host}:{port}/docs", err=True)
    uvicorn.run(
        "services.gateway.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        proxy_headers=False,
    )
