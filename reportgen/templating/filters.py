"""The report filters of docs/templates.md (``{{ 低保金 | 万元 }}``, ``同比``, ``标准`` …), as ``FILTERS``.

Each is a thin wrapper over the pure ``reportgen.numbers`` functions, so the HTML, Markdown, .docx
and .xlsx writers format alike; a value a filter cannot format is a ``FilterError`` in Chinese that
says which figure to fill in or which filter to use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from reportgen.base.escape import markdown_cell, markdown_text
from reportgen.base.units import MONEY_UNITS, Family, Unit, convert, known_units, money_unit, unit
from reportgen.compute.figures import Goal, Standard
from reportgen.model import Quantity
from reportgen.numbers import (
    DASH,
    chinese_numeral,
    decimals_of,
    format_against_plan,
    format_amount,
    format_count,
    format_count_wan,
    format_date,
    format_daxie,
    format_difference,
    format_growth,
    format_households_persons,
    format_number,
    format_percent,
    format_point_change,
    round_half_up,
)
from reportgen.templating.quotes import CellQuote
from reportgen.templating.values import FigureValue, FilterError


def _quantity(value: object, filter_name: str) -> Quantity | None:
    if isinstance(value, FigureValue):
        return value.quantity
    if isinstance(value, CellQuote):
        return value.quantity(filter_name)
    if isinstance(value, Quantity):
        return value
    if value is None:
        return None
    raise FilterError(f"过滤器“{filter_name}”只能用于台账中的指标，不能用于“{value}”")


def _cell_digits(value: object, symbol: str, digits: int | None) -> int | None:
    """A table's cell shown in its column's own unit keeps the column's decimals unless ``digits`` says
    otherwise, so ``{{ 格 | 万元 }}`` prints what ``{{ 格 }}`` and the table print; figures unchanged."""
    return value.digits_in(symbol, digits) if isinstance(value, CellQuote) else digits


def money_filter(target: str) -> Callable[..., str]:
    def apply(value: object, digits: int | None = None) -> str:
        digits = _cell_digits(value, target, digits)
        quantity = _quantity(value, target)
        if quantity is None:
            return DASH
        if quantity.unit.family is not Family.MONEY:
            raise FilterError(f"指标单位是“{quantity.unit}”，不是金额，不能按{target}显示")
        return format_amount(quantity.value, target, source_unit=quantity.unit.symbol, digits=digits)

    apply.__name__ = target
    return apply


def count_filter(target: Unit, *, wan: bool = False) -> Callable[..., str]:
    """``{{ 人数 | 人 }}`` → 973人; with ``wan``, ``{{ 数据比对 | 万人次 }}`` → 37万人次 (GB/T 15835 5.3)."""
    name = ("万" if wan else "") + target.symbol
    formatter = format_count_wan if wan else format_count

    def apply(value: object, digits: int | None = None) -> str:
        digits = _cell_digits(value, name, digits)
        quantity = _quantity(value, name)
        if quantity is None:
            return DASH
        if not quantity.unit.compatible(target):
            raise FilterError(f"指标单位是“{quantity.unit}”，不能按“{name}”显示")
        return formatter(quantity.value, target.symbol, digits)

    apply.__name__ = name
    return apply


def number_filter(value: object, digits: int | None = None) -> str:
    """``{{ x | 数 }}``: the value alone, in its own unit, without the unit; a table's cell (名次 and
    纯数字 columns too) at the column's decimals, as the table prints it."""
    if isinstance(value, CellQuote):
        cell, own = value.value, value.column.digits
        return DASH if cell is None else format_number(cell, own if digits is None else digits)
    quantity = _quantity(value, "数")
    return DASH if quantity is None else format_number(quantity.value, digits)


def percent_filter(value: object, digits: int | None = None) -> str:
    """``{{ 占比 | 百分比 }}`` for a % figure (a computed 比例 or one typed in %): 1 decimal unless
    given; a table's % cell at its column's decimals, as the table prints it."""
    if isinstance(value, Decimal):
        return format_percent(value, 1 if digits is None else digits)
    digits = _cell_digits(value, "%", digits)
    quantity = _quantity(value, "百分比")
    if quantity is None:
        return DASH
    if quantity.unit.family is not Family.PERCENT:
        raise FilterError(f"指标单位是“{quantity.unit}”，不是百分比")
    if isinstance(value, CellQuote):  # already in percent: no division, as cell_text prints it
        return format_number(quantity.value, digits) + "%"
    return format_percent(quantity.value / 100, 1 if digits is None else digits)


