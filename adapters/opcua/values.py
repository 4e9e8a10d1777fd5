"""Values of the few NodeSet2 properties Tolka reads: EngineeringUnits, ranges and enumerations.

``EngineeringUnits`` holds an ``EUInformation`` extension object whose ``UnitId`` encodes a UNECE
Recommendation 20 common code (OPC 10000-8, 5.6.3): each character of the code (at most three) is
one byte, most significant first, so ``CEL`` (degree Celsius) is 0x43454C = 4408652 (`unit_id` and
`unece_code`, from :mod:`translator.translation.unece`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from translator.translation.unece import unece_code, unit_id

__all__ = [
    "CEFACT_NAMESPACE",
    "EUnit",
    "parse_enum_strings",
    "parse_enum_values",
    "parse_eu_information",
    "parse_range",
    "unece_code",
    "unit_id",
]

CEFACT_NAMESPACE = "http://www.opcfoundation.org/UA/units/un/cefact"


@dataclass(frozen=True, slots=True)
class EUnit:
    """An EUInformation value: the UNECE code ("" when not a UNECE unit) and the display name."""

    code: str
    label: str
    namespace: str = CEFACT_NAMESPACE
    unit_id: int = -1


def _local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text(el: etree._Element) -> str:
    return (el.text or "").strip()


def _child(el: etree._Element, name: str) -> etree._Element | None:
    for sub in el:
        if _local(sub) == name:
            return sub
    return None


def _child_text(el: etree._Element, *names: str) -> str:
    """The text at a path of direct children (``DisplayName``, ``Text``), "" when absent."""
    for name in names:
        found = _child(el, name)
        if found is None:
            return ""
        el = found
    return _text(el)


def _find(el: etree._Element, name: str) -> etree._Element | None:
    for sub in el.iter():
        if _local(sub) == name:
            return sub
    return None


def parse_eu_information(value_el: etree._Element) -> EUnit | None:
    """Read the EUInformation in a Value element; None when there is none."""
    el = _find(value_el, "EUInformation")
    if el is None:
        return None
    namespace = _child_text(el, "NamespaceUri")
    raw_id = _child_text(el, "UnitId")
    number = int(raw_id) if raw_id.lstrip("-").isdigit() else -1
    label = _child_text(el, "DisplayName", "Text")
    code = unece_code(number) if (not namespace or namespace.rstrip("/") == CEFACT_NAMESPACE) else ""
    return EUnit(code, label, namespace, number)


def parse_range(value_el: etree._Element) -> tuple[float, float] | None:
    """Read a Range (Low, High) in a Value element; None when absent or not numeric."""
    el = _find(value_el, "Range")
    if el is None:
        return None
    try:
        return float(_child_text(el, "Low")), float(_child_text(el, "High"))
    except ValueError:
        return None


def parse_enum_strings(value_el: etree._Element) -> tuple[str, ...]:
    """EnumStrings (a ListOfLocalizedText) as ``Name=index`` entries."""
    listing = _find(value_el, "ListOfLocalizedText")
    if listing is None:
        return ()
    return tuple(f"{_child_text(el, 'Text')}={i}" for i, el in enumerate(listing))


def parse_enum_values(value_el: etree._Element) -> tuple[str, ...]:
    """EnumValues (EnumValueType extension objects) as ``Name=Value`` entries."""
    listing = _find(value_el, "ListOfExtensionObject")
    if listing is None:
        return ()
    out: list[str] = []
    for ext in listing:
        body = _child(ext, "Body")
        item = next(iter(body), None) if body is not None else None
        if item is not None and _local(item) == "EnumValueType":
            out.append(f"{_child_text(item, 'DisplayName', 'Text')}={_child_text(item, 'Value')}")
    return tuple(out)
