"""The report as a GB/T 9704 .docx: a docxtpl-syntax template filled from the ``Document``.

The template is ``report.docx`` (body and landscape 附件 section) or ``report-plain.docx`` (no
attachment) from the template folders — a user's ``--templates DIR`` first, then the built-in
``templates/`` — or one file given as ``RenderOptions.docx_template``.  The context is documented
in docs/templates.md: ``document`` (the format-free document) and ``tables`` (each attachment's
table as ready ``w:tbl`` XML for a ``{{p tables[i] }}`` paragraph, followed by its charts as pictures
with captions when the report has charts), and ``banner``, the 版头 as ready XML for a ``{{p banner }}``
paragraph (inside ``{%p if document.banner %}``) when the ledger has one.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from markupsafe import Markup

from reportgen.base.errors import Finding, Problem, Severity, TemplateError
from reportgen.base.inputfile import read_input
from reportgen.base.zipfiles import CORE_PART, ZipEntry, core_xml, deflate
from reportgen.document.blocks import SEAL_MM, Document, TableBlock
from reportgen.render.chart_image import chart_image
from reportgen.render.docx.banner_xml import banner_xml
from reportgen.render.docx.colophon_xml import PLACEHOLDER as COLOPHON_PLACEHOLDER
from reportgen.render.docx.colophon_xml import (
    colophon_section,
    footer_parts,
    with_footer_relationships,
    with_footer_types,
)
from reportgen.render.docx.engine import CompiledDocx, compile_docx
from reportgen.render.docx.layout import PORTRAIT_END, WITH_ATTACHMENTS, WITHOUT_ATTACHMENTS
from reportgen.render.docx.picture_xml import (
    CONTENT_TYPES,
    RELATIONSHIPS,
    SEAL_MEMBER,
    Picture,
    fit,
    picture_paragraphs,
    seal_paragraph,
    with_png_type,
    with_relationships,
    with_seal_relationship,
)
from reportgen.render.docx.table_xml import body_table_xml, table_xml
from reportgen.render.options import RenderOptions
from reportgen.templating.sandbox import ReportEnvironment


def render_docx(document: Document, env: ReportEnvironment, options: RenderOptions) -> bytes:
    return render_docx_noticed(document, env, options)[0]


def render_docx_noticed(
    document: Document, env: ReportEnvironment, options: RenderOptions
) -> tuple[bytes, list[Finding]]:
    """The .docx and what it could not print: a 版头, 印章 or 版记 the ledger has and the template has
    no place for (RG312, ``missing_parts``) — a user's Word template made before them prints the rest,
    and says so rather than dropping them silently."""
    path = _template_path(document, env, options)
    template = load_template(path)
    return render_with(template, document, env), missing_parts(template, document, path)


@dataclass(frozen=True)
class TemplateFill:
    """What a template part renders with (the context of docs/templates.md), and the XML our own code
    built that each placeholder in it stands for; ``pictures`` are each attachment's charts, and
    ``sealed``/``colophon`` whether the template has a place for the 印章 and the 版记 the document has."""

    context: dict[str, object]
    fragments: dict[str, str]
    pictures: list[list[Picture]]
    sealed: bool
    colophon: bool

    def inline_context(self) -> dict[str, object]:
        """The context with each placeholder replaced by its XML: what a plain docxtpl render is given
        to print the same document (``make bench``), so both engines fill one context."""

        def inline(value: object) -> object:
            if isinstance(value, list):
                return [inline(item) for item in value]
            if isinstance(value, Markup) and str(value) in self.fragments:
                return Markup(self.fragments[str(value)])
            return value

        return {name: inline(value) for name, value in self.context.items()}


def template_fill(template: CompiledDocx, document: Document) -> TemplateFill:
    """The context and placeholders for filling ``template`` with ``document``."""
    # Each table goes in as a placeholder comment and is filled in after the template's own output has
    # been proved well-formed: the table XML is ours, escaped cell by cell, and need not be parsed again.
    # An attachment's charts follow its table in the same fragment, so templates need no tag for them.
    placeholders = [TABLE_PLACEHOLDER.format(i) for i in range(len(document.attachments))]
    pictures = _pictures(document)
    # A template made before attachments had their own page shape (a user's copy of an older
    # report.docx) sets every attachment in its one landscape section: at the landscape width.
    shaped = any(PORTRAIT_TAG in source for source in template.sources.values())
    fragments = {
        placeholder: table_xml(attachment.table, portrait=shaped and attachment.portrait)
        + "".join(picture_paragraphs(p) for p in drawn)
        for placeholder, attachment, drawn in zip(placeholders, document.attachments, pictures, strict=True)
    }
    in_body = [block.table for block in document.blocks if isinstance(block, TableBlock)]
    body_placeholders = [BODY_TABLE_PLACEHOLDER.format(i) for i in range(len(in_body))]
    for placeholder, table in zip(body_placeholders, in_body, strict=True):
        fragments[placeholder] = body_table_xml(table)
    # The 版记 (a template's ``{{p colophon }}``): a section of its own, its footers added members.
    colophon = document.colophon is not None and any(COLOPHON_TAG in s for s in template.sources.values())
    # The 印章 (a template's ``{{p seal }}``): an empty line before the 署名 anchoring the picture.
    sealed = document.seal is not None and any(SEAL_TAG in s for s in template.sources.values())
    context: dict[str, object] = {
        "document": document,
        "tables": [Markup(p) for p in placeholders],
        "body_tables": [Markup(p) for p in body_placeholders],
        "colophon": Markup(COLOPHON_PLACEHOLDER) if colophon else "",
        "seal": Markup(SEAL_PLACEHOLDER) if sealed else "",
    }
    if document.banner is not None:  # 版头 (GB/T 9704 7.2): {{p banner }} above the title
        fragments[BANNER_PLACEHOLDER] = banner_xml(document.banner)
        context["banner"] = Markup(BANNER_PLACEHOLDER)
    if sealed:
        seal = document.seal
        assert seal is not None
        fragments[SEAL_PLACEHOLDER] = seal_paragraph(seal.width, seal.height, seal.centre_quarters, SEAL_MM)
    return TemplateFill(context, fragments, pictures, sealed, colophon)


def render_with(template: CompiledDocx, document: Document, env: ReportEnvironment) -> bytes:
    """Fill an already compiled template (what a batch worker holds) with one document."""
    fill = template_fill(template, document)
    context, fragments, pictures = fill.context, fill.fragments, fill.pictures
    sealed, colophon = fill.sealed, fill.colophon
    replace = {CORE_PART: core_xml(document.title, document.signer, document.issued, "docx")}
    added: list[ZipEntry] = []
    every = [picture for drawn in pictures for picture in drawn]
    parts: dict[str, bytes] = {}
    if every:
        parts[RELATIONSHIPS] = with_relationships(template.member(RELATIONSHIPS), every)
        parts[CONTENT_TYPES] = with_png_type(template.member(CONTENT_TYPES) or b"")
    if sealed:
        parts[RELATIONSHIPS] = with_seal_relationship(
            parts.get(RELATIONSHIPS) or template.member(RELATIONSHIPS)
        )
        parts[CONTENT_TYPES] = with_png_type(
            parts.get(CONTENT_TYPES) or template.member(CONTENT_TYPES) or b""
        )
    if colophon:
        assert document.colophon is not None
        rels = parts.get(RELATIONSHIPS) or with_relationships(template.member(RELATIONSHIPS), ())
        parts[RELATIONSHIPS] = with_footer_relationships(rels)
        parts[CONTENT_TYPES] = with_footer_types(
            parts.get(CONTENT_TYPES) or template.member(CONTENT_TYPES) or b""
        )
    for name, data in parts.items():
        if template.member(name) is None:
            added.append(deflate(name, data))
        else:
            replace[name] = data
    added.extend(deflate(p.member, p.png) for p in every)
    if sealed:
        assert document.seal is not None
        added.append(deflate(SEAL_MEMBER, document.seal.png))
    if colophon:
        assert document.colophon is not None
        added.extend(deflate(name, data) for name, data in footer_parts(document.colophon).items())
    return template.render(env, context, replace, fragments, added, colophon_section if colophon else None)


def _pictures(document: Document) -> list[list[Picture]]:
    """Each attachment's charts as pictures, numbered through the document, sized for the 版心."""
    pictures: list[list[Picture]] = []
    number = 0
    for attachment in document.attachments:
        drawn: list[Picture] = []
        for chart in attachment.charts:
            number += 1
            image = chart_image(chart)
            width, height = fit(image.width_emu, image.height_emu)
            drawn.append(Picture(number, image.png, width, height, chart.caption, chart.description))
        pictures.append(drawn)
    return pictures


