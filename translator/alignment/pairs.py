"""Labelled pairs: two models, a reference alignment, a family — what matching quality is measured on.

A pair is described by a ``pair.json`` manifest (the format of ``shared/data/pairs/*/pair.json``)::

    {"source": ["models/a.owl"], "target": ["b/1.ttl", "b/2.ttl"], "reference": "reference.sssom.tsv",
     "family": "owl-owl version", "models_dir": ["../../opcua"], "partial_reference": false}

``source`` and ``target`` list files relative to the manifest's folder; several files are one
model. The OAEI conference track's pairs (a folder of ontologies and a folder of Alignment API
references named ``a-b.rdf``) are read as pairs of the family ``owl-owl conference``
(:func:`conference_pairs`).

Scoring (:func:`score`) follows the rules of the pairs' README: equivalences only; for a *partial*
reference, which covers only some entities, only predictions that touch an entity of the reference
count. What a matcher must not use — an id string both sides share by design — is handled by
:mod:`translator.alignment.identity`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from translator.alignment.metrics import Evaluation, evaluate
from translator.alignment.model import Alignment
from translator.errors import InputError

__all__ = ["CONFERENCE_FAMILY", "LabelledPair", "conference_pairs", "read_pair", "read_pairs", "score"]

CONFERENCE_FAMILY = "owl-owl conference"


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """Two models and the reference alignment between them.

    Attributes:
        name: the pair's name (its folder, or ``cmt-conference`` for an OAEI file).
        family: the family it is reported in (``nodeset-nodeset version``, ...).
        source: the files of the source model (subject side of the reference).
        target: the files of the target model.
        reference: the reference alignment (SSSOM TSV or Alignment API RDF/XML).
        models_dirs: folders holding models the source or target requires (OPC UA).
        partial: the reference covers only some entities (see :func:`score`).
    """

    name: str
    family: str
    source: tuple[Path, ...]
    target: tuple[Path, ...]
    reference: Path
    models_dirs: tuple[Path, ...] = ()
    partial: bool = False


def _files(manifest: Path, data: dict[str, object], key: str) -> tuple[Path, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{key!r} must be a list of file names", source=str(manifest))
    return tuple((manifest.parent / v).resolve() for v in value)


def read_pair(manifest: Path) -> LabelledPair:
    """Read one ``pair.json``; files must exist."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the pair manifest: {exc}", source=str(manifest)) from exc
    if not isinstance(data, dict):
        raise InputError("a pair manifest is a JSON object", source=str(manifest))
    source, target = _files(manifest, data, "source"), _files(manifest, data, "target")
    reference = _files(manifest, data, "reference")
    if not source or not target or len(reference) != 1:
        raise InputError(
            "a pair manifest needs 'source' and 'target' files and one 'reference'", source=str(manifest)
        )
    missing = [str(p) for p in (*source, *target, *reference) if not p.is_file()]
    if missing:
        raise InputError(f"missing files {', '.join(missing)}", source=str(manifest))
    return LabelledPair(
        name=manifest.parent.name,
        family=str(data.get("family") or "unknown"),
        source=source,
        target=target,
        reference=reference[0],
        models_dirs=_files(manifest, data, "models_dir"),
        partial=bool(data.get("partial_reference", False)),
    )


def read_pairs(folder: Path) -> list[LabelledPair]:
    """Every ``*/pair.json`` of ``folder``, by folder name."""
    return [read_pair(p) for p in sorted(folder.glob("*/pair.json"))]


def conference_pairs(ontologies: Path, alignments: Path) -> list[LabelledPair]:
    """The OAEI conference pairs: ``alignments/a-b.rdf`` between ``ontologies/a.owl`` and ``b.owl``."""
    by_stem = {p.stem.lower(): p.resolve() for p in ontologies.glob("*.owl")}
    pairs = []
    for reference in sorted(alignments.glob("*-*.rdf")):
        a, _, b = reference.stem.partition("-")
        if a.lower() not in by_stem or b.lower() not in by_stem:
            raise InputError(f"no ontology {a}.owl or {b}.owl in {ontologies}", source=str(reference))
        pairs.append(
            LabelledPair(
                name=reference.stem,
                family=CONFERENCE_FAMILY,
                source=(by_stem[a.lower()],),
                target=(by_stem[b.lower()],),
                reference=reference.resolve(),
            )
        )
    return pairs


def score(predicted: Alignment, reference: Alignment, *, partial: bool = False) -> Evaluation:
    """Precision, recall and F1 of ``predicted``'s equivalences against ``reference``'s. With
    ``partial``, predictions that touch no entity of the reference (neither its subjects nor its
    objects) are not scored: the reference says nothing about them."""
    if partial:
        subjects = {c.subject_id for c in reference.equivalences()}
        objects = {c.object_id for c in reference.equivalences()}
        kept = Alignment(predicted.source, predicted.target)
        kept.extend(c for c in predicted if c.subject_id in subjects or c.object_id in objects)
        predicted = kept
    return evaluate(predicted, reference)
