"""The report's figures, drawn with matplotlib's Agg canvas and returned as PNG bytes.

Figures are built on :class:`matplotlib.figure.Figure` directly, never through ``pyplot``: no
global state, no GUI backend, safe to call from a server's worker threads. Text from the models
is drawn literally (a ``$`` in a label does not start mathtext).

Example:
    >>> histogram_png([0.9, 0.8, 0.75])[:8] == PNG_SIGNATURE
    True
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from services.report.data import Heatmap
from services.report.overlays import Overlay

__all__ = ["PER_FIGURE", "PNG_SIGNATURE", "heatmap_png", "histogram_png", "overlay_pngs"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PER_FIGURE = 9
"""Overlays in one PNG (a grid of three columns)."""
_COLUMNS = 3
_DPI = 96
_TITLE_WIDTH = 62
_TARGET, _SOURCE, _CHOSEN = "#4c72b0", "#dd8452", "#d62728"


def _plain(text: str) -> str:
    """``text`` drawn as is: matplotlib would read ``$...$`` as mathtext."""
    return text.replace("$", r"\$")


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def heatmap_png(heatmap: Heatmap) -> bytes:
    """Sources (rows) against targets (columns), coloured by score; the alignment's choices boxed."""
    rows, columns = heatmap.scores.shape
    figure = Figure(
        figsize=(min(3.5 + 0.2 * columns, 20.0), min(2.8 + 0.2 * rows, 14.0)), layout="constrained"
    )
    axes = figure.add_subplot()
    palette = mpl.colormaps["viridis"].with_extremes(bad="#f0f0f0")
    image = axes.imshow(
        np.ma.masked_invalid(heatmap.scores),
        cmap=palette,
        vmin=0.0,
        vmax=1.0,
        aspect="auto",
        interpolation="nearest",
    )
    axes.set_xticks(range(columns), [_plain(c.short) for c in heatmap.columns], rotation=90, fontsize=7)
    axes.set_yticks(range(rows), [_plain(r.short) for r in heatmap.rows], fontsize=7)
    for i, j in heatmap.chosen:
        axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=_CHOSEN, linewidth=1.6))
    axes.set_xlabel("target candidates")
    axes.set_ylabel("source")
    figure.colorbar(image, ax=axes, label="score", shrink=0.8, pad=0.01)
    return _png(figure)


def histogram_png(confidences: Sequence[float], candidate_scores: Sequence[float] | None = None) -> bytes:
    """The confidences of the correspondences; beside them, when given, the scores of all ranked
    candidates (how well the chosen ones stand out)."""
    panels = [("correspondences", confidences, _TARGET)]
    if candidate_scores:
        panels.append(("all ranked candidates", candidate_scores, "#8c8c8c"))
    figure = Figure(figsize=(4.2 * len(panels), 3.0), layout="constrained")
    bins = [k / 20 for k in range(21)]
    for k, (title, values, colour) in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), k + 1)
        axes.hist(np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0), bins=bins, color=colour)
        axes.set_title(f"{title} ({len(values)})", fontsize=10)
        axes.set_xlabel("confidence")
        axes.set_xlim(0.0, 1.0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if k == 0:
            axes.set_ylabel("count")
    return _png(figure)


def _draw(axes: Axes, overlay: Overlay) -> None:
    style = "steps-post" if overlay.steps else "default"
    axes.plot(
        overlay.target_times,
        overlay.target,
        drawstyle=style,
        color=_TARGET,
        linewidth=2.4,
        alpha=0.55,
        label="target",
    )
    axes.plot(
        overlay.source_times,
        overlay.converted,
        drawstyle=style,
        color=_SOURCE,
        linewidth=1.0,
        label="source, converted",
    )
    arrow = textwrap.shorten(f"{overlay.source.short} → {overlay.target_entity.short}", _TITLE_WIDTH)
    how = textwrap.wrap(overlay.how, _TITLE_WIDTH, max_lines=2, placeholder=" …")
    axes.set_title(_plain("\n".join([arrow, *how])), fontsize=8, loc="left")
    axes.tick_params(labelsize=7)
    if overlay.categories is not None:
        axes.set_yticks(range(len(overlay.categories)), [_plain(c) for c in overlay.categories])
    else:
        axes.ticklabel_format(axis="y", useOffset=False, style="plain")
        if overlay.target_entity.unit:
            axes.set_ylabel(_plain(overlay.target_entity.unit), fontsize=8)


def overlay_pngs(items: Sequence[Overlay], per_figure: int = PER_FIGURE) -> list[bytes]:
    """Small multiples of the overlays, ``per_figure`` to a PNG in a grid of three columns."""
    pngs = []
    for start in range(0, len(items), per_figure):
        chunk = items[start : start + per_figure]
        columns = min(_COLUMNS, len(chunk))
        rows = -(-len(chunk) // columns)
        figure = Figure(figsize=(4.3 * columns, 2.7 * rows), layout="constrained")
        for k, overlay in enumerate(chunk):
            axes = figure.add_subplot(rows, columns, k + 1)
            _draw(axes, overlay)
            if k >= len(chunk) - columns:
                axes.set_xlabel("time (s, target clock)", fontsize=8)
        figure.legend(*axes.get_legend_handles_labels(), loc="outside upper right", ncols=2, fontsize=8)
        pngs.append(_png(figure))
    return pngs
