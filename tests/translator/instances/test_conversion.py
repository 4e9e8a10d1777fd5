"""Fitted transforms as translator rule steps, and value maps completed from enumerations."""

from __future__ import annotations

import numpy as np

from translator.instances.conversion import complete_map, describe, rule_transforms
from translator.instances.fit import AffineFit, BooleanFit, ValueMapFit
from translator.instances.series import Kind, Series
from translator.translation.spec import Affine, Cast, Invert, Unit, ValueMap


def _series(kind: Kind, values: list[object]) -> Series:
    dtype = object if kind is Kind.STRING else np.float64
    return Series("x", kind, np.arange(float(len(values))), np.array(values, dtype=dtype))


NUMBERS = _series(Kind.NUMBER, [1.5, 2.5, 3.25])
WHOLE = _series(Kind.NUMBER, [0.0, 1.0, 0.0])
FLAGS = _series(Kind.BOOLEAN, [0.0, 1.0, 0.0])


def test_unit_copy_and_line() -> None:
    unit = AffineFit(1.8, 32.0, 0.01, 0.99, ("CEL", "FAH"))
    assert rule_transforms(unit, NUMBERS, NUMBERS) == (Unit("CEL", "FAH"),)
    assert describe(unit) == "unit CEL -> FAH"
    copy = AffineFit(1.0, 0.0, 0.0, 1.0, None, True)
    assert rule_transforms(copy, NUMBERS, NUMBERS) == ()
    assert describe(copy) == "copy"
    line = AffineFit(2.0, -1.0, 0.02, 0.98)
    assert rule_transforms(line, NUMBERS, NUMBERS) == (Affine(2.0, -1.0),)
    assert describe(line) == "affine 2 * x + -1"


def test_converted_value_into_a_whole_numbered_field_is_cast() -> None:
    unit = AffineFit(3600.0, 0.0, 0.0, 1.0, ("HUR", "SEC"))
    assert rule_transforms(unit, NUMBERS, WHOLE) == (Unit("HUR", "SEC"), Cast("int", "float"))


def test_flags_between_booleans_and_numbers() -> None:
    assert rule_transforms(BooleanFit(False, 1.0), FLAGS, WHOLE) == (Cast("int", "bool"),)
    assert rule_transforms(BooleanFit(True, 1.0), FLAGS, WHOLE) == (Invert(), Cast("int", "bool"))
    assert rule_transforms(BooleanFit(False, 1.0), WHOLE, FLAGS) == (Cast("bool", "int"),)
    assert rule_transforms(BooleanFit(True, 0.9), FLAGS, FLAGS) == (Invert(),)
    assert describe(BooleanFit(True, 0.9)) == "flag inverted"


def test_value_maps() -> None:
    states = ValueMapFit(((0, 10), (1, 20)), 1.0)
    assert rule_transforms(states, WHOLE, WHOLE) == (ValueMap(((0, 10), (1, 20))),)
    assert rule_transforms(ValueMapFit(((0, 0), (1, 1)), 1.0), WHOLE, WHOLE) == ()
    text = ValueMapFit(((0, "OFF"), (1, "RUN")), 1.0)
    assert rule_transforms(text, WHOLE, _series(Kind.STRING, ["OFF", "RUN"])) == (ValueMap(text.pairs),)


def test_complete_map_by_elimination() -> None:
    seen = ValueMapFit(((0, 10), (1, 20)), 1.0)
    completed, note = complete_map(seen, ("0", "1", "2"), ("10", "20", "90"))
    assert completed.pairs == ((0, 10), (1, 20), (2, 90))
    assert note == "2->90 by elimination"
    # two values never seen: no guess, a note
    same, note = complete_map(seen, ("0", "1", "2", "3"), ("10", "20", "90", "99"))
    assert same is seen
    assert note == "values ['2', '3'] never seen: add them to the map"
    # OPC UA enumerations: names and values
    named, note = complete_map(seen, ("Stopped=0", "Running=1", "Fault=2"), ("OFF=10", "RUN=20", "TRIP=90"))
    assert named.pairs == ((0, 10), (1, 20), (2, 90))
    assert note == "2->90 by elimination"
    # values seen outside the enumeration: the enumeration does not describe the data
    assert complete_map(seen, ("Stopped", "Running", "Fault"), ("OFF", "RUN", "TRIP")) == (seen, "")
