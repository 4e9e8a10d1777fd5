"""SSSOM TSV: an `Alignment` as a YAML metadata header of ``#`` lines and a tab-separated table.

Written form (https://mapping-commons.github.io/sssom/)::

    #curie_map:
    #  cmt: http://cmt#
    #  di: nsu=http://opcfoundation.org/UA/DI/;
    #  semapv: https://w3id.org/semapv/vocab/
    #  skos: http://www.w3.org/2004/02/skos/core#
    #  tolka: http://tolka.dev/vocab#
    #  tolkauser: http://tolka.dev/user/
    #license: https://creativecommons.org/publicdomain/zero/1.0/
    #mapping_set_id: http://127.0.0.1:8000/alignments/a-3f9c1a7b2e4d
    #mapping_tool: Tolka
    #mapping_tool_version: 0.1.0
    #subject_source: Opc.Ua.Di.NodeSet2.xml
    #object_source: http://cmt
    subject_id  ...  predicate_id  predicate_modifier  object_id  ...  reviewer_id  ...  review_status

Columns: the SSSOM slots ``subject_id``, ``subject_label``, ``subject_category`` (Tolka's node kind),
``predicate_id``, ``predicate_modifier``, ``object_id``, ``object_label``, ``object_category``,
``mapping_justification``, ``confidence``, ``similarity_score``, ``author_id``, ``reviewer_id``,
``mapping_date``, ``review_date``, ``comment`` (those after ``confidence`` only when a row has one),
and one Tolka extension, ``review_status`` (proposed / accepted / rejected), declared in
``extension_definitions``. ``mapping_set_id`` is always an IRI (`translator.alignment.model.mapping_set_iri`).

Ids are written as CURIEs by the prefix scheme of :mod:`translator.alignment.curies` (an OPC UA ExpandedNodeId
``nsu=<URI>;i=1002`` as ``<prefix>:i=1002``, the prefix standing for ``nsu=<URI>;``), people as IRIs
(``orcid:``, or a name under ``tolkauser:``); reading accepts CURIEs whose prefix the ``curie_map``
holds and full ids alike.

A rejected correspondence is what SSSOM calls a negated mapping: ``predicate_modifier`` ``Not``,
asserted by its reviewer (``author_id`` and ``reviewer_id``, ``mapping_justification``
``semapv:ManualMappingCuration``, the review's date), the matcher's score kept as
``similarity_score``; ``format_sssom(rejected="omit")`` leaves it out instead. Any negated row read,
Tolka's or another tool's, is a rejected correspondence.

Reading is :mod:`translator.alignment.sssom_read` (:func:`~.sssom_read.parse_sssom`), writing
:mod:`translator.alignment.sssom_write` (:func:`~.sssom_write.format_sssom`); this module holds what
both share: the columns, the known prefixes, CURIEs and people's ids.

Example:
    >>> from translator.alignment.model import Alignment, Correspondence
    >>> from translator.alignment.sssom_read import parse_sssom
    >>> from translator.alignment.sssom_write import format_sssom
    >>> a = Alignment("urn:a", "urn:b", [Correspondence("urn:a#x", "urn:b#y", confidence=0.5)])
    >>> parse_sssom(format_sssom(a), "inline").correspondences == a.correspondences
    True
"""

from __future__ import annotations

import re
import urllib.parse

from translator.alignment.model import is_iri

__all__ = ["COLUMNS", "CURIE", "KNOWN_PREFIXES", "PERSON_BASE", "contract", "expand_id", "person_id"]

PERSON_BASE = "http://tolka.dev/user/"
"""IRIs of reviewers known only by name: ``http://tolka.dev/user/<name, percent-encoded>``."""

COLUMNS = (
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "object_category",
    "mapping_justification",
    "confidence",
    "similarity_score",
    "author_id",
    "reviewer_id",
    "mapping_date",
    "review_date",
    "review_status",
    "comment",
)
"""The columns Tolka writes, in order; some only when a row has a value (:mod:`.sssom_write`)."""

KNOWN_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "tolka": "http://tolka.dev/vocab#",
    "tolkauser": PERSON_BASE,
    "orcid": "https://orcid.org/",
}
"""Prefixes of Tolka's predicates, justifications and people; written to ``curie_map`` when used."""

CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(?!//)(\S*)$")
"""A CURIE: its prefix and its local part."""


def expand_id(value: str, curie_map: dict[str, str]) -> str:
    """Expand a CURIE whose prefix ``curie_map`` holds; anything else (IRIs, ``nsu=`` ids) is kept.

    >>> expand_id("cmt:Author", {"cmt": "http://cmt#"})
    'http://cmt#Author'
    >>> expand_id("nsu=http://x/;s=a:b", {"nsu": "http://y/"})
    'nsu=http://x/;s=a:b'
    """
    match = CURIE.match(value)
    if match is None or match[1] not in curie_map:
        return value
    return curie_map[match[1]] + match[2]


def person_id(who: str) -> str:
    """An IRI for a person: ``who`` when it is one (an ORCID IRI, a ``mailto:``), an ``orcid:`` CURIE
    expanded, else a name under :data:`PERSON_BASE`.

    >>> person_id("alice"), person_id("orcid:0000-0002-1825-0097")
    ('http://tolka.dev/user/alice', 'https://orcid.org/0000-0002-1825-0097')
    """
    who = who.strip()
    expanded = expand_id(who, {"orcid": KNOWN_PREFIXES["orcid"]})
    if expanded != who or (is_iri(who) and "://" in who) or who.startswith(("mailto:", "urn:")):
        return expanded
    return PERSON_BASE + urllib.parse.quote(who, safe="")


def contract(value: str, curie_map: dict[str, str]) -> str:
    """A predicate or justification given as a full IRI, as a CURIE when a known prefix fits."""
    if "://" not in value:
        return value
    for prefix, base in sorted({**KNOWN_PREFIXES, **curie_map}.items(), key=lambda kv: -len(kv[1])):
        if base and value.startswith(base) and len(value) > len(base):
            return f"{prefix}:{value[len(base) :]}"
    return value
