"""A table (一览表, 目标表, a declared 表格) as a WordprocessingML ``w:tbl``, from the shared ``TableSpec``.

The header grid (which cell spans which rows and columns) comes from ``TableSpec.header_cells``, the
same layout the HTML and .xlsx writers use; here it becomes ``w:gridSpan`` and ``w:vMerge``, as do
row groups' label cells that span their rows (``Cell.span``).  Header rows repeat on every page
(``w:tblHeader``), no row splits across pages (``w:cantSplit``) and a row group's rows stay on one
page with their merged label, so a 300-project table pages like a printed form.  Cell texts arrive
formatted; nothing is computed.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil

from reportgen.base.escape import xml_content
from reportgen.document.tables import TEXT_LINES, HeaderCell, Table
from reportgen.document.widths import padding_chars, page_widths, wrap_label
from reportgen.render.docx import layout as L
from reportgen.render.docx.wordml import paragraph, run_properties, text_run

_JC = {"left": "left", "center": "center", "right": "right"}


class _Text:
    """How one table's text is set: its size (``TableSpec.text_pt``), and for a size other than the
    styles' (五号 on 12.5 pt lines) the exact line every paragraph of the table overrides them with."""

    def __init__(self, table: Table) -> None:
        self.size = table.spec.text_pt
        self.spacing = (
            ""
            if self.size == L.TABLE_SIZE_PT
            else f'<w:spacing w:line="{L.pt(TEXT_LINES[self.size])}" w:lineRule="exact"/>'
        )

    def paragraph(self, style: str, runs: str = "", *, align: str | None = None) -> str:
        return paragraph(style, runs, align=align, spacing=self.spacing)

    def head(self, text: str) -> str:
        return self.paragraph(
            "RGTableHead", text_run(text, L.HEITI, self.size) if text else "", align="center"
        )


def column_widths(table: Table, *, portrait: bool) -> list[int]:
    """The leaf columns' widths in twips across the portrait or landscape 版心, as
    ``document.widths`` shares them by content (the same measure the builder chose the page by): a
    figure never wraps, a header word never breaks, the text columns get the rest.  Each width is
    rounded up to a twip (never narrower than measured: a figure that just fits stays whole) and the
    widest column gives the few twips back."""
    total = L.BODY_WIDTH if portrait else L.LANDSCAPE_BODY_WIDTH
    shares = page_widths(table, portrait=portrait)
    char = L.pt(table.spec.text_pt)  # a 汉字 of the table's text in twips: ``document.widths`` counts in them
    twips = [ceil(share * char) for share in shares.widths]
    twips[twips.index(max(twips))] -= sum(twips) - total
    return twips


def _cell(width: int, content: str, *, span: int = 1, merge: str | None = None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        props += "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def _header_rows(table: Table, widths: list[int], shares: tuple[Fraction, ...], text: _Text) -> list[str]:
    """The header rows; each label broken where ``document.widths`` measured it would wrap, in the
    column's share as measured (``shares``, 汉字), not its width rounded down to twips: a label that
    just fits must not be broken a word early by the rounding."""
    spec = table.spec
    cells = spec.header_cells()
    covering: dict[tuple[int, int], HeaderCell] = {}
    for cell in cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                covering[(r, c)] = cell
    rows: list[str] = []
    for r in range(spec.header_depth):
        tcs: list[str] = []
        c = 0
        while c < len(widths):
            cell = covering[(r, c)]
            width = sum(widths[cell.col : cell.col + cell.colspan])
            if cell.row == r:
                merge = "restart" if cell.rowspan > 1 else None
                share = (
                    shares[cell.col]
                    if cell.colspan == 1
                    else sum(shares[cell.col : cell.col + cell.colspan], Fraction(0))
                )
                label = wrap_label(cell.label, share, padding_chars(text.size))
                tcs.append(_cell(width, text.head(label), span=cell.colspan, merge=merge))
            else:
                tcs.append(_cell(width, text.head(""), span=cell.colspan, merge="continue"))
            c += cell.colspan
        rows.append(f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{''.join(tcs)}</w:tr>")
    return rows


def table_xml(table: Table, *, portrait: bool = False) -> str:
    """The whole ``w:tbl`` for one table across the landscape 版心 (or the portrait one).

    Body cells differ only in their text, so each column's XML around the text is built once and
    a row costs one escape and one join per cell (a 300-row table is rendered for every report).
    """
    columns = table.spec.columns
    text = _Text(table)
    widths = column_widths(table, portrait=portrait)
    width = sum(widths)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="RGTable"/>'
        f'<w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>",
        *_header_rows(table, widths, page_widths(table, portrait=portrait).widths, text),
    ]
    body = [_cell_frame(text, w, _JC[c.align]) for c, w in zip(columns, widths, strict=True)]
    centred = [_cell_frame(text, w, "center") for w in widths]
    run_start = f'<w:r>{run_properties(L.FANGSONG, text.size)}<w:t xml:space="preserve">'
    label_key = table.spec.label_key
    grouped_until = -1  # the last row of the row groups open so far: their rows stay on one page
    for index, row in enumerate(table.rows):
        cells: list[str] = []
        for column, cell, width, (empty, start, end), (_, centred_start, _) in zip(
            columns, row.cells, widths, body, centred, strict=True
        ):
            if cell.span != 1:  # a row group's label merged down its rows (w:vMerge), rare: built here
                grouped_until = max(grouped_until, index + cell.span - 1)
                if cell.span == 0:
                    cells.append(_cell(width, text.paragraph("RGTableText", ""), merge="continue"))
                    continue
                empty, start, end = _cell_frame(text, width, _JC[column.align], merge="restart")
            if not cell.text:
                cells.append(empty)
                continue
            escaped = xml_content(cell.text).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
            head = centred_start if row.is_total and column.key == label_key else start
            cells.append(f"{head}{run_start}{escaped}</w:t></w:r>{end}")
        if row.is_total and len(parts) > 1:
            parts[-1] = _keep_with_next(parts[-1])
        xml = f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>"
        parts.append(_keep_with_next(xml) if index < grouped_until else xml)
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_frame(text: _Text, width: int, align: str, merge: str | None = None) -> tuple[str, str, str]:
    """(an empty cell, the XML before a cell's run, the XML after it) for one column."""
    empty = _cell(width, text.paragraph("RGTableText", "", align=align), merge=merge)
    start, end = empty.rsplit("</w:p>", 1)
    return empty, start, "</w:p>" + end


def body_table_xml(table: Table) -> str:
    """A table placed in the body: its title centred in 黑体 on the line above, kept with it, then the
    table across the portrait 版心."""
    title = (
        '<w:p><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/></w:pPr>'
        f"{text_run(table.spec.title, L.HEITI)}</w:p>"
    )
    return title + table_xml(table, portrait=True)


def _keep_with_next(row: str) -> str:
    """The row with every paragraph kept with the next: Word and LibreOffice then keep the two
    rows on one page, so a 合计 row never stands alone at the top of a page, and a row group
    whose label is merged down its rows is not parted by a page break.  A merged cell prints its
    text on the first page only: a group's rows on the next page would stand under an empty 乡镇
    cell (红岩村 without its 石桥乡).  A group taller than a page still breaks (nothing else can)."""
    return row.replace('<w:pStyle w:val="RGTableText"/>', '<w:pStyle w:val="RGTableText"/><w:keepNext/>')
