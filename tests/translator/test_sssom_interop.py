"""SSSOM files Tolka writes, as the SSSOM project's own tools (sssom-py) read and validate them."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters import load_paths
from tests.paths import VENDOR_A, VENDOR_B, shared
from tests.sssompy import rows_as_sssom_py_reads_them, sssom_validate
from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.model import Alignment, Correspondence, Justification, Status
from translator.alignment.sssom import person_id
from translator.matching.matcher import MatchOptions, match


def reviewed(alignment: Alignment) -> Alignment:
    """``alignment`` with its first pair accepted by alice, its second rejected by an ORCID."""
    cs = alignment.correspondences
    cs[0] = cs[0].replace(status=Status.ACCEPTED, reviewer_id=person_id("alice"), review_date="2026-12-03")
    cs[1] = cs[1].replace(
        status=Status.REJECTED, reviewer_id=person_id("orcid:0000-0002-1825-0097"), review_date="2026-12-04"
    )
    return alignment


def test_a_matched_opcua_alignment_with_a_rejection_validates_with_sssom_py(tmp_path: Path) -> None:
    alignment = reviewed(
        match(load_paths([VENDOR_A]), load_paths([VENDOR_B]), MatchOptions(method="lexical", metadata=True))
    )
    assert len(alignment) > 3
    assert all(c.subject_id.startswith("nsu=") for c in alignment)
    path = tmp_path / "vendors.sssom.tsv"
    write_alignment(alignment, path)

    done = sssom_validate(path)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = rows_as_sssom_py_reads_them(path)
    assert len(rows) == len(alignment)  # no row dropped as malformed
    by_pair = {(r["subject_id"], r["object_id"]): r for r in rows}
    first, second = alignment.correspondences[:2]
    accepted = by_pair[
        ("vendora:" + first.subject_id.split(";", 1)[1], "vendorb:" + first.object_id.split(";", 1)[1])
    ]
    assert accepted["predicate_modifier"] == ""
    assert accepted["reviewer_id"] == "tolkauser:alice"
    rejected = next(r for r in rows if r["predicate_modifier"])
    assert str(rejected["predicate_modifier"]).endswith("Not")
    assert rejected["mapping_justification"] == Justification.MANUAL.value
    assert rejected["author_id"] == rejected["reviewer_id"] == "orcid:0000-0002-1825-0097"
    assert str(rejected["mapping_date"]) == "2026-12-04"
    assert rejected["similarity_score"] == pytest.approx(second.confidence)
    assert sum(1 for r in rows if r["predicate_modifier"]) == 1

    back = read_alignment(path)  # Tolka reads its CURIEs back into full ids
    assert [c.pair for c in back] == [c.pair for c in alignment]
    assert [c.status for c in back] == [c.status for c in alignment]
    assert back.mapping_tool == "Tolka"
    assert back.mapping_set_id.startswith("urn:uuid:")


def test_omitting_rejections_leaves_a_valid_file_without_them(tmp_path: Path) -> None:
    alignment = reviewed(
        match(load_paths([VENDOR_A]), load_paths([VENDOR_B]), MatchOptions(method="lexical", metadata=True))
    )
    path = tmp_path / "kept.sssom.tsv"
    write_alignment(alignment, path, rejected="omit")
    rows = rows_as_sssom_py_reads_them(path)
    assert len(rows) == len(alignment) - 1
    assert not any(r.get("predicate_modifier") for r in rows)


@pytest.mark.shared_data
def test_full_ids_of_a_reference_file_and_tolka_curies_name_the_same_pairs(tmp_path: Path) -> None:
    reference = read_alignment(shared("pairs", "opcua-di-1.01-1.04", "reference.sssom.tsv"))
    path = tmp_path / "di.sssom.tsv"
    write_alignment(reference, path)
    text = path.read_text(encoding="utf-8")
    assert "#  di: nsu=http://opcfoundation.org/UA/DI/;\n" in text
    assert "\ndi:i=1001\t" in text
    assert [c.pair for c in read_alignment(path)] == [c.pair for c in reference]
    assert len(rows_as_sssom_py_reads_them(path)) == len(reference)


def test_json_pointer_and_owl_ids_validate_too(tmp_path: Path) -> None:
    alignment = Alignment(
        "pump.schema.json",
        "http://tolka.dev/ontology/plant",
        [
            Correspondence("pump.schema.json#/properties/speed", "http://tolka.dev/ontology/plant#Speed"),
            Correspondence("pump.schema.json#/properties/flow_m3h", "http://tolka.dev/ontology/plant#Flow"),
        ],
    )
    path = tmp_path / "mixed.sssom.tsv"
    write_alignment(alignment, path)
    rows = rows_as_sssom_py_reads_them(path)
    assert sorted((r["subject_id"], r["object_id"]) for r in rows) == [  # sssom-py sorts the rows
        ("pump:/properties/flow_m3h", "plant:Flow"),
        ("pump:/properties/speed", "plant:Speed"),
    ]
