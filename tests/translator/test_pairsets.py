"""Labelled pair manifests and their scoring rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.paths import shared
from translator.alignment.model import Alignment, Correspondence
from translator.alignment.pairs import CONFERENCE_FAMILY, conference_pairs, read_pair, read_pairs, score
from translator.errors import InputError


def _alignment(*pairs: tuple[str, str]) -> Alignment:
    out = Alignment("a", "b")
    out.extend(Correspondence(s, o) for s, o in pairs)
    return out


def test_a_partial_reference_scores_only_what_touches_it() -> None:
    reference = _alignment(("a:1", "b:1"), ("a:2", "b:2"))
    predicted = _alignment(("a:1", "b:1"), ("a:2", "b:9"), ("a:7", "b:8"))
    full = score(predicted, reference)
    partial = score(predicted, reference, partial=True)
    assert (full.tp, full.fp, full.fn) == (1, 2, 1)
    # a:7 ↔ b:8 touches no entity of the reference: not scored; a:2 ↔ b:9 is still wrong
    assert (partial.tp, partial.fp, partial.fn) == (1, 1, 1)


def test_a_manifest_with_several_files_per_side(tmp_path: Path) -> None:
    for name in ("a1.ttl", "a2.ttl", "b.owl", "ref.tsv"):
        (tmp_path / name).write_text("x")
    manifest = tmp_path / "pair.json"
    manifest.write_text(
        json.dumps(
            {"source": ["a1.ttl", "a2.ttl"], "target": ["b.owl"], "reference": "ref.tsv", "family": "f"}
        )
    )
    pair = read_pair(manifest)
    assert pair.source == ((tmp_path / "a1.ttl").resolve(), (tmp_path / "a2.ttl").resolve())
    assert pair.family == "f"
    assert not pair.partial


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "cannot read the pair manifest"),
        ("[]", "a JSON object"),
        (json.dumps({"source": ["a.ttl"], "reference": "r.tsv"}), "needs 'source' and 'target'"),
        (json.dumps({"source": ["a.ttl"], "target": ["nope.ttl"], "reference": "a.ttl"}), "missing files"),
        (json.dumps({"source": [1], "target": ["a.ttl"], "reference": "a.ttl"}), "list of file names"),
    ],
)
def test_a_bad_manifest_is_named(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "a.ttl").write_text("x")
    manifest = tmp_path / "pair.json"
    manifest.write_text(content)
    with pytest.raises(InputError, match=message) as caught:
        read_pair(manifest)
    assert str(manifest) in str(caught.value)


@pytest.mark.shared_data
def test_the_shared_pairs_read() -> None:
    pairs = read_pairs(shared("pairs"))
    assert len(pairs) == 19
    ssn = next(p for p in pairs if p.name == "ssnx-ssn")
    assert len(ssn.target) == 7
    assert next(p for p in pairs if p.name == "brick-rec").partial
    conference = conference_pairs(
        shared("oaei-conference", "ontologies"), shared("oaei-conference", "alignments")
    )
    assert len(conference) == 11
    assert {p.family for p in conference} == {CONFERENCE_FAMILY}
    cmt_conference = next(p for p in conference if p.name == "cmt-conference")
    assert [f.name for f in (*cmt_conference.source, *cmt_conference.target)] == ["cmt.owl", "conference.owl"]
