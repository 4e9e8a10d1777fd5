"""Browsing a live OPC UA server in batches: the network half of the live adapter.

What is browsed (the "model" of a server):

* **Own nodes**: every node of an own namespace (by default every namespace but the base one)
  reachable from the server's ``Objects`` folder through references in either direction without
  passing through a node of another namespace. That takes in the instances under ``Objects``, the
  types they use (their ``HasTypeDefinition`` targets, the data types of their variables, the
  reference types of their references) with those types' instance declarations and supertypes up to
  the first base-namespace type, and whatever else of the own namespaces hangs on them (other
  instances of the same types, subtypes, enumeration properties of data types). Not reached: own
  types that nothing reached uses, and own nodes only found through base nodes, such as the
  namespace metadata object under ``Server/Namespaces`` (which companion-specification NodeSet2
  files include and the file adapter therefore loads).
* **Context nodes**: every node of another namespace (the base one) that an own node references,
  or that is the data type of an own variable; their references are not browsed.

Every own node is browsed once (all references, both directions); attributes are read for every
node: Description always, NodeClass/BrowseName/DisplayName when no reference description gave
them, DataType and ValueRank of own variables and variable types, the Value of own
``EngineeringUnits``/``EURange``/``InstrumentRange``/``EnumStrings``/``EnumValues`` variables and the
DataTypeDefinition of own data types. Requests carry up to ``batch_size`` nodes (lowered to the
server's ``MaxNodesPerBrowse``/``MaxNodesPerRead``), with up to ``concurrency`` requests in flight
on the one session; browse continuation points are followed with BrowseNext.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.object_ids import ObjectIds

from adapters.opcua.endpoint import LiveOptions
from adapters.opcua.nodeid import UA_NAMESPACE, expanded_node_id
from adapters.opcua.ns0 import base_name
from translator.graph.model import LocalText

__all__ = ["VALUE_NAMES", "Crawl", "LiveNode", "crawl_server"]

VALUE_NAMES = frozenset({"EngineeringUnits", "EURange", "InstrumentRange", "EnumStrings", "EnumValues"})
"""BrowseNames of the properties whose Value is read (units, ranges, enumerations)."""

_A = AttributeIds
_NC = ua.NodeClass
_VARIABLE_CLASSES = (int(_NC.Variable), int(_NC.VariableType))
_RESULT_MASK = int(ua.BrowseResultMask.ReferenceTypeId | ua.BrowseResultMask.IsForward) | int(
    ua.BrowseResultMask.TargetInfo
)
_NUMERIC = (ua.NodeIdType.TwoByte, ua.NodeIdType.FourByte, ua.NodeIdType.Numeric)


@dataclass(slots=True)
class LiveNode:
    """What was learned of one node."""

    id: str
    node_id: Any
    """The ``ua.NodeId`` to request it by."""
    own: bool
    node_class: int = 0
    name: str = ""
    labels: tuple[LocalText, ...] = ()
    descriptions: tuple[LocalText, ...] = ()
    datatype: str = ""
    value_rank: int | None = None
    value: Any = None
    definition: Any = None
    failed: str = ""
    """The status of a failed NodeClass or BrowseName read (the node is then dropped)."""


@dataclass(slots=True)
class Crawl:
    """The raw result of browsing a server: its namespace array, nodes, references and counts."""

    namespaces: tuple[str, ...]
    own_namespaces: tuple[str, ...]
    nodes: dict[str, LiveNode] = field(default_factory=dict)
    references: dict[tuple[str, str, str], None] = field(default_factory=dict)
    """(source id, target id, reference type id), every one in its forward direction."""
    reference_names: dict[str, str] = field(default_factory=dict)
    """Reference type id → BrowseName, for base reference types that are not nodes of the graph."""
    browse_requests: int = 0
    read_requests: int = 0
    warnings: list[str] = field(default_factory=list)


def _base_id(numeric: int) -> ua.NodeId:
    """A numeric NodeId of the base namespace."""
    return ua.NodeId(ua.Int32(numeric))


def identifier(node_id: Any) -> str:
    """The identifier part of a NodeId as NodeSet2 files write it (``i=5``, ``s=x``, ``g=...``, ``b=...``)."""
    kind = node_id.NodeIdType
    if kind in _NUMERIC:
        return f"i={node_id.Identifier}"
    if kind == ua.NodeIdType.String:
        return f"s={node_id.Identifier}"
    if kind == ua.NodeIdType.Guid:
        return f"g={node_id.Identifier}"
    return "b=" + base64.b64encode(node_id.Identifier).decode("ascii")


def _text(value: Any) -> tuple[LocalText, ...]:
    """A LocalizedText as a one-entry tuple of ``(locale, text)``; empty when it has no text."""
    text = getattr(value, "Text", None)
    return ((getattr(value, "Locale", None) or "", text),) if text else ()


class _Crawler:
    def __init__(self, client: Client, crawl: Crawl, options: LiveOptions, limits: tuple[int, int]) -> None:
        self.client = client
        self.crawl = crawl
        self.nodes = crawl.nodes
        self.index = {uri: i for i, uri in enumerate(crawl.namespaces)}
        self.own = {self.index[uri] for uri in crawl.own_namespaces}
        self.browse_limit, self.read_limit = limits
        self.concurrency = max(1, options.concurrency)
        self.to_browse: list[str] = []
        self.to_continue: list[tuple[str, bytes]] = []
        self.to_read: list[tuple[str, int]] = []
        self.browsing = 0
        self.unknown_namespaces: set[str] = set()

    # -- ids ---------------------------------------------------------------------------------
    def resolve(self, node_id: Any) -> tuple[str, Any, int] | None:
        """Expanded id, plain ``ua.NodeId`` and namespace index; None for another server's node."""
        if getattr(node_id, "ServerIndex", 0):
            return None
        uri = getattr(node_id, "NamespaceUri", None)
        index = node_id.NamespaceIndex
        if uri:
            if uri not in self.index:
                self.unknown_namespaces.add(uri)
                return None
            index = self.index[uri]
        elif index >= len(self.crawl.namespaces):
            self.unknown_namespaces.add(f"ns={index}")
            return None
        ident = identifier(node_id)
        plain = ua.NodeId(node_id.Identifier, index, node_id.NodeIdType)
        return expanded_node_id(self.crawl.namespaces[index], ident), plain, index

    def discover(self, node_id: Any, ref: Any = None, node_class: int = 0) -> str | None:
        """Note a node (once): own nodes are queued for browsing, every node for reading."""
        resolved = self.resolve(node_id)
        if resolved is None:
            return None
        key, plain, index = resolved
        if key in self.nodes:
            return key
        node = LiveNode(key, plain, index in self.own)
        self.nodes[key] = node
        attributes = [_A.Description]
        if ref is not None:
            node.node_class = int(ref.NodeClass)
            node.name = ref.BrowseName.Name or ""
            node.labels = _text(ref.DisplayName)
        else:
            node.node_class = node_class
            attributes = [_A.NodeClass, _A.BrowseName, _A.DisplayName, _A.Description]
        if node.own:
            if node.node_class in _VARIABLE_CLASSES:
                attributes += [_A.DataType, _A.ValueRank]
            if node.node_class == _NC.Variable and node.name in VALUE_NAMES:
                attributes.append(_A.Value)
            if node.node_class == _NC.DataType:
                attributes.append(_A.DataTypeDefinition)
            self.to_browse.append(key)
        self.to_read.extend((key, int(a)) for a in attributes)
        return key

    def reference_type(self, node_id: Any) -> str | None:
        resolved = self.resolve(node_id)
        if resolved is None:
            return None
        key, _, index = resolved
        if key not in self.crawl.reference_names and key not in self.nodes:
            name = base_name(key) if index == 0 else None
            if name is not None:
                self.crawl.reference_names[key] = name
            else:
                self.discover(node_id, None, int(_NC.ReferenceType))
        return key

    # -- requests ----------------------------------------------------------------------------
    async def browse(self, owners: list[str]) -> None:
        params = ua.BrowseParameters()
        params.NodesToBrowse = [
            ua.BrowseDescription(
                NodeId=self.nodes[key].node_id,
                BrowseDirection=ua.BrowseDirection.Both,
                ReferenceTypeId=ua.NodeId(),  # null: every reference (OPC 10000-4, 5.8.2.2)
                IncludeSubtypes=True,
                NodeClassMask=0,
                ResultMask=_RESULT_MASK,
            )
            for key in owners
        ]
        self.crawl.browse_requests += 1
        self.add_results(owners, await self.client.uaclient.browse(params))

    async def browse_next(self, items: list[tuple[str, bytes]]) -> None:
        params = ua.BrowseNextParameters()
        params.ReleaseContinuationPoints = False
        params.ContinuationPoints = [cp for _, cp in items]
        self.crawl.browse_requests += 1
        self.add_results([owner for owner, _ in items], await self.client.uaclient.browse_next(params))

    def add_results(self, owners: list[str], results: list[Any]) -> None:
        references = self.crawl.references
        for owner, result in zip(owners, results, strict=True):
            if not result.StatusCode.is_good():
                self.crawl.warnings.append(f"browsing {owner} failed: {result.StatusCode.name}")
                continue
            for ref in result.References:
                target = self.discover(ref.NodeId, ref)
                relation = self.reference_type(ref.ReferenceTypeId)
                if target is None or relation is None:
                    continue
                references[(owner, target, relation) if ref.IsForward else (target, owner, relation)] = None
            if result.ContinuationPoint:
                self.to_continue.append((owner, result.ContinuationPoint))

    async def read(self, items: list[tuple[str, int]]) -> None:
        params = ua.ReadParameters()
        params.TimestampsToReturn = ua.TimestampsToReturn.Neither
        params.NodesToRead = [ua.ReadValueId(NodeId=self.nodes[k].node_id, AttributeId=a) for k, a in items]
        self.crawl.read_requests += 1
        results = await self.client.uaclient.read(params)
        for (key, attribute), value in zip(items, results, strict=True):
            self.set_attribute(self.nodes[key], attribute, value)

    def set_attribute(self, node: LiveNode, attribute: int, data: Any) -> None:
        status = data.StatusCode
        if status is not None and not status.is_good():
            if attribute in (_A.NodeClass, _A.BrowseName):
                node.failed = status.name
            return
        value: Any = data.Value.Value if data.Value is not None else None
        if value is None:
            return
        if attribute == _A.Description:
            node.descriptions = _text(value)
        elif attribute == _A.DisplayName:
            node.labels = _text(value)
        elif attribute == _A.BrowseName:
            node.name = getattr(value, "Name", None) or ""
        elif attribute == _A.NodeClass:
            node.node_class = int(value)
        elif attribute == _A.DataType:
            node.datatype = self.discover(value, None, int(_NC.DataType)) or ""
        elif attribute == _A.ValueRank:
            node.value_rank = int(value)
        elif attribute == _A.Value:
            node.value = value
        elif attribute == _A.DataTypeDefinition:
            node.definition = value

    # -- scheduling --------------------------------------------------------------------------
    def next_job(self) -> Coroutine[Any, Any, None] | None:
        """The next request to send: continuations, then browses, then full reads (partial ones
        only when no browse is pending, since browsing discovers more nodes to read)."""
        if self.to_continue:
            items, self.to_continue = (
                self.to_continue[: self.browse_limit],
                self.to_continue[self.browse_limit :],
            )
            self.browsing += 1
            return self.counted(self.browse_next(items))
        if self.to_browse:
            owners, self.to_browse = self.to_browse[: self.browse_limit], self.to_browse[self.browse_limit :]
            self.browsing += 1
            return self.counted(self.browse(owners))
        if self.to_read and (len(self.to_read) >= self.read_limit or not self.browsing):
            reads, self.to_read = self.to_read[: self.read_limit], self.to_read[self.read_limit :]
            return self.read(reads)
        return None

    async def counted(self, job: Coroutine[Any, Any, None]) -> None:
        """Run a browse request counted in ``browsing`` (counted up when it is scheduled)."""
        try:
            await job
        finally:
            self.browsing -= 1

    async def run(self) -> None:
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                while len(running) < self.concurrency:
                    job = self.next_job()
                    if job is None:
                        break
                    running.add(asyncio.ensure_future(job))
                if not running:
                    break
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                errors = [e for e in (task.exception() for task in done) if e is not None]
                if errors:  # every finished task's exception is retrieved; the first is raised
                    raise errors[0]
        finally:
            for task in running:
                task.cancel()
            if running:
                await asyncio.gather(*running, return_exceptions=True)


