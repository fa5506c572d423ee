"""Writers: each lays out a ``document.Document`` in one format and returns bytes.

Writers never compute, round or look at the ledger; they get the finished document and table
spec.  ``WRITERS`` maps a format name (as on the command line) to its file extension and writer;
``parse_formats`` reads a list of format names the one way the API, the batch and the command share.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeAlias

from reportgen.base.errors import Problem, RenderError
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions

if TYPE_CHECKING:
    from reportgen.document.blocks import Document
    from reportgen.render.docx import render_docx
    from reportgen.render.pdf.writer import render_pdf, render_pdf_noticed
    from reportgen.render.text import render_html, render_markdown
    from reportgen.render.xlsx.writer import render_xlsx
    from reportgen.templating.sandbox import ReportEnvironment

Writer: TypeAlias = "Callable[[Document, ReportEnvironment, RenderOptions], bytes]"

# Each writer's module, imported when that format is first written: a command that writes Markdown,
# or only checks, never pays for docxtpl, lxml or openpyxl (issue 18, part 6).
_WRITER_MODULES: dict[str, str] = {
    "render_markdown": "reportgen.render.text",
    "render_html": "reportgen.render.text",
    "render_docx": "reportgen.render.docx",
    "render_xlsx": "reportgen.render.xlsx.writer",
    "render_pdf": "reportgen.render.pdf.writer",
    "render_pdf_noticed": "reportgen.render.pdf.writer",
}


def _lazy_writer(name: str) -> Writer:
    """A writer that imports its module on first call; the module's own function does the work."""

    def write(document: Document, env: ReportEnvironment, options: RenderOptions) -> bytes:
        writer: Writer = getattr(importlib.import_module(_WRITER_MODULES[name]), name)
        return writer(document, env, options)

    write.__name__ = write.__qualname__ = name
    return write


WRITERS: dict[str, tuple[str, Writer]] = {
    "md": (".md", _lazy_writer("render_markdown")),
    "html": (".html", _lazy_writer("render_html")),
    "docx": (".docx", _lazy_writer("render_docx")),
    "xlsx": (".xlsx", _lazy_writer("render_xlsx")),
    "pdf": (".pdf", _lazy_writer("render_pdf")),
}


def __getattr__(name: str) -> object:
    """``reportgen.render.render_docx`` and the other writers by name, imported on first use."""
    if name not in _WRITER_MODULES:
        raise AttributeError(f"module 'reportgen.render' has no attribute {name!r}")
    return getattr(importlib.import_module(_WRITER_MODULES[name]), name)


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
