"""A unit's work in a child process that can be stopped: the wall-clock and memory bound of issue 14.

Python code cannot be interrupted reliably from inside (a C-level loop such as a huge ``Decimal``
operation ignores signals and holds the GIL), so every bounded unit runs in a worker process that
the parent kills at the deadline.  A worker is a fresh interpreter started with ``subprocess``
(``python -c``), not a ``multiprocessing`` child: it needs no resource
tracker or forkserver (a killed tracker used to end a batch in a traceback), it may be started from
a daemonic Dask worker, and it leads its own session so that killing it also kills what it started
(a warm LibreOffice).  The memory bound is ``RLIMIT_AS``, set by the worker on itself before it
imports anything: an allocation past it raises ``MemoryError`` (reported as RG506) or kills the
worker.

Messages on the pipes are length-prefixed pickles: the parent sends ``(function, arguments)``, the
worker answers ``("ok", value)``, ``("memory", "")`` or ``("error", text)``.  Only the parent's own
code is ever sent, never anything a ledger controls.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

_HEADER = struct.Struct(">Q")
_READY = "ready"
_OWN_TMP = "REPORTGEN_WORKER_TMP"  # the folder a worker removes when it ends
START_SECONDS = 120.0  # a worker that cannot import reportgen in this long is broken, not slow
DEFAULT_TIME_LIMIT = 300.0
DEFAULT_MEMORY_LIMIT_MIB = 2048


@dataclass(frozen=True, slots=True)
class Limits:
    """The bound on one unit (load, check and every format, PDF included): ``None`` is unbounded.

    Neither a report choice nor a render option, and not in the fingerprint: a limit does not change the
    bytes of a unit that finishes, so changing it does not make a rerun render everything again.
    """

    seconds: float | None = DEFAULT_TIME_LIMIT
    memory_mib: int | None = DEFAULT_MEMORY_LIMIT_MIB


NO_LIMITS = Limits(None, None)
DEFAULT_LIMITS = Limits()


class Stopped(Exception):
    """The child did not answer: ``code`` is RG505 (over time), RG506 (over memory) or RG504 (died)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def timeout_message(limits: Limits) -> str:
    return f"超过时限 {limits.seconds:g} 秒仍未完成，已停止该单位（可用 --time-limit 调整）"


def memory_message(limits: Limits) -> str:
    return f"超过内存上限 {limits.memory_mib} MiB，已停止该单位（可用 --memory-limit 调整）"


def office_hint(code: str) -> str:
    """Why LibreOffice may have failed (RG406), said when this process runs under a memory bound:
    the office inherits ``RLIMIT_AS`` and aborts under about 1 GiB instead of reporting memory."""
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if code != "RG406" or soft == resource.RLIM_INFINITY:
        return ""
    return (
        f"（LibreOffice 也受本单位的内存上限 {soft // 2**20} MiB 约束，"
        "上限过低时它会异常退出；可用 --memory-limit 调大）"
    )


