"""`Alignment`: a set of scored correspondences between the nodes of two models.

A correspondence says that a subject (a node of the source model) relates to an object (a node of
the target model) by a predicate — ``skos:exactMatch`` for equivalence — with a confidence, a
justification (how it was found, a SEMAPV term) and a review status. Ids are those of DESIGN.md
(full IRIs, ``nsu=`` ExpandedNodeIds, ``<id>#<pointer>``). Alignments are read and written as SSSOM
TSV (:mod:`translator.alignment.sssom`) and as Alignment API RDF/XML, the OAEI format
(:mod:`translator.alignment.rdf`).

Example:
    >>> a = Alignment("urn:a", "urn:b")
    >>> a.add(Correspondence("urn:a#x", "urn:b#y", confidence=0.9))
    >>> [c.object_id for c in a.best_per_subject()]
    ['urn:b#y']
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.metadata
import re
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "EXACT_MATCH",
    "TOOL",
    "Alignment",
    "Correspondence",
    "Justification",
    "Status",
    "is_iri",
    "mapping_set_iri",
    "proposed_by_tolka",
]

EXACT_MATCH = "skos:exactMatch"
"""The predicate of an equivalence correspondence (SSSOM); OAEI's relation ``=``."""
TOOL = "Tolka"
"""The ``mapping_tool`` of the correspondences Tolka proposes."""


class Status(StrEnum):
    """Where a correspondence stands in review."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Justification(StrEnum):
    """How a correspondence was found (SEMAPV terms, as SSSOM's ``mapping_justification``)."""

    LEXICAL = "semapv:LexicalMatching"
    STRUCTURAL = "semapv:StructuralMatching"
    LEARNED = "semapv:SemanticSimilarityThresholdMatching"
    INSTANCE = "semapv:InstanceBasedMatching"
    COMPOSITE = "semapv:CompositeMatching"
    MANUAL = "semapv:ManualMappingCuration"
    UNSPECIFIED = "semapv:UnspecifiedMatching"


@dataclass(frozen=True, slots=True)
class Correspondence:
    """One scored correspondence.

    Attributes:
        subject_id: id of the source-model node.
        object_id: id of the target-model node.
        predicate: relation, a CURIE (``skos:exactMatch``, ``skos:broadMatch``, ...).
        confidence: score in [0, 1].
        justification: how it was found (a SEMAPV CURIE).
        status: review status.
        subject_label: human label of the subject, "" when unknown.
        object_label: human label of the object, "" when unknown.
        subject_kind: the subject's `NodeKind` value (``class``, ``variable``, ...), "" when unknown.
        object_kind: the object's `NodeKind` value, "" when unknown.
        comment: free text (for instance the fitted transform, or a reviewer's note).
        author_id: who asserted it (an IRI, ``|`` between several), "" for a tool's proposal.
        reviewer_id: who reviewed it (an IRI, ``|`` between several), "" when nobody did.
        mapping_date: when it was asserted (ISO 8601 date), "" when unknown.
        review_date: when it was reviewed (ISO 8601 date), "" when it was not.
    """

    subject_id: str
    object_id: str
    predicate: str = EXACT_MATCH
    confidence: float = 1.0
    justification: str = Justification.UNSPECIFIED.value
    status: Status = Status.PROPOSED
    subject_label: str = ""
    object_label: str = ""
    subject_kind: str = ""
    object_kind: str = ""
    comment: str = ""
    author_id: str = ""
    reviewer_id: str = ""
    mapping_date: str = ""
    review_date: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        """``(subject_id, object_id)``."""
        return self.subject_id, self.object_id

    def replace(self, **changes: object) -> Correspondence:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class Alignment:
    """Correspondences between a source and a target model, with SSSOM mapping-set metadata.

    Attributes:
        source: the source model (its name, URI or file).
        target: the target model.
        correspondences: in order; several may share a subject (ranked candidates).
        mapping_set_id: SSSOM ``mapping_set_id`` (an IRI naming this set).
        license: SSSOM ``license``.
        curie_map: prefix → IRI prefix, used to write and expand CURIEs.
        mapping_tool: the tool that proposed the correspondences (SSSOM ``mapping_tool``), "" unknown.
        mapping_tool_version: its version.
        mapping_date: when the correspondences were proposed (ISO 8601 date), "" when unknown;
            a correspondence's own ``mapping_date`` wins.
    """

    source: str = ""
    target: str = ""
    correspondences: list[Correspondence] = field(default_factory=list)
    mapping_set_id: str = ""
    license: str = "https://creativecommons.org/publicdomain/zero/1.0/"
    curie_map: dict[str, str] = field(default_factory=dict)
    mapping_tool: str = ""
    mapping_tool_version: str = ""
    mapping_date: str = ""

    def add(self, correspondence: Correspondence) -> None:
        """Append one correspondence."""
        self.correspondences.append(correspondence)

    def extend(self, correspondences: Iterable[Correspondence]) -> None:
        """Append several correspondences."""
        self.correspondences.extend(correspondences)

    def __iter__(self) -> Iterator[Correspondence]:
        return iter(self.correspondences)

    def __len__(self) -> int:
        return len(self.correspondences)

    def equivalences(self, *, include_rejected: bool = False) -> list[Correspondence]:
        """The ``skos:exactMatch`` correspondences (rejected ones left out unless asked)."""
        return [
            c
            for c in self.correspondences
            if c.predicate == EXACT_MATCH and (include_rejected or c.status is not Status.REJECTED)
        ]

    def by_subject(self) -> dict[str, list[Correspondence]]:
        """Equivalences grouped by subject, each group ranked by confidence (highest first)."""
        groups: dict[str, list[Correspondence]] = {}
        for c in self.equivalences():
            groups.setdefault(c.subject_id, []).append(c)
        for group in groups.values():
            group.sort(key=lambda c: (-c.confidence, c.object_id))
        return groups

    def best_per_subject(self) -> list[Correspondence]:
        """The top-ranked equivalence of every subject."""
        return [group[0] for group in self.by_subject().values()]

    def is_ranked(self) -> bool:
        """True when some subject has several candidates (a top-k file)."""
        return any(len(group) > 1 for group in self.by_subject().values())


def proposed_by_tolka(source: str, target: str) -> Alignment:
    """An empty alignment that Tolka proposes today: ``mapping_tool`` Tolka, its version, today's date."""
    try:
        version = importlib.metadata.version("tolka")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        version = ""
    return Alignment(
        source,
        target,
        mapping_tool=TOOL,
        mapping_tool_version=version,
        mapping_date=dt.datetime.now(dt.UTC).date().isoformat(),
    )


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def is_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI (a scheme, a colon, no spaces).

    >>> is_iri("urn:uuid:0b6c"), is_iri("http://cmt#Author"), is_iri("nsu=urn:x;i=1"), is_iri("a-3f9c")
    (True, True, False, False)
    """
    return _IRI.match(text) is not None


def mapping_set_iri(alignment: Alignment) -> str:
    """``alignment``'s ``mapping_set_id`` as an absolute IRI.

    An IRI is kept; another id (a store's ``a-3f9c...``) becomes ``urn:tolka:mapping-set:<id>``; no id
    gives a ``urn:uuid:`` named by the models and the pairs (the same correspondences, the same IRI).
    """
    own = alignment.mapping_set_id.strip()
    if own:
        return own if is_iri(own) else "urn:tolka:mapping-set:" + urllib.parse.quote(own, safe="")
    text = "\n".join(
        [
            alignment.source,
            alignment.target,
            *sorted(f"{s}\t{o}" for s, o in (c.pair for c in alignment.correspondences)),
        ]
    )
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, text)}"
