"""Pictures in a ``reportgen.Template`` context (``base.images.Picture``), placed where the template
prints them: docxtpl's ``InlineImage``, without its raw XML.

A picture is no plain value, so ``take_pictures`` lifts each one out of the context before the one
reader of values checks the rest (``ledger.values.read_values``), and ``put_placeholders`` puts an
XML-comment placeholder in its place afterwards — ``Markup`` our code made, which the Word
environment prints as it is.  After the parts are rendered and proved well-formed, ``place_pictures``
replaces each placeholder by a ``w:drawing`` fitted to where it stands (inside a run's text the text
is split around it and keeps the run's formatting; between runs a run is added; between paragraphs a
paragraph), and adds what the package needs: one image member per distinct picture, an image
relationship in each part that shows it, and the image type in ``[Content_Types].xml``.  docxtpl
writes the relationship only in the part the ``InlineImage`` was made for; here a picture printed in
a header is related from the header, so nothing points at a member that is not there.

Numbering follows the parts in package order and the placeholders in each, so the same context
gives the same bytes; a placeholder a filter changed (``|upper``) stays a comment, which shows nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.images import MAX_PICTURE_BYTES, Picture
from reportgen.base.zipfiles import ZipEntry, deflate
from reportgen.render.docx.engine import CompiledDocx
from reportgen.render.docx.package_checks import TEMPLATE_PART
from reportgen.render.docx.picture_xml import (
    CONTENT_TYPES,
    inline_drawing,
    with_default_type,
    with_image_relationships,
)

At = tuple[str | int, ...]  # keys and 0-based indexes from the context's top

PLACEHOLDER = "<!--reportgen:picture:{}-->"
_PLACEHOLDER = re.compile(r"<!--reportgen:picture:(\d+)-->")
_MEDIA = "media/reportgen-picture{}.{}"  # relative to word/
_REL_ID = "rIdReportgenPicture{}"  # a prefix no template's own relationships use
_SHAPE_ID = 8000  # wp:docPr ids unique in the document: far from a template's and the charts' (7000+)
MAX_PICTURE_TOTAL = 16 * MAX_PICTURE_BYTES  # distinct pictures in one document: well within RG320's bound
MAX_DEPTH = 64  # deeper than the values reader allows (it refuses the rest with RG114)


def take_pictures(value: object, at: At = ()) -> tuple[object, list[tuple[At, Picture]]]:
    """``value`` with every ``Picture`` in its dicts and lists (any depth) replaced by ``None``, and
    where each was, in context order; containers without a picture are returned as they are."""
    if isinstance(value, Picture):
        return None, [(at, value)]
    if len(at) > MAX_DEPTH:
        return value, []
    found: list[tuple[At, Picture]] = []
    if isinstance(value, Mapping):
        items: dict[Any, object] = {}
        for key, item in value.items():
            items[key], inner = take_pictures(item, (*at, key))
            found += inner
        return (items if found else value), found
    if isinstance(value, list | tuple):
        members: list[object] = []
        for index, item in enumerate(value):
            taken, inner = take_pictures(item, (*at, index))
            members.append(taken)
            found += inner
        return (members if found else value), found
    return value, []


def check_total(found: Sequence[tuple[At, Picture]], name: str) -> None:
    """RG313 when the distinct pictures together exceed ``MAX_PICTURE_TOTAL``: each is bounded, but
    a list of thousands would make a document no one can open (the same picture repeated counts once)."""
    total = sum(len(data) for data in {picture.data for _, picture in found})
    if total > MAX_PICTURE_TOTAL:
        message = f"数据中的图片合计 {total} 字节"
        expected = f"不同的图片合计不超过 {MAX_PICTURE_TOTAL // 2**20} MiB"
        raise TemplateError(Problem("RG313", message, file=Path(name), expected=expected))


def put_placeholders(values: dict[str, Any], found: Sequence[tuple[At, Picture]]) -> None:
    """Each picture's placeholder where ``take_pictures`` found it, in the values read from the
    context (the same shape: dicts stay dicts, lists and tuples are lists)."""
    for number, (at, _) in enumerate(found):
        container: Any = values
        for step in at[:-1]:
            container = container[step]
        container[at[-1]] = Markup(PLACEHOLDER.format(number))


def place_pictures(
    compiled: CompiledDocx, parts: dict[str, str], pictures: Sequence[Picture]
) -> tuple[dict[str, str], dict[str, bytes], list[ZipEntry]]:
    """The parts with drawings for the placeholders, the members to replace (relationships, content
    types) and the members to add (images, relationships a part had none of)."""
    media: dict[bytes, int] = {}  # each distinct picture once, numbered by first appearance
    related: dict[str, dict[int, str]] = {}  # part → media number → its relationship's target
    shapes = 0

    def drawing(part: str, found: re.Match[str]) -> str:
        nonlocal shapes
        picture = pictures[int(found.group(1))]
        number = media.setdefault(picture.data, len(media) + 1)
        related.setdefault(part, {})[number] = _MEDIA.format(number, picture.extension)
        shapes += 1
        cx, cy = picture.size_emu
        xml = inline_drawing(
            _REL_ID.format(number), _SHAPE_ID + shapes, f"图片{shapes}", picture.extension, cx, cy
        )
        return _fitted(found.string, found.start(), xml)

    placed = {}
    for part, xml in parts.items():
        if "<!--reportgen:picture:" not in xml:
            placed[part] = xml
        elif TEMPLATE_PART.match(part):
            placed[part] = _PLACEHOLDER.sub(functools.partial(drawing, part), xml)
        else:
            placed[part] = _PLACEHOLDER.sub("", xml)  # a document property is text: no picture in it
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
    types = compiled.member(CONTENT_TYPES)
    if media and types is not None:
        for picture in {p.format: p for p in pictures if p.data in media}.values():
            types = with_default_type(types, picture.extension, picture.content_type)
        replace[CONTENT_TYPES] = types
    by_number = {number: data for data, number in media.items()}
    formats = {p.data: p.extension for p in pictures}
    added += [
        deflate("word/" + _MEDIA.format(number, formats[data]), data)
        for number, data in sorted(by_number.items())
    ]
    return placed, replace, added


def _fitted(xml: str, at: int, drawing: str) -> str:
    """``drawing`` as the XML where the placeholder at ``at`` stands needs it: inside a run's text, the
    text closed and reopened around it; inside a run, as it is; inside a paragraph, in a run of its
    own; elsewhere (between paragraphs, ``{{p }}``), in a paragraph of its own."""
    if _inside(xml, at, "t"):
        return f'</w:t>{drawing}<w:t xml:space="preserve">'
    if _inside(xml, at, "r"):
        return drawing
    if _inside(xml, at, "p"):
        return f"<w:r>{drawing}</w:r>"
    return f"<w:p><w:r>{drawing}</w:r></w:p>"


def _inside(xml: str, at: int, element: str) -> bool:
    """Whether the last ``w:<element>`` opened before ``at`` is still open there."""
    opened = max(xml.rfind(f"<w:{element}>", 0, at), xml.rfind(f"<w:{element} ", 0, at))
    return opened > xml.rfind(f"</w:{element}>", 0, at)
