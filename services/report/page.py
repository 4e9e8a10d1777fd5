"""The visual report of an alignment as one self-contained HTML page (``tolka match --report``).

:func:`render_report` returns the page as a string (for a server to send); :func:`write_report`
writes it atomically. The page holds the mapping table, a heatmap of the best candidates' scores
(given the ranked candidates), the confidence histogram and, for a translator learned from two
recordings, the time series of each learned pair after conversion. Figures are PNGs embedded as
``data:`` URIs; nothing is loaded from elsewhere.

Example:
    >>> alignment = match(source, target)  # doctest: +SKIP
    >>> ranked = match(source, target, MatchOptions(top_k=5))  # doctest: +SKIP
    >>> write_report(Path("report.html"), alignment=alignment, source_graph=source,
    ...              target_graph=target, candidates=ranked)  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import errno
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.report.data import MAX_COLUMNS, MAX_SOURCES, PER_SOURCE, heatmap, mapping_rows
from services.report.figures import PER_FIGURE, heatmap_png, histogram_png, overlay_pngs
from services.report.overlays import MAX_OVERLAYS, overlays
from services.report.template import CONTENT_SECURITY_POLICY, TEMPLATE, environment
from translator.alignment.model import Alignment
from translator.files import write_atomic
from translator.graph.model import SchemaGraph
from translator.instances.learning import Learned
from translator.instances.series import Stream

__all__ = ["check_writable", "render_report", "write_report"]


def _b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def _series_lines(learned: Learned, drawn: int, total: int, limit: int) -> list[str]:
    lines = []
    if total > drawn:
        lines.append(
            f"{total} learned pairs have data to draw; the first {drawn} (by source name) are shown "
            f"({limit} at most, {PER_FIGURE} to a picture)."
        )
    by_names = len(learned.pairs) - total
    if by_names:
        lines.append(
            f"{by_names} of the {len(learned.pairs)} learned pairs were decided without data to compare "
            "(a field that never changed while recording, or a seed): nothing to draw for them."
        )
    return lines


def render_report(
    *,
    alignment: Alignment,
    source_graph: SchemaGraph,
    target_graph: SchemaGraph,
    candidates: Alignment | None = None,
    learned: Learned | None = None,
    streams: Sequence[Stream] | None = None,
    title: str | None = None,
    details: Sequence[tuple[str, str]] = (),
    max_overlays: int = MAX_OVERLAYS,
) -> str:
    """The report page as HTML text.

    Args:
        alignment: the correspondences to report (one row each).
        source_graph, target_graph: the two models (labels, paths and units of the entities).
        candidates: ranked candidates (``MatchOptions(top_k=...)``) for the heatmap; without them
            the page has no heatmap.
        learned: what ``tolka learn`` learned; with ``streams`` (the source and the target
            recording) the page shows each learned pair's time series after conversion, and its
            notes.
        title: the page's title (default: ``Tolka mapping: <source> → <target>``).
        details: more ``(term, text)`` lines for the summary at the top (the method, ...).
        max_overlays: learned pairs drawn at most; the page says when there were more.
    """
    rows = mapping_rows(alignment, source_graph, target_graph)
    context: dict[str, Any] = {
        "title": title or f"Tolka mapping: {source_graph.name} → {target_graph.name}",
        "source_name": alignment.source or source_graph.name,
        "target_name": alignment.target or target_graph.name,
        "rows": rows,
        "statuses": [f"{n} {status}" for status, n in sorted(Counter(r.status for r in rows).items())],
        "learned": learned is not None,
        "details": list(details),
        "lag": learned.lag if learned is not None else None,
        "per_source": PER_SOURCE,
        "csp": CONTENT_SECURITY_POLICY,
        "heatmap_png": "",
        "heatmap_capped": "",
        "heatmap_missing": "",
        "candidate_count": 0,
        "series": [],
        "overlay_pngs": [],
        "notes": list(learned.notes) if learned is not None else [],
    }
    ranked = candidates.equivalences() if candidates is not None else []
    best = heatmap(alignment, candidates, source_graph, target_graph) if candidates is not None else None
    if best is not None:
        context["heatmap_png"] = _b64(heatmap_png(best))
        if best.capped:
            context["heatmap_capped"] = (
                f"Showing {len(best.rows)} of {best.sources_total} sources and {len(best.columns)} of "
                f"{best.columns_total} candidate targets (at most {MAX_SOURCES} and {MAX_COLUMNS}): the "
                "aligned sources whose runner-up comes closest first."
            )
    else:
        context["heatmap_missing"] = (
            "No ranked candidates were given, so there is no heatmap."
            if candidates is None
            else "The ranked candidates are empty: nothing to draw."
        )
    context["candidate_count"] = len(ranked)
    confidences = [c.confidence for c in alignment.equivalences(include_rejected=True)]
    context["histogram_png"] = _b64(histogram_png(confidences, [c.confidence for c in ranked]))
    if learned is not None and streams is not None:
        drawn = overlays(learned, source_graph, target_graph, streams, limit=max_overlays)
        context["overlay_pngs"] = [_b64(png) for png in overlay_pngs(drawn.items)]
        context["series"] = _series_lines(learned, len(drawn.items), drawn.total, max_overlays)
        if not drawn.items:
            context["series"].insert(0, "No learned pair was decided by the recordings: nothing to draw.")
    elif learned is not None:
        context["series"] = ["The recordings were not given to the report: no time series."]
    return environment().from_string(TEMPLATE).render(context)


def check_writable(path: Path) -> None:
    """Raise the OSError that writing a file at ``path`` would meet, before any work is done: the
    path is a folder, a parent is a file, or the nearest existing folder is not writable."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file name for the report", str(path))
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{folder} is not a folder", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"cannot write in {folder}", str(path))


def write_report(
    path: Path,
    *,
    alignment: Alignment,
    source_graph: SchemaGraph,
    target_graph: SchemaGraph,
    candidates: Alignment | None = None,
    learned: Learned | None = None,
    streams: Sequence[Stream] | None = None,
    title: str | None = None,
    details: Sequence[tuple[str, str]] = (),
    max_overlays: int = MAX_OVERLAYS,
) -> None:
    """Write the report (:func:`render_report`) to ``path`` atomically: the page is rendered first,
    then written through a temporary file and a rename, so a failure leaves no partial file."""
    check_writable(path)
    page = render_report(
        alignment=alignment,
        source_graph=source_graph,
        target_graph=target_graph,
        candidates=candidates,
        learned=learned,
        streams=streams,
        title=title,
        details=details,
        max_overlays=max_overlays,
    )
    write_atomic(path, page.encode("utf-8"))
