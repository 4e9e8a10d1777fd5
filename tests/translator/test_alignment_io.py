"""Alignment formats: SSSOM TSV and Alignment API RDF/XML, on the real OAEI references and by hand."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.paths import shared
from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.model import EXACT_MATCH, Alignment, Correspondence, Justification, Status
from translator.alignment.rdf import format_alignment_rdf, parse_alignment_rdf
from translator.alignment.sssom import KNOWN_PREFIXES
from translator.alignment.sssom_read import parse_sssom
from translator.alignment.sssom_write import format_sssom
from translator.errors import InputError, InputTooLargeError, ParseError, UnknownFormatError, UnsafeInputError

OAEI_COUNTS = {
    "cmt-conference": 15,
    "cmt-confOf": 16,
    "cmt-edas": 13,
    "cmt-ekaw": 11,
    "cmt-iasted": 4,
    "cmt-sigkdd": 12,
    "conference-confOf": 15,
    "conference-edas": 17,
    "conference-ekaw": 25,
    "conference-iasted": 14,
    "conference-sigkdd": 15,
}  # the table of ../shared/data/README.md


def oaei(name: str) -> Path:
    return shared("oaei-conference", "alignments", f"{name}.rdf")


def triples(alignment: Alignment) -> list[tuple[str, str, str, float]]:
    return [(c.subject_id, c.predicate, c.object_id, c.confidence) for c in alignment]


# --------------------------------------------------------------------------------- real OAEI files


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(OAEI_COUNTS))
def test_oaei_reference_reads_with_the_readme_counts(name: str) -> None:
    alignment = read_alignment(oaei(name))
    first, second = name.split("-")
    assert len(alignment) == OAEI_COUNTS[name]
    assert alignment.source == f"http://{first}"
    assert alignment.target == f"http://{second}"
    for c in alignment:
        assert c.subject_id.startswith(f"http://{first}#")
        assert c.object_id.startswith(f"http://{second}#")
        assert c.predicate == EXACT_MATCH
        assert c.confidence == 1.0
        assert c.status is Status.PROPOSED
    assert len({c.pair for c in alignment}) == OAEI_COUNTS[name]


@pytest.mark.shared_data
def test_oaei_total_is_157() -> None:
    assert sum(len(read_alignment(oaei(name))) for name in OAEI_COUNTS) == 157


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(OAEI_COUNTS))
def test_oaei_rdf_to_sssom_to_rdf_keeps_every_correspondence(name: str, tmp_path: Path) -> None:
    original = read_alignment(oaei(name))
    write_alignment(original, tmp_path / "a.sssom.tsv")
    via_sssom = read_alignment(tmp_path / "a.sssom.tsv")
    assert triples(via_sssom) == triples(original)
    assert (via_sssom.source, via_sssom.target) == (original.source, original.target)
    write_alignment(via_sssom, tmp_path / "b.rdf")
    back = read_alignment(tmp_path / "b.rdf")
    assert back.correspondences == original.correspondences
    assert (back.source, back.target) == (original.source, original.target)


@pytest.mark.shared_data
def test_written_rdf_is_rdf_that_alignment_tools_read() -> None:
    import rdflib

    original = read_alignment(oaei("conference-ekaw"))
    graph = rdflib.Graph()
    graph.parse(data=format_alignment_rdf(original), format="xml")
    align = rdflib.Namespace("http://knowledgeweb.semanticweb.org/heterogeneity/alignment#")
    cells = list(graph.subjects(rdflib.RDF.type, align.Cell))
    assert len(cells) == 25
    pairs = {(str(graph.value(cell, align.entity1)), str(graph.value(cell, align.entity2))) for cell in cells}
    assert pairs == {c.pair for c in original}
    assert {str(graph.value(cell, align.relation)) for cell in cells} == {"="}
    assert {graph.value(cell, align.measure).toPython() for cell in cells} == {1.0}  # type: ignore[union-attr]


# --------------------------------------------------------------------------------- full round trips

NODE_A = "nsu=http://tolka.dev/demo/VendorA/;i=5003"
NODE_B = "nsu=http://tolka.dev/demo/VendorB/;s=Skid1.PT101:Value;x=1"


def rich_alignment() -> Alignment:
    return Alignment(
        source="http://tolka.dev/demo/VendorA/",
        target="http://tolka.dev/demo/VendorB/",
        mapping_set_id="https://tolka.dev/mappings/a-b",
        license="https://creativecommons.org/licenses/by/4.0/",
        curie_map={"plant": "http://tolka.dev/ontology/plant#"},
        correspondences=[
            Correspondence(
                NODE_A,
                NODE_B,
                confidence=0.123456789,
                justification=Justification.LEXICAL.value,
                status=Status.ACCEPTED,
                subject_label="Outlet pressure",
                object_label='PT101 "discharge"\tbar',
                subject_kind="variable",
                object_kind="variable",
                comment="scale 0.01; offset 0\nchecked by ops",
            ),
            Correspondence(
                "http://tolka.dev/ontology/plant#Pump",
                "pump.schema.json#/properties/pump",
                predicate="skos:broadMatch",
                confidence=0.5,
                status=Status.REJECTED,
                subject_label="Pumpe — Förderpumpe",
                subject_kind="class",
                object_kind="field",
                reviewer_id="http://tolka.dev/user/Jane%20Doe",
                mapping_date="2026-11-30",
                review_date="2026-12-01",
            ),
            Correspondence(
                "http://tolka.dev/ontology/plant#Valve",
                "pump.schema.json#/properties/valve",
                justification=Justification.MANUAL.value,
                status=Status.ACCEPTED,
                author_id="https://orcid.org/0000-0002-1825-0097",
                reviewer_id="https://orcid.org/0000-0002-1825-0097|http://tolka.dev/user/bob",
                mapping_date="2026-12-01",
                review_date="2026-12-02",
            ),
            Correspondence("urn:a#x", "urn:b#y", predicate="skos:narrowMatch", confidence=0.0),
            Correspondence("urn:a#x", "urn:b#z", predicate="tolka:disjoint", comment="  spaced  "),
            Correspondence("urn:a#y", "urn:b#z", predicate="skos:closeMatch", confidence=1.0),
        ],
    )


def negated(c: Correspondence) -> Correspondence:
    """A rejected correspondence as SSSOM's negated mapping reads back: asserted by its reviewer."""
    if c.status is not Status.REJECTED:
        return c
    return c.replace(
        justification=Justification.MANUAL.value,
        author_id=c.author_id or c.reviewer_id,
        mapping_date=c.review_date or c.mapping_date,
    )


