"""One unit of a batch: what a worker is sent, what it does, what it sends back.

A job carries the ledger's bytes (or an already loaded ``Ledger``), never an open file or a Jinja
environment, so it pickles to a process pool or a Dask worker.  The worker renders every format in
memory and returns the bytes; the coordinating process writes them, so the output folder need not
be shared with a cluster and every file is written atomically in one place.  A failure is returned
as data (code and message), never raised: one bad unit never stops the others.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.api import Report
from reportgen.errors import RenderError, ReportError
from reportgen.ledger import parse_ledger
from reportgen.model import Ledger
from reportgen.render import WRITERS, RenderOptions


@dataclass(frozen=True, slots=True)
class Job:
    unit: str
    source: bytes | Ledger  # the ledger file's bytes, or a ledger loaded by the caller
    source_name: str  # file path shown in messages
    formats: tuple[str, ...]
    options: RenderOptions
    templates: tuple[Path, ...] = ()


@dataclass(slots=True)
class UnitResult:
    unit: str
    status: str  # ok | partial | failed | skipped
    code: str = ""
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    findings: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes, dropped once written


def run_job(job: Job) -> UnitResult:
    """Render one unit in memory.  PDF comes last: if it fails, the other formats still stand."""
    started = time.perf_counter()
    result = UnitResult(job.unit, "ok")
    try:
        ledger = job.source if isinstance(job.source, Ledger) else parse_ledger(job.source, job.source_name)
        report = Report(ledger, templates=job.templates, options=job.options)
        result.findings = len(report.check())
        for fmt in sorted(job.formats, key=lambda f: f == "pdf"):
            extension = WRITERS[fmt][0] if fmt in WRITERS else fmt
            try:
                result.files[extension] = report.to_bytes(fmt)
            except RenderError as error:
                if fmt != "pdf" or not result.files:
                    raise
                _fail(result, error, "partial")
    except ReportError as error:
        result.files.clear()
        _fail(result, error, "failed")
    except Exception as error:  # a bug of ours must not stop the batch; it is reported as RG501
        result.files.clear()
        result.status, result.code = "failed", "RG501"
        result.message = (
            f"内部错误：{type(error).__name__}: {error}（{traceback.format_exc(limit=-1).strip()}）"
        )
    result.seconds = time.perf_counter() - started
    return result


def _fail(result: UnitResult, error: ReportError, status: str) -> None:
    first = error.problems[0]
    result.status, result.code = status, first.code
    result.message = "；".join(p.describe() for p in error.problems[:3])
