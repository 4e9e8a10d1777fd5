"""The gateway app: ``create_app(settings)`` wires the store, the job runner, the proxies' supervisor,
metrics, auth and routes.

``tolka serve`` runs it with uvicorn (through ``services.cli.serve:gateway_app``, a factory, so each
worker process builds its own from the environment's settings). Each app runs a
:class:`~services.gateway.supervisor.Supervisor`; of all the apps on one store, the one holding the
store's lease runs the proxies. Tests call ``create_app(Settings(...))`` and
talk to it with ``httpx.AsyncClient(transport=ASGITransport(app))`` inside ``app.router.lifespan_context``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata

from fastapi import FastAPI

from services.gateway import routes
from services.gateway.jobs import INTERRUPTED, JobRunner
from services.gateway.metrics import Metrics, MetricsMiddleware, ProxyCollector
from services.gateway.problems import install_problem_handlers
from services.gateway.proxies import ProxyRunner
from services.gateway.routes import preview, report, review
from services.gateway.security import BearerAuth
from services.gateway.settings import Settings, get_settings
from services.gateway.state import Gateway
from services.gateway.store import Store
from services.gateway.supervisor import Supervisor
from services.gateway.worker import WorkerHeader
from services.mqtt.broker import BrokerUrl, check_topic
from services.mqtt.publisher import MessagePublisher

__all__ = ["create_app"]

log = logging.getLogger("tolka.gateway")

DESCRIPTION = """
Tolka's gateway: upload models, match them in jobs, review the proposed correspondences, compile
translators and translate messages over HTTP and WebSocket. Errors are `application/problem+json`.
Every endpoint but `/health` needs `Authorization: Bearer <token>` when tokens are configured.
"""


def _mqtt_publisher(settings: Settings) -> MessagePublisher | None:
    """The publisher of ``mqtt_publish`` (TOLKA_MQTT_PUBLISH), or None; credentials from
    TOLKA_MQTT_USERNAME / TOLKA_MQTT_PASSWORD, its status topic from TOLKA_MQTT_STATUS_TOPIC."""
    if not settings.mqtt_publish:
        return None
    status = settings.mqtt_status_topic
    return MessagePublisher(
        BrokerUrl.parse(settings.mqtt_publish, "TOLKA_MQTT_PUBLISH"),
        check_topic(settings.mqtt_topic, "TOLKA_MQTT_TOPIC"),
        username=os.environ.get("TOLKA_MQTT_USERNAME") or None,
        password=os.environ.get("TOLKA_MQTT_PASSWORD") or None,
        status_topic=None if status is None else check_topic(status, "TOLKA_MQTT_STATUS_TOPIC"),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway as an ASGI app; ``settings`` default to :func:`get_settings` (the environment)."""
    settings = settings or get_settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.database)
        if settings.recover_jobs:
            failed = store.fail_unfinished_jobs(INTERRUPTED)
            if failed:
                log.warning(
                    "marked %d job(s) a restart interrupted as failed: %s", len(failed), ", ".join(failed)
                )
        runner = JobRunner(store, settings.job_threads, metrics)
        proxies = ProxyRunner(store, settings.data_dir / "pki")
        supervisor = Supervisor(
            store, proxies, ttl=settings.proxy_lease_ttl, renew_every=settings.proxy_lease_renew
        )
        collector = ProxyCollector(store)
        metrics.registry.register(collector)
        mqtt = _mqtt_publisher(settings)
        app.state.gateway = Gateway(settings, store, runner, metrics, proxies, supervisor, mqtt)
        supervisor.start()
        mqtt_stop = asyncio.Event()
        mqtt_task = asyncio.create_task(mqtt.run(mqtt_stop)) if mqtt is not None else None
        # the objects made so far live as long as the app: keep the collector from scanning them on
        # every full collection (a batch of 1,000 decoded messages triggers several)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            mqtt_stop.set()
            if mqtt_task is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(mqtt_task, 10)
            await supervisor.close()
            metrics.registry.unregister(collector)
            metrics.close()
            runner.shutdown()
            store.close()

    app = FastAPI(
        title="Tolka gateway",
        version=metadata.version("tolka"),
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    for module in (
        routes.models,
        routes.alignments,
        routes.jobs,
        routes.translators,
        routes.proxies,
        routes.system,
        preview,
        report,
        review,
    ):
        app.include_router(module.router)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(BearerAuth, tokens=[t.get_secret_value() for t in settings.tokens])
    app.add_middleware(WorkerHeader)
    return app
