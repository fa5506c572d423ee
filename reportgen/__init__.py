"""reportgen: a civil-affairs bureau's ledger of figures → its published progress reports.

One ledger is the single source of every figure: the narrative quotes figures through filters,
the 一览表 is computed from the same data, so the two can never disagree.  Typical use::

    report = reportgen.load("samples/jialing-2024q3.yaml")   # or an Excel ledger: "台账.xlsx"
    for finding in report.check():
        print(finding.describe())
    report.render("html,md", "out/")
"""

from reportgen.api import Report, ReportChoices, convert_ledger, load, loads, new_ledger
from reportgen.base.errors import BatchError, Finding, LedgerError, RenderError, ReportError, TemplateError
from reportgen.batch import BatchSummary, render_batch
from reportgen.render.options import RenderOptions

__all__ = [
    "BatchError",
    "BatchSummary",
    "Finding",
    "LedgerError",
    "RenderError",
    "RenderOptions",
    "Report",
    "ReportChoices",
    "ReportError",
    "TemplateError",
    "convert_ledger",
    "load",
    "loads",
    "new_ledger",
    "render_batch",
]
__version__ = "0.1.0"
