"""Dates (2024年9月23日) and reporting periods (1—9月, 前三季度): formatting and reading."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.numbers import (
    format_date,
    format_month_range,
    format_period,
    parse_date,
    parse_month_range,
    period_name,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
NAMES = {
    (1, 3): "一季度",
    (4, 6): "二季度",
    (7, 9): "三季度",
    (10, 12): "四季度",
    (1, 6): "上半年",
    (7, 12): "下半年",
    (1, 9): "前三季度",
    (1, 12): "全年",
}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 9, 23), "2024年9月23日"),
        (datetime.date(2024, 1, 5), "2024年1月5日"),  # no zero padding (9704 7.3.5.4)
        (datetime.date(2008, 8, 8), "2008年8月8日"),
        (datetime.date(2024, 12, 31), "2024年12月31日"),
    ],
)
def test_format_date(day: datetime.date, expected: str) -> None:
    assert format_date(day) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(1, 9, "1\u20149月"), (1, 7, "1—7月"), (9, 9, "9月"), (10, 12, "10—12月"), (1, 2, "1—2月")],
)
def test_format_month_range(start: int, end: int, expected: str) -> None:
    assert format_month_range(start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(10, 9), (0, 9), (1, 13), (0, 0), (13, 13), (-1, 3)])
def test_format_month_range_rejects(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        format_month_range(start, end)


@pytest.mark.parametrize(
    ("start", "end", "style", "with_year", "expected"),
    [
        (1, 9, "months", False, "1—9月"),
        (1, 9, "months", True, "2024年1—9月"),
        (1, 9, "name", False, "前三季度"),
        (1, 9, "name", True, "2024年前三季度"),
        (1, 12, "name", True, "2024年全年"),
        (1, 3, "name", False, "一季度"),
        (4, 6, "name", False, "二季度"),
        (7, 9, "name", False, "三季度"),
        (10, 12, "name", False, "四季度"),
        (1, 6, "name", False, "上半年"),
        (7, 12, "name", False, "下半年"),
        (1, 7, "name", False, "1—7月"),  # no name: falls back to months
        (9, 9, "name", True, "2024年9月"),
    ],
)
def test_format_period(start: int, end: int, style: str, with_year: bool, expected: str) -> None:
    assert format_period(2024, start, end, style=style, with_year=with_year) == expected


def test_format_period_unknown_style() -> None:
    with pytest.raises(ValueError):
        format_period(2024, 1, 9, style="quarters")


def test_period_name() -> None:
    for (start, end), name in NAMES.items():
        assert period_name(start, end) == name
    assert period_name(1, 7) is None
    assert period_name(2, 4) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1—9", (1, 9)),
        ("1-9", (1, 9)),
        ("1－9", (1, 9)),
        ("1–9", (1, 9)),
        ("1~9", (1, 9)),
        ("1～9", (1, 9)),
        ("1至9", (1, 9)),
        ("1到9", (1, 9)),
        ("1—9月", (1, 9)),
        ("1-7月份", (1, 7)),  # NBS prose, input only (docs/standards.md §6.3)
        ("1月至9月", (1, 9)),
        (" 1 — 9 ", (1, 9)),
        ("9", (9, 9)),
        ("9月", (9, 9)),
        ("12", (12, 12)),
        ("前三季度", (1, 9)),
        ("一季度", (1, 3)),
        ("二季度", (4, 6)),
        ("三季度", (7, 9)),
        ("四季度", (10, 12)),
        ("第三季度", (7, 9)),
        ("上半年", (1, 6)),
        ("下半年", (7, 12)),
        ("全年", (1, 12)),
    ],
)
def test_parse_month_range(text: str, expected: tuple[int, int]) -> None:
    assert parse_month_range(text) == expected


@pytest.mark.parametrize(
    "text", ["10—9", "0", "13", "0—3", "1—13", "", "一月", "1—", "—9", "1—9—12", "Q3", "1.5"]
)
def test_parse_month_range_rejects_with_a_chinese_message(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_month_range(text)
    assert CJK.search(str(info.value)), str(info.value)


def test_parse_month_range_messages_explain() -> None:
    with pytest.raises(ValueError, match="起始月 10 晚于截止月 9"):
        parse_month_range("10—9")
    with pytest.raises(ValueError, match="1 至 12"):
        parse_month_range("13")


months = st.integers(min_value=1, max_value=12)


@settings(max_examples=100)
@given(a=months, b=months, style=st.sampled_from(["months", "name"]))
def test_periods_round_trip(a: int, b: int, style: str) -> None:
    start, end = min(a, b), max(a, b)
    assert parse_month_range(format_month_range(start, end)) == (start, end)
    assert parse_month_range(format_period(2024, start, end, style=style)) == (start, end)
    assert "-" not in format_period(2024, start, end, style=style, with_year=True)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024年9月23日", datetime.date(2024, 9, 23)),
        (" 2024 年 09 月 23 日 ", datetime.date(2024, 9, 23)),
        ("2024-09-23", datetime.date(2024, 9, 23)),
        ("2024/9/23", datetime.date(2024, 9, 23)),
        ("2024.9.23", datetime.date(2024, 9, 23)),
        ("2024年2月30日", None),
        ("2024-02-30", None),
        ("2024-09-23 10:00", None),
        ("9月23日", None),
        ("", None),
    ],
)
def test_parse_date_reads_both_ways_a_day_is_typed(text: str, day: datetime.date | None) -> None:
    assert parse_date(text) == day


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
@settings(max_examples=50)
def test_parse_date_reads_what_format_date_and_isoformat_write(day: datetime.date) -> None:
    assert parse_date(format_date(day)) == parse_date(day.isoformat()) == day
