"""The training corpus of the learned matcher: which model files it trains on.

``tolka train`` trains on the files :func:`corpus_files` finds in the folders it is given (default:
the models Tolka ships, :func:`own_models`); the shipped model trains on :data:`SHIPPED_CORPUS`
beside them (``make model`` names the folders one by one). Benchmarks that retrain it take the same
files from here.

Example:
    >>> files = corpus_files([*shipped_corpus(Path("../shared/data")), own_models()])  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SHIPPED_CORPUS", "corpus_files", "own_models", "shipped_corpus"]

SHIPPED_CORPUS = ("oaei-conference/ontologies", "ontologies/aas", "ontologies/sosa-ssn", "opcua")
"""Folders of the shared data the shipped model trains on, beside the project's own ``ontologies/``
(``make model`` names them one by one; ``pairs/`` — the labelled evaluation pairs — is not among them)."""

_MODEL_SUFFIXES = {".xml", ".owl", ".ttl", ".rdf", ".nt", ".jsonld"}
_ALIGNMENT_MARK = b"knowledgeweb.semanticweb.org/heterogeneity/alignment"


def own_models() -> Path:
    """The folder of the models Tolka ships (the ``ontologies`` package): the default corpus."""
    return Path(str(resources.files("ontologies")))


def shipped_corpus(data: Path) -> list[Path]:
    """The folders of :data:`SHIPPED_CORPUS` in the shared data folder ``data``."""
    return [data / folder for folder in SHIPPED_CORPUS]


def _is_alignment(path: Path) -> bool:
    """An Alignment API file (a reference, not a model): its namespace is declared near the top."""
    with path.open("rb") as handle:
        return _ALIGNMENT_MARK in handle.read(4096)


def corpus_files(paths: list[Path]) -> list[Path]:
    """Model files of the corpus: files as given, folders searched recursively (alignment files in
    them are references, not models, and are left out), each once, in order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in _MODEL_SUFFIXES and p.is_file())
            files.extend(p for p in found if not _is_alignment(p))
        else:
            files.append(path)
    return list(dict.fromkeys(files))
