"""``reportgen.Subdoc``: another .docx whose body a ``Template`` prints where ``{{p 名称 }}`` stands —
docxtpl's ``Subdoc``/``new_subdoc`` for a file someone sent, read as the untrusted package it is.

The source goes through the template's own reader (``package_checks.read_package``: bounded zip,
member names, macros RG322, external relationships RG323, strict XML), so a sub-document is refused
for everything a template would be.  What is taken is the body's paragraphs and tables with their
text and direct formatting (``w:pPr``, ``w:rPr``, table and cell properties); the sub-document's
section properties (page size, margins, headers) are dropped — the page is the template's — and so
are bookmarks (their ids and names would collide with the template's; the text stays) and XML comments
(a placeholder-like comment must never reach the placement pass).

A ``w:`` element needs no part but the styles.  The sub-document's own definitions of the styles its
body names (``w:pStyle``, ``w:rStyle``, ``w:tblStyle``) go with it, with what they build on
(``w:basedOn``, ``w:link``, ``w:next``, followed within its ``styles.xml``), so that a heading the
template lacks keeps its look instead of silently becoming body text.  Which of them the output needs
is decided when the template renders (``template_values``), since only then is the template known:
a style the template has — by id, or by type and name under another id, as a Chinese Word's ``1`` is
an English Word's ``Heading1`` — is the template's, one it lacks is copied into it.  A style that would need
a part the template does not share (list numbering, ``w:numPr``; anything by relationship id) is
RG316 once it would be copied — not before, since a template with a style of that id never uses the
sub-document's definition.

Anything else that points into the package is either carried or refused, never left dangling: a
picture (``a:blip r:embed``: a PNG or JPEG within ``reportgen.Picture``'s bounds) is carried — its
bytes go with the ``Subdoc`` and are placed as a ``Picture``'s are, its part, relationship and
content type added; every other relationship (hyperlinks, charts, SmartArt, VML pictures, embedded
objects and documents), footnotes, endnotes, comments and direct list numbering (``w:numPr``, which
points into a numbering part the template does not share) are RG316, naming what and where (the
body's element number, paragraphs and tables counted from 1).
"""

from __future__ import annotations

import copy
import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.images import Picture
from reportgen.render.docx.package_checks import DOCUMENT, read_package
from reportgen.render.package import XML_PARSER

NAME = "<子文档>"  # the file a message names when the sub-document came as bytes
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_RELS = "word/_rels/document.xml.rels"
STYLES = "word/styles.xml"
BLIP, DOC_PR = f"{{{A}}}blip", f"{{{WP}}}docPr"
STYLE_REFERENCES = {f"{{{W}}}pStyle": "paragraph", f"{{{W}}}rStyle": "character", f"{{{W}}}tblStyle": "table"}
# What a style builds on or leads to, by element; each names another style by id.
STYLE_POINTERS = (f"{{{W}}}basedOn", f"{{{W}}}link", f"{{{W}}}next")
STYLE_ID, STYLE_TYPE, STYLE_NAME = f"{{{W}}}styleId", f"{{{W}}}type", f"{{{W}}}name"
# What needs a part the template does not share, by element: what a person calls it in Word.
_NEEDS_PART = {
    f"{{{W}}}footnoteReference": "脚注",
    f"{{{W}}}endnoteReference": "尾注",
    f"{{{W}}}commentReference": "批注",
    f"{{{W}}}commentRangeStart": "批注",
    f"{{{W}}}numPr": "自动编号或项目符号（列表）",
}
_BY_RELATIONSHIP = {
    "hyperlink": "超链接",
    "chart": "图表",
    "relIds": "SmartArt 图形",
    "imagedata": "VML 图片（旧版图形）",
    "object": "嵌入对象",
    "OLEObject": "嵌入对象",
    "altChunk": "嵌入的文档",
    "blip": "链接的图片",
}
_DROPPED = {f"{{{W}}}bookmarkStart", f"{{{W}}}bookmarkEnd", f"{{{W}}}sectPr"}
_EXPECTED = (
    "只含文字、表格和插入的 PNG/JPEG 图片的 .docx；超链接改为文字，删除脚注、批注，自动编号改为文字编号"
)


