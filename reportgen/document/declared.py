"""A declared table (``表格``, docs/tables.md) as a document ``Table``: the spec every writer lays out.

The computed table (``compute.declared``) holds exact values; here each becomes its cell text through
``compute.declared.cell_text`` (the one way a cell prints, shared with the narrative's quotes) and its
cell value for the .xlsx (a percentage as a fraction, as the 一览表's ratios are).  The header groups
become spanners; a row group's label cell spans the rows of its group (``Cell.span``), so .docx, HTML
and .xlsx merge it and Markdown repeats it on each row; 小计 and 合计 rows are marked as totals and
the 合计 label stands in ``TableSpec.label_key``.  Each computed cell also says what it is computed
from (``document.formulas``), so the .xlsx can write it as a formula when asked (``--total-formulas``).
Nothing is computed or rounded here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from reportgen.base.units import Family
from reportgen.compute.declared import (
    DATA,
    GROUP,
    SUBTOTAL,
    TOTAL,
    ComputedRow,
    DeclaredTableFigures,
    cell_text,
    contributing_rows,
    formula_factors,
    fraction,
)
from reportgen.document.formulas import (
    ONE,
    Cells,
    DifferenceOf,
    Formula,
    ProductOf,
    QuotientOf,
    RankOf,
    Ref,
    SumOf,
)
from reportgen.document.tables import (
    TEXT_SIZES,
    Cell,
    Node,
    Row,
    Spanner,
    Table,
    TableColumn,
    TableSpec,
    ValueKind,
)
from reportgen.model import (
    NUMBERING,
    DeclaredColumn,
    DeclaredRow,
    DeclaredTable,
    FigureField,
    HeaderGroup,
    RowGroup,
)

_ALIGN = {"左": "left", "中": "center", "右": "right"}
DEFAULT_WIDTH = 6.0  # 汉字, when the ledger gives no 宽度 (the content decides in the writers)


def declared_table(
    figures: DeclaredTableFigures,
    render: Callable[[str, str], str] | None = None,
    title: str | None = None,
    filler_line: tuple[str, str] = ("", ""),
    quote: Callable[[FigureField], str] | None = None,
) -> Table:
    """The declared table with every cell formatted, its group labels spanning their rows.

    A preset (the 一览表) passes what a ledger's ``表格`` has not: ``render(template, place)`` for its
    template columns (目标任务, 实施进度: rendered like the narrative, with the project's place),
    its ``title`` rendered from the ledger's, and its ``filler_line`` (填表单位, 填表时间); and
    ``quote`` prints a cell that quotes a figure's text (the 目标表's 要求, 完成值 …)."""
    table = figures.table
    spec = declared_table_spec(table)
    if title is not None or filler_line != ("", ""):
        spec = dataclasses.replace(
            spec, title=spec.title if title is None else title, filler_line=filler_line
        )
    columns = table.shown_columns
    grid = [_row_texts(table, row) for row in figures.rows]
    if render is not None:
        templates = [c.name for c in columns if c.template]
        for computed, texts in zip(figures.rows, grid, strict=True):
            if computed.row is not None:
                for name in templates:
                    texts[name] = render(texts.get(name, ""), computed.row.place_of(name))
    if quote is not None:
        for computed, texts in zip(figures.rows, grid, strict=True):
            if computed.row is not None:
                for name, cell in computed.row.cells:
                    if isinstance(cell, FigureField):
                        texts[name] = quote(cell)
    spans = _label_spans(table, figures.rows, grid)
    # the .xlsx stores a percentage as the fraction its "0.00%" format shows
    percent = {c.name: bool(_hundreds(c)) for c in columns}
    rows = []
    for index, (computed, texts) in enumerate(zip(figures.rows, grid, strict=True)):
        cells = []
        values = computed.values
        for column in columns:
            name = column.name
            if column.text:
                text = texts.get(name, "")
                cells.append(Cell(text, text or None, span=spans.get((index, name), 1)))
            else:
                value = values.get(name)
                shown = cell_text(column, value) if _shows(computed, column) else ""
                cells.append(Cell(shown, fraction(value) if percent[name] else value))
        rows.append(Row(tuple(cells), is_total=computed.kind in (SUBTOTAL, TOTAL)))
    return Table(spec, tuple(rows), formulas=_Formulas(figures).at)


def declared_table_spec(table: DeclaredTable) -> TableSpec:
    """Leaf columns in order under their header groups (spanners at any depth); hidden columns left out."""
    leaves = {column.name: _column(column) for column in table.shown_columns}

    def node(member: str | HeaderGroup) -> Node:
        if isinstance(member, str):
            return leaves[member]
        return Spanner(member.name, tuple(node(child) for child in member.members))

    top = {name: group for group in table.header for name in _members(group)}
    header: list[Node] = []
    emitted: set[int] = set()
    for column in table.shown_columns:
        group = top.get(column.name)
        if group is None:
            header.append(leaves[column.name])
        elif id(group) not in emitted:  # a group's columns are adjacent (the ledger checks it)
            emitted.add(id(group))
            header.append(node(group))
    return TableSpec(
        table.title, tuple(header), label_key=_label_column(table), text_pt=TEXT_SIZES[table.text_size]
    )


def _members(group: HeaderGroup) -> list[str]:
    names: list[str] = []
    for member in group.members:
        names.extend([member] if isinstance(member, str) else _members(member))
    return names


def _column(column: DeclaredColumn) -> TableColumn:
    if column.text:
        kind = ValueKind.TEXT
    elif column.formula is not None and column.formula.kind == NUMBERING:
        kind = ValueKind.INDEX  # 序号: centred unless declared otherwise, a plain number in the .xlsx
    elif column.unit is not None and column.unit.family is Family.PERCENT:
        kind = ValueKind.RATIO
    else:
        kind = ValueKind.AMOUNT  # a quantity at fixed decimals, stored as a number
    hint = column.width if column.width is not None else column.hint
    return TableColumn(
        column.name,
        column.label,
        kind,
        column.digits,
        width=float(hint) if hint is not None else DEFAULT_WIDTH,
        alignment=_ALIGN.get(column.align, ""),
        minimum=float(column.width) if column.width is not None else None,  # printed at least this wide
    )


def _hundreds(column: DeclaredColumn) -> int:
    """How many times 100 the .xlsx cell is smaller than the value: once for a percentage."""
    return 1 if column.unit is not None and column.unit.family is Family.PERCENT else 0


class _Formulas:
    """Each computed cell as a formula on the table's other cells (``document.formulas``): a formula
    column's cell in a data or group row by the column's formula on that row; a 小计/合计 cell by the
    column's rule: 求和 adds the cells ``contributing_rows`` picks (rows, or a group's own row, never a
    小计), 重算 applies the formula to that row's own totals.  A typed cell gets none.

    The multipliers are the computation's own (``formula_factors``), moved to the cells as stored: a
    percentage is its fraction there (``_value``), so each % operand multiplies by 100 and a % result
    divides by it (分值 × 完成率 is F5*G5, the 0.01 of the % cancelling)."""

    def __init__(self, figures: DeclaredTableFigures) -> None:
        self.figures = figures
        self.table = figures.table
        self.index = {row.row.number: i for i, row in enumerate(figures.rows) if row.row is not None}
        self.shared: dict[str, Cells] = {}  # a column's range that every row's formula uses
        self.factors: dict[str, tuple[Decimal, ...]] = {}

    def at(self, index: int, key: str) -> Formula | None:
        """The formula of the cell in row ``index``, column ``key``: None for a text or typed cell, a
        blank one (a 无 rule) and one with no value ("—" stays the value "—")."""
        column = self.table.column(key)
        if column is None or column.text:
            return None
        row = self.figures.rows[index]
        if not _shows(row, column) or row.values.get(key) is None:
            return None
        return self.of(index, column)

    def of(self, index: int, column: DeclaredColumn) -> Formula | None:
        row = self.figures.rows[index]
        if row.kind in (DATA, GROUP) or column.total == "重算":
            return self.formula(index, column) if column.formula is not None else None
        if column.total == "求和":
            group = row.group
            entries = (group,) if row.kind == SUBTOTAL and group is not None else self.table.rows
            return SumOf(((self.added(entries, column.name, anchored=False), ONE),))
        return None

    def formula(self, index: int, column: DeclaredColumn) -> Formula | None:
        formula = column.formula
        assert formula is not None
        if formula.kind == NUMBERING:  # the row's number as printed: a value in every format
            return None
        operands = [c for name in formula.operands if (c := self.table.column(name)) is not None]
        refs = [Ref(c.name, index) for c in operands]
        if column.name not in self.factors:
            self.factors[column.name] = formula_factors(self.table, column)
        factors = self.factors[column.name]
        result = -_hundreds(column)  # powers of 100 the stored cells add to the computed multiplier
        if formula.kind == "求和":
            return SumOf(
                tuple(
                    (Cells(c.name, (index,)), f.scaleb(2 * (_hundreds(c) + result)))
                    for c, f in zip(operands, factors, strict=True)
                )
            )
        if formula.kind == "差":
            (a, b), (fa, fb) = operands, factors
            return DifferenceOf(
                refs[0],
                refs[1],
                (fa.scaleb(2 * (_hundreds(a) + result)), fb.scaleb(2 * (_hundreds(b) + result))),
            )
        if formula.kind == "乘":
            percents = sum(_hundreds(c) for c in operands)
            return ProductOf(tuple(refs), factors[0].scaleb(2 * (percents + result)))
        if formula.kind == "商":
            top, bottom = operands
            return QuotientOf(
                refs[0], refs[1], factors[0].scaleb(2 * (_hundreds(top) - _hundreds(bottom) + result))
            )
        (operand,) = operands
        if formula.kind == "占合计":
            if operand.name not in self.shared:
                self.shared[operand.name] = self.added(self.table.rows, operand.name, anchored=True)
            total = SumOf(((self.shared[operand.name], ONE),))
            return QuotientOf(refs[0], total, factors[0].scaleb(2 * (_hundreds(operand) + result)))
        if formula.kind == "排名":
            key = "排名:" + operand.name
            if key not in self.shared:
                ranked = tuple(
                    i
                    for i, row in enumerate(self.figures.rows)
                    if row.kind == DATA and row.values.get(operand.name) is not None
                )
                self.shared[key] = Cells(operand.name, ranked, anchored=True)
            # as it prints: the operand's decimals, two more for a percentage stored as its fraction
            digits = operand.digits + 2 * _hundreds(operand)
            return RankOf(refs[0], self.shared[key], digits, formula.ascending)
        return None

    def added(self, entries: tuple[DeclaredRow | RowGroup, ...], name: str, anchored: bool) -> Cells:
        """The cells of column ``name`` a 小计/合计 over ``entries`` adds up."""
        rows = self.figures.rows

        def valued(row: DeclaredRow) -> bool:
            return rows[self.index[row.number]].values.get(name) is not None

        picked = sorted(self.index[row.number] for row in contributing_rows(entries, valued))
        return Cells(name, tuple(picked), anchored)


def _shows(row: ComputedRow, column: DeclaredColumn) -> bool:
    """A 小计/合计 cell whose rule is 无 stays blank rather than "—": nothing is missing there."""
    return row.kind in (DATA, GROUP) or column.total != "无"


def _label_column(table: DeclaredTable) -> str:
    """Where 合计 stands: the first group label column, else the first text column (the ledger refuses a
    合计行 in a table without one, so the label is never written over a number)."""
    if table.group_columns:
        return table.group_columns[0]
    return next((c.name for c in table.shown_columns if c.text), table.shown_columns[0].name)


def _row_texts(table: DeclaredTable, row: ComputedRow) -> dict[str, str]:
    texts = dict(row.texts)
    if row.kind == TOTAL:
        texts[_label_column(table)] = table.total_label
    elif row.kind == SUBTOTAL:
        level = len(row.groups) - 1
        labels = table.group_columns
        for label, group in zip(labels, row.groups, strict=False):
            texts[label] = group.name  # inside its group's merged label cells
        after = labels[level + 1] if level + 1 < len(labels) else _subtotal_column(table, labels[level])
        if after is not None:
            texts[after] = SUBTOTAL  # the row kind's word is its label: 小计
        else:  # no column of its own: the group's cell says whose 小计 it is (东片小计), merged no further
            texts[labels[level]] = row.groups[level].name + SUBTOTAL
    return texts


def _subtotal_column(table: DeclaredTable, name: str) -> str | None:
    """Where a 小计 of the last group level is labelled: the text column right of its group column,
    else the rows' own label column (the first text column that is no group column), so the group's
    name stays merged over its 小计 too; None when the table has neither."""
    names = [c.name for c in table.columns]
    following = table.columns[names.index(name) + 1 :] if name in names else ()
    right = next((c.name for c in following[:1] if c.text), None)
    if right is not None:
        return right
    return next((c.name for c in table.columns if c.text and c.name not in table.group_columns), None)


def _label_spans(
    table: DeclaredTable, rows: tuple[ComputedRow, ...], grid: list[dict[str, str]]
) -> dict[tuple[int, str], int]:
    """For each group level's label column, runs of rows in the same group (by identity) whose cell
    shows the group's name: the first cell spans the run, the others are covered (span 0)."""
    spans: dict[tuple[int, str], int] = {}
    for level, name in enumerate(table.group_columns):
        start = 0
        while start < len(rows):
            group = _group_at(rows[start], level)
            end = start + 1
            if group is not None and grid[start].get(name) == group.name:
                while (
                    end < len(rows)
                    and _group_at(rows[end], level) is group
                    and grid[end].get(name) == group.name
                ):
                    end += 1
                if end - start > 1:
                    spans[(start, name)] = end - start
                    for covered in range(start + 1, end):
                        spans[(covered, name)] = 0
            start = end
    return spans


def _group_at(row: ComputedRow, level: int) -> RowGroup | None:
    return row.groups[level] if row.kind != TOTAL and level < len(row.groups) else None
