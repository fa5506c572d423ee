"""Resolve every figure of the ledger exactly: typed, 合计, 比例 and 商, its 目标, its 标准 and its earlier
periods.

完成比例 = 实际完成 ÷ 目标; 合计 from unrounded values.  Ratios are Decimal fractions, unrounded;
rounding happens once, when a value is formatted.  A zero or missing denominator gives ``None``,
which every formatter shows as "—".  Beside each figure's value, its ``Bounds`` (``compute.bounds``);
the 一览表's rows are ``compute.table``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Family, Unit, convert, unit
from reportgen.compute.bounds import Bounds, total_bounds
from reportgen.compute.declared import DeclaredTableFigures, declared_table_figures, declared_tables
from reportgen.compute.exact import exact_sum, ratio
from reportgen.compute.table import TableFigures, table_figures
from reportgen.compute.targets import target_preset
from reportgen.model import (
    BASELINES,
    TARGET_RELATIONS,
    Figure,
    FigureRef,
    Ledger,
    Quantity,
    QuotientOf,
    RatioOf,
    SumOf,
    Target,
    TargetOnly,
)
from reportgen.numbers import format_target

PERCENT = unit("%")
assert PERCENT is not None


@dataclass(frozen=True, slots=True)
class Baseline:
    """Every figure as it was in one earlier period (上年同期 or 上期), resolved like the current one.

    ``missing`` maps a figure id to the typed figure whose earlier value the ledger lacks (itself,
    or a part of a 合计/比例), so a comparison can say which figure to fill in rather than print a blank.
    """

    period: str
    values: dict[str, Quantity | None]
    missing: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ComputedReport:
    """The ledger with every figure resolved (``None`` = not computable, shown as "—").

    ``bounds`` holds, per figure, the interval its exact value lies in given the rounding of the
    typed inputs (``None``: not computable, or unbounded because a denominator's interval holds 0).
    ``goals`` and ``standards`` hold the figures that have a 目标 or are a 标准, in the shapes the
    checks, the document and the templates all read.
    """

    ledger: Ledger
    values: dict[str, Quantity | None]
    table: TableFigures | None
    baselines: dict[str, Baseline] = field(default_factory=dict)
    bounds: dict[str, Bounds | None] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    standards: dict[str, Standard] = field(default_factory=dict)
    tables: tuple[DeclaredTableFigures, ...] = ()  # 表格 (compute.declared)
    targets: DeclaredTableFigures | None = None  # the 目标表, a preset of 表格 (compute.targets)


def compute(ledger: Ledger) -> ComputedReport:
    """Resolve derived figures and the 一览表; unit mismatches are ``LedgerError`` RG113."""
    resolver = _FigureResolver(ledger)
    values = resolver.resolve_all()
    table = table_figures(ledger, values, resolver.bounds) if ledger.table is not None else None
    baselines = {p: _baseline(ledger, p) for p in BASELINES}
    goals = {
        figure.id: _goal(ledger, figure, figure.target, values.get(figure.id))
        for figure in ledger.figures
        if figure.target is not None
    }
    standards = {
        figure.id: _standard(figure, values.get(figure.id))
        for figure in ledger.figures
        if figure.per or figure.before is not None or figure.changed
    }
    tables = declared_tables(ledger, values, resolver.bounds)
    targets = (
        declared_table_figures(
            ledger, target_preset(ledger.target_table, goals), values, resolver.bounds, with_bounds=False
        )
        if ledger.target_table is not None
        else None
    )
    return ComputedReport(
        ledger, values, table, baselines, resolver.bounds, goals, standards, tables, targets
    )


# Decimals a computed figure is printed with where no filter chooses them (``{{ x }}`` and ``百分比`` of a
# 比例, the 目标表's 完成值, the 主要指标 table): a 比例 in % to 1 (37.1%), a 商 to 2 (元 and 角分).  A typed
# or added-up figure prints as typed.
PERCENT_DIGITS = 1
DERIVED_DIGITS = 2


def completion_digits(figure: Figure) -> int | None:
    """The decimals ``figure``'s 完成值 is printed with (``PERCENT_DIGITS``, ``DERIVED_DIGITS``); None
    when it prints as typed."""
    if isinstance(figure.source, RatioOf):
        return PERCENT_DIGITS
    if isinstance(figure.source, Quantity | SumOf):
        return None
    return DERIVED_DIGITS


# 完成情况 of a figure against its 目标, derived, never typed.
DONE, NOT_DONE = "已完成", "未完成"
_MEETS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "≥": operator.ge,
    "≤": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True, slots=True)
class Goal:
    """A figure's 目标 in its resolved unit, with the 完成值 (the figure itself) converted to that unit:
    the one shape of a 目标 after the ledger's ``Target``, read by the checks (RG211), the 目标表 and
    the template filters (目标值, 要求, 完成情况).

    ``status`` is 已完成 when the 完成值 satisfies the direction (≥ for 不少于 不低于 达到 以上, ≤ for
    不超过 不高于 以内 控制在, strictly > for 高于 多于 and < for 低于 少于: ``TARGET_GROUPS``), compared
    exactly (37.1077% against 35%, not the rounded 37.1%), 未完成 otherwise, and "—" without a 完成值.
    """

    direction: str
    target: Quantity
    actual: Quantity | None

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.meets(self.actual.value)

    def meets(self, value: Decimal) -> bool:
        """Whether ``value`` (in the target's unit) satisfies the direction."""
        return _MEETS[TARGET_RELATIONS[self.direction]](value, self.target.value)

    @property
    def status(self) -> str:
        met = self.met
        return "—" if met is None else (DONE if met else NOT_DONE)

    @property
    def requirement(self) -> str:
        """不少于45张, 90%以上: the 目标 as the 目标表, RG211 and ``{{ x | 要求 }}`` word it."""
        return format_target(self.direction, self.target.value, self.target.unit.symbol)


def _goal(ledger: Ledger, figure: Figure, target: Target, actual: Quantity | None) -> Goal:
    """The target in its unit (declared, else the figure's: % for a 比例); RG113 when the 完成值's
    unit cannot be compared with it."""
    target_unit = target.unit or (PERCENT if isinstance(figure.source, RatioOf) else None)
    if target_unit is None and isinstance(figure.source, Quantity | QuotientOf):
        target_unit = figure.source.unit
    if target_unit is None:
        target_unit = actual.unit if actual is not None else PERCENT
    assert target_unit is not None  # the schema requires a unit where none can be inferred
    goal = Quantity(target.value, target_unit)
    if actual is None:
        return Goal(target.direction, goal, None)
    if not actual.unit.compatible(target_unit):
        raise LedgerError(
            Problem(
                "RG113",
                f"“{figure.name}”的目标以{target_unit}计，完成值以{actual.unit}计，无法比较",
                file=ledger.source,
                place=figure.place_of("目标"),
                expected=f"目标与指标同一类单位（指标是{actual.unit}）",
            )
        )
    return Goal(
        target.direction, goal, Quantity(convert(actual.value, actual.unit, target_unit), target_unit)
    )


@dataclass(frozen=True, slots=True)
class Standard:
    """What a standard figure (标准) adds, for the template filters (标准, 调整前, 调整方向, 调整时间):
    ``per`` (人月, 人年, 户月, 户年, 人次: ``model.STANDARD_BASES``), ``before`` (the value before a change,
    in the figure's computed unit; None when the ledger has none or the figure is not computable) and
    ``changed`` (when, as the ledger typed it)."""

    per: str = ""
    before: Quantity | None = None
    changed: str = ""


def _standard(figure: Figure, value: Quantity | None) -> Standard:
    """The ledger's 每, 调整前 and 调整时间, 调整前 in the unit the figure's value was computed in."""
    before = None if figure.before is None or value is None else Quantity(figure.before, value.unit)
    return Standard(figure.per, before, figure.changed)


def _baseline(ledger: Ledger, period: str) -> Baseline:
    """The figures of ``period``: typed figures give their earlier value in their own unit, and
    合计/比例 are computed from their parts' earlier values exactly as the current ones are."""
    missing: dict[str, str] = {}

    def earlier(figure: Figure, current: Quantity) -> Quantity | None:
        value = figure.baseline(period)
        if value is None:
            missing[figure.id] = figure.id
            return None
        return Quantity(value, current.unit)

    resolver = _FigureResolver(ledger, earlier)
    values = resolver.resolve_all()
    for figure in ledger.figures:  # a derived figure is missing what its first missing part is
        if figure.id not in missing and values.get(figure.id) is None:
            leaf = resolver.first_missing(figure.id, missing)
            if leaf is not None:
                missing[figure.id] = leaf
    return Baseline(period, values, missing)


Leaf = Callable[[Figure, Quantity], Quantity | None]


def _current(figure: Figure, quantity: Quantity) -> Quantity | None:
    return quantity


class _FigureResolver:
    def __init__(self, ledger: Ledger, leaf: Leaf = _current) -> None:
        self.ledger = ledger
        self.leaf = leaf
        self.by_id = {f.id: f for f in ledger.figures}
        self.values: dict[str, Quantity | None] = {}
        self.bounds: dict[str, Bounds | None] = {}
        self.in_progress: list[str] = []

    def first_missing(self, figure_id: str, missing: dict[str, str]) -> str | None:
        """The first typed figure under ``figure_id`` (depth first) that has no value."""
        if figure_id in missing:
            return missing[figure_id]
        source = self.by_id[figure_id].source
        parts = source.parts if isinstance(source, SumOf) else ()
        if isinstance(source, RatioOf | QuotientOf):
            parts = (source.numerator, source.denominator)
        for part in parts:
            found = self.first_missing(part.figure_id, missing)
            if found is not None:
                return found
        return None

    def fail(
        self, code: str, message: str, figure: Figure, value: object = None, expected: str = ""
    ) -> LedgerError:
        return LedgerError(
            Problem(
                code, message, file=self.ledger.source, place=figure.place, value=value, expected=expected
            )
        )

    def resolve_all(self) -> dict[str, Quantity | None]:
        for figure in self.ledger.figures:
            self.resolve(figure.id)
        return self.values

    def resolve(self, figure_id: str) -> Quantity | None:
        if figure_id in self.values:
            return self.values[figure_id]
        figure = self.by_id[figure_id]
        if figure_id in self.in_progress:
            cycle = " → ".join([*self.in_progress[self.in_progress.index(figure_id) :], figure_id])
            raise self.fail("RG112", f"指标之间循环引用：{cycle}", figure, expected="合计/比例不引用自身")
        self.in_progress.append(figure_id)
        source = figure.source
        result: Quantity | None
        bounds: Bounds | None = None
        if isinstance(source, Quantity):
            result = self.leaf(figure, source)
            bounds = None if result is None else Bounds.written(result)
        elif isinstance(source, SumOf):
            result, bounds = self.sum(figure, source)
        elif isinstance(source, RatioOf):
            result, bounds = self.ratio(figure, source)
        elif isinstance(source, TargetOnly):
            result = None  # a 目标 without a 完成值
        else:
            result, bounds = self.quotient(figure, source)
        self.in_progress.pop()
        self.values[figure_id] = result
        self.bounds[figure_id] = bounds
        return result

    def sum(self, figure: Figure, source: SumOf) -> tuple[Quantity | None, Bounds | None]:
        parts = [(ref, self.resolve(ref.figure_id)) for ref in source.parts]
        present = [(ref, q) for ref, q in parts if q is not None]
        if len(present) != len(parts) or not present:
            return None, None
        first = present[0][1]
        if first.unit.family is Family.MULTIPLE:
            raise self.fail(
                "RG113",
                f"倍数不能相加：“{present[0][0].figure_id}”的单位是{first.unit}",
                figure,
                expected="合计各分项为数量或金额",
            )
        for ref, quantity in present:
            if not quantity.unit.compatible(first.unit):
                raise self.fail(
                    "RG113",
                    f"合计的分项单位不可相加：“{present[0][0].figure_id}”是{first.unit}，“{ref.figure_id}”是{quantity.unit}",
                    figure,
                    expected="同一类单位（如 人 与 名，万元 与 元）",
                )
        total = exact_sum(convert(q.value, q.unit, first.unit) for _, q in present)
        part_bounds = [(self.bounds[ref.figure_id], q.unit) for ref, q in present]
        bounds = (
            total_bounds(b.converted(u, first.unit) for b, u in part_bounds if b is not None)
            if all(b is not None for b, _ in part_bounds)
            else None
        )
        return Quantity(total, first.unit), bounds

    def operands(self, numerator: FigureRef, denominator: FigureRef) -> tuple[Quantity, Quantity] | None:
        top, bottom = self.resolve(numerator.figure_id), self.resolve(denominator.figure_id)
        return None if top is None or bottom is None else (top, bottom)

    def ratio(self, figure: Figure, source: RatioOf) -> tuple[Quantity | None, Bounds | None]:
        pair = self.operands(source.numerator, source.denominator)
        if pair is None:
            return None, None
        numerator, denominator = pair
        if not numerator.unit.compatible(denominator.unit):
            raise self.fail(
                "RG113",
                f"比例的分子（{numerator.unit}）与分母（{denominator.unit}）单位不可比",
                figure,
                expected="分子分母为同一类单位",
            )
        assert PERCENT is not None
        return self.divide(source, pair, into=denominator.unit, scale=Decimal(100), unit=PERCENT)

    def quotient(self, figure: Figure, source: QuotientOf) -> tuple[Quantity | None, Bounds | None]:
        pair = self.operands(source.numerator, source.denominator)
        if pair is None:
            return None, None
        if not pair[0].unit.compatible(source.unit):
            raise self.fail(
                "RG113",
                f"商的分子（{pair[0].unit}）不能换算为结果单位（{source.unit}）",
                figure,
                expected=f"与分子同一类的单位（分子是{pair[0].unit}）",
            )
        return self.divide(source, pair, into=source.unit, scale=source.per, unit=source.unit)

    def divide(
        self,
        source: RatioOf | QuotientOf,
        pair: tuple[Quantity, Quantity],
        *,
        into: Unit,
        scale: Decimal,
        unit: Unit,
    ) -> tuple[Quantity | None, Bounds | None]:
        """numerator (converted ``into`` a unit, times ``scale``) ÷ denominator, and its bounds."""
        numerator, denominator = pair
        fraction = ratio(convert(numerator.value, numerator.unit, into), denominator.value)
        if fraction is None:
            return None, None
        top = self.bounds[source.numerator.figure_id]
        bottom = self.bounds[source.denominator.figure_id]
        bounds = None
        if top is not None and bottom is not None:
            bounds = top.converted(numerator.unit, into, scale) / bottom
        return Quantity(fraction * scale, unit), bounds
