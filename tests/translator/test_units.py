"""Units: dimensions computed by pint from UNECE codes and QUDT IRIs."""

from __future__ import annotations

import pytest

from translator.units import UNECE_PINT, compatible, conversion, dimension, pint_expression


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


@pytest.mark.parametrize(
    ("source", "target", "value", "expected"),
    [
        ("CEL", "FAH", 100.0, 212.0),
        ("CEL", "FAH", -40.0, -40.0),
        ("FAH", "CEL", 32.0, 0.0),
        ("CEL", "KEL", 0.0, 273.15),
        ("KEL", "FAH", 0.0, -459.67),
        ("BAR", "KPA", 1.0, 100.0),
        ("BAR", "PS", 1.0, 14.503773773),
        ("PS", "KPA", 1.0, 6.894757293),
        ("RPM", "HTZ", 1500.0, 25.0),  # a shaft speed in Hz is revolutions per second
        ("2A", "RPM", 1.0, 9.549296586),  # 1 rad/s = 60 / 2π rpm
        ("MQH", "L2", 1.0, 16.666666667),
        ("G2", "L2", 1.0, 3.785411784),  # US gallon
        ("KWT", "BHP", 1.0, 1.341022090),
        ("HUR", "SEC", 2.0, 7200.0),
        ("P1", "C62", 50.0, 0.5),
        ("http://qudt.org/vocab/unit/DEG_C", "FAH", 37.0, 98.6),
    ],
)
def test_conversions_are_computed_right(source: str, target: str, value: float, expected: float) -> None:
    scale, offset = conversion(source, target)
    assert scale * value + offset == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_conversion_is_exact_where_it_should_be_and_inverts() -> None:
    assert conversion("CEL", "FAH") == (1.8, 32.0)
    scale, offset = conversion("FAH", "CEL")
    back_scale, back_offset = conversion("CEL", "FAH")
    assert scale * back_scale == pytest.approx(1.0)
    assert scale * back_offset + offset == pytest.approx(0.0, abs=1e-9)


def test_conversion_refuses_other_quantities_and_unknown_units() -> None:
    from translator.errors import UnitError

    with pytest.raises(UnitError, match=r"CEL .* BAR .*different quantities") as caught:
        conversion("CEL", "BAR")
    assert (caught.value.source_unit, caught.value.target_unit) == ("CEL", "BAR")
    with pytest.raises(UnitError, match="unknown unit 'XYZ'"):
        conversion("CEL", "XYZ")
