"""What a caller may choose about how each format is written, separate from what the ledger says.

One frozen value passed to every writer, so the CLI, the Python API and a batch worker express a
choice (a user's .docx template, 合计 as formulas in the .xlsx) the same way.  It holds only what a
writer reads; the choices about the report itself (its kind, charts, script) are
``reportgen.api.ReportChoices``, decided before any writer runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class RenderOptions:
    docx_template: Path | None = None  # a Word file with docxtpl tags; default: templates/report*.docx
    xlsx_total_formulas: bool = False  # 合计 and a 表格's computed cells as formulas (values cached)
    pdf_timeout: float = 120.0  # seconds LibreOffice may take for one document
    pdf_warm: bool = False  # keep a LibreOffice running per process (batches): ~10× faster per PDF
    pdf_archive: bool = False  # PDF/A-2b for archiving (fonts embedded, tagged, XMP; docs/api.md)


DEFAULT_OPTIONS = RenderOptions()
