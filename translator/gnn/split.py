"""Which corpus models the GNN trains on and which it is validated on: a seeded split by model family.

Validation figures only mean something on models the encoder never saw, and a model's other
versions, its examples or its modules are the same model seen again: ``PlasticsRubber/GeneralTypes``
1.02 and 1.03, the AAS ontology V2 and V3, ``Machinery`` and ``Machinery_Example``, the SOSA
modules. So the models are grouped first — by the stem of their name (host and first distinctive
path segment of the model URI, version numbers and ``Examples`` dropped) and by shared own node ids —
and whole groups go to one side, like scikit-learn's ``GroupShuffleSplit``.

Example:
    >>> model_stem(SchemaGraph("http://opcfoundation.org/UA/PlasticsRubber/Extrusion_v2/Extruder/"))
    'opcfoundation.org/plasticsrubber'
    >>> model_stem(SchemaGraph("https://admin-shell.io/aas/3/0/"))
    'admin-shell.io/aas'
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from translator.graph.model import SchemaGraph

__all__ = ["Split", "group_graphs", "model_stem", "split_graphs"]

_VERSION = re.compile(r"(?:[-_.]v?|v)\d+(?:[._]\d+)*$")
_EXAMPLES = re.compile(r"[-_.]?examples?$")
_GENERIC = frozenset({"ua", "ns", "ontology", "ontologies", "schema", "schemas", "owl", "rdf", "examples"})


def model_stem(graph: SchemaGraph) -> str:
    """The family a model belongs to: the host of its model URI and the first path segment that is
    not generic (``UA``, ``ns``), a number or a version, lower-cased, with version suffixes
    (``_v2``) and ``Examples`` dropped; a model named by a file gets its file stem so treated."""
    name = (graph.name or (graph.sources[0] if graph.sources else "")).lower()
    _, separator, rest = name.partition("://")
    if not separator:
        rest = PurePosixPath(name.replace("\\", "/")).name.split(".")[0]
    parts = [p for p in re.split(r"[/#?]", rest) if p]
    host = parts.pop(0).removeprefix("www.") if separator and parts else ""
    words = []
    for part in parts:
        word = _EXAMPLES.sub("", _VERSION.sub("", part))
        if word and not word.isdigit() and word not in _GENERIC:
            words.append(word)
    return "/".join(p for p in (host, *words[:1]) if p) or name


def group_graphs(graphs: Sequence[SchemaGraph]) -> list[list[int]]:
    """Groups of graph indices: same :func:`model_stem`, or sharing an own node id (two versions of
    one model that keep their ids), transitively; sorted by their first index."""
    parent = list(range(len(graphs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first: dict[str, int] = {}
    for i, graph in enumerate(graphs):
        join(i, first.setdefault("stem:" + model_stem(graph), i))
        for node in graph.own_nodes():
            join(i, first.setdefault(node.id, i))
    groups: dict[int, list[int]] = {}
    for i in range(len(graphs)):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


@dataclass(frozen=True)
class Split:
    """Indices of the training and the validation graphs, and the validation groups in the order
    they were drawn (each a list of graph indices)."""

    training: list[int]
    validation: list[int]
    validation_groups: list[list[int]]


def split_graphs(graphs: Sequence[SchemaGraph], *, share: float = 0.2, seed: int = 0) -> Split:
    """Set about ``share`` of the graphs (at least one, whole groups of :func:`group_graphs`) aside
    for validation: groups in a seeded random order, each taken while it fits in
    ``round(share × graphs)``; the smallest group when none fits. Nothing is set aside when there is
    only one group or ``share`` is 0 (the training graphs' own held-out pairs must do then)."""
    groups = group_graphs(graphs)
    if share <= 0 or len(groups) < 2:
        return Split(list(range(len(graphs))), [], [])
    order = list(groups)
    random.Random(f"tolka-validation-split:{seed}").shuffle(order)
    target = max(1, round(share * len(graphs)))
    chosen: list[list[int]] = []
    count = 0
    for group in order:
        if count + len(group) <= target:
            chosen.append(group)
            count += len(group)
    if not chosen:
        chosen = [min(order, key=len)]
    validation = sorted(i for group in chosen for i in group)
    training = [i for i in range(len(graphs)) if i not in set(validation)]
    return Split(training, validation, chosen)
