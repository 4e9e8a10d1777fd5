"""Memory of this process from Linux ``/proc``: resident size now, and the peak since a reset.

``VmHWM`` sees every allocation, including those of C and C++ code (torch, NumPy, SciPy, rapidfuzz)
that ``tracemalloc`` misses. Writing ``5`` to ``/proc/self/clear_refs`` resets it; where that is not
allowed, the peak stays the process's earlier one, so a growth measured from it is an overestimate,
never less.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

__all__ = ["peak_rss", "reset_peak_rss"]


def _status_kib(field_name: str) -> int:
    text = Path("/proc/self/status").read_text(encoding="ascii")
    found = re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


def reset_peak_rss() -> int:
    """Reset the peak resident set size and return the current resident size in bytes."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    return _status_kib("VmRSS") * 1024


def peak_rss() -> int:
    """The peak resident set size of this process in bytes (``VmHWM``)."""
    return _status_kib("VmHWM") * 1024
