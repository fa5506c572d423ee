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
from dataclasses import dataclass
from pathlib import Path

from reportgen.api import DEFAULT_CHOICES, Report, ReportChoices
from reportgen.base.errors import BatchError, Problem, ReportError
from reportgen.base.escape import code_points
from reportgen.batch.executors import EXECUTORS, default_workers
from reportgen.batch.fingerprint import environment_fingerprint, is_current, unit_fingerprint
from reportgen.batch.jobs import Job, UnitResult, write_outputs
from reportgen.batch.progress import BatchProgress
from reportgen.batch.summary import BatchSummary
from reportgen.batch.tree import file_key, levels, tree_digest, units_of, wanted_units
from reportgen.batch.worker import DEFAULT_LIMITS, Limits
from reportgen.ledger.yaml.read import read_ledger_file
from reportgen.model import Ledger
from reportgen.render import DEFAULT_OPTIONS, WRITERS, RenderOptions, parse_formats
from reportgen.render.output import DEFAULT_NAME, STALE_AFTER, remove_stale_temps, safe_name
from reportgen.rollup import UnitSummary

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
    choices: ReportChoices = DEFAULT_CHOICES,
    options: RenderOptions = DEFAULT_OPTIONS,
    templates: Iterable[str | Path] = (),
    progress: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> BatchSummary:
    """Render every ledger (paths, loaded ``Report``s or ``Ledger``s) into ``out/<unit>/``.

    ``executor`` is ``process`` (a pool of ``jobs`` processes, default one per core), ``dask``
    (``scheduler`` address, or a LocalCluster of ``jobs`` workers) or ``serial``.  A failing unit is
    recorded and the batch goes on; ``out/batch-summary.json`` and ``.csv`` list every unit.
    ``limits`` bounds each unit's wall-clock time and memory (RG505, RG506); ``NO_LIMITS`` with the
    serial executor runs the units in this process.
    """
    wanted = parse_formats(formats)
    if executor not in EXECUTORS:
        raise BatchError(Problem("RG503", f"未知的执行器“{executor}”", expected="、".join(EXECUTORS)))
    out = Path(out)
    stale_before = time.time() - STALE_AFTER
    remove_stale_temps(out, stale_before)
    if "pdf" in wanted:  # many PDFs: each worker keeps a LibreOffice warm
        options = dataclasses.replace(options, pdf_warm=True)
    template_dirs = tuple(Path(t) for t in templates)
    environment = environment_fingerprint(template_dirs, choices, options, wanted)
    workers = jobs or default_workers()
    total = len(ledgers) if isinstance(ledgers, Sized) else None
    started = time.perf_counter()
    results: list[UnitResult] = []
    stems: set[str] = set()  # the ledger files' own stems: the same one twice is RG502
    taken: set[str] = set()  # unit names given, case-folded (one folder on Windows' and macOS' disks)
    notes: dict[str, str] = {}  # unit → why its name is not the file's
    position: dict[str, int] = {}  # unit → its place in the input, for the summary's order
    stamps: dict[str, str] = {}
    early: deque[UnitResult] = deque()
    local = executor != "dask"  # results decided here (skipped, duplicate) without a worker
    # 汇总 (batch.tree): parents wait for their units; the summaries parents want are kept
    wanted_summaries = wanted_units(ledgers) if isinstance(ledgers, (list, tuple)) else set()
    held: list[_Held] = []
    summaries: dict[str, UnitSummary] = {}
    failed: dict[str, str] = {}  # a unit's file key → “unit”（code）, when it failed
    key_of: dict[str, str] = {}  # unit → its ledger file's key

    def job_stream(items: Iterable[tuple[int, Source]], parents: dict[str, tuple[str, ...]]) -> Iterator[Job]:
        for index, item in items:
            described = _describe(item)
            if isinstance(described, UnitResult):
                position[described.unit] = index
                early.append(described)
                continue
            unit, source, name, raw, stem = described
            key = file_key(name) if isinstance(source, bytes) else None
            units: tuple[str, ...] | None = parents.get(key) if key is not None else None
            if not parents and raw is not None and key is not None:
                try:
                    units = units_of(raw, name)
                except ReportError:
                    units = None  # its own load reports the 汇总 (RG130)
                if units:
                    held.append(_Held(index, item, key, units))
                    continue
            if stem in stems:
                position[unit] = index
                early.append(
                    UnitResult(unit, "failed", "RG502", f"单位名称“{unit}”重复（{name}），输出会互相覆盖")
                )
                continue
            stems.add(stem)
            unit = _distinct(unit, taken)
            taken.add(unit.casefold())
            position[unit] = index
            if key is not None:
                key_of[unit] = key
            if unit != stem:
                notes[unit] = (
                    f"台账文件名“{code_points(stem)}”不能直接作文件夹名或与其他单位重名，输出在“{unit}”"
                )
            if units and (lost := [failed[u] for u in units if u in failed]):
                early.append(
                    UnitResult(
                        unit,
                        "failed",
                        "RG507",
                        "下级单位"
                        + "".join(lost[:8])
                        + (f"等 {len(lost)} 个" if len(lost) > 8 else "")
                        + "未能生成，本级不汇总（先处理下级单位的问题）",
                    )
                )
                continue
            folder = out / unit
            remove_stale_temps(folder, stale_before)
            stamp: str | None = None
            if raw is not None:
                tree = tree_digest(raw, name) if units else b""
                stamp = unit_fingerprint(environment, raw + tree)
                outputs = [folder / (unit + WRITERS[f][0]) for f in wanted]
                if not force and is_current(folder, stamp, outputs):
                    early.append(UnitResult(unit, "skipped", outputs=[str(p) for p in outputs]))
                    continue
            # a ledger file may name files beside it (its 印章, its units): the worker reads them there
            files = Path(name).resolve().parent if isinstance(source, bytes) else None
            known = {u: summaries[u] for u in units or () if u in summaries}
            summary_key = key if key in wanted_summaries else None
            if local:
                yield Job(
                    unit, source, name, wanted, options, choices, template_dirs, out, stamp, files,
                    known=known, summary_key=summary_key,
                )  # fmt: skip
            else:  # a cluster's workers may not see this file system: they send the bytes back
                if stamp is not None:
                    stamps[unit] = stamp
                yield Job(
                    unit, source, name, wanted, options, choices, template_dirs, files=files,
                    known=known, summary_key=summary_key,
                )  # fmt: skip

    run = EXECUTORS[executor]

    def execute(stream: Iterator[Job]) -> Iterator[UnitResult]:
        arguments = (stream, workers, limits) if executor != "dask" else (stream, workers, scheduler, limits)
        return run(*arguments)

    def waves() -> Iterator[Iterator[UnitResult]]:
        """The first wave streams the input, holding back the parents; then one wave per level."""
        yield execute(job_stream(enumerate(ledgers), {}))
        parents = {h.key: h.units for h in held}
        level = levels(parents)
        for wave in sorted(set(level.values())):
            items = [(h.index, h.item) for h in held if level[h.key] == wave]
            yield execute(job_stream(iter(items), parents))

    with BatchProgress(total, enabled=progress) as bar:
        for wave_results in waves():
            for result in _interleave(wave_results, early):
                if result.files:
                    write_outputs(result, out, stamps.pop(result.unit, None))
                if result.unit in notes:
                    result.message = "；".join(filter(None, (result.message, notes.pop(result.unit))))
                key = key_of.get(result.unit)
                if key is not None and result.status == "failed":
                    failed[key] = f"“{result.unit}”（{result.code}）"
                if key is not None and result.summary is not None and result.status != "failed":
                    summaries[key] = result.summary
                result.summary = None
                bar.advance(result)
                results.append(result)
    results.sort(key=lambda r: position.get(r.unit, len(position)))  # input order, whatever finished first
    summary = BatchSummary(results, time.perf_counter() - started, out)
    summary.write()
    return summary


