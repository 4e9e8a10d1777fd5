"""Units: dimensions computed by pint from UNECE codes and QUDT IRIs; the table of UNECE codes, the
OPC Foundation's (read where ../shared/data has it) or the built-in one."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.paths import shared
from translator.errors import UnitTableError
from translator.translation.unece import UneceUnit, unece_code, unit_id
from translator.translation.units import (
    SENML_UNITS,
    TABLE_ENV,
    UNECE_PINT,
    as_unece,
    compatible,
    conversion,
    dimension,
    logarithmic,
    pint_expression,
    reload_units,
    unece_table,
)


@pytest.fixture
def opc_foundation_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, UneceUnit]]:
    """The OPC Foundation's table in ../shared/data, named by TOLKA_UNECE_TABLE (skips without it)."""
    monkeypatch.setenv(TABLE_ENV, str(shared("opcua", "UNECE_to_OPCUA.csv")))
    reload_units()
    yield unece_table()
    reload_units()  # before monkeypatch restores the variable: the next caller reads it again


@pytest.fixture
def built_in_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, UneceUnit]]:
    """Tolka's built-in table: TOLKA_UNECE_TABLE unset."""
    monkeypatch.delenv(TABLE_ENV, raising=False)
    reload_units()
    yield unece_table()
    reload_units()


