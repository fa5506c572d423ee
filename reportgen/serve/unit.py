"""What a bounded worker process does for one upload: check the ledger, render a format, draw the pages.

These functions run in the child of ``reportgen.batch.worker`` (``jobs`` sends them by name), so a
ledger that makes reportgen run too long or grow too big is stopped there, never in the web server.
They take and return plain values (paths as ``str``, problems as dicts of text) that pickle across the
pipe, and they import nothing of the web framework.  The child keeps the last loaded ``Report``, so
the render calls that follow the check do not load the ledger again, and a warm LibreOffice for PDF.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import reportgen
from reportgen.document.build import narrative_context
from reportgen.numbers import format_period
from reportgen.render import RenderOptions

# The check's verdict on every problem, most serious first (the problems table's order).
LEVELS = ("错误", "警告", "提示")
MAX_PAGES = 30  # page images drawn for the preview; the PDF itself has them all
PAGE_DPI = 60

# The worker process lives on from upload to upload: it keeps a LibreOffice running for the PDFs (as a
# batch's workers do), which is killed with it at a limit.
WARM_PDF = RenderOptions(pdf_warm=True)

_last: tuple[tuple[str, str, reportgen.ReportChoices], reportgen.Report] | None = None


def _report(path: str, name: str, choices: reportgen.ReportChoices) -> reportgen.Report:
    """The ledger at ``path`` (shown as ``name`` in messages, never the server's path) with the clerk's
    choices, loaded once."""
    global _last
    if _last is None or _last[0] != (path, name, choices):
        _last = None
        report = reportgen.loads(Path(path).read_bytes(), name, choices=choices, options=WARM_PDF)
        _last = ((path, name, choices), report)
    return _last[1]


def _text(value: object, limit: int = 80) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def problem_row(level: str, problem: Any) -> dict[str, str]:
    """One row of the problems table: 级别, 代码, 单元格/位置, 当前值, 应填, and what is wrong."""
    place = problem.place or ""
    if problem.line is not None:
        place = f"第{problem.line}行 {place}".strip()
    return {
        "level": level,
        "code": problem.code,
        "title": problem.title,
        "place": place,
        "value": _text(problem.value),
        "expected": _text(problem.expected, 200),
        "message": _text(problem.message, 300),
    }


def errors_first(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """错误 before 警告 before 提示, each in ledger order (a stable sort)."""
    return sorted(rows, key=lambda row: LEVELS.index(row["level"]) if row["level"] in LEVELS else len(LEVELS))


def check(path: str, name: str, choices: reportgen.ReportChoices) -> dict[str, Any]:
    """Load and check: ``{"ok": True, unit, title, period, period_order, problems, figures}`` (every figure's
    resolved value, for comparing periods) or ``{"ok": False, code,
    message, problems}`` when the ledger (or its narrative template) has errors, or cannot be drawn as the
    chosen kind (RG104: a part the kind requires is missing) or in the chosen script."""
    try:
        report = _report(path, name, choices)
        findings = report.check()
        title = report.document.title  # rendered: the ledger's 标题 may quote figures
    except reportgen.ReportError as error:
        rows = [problem_row(LEVELS[0], problem) for problem in error.problems]
        return {"ok": False, "code": error.code, "message": error.problems[0].title, "problems": rows}
    ledger = report.ledger
    period = ledger.period
    rows = [problem_row(finding.severity.value, finding.problem) for finding in findings]
    values = report.computed.values
    printed = narrative_context(report.computed)  # each figure as the report prints {{ 编号 }}
    figures = [
        {
            "id": figure.id,
            "name": figure.name,
            "value": format(quantity.value, "f"),  # exact, for the change
            "unit": str(quantity.unit),
            "shown": str(printed[figure.id]),
        }
        for figure in ledger.figures
        if (quantity := values.get(figure.id)) is not None
    ]
    return {
        "ok": True,
        "unit": ledger.filler or ledger.signer or "（未填单位）",
        "title": title,
        "period": format_period(period.year, period.start_month, period.end_month, with_year=True)
        if period is not None
        else "",
        "period_order": f"{period.year:04d}-{period.start_month:02d}-{period.end_month:02d}"
        if period
        else "",
        "problems": errors_first(rows),
        "figures": figures,
    }


def render(path: str, name: str, choices: reportgen.ReportChoices, fmt: str, folder: str) -> dict[str, Any]:
    """Write one format into ``folder``: ``{"ok": True, file, size, notices}`` (``notices``: rows for
    the problems table of what making it noticed, as the command line prints them: for a PDF, RG412
    for every font it printed with another), or ``{"ok": False, code, message}`` when reportgen
    cannot make it (no LibreOffice for PDF: RG404)."""
    try:
        report = _report(path, name, choices)
        (written,) = report.render([fmt], folder)
    except reportgen.ReportError as error:
        return {"ok": False, "code": error.code, "message": str(error)}
    notices = [problem_row(finding.severity.value, finding.problem) for finding in report.render_notices]
    return {"ok": True, "file": written.name, "size": written.stat().st_size, "notices": notices}


def draw_pages(pdf: str, folder: str) -> list[str]:
    """The PDF's first pages as PNG images (``pdftoppm``, from poppler-utils), in page order."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(PAGE_DPI), "-l", str(MAX_PAGES), pdf, str(target / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    # pdftoppm pads the numbers to the page count's width: page-1.png or page-01.png …
    return sorted((p.name for p in target.glob("page-*.png")), key=lambda n: int(n[5:-4]))
