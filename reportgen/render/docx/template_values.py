"""Values a ``reportgen.Template`` context holds that print as Word XML our code writes: pictures
(``base.images.Picture``, docxtpl's ``InlineImage``), rich text (``base.richtext.RichText``,
docxtpl's ``RichText``), paragraphs of it (``RichTextParagraph``) and another .docx's body
(``subdoc.Subdoc``) — without the raw XML docxtpl lets such values carry.

Neither is a plain value, so ``take_values`` lifts each one out of the context before the one reader
of values checks the rest (``ledger.values.read_values``), and ``put_placeholders`` puts an
XML-comment placeholder in its place afterwards — ``Markup`` our code made, which the Word
environment prints as it is.  After the parts are rendered and proved well-formed, ``place_values``
replaces each placeholder by XML fitted to where it stands: inside a run's text, the run is split
around it (the text after it keeps the run's formatting); between runs, as runs; between paragraphs
(``{{p }}``), in a paragraph of its own.  Paragraphs and a sub-document's body go only between
paragraphs (RG315 inside one), and a table cell left ending in a table gets an empty paragraph, which
a cell must end with.  A style a paragraph names is looked up in the template's ``styles.xml``
(``Styles``); a sub-document's style the template lacks is copied into it (``_carried``), and the
output's ``styles.xml`` then replaces the template's.  A picture also needs package parts (a
sub-document's pictures too): one image member per distinct picture, an image relationship in each
part that shows it (docxtpl writes it only in the part the ``InlineImage`` was made for, so a
header's picture pointed at nothing), and the image type in ``[Content_Types].xml``.  In a document
property a rich text is its plain text and a picture nothing.

Numbering follows the parts in package order and the placeholders in each, so the same context gives
the same bytes; a placeholder a filter changed (``|upper``) stays a comment, which shows nothing, and
a placeholder typed in the data is text, escaped like any other.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import Markup

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.escape import xml_attribute, xml_content
from reportgen.base.images import MAX_PICTURE_BYTES, Picture
from reportgen.base.richtext import Paragraph, RichText, RichTextParagraph, Run
from reportgen.base.zipfiles import ZipEntry, deflate
from reportgen.render.docx.engine import CompiledDocx, resolve_controls
from reportgen.render.docx.package_checks import TEMPLATE_PART
from reportgen.render.docx.picture_xml import (
    CONTENT_TYPES,
    inline_drawing,
    with_default_type,
    with_image_relationships,
)
from reportgen.render.docx.subdoc import (
    BLIP,
    DOC_PR,
    STYLE_ID,
    STYLE_NAME,
    STYLE_POINTERS,
    STYLE_REFERENCES,
    STYLE_TYPE,
    STYLES,
    R,
    Subdoc,
    W,
)
from reportgen.render.docx.wordml import fonts, half_points
from reportgen.render.package import XML_PARSER

At = tuple[str | int, ...]  # keys and 0-based indexes from the context's top
Placed = Picture | RichText | RichTextParagraph | Subdoc

PLACEHOLDER = "<!--reportgen:value:{}-->"
_PLACEHOLDER = re.compile(r"<!--reportgen:value:(\d+)-->")
_CONTROLS = re.compile(r"([\n\t\a\f])")
_MEDIA = "media/reportgen-picture{}.{}"  # relative to word/
_REL_ID = "rIdReportgenPicture{}"  # a prefix no template's own relationships use
# Where carried styles go: the styles part, and the copy of it with text effects Word 2010 writes
# (``stylesWithEffects.xml``), which must define the same styles (the OOXML validator checks it).
_STYLE_PARTS = (STYLES, "word/stylesWithEffects.xml")
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'  # as Word writes it
_SHAPE_ID = 8000  # wp:docPr ids unique in the document: far from a template's and the charts' (7000+)
MAX_PICTURE_TOTAL = 16 * MAX_PICTURE_BYTES  # distinct pictures in one document: well within RG320's bound
MAX_DEPTH = 64  # as the values reader: deeper, it refuses the rest (RG114)
MAX_VISITS = 250_000  # more than the values reader's 200 000 values: beyond, it refuses the context (RG114)


_PLACED = (Picture, RichText, RichTextParagraph, Subdoc)
_LEAVES = (str, int, Decimal)  # most of a context: nothing to place inside (a str subclass neither)


def take_values(context: object) -> tuple[object, list[tuple[At, Placed]]]:
    """``context`` with every ``Picture`` and ``RichText`` in its dicts and lists (any depth) replaced
    by ``None``, and where each was, in context order; containers without one are returned as they
    are.  The walk stops where the values reader stops (depth, count), which then refuses the rest."""
    found: list[tuple[At, Placed]] = []
    visits = 0

    def walk(value: object, at: At) -> object:
        nonlocal visits
        visits += 1
        if isinstance(value, _PLACED):
            found.append((at, value))
            return None
        if len(at) > MAX_DEPTH or visits > MAX_VISITS:
            return value
        before = len(found)
        if isinstance(value, Mapping):
            visits += len(value)
            items = {
                key: walk(item, (*at, key)) if not isinstance(item, _LEAVES) else item
                for key, item in value.items()
            }
            return items if len(found) > before else value
        if isinstance(value, list | tuple):
            visits += len(value)
            members = [
                walk(item, (*at, index)) if not isinstance(item, _LEAVES) else item
                for index, item in enumerate(value)
            ]
            return members if len(found) > before else value
        return value

    return walk(context, ()), found


def check_total(found: Sequence[tuple[At, Placed]], name: str) -> None:
    """RG313 when the distinct pictures together exceed ``MAX_PICTURE_TOTAL``: each is bounded, but
    a list of thousands would make a document no one can open (the same picture repeated counts once;
    a sub-document's pictures count)."""
    shown = [p for _, value in found for p in (value.images if isinstance(value, Subdoc) else [value])]
    total = sum(len(data) for data in {p.data for p in shown if isinstance(p, Picture)})
    if total > MAX_PICTURE_TOTAL:
        message = f"数据中的图片合计 {total} 字节"
        expected = f"不同的图片合计不超过 {MAX_PICTURE_TOTAL // 2**20} MiB"
        raise TemplateError(Problem("RG313", message, file=Path(name), expected=expected))


def put_placeholders(values: dict[str, Any], found: Sequence[tuple[At, Placed]]) -> None:
    """Each value's placeholder where ``take_values`` found it, in the values read from the context
    (the same shape: dicts stay dicts, lists and tuples are lists)."""
    for number, (at, _) in enumerate(found):
        container: Any = values
        for step in at[:-1]:
            container = container[step]
        container[at[-1]] = Markup(PLACEHOLDER.format(number))


def place_values(
    compiled: CompiledDocx, parts: dict[str, str], values: Sequence[Placed], name: str
) -> tuple[dict[str, str], dict[str, bytes], list[ZipEntry]]:
    """The parts with the values' XML for their placeholders, the members to replace (relationships,
    content types) and the members to add (images, relationships a part had none of).  ``name`` is
    the template's, for RG315."""
    media: dict[bytes, int] = {}  # each distinct picture once, numbered by first appearance
    related: dict[str, dict[int, str]] = {}  # part → media number → its relationship's target
    shapes = 0
    styles: list[Styles] = []  # the template's, read on first need

    def image(part: str, picture: Picture) -> str:
        """The relationship id by which ``part`` shows ``picture`` (its image stored once)."""
        number = media.setdefault(picture.data, len(media) + 1)
        related.setdefault(part, {})[number] = _MEDIA.format(number, picture.extension)
        return _REL_ID.format(number)

    def shape() -> int:
        nonlocal shapes
        shapes += 1
        return _SHAPE_ID + shapes

    def template_styles() -> Styles:
        if not styles:
            styles.append(Styles(compiled.member(STYLES)))
        return styles[0]

    def xml(part: str, found: re.Match[str]) -> str:
        value = values[int(found.group(1))]
        if isinstance(value, RichText):
            return _fitted(found.string, found.start(), "".join(_run(run) for run in value.runs), runs=True)
        if isinstance(value, RichTextParagraph):
            made = "".join(_paragraph(p, template_styles(), name, part) for p in value.paragraphs)
            return _block(found, made, name, part, "富文本段落（RichTextParagraph）")
        if isinstance(value, Subdoc):
            made = _subdoc(value, part, image, shape, template_styles())
            return _block(found, made, name, part, f"子文档 {value.name}")
        number = shape() - _SHAPE_ID
        cx, cy = value.size_emu
        drawing = inline_drawing(
            image(part, value), _SHAPE_ID + number, f"图片{number}", value.extension, cx, cy
        )
        return _fitted(found.string, found.start(), drawing, runs=False)

    def text(found: re.Match[str]) -> str:
        value = values[int(found.group(1))]
        return "" if isinstance(value, Picture) else xml_content(value.text)

    placed = {}
    for part, source in parts.items():
        if "<!--reportgen:value:" not in source:
            placed[part] = source
        elif TEMPLATE_PART.match(part):
            placed[part] = resolve_controls(_PLACEHOLDER.sub(functools.partial(xml, part), source))
        else:
            placed[part] = _PLACEHOLDER.sub(text, source)  # a document property is text
    replace: dict[str, bytes] = {}
    added: list[ZipEntry] = []
    for part, targets in related.items():
        folder, _, name = part.rpartition("/")
        rels = f"{folder}/_rels/{name}.rels"
        images = [(_REL_ID.format(number), target) for number, target in sorted(targets.items())]
        data = with_image_relationships(compiled.member(rels), images)
        if compiled.member(rels) is None:
            added.append(deflate(rels, data))
        else:
            replace[rels] = data
    shown = [p for value in values for p in (value.images if isinstance(value, Subdoc) else [value])]
    pictures = [p for p in shown if isinstance(p, Picture) and p.data in media]
    types = compiled.member(CONTENT_TYPES)
    if pictures and types is not None:
        for picture in {p.format: p for p in pictures}.values():
            types = with_default_type(types, picture.extension, picture.content_type)
        replace[CONTENT_TYPES] = types
    if styles and styles[0].carried:
        for member in _STYLE_PARTS:
            styles_part = compiled.member(member)
            if styles_part is not None:
                replace[member] = styles[0].with_carried(styles_part)
    extensions = {p.data: p.extension for p in pictures}
    added += [
        deflate("word/" + _MEDIA.format(number, extensions[data]), data)
        for data, number in sorted(media.items(), key=lambda item: item[1])
    ]
    return placed, replace, added


class Styles:
    """The template's styles (``word/styles.xml``): id, type and name of each, in the file's order,
    then those carried in from sub-documents (``carry``) in the order they were first used — so a
    later value (another ``Subdoc``, a ``RichTextParagraph``) finds a carried style as the template's."""

    def __init__(self, data: bytes | None) -> None:
        self.data = data
        self.styles: list[tuple[str, str, str]] = []
        self.carried: list[etree._Element] = []
        if data is None:
            return
        for style in etree.fromstring(data, XML_PARSER).iter(f"{{{W}}}style"):
            self._add(style)

    def _add(self, style: etree._Element) -> None:
        found = style.find(STYLE_NAME)
        name = "" if found is None else str(found.get(f"{{{W}}}val", ""))
        self.styles.append((str(style.get(STYLE_ID, "")), str(style.get(STYLE_TYPE, "")), name))

    def uses(self, wanted: str) -> bool:
        """Whether a style of any type has the id ``wanted`` (a style id is unique across types)."""
        return any(style_id == wanted for style_id, _, _ in self.styles)

    def named(self, name: str, kind: str) -> str | None:
        """The id of the first style of type ``kind`` named ``name`` ignoring case; none for no name."""
        folded = name.casefold()
        return next((i for i, k, n in self.styles if k == kind and n and n.casefold() == folded), None)

    def carry(self, style: etree._Element) -> None:
        """``style`` (a sub-document's, its id unused here) added at the end of ``w:styles``."""
        self._add(style)
        self.carried.append(style)

    def with_carried(self, data: bytes) -> bytes:
        """A styles part (``data``) with the carried styles appended at the end of its ``w:styles``."""
        root = etree.fromstring(data, XML_PARSER)
        root.extend(copy.deepcopy(style) for style in self.carried)
        return _DECLARATION + etree.tostring(root, encoding="unicode").encode()

    def find(self, wanted: str, kind: str, *, loose: bool) -> str | None:
        """The id of the style of type ``kind`` whose id is ``wanted``; ``loose``, else the first whose
        id or name is ``wanted`` ignoring case (``heading 1``, ``Heading1``)."""
        for style_id, style_kind, _ in self.styles:
            if style_kind == kind and style_id == wanted:
                return style_id
        if loose:
            folded = wanted.casefold()
            for style_id, style_kind, style_name in self.styles:
                if style_kind == kind and folded in (style_id.casefold(), style_name.casefold()):
                    return style_id
        return None

    def names(self, kind: str) -> list[str]:
        return [name or style_id for style_id, style_kind, name in self.styles if style_kind == kind]


def _paragraph(paragraph: Paragraph, styles: Styles, name: str, part: str) -> str:
    """One ``w:p`` of a ``RichTextParagraph``: its style (by id, RG315 when the template has no such
    paragraph style), its alignment and its runs."""
    props = ""
    if paragraph.style is not None:
        style = styles.find(paragraph.style, "paragraph", loose=True)
        if style is None:
            known = "、".join(styles.names("paragraph")[:12]) or "（模板没有段落样式）"
            message = f"模板中没有段落样式“{paragraph.style}”"
            expected = f"模板中已有的段落样式的名称或标识，如 {known}；或先在模板中新建该样式"
            raise TemplateError(
                Problem(
                    "RG315", message, file=Path(name), place=part, value=paragraph.style, expected=expected
                )
            )
        props += f'<w:pStyle w:val="{xml_attribute(style)}"/>'
    if paragraph.align is not None:
        props += f'<w:jc w:val="{paragraph.align}"/>'
    runs = "".join(_run(run) for run in paragraph.text.runs)
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _subdoc(
    value: Subdoc, part: str, image: Callable[[str, Picture], str], shape: Callable[[], int], styles: Styles
) -> str:
    """The sub-document's body as XML for ``part``: each picture shown by a relationship of ``part``
    (``image``), each drawing a new id (``shape``), each style it names the template's or carried
    into it (``_carried``) — or, where neither can be, removed, so the template's default applies."""
    made = []
    for element, blips in value.elements():
        for blip, index in zip(element.iter(BLIP), blips, strict=True):
            blip.set(f"{{{R}}}embed", image(part, value.images[index]))
        for drawing in element.iter(DOC_PR):
            drawing.set("id", str(shape()))
        for reference in list(element.iter(*STYLE_REFERENCES)):
            found = _carried(
                value, str(reference.get(f"{{{W}}}val", "")), STYLE_REFERENCES[reference.tag], styles
            )
            if found is None:
                parent = reference.getparent()
                assert parent is not None
                parent.remove(reference)
            else:
                reference.set(f"{{{W}}}val", found)
        made.append(etree.tostring(element, encoding="unicode"))
    return "".join(made)


def _carried(value: Subdoc, wanted: str, kind: str, styles: Styles) -> str | None:
    """The id by which the output has the style of type ``kind`` and id ``wanted`` a sub-document
    names, or ``None`` (the reference is then removed): ``_resolved``, and the sub-document's styles
    that resolves to copying carried into ``styles`` — each with what it points at (``w:basedOn``,
    ``w:link``, ``w:next``) resolved the same way, a pointer that resolves to nothing removed (Word
    would take it for whatever style it found, or for none)."""
    queued: list[str] = []  # the sub-document's styles to copy, in first-use order
    found = _resolved(value, wanted, kind, styles, queued)
    at = 0
    while at < len(queued):
        style = value.style(queued[at])  # RG316 when it cannot be carried
        at += 1
        assert style is not None
        styles.carry(style)
        for pointer in list(style.iterchildren(*STYLE_POINTERS)):
            needed = _pointed_type(pointer, str(style.get(STYLE_TYPE)))
            target = str(pointer.get(f"{{{W}}}val", ""))
            resolved = None if needed is None else _resolved(value, target, needed, styles, queued)
            if resolved is None:
                style.remove(pointer)
            else:
                pointer.set(f"{{{W}}}val", resolved)
    return found


def _resolved(value: Subdoc, wanted: str, kind: str, styles: Styles, queued: list[str]) -> str | None:
    """Where the sub-document's ``kind`` style ``wanted`` is in the output.  The template's style of
    that id and type (or one carried before: the first definition of an id wins, the template's above
    all); else, when the sub-document defines it as a ``kind`` style, the template's style of the same
    type and name (ignoring case: Word's built-in styles keep English names under localized ids, a
    Chinese Word's ``1`` is an English Word's ``Heading1``, both “heading 1”), since a second style of
    one name would redefine the first — LibreOffice then draws the template's own headings by the
    sub-document's definition; else the sub-document's, queued to be copied.  ``None`` when the
    template has no ``styles.xml`` to copy into, uses the id for a style of another type, or the
    sub-document does not define it as a ``kind`` style."""
    if styles.find(wanted, kind, loose=False) is not None:
        return wanted
    described = value.described(wanted)
    if described is None or described[0] != kind:
        return None
    if wanted in queued:
        return wanted
    if styles.data is None or styles.uses(wanted):
        return None
    same = styles.named(described[1], kind)
    if same is not None:
        return same
    queued.append(wanted)
    return wanted


def _pointed_type(pointer: etree._Element, kind: str) -> str | None:
    """The type of style a ``w:basedOn``/``w:next`` (the style's own) or ``w:link`` (a paragraph
    style's character style and back) of a ``kind`` style must point at; ``None``: none can."""
    if pointer.tag != f"{{{W}}}link":
        return kind
    return {"paragraph": "character", "character": "paragraph"}.get(kind)


def _block(found: re.Match[str], made: str, name: str, part: str, what: str) -> str:
    """Paragraphs (and tables) where ``{{p }}`` stands; RG315 inside a paragraph, where a paragraph
    cannot go.  A table cell must end with a paragraph: an empty one follows a table or nothing there."""
    if _inside(found.string, found.start(), "p"):
        message = f"{what}只能单独占一段，用 {{{{p 名称 }}}} 放在段落之间"
        expected = "把 {{ 名称 }} 改为单独一段的 {{p 名称 }}"
        raise TemplateError(Problem("RG315", message, file=Path(name), place=part, expected=expected))
    if found.string.startswith("</w:tc>", found.end()) and not made.endswith(("</w:p>", "<w:p/>")):
        made += "<w:p/>"
    return made


def _run(run: Run) -> str:
    """One rich run as ``w:r``: its formatting in the schema's order, its text escaped but for the
    line breaks, tabs, paragraph (``\\a``) and page (``\\f``) breaks, which ``resolve_controls`` makes
    Word's once the runs are in place, as docxtpl does for its RichText."""
    props = fonts(run.font) if run.font else ""
    props += "<w:b/><w:bCs/>" if run.bold else ""
    props += "<w:i/><w:iCs/>" if run.italic else ""
    props += f'<w:color w:val="{run.color}"/>' if run.color else ""
    if run.size_pt is not None:
        size = half_points(run.size_pt)
        props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    props += '<w:u w:val="single"/>' if run.underline else ""
    text = "".join(
        piece if _CONTROLS.fullmatch(piece) else xml_content(piece) for piece in _CONTROLS.split(run.text)
    )
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def _fitted(xml: str, at: int, made: str, *, runs: bool) -> str:
    """``made`` (runs, or a drawing for inside a run) as the XML where the placeholder at ``at``
    stands needs it: inside a run's text, the text closed around it — runs also close the run and
    open another with its formatting after them; inside a run, as it is (runs closing it likewise);
    inside a paragraph, as runs; elsewhere (between paragraphs, ``{{p }}``), in a paragraph."""
    if _inside(xml, at, "t"):
        if not runs:
            return f'</w:t>{made}<w:t xml:space="preserve">'
        return f'</w:t></w:r>{made}<w:r>{_run_properties(xml, at)}<w:t xml:space="preserve">'
    if _inside(xml, at, "r"):
        return made if not runs else f"</w:r>{made}<w:r>{_run_properties(xml, at)}"
    made = made if runs else f"<w:r>{made}</w:r>"
    return made if _inside(xml, at, "p") else f"<w:p>{made}</w:p>"


def _inside(xml: str, at: int, element: str) -> bool:
    """Whether the last ``w:<element>`` opened before ``at`` is still open there."""
    opened = max(xml.rfind(f"<w:{element}>", 0, at), xml.rfind(f"<w:{element} ", 0, at))
    return opened > xml.rfind(f"</w:{element}>", 0, at)


def _run_properties(xml: str, at: int) -> str:
    """The ``w:rPr`` of the run open at ``at`` (the template's own XML), or nothing."""
    start = max(xml.rfind("<w:r>", 0, at), xml.rfind("<w:r ", 0, at))
    opened = xml.index(">", start) + 1
    if xml.startswith("<w:rPr>", opened) or xml.startswith("<w:rPr ", opened):
        end = xml.find("</w:rPr>", opened, at)
        if end != -1:
            return xml[opened : end + len("</w:rPr>")]
    return ""
