"""Sentence embeddings of names: Tolka's MiniLM forward pass and the per-model cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from translator.graph.model import Node, NodeKind
from translator.matching.entities import EntityText, entity_texts
from translator.matching.text import embeddings
from translator.matching.text.minilm import MiniLM

TEXTS = ["paper", "article", "conference chair", "tank outlet temperature", "", "x" * 2000]


def test_the_forward_pass_gives_sentence_transformers_vectors() -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    from translator.matching.text.minilm import model_dir

    reference = sentence_transformers.SentenceTransformer(str(model_dir()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    ours = MiniLM.load().encode(TEXTS).numpy()
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(ours, expected, atol=2e-5)


def _entities(*names: str) -> list[EntityText]:
    return entity_texts(Node(f"urn:x#{n}", NodeKind.CLASS, n) for n in names)


def test_names_alike_in_meaning_score_higher_than_unrelated_ones() -> None:
    left, right = (
        _entities("Paper", "ProgramCommitteeChair"),
        _entities("Article", "ChairOfTheProgramCommittee"),
    )
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    paper_article, paper_chair, chair_article, chair_chair = embeddings.name_similarity(
        left, right, rows, cols
    )
    assert paper_article > paper_chair + 0.2
    assert chair_chair > chair_article + 0.2
    assert chair_chair > 0.8


def test_a_models_embeddings_are_kept_on_disk_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOLKA_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(embeddings, "_MEMORY", {})
    entities = _entities("InletPressure", "OutletPressure", "MotorSpeed")
    first = embeddings.name_vectors(entities)
    assert len(list(tmp_path.glob("minilm-*.npy"))) == 1

    def no_encoder() -> MiniLM:
        raise AssertionError("the encoder ran although the model's embeddings are cached")

    monkeypatch.setattr(embeddings, "_MEMORY", {})
    monkeypatch.setattr(MiniLM, "load", staticmethod(no_encoder))
    np.testing.assert_array_equal(embeddings.name_vectors(entities), first)


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TOLKA_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(embeddings, "_MEMORY", {})
    assert embeddings.name_vectors(_entities("Valve")).shape == (1, embeddings.VARIANTS, 384)
