"""The time series of each learned pair: the target field and the source field after conversion.

For every pair ``tolka learn`` kept on the evidence of the data, the source field's samples go
through the fitted transform (:func:`translator.instances.evidence.apply`) and onto the target's
clock (``t_target = t_source + lag``), so that where the translator is right the two lines lie on
top of each other. Times are seconds from the start of the recording; long series are thinned to
:data:`MAX_POINTS` samples; discrete values that are not numbers (state names) are drawn as
categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from services.report.data import Entity, entity
from translator.graph.model import SchemaGraph
from translator.instances.align import discrete
from translator.instances.candidates import stream_nodes
from translator.instances.conversion import describe
from translator.instances.evidence import PairEvidence, apply
from translator.instances.learning import Learned, LearnedPair
from translator.instances.series import Series, Stream

__all__ = ["MAX_OVERLAYS", "MAX_POINTS", "Overlay", "Overlays", "overlays"]

MAX_OVERLAYS = 36
"""Pairs drawn at most."""
MAX_POINTS = 2000
"""Samples of a line at most (longer series are thinned evenly)."""


@dataclass(frozen=True, slots=True)
class Overlay:
    """One pair's two lines. ``target`` and ``converted`` are numbers; when the values are not,
    they are indices into ``categories``. ``steps`` draws them as held values (states, flags)."""

    source: Entity
    target_entity: Entity
    how: str
    target_times: npt.NDArray[np.float64]
    target: npt.NDArray[np.float64]
    source_times: npt.NDArray[np.float64]
    converted: npt.NDArray[np.float64]
    categories: tuple[str, ...] | None
    steps: bool


@dataclass(frozen=True, slots=True)
class Overlays:
    """The overlays drawn, how many pairs had data to draw (before :data:`MAX_OVERLAYS`), and the
    lag between the clocks."""

    items: tuple[Overlay, ...]
    total: int
    lag: float

    @property
    def capped(self) -> bool:
        """Whether some pairs were left out."""
        return self.total > len(self.items)


def _by_node(graph: SchemaGraph, stream: Stream) -> dict[str, Series]:
    found, _ = stream_nodes(graph, stream.format, list(stream.series))
    return {node.id: stream.series[name] for name, node in found.items()}


def _numbers(values: npt.NDArray[Any]) -> npt.NDArray[np.float64] | None:
    """The values as float64, or None when some are not numbers (booleans count as 0/1)."""
    if values.dtype != object:
        return values.astype(np.float64)
    if all(isinstance(v, int | float | np.number) for v in values):
        return values.astype(np.float64)
    return None


def _thin(times: npt.NDArray[np.float64], values: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], ...]:
    step = max(1, -(-len(times) // MAX_POINTS))
    return times[::step], values[::step]


def _overlay(
    pair: LearnedPair,
    evidence: PairEvidence,
    data: tuple[Series, Series],
    lag: float,
    entities: tuple[Entity, Entity],
) -> Overlay:
    source, target = data
    converted = apply(evidence.transform, source.values)
    source_times = source.times + lag
    start = min(float(target.times[0]), float(source_times[0]))
    target_times, target_values = _thin(target.times - start, target.values)
    source_times, converted = _thin(source_times - start, converted)
    numbers = _numbers(target_values), _numbers(converted)
    categories: tuple[str, ...] | None = None
    if numbers[0] is not None and numbers[1] is not None:
        target_y, converted_y = numbers[0], numbers[1]
    else:
        categories = tuple(sorted({str(v) for v in (*target_values, *converted)}))
        index = {c: float(i) for i, c in enumerate(categories)}
        target_y = np.array([index[str(v)] for v in target_values], dtype=np.float64)
        converted_y = np.array([index[str(v)] for v in converted], dtype=np.float64)
    how = f"{describe(evidence.transform)} · residual {evidence.residual:.1%} · p {pair.probability:.3f}"
    return Overlay(
        entities[0],
        entities[1],
        how,
        target_times,
        target_y,
        source_times,
        converted_y,
        categories,
        discrete(target),
    )


def overlays(
    learned: Learned,
    source: SchemaGraph,
    target: SchemaGraph,
    streams: Sequence[Stream],
    *,
    limit: int = MAX_OVERLAYS,
) -> Overlays:
    """The overlays of ``learned``'s pairs that the data decided (at most ``limit``, in the order
    of the source fields' labels); ``streams`` are the source and target recordings learned from."""
    source_series, target_series = _by_node(source, streams[0]), _by_node(target, streams[1])
    drawable = []
    for pair in learned.pairs:
        c, e = pair.candidate, pair.candidate.evidence
        a, b = source_series.get(c.source_id), target_series.get(c.target_id)
        if e is not None and a is not None and b is not None and len(a) and len(b):
            names = entity(source, c.source_id), entity(target, c.target_id)
            drawable.append((names[0].short, names[1].short, pair, e, (a, b), names))
    drawable.sort(key=lambda item: (item[0], item[1]))
    items = tuple(
        _overlay(pair, e, data, learned.lag, names) for _, _, pair, e, data, names in drawable[:limit]
    )
    return Overlays(items, len(drawable), learned.lag)
