"""Write a ledger's plain values as the Excel workbook office staff fill in (``reportgen init --excel``,
``reportgen convert ledger.yaml ledger.xlsx``).

Laid out from ``layout`` like the reader, so whatever this writes reads back to the same
ledger.  Made for people who are not programmers: a 说明 sheet first, Chinese everywhere, styled and
frozen header rows whose comments explain each column, column widths, wrapped long text, data
validation with input messages (drop-downs for units, 金额单位, 是/否 and 责任单位, numbers only where
only numbers go, dates as dates), and sheet protection without a password that keeps the header row
and the columns in place while rows can be typed in, inserted and deleted.

Cells hold values only, never formulas: text is stored as text even when it starts with ``=``.  A
number becomes a numeric cell when it reads back exactly, else exact text (see ``cellvalues``).
The bytes are deterministic: document properties carry the 成文日期, zip members a fixed time.
"""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.sheetprint import print_across
from reportgen.base.units import MONEY_UNITS, Family, known_units, unit
from reportgen.base.zipfiles import normalize_zip
from reportgen.ledger.excel.cellvalues import as_number, canonical, cell_number, number_text, percent_number
from reportgen.ledger.excel.extract import MAX_COLUMNS
from reportgen.ledger.excel.layout import (
    BANNER_REPEATED,
    DATA_SHEETS,
    FIGURES_SHEET,
    INFO,
    INFO_SHEET,
    LABELLED,
    LISTS,
    NOTES,
    NOTES_GENERAL,
    NOTES_INTRO,
    NOTES_TITLE,
    PARTICULAR_SEPARATOR,
    PROJECTS_SHEET,
    REPEATED,
    ROLLUP_REPEATED,
    SECTIONS_SHEET,
    TABLE_BLOCK,
    TARGET_DIRECTION,
    TARGET_VALUE,
    TYPICAL_OWNERS,
    CellType,
    Sheet,
    SheetColumn,
    expectation,
    info_rows,
)
from reportgen.ledger.excel.tablesheet import (
    CHILD_HELP,
    CHILD_MARK,
    CHILD_PLACED_HELP,
    CHILD_SETTINGS,
    HEADER_LABEL,
    PLACE_HELP,
    PLACE_LABEL,
    PURPOSE,
    ROW_KIND_HELP,
    SETTINGS,
    SUBTOTAL,
    TABLE_ID,
    TITLE_LABEL,
    TOTAL,
    Setting,
    TableSheet,
    formula_plain,
    formula_text,
    group_columns_of,
    marker_of,
    normalized,
    placement_text,
    settings_of,
    sheet_name,
    sheet_of,
    table_of,
)
from reportgen.ledger.fields import unfold
from reportgen.ledger.keys import (
    BANNER,
    CHILD_ROWS,
    FIGURES,
    PARAGRAPHS,
    PRINTED,
    PROJECTS,
    ROLLUP,
    SECTIONS,
    SUBSECTIONS,
    TABLE,
    TABLES,
    TITLE,
)
from reportgen.ledger.tables import places_units
from reportgen.numbers.dates import parse_date

FONT = "宋体"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TABLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # the 一览表 block of 基本信息
NOTE_FONT = Font(name=FONT, size=10, color="595959")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
TEXT_FORMAT = "@"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
LAST_ROW = 1_048_576  # validations and column styles reach every row a person may add
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
LINE_HEIGHT = 15  # points per line of 11 pt text
MAX_ROW_HEIGHT = 409  # Excel's limit
NOTES_WIDTH = 100
_FIRST_DATE, _LAST_DATE = datetime.date(1949, 1, 1), datetime.date(2200, 12, 31)
_LIST_COLUMNS = {"unit": "A", "owner": "B", "label": "C"}

CellValue = str | int | float | datetime.date


