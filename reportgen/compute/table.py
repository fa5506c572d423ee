"""The 一览表's figures: each row's amounts in the table's unit and its completion, then the table itself
computed as a preset of a declared table (``表格``): the same ratio, 合计 and "—" rules as any other.

下达预算占计划比例 = 下达预算 ÷ 计划安排资金; 实际拨付占计划比例 = 实际拨付 ÷ 计划安排资金 (never ÷
下达预算, the mistake samples/jialing-2024q3.yaml reproduces from its published source).  The preset
(``project_preset``) declares those as 商 columns with a 合计 row that adds the amounts (求和) and
recomputes the ratios from its own totals (重算); ``compute.declared`` computes it.  Only the 完成比例 is
computed here: its target and actual carry a unit per project (人, 张, 万元), which no column of one
unit holds, so each row's quotient is taken in its own units and entered as the column's value.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Unit, convert, unit
from reportgen.compute.bounds import Bounds
from reportgen.compute.declared import TOTAL, DeclaredTableFigures, declared_table_figures, fraction
from reportgen.compute.exact import exact_sum, ratio
from reportgen.ledger.keys import PRESET_COLUMNS, UNUSED
from reportgen.model import (
    NUMBERING,
    CellValue,
    ColumnFormula,
    DeclaredColumn,
    DeclaredRow,
    DeclaredTable,
    FigureRef,
    HeaderGroup,
    Ledger,
    Project,
    ProjectTable,
    Quantity,
)

PRESET_ID = "一览表"
_PAIRED = ("budget", "paid")  # renaming these renames the header over 金额 and 占计划比例
AMOUNT_LABEL = "金额"  # under 下达预算 and 实际拨付, which say what amount it is (charts name it by them)
PERCENT = unit("%")


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    """One 一览表 row with its amounts in the table's unit (exact) and its ratios (fractions).  The
    ratios of the amounts are the computed preset's (``table_figures`` fills them in)."""

    number: int
    project: Project
    target: Quantity | None
    actual: Quantity | None
    completion: Decimal | None
    plan: Decimal | None
    sources_total: Decimal | None
    budget: Decimal | None
    paid: Decimal | None
    budget_ratio: Decimal | None = None
    paid_ratio: Decimal | None = None


@dataclass(frozen=True, slots=True)
class TableFigures:
    """The whole 一览表: the projects' rows, and ``computed``, the preset table as computed (its rows in
    the order of ``rows``, then the 合计 computed from unrounded row values)."""

    table: ProjectTable
    rows: tuple[ProjectFigures, ...]
    computed: DeclaredTableFigures

    def _total(self, key: str) -> Decimal | None:
        total = self.computed.total
        assert total is not None  # the preset always has its 合计 row
        return total.values.get(key)

    @property
    def total_plan(self) -> Decimal | None:
        return self._total("plan")

    @property
    def total_budget(self) -> Decimal | None:
        return self._total("budget")

    @property
    def total_paid(self) -> Decimal | None:
        return self._total("paid")

    @property
    def total_budget_ratio(self) -> Decimal | None:
        return fraction(self._total("budget_ratio"))

    @property
    def total_paid_ratio(self) -> Decimal | None:
        return fraction(self._total("paid_ratio"))


def measure(value: Quantity | FigureRef | None, values: dict[str, Quantity | None]) -> Quantity | None:
    """A project's target or actual, following a figure reference when there is one."""
    if isinstance(value, FigureRef):
        return values.get(value.figure_id)
    return value


def in_unit(quantity: Quantity | None, target: Unit) -> Decimal | None:
    return None if quantity is None else convert(quantity.value, quantity.unit, target)


def table_figures(
    ledger: Ledger, values: dict[str, Quantity | None], bounds: dict[str, Bounds | None]
) -> TableFigures:
    assert ledger.table is not None
    table = ledger.table
    rows = tuple(
        _row(ledger, number, project, values) for number, project in enumerate(table.projects, start=1)
    )
    computed = declared_table_figures(ledger, project_preset(table, rows), values, bounds, with_bounds=False)
    ratios = [row.values for row in computed.rows if row.kind != TOTAL]
    rows = tuple(_with_ratios(row, shown) for row, shown in zip(rows, ratios, strict=True))
    return TableFigures(table, rows, computed)


def _with_ratios(row: ProjectFigures, shown: dict[str, Decimal | None]) -> ProjectFigures:
    """The row with its ratios as the preset computed them (built directly: ``dataclasses.replace``
    inspects the fields on every call, and a batch builds this for every project of every unit)."""
    return ProjectFigures(
        row.number,
        row.project,
        row.target,
        row.actual,
        row.completion,
        row.plan,
        row.sources_total,
        row.budget,
        row.paid,
        fraction(shown["budget_ratio"]),
        fraction(shown["paid_ratio"]),
    )


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

    sources_total = (
        exact_sum(convert(q.value, q.unit, display) for _, q in funding.sources) if funding.sources else None
    )
    return ProjectFigures(
        number=number,
        project=project,
        target=target,
        actual=actual,
        completion=completion,
        plan=money(funding.plan, "计划安排资金"),
        sources_total=sources_total,
        budget=money(funding.budget, "下达预算"),
        paid=money(funding.paid, "实际拨付"),
    )


