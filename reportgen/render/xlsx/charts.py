"""The 一览表's charts as native Excel charts on a sheet “图表”: layout in openpyxl, charts per report.

Why a sheet of its own: the 一览表 sheet keeps its print layout (and, without charts, its bytes), and a
chart needs its categories and values in one contiguous range — the 完成比例 chart leaves out projects
without a ratio, and the short project labels are not in the 一览表.  So each chart gets a small block on
“图表”: its caption, a header row (the series names, which the chart takes its series titles from), and
one row per project: the short label, then formulas pointing at the 一览表 cells (``='附件'!E7``) with
the cells' exact values cached, so the chart follows the table in Excel and shows the right bars in a
reader that does not recalculate.  A missing value is an empty cell: a gap in the chart, not a zero.

As with the table, openpyxl lays the sheet out once per table layout and number of charts
(``write_chart_sheet``: column widths, cell styles, print setup, and a placeholder chart per block at
its fixed anchor); ``xlsx.compiled`` then writes each report's rows into it, and ``chart_xml`` builds each
report's chart parts with openpyxl's chart classes, whose references depend on the number of projects.
"""

from __future__ import annotations

from typing import Any, cast

from openpyxl.chart import BarChart
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.layout import Layout, ManualLayout
from openpyxl.chart.legend import Legend
from openpyxl.chart.series import Series, SeriesLabel
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from reportgen.base.sheetprint import print_across
from reportgen.document.charts import CATEGORIES_PER_CHART, Chart
from reportgen.document.tables import TableColumn, TableSpec
from reportgen.render.xlsx.layout import CHAR_WIDTH, FONT, HEADING_FONT, PRINT_MARGINS

# The table columns a chart can take values from, in the order of the prototype's style cells.
VALUE_COLUMNS = ("completion", "plan", "budget", "paid")
# Rows per chart block: caption, header and projects on the left; on the right a chart tall enough for
# eight groups of three bars with a readable label each.  Each block prints on a page of its own.
BLOCK_ROWS = max(26, CATEGORIES_PER_CHART + 4)
ROW_HEIGHT = 18  # points: a block is BLOCK_ROWS × 18 pt (16.5 cm) high, the chart beside it 15 cm
CHART_COLUMN = 6  # charts stand from column F, right of the data blocks (A: labels, B–E: values)
LABEL_SIZE = 800  # bar labels at 8 pt (hundredths of a point)
CHART_WIDTH_CM = 20
CHART_HEIGHT_CM = int(BLOCK_ROWS * ROW_HEIGHT * 2.54 / 72) - 1  # a centimetre or so less than its block
LABEL_WIDTH = 14  # 汉字: a short label (序号 + 12 characters) fits on one line
VALUE_WIDTH = 6.5  # “计划安排资金” and a 10-digit amount
# The plot area as fractions of the chart: room for 12-字 labels on the left, the title on top and
# the axis title (and legend) below.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP = 0.30, 0.08, 0.12
PLOT_HEIGHT, PLOT_HEIGHT_WITH_LEGEND = 0.72, 0.66
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
EDGE = "7F7F7F"


def chart_sheet_title(label: str, attachments: int, name: str) -> str:
    """``name`` (“图表”, in the document's script), or “附件1图表” … when a workbook has several
    attachments."""
    return name if attachments == 1 else (label + name)[:31]


def block_top(index: int) -> int:
    """The caption row of the ``index``-th chart's block (0-based index, 1-based row)."""
    return 1 + index * BLOCK_ROWS


