"""GB/T 9704-2012 page and type measurements, in the units WordprocessingML uses.

One place for the numbers of docs/standards.md §9: the template builder and the table
writer both read them, so a margin or a font size is changed once.  Word measures page geometry in
twentieths of a point (twips), font sizes in half points and indents in hundredths of a character.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from reportgen.document.tables import TEXT_LINES
from reportgen.document.widths import (
    CELL_PADDING_PT,
    LANDSCAPE_BODY_TWIPS,
    PORTRAIT_BODY_TWIPS,
    RULE_PT,
    TABLE_FONT_PT,
)

# The default templates: body plus 附件 sections ending in a landscape one or in a portrait one, and
# body only (a Word file's final section cannot be made conditional, so the writer picks the file).
WITH_ATTACHMENTS = "report.docx"
PORTRAIT_END = "report-portrait-end.docx"
WITHOUT_ATTACHMENTS = "report-plain.docx"

TWIPS_PER_MM = Decimal(1440) / Decimal("25.4")


def mm(value: float | str | Decimal) -> int:
    """Millimetres to twips, rounded half up (37 mm → 2098)."""
    return int((Decimal(str(value)) * TWIPS_PER_MM).quantize(Decimal(1), ROUND_HALF_UP))


def pt(value: float | str | Decimal) -> int:
    """Points to twips."""
    return int((Decimal(str(value)) * 20).quantize(Decimal(1), ROUND_HALF_UP))


# -- paper and margins (9704 5.1, 5.2.1): A4, 天头 37, 订口 28, 版心 156 × 225 → bottom 35, outside 26.
PAGE_WIDTH = mm(210)
PAGE_HEIGHT = mm(297)
MARGIN_TOP = mm(37)
MARGIN_BOTTOM = mm(35)
MARGIN_INSIDE = mm(28)
MARGIN_OUTSIDE = mm(26)
BODY_WIDTH = PAGE_WIDTH - MARGIN_INSIDE - MARGIN_OUTSIDE  # 版心 156 mm
BODY_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 版心 225 mm
# 页码 sits 7 mm below the 版心 (9704 7.5); Word measures the footer from the page's bottom edge to
# the bottom of the footer text, so: 35 mm − 7 mm − one 4号 line (14 pt ≈ 4.9 mm).
FOOTER_DISTANCE = mm(35 - 7) - pt(14)
HEADER_DISTANCE = mm(15)

# -- the grid (9704 5.2.3): 22 lines × 28 characters in the 版心.
LINES_PER_PAGE = 22
BODY_SIZE_PT = 16  # 3号
LINE_PITCH = BODY_HEIGHT // LINES_PER_PAGE  # 579 twips = 28.95 pt: 22 lines fit, 29 pt would not
# 28 characters of 16 pt need 448 pt, the 版心 is 442.2 pt wide: each character is tightened by
# 0.25 pt (w:spacing, in twips) so 28 fit — in Word and LibreOffice alike.  Word's own character grid
# (docGrid linesAndChars) would do this in Word only: LibreOffice then gives every 16 pt glyph two
# 15.8 pt grid cells and sets 14 characters a line.
BODY_CHAR_SPACING = -5

# -- fonts: the official names (never bundled; free fallbacks are mapped for PDF conversion).
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"

# Font sizes in points (GB/T 148 号 names: 2号 22, 3号 16, 4号 14, 小四 12, 五号 10.5).
TITLE_SIZE_PT = 22
PAGE_NUMBER_SIZE_PT = 14
TABLE_SIZE_PT = TABLE_FONT_PT  # 五号, shared with the column widths (document.widths)
FILLER_SIZE_PT = 14
TITLE_LINE = pt(35)  # the 2号 title: exact 35 pt lines, the usual setting in 公文 templates
# Table text: exact 12.5 pt lines for 五号 (固定值, as bureaus set dense tables).  A CJK glyph fills its em at
# the bottom of an exact line, so the 2 pt of leading stand above it: the cell adds its margin below only
# (2.8 pt), and the text sits centred between the rules.  With 14 pt lines and 1.4 pt above and below,
# samples/jialing-2024q3.yaml's 一览表 needed two landscape pages, 30 projects six (now one and five;
# test_office_pages).
TABLE_LINE = pt(TEXT_LINES[TABLE_FONT_PT])
TABLE_CELL_MARGIN = pt(CELL_PADDING_PT)
TABLE_CELL_MARGIN_TOP = 0  # twips
TABLE_CELL_MARGIN_BOTTOM = 56
TABLE_BORDER = pt(RULE_PT)  # twips: the table's 1/2 pt rules (w:sz="4" in the RGTable style)

# -- landscape attachment pages (9704 8): the same paper turned, margins turned with it.
LANDSCAPE_WIDTH = PAGE_HEIGHT
LANDSCAPE_HEIGHT = PAGE_WIDTH
# 9704 8: a landscape page is the sheet turned clockwise (its head toward the 订口 of an odd page, the
# 切口 of an even one), so its top edge is the sheet's 订口 side and its left edge the sheet's foot,
# where the 页码 stays (``LANDSCAPE_NUMBER_*``).  The sides take the 天头 and the foot's 37 and 35 mm
# as 36 mm each (± 1 mm, 9704 5.2.1): Word mirrors every section's side margins on even pages, and
# equal ones keep the 版心 and the 页码 in place on both.
LANDSCAPE_TOP = MARGIN_INSIDE
LANDSCAPE_BOTTOM = MARGIN_OUTSIDE
LANDSCAPE_INSIDE = mm(36)
LANDSCAPE_OUTSIDE = mm(36)
LANDSCAPE_BODY_WIDTH = LANDSCAPE_WIDTH - LANDSCAPE_INSIDE - LANDSCAPE_OUTSIDE  # 225 mm
# document.widths measures tables in these very twips (the page an attachment gets is chosen there)
assert (BODY_WIDTH, LANDSCAPE_BODY_WIDTH) == (PORTRAIT_BODY_TWIPS, LANDSCAPE_BODY_TWIPS)
# The 页码 7 mm below the landscape 版心 too: the portrait distance (from a 35 mm bottom margin) would put
# it 3 mm inside this page's 26 mm margin, and LibreOffice then shortens the 版心 by a line.
LANDSCAPE_FOOTER_DISTANCE = LANDSCAPE_BOTTOM - mm(7) - pt(14)
# The landscape 页码 (9704 8, 7.5), where a portrait page has it: 7 mm outside the 版心's foot (here its
# left edge), turned with the page; on an odd page its end 1 字 from the 版心's right side (here the
# bottom), on an even page its start 1 字 from the left (here the top).  In mm from the paper's edges.
LANDSCAPE_NUMBER_GAP_MM = 7
LANDSCAPE_NUMBER_BOX_MM = 50  # the text box's length along the edge; the number sits at one end


# -- the 版头 (9704 7.2; render/docx/banner_xml.py), measured on LibreOffice's PDF (tests/test_banner.py).
BANNER_MARK_TOP = mm(35)  # 7.2.4: the 发文机关标志's top edge 35 mm below the 版心's
BANNER_MARK_LINE = 120  # the 标志's exact line height, % of its size
BANNER_INK_TOP = 108  # where its characters' tops stand above the line's foot, % of its size
BANNER_RULE_GAP = 222  # twips: the empty line whose lower border is the red rule, 4 mm under the 发文字号
BANNER_RULE_EIGHTHS = 12  # the red rule's weight, in eighths of a point (1.5 pt) [N]


@dataclass(frozen=True, slots=True)
class ParagraphStyle:
    """A named paragraph style of the template (the name is what users see in Word)."""

    style_id: str
    name: str
    font: str
    size_pt: Decimal | int = BODY_SIZE_PT
    align: str = "both"  # w:jc
    first_line_chars: int = 200  # hundredths of a character: 200 = 2 字
    left_chars: int = 0
    hanging_chars: int = 0
    right_chars: int = 0
    line: int = LINE_PITCH  # exact line height, twips
    outline_level: int | None = None
    keep_next: bool = False
    keep_lines: bool = False
    widow_control: bool = False  # the document default is off (a line alone on a page is allowed)
    snap_to_grid: bool = True
    char_spacing: int = BODY_CHAR_SPACING  # twips added to every character's advance


@dataclass(frozen=True, slots=True)
class CharacterStyle:
    style_id: str
    name: str
    font: str


BODY = ParagraphStyle("Normal", "Normal", FANGSONG)
PARAGRAPH_STYLES: tuple[ParagraphStyle, ...] = (
    ParagraphStyle(
        "RGTitle", "公文标题", XIAOBIAOSONG, TITLE_SIZE_PT, "center", 0, line=TITLE_LINE, snap_to_grid=False
    ),
    ParagraphStyle("RGRecipients", "主送机关", FANGSONG, first_line_chars=0),
    ParagraphStyle("RGHeading1", "一级标题", HEITI, outline_level=0, keep_next=True),
    ParagraphStyle("RGHeading2", "二级标题", KAITI, outline_level=1, keep_next=True),
    ParagraphStyle("RGHeading3", "三级标题", FANGSONG, outline_level=2, keep_next=True),
    ParagraphStyle("RGHeading4", "四级标题", FANGSONG, outline_level=3, keep_next=True),
    # 附件说明 (9704 7.3.4): "附件：" at 2 字, wrapped lines under the first character of the name.
    # Flush left, not justified: an entry's name is broken between words (a w:br, ``titles.note_lines``),
    # and a justified line before a break would spread its characters apart.
    ParagraphStyle(
        "RGAttachmentNote",
        "附件说明",
        FANGSONG,
        align="left",
        first_line_chars=0,
        left_chars=500,
        hanging_chars=300,
        keep_lines=True,
        keep_next=True,
    ),
    ParagraphStyle(
        "RGAttachmentNoteMore",
        "附件说明续行",
        FANGSONG,
        align="left",
        first_line_chars=0,
        left_chars=500,
        keep_next=True,
    ),
    # The 落款 never stands alone on a page (issue 17): the body's last paragraph, the empty lines, the
    # 附件说明 and the 署名 are each kept with the next, and the last paragraph's widow control brings at
    # least its last two lines along when the block moves to a new page.
    ParagraphStyle("RGBodyEnd", "正文末段", FANGSONG, keep_next=True, widow_control=True),
    ParagraphStyle("RGKeptBlank", "落款前空行", FANGSONG, keep_next=True),
    # 署名 and 成文日期 (9704 7.3.5.2): flush left, placed by the full-width spaces the document puts
    # before them (``document.signature``).  署名 stays on the page of its 成文日期.
    ParagraphStyle("RGSigner", "署名", FANGSONG, align="left", first_line_chars=0, keep_next=True),
    ParagraphStyle("RGDate", "成文日期", FANGSONG, align="left", first_line_chars=0),
    # An invisible paragraph that carries a section break (a section must end in a paragraph).
    ParagraphStyle(
        "RGSectionEnd", "分节", FANGSONG, 1, "left", 0, line=20, snap_to_grid=False, char_spacing=0
    ),
    ParagraphStyle("RGAttachmentLabel", "附件标识", HEITI, align="left", first_line_chars=0),
    ParagraphStyle(
        "RGAttachmentTitle",
        "附件标题",
        XIAOBIAOSONG,
        TITLE_SIZE_PT,
        "center",
        0,
        line=TITLE_LINE,
        snap_to_grid=False,
    ),
    ParagraphStyle(
        "RGTableFiller",
        "填表说明",
        FANGSONG,
        FILLER_SIZE_PT,
        "left",
        0,
        line=pt(24),
        snap_to_grid=False,
        char_spacing=0,
    ),
    ParagraphStyle(
        "RGTableHead",
        "表头",
        HEITI,
        TABLE_SIZE_PT,
        "center",
        0,
        line=TABLE_LINE,
        snap_to_grid=False,
        char_spacing=0,
    ),
    ParagraphStyle(
        "RGTableText",
        "表格文字",
        FANGSONG,
        TABLE_SIZE_PT,
        "left",
        0,
        line=TABLE_LINE,
        snap_to_grid=False,
        char_spacing=0,
    ),
    ParagraphStyle(
        "RGTableNote", "表注", FANGSONG, 12, "left", 0, line=pt(20), snap_to_grid=False, char_spacing=0
    ),
    ParagraphStyle(
        "RGPageNumber",
        "页码",
        SONGTI,
        PAGE_NUMBER_SIZE_PT,
        "right",
        0,
        line=pt(18),
        snap_to_grid=False,
        char_spacing=0,
    ),
)
CHARACTER_STYLES: tuple[CharacterStyle, ...] = (
    CharacterStyle("RGLead1", "一级标题字符", HEITI),
    CharacterStyle("RGLead2", "二级标题字符", KAITI),
    CharacterStyle("RGLead3", "三级标题字符", FANGSONG),
)
STYLES_BY_ID = {s.style_id: s for s in (BODY, *PARAGRAPH_STYLES)}
LEAD_STYLES = {1: "RGLead1", 2: "RGLead2", 3: "RGLead3", 4: "RGLead3"}
LEAD_FONTS = {c.style_id: c.font for c in CHARACTER_STYLES}
