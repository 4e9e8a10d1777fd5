"""One place a proxy is assembled: settings in, a ready :class:`BuiltProxy` out.

``tolka proxy`` and the gateway's ``POST /proxies`` both parse their input into :class:`ProxySettings`
and call :func:`build_proxy`: it plans the routes, checks write-back, makes the target (a served copy
of the target model, or a remote server to write into), the proxy (one process, or sharded over worker
processes) and, with :class:`ProxyMqtt`, the MQTT publisher fed by every translated value. Nothing
connects or listens until :meth:`BuiltProxy.run`.

Example:
    >>> settings = ProxySettings(spec, "opc.tcp://plc:4840", serve="opc.tcp://127.0.0.1:4841/tolka",
    ...                          served_model=Path("VendorB.NodeSet2.xml"),
    ...                          served_security=ServedSecurity(allow_anonymous=True))  # doctest: +SKIP
    >>> built = build_proxy(settings)  # doctest: +SKIP
    >>> await built.run(stop, ready)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from adapters.opcua.security import ClientSecurity
from adapters.options import LoadOptions
from adapters.registry import detect_format, load_paths
from services.mqtt.broker import BrokerUrl, MqttSettingsError
from services.mqtt.publisher import PubSubPublisher, field_name
from services.proxy.plan import Plan, plan_routes
from services.proxy.remote import RemoteTarget
from services.proxy.runtime import Proxy
from services.proxy.security import ServedSecurity
from services.proxy.targets import ProxyError, ServedTarget
from services.proxy.workers import ShardedProxy
from translator.graph.model import SchemaGraph
from translator.translation.codecs.pubsub_frames import FieldSpec
from translator.translation.spec import Rule, TranslatorSpec, Unit, spec_to_dict

__all__ = ["BuiltProxy", "ProxyMqtt", "ProxySettings", "build_proxy"]


@dataclass(frozen=True, slots=True)
class ProxyMqtt:
    """Also publish what is translated to an MQTT broker as OPC UA PubSub JSON (one DataSetWriter).

    Attributes:
        broker, topic: where the data messages go. metadata_topic: where the retained metadata goes
            (default: next to ``topic``, see :func:`services.mqtt.publisher.metadata_topic_for`).
        key_frame_count: a key frame every that many publishing intervals. username, password: the
            broker login. status_topic: where the publisher says ``online`` / ``offline`` (retained,
            the latter also its Last Will; default ``tolka/status/<client id>``).
    """

    broker: BrokerUrl
    topic: str
    metadata_topic: str | None = None
    key_frame_count: int = 10
    username: str | None = None
    password: str | None = None
    status_topic: str | None = None


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """What a proxy does: from ``source`` through ``spec`` to ``serve`` or ``write_to``.

    Attributes:
        spec: the translator (its rules carry the node ids).
        source: the source server's URL. source_security: Tolka's connection to it.
        serve: the endpoint to serve the target model at (when not ``write_to``). served_model: what to
            serve there: a NodeSet2 file as it is, any other model file or a graph built from its graph
            (its NodeSet2 export). required: NodeSet2 files the served one builds on, imported first.
            served_security: the served endpoint's policies, users and PKI.
        write_to: an existing server to write into instead. target_security: the connection to it.
        write_back: target ids or addresses clients with the write role may write (besides the rules
            with ``write_back`` in the translator file); served models only.
        publishing_interval, queue_size: the source subscription's (ms) and each monitored item's queue.
        workers: processes sharing the source's monitored items. mqtt: also publish to MQTT.
    """

    spec: TranslatorSpec
    source: str
    serve: str = ""
    served_model: Path | SchemaGraph | None = None
    required: tuple[Path, ...] = ()
    served_security: ServedSecurity | None = None
    write_to: str = ""
    source_security: ClientSecurity = field(default_factory=ClientSecurity)
    target_security: ClientSecurity = field(default_factory=ClientSecurity)
    write_back: tuple[str, ...] = ()
    publishing_interval: float = 50.0
    queue_size: int = 100
    workers: int = 1
    mqtt: ProxyMqtt | None = None


@dataclass(frozen=True, slots=True)
class BuiltProxy:
    """A proxy ready to run: its plan, target, the target ids clients may write, and the publisher."""

    plan: Plan
    target: ServedTarget | RemoteTarget
    proxy: Proxy | ShardedProxy
    writable: frozenset[str] = frozenset()
    publisher: PubSubPublisher | None = None

    @property
    def notes(self) -> list[str]:
        """What the plan left out and why, and its other notes, one line each."""
        return [f"left out {reason}" for reason in self.plan.left_out] + list(self.plan.notes)

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Run the proxy (and the publisher) until ``stop``; ``ready`` is set once it serves."""
        publishing = asyncio.create_task(self.publisher.run(stop)) if self.publisher is not None else None
        await self.proxy.run(stop, ready)
        if publishing is not None:
            stop.set()
            await publishing


