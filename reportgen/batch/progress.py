"""Batch progress: a rich progress bar on a terminal, plain log lines elsewhere (CI, cron).

Shows units done and failed, the rate and, when the number of units is known, the ETA.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from reportgen.batch.jobs import UnitResult

LOG_EVERY_SECONDS = 5.0


class BatchProgress:
    def __init__(self, total: int | None, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = self.failed = self.skipped = 0
        self.started = time.perf_counter()
        self._last_log = self.started
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> BatchProgress:
        if self.enabled and self.stream.isatty():
            self._bar = Progress(
                TextColumn("[bold]生成"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("失败 {task.fields[failed]}  {task.fields[rate]:.1f} 个/秒"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("batch", total=self.total, failed=0, rate=0.0)
        return self

    @property
    def rate(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def advance(self, result: UnitResult) -> None:
        self.done += 1
        self.failed += result.status in ("failed", "partial")
        self.skipped += result.status == "skipped"
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, failed=self.failed, rate=self.rate)
        elif self.enabled and time.perf_counter() - self._last_log >= LOG_EVERY_SECONDS:
            self._last_log = time.perf_counter()
            self._log()

    def _log(self) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        print(
            f"[批量] 已完成 {self.done}{of}，失败 {self.failed}，跳过 {self.skipped}，{self.rate:.1f} 个/秒",
            file=self.stream,
            flush=True,
        )

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        if self.enabled:
            self._log()
