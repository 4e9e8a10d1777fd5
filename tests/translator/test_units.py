"""Units: dimensions computed by pint from UNECE codes and QUDT IRIs."""

from __future__ import annotations

import pytest

from translator.units import UNECE_PINT, compatible, dimension, pint_expression


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("CEL", "FAH", True),
        ("CEL", "KEL", True),
        ("BAR", "PS", True),
        ("MQH", "G2", True),
        ("RPM", "HTZ", True),
        ("CEL", "BAR", False),
        ("MTR", "MTQ", False),
        ("KWT", "BHP", True),
        ("CEL", "http://qudt.org/vocab/unit/DEG_F", True),
        ("MQH", "http://qudt.org/vocab/unit/M3-PER-HR", True),
        ("AMP", "http://qudt.org/vocab/unit/PERCENT", False),
    ],
)
def test_compatible(a: str, b: str, same: bool) -> None:
    assert compatible(a, b) is same


def test_unknown_units_give_no_evidence() -> None:
    assert compatible("CEL", "") is None
    assert compatible("CEL", "XYZ") is None
    assert dimension("XYZ") is None
    assert pint_expression("http://qudt.org/vocab/unit/NOPE") is None


def test_every_listed_code_is_understood_by_pint() -> None:
    for code in UNECE_PINT:
        assert dimension(code) is not None, code
