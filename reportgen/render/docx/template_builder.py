"""Build the default .docx templates (``templates/report.docx``) from code, with python-docx.

The template is a Word file a person can open, restyle and save as their own ``--template``; it is
also a generated artefact, so it is built here, diffed in review, and a test checks that the
committed file is exactly what this script builds.  Run ``python -m
reportgen.render.docx.template_builder`` after changing the layout.

What it holds (docs/standards.md §9): A4 with 9704 margins and mirrored 订口, the 22 × 28
grid, styles named as a 公文 typist would name them (公文标题, 一级标题 …) with the official fonts on
every script including ``w:eastAsia``, the 页码 footers (odd pages right, even pages left), the
body in docxtpl tags over ``document`` (see docs/templates.md), and, in ``report.docx``, the
landscape attachment section where the writer's 一览表 goes.
"""

from __future__ import annotations

import copy
import io
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.parts.hdrftr import FooterPart

from reportgen.base.zipfiles import FIXED_TIME, normalize_zip
from reportgen.render.docx import layout as L
from reportgen.render.docx.layout import PORTRAIT_END, WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS
from reportgen.render.docx.wordml import W_NS, fonts, half_points, paragraph, run_properties, text_run

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"

_NS = f'xmlns:w="{W_NS}"'
_R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_DROPPED_PART_TYPES = frozenset({"stylesWithEffects", "customXml", "webSettings", "numbering"})


