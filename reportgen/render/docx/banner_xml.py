"""The 版头 in the .docx (GB/T 9704 7.2): paragraphs, and for joint agencies a borderless table, built from
the document's ``BannerLines`` and put where the template's ``{{p banner }}`` stands.

Every line has an exact height, so the 标志 lands 35 mm below the 版心's top edge whatever stands above it
(7.2.4) and the red rule 4 mm under the 发文字号 (7.2.7): the measurements are ``layout``'s (``BANNER_*``),
checked on the PDF (tests/test_banner.py).  The 标志 is red 小标宋; 密级 and 紧急程度 黑体; 签发人：仿宋 and
the names 楷体 (7.2.6).  Text is escaped here (``wordml``); nothing here decides what a line says.
"""

from __future__ import annotations

from reportgen.base.escape import xml_content
from reportgen.document.banner import BannerLines
from reportgen.document.textwidth import display_width
from reportgen.render.docx import layout as L
from reportgen.render.docx.wordml import fonts, half_points

RED = "FF0000"
CHAR = L.pt(
    L.BODY_SIZE_PT
)  # one 字 of 3号 text, in twips (the runs here are set without the body's tightening)


def banner_xml(banner: BannerLines) -> str:
    """The paragraphs (and table) of the 版头, top down, ending two empty lines above the title."""
    parts = [_line(text, L.FANGSONG if text == banner.copy_number else L.HEITI) for text in banner.top_lines]
    parts.append(
        _spacer(L.BANNER_MARK_TOP - len(banner.top_lines) * L.LINE_PITCH - _ink_offset(banner.mark_size))
    )
    parts.append(_joint_mark(banner) if banner.joint else _mark(banner.agencies[0], banner.mark_size))
    if banner.number or banner.signers:
        parts += [_line(""), _line("")]  # 7.2.5: 标志下空二行
        parts += _number_lines(banner)
    parts.append(_rule())
    parts += [_line(""), _line("")]  # 7.3.1: the title 红色分隔线下空二行
    return "".join(parts)


def _ink_offset(size: int) -> int:
    """From the top of the 标志's line to the top of its characters, in twips (the line is
    ``BANNER_MARK_LINE`` × the size, the characters sit at its foot)."""
    line = L.pt(size) * L.BANNER_MARK_LINE // 100
    return line - L.pt(size) * L.BANNER_INK_TOP // 100


def _ppr(*, align: str = "left", line: int = L.LINE_PITCH, extra: str = "", tabs: str = "") -> str:
    return (
        '<w:pPr><w:pStyle w:val="Normal"/>'
        + extra
        + (f"<w:tabs>{tabs}</w:tabs>" if tabs else "")
        + '<w:snapToGrid w:val="0"/>'
        + f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'
        + '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
        + f'<w:jc w:val="{align}"/></w:pPr>'
    )


def _run(text: str, font: str, size: int = L.BODY_SIZE_PT, *, color: str = "", tab: bool = False) -> str:
    hp = half_points(size)
    colour = f'<w:color w:val="{color}"/>' if color else ""
    sizes = f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>'
    props = f'<w:rPr>{fonts(font)}{colour}<w:spacing w:val="0"/>{sizes}</w:rPr>'

    content = "<w:tab/>" if tab else f'<w:t xml:space="preserve">{xml_content(text)}</w:t>'
    return f"<w:r>{props}{content}</w:r>"


def _line(text: str, font: str = L.FANGSONG) -> str:
    """One line of the grid, flush left (份号, 密级, 紧急程度, or empty)."""
    return f"<w:p>{_ppr()}{_run(text, font) if text else ''}</w:p>"


def _spacer(height: int) -> str:
    """An empty paragraph ``height`` twips high: what puts the 标志 35 mm below the 版心's top."""
    return f"<w:p>{_ppr(line=max(height, 20))}{_run('', L.FANGSONG, 1)}</w:p>"


def _mark(text: str, size: int) -> str:
    line = L.pt(size) * L.BANNER_MARK_LINE // 100
    return f"<w:p>{_ppr(align='center', line=line)}{_run(text, L.XIAOBIAOSONG, size, color=RED)}</w:p>"


def _joint_mark(banner: BannerLines) -> str:
    """Joint agencies (7.2.4): the names stacked, 主办 first, each spread to the widest one's width, and
    the 文件 right of them, vertically centred on the stack — a borderless two-column table."""
    size = banner.mark_size
    line = L.pt(size) * L.BANNER_MARK_LINE // 100
    names_width = max(display_width(a) for a in banner.agencies) * L.pt(size) // 2
    suffix_width = display_width(banner.suffix) * L.pt(size) // 2
    names = "".join(
        f"<w:p>{_ppr(align='distribute', line=line)}{_run(a, L.XIAOBIAOSONG, size, color=RED)}</w:p>"
        for a in banner.agencies
    )
    suffix = f"<w:p>{_ppr(line=line)}{_run(banner.suffix, L.XIAOBIAOSONG, size, color=RED)}</w:p>"
    sides = ("top", "left", "bottom", "right")
    none = "".join(f'<w:{side} w:val="nil"/>' for side in (*sides, "insideH", "insideV"))
    margins = "".join(f'<w:{side} w:w="0" w:type="dxa"/>' for side in sides)

    def cell(width: int, content: str) -> str:
        props = f'<w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/>'
        return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"

    grid = f'<w:gridCol w:w="{names_width}"/><w:gridCol w:w="{suffix_width}"/>'
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{names_width + suffix_width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{none}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f"<w:tblCellMar>{margins}</w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr>{cell(names_width, names)}{cell(suffix_width, suffix)}</w:tr></w:tbl>"
    )


def _number_lines(banner: BannerLines) -> list[str]:
    """The 发文字号: centred; with 签发人 flush left with 1 字 on the last 签发人's line, the names 右空一字,
    a continued line's names under the first line's (7.2.6)."""
    if not banner.upward:
        return [f"<w:p>{_ppr(align='center')}{_run(banner.number, L.FANGSONG)}</w:p>"]
    lines = banner.signer_lines
    widest = max(display_width(line) for line in lines) * CHAR // 2
    label = display_width(banner.signer_label) * CHAR // 2
    names_at = L.BODY_WIDTH - CHAR - widest
    label_at = names_at - label
    tabs = "".join(f'<w:tab w:val="left" w:pos="{pos}"/>' for pos in (CHAR, label_at, names_at))
    paragraphs = []
    for i, names in enumerate(lines):
        last = i == len(lines) - 1
        runs = _run("", L.FANGSONG, tab=True)
        if last and banner.number:
            runs += _run(banner.number, L.FANGSONG)
        runs += _run("", L.FANGSONG, tab=True)
        runs += _run(banner.signer_label, L.FANGSONG) if i == 0 else _run("", L.FANGSONG, tab=True)
        runs += _run(names, L.KAITI)
        paragraphs.append(f"<w:p>{_ppr(tabs=tabs)}{runs}</w:p>")
    return paragraphs


def _rule() -> str:
    """The red rule the width of the 版心, 4 mm under the 发文字号 (7.2.7): the lower border of an empty
    paragraph whose height puts it there."""
    weight = L.BANNER_RULE_EIGHTHS
    border = f'<w:pBdr><w:bottom w:val="single" w:sz="{weight}" w:space="0" w:color="{RED}"/></w:pBdr>'
    return f"<w:p>{_ppr(line=L.BANNER_RULE_GAP, extra=border)}{_run('', L.FANGSONG, 1)}</w:p>"
