"""Saving and loading a trained encoder: weights only, with the settings needed to rebuild it.

A model file is a ``torch.save`` of ``{"format", "version", "config", "state_dict", "training"}``
holding only tensors, numbers and strings, and is read back with ``torch.load(weights_only=True)``
— no pickled code runs when a model is loaded.
"""

from __future__ import annotations

import functools
import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from translator.errors import InputError
from translator.files import write_atomic
from translator.gnn.calibration import Calibration
from translator.gnn.consensus import Consensus
from translator.gnn.encoder import RelationalEncoder
from translator.gnn.features import HashedNgramEncoder, SentenceEncoder, TextEncoder

__all__ = ["FORMAT", "ModelConfig", "TrainedModel", "load_weights", "save_weights", "text_encoder"]

FORMAT = "tolka-gnn-matcher"
VERSION = 3


@dataclass(frozen=True)
class ModelConfig:
    """What rebuilds the model: the text encoder (``hashed`` n-grams of ``text_dim``, or ``sentence``
    for all-MiniLM-L6-v2), the encoder's shape, the consensus step's (``consensus_steps`` 0 = none)
    and the temperature that turns cosines into logits."""

    text_dim: int = 64
    text_encoder: str = "hashed"
    in_dim: int = 0
    hidden: int = 96
    layers: int = 2
    bases: int = 4
    consensus_dim: int = 32
    consensus_steps: int = 3
    temperature: float = 0.05

    def build(self) -> tuple[RelationalEncoder, Consensus | None]:
        """Fresh (untrained) networks of this shape; ``in_dim`` must be set."""
        encoder = RelationalEncoder(self.in_dim, hidden=self.hidden, layers=self.layers, bases=self.bases)
        consensus = (
            Consensus(self.consensus_dim, steps=self.consensus_steps) if self.consensus_steps else None
        )
        return encoder, consensus


@dataclass
class TrainedModel:
    """An encoder (and consensus step) with its text encoder and the record of how it was trained."""

    config: ModelConfig
    encoder: RelationalEncoder
    consensus: Consensus | None = None
    training: dict[str, Any] = field(default_factory=dict)
    calibration: Calibration | None = None

    def state_dict(self) -> dict[str, torch.Tensor]:
        """All weights: the encoder's, the consensus step's under ``consensus.`` and the
        calibration's under ``calibration.``."""
        weights = dict(self.encoder.state_dict())
        for prefix, part in (("consensus.", self.consensus), ("calibration.", self.calibration)):
            if part is not None:
                weights.update({prefix + k: v for k, v in part.state_dict().items()})
        return weights

    @property
    def text_encoder(self) -> TextEncoder:
        """The text encoder the model was trained with."""
        return text_encoder(self.config)


def text_encoder(config: ModelConfig) -> TextEncoder:
    """The text encoder a configuration names (one per process and setting, so its caches and the
    loaded sentence model are reused); unknown names are an error listing the known ones."""
    if config.text_encoder not in ("hashed", "sentence"):
        raise InputError(f"unknown text encoder {config.text_encoder!r}; known: hashed, sentence")
    return _text_encoder(config.text_encoder, config.text_dim)


@functools.cache
def _text_encoder(name: str, dim: int) -> TextEncoder:
    return HashedNgramEncoder(dim=dim) if name == "hashed" else SentenceEncoder()


def save_weights(model: TrainedModel, path: Path) -> None:
    """Write a model file atomically."""
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": asdict(model.config),
        "state_dict": model.state_dict(),
        "training": model.training,
    }
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    write_atomic(path, buffer.getvalue())


def load_weights(path: Path) -> TrainedModel:
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
    try:
        config = ModelConfig(**payload["config"])
        encoder, consensus = config.build()
        weights: dict[str, torch.Tensor] = payload["state_dict"]
        calibration = Calibration() if any(k.startswith("calibration.") for k in weights) else None
        parts = {"consensus.": consensus, "calibration.": calibration}
        encoder.load_state_dict({k: v for k, v in weights.items() if not k.startswith(tuple(parts))})
        for prefix, part in parts.items():
            if part is not None:
                part.load_state_dict(
                    {k[len(prefix) :]: v for k, v in weights.items() if k.startswith(prefix)}
                )
                part.eval()
    except (KeyError, TypeError, RuntimeError) as exc:
        raise InputError(f"damaged Tolka model file ({exc})", source=str(path)) from None
    encoder.eval()
    return TrainedModel(config, encoder, consensus, dict(payload.get("training", {})), calibration)