def test_sssom_round_trip_keeps_everything(tmp_path: Path) -> None:
    original = rich_alignment()
    path = tmp_path / "rich.sssom.tsv"
    write_alignment(original, path)
    back = read_alignment(path)
    assert back.correspondences == [negated(c) for c in original.correspondences]
    rejected = back.correspondences[1]
    assert (rejected.status, rejected.confidence, rejected.author_id) == (
        Status.REJECTED,
        0.5,
        "http://tolka.dev/user/Jane%20Doe",
    )
    assert back.source == original.source
    assert back.target == original.target
    assert back.mapping_set_id == original.mapping_set_id
    assert back.license == original.license
    assert back.curie_map["plant"] == "http://tolka.dev/ontology/plant#"
    assert {"skos", "semapv"} <= back.curie_map.keys()


def test_sssom_writes_curies_with_their_map_and_a_sssom_header(tmp_path: Path) -> None:
    path = tmp_path / "rich.tsv"
    write_alignment(rich_alignment(), path)
    text = path.read_text(encoding="utf-8")
    assert "#curie_map:\n" in text
    assert "#  skos: http://www.w3.org/2004/02/skos/core#\n" in text
    assert "#  vendora: nsu=http://tolka.dev/demo/VendorA/;\n" in text  # the OPC UA prefix scheme
    assert "#  pump: pump.schema.json#\n" in text
    assert "#  tolkauser: http://tolka.dev/user/\n" in text
    assert "#mapping_set_id: https://tolka.dev/mappings/a-b\n" in text
    assert "#subject_source: http://tolka.dev/demo/VendorA/\n" in text
    header = next(line for line in text.splitlines() if not line.startswith("#"))
    for column in ("subject_id", "subject_label", "predicate_id", "predicate_modifier", "object_id",
                   "object_label", "mapping_justification", "confidence", "similarity_score", "author_id",
                   "reviewer_id", "mapping_date", "review_date", "subject_category", "review_status",
                   "comment"):  # fmt: skip
        assert column in header.split("\t")
    assert "\nvendora:i=5003\t" in text
    assert "\tvendorb:s=Skid1.PT101:Value;x=1\t" in text
    assert "\nplant:Pump\t" in text  # the alignment's own prefix is used
    assert "\tsemapv:LexicalMatching\t" in text
    assert "\torcid:0000-0002-1825-0097|tolkauser:bob\t" in text
    assert "\tNot\t" in text


