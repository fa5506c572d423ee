"""Charts in the .docx: an inline picture paragraph and a caption per chart, and the package parts a
picture needs (its PNG member, a relationship, the ``png`` content type).

Strings, like ``table_xml``: the compiled engine writes zip members itself, so the chart paragraphs go
into the table's fragment (after the ``w:tbl``: a user's template needs no new tag) and the parts are
added or patched here, in a fixed order with fixed names, so the same report gives the same bytes.
Every element declares the namespaces it uses, since a user's template need not declare ``wp``,
``a``, ``pic`` or ``r`` on its root.  Direct paragraph formatting rather than styles: a user's template
does not have ours, and a picture in a paragraph with an exact line height (every style of the
default template has one) would be cut to that height.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportgen.base.escape import xml_attribute
from reportgen.render.docx import layout as L
from reportgen.render.docx.wordml import text_run

MEDIA = "media/reportgen-chart{}.png"  # relative to word/, as the relationship's target
RELATIONSHIPS = "word/_rels/document.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
_REL_ID = "rIdReportgenChart{}"  # a prefix no template's own relationships use
_SHAPE_ID = 7000  # wp:docPr ids must be unique in the document: far from a template's 1, 2, 3 …
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"

EMU_PER_TWIP = 635
CAPTION_PT = 12  # 小四
# The landscape 版心, less two caption lines, in EMU: a picture is never wider or taller.
MAX_WIDTH_EMU = L.LANDSCAPE_BODY_WIDTH * EMU_PER_TWIP
MAX_HEIGHT_EMU = (L.LANDSCAPE_HEIGHT - L.LANDSCAPE_TOP - L.LANDSCAPE_BOTTOM - L.pt(40)) * EMU_PER_TWIP


@dataclass(frozen=True, slots=True)
class Picture:
    """One chart placed in the document: its number among the pictures (from 1), the PNG, its size in
    EMU, the caption and the text a reader without the image gets."""

    number: int
    png: bytes
    width_emu: int
    height_emu: int
    caption: str
    description: str

    @property
    def member(self) -> str:
        return "word/" + MEDIA.format(self.number)

    @property
    def relationship(self) -> str:
        return _REL_ID.format(self.number)


def fit(width_emu: int, height_emu: int) -> tuple[int, int]:
    """The size scaled down (never up), keeping its proportions, to fit the landscape 版心."""
    scale = min(1.0, MAX_WIDTH_EMU / width_emu, MAX_HEIGHT_EMU / height_emu)
    return int(width_emu * scale), int(height_emu * scale)


def picture_paragraphs(picture: Picture) -> str:
    """The picture centred on its own line, kept with its caption below it."""
    image = (
        '<w:p><w:pPr><w:keepNext/><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="240" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/></w:pPr>'
        f"<w:r>{_drawing(picture)}</w:r></w:p>"
    )
    caption = (
        '<w:p><w:pPr><w:snapToGrid w:val="0"/>'
        '<w:spacing w:before="60" w:after="120" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/></w:pPr>'
        f"{text_run(picture.caption, L.HEITI, CAPTION_PT)}</w:p>"
    )
    return image + caption


def _drawing(picture: Picture) -> str:
    number = picture.number
    return inline_drawing(
        picture.relationship,
        _SHAPE_ID + number,
        f"图{number}",
        "png",
        picture.width_emu,
        picture.height_emu,
        picture.description,
    )


def inline_drawing(
    relationship: str, shape_id: int, name: str, extension: str, cx: int, cy: int, description: str = ""
) -> str:
    """A ``w:drawing`` (for inside a ``w:r``) showing the image part ``relationship`` names, ``cx`` by
    ``cy`` EMU, in line with the text; ``shape_id`` unique in the document, ``description`` the text a
    reader without the image gets (escaped here)."""
    return (
        f'<w:drawing><wp:inline xmlns:wp="{_WP_NS}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="{name}" descr="{xml_attribute(description)}"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="{_A_NS}" noChangeAspect="1"/>'
        f'</wp:cNvGraphicFramePr><a:graphic xmlns:a="{_A_NS}"><a:graphicData uri="{_PIC_NS}">'
        f'<pic:pic xmlns:pic="{_PIC_NS}"><pic:nvPicPr><pic:cNvPr id="{shape_id}" name="{name}.{extension}"/>'
        "<pic:cNvPicPr/></pic:nvPicPr>"
        f'<pic:blipFill><a:blip xmlns:r="{_R_NS}" r:embed="{relationship}"/>'
        "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing>"
    )


def with_relationships(rels: bytes | None, pictures: Sequence[Picture]) -> bytes:
    """``word/_rels/document.xml.rels`` with one image relationship per picture added at the end."""
    return with_image_relationships(rels, [(p.relationship, MEDIA.format(p.number)) for p in pictures])


def with_image_relationships(rels: bytes | None, images: Sequence[tuple[str, str]]) -> bytes:
    """A part's relationships (a new part when it has none) with an image relationship per
    ``(id, target)`` added at the end; the target is relative to the part's folder."""
    source = rels or (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
    )
    added = "".join(
        f'<Relationship Id="{rel}" Type="{_IMAGE_REL}" Target="{target}"/>' for rel, target in images
    ).encode()
    end = source.rindex(b"</Relationships>")
    return source[:end] + added + source[end:]


