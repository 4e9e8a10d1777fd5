"""Rendering the review page (Jinja2, autoescaped) and serving its two static files.

Everything a model or an alignment says reaches the page escaped: the trees through Jinja2's
autoescaping, the page's settings as JSON in a ``<script type="application/json">`` element written
with ``tojson`` (``<``, ``>``, ``&`` and ``'`` as ``\\u`` escapes, so nothing closes the element), and
correspondences fetched by the script and written with ``textContent``.

The settings carry, per side, the model's standard properties (EngineeringUnits, EURange, ... —
:func:`translator.matching.metadata.metadata_parents`) as a map of ids, property → the node it
describes: the script folds their correspondences under the parent's instead of listing each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import metadata, resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.gateway.compiling import stored_format
from services.gateway.records import ModelRecord
from services.gateway.review.trees import TreeItem, model_tree
from services.gateway.store import NotFoundError, Store
from translator.graph.file import graph_from_dict
from translator.matching.metadata import metadata_parents
from translator.translation.spec import FORMATS

__all__ = ["ASSETS", "asset", "render_review"]

ASSETS = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
"""The page's static files and their media types."""

_OPCUA_FORMATS = frozenset({"nodeset", "opcua-live"})


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("services.gateway.review", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True, slots=True)
class _Side:
    """One model of the alignment as the page shows it."""

    model: ModelRecord
    tree: list[TreeItem]
    message_format: str
    parents: dict[str, str]
    """The model's standard properties → the node each describes (ids only)."""

    def settings(self) -> dict[str, Any]:
        return {
            "id": self.model.id,
            "name": self.model.name,
            "format": self.model.format,
            "message_format": self.message_format,
            "metadata": self.parents,
        }


def _side(store: Store, model_id: str) -> _Side:
    model = store.get_model(model_id)
    graph = graph_from_dict(store.model_graph(model_id), source=model_id)
    return _Side(model, model_tree(graph), stored_format(store, model), metadata_parents(graph))


def render_review(store: Store, alignment_id: str, report: str | None = None) -> str:
    """The review page of alignment ``alignment_id``; ``report``: the URL of its visual report, if any.

    Raises:
        NotFoundError: no such alignment (or one of its models is gone).
    """
    record = store.get_alignment(alignment_id)
    source, target = _side(store, record.source), _side(store, record.target)
    settings = {
        "alignment": record.id,
        "job": record.job,
        "source": source.settings(),
        "target": target.settings(),
        "formats": list(FORMATS),
        "report": report,
    }
    template = _environment().get_template("review.html")
    return template.render(
        alignment=record,
        source=source,
        target=target,
        report=report,
        settings=settings,
        version=metadata.version("tolka"),
    )


@functools.cache
def asset(name: str) -> tuple[bytes, str]:
    """The content and media type of static file ``name`` (one of :data:`ASSETS`).

    Raises:
        NotFoundError: not one of the page's files.
    """
    media = ASSETS.get(name)
    if media is None:
        raise NotFoundError("review page file", name)
    content = resources.files("services.gateway.review").joinpath("static", name).read_bytes()
    return content, media
