"""NodeIds of one NodeSet2 file turned into the ``nsu=<NamespaceUri>;<id>`` identifier contract.

A NodeSet2 file writes NodeIds with file-local namespace indexes (``ns=1;i=1006``) and aliases
(``HasComponent``). Index 0 (or no ``ns=``) is the base OPC UA namespace; index k is the k-th
``<Uri>`` of the file's ``<NamespaceUris>``. The identifier part is kept as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from translator.errors import ModelContentError

__all__ = ["UA_NAMESPACE", "NodeIdResolver", "expanded_node_id", "split_expanded"]

UA_NAMESPACE = "http://opcfoundation.org/UA/"
_KINDS = ("i=", "s=", "g=", "b=")


def expanded_node_id(namespace_uri: str, identifier: str) -> str:
    """``nsu=<uri>;<identifier>``, e.g. ``nsu=http://opcfoundation.org/UA/;i=85``."""
    return f"nsu={namespace_uri};{identifier}"


def split_expanded(node_id: str) -> tuple[str, str]:
    """Split ``nsu=<uri>;<identifier>`` into (uri, identifier)."""
    body = node_id.removeprefix("nsu=")
    for kind in _KINDS:
        pos = body.find(";" + kind)
        if pos != -1:
            return body[:pos], body[pos + 1 :]
    raise ValueError(f"not an expanded NodeId: {node_id!r}")


class NodeIdResolver:
    """Resolves NodeId strings and aliases of one file to expanded ids (memoised: ids repeat a lot).

    Args:
        namespaces: the file's ``<NamespaceUris>`` (index 1 first).
        aliases: the file's ``<Aliases>`` (alias → NodeId as written).
        source: the file, for error messages.
    """

    def __init__(self, namespaces: Sequence[str], aliases: Mapping[str, str], source: str) -> None:
        self.table = (UA_NAMESPACE, *namespaces)
        self.aliases = dict(aliases)
        self.source = source
        self.cache: dict[str, str] = {}
        """Text → resolved id; callers in hot loops may look here before calling."""

    def namespace(self, index: int) -> str:
        """The URI of a file-local namespace index."""
        if 0 <= index < len(self.table):
            return self.table[index]
        raise ModelContentError(
            f"namespace index {index} is not in the file's NamespaceUris (it has {len(self.table) - 1})",
            source=self.source,
        )

    def __call__(self, text: str) -> str:
        """Resolve a NodeId or alias (``ns=1;i=5``, ``i=85``, ``nsu=...;s=x``, ``HasComponent``)."""
        hit = self.cache.get(text)
        if hit is not None:
            return hit
        raw = text.strip()
        if raw in self.aliases:
            raw = self.aliases[raw].strip()
        if raw.startswith("ns="):
            index_text, _, identifier = raw[3:].partition(";")
            if not index_text.isdigit():
                raise ModelContentError(f"malformed NodeId {text!r}", source=self.source)
            uri = self.namespace(int(index_text))
        elif raw.startswith("nsu="):
            try:
                uri, identifier = split_expanded(raw)
            except ValueError:
                raise ModelContentError(f"malformed NodeId {text!r}", source=self.source) from None
        elif raw.startswith(_KINDS):
            uri, identifier = UA_NAMESPACE, raw
        else:
            raise ModelContentError(f"unknown NodeId or alias {text!r}", source=self.source)
        if not identifier.startswith(_KINDS) or (
            identifier.startswith("i=") and not identifier[2:].isdigit()
        ):
            raise ModelContentError(f"malformed NodeId {text!r}", source=self.source)
        resolved = expanded_node_id(uri, identifier)
        self.cache[text] = resolved
        return resolved
