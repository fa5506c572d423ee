"""Issue 14: no unit runs without a time and a memory bound; one stuck unit never stalls a batch.

The hostile units are jobs whose source, when the worker unpickles it, sleeps for an hour or asks for
a gigabyte: the work runs where the unit runs (in the bounded worker), with no hook in reportgen.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import reportgen
from reportgen.batch.executors import EXECUTORS
from reportgen.batch.jobs import Job
from reportgen.batch.worker import DEFAULT_LIMITS, Limits
from reportgen.model import Ledger
from reportgen.render import DEFAULT_OPTIONS
from tests.conftest import MINIMAL, QINGSHAN

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 2.0
MARGIN = 3.0  # killing the worker, starting its replacement, and a shared 2-core machine


class _Sleeps:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (time.sleep, (3600,))


class _Hogs:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (bytearray, (2 * 1024**3,))


def _jobs(hostile: object, name: str) -> list[Job]:
    raw = QINGSHAN.read_bytes()
    jobs = [Job(f"u{n}", raw, str(QINGSHAN), ("md",), DEFAULT_OPTIONS) for n in range(3)]
    jobs.insert(1, Job(name, hostile, "x.yaml", ("md",), DEFAULT_OPTIONS))  # type: ignore[arg-type]
    return jobs


@pytest.mark.parametrize("executor", ["process", "serial"])
def test_a_unit_over_its_time_is_stopped_and_the_others_finish(executor: str) -> None:
    started = time.monotonic()
    results = {r.unit: r for r in EXECUTORS[executor](_jobs(_Sleeps(), "stuck"), 2, Limits(LIMIT, 1024))}
    assert time.monotonic() - started < LIMIT + MARGIN + 4  # + the other units and two worker starts
    assert (results["stuck"].status, results["stuck"].code) == ("failed", "RG505")
    assert "超过时限 2 秒" in results["stuck"].message
    assert LIMIT <= results["stuck"].seconds < LIMIT + MARGIN
    assert all(results[f"u{n}"].status == "ok" for n in range(3))


@pytest.mark.parametrize("executor", ["process", "serial"])
def test_a_unit_over_its_memory_is_stopped_with_its_code(executor: str) -> None:
    results = {r.unit: r for r in EXECUTORS[executor](_jobs(_Hogs(), "hog"), 2, Limits(LIMIT * 4, 1024))}
    assert (results["hog"].status, results["hog"].code) == ("failed", "RG506")
    assert all(results[f"u{n}"].status == "ok" for n in range(3))


def test_dask_stops_a_unit_over_its_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    started = time.monotonic()
    results = {r.unit: r for r in EXECUTORS["dask"](_jobs(_Sleeps(), "stuck"), 1, None, Limits(LIMIT, 1024))}
    assert (results["stuck"].status, results["stuck"].code) == ("failed", "RG505")
    assert all(results[f"u{n}"].status == "ok" for n in range(3))
    assert time.monotonic() - started < 30  # the LocalCluster's own start and stop included
    time.sleep(1)  # the Dask worker's bounded child ends when the cluster closes, and cleans up
    assert not list(tmp_path.glob("reportgen-worker-*"))


def test_a_stuck_unit_never_hangs_the_caller() -> None:
    """The old pool waited for a stuck unit for ever (seen: killed by this timeout after 30 s), so
    the pool runs in a child that the test kills if it hangs; the default bound is documented."""
    assert DEFAULT_LIMITS.seconds == 300.0 and DEFAULT_LIMITS.memory_mib == 2048
    script = (
        "import sys, time\n"
        "from reportgen.batch.executors import run_process_pool\n"
        "from reportgen.batch import executors\n"
        "from tests.test_unit_limits import _Sleeps, _jobs\n"
        "from reportgen.batch.worker import Limits\n"
        "results = list(run_process_pool(_jobs(_Sleeps(), 'stuck'), 2, Limits(2.0, 1024)))\n"
        "print(sorted((r.unit, r.code) for r in results))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=20, check=False
    )
    assert "('stuck', 'RG505')" in done.stdout, done.stderr


def test_a_unit_stopped_during_its_pdf_leaves_no_office_and_no_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker is killed with the warm LibreOffice it started, and its temporary folder goes too."""
    pytest.importorskip("reportgen.render.pdf.pool")
    from reportgen.render.pdf.pool import pool_available

    if not pool_available():
        pytest.skip("LibreOffice not installed")
    paths = _ledgers(tmp_path / "in")
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setattr(tempfile, "tempdir", None)
    offices_before = _offices()
    summary = reportgen.render_batch(
        paths[:2], "docx,pdf", tmp_path / "out", jobs=2, progress=False, limits=Limits(0.5, 2048)
    )
    assert [r.code for r in summary.results] == ["RG505", "RG505"]
    time.sleep(0.5)
    assert _offices() <= offices_before
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_office_failing_under_a_low_memory_bound_says_so(tmp_path: Path) -> None:
    """LibreOffice inherits the bound and aborts (RG406): the message names the bound to raise."""
    from reportgen.render.pdf.pool import pool_available

    if not pool_available():
        pytest.skip("LibreOffice not installed")
    summary = reportgen.render_batch(
        [QINGSHAN], "docx,pdf", tmp_path / "out", jobs=1, progress=False, limits=Limits(60, 600)
    )
    (result,) = summary.results
    assert (result.status, result.code) == ("partial", "RG406")
    assert "内存上限 600 MiB" in result.message and "--memory-limit" in result.message
    assert (tmp_path / "out" / QINGSHAN.stem / (QINGSHAN.stem + ".docx")).is_file()


