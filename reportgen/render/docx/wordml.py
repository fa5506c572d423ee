"""WordprocessingML fragments as strings: runs, paragraphs, cells — the pieces both the template
builder and the table writer emit.

Strings rather than python-docx objects because the table is rendered for every report (300 rows
must cost milliseconds, not a python-docx object per cell), and because the fonts must be written
the way Chinese Word expects: ``w:rFonts`` with ``w:eastAsia`` (python-docx's ``font.name`` sets only
``w:ascii``/``w:hAnsi``, so Chinese text would fall back to the theme's East Asian font).
Text passed in here is escaped for XML; nothing here decides what a cell says.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from reportgen.base.escape import xml_attribute, xml_content

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@lru_cache(maxsize=64)
def fonts(font: str) -> str:
    """``w:rFonts`` naming one font for every script, East Asian included."""
    name = xml_attribute(font)
    return (
        f'<w:rFonts w:ascii="{name}" w:eastAsia="{name}" w:hAnsi="{name}" w:cs="{name}" w:hint="eastAsia"/>'
    )


def half_points(size_pt: Decimal | int) -> int:
    return int(Decimal(size_pt) * 2)


@lru_cache(maxsize=64)
def run_properties(font: str, size_pt: Decimal | int | None = None, *, bold: bool = False) -> str:
    size = ""
    if size_pt is not None:
        hp = half_points(size_pt)
        size = f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>'
    return f"<w:rPr>{fonts(font)}{'<w:b/><w:bCs/>' if bold else ''}{size}</w:rPr>"


def text_run(text: str, font: str, size_pt: Decimal | int | None = None, *, style: str = "") -> str:
    """One run; line breaks in the text become ``w:br`` (a cell may hold several lines)."""
    style_xml = f'<w:rStyle w:val="{style}"/>' if style else ""
    props = run_properties(font, size_pt)
    if style_xml:
        props = props.replace("<w:rPr>", "<w:rPr>" + style_xml, 1)
    pieces = [f'<w:t xml:space="preserve">{line}</w:t>' for line in xml_content(text).split("\n")]
    return f"<w:r>{props}{'<w:br/>'.join(pieces)}</w:r>"


def paragraph(style: str, runs: str = "", *, align: str | None = None, spacing: str = "") -> str:
    """A paragraph of ``style``; ``spacing`` a ``w:spacing`` overriding the style's (placed where the
    schema orders it: after ``w:keepNext``, before ``w:jc``)."""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{spacing}{jc}</w:pPr>{runs}</w:p>'
