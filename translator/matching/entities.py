"""The comparable texts of a node (:class:`EntityText`: its name variants, their words, its datatype
class and unit) and how compatible two nodes are by kind, datatype and unit (:func:`pair_factor`):
a class never maps to a property, a boolean never to a temperature, a temperature never to a
pressure (units compared by the physical quantity they measure, :mod:`translator.translation.units`).
Names are normalised by :mod:`translator.graph.names`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from translator.graph.classes import datatype_class
from translator.graph.model import Node, NodeKind
from translator.graph.names import content_tokens, normalize, tokens
from translator.translation.units import compatible

__all__ = [
    "GROUPS",
    "PLACEHOLDER_FACTOR",
    "EntityText",
    "Translate",
    "datatype_factor",
    "entity_texts",
    "kind_factor",
    "pair_factor",
]

GROUPS: dict[NodeKind, str] = {
    NodeKind.CLASS: "concept",
    NodeKind.OBJECT_TYPE: "concept",
    NodeKind.OBJECT: "concept",
    NodeKind.INDIVIDUAL: "instance",
    NodeKind.VARIABLE: "attribute",
    NodeKind.PROPERTY: "attribute",
    NodeKind.FIELD: "attribute",
    NodeKind.DATATYPE_PROPERTY: "attribute",
    NodeKind.VARIABLE_TYPE: "attribute-type",
    NodeKind.OBJECT_PROPERTY: "relation",
    NodeKind.ANNOTATION_PROPERTY: "relation",
    NodeKind.REFERENCE_TYPE: "relation",
    NodeKind.DATA_TYPE: "datatype",
    NodeKind.METHOD: "method",
    NodeKind.VIEW: "view",
    NodeKind.UNIT: "unit",
    NodeKind.ENUM_VALUE: "enum",
}
"""The group of each node kind: kinds of one group may map to each other."""
_NEAR = {frozenset({"attribute", "relation"}): 0.75, frozenset({"concept", "attribute"}): 0.5}


_MEMBER_RELATION = frozenset({NodeKind.OBJECT, NodeKind.OBJECT_PROPERTY})
"""An object member of a type or a JSON object (an OPC UA instance declaration, a JSON property holding
an object) and an ontology's object property are one thing seen from two formats (``input`` /
``hasInputSchema``)."""
_CLASS_DATATYPE = frozenset({NodeKind.CLASS, NodeKind.DATA_TYPE})
"""An ontology's class and a data type (an OPC UA DataType, a JSON Schema definition of values) are one
thing seen from two formats: OWL models an enumeration or a structure as a class (the AAS's
``AssetKind``, its values individuals), OPC UA and JSON Schema as a data type (``AssetKindDataType``,
a definition with ``enum``). Within one format the kinds stay apart: a nodeset's ObjectType and
DataType of one name are two things."""


def kind_factor(a: NodeKind, b: NodeKind) -> float:
    """How compatible two kinds are: 1 same kind, 0.9 same group, less for near groups (and for an
    object member against an object property, an ontology class against a data type), 0 otherwise."""
    if a is b:
        return 1.0
    if frozenset({a, b}) in (_MEMBER_RELATION, _CLASS_DATATYPE):
        return 0.75
    ga, gb = GROUPS.get(a, a.value), GROUPS.get(b, b.value)
    if ga == gb:
        return 0.9
    return _NEAR.get(frozenset({ga, gb}), 0.0)


def datatype_factor(a: str, b: str) -> float:
    if not a or not b or a == b:
        return 1.0
    if "bool" in (a, b) and "number" in (a, b):
        return 0.0  # a temperature never maps to a boolean
    return 0.6


@dataclass(frozen=True, slots=True)
class EntityText:
    """The comparable texts of one node."""

    id: str
    kind: NodeKind
    variants: tuple[str, ...]
    token_sets: tuple[tuple[str, ...], ...]
    datatype: str
    label: str
    unit: str = ""
    lead_words: frozenset[str] = frozenset()
    """First words of the names, stopwords kept: the verb of a relation (``has``, ``assign``)."""
    translated: bool = False
    """Some variants are English renderings of a label in another language (dictionary words, so
    lexical evidence reads differently: ``Vorsitzender der Konferenz`` → ``chairman conference``)."""
    placeholder: bool = False
    """An OPC UA placeholder (modelling rule ``OptionalPlaceholder`` / ``MandatoryPlaceholder``): a
    type's slot for any number of instances, ``<Submodel>``."""
    bare: str = ""
    """The name of an OPC UA type without its specification prefix and ``Type`` / ``DataType``
    suffix, normalised (``AASQualifierDataType`` and ``AASQualifierType``: ``qualifier``), when it
    is matched against a model that does not follow OPC UA's naming convention
    (:func:`translator.matching.conventions.convention_names`); "" otherwise."""
    aliases: frozenset[str] = frozenset()
    """Variants that are only a name without its model's own name (``fee`` of the conference
    ontology's ``Conference_fees``: :mod:`translator.matching.model_prefix`): a name the entity
    has in its model's context, weaker than one it is given
    (:func:`~translator.matching.similarity.score_pairs`)."""


