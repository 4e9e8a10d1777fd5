"""Two ontologies of one domain with the truth known: two partial views of one ontology, so that the
decider learns what a pair of *independent* models looks like from ontologies that have no labelled
partner.

Two ontologies written apart for one domain (the OAEI conference ontologies, a plant's two vendors'
models) share a fraction of their entities: the rest are concepts only one of them has, many of them
near the shared ones (``Reviewer`` and ``ReviewAssignment``), and the best-scoring pair of such an
entity is no correspondence. Version pairs and cross-format views, where almost every entity has a
partner, never show the trees this.

:func:`partial_views` splits an ontology's own classes and properties at random into a shared part
(:data:`SHARED`: 15–40 %) and two parts of one view each. The first view keeps the ontology's names;
the second writes every name of its own in another style (``PaperFullVersion`` → ``Paper_full_version``,
``has_author`` → ``hasAuthor``) and swaps some of its words for a WordNet synonym (:data:`SYNONYM`:
``Chair`` → ``Chairman``), as two authors name one concept. The subclass hierarchy is kept up to the
nearest ancestor a view holds; domains and ranges are kept where the view holds the class. The
truth maps each shared entity of the second view to the first's.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from translator.graph.classes import relation_class
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.names import split_name
from translator.matching.text.wordnet import WordNet

__all__ = ["MIN_ENTITIES", "SHARED", "STYLES", "SYNONYM", "partial_views", "restyle"]

SHARED = (0.15, 0.4)
"""Range of the share of the entities both views hold (drawn per ontology)."""
SYNONYM = 0.2
"""Chance that a word of the second view's names becomes a WordNet synonym."""
MIN_ENTITIES = 20
"""Fewer own classes and properties than this give no views."""
STYLES = ("camel", "snake", "title-snake")
"""Naming styles: ``PaperFullVersion``/``hasAuthor``, ``Paper_full_version``/``has_author``,
``Paper_Full_Version``/``has_Author``."""
_KINDS = frozenset({NodeKind.CLASS, NodeKind.OBJECT_PROPERTY, NodeKind.DATATYPE_PROPERTY})


def restyle(words: Sequence[str], style: str, *, concept: bool) -> str:
    """``words`` joined in ``style`` (:data:`STYLES`); a ``concept`` (a class) starts with a capital,
    a property with a small letter."""
    if not words:
        return ""
    lower = [w.lower() for w in words]
    if style == "camel":
        head = lower[0].capitalize() if concept else lower[0]
        return head + "".join(w.capitalize() for w in lower[1:])
    rest = [w.capitalize() for w in lower[1:]] if style == "title-snake" else lower[1:]
    return "_".join([lower[0].capitalize() if concept else lower[0], *rest])


def _style_of(names: Sequence[str]) -> str:
    """The style most of ``names`` are written in."""
    snake = sum("_" in n for n in names)
    if snake * 2 < len(names):
        return "camel"
    titled = sum(all(p[:1].isupper() for p in n.split("_")[1:] if p) for n in names if "_" in n)
    return "title-snake" if titled * 2 >= snake else "snake"


def _synonym(word: str, wordnet: WordNet | None, rng: random.Random) -> str:
    if wordnet is None or len(word) < 3 or rng.random() >= SYNONYM:
        return word
    found = sorted(s for s in wordnet.synonyms(word.lower()) if s.isalpha())
    return rng.choice(found) if found else word


def _ancestors(ontology: SchemaGraph, cid: str, kept: set[str]) -> set[str]:
    """The nearest superclasses of ``cid`` that are in ``kept`` (through the ones that are not)."""
    out: set[str] = set()
    seen = {cid}
    todo = [cid]
    while todo:
        here = todo.pop()
        for edge in ontology.out_edges(here):
            if relation_class(edge.relation) != "is-a" or edge.target in seen:
                continue
            seen.add(edge.target)
            if edge.target in kept:
                out.add(edge.target)
            else:
                todo.append(edge.target)
    return out


def _view(
    ontology: SchemaGraph,
    entities: dict[str, Node],
    kept: set[str],
    names: dict[str, str],
    base: str,
    title: str,
) -> tuple[SchemaGraph, dict[str, str]]:
    """The view holding the ``kept`` entities named ``names``; returns it and its ids (entity → view id)."""
    view = SchemaGraph(title)
    ids: dict[str, str] = {}
    for eid in sorted(kept):
        node = entities[eid]
        vid = f"{base}{names[eid]}"
        while vid in view:
            vid += "_"
        if names[eid] == node.name:
            view.add_node(node.replace(id=vid))
        else:  # another author's name: none of the first author's labels or comments
            view.add_node(Node(vid, node.kind, names[eid], datatype=node.datatype))
        ids[eid] = vid
    for eid in sorted(kept):
        for edge in ontology.out_edges(eid):
            relation = relation_class(edge.relation)
            if relation == "is-a":
                targets = (
                    sorted(_ancestors(ontology, eid, kept)) if edge.target not in kept else [edge.target]
                )
            elif edge.target in entities:
                targets = [edge.target] if edge.target in kept else []
            else:  # a datatype or an imported term: context both views share
                targets = [edge.target]
                if edge.target not in view:
                    view.add_node(ontology[edge.target])
            for target in targets:
                view.add_edge(ids[eid], ids.get(target, target), edge.relation)
    return view, ids


def partial_views(
    ontology: SchemaGraph, rng: random.Random, wordnet: WordNet | None
) -> tuple[SchemaGraph, SchemaGraph, dict[str, str]] | None:
    """Two partial views of ``ontology`` (see the module docstring) and the truth (second view's id →
    first view's id); None when it has fewer than :data:`MIN_ENTITIES` own classes and properties."""
    entities = {n.id: n for n in ontology.own_nodes() if n.kind in _KINDS and n.name}
    if len(entities) < MIN_ENTITIES:
        return None
    order = sorted(entities)
    rng.shuffle(order)
    shared = round(rng.uniform(*SHARED) * len(order))
    half = shared + (len(order) - shared) // 2
    first, second = set(order[:half]), set(order[:shared]) | set(order[half:])
    style = rng.choice([s for s in STYLES if s != _style_of([n.name for n in entities.values()])])
    renamed = {
        eid: restyle(
            [_synonym(w, wordnet, rng) for w in split_name(entities[eid].name)],
            style,
            concept=entities[eid].kind is NodeKind.CLASS,
        )
        or entities[eid].name
        for eid in sorted(second)
    }
    tag = f"{rng.getrandbits(32):08x}"
    view_a, ids_a = _view(
        ontology,
        entities,
        first,
        {e: entities[e].name for e in first},
        f"urn:tolka:partial:{tag}:a#",
        f"{ontology.name} (part A)",
    )
    view_b, ids_b = _view(
        ontology, entities, second, renamed, f"urn:tolka:partial:{tag}:b#", f"{ontology.name} (part B)"
    )
    truth = {ids_b[e]: ids_a[e] for e in sorted(set(order[:shared]))}
    return view_a, view_b, truth
