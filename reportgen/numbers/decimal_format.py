"""Pure formatting of amounts, counts and percentages in Chinese report usage (GB/T 15835-2011).

Babel supplies the locale's grouping pattern (千分撇, optional, off by default: standards 1.10–1.11),
but never the rounding: Babel rounds with the decimal context (half-even), so every value is rounded
half up here first and handed to Babel with exactly the digits to show.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from reportgen.numbers.rounding import round_half_up
from reportgen.units import MONEY_UNITS

DASH = "—"
_GROUPING_MIN_DIGITS = 5  # GB/T 15835 5.1.1: numbers of four digits or fewer are never grouped


def _plain(value: Decimal) -> str:
    """The Decimal's digits as written, without exponent notation; -0 prints as 0."""
    if value.is_zero():
        value = abs(value)
    return f"{value:f}"


def format_number(value: Decimal, digits: int | None = None, *, grouping: bool = False) -> str:
    """``value`` with ``digits`` decimals (half up), or exactly as it is when ``digits`` is None."""
    shown = value if digits is None else round_half_up(value, digits)
    text = _plain(shown)
    if not grouping:
        return text
    integer = text.lstrip("-").split(".")[0]
    if len(integer) < _GROUPING_MIN_DIGITS:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(Decimal(text), format=pattern, locale="zh_CN", decimal_quantization=False).replace(
        "\u2212", "-"
    )


def format_percent(ratio: Decimal | None, digits: int = 2) -> str:
    """A fraction as a percentage (0.92115 → ``92.12%``); None (no denominator) → ``—``."""
    if ratio is None:
        return DASH
    return format_number(ratio * 100, digits) + "%"


def scale_amount(value: Decimal, unit: str, source_unit: str = "元") -> Decimal:
    """Convert money exactly between 元, 万元 and 亿元."""
    try:
        source, target = MONEY_UNITS[source_unit], MONEY_UNITS[unit]
    except KeyError as exc:
        raise ValueError(
            f"unknown money unit {exc.args[0]!r}; expected one of {', '.join(MONEY_UNITS)}"
        ) from None
    if source == target:
        return value
    return value * source / target


def format_amount(
    value: Decimal,
    unit: str,
    *,
    source_unit: str = "元",
    digits: int | None = None,
    with_unit: bool = True,
    grouping: bool = False,
) -> str:
    """Money in ``unit`` (``8123.04万元``); with ``digits`` None the exact scaled value is shown."""
    shown = scale_amount(value, unit, source_unit)
    if digits is None and MONEY_UNITS[unit] != MONEY_UNITS[source_unit]:
        shown = _strip_zeros(shown)
    return format_number(shown, digits, grouping=grouping) + (unit if with_unit else "")


def _strip_zeros(value: Decimal) -> Decimal:
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def format_count(value: Decimal, unit: str, digits: int | None = None, *, grouping: bool = False) -> str:
    """A count with its unit: ``973人``, ``2187人次``."""
    return format_number(value, digits, grouping=grouping) + unit


def format_households_persons(households: Decimal, persons: Decimal, *, separator: str = "") -> str:
    """Households and persons side by side (``1037户1412人``), never run together as ``10371412人``."""
    return f"{format_number(households)}户{separator}{format_number(persons)}人"
