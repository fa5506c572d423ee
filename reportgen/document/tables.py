"""A table is a spec (columns, spanners, formats) plus rows of cells; every writer renders it.

Like Great Tables: the 一览表's two-level header, its units and its decimals are declared once
here, and the HTML, Markdown, .docx and .xlsx writers only lay the spec out.  Each cell carries
both the exact value (for .xlsx, which stores real numbers) and the formatted text (for the rest),
formatted by the same pure functions, so no writer ever computes or rounds on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from reportgen.document.formulas import Formula
from reportgen.model import TABLE_TEXT_SIZES
from reportgen.numbers import DASH, format_number, format_percent, format_period

# A table's text sizes in points (the ledger's 字号 names, ``model.TABLE_TEXT_SIZES``), and the exact
# line each is set on (the .docx's exact line spacing): 五号 by default, 小五 for a long table.
TEXT_SIZES = TABLE_TEXT_SIZES
TEXT_LINES = {TEXT_SIZES["五号"]: Decimal("12.5"), TEXT_SIZES["小五"]: Decimal("11")}
DEFAULT_TEXT_PT = TEXT_SIZES["五号"]


class ValueKind(Enum):
    """How a column's values are formatted and aligned."""

    TEXT = "text"
    INDEX = "index"
    AMOUNT = "amount"
    RATIO = "ratio"
    NUMBER = "number"  # a number shown as it is (its unit in another column): mixed figures


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A leaf column: key into the row, header label, format, and a width in 五号 汉字 (10.5 pt).

    ``width`` is a hint: the .xlsx sizes its columns by it, and the printed table (``widths``)
    shares by it only width that no cell needs.  ``minimum`` (a 表格's declared 宽度) is a floor in
    汉字, cell margins included; otherwise the printed widths come from the content."""

    key: str
    label: str
    kind: ValueKind = ValueKind.TEXT
    digits: int = 0
    width: float = 6.0
    ratio_of: tuple[str, str] | None = None  # (numerator key, denominator key) of a RATIO column
    alignment: str = ""  # left, center or right as declared (表格's 对齐); "" = by kind
    minimum: float | None = None

    @property
    def align(self) -> str:
        if self.alignment:
            return self.alignment
        return (
            "right"
            if self.kind in (ValueKind.AMOUNT, ValueKind.RATIO, ValueKind.NUMBER)
            else ("center" if self.kind is ValueKind.INDEX else "left")
        )

    @property
    def excel_format(self) -> str:
        """The .xlsx number format that shows what ``format_number``/``format_percent`` show."""
        decimals = "." + "0" * self.digits if self.digits else ""
        if self.kind is ValueKind.AMOUNT:
            return "0" + decimals
        if self.kind is ValueKind.RATIO:
            return "0" + decimals + "%"
        return "General"


@dataclass(frozen=True, slots=True)
class Spanner:
    """A header cell over several columns (项目推进情况 over 目标任务/实施进度/完成比例)."""

    label: str
    children: tuple[TableColumn | Spanner, ...]


Node = TableColumn | Spanner


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """One cell of the laid-out header: grid position and spans (0-based row and column)."""

    label: str
    row: int
    col: int
    rowspan: int
    colspan: int

    @property
    def words(self) -> list[str]:
        """The label's words, where it may break (占计划/比例): the HTML header offers only these
        breaks, as the .docx does (``widths.wrap_label``), never 占计划比/例."""
        from reportgen.document.widths import label_words  # widths measures tables: imported late

        return label_words(self.label)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """``label_key`` is the column whose cell names a 合计 row: every writer centres it there.
    ``text_pt`` is the size of its text in points (``TEXT_SIZES``; a number, so a script conversion
    leaves it alone): the widths are measured in it and the .docx, PDF and HTML print it."""

    title: str
    header: tuple[Node, ...]
    filler_line: tuple[str, str] = ("", "")
    label_key: str = "name"
    text_pt: Decimal = DEFAULT_TEXT_PT

    @property
    def compact(self) -> bool:
        """Set smaller than 五号 (小五): the HTML gives the table its smaller class."""
        return self.text_pt < DEFAULT_TEXT_PT

    @property
    def columns(self) -> tuple[TableColumn, ...]:
        """The leaf columns, left to right."""
        return tuple(_leaves(self.header))

    @property
    def header_depth(self) -> int:
        return max(_depth(node) for node in self.header)

    def header_cells(self) -> tuple[HeaderCell, ...]:
        """Lay the header tree out on a grid: a leaf spans down to the last header row."""
        depth = self.header_depth
        cells: list[HeaderCell] = []

        def place(nodes: tuple[Node, ...], row: int, col: int) -> int:
            for node in nodes:
                if isinstance(node, TableColumn):
                    cells.append(HeaderCell(node.label, row, col, depth - row, 1))
                    col += 1
                else:
                    width = len(_leaves(node.children))
                    cells.append(HeaderCell(node.label, row, col, 1, width))
                    place(node.children, row + 1, col)
                    col += width
            return col

        place(self.header, 0, 0)
        return tuple(sorted(cells, key=lambda c: (c.row, c.col)))

    def header_rows(self) -> tuple[tuple[HeaderCell, ...], ...]:
        rows: list[list[HeaderCell]] = [[] for _ in range(self.header_depth)]
        for cell in self.header_cells():
            rows[cell.row].append(cell)
        return tuple(tuple(r) for r in rows)

    def flat_labels(self, separator: str = "·") -> tuple[str, ...]:
        """One label per leaf with its spanners' labels, for formats without merged cells."""
        labels: list[str] = []

        def walk(nodes: tuple[Node, ...], prefix: tuple[str, ...]) -> None:
            for node in nodes:
                if isinstance(node, TableColumn):
                    labels.append(separator.join((*prefix, node.label)))
                else:
                    walk(node.children, (*prefix, node.label))

        walk(self.header, ())
        return tuple(labels)


def _leaves(nodes: tuple[Node, ...]) -> list[TableColumn]:
    out: list[TableColumn] = []
    for node in nodes:
        out.extend([node] if isinstance(node, TableColumn) else _leaves(node.children))
    return out


def _depth(node: Node) -> int:
    return 1 if isinstance(node, TableColumn) else 1 + max(_depth(child) for child in node.children)


@dataclass(frozen=True, slots=True)
class Cell:
    """Exact value (Decimal in the column's unit, a fraction for ratios, or text) and display text.

    ``span`` is how many rows the cell covers downwards: a row group's label merged over its rows
    (``document.declared``); 0 marks a cell covered by the one above, which still holds the same text
    so a format without merges (Markdown) repeats it."""

    text: str
    value: Decimal | str | None = None
    span: int = 1


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """``layouts`` keeps what ``document.widths`` measured of this table object (its texts' pieces, the
    column widths per page), so the builder's choice of page and the writer measure it once (not
    part of its value)."""

    spec: TableSpec
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())
    layouts: dict[tuple[object, ...], object] = field(default_factory=dict, compare=False, repr=False)
    formulas: Callable[[int, str], Formula | None] | None = field(default=None, compare=False, repr=False)

    def formula(self, row: int, key: str) -> Formula | None:
        """How the cell in ``rows[row]`` and column ``key`` is computed from other cells
        (``document.formulas``), for the .xlsx when formulas are asked for (``--total-formulas``);
        None for a typed or text cell.  Asked for only then, so a table whose formulas no writer
        wants never builds them (``document.declared`` supplies ``formulas``)."""
        return self.formulas(row, key) if self.formulas is not None else None


