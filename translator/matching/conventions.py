"""The naming conventions of OPC UA information models, read across formats.

OPC UA names a type for what its instances are and says that it is a type: ``DeviceType``,
``AnalyserChannelType``; a data type ends in ``DataType`` (``ConnectionTransportDataType``); and a
companion specification prefixes its types with the specification's acronym (``AASSubmodelType`` in
OPC 30270 for the Asset Administration Shell, ``ISA95EquipmentType``, ``PackMLBaseObjectType``,
``MTConnectDeviceType``). An OWL ontology or a JSON Schema of the same standard calls the same thing
``Submodel``. Between two nodesets both sides follow the convention and the names compare as they
are; between a nodeset and a model that does not follow it (:func:`follows_type_convention`), the
nodeset's types are also known by their bare names (:func:`convention_names`): ``AASSubmodelType``
also as ``SubmodelType`` and ``Submodel``, ``AASIdentifierTypeDataType`` as ``IdentifierType``.

The specification's prefix is read from the model itself (:func:`spec_prefix`): the acronym that
starts most of its type names. Nothing here knows any one specification.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from translator.graph.model import NodeKind, SchemaGraph

__all__ = ["TYPE_KINDS", "convention_names", "follows_type_convention", "spec_prefix"]

TYPE_KINDS = frozenset(
    {NodeKind.OBJECT_TYPE, NodeKind.VARIABLE_TYPE, NodeKind.DATA_TYPE, NodeKind.REFERENCE_TYPE}
)
"""The kinds of node that OPC UA's convention names ``…Type``."""
FOLLOWS = 0.5
"""Share of a model's types named ``…Type`` from which the model follows the convention."""
PREFIX_SHARE = 0.6
"""Share of a model's type names a specification prefix must start."""
_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _type_names(graph: SchemaGraph) -> list[str]:
    return [n.name for n in graph.own_nodes() if n.kind in TYPE_KINDS and n.name]


def follows_type_convention(graph: SchemaGraph) -> bool:
    """Whether most of ``graph``'s own types (object, variable, data and reference types) are named
    ``…Type``, as OPC UA's are (a JSON Schema's definitions and an ontology's classes are not)."""
    names = _type_names(graph)
    return bool(names) and sum(name.endswith("Type") for name in names) >= FOLLOWS * len(names)


def spec_prefix(names: Sequence[str]) -> str:
    """The specification acronym that starts at least :data:`PREFIX_SHARE` of ``names``: their first
    word or first two words (``AAS``, ``ISA95``, ``PackML``, ``MTConnect``) with at least two capitals,
    followed by more of the name; "" when there is none (``Machine`` is a word, not an acronym).

    >>> spec_prefix(["AASSubmodelType", "AASAssetType", "AASKeyDataType", "AASReferenceType"])
    'AAS'
    >>> spec_prefix(["PackMLBaseObjectType", "PackMLStatusObjectType", "PackMLAdminObjectType"])
    'PackML'
    >>> spec_prefix(["DeviceType", "TopologyElementType", "ConfigurableObjectType"])
    ''
    """
    counts: Counter[str] = Counter()
    for name in names:
        words = _WORDS.findall(name)
        for k in (1, 2):
            prefix = "".join(words[:k])
            if len(words) > k and name.startswith(prefix) and sum(c.isupper() for c in prefix) >= 2:
                counts[prefix] += 1
    common = [p for p, n in counts.items() if n >= PREFIX_SHARE * len(names)]
    return max(common, key=len, default="")


def _bare(name: str, kind: NodeKind, prefix: str) -> list[str]:
    """``name`` without the specification prefix and/or its kind's suffix."""
    suffix = "DataType" if kind is NodeKind.DATA_TYPE and name.endswith("DataType") else "Type"
    out = []
    prefixed = bool(prefix) and name.startswith(prefix) and len(name) > len(prefix)
    unprefixed = name[len(prefix) :] if prefixed else name
    for stem in dict.fromkeys((unprefixed, name)):
        if stem.endswith(suffix) and len(stem) > len(suffix):
            out.append(stem[: -len(suffix)])
    if unprefixed != name:
        out.append(unprefixed)
    return out


def convention_names(graph: SchemaGraph, other: SchemaGraph) -> dict[str, tuple[str, ...]]:
    """More names of ``graph``'s own types, by node id, for matching against ``other``: their names
    without the specification prefix and the ``Type`` / ``DataType`` suffix, when ``graph`` follows
    OPC UA's naming convention and ``other`` does not (see the module docstring); else none."""
    if not follows_type_convention(graph) or follows_type_convention(other):
        return {}
    prefix = spec_prefix(_type_names(graph))
    out: dict[str, tuple[str, ...]] = {}
    for node in graph.own_nodes():
        if node.kind in TYPE_KINDS and node.name and (names := _bare(node.name, node.kind, prefix)):
            out[node.id] = tuple(names)
    return out