def with_png_type(types: bytes) -> bytes:
    """``[Content_Types].xml`` with a ``png`` default when the template has none."""
    return with_default_type(types, "png", "image/png")


def with_default_type(types: bytes, extension: str, content_type: str) -> bytes:
    """``[Content_Types].xml`` with a default for ``extension`` when the template has none."""
    if re.search(rb'<Default\s[^>]*Extension="' + extension.encode() + rb'"', types, re.IGNORECASE):
        return types
    start = types.index(b">", types.index(b"<Types")) + 1
    default = f'<Default Extension="{extension}" ContentType="{content_type}"/>'.encode()
    return types[:start] + default + types[start:]


# -- the 印章 (9704 7.3.5.1): a picture floating behind the 落款 ----------------------------------------
SEAL_MEMBER = "word/media/reportgen-seal.png"
SEAL_RELATIONSHIP = "rIdReportgenSeal"
_SEAL_SHAPE_ID = 6999
MM_EMU = 36000
QUARTER_ZI_EMU = L.BODY_WIDTH * EMU_PER_TWIP // (28 * 4)  # the grid's 字, as the signature lines count it
SEAL_TOP_LINES = Decimal("0.7")  # the seal's top above its paragraph: 0.3 line under the body (7.3.5.1)


def seal_paragraph(width_px: int, height_px: int, centre_quarters: int, width_mm: int) -> str:
    """An empty line (kept with the 署名 below it) anchoring the seal: ``width_mm`` wide, centred
    ``centre_quarters`` quarter-字 from the 版心's left edge, its top 0.3 line under the body, behind
    the text (a seal's white would otherwise hide the 署名), the text not wrapped around it."""
    cx = width_mm * MM_EMU
    cy = cx * height_px // width_px
    x = centre_quarters * QUARTER_ZI_EMU - cx // 2
    y = -int(SEAL_TOP_LINES * L.LINE_PITCH * EMU_PER_TWIP)
    anchor = (
        f'<wp:anchor xmlns:wp="{_WP_NS}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="1" behindDoc="1" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
        f'<wp:docPr id="{_SEAL_SHAPE_ID}" name="印章" descr="印章"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{_A_NS}"><a:graphicData uri="{_PIC_NS}">'
        f'<pic:pic xmlns:pic="{_PIC_NS}"><pic:nvPicPr><pic:cNvPr id="{_SEAL_SHAPE_ID}" name="印章.png"/>'
        "<pic:cNvPicPr/></pic:nvPicPr>"
        f'<pic:blipFill><a:blip xmlns:r="{_R_NS}" r:embed="{SEAL_RELATIONSHIP}"/>'
        "<a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        "</a:graphicData></a:graphic></wp:anchor>"
    )
    return (
        '<w:p><w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" '
        f'w:line="{L.LINE_PITCH}" w:lineRule="exact"/><w:ind w:firstLine="0" w:firstLineChars="0"/></w:pPr>'
        f"<w:r><w:drawing>{anchor}</w:drawing></w:r></w:p>"
    )


def with_seal_relationship(rels: bytes | None) -> bytes:
    """``word/_rels/document.xml.rels`` with the seal's image relationship added at the end."""
    return with_image_relationships(rels, [(SEAL_RELATIONSHIP, "media/reportgen-seal.png")])
