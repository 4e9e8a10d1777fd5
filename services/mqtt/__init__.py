"""MQTT for every service that talks to a broker: the bridge, the proxy's ``--mqtt-publish`` and the
gateway's ``TOLKA_MQTT_PUBLISH``.

Modules: :mod:`~services.mqtt.broker` (the broker's URL, TLS, topics one publishes to, a client),
:mod:`~services.mqtt.publisher` (OPC UA PubSub JSON publishers: key and delta frames, retained
metadata, whole translated messages) and :mod:`~services.mqtt.status` (the retained ``online`` /
``offline`` status topic of every connection, and its Last Will).
"""

from __future__ import annotations

from services.mqtt.broker import BrokerUrl, MqttSettingsError, Tls, check_topic, client_id, new_client
from services.mqtt.publisher import (
    MessagePublisher,
    PubSubPublisher,
    as_pubsub,
    field_name,
    metadata_topic_for,
)
from services.mqtt.status import OFFLINE, ONLINE, last_will, status_topic_for

__all__ = [
    "OFFLINE",
    "ONLINE",
    "BrokerUrl",
    "MessagePublisher",
    "MqttSettingsError",
    "PubSubPublisher",
    "Tls",
    "as_pubsub",
    "check_topic",
    "client_id",
    "field_name",
    "last_will",
    "metadata_topic_for",
    "new_client",
    "status_topic_for",
]