def build_proxy(settings: ProxySettings) -> BuiltProxy:
    """Assemble the proxy ``settings`` describe (nothing connects yet).

    Raises:
        InputError: write-back for a target no routed rule feeds, or one whose rule has no inverse.
        ProxyError: a served model without its endpoint's security, or MQTT with several workers.
        MqttSettingsError: the metadata topic is the data topic.
        TolkaError: a served model file that cannot be loaded.
    """
    if settings.workers > 1 and settings.mqtt is not None:
        raise ProxyError("MQTT publishing runs with one worker (the workers translate in other processes)")
    plan = plan_routes(settings.spec)
    publisher = None if settings.mqtt is None else _publisher(settings.mqtt, settings.spec, plan)
    writable = frozenset() if settings.write_to else frozenset(plan.writable(settings.write_back))
    target = _target(settings, writable)
    source, security = settings.source, settings.source_security
    interval, queue_size = settings.publishing_interval, settings.queue_size
    if settings.workers > 1:
        document = spec_to_dict(settings.spec)
        sharded = ShardedProxy(
            plan, document, source, target, settings.workers,
            publishing_interval=interval, queue_size=queue_size, security=security,
        )  # fmt: skip
        return BuiltProxy(plan, target, sharded, writable)
    proxy = Proxy(
        plan, source, target, publishing_interval=interval, queue_size=queue_size, security=security
    )
    if publisher is not None:
        _feed(publisher, proxy, target, settings.spec)
    return BuiltProxy(plan, target, proxy, writable, publisher)


def _target(settings: ProxySettings, writable: frozenset[str]) -> ServedTarget | RemoteTarget:
    if settings.write_to:
        return RemoteTarget(settings.write_to, security=settings.target_security)
    if settings.served_security is None:
        raise ProxyError("a served model needs its endpoint's security and users")
    if settings.served_model is None:
        raise ProxyError("a served model needs its model: give its NodeSet2 file or graph")
    return ServedTarget(
        settings.serve,
        _servable(settings.served_model),
        writable=writable,
        security=settings.served_security,
        required=settings.required,
    )


def _servable(model: Path | SchemaGraph) -> Path | SchemaGraph:
    """A NodeSet2 file is served as it is; any other model (a JSON Schema, ...) is built from its graph."""
    if isinstance(model, SchemaGraph) or detect_format(model) == "nodeset":
        return model
    return load_paths([model], LoadOptions())


def _publisher(mqtt: ProxyMqtt, spec: TranslatorSpec, plan: Plan) -> PubSubPublisher:
    """One DataSetWriter whose fields are the routed target fields, in the translator file's order, with
    their units."""
    names = [field_name(rule.target) for rule in spec.rules]
    routed = sorted({route.rule for route in plan.routes})
    publisher = PubSubPublisher(
        mqtt.broker,
        mqtt.topic,
        publisher_id="tolka-proxy",
        writer_name="proxy",
        dataset_name=Path(spec.target.model).stem or "translated",
        fields=[FieldSpec(names[k], unit=_unit(spec.rules[k])) for k in routed],
        key_frame_count=mqtt.key_frame_count,
        metadata_topic=mqtt.metadata_topic,
        username=mqtt.username,
        password=mqtt.password,
        status_topic=mqtt.status_topic,
    )
    if publisher.metadata_topic == publisher.topic:
        raise MqttSettingsError(
            "the metadata needs a topic of its own, not --mqtt-topic's", option="--mqtt-metadata-topic"
        )
    return publisher


def _feed(
    publisher: PubSubPublisher, proxy: Proxy, target: ServedTarget | RemoteTarget, spec: TranslatorSpec
) -> None:
    """Offer every value the proxy translates to ``publisher``, typed as the target model types it (an
    abstract type, Variant, stays so whatever the values are)."""
    names = [field_name(rule.target) for rule in spec.rules]
    routes = proxy.plan.routes
    publisher.types = lambda: {names[r.rule]: _kind(target, r.target_id) for r in routes}
    proxy.on_translated = lambda route, value: publisher.offer(
        names[route.rule],
        value.Value.Value if value.Value is not None else None,
        value.SourceTimestamp or value.ServerTimestamp,
        value.StatusCode.value if value.StatusCode is not None else 0,
        _kind(target, route.target_id),
    )


def _unit(rule: Rule) -> str:
    """A target field's unit: the rule's, else what its last unit conversion converts to."""
    return rule.unit or next((t.target for t in reversed(rule.transforms) if isinstance(t, Unit)), "")


def _kind(target: ServedTarget | RemoteTarget, target_id: str) -> int:
    """The built-in type of a target variable (its VariantType's number), 0 while unknown."""
    variant = target.types.get(target_id)
    return 0 if variant is None else int(variant.value)