class Subdoc:
    """Another .docx (a path, its bytes or a binary file object) printed where ``{{p 名称 }}``
    stands: its paragraphs and tables, their direct formatting and its pictures.

    Checked when made, as a template is (RG305, RG320–RG323), and for content that needs a part the
    template does not share (RG316); ``name`` is the file messages name."""

    __slots__ = ("_blips", "_elements", "_styles", "images", "name", "text")

    def __init__(self, source: str | os.PathLike[str] | bytes | BinaryIO, *, name: str | None = None) -> None:
        from reportgen.render.docx import DEFAULT_TEMPLATE_NAME, template_bytes

        data, shown = template_bytes(source, name)
        self.name = NAME if shown == DEFAULT_TEMPLATE_NAME and name is None else shown
        parts = dict(read_package(data, self.name, what="子文档"))
        body = etree.fromstring(parts[DOCUMENT], XML_PARSER).find(f"{{{W}}}body")
        relationships = _relationships(parts.get(_RELS))
        self.images: list[Picture] = []  # each distinct picture once, in order of appearance
        self._blips: list[int] = []  # per a:blip in the elements, in document order: its image
        self._elements: list[etree._Element] = []
        top = [e for e in (() if body is None else body) if isinstance(e.tag, str) and e.tag not in _DROPPED]
        for number, element in enumerate(top, start=1):
            element = copy.deepcopy(element)
            for dropped in list(element.iter(*_DROPPED, etree.Comment, etree.ProcessingInstruction)):
                _remove(dropped)
            for inner in element.iter():
                self._check(inner, number, relationships, parts)
            self._elements.append(element)
        named = dict.fromkeys(
            str(reference.get(f"{{{W}}}val", ""))
            for element in self._elements
            for reference in element.iter(*STYLE_REFERENCES)
        )
        self._styles = _kept_styles(parts.get(STYLES), named)
        self.text = "\n".join(
            "".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
            for element in self._elements
            for p in element.iter(f"{{{W}}}p")
        )

    def _check(
        self,
        element: etree._Element,
        number: int,
        relationships: dict[str, tuple[str, str, bool]],
        parts: dict[str, bytes],
    ) -> None:
        """Keep a picture (its image read and checked), drop ids that would collide, refuse the rest."""
        _drop_w14(element)
        if element.tag in _NEEDS_PART:
            raise self._refused(_NEEDS_PART[element.tag], number, None)
        for key, found in element.attrib.items():
            attribute, value = str(key), str(found)
            if not attribute.startswith(f"{{{R}}}"):
                continue
            local = etree.QName(element).localname
            if element.tag != BLIP or attribute != f"{{{R}}}embed":
                raise self._refused(_BY_RELATIONSHIP.get(local, f"引用其他部件的 {local}"), number, value)
            kind, target, external = relationships.get(value, ("", "", False))
            member = (
                target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
            )
            if kind != _IMAGE or external or member not in parts:
                raise self._refused("找不到的图片", number, value)
            try:
                picture = Picture(parts[member])
            except TemplateError as refused:
                problem = refused.problems[0]
                raise TemplateError(
                    Problem(
                        "RG313",
                        problem.message,
                        file=Path(self.name),
                        place=member,
                        expected=problem.expected,
                    )
                ) from None
            index = next((i for i, p in enumerate(self.images) if p.data == picture.data), None)
            if index is None:
                index = len(self.images)
                self.images.append(picture)
            self._blips.append(index)

    def _refused(self, what: str, number: int, value: str | None) -> TemplateError:
        message = f"子文档含{what}，无法带入模板"
        place = f"{DOCUMENT} 正文第{number}个段落或表格"
        return TemplateError(
            Problem("RG316", message, file=Path(self.name), place=place, value=value, expected=_EXPECTED)
        )

    def described(self, style_id: str) -> tuple[str, str] | None:
        """Type and name of the sub-document's style ``style_id`` (of those ``style`` gives)."""
        style = self._styles.get(style_id)
        if style is None:
            return None
        found = style.find(STYLE_NAME)
        return str(style.get(STYLE_TYPE, "")), "" if found is None else str(found.get(f"{{{W}}}val", ""))

    def style(self, style_id: str) -> etree._Element | None:
        """A copy of the sub-document's style ``style_id`` (one its body names, or one of those builds
        on), for a template that lacks it; ``None`` when the sub-document does not define it.  RG316,
        naming the style, when it uses list numbering or points into another part by relationship id:
        either would leave the template with a reference to a part it does not have."""
        style = self._styles.get(style_id)
        if style is None:
            return None
        shown = (self.described(style_id) or ("", ""))[1] or style_id
        if next(style.iter(f"{{{W}}}numPr"), None) is not None:
            what = "使用自动编号（项目符号、列表）"
        elif any(str(a).startswith(f"{{{R}}}") for e in style.iter() for a in e.attrib):
            what = "引用了其他部件"
        else:
            return copy.deepcopy(style)
        message = f"子文档的样式“{shown}”{what}，无法带入模板"
        expected = "在子文档中去掉该样式的自动编号（改为文字编号），或在模板中新建同一标识的样式"
        problem = Problem(
            "RG316", message, file=Path(self.name), place=STYLES, value=style_id, expected=expected
        )
        raise TemplateError(problem)

    def elements(self) -> Iterator[tuple[etree._Element, list[int]]]:
        """Each body element, a copy to place, with the image of each of its ``a:blip`` in order."""
        at = 0
        for element in self._elements:
            placed = copy.deepcopy(element)
            count = sum(1 for _ in placed.iter(BLIP))
            yield placed, self._blips[at : at + count]
            at += count

    def __repr__(self) -> str:
        return f"Subdoc({self.name!r}, {len(self._elements)} 个段落或表格)"


