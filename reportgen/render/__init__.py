"""Writers: each lays out a ``document.Document`` in one format and returns bytes.

Writers never compute, round or look at the ledger; they get the finished document and table
spec.  ``WRITERS`` maps a format name (as on the command line) to its file extension and writer;
``parse_formats`` reads a list of format names the one way the API, the batch and the command share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reportgen.base.errors import Problem, RenderError
from reportgen.document.blocks import Document
from reportgen.render.docx import render_docx
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.pdf.writer import render_pdf, render_pdf_noticed
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


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """The formats asked for, in the order given: ``"md,html,docx"`` as on the command line, or names.
    Each name is stripped and blanks are ignored (``"md, html,"``); RG402 before anything is rendered
    when one is unknown (``check_formats``) or none is named at all."""
    names = formats.split(",") if isinstance(formats, str) else formats
    wanted = tuple(name.strip() for name in names if name.strip())
    if not wanted:  # nothing asked for would write nothing and say nothing
        raise RenderError(Problem("RG402", "没有指定输出格式", expected="、".join(WRITERS)))
    check_formats(wanted)
    return wanted


def check_formats(names: Iterable[str]) -> None:
    """RenderError RG402 naming every one of ``names`` that is no format of ``WRITERS``."""
    unknown = [name for name in names if name not in WRITERS]
    if unknown:
        message = f"不支持的输出格式“{'、'.join(unknown)}”"
        raise RenderError(Problem("RG402", message, expected="、".join(WRITERS)))


__all__ = [
    "DEFAULT_OPTIONS",
    "WRITERS",
    "RenderOptions",
    "Writer",
    "check_formats",
    "parse_formats",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_pdf",
    "render_pdf_noticed",
    "render_xlsx",
]
