"""Writers: each lays out a ``document.Document`` in one format and returns bytes.

Writers never compute, round or look at the ledger; they get the finished document and table
spec.  ``WRITERS`` maps a format name (as on the command line) to its writer.
"""

from __future__ import annotations

from collections.abc import Callable

from reportgen.document import Document
from reportgen.render.text import render_html, render_markdown
from reportgen.render.xlsx import render_xlsx
from reportgen.templating import ReportEnvironment

Writer = Callable[[Document, ReportEnvironment], bytes]

WRITERS: dict[str, tuple[str, Writer]] = {
    "md": (".md", render_markdown),
    "html": (".html", render_html),
    "xlsx": (".xlsx", render_xlsx),
}

__all__ = ["WRITERS", "Writer", "render_html", "render_markdown", "render_xlsx"]