def _use_table(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setenv(TABLE_ENV, str(path))
    reload_units()


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


def test_a_level_in_decibels_is_never_scaled_into_a_ratio() -> None:
    """10 dB is a power ratio of 10: no scale and offset turn a level into a linear value, so a dB
    value next to a plain ratio is different quantities, as an angle next to a ratio is."""
    from translator.errors import UnitError

    assert logarithmic("2N")
    assert not logarithmic("C62")
    assert not logarithmic("P1")
    assert compatible("2N", "C62") is False
    assert compatible("2N", "P1") is False
    assert compatible("2N", "2N") is True
    with pytest.raises(UnitError, match="2N is a level on a logarithmic scale and C62 is not") as caught:
        conversion("2N", "C62")
    assert (caught.value.source_unit, caught.value.target_unit) == ("2N", "C62")
    with pytest.raises(UnitError, match="2N is a level on a logarithmic scale and P1 is not"):
        conversion("P1", "2N")


@pytest.mark.shared_data
def test_the_table_is_read_for_farads_and_ohms_too(opc_foundation_table: dict[str, UneceUnit]) -> None:
    """A farad is not an angle for having "rad" in its name, and the table's ohm sign (U+2126) is the
    ohm pint writes as a Greek omega."""
    assert opc_foundation_table["A87"].symbol == "G\u2126"
    assert conversion("A87", "OHM") == (1e9, 0.0)  # gigaohm
    assert conversion("B49", "OHM") == (1e3, 0.0)  # kiloohm
    assert conversion("FAR", "C10") == (1e3, 0.0)  # farad → millifarad
    assert compatible("FAR", "OHM") is False
    assert pint_expression("C81") is not None
    assert pint_expression("2A") is not None
    assert conversion("C50", "2N")[0] == pytest.approx(20 / math.log(10))  # levels convert among themselves


@pytest.mark.shared_data
def test_every_code_of_the_opc_foundation_table_is_known(opc_foundation_table: dict[str, UneceUnit]) -> None:
    table = opc_foundation_table
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
    assert as_unece("D31") == "D31"


def test_the_built_in_table_holds_the_codes_tolka_reads(built_in_table: dict[str, UneceUnit]) -> None:
    table = built_in_table
    assert set(table) == set(UNECE_PINT) | set(SENML_UNITS.values())
    assert len(table) == 100
    for code, unit in table.items():
        assert unit.code == code
        assert unit.unit_id == unit_id(code), code  # OPC 10000-8 5.6.3: the code, packed
        assert unece_code(unit.unit_id) == code
        assert unit.symbol, code
        assert unit.name, code
    assert table["CEL"] == UneceUnit("CEL", 4408652, "°C", "degree Celsius")
    assert table["HTZ"] == UneceUnit("HTZ", 4740186, "Hz", "hertz")
    assert table["KPA"] == UneceUnit("KPA", 4935745, "kPa", "kilopascal")
    assert (table["RPM"].symbol, table["RPM"].name) == ("r/min", "revolution per minute")
    assert (table["M44"].symbol, table["MQH"].symbol, table["C94"].symbol) == ("rev", "m³/h", "min⁻¹")
    assert (table["MQH"].name, table["C94"].name) == ("cubic metre per hour", "reciprocal minute")
    assert table["MSK"].name == "metre per second squared"  # a length's power before it, others after
    assert table["A24"].name == "candela per square metre"  # a SenML-only code, from its symbol cd/m2
    assert (table["P1"].symbol, table["C62"].symbol, table["C62"].name) == ("%", "1", "one")
    assert (table["KWH"].symbol, table["KWH"].name) == ("kW·h", "kilowatt hour")
    assert table["G2"].symbol == "gal (US)/min"
    assert table["Q30"].name == "pH (acidity)"  # not the picohenry pint reads in "pH"


def test_the_built_in_table_reads_its_codes_as_the_curated_ones(built_in_table: dict[str, UneceUnit]) -> None:
    assert conversion("CEL", "FAH") == (1.8, 32.0)
    assert conversion("RPM", "HTZ")[0] == pytest.approx(1 / 60)
    assert pint_expression("D33") == "T"  # a SenML-only code, read from the symbol and name it has here
    assert conversion("D33", "D33") == (1.0, 0.0)
    for code in ("Q30", "DBW", "D46", "D44"):  # pH, dBW, apparent and reactive power: no henry, no watt
        assert pint_expression(code) is None, code
    assert compatible("Q30", "81") is None
    # a code of the OPC Foundation's table the built-in one does not hold is unknown, never guessed
    assert "D31" not in built_in_table
    assert (pint_expression("D31"), as_unece("D31"), dimension("D31")) == (None, None, None)


# The built-in table's symbols and names that differ from the OPC Foundation's (pint's spelling of the
# same unit: hp for BHP, VA for V·A, % for "% or pct"; a singular revolution; no "[unit of time]")
OTHER_SYMBOLS = {"AD", "BHP", "D46", "G2", "G3", "HJ", "K43", "P1", "PS"}
OTHER_NAMES = {"BAR", "BHP", "D44", "D46", "DBW", "DD", "G2", "G3", "HJ", "K43", "MIN", "PS", "Q30", "RPM", "RPS", "SEC", "TNE"}  # fmt: skip


@pytest.mark.shared_data
def test_the_built_in_table_agrees_with_the_opc_foundation_one(monkeypatch: pytest.MonkeyPatch) -> None:
    official = shared("opcua", "UNECE_to_OPCUA.csv")
    monkeypatch.delenv(TABLE_ENV, raising=False)
    reload_units()
    built_in = unece_table()
    dimensions = {code: dimension(code) for code in built_in}
    _use_table(monkeypatch, official)
    try:
        table = unece_table()
        assert len(table) == 1827
        for code, unit in built_in.items():
            assert unit.unit_id == table[code].unit_id, code
            assert (unit.symbol == table[code].symbol) is (code not in OTHER_SYMBOLS), (unit, table[code])
            assert (unit.name == table[code].name) is (code not in OTHER_NAMES), (unit, table[code])
            assert dimensions[code] == dimension(code), code  # read as the same unit, or unknown in both
    finally:
        reload_units()


def _table(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "UNECE_to_OPCUA.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HEADER = "UNECECode,UnitId,DisplayName,Description"


def test_a_table_of_ones_own_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "units.csv"  # as the OPC Foundation writes it: a BOM, CRLF, quoted fields
    path.write_bytes(
        f'\ufeff{HEADER}\r\nCEL,4408652,°C,degree Celsius\r\nD31,4469553,"TW","terawatt"\r\n'.encode()
    )
    _use_table(monkeypatch, path)
    try:
        assert unece_table() == {
            "CEL": UneceUnit("CEL", 4408652, "°C", "degree Celsius"),
            "D31": UneceUnit("D31", 4469553, "TW", "terawatt"),
        }
        assert pint_expression("D31") == "TW"
        assert as_unece("HTZ") is None  # not in this table
    finally:
        reload_units()


@pytest.mark.parametrize(
    ("lines", "line", "says"),
    [
        (
            (HEADER, "CEL,4408652,°C,degree Celsius", "HTZ,hertz,Hz,hertz"),
            3,
            "UnitId 'hertz' of HTZ is no integer",
        ),
        ((HEADER, "CEL,4408652,°C"), 2, "3 fields, expected 4"),
        ((HEADER, "CEL,4408652,°C,x", "cel,1,°C,x"), 3, "'cel' is no UNECE common code"),
        (
            (HEADER, "CEL,4408652,°C,x", "HTZ,4740186,Hz,x", "CEL,4408652,°C,x"),
            4,
            r"code CEL again \(first on line 2\)",
        ),
        ((HEADER, 'CEL,4408652,"°C,x'), 2, "malformed CSV"),
        (("Code,UnitId,Symbol,Description", "CEL,4408652,°C,x"), 1, "no column UNECECode, DisplayName"),
        ((HEADER,), None, "no codes"),
    ],
)
def test_a_malformed_table_is_refused_naming_file_and_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lines: tuple[str, ...], line: int | None, says: str
) -> None:
    path = _table(tmp_path, *lines)
    _use_table(monkeypatch, path)
    try:
        with pytest.raises(UnitTableError, match=says) as caught:
            unece_table()
        assert (caught.value.source, caught.value.line) == (str(path), line)
        assert str(caught.value).startswith(f"{path}:{line}: " if line else f"{path}: ")
        assert TABLE_ENV in str(caught.value)
    finally:
        reload_units()


def test_a_table_that_is_not_there_is_an_error_not_the_built_in_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for path, says in ((tmp_path / "nowhere.csv", "file not found"), (tmp_path, "is a folder")):
        _use_table(monkeypatch, path)
        try:
            with pytest.raises(UnitTableError, match=says) as caught:
                unece_table()
            assert caught.value.source == str(path)
            with pytest.raises(UnitTableError):  # what needs the table fails too: no silent fallback
                as_unece("CEL")
        finally:
            reload_units()