TABLE_PLACEHOLDER = "<!--reportgen:table:{}-->"
BODY_TABLE_PLACEHOLDER = "<!--reportgen:body-table:{}-->"
BANNER_PLACEHOLDER = "<!--reportgen:banner-->"
PORTRAIT_TAG = "attachment.portrait"  # what a template that gives each attachment its page shape asks
COLOPHON_TAG = "colophon"  # what a template that prints the 版记 asks (``{{p colophon }}``)
SEAL_TAG = "seal"  # what a template that places the 印章 asks (``{{p seal }}``)
SEAL_PLACEHOLDER = "<!--reportgen:seal-->"
BANNER_TAG = "banner"  # what a template that prints the 版头 asks (``{{p banner }}``)


# What a template prints a part of the document with, and the part's name in a notice.
_PARTS = (
    (BANNER_TAG, "版头", "{{p banner }}"),
    (SEAL_TAG, "印章", "{{p seal }}"),
    (COLOPHON_TAG, "版记", "{{p colophon }}"),
)


def missing_parts(template: CompiledDocx, document: Document, path: Path) -> list[Finding]:
    """RG312 (警告) for each of the document's 版头, 印章 and 版记 that ``template`` has no tag for."""
    present = {BANNER_TAG: document.banner, SEAL_TAG: document.seal, COLOPHON_TAG: document.colophon}
    found = []
    for tag, part, example in _PARTS:
        if present[tag] is not None and not any(tag in source for source in template.sources.values()):
            message = f"台账有{part}，但模板中没有放{part}的段落（{example}），报告中不会印出{part}"
            expected = f"在模板中加一段 {example}（见 docs/templates.md），或用默认模板"
            found.append(Finding(Problem("RG312", message, file=path, expected=expected), Severity.WARNING))
    return found


