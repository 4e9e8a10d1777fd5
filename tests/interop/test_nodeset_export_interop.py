"""node-opcua loads the NodeSet2 files ``tolka export`` writes, and serves them as asyncua does.

node-opcua's OPCUAServer loads the export after the standard nodeset (``source-server.mjs --nodeset``);
node-opcua's own client browses it and reads a variable, and an asyncua client reads the same NodeIds,
BrowseNames, DataTypes and EngineeringUnits from it as from an asyncua server that imported the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from asyncua.client.client import Client

from adapters import load
from adapters.opcua.nodeid import split_expanded
from adapters.opcua.nodeset_write import NodeSetExport, export_nodeset
from tests.address_space import ServedNode, browse_model
from tests.interop.nodeopcua import events_of, node_source_server, run_node_client
from tests.paths import TEST_DATA, VENDOR_A
from tests.servers import asyncua_server, free_port
from translator.translation.units import unece_table

pytestmark = pytest.mark.anyio

OBJECTS = "nsu=http://opcfoundation.org/UA/;i=85"

MODELS = {
    "json-schema": (TEST_DATA / "pump.schema.json", "urn:tolka:test:pump#/properties/pump/properties/speed"),
    "samples": (TEST_DATA / "messages.jsonl", "messages.jsonl#/tank/level"),
    "owl": (TEST_DATA / "skid.rdf", "urn:tolka:test:skid#speed"),
    "nodeset": (VENDOR_A, "nsu=http://tolka.dev/demo/VendorA/;i=6055"),
}


def by_uri(tree: dict[str, ServedNode], index: int, uri: str) -> dict[str, ServedNode]:
    """A browsed tree with the model's namespace index written as its URI (servers number it apart)."""
    local = f"ns={index};"

    def named(text: str) -> str:
        return text.replace(local, f"nsu={uri};", 1) if text.startswith(local) else text

    return {named(k): (name, cls, named(data_type), unit) for k, (name, cls, data_type, unit) in tree.items()}


async def asyncua_serves(path: Path, uri: str) -> dict[str, ServedNode]:
    async with asyncua_server(path) as server:
        index = await server.get_namespace_index(uri)
        return by_uri(await browse_model(server.get_node, index), index, uri)


def under_objects(export: NodeSetExport, namespaces: list[str]) -> set[str]:
    """The written nodes under Objects (by their parents), as ``ns=<index>;<id>`` of a server with
    ``namespaces``: what a client browsing from Objects finds."""
    parent = {n.node_id: n.parent for n in export.plan.nodes}
    found = set()
    for node_id in parent:
        current, steps = node_id, 0
        while current in parent and steps < len(parent):
            current, steps = parent[current], steps + 1
        if current == OBJECTS:
            uri, identifier = split_expanded(node_id)
            found.add(f"ns={namespaces.index(uri)};{identifier}")
    return found


@pytest.mark.parametrize("model", sorted(MODELS))
async def test_node_opcua_loads_the_export(model: str, tmp_path: Path) -> None:
    source, variable = MODELS[model]
    export = export_nodeset(load(source))
    path = tmp_path / "model.NodeSet2.xml"
    path.write_bytes(export.xml)
    uri = export.plan.model_uri
    async with node_source_server(
        free_port(), tmp_path / "server-pki", [path], allow_anonymous=True, security="open", simulate=False
    ) as server:
        assert uri in server.namespaces
        # node-opcua's client: every node under Objects, and a variable read
        returncode, lines, stderr = await run_node_client(
            server.endpoint, tmp_path / "client-pki", ["browse"]
        )
        assert returncode == 0, stderr
        browsed = {line["nodeId"] for line in events_of(lines, "node") if line["namespaceUri"] == uri}
        expected = under_objects(export, server.namespaces)
        assert browsed == expected
        if model != "owl":  # an ontology's classes are types: nothing under Objects
            assert expected
        returncode, lines, stderr = await run_node_client(
            server.endpoint, tmp_path / "client-pki", ["read", export.ids[variable]]
        )
        assert returncode == 0, stderr
        (read,) = events_of(lines, "read")
        assert not read["statusCode"].startswith("BadNodeId"), read
        # an asyncua client: node-opcua serves what an asyncua server that imported the file serves
        async with Client(server.endpoint) as client:
            index = await client.get_namespace_index(uri)
            from_node = by_uri(await browse_model(client.get_node, index), index, uri)
    from_asyncua = await asyncua_serves(path, uri)
    assert from_node == from_asyncua
    assert export.ids[variable] in from_node
    units = {unit for *_, unit in from_node.values() if unit is not None}
    assert units <= {u.unit_id for u in unece_table().values()}
    assert bool(units) is (model in ("json-schema", "nodeset"))  # the messages and the ontology have none
