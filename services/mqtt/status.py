"""Whether a Tolka connection to the broker is alive: a retained status topic and its Last Will.

Every connection Tolka makes to a broker (the bridge, the proxy's and the gateway's publishers) has a
status topic, by default ``tolka/status/<client id>`` (:func:`status_topic_for`). On connecting it
publishes ``online`` there, retained; the broker holds the connection's Last Will, ``offline``
(retained, QoS 1), and publishes it when the connection dies without a DISCONNECT (the process was
killed, the network went away, keep-alive ran out); on a clean stop Tolka publishes ``offline`` itself
before disconnecting. A monitoring client subscribed to ``tolka/status/+`` thus always has the last
word of every instance, even one that subscribes later. The broker's ACL must let the client publish
there (a refused Will is a refused connection).

>>> status_topic_for("tolka-bridge-ab-1")
'tolka/status/tolka-bridge-ab-1'
"""

from __future__ import annotations

from typing import Final

import aiomqtt

__all__ = ["OFFLINE", "ONLINE", "STATUS_PREFIX", "announce", "last_will", "status_topic_for"]

STATUS_PREFIX: Final = "tolka/status/"
ONLINE: Final = b"online"
OFFLINE: Final = b"offline"


def status_topic_for(client_id: str) -> str:
    """The default status topic of a client: ``tolka/status/<client id>`` (``+``, ``#`` and ``/`` of
    the id become ``_``, so it is one plain level)."""
    level = client_id.translate(str.maketrans("+#/", "___")) or "_"
    return STATUS_PREFIX + level


def last_will(topic: str) -> aiomqtt.Will:
    """The Will of a connection whose status is on ``topic``: ``offline``, retained, QoS 1."""
    return aiomqtt.Will(topic, OFFLINE, qos=1, retain=True)


async def announce(client: aiomqtt.Client, topic: str, payload: bytes) -> None:
    """Publish ``payload`` (:data:`ONLINE` or :data:`OFFLINE`) retained at QoS 1 on ``topic``."""
    await client.publish(topic, payload, qos=1, retain=True)
