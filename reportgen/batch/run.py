"""``render_batch``: many ledgers, every format, one folder per unit, a summary at the end.

The coordinator reads each ledger's bytes, skips a unit whose inputs and templates are unchanged
since its last render, sends the rest to an executor, and writes what comes back atomically into
``out/<unit>/``.  Inputs are consumed lazily and results are written as they arrive, so memory
stays flat however many units there are.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from pathlib import Path

from reportgen.api import Report
from reportgen.batch.executors import EXECUTORS, default_workers
from reportgen.batch.fingerprint import environment_fingerprint, is_current, unit_fingerprint
from reportgen.batch.jobs import Job, UnitResult, write_outputs
from reportgen.batch.progress import BatchProgress
from reportgen.batch.summary import BatchSummary
from reportgen.errors import BatchError, Problem, os_error_text
from reportgen.model import Ledger
from reportgen.render import DEFAULT_OPTIONS, WRITERS, RenderOptions

Source = str | Path | Report | Ledger


def render_batch(
    ledgers: Iterable[Source],
    formats: str | Iterable[str] = ("docx", "xlsx"),
    out: str | Path = "out",
    *,
    executor: str = "process",
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    options: RenderOptions = DEFAULT_OPTIONS,
    templates: Iterable[str | Path] = (),
    progress: bool = True,
) -> BatchSummary:
    """Render every ledger (paths, loaded ``Report``s or ``Ledger``s) into ``out/<unit>/``.

    ``executor`` is ``process`` (a pool of ``jobs`` processes, default one per core), ``dask``
    (``scheduler`` address, or a LocalCluster of ``jobs`` workers) or ``serial``.  A failing unit is
    recorded and the batch goes on; ``out/batch-summary.json`` and ``.csv`` list every unit.
    """
    wanted = tuple(
        f.strip() for f in (formats.split(",") if isinstance(formats, str) else formats) if f.strip()
    )
    unknown = [f for f in wanted if f not in WRITERS]
    if unknown:
        raise BatchError(
            Problem("RG402", f"不支持的输出格式“{'、'.join(unknown)}”", expected="、".join(WRITERS))
        )
    if executor not in EXECUTORS:
        raise BatchError(Problem("RG503", f"未知的执行器“{executor}”", expected="、".join(EXECUTORS)))
    out = Path(out)
    if "pdf" in wanted:  # many PDFs: each worker keeps a LibreOffice warm
        options = dataclasses.replace(options, pdf_warm=True)
    template_dirs = tuple(Path(t) for t in templates)
    environment = environment_fingerprint(template_dirs, options, wanted)
    workers = jobs or default_workers()
    total = len(ledgers) if isinstance(ledgers, Sized) else None
    started = time.perf_counter()
    results: list[UnitResult] = []
    seen: set[str] = set()
    seen_order: list[str] = []
    stamps: dict[str, str] = {}
    early: deque[UnitResult] = deque()
    local = executor != "dask"  # results decided here (skipped, duplicate) without a worker

    def job_stream() -> Iterator[Job]:
        for item in ledgers:
            described = _describe(item)
            if isinstance(described, UnitResult):
                seen_order.append(described.unit)
                early.append(described)
                continue
            unit, source, name, raw = described
            seen_order.append(unit)
            if unit in seen:
                early.append(
                    UnitResult(unit, "failed", "RG502", f"单位名称“{unit}”重复（{name}），输出会互相覆盖")
                )
                continue
            seen.add(unit)
            folder = out / unit
            stamp: str | None = None
            if raw is not None:
                stamp = unit_fingerprint(environment, raw)
                outputs = [folder / (unit + WRITERS[f][0]) for f in wanted]
                if not force and is_current(folder, stamp, outputs):
                    early.append(UnitResult(unit, "skipped", outputs=[str(p) for p in outputs]))
                    continue
            if local:
                yield Job(unit, source, name, wanted, options, template_dirs, out, stamp)
            else:  # a cluster's workers may not see this file system: they send the bytes back
                if stamp is not None:
                    stamps[unit] = stamp
                yield Job(unit, source, name, wanted, options, template_dirs)

    run = EXECUTORS[executor]
    arguments = (job_stream(), workers) if executor != "dask" else (job_stream(), workers, scheduler)
    with BatchProgress(total, enabled=progress) as bar:
        for result in _interleave(run(*arguments), early):
            if result.files:
                write_outputs(result, out / result.unit, stamps.pop(result.unit, None))
            bar.advance(result)
            results.append(result)
    order = {unit: index for index, unit in enumerate(seen_order)}
    results.sort(key=lambda r: order.get(r.unit, len(order)))  # input order, whatever finished first
    summary = BatchSummary(results, time.perf_counter() - started, out)
    summary.write()
    return summary


def _interleave(results: Iterator[UnitResult], early: deque[UnitResult]) -> Iterator[UnitResult]:
    """Results from the executor, with the ones the coordinator decided itself as they appear."""
    for result in results:
        while early:
            yield early.popleft()
        yield result
    while early:
        yield early.popleft()


def _describe(item: Source) -> tuple[str, bytes | Ledger, str, bytes | None] | UnitResult:
    """(unit name, what the worker gets, name for messages, bytes to fingerprint or None), or the
    failed result of a file that cannot be read."""
    if isinstance(item, Report):
        item = item.ledger
    if isinstance(item, Ledger):
        name = str(item.source) if item.source is not None else "<台账>"
        return (item.source.stem if item.source is not None else "report"), item, name, None
    path = Path(item)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return UnitResult(path.stem, "failed", "RG101", f"{path}：无法读取文件（{os_error_text(exc)}）")
    return path.stem, raw, str(path), raw