MAX_TEMPLATE_BYTES = 32 * 1024 * 1024  # a letterhead template with its images is well under 1 MiB


def load_template(path: Path) -> CompiledDocx:
    """The compiled template for ``path``, reused while the file is unchanged (batches reuse it)."""
    try:
        info: os.stat_result | None = path.stat()
    except (OSError, ValueError):
        info = None
    if info is None or not stat.S_ISREG(info.st_mode):
        read_docx_template(path)  # raises the reason (missing, a folder, a FIFO …) as RG305
    assert info is not None
    return _compiled(path.resolve(), info.st_mtime_ns, info.st_size)


def read_docx_template(path: Path) -> bytes:
    """A user's .docx template's bytes: a regular file of at most ``MAX_TEMPLATE_BYTES``, else RG305."""
    return read_input(
        path, limit=MAX_TEMPLATE_BYTES, error=TemplateError, code="RG305", expected="存在的 .docx 文件"
    )


def template_bytes(source: str | os.PathLike[str] | bytes | BinaryIO, name: str | None) -> tuple[bytes, str]:
    """A user's template given as a path, its bytes or a binary file object (``reportgen.Template``):
    its bytes, at most ``MAX_TEMPLATE_BYTES`` however given (RG305 beyond), and the name messages use."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return read_docx_template(path), name or os.fspath(path)
    shown = name or getattr(source, "name", None)
    shown = shown if isinstance(shown, str) else DEFAULT_TEMPLATE_NAME
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        data = source.read(MAX_TEMPLATE_BYTES + 1)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            Problem(
                "RG305",
                f"模板超过 {MAX_TEMPLATE_BYTES // 2**20} MiB",
                file=Path(shown),
                expected="Word 保存的 .docx（带图片的信笺模板也远小于 1 MiB）",
            )
        )
    return data, shown


DEFAULT_TEMPLATE_NAME = "<模板>"  # the file a message names when the template came as bytes


@lru_cache(maxsize=32)
def _compiled(path: Path, mtime_ns: int, size: int) -> CompiledDocx:
    return compile_docx(read_docx_template(path), os.fspath(path))


def _template_path(document: Document, env: ReportEnvironment, options: RenderOptions) -> Path:
    if options.docx_template is not None:
        return options.docx_template
    if not document.attachments:
        names: tuple[str, ...] = (WITHOUT_ATTACHMENTS,)
    elif document.attachments[-1].portrait:
        # a folder's own report.docx before the next folder's portrait-ending one: a user's
        # template is kept (its last 附件 then landscape), never passed over for ours
        names = (PORTRAIT_END, WITH_ATTACHMENTS)
    else:
        names = (WITH_ATTACHMENTS,)
    for folder in env.folders:
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    name = names[0]
    raise TemplateError(Problem("RG305", f"找不到 .docx 模板 {name}", expected="templates/ 下的默认模板"))
