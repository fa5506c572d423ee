"""The one Jinja ``Environment``: sandboxed, StrictUndefined, with the number filters.

Narrative text in a ledger and every output template render here.  The sandbox is immutable and
refuses arithmetic operators, so a template can only quote figures through filters — it cannot
compute a figure that the ledger does not hold.  Filters are thin wrappers over the pure
``reportgen.numbers`` functions, so the HTML, Markdown, .docx and .xlsx writers format alike.
"""

from __future__ import annotations

import contextvars
import datetime
import enum
import functools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.escape import TEMPLATE_SYNTAX, markdown_cell, markdown_text, printable, xml_text
from reportgen.base.inputfile import read_input
from reportgen.base.resources import builtin_templates
from reportgen.base.units import MONEY_UNITS, Family, Unit, convert, known_units, money_unit, unit
from reportgen.model import Period, Quantity
from reportgen.numbers import (
    DASH,
    chinese_numeral,
    decimals_of,
    format_amount,
    format_count,
    format_count_wan,
    format_date,
    format_daxie,
    format_households_persons,
    format_number,
    format_percent,
    format_period,
    period_name,
    round_half_up,
)
from reportgen.numbers.compare import (
    format_against_plan,
    format_difference,
    format_growth,
    format_point_change,
    format_target,
)
from reportgen.templating.messages import Known, translate


class FilterError(ValueError):
    """A filter was given a value it cannot format; the message is Chinese and says why."""


Earlier = tuple[Quantity | None, str | None]  # (value in that period, id of the figure lacking it)
Goal = tuple[str, Quantity, str]  # a 目标: (direction word, target value, 完成情况 已完成/未完成/—)


@dataclass(frozen=True, slots=True)
class Standard:
    """What a standard figure adds: ``per`` (人月, 人年, 户月, 户年, 人次), ``before`` (the value before
    a change, in the figure's unit, None when the ledger has none) and ``changed`` (when, as text)."""

    per: str = ""
    before: Quantity | None = None
    changed: str = ""


class FigureValue:
    """What a template sees for a figure: printable, filterable, but not a number to compute with.

    ``earlier`` holds the figure in earlier periods (上年同期, 上期) for the comparison filters; a
    period the ledger has no value for carries the id of the figure to fill in, so the filter can
    say so instead of printing a blank.
    """

    __slots__ = ("_earlier", "_goal", "_quantity", "_standard", "名称")

    def __init__(
        self,
        name: str,
        quantity: Quantity | None,
        earlier: Mapping[str, Earlier] | None = None,
        *,
        standard: Standard | None = None,
        goal: Goal | None = None,
    ) -> None:
        self.名称 = name
        self._quantity = quantity
        self._earlier = earlier or {}
        self._standard = standard or Standard()
        self._goal = goal

    @property
    def standard(self) -> Standard:
        return self._standard

    def goal(self, filter_name: str) -> Goal:
        """The figure's 目标; ``FilterError`` naming the figure when the ledger gives it none."""
        if self._goal is None:
            raise FilterError(
                f"指标“{self.名称}”没有目标，不能用“{filter_name}”；"
                "请在台账“指标”中为它填写“目标”，如 目标: {不少于: 45}"
            )
        return self._goal

    @property
    def quantity(self) -> Quantity | None:
        return self._quantity

    def earlier(self, period: str) -> Quantity | None:
        """The figure in ``period``; ``FilterError`` when the ledger does not have it."""
        value, missing = self._earlier.get(period, (None, self.名称))
        if missing is not None:
            raise FilterError(
                f"指标“{missing}”没有{period}数值，“{self.名称}”无法与{period}比较；"
                f"请在台账“指标”中为“{missing}”填写“{period}”"
            )
        return value

    def __str__(self) -> str:
        quantity = self._quantity
        if quantity is None:
            return DASH
        if quantity.unit.family is Family.PERCENT:
            return format_percent(quantity.value / 100, 1)
        return format_number(quantity.value) + quantity.unit.symbol

    __repr__ = __str__  # ``{{ [低保金] }}`` prints the list's repr: the figure, not its address


