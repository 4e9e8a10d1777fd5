"""Who proposed, asserted and reviewed a stored alignment's correspondences, and when — for exports.

The store keeps correspondences as the matcher left them and every review decision in a history; an
SSSOM or Alignment RDF export needs them together: ``mapping_tool`` (Tolka, for an alignment it
matched; unknown for an import), each correspondence's ``mapping_date`` (the day it was matched),
and, for one a person decided on, ``reviewer_id`` and ``review_date`` from the last decision that set
its status or object. Comments are no decisions; a decision that set it back to proposed undoes the
review. A retargeted correspondence is the reviewer's own assertion, so they are its author too, and
its ``mapping_date`` is the day of the decision.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.gateway.records import AlignmentRecord, ReviewRecord
from translator.alignment.model import Alignment, Correspondence, proposed_by_tolka
from translator.alignment.sssom import person_id

__all__ = ["with_provenance"]

_DECISIONS = frozenset({"accepted", "rejected", "proposed", "retarget"})  # "proposed": undecided again


def with_provenance(
    record: AlignmentRecord,
    names: tuple[str, str],
    stored: Sequence[tuple[int, Correspondence]],
    reviews: Sequence[ReviewRecord],
) -> Alignment:
    """The stored alignment ``record`` (its correspondences by cid) with tool, dates and reviewers."""
    alignment = proposed_by_tolka(*names) if record.origin != "import" else Alignment(*names)
    if record.origin == "import":
        matched = ""
    else:
        matched = record.created[:10]
        alignment.mapping_date = matched
    alignment.mapping_set_id = record.id
    last: dict[int, ReviewRecord] = {}
    for review in reviews:
        if review.action in _DECISIONS:
            last[review.cid] = review
    for cid, c in stored:
        decision = last.get(cid)
        if decision is None or decision.status_after == "proposed":
            alignment.add(c.replace(mapping_date=c.mapping_date or matched))
            continue
        who, day = person_id(decision.who), decision.at[:10]
        changes: dict[str, object] = {"reviewer_id": who, "review_date": day, "mapping_date": matched}
        if decision.action == "retarget":
            changes |= {"author_id": who, "mapping_date": day}
        alignment.add(c.replace(**changes))
    return alignment