def _send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive_bytes(stream: IO[bytes]) -> bytes:
    """The next message's pickle, or ``EOFError`` when the other side has gone (mid-message too)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    size = _HEADER.unpack(header)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _receive(stream: IO[bytes]) -> Any:
    return pickle.loads(_receive_bytes(stream))


class Worker:
    """One child process, used for one call at a time; ``kill`` stops it and everything it started."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        environment = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent.parent)
        environment["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, environment.get("PYTHONPATH", "")) if p
        )
        # Its own temporary folder, removed with it: a killed office leaves its work folder behind.
        self.tmp = tempfile.mkdtemp(prefix="reportgen-worker-")
        environment["TMPDIR"] = environment[_OWN_TMP] = self.tmp
        memory = str(limits.memory_mib) if limits.memory_mib is not None else ""
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from reportgen.batch.worker import serve; serve()", memory],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=environment,
            start_new_session=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_child: IO[bytes] = self.process.stdin
        self.from_child: IO[bytes] = self.process.stdout
        self.started: float | None = None  # when the call in progress was sent
        self.ready = False

    def fileno(self) -> int:
        return self.from_child.fileno()

    def wait_ready(self) -> None:
        """Block until the child has imported reportgen (so its start-up is not charged to a unit)."""
        if self.ready:
            return
        readable, _, _ = select.select([self], [], [], START_SECONDS)
        try:
            if not readable or _receive(self.from_child) != _READY:
                raise EOFError
        except (EOFError, pickle.UnpicklingError):
            self.kill()
            from reportgen.base.errors import BatchError, Problem

            raise BatchError(
                Problem(
                    "RG503", "无法启动工作进程（reportgen 安装不完整或内存上限过低）", value=sys.executable
                )
            ) from None
        self.ready = True

    def send(self, function: Callable[..., Any], *arguments: Any) -> None:
        self.wait_ready()
        # A child killed while idle cannot take the call: its pipe then reads as closed at once, and
        # ``answer`` reports it as died (RG504), like a child that dies during the call.
        with contextlib.suppress(OSError):
            _send(self.to_child, (function, arguments))
        self.started = time.monotonic()

    def deadline(self) -> float | None:
        if self.started is None or self.limits.seconds is None:
            return None
        return self.started + self.limits.seconds

    def answer(self) -> Any:
        """The call's value once the child has answered (the pipe is readable); ``Stopped`` if not."""
        self.started = None
        try:
            kind, value = _receive(self.from_child)
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            raise Stopped("RG504", "工作进程异常退出（被终止或内存不足）") from None
        if kind == "memory":
            self.kill()
            raise Stopped("RG506", memory_message(self.limits))
        if kind == "error":
            raise RuntimeError(value)
        return value

    def kill(self) -> None:
        """SIGKILL the child's session and every process it started in groups of their own."""
        for pid in [*_descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        for stream in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                stream.close()
        self.process.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self) -> None:
        """Ask an idle child to leave (end of input), killing it if it does not within 5 s."""
        try:
            self.to_child.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (Linux ``/proc``; elsewhere none: the session kill must do)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as children:
                    kids = [int(p) for p in children.read().split()]
            except OSError:
                continue
            found.extend(kids)
            stack.extend(kids)
    return found


def call(worker: Worker, function: Callable[..., Any], *arguments: Any) -> Any:
    """Run ``function(*arguments)`` in ``worker`` within its limits: the value, or ``Stopped``."""
    worker.send(function, *arguments)
    deadline = worker.deadline()
    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
    readable, _, _ = select.select([worker], [], [], timeout)
    if not readable:
        worker.kill()
        raise Stopped("RG505", timeout_message(worker.limits))
    return worker.answer()


def _serve(memory_mib: int | None) -> None:
    """The child: set the memory bound, import reportgen, then answer calls until stdin closes."""
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library's print() must not corrupt the answers
    protocol_in = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    # A child whose parent goes away without killing it (a Dask worker's, when the cluster closes)
    # ends at end of input: it removes its temporary folder itself, after its office has closed.
    own_tmp = os.environ.get(_OWN_TMP)
    if own_tmp:
        atexit.register(shutil.rmtree, own_tmp, ignore_errors=True)
    if memory_mib is not None:
        import resource

        limit = memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import reportgen.batch.jobs  # noqa: F401  (paid once per worker, not per unit)

    _send(protocol_out, _READY)
    while True:
        try:
            data = _receive_bytes(protocol_in)
        except EOFError:
            return
        try:
            function, arguments = pickle.loads(data)
            del data
            answer: tuple[str, Any] = ("ok", function(*arguments))
        except MemoryError:
            answer = ("memory", "")
        except Exception:  # the caller decides; a bug of ours must not end in a silent hang
            import traceback

            answer = ("error", traceback.format_exc(limit=-3))
        try:
            _send(protocol_out, answer)
        except MemoryError:
            _send(protocol_out, ("memory", ""))


def serve() -> None:
    """The child's entry point (``python -c``): its one argument is the memory bound in MiB or ``""``."""
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1] else None)
