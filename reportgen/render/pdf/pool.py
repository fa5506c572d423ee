"""PDF at scale: a pool of warm LibreOffice processes, ~10× faster per document than a cold start.

``oneshot.convert_to_pdf`` starts LibreOffice for every document (~1.3 s, almost all of it start-up
and profile creation); a warm office converts the same .docx in ~0.12 s.  ``PdfPool(size=N)`` keeps N
offices, each started by ``soffice`` as a one-shot conversion is (the same command line, environment,
fontconfig, isolation and a fresh temporary user profile of its own), on first use and then
reused; up to N documents convert in parallel, one per office.  After ``reproducible.stable_pdf``
a warm PDF is byte for byte the cold one.

How we talk to an office: LibreOffice listens on a UNO *named pipe* (``--accept=pipe,name=…``; a
unique name, so parallel pools never collide and no port has to be found free and then raced for),
and a small helper, ``uno_helper.py``, run by the Python that has LibreOffice's ``uno`` module (Debian:
``python3-uno`` for /usr/bin/python3; official builds bundle ``program/python``), loads and exports
documents for us, one JSON line per request on its stdin/stdout.  We chose this over ``unoserver``
(PyPI): unoserver's server needs that same uno Python anyway, so it only adds a dependency, an
XML-RPC server, two TCP ports and a process layer, while the helper is ~100 lines of standard
library that we control and test.  ``pool_available()`` is False when LibreOffice or a Python with
``uno`` is missing (or on Windows, which has no process groups); callers then use
``convert_to_pdf``.

Each office and its helper form one process group (the office leads it).  A conversion that passes
its time limit, or fails, gets the whole group killed; the document is retried ``retries`` times on
a freshly started office, then RenderError RG405 (time limit) or RG406 (failure) is raised.  A dead
office found before a conversion is replaced without spending a retry.  Bytes are returned only for
a complete PDF (``%PDF-`` … ``%%EOF``).  The helper kills its group when our end of its pipe closes,
so offices do not outlive a crashed pool; ``close()`` terminates them cleanly.

``shared_pool()`` gives each process one lazily created pool, closed at exit (also in
multiprocessing workers, which skip ``atexit``); a pool is never used across ``fork``.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from multiprocessing import util as multiprocessing_util
from pathlib import Path
from types import TracebackType

from reportgen.base.errors import Problem, RenderError, os_error_text
from reportgen.render.package import refuse_outside_references
from reportgen.render.pdf.soffice import (
    FILTERS,
    SUFFIXES,
    conversion_failed,
    export_settings,
    find_soffice,
    folder_failed,
    incomplete_pdf,
    is_complete_pdf,
    isolated,
    libreoffice_says,
    office_exit,
    prepare_office,
    require_soffice,
    start_failed,
    timed_out,
)

HELPER = Path(__file__).with_name("uno_helper.py")
_UNO_HINT = (
    "请安装 LibreOffice 的 Python 接口（Debian/Ubuntu：apt install python3-uno），"
    "或将环境变量 REPORTGEN_UNO_PYTHON 设为能 import uno 的 Python"
)
_CLOSE_WAIT = 10.0  # seconds an office gets to terminate cleanly before its group is killed
_LOOK = 0.25  # seconds between looks at the office while waiting for its helper


# --- finding the Python that has uno -------------------------------------------------------------

_uno_pythons: dict[tuple[str, str], str | None] = {}
_uno_lock = threading.Lock()


def find_uno_python(soffice: str | None = None) -> str | None:
    """A Python that can ``import uno`` for this LibreOffice, or None.

    ``REPORTGEN_UNO_PYTHON`` decides when set; then the Python bundled next to soffice (official
    builds), ours, ``python3`` on PATH and /usr/bin/python3 (Debian's python3-uno).  Cached.
    """
    program = soffice or find_soffice() or ""
    configured = os.environ.get("REPORTGEN_UNO_PYTHON", "")
    key = (program, configured)
    with _uno_lock:
        if key not in _uno_pythons:
            _uno_pythons[key] = _probe_uno_pythons(program, configured)
        return _uno_pythons[key]


def _probe_uno_pythons(program: str, configured: str) -> str | None:
    if configured:
        candidates = [configured]
    else:
        candidates = [sys.executable, "python3", "/usr/bin/python3"]
        if program:
            folder = Path(os.path.realpath(program)).parent
            candidates[:0] = [str(folder / "python"), str(folder.parent / "Resources" / "python")]
    seen: set[str] = set()
    for candidate in candidates:
        found = shutil.which(candidate)
        if found is None or os.path.realpath(found) in seen:
            continue
        seen.add(os.path.realpath(found))
        try:
            probe = subprocess.run(
                [found, "-c", "import uno"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return found
    return None


def pool_available() -> bool:
    """Whether ``PdfPool`` can run here: LibreOffice, a Python with ``uno``, and POSIX process groups."""
    program = find_soffice()
    return os.name == "posix" and program is not None and find_uno_python(program) is not None


# --- one warm office ----------------------------------------------------------------------------


class _Worker:
    """One office and its helper: started on demand, stopped (group killed) when anything goes wrong."""

    def __init__(self) -> None:
        self.office: subprocess.Popen[bytes] | None = None
        self.helper: subprocess.Popen[bytes] | None = None
        self.work: Path | None = None
        self.pipe = ""
        self.uses = 0
        self._buffer = b""
        self._jobs = 0

    def alive(self) -> bool:
        return (
            self.office is not None
            and self.helper is not None
            and self.office.poll() is None
            and self.helper.poll() is None
        )

    def start(self, program: str, python: str, wait: float) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="reportgen-pdfpool-"))
        self.pipe = f"reportgen-{os.getpid()}-{uuid.uuid4().hex}"
        self.uses = 0
        self._buffer = b""
        shutil.copyfile(HELPER, self.work / HELPER.name)
        # LibreOffice's own temporary files go in our folder too, so a killed office leaves none behind.
        (self.work / "tmp").mkdir()
        accept = f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        command, environment = prepare_office(self.work, program, accept, temporary=self.work / "tmp")
        with open(self.work / "office.log", "wb") as office_log, open(self.work / "helper.log", "wb") as log:
            try:
                # A new process group led by the office (not a new session: the helper must join it).
                self.office = subprocess.Popen(
                    isolated(command),
                    cwd=self.work,
                    env=environment,
                    stdin=subprocess.DEVNULL,
                    stdout=office_log,
                    stderr=subprocess.STDOUT,
                    process_group=0,
                )
            except OSError as exc:
                self.stop()
                raise start_failed(exc, program) from None
            try:
                self.helper = subprocess.Popen(
                    [python, str(self.work / HELPER.name), self.pipe, f"{wait:g}", *self._leftovers()],
                    cwd=self.work,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    process_group=self.office.pid,
                )
            except OSError as exc:  # also when the office already died and its group is gone
                self.stop()
                raise RenderError(
                    Problem(
                        "RG406", f"无法启动 LibreOffice 的 Python 接口（{os_error_text(exc)}）", file=python
                    )
                ) from None
        try:
            answer = self._read(time.monotonic() + wait + 5)
        except TimeoutError:
            error = self._failure(f"LibreOffice 在 {wait:g} 秒内没有启动完成")
            self.stop()
            raise error from None
        if answer.get("ready") is not True:
            error = self._failure(f"LibreOffice 没有启动完成（{_reason(answer)}）")
            self.stop()
            raise error

    @property
    def profile_url(self) -> str:
        assert self.work is not None
        return (self.work / "profile").as_uri()

    def _leftovers(self) -> list[str]:
        """What a killed office leaves: our folder, and the sockets that a clean exit removes itself.

        LibreOffice's pipe for ``--accept`` is /tmp/OSL_PIPE_<uid>_<name>; its single-instance pipe
        is named after the MD5 of the profile URL in UTF-16, hex digits without leading zeros.
        """
        assert self.work is not None
        digest = hashlib.md5(self.profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
        single = "SingleOfficeIPC_" + "".join(f"{byte:x}" for byte in digest)
        return [str(self.work)] + [f"/tmp/OSL_PIPE_{os.getuid()}_{name}" for name in (self.pipe, single)]

    def convert(self, data: bytes, suffix: str, timeout: float, archive: bool = False) -> bytes:
        assert self.work is not None and self.helper is not None and self.helper.stdin is not None
        self._jobs += 1
        source = self.work / f"{self._jobs}{suffix}"
        target = self.work / f"{self._jobs}.pdf"
        try:
            source.write_bytes(data)
            request = {
                "source": str(source),
                "target": str(target),
                "filter": FILTERS[suffix],
                "settings": export_settings(suffix, archive),
            }
            try:
                self.helper.stdin.write(json.dumps(request).encode() + b"\n")
                self.helper.stdin.flush()
            except OSError:
                raise self._failure("LibreOffice 的 Python 接口已退出") from None
            try:
                answer = self._read(time.monotonic() + timeout)
            except TimeoutError:
                raise timed_out(timeout) from None
            if not answer.get("ok"):
                what = "LibreOffice 进程在转换中退出" if answer.get("lost") else "LibreOffice 无法转换该文件"
                raise self._failure(f"{what}（{_reason(answer)}）")
            self.uses += 1
            try:
                pdf = target.read_bytes()
            except OSError:
                raise self._failure("LibreOffice 没有生成 PDF 文件") from None
            if not is_complete_pdf(pdf):
                raise incomplete_pdf(pdf, self._logs())
            return pdf
        finally:
            for path in (source, target):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _read(self, deadline: float) -> dict[str, object]:
        """The helper's next JSON line; ``{}`` when it exited; TimeoutError at the deadline.

        Looks at the office every quarter second: one that died while starting would otherwise keep
        the helper trying to connect until the start limit.
        """
        assert self.office is not None and self.helper is not None and self.helper.stdout is not None
        descriptor = self.helper.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(descriptor, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if not selector.select(min(remaining, _LOOK)):
                    status = self.office.poll()
                    if status is not None:
                        return {"ok": False, "error": office_exit(status), "lost": True}
                    continue
                chunk = os.read(descriptor, 65536)
                if not chunk:
                    return {}
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            answer = json.loads(line)
        except ValueError:
            return {"ok": False, "error": line.decode("utf-8", "replace")[:200]}
        return answer if isinstance(answer, dict) else {}

    def _logs(self) -> bytes:
        if self.work is None:
            return b""
        parts = []
        for name in ("helper.log", "office.log"):
            with contextlib.suppress(OSError):
                parts.append((self.work / name).read_bytes())
        return b"\n".join(parts)

    def _failure(self, what: str) -> RenderError:
        return conversion_failed(what, self._logs())

    def stop(self, *, gently: bool = False) -> None:
        """End the office and the helper (the whole group) and remove the profile and files."""
        office, helper = self.office, self.helper
        if gently and helper is not None and helper.stdin is not None and self.alive():
            with contextlib.suppress(OSError):
                helper.stdin.write(b'{"quit": true}\n')
                helper.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                if office is not None:
                    office.wait(_CLOSE_WAIT)
        if office is not None:
            # The group outlives its leader while the (unreaped) helper is in it, so this is still ours.
            with contextlib.suppress(OSError):
                os.killpg(office.pid, signal.SIGKILL)
        for process in (office, helper):
            if process is None:
                continue
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(_CLOSE_WAIT)
        if self.work is not None:
            for path in self._leftovers()[1:]:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            shutil.rmtree(self.work, ignore_errors=True)
        self.office = self.helper = None
        self.work = None


def _reason(answer: dict[str, object]) -> str:
    """Why the helper says a request failed, in Chinese (its ``error`` is UNO's English)."""
    if "error" not in answer:
        return "进程已退出"
    error = str(answer["error"])
    if error.startswith("LibreOffice "):  # ours: 被信号 9 终止 …
        return error
    return libreoffice_says(error) or "原因未知"


# --- the pool -----------------------------------------------------------------------------------


class PdfPool:
    """Warm LibreOffice processes converting .docx/.xlsx to PDF; thread-safe; use as a context manager.

    ``size`` offices convert in parallel (more callers wait for a free one); ``timeout`` is the limit
    for one document (not counting start-up, limited by ``start_timeout``); a failed or timed-out
    conversion is retried ``retries`` times, each on a freshly started office.  An office is
    restarted after ``recycle`` conversions, which bounds LibreOffice's memory growth.
    """

    def __init__(
        self,
        size: int = 1,
        *,
        timeout: float = 60.0,
        retries: int = 1,
        soffice: str | None = None,
        start_timeout: float = 60.0,
        recycle: int = 500,
    ) -> None:
        if size < 1 or retries < 0 or timeout <= 0 or start_timeout <= 0 or recycle < 1:
            raise ValueError("PdfPool needs size ≥ 1, retries ≥ 0, recycle ≥ 1 and positive time limits")
        self.size = size
        self.timeout = timeout
        self.retries = retries
        self.start_timeout = start_timeout
        self.recycle = recycle
        self._soffice = soffice
        self._python: str | None = None
        self._owner = os.getpid()
        self._workers = [_Worker() for _ in range(size)]
        self._idle = list(self._workers)
        self._free = threading.Condition()
        self._closed = False

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def convert(
        self, data: bytes, suffix: str, *, timeout: float | None = None, archive: bool = False
    ) -> bytes:
        """The PDF of a .docx or .xlsx as bytes (PDF/A-2b when ``archive``); RenderError
        RG404/RG405/RG406 when it cannot be made, RG411 (before LibreOffice starts) when the package
        links to anything outside itself."""
        if suffix not in SUFFIXES:
            raise ValueError(f"PdfPool.convert handles {SUFFIXES}, not {suffix!r}")
        refuse_outside_references(data, suffix)
        limit = self.timeout if timeout is None else timeout
        if limit <= 0:
            raise ValueError("timeout must be positive")
        worker = self._acquire()
        try:
            return self._convert_on(worker, data, suffix, limit, archive)
        except RenderError:
            raise  # the worker is already stopped
        except BaseException:
            worker.stop()  # interrupted mid-conversion: its state is unknown
            raise
        finally:
            self._release(worker)

    def close(self) -> None:
        """Wait for running conversions, then end every office; idempotent.  A forked child only forgets."""
        with self._free:
            self._closed = True
            if os.getpid() != self._owner:
                return
            while len(self._idle) < self.size:
                self._free.wait()
        for worker in self._workers:
            worker.stop(gently=True)

    def process_groups(self) -> list[int]:
        """The process group ids of the running offices (each office with its helper)."""
        groups = []
        for worker in self._workers:
            office, helper = worker.office, worker.helper  # a busy worker may be restarting
            if office is not None and helper is not None and office.poll() is None and helper.poll() is None:
                groups.append(office.pid)
        return groups

    def _acquire(self) -> _Worker:
        with self._free:
            if self._closed:
                raise RuntimeError("PdfPool is closed")
            if os.getpid() != self._owner:
                raise RuntimeError("PdfPool cannot be used across fork; create one per process (shared_pool)")
            while not self._idle:
                self._free.wait()
                if self._closed:
                    raise RuntimeError("PdfPool is closed")
            return self._idle.pop()  # the most recently used office: warm and recently checked

    def _release(self, worker: _Worker) -> None:
        with self._free:
            self._idle.append(worker)
            self._free.notify_all()

    def _programs(self) -> tuple[str, str]:
        program = require_soffice(self._soffice)
        if self._python is None:
            self._python = find_uno_python(program)
            if self._python is None:
                raise RenderError(Problem("RG404", f"找不到带 uno 模块的 Python；{_UNO_HINT}"))
        return program, self._python

    def _convert_on(self, worker: _Worker, data: bytes, suffix: str, timeout: float, archive: bool) -> bytes:
        program, python = self._programs()
        attempts = self.retries + 1
        error: RenderError | None = None
        for _ in range(attempts):
            try:
                if worker.uses >= self.recycle:
                    worker.stop(gently=True)
                if not worker.alive():
                    worker.stop()  # dead, killed or worn: a fresh office, without spending a retry
                    worker.start(program, python, self.start_timeout)
                return worker.convert(data, suffix, timeout, archive)
            except RenderError as exc:
                worker.stop()
                if exc.code == "RG404":
                    raise
                error = exc
            except OSError as exc:  # our temporary folder
                worker.stop()
                raise folder_failed(exc) from None
        assert error is not None
        if attempts == 1:
            raise error
        first = error.problems[0]
        note = f"（共尝试 {attempts} 次，每次都用新启动的 LibreOffice）"
        raise RenderError(dataclasses.replace(first, message=first.message + note), *error.problems[1:])


# --- one pool per process -----------------------------------------------------------------------

_shared: tuple[int, PdfPool] | None = None
_shared_lock = threading.Lock()


def shared_pool(size: int = 1, timeout: float = 60.0) -> PdfPool:
    """This process's pool, created on first call (later calls get it as it is); closed at exit.

    For batch worker processes: each builds its own pool (a pool inherited through fork is never
    touched), and it is closed by ``atexit`` and by multiprocessing's exit hook, which runs in
    workers that end without ``atexit``.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != os.getpid():
            pool = PdfPool(size, timeout=timeout)
            _shared = (os.getpid(), pool)
            _register_close(pool)
        return _shared[1]


def _register_close(pool: PdfPool) -> None:
    atexit.register(pool.close)
    multiprocessing_util.Finalize(None, pool.close, exitpriority=10)
