"""Findings of declared tables (``表格``): printed values against the computation (RG214), and rows that
must add up to their parent or to a figure (RG215), each named by table, row and column — in a workbook
placed at the cell the clerk typed (``资金使用!F7``), those words leading the message, as the table's load
problems are (``ledger.tables.at_cell``).

Beside ``checks`` rather than in it: the rules are the figures' rules (a 公布值 is consistent when some
value within the rounding of the typed inputs rounds to it, ``numbers.rounds_to``; a breakdown adds
up exactly, like RG208), applied to the cells of ``compute.declared``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from reportgen.base.errors import Finding, Problem
from reportgen.base.units import convert
from reportgen.compute.bounds import Bounds
from reportgen.compute.declared import (
    GROUP,
    SUBTOTAL,
    TOTAL,
    ComputedRow,
    DeclaredTableFigures,
    printed_cells,
)
from reportgen.compute.exact import exact_sum
from reportgen.ledger.tables import at_cell, is_count, per_column, place_in_table
from reportgen.model import DeclaredColumn, DeclaredRow, Ledger, Quantity, RowGroup
from reportgen.numbers import DASH, decimals_of, format_count, round_half_up, rounds_to, strip_zeros


def declared_findings(
    ledger: Ledger, tables: tuple[DeclaredTableFigures, ...], figures: dict[str, Quantity | None]
) -> list[Finding]:
    """RG214 and RG215 of every declared table, in table and row order."""
    found: list[Finding] = []
    for table in tables:
        found.extend(_printed(ledger, table))
        found.extend(_parents(ledger, table))
        found.extend(_total_equals(ledger, table, figures))
        found.extend(_fractional_counts(ledger, table))
    return found


LISTED_CELLS = 3  # cells a RG218 message names before “等 N 处”


def _fractional_counts(ledger: Ledger, table: DeclaredTableFigures) -> Iterator[Finding]:
    """RG218: a count column (人, 户, 人次 …) prints whole numbers, so a formula that gives a fraction
    there (户均人数 = 人数 ÷ 户数 = 2.63, 人数 × 50% = 131.5) is printed rounded (3, 132) as if it
    were a count: said once per column, naming the first cells."""
    for column in table.table.columns:
        if column.formula is None or not is_count(column):
            continue
        cells = [
            f"{_row_words(row)} {_exact(value)} 印作 {_shown(round_half_up(value, 0), column)}"
            for row in table.rows
            if (value := row.values.get(column.name)) is not None and value != value.to_integral_value()
        ]
        if not cells:
            continue
        listed = "、".join(cells[:LISTED_CELLS]) + (
            f"等 {len(cells)} 处" if len(cells) > LISTED_CELLS else ""
        )
        message = (
            f"{place_in_table(table.table.title)}列“{column.name}”以{column.unit}计，是计数，"
            f"而公式算出的数不是整数：{listed}"
        )
        expected = "一个商或乘积（户均人数）可写小数位（如 小数位: 2），印出小数；或核对公式"
        yield Finding(Problem("RG218", message, file=ledger.source, place=column.place, expected=expected))


def _row_words(row: ComputedRow) -> str:
    """第3行, 分组“东片”, 分组“东片”小计, 合计行: which row of the table, in its own words."""
    if row.kind == TOTAL:
        return "合计行"
    if row.kind in (SUBTOTAL, GROUP) and row.group is not None:
        return f"分组“{row.group.name}”" + ("小计" if row.kind == SUBTOTAL else "")
    assert row.row is not None
    return f"第{row.row.number}行"


def _exact(value: Decimal) -> str:
    """A computed value in a message: to 4 decimals at most, without trailing zeros."""
    return format_count(strip_zeros(round_half_up(value, 4)), "")


def row_place(table: DeclaredTableFigures, row: ComputedRow, column: str) -> tuple[str, str | None]:
    """表格“T”第3行“列”, 表格“T”分组“X”小计“列”, 表格“T”合计行“列”, and in a workbook the cell typed
    there: the row's own, the 小计's or 合计's 公布值 (None: no cell, or a YAML ledger)."""
    title = table.table.title
    if row.kind == TOTAL:
        words = place_in_table(title) + f"合计行“{column}”"
        return words, table.table.cell_of(per_column("合计公布值", column))
    if row.kind == SUBTOTAL and row.group is not None:
        words = place_in_table(title) + f"分组“{row.group.name}”小计“{column}”"
        return words, row.group.cell_of(per_column("小计公布值", column))
    assert row.row is not None
    return place_in_table(title, row.row.number, column), row.row.cell_of(column)