def test_sssom_omits_rejected_correspondences_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "kept.sssom.tsv"
    write_alignment(rich_alignment(), path, rejected="omit")
    back = read_alignment(path)
    assert [c for c in rich_alignment() if c.status is not Status.REJECTED] == back.correspondences
    assert "predicate_modifier" not in path.read_text(encoding="utf-8")


def test_mapping_set_id_is_always_an_iri() -> None:
    pairs = [Correspondence("urn:a#x", "urn:b#y")]
    stored = parse_sssom(format_sssom(Alignment("a", "b", pairs, mapping_set_id="a-3f9c1a7b2e4d")), "s")
    assert stored.mapping_set_id == "urn:tolka:mapping-set:a-3f9c1a7b2e4d"
    unnamed = [parse_sssom(format_sssom(Alignment("a", "b", pairs)), "u").mapping_set_id for _ in range(2)]
    assert unnamed[0] == unnamed[1]  # named by its content
    assert unnamed[0].startswith("urn:uuid:")
    other = parse_sssom(format_sssom(Alignment("a", "b", [Correspondence("urn:a#x", "urn:b#z")])), "o")
    assert other.mapping_set_id != unnamed[0]
    rdf = parse_alignment_rdf(format_alignment_rdf(Alignment("a", "b", pairs, mapping_set_id="a-1")), "r")
    assert rdf.mapping_set_id == "urn:tolka:mapping-set:a-1"


def test_rdf_round_trip_keeps_everything_too(tmp_path: Path) -> None:
    original = rich_alignment()
    path = tmp_path / "rich.rdf"
    write_alignment(original, path, rejected="keep")
    back = read_alignment(path)
    assert back.correspondences == original.correspondences
    assert (back.source, back.target, back.mapping_set_id) == (
        original.source,
        original.target,
        original.mapping_set_id,
    )
    text = path.read_text(encoding="utf-8")
    assert "<relation>&lt;</relation>" in text  # skos:broadMatch: entity1 is subsumed by entity2
    assert "<relation>&gt;</relation>" in text
    assert "<relation>%</relation>" in text
    assert "<relation>skos:closeMatch</relation>" in text
    assert "<type>**</type>" in text  # urn:a#x and urn:b#z appear twice
    assert "<tolka:status>rejected</tolka:status>" in text


def test_rdf_leaves_rejected_cells_out_by_default(tmp_path: Path) -> None:
    import rdflib

    path = tmp_path / "plain.rdf"
    write_alignment(rich_alignment(), path)
    graph = rdflib.Graph()
    graph.parse(path, format="xml")  # as any Alignment API reader would
    align = rdflib.Namespace("http://knowledgeweb.semanticweb.org/heterogeneity/alignment#")
    entities = {str(graph.value(cell, align.entity1)) for cell in graph.subjects(rdflib.RDF.type, align.Cell)}
    assert "http://tolka.dev/ontology/plant#Pump" not in entities
    assert "http://tolka.dev/ontology/plant#Valve" in entities
    assert len(read_alignment(path)) == len(rich_alignment()) - 1


def test_rdf_relations_follow_the_alignment_api() -> None:
    cells = "".join(
        f'<map><Cell><entity1 rdf:resource="http://a#{i}"/><entity2 rdf:resource="http://b#{i}"/>'
        f"<relation>{rel}</relation></Cell></map>"
        for i, rel in enumerate(["=", "&lt;", "&gt;", "%", "HasInstance"])
    )
    doc = (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns="http://knowledgeweb.semanticweb.org/heterogeneity/alignment#" '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><Alignment><onto1>http://a</onto1>'
        f"<onto2>http://b</onto2>{cells}</Alignment></rdf:RDF>"
    )
    alignment = parse_alignment_rdf(doc.encode(), "hand.rdf")
    assert [c.predicate for c in alignment] == [
        EXACT_MATCH,
        "skos:broadMatch",
        "skos:narrowMatch",
        "tolka:disjoint",
        "HasInstance",
    ]
    assert [c.confidence for c in alignment] == [1.0] * 5  # no measure: 1.0
    assert (alignment.source, alignment.target) == ("http://a", "http://b")
    again = parse_alignment_rdf(format_alignment_rdf(alignment), "again.rdf")
    assert again.correspondences == alignment.correspondences


def test_rdf_simple_internal_entities_are_expanded() -> None:
    doc = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY cmt "http://cmt#"> <!ENTITY ekaw "http://ekaw#"> ]>
