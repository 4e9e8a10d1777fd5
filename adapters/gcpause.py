"""Pausing Python's cyclic garbage collector while a model is built.

Loading a model allocates hundreds of thousands of small, long-lived objects (node records,
references, edges). Each allocation burst makes the collector scan every live object again,
although none of them is garbage: about a fifth of a NodeSet2 load was spent that way. Pausing
the collector for the duration of a load (and restoring its previous state afterwards) removes
that waste; reference counting still frees everything that becomes unreachable.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block; restore its state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