def write_chart_sheet(sheet: Worksheet, spec: TableSpec, count: int) -> None:
    """The prototype: one cell of each style (row 1 caption, row 2 header, row 3 label and one value
    cell per ``VALUE_COLUMNS`` in the table's number format), widths, print setup and page breaks,
    ``count`` placeholder charts at their blocks."""
    columns = {column.key: column for column in spec.columns}
    caption = sheet.cell(1, 1, "caption")
    caption.font = Font(name=HEADING_FONT, size=12)
    header = sheet.cell(2, 1, "header")
    header.font = Font(name=HEADING_FONT, size=10.5)
    header.alignment = Alignment(horizontal="center", vertical="center")
    header.border = BORDER
    label = sheet.cell(3, 1, "label")
    label.font = Font(name=FONT, size=10.5)
    label.alignment = Alignment(horizontal="left", vertical="center")
    label.border = BORDER
    for offset, key in enumerate(VALUE_COLUMNS, start=2):
        value = sheet.cell(3, offset, 1)
        # a column the table leaves out (一览表.列 … 不用) is no series: its style is never used
        value.number_format = columns[key].excel_format if key in columns else "General"
        value.font = Font(name=FONT, size=10.5)
        value.alignment = Alignment(horizontal="right", vertical="center")
        value.border = BORDER
    sheet.column_dimensions["A"].width = LABEL_WIDTH * CHAR_WIDTH
    for index in range(2, 2 + len(VALUE_COLUMNS)):
        sheet.column_dimensions[get_column_letter(index)].width = VALUE_WIDTH * CHAR_WIDTH
    for index in range(count):
        placeholder = BarChart()
        placeholder.width, placeholder.height = CHART_WIDTH_CM, CHART_HEIGHT_CM
        sheet.add_chart(placeholder, f"{get_column_letter(CHART_COLUMN)}{block_top(index)}")
        if index:  # a page break above every block but the first: no chart is cut by a page edge
            sheet.row_breaks.append(Break(id=block_top(index) - 1))
    # Rows left empty beside a chart get the blocks' height too, so a block is as tall as its chart
    # needs and the page break below it never cuts the chart (it did with the default 15 pt).
    sheet.sheet_format.defaultRowHeight = ROW_HEIGHT
    sheet.sheet_format.customHeight = True
    print_across(sheet, PRINT_MARGINS)


def chart_xml(chart: Chart, sheet: str, index: int, columns: dict[str, TableColumn]) -> bytes:
    """The chart part of the ``index``-th block on ``sheet``: bars from the block's cells, titles and
    labels in Chinese, categories top-down as in the table, the same colours as the image."""
    quoted = quote_sheetname(sheet)
    header = block_top(index) + 1
    first, last = header + 1, header + len(chart.categories)
    bars = BarChart()
    bars.type = "bar"
    bars.grouping = "clustered"
    bars.gapWidth = 60
    bars.title = chart.caption
    for number, series in enumerate(chart.series):
        letter = get_column_letter(2 + number)
        bar = Series(
            idx=number,
            order=number,
            tx=SeriesLabel(strRef=StrRef(f"{quoted}!${letter}${header}")),
            cat=AxDataSource(strRef=StrRef(f"{quoted}!$A${first}:$A${last}")),
            val=NumDataSource(numRef=NumRef(f=f"{quoted}!${letter}${first}:${letter}${last}")),
        )
        bar.graphicalProperties.solidFill = series.colour
        bar.graphicalProperties.line.solidFill = EDGE
        bars.series.append(bar)
    # Every flag spelled out: LibreOffice reads a missing one as "show" and prints name and category too.
    labels = DataLabelList(
        dLblPos="outEnd",
        showVal=True,
        showLegendKey=False,
        showCatName=False,
        showSerName=False,
        showPercent=False,
        showBubbleSize=False,
    )
    size = CharacterProperties(sz=LABEL_SIZE)
    labels.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])
    labels.numFmt = columns[chart.series[0].column].excel_format
    bars.dataLabels = labels
    bars.x_axis.delete = False  # openpyxl 3.1 otherwise leaves the axes out in Excel
    bars.y_axis.delete = False
    bars.x_axis.scaling.orientation = "maxMin"  # the first project on top, as in the table
    bars.y_axis.crosses = "max"  # …and the value axis below the bars all the same
    bars.y_axis.title = chart.value_axis
    bars.y_axis.number_format = "0%" if chart.percent else "0"
    bars.legend = Legend(legendPos="b") if len(chart.series) > 1 else None
    # The plot area placed by hand: left of it the project labels, below it the axis title and the
    # legend.  Left to itself LibreOffice gives the bars the whole height and cuts the axis title off.
    bars.plot_area.layout = Layout(
        manualLayout=ManualLayout(
            layoutTarget="inner",
            xMode="edge",
            yMode="edge",
            x=PLOT_LEFT,
            y=PLOT_TOP,
            w=1 - PLOT_LEFT - PLOT_RIGHT,
            h=PLOT_HEIGHT_WITH_LEGEND if bars.legend is not None else PLOT_HEIGHT,
        )
    )
    tree = cast(Any, bars)._write()  # what openpyxl's own writer serialises (ExcelWriter._write_charts)
    xml: str | bytes = tostring(tree)
    return xml.encode() if isinstance(xml, str) else bytes(xml)
