"""The ``pdf`` format: the report's .docx, printed to PDF by LibreOffice, made reproducible.

The PDF is what the .docx shows (one layout, not two); ``stable_pdf`` removes LibreOffice's clock
time, random id and per-process font numbering so the same ledger gives the same bytes, whether a
fresh LibreOffice made it or a warm one from ``pool``, and declares the output's language
(``Document.language``: zh-CN, or zh-Hant… for Traditional output) whatever the machine's locale.
``render_pdf_noticed`` also says which fonts the PDF printed with instead of the ones the .docx
names (RG412, ``fonts``).
"""

from __future__ import annotations

from reportgen.base.errors import Finding
from reportgen.document.blocks import Document
from reportgen.render.docx import render_docx_noticed
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.package import refuse_outside_references
from reportgen.render.pdf.fonts import pdf_font_findings
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.pool import pool_available, shared_pool
from reportgen.render.pdf.punctuation import punctuation_kept
from reportgen.render.pdf.reproducible import stable_pdf
from reportgen.templating.sandbox import ReportEnvironment


def render_pdf(document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    """The PDF alone (``render_pdf_noticed`` without its notices): the ``WRITERS`` signature."""
    return render_pdf_noticed(document, env, options)[0]


def render_pdf_noticed(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> tuple[bytes, list[Finding]]:
    """The PDF and its RG412 notices: every font of the .docx that the PDF printed with another
    (``fonts.pdf_font_findings``, read back from the PDF's embedded fonts; never an error).

    One cold LibreOffice run, or this process's warm pool when ``options.pdf_warm`` asks for it and
    the UNO bridge is installed; ``stable_pdf`` makes both give the same bytes.  The pool is shared by
    every render of the process, so each conversion passes its own ``pdf_timeout``: the limit the pool
    was created with belongs to whichever render came first.  A .docx with a relationship leaving the
    package is RG411 before LibreOffice starts (docs/security.md)."""
    source, missing = render_docx_noticed(document, env, options)
    # The converters refuse it too; here the message can name the template the links came from.
    template = f"由模板 {options.docx_template} 生成的 .docx" if options.docx_template else None
    refuse_outside_references(source, ".docx", template)
    source = punctuation_kept(source)  # a user's template: no ，。、 lost at a full line's end
    if options.pdf_warm and pool_available():
        data = shared_pool().convert(
            source, ".docx", timeout=options.pdf_timeout, archive=options.pdf_archive
        )
    else:
        data = convert_to_pdf(source, ".docx", timeout=options.pdf_timeout, archive=options.pdf_archive)
    return stable_pdf(data, document.issued, document.language), missing + pdf_font_findings(source, data)