def workbook_bytes(data: Mapping[str, object]) -> bytes:
    """The .xlsx bytes of a validated ledger's plain values (as ``PlainLedger.data`` holds them)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    banner, rollup = BANNER in data, ROLLUP in data
    tables = data.get(TABLES)
    listed = [table for table in tables if isinstance(table, Mapping)] if isinstance(tables, list) else []
    children = any(table.get("行") == CHILD_ROWS for table in listed)
    placed = any(places_units(table) for table in listed)
    _notes(
        book.create_sheet(NOTES),
        tables=bool(tables),
        banner=banner,
        rollup=rollup,
        children=children,
        placed=placed,
    )
    owners = _owners(data)
    writers = {spec.name: _SheetWriter(book.create_sheet(spec.name), spec) for spec in DATA_SHEETS}
    writers[INFO].info(data)
    writers[FIGURES_SHEET.name].records(_figure_rows(data))
    table = data.get(TABLE)
    projects = table.get(PROJECTS) if isinstance(table, Mapping) else None
    writers[PROJECTS_SHEET.name].records(item for item in (projects or []) if isinstance(item, Mapping))
    writers[SECTIONS_SHEET.name].sections(data.get(SECTIONS))
    for writer in writers.values():
        writer.fit_rows()
    _tables(book, data, {NOTES, LISTS, *writers})
    _lists(book.create_sheet(LISTS), owners, rows=info_rows(banner, rollup))
    issued = data.get("成文日期")
    day = _date(issued) if issued is not None else None
    stamp = datetime.datetime.combine(
        day if isinstance(day, datetime.date) else datetime.date(2000, 1, 1), datetime.time()
    )
    book.properties.creator = "reportgen"
    book.properties.created = book.properties.modified = stamp
    book.properties.title = str(data.get(TITLE) or "")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()  # not Workbook.save: it stamps "modified" with now
    return normalize_zip(out.getvalue())


# -- one data sheet ----------------------------------------------------------------------------------


class _SheetWriter:
    def __init__(self, sheet: Worksheet, spec: Sheet) -> None:
        self.sheet = sheet
        self.spec = spec
        self.next_row = 2
        self.lines: dict[int, int] = {}  # row → lines of its tallest wrapped cell
        for index, column in enumerate(spec.columns, start=1):
            cell = sheet.cell(1, index, column.header)
            cell.font = Font(name=FONT, size=11, bold=True)
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            comment = Comment(column.help, "reportgen")
            comment.width, comment.height = 260, 90
            cell.comment = comment
            letter = get_column_letter(index)
            dimension = sheet.column_dimensions[letter]
            dimension.width = column.width
            dimension.protection = UNLOCKED  # rows a person adds are open to typing
            dimension.alignment = _alignment(column.kind)
            dimension.number_format = _number_format(column.kind)
            dimension.font = Font(name=FONT, size=11)
            if spec is not INFO_SHEET:
                _validate(sheet, column, f"{letter}2:{letter}{LAST_ROW}")
        sheet.row_dimensions[1].height = 36  # room for a header on two lines
        sheet.freeze_panes = spec.freeze
        sheet.protection = _protection()
        print_across(sheet)

    def put(self, row: int, column: int, kind: CellType, value: object) -> Cell:
        """Write one value as ``kind`` wants it: numbers exact, text as text, dates as dates."""
        cell = self.sheet.cell(row, column)
        assert isinstance(cell, Cell)  # nothing on these sheets is merged
        cell.protection = UNLOCKED
        cell.alignment = _alignment(kind)
        cell.font = Font(name=FONT, size=11)
        cell.number_format = _number_format(kind)
        cell.border = BORDER
        written = _cell_value(kind, value)
        if written is None:
            return cell
        if isinstance(written, str):
            where = f"{self.sheet.title}!{cell.coordinate}"
            if len(written) > MAX_CELL_CHARS:
                raise LedgerError(
                    Problem(
                        "RG114",
                        f"文字有 {len(written)} 字，超过 Excel 单元格的上限",
                        place=where,
                        value=written[:60],
                        expected=f"不超过 {MAX_CELL_CHARS} 字",
                    )
                )
            if ILLEGAL_CHARACTERS_RE.search(written):
                raise LedgerError(
                    Problem(
                        "RG105",
                        "文字中有 Excel 不能保存的控制字符",
                        place=where,
                        value=written[:60],
                        expected="不含控制字符（U+0000～U+001F 中除制表符、换行外）的文字",
                    )
                )
            cell.value = written
            cell.data_type = "s"  # never a formula, even when the text starts with "="
            cell.number_format = TEXT_FORMAT
            if cell.alignment.wrap_text:
                width = self.sheet.column_dimensions[cell.column_letter].width or 10
                self.lines[row] = max(self.lines.get(row, 1), wrapped_lines(written, width))
        else:
            cell.value = written
        return cell

    def fit_rows(self) -> None:
        """Row heights for wrapped text: spreadsheet programs do not grow a row that was written
        without one (LibreOffice prints the lines over the next row)."""
        for row, lines in self.lines.items():
            if lines > 1:
                self.sheet.row_dimensions[row].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 4)

    def records(self, rows: Iterator[Mapping[str, object]] | Sequence[Mapping[str, object]]) -> None:
        for record in rows:
            for index, column in enumerate(self.spec.columns, start=1):
                self.put(self.next_row, index, column.kind, _get(record, column.key))
            self.next_row += 1

    def sections(self, sections: object, level: int = 1) -> None:
        for section in sections if isinstance(sections, list) else []:
            if not isinstance(section, Mapping):
                continue
            paragraphs = section.get(PARAGRAPHS)
            texts = paragraphs if isinstance(paragraphs, list) else [] if paragraphs is None else [paragraphs]
            columns = self.spec.columns
            self.put(self.next_row, 1, columns[0].kind, level)
            self.put(self.next_row, 2, columns[1].kind, section.get(TITLE))
            self.put(self.next_row, 3, columns[2].kind, section.get("接排"))
            self.put(self.next_row, 4, columns[3].kind, texts[0] if texts else None)
            self.put(self.next_row, 5, columns[4].kind, section.get("段落序号"))
            self.next_row += 1
            for text in texts[1:]:
                for index, column in enumerate(columns, start=1):
                    self.put(self.next_row, index, column.kind, text if index == 4 else None)
                self.next_row += 1
            self.sections(section.get(SUBSECTIONS), level + 1)

    def info(self, data: Mapping[str, object]) -> None:
        rows = info_rows(BANNER in data, ROLLUP in data)
        label_list = f"'{LISTS}'!${_LIST_COLUMNS['label']}$2:${_LIST_COLUMNS['label']}${len(rows) + 1}"
        _validate(
            self.sheet,
            INFO_SHEET.columns[0],
            f"A2:A{LAST_ROW}",
            list_formula=label_list,
        )
        for row in rows:
            value = _get(data, row.key)
            if row.header in LABELLED and isinstance(value, Mapping):
                value = [f"{label}{PARTICULAR_SEPARATOR}{text}" for label, text in value.items()]
            repeated = row.header in REPEATED | BANNER_REPEATED | ROLLUP_REPEATED
            values = (value if isinstance(value, list) else [value]) if repeated else [value]
            for item in values or [None]:
                number = self.next_row
                label = self.put(number, 1, CellType.TEXT, row.header)
                label.font = Font(name=FONT, size=11, bold=True)
                value_cell = self.put(number, 2, row.kind, item)
                value_cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
                note = self.put(number, 3, CellType.PROSE, row.help)
                note.font = NOTE_FONT
                if row.header in TABLE_BLOCK:
                    for cell in (label, note):
                        cell.fill = TABLE_FILL
                _validate(self.sheet, row, f"B{number}")
                self.next_row += 1


def _figure_rows(data: Mapping[str, object]) -> Iterator[Mapping[str, object]]:
    figures = data.get(FIGURES)
    for figure_id, spec in figures.items() if isinstance(figures, Mapping) else ():
        row = {"": figure_id, **(spec if isinstance(spec, Mapping) else {})}
        target = row.get("目标")
        if isinstance(target, Mapping):  # {不少于: 45, 单位: 张} → 目标方向, 目标值, 目标单位
            words = [key for key in target if key != "单位"]
            row["目标"] = {
                "单位": target.get("单位"),
                **({TARGET_DIRECTION: words[0], TARGET_VALUE: target[words[0]]} if words else {}),
            }
        yield row


def _get(record: Mapping[str, object], key: tuple[str, ...]) -> object:
    """The value under ``key`` (``()`` is a figure's id, kept under "" by ``_figure_rows``)."""
    value: object = record
    for part in key or ("",):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


# -- values ------------------------------------------------------------------------------------------


def _cell_value(kind: CellType, value: object) -> CellValue | None:
    """What the reader turns back into ``value`` (or an equal ledger value) for a cell of ``kind``."""
    if value is None:
        return None
    if kind in (CellType.NUMBER, CellType.INTEGER):
        return _number_cell(value)
    if kind is CellType.DATE:
        return _date(value)
    if kind is CellType.BOOLEAN:
        if isinstance(value, bool):
            return "是" if value else "否"
        return str(value)
    if kind is CellType.FIGURE_IDS:
        return "、".join(str(part) for part in value) if isinstance(value, list) else str(value)
    if kind in (CellType.AMOUNT, CellType.FUNDING, CellType.MEASURE):
        if isinstance(value, Mapping):
            if FIGURES in value:
                return str(value[FIGURES])
            number = as_number(value.get("数值"))
            shown = number_text(number) if number is not None else str(value.get("数值"))
            return f"{shown}{value.get('单位', '')}"
        return _number_cell(value)
    if kind is CellType.PROSE and isinstance(value, str):
        return unfold(value)  # a YAML paragraph's line breaks and folding spaces, as the schema drops them
    return _text(value)


def _number_cell(value: object) -> CellValue:
    number = as_number(value)
    if number is None:
        return _text(value)
    stored = cell_number(number)
    return number_text(number) if stored is None else stored


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | Decimal):
        return number_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _date(value: object) -> CellValue:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return parse_date(str(value)) or _text(value)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` Excel units wide (a 汉字 at 11 pt is about
    two units, a digit or letter one; a little is lost to the cell's padding)."""
    per_line = max(1.0, width - 1)
    return sum(
        max(1, math.ceil(sum(2.1 if east_asian_width(ch) in "WF" else 1.1 for ch in part) / per_line))
        for part in text.split("\n")
    )


def _serial(day: datetime.date) -> int:
    """Excel's serial number of a date (1900 date system), as data validation bounds want it."""
    return (day - datetime.date(1899, 12, 30)).days


def _number_format(kind: CellType) -> str:
    if kind is CellType.DATE:
        return DATE_FORMAT
    if kind in (CellType.NUMBER, CellType.INTEGER, CellType.AMOUNT, CellType.FUNDING):
        return "General"  # a typed number stays a number; text amounts (1.3168亿元) stay text
    return TEXT_FORMAT  # Excel would turn 1-9 into a date and 00123 into 123


def _alignment(kind: CellType) -> Alignment:
    wrap = kind in (
        CellType.PROSE,
        CellType.TEXT,
        CellType.OWNER,
        CellType.FIGURE_IDS,
    )  # long text stays in its column
    return Alignment(vertical="top", wrap_text=wrap)


def _protection() -> SheetProtection:
    """Header and columns fixed; typing, inserting and deleting rows, widths and formats allowed."""
    return SheetProtection(
        sheet=True,
        formatCells=False,
        formatColumns=False,
        formatRows=False,
        insertRows=False,
        deleteRows=False,
        sort=False,
        autoFilter=False,
        insertColumns=True,
        deleteColumns=True,
    )


def _validate(sheet: Worksheet, column: SheetColumn, cells: str, *, list_formula: str | None = None) -> None:
    """The data validation of ``cells``: the column's input message, and what may be typed.

    Excel's refusal names what the cell takes in the words ``check`` uses (``expectation``)."""
    kind = column.kind
    validation = DataValidation(
        showInputMessage=True,
        showErrorMessage=True,
        allow_blank=True,
        promptTitle=column.header[:32],
        prompt=column.help[:255],
        errorTitle="输入有误",
    )
    if list_formula is not None:
        validation.type, validation.formula1 = "list", list_formula
        validation.error = "请从下拉列表中选择项目名。"
    elif kind is CellType.NUMBER:
        validation.type, validation.operator = "decimal", "between"
        validation.formula1, validation.formula2 = "-999999999999999", "999999999999999"
    elif kind is CellType.INTEGER:
        validation.type, validation.operator = "whole", "between"
        validation.formula1, validation.formula2 = str(column.low), str(column.high)
    elif kind is CellType.DATE:
        validation.type, validation.operator = "date", "between"
        validation.formula1, validation.formula2 = str(_serial(_FIRST_DATE)), str(_serial(_LAST_DATE))
    elif kind is CellType.UNIT:
        validation.type = "list"
        validation.formula1 = f"'{LISTS}'!$A$2:$A${len(known_units()) + 1}"
    elif kind is CellType.MONEY_UNIT:
        validation.type, validation.formula1 = "list", '"' + ",".join(MONEY_UNITS) + '"'
    elif kind is CellType.BOOLEAN:
        validation.type, validation.formula1 = "list", '"是,否"'
    elif column.choices:
        validation.type, validation.formula1 = "list", '"' + ",".join(column.choices) + '"'
    elif kind is CellType.OWNER:
        validation.type, validation.errorStyle = "list", "warning"
        validation.error = "这个单位不在下拉列表中，确定要这样填吗？"
        validation.formula1 = f"'{LISTS}'!$B$2:$B${LAST_LIST_ROW}"
    else:
        validation.showErrorMessage = False
    if validation.showErrorMessage and validation.error is None:
        validation.error = f"这里应填：{expectation(column)}"[:255]
    validation.add(cells)
    sheet.add_data_validation(validation)


# -- the 说明 and 选项 sheets ----------------------------------------------------------------------------

LAST_LIST_ROW = 200  # room for the 责任单位 a ledger uses besides the typical ones


def _owners(data: Mapping[str, object]) -> list[str]:
    used: list[str] = []
    table = data.get(TABLE)
    for project in table.get(PROJECTS) or [] if isinstance(table, Mapping) else []:
        owner = project.get("责任单位") if isinstance(project, Mapping) else None
        if isinstance(owner, str) and owner.strip() and owner not in used:
            used.append(owner)
    return [*used, *(o for o in TYPICAL_OWNERS if o not in used)][: LAST_LIST_ROW - 1]


def _lists(sheet: Worksheet, owners: list[str], *, rows: Sequence[SheetColumn]) -> None:
    labels = [r.header for r in rows]
    columns = (("单位", known_units()), ("责任单位", owners), ("基本信息项目", labels))
    for index, (header, values) in enumerate(columns, start=1):
        sheet.cell(1, index, header).font = Font(name=FONT, bold=True)
        for row, value in enumerate(values, start=2):
            cell = sheet.cell(row, index, value)
            cell.data_type = "s"
        sheet.column_dimensions[get_column_letter(index)].width = 20
    sheet.sheet_state = "hidden"
    sheet.protection = SheetProtection(sheet=True)


def _notes(
    sheet: Worksheet,
    *,
    tables: bool = False,
    banner: bool = False,
    rollup: bool = False,
    children: bool = False,
    placed: bool = False,
) -> None:
    """The how-to sheet, from the layout's own help texts (the 表格 part only when there are tables,
    the 版头's and the 汇总's rows, the 下级 table's and the placed units' lines only when the ledger
    has them)."""
    sheet.column_dimensions["A"].width = NOTES_WIDTH
    print_across(sheet)
    lines: list[tuple[str, Font]] = [(NOTES_TITLE, Font(name=FONT, size=16, bold=True))]
    body = Font(name=FONT, size=11)
    heading = Font(name=FONT, size=12, bold=True)
    lines += [(text, body) for text in NOTES_INTRO]
    for spec in DATA_SHEETS:
        lines.append((f"【{spec.name}】{spec.purpose}", heading))
        columns = info_rows(banner, rollup) if spec is INFO_SHEET else spec.columns
        lines += [(f"　　{column.header}：{column.help}", body) for column in columns]
    if tables:
        lines.append((f"【表格】{PURPOSE}", heading))
        lines.append((f"　　{PLACE_LABEL}：{PLACE_HELP}", body))
        lines += [(f"　　{setting.label}：{setting.help}", body) for setting in SETTINGS]
        lines.append((f"　　{ROW_KIND_HELP}", body))
        if children or placed:
            lines += [(f"　　{setting.label}：{setting.help}", body) for setting in CHILD_SETTINGS]
        if children:
            lines.append((f"　　{CHILD_HELP}", body))
        if placed:
            lines.append((f"　　{CHILD_PLACED_HELP}", body))
    for title, paragraphs in NOTES_GENERAL:
        lines.append((f"【{title}】", heading))
        lines += [(text, body) for text in paragraphs]
    sheet.row_dimensions[1].height = 30
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row, 1, text)
        cell.data_type = "s"
        cell.font = font
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        count = wrapped_lines(text, NOTES_WIDTH)
        if count > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * count + 4
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


# -- declared tables (表格): one sheet each ------------------------------------------------------------

TABLE_LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")  # column A and the declaration rows
SETTING_FILL = PatternFill("solid", fgColor="F2F2F2")
COMPUTED_FILL = PatternFill("solid", fgColor="D9D9D9")  # a formula column: only its 公布值 is typed
TOTAL_FILL = PatternFill("solid", fgColor="FFF2CC")  # 小计 and 合计 rows
REFERENCE_FONT = Font(name=FONT, size=11, color="0563C1")  # a cell that names a 指标
COMPUTED_NOTE = (
    "由公式计算（{formula}），报告中印的是计算值。"
    "这一列只填原文印出的数（公布值），由检查核对；不核对就留空。"
)
MARKER_WIDTH = 14
FIRST_SETTING = 3  # row 1 表格编号, row 2 位置, then the declarations, the title, the header


def _tables(book: Workbook, data: Mapping[str, object], taken: set[str]) -> None:
    tables = data.get(TABLES)
    for table in tables if isinstance(tables, list) else []:
        if not isinstance(table, Mapping):
            continue
        layout = sheet_of(table)
        width = len(layout.settings.get("列名") or [])
        if width + 1 > MAX_COLUMNS:  # the reader reads no further: refuse rather than lose columns
            raise LedgerError(
                Problem(
                    "RG114",
                    f"表格“{table.get(TITLE) or table.get('编号')}”有 {width} 列，Excel 台账的表格放不下",
                    place=f"表格“{table.get(TITLE) or table.get('编号')}”",
                    value=width,
                    expected=f"不超过 {MAX_COLUMNS - 1} 列（保留 YAML 台账）",
                )
            )
        _check_lossless(table, layout)
        name = sheet_name(str(table.get("编号") or ""), taken)
        _TableWriter(book.create_sheet(name), layout, table).write()


def _check_lossless(table: Mapping[str, object], layout: TableSheet) -> None:
    """Refuse a table the sheet would read back differently (RG126), naming where."""
    back, _, problems = table_of(layout)
    where = _first_difference(normalized(table), normalized(back))
    columns = table.get("列")
    for column in columns if isinstance(columns, list) else []:
        formula = column.get("公式") if isinstance(column, Mapping) else None
        # The cell holds the formula as text (乘：户籍人口数、7元): a column named 2024年 or 增加 额 reads
        # back as a number or as two names, so such a table is refused here, not found broken later.
        if formula is not None and normalized(formula_plain(formula_text(formula))) != normalized(formula):
            where = where or f"列“{column.get('名称')}”的公式（列名以数字开头或含空格、顿号时写不成文字公式）"
    if not problems and where is None:
        return
    title = table.get(TITLE) or table.get("编号")
    detail = problems[0][1] if problems else f"{where} 读回时会不同"
    raise LedgerError(
        Problem(
            "RG126",
            f"表格“{title}”不能原样写成 Excel 工作表：{detail}",
            place=f"表格“{title}”",
            expected="保留 YAML 台账，或改写这张表（见 docs/tables.md“Excel 台账中的表格”）",
        )
    )


def _first_difference(a: object, b: object, path: str = "") -> str | None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in [*a, *(k for k in b if k not in a)]:
            found = _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for index in range(max(len(a), len(b))):
            x = a[index] if index < len(a) else None
            y = b[index] if index < len(b) else None
            found = _first_difference(x, y, f"{path}[{index + 1}]")
            if found is not None:
                return found
        return None
    return None if a == b and type(a) is type(b) else path or "表"


class _TableWriter:
    """One table's sheet: declarations, title, header, rows (see ``tablesheet``)."""

    def __init__(self, sheet: Worksheet, layout: TableSheet, table: Mapping[str, object]) -> None:
        self.sheet = sheet
        self.layout = layout
        columns = table.get("列")
        self.columns = [c for c in columns if isinstance(c, Mapping)] if isinstance(columns, list) else []
        self.names = [str(c.get("名称")) for c in self.columns]
        self.widths = [0.0] * len(self.columns)
        self.title_row = FIRST_SETTING + len(settings_of(layout))
        self.header_row = self.title_row + 1
        self.first_row = self.header_row + layout.height

    def write(self) -> None:
        sheet = self.sheet
        self.label(1, TABLE_ID)
        self.text(1, 2, self.layout.table_id, bold=True)
        self.label(2, PLACE_LABEL).comment = _comment(PLACE_HELP)
        placement = self.layout.placement
        self.text(2, 2, placement_text(placement) if placement is not None else None)
        for offset, setting in enumerate(settings_of(self.layout)):
            row = FIRST_SETTING + offset
            label = self.label(row, setting.label)
            label.comment = _comment(setting.help)
            values = self.layout.settings.get(setting.label) or []
            for index, value in enumerate(values):
                shown = formula_text(value) if setting.kind == "formula" and value is not None else value
                cell = self.text(row, index + 2, shown, size=10)
                cell.fill = SETTING_FILL
                if setting.kind in ("whole", "number", "level") and value is not None:
                    cell.value = _number_cell(value)
                    cell.data_type = "n" if not isinstance(cell.value, str) else "s"
                    cell.number_format = "General"
            _table_validation(sheet, setting, f"B{row}:{get_column_letter(len(values) + 1)}{row}")
            sheet.row_dimensions[row].outlineLevel = 1
        self.label(self.title_row, TITLE_LABEL)
        last = get_column_letter(len(self.columns) + 1)
        title = self.text(self.title_row, 2, self.layout.title, bold=True, size=14)
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if len(self.columns) > 1:
            sheet.merge_cells(f"B{self.title_row}:{last}{self.title_row}")
        sheet.row_dimensions[self.title_row].height = 28
        self.header()
        self.rows()
        markers = [line.marker for line in self.layout.lines]
        sheet.column_dimensions["A"].width = max(
            MARKER_WIDTH, min(40.0, max((_display_width(m) + 2 for m in markers), default=0))
        )
        for index, column in enumerate(self.columns):
            hint = column.get("宽度")
            number = as_number(hint) if hint is not None else None
            width = float(number) * 2 + 2 if number is not None else self.widths[index] + 2
            sheet.column_dimensions[get_column_letter(index + 2)].width = max(6.0, min(40.0, width))
        self.fit_rows()
        sheet.freeze_panes = f"B{self.first_row}"
        if sheet.sheet_properties.outlinePr is not None:
            sheet.sheet_properties.outlinePr.summaryBelow = False
        print_across(sheet)
        end = max(sheet.max_row, self.first_row)
        sheet.print_area = f"B{self.title_row}:{last}{end}"
        sheet.print_title_rows = f"{self.header_row}:{self.first_row - 1}"

    def fit_rows(self) -> None:
        """Heights for rows whose wrapped text takes more than a line (a long 公式, a long name):
        spreadsheet programs do not grow a row written without one.  Merged cells keep their rows."""
        merged = {c for r in self.sheet.merged_cells.ranges for c in _cells_of(r.coord)}
        for row in self.sheet.iter_rows(min_row=2):
            lines = 1
            for cell in row:
                if isinstance(cell.value, str) and cell.coordinate not in merged:
                    width = self.sheet.column_dimensions[cell.column_letter].width or 10
                    lines = max(lines, wrapped_lines(cell.value, width))
            number = row[0].row
            assert number is not None
            if lines > 1 and self.sheet.row_dimensions[number].height is None:
                self.sheet.row_dimensions[number].height = min(MAX_ROW_HEIGHT, LINE_HEIGHT * lines + 4)

    def label(self, row: int, text: str) -> Cell:
        cell = self.sheet.cell(row, 1, text)
        assert isinstance(cell, Cell)
        cell.data_type = "s"
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = TABLE_LABEL_FILL
        cell.border = BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        return cell

    def text(self, row: int, column: int, value: object, *, bold: bool = False, size: int = 11) -> Cell:
        cell = self.sheet.cell(row, column)
        assert isinstance(cell, Cell)
        cell.font = Font(name=FONT, size=size, bold=bold)
        cell.border = BORDER
        cell.number_format = TEXT_FORMAT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        if value is not None:
            cell.value = _text(value)
            cell.data_type = "s"
        return cell

    def header(self) -> None:
        sheet = self.sheet
        top, bottom = self.header_row, self.first_row - 1
        marker = self.label(top, HEADER_LABEL)
        marker.comment = _comment(ROW_KIND_HELP, height=160)
        if bottom > top:
            sheet.merge_cells(f"A{top}:A{bottom}")
        for region in self.layout.header:
            row, column = top + region.top, region.left + 2
            cell = self.text(row, column, region.text, bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for r in range(row, top + region.bottom + 1):
                for c in range(column, region.right + 3):
                    sheet.cell(r, c).border = BORDER
                    sheet.cell(r, c).fill = HEADER_FILL
            if region.bottom > region.top or region.right > region.left:
                corner = f"{get_column_letter(region.right + 2)}{top + region.bottom}"
                sheet.merge_cells(f"{get_column_letter(column)}{row}:{corner}")
            if region.leaf:
                self.grow(region.left, region.text)
                formula = self.columns[region.left].get("公式")
                if formula is not None:
                    cell.fill = COMPUTED_FILL
                    cell.comment = _comment(COMPUTED_NOTE.format(formula=formula_text(formula)))
        for row in range(top, bottom + 1):
            sheet.row_dimensions[row].height = 30

    def rows(self) -> None:
        groups = set(group_columns_of(self.names, self.layout.settings))
        spans: dict[str, list[int]] = {}
        placed_helped = False
        for offset, line in enumerate(self.layout.lines):
            row = self.first_row + offset
            kind, _ = marker_of(line.marker)
            marker = self.text(row, 1, line.marker or None, size=10)
            marker.fill = TABLE_LABEL_FILL
            if kind == CHILD_MARK and not line.cells:
                marker.comment = _comment(CHILD_HELP, height=160)
            elif kind == CHILD_MARK and not placed_helped:  # once: the first unit placed by name
                marker.comment = _comment(CHILD_PLACED_HELP, height=160)
                placed_helped = True
            summed = kind in (SUBTOTAL, TOTAL)
            for index, column in enumerate(self.columns):
                slot = line.cells.get(self.names[index])
                cell = self.value(row, index + 2, column, slot.value if slot is not None else None, summed)
                if summed:
                    cell.fill = TOTAL_FILL
                    cell.font = Font(name=FONT, size=11, bold=True, color=cell.font.color)
                if slot is not None and slot.span is not None and self.names[index] in groups:
                    spans.setdefault(f"{index}|{slot.span}", []).append(row)
        for key, rows in spans.items():
            letter = get_column_letter(int(key.partition("|")[0]) + 2)
            self.sheet.merge_cells(f"{letter}{rows[0]}:{letter}{rows[-1]}")

    def value(self, row: int, column: int, spec: Mapping[str, object], value: object, summed: bool) -> Cell:
        """One cell of a row: text as text; a number exactly, in the column's format (a % column as a
        percentage, 92% reading as 92); a {指标: 编号} as the 编号 in blue; a 公布值 as its number."""
        index = column - 2
        cell = self.text(row, column, None)
        align = {"左": "left", "中": "center", "右": "right"}
        text_column = spec.get("文本") in ("是", True)
        default = "左" if text_column else "右"
        cell.alignment = Alignment(
            horizontal=align.get(str(spec.get("对齐") or default), "general"),
            vertical="center",
            wrap_text=True,
        )
        if spec.get("公式") is not None and not summed:
            cell.fill = COMPUTED_FILL
        if value is None:
            if not text_column:
                cell.number_format = _table_format(spec, 0)
            return cell
        if isinstance(value, Mapping) and FIGURES in value:
            cell.value = str(value[FIGURES])
            cell.data_type = "s"
            cell.font = REFERENCE_FONT
            self.grow(index, cell.value)
            return cell
        if isinstance(value, Mapping) and PRINTED in value:
            value = value[PRINTED]
        number = None if text_column else as_number(value)
        if number is None:
            cell.value = _text(value)
            cell.data_type = "s"
            self.grow(index, cell.value)
            return cell
        decimals = max(0, -_exponent(number))
        if _percent(spec):
            fraction = Decimal(number).scaleb(-2)
            stored = cell_number(canonical(fraction))
            back = percent_number(stored) if stored is not None else None
            if stored is None or back is None or number_text(back) != number_text(number):
                cell.value = f"{number_text(number)}%"  # trailing zeros a number cell would drop
                cell.data_type = "s"
            else:
                cell.value = stored
                cell.number_format = _table_format(spec, decimals)
            self.grow(index, f"{number_text(number)}%")
            return cell
        stored = cell_number(number)
        if stored is None:
            cell.value = number_text(number)
            cell.data_type = "s"
        else:
            cell.value = stored
            cell.number_format = _table_format(spec, decimals)
        self.grow(index, number_text(number))
        return cell

    def grow(self, index: int, text: str) -> None:
        if 0 <= index < len(self.widths):
            longest = max((_display_width(part) for part in text.split("\n")), default=0)
            self.widths[index] = max(self.widths[index], longest)


def _cells_of(coord: str) -> list[str]:
    left, top, right, bottom = range_boundaries(coord)
    assert left is not None and top is not None and right is not None and bottom is not None
    return [f"{get_column_letter(c)}{r}" for r in range(top, bottom + 1) for c in range(left, right + 1)]


def _exponent(number: int | Decimal) -> int:
    if isinstance(number, int):
        return 0
    exponent = number.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def _percent(spec: Mapping[str, object]) -> bool:
    found = unit(str(spec.get("单位"))) if spec.get("单位") is not None else None
    return found is not None and found.family is Family.PERCENT


def _table_format(spec: Mapping[str, object], decimals: int) -> str:
    """A column's number format: its 小数位 (or the default), more when the value has more digits, so
    that a cell never hides a digit it holds; a percentage for a % column."""
    digits = spec.get("小数位")
    found = unit(str(spec.get("单位"))) if spec.get("单位") is not None else None
    default = 2 if found is not None and not found.counts else 0
    shown = max(int(digits) if isinstance(digits, int) else default, decimals)
    decimals_part = "." + "0" * shown if shown else ""
    return f"0{decimals_part}%" if _percent(spec) else f"#,##0{decimals_part}"


def _display_width(text: str) -> float:
    return sum(2.1 if east_asian_width(ch) in "WF" else 1.1 for ch in text)  # as wrapped_lines counts


def _comment(text: str, height: int = 110) -> Comment:
    comment = Comment(text, "reportgen")
    comment.width, comment.height = 280, height
    return comment


def _table_validation(sheet: Worksheet, setting: Setting, cells: str) -> None:
    validation = DataValidation(
        showInputMessage=True,
        allow_blank=True,
        promptTitle=setting.label,
        prompt=setting.help[:255],
        errorTitle="输入有误",
    )
    if setting.choices:
        validation.type, validation.formula1 = "list", '"' + ",".join(setting.choices) + '"'
        validation.showErrorMessage = True
        validation.error = "这里应填：" + "、".join(setting.choices)
    elif setting.kind == "unit":
        validation.type = "list"
        validation.formula1 = f"'{LISTS}'!$A$2:$A${len(known_units()) + 1}"
        validation.showErrorMessage = True
        validation.error = "请从下拉列表中选择单位。"
    elif setting.kind in ("whole", "level"):
        validation.type, validation.operator = "whole", "between"
        validation.formula1, validation.formula2 = ("0", "6") if setting.kind == "whole" else ("1", "9")
        validation.showErrorMessage = True
        validation.error = "这里应填整数。"
    validation.add(cells)
    sheet.add_data_validation(validation)
