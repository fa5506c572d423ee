"""The 版记 (GB/T 9704 7.4, docs/standards.md §9.20) in the .docx: a last section of its own.

9704 puts the 版记 at the foot of the document's last page, which is an even page (封四), after every
附件; a blank page comes before it when needed, and neither page has a number (7.5).  In Word terms:
a final portrait section that starts on an even page (``w:type evenPage``: Word and LibreOffice add
the blank page themselves) whose footers are ours.  The 版记 itself is that section's even-page
footer: a footer's bottom stands at the footer distance from the paper's edge, which is set to the
35 mm bottom margin, so the 版记's last rule lies on the 版心's bottom edge however many lines the
抄送 takes — in Word and in LibreOffice, which ignores a section's ``w:vAlign`` (7.4 prints it at the
top of the page).  The odd-page footer is empty, so a blank page carries no number either.

A template asks for the 版记 with a ``{{p colophon }}`` paragraph at the end of its body; it becomes
a section break that keeps the template's own last section as it was (its page shape and footers),
and the template's final ``w:sectPr`` becomes the 版记's.  Strings and direct formatting like
``picture_xml``: a user's template has none of our styles, and the zip members are written here in
a fixed order with fixed names, so the same report gives the same bytes.
"""

from __future__ import annotations

import re

from reportgen.document.blocks import Colophon
from reportgen.render.docx import layout as L
from reportgen.render.docx.wordml import W_NS, text_run

PLACEHOLDER = "<!--reportgen:colophon-->"
FOOTER = "word/reportgen-colophon.xml"  # the 版记, the even-page footer of the last section
BLANK_FOOTER = "word/reportgen-blank-footer.xml"  # its odd-page footer: a blank page has no number
_FOOTER_ID = "rIdReportgenColophon"  # prefixes no template's own relationships use
_BLANK_ID = "rIdReportgenBlankFooter"
_FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FINAL_SECTION = re.compile(r"<w:sectPr\b(?:(?!<w:sectPr\b).)*</w:sectPr>\s*</w:body>", re.DOTALL)

SIZE_PT = 14  # 4号仿宋 (7.4.2, 7.4.3)
ZI = L.pt(SIZE_PT)  # one 字 of the 版记, twips
COPY_TO_LABEL = 3  # “抄送：”, in 字: wrapped lines align after the colon
THICK = 8  # the first and last rules, eighths of a point: 1 pt ≈ 0.35 mm (7.4.1)
THIN = 6  # the rules between: 0.75 pt ≈ 0.26 mm (0.25 mm recommended)
# The 版记 page's side margins: 27 mm each, the 订口 of 28 mm ± 1 (9704 5.2.1) on either side.  Word
# mirrors the margins of an even page (the 订口 at its right); LibreOffice 7.4 does not for a section
# that starts on an even page, and would set the 版记 2 mm towards the 切口.  Equal margins hold in both.
SIDE_LEFT = L.mm(27)
SIDE_RIGHT = L.PAGE_WIDTH - L.BODY_WIDTH - SIDE_LEFT


def _paragraph(runs: str, indent: str, tabs: str = "") -> str:
    return (
        f'<w:p><w:pPr>{tabs}<w:snapToGrid w:val="0"/>'
        f'<w:spacing w:before="0" w:after="0" w:line="{L.LINE_PITCH}" w:lineRule="exact"/>'
        f'{indent}<w:jc w:val="left"/></w:pPr>{runs}</w:p>'
    )


def _run(text: str) -> str:
    return text_run(text, L.FANGSONG, SIZE_PT)


def _row(paragraph: str) -> str:
    return (
        f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{L.BODY_WIDTH}" w:type="dxa"/>'
        f"</w:tcPr>{paragraph}</w:tc></w:tr>"
    )


