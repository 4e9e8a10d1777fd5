"""The one supervisor of the gateway's proxies, whatever the number of workers, chosen through the store.

``tolka serve --workers N`` runs N copies of the app in N processes uvicorn starts; none of the
gateway's code runs above them, and any of them may answer any request. What they share is the
store, so that is where they agree on who runs the proxies: every worker runs a :class:`Supervisor`,
and the one holding the store's ``proxies`` lease (:mod:`services.gateway.store.leases`: an owner and
an expiry, taken and renewed by one atomic ``UPDATE``) is the one that acts. It

- starts every stored proxy whose desired state is ``running`` and stops (then forgets) every one
  asked to stop — it reads the store every ``poll_every`` seconds (0.5), at once when a request in its
  own process woke it;
- writes each proxy's state and counters to the store every ``report_every`` seconds (1), so every
  worker answers ``GET /proxies`` and ``/metrics`` the same, from the store;
- restarts a proxy whose run failed (its served endpoint could not start, ...) after a wait drawn by
  :class:`services.backoff.Backoff` (full jitter: uniform below a ceiling that doubles from 1 s up to
  60 s while it keeps failing, so proxies that failed together do not restart in lock step), from the
  start again once a run of it has worked;
- renews the lease every ``renew_every`` seconds (2) for ``ttl`` seconds (10), in a task of its own (a
  proxy slow to stop never delays a renewal; the app passes its settings ``proxy_lease_renew`` and
  ``proxy_lease_ttl``). When it loses the lease (its process was stalled for
  longer than that and another took over) it stops its proxies at once; when it stops, it stops its
  proxies, marks them ``stopped`` and releases the lease, so another worker — or the next start of
  the service — takes over without waiting for the expiry.

The other workers' supervisors only try to take the lease every ``renew_every`` seconds.

If the holder dies without releasing the lease (SIGKILL), its proxies die with it, and another
worker takes the lease once it expires and starts them again. Proxies started through the gateway
thus survive a restart: their definition and desired state are in the store. A proxy's counters
start from zero each time it is started (``started`` says when).

Why a lease rather than, say, the first worker: uvicorn restarts a worker that died under a new
pid, workers start in any order, and a restart of the service may overlap its predecessor's
shutdown; an expiring lease needs no coordinator and no assumption about who is first. Why the
store rather than a lock file: it is already shared by the workers, and the status writes are made
conditional on holding the lease in the same transaction, so a supervisor that lost it never
overwrites its successor's figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.backoff import Backoff
from services.gateway.proxies import ProxyRunner, config_from_dict
from services.gateway.records import ProxyDesired, ProxyRecord
from services.gateway.store import PROXY_LEASE, ProxyStatus, Store
from services.logs import log_event

__all__ = ["Supervisor", "supervisor_id"]

log = logging.getLogger("tolka.gateway.supervisor")

RETRY_FIRST, RETRY_MAX = 1.0, 60.0
"""A failed proxy's waits before it is started again (s): the first ceiling, and the cap the doubling
ceilings stop at (:class:`services.backoff.Backoff`, full jitter)."""


def supervisor_id() -> str:
    """A name for this process's supervisor: ``host:pid:nonce`` (the nonce tells apart two apps of one
    process, as tests make, and a pid the system gave again)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(slots=True)
class _Failure:
    """A proxy whose run failed: why, when to start it again, the waits of its failures in a row (dropped,
    so the next failure starts from the first wait again, once a run of it has worked), its last
    counters."""

    error: str
    retry_at: float
    backoff: Backoff
    counters: dict[str, Any]