def build_template(*, attachments: bool, portrait_last: bool = False, form: bool = False) -> bytes:
    """``report.docx`` (附件 sections, the last one landscape), ``report-portrait-end.docx`` (the last
    附件 portrait: a Word file's final section cannot be conditional) or ``report-plain.docx``; with
    ``form`` the 事业单位 年度报告书 layout (``templates/annual-report/report-plain.docx``): the 要素 as
    a 登记表."""
    document = docx.Document()
    _drop_extra_parts(document)
    _write_styles(document)
    _write_settings(document)
    body = document.element.body
    for child in list(body):
        body.remove(child)
    for xml in _form_body() if form else _body_paragraphs(attachments):
        body.append(parse_xml(xml))
    body.append(parse_xml(_section(landscape=attachments and not portrait_last, final=True)))
    _write_footers(document)
    _write_properties(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


# -- package --------------------------------------------------------------------------------------
def _drop_extra_parts(document: docx.document.Document) -> None:
    """Keep only the parts a 公文 needs: python-docx's default carries a thumbnail, customXml,
    a 780 KB stylesWithEffects copy and web settings that would bloat every report."""
    part = document.part
    for rel_id, rel in list(part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in _DROPPED_PART_TYPES:
            part.drop_rel(rel_id)
    package_rels = part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # the preview picture of python-docx's own template
            del package_rels[rel_id]


def _write_properties(document: docx.document.Document) -> None:
    props = document.core_properties
    props.author = ""
    props.comments = ""
    props.title = ""
    props.last_modified_by = ""
    props.revision = 1
    import datetime

    fixed = datetime.datetime(*FIXED_TIME)
    props.created = fixed
    props.modified = fixed


# -- styles ---------------------------------------------------------------------------------------
def _paragraph_style_xml(style: L.ParagraphStyle) -> str:
    # A first line of 0 is written out unless the style hangs: a style based on Normal would otherwise
    # inherit its 2 字 (the 附件说明's second entry stood 2 字 right of the first's name).
    indent = (
        f'<w:ind w:firstLineChars="{style.first_line_chars}" w:firstLine="{style.first_line_chars * 16 // 5}"'
        if style.first_line_chars or not style.hanging_chars
        else "<w:ind"
    )
    if style.left_chars:
        indent += f' w:leftChars="{style.left_chars}" w:left="{style.left_chars * 16 // 5}"'
    if style.hanging_chars:
        indent += f' w:hangingChars="{style.hanging_chars}" w:hanging="{style.hanging_chars * 16 // 5}"'
    if style.right_chars:
        indent += f' w:rightChars="{style.right_chars}" w:right="{style.right_chars * 16 // 5}"'
    indent += "/>"
    ppr = (
        "<w:pPr>"
        + ("<w:keepNext/>" if style.keep_next else "")
        + ("<w:keepLines/>" if style.keep_lines else "")
        + ("<w:widowControl/>" if style.widow_control else "")
        # no extra space between 汉字 and digits: it would break the 28-字 grid
        + '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'
        + ("" if style.snap_to_grid else '<w:snapToGrid w:val="0"/>')
        + f'<w:spacing w:before="0" w:after="0" w:line="{style.line}" w:lineRule="exact"/>'
        + indent
        + f'<w:jc w:val="{style.align}"/>'
        + (f'<w:outlineLvl w:val="{style.outline_level}"/>' if style.outline_level is not None else "")
        + "</w:pPr>"
    )
    hp = half_points(style.size_pt)
    spacing = f'<w:spacing w:val="{style.char_spacing}"/>'
    rpr = f'<w:rPr>{fonts(style.font)}{spacing}<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/></w:rPr>'
    default = ' w:default="1"' if style.style_id == "Normal" else ""
    based = "" if style.style_id == "Normal" else '<w:basedOn w:val="Normal"/>'
    return (
        f'<w:style {_NS} w:type="paragraph"{default} w:styleId="{style.style_id}">'
        f'<w:name w:val="{style.name}"/>{based}<w:qFormat/>{ppr}{rpr}</w:style>'
    )


def _write_styles(document: docx.document.Document) -> None:
    styles = document.styles.element
    for child in list(styles):
        styles.remove(child)
    body_font = fonts(L.FANGSONG)
    hp = half_points(L.BODY_SIZE_PT)
    styles.append(
        parse_xml(
            f"<w:docDefaults {_NS}><w:rPrDefault><w:rPr>{body_font}"
            f'<w:kern w:val="2"/><w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            # overflowPunct: a ，。、 that falls just past a full line.  LibreOffice's .docx import maps
            # it inverted (hanging = not overflowPunct; absent = hanging) and drops a mark hung past
            # the margin of a justified line from the page.  Explicitly on — Word's own default, so
            # Word is unchanged — LibreOffice carries the line's last 字 down with the mark instead
            # (docs/design.md "Character grid").  Here, it holds for every style and direct paragraph.
            '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="1"/><w:jc w:val="both"/>'
            "</w:pPr></w:pPrDefault>"
            "</w:docDefaults>"
        )
    )
    for style in (L.BODY, *L.PARAGRAPH_STYLES):
        styles.append(parse_xml(_paragraph_style_xml(style)))
    styles.append(
        parse_xml(
            f'<w:style {_NS} w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        )
    )
    for char_style in L.CHARACTER_STYLES:
        styles.append(
            parse_xml(
                f'<w:style {_NS} w:type="character" w:styleId="{char_style.style_id}">'
                f'<w:name w:val="{char_style.name}"/><w:basedOn w:val="DefaultParagraphFont"/>'
                f"<w:qFormat/><w:rPr>{fonts(char_style.font)}</w:rPr></w:style>"
            )
        )
    cell_margin, top, bottom = L.TABLE_CELL_MARGIN, L.TABLE_CELL_MARGIN_TOP, L.TABLE_CELL_MARGIN_BOTTOM
    border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    styles.append(
        parse_xml(
            f'<w:style {_NS} w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr></w:style>"
        )
    )
    styles.append(
        parse_xml(
            f'<w:style {_NS} w:type="table" w:styleId="RGTable"><w:name w:val="一览表"/>'
            '<w:basedOn w:val="TableNormal"/><w:pPr><w:snapToGrid w:val="0"/></w:pPr>'
            f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders>'
            f'<w:tblCellMar><w:top w:w="{top}" w:type="dxa"/><w:left w:w="{cell_margin}" w:type="dxa"/>'
            f'<w:bottom w:w="{bottom}" w:type="dxa"/><w:right w:w="{cell_margin}" w:type="dxa"/>'
            "</w:tblCellMar>"
            "</w:tblPr></w:style>"
        )
    )


# -- settings -------------------------------------------------------------------------------------
def _write_settings(document: docx.document.Document) -> None:
    """Odd/even footers, mirrored margins (订口 alternates in double-sided print), zh-CN fonts."""
    settings = document.settings.element
    for tag in ("rsids", "proofState", "attachedTemplate", "docId"):
        for child in settings.findall(f"{{*}}{tag}"):
            settings.remove(child)
    zoom = settings.find(f"{{{W_NS}}}zoom")
    assert zoom is not None
    zoom.addnext(parse_xml(f"<w:mirrorMargins {_NS}/>"))
    document.settings.odd_and_even_pages_header_footer = True  # python-docx puts it where CT_Settings says
    tab = settings.find(f"{{{W_NS}}}defaultTabStop")
    assert tab is not None
    tab.set(f"{{{W_NS}}}val", str(L.pt(L.BODY_SIZE_PT) * 2))
    lang = settings.find(f"{{{W_NS}}}themeFontLang")
    assert lang is not None
    lang.set(f"{{{W_NS}}}eastAsia", "zh-CN")
    compress = settings.find(f"{{{W_NS}}}characterSpacingControl")
    assert compress is not None
    compress.set(f"{{{W_NS}}}val", "compressPunctuation")


# -- footers: — 1 — in 4号宋体, odd pages right and even pages left, 1 字 from the edge ---------------
def _page_number_paragraph(align: str, *, indented: bool = True) -> str:
    props = run_properties(L.SONGTI, L.PAGE_NUMBER_SIZE_PT)
    side = "right" if align == "right" else "left"
    indent = (
        f'<w:ind w:{side}Chars="100" w:{side}="280" w:firstLine="0" w:firstLineChars="0"/>'
        if indented
        else '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    )
    field = (
        f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{props}<w:t>1</w:t></w:r>"
        f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
    )
    runs = (
        text_run("— ", L.SONGTI, L.PAGE_NUMBER_SIZE_PT)
        + field
        + text_run(" —", L.SONGTI, L.PAGE_NUMBER_SIZE_PT)
    )
    properties = f'<w:pPr><w:pStyle w:val="RGPageNumber"/>{indent}<w:jc w:val="{align}"/></w:pPr>'
    return f"<w:p {_NS}>{properties}{runs}</w:p>"


def _landscape_number_paragraph(odd: bool) -> str:
    """A landscape page's 页码 (9704 8): in a text box along the page's left edge (the sheet's foot),
    its text turned with the page (VML ``layout-flow:vertical``: LibreOffice 7.4 places a DrawingML
    text box of a footer at the page's corner, whatever its offset), 7 mm outside the 版心; on an odd
    page it ends 1 字 above the 版心's bottom, on an even page it starts 1 字 below its top."""
    size_mm = Decimal(L.PAGE_NUMBER_SIZE_PT) * Decimal("25.4") / 72
    zi_mm = size_mm  # the 1 字 of a 4号 number, as the portrait footer's indent
    side_mm = Decimal(L.LANDSCAPE_INSIDE) / L.TWIPS_PER_MM
    left = side_mm - L.LANDSCAPE_NUMBER_GAP_MM - size_mm
    page_height = Decimal(L.LANDSCAPE_HEIGHT) / L.TWIPS_PER_MM
    if odd:
        top = page_height - Decimal(L.LANDSCAPE_BOTTOM) / L.TWIPS_PER_MM - zi_mm - L.LANDSCAPE_NUMBER_BOX_MM
    else:
        top = Decimal(L.LANDSCAPE_TOP) / L.TWIPS_PER_MM + zi_mm
    style = (
        f"position:absolute;margin-left:{left:.2f}mm;margin-top:{top:.2f}mm;width:{size_mm:.2f}mm;"
        f"height:{L.LANDSCAPE_NUMBER_BOX_MM}mm;z-index:1;"
        "mso-position-horizontal-relative:page;mso-position-vertical-relative:page"
    )
    number = _page_number_paragraph("right" if odd else "left", indented=False)
    return (
        f'<w:p {_NS}><w:pPr><w:pStyle w:val="RGPageNumber"/></w:pPr><w:r><w:pict>'
        '<v:shapetype xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
        '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        '<v:shape xmlns:v="urn:schemas-microsoft-com:vml" '
        f'id="{"landscape-odd" if odd else "landscape-even"}-number" type="#_x0000_t202" style="{style}" '
        'filled="f" stroked="f"><v:textbox style="layout-flow:vertical" inset="0,0,0,0">'
        f"<w:txbxContent>{number}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )


def _write_footers(document: docx.document.Document) -> None:
    """The portrait footers (the first section's: odd pages right, even pages left), two more for the
    landscape pages (``_landscape_number_paragraph``), and in every section the references to its
    page shape's pair, so numbering runs on through every 附件 (9704 7.5)."""
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        element = footer._element
        for child in list(element):
            element.remove(child)
        element.append(parse_xml(_page_number_paragraph(align)))
    first = section._sectPr  # python-docx made the references there: every section gets copies
    portrait = [child for child in first if child.tag.endswith("footerReference")]
    for ref in portrait:
        first.remove(ref)
    landscape = []
    for kind, odd in (("default", True), ("even", False)):
        part = FooterPart.new(document.part.package)
        for child in list(part.element):
            part.element.remove(child)
        part.element.append(parse_xml(_landscape_number_paragraph(odd)))
        rel = document.part.relate_to(part, RT.FOOTER)
        landscape.append(parse_xml(f'<w:footerReference {_NS} {_R_NS} w:type="{kind}" r:id="{rel}"/>'))
    for properties in list(document.element.body.iter(f"{{{W_NS}}}sectPr")):  # not while inserting
        size = properties.find(f"{{{W_NS}}}pgSz")
        turned = size is not None and size.get(f"{{{W_NS}}}orient") == "landscape"
        for ref in reversed(landscape if turned else portrait):
            properties.insert(0, copy.deepcopy(ref))


# -- sections -------------------------------------------------------------------------------------
def _section(*, landscape: bool, final: bool) -> str:
    if landscape:
        size = f'<w:pgSz w:w="{L.LANDSCAPE_WIDTH}" w:h="{L.LANDSCAPE_HEIGHT}" w:orient="landscape"/>'
        margins = (L.LANDSCAPE_TOP, L.LANDSCAPE_OUTSIDE, L.LANDSCAPE_BOTTOM, L.LANDSCAPE_INSIDE)
        grid = f'<w:docGrid w:type="lines" w:linePitch="{L.LINE_PITCH}"/>'
        footer = L.LANDSCAPE_FOOTER_DISTANCE
    else:
        size = f'<w:pgSz w:w="{L.PAGE_WIDTH}" w:h="{L.PAGE_HEIGHT}"/>'
        margins = (L.MARGIN_TOP, L.MARGIN_OUTSIDE, L.MARGIN_BOTTOM, L.MARGIN_INSIDE)
        grid = f'<w:docGrid w:type="lines" w:linePitch="{L.LINE_PITCH}"/>'
        footer = L.FOOTER_DISTANCE
    top, right, bottom, left = margins
    inner = (
        f"{size}"
        f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
        f'w:header="{L.HEADER_DISTANCE}" w:footer="{footer}" w:gutter="0"/>'
        f'<w:cols w:space="425"/>{grid}'
    )
    if final:
        return f"<w:sectPr {_NS}>{inner}</w:sectPr>"
    # A section break is a paragraph whose properties end the section (the tiny 分节 style).
    return f'<w:p {_NS}><w:pPr><w:pStyle w:val="RGSectionEnd"/><w:sectPr>{inner}</w:sectPr></w:pPr></w:p>'


# -- body: docxtpl tags over the ``document`` context ----------------------------------------------
def _p(style: str, text: str = "", font: str | None = None) -> str:
    font = font or L.STYLES_BY_ID[style].font
    xml = paragraph(style, text_run(text, font) if text else "")
    return xml.replace("<w:p>", f"<w:p {_NS}>", 1)


def _title(style: str = "RGTitle", lines: str = "document.title_lines") -> str:
    """The 公文标题, a 附件标题 or a 附件说明 entry as ``titles`` breaks it (between words): one
    paragraph, a ``w:br`` between lines.  Each ``{%r … %}`` run is removed by docxtpl, leaving the tag."""
    font = L.STYLES_BY_ID[style].font
    runs = (
        text_run("{%r for line in " + lines + " %}", font)
        + text_run("{%r if not loop.first %}", font)
        + "<w:r><w:br/></w:r>"
        + text_run("{%r endif %}", font)
        + text_run("{{ line }}", font)
        + text_run("{%r endfor %}", font)
    )
    return paragraph(style, runs).replace("<w:p>", f"<w:p {_NS}>", 1)


def _tag(tag: str) -> str:
    """A paragraph holding only a ``{%p … %}`` tag: docxtpl removes the whole paragraph."""
    return _p("Normal", "{%p " + tag + " %}")


def _lead_paragraph(level: int, paragraph_style: str = "Normal") -> str:
    style = L.LEAD_STYLES[level]
    runs = text_run("{{ block.lead }}", L.LEAD_FONTS[style], style=style) + text_run(
        "{{ block.text }}", L.FANGSONG
    )
    return paragraph(paragraph_style, runs).replace("<w:p>", f"<w:p {_NS}>", 1)


def _body_text(style: str) -> list[str]:
    """A body paragraph in ``style``, with its run-in lead (if any) in the lead's font."""
    return [
        _tag("if block.lead_level == 1"),
        _lead_paragraph(1, style),
        _tag("elif block.lead_level == 2"),
        _lead_paragraph(2, style),
        _tag("elif block.lead"),
        _lead_paragraph(3, style),
        _tag("else"),
        _p(style, "{{ block.text }}"),
        _tag("endif"),
    ]


def _signature() -> list[str]:
    """署名 and 成文日期 (9704 7.3.5), each left out when the document has none (新闻发布稿)."""
    return [
        _tag("if document.signer"),
        _p("RGKeptBlank"),
        _p("Normal", "{{p seal }}"),  # with a 印章: a second empty line anchoring it (7.3.5.1)
        _p("RGSigner", "{{ document.signer_line }}"),
        _tag("endif"),
        _tag("if document.date"),
        _p("RGDate", "{{ document.date_line }}"),
        _tag("endif"),
    ]


def _banner() -> list[str]:
    """The 版头 (9704 7.2) when the ledger has one: built by the writer (``banner_xml``), since its lines'
    heights are measured to put the 标志 35 mm down and the red rule 4 mm under the 发文字号."""
    return [_tag("if document.banner"), _p("Normal", "{{p banner }}"), _tag("endif")]


def _body_paragraphs(attachments: bool) -> list[str]:
    parts = [
        *_banner(),
        _title(),
        _p("Normal"),  # 9704 7.3.2: 主送机关 (or the body) one empty line under the title
        _tag("for item in document.particulars"),  # 要素: 发布时间：…, flush left like 主送机关
        _p("RGRecipients", "{{ item[0] }}：{{ item[1] }}"),
        _tag("endfor"),
        _tag("if document.recipients"),
        _p("RGRecipients", "{{ document.recipients }}"),
        _tag("endif"),
        _tag("if document.salutation"),  # 称呼 of a spoken statement, flush left with its colon
        _p("RGRecipients", "{{ document.salutation }}"),
        _tag("endif"),
        _tag("for block in document.blocks"),
        _tag('if block.kind == "heading" and block.level == 1'),
        _p("RGHeading1", "{{ block.full }}"),
        _tag('elif block.kind == "heading" and block.level == 2'),
        _p("RGHeading2", "{{ block.full }}"),
        _tag('elif block.kind == "heading" and block.level == 3'),
        _p("RGHeading3", "{{ block.full }}"),
        _tag('elif block.kind == "heading"'),
        _p("RGHeading4", "{{ block.full }}"),
        _tag('elif block.kind == "table"'),  # a table placed in the body: its title and w:tbl
        _p("Normal", "{{p body_tables[block.number] }}"),
        # the body's last paragraph is kept with the 附件说明 and 落款 that follow (正文末段)
        _tag("elif loop.last"),
        *_body_text("RGBodyEnd"),
        _tag("else"),
        *_body_text("Normal"),
        _tag("endif"),
        _tag("endfor"),
        _tag("if document.attachment_note"),
        _p("RGKeptBlank"),
        _tag("for note in document.attachment_note_lines"),  # each entry's lines broken between words
        _tag("if loop.first"),
        _title("RGAttachmentNote", "note"),
        _tag("else"),
        _title("RGAttachmentNoteMore", "note"),
        _tag("endif"),
        _tag("endfor"),
        _tag("endif"),
        *_signature(),
    ]
    if not attachments:
        return [*parts, _colophon()]
    parts += [
        _section(landscape=False, final=False),
        _tag("for attachment in document.attachments"),
        _p("RGAttachmentLabel", "{{ attachment.label }}"),
        _p("Normal"),
        _title("RGAttachmentTitle", "attachment.title_lines"),
        *_by_orientation(lambda landscape: [_filler(L.LANDSCAPE_BODY_WIDTH if landscape else L.BODY_WIDTH)]),
        _p("Normal", "{{p tables[loop.index0] }}"),
        _tag("for note in attachment.table.notes"),
        _p("RGTableNote", "{{ note }}"),
        _tag("endfor"),
        # Each attachment is a section of its own page shape; the last one's is the file's final
        # section (``build_template(portrait_last=…)``).  A new section starts a new page.
        _tag("if not loop.last"),
        *_by_orientation(lambda landscape: [_section(landscape=landscape, final=False)]),
        _tag("endif"),
        _tag("endfor"),
        _p("RGSectionEnd"),
        _colophon(),
    ]
    return parts


def _colophon() -> str:
    """The 版记 (9704 7.4): the writer makes this paragraph a section of its own (``colophon_xml``)."""
    return _p("Normal", "{{p colophon }}")


def _by_orientation(make: Callable[[bool], list[str]]) -> list[str]:
    """``make``'s paragraphs for the attachment's page: portrait when ``attachment.portrait``."""
    return [_tag("if attachment.portrait"), *make(False), _tag("else"), *make(True), _tag("endif")]


def _filler(width: int) -> str:
    """The 填表单位 line: the filler at the left, the date against the right edge of a ``width`` 版心."""
    return (
        _p("RGTableFiller", "{{ attachment.table.spec.filler_line[0] }}")
        .replace(
            "</w:p>",
            text_run("\t", L.FANGSONG).replace('<w:t xml:space="preserve">\t</w:t>', "<w:tab/>")
            + text_run("{{ attachment.table.spec.filler_line[1] }}", L.FANGSONG)
            + "</w:p>",
        )
        .replace(
            '<w:pStyle w:val="RGTableFiller"/>',
            f'<w:pStyle w:val="RGTableFiller"/><w:tabs><w:tab w:val="right" w:pos="{width}"/></w:tabs>',
        )
    )


FORM_TEMPLATE = Path("annual-report") / WITHOUT_ATTACHMENTS
FORM_LABEL_WIDTH = L.mm(40)  # the label column of the 登记表: 单位名称, 宗旨和业务范围 … (two lines at most)


def _form_cell(width: int, paragraphs: str, *, span: int = 1) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>"


def _cell_paragraph(text: str, font: str = L.FANGSONG) -> str:
    return paragraph("RGTableText", text_run(text, font, L.TABLE_SIZE_PT))


def _cell_tag(tag: str, kind: str = "p") -> str:
    """A paragraph inside a cell holding only a ``{%p … %}`` (or ``{%tr … %}``) tag."""
    return _cell_paragraph("{%" + kind + " " + tag + " %}")


def _form_table() -> str:
    """The 登记表: one row per 要素 (label | value); the 正文栏 row's cell holds every block of the
    narrative (headings in 黑体, run-in leads in 楷体), and rows may split across pages."""
    total = L.BODY_WIDTH
    value_width = total - FORM_LABEL_WIDTH
    lead = paragraph(
        "RGTableText",
        text_run("{{ block.lead }}", L.KAITI, L.TABLE_SIZE_PT)
        + text_run("{{ block.text }}", L.FANGSONG, L.TABLE_SIZE_PT),
    ).replace("/>", '/><w:ind w:firstLineChars="200" w:firstLine="420"/>', 1)  # after w:pStyle (CT_PPr order)
    value = "".join(
        [
            _cell_tag("if item[0] == document.body_row"),
            _cell_tag("for block in document.blocks"),
            _cell_tag('if block.kind == "heading"'),
            _cell_paragraph("{{ block.full }}", L.HEITI),
            _cell_tag("else"),
            lead,
            _cell_tag("endif"),
            _cell_tag("endfor"),
            _cell_tag("else"),
            _cell_paragraph("{{ item[1] }}"),
            _cell_tag("endif"),
        ]
    )
    label = paragraph("RGTableHead", text_run("{{ item[0] }}", L.HEITI, L.TABLE_SIZE_PT), align="center")
    loop_start = _cell_tag("for item in document.particulars", "tr")
    loop_end = _cell_tag("endfor", "tr")
    return (
        f'<w:tbl {_NS}><w:tblPr><w:tblStyle w:val="RGTable"/>'
        f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        "</w:tblPr>"
        f'<w:tblGrid><w:gridCol w:w="{FORM_LABEL_WIDTH}"/><w:gridCol w:w="{value_width}"/></w:tblGrid>'
        f"<w:tr>{_form_cell(total, loop_start, span=2)}</w:tr>"
        f"<w:tr>{_form_cell(FORM_LABEL_WIDTH, label)}{_form_cell(value_width, value)}</w:tr>"
        f"<w:tr>{_form_cell(total, loop_end, span=2)}</w:tr>"
        "</w:tbl>"
    )


def _form_body() -> list[str]:
    return [
        *_banner(),
        _title(),
        _p("Normal"),
        _form_table(),
        *_signature(),
    ]


def main(argv: list[str] | None = None) -> int:
    """Write both templates into ``templates/`` (or the folder given)."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else TEMPLATES
    for name, attachments, portrait_last in (
        (WITH_ATTACHMENTS, True, False),
        (PORTRAIT_END, True, True),
        (WITHOUT_ATTACHMENTS, False, False),
    ):
        (folder / name).write_bytes(build_template(attachments=attachments, portrait_last=portrait_last))
        print(folder / name)
    (folder / FORM_TEMPLATE).write_bytes(build_template(attachments=False, form=True))
    print(folder / FORM_TEMPLATE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
