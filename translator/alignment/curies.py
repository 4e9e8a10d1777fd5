"""CURIEs for Tolka's node ids: the prefix scheme of the SSSOM files Tolka writes.

An id is cut into a namespace and a local part, and the namespace gets a short prefix:

- ``nsu=http://opcfoundation.org/UA/DI/;i=1002`` is ``di:i=1002``, ``di`` standing for
  ``nsu=http://opcfoundation.org/UA/DI/;``;
- ``http://cmt#Author`` is ``cmt:Author`` (``cmt``: ``http://cmt#``);
- ``https://admin-shell.io/aas/3/0/Submodel`` is ``aas3_0:Submodel``;
- ``pump.schema.json#/speed`` is ``pump:/speed`` (``pump``: ``pump.schema.json#``).

* An OPC UA ExpandedNodeId (``nsu=<namespace URI>;<identifier>``, OPC 10000-6 5.1.12, whose URI has
  any ``;`` percent-encoded) is cut after the first ``;``: the prefix stands for ``nsu=<URI>;`` and the
  local part is the NodeId's identifier (``i=``, ``s=``, ``g=``, ``b=``). Expanding the CURIE gives the
  ExpandedNodeId back character for character, as DESIGN.md writes it.
* Any other id with a ``#`` is cut after its first ``#`` (an OWL IRI, a JSON Pointer into a file);
  an IRI without one after its last ``/`` (or ``:`` for a URN).
* The prefix is the namespace's last word: the last path segment with a letter in it (``Machinery``,
  ``DI``, ``sosa``; with the version numbers after it: ``aas/3/0/`` is ``aas3_0``), else the host
  (``http://cmt#`` → ``cmt``); for a file, its name up to the first dot. Lower case, letters, digits
  and ``_``; a prefix already taken (by another namespace, or one of ``reserved`` such as ``skos``)
  gets ``2``, ``3``, ... Namespaces are named in sorted order, so the same ids always give the same map.

An id that cannot be cut (no namespace, or an empty local part) is written whole.

Example:
    >>> names = prefix_map(["nsu=http://opcfoundation.org/UA/DI/;i=1002", "http://cmt#Author"])
    >>> names
    {'cmt': 'http://cmt#', 'di': 'nsu=http://opcfoundation.org/UA/DI/;'}
    >>> compress("nsu=http://opcfoundation.org/UA/DI/;i=1002", names)
    'di:i=1002'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, urlsplit

__all__ = ["compress", "namespace_of", "prefix_map"]

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def namespace_of(node_id: str) -> str | None:
    """The namespace part of ``node_id`` (see the module docstring), or None when it has none.

    >>> namespace_of("nsu=urn:x;y;s=a")
    'nsu=urn:x;'
    >>> namespace_of("urn:tolka:served:Pump") is None
    False
    """
    if node_id.startswith("nsu="):
        end = node_id.find(";")
        base = node_id[: end + 1] if end > 4 else ""
    elif "#" in node_id:
        base = node_id[: node_id.index("#") + 1]
    elif "://" in node_id:
        after = node_id.index("://") + 3
        end = node_id.rfind("/")
        base = node_id[: end + 1] if end >= after else ""
    elif node_id.startswith("urn:"):
        base = node_id[: node_id.rfind(":") + 1]
    else:
        base = ""
    local = node_id[len(base) :]
    if not base or not local or local.startswith("//") or any(ch.isspace() for ch in node_id):
        return None  # nothing to cut, or a local part a CURIE cannot carry
    return base


def _word(namespace: str) -> str:
    """The namespace's last meaningful word, as a prefix (lower case, may be "")."""
    uri = unquote(namespace.removeprefix("nsu=").rstrip(";#/:"))
    parts = urlsplit(uri)
    if parts.scheme and parts.scheme != "urn":
        segments = [s for s in parts.path.split("/") if s]
        named = [k for k, s in enumerate(segments) if _WORD.search(s)]
        if named:  # with the version numbers after it: aas/3/0 → aas3_0
            word = segments[named[-1]] + "_".join(segments[named[-1] + 1 :])
        else:
            labels = [label for label in parts.netloc.split(".") if label and label != "www"]
            word = labels[0] if len(labels) == 1 else (labels[-2] if len(labels) > 1 else "")
    elif parts.scheme == "urn":
        words = [s for s in uri.split(":")[1:] if _WORD.search(s)]
        word = words[-1] if words else ""
    else:  # a file name, perhaps with folders: its name up to the first dot
        word = uri.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    word = re.sub(r"[^a-z0-9_]+", "_", word.lower()).strip("_")
    return word if word[:1].isalpha() else ""


def prefix_map(ids: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A prefix for every namespace of ``ids`` (prefix → namespace), none equal to a ``reserved`` one."""
    namespaces = sorted({ns for ns in map(namespace_of, ids) if ns is not None})
    taken = {r.lower() for r in reserved}
    names: dict[str, str] = {}
    for namespace in namespaces:
        word = _word(namespace) or "ns"
        prefix, n = word, 1
        while prefix in taken:
            n += 1
            prefix = f"{word}{n}"
        taken.add(prefix)
        names[prefix] = namespace
    return dict(sorted(names.items()))


def compress(node_id: str, prefixes: Mapping[str, str]) -> str:
    """``node_id`` as a CURIE of ``prefixes`` (prefix → namespace), or whole when none fits."""
    namespace = namespace_of(node_id)
    if namespace is None:
        return node_id
    for prefix, base in prefixes.items():
        if base == namespace:
            return f"{prefix}:{node_id[len(base) :]}"
    return node_id