<rdf:RDF xmlns="http://knowledgeweb.semanticweb.org/heterogeneity/alignment"
         xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<Alignment><onto1><Ontology rdf:about="http://cmt"/></onto1><onto2>&ekaw;</onto2>
<map><Cell><entity1 rdf:resource="&cmt;Author"/><entity2><Class rdf:about="&ekaw;Paper_Author"/></entity2>
<measure>0.75</measure><relation>=</relation></Cell></map></Alignment></rdf:RDF>
"""
    alignment = parse_alignment_rdf(doc, "entities.rdf")
    assert alignment.target == "http://ekaw#"
    assert triples(alignment) == [("http://cmt#Author", EXACT_MATCH, "http://ekaw#Paper_Author", 0.75)]


# --------------------------------------------------------------------------------- SSSOM reading


def test_curies_expand_through_the_curie_map() -> None:
    text = (
        "#curie_map:\n#  cmt: http://cmt#\n#  ekaw: http://ekaw#\n#mapping_set_id: https://x.org/m\n"
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n"
        "cmt:Author\tskos:exactMatch\tekaw:Paper_Author\tsemapv:LexicalMatching\t0.9\n"
        "other:Thing\tskos:exactMatch\thttp://ekaw#Person\tsemapv:LexicalMatching\t0.8\n"
    )
    alignment = parse_sssom(text, "curies.sssom.tsv")
    assert triples(alignment) == [
        ("http://cmt#Author", EXACT_MATCH, "http://ekaw#Paper_Author", 0.9),
        ("other:Thing", EXACT_MATCH, "http://ekaw#Person", 0.8),  # unknown prefix: kept as written
    ]
    assert alignment.correspondences[0].justification == "semapv:LexicalMatching"
    assert alignment.mapping_set_id == "https://x.org/m"


def test_expanded_node_ids_are_never_curies(tmp_path: Path) -> None:
    ids = [
        "nsu=http://opcfoundation.org/UA/DI/;i=1001",
        "nsu=urn:vendor:plc;s=Line1:Pump=2;ns3",
        "ns=2;s=a:b",
    ]
    text = "#curie_map:\n#  nsu: http://wrong/\n#  ns: http://wrong/\n#  urn: http://wrong/\nsubject_id\tobject_id\n"
    text += "".join(f"{i}\t{i}\n" for i in ids)
    alignment = parse_sssom(text, "ua.tsv")
    assert [c.subject_id for c in alignment] == ids
    write_alignment(alignment, tmp_path / "ua.sssom.tsv")
    write_alignment(alignment, tmp_path / "ua.rdf")
    assert [c.object_id for c in read_alignment(tmp_path / "ua.sssom.tsv")] == ids
    assert [c.object_id for c in read_alignment(tmp_path / "ua.rdf")] == ids


def test_forgiving_reading(tmp_path: Path) -> None:
    path = tmp_path / "messy.tsv"
    content = (
        "\ufeffsubject_id\tobject_id\tconfidence\tsubject_label\r\n"  # BOM, no metadata header, CRLF
        "\r\n"
        "# a comment line\r\n"
        'http://a#x\thttp://b#y\t0.5\t"quoted\tlabel"\r\n'
        "http://a#z\thttp://b#w\r\n"  # a short row: missing cells are empty
        "   \r\n"
    )
    path.write_bytes(content.encode("utf-8"))
    alignment = read_alignment(path)
    assert triples(alignment) == [
        ("http://a#x", EXACT_MATCH, "http://b#y", 0.5),
        ("http://a#z", EXACT_MATCH, "http://b#w", 1.0),
    ]
    first = alignment.correspondences[0]
    assert first.subject_label == "quoted\tlabel"
    assert first.status is Status.PROPOSED
    assert first.justification == Justification.UNSPECIFIED.value
    assert alignment.mapping_set_id == ""


def test_predicate_iris_and_negation() -> None:
    text = (
        "subject_id\tpredicate_id\tpredicate_modifier\tobject_id\treview_status\n"
        "http://a#x\thttp://www.w3.org/2004/02/skos/core#exactMatch\t\thttp://b#y\tAccepted\n"
        "http://a#x\tskos:exactMatch\tNot\thttp://b#z\t\n"
    )
    alignment = parse_sssom(text, "neg.tsv")
    assert [c.predicate for c in alignment] == [EXACT_MATCH, EXACT_MATCH]
    assert [c.status for c in alignment] == [Status.ACCEPTED, Status.REJECTED]  # another tool's "not"
    assert [c.object_id for c in alignment.equivalences()] == ["http://b#y"]
    again = parse_sssom(format_sssom(alignment), "again.tsv")
    assert again.correspondences == [negated(c) for c in alignment.correspondences]
    with pytest.raises(ParseError, match="contradicts review_status 'accepted'") as caught:
        parse_sssom(text.replace("Not\thttp://b#z\t", "Not\thttp://b#z\taccepted"), "bad.tsv")
    assert caught.value.line == 3
    with pytest.raises(ParseError, match="predicate_modifier 'Maybe'"):
        parse_sssom(text.replace("Not", "Maybe"), "bad.tsv")


def test_format_is_chosen_by_suffix_or_content(tmp_path: Path) -> None:
    alignment = rich_alignment()
    (tmp_path / "a.txt").write_bytes(format_alignment_rdf(alignment, rejected="keep"))
    (tmp_path / "b.txt").write_text(format_sssom(alignment), encoding="utf-8")
    assert read_alignment(tmp_path / "a.txt").correspondences == alignment.correspondences
    assert read_alignment(tmp_path / "b.txt").correspondences == [negated(c) for c in alignment]
    write_alignment(alignment, tmp_path / "c.out", format="rdf")
    assert (tmp_path / "c.out").read_bytes().startswith(b"<?xml")
    with pytest.raises(UnknownFormatError, match="known formats: sssom, rdf"):
        read_alignment(tmp_path / "a.txt", format="owl")


def test_write_is_atomic_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "out.sssom.tsv"
    path.write_text("old", encoding="utf-8")
    write_alignment(rich_alignment(), path)
    assert read_alignment(path).correspondences == [negated(c) for c in rich_alignment()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.sssom.tsv"]  # no temporary file left
    fresh = tmp_path / "fresh.rdf"
    write_alignment(rich_alignment(), fresh)
    assert os.stat(fresh).st_mode & 0o777 == 0o644


def test_missing_folder_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_alignment(tmp_path / "nope.tsv")
    with pytest.raises(InputError, match="folder"):
        read_alignment(tmp_path)
    path = tmp_path / "big.tsv"
    write_alignment(rich_alignment(), path)
    with pytest.raises(InputTooLargeError):
        read_alignment(path, max_bytes=100)


# --------------------------------------------------------------------------------- bad input

BAD_TSV = {
    "confidence": ("subject_id\tobject_id\tconfidence\nhttp://a#1\thttp://b#1\t0.5\n\nhttp://a#2\thttp://b#2\thigh\n", 4, "confidence 'high'"),
    "range": ("#license: x\nsubject_id\tobject_id\tconfidence\nhttp://a#1\thttp://b#1\t1.5\n", 3, "not a number in [0, 1]"),
    "nan": ("subject_id\tobject_id\tconfidence\nhttp://a#1\thttp://b#1\tnan\n", 2, "confidence 'nan'"),
    "cells": ("subject_id\tobject_id\nhttp://a#1\thttp://b#1\textra\n", 2, "3 cells"),
    "status": ("subject_id\tobject_id\treview_status\n# c\nhttp://a#1\thttp://b#1\tmaybe\n", 3, "proposed, accepted, rejected"),
    "empty id": ("subject_id\tobject_id\nhttp://a#1\t\n", 2, "empty subject_id or object_id"),
    "no header": ("#curie_map: {}\nhttp://a#1\thttp://b#1\n", 2, "no SSSOM header row"),
    "yaml": ("#curie_map:\n#  a: [unclosed\n#license: x\nsubject_id\tobject_id\n", 3, "malformed SSSOM metadata"),
    "curie_map": ("#curie_map: [a, b]\nsubject_id\tobject_id\n", 1, "curie_map"),
    "yaml bomb": ("#a: &a [x, x, x, x, x, x, x, x]\n" + "".join(f"#{n}: &{n} [{', '.join([f'*{p}'] * 8)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + "#license: *i\nsubject_id\tobject_id\n", 1, "metadata license must be a string"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_TSV))
def test_malformed_tsv_names_file_and_line(case: str, tmp_path: Path) -> None:
    content, line, message = BAD_TSV[case]
    path = tmp_path / "bad.sssom.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        read_alignment(path)
    assert caught.value.source == str(path)
    assert caught.value.line == line
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_not_utf8_tsv(tmp_path: Path) -> None:
    path = tmp_path / "latin1.tsv"
    path.write_bytes(b"subject_id\tobject_id\nhttp://a#\xe9\thttp://b#1\n")
    with pytest.raises(ParseError, match="UTF-8") as caught:
        read_alignment(path)
    assert caught.value.line == 2


HEAD = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns="http://knowledgeweb.semanticweb.org/heterogeneity/alignment" '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<Alignment>\n'
)
BAD_RDF = {
    "unclosed": (HEAD + "<map><Cell>\n<entity1 rdf:resource='http://a#1'>\n</Cell></map>\n</Alignment></rdf:RDF>\n", ParseError, 6, "malformed XML"),
    "no entity2": (HEAD + "<map>\n<Cell>\n<entity1 rdf:resource='http://a#1'/>\n</Cell></map></Alignment></rdf:RDF>\n", ParseError, 5, "no <entity2>"),
    "measure": (HEAD + "<map><Cell><entity1 rdf:resource='http://a#1'/><entity2 rdf:resource='http://b#1'/>\n<measure>lots</measure></Cell></map></Alignment></rdf:RDF>\n", ParseError, 5, "measure 'lots'"),
    "not alignment": ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', ParseError, 2, "no <Alignment>"),
    "xxe": ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n' + HEAD.split("\n", 1)[1] + "<map><Cell><entity1 rdf:resource='http://a#1'/><entity2 rdf:resource='http://b#1'/><relation>&xxe;</relation></Cell></map></Alignment></rdf:RDF>\n", UnsafeInputError, 2, "external"),
    "bomb": ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n' + HEAD.split("\n", 1)[1] + "<map><Cell><entity1 rdf:resource='http://a#1'/><entity2 rdf:resource='http://b#1'/><relation>&lol3;</relation></Cell></map></Alignment></rdf:RDF>\n", UnsafeInputError, 2, "billion laughs"),
    "external dtd": ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/evil.dtd">\n' + HEAD.split("\n", 1)[1] + "</Alignment></rdf:RDF>\n", UnsafeInputError, 2, "external DTD"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_RDF))
def test_malformed_or_unsafe_rdf_is_refused_with_file_and_line(case: str, tmp_path: Path) -> None:
    content, error, line, message = BAD_RDF[case]
    path = tmp_path / "bad.rdf"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error) as caught:
        read_alignment(path)
    assert caught.value.source == str(path)
    assert caught.value.line == line
    assert message in str(caught.value)


def test_adapters_share_the_one_xml_safety_rule() -> None:
    from adapters.safety import check_xml_safety as adapters_check
    from translator.xmlsafety import check_xml_safety

    assert adapters_check is check_xml_safety


# --------------------------------------------------------------------------------- any text survives

# any id but a CURIE of a prefix the written file declares (skos:x), which reading expands, as SSSOM says
_ID = st.text(
    st.characters(exclude_categories=("Cs", "Zs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda text: text.split(":", 1)[0] not in KNOWN_PREFIXES or ":" not in text)
_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)  # any text but lone surrogates
_CORRESPONDENCE = st.builds(
    Correspondence,
    subject_id=_ID,
    object_id=_ID,
    predicate=st.sampled_from(
        [EXACT_MATCH, "skos:broadMatch", "skos:narrowMatch", "tolka:disjoint", "skos:closeMatch"]
    ),
    confidence=st.floats(0.0, 1.0),
    status=st.sampled_from(list(Status)),
    subject_label=_TEXT,
    object_label=_TEXT,
    subject_kind=st.sampled_from(["", "class", "variable", "object_type"]),
    comment=_TEXT,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_CORRESPONDENCE, max_size=6))
def test_any_correspondences_survive_sssom(correspondences: list[Correspondence]) -> None:
    alignment = Alignment("urn:a", "urn:b", correspondences)
    back = parse_sssom(format_sssom(alignment), "prop.tsv").correspondences
    assert back == [negated(c) for c in correspondences]


@settings(max_examples=150, deadline=None)
@given(st.lists(_CORRESPONDENCE, max_size=6))
def test_any_xml_text_survives_rdf(correspondences: list[Correspondence]) -> None:
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # what XML 1.0 cannot carry
    assume(
        not any(
            illegal.search(f)
            for c in correspondences
            for f in (c.subject_id, c.object_id, c.subject_label, c.object_label, c.comment)
        )
    )
    alignment = Alignment("urn:a", "urn:b", correspondences)
    back = parse_alignment_rdf(format_alignment_rdf(alignment, rejected="keep"), "prop.rdf")
    assert back.correspondences == correspondences