# The preset's columns: key, header label, and the ledger field a text cell comes from (its place).
_TEXTS = {
    "name": "名称",
    "target_text": "目标任务",
    "progress_text": "实施进度",
    "owner": "责任单位",
    "note": "备注",
}
_TEMPLATES = ("target_text", "progress_text")  # rendered like the narrative, with the project's place
_AMOUNTS = {"plan": "计划安排资金", "budget": "下达预算", "paid": "实际拨付"}


def project_preset(table: ProjectTable, rows: tuple[ProjectFigures, ...]) -> DeclaredTable:
    """The 项目推进和资金执行情况一览表 as a declared table, its rows the projects' figures.

    Column keys are English (``plan``, ``budget_ratio`` …): the .xlsx charts and formulas name the
    columns by them.  The money unit stands in the spanner's label, as the published tables print it.
    Each ``hint`` is the width (汉字) the table was designed with: the .xlsx sizes its columns by it and
    the printed table shares spare width by it; the content decides the printed widths."""
    amount, rd, ad = table.amount_unit, table.ratio_digits, table.amount_digits

    def column(
        key: str,
        label: str,
        hint: str,
        *,
        unit_of: Unit | None = None,
        digits: int = 0,
        text: bool = False,
        formula: ColumnFormula | None = None,
        total: str = "无",
    ) -> DeclaredColumn:
        return DeclaredColumn(
            key,
            label,
            unit_of,
            text,
            digits,
            "",
            None,
            formula,
            total,
            f"{PRESET_ID}.{label}",
            hint=Decimal(hint),
            template=key in _TEMPLATES,
        )

    def share(key: str, of: str) -> DeclaredColumn:
        return column(
            key,
            "占计划比例",
            "5",
            unit_of=PERCENT,
            digits=rd,
            formula=ColumnFormula("商", (of, "plan")),
            total="重算",
        )

    columns = (
        column("number", "序号", "2.5", formula=ColumnFormula(NUMBERING, ())),
        column("name", "项目名称", "6.5", text=True),
        column("target_text", "目标任务", "7", text=True),
        column("progress_text", "实施进度", "8", text=True),
        column("completion", "完成比例", "5", unit_of=PERCENT, digits=rd),
        column("plan", "计划安排资金", "5.2", unit_of=amount, digits=ad, total="求和"),
        column("budget", AMOUNT_LABEL, "5.2", unit_of=amount, digits=ad, total="求和"),
        share("budget_ratio", "budget"),
        column("paid", AMOUNT_LABEL, "5.2", unit_of=amount, digits=ad, total="求和"),
        share("paid_ratio", "paid"),
        column("owner", "责任单位", "4.8", text=True),
        column("note", "备注", "3.3", text=True),
    )
    # 一览表.列: leave columns out, rename them (下达预算/实际拨付 rename the header over their pair)
    settings = {PRESET_COLUMNS[name]: text for name, text in table.columns}
    renamed = tuple(
        c
        if c.name not in settings or c.name in _PAIRED or settings[c.name] == UNUSED
        else dataclasses.replace(c, label=settings[c.name])
        for c in columns
    )
    hidden = frozenset(key for key, text in settings.items() if text == UNUSED)
    kept = {c.name for c in columns} - hidden

    def group(label: str, *members: str | HeaderGroup) -> tuple[HeaderGroup, ...]:
        present = tuple(m for m in members if not isinstance(m, str) or m in kept)
        return (HeaderGroup(label, present),) if present else ()

    def paired(key: str, default: str) -> tuple[HeaderGroup, ...]:
        label = settings.get(key, default)
        return group(default if label == UNUSED else label, key, key + "_ratio")

    header = (
        *group("项目推进情况", "target_text", "progress_text", "completion"),
        *group(
            f"资金执行情况（{amount.symbol}、%）",
            "plan",
            *paired("budget", "下达预算"),
            *paired("paid", "实际拨付"),
        ),
    )
    return DeclaredTable(
        id=PRESET_ID,
        title=table.title or "",
        columns=renamed,
        header=header,
        rows=tuple(_preset_row(row) for row in rows),
        group_columns=(),
        total_row=True,
        total_label="合计",
        total_printed=(),
        total_equals=(),
        sort=None,
        place=PRESET_ID,
        placement="附件",
        text_size=table.text_size,
        hidden=hidden,
    )


def _preset_row(row: ProjectFigures) -> DeclaredRow:
    """A project as the preset's row: its texts (templates kept as typed), its amounts in the table's
    unit, its completion in percent; each cell placed where the ledger holds its field."""
    project = row.project
    texts = {
        "name": project.name,
        "target_text": project.target_text,
        "progress_text": project.progress_text,
        "owner": project.owner,
        "note": project.note,
    }
    numbers = {
        "completion": None if row.completion is None else row.completion.scaleb(2),
        "plan": row.plan,
        "budget": row.budget,
        "paid": row.paid,
    }
    cells: list[tuple[str, CellValue]] = [(key, text) for key, text in texts.items()]
    cells.extend((key, value) for key, value in numbers.items() if value is not None)
    places = tuple((key, project.place_of(field)) for key, field in {**_TEXTS, **_AMOUNTS}.items())
    return DeclaredRow(tuple(cells), row.number, project.place, places)
