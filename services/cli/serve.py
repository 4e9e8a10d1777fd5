"""``tolka serve``: run the gateway (FastAPI under uvicorn).

Before the workers start it marks the jobs the last stop interrupted, empties DATA_DIR/metrics and
points prometheus-client's multiprocess mode there (``PROMETHEUS_MULTIPROC_DIR``, so ``/metrics``
adds up every worker's figures: :mod:`services.gateway.metrics`), and sets up logging: its own
lines, uvicorn's (``uvicorn``, ``uvicorn.error``, ``uvicorn.access``) and the gateway's all go to
standard error in ``--log-format`` — ``text`` as ever, or ``json``, one object per line
(:mod:`services.logs`), in the parent process and in every worker (uvicorn applies the same
``log_config`` in each).
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from services.cli.errors import EXIT_BAD_INPUT, reports_errors
from services.logs import LOG_FORMATS, configure_logging, log_event
from translator.errors import TolkaError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from services.gateway.settings import Settings

__all__ = ["gateway_app", "serve_command"]

log = logging.getLogger("tolka.serve")


def _log_format(value: str) -> str:
    if value not in LOG_FORMATS:
        raise typer.BadParameter(f"{value!r}: use one of {', '.join(LOG_FORMATS)}")
    return value


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
    mqtt_status_topic: Annotated[
        str | None,
        typer.Option(
            "--mqtt-status-topic",
            help="Where --mqtt-publish says online (retained) on connecting and offline on stopping; the "
            "broker says offline (its Last Will) when the gateway dies. Default tolka/status/<client id>, "
            "a new one each run.",
            show_default=False,
        ),
    ] = None,
    log_format: Annotated[
        str,
        typer.Option(
            "--log-format",
            help="Logs on standard error (uvicorn's included): text, or json (one object per line: time, "
            "level, component, event, logger and the event's fields).",
            callback=_log_format,
            metavar="[text|json]",
        ),
    ] = "text",
) -> None:
    """Run the gateway: models, matching jobs, review, translators and live translation over HTTP.

    The API is described at /docs (and /openapi.json). Other settings come from the environment:
    TOLKA_TOKENS (comma-separated bearer tokens; without any, only 127.0.0.1 / ::1 may be bound),
    TOLKA_MAX_UPLOAD_BYTES, TOLKA_MAX_BATCH, TOLKA_MAX_MESSAGE_BYTES, TOLKA_JOB_THREADS,
    TOLKA_PROXY_LEASE_TTL and TOLKA_PROXY_LEASE_RENEW (the proxies' lease: 10 s, renewed every 2 s).

    Examples:

        tolka serve --data-dir /var/lib/tolka

        TOLKA_TOKENS=s3cret tolka serve --host 0.0.0.0 --port 8080 --workers 2

        tolka serve --log-format json --access-log
    """
    configure_logging(log_format, "serve", level=logging.INFO)
    if log_format == "json":
        logging.captureWarnings(True)
    try:
        settings = _settings(host, port, workers, data_dir, mqtt_publish, mqtt_topic, mqtt_status_topic)
        _serve(settings, host=host, port=port, workers=workers, access_log=access_log, log_format=log_format)
    except (TolkaError, OSError) as exc:
        if log_format != "json":
            raise  # one line of text, exit status 2 (reports_errors)
        log_event(log, f"error: {exc}", logging.ERROR)  # a JSON line like the others
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _settings(
    host: str,
    port: int,
    workers: int,
    data_dir: Path | None,
    mqtt_publish: str | None,
    mqtt_topic: str | None,
    mqtt_status_topic: str | None,
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
    if mqtt_status_topic is not None:
        os.environ["TOLKA_MQTT_STATUS_TOPIC"] = mqtt_status_topic
    settings = Settings()
    if settings.mqtt_publish:  # checked before the workers start
        from services.mqtt.broker import BrokerUrl, check_topic

        BrokerUrl.parse(settings.mqtt_publish, "--mqtt-publish")
        check_topic(settings.mqtt_topic, "--mqtt-topic")
        if settings.mqtt_status_topic is not None:
            check_topic(settings.mqtt_status_topic, "--mqtt-status-topic")
    if not settings.tokens and host not in LOOPBACK:
        raise TolkaError(
            f"refusing to listen on {host} without authentication: set TOLKA_TOKENS (bearer tokens), "
            "or listen on 127.0.0.1"
        )
    return settings


def _serve(
    settings: Settings, *, host: str, port: int, workers: int, access_log: bool, log_format: str
) -> None:
    """Mark the jobs the last stop interrupted, prepare the metrics folder, then run the gateway's
    workers under uvicorn."""
    import uvicorn

    from services.gateway.jobs import INTERRUPTED
    from services.gateway.metrics import MULTIPROC_ENV
    from services.gateway.store import Store

    # jobs a stop interrupted are marked once here, before the workers start (a worker restarted
    # later must not mark another worker's running job)
    store = Store(settings.database)
    interrupted = store.fail_unfinished_jobs(INTERRUPTED)
    store.close()
    if interrupted:
        log_event(
            log, "jobs interrupted by the last stop marked failed", logging.WARNING, jobs=len(interrupted)
        )
    os.environ["TOLKA_RECOVER_JOBS"] = "false"
    # every worker's counters go to files here and /metrics adds them up; last run's are stale
    metrics = settings.data_dir / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(metrics.resolve())
    log_event(
        log, "serving",
        store=str(settings.database.resolve()), docs=f"http://{host}:{port}/docs", workers=workers,
    )  # fmt: skip
    uvicorn.run(
        "services.cli.serve:gateway_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=uvicorn_log_config(log_format),
        access_log=access_log,
        proxy_headers=False,
    )


def uvicorn_log_config(log_format: str) -> dict[str, Any]:
    """uvicorn's ``log_config``: its loggers as uvicorn has them (``text``) or as JSON lines, and the root
    logger (Tolka's loggers: ``tolka`` at INFO, the rest from WARNING, asyncua's from ERROR) in the same
    format — all on standard error."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    if log_format == "json":
        json_lines = {"()": "services.logs.JsonFormatter", "component": "serve"}
        config["formatters"] = {"default": json_lines, "access": dict(json_lines), "tolka": dict(json_lines)}
        config["handlers"]["access"]["stream"] = "ext://sys.stderr"
    else:
        config["formatters"]["tolka"] = {"()": "services.logs.TextFormatter"}
    config["handlers"]["tolka"] = {
        "formatter": "tolka",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["root"] = {"handlers": ["tolka"], "level": "WARNING"}
    config["loggers"]["tolka"] = {"level": "INFO"}
    config["loggers"]["asyncua"] = {"level": "ERROR"}
    return config


def gateway_app() -> FastAPI:
    """The gateway app of one worker (uvicorn's factory): :func:`services.gateway.create_app` with the
    environment's settings, Python's warnings sent to the log (as JSON lines with ``--log-format
    json``) instead of printed."""
    from services.gateway.app import create_app

    logging.captureWarnings(True)
    return create_app()
