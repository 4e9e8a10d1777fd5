"""Saving and loading a trained encoder: weights only, with the settings needed to rebuild it.

A model file is a ``torch.save`` of ``{"format", "version", "config", "state_dict", "training"}``
holding only tensors, numbers and strings, and is read back with ``torch.load(weights_only=True)``
— no pickled code runs when a model is loaded.
"""

from __future__ import annotations

import functools
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from translator.errors import InputError
from translator.features import HashedNgramEncoder, SentenceEncoder, TextEncoder
from translator.gnn.encoder import RelationalEncoder

__all__ = ["FORMAT", "ModelConfig", "TrainedModel", "load_model", "save_model", "text_encoder"]

FORMAT = "tolka-gnn-matcher"
VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    """What rebuilds the model: the text encoder (``hashed`` n-grams of ``text_dim``, or ``sentence``
    for all-MiniLM-L6-v2) and the encoder's shape."""

    text_dim: int = 64
    text_encoder: str = "hashed"
    in_dim: int = 0
    hidden: int = 96
    layers: int = 2
    bases: int = 4


@dataclass
class TrainedModel:
    """An encoder with its text encoder and the record of how it was trained."""

    config: ModelConfig
    encoder: RelationalEncoder
    training: dict[str, Any] = field(default_factory=dict)

    @property
    def text_encoder(self) -> TextEncoder:
        """The text encoder the model was trained with."""
        return text_encoder(self.config)


def text_encoder(config: ModelConfig) -> TextEncoder:
    """The text encoder a configuration names; unknown names are an error listing the known ones."""
    if config.text_encoder == "hashed":
        return HashedNgramEncoder(dim=config.text_dim)
    if config.text_encoder == "sentence":
        return _sentence_encoder()
    raise InputError(f"unknown text encoder {config.text_encoder!r}; known: hashed, sentence")


@functools.cache
def _sentence_encoder() -> SentenceEncoder:
    return SentenceEncoder()  # one loaded model per process


def save_model(model: TrainedModel, path: Path) -> None:
    """Write a model file atomically."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": asdict(model.config),
        "state_dict": model.encoder.state_dict(),
        "training": model.training,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        torch.save(payload, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_model(path: Path) -> TrainedModel:
    """Read a model file safely (``weights_only=True``); a wrong file is an InputError naming it."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError("model file not found", source=str(path)) from None
    except Exception as exc:  # torch raises many types for a file that is not a model
        raise InputError(f"not a Tolka model file ({type(exc).__name__})", source=str(path)) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or payload.get("version") != VERSION:
        raise InputError(
            f"not a Tolka model file (expected format {FORMAT} version {VERSION})", source=str(path)
        )
    config = ModelConfig(**payload["config"])
    encoder = RelationalEncoder(config.in_dim, hidden=config.hidden, layers=config.layers, bases=config.bases)
    encoder.load_state_dict(payload["state_dict"])
    encoder.eval()
    return TrainedModel(config, encoder, dict(payload.get("training", {})))
