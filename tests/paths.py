"""Shared fixtures: where the shipped and the shared development data live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEMO = ROOT / "ontologies" / "demo"
VENDOR_A = DEMO / "VendorA.PumpSkid.NodeSet2.xml"
VENDOR_B = DEMO / "VendorB.LegacySkid.NodeSet2.xml"
PLANT = ROOT / "ontologies" / "plant.ttl"
TEST_DATA = Path(__file__).resolve().parent / "data"
UNECE_TABLE = SHARED / "opcua" / "UNECE_to_OPCUA.csv"
"""The OPC Foundation's table of UNECE codes, read in place (tests/conftest.py sets TOLKA_UNECE_TABLE to it)."""


def shared(*parts: str) -> Path:
    """A path in ../shared/data; the test is skipped when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/data is not beside this checkout)")
    return path
