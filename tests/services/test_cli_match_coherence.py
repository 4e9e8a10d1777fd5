"""``tolka match`` says on standard error what its repair removed, and with --verbose why; the
alignment it writes is the repaired one, in the same format."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.translator.test_coherence import turtle_file
from translator.alignment.formats import read_alignment

TOLKA = str(Path(sys.executable).with_name("tolka"))

PEOPLE = """\
:Person a owl:Class .
:Chair a owl:Class ; rdfs:subClassOf :Person .
:Reviewer a owl:Class ; rdfs:subClassOf :Person .
"""
FURNITURE = """\
:Person a owl:Class .
:Furniture a owl:Class ; owl:disjointWith :Person .
:Chair a owl:Class ; rdfs:subClassOf :Furniture .
:Reviewer a owl:Class ; rdfs:subClassOf :Person .
"""


def test_match_reports_removed_correspondences(tmp_path: Path) -> None:
    a, b = turtle_file(tmp_path, "a", PEOPLE), turtle_file(tmp_path, "b", FURNITURE)
    out = tmp_path / "a-b.sssom.tsv"
    args = [TOLKA, "match", str(a), str(b), "--method", "structural", "--out", str(out)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (
        "coherence: removed 1 correspondence in conflict with others (1 disjoint); --verbose lists"
        in done.stderr
    )
    pairs = {c.pair for c in read_alignment(out)}
    assert ("http://a#Reviewer", "http://b#Reviewer") in pairs
    assert len(pairs & {("http://a#Chair", "http://b#Chair"), ("http://a#Person", "http://b#Person")}) == 1
    verbose = subprocess.run([*args, "--verbose"], capture_output=True, text=True, timeout=300)
    assert verbose.returncode == 0, verbose.stderr
    assert (
        "because Chair and Person are disjoint (Furniture disjointWith Person) and Chair ⊑ Person"
        in verbose.stderr
    )
    quiet = subprocess.run([*args[:-4], "--method", "lexical"], capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0, quiet.stderr
    assert "coherence" not in quiet.stderr  # lexical matches names only: nothing is repaired
