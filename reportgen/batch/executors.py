"""Where jobs run: in this process, in a local process pool, or on a Dask cluster.

Each executor takes a lazy iterable of jobs and yields results as they finish, keeping only a
bounded window of jobs in flight, so 100 000 units never sit in memory at once.  A worker that dies
(killed, out of memory) makes every job then in flight run again, one at a time, on a fresh worker:
the one that dies again is failed (RG504), the others finish.
"""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from reportgen.batch.jobs import Job, UnitResult, run_job
from reportgen.errors import BatchError, Problem, os_error_text

WINDOW_PER_WORKER = 4


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def run_serial(jobs: Iterable[Job], workers: int = 1) -> Iterator[UnitResult]:
    for job in jobs:
        yield run_job(job)


def _died(job: Job) -> UnitResult:
    return UnitResult(
        job.unit, "failed", "RG504", "工作进程异常退出（被终止或内存不足），该单位已重试一次仍未完成"
    )


def run_process_pool(jobs: Iterable[Job], workers: int) -> Iterator[UnitResult]:
    """A pool of worker processes started by forkserver (no threads of ours are forked)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["reportgen.batch.jobs"])

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context)

    pool = new_pool()
    pending: dict[Future[UnitResult], Job] = {}
    source = iter(jobs)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < workers * WINDOW_PER_WORKER:
                job = next(source, None)
                if job is None:
                    exhausted = True
                    break
                pending[pool.submit(run_job, job)] = job
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    pending[future] = job
            if broken:
                # A dead worker breaks the whole pool, and any job in flight may have killed it:
                # run each of them alone on a fresh pool, so only the culprit is failed.
                suspects = list(pending.values())
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                for job in suspects:
                    try:
                        yield pool.submit(run_job, job).result()
                    except BrokenProcessPool:
                        yield _died(job)
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = new_pool()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(jobs: Iterable[Job], workers: int, scheduler: str | None = None) -> Iterator[UnitResult]:
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
            future = client.submit(run_job, job, pure=False)
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
