"""Validation of the learned matcher: unseen models, the best epoch kept, calibration measured apart."""

from __future__ import annotations

import pytest
import torch

from adapters import load_paths
from tests.paths import PLANT, VENDOR_A, VENDOR_B
from translator.gnn.calibration import expected_calibration_error
from translator.gnn.model_io import ModelConfig
from translator.gnn.split import group_graphs, model_stem, split_graphs
from translator.graph.model import Node, NodeKind, SchemaGraph


def _model(name: str, *ids: str) -> SchemaGraph:
    graph = SchemaGraph(name)
    for node_id in ids or (f"{name}#a",):
        graph.add_node(Node(node_id, NodeKind.CLASS, node_id.rpartition("#")[2]))
    return graph


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        (
            "http://opcfoundation.org/UA/PlasticsRubber/Extrusion_v2/Extruder/",
            "opcfoundation.org/plasticsrubber",
        ),
        ("http://opcfoundation.org/UA/PlasticsRubber/GeneralTypes/", "opcfoundation.org/plasticsrubber"),
        ("http://admin-shell.io/aas/2/0/", "admin-shell.io/aas"),
        ("https://admin-shell.io/aas/3/0/", "admin-shell.io/aas"),
        ("http://opcfoundation.org/UA/Machinery_Example/", "opcfoundation.org/machinery"),
        ("http://opcfoundation.org/UA/Machinery/Jobs/", "opcfoundation.org/machinery"),
        ("http://opcfoundation.org/UA/MTConnect/v2/", "opcfoundation.org/mtconnect"),
        ("http://www.OPCFoundation.org/UA/2013/01/ISA95", "opcfoundation.org/isa95"),
        ("http://www.w3.org/ns/sosa/act/", "w3.org/sosa"),
        ("http://cmt", "cmt"),
        ("http://opcfoundation.org/UA/", "opcfoundation.org"),
    ],
)
def test_model_stem_puts_versions_and_examples_together(name: str, stem: str) -> None:
    assert model_stem(SchemaGraph(name)) == stem


def test_groups_join_stems_and_shared_own_nodes() -> None:
    graphs = [
        _model("http://a.org/x/1.0/"),
        _model("http://b.org/y", "urn:shared#n", "urn:b#m"),
        _model("http://a.org/x/2.0/"),
        _model("http://c.org/z", "urn:shared#n"),  # another version keeping its node ids
        _model("http://d.org/w"),
    ]
    assert group_graphs(graphs) == [[0, 2], [1, 3], [4]]


def test_split_is_seeded_keeps_families_together_and_sets_one_aside_at_least() -> None:
    graphs = [_model(f"http://m{i}.org/model/v{v}/") for i in range(8) for v in (1, 2)]
    graphs += [_model(f"http://single{i}.org") for i in range(4)]
    split = split_graphs(graphs, share=0.2, seed=3)
    assert split == split_graphs(graphs, share=0.2, seed=3)
    assert split.validation
    assert sorted(split.training + split.validation) == list(range(len(graphs)))
    assert len(split.validation) <= round(0.2 * len(graphs))
    for group in group_graphs(graphs):  # a family falls on one side
        assert set(group) <= set(split.validation) or not set(group) & set(split.validation)
    assert {tuple(split_graphs(graphs, seed=s).validation) for s in range(6)} != {tuple(split.validation)}
    tiny = split_graphs(graphs[:3], share=0.1)
    assert len(tiny.validation) >= 1
    assert split_graphs([graphs[0], graphs[1]]).validation == []  # one family: nothing to set aside
    assert split_graphs(graphs, share=0.0).validation == []


def test_expected_calibration_error() -> None:
    labels = torch.tensor([True, False, True, False])
    assert expected_calibration_error(torch.tensor([1.0, 0.0, 1.0, 0.0]), labels) == pytest.approx(0.0)
    assert expected_calibration_error(torch.tensor([0.0, 1.0, 0.0, 1.0]), labels) == pytest.approx(1.0)
    assert expected_calibration_error(torch.full((4,), 0.5), labels) == pytest.approx(0.0)


@pytest.fixture(scope="module")
def corpus() -> list[SchemaGraph]:
    return [load_paths([VENDOR_A]), load_paths([PLANT]), load_paths([VENDOR_B])]


def test_train_validates_on_unseen_models_and_keeps_the_best_epoch(corpus: list[SchemaGraph]) -> None:
    from translator.gnn.training_run import train_model

    # a high learning rate, so that validation MRR peaks before the last epoch
    settings = {
        "config": ModelConfig(text_dim=32, hidden=32, consensus_steps=1),
        "seed": 0,
        "learning_rate": 0.03,
    }
    seen: list[dict[str, float]] = []
    model = train_model(
        [corpus[0]],
        validation=corpus[1:],
        epochs=4,
        progress=lambda epoch, loss, figures: seen.append(figures),
        **settings,  # type: ignore[arg-type]
    )
    record = model.training
    assert record["graphs"] == [corpus[0].name]
    assert record["validation"]["graphs"] == [g.sources[0] for g in corpus[1:]]
    history = record["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4]
    assert [h["mrr"] for h in history] == [f["mrr"] for f in seen]
    mrr = [h["mrr"] for h in history]
    assert record["best_epoch"] == 1 + mrr.index(max(mrr))
    assert record["best_epoch"] < 4  # (this seed and rate: not the last epoch)
    # the weights returned are those of the best epoch: training that many epochs gives them again
    again = train_model(
        [corpus[0]],
        validation=corpus[1:],
        epochs=record["best_epoch"],
        **settings,  # type: ignore[arg-type]
    )
    for (name, a), b in zip(
        model.encoder.state_dict().items(), again.encoder.state_dict().values(), strict=True
    ):
        assert torch.equal(a, b), name
    # calibration: fitted on one validation model's pairs, measured on the other's
    calibration = record["calibration"]
    assert corpus[1].sources[0] in calibration["fitted_on"]
    assert corpus[2].sources[0] not in calibration["fitted_on"]
    for part in ("measured", "in_sample"):
        figures = calibration[part]
        assert 0.0 <= figures["ece_10_bins"] <= 1.0
        assert 0.0 <= figures["precision_at_0_5"] <= 1.0
        assert figures["candidates"] > 0


def test_train_splits_the_corpus_itself(corpus: list[SchemaGraph]) -> None:
    from translator.gnn.training_run import train_model

    model = train_model(corpus, config=ModelConfig(text_dim=32, hidden=32, consensus_steps=0), epochs=1)
    record = model.training
    trained, validated = set(record["training_graphs"]), set(record["validation"]["graphs"])
    assert validated
    assert trained
    assert not trained & validated
    # VendorA and VendorB are one family (tolka.dev/demo): both on one side
    demo = {VENDOR_A.as_posix(), VENDOR_B.as_posix()}
    assert demo <= {str(p) for p in trained} or demo <= {str(p) for p in validated}
    assert "calibration" in record
    assert "pairs of the training graphs" not in record["validation"]["how"]
