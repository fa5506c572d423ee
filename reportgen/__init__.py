"""reportgen: a civil-affairs bureau's ledger of figures → its published progress reports.

One ledger is the single source of every figure: the narrative quotes figures through filters,
the 一览表 is computed from the same data, so the two can never disagree.  Typical use::

    report = reportgen.load("samples/jialing-2024q3.yaml")   # or an Excel ledger: "台账.xlsx"
    for finding in report.check():
        print(finding.describe())
    report.render("html,md", "out/")

``reportgen.Template`` fills a user's own docxtpl-syntax Word template with their own data, in the
same sandbox and compiled engine; ``reportgen.Picture``, ``reportgen.RichText``,
``reportgen.RichTextParagraph`` and ``reportgen.Subdoc`` are a picture, formatted text, paragraphs of it
and another .docx's body among those data (docs/api.md).

The names below are imported on first use (module ``__getattr__``): ``import reportgen`` alone, and
so ``reportgen --help``, does not pay for openpyxl, docxtpl, lxml or Jinja (issue 18, part 6).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.api import (
        Report,
        ReportChoices,
        Template,
        convert_ledger,
        from_data,
        load,
        loads,
        new_ledger,
    )
    from reportgen.base.errors import (
        BatchError,
        Finding,
        LedgerError,
        RenderError,
        ReportError,
        TemplateError,
    )
    from reportgen.base.images import Picture
    from reportgen.base.richtext import RichText, RichTextParagraph
    from reportgen.batch import BatchSummary, render_batch
    from reportgen.render.docx.subdoc import Subdoc
    from reportgen.render.options import RenderOptions

# public name → the module that defines it
_LAZY: dict[str, str] = {
    "BatchError": "reportgen.base.errors",
    "BatchSummary": "reportgen.batch.summary",
    "Finding": "reportgen.base.errors",
    "LedgerError": "reportgen.base.errors",
    "Picture": "reportgen.base.images",
    "RenderError": "reportgen.base.errors",
    "RenderOptions": "reportgen.render.options",
    "Report": "reportgen.api",
    "ReportChoices": "reportgen.api",
    "ReportError": "reportgen.base.errors",
    "RichText": "reportgen.base.richtext",
    "RichTextParagraph": "reportgen.base.richtext",
    "Subdoc": "reportgen.render.docx.subdoc",
    "Template": "reportgen.api",
    "TemplateError": "reportgen.base.errors",
    "convert_ledger": "reportgen.api",
    "from_data": "reportgen.api",
    "load": "reportgen.api",
    "loads": "reportgen.api",
    "new_ledger": "reportgen.api",
    "render_batch": "reportgen.batch.run",
}

__all__ = [
    "BatchError",
    "BatchSummary",
    "Finding",
    "LedgerError",
    "Picture",
    "RenderError",
    "RenderOptions",
    "Report",
    "ReportChoices",
    "ReportError",
    "RichText",
    "RichTextParagraph",
    "Subdoc",
    "Template",
    "TemplateError",
    "convert_ledger",
    "from_data",
    "load",
    "loads",
    "new_ledger",
    "render_batch",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """Import the module that defines ``name`` on first use and keep the value here."""
    if name not in _LAZY:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
