"""The store's proxies and leases: one holder at a time, reports only from it, kept across a reopen; a
proxy's definition as the store keeps it."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson
import pytest

from adapters.opcua.security import ClientSecurity
from services.gateway.proxies import ProxyConfig, config_from_dict, config_to_dict
from services.gateway.store import PROXY_LEASE, ConflictError, NotFoundError, ProxyStatus, Store
from services.proxy.security import ServedSecurity, ServedUser
from tests.polling import wait_until
from tests.services.gateway.test_store import model
from translator.alignment.model import Correspondence

SERVED = "opc.tcp://127.0.0.1:4841/tolka"


def translator(store: Store) -> str:
    a, b = model(store, "a"), model(store, "b")
    alignment, _ = store.create_alignment(
        source=a, target=b, origin="import", correspondences=[Correspondence("x", "x")]
    )
    return store.add_translator(alignment.id, {"rules": []}, []).id


def test_of_processes_asking_at_once_exactly_one_holds_the_lease(tmp_path: Path) -> None:
    path = tmp_path / "tolka.db"
    Store(path).close()
    stores = [Store(path) for _ in range(8)]  # a connection each, as worker processes have
    start, got = threading.Barrier(len(stores)), [False] * len(stores)

    def ask(k: int) -> None:
        start.wait()
        got[k] = stores[k].take_lease(PROXY_LEASE, f"worker-{k}", ttl=30)

    threads = [threading.Thread(target=ask, args=(k,)) for k in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got.count(True) == 1, got
    holder = f"worker-{got.index(True)}"
    assert stores[0].lease_holder(PROXY_LEASE) == holder
    assert stores[1].take_lease(PROXY_LEASE, holder, ttl=30)  # the holder renews
    for store in stores:
        store.close()


def test_a_lease_passes_on_when_released_or_expired(tmp_path: Path) -> None:
    store = Store(tmp_path / "tolka.db")
    assert store.lease_holder(PROXY_LEASE) == ""
    assert store.take_lease(PROXY_LEASE, "a", ttl=30)
    assert not store.take_lease(PROXY_LEASE, "b", ttl=30)
    store.release_lease(PROXY_LEASE, "b")  # not b's to release
    assert store.lease_holder(PROXY_LEASE) == "a"
    store.release_lease(PROXY_LEASE, "a")
    assert store.lease_holder(PROXY_LEASE) == ""
    assert store.take_lease(PROXY_LEASE, "b", ttl=0.5)  # ... and b dies without renewing it
    assert not store.take_lease(PROXY_LEASE, "a", ttl=30)
    assert wait_until(lambda: store.take_lease(PROXY_LEASE, "a", ttl=30), timeout=10)
    assert store.lease_holder(PROXY_LEASE) == "a"
    store.close()


def test_a_proxy_is_kept_asked_to_stop_and_reported_on_by_the_lease_holder_only(tmp_path: Path) -> None:
    path = tmp_path / "tolka.db"
    store = Store(path)
    t = translator(store)
    config = {"translator": t, "served": {"users": [{"username": "op", "password": "pw"}]}}
    with pytest.raises(NotFoundError, match="t-nope"):
        store.add_proxy(config, translator="t-nope", source="opc.tcp://plc:4840", serve=SERVED)
    proxy = store.add_proxy(config, translator=t, source="opc.tcp://plc:4840", serve=SERVED)
    assert (proxy.desired, proxy.state, proxy.supervisor, proxy.counters) == ("running", "starting", "", {})
    assert proxy.started == proxy.created
    assert "pw" not in repr(proxy)
    with pytest.raises(ConflictError, match=proxy.id):  # one proxy per served endpoint
        store.add_proxy(config, translator=t, source="opc.tcp://other:4840", serve=SERVED)
    writer = store.add_proxy(
        config, translator=t, source="opc.tcp://plc:4840", write_to="opc.tcp://scada:4840"
    )
    assert [p.id for p in store.list_proxies()] == [proxy.id, writer.id]

    status = ProxyStatus(
        proxy.id, "connected", counters={"translated": 3}, started="2026-01-01T00:00:00.000Z"
    )
    assert not store.report_proxies("a", [status])  # a does not hold the lease: nothing written
    assert store.get_proxy(proxy.id).state == "starting"
    assert store.take_lease(PROXY_LEASE, "a", ttl=30)
    assert store.report_proxies("a", [status])
    reported = store.get_proxy(proxy.id)
    assert (reported.state, reported.counters, reported.supervisor) == ("connected", {"translated": 3}, "a")
    assert reported.started == "2026-01-01T00:00:00.000Z"
    assert store.report_proxies("a", [ProxyStatus(proxy.id, "stopped")], supervised=False)
    kept = store.get_proxy(proxy.id)  # counters and start kept, no supervisor
    assert (kept.state, kept.counters, kept.started, kept.supervisor) == (
        "stopped", {"translated": 3}, "2026-01-01T00:00:00.000Z", "",
    )  # fmt: skip

    store.forget_proxy(proxy.id)  # it should run: it stays
    assert store.get_proxy(proxy.id).desired == "running"
    assert store.stop_proxy(proxy.id).state == "stopping"
    assert store.report_proxies("a", [status])  # a late report does not bring it back
    assert (store.get_proxy(proxy.id).desired, store.get_proxy(proxy.id).state) == ("stopped", "stopping")
    store.forget_proxy(proxy.id)
    with pytest.raises(NotFoundError):
        store.get_proxy(proxy.id)
    with pytest.raises(NotFoundError):
        store.stop_proxy(proxy.id)
    store.close()

    reopened = Store(path)  # a restart keeps the rest, definition and all
    [left] = reopened.list_proxies()
    assert (left.id, left.config, left.desired) == (writer.id, config, "running")
    reopened.close()


def test_a_proxy_definition_reads_back_as_it_was_given_without_showing_its_passwords() -> None:
    config = ProxyConfig(
        "t-1",
        "opc.tcp://plc:4840",
        serve="opc.tcp://127.0.0.1:4841/tolka",
        source_security=ClientSecurity.parse("Basic256Sha256-Sign", username="plc", password="plc-pw"),
        served=ServedSecurity.parse(
            ["None", "Aes256_Sha256_RsaPss"],
            users=(ServedUser("op", "op-pw", "write"), ServedUser("viewer", "viewer-pw")),
            allow_anonymous=True,
            allow_insecure_password=True,
        ),
        target_security=ClientSecurity.parse("None"),
        publishing_interval=250.0,
        write_back=("nsu=urn:b;i=7",),
    )
    document = orjson.loads(orjson.dumps(config_to_dict(config)))  # as the store keeps it
    assert config_from_dict(document) == config
    assert not any(secret in repr(config) for secret in ("plc-pw", "op-pw", "viewer-pw"))
    writer = ProxyConfig("t-1", "opc.tcp://plc:4840", write_to="opc.tcp://scada:4840")
    assert config_from_dict(config_to_dict(writer)) == writer
