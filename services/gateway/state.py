"""What one gateway app holds while it runs, and the dependency that hands it to the routes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import Request

from services.gateway.compiling import compile_stored
from services.gateway.jobs import JobRunner
from services.gateway.metrics import Metrics
from services.gateway.proxies import ProxyRunner
from services.gateway.settings import Settings
from services.gateway.store import Store
from services.gateway.supervisor import Supervisor
from services.mqtt.publisher import MessagePublisher
from translator.translation.compiled import Translator
from translator.translation.spec import spec_from_dict

__all__ = ["Gateway", "gateway"]


@dataclass
class Gateway:
    """The store, the job runner, the metrics, the proxies (the runner and the supervisor that uses it)
    and the compiled translators of one app.

    Translators never change once stored, so each is compiled once per process and direction
    (and per message-format override) and kept.
    """

    settings: Settings
    store: Store
    runner: JobRunner
    metrics: Metrics
    proxies: ProxyRunner
    supervisor: Supervisor
    mqtt: MessagePublisher | None = None
    _compiled: dict[tuple[str, str, str, bool], Translator] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def translator(
        self, translator_id: str, source: str = "", target: str = "", reverse: bool = False
    ) -> Translator:
        """The compiled translator ``translator_id``. ``source``/``target``: message formats other than
        the translator file's, for which its alignment is compiled anew (addresses depend on the
        format); ``reverse``: the reverse direction.

        Raises:
            NotFoundError: no such translator.
            TolkaError: it cannot be compiled that way (nothing reversible, an incompatible pair).
        """
        key = (translator_id, source, target, reverse)
        found = self._compiled.get(key)
        if found is not None:
            return found
        record = self.store.get_translator(translator_id)
        spec = spec_from_dict(record.document, source=translator_id)
        wanted = (source or spec.source.format.type, target or spec.target.format.type)
        if wanted != (spec.source.format.type, spec.target.format.type):
            spec = compile_stored(
                self.store, record.alignment, *wanted, accepted_only=record.accepted_only
            ).spec
        compiled = Translator(spec)
        if reverse:
            compiled = compiled.reverse()[0]
        with self._lock:
            self._compiled[key] = compiled
        return compiled


async def gateway(request: Request) -> Gateway:
    """The running app's :class:`Gateway` (a FastAPI dependency; async, so FastAPI calls it on the event
    loop instead of handing every request to a worker thread — that hop cost 60-130 ms of p99 under
    load in benchmarks/gateway.py)."""
    state: Gateway = request.app.state.gateway
    return state
