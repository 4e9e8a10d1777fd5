"""Units: dimensions computed by pint from UNECE codes and QUDT IRIs."""

from __future__ import annotations

import math

import pytest

from translator.translation.units import (
    UNECE_PINT,
    compatible,
    conversion,
    dimension,
    pint_expression,
    unece_table,
)


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


# The same physical amount in each unit of a quantity (known constants): every pair of codes of one
# quantity must convert one value into the other, and codes of different quantities never convert.
SAME_AMOUNT: dict[str, dict[str, float]] = {
    "temperature": {"CEL": 100.0, "FAH": 212.0, "KEL": 373.15},
    "pressure": {
        "BAR": 1.0,
        "KPA": 100.0,
        "PAL": 100_000.0,
        "MBR": 1000.0,
        "A97": 1000.0,
        "PS": 14.503773773,
    },
    "rotation": {"RPM": 60.0, "HTZ": 1.0, "RPS": 1.0, "C97": 1.0, "C94": 60.0, "2A": 2 * math.pi},
    "volume flow": {"MQH": 3.6, "L2": 60.0, "G51": 1.0, "E32": 3600.0, "G2": 60 / 3.785411784},
    "power": {"KWT": 0.74569987158227, "WTT": 745.69987158227, "BHP": 1.0},
    "mass flow": {"E93": 3600.0, "KGS": 1.0},
    "current": {"4K": 1000.0, "AMP": 1.0},
    "length": {"KMT": 1.0, "MTR": 1000.0},
}


def test_every_pair_of_one_quantity_converts_the_same_amount() -> None:
    for quantity, amounts in SAME_AMOUNT.items():
        for source, value in amounts.items():
            for target, expected in amounts.items():
                scale, offset = conversion(source, target)
                assert scale * value + offset == pytest.approx(expected, rel=1e-9), (quantity, source, target)


def test_codes_of_different_quantities_never_convert() -> None:
    from translator.errors import UnitError

    groups = list(SAME_AMOUNT.values())
    for k, first in enumerate(groups):
        for second in groups[k + 1 :]:
            for a in first:
                for b in second:
                    assert compatible(a, b) is False, (a, b)
                    with pytest.raises(UnitError, match="different quantities"):
                        conversion(a, b)


def test_angles_are_handled_on_purpose() -> None:
    from translator.errors import UnitError

    assert conversion("HTZ", "C97") == (1.0, 0.0)  # hertz is a reciprocal second
    assert conversion("RPM", "C94") == (1.0, 0.0)  # a revolution per minute is a reciprocal minute
    assert conversion("RPM", "HTZ")[0] == pytest.approx(1 / 60)
    assert conversion("2A", "RPM")[0] == pytest.approx(60 / (2 * math.pi))
    assert conversion("DD", "C81")[0] == pytest.approx(math.pi / 180)
    with pytest.raises(UnitError, match="different quantities"):
        conversion("HTZ", "S4")  # S4 is m²/s
    assert compatible("DD", "P1") is False  # an angle is not a ratio, though both are dimensionless
    assert compatible("C81", "C62") is False


def test_every_code_of_the_opc_foundation_table_is_known() -> None:
    from adapters.opcua.values import unit_id

    table = unece_table()
    assert len(table) == 1827
    for code, unit in table.items():
        assert unit.unit_id == unit_id(code), code  # the UnitId is the code, packed
    assert table["E93"].symbol == "kg/h"
    assert {"KTM", "MAA", "KGH"}.isdisjoint(table)  # not UNECE codes
    for code in UNECE_PINT:
        assert code in table, code  # Tolka reads on purpose only codes that exist
    assert pint_expression("E93") == "kg/hour"
    assert pint_expression("J92") == "dm**3/min"  # read from the table: symbol and name agree
    assert conversion("J92", "L2")[0] == pytest.approx(1.0)  # a cubic decimetre is a litre
    assert pint_expression("D31") == "TW"
    assert conversion("D31", "KWT")[0] == pytest.approx(1e9)
    assert pint_expression("KTN") is None  # 'kt' is a knot to pint, a kilotonne to UNECE: not guessed