Translate = Callable[[str, str], tuple[str, ...]]
"""English renderings of a label in another language: (language tag, text) → phrases."""


def _variants(
    node: Node, translate: Translate | None = None, more: Sequence[str] = ()
) -> tuple[tuple[str, ...], bool]:
    """The normalised variants of ``node``'s texts (and of the names ``more``), and whether
    translations added any."""
    raw = [node.name, node.label, *(text for _, text in node.labels), *node.synonyms, *more]
    own = len(raw)
    if translate is not None:
        for lang, text in node.labels:
            if lang and not lang.lower().startswith("en"):
                raw.extend(translate(lang, text))
    seen: dict[str, None] = {}
    translated = False
    for k, text in enumerate(raw):
        if text and text != "*":
            norm = normalize(text)
            if norm and norm not in seen:
                seen[norm] = None
                translated = translated or k >= own
    return tuple(seen), translated


def _lead_words(node: Node) -> frozenset[str]:
    texts = (node.name, node.label, *(text for _, text in node.labels), *node.synonyms)
    return frozenset(words[0] for words in map(tokens, texts) if words)


def entity_texts(
    nodes: Iterable[Node],
    translate: Translate | None = None,
    more: Mapping[str, Sequence[str]] | None = None,
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> list[EntityText]:
    """Texts of nodes (sorted by id, so results never depend on load order); with ``translate``, the
    English renderings of labels in other languages are variants too
    (:class:`translator.matching.text.translation.LabelTranslations`); ``more``: an OPC UA type's
    bare names by node id (:func:`translator.matching.conventions.convention_names`), its
    :attr:`~EntityText.bare` the first; ``aliases``: further names by node id that are no bare type
    names (:func:`translator.matching.model_prefix.model_prefix_names`)."""
    out = []
    more = more or {}
    aliases = aliases or {}
    for node in sorted(nodes, key=lambda n: n.id):
        given = more.get(node.id, ())
        variants, translated = _variants(node, translate, (*given, *aliases.get(node.id, ())))
        if not variants:
            continue
        own = frozenset(_variants(node, translate, given)[0]) if node.id in aliases else frozenset(variants)
        out.append(
            EntityText(
                node.id,
                node.kind,
                variants,
                tuple(content_tokens(v) for v in variants),
                datatype_class(node.datatype),
                node.label or node.name,
                node.unit,
                _lead_words(node),
                translated,
                node.modelling_rule.endswith("Placeholder"),
                normalize(bare[0]) if (bare := more.get(node.id, ())) else "",
                frozenset(variants) - own,
            )
        )
    return out


PLACEHOLDER_FACTOR = 0.5
"""How compatible an ontology's class and an OPC UA placeholder are (a concept against an attribute):
``<Submodel>`` holds a type's submodels, so the class ``Submodel`` corresponds to the ObjectType
(``AASSubmodelType``) and the placeholder to an object property (``submodel``); a model without the
type still offers the placeholder."""


def pair_factor(a: EntityText, b: EntityText) -> float:
    """How compatible two entities are by kind, datatype and unit; 0 means never a pair (a class and
    a property, a boolean and a number, a temperature and a pressure); an ontology's class against an
    OPC UA placeholder is :data:`PLACEHOLDER_FACTOR`."""
    if compatible(a.unit, b.unit) is False:  # °C never maps to bar; °C to °F is fine
        return 0.0
    factor = kind_factor(a.kind, b.kind) * datatype_factor(a.datatype, b.datatype)
    if (a.placeholder and b.kind is NodeKind.CLASS) or (b.placeholder and a.kind is NodeKind.CLASS):
        factor = min(factor, PLACEHOLDER_FACTOR)
    return factor