def _offices() -> set[int]:
    """LibreOffice processes of a reportgen PDF pool (by their profile folder)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                command = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if b"reportgen-pdfpool-" in command:
                found.add(int(entry))
    return found


def _ledgers(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for n in range(3):
        path = folder / f"county-{n}.yaml"
        path.write_text(MINIMAL.replace("测试局", f"第{n}县民政局"), "utf-8")
        paths.append(path)
    return paths


class _SleepingLedger(Ledger):
    """A real loaded ledger that takes an hour to arrive in the worker (``render_batch`` accepts
    loaded ledgers and sends them pickled)."""

    __slots__ = ()

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (time.sleep, (3600,))


def test_batch_with_a_stuck_unit_writes_its_summary_and_fails(tmp_path: Path) -> None:
    """Through ``render_batch``: the summary lists the stopped unit with its code."""
    paths = _ledgers(tmp_path / "in")
    stuck = reportgen.load(paths[0]).ledger
    object.__setattr__(stuck, "source", tmp_path / "stuck.yaml")
    object.__setattr__(stuck, "__class__", _SleepingLedger)
    summary = reportgen.render_batch(
        [paths[0], stuck, *paths[1:]],
        "md",
        tmp_path / "out",
        progress=False,
        jobs=2,
        limits=Limits(LIMIT, 1024),
    )
    assert not summary.ok
    document = json.loads((tmp_path / "out" / "batch-summary.json").read_text("utf-8"))
    codes = {row["unit"]: (row["status"], row["code"]) for row in document["results"]}
    assert codes == {
        "county-0": ("ok", ""),
        "stuck": ("failed", "RG505"),
        "county-1": ("ok", ""),
        "county-2": ("ok", ""),
    }
    assert "RG505" in (tmp_path / "out" / "batch-summary.csv").read_text("utf-8-sig")


def _cli(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize("command", ["render", "check", "batch"])
def test_cli_limits_are_options_with_chinese_errors(command: str, tmp_path: Path) -> None:
    done = _cli(command, str(QINGSHAN), "--time-limit", "0")
    assert done.returncode == 2 and "RG410" in done.stderr and "--time-limit" in done.stderr
    done = _cli(command, "-h")
    assert "--time-limit" in done.stdout and "--memory-limit" in done.stdout and "默认 300" in done.stdout


SLOW_LEDGER = """\
import time
import reportgen.api

_load = reportgen.api.load


def load(path, *args, **kwargs):  # the test's stuck ledger: county-1 takes an hour to load
    if "county-1" in str(path):
        time.sleep(3600)
    return _load(path, *args, **kwargs)


reportgen.api.load = load
"""


@pytest.mark.parametrize("command", ["render", "check"])
def test_cli_render_and_check_stop_a_unit_over_its_time(command: str, tmp_path: Path) -> None:
    """A ledger over its time in ``render``/``check``: RG505 naming it, the next ledger still done.

    The stuck ledger is made by a ``sitecustomize`` on the path of every process of the run (the
    command and its workers), so reportgen itself has no test hook.
    """
    ledgers = _ledgers(tmp_path / "in")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SLOW_LEDGER, "utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reportgen", command, *map(str, ledgers), "--time-limit", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=tmp_path,
        check=False,
    )
    assert time.monotonic() - started < 15
    assert done.returncode == 2, done.stderr
    assert "RG505" in done.stderr and "county-1" in done.stderr and "Traceback" not in done.stderr
    assert "超过时限 2 秒" in done.stderr
    if command == "render":
        assert (tmp_path / "out" / "county-2.html").is_file()
        assert not (tmp_path / "out" / "county-1.html").exists()
    else:
        assert "county-2.yaml：" in done.stdout


def test_a_killed_resource_tracker_is_not_a_traceback(tmp_path: Path) -> None:
    """Class 6: killing multiprocessing's resource tracker during a batch ends in a correct run."""
    paths = _ledgers(tmp_path / "in")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reportgen",
            "batch",
            *map(str, paths),
            "-o",
            str(tmp_path / "out"),
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    deadline = time.monotonic() + 20
    killed = 0
    while process.poll() is None and time.monotonic() < deadline:
        for pid in _children_named(process.pid, "resource_tracker"):
            os.kill(pid, signal.SIGKILL)
            killed += 1
        time.sleep(0.3)  # the old pool's relaunched tracker then met semaphores it never saw: KeyError
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err and "Warning" not in err, err
    assert process.returncode == 0, err
    assert killed == 0  # the workers are plain subprocesses: there is no tracker to lose
    assert (tmp_path / "out" / "batch-summary.json").is_file()


def _children_named(pid: int, word: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid and word in command:
            found.append(int(entry))
    return found


def test_a_worker_killed_while_idle_is_reported_not_a_broken_pipe() -> None:
    from reportgen.batch.worker import Stopped, Worker, call

    worker = Worker(Limits(5, 1024))
    worker.wait_ready()
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    with pytest.raises(Stopped) as stopped:
        call(worker, time.sleep, 0)
    assert stopped.value.code == "RG504"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux's per-process high-water mark")
def test_a_worker_reports_its_own_peak_memory_not_its_starters() -> None:
    """``ru_maxrss`` survives ``execve`` on Linux: a worker started by a caller holding 400 MiB (a
    pipeline with a large DataFrame) reported those 400 MiB as its own peak for every unit."""
    held = bytearray(b"\x01") * (400 * 1024**2)  # written, so resident
    raw = QINGSHAN.read_bytes()
    (result,) = EXECUTORS["process"](
        [Job("u", raw, str(QINGSHAN), ("md",), DEFAULT_OPTIONS)], 1, DEFAULT_LIMITS
    )
    assert held[-1] == 1
    assert result.status == "ok"
    assert 10 < result.rss_mib < 300, result.rss_mib