def _kept_styles(data: bytes | None, named: dict[str, None]) -> dict[str, etree._Element]:
    """The sub-document's styles whose ids ``named`` holds, and those they build on or lead to
    (``w:basedOn``, ``w:link``, ``w:next``, as far as its ``styles.xml`` defines them): cleaned copies
    by id.  Cleaned as body elements are: no comments, no ``w:rsid`` (revision ids of another file)
    and no ``w14`` attributes; and no ``w:default``, since the template has its own default style of
    each type and a second would contest it."""
    if data is None:
        return {}
    defined: dict[str, etree._Element] = {}
    for style in etree.fromstring(data, XML_PARSER).iter(f"{{{W}}}style"):
        defined.setdefault(str(style.get(STYLE_ID, "")), style)  # the first, as python-docx finds it
    kept: dict[str, etree._Element] = {}
    pending = [style_id for style_id in named if style_id in defined]
    while pending:
        style_id = pending.pop(0)
        if style_id in kept:
            continue
        style = copy.deepcopy(defined[style_id])
        for dropped in list(style.iter(f"{{{W}}}rsid", etree.Comment, etree.ProcessingInstruction)):
            _remove(dropped)
        for inner in style.iter():
            _drop_w14(inner)
        if f"{{{W}}}default" in style.attrib:
            del style.attrib[f"{{{W}}}default"]
        kept[style_id] = style
        pending += [
            target
            for pointer in style.iterchildren(*STYLE_POINTERS)
            if (target := str(pointer.get(f"{{{W}}}val", ""))) in defined
        ]
    return kept


def _drop_w14(element: etree._Element) -> None:
    """``element`` without its ``w14`` attributes: ``w14:paraId``/``textId`` are unique in a document,
    so a copy must not carry them (Word makes new ones)."""
    for attribute in [str(a) for a in element.attrib if str(a).startswith(f"{{{W14}}}")]:
        del element.attrib[attribute]


def _remove(element: etree._Element) -> None:
    """``element`` out of its parent, the text after it kept (a comment can stand inside a ``w:t``)."""
    parent = element.getparent()
    assert parent is not None
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _relationships(data: bytes | None) -> dict[str, tuple[str, str, bool]]:
    """Id → (type, target, external) of the document part's relationships."""
    if data is None:
        return {}
    root = etree.fromstring(data, XML_PARSER)
    return {
        str(r.get("Id")): (
            str(r.get("Type", "")),
            str(r.get("Target", "")),
            r.get("TargetMode") == "External",
        )
        for r in root.iter(f"{{{_PR}}}Relationship")
    }