def colophon_table(colophon: Colophon) -> str:
    """The 版记 as a table as wide as the 版心: 抄送 (left and right 1 字, wrapped lines after the
    colon) above 印发机关 (left 1 字) and “…印发” (right 1 字) on one line; thick first and last
    rules, thin ones between (7.4.1–7.4.3)."""
    rows = []
    if colophon.copy_to:
        indent = (
            f'<w:ind w:left="{ZI * (1 + COPY_TO_LABEL)}" w:right="{ZI}" w:hanging="{ZI * COPY_TO_LABEL}"/>'
        )
        rows.append(_row(_paragraph(_run(colophon.copy_to), indent)))
    tab = f'<w:tabs><w:tab w:val="right" w:pos="{L.BODY_WIDTH - ZI}"/></w:tabs>'
    issued = _run(colophon.issuer) + "<w:r><w:tab/></w:r>" + _run(colophon.issued)
    rows.append(_row(_paragraph(issued, f'<w:ind w:left="{ZI}" w:right="{ZI}" w:firstLine="0"/>', tab)))
    rule = '<w:{0} w:val="single" w:sz="{1}" w:space="0" w:color="000000"/>'
    borders = (
        rule.format("top", THICK)
        + '<w:left w:val="nil"/>'
        + rule.format("bottom", THICK)
        + '<w:right w:val="nil"/>'
        + rule.format("insideH", THIN)
        + '<w:insideV w:val="nil"/>'
    )
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{L.BODY_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" '
        'w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>'
        f'<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid><w:gridCol w:w="{L.BODY_WIDTH}"/></w:tblGrid>'
        f"{''.join(rows)}</w:tbl>"
    )


# A part must end with a paragraph: after the table, one a point high, so the last rule stays on
# the 版心's bottom edge (0.35 mm above it).  The section break before the 版记 is as small.
_TINY = '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
_END = f"<w:p><w:pPr>{_TINY}</w:pPr></w:p>"


def _footer(content: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{_R_NS}">{content}{_END}</w:ftr>'
    ).encode()


def footer_parts(colophon: Colophon) -> dict[str, bytes]:
    """The two footer members: the 版记 (even pages) and the empty one (odd pages)."""
    return {FOOTER: _footer(colophon_table(colophon)), BLANK_FOOTER: _footer("")}


def colophon_section(xml: str) -> str:
    """``word/document.xml`` with its ``{{p colophon }}`` placeholder turned into a section break that
    carries the template's last section as it was, and the final section made the 版记's: portrait,
    starting on an even page, footer 35 mm from the edge, our two footers.  Unchanged without the
    placeholder (no 版记, or a template that does not ask for one)."""
    if PLACEHOLDER not in xml:
        return xml
    final = _FINAL_SECTION.search(xml)
    if final is None:  # a body without its final section properties: Word's defaults, kept
        return xml.replace(PLACEHOLDER, "")
    section = final.group()[: final.group().rindex("</w:sectPr>") + len("</w:sectPr>")]
    kept = f"<w:p><w:pPr>{_TINY}{section}</w:pPr></w:p>"
    colophon = (
        f'<w:sectPr><w:footerReference xmlns:r="{_R_NS}" w:type="even" r:id="{_FOOTER_ID}"/>'
        f'<w:footerReference xmlns:r="{_R_NS}" w:type="default" r:id="{_BLANK_ID}"/>'
        f'<w:type w:val="evenPage"/><w:pgSz w:w="{L.PAGE_WIDTH}" w:h="{L.PAGE_HEIGHT}"/>'
        f'<w:pgMar w:top="{L.MARGIN_TOP}" w:right="{SIDE_RIGHT}" w:bottom="{L.MARGIN_BOTTOM}" '
        f'w:left="{SIDE_LEFT}" w:header="{L.HEADER_DISTANCE}" w:footer="{L.MARGIN_BOTTOM}" '
        'w:gutter="0"/>'
        f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{L.LINE_PITCH}"/></w:sectPr>'
    )
    start = final.start()
    return (xml[:start] + colophon + xml[start + len(section) :]).replace(PLACEHOLDER, kept, 1)


def with_footer_relationships(rels: bytes) -> bytes:
    """``word/_rels/document.xml.rels`` with the two footers' relationships added at the end."""
    added = "".join(
        f'<Relationship Id="{rel_id}" Type="{_FOOTER_REL}" Target="{member.removeprefix("word/")}"/>'
        for rel_id, member in ((_FOOTER_ID, FOOTER), (_BLANK_ID, BLANK_FOOTER))
    ).encode()
    end = rels.rindex(b"</Relationships>")
    return rels[:end] + added + rels[end:]


def with_footer_types(types: bytes) -> bytes:
    """``[Content_Types].xml`` naming the two footer members."""
    added = "".join(
        f'<Override PartName="/{member}" ContentType="{_FOOTER_TYPE}"/>' for member in (FOOTER, BLANK_FOOTER)
    ).encode()
    end = types.rindex(b"</Types>")
    return types[:end] + added + types[end:]
