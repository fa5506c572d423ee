"""How every sheet reportgen writes is printed: A4, every column on one page width.

The 一览表, its “图表” sheet and the Excel ledger's data sheets are all wider than tall, and a column
printed on a page of its own is unreadable, so all of them print the same way: landscape.  An
attachment the report sets on a portrait page (``Attachment.portrait``) prints portrait, as in the
.docx.  Here, below both the ledger writer and the renderers (neither may import the other), and with
openpyxl as its only import.
"""

from __future__ import annotations

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


def print_across(
    sheet: Worksheet, margins: tuple[float, float] | None = None, *, portrait: bool = False
) -> None:
    """A4 landscape (portrait when ``portrait``), scaled to one page width and as many pages down as
    the rows need.  ``margins`` (left and right, top and bottom, in inches) replace openpyxl's
    defaults (0.75, 1)."""
    sheet.page_setup.orientation = "portrait" if portrait else "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if margins is not None:
        sides, ends = margins
        sheet.page_margins.left = sheet.page_margins.right = sides
        sheet.page_margins.top = sheet.page_margins.bottom = ends
