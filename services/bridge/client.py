"""aiomqtt's client, with what an at-least-once bridge needs beyond it.

aiomqtt 2.x acknowledges a QoS 1 message as soon as it has arrived, and drops paho's DUP flag. A
bridge must acknowledge a message only once its translation is published — else a broker restart
between the two loses it — and wants the DUP flag to spot redeliveries. paho-mqtt, which aiomqtt
wraps, has both (``manual_ack_set``, ``ack``, ``MQTTMessage.dup``); :class:`AckingClient` switches them
on through aiomqtt's paho client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

import aiomqtt
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties

__all__ = ["AckingClient", "Delivery"]


class Delivery(aiomqtt.Message):
    """A received message with its DUP flag (the broker had sent it before, unacknowledged)."""

    def __init__(self, message: mqtt.MQTTMessage) -> None:
        super().__init__(
            message.topic,
            bytes(message.payload),
            message.qos,
            message.retain,
            message.mid,
            getattr(message, "properties", None),
        )
        self.dup = bool(message.dup)


class AckingClient(aiomqtt.Client):
    """An :class:`aiomqtt.Client` whose QoS 1 messages are acknowledged by :meth:`ack`, not on arrival.

    Its message iterator yields :class:`Delivery` objects. Acknowledge every QoS 1 delivery, in the
    order received, once it has been dealt with; an unacknowledged one is sent again by the broker
    after a reconnection (with a persistent session).
    """

    def __init__(self, hostname: str, port: int = 1883, **kwargs: Any) -> None:
        super().__init__(hostname, port, **kwargs)
        self._client.manual_ack_set(True)
        self.session_present = False

    def ack(self, delivery: aiomqtt.Message) -> None:
        """Acknowledge ``delivery`` to the broker (nothing to do at QoS 0)."""
        if delivery.qos > 0:
            self._client.ack(delivery.mid, delivery.qos)

    async def publish_all(self, messages: Sequence[tuple[str, bytes]], qos: int) -> None:
        """Publish ``messages`` (topic, payload) and wait for the broker's acknowledgements.

        Raises:
            aiomqtt.MqttError: the connection was lost first (aiomqtt alone would wait for the
                acknowledgements until its timeout).
        """
        publishing = asyncio.gather(*(self.publish(topic, data, qos=qos) for topic, data in messages))
        lost = asyncio.shield(self._disconnected)
        try:
            await asyncio.wait((publishing, lost), return_when=asyncio.FIRST_COMPLETED)
        finally:
            lost.cancel()
        if publishing.done():
            publishing.result()
            return
        publishing.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await publishing
        if self._disconnected.done() and self._disconnected.exception() is not None:
            raise aiomqtt.MqttError("lost the broker while publishing") from self._disconnected.exception()
        raise aiomqtt.MqttError("lost the broker while publishing")

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        try:
            self._queue.put_nowait(Delivery(message))
        except asyncio.QueueFull:  # pragma: no cover - the queue is unbounded
            self._logger.warning("message queue full; the broker sends this message again")

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: Any,
        properties: Properties | None = None,
    ) -> None:
        self.session_present = bool(flags.session_present)
        super()._on_connect(client, userdata, flags, reason_code, properties)
