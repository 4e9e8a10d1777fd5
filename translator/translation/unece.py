"""UNECE Recommendation 20 common codes as OPC UA carries them: the UnitId rule and the table file.

OPC UA's ``EUInformation`` names a unit by its UNECE common code, packed into a ``UnitId`` (OPC
10000-8, 5.6.3): each character of the code (at most three) is one byte, most significant first, so
``CEL`` (degree Celsius) is 0x43454C = 4408652. The OPC Foundation publishes every code with its
UnitId, symbol and name as ``Schema/UNECE_to_OPCUA.csv`` in its UA-Nodeset repository;
`read_unece_table` reads such a file (Tolka does not ship it: :func:`translator.translation.units.unece_table`
reads the one ``TOLKA_UNECE_TABLE`` names, or builds a table of the codes Tolka knows itself).

Example:
    >>> unit_id("CEL"), unece_code(4408652)
    (4408652, 'CEL')
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from translator.errors import InputError, InputTooLargeError, UnitTableError
from translator.inputs import read_input

__all__ = ["COLUMNS", "MAX_TABLE_BYTES", "UneceUnit", "read_unece_table", "unece_code", "unit_id"]

COLUMNS = ("UNECECode", "UnitId", "DisplayName", "Description")
"""The columns of the OPC Foundation's table (its header row), in its order."""
MAX_TABLE_BYTES = 8 * 1024 * 1024
"""The largest table file read (the OPC Foundation's is about 84 kB)."""
_CODE = re.compile(r"[A-Z0-9]{1,3}")


@dataclass(frozen=True, slots=True)
class UneceUnit:
    """One UNECE common code as OPC UA's EUInformation carries it: the code, its UnitId, symbol
    (EUInformation's DisplayName) and name (its Description)."""

    code: str
    unit_id: int
    symbol: str
    name: str


def unit_id(code: str) -> int:
    """Encode a UNECE common code as an OPC UA UnitId.

    >>> unit_id("CEL")
    4408652
    """
    value = 0
    for ch in code.encode("ascii"):
        value = (value << 8) | ch
    return value


def unece_code(unit_id: int) -> str:
    """Decode an OPC UA UnitId into its UNECE common code; "" when it encodes none.

    >>> unece_code(4408652)
    'CEL'
    """
    if unit_id <= 0 or unit_id >= 1 << 24:
        return ""
    chars = bytes(b for b in unit_id.to_bytes(3, "big") if b)
    try:
        code = chars.decode("ascii")
    except UnicodeDecodeError:
        return ""
    return code if code.isalnum() and code.upper() == code else ""


def read_unece_table(path: Path) -> dict[str, UneceUnit]:
    """Read a table in the OPC Foundation's format (``UNECE_to_OPCUA.csv``: UTF-8, a header row
    ``UNECECode,UnitId,DisplayName,Description``, one code a row).

    Raises:
        UnitTableError: the file is missing, unreadable, over `MAX_TABLE_BYTES`, not UTF-8, lacks a
            column, or has a bad row (its line: a wrong number of fields, a code that is no UNECE
            common code, a UnitId that is no integer, a code given twice) or no rows at all.
    """
    source = str(path)
    try:
        text = read_input(path, MAX_TABLE_BYTES, what="UNECE table (CSV)").decode("utf-8-sig")
    except InputTooLargeError as exc:
        raise UnitTableError(
            f"{exc.size:,} bytes, over the limit of {MAX_TABLE_BYTES:,}", source=source
        ) from None
    except InputError as exc:
        raise UnitTableError(exc.reason, source=source) from None
    except OSError as exc:
        raise UnitTableError(f"cannot read it: {exc.strerror or exc}", source=source) from None
    except UnicodeDecodeError as exc:
        raise UnitTableError(f"not UTF-8 text: {exc.reason}", source=source) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        missing = [name for name in COLUMNS if name not in header]
        if missing:
            raise UnitTableError(
                f"no column {', '.join(missing)} in the header {','.join(header)!r}; expected "
                f"{','.join(COLUMNS)}",
                source=source,
                line=1,
            )
        where = [header.index(name) for name in COLUMNS]
        table: dict[str, UneceUnit] = {}
        lines: dict[str, int] = {}
        for row in reader:
            if not row:
                continue
            line = reader.line_num
            if len(row) != len(header):
                raise UnitTableError(f"{len(row)} fields, expected {len(header)}", source=source, line=line)
            code, number, symbol, name = (row[i].strip() for i in where)
            if not _CODE.fullmatch(code):
                raise UnitTableError(
                    f"{code!r} is no UNECE common code (1 to 3 upper-case letters and digits)",
                    source=source,
                    line=line,
                )
            if code in table:
                raise UnitTableError(
                    f"code {code} again (first on line {lines[code]})", source=source, line=line
                )
            try:
                table[code] = UneceUnit(code, int(number), symbol, name)
            except ValueError:
                raise UnitTableError(
                    f"UnitId {number!r} of {code} is no integer", source=source, line=line
                ) from None
            lines[code] = line
    except csv.Error as exc:
        raise UnitTableError(f"malformed CSV: {exc}", source=source, line=reader.line_num) from None
    if not table:
        raise UnitTableError("no codes, only a header", source=source)
    return table
