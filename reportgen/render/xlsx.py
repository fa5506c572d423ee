"""The 一览表 as a real .xlsx: merged header, numbers stored as numbers, print-ready.

Laid out from the same ``TableSpec`` as every other writer: the header grid comes from
``TableSpec.header_cells``, number formats from ``Column.excel_format``, and the cell values are
the exact ones the table holds (amounts in the column's unit, ratios as fractions), so Excel shows
what the .docx and HTML show and sums what the ledger holds.  Text never becomes a formula.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reportgen.document import Document
from reportgen.errors import Problem, RenderError
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.package import normalize_zip
from reportgen.tables import Column, Kind, Table
from reportgen.templating import ReportEnvironment

FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Leading characters that spreadsheet programs read as the start of a formula (CSV/Excel injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHAR_WIDTH = 2.2  # Excel width units per 汉字 at 10.5 pt
TITLE_ROWS = 3  # 附件, title, 填表单位/填表时间


def render_xlsx(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    if not document.attachments:
        raise RenderError(
            Problem("RG403", "台账没有“一览表”，无法生成 .xlsx", expected="在台账中填写“一览表”")
        )
    workbook = Workbook()
    for default_sheet in workbook.worksheets:
        workbook.remove(default_sheet)
    for attachment in document.attachments:
        sheet = workbook.create_sheet(title=_sheet_title(attachment.label))
        write_table(sheet, attachment.label, attachment.table)
    stamp = datetime.datetime.combine(document.issued, datetime.time())
    workbook.properties.creator = document.filler or "reportgen"
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.title = document.attachments[0].table.spec.title
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return normalize_zip(buffer.getvalue())


def _sheet_title(label: str) -> str:
    return label[:31] or "附件"


def cell_value(column: Column, value: Decimal | str | None, text: str) -> Decimal | int | str | None:
    """What goes into the cell: numbers as numbers, everything else as the displayed text."""
    if column.kind in (Kind.AMOUNT, Kind.RATIO):
        return value if isinstance(value, Decimal) else (text or None)
    if column.kind is Kind.INDEX and text.isdigit():
        return int(text)
    return text or None


def write_table(sheet: Worksheet, label: str, table: Table) -> None:
    spec = table.spec
    columns = spec.columns
    width = len(columns)
    last = get_column_letter(width)

    sheet["A1"] = label
    sheet["A1"].font = Font(name=HEADING_FONT, size=14)
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = spec.title
    sheet["A2"].font = Font(name=TITLE_FONT, size=16, bold=True)
    sheet["A2"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[2].height = 30
    left, right = spec.filler_line
    split = max(2, width // 2)
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=split)
    sheet.merge_cells(start_row=3, start_column=split + 1, end_row=3, end_column=width)
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
            sheet.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + header.rowspan - 1,
                end_column=col + header.colspan - 1,
            )
        cell = _text(_cell(sheet, row, col), header.label)
        cell.font = Font(name=HEADING_FONT, size=10.5)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    first_data = header_top + depth
    for offset, table_row in enumerate(table.rows):
        excel_row = first_data + offset
        for index, (column, data) in enumerate(zip(columns, table_row.cells, strict=True), start=1):
            cell = _cell(sheet, excel_row, index)
            value = cell_value(column, data.value, data.text)
            if isinstance(value, str):
                _text(cell, value)
            else:
                cell.value = value
            cell.number_format = column.excel_format
            cell.border = BORDER
            cell.font = Font(name=HEADING_FONT if table_row.is_total else FONT, size=10.5)
            horizontal = "center" if table_row.is_total and column.key == "name" else column.align
            cell.alignment = Alignment(
                horizontal=horizontal, vertical="center", wrap_text=column.kind is Kind.TEXT
            )

    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(column.width * CHAR_WIDTH, 1)
    sheet.freeze_panes = f"C{first_data}"  # header rows and 序号/项目名称 stay in view
    sheet.print_title_rows = f"{header_top}:{first_data - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "— &P —"


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