@dataclass(frozen=True, slots=True)
class _Held:
    """A ledger that sums units, held back until they are done: its input position, the item, its
    file's key and its units' keys."""

    index: int
    item: Source
    key: str
    units: tuple[str, ...]


def _interleave(results: Iterator[UnitResult], early: deque[UnitResult]) -> Iterator[UnitResult]:
    """Results from the executor, with the ones the coordinator decided itself as they appear."""
    for result in results:
        while early:
            yield early.popleft()
        yield result
    while early:
        yield early.popleft()


def _distinct(unit: str, taken: set[str]) -> str:
    """``unit``, or ``unit~2``, ``unit~3`` … when another ledger's file name already became it, or
    became it but for case (``Report`` and ``report`` would share a folder on a case-insensitive disk)."""
    number, candidate = 2, unit
    while candidate.casefold() in taken:
        candidate, number = f"{unit}~{number}", number + 1
    return candidate


def _describe(item: Source) -> tuple[str, bytes | Ledger, str, bytes | None, str] | UnitResult:
    """(unit name, what the worker gets, name for messages, bytes to fingerprint or None, the file's
    own stem), or the failed result of a file that cannot be read.  The unit name is ``safe_name`` of
    the stem: it becomes a folder and file names under ``out``."""
    if isinstance(item, Report):
        item = item.ledger
    if isinstance(item, Ledger):
        name = str(item.source) if item.source is not None else "<台账>"
        stem = item.source.stem if item.source is not None else DEFAULT_NAME
        return safe_name(stem), item, name, None, stem
    path = Path(item)
    try:
        raw = read_ledger_file(path)
    except ReportError as error:
        return UnitResult(safe_name(path.stem), "failed", error.code, str(error))
    return safe_name(path.stem), raw, str(path), raw, path.stem