class PeriodValue:
    """The reporting period in a template: ``{{ 期间 }}`` → 1—9月; ``.年月``, ``.名称``, ``.年度``."""

    __slots__ = ("_period",)

    def __init__(self, period: Period) -> None:
        self._period = period

    def __str__(self) -> str:
        return format_period(self._period.year, self._period.start_month, self._period.end_month)

    __repr__ = __str__

    @property
    def 年度(self) -> str:
        return f"{self._period.year}年"

    @property
    def 年月(self) -> str:
        p = self._period
        return format_period(p.year, p.start_month, p.end_month, with_year=True)

    @property
    def 名称(self) -> str:
        p = self._period
        return period_name(p.start_month, p.end_month) or str(self)

    @property
    def 末月(self) -> str:
        """``6月``: the period's last month without the year, for 截至{{ 期间.年度 }}{{ 期间.末月 }}
        (截至2023年6月) and 截至{{ 期间.末月 }}底 (截至10月底)."""
        return f"{self._period.end_month}月"

    @property
    def 期末(self) -> str:
        """``2024年9月末``: for stock figures (截至…) rather than flows over the period."""
        return f"{self._period.year}年{self._period.end_month}月末"

    @property
    def 上年同期(self) -> str:
        """``2023年1—9月``: the period 同比 compares with."""
        p = self._period
        return format_period(p.year - 1, p.start_month, p.end_month, with_year=True)

    @property
    def 上期(self) -> str:
        """The adjacent earlier period of the same length, which 环比 compares with: 7—9月 → 4—6月,
        1—3月 → 上年10—12月.  (Of a cumulative 1—9月 that is the previous year's 4—12月, which is
        why cumulative reports compare 同比.)"""
        p = self._period
        length = p.end_month - p.start_month + 1
        start = p.start_month - length
        year = p.year if start >= 1 else p.year - 1
        start = start if start >= 1 else start + 12
        return format_period(year, start, start + length - 1, with_year=True)

    @property
    def 年度名称(self) -> str:
        p = self._period
        return format_period(p.year, p.start_month, p.end_month, style="name", with_year=True)


def _quantity(value: object, filter_name: str) -> Quantity | None:
    if isinstance(value, FigureValue):
        return value.quantity
    if isinstance(value, Quantity):
        return value
    if value is None:
        return None
    raise FilterError(f"过滤器“{filter_name}”只能用于台账中的指标，不能用于“{value}”")


def money_filter(target: str) -> Callable[..., str]:
    def apply(value: object, digits: int | None = None) -> str:
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
        quantity = _quantity(value, name)
        if quantity is None:
            return DASH
        if not quantity.unit.compatible(target):
            raise FilterError(f"指标单位是“{quantity.unit}”，不能按“{name}”显示")
        return formatter(quantity.value, target.symbol, digits)

    apply.__name__ = name
    return apply


def number_filter(value: object, digits: int | None = None) -> str:
    """``{{ x | 数 }}``: the value alone, in its own unit, without the unit."""
    quantity = _quantity(value, "数")
    return DASH if quantity is None else format_number(quantity.value, digits)


def percent_filter(value: object, digits: int = 1) -> str:
    """``{{ 占比 | 百分比 }}`` for a % figure (a computed 比例 or one typed in %)."""
    if isinstance(value, Decimal):
        return format_percent(value, digits)
    quantity = _quantity(value, "百分比")
    if quantity is None:
        return DASH
    if quantity.unit.family is not Family.PERCENT:
        raise FilterError(f"指标单位是“{quantity.unit}”，不是百分比")
    return format_percent(quantity.value / 100, digits)


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


def _goal_text(goal: Quantity) -> str:
    return format_number(goal.value) + goal.unit.symbol


def target_value_filter(value: object) -> str:
    """``{{ 床位 | 目标值 }}`` → 45张 / 35%: the target as the ledger typed it."""
    return _goal_text(_goal_of(value, "目标值")[1])


def requirement_filter(value: object) -> str:
    """``{{ 床位 | 要求 }}`` → 不少于45张, 90%以上: the target as the 目标表 and RG211 word it."""
    direction, goal, _ = _goal_of(value, "要求")
    return format_target(direction, goal.value, goal.unit.symbol)


