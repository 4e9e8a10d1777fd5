"""The learned matcher's encoder and training: shapes, gradients, and learning above chance."""

from __future__ import annotations

import random

import pytest
import torch

from adapters import load_paths
from tests.paths import VENDOR_A
from translator.gnn.augment.pairs import MODERATE, make_pair
from translator.gnn.data import RELATION_VOCABULARY, graph_input
from translator.gnn.encoder import RelationalEncoder
from translator.gnn.features import HashedNgramEncoder
from translator.gnn.training import encode_pair, pair_loss, rank_metrics, train_epoch
from translator.graph.model import Node, NodeKind, SchemaGraph


def _tiny() -> SchemaGraph:
    graph = SchemaGraph("tiny")
    for name, kind in (
        ("Pump", NodeKind.OBJECT),
        ("Speed", NodeKind.VARIABLE),
        ("Current", NodeKind.VARIABLE),
    ):
        graph.add_node(Node(f"t#{name}", kind, name, label=name, path=f"/Pump/{name}"))
    graph.add_edges([("t#Pump", "t#Speed", "HasComponent"), ("t#Pump", "t#Current", "HasComponent")])
    return graph


def test_shapes_and_inverse_edges() -> None:
    encoder = HashedNgramEncoder(dim=32)
    data = graph_input(_tiny(), encoder)
    assert data.ids == ["t#Current", "t#Pump", "t#Speed"]
    assert data.edge_index.shape == (2, 4)  # two edges and their inverses
    assert int(data.edge_type.max()) < 2 * len(RELATION_VOCABULARY)
    model = RelationalEncoder(data.x.shape[1], hidden=16)
    out = model(data)
    assert out.shape == (3, 16)
    assert torch.allclose(out.norm(dim=1), torch.ones(3), atol=1e-5)


def test_gradients_reach_every_parameter() -> None:
    torch.manual_seed(0)
    pair = make_pair(_tiny(), random.Random(0), MODERATE)
    data = encode_pair(pair, HashedNgramEncoder(dim=32))
    model = RelationalEncoder(data.source.x.shape[1], hidden=16)
    pair_loss(model, data).backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None, name


def test_learns_to_match_a_real_nodeset_against_transformed_copies() -> None:
    torch.manual_seed(0)
    rng = random.Random(0)
    graph = load_paths([VENDOR_A])
    encoder = HashedNgramEncoder(dim=64)
    train = [encode_pair(make_pair(graph, random.Random(seed)), encoder) for seed in range(4)]
    held_out = encode_pair(make_pair(graph, random.Random(1000)), encoder)
    model = RelationalEncoder(train[0].source.x.shape[1], hidden=64)
    before = rank_metrics(model, held_out)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    losses = [train_epoch(model, train, optimizer, rng) for _ in range(15)]
    after = rank_metrics(model, held_out)
    chance = 1.0 / int(held_out.target_own.numel())
    assert losses[-1] < losses[0]
    assert after["hits_at_1"] > 10 * chance
    assert after["hits_at_1"] > before["hits_at_1"]
    assert after["mrr"] > 0.3


def test_top_k_keeps_n_times_k_best_first() -> None:
    from translator.gnn.scoring import top_k_candidates

    source = torch.nn.functional.normalize(torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), dim=1)
    target = torch.nn.functional.normalize(
        torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-1.0, 0.0]]), dim=1
    )
    cands = top_k_candidates(source, target, k=2, chunk=2)  # two chunks
    assert cands.columns.shape == (3, 2)
    assert cands.columns[:, 0].tolist() == [0, 0, 2]
    assert bool((cands.scores[:, 0] >= cands.scores[:, 1]).all())


def test_relative_consensus_gives_each_node_a_favourite() -> None:
    from translator.gnn.consensus import Consensus
    from translator.gnn.scoring import relative_consensus

    torch.manual_seed(0)
    data = graph_input(_tiny(), HashedNgramEncoder(dim=16))
    rows = torch.tensor([0, 0, 1, 1, 2])
    cols = torch.tensor([0, 1, 1, 2, 2])
    cosine = torch.tensor([0.9, 0.2, 0.5, 0.4, 0.7])
    assert torch.equal(relative_consensus(None, data, data, rows, cols, cosine, 0.05), torch.ones(5))
    with torch.no_grad():
        relative = relative_consensus(Consensus(dim=8, steps=1), data, data, rows, cols, cosine, 0.05)
    for row in (0, 1, 2):
        assert float(relative[rows == row].max()) == pytest.approx(1.0)
    assert bool((relative > 0).all())


