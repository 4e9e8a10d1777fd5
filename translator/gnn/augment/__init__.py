"""Graph transforms that make a second model out of a real one, with the true correspondence known.

Real models of the same thing differ in how they name (case styles, abbreviations, vendor prefixes,
synonyms, other languages), what they include (dropped and extra nodes), how they group (flatter or
deeper hierarchies), and which units and datatypes they use. Each transform here reproduces one of
those differences on a copy of a graph — it never changes its input — and keeps ``truth``, the map
from the original's own node ids to the transformed graph's ids. Composed and seeded, they give the
training pairs of the learned matcher and held-out test pairs (:func:`~.pairs.make_pair`).

No leaks: what a transform renames, it renames everywhere the old name is written — the node's name,
label, other labels and synonyms, the last segment of its browse path and that segment in every
descendant's path, and mentions of the name in its descriptions — and what it removes or regroups,
it removes from the paths too. Paths are rebuilt from the graph itself: a node hangs under the node
that sits at its path's prefix (the adapters' browse paths and class paths), so the text the GNN
reads (name, labels, parent path segments, description) never carries the answer.

Modules: :mod:`.transform` (a `Pair`, what a transform is, `Compose`), :mod:`.naming` (renames, PLC
tags, fresh ids), :mod:`.structure` (dropped, added, flattened and nested nodes, partial overlap),
:mod:`.values` (other units and datatypes), :mod:`.pairs` (the standard chains and `make_pair`);
:mod:`.paths` and :mod:`.prose` keep paths and descriptions free of leaks.

Example:
    >>> import random
    >>> from translator.gnn.augment.pairs import make_pair
    >>> pair = make_pair(graph, random.Random(0))  # doctest: +SKIP
    >>> pair.truth[some_own_id] in pair.target  # doctest: +SKIP
    True
"""
