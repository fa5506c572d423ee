"""Compute every derived figure exactly, from the ledger and nothing else.

完成比例 = 实际完成 ÷ 目标; 下达预算占计划比例 = 下达预算 ÷ 计划安排资金; 实际拨付占计划比例 =
实际拨付 ÷ 计划安排资金 (never ÷ 下达预算, the mistake seed 000 makes); 合计 from unrounded values.
Ratios are Decimal fractions, unrounded; rounding happens once, when a value is formatted.  A zero or
missing denominator gives ``None``, which every formatter shows as "—".

Beside each figure's value, its ``Bounds``: the range the exact value could have, given that typed
inputs are rounded (463.33 万元 is anything from 463.325 to 463.335 万元; a whole count such as 8520
人次 is exact).  ``check`` compares a 公布值 with the bounds, not with the one computed value.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Family, Unit, convert, unit
from reportgen.model import (
    BASELINES,
    TARGET_RELATIONS,
    Figure,
    FigureRef,
    Ledger,
    Project,
    ProjectTable,
    Quantity,
    QuotientOf,
    RatioOf,
    SumOf,
    Target,
    TargetOnly,
)

PERCENT = unit("%")
assert PERCENT is not None

# Digits kept while adding and converting.  An amount may reach 10^15 with 10 decimals, and
# converting between 元 and 亿元 moves it 8 places either way, so one 合计 can need 15 + 8 + 10 + 8
# digits, plus a few for many rows: the default context (28 digits) would round it silently.
# 80 leaves ample room.  Ratios keep the default: a quotient is rounded somewhere anyway.
_EXACT_DIGITS = 80


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum (values converted inside the generator are converted at full precision too)."""
    with localcontext(prec=_EXACT_DIGITS):
        return sum(values, Decimal(0))


