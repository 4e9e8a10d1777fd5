"""Labelled pairs of models turned into the decider's training examples (:func:`pair_example`), and the
folds that keep pairs sharing a model together (:func:`model_folds`).

A pair is matched as ``tolka match --method decider`` would match it — candidates, lexical scores,
the GNN's view, flooding — and each candidate pair labelled by the reference
(:func:`~translator.matching.decider.training.labelled_example`). When both sides share own-node ids
(OPC UA versions, by design) the source is re-identified first, so that no feature can read the
answer from an id.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path

from translator.alignment.crossval import fold_groups
from translator.alignment.formats import read_alignment
from translator.alignment.identity import reidentify
from translator.alignment.model import Alignment, Correspondence
from translator.alignment.pairs import LabelledPair
from translator.graph.model import SchemaGraph
from translator.graph.names import normalize
from translator.matching.decider.features import pair_features
from translator.matching.decider.partial import partial_views
from translator.matching.decider.training import Example, labelled_example
from translator.matching.decider.translated import english_words, translated_view
from translator.matching.decider.views import json_schema_view
from translator.matching.options import MatchOptions
from translator.matching.structural import flood

__all__ = [
    "SAME_MODEL",
    "matched_example",
    "model_folds",
    "ontology_group",
    "pair_example",
    "partial_examples",
    "same_model",
    "translated_examples",
    "view_examples",
    "without_shared_ids",
]

SAME_MODEL = 0.5
"""Share of own entity names (of the smaller model) from which two models count as one."""


def without_shared_ids(source: SchemaGraph, target: SchemaGraph) -> tuple[SchemaGraph, dict[str, str]]:
    """``source`` re-identified when it shares own-node ids with ``target`` (and the map back, empty
    when nothing was shared), so that no matcher gains from the id."""
    if {n.id for n in source.own_nodes()} & {n.id for n in target.own_nodes()}:
        return reidentify(source)
    return source, {}


def own_names(graph: SchemaGraph) -> frozenset[str]:
    """The normalised names and labels of ``graph``'s own nodes."""
    out = set()
    for node in graph.own_nodes():
        for text in (node.name, node.label):
            key = normalize(text) if text else ""
            if key:
                out.add(key)
    return frozenset(out)


def same_model(a: frozenset[str], b: frozenset[str]) -> bool:
    """One model, by its own entity names: half of the smaller set's names or more are shared."""
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= SAME_MODEL


def model_folds(
    pairs: Sequence[LabelledPair], graphs: Mapping[tuple[Path, ...], SchemaGraph]
) -> dict[str, int]:
    """Fold of every pair: pairs sharing a model file, or the same model under other ids or in a
    translation (:func:`same_model`), share one. ``graphs``: each side's files → its loaded graph."""
    names = {files: own_names(g) for files, g in graphs.items()}
    models = {p.name: [p.source, p.target] for p in pairs}
    sides = list(names)
    same: dict[Hashable, list[Hashable]] = {}
    for k, a in enumerate(sides):
        for b in sides[k + 1 :]:
            if same_model(names[a], names[b]):
                same.setdefault(a, []).append(b)
    return fold_groups(models, same)


def ontology_group(
    ontology: SchemaGraph, labelled: Mapping[Hashable, Sequence[SchemaGraph]] | None = None
) -> Hashable:
    """The group (:attr:`~translator.matching.decider.training.Example.group`) of the synthetic examples
    made from ``ontology``: the group of a labelled pair one of whose models it is (:func:`same_model`;
    ``labelled``: group → the models of its pairs), else its own, ``("ontology", name)``. So its JSON
    Schema views and its renderings in other languages share one inner fold with each other and with
    the pairs of that model, and the threshold is chosen on predictions for models the trees never
    saw."""
    names = own_names(ontology)
    for group, graphs in (labelled or {}).items():
        if any(same_model(names, own_names(g)) for g in graphs):
            return group
    return ("ontology", ontology.name)


def pair_example(
    pair: LabelledPair,
    group: Hashable,
    source: SchemaGraph,
    target: SchemaGraph,
    options: MatchOptions,
    *,
    embeddings: bool = True,
) -> Example:
    """The decider's training example of ``pair`` (its models loaded as ``source`` and ``target``),
    matched with ``options`` (its ``model`` is the GNN whose view the features hold); ``embeddings``:
    compute the sentence-embedding features."""
    reference = read_alignment(pair.reference)
    return matched_example(
        pair.name, group, source, target, reference, options, partial=pair.partial, embeddings=embeddings
    )


def matched_example(
    name: str,
    group: Hashable,
    source: SchemaGraph,
    target: SchemaGraph,
    reference: Alignment,
    options: MatchOptions,
    *,
    partial: bool = False,
    embeddings: bool = True,
) -> Example:
    """The training example of two models and their ``reference`` alignment (see :func:`pair_example`)."""
    from translator.matching.matcher import gather_evidence

    src, back = without_shared_ids(source, target)
    evidence = gather_evidence(src, target, dataclasses.replace(options, method="gnn"))
    cands = evidence.candidates
    flooded = flood(src, target, cands.source, cands.target, evidence.lexical, weight=options.structure)
    return labelled_example(
        name,
        group,
        pair_features(evidence, flooded, embeddings=embeddings),
        cands.source,
        cands.target,
        reference,
        partial=partial,
        original_ids=back,
    )


