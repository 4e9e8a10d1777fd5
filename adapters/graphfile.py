"""The saved-graph adapter: a SchemaGraph written by ``tolka inspect --save`` loads back as is."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.options import LoadOptions, SourceFile
from adapters.safety import parse_json, read_input
from translator.graph.file import graph_from_dict
from translator.graph.model import SchemaGraph

__all__ = ["GraphFileAdapter"]


class GraphFileAdapter:
    """Loads saved SchemaGraph JSON files; several merge into one graph."""

    name = "graph"

    def load(self, files: Sequence[SourceFile], options: LoadOptions) -> SchemaGraph:
        """Read the graph files and merge them."""
        graph: SchemaGraph | None = None
        for f in files:
            data = read_input(f.path, options.max_bytes)
            doc = parse_json(data, str(f.path))
            loaded = graph_from_dict(doc, source=str(f.path))
            if graph is None:
                graph = loaded
            else:
                graph.update(loaded)
        assert graph is not None
        return graph
