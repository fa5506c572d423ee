"""The 一览表's sheet layout in openpyxl: merged header, number formats, widths, print setup.

Laid out from the same ``TableSpec`` as every other writer: the header grid comes from
``TableSpec.header_cells``, number formats from ``TableColumn.excel_format``, and the cell values are
the exact ones the table holds (amounts in the column's unit, ratios as fractions), so Excel shows
what the .docx and HTML show and sums what the ledger holds.  Text never becomes a formula.
``xlsx.compiled`` runs this once per table layout and reuses the result for every report.
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from reportgen.base.escape import FORMULA_STARTS
from reportgen.base.sheetprint import print_across
from reportgen.document.tables import Cell as TableCell
from reportgen.document.tables import Table, TableColumn, ValueKind
from reportgen.document.textwidth import display_width

FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CHAR_WIDTH = 2.2  # Excel width units per 汉字 at 10.5 pt
LINE_HEIGHT = 14  # points per line of 10.5 pt text
TITLE_ROWS = 3  # 附件, title, 填表单位/填表时间
PRINT_MARGINS = (0.5, 0.6)  # inches, left and right, top and bottom: the 一览表 and its “图表” alike


def sheet_title(label: str) -> str:
    return label[:31] or "附件"


def cell_value(column: TableColumn, value: Decimal | str | None, text: str) -> Decimal | int | str | None:
    """What goes into the cell: numbers as numbers, everything else as the displayed text."""
    if column.kind in (ValueKind.AMOUNT, ValueKind.RATIO, ValueKind.NUMBER):
        return value if isinstance(value, Decimal) else (text or None)
    if column.kind is ValueKind.INDEX and text.isdigit():
        return int(text)
    return text or None


def write_table(sheet: Worksheet, label: str, table: Table, *, portrait: bool = False) -> None:
    """Lay one table out on ``sheet`` (its rows as they are; 合计 formulas are ``xlsx.compiled``'s),
    printed on a portrait page when ``portrait`` (an attachment the .docx sets portrait)."""
    spec = table.spec
    columns = spec.columns
    width = len(columns)

    sheet["A1"] = label
    sheet["A1"].font = Font(name=HEADING_FONT, size=14)
    _merge(sheet, 2, 1, 2, width)
    sheet["A2"] = spec.title
    sheet["A2"].font = Font(name=TITLE_FONT, size=16, bold=True)
    sheet["A2"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[2].height = 30
    left, right = spec.filler_line
    split = max(2, width // 2) if width > 3 else 1  # a two-column form: one cell each side
    if split > 1:
        _merge(sheet, 3, 1, 3, split)
    if width > split + 1:
        _merge(sheet, 3, split + 1, 3, width)
    _text(_cell(sheet, 3, 1), left).font = Font(name=FONT, size=11)
    right_cell = _text(_cell(sheet, 3, split + 1), right)
    right_cell.font = Font(name=FONT, size=11)
    right_cell.alignment = Alignment(horizontal="right")

    header_top = TITLE_ROWS + 1
    depth = spec.header_depth
    for header in spec.header_cells():
        row, col = header_top + header.row, header.col + 1
        for r in range(row, row + header.rowspan):
            for c in range(col, col + header.colspan):
                sheet.cell(r, c).border = BORDER
        if header.rowspan > 1 or header.colspan > 1:
            _merge(sheet, row, col, row + header.rowspan - 1, col + header.colspan - 1)
        cell = _text(_cell(sheet, row, col), header.label)
        cell.font = Font(name=HEADING_FONT, size=10.5)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    first_data = header_top + depth
    for offset, table_row in enumerate(table.rows):
        excel_row = first_data + offset
        sheet.row_dimensions[excel_row].height = row_height(columns, table_row.cells)
        for index, (column, data) in enumerate(zip(columns, table_row.cells, strict=True), start=1):
            cell = _cell(sheet, excel_row, index)
            horizontal = "center" if table_row.is_total and column.key == spec.label_key else column.align
            cell.number_format = column.excel_format
            cell.border = BORDER
            cell.font = Font(name=HEADING_FONT if table_row.is_total else FONT, size=10.5)
            cell.alignment = Alignment(
                horizontal=horizontal, vertical="center", wrap_text=column.kind is ValueKind.TEXT
            )
            value = cell_value(column, data.value, data.text)
            if isinstance(value, str):
                _text(cell, value)
            else:
                cell.value = value

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(column.width * CHAR_WIDTH, 1)
    sheet.freeze_panes = f"C{first_data}"  # header rows and 序号/项目名称 stay in view
    sheet.print_title_rows = f"{header_top}:{first_data - 1}"
    print_across(sheet, PRINT_MARGINS, portrait=portrait)
    sheet.print_options.horizontalCentered = True
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "— &P —"


def _merge(sheet: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Record a merged range.  ``Worksheet.merge_cells`` would also replace the covered cells and
    redraw their borders; ours carry their borders already and the covered ones are never written."""
    ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
    sheet.merged_cells.add(MergedCellRange(sheet, ref))


def row_height(columns: tuple[TableColumn, ...], cells: tuple[TableCell, ...]) -> float:
    """Points for a row whose text wraps: spreadsheet programs do not grow a row written with text
    that wraps (LibreOffice prints the lines over the next row), so the height is set from the
    longest cell's line count at 10.5 pt."""
    lines = 1
    for column, cell in zip(columns, cells, strict=True):
        if column.kind is ValueKind.TEXT and cell.text:
            per_line = max(1, int(column.width * 2) - 1)  # half-字 per line, less the cell padding
            wrapped = sum(-(-max(1, display_width(part)) // per_line) for part in cell.text.split("\n"))
            lines = max(lines, wrapped)
    return min(LINE_HEIGHT * lines + 4, MAX_ROW_HEIGHT)


MAX_ROW_HEIGHT = 409  # points: the most Excel allows (a 登记表's narrative cell can ask for more)


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    """A writable cell (the top-left of a merge is one; the rest of a merge is never written)."""
    cell = sheet.cell(row, column)
    assert isinstance(cell, Cell)
    return cell


def _text(cell: Cell, text: str) -> Cell:
    """Store text as text: a leading = + - @ is kept literally (quote prefix), never a formula."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
