"""Rounding and Arabic-number formatting: round_half_up, format_number/percent/amount/count."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.base.units import MONEY_UNITS
from reportgen.numbers import (
    format_amount,
    format_count,
    format_households_persons,
    format_number,
    format_percent,
    round_half_up,
)

D = Decimal

# Any finite Decimal, built from integers so that no float is ever involved.
decimals = st.builds(
    lambda coefficient, exponent: D(coefficient).scaleb(exponent),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.integers(min_value=-10, max_value=8),
)
digit_counts = st.integers(min_value=0, max_value=4)
PLAIN = re.compile(r"-?\d+(\.\d+)?")
GROUPED = re.compile(r"-?(\d{1,4}|\d{1,3}(,\d{3})+)(\.\d+)?")  # ≤ 4 integer digits stay ungrouped


# --- round_half_up -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        ("2.675", 2, "2.68"),
        ("0.125", 2, "0.13"),  # half-even would give 0.12
        ("0.135", 2, "0.14"),
        ("-0.125", 2, "-0.13"),  # half away from zero
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("5", 2, "5.00"),
        ("15.4546", 0, "15"),  # docs/standards.md §3.3: round once, not 15.5 → 16
        ("272.25", 1, "272.3"),  # docs/standards.md §3.1: 1089/400
        ("151.25", 1, "151.3"),  # docs/standards.md §3.1: 121/80
        ("100.125", 2, "100.13"),  # docs/standards.md §3.1: 480.60/480
        ("1E+3", 0, "1000"),
        ("12345678901234567890123456789.5", 0, "12345678901234567890123456790"),
    ],
)
def test_round_half_up(value: str, digits: int, expected: str) -> None:
    result = round_half_up(D(value), digits)
    assert result == D(expected)
    assert str(result) == expected  # exactly ``digits`` decimals


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_round_half_up_rejects_non_finite(value: str) -> None:
    with pytest.raises(ValueError):
        round_half_up(D(value), 2)


def test_round_half_up_rejects_negative_digits() -> None:
    with pytest.raises(ValueError):
        round_half_up(D("1.5"), -1)


# --- format_number -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        ("96.90", None, "96.90"),
        ("96.9", None, "96.9"),
        ("1E+3", None, "1000"),
        ("0.00001", None, "0.00001"),
        ("1E-7", None, "0.0000001"),
        ("0.46", None, "0.46"),  # docs/standards.md §1.7: leading 0 kept
        ("-125.03", None, "-125.03"),  # docs/standards.md §1.7, ASCII hyphen-minus
        ("-0", None, "0"),
        ("-0.00", None, "0.00"),
        ("-0.001", 2, "0.00"),  # negative zero after rounding
        ("-0.004", 0, "0"),
        ("96.9", 2, "96.90"),
        ("2.675", 2, "2.68"),
        ("8123.0395", 2, "8123.04"),
        ("8123.0395", 4, "8123.0395"),
        ("949746", 0, "949746"),  # docs/standards.md §1.8: no grouping by default
        ("-1.005", 2, "-1.01"),
    ],
)
def test_format_number(value: str, digits: int | None, expected: str) -> None:
    assert format_number(D(value), digits) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        ("1234567.5", 2, "1,234,567.50"),
        ("1624000", None, "1,624,000"),  # docs/standards.md §1.8
        ("19351235.235767", None, "19,351,235.235767"),  # decimals never grouped
        ("12345", None, "12,345"),
        ("59395", 0, "59,395"),  # docs/standards.md §1.8 (遵义)
        ("1256", None, "1256"),  # ≤ 4 digits: no grouping
        ("9999.995", 2, "10,000.00"),  # grouping decided after rounding
        ("1234.5", 2, "1234.50"),
        ("-12345.675", 2, "-12,345.68"),
        ("-1234", 0, "-1234"),
        ("1E+30", 0, "1,000,000,000,000,000,000,000,000,000,000"),
    ],
)
def test_format_number_grouping(value: str, digits: int | None, expected: str) -> None:
    assert format_number(D(value), digits, grouping=True) == expected


def test_grouping_rounds_half_up_not_half_even() -> None:
    # Babel alone would print 1,234,567.12 (half-even); we round first.
    assert format_number(D("1234567.125"), 2, grouping=True) == "1,234,567.13"


# --- format_percent ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratio", "digits", "expected"),
    [
        ("0.92115", 2, "92.12%"),
        ("1.0", 2, "100.00%"),
        ("1", 0, "100%"),
        ("0.3405", 2, "34.05%"),
        ("2.7225", 1, "272.3%"),  # docs/standards.md §3.1: 1089/400
        ("1.5125", 1, "151.3%"),  # docs/standards.md §3.1: 121/80
        ("1.00125", 2, "100.13%"),  # docs/standards.md §3.1: 480.60/480
        ("0.0433", 2, "4.33%"),  # docs/standards.md §4.1
        ("0.154546", 0, "15%"),  # round once from the unrounded ratio
        ("-0.036", 1, "-3.6%"),
        ("0", 2, "0.00%"),
    ],
)
def test_format_percent(ratio: str, digits: int, expected: str) -> None:
    assert format_percent(D(ratio), digits) == expected


def test_format_percent_missing_denominator() -> None:
    assert format_percent(None) == "\u2014"
    assert format_percent(None, 0) == "—"


def test_format_percent_of_a_long_ratio() -> None:
    assert format_percent(D(33.75) / D(780)) == "4.33%"
    assert format_percent(D(1) / D(3), 4) == "33.3333%"


# --- format_amount -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "source", "digits", "expected"),
    [
        ("81230395", "万元", "元", 2, "8123.04万元"),
        ("81230395", "万元", "元", None, "8123.0395万元"),  # docs/standards.md §2.3
        ("81230395", "万元", "元", 4, "8123.0395万元"),
        ("969000", "万元", "元", None, "96.9万元"),
        ("969000.00", "万元", "元", None, "96.9万元"),
        ("96.90", "万元", "万元", None, "96.90万元"),  # no scaling: kept as typed
        ("96.9", "元", "万元", None, "969000元"),
        ("345000000", "亿元", "元", None, "3.45亿元"),  # docs/standards.md §2.2
        ("345000000", "万元", "元", None, "34500万元"),
        ("3.45", "万元", "亿元", None, "34500万元"),
        ("0", "万元", "元", None, "0万元"),
        ("1", "亿元", "元", None, "0.00000001亿元"),
        ("463.33", "万元", "万元", 2, "463.33万元"),
        ("12345.675", "元", "元", 2, "12345.68元"),
        ("-5000", "万元", "元", None, "-0.5万元"),
    ],
)
def test_format_amount(value: str, unit: str, source: str, digits: int | None, expected: str) -> None:
    assert format_amount(D(value), unit, source_unit=source, digits=digits) == expected


def test_format_amount_options() -> None:
    assert format_amount(D("81230395"), "万元", digits=2, with_unit=False) == "8123.04"
    assert format_amount(D("9497460000"), "万元", grouping=True) == "949,746万元"
    assert (
        format_amount(D("12345678.9"), "元", source_unit="元", digits=2, grouping=True) == "12,345,678.90元"
    )


@pytest.mark.parametrize(("unit", "source"), [("美元", "元"), ("万元", "千元"), ("人", "元")])
def test_format_amount_unknown_unit(unit: str, source: str) -> None:
    with pytest.raises(ValueError):
        format_amount(D(1), unit, source_unit=source)


# --- counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "digits", "expected"),
    [
        ("973", "人", None, "973人"),
        ("2187", "人次", None, "2187人次"),
        ("326514", "人次", None, "326514人次"),
        ("662", "户次", None, "662户次"),
        ("12.6", "人", 0, "13人"),
    ],
)
def test_format_count(value: str, unit: str, digits: int | None, expected: str) -> None:
    assert format_count(D(value), unit, digits) == expected


def test_format_count_grouping() -> None:
    assert format_count(D("326514"), "人次", grouping=True) == "326,514人次"


@pytest.mark.parametrize(
    ("households", "persons", "separator", "expected"),
    [
        ("1037", "1412", "", "1037户1412人"),
        ("1037", "1412", "、", "1037户、1412人"),
        ("23461", "48824", "", "23461户48824人"),  # docs/standards.md §2.5
        ("37775", "80825", "、", "37775户、80825人"),
    ],
)
def test_format_households_persons(households: str, persons: str, separator: str, expected: str) -> None:
    assert format_households_persons(D(households), D(persons), separator=separator) == expected


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=300)
@given(k=st.integers(min_value=0, max_value=10**12), d=digit_counts, negative=st.booleans())
def test_half_up_at_every_boundary(k: int, d: int, negative: bool) -> None:
    sign = -1 if negative else 1
    half = (D(k) + D("0.5")).scaleb(-d) * sign  # exactly (k + 0.5) × 10^-d
    below = half - D(1).scaleb(-(d + 3)) * sign  # just inside the half towards zero
    up = D(k + 1).scaleb(-d) * sign
    down = D(k).scaleb(-d) * sign
    assert round_half_up(half, d) == up
    assert round_half_up(below, d) == down
    assert format_number(half, d) == format_number(up, d)
    assert format_number(below, d) == format_number(down, d)
    assert D(format_number(half, d)) == up
    # The same boundary seen as a ratio: format_percent scales by 100 exactly, then rounds once.
    assert format_percent(half.scaleb(-2), d) == format_number(up, d) + "%"
    assert format_percent(below.scaleb(-2), d) == format_number(down, d) + "%"


@settings(max_examples=300)
@given(x=decimals, d=st.one_of(st.none(), digit_counts), grouping=st.booleans())
def test_format_number_is_plain_and_exact(x: Decimal, d: int | None, grouping: bool) -> None:
    text = format_number(x, d, grouping=grouping)
    assert "E" not in text and "e" not in text
    assert (GROUPED if grouping else PLAIN).fullmatch(text), text
    value = D(text.replace(",", ""))
    assert value == (x if d is None else round_half_up(x, d))
    if d is not None:
        assert len(text.partition(".")[2]) == d
    integer = text.lstrip("-").partition(".")[0]
    assert ("," in integer) == (grouping and len(integer.replace(",", "")) >= 5)


@settings(max_examples=300)
@given(
    cents=st.integers(min_value=-(10**14), max_value=10**14),
    unit=st.sampled_from(sorted(MONEY_UNITS)),
    source=st.sampled_from(sorted(MONEY_UNITS)),
    d=st.one_of(st.none(), digit_counts),
    grouping=st.booleans(),
)
def test_format_amount_scales_exactly(
    cents: int, unit: str, source: str, d: int | None, grouping: bool
) -> None:
    value = D(cents).scaleb(-2)
    text = format_amount(value, unit, source_unit=source, digits=d, grouping=grouping)
    assert text.endswith(unit)
    number = text[: -len(unit)]
    assert (GROUPED if grouping else PLAIN).fullmatch(number), text  # nothing but the number + one unit
    shown_in_yuan = D(number.replace(",", "")) * MONEY_UNITS[unit]
    exact_in_yuan = value * MONEY_UNITS[source]
    if d is None:
        assert shown_in_yuan == exact_in_yuan
    else:
        # Within half a unit of the last displayed digit.
        assert abs(shown_in_yuan - exact_in_yuan) <= D("0.5").scaleb(-d) * MONEY_UNITS[unit]


def test_counts_in_wan() -> None:
    """GB/T 15835 5.3: 万 after Arabic digits (samples/linyou-2022.yaml: 数据比对37万人次)."""
    from reportgen.numbers import format_count_wan

    assert format_count_wan(Decimal(370000), "人次") == "37万人次"
    assert format_count_wan(Decimal(18821), "人次") == "1.8821万人次"  # exact, never rounded unasked
    assert format_count_wan(Decimal(18850), "人", 1) == "1.9万人"  # half up when digits are given
