"""What a caller may choose about the outputs, separate from what the ledger says.

One frozen value passed to every writer, so the CLI, the Python API and a batch worker express a
choice (a user's .docx template, 合计 as formulas in the .xlsx) the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RenderOptions:
    docx_template: Path | None = None  # a Word file with docxtpl tags; default: templates/report*.docx
    xlsx_total_formulas: bool = False  # 合计 as =SUM() formulas (with cached values) instead of values
    pdf_timeout: float = 120.0  # seconds LibreOffice may take for one document
    script: str = "hans"  # a key of document.traditional.SCRIPTS: hans, or hant… (Traditional, OpenCC)
    pdf_warm: bool = False  # keep a LibreOffice running per process (batches): ~10× faster per PDF
    charts: bool | None = None  # the 一览表's charts: True/False, or None for the ledger's 图表 to decide
    kind: str | None = None  # report kind (类型 or pack id, reportgen.kinds); None: the ledger's 类型


DEFAULT_OPTIONS = RenderOptions()