def _printed(ledger: Ledger, table: DeclaredTableFigures) -> Iterator[Finding]:
    for row, name, printed in printed_cells(table):
        column = table.table.column(name)
        assert column is not None
        value, bounds = row.values.get(name), row.bounds.get(name)
        unit = str(column.unit or "")
        if value is None:
            shown, within = DASH, ""
        else:
            interval = bounds or Bounds(value, value)
            if rounds_to(printed, interval.low, interval.high):
                continue
            digits = decimals_of(printed)
            shown = format_count(round_half_up(value, digits), unit)
            low, high = (
                format_count(round_half_up(v, digits + 2), unit) for v in (interval.low, interval.high)
            )
            within = f"（按各数字的舍入误差，计算值在 {low}～{high} 之间）" if low != high else ""
        place, message = at_cell(
            *row_place(table, row, name),
            f"公布值 {format_count(printed, unit)} 与计算值 {shown} 不符{within}",
        )
        yield Finding(
            Problem(
                "RG214",
                message,
                file=ledger.source,
                place=place,
                expected="核对原文数字或参与计算的各列；报告中印的是计算值",
            )
        )


def _parents(ledger: Ledger, table: DeclaredTableFigures) -> Iterator[Finding]:
    """A group's own value in a 核对 column (or any summed column of a group with a 小计) against the sum
    of its rows (sub-targets to the target)."""
    for row in table.rows:
        if row.kind != GROUP or row.group is None:
            continue
        group = row.group
        # A 小计 shows the group's own value (as the 合计 counts it), so with a 小计 every summed column
        # is checked too: a 小计 of 10 over rows of 3 and 3 would read as wrong arithmetic.
        summed = [c.name for c in table.table.columns if group.subtotal and c.total == "求和" and not c.text]
        for name in dict.fromkeys((*group.checked, *summed)):
            column = table.table.column(name)
            own = row.values.get(name)
            parts = [v for v in _children(table, group, name) if v is not None]
            if column is None or own is None or not parts:
                continue
            total = exact_sum(parts)
            if total != own:
                yield _sum_finding(
                    ledger,
                    row_place(table, row, name),
                    f"分组“{group.name}”各行之和 {_shown(total, column)} 与本组 {_shown(own, column)} 不符",
                )


def _children(table: DeclaredTableFigures, group: RowGroup, name: str) -> Iterator[Decimal | None]:
    """The values a group's rows give in ``name``: a row's own, a sub-group's own row or, without one,
    the sum of its rows."""
    numbers = {row.row.number: row for row in table.rows if row.row is not None}
    for entry in group.rows:
        own: DeclaredRow | None = entry if isinstance(entry, DeclaredRow) else entry.own
        if own is not None:
            yield numbers[own.number].values.get(name)
        else:
            assert isinstance(entry, RowGroup)
            parts = [v for v in _children(table, entry, name) if v is not None]
            yield exact_sum(parts) if parts else None


def _total_equals(
    ledger: Ledger, table: DeclaredTableFigures, figures: dict[str, Quantity | None]
) -> Iterator[Finding]:
    """合计应等于: a column's 合计 against a figure (支出明细 against 支出), exactly."""
    for name, ref in table.table.total_equals:
        column = table.table.column(name)
        figure = figures.get(ref.figure_id)
        if column is None or figure is None:
            continue
        value = table.totals.get(name)  # the same 合计 a 合计 row shows (a group's own value counted once)
        if value is None:
            continue
        assert column.unit is not None  # compute.declared refused other units (RG113)
        expected = convert(figure.value, figure.unit, column.unit)
        if value != expected:
            # In a workbook at the 合计应等于 cell: the 合计 row may have no cell typed in this column.
            words = place_in_table(table.table.title) + f"合计行“{name}”"
            yield _sum_finding(
                ledger,
                (words, table.table.cell_of(per_column("合计应等于", name))),
                f"各行之和 {_shown(value, column)} 与指标“{ref.figure_id}” {_shown(expected, column)} 不符",
            )


def _sum_finding(ledger: Ledger, where: tuple[str, str | None], message: str) -> Finding:
    """RG215 at ``where`` (the words and, in a workbook, the cell of ``row_place``)."""
    place, message = at_cell(*where, message)
    return Finding(
        Problem("RG215", message, file=ledger.source, place=place, expected="核对各行与上级（或指标）的数")
    )


def _shown(value: Decimal, column: DeclaredColumn) -> str:
    return format_count(value, str(column.unit or ""))