def view_examples(
    ontology: SchemaGraph, group: Hashable, options: MatchOptions, *, seed: int = 0, embeddings: bool = True
) -> list[Example]:
    """Three training examples from one ontology and its JSON Schema views
    (:func:`~translator.matching.decider.views.json_schema_view`): view → ontology, ontology → view,
    and the flattened view → ontology, where many JSON members of one name are one ontology property
    (the many-to-one the pairs' one-to-one examples never show the trees)."""
    rng = random.Random(seed)
    view, truth = json_schema_view(ontology, rng)
    flat, flat_truth = json_schema_view(ontology, rng, flatten=True)
    name = f"{ontology.name} (JSON Schema view)"
    forward, backward = _stated(view, ontology, truth.items()), _stated(ontology, view, _flip(truth))
    flattened = _stated(flat, ontology, flat_truth.items())
    made = [
        (f"{name} → ontology", view, ontology, forward),
        (f"ontology → {name}", ontology, view, backward),
        (f"{ontology.name} (flattened JSON Schema view) → ontology", flat, ontology, flattened),
    ]
    return [
        matched_example(label, group, source, target, truth_of, options, embeddings=embeddings)
        for label, source, target, truth_of in made
    ]


def partial_examples(
    ontology: SchemaGraph,
    group: Hashable,
    options: MatchOptions,
    *,
    seed: int = 0,
    splits: int = 2,
    embeddings: bool = True,
) -> list[Example]:
    """Training examples from ``splits`` random pairs of partial views of one ontology
    (:func:`~translator.matching.decider.partial.partial_views`), each both ways: two independent
    models of one domain, most of whose entities have no partner. They teach the trees but do not
    choose the threshold (``Example.calibrates``); an ontology too small for views gives none."""
    from translator.matching.text.wordnet import open_wordnet

    wordnet = open_wordnet()
    out: list[Example] = []
    for split in range(splits):
        made = partial_views(ontology, random.Random(seed * 1000 + split), wordnet)
        if made is None:
            return []
        first, second, truth = made
        names = (f"{second.name} → {first.name} ({split})", f"{first.name} → {second.name} ({split})")
        out += _teaching_both_ways(names, group, second, first, truth, options, embeddings)
    return out


def _teaching_both_ways(
    names: tuple[str, str],
    group: Hashable,
    view: SchemaGraph,
    model: SchemaGraph,
    truth: Mapping[str, str],
    options: MatchOptions,
    embeddings: bool,
) -> list[Example]:
    """``view`` → ``model`` and ``model`` → ``view`` (named ``names``), ``truth`` mapping view ids to
    model ids: examples that teach the trees but do not choose the threshold (``Example.calibrates``)."""
    forward = matched_example(
        names[0], group, view, model, _stated(view, model, truth.items()), options, embeddings=embeddings
    )
    backward = matched_example(
        names[1], group, model, view, _stated(model, view, _flip(truth)), options, embeddings=embeddings
    )
    return [dataclasses.replace(e, calibrates=False) for e in (forward, backward)]


def _flip(truth: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(o, v) for v, o in truth.items()]


def _stated(source: SchemaGraph, target: SchemaGraph, pairs: Iterable[tuple[str, str]]) -> Alignment:
    """The alignment ``source`` → ``target`` of the (source id, target id) ``pairs`` a view's truth states."""
    out = Alignment(source.name, target.name)
    out.extend(Correspondence(a, b) for a, b in sorted(pairs))
    return out


def translated_examples(
    ontologies: Sequence[SchemaGraph],
    groups: Sequence[Hashable],
    options: MatchOptions,
    languages: Sequence[str],
    *,
    seed: int = 0,
    embeddings: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Example]:
    """Training examples from ``ontologies`` rendered in each of ``languages`` whose FreeDict dictionary
    is installed (:func:`~translator.matching.decider.translated.translated_view`): the rendering →
    the ontology and back, in the ontology's group (``groups``, one per ontology: :func:`ontology_group`).
    An ontology the dictionary covers too little of gives none. They teach the trees but do not choose
    the threshold (``Example.calibrates``)."""
    from translator.matching.text.freedict import open_dictionary
    from translator.matching.text.reverse import foreign_function_words, foreign_words

    report = progress or (lambda message: None)
    wanted = english_words(ontologies)
    out: list[Example] = []
    for lang in languages:
        dictionary = open_dictionary(lang)
        if dictionary is None:
            continue
        report(f"reading the {lang} dictionary backwards")
        words, function = foreign_words(dictionary, wanted), foreign_function_words(lang)
        for k, (ontology, group) in enumerate(zip(ontologies, groups, strict=True)):
            made = translated_view(ontology, lang, words, function, random.Random(seed * 7919 + k))
            if made is None:
                continue
            report(f"{ontology.name} in {lang}")
            view, truth = made
            names = (view.name, f"{ontology.name} into {lang}")
            out += _teaching_both_ways(names, group, view, ontology, truth, options, embeddings)
    return out