def status_filter(value: object) -> str:
    """``{{ 集中供养率 | 完成情况 }}`` → 已完成 / 未完成, “—” without a 完成值: derived, never typed."""
    return _goal_of(value, "完成情况")[2]


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


@dataclass(frozen=True, slots=True)
class Limits:
    """What one render of one template may spend (docs/templates.md “限额”).  Every figure is per
    render: a narrative string, a Word template's part, an HTML or Markdown layout.  A template that
    exceeds one stops with RG306 naming its place; a real report uses a small fraction of each."""

    steps: int = 1_000_000  # loop iterations, calls and items filters walk through, nested loops included
    chars: int = 20_000_000  # characters built: output as it grows, and every string made on the way
    range_items: int = 10_000  # one range()
    macro_depth: int = 64  # macros (and recursive loops) calling themselves


LIMITS = Limits()
MAX_OUTPUT_CHARS = LIMITS.chars  # one rendered part; a 300-project .docx body is about 1.5 million

# The template language, as an allow-list (docs/templates.md lists it).  Jinja's own filters kept:
# pure functions of their arguments that lay text out or pick items; none computes a figure, none
# prints an address, reads the clock or chance, and each is wrapped so that what it walks and builds
# counts against the render's budget.  Not offered (RG301): arithmetic and binary floats (``sum``
# ``round`` ``abs`` ``int`` ``float``), text of any length from a number (``center`` ``indent``
# ``wordwrap`` ``format`` ``replace``), reprs and foreign formats (``pprint`` ``tojson`` ``attr``
# ``filesizeformat`` ``urlize`` ``urlencode`` ``xmlattr``), raw markup (``safe`` ``forceescape``: a
# ledger's text would go into Word XML or HTML unescaped), chance (``random``), and every filter a
# later Jinja adds until it is reviewed here.
JINJA_FILTERS = frozenset(
    {
        "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "groupby",
        "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "reverse", "select", "selectattr", "slice", "sort", "string", "striptags", "title", "trim",
        "truncate", "unique", "upper", "wordcount",
    }
)  # fmt: skip
# Jinja's tests kept; ``sameas`` (object identity, which interning decides) is not.
JINJA_TESTS = frozenset(
    {
        "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto",
        "escaped", "even", "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer",
        "iterable", "le", "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sequence",
        "string", "test", "true", "undefined", "upper",
    }
)  # fmt: skip
# Globals: ``range`` (bounded) and ``dict``; not ``lipsum`` (text of any length), ``namespace``
# (mutable state), ``cycler``/``joiner`` (objects whose text is their address).
GLOBALS = ("range", "dict")
# Attributes a template may read.  Text: methods that return text no longer than 3× the string (no
# ``ljust`` ``center`` ``zfill`` ``replace`` ``format`` ``encode`` …).  Mappings: their items.
# reportgen's own values (document, blocks, tables, 期间 …): their public data and properties, and
# the methods below; a figure only its 名称 (its value is printed through the number filters).
# Numbers, dates and everything else: nothing (``.scaleb`` ``.quantize`` ``.to_bytes`` compute).
STR_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith"}
)
MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
     "previtem", "nextitem", "changed", "cycle"}
)  # fmt: skip
DOCUMENTED_METHODS = frozenset({"header_rows", "flat_labels"})  # TableSpec, docs/templates.md
FIGURE_ATTRIBUTES = frozenset({"名称"})


