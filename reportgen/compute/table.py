"""The 一览表's figures: each row's amounts in the table's unit, its ratios, and the 合计 from unrounded rows.

下达预算占计划比例 = 下达预算 ÷ 计划安排资金; 实际拨付占计划比例 = 实际拨付 ÷ 计划安排资金 (never ÷
下达预算, the mistake samples/jialing-2024q3.yaml reproduces from its published source).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Unit, convert
from reportgen.compute.exact import exact_sum, ratio
from reportgen.model import FigureRef, Ledger, Project, ProjectTable, Quantity


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


def measure(value: Quantity | FigureRef | None, values: dict[str, Quantity | None]) -> Quantity | None:
    """A project's target or actual, following a figure reference when there is one."""
    if isinstance(value, FigureRef):
        return values.get(value.figure_id)
    return value


def in_unit(quantity: Quantity | None, target: Unit) -> Decimal | None:
    return None if quantity is None else convert(quantity.value, quantity.unit, target)


def table_figures(ledger: Ledger, values: dict[str, Quantity | None]) -> TableFigures:
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
