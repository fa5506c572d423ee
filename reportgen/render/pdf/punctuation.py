"""The .docx LibreOffice prints: every ，。、 kept at the end of a full line.

Word's ``w:overflowPunct`` (允许标点溢出边界, on when absent) lets a mark that falls just past a full
line hang in the margin.  LibreOffice's .docx import maps it inverted (hanging = not
``overflowPunct``, and absent = hanging), and a mark hung past the margin of a justified line is not
painted: the PDF loses it with no error (docs/design.md “Character grid”).  Our templates say
``overflowPunct`` on in the paragraph defaults, which LibreOffice reads as “do not hang”: the line's
last 字 goes down with the mark.  A user's own Word template rarely says it (Word's default needs no
saying), so ``punctuation_kept`` says it in the copy handed to LibreOffice: the document defaults,
and every style and paragraph that turns it off, get it on.  Word shows such a file as before (on is
its default, and off only made Word carry the 字 down as LibreOffice now does); the .docx the user
receives is not changed.  A package whose parts already say it everywhere is returned as it is, so
the PDFs of our own templates are the bytes they were.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from reportgen.base.zipfiles import deflate, write_zip
from reportgen.render.package import XML_PARSER

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STYLES = "word/styles.xml"
_OVERFLOW = f"{{{W}}}overflowPunct"
_VAL = f"{{{W}}}val"
_OFF = ("0", "false", "off")
_SAID = b"overflowPunct"
# CT_PPrBase's elements after w:overflowPunct, in schema order: it goes before the first one present.
_AFTER = tuple(
    f"{{{W}}}{name}"
    for name in (
        "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing",
        "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
    )
)  # fmt: skip


def punctuation_kept(docx: bytes) -> bytes:
    """``docx`` with ``w:overflowPunct`` on in its paragraph defaults and wherever it was off (see the
    module's docstring); the same bytes when nothing had to change.  A part that is not XML we can read
    is left to LibreOffice, which reports it."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        names = archive.namelist()
        members = {name: archive.read(name) for name in names}
    changed: dict[str, bytes] = {}
    for name in names:
        # the styles part always (its defaults); any other part of Word's only where it turns it off
        if name == _STYLES or (name.startswith("word/") and name.endswith(".xml") and _SAID in members[name]):
            fixed = _kept(members[name], defaults=name == _STYLES)
            if fixed is not None:
                changed[name] = fixed
    if not changed:
        return docx
    return write_zip(deflate(name, changed.get(name, members[name])) for name in names)


def _kept(data: bytes, *, defaults: bool) -> bytes | None:
    """The part with every ``w:overflowPunct`` on (and, for the styles part, one in the paragraph
    defaults); None when it already was, or cannot be read."""
    try:
        root = etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError:
        return None
    changed = False
    for element in root.iter(_OVERFLOW):
        if element.get(_VAL, "1").lower() in _OFF:
            element.set(_VAL, "1")
            changed = True
    if defaults and root.tag == f"{{{W}}}styles":
        properties = _default_paragraph_properties(root)
        if properties.find(_OVERFLOW) is None:
            element = etree.Element(_OVERFLOW)
            element.set(_VAL, "1")
            following = next((child for child in properties if child.tag in _AFTER), None)
            if following is None:
                properties.append(element)
            else:
                following.addprevious(element)
            changed = True
    if not changed:
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _default_paragraph_properties(styles: etree._Element) -> etree._Element:
    """``w:docDefaults/w:pPrDefault/w:pPr``, made where missing (docDefaults comes first in w:styles)."""
    defaults = styles.find(f"{{{W}}}docDefaults")
    if defaults is None:
        defaults = etree.Element(f"{{{W}}}docDefaults")
        styles.insert(0, defaults)
    paragraph = defaults.find(f"{{{W}}}pPrDefault")
    if paragraph is None:
        paragraph = etree.SubElement(defaults, f"{{{W}}}pPrDefault")  # after rPrDefault, as the schema has it
    properties = paragraph.find(f"{{{W}}}pPr")
    if properties is None:
        properties = etree.SubElement(paragraph, f"{{{W}}}pPr")
    return properties
