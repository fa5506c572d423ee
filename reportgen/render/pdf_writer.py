"""The ``pdf`` format: the report's .docx, printed to PDF by LibreOffice, made reproducible.

The PDF is what the .docx shows (one layout, not two); ``stable_pdf`` removes LibreOffice's clock
time and random id so the same ledger gives the same bytes.
"""

from __future__ import annotations

from reportgen.document import Document
from reportgen.render.docx import render_docx
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.pdf import convert_to_pdf, stable_pdf
from reportgen.templating import ReportEnvironment


def render_pdf(document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS) -> bytes:
    data = convert_to_pdf(render_docx(document, env, options), ".docx", timeout=options.pdf_timeout)
    return stable_pdf(data, document.issued)