class Supervisor:
    """Run the stored proxies while this process holds the proxies' lease (see the module's text).

    Args:
        store: the store shared by every worker.
        runner: what starts and stops proxies in this process.
        owner: this supervisor's name in the lease (default :func:`supervisor_id`).
        random: the jitter of the waits before a failed proxy starts again, a float in [0, 1)
            (``random.random`` unless given; tests pin it).
    """

    def __init__(
        self,
        store: Store,
        runner: ProxyRunner,
        *,
        owner: str | None = None,
        ttl: float = 10.0,
        renew_every: float = 2.0,
        poll_every: float = 0.5,
        report_every: float = 1.0,
        random: Callable[[], float] | None = None,
    ) -> None:
        self.store = store
        self.runner = runner
        self.owner = owner or supervisor_id()
        self.ttl = ttl
        self.renew_every = renew_every
        self.poll_every = poll_every
        self.report_every = report_every
        self._random = random
        self.holding = False
        """Whether this process holds the lease (as of its last renewal)."""
        self._failures: dict[str, _Failure] = {}
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = False

    def start(self) -> None:
        """Start supervising: two tasks on the running event loop, one keeping the lease (so that a proxy
        slow to stop never delays a renewal), one running the proxies."""
        self._tasks = [
            asyncio.create_task(self._keep_lease(), name="tolka-proxy-lease"),
            asyncio.create_task(self._run(), name="tolka-proxy-supervisor"),
        ]

    def wake(self) -> None:
        """Look at the store now (a request of this process stored or stopped a proxy)."""
        self._wake.set()

    async def close(self) -> None:
        """Stop supervising: stop this process's proxies (the lease still renewed meanwhile), say so in
        the store, then release the lease."""
        if not self._tasks:
            return
        lease, run = self._tasks
        self._stop.set()
        self._wake.set()
        await run
        lease.cancel()
        await asyncio.wait([lease])
        if self.holding:
            self.holding = False
            try:
                self.store.release_lease(PROXY_LEASE, self.owner)
            except Exception:  # it expires on its own
                log.exception("the proxies' supervisor %s could not release its lease", self.owner)

    async def _keep_lease(self) -> None:
        """Take the lease when it is free, renew it while held; wake the supervisor when that changes."""
        while True:
            try:
                held = self.store.take_lease(PROXY_LEASE, self.owner, self.ttl)
            except Exception:  # unable to renew: another may take it once it expires, so act as if lost
                held = False
                log.exception("the proxies' supervisor %s could not renew its lease", self.owner)
            if held != self.holding:
                self.holding = held
                if held:
                    log_event(log, "supervising the proxies", supervisor=self.owner)
                self._wake.set()
            await asyncio.sleep(self.renew_every)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        report_at = 0.0
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    if self.holding:
                        await self._reconcile()
                        if self._changed or loop.time() >= report_at:
                            report_at = loop.time() + self.report_every
                            await self._report()
                    elif self.runner.running or self._failures:
                        await self._lost()
                except Exception:  # the store was busy or broken: say so, try again on the next round
                    log.exception("the proxies' supervisor %s failed a round; trying again", self.owner)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_every)
        finally:
            await self._resign()

    async def _lost(self) -> None:
        """The lease went elsewhere: stop every proxy here at once (the new holder starts them)."""
        stopped = await self.runner.stop_all()
        self._failures.clear()
        log_event(
            log, "lost the proxies' lease; stopped them", logging.WARNING,
            supervisor=self.owner, proxies=len(stopped),
        )  # fmt: skip

    async def _reconcile(self) -> None:
        """Make the running proxies those the store wants running."""
        records = self.store.list_proxies()
        wanted = {r.id: r for r in records if r.desired is ProxyDesired.RUNNING}
        for proxy_id in [p for p in self.runner.running if p not in wanted]:
            await self.runner.stop(proxy_id)
            log_event(log, "proxy stopped", proxy=proxy_id)
        for record in records:
            if record.desired is ProxyDesired.STOPPED and record.id not in self.runner.running:
                self.store.forget_proxy(record.id)
                self._failures.pop(record.id, None)
        for proxy_id in [p for p in self._failures if p not in wanted]:
            del self._failures[proxy_id]
        now = asyncio.get_running_loop().time()
        for record in wanted.values():
            running = self.runner.running.get(record.id)
            if running is not None and running.task.done():
                stopped = await self.runner.stop(record.id)
                self._failed(
                    record.id,
                    stopped.error or "the proxy stopped on its own",
                    stopped.proxy.counters.as_dict(),
                )
            failure = self._failures.get(record.id)
            if record.id not in self.runner.running and (failure is None or failure.retry_at <= now):
                self._start(record)

    def _start(self, record: ProxyRecord) -> None:
        try:
            running = self.runner.start(record.id, config_from_dict(record.config))
        except Exception as exc:
            self._failed(record.id, str(exc) or repr(exc), {})
            return
        self._changed = True
        log_event(
            log, "proxy started", proxy=record.id, translator=record.translator, source=record.source,
            serve=record.serve, write_to=record.write_to, at=running.started,
        )  # fmt: skip

    def _failed(self, proxy_id: str, error: str, counters: dict[str, Any]) -> None:
        previous = self._failures.get(proxy_id)
        # a failure after a run that worked has no previous one (it was dropped): the first wait again
        backoff = previous.backoff if previous else Backoff(RETRY_FIRST, RETRY_MAX, random=self._random)
        wait = backoff.next()
        retry_at = asyncio.get_running_loop().time() + wait
        self._failures[proxy_id] = _Failure(
            error, retry_at, backoff, counters or (previous.counters if previous else {})
        )
        self._changed = True
        log_event(log, "proxy failed", logging.WARNING, proxy=proxy_id, error=error, retry_in=round(wait, 3))

    def _statuses(self) -> list[ProxyStatus]:
        """What each proxy of this supervisor does now."""
        out = []
        for proxy_id, running in self.runner.running.items():
            counters = running.proxy.counters.as_dict()
            out.append(ProxyStatus(proxy_id, running.state, running.error, counters, running.started))
            if running.state in ("connected", "disconnected"):  # it runs: a failure before is behind it
                self._failures.pop(proxy_id, None)
        for proxy_id, failure in self._failures.items():
            if proxy_id not in self.runner.running:
                out.append(ProxyStatus(proxy_id, "failed", failure.error, failure.counters or None))
        return out

    async def _report(self) -> None:
        """Write every proxy's state and counters; a lease taken over meanwhile stops them."""
        self._changed = False
        statuses = self._statuses()
        if statuses and not self.store.report_proxies(self.owner, statuses):
            self.holding = False
            await self._lost()

    async def _resign(self) -> None:
        """On the way out: stop the proxies and say in the store that they are stopped."""
        stopped = await self.runner.stop_all()
        if not (self.holding and (stopped or self._failures)):
            return
        statuses = [
            ProxyStatus(r.id, "stopped", r.error, r.proxy.counters.as_dict(), r.started) for r in stopped
        ] + [ProxyStatus(p, "stopped", f.error, f.counters or None) for p, f in self._failures.items()]
        try:
            self.store.report_proxies(self.owner, statuses, supervised=False)
        except Exception:  # the figures stay as last reported
            log.exception("the proxies' supervisor %s could not report its proxies stopped", self.owner)
        log_event(log, "stopped supervising the proxies", supervisor=self.owner, proxies=len(stopped))