class Budget:
    """What one render has spent so far (``LIMITS``); one per ``render_bounded``, in a context variable."""

    __slots__ = ("chars", "depth", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.chars = 0
        self.depth = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > LIMITS.steps:
            raise LimitError(f"模板循环或调用超过 {LIMITS.steps} 步，已停止")

    def text(self, count: int) -> None:
        self.chars += count
        if self.chars > LIMITS.chars:
            raise LimitError(f"模板输出或生成的文字超过 {LIMITS.chars} 个字符，已停止")


_budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("reportgen_template_budget")


def current_budget() -> Budget:
    """The render's budget; a lone call outside a render (Jinja folding a constant expression while
    compiling, ``'x'|batch(…)``) gets a budget of its own, so it is bounded too."""
    return _budget.get(None) or Budget()


def walk(iterable: Any) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: each item counts one step."""
    budget = current_budget()
    for item in iterable:
        budget.step()
        yield item


_SCALAR_TEXT = 64  # at most what a scalar a template can reach prints as (a Decimal, a figure, a date)


def text_size(value: object, budget: Budget) -> int:
    """The length ``str(value)`` will have, found without building it: a list printed holds its
    items' text (a list of 10 000 references to one long string is short, its text is not)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset):
        budget.step(len(value))
        return 2 + sum(text_size(item, budget) + 2 for item in value)
    if isinstance(value, Mapping):
        budget.step(len(value))
        return 2 + sum(text_size(k, budget) + text_size(v, budget) + 4 for k, v in value.items())
    return _SCALAR_TEXT  # a figure, number, date: short, and not formatted twice to find out


def charge_text(value: object) -> None:
    """Count what printing ``value`` builds, before it is built."""
    budget = current_budget()
    budget.text(text_size(value, budget))


def joined(parts: Iterable[str]) -> str:
    """``environment.concat``: a macro's, block's or ``{% set %}``'s output, checked before joining."""
    pieces = list(parts)
    current_budget().text(sum(map(len, pieces)))
    return "".join(pieces)


def scan_cost(value: object, budget: Budget) -> None:
    """Reading ``value`` once: one step per item, per 100 characters of a string (``x in big``,
    ``a == b`` on long strings, ``big|wordcount`` — each cheap once, not a million times in a loop)."""
    if isinstance(value, str):
        budget.step(len(value) // 100 + 1)
    elif isinstance(value, Sized):
        budget.step(len(value) + 1)


def compare_cost(operator: str, left: object, right: object, budget: Budget) -> None:
    """What one comparison reads: the container of ``in``; the left side of ``==``/``<`` … between
    two strings or two sequences (Python compares them item by item)."""
    if operator in ("in", "notin"):
        scan_cost(right, budget)
    elif isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        scan_cost(left, budget)


def bounded_test(name: str, test: Callable[..., Any]) -> Callable[..., Any]:
    """A Jinja test that compares (``is in``, ``is eq`` …), at the cost ``compare_cost`` says."""

    @functools.wraps(test)
    def apply(value: object, *args: Any) -> Any:
        if args:
            compare_cost("in" if name == "in" else "eq", value, args[0], current_budget())
        return test(value, *args)

    return apply


def _walks(value: object, budget: Budget) -> None:
    """A filter that walks its input: one step per item (a string's items are its characters)."""
    if isinstance(value, Sized):
        budget.step(len(value))


# Filters that walk their input item by item; the others are O(1) or work on one string.
_WALKING = frozenset(
    {"batch", "slice", "join", "list", "map", "select", "reject", "selectattr", "rejectattr", "sort",
     "unique", "groupby", "dictsort", "items", "max", "min", "reverse", "wordcount"}
)  # fmt: skip


def bounded_filter(name: str, jinja_filter: Callable[..., Any]) -> Callable[..., Any]:
    """One of Jinja's filters, charged to the render's budget: the items it walks, the count it is
    asked to build from a number (``batch(10**9, x)``, ``slice(10**9)``) before building, the text
    a ``join`` will make before making it, and any text it returns; lazy results count as they are read."""
    passes = jinja2.utils._PassArg.from_obj(jinja_filter) is not None

    @functools.wraps(jinja_filter)
    def apply(*args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        value = args[1] if passes else args[0]
        rest = list(args[2:] if passes else args[1:])
        if isinstance(value, str):
            scan_cost(value, budget)  # every filter reads its text at least once
        if name in _WALKING:
            _walks(value, budget)
        if name == "string" and not isinstance(value, str):
            charge_text(value)  # a list's text holds its items' text: counted before it is built
        if name in ("batch", "slice"):
            count = rest[0] if rest else kwargs.get("linecount", kwargs.get("slices", 0))
            filling = len(rest) > 1 or "fill_with" in kwargs
            if isinstance(count, int) and (name == "slice" or filling):
                budget.step(max(count, 0))
        if name == "join":
            items = list(walk(value))
            separator = rest[0] if rest else kwargs.get("d", "")
            sizes = sum(text_size(item, budget) for item in items)
            budget.text(sizes + len(str(separator)) * max(len(items) - 1, 0))
            args = (*args[:1], items, *args[2:]) if passes else (items, *args[1:])
        result = jinja_filter(*args, **kwargs)
        if isinstance(result, str):
            budget.text(len(result))
        elif isinstance(result, Iterator):
            result = walk(result)
        return result

    return apply


def bounded_range(*args: int) -> Iterator[int]:
    """``range`` for templates: at most ``LIMITS.range_items`` items, each one step of the budget."""
    numbers = range(*args)
    if len(numbers) > LIMITS.range_items:
        raise LimitError(f"range() 最多 {LIMITS.range_items} 项，模板请求了 {len(numbers)} 项")
    return walk(numbers)


class Unprintable:
    """A function or method a template reached (``range``, ``低保金.goal``, ``'x'.upper``): it can be
    called, never printed.  Python's text for it holds a memory address (``<bound method … at
    0x7f…>``), different in every run, so ``{{ }}``, ``~``, ``string`` and ``join`` refuse it."""

    __slots__ = ("target",)

    def __init__(self, target: Callable[..., object]) -> None:
        self.target = target

    def __str__(self) -> str:
        raise FilterError("模板只能输出文字和台账中的指标，不能输出函数或方法（调用时请加括号，如 x.y()）")

    __repr__ = __str__


def unprintable(value: Any) -> Any:
    """``value``, or an ``Unprintable`` wrapping it when it is a function or method (not a figure,
    a macro or an undefined name, which print or fail as before)."""
    if callable(value) and not isinstance(value, jinja2.Undefined | jinja2.runtime.Macro | type):
        return Unprintable(value)
    return value


def _finalize(value: object) -> object:
    """Every ``{{ }}``: an object whose only text is its memory address is refused; its text is
    counted before it is built; then ``printable``."""
    kind = type(value)
    if isinstance(value, Unprintable | type) or (
        kind.__str__ is object.__str__ and kind.__repr__ is object.__repr__
    ):
        raise FilterError("模板只能输出文字和台账中的指标，不能输出程序内部的对象")
    if isinstance(value, list | tuple | set | frozenset | Mapping):
        charge_text(value)  # a container prints its items' text; the output itself counts as it grows
    return printable(value)


class LimitError(SecurityError):
    """A template asked for more than a report can need (``LIMITS``): RG306."""


def render_bounded(template: jinja2.Template, context: Mapping[str, object]) -> str:
    """``template.render`` with one ``Budget``: output counted as it grows, and everything the
    sandbox counts on the way.  Deep nesting that Python's own recursion limit stops is a LimitError too."""
    chunks: list[str] = []
    budget = Budget()
    token = _budget.set(budget)
    try:
        for chunk in template.generate(context):
            budget.text(len(chunk))
            chunks.append(chunk)
    except RecursionError:
        raise LimitError("模板嵌套过深或宏调用自身，已停止") from None
    finally:
        _budget.reset(token)
    return "".join(chunks)


class BudgetedCode(CodeGenerator):
    """Jinja's code generator with two changes: every ``{% for %}`` walks its iterable through
    ``environment.walk`` (so loops over lists, strings and mappings count, not only ``range``), and
    ``~`` checks the length of what it joins before joining.  Everything else compiles as Jinja
    compiles it; output buffers go through ``environment.concat`` (``joined``)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            walked = nodes.Call(nodes.EnvironmentAttribute("walk"), [loop.iter], [], None, None)
            loop.iter = walked.set_lineno(loop.iter.lineno or 1).set_environment(self.environment)
        super().visit_Template(node, frame)

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        """Comparisons read their operands (``x in big``, ``a == b`` of long strings): every chain
        goes through ``environment.compare``, which charges what it reads."""
        self.write("environment.compare(")
        self.visit(node.expr, frame)
        self.write(", (")
        for op in node.ops:
            self.write(f"({op.op!r}, ")
            self.visit(op.expr, frame)
            self.write("), ")
        self.write("))")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.join_checked({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@functools.lru_cache(maxsize=4096)
def _allowed_attribute(kind: type, attr: str, is_method: bool) -> bool:
    """The attribute allow-list (see ``STR_METHODS``), decided once per type and name."""
    if issubclass(kind, str):
        return attr in STR_METHODS
    if issubclass(kind, Mapping):
        return attr in MAPPING_METHODS
    if issubclass(kind, jinja2.runtime.LoopContext):
        return attr in LOOP_ATTRIBUTES
    if issubclass(kind, FigureValue):
        return attr in FIGURE_ATTRIBUTES
    if issubclass(kind, enum.Enum):
        return attr in ("name", "value")
    if kind.__module__.startswith("reportgen.") and not attr.startswith("_"):
        return not is_method or attr in DOCUMENTED_METHODS
    return False


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """The template language of docs/templates.md and nothing else, however the environment is built.

    Sandboxed and immutable; arithmetic operators are refused (numbers come from the ledger); only
    the allow-listed filters, tests, globals and attributes exist; and every render spends from one
    ``Budget`` (``LIMITS``): loop steps, calls, macro depth, and the text it builds, counted before
    the text is built."""

    code_generator_class = BudgetedCode
    concat = staticmethod(joined)
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self, **options: Any) -> None:
        options.setdefault("undefined", jinja2.StrictUndefined)
        options.setdefault("finalize", _finalize)
        super().__init__(**options)
        builtin = self.filters
        self.filters = {name: bounded_filter(name, builtin[name]) for name in sorted(JINJA_FILTERS)}
        self.filters.update(FILTERS)
        self.tests = {
            name: bounded_test(name, cast(Callable[..., Any], test))
            for name, test in self.tests.items()
            if name in JINJA_TESTS
        }
        self.globals = {"range": Unprintable(bounded_range), "dict": Unprintable(dict)}

    walk = staticmethod(walk)

    @staticmethod
    def compare(left: Any, chain: tuple[tuple[str, Any], ...]) -> bool:
        """A comparison chain, each comparison charged as ``compare_cost`` says, so ``x in long_list``
        or ``a == b`` of long strings in a loop is bounded."""
        budget = current_budget()
        for operator, right in chain:
            compare_cost(operator, left, right, budget)
            if not nodes._cmpop_to_func[operator](left, right):
                return False
            left = right
        return True

    @staticmethod
    def join_checked(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b``: refused before joining when the result would exceed the budget."""
        charge_text(list(parts))
        return join(parts)

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``/``format_map`` (Jinja would offer a sandboxed one before asking
        ``is_safe_attribute``): ``'{:>1000000000}'.format(1)`` builds a gigabyte; ``|format`` is gone too."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind: type = type(obj)
        return bool(super().is_safe_attribute(obj, attr, value)) and _allowed_attribute(
            kind, attr, callable(value)
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        return unprintable(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return unprintable(super().getitem(obj, argument))

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Calls what ``getattr`` wrapped (the sandbox checks the real function), one step each;
        macros, blocks (``self.b()``) and recursive loops (``loop(children)``) nest at most
        ``LIMITS.macro_depth`` deep, and a recursive loop's new items count as any loop's do."""
        budget = current_budget()
        budget.step()
        target = obj.target if isinstance(obj, Unprintable) else obj
        nests = isinstance(
            target, jinja2.runtime.Macro | jinja2.runtime.LoopContext | jinja2.runtime.BlockReference
        )
        bound_to = getattr(target, "__self__", None)
        if isinstance(bound_to, str):
            scan_cost(bound_to, budget)  # 'text'.upper(): reads the text
        if isinstance(target, jinja2.runtime.LoopContext) and args:
            args = (walk(args[0]), *args[1:])
        if not nests:
            result = super().call(context, target, *args, **kwargs)
            if isinstance(result, str):
                budget.text(len(result))
            return result
        budget.depth += 1
        try:
            if budget.depth > LIMITS.macro_depth:
                raise LimitError(f"宏、块或递归循环嵌套超过 {LIMITS.macro_depth} 层，已停止")
            return super().call(context, target, *args, **kwargs)
        finally:
            budget.depth -= 1

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"模板中不能做算术（{operator}）：数字须来自台账，合计与比例由程序计算")

    def call_unop(self, context: jinja2.runtime.Context, operator: str, arg: Any) -> Any:
        raise SecurityError(f"模板中不能做算术（{operator}）")


MAX_TEMPLATE_BYTES = 4 * 1024 * 1024  # one template file; the built-in ones are a few KiB
# What a template may include or extend: templates and the style sheet the HTML one inlines, never
# a kind.yaml, a .docx, Python or anything else that happens to lie in a template folder.
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".css", ".html", ".htm", ".md", ".txt")


class ConfinedLoader(jinja2.FileSystemLoader):
    """A ``FileSystemLoader`` whose templates stay inside its folders.

    Jinja already refuses ``..`` in a name, but it follows symbolic links wherever they lead and
    opens whatever it finds: a link in a template folder could have ``{% include %}`` print any
    file, and a FIFO would block the render.  Here the name is resolved with its links, must lie in
    the folder it was found in, end in one of ``TEMPLATE_SUFFIXES``, and is read by ``read_input``
    (a regular file, of bounded size).
    A refusal is a ``SecurityError``, which the caller reports as RG304 at the text's place.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if not template.lower().endswith(TEMPLATE_SUFFIXES):
            raise SecurityError(
                f"“{template}”不是模板文件，不能包含（只能是 {'、'.join(TEMPLATE_SUFFIXES)} 文件）"
            )
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = os.path.join(folder, *pieces)
            if not os.path.lexists(candidate):
                continue
            root, real = os.path.realpath(folder), os.path.realpath(candidate)
            if os.path.commonpath([root, real]) != root:
                raise SecurityError(f"模板“{template}”经符号链接指向模板目录之外，不能读取")
            try:
                raw = read_input(real, limit=MAX_TEMPLATE_BYTES, error=TemplateError, code="RG304")
            except TemplateError as error:
                raise SecurityError(f"模板“{template}”{error.problems[0].message}") from None
            mtime = os.path.getmtime(real)

            def uptodate(real: str = real, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return raw.decode(self.encoding), os.path.normpath(candidate), uptodate
        raise jinja2.TemplateNotFound(template)


@functools.lru_cache(maxsize=16)
def make_environment(
    template_dirs: tuple[Path, ...] = (), kind_folders: tuple[Path, ...] = ()
) -> ReportEnvironment:
    """The environment for one run: the report kind's pack folders first (``reportgen.kinds``),
    then the user's template folders, then the built-in ``templates/``.  The sandbox policy lives in
    ``ReportEnvironment`` itself; this only chooses folders and layout options.

    Cached per folder list: every report of a batch shares one environment, so templates (and the
    compiled .docx parts keyed by it) are compiled once, not once per unit.
    """
    return ReportEnvironment(
        loader=ConfinedLoader([*kind_folders, *template_dirs, builtin_templates()]),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2", "htm"), default_for_string=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_search_path(env: jinja2.Environment) -> tuple[Path, ...]:
    """The folders templates are looked up in, in order (for non-Jinja templates such as .docx)."""
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return tuple(Path(p) for p in loader.searchpath)
    return (builtin_templates(),)


_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_NEWLINES = re.compile(r"\r\n|\r|\n")
_SEPARATOR = "\x1f"  # a control character: ``printable`` removes it from every value, so it splits safely


@functools.lru_cache(maxsize=1024)
def _compiled_text(env: ReportEnvironment, source: str) -> jinja2.Template:
    return env.from_string(source)


def _render_source(env: ReportEnvironment, source: str, context: Mapping[str, object]) -> str:
    """Render a narrative string, compiling only its ``{{ }}`` expressions.

    Every unit's title names its own county around the same ``{{ 期间.年月 }}``: compiling the
    expressions alone (joined by a separator) lets thousands of such strings share one compiled
    template, where compiling each string would cost more than rendering the whole .docx.
    Statements, comments and anything the split cannot read exactly go through Jinja whole.
    """
    if source.count("{{") != source.count("}}"):  # an unclosed tag: Jinja reports it (and the split
        return render_bounded(_compiled_text(env, source), context)  # would rescan the text per "{{")
    literals = _EXPRESSION.split(source)
    expressions = _EXPRESSION.findall(source)
    if (
        "{%" in source
        or "{#" in source
        or any("{{" in literal or "}}" in literal for literal in literals)
        or any(e.startswith("{{-") or e.endswith("-}}") for e in expressions)  # whitespace control
    ):
        return render_bounded(_compiled_text(env, source), context)
    literals = [_NEWLINES.sub(env.newline_sequence, literal) for literal in literals]  # as Jinja's lexer does
    try:
        values = render_bounded(_compiled_text(env, _SEPARATOR.join(expressions)), context).split(_SEPARATOR)
    except jinja2.TemplateSyntaxError:
        return render_bounded(_compiled_text(env, source), context)  # the error, as the whole string shows
    if len(values) != len(expressions):
        return render_bounded(_compiled_text(env, source), context)
    return "".join(literal + value for literal, value in zip(literals, [*values, ""], strict=True))


def render_text(
    env: ReportEnvironment, source: str, context: Mapping[str, object], *, file: Path | None, place: str
) -> str:
    """Render one narrative string; every failure becomes a ``TemplateError`` naming its place.

    Text without template syntax is returned as it is, and compiled templates are reused across
    reports (a batch renders the same 段落 wording for thousands of units).
    """
    if not TEMPLATE_SYNTAX.search(source):
        return xml_text(source)
    try:
        return _render_source(env, source, context)
    except TEMPLATE_FAILURES as exc:
        code, message = explain_template_error(exc, env, context)
        shown = source[:200] if code == "RG306" else source
        raise TemplateError(
            Problem(code, message, file=file, place=place, value=shown, expected=_EXPECTED.get(code))
        ) from None


# What compiling or rendering a template can raise: Jinja's errors, ours (FilterError is a
# ValueError, LimitError a SecurityError), and Python's from a filter given the wrong value.
# Jinja parses and compiles recursively: some hundred nested "(", "not", filters or blocks exhaust
# Python's stack or its nesting limit (RecursionError, SyntaxError, MemoryError).
TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    RecursionError,
    SyntaxError,
    MemoryError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
)
_EXPECTED = {
    "RG301": "{{ 指标编号 | 过滤器 }} 形式的引用",
    "RG302": "“指标”中定义过的编号，或 期间",
}


def explain_template_error(
    exc: BaseException, env: jinja2.Environment, names: Iterable[str] = ()
) -> tuple[str, str]:
    """The code and the Chinese message for one of ``TEMPLATE_FAILURES``: Jinja's and Python's
    English translated (``template_messages``), with "did you mean" among ``names`` (the context:
    figure ids, 期间 …) and the environment's filters.  One place for narrative text, Word and
    HTML/Markdown templates, so they all say the same thing."""
    functions = {getattr(f, "__name__", n): n for n, f in env.filters.items()}
    known = Known(tuple(names), tuple(env.filters), functions)
    if isinstance(exc, jinja2.TemplateSyntaxError):  # TemplateAssertionError (unknown filter) too
        return "RG301", "模板语法错误：" + translate(exc.message or "", known)
    if isinstance(exc, jinja2.UndefinedError):
        return "RG302", "模板引用了未定义的名称：" + translate(exc.message or "", known)
    if isinstance(exc, LimitError):
        return "RG306", str(exc)
    if isinstance(exc, RecursionError | SyntaxError | MemoryError):
        return "RG306", "模板嵌套过深（括号、过滤器或语句层层相套），无法处理"
    if isinstance(exc, SecurityError):
        return "RG304", translate(str(exc))
    if isinstance(exc, FilterError):
        return "RG303", str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        return "RG303", f"找不到模板“{exc.name}”"
    return "RG303", "模板执行出错：" + translate(str(exc), known)
