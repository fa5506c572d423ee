"""reportgen.numbers: every example of standards.md, and properties checked by hypothesis."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.numbers import (
    chinese_digits,
    chinese_numeral,
    format_amount,
    format_count,
    format_date,
    format_daxie,
    format_households_persons,
    format_number,
    format_percent,
    format_period,
    heading_marker,
    parse_daxie,
    parse_month_range,
    period_name,
    round_half_up,
)

# -- 大写金额 (standards §4) -------------------------------------------------------------------------

DAXIE = [
    ("100000", {}, "人民币壹拾万元整"),
    ("35680", {}, "人民币叁万伍仟陆佰捌拾元整"),
    ("1004.50", {}, "人民币壹仟零肆元伍角"),
    ("1004.50", {"zheng_after_jiao": True}, "人民币壹仟零肆元伍角整"),
    ("471.90", {"zheng_after_jiao": True}, "人民币肆佰柒拾壹元玖角整"),
    ("2308.66", {}, "人民币贰仟叁佰零捌元陆角陆分"),
    ("1409.50", {}, "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", {}, "人民币陆仟零柒元壹角肆分"),
    ("1680.32", {}, "人民币壹仟陆佰捌拾元零叁角贰分"),
    ("1680.32", {"optional_zero": False}, "人民币壹仟陆佰捌拾元叁角贰分"),
    ("107000.53", {}, "人民币壹拾万零柒仟元零伍角叁分"),
    ("107000.53", {"optional_zero": False}, "人民币壹拾万柒仟元伍角叁分"),
    ("100500", {"optional_zero": False}, "人民币壹拾万零伍佰元整"),
    ("16409.02", {}, "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", {}, "人民币叁佰贰拾伍元零肆分"),
    ("0.50", {}, "人民币伍角"),
    ("0.04", {}, "人民币肆分"),
    ("0", {}, "人民币零元整"),
    ("10", {}, "人民币壹拾元整"),
    ("100000005", {}, "人民币壹亿零伍元整"),
    ("1000000000000", {}, "人民币壹万亿元整"),
    ("1200000000000", {}, "人民币壹万贰仟亿元整"),
    ("35.5", {"yuan": "圆", "prefix": ""}, "叁拾伍圆伍角"),
    ("3504", {"yuan": "圆", "zheng": "正", "prefix": ""}, "叁仟伍佰零肆圆正"),
    ("0.005", {}, "人民币壹分"),  # rounded half up to 分 first
]


@pytest.mark.parametrize(("amount", "options", "expected"), DAXIE)
def test_daxie_examples(amount: str, options: dict[str, object], expected: str) -> None:
    assert format_daxie(Decimal(amount), **options) == expected  # type: ignore[arg-type]


def test_daxie_refuses_negative() -> None:
    with pytest.raises(ValueError):
        format_daxie(Decimal("-1"))


@settings(max_examples=300)
@given(cents=st.integers(min_value=0, max_value=10**14), optional_zero=st.booleans(), zheng=st.booleans())
def test_daxie_parses_back(cents: int, optional_zero: bool, zheng: bool) -> None:
    amount = Decimal(cents).scaleb(-2)
    text = format_daxie(amount, optional_zero=optional_zero, zheng_after_jiao=zheng)
    assert set(text) <= set("人民币零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert parse_daxie(text) == amount
    assert "零零" not in text and not text.endswith("零")


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_daxie_parses_back_whole_yuan_at_zero_boundaries(n: int) -> None:
    amount = Decimal(int(str(n).replace("1", "0").replace("9", "0")))  # many internal zeros
    assert parse_daxie(format_daxie(amount)) == amount.quantize(Decimal("0.01"))


# -- rounding and numbers ------------------------------------------------------------------------------


@settings(max_examples=300)
@given(k=st.integers(min_value=0, max_value=10**9), digits=st.integers(min_value=0, max_value=4))
def test_half_up_at_every_boundary(k: int, digits: int) -> None:
    half = (Decimal(k) + Decimal("0.5")).scaleb(-digits)
    below = half - Decimal(1).scaleb(-(digits + 3))
    assert round_half_up(half, digits) == Decimal(k + 1).scaleb(-digits)
    assert round_half_up(below, digits) == Decimal(k).scaleb(-digits)
    assert Decimal(format_number(half, digits)) == Decimal(k + 1).scaleb(-digits)
    assert Decimal(format_percent(half / 100, digits).rstrip("%")) == Decimal(k + 1).scaleb(-digits)


@settings(max_examples=300)
@given(
    value=st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False, places=6),
    digits=st.integers(min_value=0, max_value=4),
    grouping=st.booleans(),
)
def test_format_number_is_plain_and_exact(value: Decimal, digits: int, grouping: bool) -> None:
    text = format_number(value, digits, grouping=grouping)
    assert "E" not in text and "e" not in text
    assert Decimal(text.replace(",", "")) == round_half_up(value, digits)
    assert len(text.split(".")[1]) == digits if digits else "." not in text


@settings(max_examples=300)
@given(
    value=st.decimals(min_value=0, max_value=10**13, allow_nan=False, allow_infinity=False, places=2),
    source=st.sampled_from(["元", "万元", "亿元"]),
    target=st.sampled_from(["元", "万元", "亿元"]),
    digits=st.integers(min_value=0, max_value=4),
)
def test_scaling_keeps_one_unit_and_the_value(value: Decimal, source: str, target: str, digits: int) -> None:
    factors = {"元": Decimal(1), "万元": Decimal(10**4), "亿元": Decimal(10**8)}
    text = format_amount(value, target, source_unit=source, digits=digits)
    assert text.endswith(target) and not any(u in text[: -len(target)] for u in ("元", "万", "亿"))
    shown = Decimal(text[: -len(target)])
    exact = value * factors[source] / factors[target]
    assert abs(shown - exact) <= Decimal(1).scaleb(-digits) / 2


@pytest.mark.parametrize(
    ("value", "digits", "grouping", "expected"),
    [
        ("8123.0395", None, False, "8123.0395"),
        ("96.90", None, False, "96.90"),
        ("1E+3", None, False, "1000"),
        ("0.00001", None, False, "0.00001"),
        ("2.345", 2, False, "2.35"),
        ("-0.001", 2, False, "0.00"),
        ("1234567.5", 2, True, "1,234,567.50"),
        ("1256", 0, True, "1256"),
        ("19351235.235767", None, True, "19,351,235.235767"),
    ],
)
def test_format_number_examples(value: str, digits: int | None, grouping: bool, expected: str) -> None:
    assert format_number(Decimal(value), digits, grouping=grouping) == expected


def test_amounts_counts_percentages() -> None:
    assert format_amount(Decimal("81230395"), "万元", digits=2) == "8123.04万元"
    assert format_amount(Decimal("969000"), "万元") == "96.9万元"
    assert format_amount(Decimal("96.90"), "万元", source_unit="万元") == "96.90万元"
    assert format_amount(Decimal("1.3168"), "万元", source_unit="亿元", digits=2) == "13168.00万元"
    assert format_count(Decimal(973), "人") == "973人"
    assert format_households_persons(Decimal(1037), Decimal(1412)) == "1037户1412人"
    assert format_households_persons(Decimal(37775), Decimal(80825), separator="、") == "37775户、80825人"
    assert format_percent(Decimal("0.92115")) == "92.12%"
    assert format_percent(Decimal("1.00125")) == "100.13%"  # standards 5.1: 480.60/480
    assert format_percent(Decimal(1089) / Decimal(400), 1) == "272.3%"
    assert format_percent(None) == "—"
    with pytest.raises(ValueError):
        format_amount(Decimal(1), "美元")


# -- Chinese numerals and headings -----------------------------------------------------------------------

NUMERALS = [
    (0, "零"),
    (10, "十"),
    (11, "十一"),
    (19, "十九"),
    (20, "二十"),
    (21, "二十一"),
    (108, "一百零八"),
    (110, "一百一十"),
    (120, "一百二十"),
    (235, "二百三十五"),
    (1005, "一千零五"),
    (3052, "三千零五十二"),
    (10000, "一万"),
    (100000, "十万"),
    (100010, "十万零一十"),
    (1000000, "一百万"),
    (10**8, "一亿"),
    (100001000, "一亿零一千"),
]


@pytest.mark.parametrize(("n", "expected"), NUMERALS)
def test_chinese_numeral(n: int, expected: str) -> None:
    assert chinese_numeral(n) == expected


def _parse_numeral(text: str) -> int:
    """A small independent parser: sections by 亿 and 万, digits times 千百十."""
    values = dict(zip("零一二三四五六七八九", range(10), strict=True))
    if "亿" in text:
        high, low = text.split("亿", 1)
        return _parse_numeral(high) * 10**8 + (_parse_numeral(low) if low else 0)
    if "万" in text:
        high, low = text.split("万", 1)
        return _parse_numeral(high) * 10**4 + (_parse_numeral(low) if low else 0)
    total, digit = 0, None
    for char in text:
        if char in values:
            digit = values[char]
        else:
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = None
    return total + (digit or 0)


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=10**12))
def test_chinese_numeral_round_trip(n: int) -> None:
    text = chinese_numeral(n)
    assert _parse_numeral(text) == n
    assert "零零" not in text and (n == 0 or not text.endswith("零"))


def test_numbering_and_headings() -> None:
    assert chinese_digits(2024) == "二〇二四" and chinese_digits(2008) == "二〇〇八"
    assert [heading_marker(level, 2) for level in (1, 2, 3, 4, 5)] == ["二、", "（二）", "2.", "（2）", "②"]
    assert heading_marker(1, 11) == "十一、" and heading_marker(2, 20) == "（二十）"
    with pytest.raises(ValueError):
        heading_marker(6, 1)


# -- dates and periods -------------------------------------------------------------------------------------


def test_dates_and_periods() -> None:
    assert format_date(datetime.date(2024, 9, 3)) == "2024年9月3日"
    assert format_period(2024, 1, 9) == "1—9月"
    assert format_period(2024, 9, 9) == "9月"
    assert format_period(2024, 1, 9, style="name", with_year=True) == "2024年前三季度"
    assert format_period(2024, 1, 8, style="name") == "1—8月"
    assert [period_name(*m) for m in ((1, 3), (1, 6), (7, 9), (1, 12), (2, 5))] == [
        "一季度",
        "上半年",
        "三季度",
        "全年",
        None,
    ]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("1—9", (1, 9)),
        ("1-9月", (1, 9)),
        ("1～9", (1, 9)),
        ("1至9月份", (1, 9)),
        ("9", (9, 9)),
        ("9月", (9, 9)),
        ("前三季度", (1, 9)),
        ("上半年", (1, 6)),
        ("全年", (1, 12)),
        ("三季度", (7, 9)),
    ],
)
def test_parse_month_range(text: str, months: tuple[int, int]) -> None:
    assert parse_month_range(text) == months


@pytest.mark.parametrize("text", ["10—9", "0", "13", "1—13", "九月", ""])
def test_parse_month_range_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month_range(text)