def daxie_filter(value: object) -> str:
    """``{{ 资金 | 大写 }}`` → 人民币壹仟零肆元伍角 (converted to 元 first)."""
    quantity = _quantity(value, "大写")
    if quantity is None:
        return DASH
    if quantity.unit.family is not Family.MONEY:
        raise FilterError(f"指标单位是“{quantity.unit}”，大写只用于金额")
    return format_daxie(convert(quantity.value, quantity.unit, money_unit("元")))


def households_persons_filter(households: object, persons: object, separator: object = "") -> str:
    """``{{ 低保户数 | 户人(低保人数) }}`` → 1037户1412人: the two never run together.  The persons
    figure's own unit is printed (``56户81名``); ``户人(低保人数, '、')`` → 3387户、4776人."""
    h, p = _quantity(households, "户人"), _quantity(persons, "户人")
    if not isinstance(separator, str) or len(separator) > MAX_SEPARATOR:
        raise FilterError(
            f"“户人”的第二个参数是户数与人数之间的分隔符，如 '、'（最多 {MAX_SEPARATOR} 个字符）"
        )
    if h is None or p is None:
        return DASH
    if h.unit.family is not Family.HOUSEHOLDS or p.unit.family is not Family.PERSONS:
        raise FilterError("“户人”的前一个指标单位应为户，括号里的应为人或名")
    return format_households_persons(h.value, p.value, separator=separator, persons_unit=p.unit.symbol)


MAX_SEPARATOR = 3  # 、 or ，, a space: a separator, not text


def _with_earlier(value: object, filter_name: str, period: str) -> tuple[Quantity, Quantity] | None:
    """The figure now and in ``period``; None (shown "—") when either is not computable."""
    if not isinstance(value, FigureValue):
        raise FilterError(f"过滤器“{filter_name}”只能用于台账中的指标，不能用于“{value}”")
    base = value.earlier(period)
    current = value.quantity
    return None if current is None or base is None else (current, base)


def growth_filter(period: str, filter_name: str) -> Callable[..., str]:
    """``{{ 低保金 | 同比 }}`` → 增长12.3% / 下降4.5% / 持平; a % figure changes in 个百分点
    (docs/standards.md §5.2)."""

    def apply(value: object, digits: int = 1) -> str:
        pair = _with_earlier(value, filter_name, period)
        if pair is None:
            return DASH
        current, base = pair
        if current.unit.family is Family.PERCENT:
            return format_point_change(current.value, base.value, digits)
        return format_growth(current.value, base.value, digits)

    apply.__name__ = filter_name
    return apply


def difference_filter(period: str, filter_name: str) -> Callable[..., str]:
    """``{{ 低保金 | 同比增减('万元') }}`` → 增加323.04万元 / 减少12人 / 持平 (增加 is absolute,
    docs/standards.md §5.3)."""

    def apply(value: object, shown_unit: str | None = None, digits: int | None = None) -> str:
        pair = _with_earlier(value, filter_name, period)
        if pair is None:
            return DASH
        current, base = pair
        if current.unit.family is Family.PERCENT:
            return format_point_change(current.value, base.value, 1 if digits is None else digits)
        target = unit(shown_unit) if shown_unit is not None else current.unit
        if target is None or not target.compatible(current.unit):
            raise FilterError(f"指标单位是“{current.unit}”，不能按“{shown_unit}”显示增减")
        if current.unit.family is Family.MONEY:
            return format_difference(
                current.value, base.value, target.symbol, digits, source_unit=current.unit.symbol
            )
        return format_difference(
            convert(current.value, current.unit, target),
            convert(base.value, current.unit, target),
            target.symbol,
            digits,
        )

    apply.__name__ = filter_name
    return apply


