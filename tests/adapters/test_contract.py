"""The contract every registered adapter keeps: a valid graph, deterministic ids, PyG shape, JSON round trip."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph

from adapters import FORMATS, LoadOptions, detect_format, load_paths
from tests.paths import PLANT, TEST_DATA, VENDOR_A
from translator.gnn.data import RELATION_VOCABULARY, graph_input
from translator.gnn.features import HashedNgramEncoder
from translator.graph.file import load_graph, save_graph
from translator.graph.model import NodeKind


def _rdf_as(fmt: str, suffix: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        out = tmp / f"plant{suffix}"
        Graph().parse(PLANT, format="turtle").serialize(out, format=fmt)
        return out

    return make


def _saved_graph(tmp: Path) -> Path:
    out = tmp / "vendor_a.graph.json"
    save_graph(load_paths([VENDOR_A]), out)
    return out


SAMPLES: dict[str, Callable[[Path], Path]] = {
    "nodeset": lambda tmp: VENDOR_A,
    "rdfxml": lambda tmp: TEST_DATA / "skid.rdf",
    "turtle": lambda tmp: PLANT,
    "ntriples": _rdf_as("nt", ".nt"),
    "n3": _rdf_as("n3", ".n3"),
    "jsonld": _rdf_as("json-ld", ".jsonld"),
    "jsonschema": lambda tmp: TEST_DATA / "pump.schema.json",
    "samples": lambda tmp: TEST_DATA / "messages.jsonl",
    "graph": _saved_graph,
}


def test_every_registered_format_has_a_sample() -> None:
    assert set(SAMPLES) == set(FORMATS)


@pytest.fixture(params=sorted(FORMATS))
def sample(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    name: str = request.param
    return name, SAMPLES[name](tmp_path)


def test_detects_its_own_format(sample: tuple[str, Path]) -> None:
    name, path = sample
    assert detect_format(path) == name


def test_valid_graph(sample: tuple[str, Path]) -> None:
    name, path = sample
    graph = load_paths([path])
    own = list(graph.own_nodes())
    assert own, "an adapter must produce own (matchable) nodes"
    for node in graph.nodes():
        assert node.id
        assert isinstance(node.kind, NodeKind)
        assert node.name, f"{node.id} has no name"
    for edge in graph.edges():
        assert edge.source in graph
        assert edge.target in graph
        assert edge.relation
    # a reloaded graph keeps the sources it was first loaded from
    assert graph.sources == ([str(VENDOR_A)] if name == "graph" else [str(path)])


def test_ids_are_deterministic(sample: tuple[str, Path]) -> None:
    _, path = sample
    assert load_paths([path]) == load_paths([path])


def test_gnn_input_shape(sample: tuple[str, Path]) -> None:
    """Every format's graph converts to the GNN's input: the own nodes and their direct context as
    rows in sorted id order, each edge among them twice (with its inverse), types in range."""
    _, path = sample
    graph = load_paths([path])
    data = graph_input(graph, HashedNgramEncoder(dim=16))
    rows = set(data.ids)
    assert data.ids == sorted(rows)
    assert {n.id for n in graph.own_nodes()} <= rows
    assert int(data.own.sum()) == sum(1 for _ in graph.own_nodes())
    inside = sum(1 for e in graph.edges() if e.source in rows and e.target in rows)
    assert tuple(data.edge_index.shape) == (2, 2 * inside)
    assert tuple(data.x.shape) == (len(rows), data.x.shape[1])
    if inside:
        assert int(data.edge_index.max()) < len(rows)
        assert int(data.edge_type.max()) < 2 * len(RELATION_VOCABULARY)


def test_json_round_trip(sample: tuple[str, Path], tmp_path: Path) -> None:
    _, path = sample
    graph = load_paths([path])
    out = tmp_path / "round.json"
    save_graph(graph, out)
    assert load_graph(out) == graph
    assert json.loads(out.read_text())["format"] == "tolka-schema-graph"


def test_rdf_syntaxes_give_the_same_graph(tmp_path: Path) -> None:
    turtle = load_paths([PLANT])
    for name in ("ntriples", "n3", "jsonld"):
        other = load_paths([SAMPLES[name](tmp_path)])
        assert {n.id: n.replace(source="") for n in other.nodes()} == {
            n.id: n.replace(source="") for n in turtle.nodes()
        }
        assert set(other.edges()) == set(turtle.edges())


def test_adapters_do_not_import_torch() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from adapters import load; "
        f"load({str(VENDOR_A)!r}); load({str(PLANT)!r}); load({str(TEST_DATA / 'messages.jsonl')!r}); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_load_options_are_frozen() -> None:
    options = LoadOptions()
    with pytest.raises(AttributeError):
        options.language = "de"  # type: ignore[misc]
