"""``tolka match`` end to end: SSSOM and RDF output, ranking, seeds, and clear refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.paths import PLANT, VENDOR_A, VENDOR_B, shared
from translator.alignment.formats import read_alignment, write_alignment
from translator.alignment.model import Status

TOLKA = str(Path(sys.executable).with_name("tolka"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TOLKA, *args], capture_output=True, text=True, timeout=300)


def test_match_writes_sssom_and_evaluates_against_the_reference(tmp_path: Path) -> None:
    onto = shared("oaei-conference", "ontologies")
    reference = shared("oaei-conference", "alignments", "cmt-confOf.rdf")
    out = tmp_path / "cmt-confOf.sssom.tsv"
    done = run("match", str(onto / "cmt.owl"), str(onto / "confOf.owl"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    alignment = read_alignment(out)
    assert len(alignment) >= 8
    assert all(
        c.subject_id.startswith("http://cmt#") and c.object_id.startswith("http://confOf#") for c in alignment
    )
    assert all(0.0 <= c.confidence <= 1.0 and c.subject_kind for c in alignment)
    scores = json.loads(run("evaluate", str(out), str(reference), "--json").stdout)
    assert scores["f1"] >= 0.4


def test_rdf_output_and_top_k(tmp_path: Path) -> None:
    out = tmp_path / "a-b.rdf"
    done = run("match", str(VENDOR_A), str(VENDOR_B), "--method", "lexical", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    ranked = tmp_path / "ranked.tsv"
    done = run("match", str(VENDOR_A), str(VENDOR_B), "--top-k", "3", "--out", str(ranked))
    assert done.returncode == 0, done.stderr
    groups = read_alignment(ranked).by_subject()
    assert groups
    assert max(len(g) for g in groups.values()) <= 3
    assert any(len(g) > 1 for g in groups.values())


def test_seeds_file_is_honoured(tmp_path: Path) -> None:
    first = tmp_path / "first.tsv"
    assert run("match", str(PLANT), str(PLANT), "--out", str(first)).returncode == 0
    seeds = read_alignment(first)
    seeds.correspondences = [c.replace(status=Status.ACCEPTED) for c in seeds.correspondences[:2]]
    seed_file = tmp_path / "seeds.tsv"
    write_alignment(seeds, seed_file)
    out = tmp_path / "seeded.tsv"
    assert run("match", str(PLANT), str(PLANT), "--seeds", str(seed_file), "--out", str(out)).returncode == 0
    statuses = {c.pair: c.status for c in read_alignment(out)}
    assert all(statuses[c.pair] is Status.ACCEPTED for c in seeds.correspondences)


def test_refusals_are_one_line(tmp_path: Path) -> None:
    gnn = run(
        "match", str(PLANT), str(PLANT), "--method", "gnn", "--model", str(tmp_path / "no.pt"),
        "--out", str(tmp_path / "x.tsv"),
    )  # fmt: skip
    assert gnn.returncode == 2
    assert "model file not found" in gnn.stderr
    assert "Traceback" not in gnn.stderr
    assert not (tmp_path / "x.tsv").exists()
    unknown = run("match", str(PLANT), str(PLANT), "--method", "magic", "--out", str(tmp_path / "y.tsv"))
    assert unknown.returncode == 2
    assert "lexical" in unknown.stderr
    missing = run("match", str(tmp_path / "nope.owl"), str(PLANT), "--out", str(tmp_path / "z.tsv"))
    assert missing.returncode == 2
    assert "file not found" in missing.stderr


def test_gnn_works_out_of_the_box_and_repeats_itself(tmp_path: Path) -> None:
    outs = [tmp_path / "one.tsv", tmp_path / "two.tsv"]
    for out in outs:
        done = run("match", str(VENDOR_A), str(VENDOR_B), "--method", "gnn", "--out", str(out))
        assert done.returncode == 0, done.stderr
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert len(read_alignment(outs[0])) > 10


def test_train_then_match_with_the_gnn(tmp_path: Path) -> None:
    model = tmp_path / "model.pt"
    trained = run(
        "train", "--corpus", str(VENDOR_A), "--corpus", str(PLANT), "--epochs", "2", "--out", str(model)
    )
    assert trained.returncode == 0, trained.stderr
    assert "epoch 2:" in trained.stderr
    assert "Hits@1" in trained.stderr
    assert model.exists()
    record = json.loads(model.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["epochs"] == 2
    assert len(record["history"]) == 2
    assert record["config"]["consensus_steps"] == 3
    out = tmp_path / "gnn.tsv"
    done = run(
        "match", str(VENDOR_A), str(VENDOR_B), "--method", "gnn", "--model", str(model), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    alignment = read_alignment(out)
    assert len(alignment) > 0
    learned = [c for c in alignment if c.justification == "semapv:SemanticSimilarityThresholdMatching"]
    assert learned
    # the rest are standard properties that follow their parent's pair (translator/matching/derived.py)
    derived = [c for c in alignment if c not in learned]
    assert all(c.justification == "semapv:StructuralMatching" for c in derived)
    assert {c.subject_label for c in derived} <= {
        "EngineeringUnits",
        "EURange",
        "InputArguments",
        "OutputArguments",
    }
    bad = tmp_path / "bad.pt"
    bad.write_text("nope")
    refused = run(
        "match", str(VENDOR_A), str(VENDOR_B), "--method", "gnn", "--model", str(bad), "--out", str(out)
    )
    assert refused.returncode == 2
    assert "not a Tolka model file" in refused.stderr


def _classes(path: Path, namespace: str, *names: str) -> Path:
    classes = "".join(f"<{namespace}#{name}> a owl:Class .\n" for name in names)
    path.write_text(f"@prefix owl: <http://www.w3.org/2002/07/owl#> .\n{classes}", encoding="utf-8")
    return path


def test_the_wordnet_folder_comes_from_tolka_wordnet_dir(tmp_path: Path) -> None:
    from tests.translator.test_wordnet import build

    source = _classes(tmp_path / "a.ttl", "http://a", "Chairman", "Paper")
    target = _classes(tmp_path / "b.ttl", "http://b", "Chair", "Paper")
    out = tmp_path / "a-b.tsv"
    env = {**os.environ, "TOLKA_WORDNET_DIR": str(build(tmp_path / "wordnet"))}
    args = [TOLKA, "match", str(source), str(target), "--method", "lexical", "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert {c.pair for c in read_alignment(out)} == {
        ("http://a#Chairman", "http://b#Chair"),
        ("http://a#Paper", "http://b#Paper"),
    }
    out.unlink()
    env["TOLKA_WORDNET_DIR"] = str(tmp_path / "nowhere")
    refused = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env)
    assert refused.returncode == 2
    assert "not a WordNet database" in refused.stderr
    assert "index.noun" in refused.stderr
    assert not out.exists()


def test_a_side_in_several_files_is_one_argument(tmp_path: Path) -> None:
    source = _classes(tmp_path / "a.ttl", "http://a", "Pump", "Valve", "Tank", "Heater")
    (tmp_path / "b").mkdir()
    _classes(tmp_path / "b" / "equipment.ttl", "http://b", "Pump", "Valve")
    _classes(tmp_path / "b" / "vessels.ttl", "http://b/vessels", "Tank", "Heater")
    expected = {
        ("http://a#Pump", "http://b#Pump"),
        ("http://a#Valve", "http://b#Valve"),
        ("http://a#Tank", "http://b/vessels#Tank"),
        ("http://a#Heater", "http://b/vessels#Heater"),
    }
    files = f"{tmp_path / 'b' / 'equipment.ttl'},{tmp_path / 'b' / 'vessels.ttl'}"
    for target in (files, str(tmp_path / "b" / "*.ttl")):  # a comma-separated list, a quoted glob
        out = tmp_path / "out.tsv"
        done = run("match", str(source), target, "--method", "lexical", "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert "between 4 and 4 own entities" in " ".join(done.stderr.split())
        assert {c.pair for c in read_alignment(out)} == expected
    missing = run("match", str(source), f"{files},{tmp_path / 'gone.ttl'}", "--out", str(tmp_path / "x.tsv"))
    assert missing.returncode == 2
    assert f"{tmp_path / 'gone.ttl'}: file not found" in missing.stderr
    nothing = run("match", str(source), str(tmp_path / "c" / "*.ttl"), "--out", str(tmp_path / "x.tsv"))
    assert nothing.returncode == 2
    assert f"{tmp_path / 'c' / '*.ttl'}: no file matches this pattern" in nothing.stderr
    assert not (tmp_path / "x.tsv").exists()


def test_ssn_against_sosa_ssn_in_seven_files(tmp_path: Path) -> None:
    pair = shared("pairs", "ssnx-ssn")
    models = pair / "models"
    target = f"{models / 'sosa-2024' / '*.ttl'},{models / 'ssn-2017-draft' / 'ssn.ttl'}"
    out = tmp_path / "ssnx-ssn.sssom.tsv"
    done = run("match", str(models / "ssnx-2011" / "ssn.owl"), target, "--out", str(out))
    assert done.returncode == 0, done.stderr
    namespaces = {c.object_id.rsplit("/", 1)[0] for c in read_alignment(out)}
    assert {"http://www.w3.org/ns/sosa", "http://www.w3.org/ns/ssn"} <= namespaces
    scores = json.loads(run("evaluate", str(out), str(pair / "reference.sssom.tsv"), "--json").stdout)
    assert scores["recall"] >= 0.8


_UNITS = """@prefix qudt: <http://qudt.org/schema/qudt/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix u: <{ns}> .
"""


def _individuals(path: Path, namespace: str, names: dict[str, str]) -> Path:
    rows = "".join(f'u:{name} a qudt:Unit ; rdfs:label "{label}"@en .\n' for name, label in names.items())
    path.write_text(_UNITS.format(ns=namespace) + rows, encoding="utf-8")
    return path


def test_models_of_individuals_match_and_an_empty_side_is_named(tmp_path: Path) -> None:
    source = _individuals(
        tmp_path / "a.ttl", "http://a#", {"DEG_C": "degree Celsius", "BAR": "bar", "M": "metre"}
    )
    target = _individuals(
        tmp_path / "b.ttl", "http://b#", {"Celsius": "degree Celsius", "Bar": "bar", "Metre": "metre"}
    )
    out = tmp_path / "units.tsv"
    for extra in ((), ("--individuals",), ("--method", "gnn")):
        done = run("match", str(source), str(target), *extra, "--out", str(out))
        assert done.returncode == 0, done.stderr
        alignment = read_alignment(out)
        assert {c.pair for c in alignment} == {
            ("http://a#DEG_C", "http://b#Celsius"),
            ("http://a#BAR", "http://b#Bar"),
            ("http://a#M", "http://b#Metre"),
        }
        assert {c.subject_kind for c in alignment} == {"individual"}
    empty = tmp_path / "empty.ttl"
    empty.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n<http://e.org/empty> a owl:Ontology .\n",
        encoding="utf-8",
    )
    refused = run("match", str(source), str(empty), "--out", str(tmp_path / "x.tsv"))
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    message = " ".join(refused.stderr.split())
    assert f"the target model ({empty}) has no entities of its own to match: loaded nothing" in message
    assert "--individuals" in message
    assert "--models-dir" in message
    assert not (tmp_path / "x.tsv").exists()


def test_a_model_whose_files_only_import_others_is_refused_by_side(tmp_path: Path) -> None:
    sosa = shared("ontologies", "sosa-ssn")
    refused = run("match", str(sosa / "sosa.ttl"), str(PLANT), "--out", str(tmp_path / "x.tsv"))
    assert refused.returncode == 2
    message = " ".join(refused.stderr.split())
    assert "the source model" in message
    assert "nodes, all context from imported or required models" in message


def _pairs_folder(tmp_path: Path, *names: str) -> Path:
    """A folder of pair manifests for OAEI conference pairs of the shared data."""
    onto, alignments = shared("oaei-conference", "ontologies"), shared("oaei-conference", "alignments")
    folder = tmp_path / "pairs"
    for name in names:
        a, b = name.split("-")
        (folder / name).mkdir(parents=True)
        manifest = {
            "source": [str(onto / f"{a}.owl")],
            "target": [str(onto / f"{b}.owl")],
            "reference": str(alignments / f"{name}.rdf"),
            "family": "conference",
        }
        (folder / name / "pair.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_train_a_decider_then_match_with_it(tmp_path: Path) -> None:
    folder = _pairs_folder(tmp_path, "cmt-ekaw", "conference-iasted", "cmt-sigkdd")
    decider = tmp_path / "decider.json"
    trained = run("train-decider", "--pairs", str(folder), "--out", str(decider))
    assert trained.returncode == 0, trained.stderr
    assert "3 labelled pairs in 2 groups" in trained.stderr  # the cmt pairs share a model
    record = json.loads(decider.read_text(encoding="utf-8"))
    assert record["format"] == "tolka-decider/1"
    assert record["training"]["pairs"] == ["cmt-ekaw", "cmt-sigkdd", "conference-iasted"]
    assert not [f for f in record["features"] if f.startswith("embedding")]  # --embeddings is off by default
    onto = shared("oaei-conference", "ontologies")
    out = tmp_path / "cmt-confOf.tsv"
    done = run(
        "match",
        str(onto / "cmt.owl"),
        str(onto / "confOf.owl"),
        "--method",
        "decider",
        "--decider",
        str(decider),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert f"decider, threshold {record['threshold']}" in done.stderr
    scores = json.loads(
        run(
            "evaluate", str(out), str(shared("oaei-conference", "alignments", "cmt-confOf.rdf")), "--json"
        ).stdout
    )
    assert scores["f1"] >= 0.4
    refused = run("train-decider", "--pairs", str(tmp_path / "nothing"), "--out", str(decider))
    assert refused.returncode == 2
    assert "no labelled pairs" in refused.stderr
    unknown = run("train-decider", "--pairs", str(folder), "--languages", "de,xx", "--out", str(decider))
    assert unknown.returncode == 2
    assert "--languages xx: no FreeDict dictionary" in unknown.stderr


def test_auto_is_the_shipped_decider(tmp_path: Path) -> None:
    out = tmp_path / "a-b.tsv"
    done = run("match", str(VENDOR_A), str(VENDOR_B), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "(decider, threshold" in done.stderr
    assert len(read_alignment(out)) > 10


def _labelled(path: Path, namespace: str, lang: str, labels: dict[str, str]) -> Path:
    classes = "".join(
        f'<{namespace}#{key}> a owl:Class ; rdfs:label "{text}"@{lang} .\n' for key, text in labels.items()
    )
    prefixes = (
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    path.write_text(prefixes + classes, encoding="utf-8")
    return path


def test_german_labels_match_english_ones_through_the_dictionary(tmp_path: Path) -> None:
    german = _labelled(
        tmp_path / "de.ttl",
        "http://de",
        "de",
        {"c1": "Entscheidung", "c2": "Vorsitzender", "c3": "Zurückweisung", "c4": "Konferenzbeitrag"},
    )
    english = _labelled(
        tmp_path / "en.ttl",
        "http://en",
        "en",
        {"k1": "decision", "k2": "chairman", "k3": "rejection", "k4": "conference contribution"},
    )
    out = tmp_path / "de-en.tsv"
    done = run("match", str(german), str(english), "--method", "structural", "--out", str(out))
    assert done.returncode == 0, done.stderr
    found = {(c.subject_id, c.object_id) for c in read_alignment(out)}
    assert found == {
        ("http://de#c1", "http://en#k1"),
        ("http://de#c2", "http://en#k2"),
        ("http://de#c3", "http://en#k3"),
        ("http://de#c4", "http://en#k4"),
    }