def earlier_filter(period: str) -> Callable[[object], FigureValue]:
    """``{{ 低保金 | 上年同期 | 万元 }}``: the figure as it was, for any unit filter to show."""

    def apply(value: object) -> FigureValue:
        pair = _with_earlier(value, period, period)
        assert isinstance(value, FigureValue)
        return FigureValue(f"{value.名称}（{period}）", None if pair is None else pair[1])

    apply.__name__ = period
    return apply


def against_plan_filter(value: object, plan: object, digits: int = 1) -> str:
    """``{{ 实际完成 | 超计划(计划数) }}`` → 超计划4.2% / 完成计划 / 完成计划的96.0%
    (docs/standards.md §5.3)."""
    actual, target = _quantity(value, "超计划"), _quantity(plan, "超计划")
    if actual is None or target is None or target.value.is_zero():
        return DASH
    if not actual.unit.compatible(target.unit):
        raise FilterError(f"“超计划”的两个指标单位不可比（{actual.unit}、{target.unit}）")
    return format_against_plan(convert(actual.value, actual.unit, target.unit) / target.value * 100, digits)


# A standard's basis: who it is for and over what time (None: per occasion, 每人次).
_STANDARD_PARTS = {
    "人月": ("人", "月"),
    "人年": ("人", "年"),
    "户月": ("户", "月"),
    "户年": ("户", "年"),
    "人次": ("人次", None),
}
_MONTHS = {"月": Decimal(1), "年": Decimal(12)}
MAX_STANDARD_DIGITS = 4  # a typed standard keeps its decimals; a computed one (商) is shown to 2


def _standard_of(value: object, filter_name: str) -> FigureValue:
    if not isinstance(value, FigureValue):
        raise FilterError(f"过滤器“{filter_name}”只能用于台账中的指标，不能用于“{value}”")
    if not value.standard.per:
        raise FilterError(
            f"指标“{value.名称}”不是标准（没有“每”），不能用“{filter_name}”；"
            "请在台账中为它填写“每”，如 每: 人年（每人每年）"
        )
    return value


def standard_filter(value: object, per: str | None = None, digits: int | None = None) -> str:
    """``{{ 低保标准 | 标准 }}`` → 每人每年7500元; ``标准('人月')`` → 每人每月625元.

    ``per`` converts the period exactly (人年 ÷ 12, 人月 × 12); a result that is not exact at the
    figure's own decimals (1460元 每人每年 → 121.666…) is rounded half up (四舍五入) at those decimals
    when displayed (→ 每人每月122元), or at ``digits`` when given.  Persons and households (人↔户) and
    per occasion (人次) are never converted: that would need a household size or a frequency.
    """
    figure = _standard_of(value, "标准")
    quantity = figure.quantity
    own = figure.standard.per
    shown = own if per is None else str(per)
    if shown not in _STANDARD_PARTS:
        raise FilterError(f"“标准”的参数应为 {'、'.join(_STANDARD_PARTS)} 之一，不能是“{per}”")
    if quantity is None:
        return DASH
    (who, when), (shown_who, shown_when) = _STANDARD_PARTS[own], _STANDARD_PARTS[shown]
    if who != shown_who or (when is None) != (shown_when is None):
        raise FilterError(
            f"指标“{figure.名称}”是{_basis(own)}的标准，不能换算为{_basis(shown)}"
            "（人与户、按次与按期之间没有固定的换算关系）"
        )
    amount = quantity.value
    if when is not None and shown_when is not None and when != shown_when:
        amount = amount / _MONTHS[when] * _MONTHS[shown_when]
    if digits is None:
        own_digits = decimals_of(quantity.value)
        digits = own_digits if own_digits <= MAX_STANDARD_DIGITS else 2
    return _basis(shown) + format_number(round_half_up(amount, digits)) + quantity.unit.symbol


def _basis(per: str) -> str:
    """人年 → 每人每年, 人次 → 每人次."""
    who, when = _STANDARD_PARTS[per]
    return f"每{who}" + (f"每{when}" if when else "")


