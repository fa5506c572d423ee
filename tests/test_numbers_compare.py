"""同比/环比 wording (docs/standards.md §5.1–5.3), checked against hand-computed cases and properties."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.numbers import (
    format_against_plan,
    format_difference,
    format_growth,
    format_point_change,
    format_target,
)


@pytest.mark.parametrize(
    "current,base,digits,text",
    [
        ("8123.0395", "7800", 1, "增长4.1%"),  # 323.0395 / 7800 = 4.1415…%
        ("955", "1000", 1, "下降4.5%"),
        ("1000.4", "1000", 1, "持平"),  # +0.04% rounds to 0.0
        ("1000.5", "1000", 2, "增长0.05%"),
        ("1", "0", 1, "—"),  # no base, no rate
        ("112.35", "100", 1, "增长12.4%"),  # 12.35 rounds half up
        ("-5", "-10", 1, "增长50.0%"),  # a loss halved is growth
    ],
)
def test_growth(current: str, base: str, digits: int, text: str) -> None:
    assert format_growth(D(current), D(base), digits) == text


def test_rate_changes_are_in_percentage_points() -> None:
    assert format_point_change(D("87.2"), D("86.5")) == "提高0.7个百分点"
    assert format_point_change(D("35"), D("36.2")) == "下降1.2个百分点"
    assert format_point_change(D("50.04"), D("50")) == "持平"


def test_absolute_changes() -> None:
    assert format_difference(D("8123.0395"), D("7800"), "万元") == "增加323.0395万元"
    assert format_difference(D("8123.0395"), D("7800"), "万元", 2) == "增加323.04万元"
    assert format_difference(D("973"), D("985"), "人") == "减少12人"
    assert format_difference(D("5"), D("5.00"), "户") == "持平"


def test_against_plan() -> None:
    assert format_against_plan(D("104.2")) == "超计划4.2%"
    assert format_against_plan(D("100.04")) == "完成计划"
    assert format_against_plan(D("96")) == "完成计划的96.0%"


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    st.decimals(min_value=1, max_value=10**6, places=2),
)
def test_growth_words_follow_the_sign(current: D, base: D) -> None:
    text = format_growth(current, base)
    change = (current - base) / base * 100
    assert text == "持平" or text.startswith("增长" if change > 0 else "下降")
    assert not text.startswith("增长-") and not text.startswith("下降-")


@pytest.mark.parametrize(
    ("direction", "value", "unit", "text"),
    [
        ("以上", D("90"), "%", "90%以上"),  # Chinese writes 以上 and 以内 after the number
        ("以内", D("4.5"), "%", "4.5%以内"),
        ("控制在", D("4.5"), "%", "控制在4.5%以内"),
        ("不少于", D("45"), "张", "不少于45张"),
        ("达到", D("100"), "%", "达到100%"),
        ("低于", D("4.30"), "%", "低于4.30%"),  # the target as typed
        ("以上", D("10000"), "人", "10000人以上"),
    ],
)
def test_format_target(direction: str, value: D, unit: str, text: str) -> None:
    assert format_target(direction, value, unit) == text
