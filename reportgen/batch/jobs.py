"""One unit of a batch: what a worker is sent, what it does, what it sends back.

A job carries the ledger's bytes (or an already loaded ``Ledger``), never an open file or a Jinja
environment, so it pickles to a process pool or a Dask worker.  The worker renders every format in
memory, then writes each file atomically.  A failure is returned
as data (code and message), never raised: one bad unit never stops the others.  Local workers
write their own outputs (in parallel, no bytes through a pipe); cluster workers send bytes back.
"""

from __future__ import annotations

import pickle
import resource
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.api import DEFAULT_CHOICES, Report, ReportChoices, kind_needs
from reportgen.base.errors import RenderError, ReportError
from reportgen.batch.fingerprint import STAMP_NAME, stamp_text
from reportgen.batch.worker import office_hint
from reportgen.model import Ledger
from reportgen.render import WRITERS, RenderOptions
from reportgen.render.output import write_atomic
from reportgen.rollup import UnitSummary, parse_ledger_tree
from reportgen.rollup.summary import summarize


@dataclass(frozen=True, slots=True)
class Job:
    unit: str
    source: bytes | Ledger  # the ledger file's bytes, or a ledger loaded by the caller
    source_name: str  # file path shown in messages
    formats: tuple[str, ...]
    options: RenderOptions
    choices: ReportChoices = DEFAULT_CHOICES
    templates: tuple[Path, ...] = ()
    out: Path | None = None  # write here (local workers); None: send the bytes back (a cluster)
    stamp: str | None = None  # the inputs' fingerprint, written after the outputs
    files: Path | None = None  # the ledger file's folder, where its 印章 is read; None: held in memory
    # 汇总 (batch.tree): the summaries of this unit's units that the batch rendered, by their file's key;
    # and this unit's own key when a parent in the batch wants its summary back (None: none does)
    known: Mapping[str, UnitSummary] = field(default_factory=dict)
    summary_key: str | None = None


@dataclass(slots=True)
class UnitResult:
    unit: str
    status: str  # ok | partial | failed | skipped
    code: str = ""
    message: str = ""
    outputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    findings: int = 0
    rss_mib: float = 0.0  # the worker's peak resident memory when it finished this unit
    files: dict[str, bytes] = field(default_factory=dict)  # extension → bytes, dropped once written
    summary: UnitSummary | None = None  # for the unit's parents in the batch (Job.summary_key)


def run_job(job: Job) -> UnitResult:
    """Render one unit in memory.  PDF comes last: if it fails, the other formats still stand."""
    started = time.perf_counter()
    result = UnitResult(job.unit, "ok")
    try:
        ledger = (
            job.source
            if isinstance(job.source, Ledger)
            else parse_ledger_tree(
                job.source,
                job.source_name,
                kind_needs(job.templates, job.choices),
                files=job.files,
                unit_needs=kind_needs(job.templates, DEFAULT_CHOICES),
                known=job.known,
            )
        )
        report = Report(ledger, templates=job.templates, choices=job.choices, options=job.options)
        if job.summary_key is not None:
            result.summary = summarize(report.computed, job.summary_key)
        result.findings = len(report.check())
        for fmt in sorted(job.formats, key=lambda f: f == "pdf"):
            extension = WRITERS[fmt][0] if fmt in WRITERS else fmt
            try:
                result.files[extension] = report.to_bytes(fmt)
            except RenderError as error:
                if fmt != "pdf" or not result.files:
                    raise
                _fail(result, error, "partial")
        if result.status == "ok":  # a PDF's substituted fonts (RG412): the unit is fine, its row says so
            result.message = "；".join(notice.describe() for notice in report.render_notices)
    except ReportError as error:
        result.files.clear()
        _fail(result, error, "failed")
    except MemoryError:  # RLIMIT_AS of a bounded worker (reportgen.batch.worker) or the machine's
        result.files.clear()
        result.status, result.code = "failed", "RG506"
        result.message = "内存不足（超过工作进程的内存上限），已停止该单位（可用 --memory-limit 调整）"
    except Exception as error:  # a bug of ours must not stop the batch; it is reported as RG501
        result.files.clear()
        result.status, result.code = "failed", "RG501"
        result.message = (
            f"内部错误：{type(error).__name__}: {error}（{traceback.format_exc(limit=-1).strip()}）"
        )
    if job.out is not None and result.files:
        write_outputs(result, job.out, job.stamp)
    result.seconds = time.perf_counter() - started
    result.rss_mib = peak_rss_mib()
    return result


def peak_rss_mib() -> float:
    """This process's own peak resident memory, MiB: Linux's high-water mark of its address space
    (``VmHWM``), which starts afresh at ``exec``.  ``getrusage``'s ``ru_maxrss`` survives ``execve``
    on Linux, so a worker started by a large coordinator would report the coordinator's size at the
    fork as its own peak (a bench run showed 368 MiB for workers that peak at 90).  Elsewhere (no
    ``/proc``) ``ru_maxrss`` is what there is."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_job_pickled(pickled: bytes) -> UnitResult:
    """``run_job`` of a pickled job: a Dask worker forwards the job to its bounded child unopened."""
    job: Job = pickle.loads(pickled)  # our own coordinator's job, never a ledger's bytes
    return run_job(job)


def write_outputs(result: UnitResult, out: Path, stamp: str | None) -> None:
    """Into ``out/<unit>/``, outputs first, the stamp last (with each output's size and hash): a
    unit interrupted midway, or whose outputs are later cut or lost, is rendered again next time."""
    folder = out / result.unit
    try:
        for extension, data in sorted(result.files.items()):
            path = folder / (result.unit + extension)
            write_atomic(path, data, inside=out)
            result.outputs.append(str(path))
        if stamp is not None and result.status == "ok":
            named = {result.unit + extension: data for extension, data in result.files.items()}
            write_atomic(folder / STAMP_NAME, stamp_text(stamp, named), inside=out)
    except ReportError as error:
        result.status, result.code, result.message = "failed", error.code, str(error)
    finally:
        result.files = {}


def _fail(result: UnitResult, error: ReportError, status: str) -> None:
    first = error.problems[0]
    result.status, result.code = status, first.code
    result.message = "；".join(p.describe() for p in error.problems[:3]) + office_hint(first.code)
