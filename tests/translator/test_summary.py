"""The summary of a graph and the refusal to match a model with no entities of its own."""

from __future__ import annotations

import pytest

from adapters import load_paths
from tests.paths import PLANT, VENDOR_A
from translator.errors import EmptyModelError, InputError
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.graph.summary import require_own_entities, summarize
from translator.matching.matcher import MatchOptions, match


def _context_only() -> SchemaGraph:
    graph = SchemaGraph("imports-only", sources=["sosa.ttl"])
    graph.add_node(Node("urn:x#Sensor", NodeKind.CLASS, "Sensor", own=False))
    graph.add_node(Node("urn:x#observes", NodeKind.OBJECT_PROPERTY, "observes", own=False))
    graph.warnings.append("owl:imports urn:y not found in local folders; loaded without it")
    return graph


def test_summary_counts_own_and_context() -> None:
    summary = summarize(load_paths([VENDOR_A]))
    assert summary["nodes"] == summary["own_nodes"] + summary["context_nodes"]
    assert summary["own_nodes"] > 0


def test_an_empty_side_is_named_with_what_was_loaded_and_what_to_try() -> None:
    plant = load_paths([PLANT])
    with pytest.raises(EmptyModelError) as empty:
        require_own_entities(plant, SchemaGraph("nothing", sources=["empty.ttl"]))
    assert empty.value.side == "target"
    assert isinstance(empty.value, InputError)  # the CLI prints it as one line, the gateway as a 4xx
    assert "the target model (empty.ttl) has no entities of its own to match: loaded nothing" in str(
        empty.value
    )
    with pytest.raises(EmptyModelError) as context:
        require_own_entities(_context_only(), plant)
    message = str(context.value)
    assert context.value.side == "source"
    assert (
        "loaded 2 nodes, all context from imported or required models (1 class, 1 object_property)" in message
    )
    assert "owl:imports urn:y not found" in message
    assert all(hint in message for hint in ("--individuals", "'folder/*.ttl'", "--models-dir"))
    require_own_entities(plant, plant)  # both have entities: no error


@pytest.mark.parametrize("method", ["lexical", "structural", "gnn"])
def test_match_refuses_an_empty_side_by_every_method(method: str) -> None:
    with pytest.raises(EmptyModelError, match="the source model"):
        match(SchemaGraph("nothing"), load_paths([PLANT]), MatchOptions(method=method))
