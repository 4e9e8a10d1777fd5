"""What a report shows, gathered from an alignment, the two graphs and the ranked candidates.

Everything here is plain data (frozen dataclasses and numpy arrays); :mod:`services.report.figures`
draws it and :mod:`services.report.page` lays it out. The time-series overlays of ``tolka learn``
are gathered by :mod:`services.report.overlays`.

Example:
    >>> rows = mapping_rows(alignment, source_graph, target_graph)  # doctest: +SKIP
    >>> rows[0].source.label, rows[0].target.label, rows[0].confidence  # doctest: +SKIP
    ('Speed', 'SC_107', 0.707756)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from translator.alignment.model import Alignment, Correspondence
from translator.graph.model import Node, SchemaGraph
from translator.matching.matcher import MatchOptions, match

__all__ = [
    "MAX_COLUMNS",
    "MAX_SOURCES",
    "PER_SOURCE",
    "TOP_K",
    "Entity",
    "Heatmap",
    "Row",
    "entities",
    "entity",
    "heatmap",
    "mapping_rows",
    "ranked_candidates",
    "short_name",
]

MAX_SOURCES = 40
"""Rows of the heatmap at most (source entities)."""
MAX_COLUMNS = 60
"""Columns of the heatmap at most (target entities)."""
PER_SOURCE = 3
"""Candidates of each source shown in the heatmap besides its aligned target."""
TOP_K = 5
"""Candidates of each source ranked for the heatmap and the histogram."""


@dataclass(frozen=True, slots=True)
class Entity:
    """One side of a correspondence as the report names it: ``short`` is the label with its parent
    (``Pump/Speed``) for figures, where plain labels repeat (every ``EURange``)."""

    id: str
    label: str
    short: str
    kind: str
    unit: str


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the mapping table: a correspondence and both of its entities."""

    source: Entity
    target: Entity
    predicate: str
    confidence: float
    status: str
    justification: str
    comment: str


@dataclass(frozen=True, slots=True)
class Heatmap:
    """Scores of the best candidates: ``scores[i, j]`` of row source ``i`` and column target ``j``
    (NaN where the pair is no candidate), ``chosen`` the cells the alignment picked, and how many
    sources and targets there were before the caps."""

    rows: tuple[Entity, ...]
    columns: tuple[Entity, ...]
    scores: npt.NDArray[np.float64]
    chosen: tuple[tuple[int, int], ...]
    sources_total: int
    columns_total: int

    @property
    def capped(self) -> bool:
        """Whether some sources or targets were left out."""
        return self.sources_total > len(self.rows) or self.columns_total > len(self.columns)


def _tail(node_id: str) -> str:
    """The readable end of an id (after its last ``#``, then ``/``, then ``;``)."""
    for mark in ("#", "/", ";"):
        node_id = node_id.rsplit(mark, 1)[-1] or node_id
    return node_id


def short_name(node: Node | None, node_id: str, label: str = "", *, depth: int = 2, width: int = 32) -> str:
    """The label of a node after the names of its ``depth - 1`` nearest ancestors on its path
    (``Pump/Speed``), cut to ``width`` characters from the left (the end names the entity)."""
    name = label or (node.label or node.name if node else "") or _tail(node_id)
    steps = [s for s in (node.path if node else "").split("/") if s and s != "properties"]
    parents = steps[-depth:-1] if depth > 1 else []
    name = "/".join([*parents, name])
    return name if len(name) <= width else "…" + name[-(width - 1) :]


def _unit(node: Node | None) -> str:
    if node is None:
        return ""
    return node.unit_label or node.unit


def entity(graph: SchemaGraph, node_id: str, label: str = "", kind: str = "", *, depth: int = 2) -> Entity:
    """How the report names the node ``node_id`` of ``graph`` (``label`` and ``kind`` as the
    correspondence gives them win over the graph's; ``depth`` as :func:`short_name`)."""
    node = graph.get(node_id)
    shown = label or (node.label or node.name if node else "") or _tail(node_id)
    return Entity(
        node_id,
        shown,
        short_name(node, node_id, shown, depth=depth),
        kind or (node.kind.value if node else ""),
        _unit(node),
    )


