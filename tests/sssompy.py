"""SSSOM files as sssom-py, the SSSOM project's own library, reads and validates them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from sssom.constants import SchemaValidationType
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

CHECKS = [
    SchemaValidationType.JsonSchema,
    SchemaValidationType.PrefixMapCompleteness,
    SchemaValidationType.StrictCurieFormat,
]


def rows_as_sssom_py_reads_them(path: Path) -> list[dict[str, Any]]:
    """The mappings sssom-py keeps (it drops a row whose ids are no valid CURIE or IRI), after
    validating the set against the SSSOM schema, the prefix map and the CURIE syntax (raises if not)."""
    msdf = parse_sssom_table(path)
    validate(msdf, CHECKS, fail_on_error=True)
    frame = msdf.df.astype(object)
    records: list[dict[str, Any]] = frame.where(frame.notna(), "").to_dict("records")
    return records


def sssom_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """``sssom validate PATH``, the command line a user would run."""
    command = Path(sys.executable).with_name("sssom")
    return subprocess.run([str(command), "validate", str(path)], capture_output=True, text=True, timeout=300)
