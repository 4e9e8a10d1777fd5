"""The MQTT bridge: translate the messages of one topic to another, in one instance or many.

``tolka bridge`` runs one :class:`~services.bridge.runtime.Bridge`; instances of one ``--group`` split
the stream through an MQTT shared subscription. Modules: :mod:`~services.bridge.settings` (topics,
groups, sessions), :mod:`~services.bridge.topics` (publish topics built from the incoming topic's
levels), :mod:`~services.bridge.client` (aiomqtt with manual acknowledgements),
:mod:`~services.bridge.runtime` (the loop), :mod:`~services.bridge.letters` (dead letters),
:mod:`~services.bridge.counters` and :mod:`~services.bridge.metrics` (``/metrics`` and ``/health``).
The broker's URL and TLS, the status topic with its Last Will, and the OPC UA PubSub JSON publishers
of the proxy and the gateway are in :mod:`services.mqtt`, which all three share.
"""

from __future__ import annotations

from services.bridge.counters import Counters, describe
from services.bridge.runtime import Bridge, BridgeError
from services.bridge.settings import BridgeSettings, BridgeSettingsError
from services.mqtt.broker import BrokerUrl, Tls

__all__ = [
    "Bridge",
    "BridgeError",
    "BridgeSettings",
    "BridgeSettingsError",
    "BrokerUrl",
    "Counters",
    "Tls",
    "describe",
]
