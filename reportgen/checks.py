"""Findings: the ledger loads, but something in it does not add up (RG2xx).

These are the mistakes seed 000 shows in print — sources that do not sum to the plan, ratios over
100%, more paid than issued, the narrative and the table quoting different totals, one column
entered in two units.  A generator cannot silently fix them; it must say so, so a person decides.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reportgen.compute import ComputedReport, ProjectFigures, TableFigures, exact_convert, measure
from reportgen.errors import Finding, Problem, Severity
from reportgen.model import Ledger, Quantity
from reportgen.numbers import DASH, format_amount, format_number, format_percent

ONE = Decimal(1)


def findings(report: ComputedReport) -> list[Finding]:
    """Every RG2xx finding of a computed report, in ledger order."""
    found: list[Finding] = []
    found.extend(_same_name_figures(report))
    if report.table is not None:
        found.extend(_mixed_units(report.ledger, report.table, report.values))
        for row in report.table.rows:
            found.extend(_row_findings(report.ledger, report.table, row))
    return found


def _finding(
    code: str,
    message: str,
    ledger: Ledger,
    place: str,
    severity: Severity = Severity.WARNING,
    value: object = None,
    expected: str | None = None,
) -> Finding:
    return Finding(
        Problem(code, message, file=ledger.source, place=place, value=value, expected=expected), severity
    )


def _amount(value: Decimal | None, table: TableFigures) -> str:
    unit = table.table.amount_unit.symbol
    return DASH if value is None else format_amount(value, unit, source_unit=unit)


def _row_findings(ledger: Ledger, table: TableFigures, row: ProjectFigures) -> list[Finding]:
    out: list[Finding] = []
    place = row.project.place_of
    label = f"第{row.number}项“{_short(row.project.name)}”"
    digits = table.table.ratio_digits
    if row.sources_total is not None and row.plan is not None and row.sources_total != row.plan:
        parts = "＋".join(
            f"{name}{format_number(q.value)}{q.unit}" for name, q in row.project.funding.sources
        )
        out.append(
            _finding(
                "RG201",
                f"{label}资金来源合计 {_amount(row.sources_total, table)}（{parts}）"
                f"与计划安排资金 {_amount(row.plan, table)} 不符",
                ledger,
                place("资金来源"),
                expected="各级资金之和等于计划安排资金",
            )
        )
    for what, value in (("下达预算", row.budget_ratio), ("实际拨付", row.paid_ratio)):
        if value is not None and value > ONE:
            out.append(
                _finding(
                    "RG202",
                    f"{label}{what}占计划比例为 {format_percent(value, digits)}，"
                    f"超计划 {format_percent(value - ONE, digits)}",
                    ledger,
                    place(what),
                    expected="不超过计划安排资金，或在备注中说明",
                )
            )
    if row.completion is not None and row.completion > ONE:
        out.append(
            _finding(
                "RG202",
                f"{label}完成比例为 {format_percent(row.completion, digits)}，超额完成",
                ledger,
                place("实际完成"),
                Severity.NOTICE,
            )
        )
    if row.paid is not None and row.budget is not None and row.paid > row.budget:
        out.append(
            _finding(
                "RG203",
                f"{label}实际拨付 {_amount(row.paid, table)} 超过下达预算 {_amount(row.budget, table)}",
                ledger,
                place("实际拨付"),
                expected="实际拨付不超过下达预算",
            )
        )
    if row.plan is not None and row.plan.is_zero() and (row.budget or row.paid):
        out.append(
            _finding(
                "RG206",
                f"{label}计划安排资金为 0，占计划比例记为“—”",
                ledger,
                place("计划安排资金"),
                Severity.NOTICE,
            )
        )
    if row.plan is None and (row.budget is not None or row.paid is not None):
        out.append(
            _finding(
                "RG206",
                f"{label}未填计划安排资金，占计划比例记为“—”",
                ledger,
                place("计划安排资金"),
                Severity.NOTICE,
            )
        )
    if row.target is not None and row.target.value.is_zero():
        out.append(
            _finding("RG206", f"{label}目标为 0，完成比例记为“—”", ledger, place("目标"), Severity.NOTICE)
        )
    return out


def _mixed_units(ledger: Ledger, table: TableFigures, values: dict[str, Quantity | None]) -> list[Finding]:
    """One column, two input units: the seed's 亿元 header over 万元 figures starts exactly here."""
    used: dict[str, list[str]] = defaultdict(list)
    first_other: str | None = None  # the first amount not in the table's unit: where to look
    for row in table.rows:
        funding = row.project.funding
        entered = [
            (what, measure(m, values))
            for what, m in (
                ("计划安排资金", funding.plan),
                ("下达预算", funding.budget),
                ("实际拨付", funding.paid),
            )
        ]
        entered += [("资金来源", q) for _, q in funding.sources]
        for what, quantity in entered:
            if quantity is None:
                continue
            if str(row.number) not in used[quantity.unit.symbol]:
                used[quantity.unit.symbol].append(str(row.number))
            if first_other is None and quantity.unit != table.table.amount_unit:
                first_other = row.project.place_of(what)
    if len(used) <= 1:
        return []
    detail = "；".join(f"{symbol}：第{'、'.join(rows)}项" for symbol, rows in used.items())
    return [
        _finding(
            "RG205",
            f"一览表金额以{'、'.join(used)}录入（{detail}），输出已统一换算为{table.table.amount_unit}",
            ledger,
            first_other or "一览表.项目",
            Severity.NOTICE,
            expected="同一表中金额统一单位录入",
        )
    ]


def _same_name_figures(report: ComputedReport) -> list[Finding]:
    """Two figures with one name and different values: the narrative and the table will disagree."""
    by_name: dict[str, list[tuple[str, Quantity, str]]] = defaultdict(list)
    for figure in report.ledger.figures:
        value = report.values.get(figure.id)
        if value is not None:
            by_name[figure.name].append((figure.id, value, figure.place))
    out: list[Finding] = []
    for name, entries in by_name.items():
        first_id, first, _ = entries[0]
        for other_id, other, other_place in entries[1:]:
            if not other.unit.compatible(first.unit):
                continue
            if exact_convert(other.value, other.unit, first.unit) != first.value:  # a 合计 may be long
                out.append(
                    _finding(
                        "RG204",
                        f"名称同为“{name}”的指标“{first_id}”（{format_number(first.value)}{first.unit}）与"
                        f"“{other_id}”（{format_number(other.value)}{other.unit}）数值不同，正文与表格将互相矛盾",
                        report.ledger,
                        other_place,  # 指标.编号, or the 指标 sheet's cell of a workbook
                        expected="同一口径只保留一个指标，或改用不同名称说明口径",
                    )
                )
    return out


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
