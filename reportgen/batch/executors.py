"""Where jobs run: in this process, in a local process pool, or on a Dask cluster.

Each executor takes a lazy iterable of jobs and yields results as they finish, keeping only a
bounded window of jobs in flight, so 100 000 units never sit in memory at once.  Every unit runs
within ``Limits`` (time and memory) in a worker process that is killed when it is over them
(``reportgen.batch.worker``); only the serial executor without limits runs units in this process.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import os
import pickle
import select
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from reportgen.base.errors import BatchError, Problem, os_error_text
from reportgen.batch.jobs import Job, UnitResult, run_job, run_job_pickled
from reportgen.batch.worker import (
    DEFAULT_LIMITS,
    NO_LIMITS,
    Limits,
    Stopped,
    Worker,
    call,
    timeout_message,
)

WINDOW_PER_WORKER = 4


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_serial(jobs: Iterable[Job], workers: int = 1, limits: Limits = NO_LIMITS) -> Iterator[UnitResult]:
    """One unit after another: in this process when unbounded, else in one bounded worker process."""
    if limits != NO_LIMITS:
        yield from run_process_pool(jobs, 1, limits)
        return
    for job in jobs:
        yield run_job(job)


def _died(job: Job) -> UnitResult:
    return UnitResult(
        job.unit, "failed", "RG504", "工作进程异常退出（被终止或内存不足），该单位已重试一次仍未完成"
    )


def _stopped(unit: str, stop: Stopped, seconds: float) -> UnitResult:
    return UnitResult(unit, "failed", stop.code, stop.message, seconds=seconds)


def run_process_pool(
    jobs: Iterable[Job], workers: int, limits: Limits = DEFAULT_LIMITS
) -> Iterator[UnitResult]:
    """``workers`` worker processes, one unit each at a time, every unit within ``limits``.

    The coordinator knows which unit each worker runs and since when, so a unit over its time is
    killed with its worker (RG505) and a fresh worker takes the next unit; a unit over its memory is
    RG506.  A worker that dies otherwise (``kill``, the system's OOM killer) is replaced and its unit
    run once more: the one that dies again is failed (RG504).  Units are pulled from ``jobs`` only
    when a worker is free, so memory stays flat.
    """
    idle: list[Worker] = [Worker(limits) for _ in range(max(1, workers))]
    busy: dict[Worker, tuple[Job, bool]] = {}  # worker → (its unit, whether this is the retry)
    retries: list[Job] = []
    source = iter(jobs)
    try:
        while True:
            while idle:
                retry = bool(retries)
                job = retries.pop() if retries else next(source, None)
                if job is None:
                    break
                worker = idle.pop()
                busy[worker] = (job, retry)
                worker.send(run_job, job)
            if not busy:
                return
            deadlines = [d for d in (w.deadline() for w in busy) if d is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            readable, _, _ = select.select(list(busy), [], [], timeout)
            now = time.monotonic()
            for worker in list(busy):
                job, retry = busy[worker]
                started = worker.started or now
                if worker in readable:
                    del busy[worker]
                    result: UnitResult | None
                    try:
                        result = worker.answer()
                    except Stopped as stop:
                        if stop.code == "RG504" and not retry:
                            result = None
                            retries.append(job)
                        else:
                            result = (
                                _died(job)
                                if stop.code == "RG504"
                                else _stopped(job.unit, stop, now - started)
                            )
                    except RuntimeError as error:
                        result = UnitResult(job.unit, "failed", "RG501", f"内部错误：{error}")
                    idle.append(worker if worker.process.poll() is None else Worker(limits))
                    if result is not None:
                        yield result
                elif (deadline := worker.deadline()) is not None and now >= deadline:
                    del busy[worker]
                    worker.kill()
                    yield _stopped(job.unit, Stopped("RG505", timeout_message(limits)), now - started)
                    idle.append(Worker(limits))
    finally:
        for worker in busy:
            worker.kill()
        for worker in idle:  # end of input for all first: they close their offices in parallel
            with contextlib.suppress(OSError):
                worker.to_child.close()
        for worker in idle:
            worker.stop()


_dask_worker: Worker | None = None
_dask_lock = threading.Lock()


def run_pickled_job(unit: str, pickled: bytes, limits: Limits) -> UnitResult:
    """A Dask task: the unit in a bounded child of the Dask worker, kept for the next unit.

    The job arrives pickled and is unpickled only in the child, so nothing of the unit runs in the
    Dask worker itself, where it could not be stopped.
    """
    global _dask_worker
    with _dask_lock:
        if _dask_worker is None or _dask_worker.limits != limits or _dask_worker.process.poll() is not None:
            if _dask_worker is not None:
                _dask_worker.kill()
            _dask_worker = Worker(limits)
        started = time.monotonic()
        try:
            result: UnitResult = call(_dask_worker, run_job_pickled, pickled)
        except Stopped as stop:
            _dask_worker = None
            return _stopped(unit, stop, time.monotonic() - started)
        except RuntimeError as error:
            return UnitResult(unit, "failed", "RG501", f"内部错误：{error}")
        return result


def run_dask(
    jobs: Iterable[Job], workers: int, scheduler: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Iterator[UnitResult]:
    """On a Dask cluster (``scheduler`` address) or a LocalCluster of ``workers`` processes.

    Workers only compute; the results (bytes) come back here and are written by the caller, so the
    cluster needs no shared file system.  Dask retries a task whose worker died; when it gives up
    (KilledWorker), that unit is failed with RG504.
    """
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError:
        raise BatchError(
            Problem("RG503", "未安装 Dask（distributed）", expected="pip install 'reportgen[dask]'")
        ) from None
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout="10s")
        else:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=40,
            )
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise BatchError(
            Problem(
                "RG503",
                "无法连接 Dask 调度器（"
                + ("10 秒内没有连上" if isinstance(exc, TimeoutError) else os_error_text(exc))
                + "）",
                value=scheduler,
                expected="tcp://主机:8786",
            )
        ) from None
    try:
        source = iter(jobs)
        jobs_of: dict[Any, Job] = {}
        window = distributed.as_completed()

        def submit(job: Job) -> None:
            if limits == NO_LIMITS:
                future = client.submit(run_job, job, pure=False)
            else:
                future = client.submit(run_pickled_job, job.unit, pickle.dumps(job), limits, pure=False)
            jobs_of[future] = job
            window.add(future)

        for job in itertools.islice(source, workers * WINDOW_PER_WORKER):
            submit(job)
        for future in window:
            job = jobs_of.pop(future)
            try:
                yield future.result()
            except Exception:  # KilledWorker, or a worker lost mid-task
                yield _died(job)
            future.release()
            following = next(source, None)
            if following is not None:
                submit(following)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


EXECUTORS: dict[str, Callable[..., Iterator[UnitResult]]] = {
    "serial": run_serial,
    "process": run_process_pool,
    "dask": run_dask,
}