def exact_convert(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """``units.convert`` without rounding, for values as long as a 合计 can be."""
    with localcontext(prec=_EXACT_DIGITS):
        return convert(value, source, target)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator.is_zero():
        return None
    return numerator / denominator


@dataclass(frozen=True, slots=True)
class Bounds:
    """The closed interval [``low``, ``high``] the exact value of a figure lies in, in its unit."""

    low: Decimal
    high: Decimal

    @staticmethod
    def written(quantity: Quantity) -> Bounds:
        """A typed value: ± half a unit of its last written decimal (463.33 → ± 0.005), except a whole
        count, which is exact (8520人次, 392户: nobody rounds a count of persons to the nearest person)."""
        exponent = quantity.value.as_tuple().exponent
        assert isinstance(exponent, int)  # the ledger holds finite numbers only
        if quantity.unit.counts and exponent >= 0:
            return Bounds(quantity.value, quantity.value)
        half = Decimal(5).scaleb(exponent - 1)
        return Bounds(quantity.value - half, quantity.value + half)

    def converted(self, source: Unit, target: Unit, scale: Decimal = Decimal(1)) -> Bounds:
        """In another unit of the family, times a positive ``scale`` (exact: powers of ten, 每)."""
        with localcontext(prec=_EXACT_DIGITS):
            return Bounds(
                convert(self.low, source, target) * scale, convert(self.high, source, target) * scale
            )

    def __truediv__(self, other: Bounds) -> Bounds | None:
        """Every quotient of a value here by one in ``other``, rounded outwards; None (unbounded)
        when ``other`` contains 0."""
        if other.low <= 0 <= other.high:
            return None
        corners = [(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
        with localcontext(prec=_BOUND_DIGITS, rounding=ROUND_FLOOR):
            low = min(a / b for a, b in corners)
        with localcontext(prec=_BOUND_DIGITS, rounding=ROUND_CEILING):
            high = max(a / b for a, b in corners)
        return Bounds(low, high)


def total_bounds(parts: Iterable[Bounds]) -> Bounds:
    parts = list(parts)
    return Bounds(exact_sum(p.low for p in parts), exact_sum(p.high for p in parts))


# Digits of a quotient's bounds: more than any displayed or typed digit, rounded outwards.
_BOUND_DIGITS = 40


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    """One 一览表 row with its amounts in the table's unit (exact) and its ratios (fractions)."""

    number: int
    project: Project
    target: Quantity | None
    actual: Quantity | None
    completion: Decimal | None
    plan: Decimal | None
    sources_total: Decimal | None
    budget: Decimal | None
    paid: Decimal | None
    budget_ratio: Decimal | None
    paid_ratio: Decimal | None


@dataclass(frozen=True, slots=True)
class TableFigures:
    """The whole 一览表: rows plus the 合计 computed from unrounded row values."""

    table: ProjectTable
    rows: tuple[ProjectFigures, ...]
    total_plan: Decimal | None
    total_budget: Decimal | None
    total_paid: Decimal | None
    total_budget_ratio: Decimal | None
    total_paid_ratio: Decimal | None


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
    """

    ledger: Ledger
    values: dict[str, Quantity | None]
    table: TableFigures | None
    baselines: dict[str, Baseline] = field(default_factory=dict)
    bounds: dict[str, Bounds | None] = field(default_factory=dict)
    targets: dict[str, TargetResult] = field(default_factory=dict)


def compute(ledger: Ledger) -> ComputedReport:
    """Resolve derived figures and the 一览表; unit mismatches are ``LedgerError`` RG113."""
    resolver = _FigureResolver(ledger)
    values = resolver.resolve_all()
    table = _table(ledger, values) if ledger.table is not None else None
    baselines = {p: _baseline(ledger, p) for p in BASELINES}
    targets = {
        figure.id: _target(ledger, figure, figure.target, values.get(figure.id))
        for figure in ledger.figures
        if figure.target is not None
    }
    return ComputedReport(ledger, values, table, baselines, resolver.bounds, targets)


# 完成情况 of a figure against its 目标, derived, never typed.
DONE, NOT_DONE = "已完成", "未完成"
_MEETS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "≥": operator.ge,
    "≤": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True, slots=True)
class TargetResult:
    """A figure's 目标 in its resolved unit, with the 完成值 (the figure itself) converted to that unit.

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
        return _MEETS[TARGET_RELATIONS[self.direction]](self.actual.value, self.target.value)

    @property
    def status(self) -> str:
        met = self.met
        return "—" if met is None else (DONE if met else NOT_DONE)


def _target(ledger: Ledger, figure: Figure, target: Target, actual: Quantity | None) -> TargetResult:
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
        return TargetResult(target.direction, goal, None)
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
    return TargetResult(
        target.direction, goal, Quantity(exact_convert(actual.value, actual.unit, target_unit), target_unit)
    )


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
        fraction = ratio(exact_convert(numerator.value, numerator.unit, into), denominator.value)
        if fraction is None:
            return None, None
        top = self.bounds[source.numerator.figure_id]
        bottom = self.bounds[source.denominator.figure_id]
        bounds = None
        if top is not None and bottom is not None:
            bounds = top.converted(numerator.unit, into, scale) / bottom
        return Quantity(fraction * scale, unit), bounds


def measure(value: Quantity | FigureRef | None, values: dict[str, Quantity | None]) -> Quantity | None:
    """A project's target or actual, following a figure reference when there is one."""
    if isinstance(value, FigureRef):
        return values.get(value.figure_id)
    return value


def in_unit(quantity: Quantity | None, target: Unit) -> Decimal | None:
    return None if quantity is None else exact_convert(quantity.value, quantity.unit, target)


def _table(ledger: Ledger, values: dict[str, Quantity | None]) -> TableFigures:
    assert ledger.table is not None
    table = ledger.table
    rows = tuple(
        _row(ledger, number, project, values) for number, project in enumerate(table.projects, start=1)
    )

    def total(attribute: str) -> Decimal | None:
        present = [getattr(row, attribute) for row in rows if getattr(row, attribute) is not None]
        return exact_sum(present) if present else None

    plan, budget, paid = total("plan"), total("budget"), total("paid")
    return TableFigures(table, rows, plan, budget, paid, ratio(budget, plan), ratio(paid, plan))


def _row(ledger: Ledger, number: int, project: Project, values: dict[str, Quantity | None]) -> ProjectFigures:
    assert ledger.table is not None
    display = ledger.table.amount_unit
    target = measure(project.target, values)
    actual = measure(project.actual, values)
    completion: Decimal | None = None
    if target is not None and actual is not None:
        if not actual.unit.compatible(target.unit):
            raise LedgerError(
                Problem(
                    "RG113",
                    f"实际完成（{actual.unit}）与目标（{target.unit}）单位不可比，无法计算完成比例",
                    file=ledger.source,
                    place=project.place,
                    expected="同一类单位",
                )
            )
        completion = ratio(convert(actual.value, actual.unit, target.unit), target.value)
    funding = project.funding

    def money(value: Quantity | FigureRef | None, what: str) -> Decimal | None:
        quantity = measure(value, values)
        if quantity is not None and not quantity.unit.compatible(display):
            raise LedgerError(
                Problem(
                    "RG113",
                    f"{what}引用的指标单位是“{quantity.unit}”，不是金额",
                    file=ledger.source,
                    place=project.place_of(what),
                    expected="金额指标（元、万元、亿元）",
                )
            )
        return in_unit(quantity, display)

    plan = money(funding.plan, "计划安排资金")
    budget = money(funding.budget, "下达预算")
    paid = money(funding.paid, "实际拨付")
    sources_total = (
        exact_sum(convert(q.value, q.unit, display) for _, q in funding.sources) if funding.sources else None
    )
    return ProjectFigures(
        number=number,
        project=project,
        target=target,
        actual=actual,
        completion=completion,
        plan=plan,
        sources_total=sources_total,
        budget=budget,
        paid=paid,
        budget_ratio=ratio(budget, plan),
        paid_ratio=ratio(paid, plan),
    )