def default_table_title(year: int, start: int, end: int) -> str:
    """The 一览表's title when the ledger gives none (a given one is a template, rendered by
    ``document``)."""
    return f"{year}年{format_period(year, start, end)}民生实事项目推进和资金执行情况一览表"


def format_cell(column: TableColumn, value: Decimal | str | None) -> Cell:
    """A value as the column shows it: fixed decimals for amounts, a percentage (or "—") for ratios.
    Charts label their bars through this too, so a bar reads exactly as its table cell."""
    if column.kind is ValueKind.AMOUNT:
        assert not isinstance(value, str)
        return Cell("" if value is None else format_number(value, column.digits), value)
    if column.kind is ValueKind.RATIO:
        assert not isinstance(value, str)
        return Cell(format_percent(value, column.digits), value)
    if column.kind is ValueKind.NUMBER:
        assert not isinstance(value, str)
        return Cell(DASH if value is None else format_number(value), value)
    return Cell("" if value is None else str(value), value)


FIGURES_TABLE_TITLE = "主要指标"


def figures_table(rows: list[tuple[str, Decimal | None, str, str]], title: str) -> Table:
    """The ledger's figures as a table (名称, 数值, 单位, 说明): what a workbook of a report without a
    一览表 holds.  Values arrive as the report shows them (derived ones already rounded for display)."""
    spec = TableSpec(
        title=title,
        header=(
            TableColumn("number", "序号", ValueKind.INDEX, width=2.5),
            TableColumn("name", "指标", width=16),
            TableColumn("value", "数值", ValueKind.NUMBER, width=7),
            TableColumn("unit", "单位", width=3),
            TableColumn("note", "说明", width=14),
        ),
    )
    columns = spec.columns
    table_rows = []
    for number, (name, value, unit, note) in enumerate(rows, start=1):
        values: dict[str, Decimal | str | None] = {
            "number": str(number),
            "name": name,
            "value": value,
            "unit": unit,
            "note": note,
        }
        table_rows.append(Row(tuple(format_cell(c, values[c.key]) for c in columns)))
    return Table(spec, tuple(table_rows))


def form_table(rows: list[tuple[str, str]], title: str) -> Table:
    """A 登记表 (label | content) as a table, for the workbook of a form-like report (年度报告)."""
    spec = TableSpec(
        title=title,
        header=(TableColumn("label", "项目", width=10), TableColumn("content", "内容", width=40)),
    )
    return Table(spec, tuple(Row((Cell(label), Cell(content))) for label, content in rows))
