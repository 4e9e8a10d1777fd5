"""MQTT for every service that talks to a broker: the bridge, the proxy's ``--mqtt-publish`` and the
gateway's ``TOLKA_MQTT_PUBLISH``.

Modules: :mod:`~services.mqtt.broker` (the broker's URL, TLS, topics one publishes to, a client) and
:mod:`~services.mqtt.publisher` (OPC UA PubSub JSON publishers: key and delta frames, retained
metadata, whole translated messages).
"""

from __future__ import annotations

from services.mqtt.broker import BrokerUrl, MqttSettingsError, Tls, check_topic, new_client
from services.mqtt.publisher import (
    MessagePublisher,
    PubSubPublisher,
    as_pubsub,
    field_name,
    metadata_topic_for,
)

__all__ = [
    "BrokerUrl",
    "MessagePublisher",
    "MqttSettingsError",
    "PubSubPublisher",
    "Tls",
    "as_pubsub",
    "check_topic",
    "field_name",
    "metadata_topic_for",
    "new_client",
]
