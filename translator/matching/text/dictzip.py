"""Random access into a dictd data file: ``.dict.dz`` (dictzip — gzip in chunks compressed one by
one, with a chunk table in the gzip header's extra field RA) inflated chunk by chunk, or a plain
``.dict``. A plain gzip without the table is inflated whole, once. Used by
:mod:`translator.matching.text.freedict`."""

from __future__ import annotations

import functools
import itertools
import struct
import zlib
from pathlib import Path

from translator.errors import InputError

__all__ = ["DictData"]


class DictData:
    """The bytes of a ``.dict.dz`` (dictzip: inflated chunk by chunk) or plain ``.dict`` file."""

    def __init__(self, path: Path) -> None:
        self.path, self.raw, self.whole = path, b"", b""
        self.size, self.starts = 0, [0]  # chunk size; where each chunk starts in raw, and the end

    def _fail(self, why: str) -> InputError:
        return InputError(f"not a dictzip file: {why}", source=str(self.path))

    def _open(self) -> None:
        data = self.path.read_bytes()
        if self.path.suffix != ".dz":
            self.whole = data
            return
        if data[:3] != b"\x1f\x8b\x08" or len(data) < 18:
            raise self._fail("no gzip header")
        flags, at, table = data[3], 10, ()
        if flags & 4:  # FEXTRA: dictzip's chunk table is its subfield RA
            (xlen,) = struct.unpack_from("<H", data, at)
            extra, at, pos = data[at + 2 : at + 2 + xlen], at + 2 + xlen, 0
            while pos + 4 <= len(extra):
                (length,) = struct.unpack_from("<H", extra, pos + 2)
                if extra[pos : pos + 2] == b"RA" and length >= 6:
                    _, self.size, count = struct.unpack_from("<HHH", extra, pos + 4)
                    table = struct.unpack_from(f"<{count}H", extra, pos + 10)
                pos += 4 + length
        for flag in (8, 16):  # FNAME, FCOMMENT: zero-terminated
            at = data.index(b"\0", at) + 1 if flags & flag else at
        at += 2 if flags & 2 else 0  # FHCRC
        if not table or not self.size:  # plain gzip: inflate it all, once
            try:
                self.whole = zlib.decompress(data, wbits=31)
            except zlib.error as error:
                raise self._fail(f"cannot inflate it ({error})") from None
            return
        self.raw, self.starts = data, list(itertools.accumulate(table, initial=at))
        if self.starts[-1] > len(data):
            raise self._fail(f"truncated: {len(data)} bytes, its chunk table needs {self.starts[-1]}")

    @functools.lru_cache(maxsize=64)  # noqa: B019  (one per dictionary, kept for the process)
    def _chunk(self, number: int) -> bytes:
        try:
            return zlib.decompressobj(-15).decompress(self.raw[self.starts[number] : self.starts[number + 1]])
        except zlib.error as error:
            raise self._fail(f"chunk {number} does not inflate ({error})") from None

    def everything(self) -> bytes:
        """The whole file inflated (every chunk once; not kept): for reading every entry in turn."""
        if not self.whole and not self.raw:
            self._open()
        return self.whole or b"".join(self._chunk(n) for n in range(len(self.starts) - 1))

    def read(self, offset: int, length: int) -> bytes:
        if not self.whole and not self.raw:
            self._open()
        if self.whole:
            out = self.whole[offset : offset + length]
        else:
            first, last = offset // self.size, min((offset + length - 1) // self.size, len(self.starts) - 2)
            out = b"".join(self._chunk(n) for n in range(first, last + 1))[offset - first * self.size :]
            out = out[:length]
        if len(out) != length:
            raise self._fail(f"truncated: no {length} bytes at offset {offset}")
        return out
