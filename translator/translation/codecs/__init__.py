"""Message codecs: how each message format is read and written by compiled translators.

``codec_for(format)`` picks the codec of a side's :class:`~translator.translation.spec.MessageFormat`:

====================== ===================================== =========================
format ``type``        messages                              field address
====================== ===================================== =========================
``json``               plain nested JSON                     JSON Pointer ``/tank/level``
``senml``              SenML JSON packs (RFC 8428)           record name ``tank.level``
``opcua-pubsub-json``  OPC UA PubSub JSON network messages   DataSet field name
====================== ===================================== =========================
"""

from __future__ import annotations

from translator.translation.codecs.base import Codec, FieldValue, OutField
from translator.translation.codecs.plain import JsonCodec
from translator.translation.codecs.pubsub import PubSubCodec
from translator.translation.codecs.senml import SenmlCodec
from translator.translation.spec.model import MessageFormat

__all__ = ["CODECS", "Codec", "FieldValue", "JsonCodec", "OutField", "PubSubCodec", "SenmlCodec", "codec_for"]

CODECS: dict[str, type[Codec]] = {codec.name: codec for codec in (JsonCodec, SenmlCodec, PubSubCodec)}


def codec_for(fmt: MessageFormat) -> Codec:
    """The codec of a message format (the format names were checked when the file was read)."""
    return CODECS[fmt.type](fmt)
