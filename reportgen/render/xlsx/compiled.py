"""The .xlsx compiled once per table layout and filled per report, like the .docx.

openpyxl lays the workbook out (``xlsx.write_table``: styles, widths, merges, print setup, frozen
panes) once, for a prototype of the table whose title and filler texts are tokens and whose rows
show every cell style (plain, quote-prefixed, 合计).  The prototype's sheet XML is split around its
rows; each report then writes only its rows, in the same cell styles, and reuses every other part
as ready deflated bytes.  An openpyxl workbook per report spends most of its time building and
hashing style objects that are the same for every unit of a batch.  A report with charts has a
“图表” sheet per attachment (``xlsx.charts``), compiled the same way; its chart parts are per report.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.writer.excel import ExcelWriter

from reportgen.base.escape import FORMULA_STARTS, xml_content
from reportgen.base.zipfiles import CORE_PART, ZipEntry, core_xml, deflate, write_zip
from reportgen.document.blocks import Attachment, Document
from reportgen.document.tables import Cell, Row, Table, TableSpec, ValueKind
from reportgen.render.xlsx.charts import (
    ROW_HEIGHT,
    VALUE_COLUMNS,
    block_top,
    chart_sheet_title,
    chart_xml,
    write_chart_sheet,
)
from reportgen.render.xlsx.formulas import excel_formula
from reportgen.render.xlsx.layout import (
    TITLE_ROWS,
    cell_value,
    row_height,
    sheet_title,
    write_table,
)

_TOKENS = ("RGTOKENLABEL", "RGTOKENTITLE", "RGTOKENLEFT", "RGTOKENRIGHT")
_ROW = re.compile(r"<row r=\"(\d+)\"[^>]*>.*?</row>", re.DOTALL)
_CELL_STYLE = re.compile(r'<c r="([A-Z]+)(\d+)" s="(\d+)"')
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
_WORKSHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_CHART = re.compile(r"xl/charts/chart(\d+)\.xml")
_MERGE_CELLS = re.compile(r'<mergeCells count="(\d+)">(.*?)</mergeCells>', re.DOTALL)


@dataclass(frozen=True, slots=True)
class CompiledSheet:
    head: str  # up to <sheetData>, with "{dimension}" where the used range goes
    top: str  # the title and header rows, with the tokens to replace
    tail: str  # from </sheetData>: merges, print setup
    styles: dict[tuple[bool, bool, int], str]  # (合计 row, quote-prefixed, column) → style index
    first_data: int


@dataclass(frozen=True, slots=True)
class CompiledChartSheet:
    """The “图表” sheet of one attachment, split around its rows like ``CompiledSheet``."""

    head: str
    tail: str
    styles: dict[str, str]  # "caption", "header", "label" and each ``VALUE_COLUMNS`` key → style index


@dataclass(frozen=True, slots=True)
class CompiledWorkbook:
    members: tuple[ZipEntry | str, ...]  # a str names a part rendered per report
    sheets: dict[str, CompiledSheet]
    owners: dict[str, int]  # each rendered sheet's attachment
    chart_sheets: dict[str, CompiledChartSheet]
    charts: dict[str, tuple[int, int]]  # chart part → (attachment, its chart)


def render_workbook(document: Document, total_formulas: bool) -> bytes:
    # Without charts the key, the prototype and so the bytes are what they were before charts existed.
    # A portrait attachment prints portrait (its page in the .docx): part of the compiled layout.
    key = tuple((a.label, _neutral(a.table.spec), len(a.charts), a.portrait) for a in document.attachments)
    compiled = compile_workbook(key, document.words["图表"])
    entries = [
        member
        if isinstance(member, ZipEntry)
        else deflate(member, _part(compiled, member, document, total_formulas))
        for member in compiled.members
    ]
    return write_zip(entries)


def _part(compiled: CompiledWorkbook, member: str, document: Document, total_formulas: bool) -> bytes:
    """A member written per report: the core properties, a sheet, a “图表” sheet or a chart."""
    if member == CORE_PART:  # the table's title, the filler
        title = document.attachments[0].table.spec.title if document.attachments else ""
        return core_xml(title, document.filler or "reportgen", document.issued, "xlsx")
    if member in compiled.charts:
        owner, index = compiled.charts[member]
        attachment = document.attachments[owner]
        sheet = chart_sheet_title(attachment.label, len(document.attachments), document.words["图表"])
        columns = {column.key: column for column in attachment.table.spec.columns}
        return chart_xml(attachment.charts[index], sheet, index, columns)
    owner = compiled.owners[member]
    attachment = document.attachments[owner]
    if member in compiled.chart_sheets:
        first_data = compiled.sheets[_table_member(compiled, owner)].first_data
        xml = _chart_sheet_xml(compiled.chart_sheets[member], attachment, first_data)
    else:
        xml = _sheet_xml(compiled.sheets[member], attachment.label, attachment.table, total_formulas)
    return xml.encode("utf-8")


def _table_member(compiled: CompiledWorkbook, owner: int) -> str:
    return next(name for name in compiled.sheets if compiled.owners[name] == owner)


def _neutral(spec: TableSpec) -> TableSpec:
    """The layout without the texts that vary per report: the cache key of a compiled workbook."""
    return dataclasses.replace(spec, title=_TOKENS[1], filler_line=(_TOKENS[2], _TOKENS[3]))


@lru_cache(maxsize=16)
def compile_workbook(key: tuple[tuple[str, TableSpec, int, bool], ...], charts_name: str) -> CompiledWorkbook:
    """The prototype workbook for attachments of these (label, layout, number of charts, portrait),
    with their charts on sheets called ``charts_name`` (“图表” in the document's script)."""
    workbook = Workbook()
    for default_sheet in workbook.worksheets:
        workbook.remove(default_sheet)
    roles: list[tuple[int, bool]] = []  # per worksheet, in order: (attachment, is its “图表” sheet)
    chart_owners: list[tuple[int, int]] = []
    for owner, (label, spec, count, portrait) in enumerate(key):
        sheet = workbook.create_sheet(title=sheet_title(label))
        write_table(sheet, _TOKENS[0], _prototype(spec), portrait=portrait)
        roles.append((owner, False))
        if count:
            title = chart_sheet_title(label, len(key), charts_name)
            write_chart_sheet(workbook.create_sheet(title=title), spec, count)
            roles.append((owner, True))
            chart_owners.extend((owner, index) for index in range(count))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    members: list[ZipEntry | str] = []
    compiled = CompiledWorkbook((), {}, {}, {}, {})
    for name in archive.namelist():
        data = archive.read(name)
        if name == CORE_PART:
            members.append(name)
        elif match := _WORKSHEET.fullmatch(name):
            members.append(name)
            owner, is_charts = roles[int(match.group(1)) - 1]
            compiled.owners[name] = owner
            if is_charts:
                compiled.chart_sheets[name] = _split_chart_sheet(data.decode("utf-8"))
            else:
                compiled.sheets[name] = _split(data.decode("utf-8"), key[owner][1])
        elif match := _CHART.fullmatch(name):
            members.append(name)  # openpyxl numbers chart parts in the order the charts were added
            compiled.charts[name] = chart_owners[int(match.group(1)) - 1]
        else:
            members.append(deflate(name, data))
    return dataclasses.replace(compiled, members=tuple(members))


def _prototype(spec: TableSpec) -> Table:
    """Rows that make openpyxl create every body style: plain and quote-prefixed, normal and 合计."""

    def row(text: str, total: bool) -> Row:
        cells = []
        for column in spec.columns:
            if column.kind in (ValueKind.AMOUNT, ValueKind.RATIO, ValueKind.NUMBER):
                cells.append(Cell("1", Decimal(1)))
            else:
                cells.append(Cell("1" if column.kind is ValueKind.INDEX else text))
        return Row(tuple(cells), is_total=total)

    return Table(spec, (row("x", False), row("=x", False), row("x", True), row("=x", True)))


def _split(xml: str, spec: TableSpec) -> CompiledSheet:
    start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
    rows = _ROW.findall(xml[start:end])
    first_data = TITLE_ROWS + spec.header_depth + 1
    top_end = start
    for match in _ROW.finditer(xml, start, end):
        if int(match.group(1)) < first_data:
            top_end = match.end()
    styles: dict[tuple[bool, bool, int], str] = {}
    kinds = {first_data: (False, False), first_data + 1: (False, True), first_data + 2: (True, False)}
    kinds[first_data + 3] = (True, True)
    for column, row, style in _CELL_STYLE.findall(xml[top_end:end]):
        total, quoted = kinds[int(row)]
        index = _column_index(column)
        styles[(total, quoted, index)] = style
    assert len(rows) == first_data - 1 + 4, "the prototype's rows were not all written"
    top = xml[start:top_end].replace("{", "{{").replace("}", "}}")
    for number, token in enumerate(_TOKENS):
        top = top.replace(token, "{" + str(number) + "}")
    head = _DIMENSION.sub('<dimension ref="{dimension}"/>', xml[:start].replace("{", "{{").replace("}", "}}"))
    return CompiledSheet(head, top, xml[end:], styles, first_data)


def _split_chart_sheet(xml: str) -> CompiledChartSheet:
    """The prototype “图表” sheet around its rows, and the style of each kind of cell in it."""
    start, end = xml.index("<sheetData>") + len("<sheetData>"), xml.index("</sheetData>")
    found = {f"{column}{row}": style for column, row, style in _CELL_STYLE.findall(xml[start:end])}
    styles = {"caption": found["A1"], "header": found["A2"], "label": found["A3"]}
    for index, key in enumerate(VALUE_COLUMNS, start=2):
        styles[key] = found[f"{get_column_letter(index)}3"]
    head = _DIMENSION.sub('<dimension ref="{dimension}"/>', xml[:start].replace("{", "{{").replace("}", "}}"))
    return CompiledChartSheet(head, xml[end:], styles)


def _chart_sheet_xml(compiled: CompiledChartSheet, attachment: Attachment, first_data: int) -> str:
    """Each chart's block: caption, header (the series names), and per project the short label and
    formulas on the 一览表's cells with their exact values cached; an empty cell where one is missing."""
    table = attachment.table
    columns = table.spec.columns
    position = {column.key: index for index, column in enumerate(columns)}
    source = quote_sheetname(sheet_title(attachment.label))
    styles = compiled.styles
    rows: list[str] = []
    width = 1
    for block, chart in enumerate(attachment.charts):
        top = block_top(block)
        width = max(width, 1 + len(chart.series))
        rows.append(_row(top, [_inline(f"A{top}", styles["caption"], chart.caption)]))
        names = [chart.category_title, *(series.name for series in chart.series)]
        header = [
            _inline(f"{get_column_letter(i)}{top + 1}", styles["header"], n) for i, n in enumerate(names, 1)
        ]
        rows.append(_row(top + 1, header))
        for offset, (category, table_row) in enumerate(zip(chart.categories, chart.rows, strict=True)):
            number = top + 2 + offset
            cells = [_inline(f"A{number}", styles["label"], category)]
            for index, series in enumerate(chart.series, start=2):
                ref = f"{get_column_letter(index)}{number}"
                value = table.rows[table_row].cells[position[series.column]].value
                style = styles[series.column]
                if isinstance(value, Decimal):
                    target = (
                        f"{source}!{get_column_letter(position[series.column] + 1)}{first_data + table_row}"
                    )
                    cells.append(f'<c r="{ref}" s="{style}"><f>{xml_content(target)}</f><v>{value:f}</v></c>')
                else:
                    cells.append(f'<c r="{ref}" s="{style}"/>')
            rows.append(_row(number, cells))
    last = block_top(len(attachment.charts) - 1) + 1 + len(attachment.charts[-1].categories)
    dimension = f"A1:{get_column_letter(width)}{last}"
    return compiled.head.format(dimension=dimension) + "".join(rows) + compiled.tail


def _inline(ref: str, style: str, text: str) -> str:
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{xml_content(text)}</t></is></c>'


def _row(number: int, cells: list[str]) -> str:
    return f'<row r="{number}" ht="{ROW_HEIGHT}" customHeight="1">{"".join(cells)}</row>'


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _sheet_xml(compiled: CompiledSheet, label: str, table: Table, total_formulas: bool) -> str:
    spec = table.spec
    columns = spec.columns
    left, right = spec.filler_line
    parts = [
        compiled.top.format(
            xml_content(label), xml_content(spec.title), xml_content(left), xml_content(right)
        )
    ]
    first = compiled.first_data
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    by_key = {column.key: letter for column, letter in zip(columns, letters, strict=True)}
    merges: list[str] = []
    row_number = first - 1
    for row_index, row in enumerate(table.rows):
        row_number += 1
        cells: list[str] = []
        for index, (column, data) in enumerate(zip(columns, row.cells, strict=True), start=1):
            ref = f"{letters[index - 1]}{row_number}"
            if data.span > 1:  # a row group's label merged down its rows; the covered cells keep borders
                merges.append(f'<mergeCell ref="{ref}:{letters[index - 1]}{row_number + data.span - 1}"/>')
            value = cell_value(column, data.value, data.text) if data.span else None
            quoted = isinstance(value, str) and value.startswith(FORMULA_STARTS)
            style = compiled.styles[(row.is_total, quoted, index)]
            formula = table.formula(row_index, column.key) if total_formulas else None
            if formula is not None and isinstance(value, Decimal):
                spelled = xml_content(excel_formula(formula, by_key, first))
                cells.append(f'<c r="{ref}" s="{style}"><f>{spelled}</f><v>{value:f}</v></c>')
            elif value is None or value == "":
                cells.append(f'<c r="{ref}" s="{style}"/>')
            elif isinstance(value, str):
                cells.append(_inline(ref, style, value))
            else:
                number = f"{value:f}" if isinstance(value, Decimal) else str(value)
                cells.append(f'<c r="{ref}" s="{style}" t="n"><v>{number}</v></c>')
        height = row_height(columns, row.cells)
        parts.append(f'<row r="{row_number}" ht="{height:g}" customHeight="1">{"".join(cells)}</row>')
    dimension = f"A1:{letters[-1]}{row_number}"
    return compiled.head.format(dimension=dimension) + "".join(parts) + _with_merges(compiled.tail, merges)


def _with_merges(tail: str, merges: list[str]) -> str:
    """The sheet's tail with the body's merged ranges added to the header's (the title is always one)."""
    if not merges:
        return tail
    match = _MERGE_CELLS.search(tail)
    assert match is not None, "the prototype sheet has no merged cells"
    count = int(match.group(1)) + len(merges)
    merged = f'<mergeCells count="{count}">{match.group(2)}{"".join(merges)}</mergeCells>'
    return tail[: match.start()] + merged + tail[match.end() :]