def test_train_save_load_gives_the_same_embeddings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from translator.gnn.model_io import ModelConfig, load_weights, save_weights
    from translator.gnn.training_run import train_model

    graph = load_paths([VENDOR_A])
    history: list[float] = []
    model = train_model(
        [graph],
        config=ModelConfig(text_dim=32, hidden=32),
        epochs=2,
        pairs_per_graph=1,
        seed=3,
        progress=lambda epoch, loss, figures: history.append(loss),
    )
    assert len(history) == 2
    assert model.training["history"][-1]["hits_at_1"] > 0.5
    path = tmp_path / "m.pt"
    save_weights(model, path)
    again = load_weights(path)
    data = graph_input(graph, again.text_encoder)
    assert torch.equal(model.encoder(data), again.encoder(data))
    assert again.training["seed"] == 3


def test_load_weights_refuses_other_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from translator.errors import InputError
    from translator.gnn.model_io import load_weights

    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a model")
    with pytest.raises(InputError, match="not a Tolka model file"):
        load_weights(bad)
    torch.save({"format": "something"}, tmp_path / "other.pt")
    with pytest.raises(InputError, match="expected format"):
        load_weights(tmp_path / "other.pt")


def test_text_encoder_is_named_in_the_config() -> None:
    import pytest

    from translator.errors import InputError
    from translator.gnn.features import HashedNgramEncoder
    from translator.gnn.model_io import ModelConfig, text_encoder

    assert isinstance(text_encoder(ModelConfig(text_dim=16)), HashedNgramEncoder)
    with pytest.raises(InputError, match="known: hashed, sentence"):
        text_encoder(ModelConfig(text_encoder="word2vec"))


def test_consensus_refines_candidates_and_learns() -> None:
    from translator.gnn.consensus import Consensus

    torch.manual_seed(0)
    pair = make_pair(_tiny(), random.Random(0), MODERATE)
    data = encode_pair(pair, HashedNgramEncoder(dim=32))
    model = RelationalEncoder(data.source.x.shape[1], hidden=16)
    consensus = Consensus(dim=8, steps=2)
    rows = data.source_rows.repeat_interleave(2)
    cols = data.target_own[:2].repeat(int(data.source_rows.numel()))
    logits = torch.zeros(rows.shape[0])
    generator = torch.Generator().manual_seed(0)
    refined = consensus(data.source, data.target, rows, cols, logits, generator=generator)
    assert refined.shape == logits.shape
    again = consensus(
        data.source, data.target, rows, cols, logits, generator=torch.Generator().manual_seed(0)
    )
    assert torch.equal(refined, again)  # seeded colours: deterministic
    pair_loss(model, data, consensus=consensus, k=2).backward()
    for name, parameter in [*model.named_parameters(), *consensus.named_parameters()]:
        assert parameter.grad is not None, name


def test_consensus_model_round_trips_and_ranks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from translator.gnn.model_io import ModelConfig, load_weights, save_weights
    from translator.gnn.training_run import train_model

    graph = load_paths([VENDOR_A])
    model = train_model(
        [graph], config=ModelConfig(text_dim=32, hidden=32, consensus_steps=2), epochs=3, seed=1
    )
    assert model.consensus is not None
    assert model.training["history"][-1]["hits_at_1"] > 0.5
    save_weights(model, tmp_path / "m.pt")
    again = load_weights(tmp_path / "m.pt")
    assert again.consensus is not None
    held_out = encode_pair(make_pair(graph, random.Random(99)), again.text_encoder)
    first = rank_metrics(model.encoder, held_out, consensus=model.consensus)
    assert rank_metrics(again.encoder, held_out, consensus=again.consensus) == first


def test_gnn_similarity_with_a_side_of_no_own_nodes_is_empty_not_a_crash() -> None:
    from scipy import sparse

    from translator.gnn.match import gnn_similarity
    from translator.gnn.model_io import load_weights
    from translator.matching.matcher import default_model_path

    if not default_model_path().is_file():
        pytest.skip("no shipped model (make model)")
    model = load_weights(default_model_path())
    tiny = _tiny()
    ids = sorted(n.id for n in tiny.own_nodes())
    context = SchemaGraph("context")
    context.add_node(Node("c#Pump", NodeKind.OBJECT_TYPE, "Pump", own=False))
    for other in (SchemaGraph("empty"), context):
        for a, b, left, right in ((tiny, other, ids, []), (other, tiny, [], ids)):
            scores = gnn_similarity(a, b, model, left, right, sparse.csr_matrix((len(left), len(right))))
            assert scores.similarity.shape == (len(left), len(right))
            assert scores.similarity.nnz == 0
