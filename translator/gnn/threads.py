"""Running the GNN on one CPU thread.

The matcher's tensors are small (hundreds to a few thousand rows), so torch's intra-op threads buy
nothing and, on a busy machine, make every small step wait for a second thread: measured on 2 cores
under load, one thread was never slower and up to 100× steadier (benchmarks/gnn_scale.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["one_thread"]


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block (or, as ``@one_thread()``, the function) with one torch intra-op thread,
    restoring the setting afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
