"""The translator file: what a translator does, as plain data a person can read and edit.

A translator file is JSON (its JSON Schema is ``ontologies/schemas/translator.schema.json``;
docs/translator-file.md describes it). It names the two models and the message format on each side,
and holds one rule per target field: the source field(s), the target field, and the value transforms
applied in order::

    {
      "tolka_translator": 1,
      "source": {"model": "VendorA.PumpSkid.NodeSet2.xml",
                 "format": {"type": "opcua-pubsub-json", "dataset_writer_id": 1}},
      "target": {"model": "VendorB.LegacySkid.NodeSet2.xml", "format": {"type": "json"}},
      "rules": [
        {"target": "/Skid_01/TT_102", "source": "Skid.Tank.Temperature",
         "transform": [{"op": "unit", "from": "CEL", "to": "FAH"}], "unit": "FAH"},
        {"target": "/Skid_01/Mode", "source": "Skid.Pump.State",
         "transform": [{"op": "map", "pairs": [[1, "RUN"], [0, "OFF"]]}]},
        {"target": "/Skid_01/Site", "default": "north"}
      ]
    }

Field addresses depend on the side's format (:mod:`translator.translation.codecs`): a JSON Pointer for plain
JSON, the record name for SenML, the DataSet field name for OPC UA PubSub JSON. Transforms: ``copy``,
``unit`` (UNECE common codes or QUDT IRIs, converted by pint), ``affine`` (``a*x + b``), ``map`` (value
pairs, optional ``default``), ``cast`` (``int``, ``float``, ``bool``, ``string``, ``time``), ``invert``
(boolean not). A rule without a source writes its ``default``; a rule with several sources combines
them (``sum``, ``mean``, ``min``, ``max``, or ``first`` present).

This package only reads, checks, writes and inverts the rules — :mod:`.model` (the rules as frozen
dataclasses), :mod:`.reader` (reading and checking a file), :mod:`.writer` (writing one),
:mod:`.reverse` (the translator back); :mod:`translator.translation.compiled` compiles them into the
function that runs on messages.
"""

from translator.translation.spec.model import (
    CASTS,
    COMBINES,
    FORMAT_VERSION,
    FORMATS,
    MISSING,
    Affine,
    Cast,
    Copy,
    Invert,
    MessageFormat,
    Rule,
    Side,
    Transform,
    TranslatorSpec,
    Unit,
    ValueMap,
)
from translator.translation.spec.reader import read_translator, resolve_model, spec_from_dict
from translator.translation.spec.reverse import reverse_spec
from translator.translation.spec.writer import spec_to_dict, write_translator

__all__ = [
    "CASTS",
    "COMBINES",
    "FORMATS",
    "FORMAT_VERSION",
    "MISSING",
    "Affine",
    "Cast",
    "Copy",
    "Invert",
    "MessageFormat",
    "Rule",
    "Side",
    "Transform",
    "TranslatorSpec",
    "Unit",
    "ValueMap",
    "read_translator",
    "resolve_model",
    "reverse_spec",
    "spec_from_dict",
    "spec_to_dict",
    "write_translator",
]