def before_filter(value: object) -> FigureValue:
    """``{{ 低保标准 | 调整前 | 标准 }}``: the standard before its change, for any filter to show."""
    if not isinstance(value, FigureValue):
        raise FilterError(f"过滤器“调整前”只能用于台账中的指标，不能用于“{value}”")
    before = value.standard.before
    if before is None:
        raise FilterError(
            f"指标“{value.名称}”没有调整前的数值；请在台账“指标”中为它填写“调整前”（与本指标同一单位）"
        )
    return FigureValue(f"{value.名称}（调整前）", before, standard=Standard(value.standard.per))


def direction_filter(value: object) -> str:
    """``{{ 低保标准 | 调整方向 }}`` → 提高 / 降低 / 不变, from the value and its 调整前."""
    earlier = before_filter(value).quantity
    assert isinstance(value, FigureValue) and earlier is not None
    current = value.quantity
    if current is None:
        return DASH
    now = convert(current.value, current.unit, earlier.unit)
    return "提高" if now > earlier.value else ("降低" if now < earlier.value else "不变")


def changed_filter(value: object) -> str:
    """``{{ 低保标准 | 调整时间 }}起`` → 7月起: the ledger's text, as typed."""
    before_filter(value)  # a change needs its earlier value: the same message when it is missing
    assert isinstance(value, FigureValue)
    if not value.standard.changed:
        raise FilterError(f"指标“{value.名称}”没有调整时间；请在台账“指标”中为它填写“调整时间”，如 7月")
    return value.standard.changed


def _goal_of(value: object, filter_name: str) -> Goal:
    if not isinstance(value, FigureValue):
        raise FilterError(f"过滤器“{filter_name}”只能用于台账中的指标，不能用于“{value}”")
    return value.goal(filter_name)


def target_value_filter(value: object) -> str:
    """``{{ 床位 | 目标值 }}`` → 45张 / 35%: the target as the ledger typed it."""
    target = _goal_of(value, "目标值").target
    return format_count(target.value, target.unit.symbol)


def requirement_filter(value: object) -> str:
    """``{{ 床位 | 要求 }}`` → 不少于45张, 90%以上: the target as the 目标表 and RG211 word it."""
    return _goal_of(value, "要求").requirement


def status_filter(value: object) -> str:
    """``{{ 集中供养率 | 完成情况 }}`` → 已完成 / 未完成, “—” without a 完成值: derived, never typed."""
    return _goal_of(value, "完成情况").status


def date_filter(value: object) -> str:
    if not isinstance(value, datetime.date):
        raise FilterError(f"“日期”只能用于日期，不能用于“{value}”")
    return format_date(value)


def numeral_filter(value: object) -> str:
    if not isinstance(value, int):
        raise FilterError("“中文数字”只能用于整数")
    return chinese_numeral(value)


def _filters() -> dict[str, Callable[..., object]]:
    filters: dict[str, Callable[..., object]] = {symbol: money_filter(symbol) for symbol in MONEY_UNITS}
    for symbol in known_units():
        found = unit(symbol)
        if found is not None and found.family not in (Family.MONEY, Family.PERCENT):
            filters[symbol] = count_filter(found)
            if found.family in (Family.PERSONS, Family.HOUSEHOLDS) or symbol in ("人次", "户次"):
                filters["万" + symbol] = count_filter(found, wan=True)
    filters.update(
        {
            "数": number_filter,
            "百分比": percent_filter,
            "大写": daxie_filter,
            "户人": households_persons_filter,
            "日期": date_filter,
            "中文数字": numeral_filter,
            "同比": growth_filter("上年同期", "同比"),
            "环比": growth_filter("上期", "环比"),
            "同比增减": difference_filter("上年同期", "同比增减"),
            "环比增减": difference_filter("上期", "环比增减"),
            "上年同期": earlier_filter("上年同期"),
            "上期": earlier_filter("上期"),
            "超计划": against_plan_filter,
            "标准": standard_filter,
            "调整前": before_filter,
            "调整方向": direction_filter,
            "调整时间": changed_filter,
            "目标值": target_value_filter,
            "要求": requirement_filter,
            "完成情况": status_filter,
            "md": markdown_text,
            "md_cell": markdown_cell,
        }
    )
    return filters


FILTERS = _filters()