def entities(graph: SchemaGraph, ids: list[str], labels: dict[str, str]) -> tuple[Entity, ...]:
    """The entities of ``ids``, short names lengthened by one more ancestor where two collide."""
    named = [entity(graph, i, labels.get(i, "")) for i in ids]
    seen = Counter(e.short for e in named)
    return tuple(
        entity(graph, e.id, labels.get(e.id, ""), depth=3) if seen[e.short] > 1 else e for e in named
    )


def mapping_rows(alignment: Alignment, source: SchemaGraph, target: SchemaGraph) -> list[Row]:
    """A table row for every correspondence of ``alignment``, in its order."""
    return [
        Row(
            entity(source, c.subject_id, c.subject_label, c.subject_kind),
            entity(target, c.object_id, c.object_label, c.object_kind),
            c.predicate,
            c.confidence,
            c.status.value,
            c.justification,
            c.comment,
        )
        for c in alignment
    ]


def _pick_sources(
    aligned: dict[str, str], ranked: dict[str, list[Correspondence]], limit: int
) -> tuple[list[str], int]:
    """The heatmap's sources: the aligned ones (in the alignment's order), then the unaligned ones
    with the strongest candidates; when there are more than ``limit``, the aligned sources whose
    runner-up comes closest (the choices most worth a look) are kept first."""

    def gap(source: str) -> float:
        group = ranked.get(source, [])
        scores = [c.confidence for c in group if c.object_id != aligned.get(source)]
        best = next((c.confidence for c in group if c.object_id == aligned.get(source)), 1.0)
        return best - (scores[0] if scores else 0.0)

    unaligned = sorted((s for s in ranked if s not in aligned), key=lambda s: (-ranked[s][0].confidence, s))
    order = list(aligned) + unaligned
    if len(order) <= limit:
        return order, len(order)
    kept = set(sorted(aligned, key=lambda s: (gap(s), s))[:limit])
    kept.update(unaligned[: limit - len(kept)])
    return [s for s in order if s in kept], len(order)


def heatmap(
    alignment: Alignment,
    candidates: Alignment,
    source: SchemaGraph,
    target: SchemaGraph,
    *,
    max_sources: int = MAX_SOURCES,
    max_columns: int = MAX_COLUMNS,
    per_source: int = PER_SOURCE,
) -> Heatmap | None:
    """The scores of the best candidates (:class:`Heatmap`); None when there are none.

    Rows are sources (see :func:`_pick_sources`); columns are first the rows' aligned targets in
    row order, so that the alignment's choices run down a diagonal, then the other targets among
    each row's ``per_source`` best candidates, in order of first appearance.
    """
    ranked = candidates.by_subject()
    aligned: dict[str, str] = {}
    for c in alignment.equivalences():
        aligned.setdefault(c.subject_id, c.object_id)
    sources, sources_total = _pick_sources(aligned, ranked, max_sources)
    if not sources:
        return None
    wanted = dict.fromkeys(aligned[s] for s in sources if s in aligned)
    for s in sources:
        wanted.update(dict.fromkeys(c.object_id for c in ranked.get(s, [])[:per_source]))
    columns = list(wanted)[:max_columns]
    score = {c.pair: c.confidence for group in ranked.values() for c in group}
    col_index = {t: j for j, t in enumerate(columns)}
    matrix = np.full((len(sources), len(columns)), np.nan)
    chosen = []
    for i, s in enumerate(sources):
        for t, j in col_index.items():
            matrix[i, j] = score.get((s, t), np.nan)
        if s in aligned and aligned[s] in col_index:
            chosen.append((i, col_index[aligned[s]]))
    labels = {c.subject_id: c.subject_label for c in (*alignment, *candidates)}
    targets = {c.object_id: c.object_label for c in (*alignment, *candidates)}
    return Heatmap(
        entities(source, sources, labels),
        entities(target, columns, targets),
        matrix,
        tuple(chosen),
        sources_total,
        len(wanted),
    )


def ranked_candidates(
    alignment: Alignment,
    source: SchemaGraph,
    target: SchemaGraph,
    options: MatchOptions,
    *,
    seeds: Alignment | None = None,
    top_k: int = TOP_K,
) -> Alignment:
    """The ranked candidates for the heatmap: ``alignment`` itself when ``options`` ranked it
    (``top_k`` set), else the matcher run again with ``options`` and ``top_k`` (cheap: the lexical
    index, WordNet and the GNN model are warm from the first run)."""
    if options.top_k:
        return alignment
    return match(source, target, dataclasses.replace(options, top_k=top_k), seeds=seeds)
