"""A name that begins with its model's own name is also known without it: ``Conference_fees`` of the
ontology ``http://conference`` meets another conference ontology's ``Fee``."""

from __future__ import annotations

from adapters import load_paths
from tests.paths import shared
from translator.graph.model import Node, NodeKind, SchemaGraph
from translator.matching.lexical import lexical_candidates
from translator.matching.model_prefix import model_name, model_prefix_names
from translator.matching.similarity import ALIAS


def _ontology(namespace: str, names: list[str]) -> SchemaGraph:
    graph = SchemaGraph(namespace, namespaces=[namespace])
    for name in names:
        graph.add_node(Node(f"{namespace}#{name}", NodeKind.CLASS, name))
    return graph


def test_the_model_name_is_the_namespace_without_extension_or_language_tag() -> None:
    assert model_name("http://conference") == ("conference",)
    assert model_name("http://conference_en") == ("conference",)  # OAEI MultiFarm's English rendering
    assert model_name("http://linklings.owl") == ("linkling",)
    assert model_name("https://www.w3.org/2019/wot/security#") == ("security",)
    assert model_name("https://admin-shell.io/aas/3/0/") == ()  # a version names no model


def test_names_of_the_real_conference_ontology_lose_its_own_name() -> None:
    graph = load_paths([shared("oaei-conference", "ontologies", "conference.owl")])
    names = model_prefix_names(graph)
    assert names["http://conference#Conference_document"] == ("document",)
    assert names["http://conference#Conference_fees"] == ("fee",)
    assert "http://conference#Conference" not in names  # nothing left without the prefix
    assert "http://conference#Paper" not in names
    # a name that only contains the model's name keeps it
    assert "http://conference#is_part_of_conference_volumes" not in names


def test_an_ontology_of_opaque_ids_gets_no_hex_names() -> None:
    graph = _ontology("http://emmo.info/emmo", ["EMMO_1a4c1a97_88a7_4d8e_b2f9_2ca58e92dde4", "EMMO_Length"])
    assert model_prefix_names(graph) == {"http://emmo.info/emmo#EMMO_Length": ("length",)}


def test_a_companion_specification_is_left_to_the_opc_ua_convention() -> None:
    graph = SchemaGraph(
        "http://opcfoundation.org/UA/MachineTool/", namespaces=["http://opcfoundation.org/UA/MachineTool/"]
    )
    for name in ("MachineToolType", "MachineToolIdentificationType", "MonitoringType"):
        graph.add_node(Node(f"ns=1;s={name}", NodeKind.OBJECT_TYPE, name))
    assert model_prefix_names(graph) == {}


def test_the_prefixed_name_meets_the_plain_name_of_another_model() -> None:
    sigkdd = _ontology("http://sigkdd", ["Fee", "Document"])
    conference = _ontology("http://conference", ["Conference_fees", "Conference_document"])
    meeting = _ontology("http://meeting", ["Conference_fees", "Conference_document"])

    def scores(source: SchemaGraph) -> dict[tuple[str, str], float]:
        found = lexical_candidates(source, sigkdd)
        return {
            (found.source[i].id.split("#")[1], found.target[j].id.split("#")[1]): float(s)
            for i, j, s in zip(found.rows, found.cols, found.scores, strict=True)
        }

    prefixed = scores(conference)
    assert prefixed[("Conference_fees", "Fee")] == ALIAS
    assert prefixed[("Conference_document", "Document")] == ALIAS
    # where the prefix is not the model's own name it qualifies the name, which then only contains
    # the other
    other = scores(meeting)
    assert other.get(("Conference_fees", "Fee"), 0.0) < ALIAS
    assert other.get(("Conference_document", "Document"), 0.0) < ALIAS


def test_a_name_given_in_full_outranks_the_name_without_the_model_s_own() -> None:
    # ekaw has both Proceedings and Conference_Proceedings: the conference ontology's
    # Conference_proceedings is the second before it is the first, not both alike
    conference = _ontology("http://conference", ["Conference_proceedings"])
    ekaw = _ontology("http://ekaw", ["Proceedings", "Conference_Proceedings"])
    found = lexical_candidates(conference, ekaw)
    scores = {
        found.target[j].id.split("#")[1]: float(s) for j, s in zip(found.cols, found.scores, strict=True)
    }
    assert scores["Conference_Proceedings"] == 1.0
    assert scores["Proceedings"] < scores["Conference_Proceedings"]
