"""Which corpus models the GNN trains on and which it is validated on: a seeded split by model family.

Validation figures only mean something on models the encoder never saw, and a model's other
versions, its examples or its modules are the same model seen again: ``PlasticsRubber/GeneralTypes``
1.02 and 1.03, the AAS ontology V2 and V3, ``Machinery`` and ``Machinery_Example``, the SOSA
modules. So the models are grouped first — by the stem of their name (host and first distinctive
path segment of the model URI, version numbers and ``Examples`` dropped) and by shared own node ids —
and whole groups go to one side, like scikit-learn's ``GroupShuffleSplit``. :func:`plan_pairs` says
what each transformed pair of a training run is for.

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

__all__ = ["PairPlan", "Split", "group_graphs", "model_stem", "plan_pairs", "split_graphs"]

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


@dataclass(frozen=True)
class PairPlan:
    """The graphs a training run trains on and validates on, and what each graph's transformed pairs
    are for: ``train``, or validation and then fitting (``fit``) or measuring (``measure``) the
    calibration.

    Attributes:
        training: the training graphs.
        validation: the validation graphs.
        groups: the validation graphs' model families (indices into ``validation``).
        fit: the validation graphs whose pairs fit the calibration (indices into ``validation``).
        how: how the validation graphs were chosen, for the training record.
        jobs: each graph with the roles of its pairs, one role per pair, in order.
    """

    training: list[SchemaGraph]
    validation: list[SchemaGraph]
    groups: list[list[int]]
    fit: set[int]
    how: str
    jobs: list[tuple[SchemaGraph, list[str]]]


def plan_pairs(
    graphs: Sequence[SchemaGraph],
    *,
    validation: Sequence[SchemaGraph] | None,
    share: float,
    seed: int,
    pairs_per_graph: int,
    validation_pairs: int,
) -> PairPlan:
    """Which graphs train and which validate — ``validation`` when given, else whole model families
    split from ``graphs`` (:func:`split_graphs`) — and the roles of their pairs: ``pairs_per_graph``
    training pairs per training graph, ``validation_pairs`` per validation graph, fitting or
    measuring the calibration by whole families when there are two or more, else alternately. With
    no validation graph, extra pairs of the training graphs stand in."""
    if validation is not None:
        train_graphs, valid_graphs = list(graphs), list(validation)
        valid_groups = group_graphs(valid_graphs)
        how = "given (train_model(validation=...))"
    else:
        split = split_graphs(graphs, share=share, seed=seed)
        train_graphs = [graphs[i] for i in split.training]
        valid_graphs = [graphs[i] for i in split.validation]
        position = {g: k for k, g in enumerate(split.validation)}
        valid_groups = [[position[i] for i in group] for group in split.validation_groups]
        how = (
            f"split from the corpus: {len(valid_graphs)} of {len(graphs)} graphs in "
            f"{len(valid_groups)} model families (share {share}, seed {seed}; a family — "
            "same name stem, other versions, shared own node ids — falls on one side)"
        )
    held_out_pairs = not valid_graphs
    if held_out_pairs:
        how = (
            "no unseen graph to validate on (one model family): extra transformed pairs of the "
            "training graphs stand in"
        )
    # what each pair is for: training, or validation and then fitting ("fit") or measuring
    # ("measure") the calibration — whole validation families apart when there are two or more
    alternate = (["fit", "measure"] * validation_pairs)[:validation_pairs]
    fit_graphs = {i for n, group in enumerate(valid_groups) if n % 2 == 0 for i in group}
    jobs = [(g, ["train"] * pairs_per_graph + (alternate if held_out_pairs else [])) for g in train_graphs]
    for i, graph in enumerate(valid_graphs):
        roles = [("fit" if i in fit_graphs else "measure")] * validation_pairs
        jobs.append((graph, roles if len(valid_groups) >= 2 else alternate))
    return PairPlan(train_graphs, valid_graphs, valid_groups, fit_graphs, how, jobs)