async def _read_values(client: Client, node_ids: list[int]) -> list[Any]:
    params = ua.ReadParameters()
    params.TimestampsToReturn = ua.TimestampsToReturn.Neither
    params.NodesToRead = [ua.ReadValueId(NodeId=_base_id(i), AttributeId=_A.Value) for i in node_ids]
    values: list[Any] = []
    for dv in await client.uaclient.read(params):
        good = dv.Value is not None and (dv.StatusCode is None or dv.StatusCode.is_good())
        values.append(dv.Value.Value if good and dv.Value is not None else None)
    return values


def _limit(batch_size: int, server_limit: Any) -> int:
    batch = max(1, batch_size)
    return min(batch, server_limit) if isinstance(server_limit, int) and server_limit > 0 else batch


async def crawl_server(client: Client, options: LiveOptions) -> Crawl:
    """Browse a connected server's model; see the module docstring."""
    objects = ObjectIds
    namespace_array, max_read, max_browse = await _read_values(
        client,
        [
            objects.Server_NamespaceArray,
            objects.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
            objects.Server_ServerCapabilities_OperationLimits_MaxNodesPerBrowse,
        ],
    )
    namespaces = tuple(namespace_array or (UA_NAMESPACE,))
    own = tuple(
        uri
        for uri in namespaces[1:]
        if uri != UA_NAMESPACE and (not options.own_namespaces or uri in options.own_namespaces)
    )
    crawl = Crawl(namespaces, own, read_requests=1)
    crawler = _Crawler(
        client, crawl, options, (_limit(options.batch_size, max_browse), _limit(options.batch_size, max_read))
    )
    # the seeds: the own-namespace nodes under Objects
    params = ua.BrowseParameters()
    params.NodesToBrowse = [
        ua.BrowseDescription(
            NodeId=_base_id(objects.ObjectsFolder),
            BrowseDirection=ua.BrowseDirection.Forward,
            ReferenceTypeId=_base_id(objects.HierarchicalReferences),
            IncludeSubtypes=True,
            NodeClassMask=0,
            ResultMask=_RESULT_MASK,
        )
    ]
    crawl.browse_requests += 1
    results = await client.uaclient.browse(params)
    while results:
        points = []
        for result in results:
            for ref in result.References:
                resolved = crawler.resolve(ref.NodeId)
                if resolved is not None and resolved[2] in crawler.own:
                    crawler.discover(ref.NodeId, ref)
            if result.ContinuationPoint:
                points.append(result.ContinuationPoint)
        if not points:
            break
        following = ua.BrowseNextParameters()
        following.ReleaseContinuationPoints = False
        following.ContinuationPoints = points
        crawl.browse_requests += 1
        results = await client.uaclient.browse_next(following)
    await crawler.run()
    if crawler.unknown_namespaces:
        crawl.warnings.append(
            "references to nodes of namespaces not in the server's namespace array were left out: "
            + ", ".join(sorted(crawler.unknown_namespaces))
        )
    return crawl
