"""Writers: each lays out a ``document.Document`` in one format and returns bytes.

Writers never compute, round or look at the ledger; they get the finished document and table
spec.  ``WRITERS`` maps a format name (as on the command line) to its file extension and writer.
"""

from __future__ import annotations

from collections.abc import Callable

from reportgen.document.build import Document
from reportgen.render.docx import render_docx
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.pdf.writer import render_pdf
from reportgen.render.text import render_html, render_markdown
from reportgen.render.xlsx.writer import render_xlsx
from reportgen.templating.sandbox import ReportEnvironment

Writer = Callable[[Document, ReportEnvironment, RenderOptions], bytes]

WRITERS: dict[str, tuple[str, Writer]] = {
    "md": (".md", render_markdown),
    "html": (".html", render_html),
    "docx": (".docx", render_docx),
    "xlsx": (".xlsx", render_xlsx),
    "pdf": (".pdf", render_pdf),
}

__all__ = [
    "DEFAULT_OPTIONS",
    "WRITERS",
    "RenderOptions",
    "Writer",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_pdf",
    "render_xlsx",
]
