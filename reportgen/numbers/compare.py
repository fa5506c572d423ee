"""Comparisons in report wording: 同比/环比 growth, changes of a rate, absolute changes, plans.

docs/standards.md §5.1–5.3: a growth rate is (本期 − 基期) ÷ 基期 and reads ``增长12.3%`` / ``下降4.5%``,
or ``持平`` when it rounds to zero; a change of something that already is a rate is written in
``个百分点`` (never ``增长3.6%``); ``增加``/``减少`` are for absolute amounts; a share of plan above 100%
reads ``超计划4.2%``; a target reads as Chinese writes it (``不少于45张``, ``90%以上``,
``控制在4.5%以内``).  Pure functions over exact ``Decimal``s, rounded once (四舍五入) at display.
"""

from __future__ import annotations

from decimal import Decimal

from reportgen.base.units import convert, money_unit
from reportgen.numbers.decimal_format import DASH, format_amount, format_count, format_number
from reportgen.numbers.rounding import round_half_up

FLAT = "持平"


def format_growth(current: Decimal, base: Decimal, digits: int = 1) -> str:
    """Relative change: ``增长12.3%``, ``下降4.5%``, ``持平``; a zero base has no rate (``—``).

    >>> format_growth(Decimal("112.3"), Decimal(100)), format_growth(Decimal("95.5"), Decimal(100))
    ('增长12.3%', '下降4.5%')
    >>> format_growth(Decimal("100.04"), Decimal(100)), format_growth(Decimal(5), Decimal(0))
    ('持平', '—')
    """
    if base == 0:
        return DASH
    change = (current - base) / abs(base) * 100
    shown = round_half_up(abs(change), digits)
    if shown == 0:
        return FLAT
    return ("增长" if change > 0 else "下降") + format_number(shown, digits) + "%"


def format_point_change(current: Decimal, base: Decimal, digits: int = 1) -> str:
    """Change of a rate (both in %): ``提高0.7个百分点``, ``下降1.2个百分点``, ``持平``.

    >>> format_point_change(Decimal("35.7"), Decimal(35)), format_point_change(Decimal("33.8"), Decimal(35))
    ('提高0.7个百分点', '下降1.2个百分点')
    """
    change = current - base
    shown = round_half_up(abs(change), digits)
    if shown == 0:
        return FLAT
    return ("提高" if change > 0 else "下降") + format_number(shown, digits) + "个百分点"


def format_difference(
    current: Decimal, base: Decimal, unit: str, digits: int | None = None, *, source_unit: str | None = None
) -> str:
    """Absolute change: ``增加323.04万元``, ``减少12人``, ``持平``.

    With ``source_unit`` the values are money in that unit, shown in ``unit`` the way
    ``format_amount`` shows an amount (323.0395万元 → ``增加3230395元``).

    >>> format_difference(Decimal("8123.0395"), Decimal(7800), "万元", 2)
    '增加323.04万元'
    >>> format_difference(Decimal(961), Decimal(973), "人")
    '减少12人'
    >>> format_difference(Decimal("323.0395"), Decimal(0), "元", source_unit="万元")
    '增加3230395元'
    """
    change = current - base
    magnitude = (
        abs(change)
        if source_unit is None
        else convert(abs(change), money_unit(source_unit), money_unit(unit))
    )
    if (magnitude if digits is None else round_half_up(magnitude, digits)) == 0:
        return FLAT
    word = "增加" if change > 0 else "减少"
    if source_unit is not None:
        return word + format_amount(abs(change), unit, source_unit=source_unit, digits=digits)
    return (
        word
        + format_number(round_half_up(magnitude, digits) if digits is not None else magnitude, digits)
        + unit
    )


def format_against_plan(percent: Decimal, digits: int = 1) -> str:
    """A share of plan (in %): ``超计划4.2%`` above 100, ``完成计划`` at 100, ``完成计划的96.0%`` below.

    >>> [format_against_plan(Decimal(p)) for p in ("104.2", "100", "95.96")]
    ['超计划4.2%', '完成计划', '完成计划的96.0%']
    """
    over = round_half_up(percent - 100, digits)
    if over > 0:
        return "超计划" + format_number(over, digits) + "%"
    if over == 0:
        return "完成计划"
    return "完成计划的" + format_number(round_half_up(percent, digits), digits) + "%"


# Target words Chinese writes after the number (90%以上, 4.5%以内), and 控制在, which closes with 以内
# (控制在4.5%以内); every other word goes before it (不少于45张, 达到100%, 低于4.3%).
_TARGET_FRAMES = {"以上": ("", "以上"), "以内": ("", "以内"), "控制在": ("控制在", "以内")}


def format_target(direction: str, value: Decimal, unit: str) -> str:
    """A 目标 as every writer prints it (the 要求 filter, the 目标表, RG211): ``direction`` is the
    ledger's word, ``value`` the 目标值 as typed, ``unit`` its symbol.

    >>> format_target("不少于", Decimal(45), "张"), format_target("以上", Decimal(90), "%")
    ('不少于45张', '90%以上')
    >>> format_target("控制在", Decimal("4.5"), "%")
    '控制在4.5%以内'
    """
    before, after = _TARGET_FRAMES.get(direction, (direction, ""))
    return before + format_count(value, unit) + after
