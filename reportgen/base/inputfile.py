"""Read one untrusted input file (a ledger, a ``kind.yaml``, a .docx or an included template) safely.

``Path.read_bytes`` on a FIFO blocks for ever, on ``/dev/zero`` it fills the memory, on a folder it
raises an English ``IsADirectoryError``, and a NUL in the path is a ``ValueError`` that no caller
expects.  Here the file is opened without blocking, refused unless it is a regular file, refused if
``fstat`` says it is larger than the limit, and read no further than the limit (a file that grows
while it is read is caught too).  Every refusal is the caller's own error type and code.
"""

from __future__ import annotations

import os
import stat

from reportgen.base.errors import Problem, ReportError, os_error_text
from reportgen.base.escape import code_points

_CHUNK = 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: a NUL or another invisible control written as ``<U+0000>``."""
    return code_points(os.fspath(path))


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件"
    if stat.S_ISFIFO(mode):
        return "这是一个命名管道（FIFO），不是普通文件"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备，不是普通文件"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件"
    return "不是普通文件"


def read_input(
    path: str | os.PathLike[str],
    *,
    limit: int,
    error: type[ReportError],
    code: str,
    large_code: str | None = None,
    expected: str | None = None,
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Unreadable, not a regular file, or a NUL in the path: ``error`` with ``code``; larger than
    ``limit``: ``error`` with ``large_code`` (default ``code``).  Never blocks on a FIFO or a device.
    """
    shown = shown_path(path)

    def fail(message: str, which: str = code, want: str | None = expected) -> ReportError:
        return error(Problem(which, message, file=shown, expected=want))

    try:
        handle = os.open(path, _FLAGS)
    except ValueError:  # a NUL in the path: no such file can exist
        raise fail("无法读取文件（路径中含有空字符 NUL）") from None
    except OSError as exc:
        raise fail(f"无法读取文件（{os_error_text(exc)}）") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise fail(f"无法读取文件（{_kind_of(info.st_mode)}）", want=expected or "普通文件")
        if info.st_size > limit:
            raise fail(f"文件有 {info.st_size} 字节", large_code or code, f"不超过 {limit} 字节")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(handle, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise fail(f"文件超过 {limit} 字节", large_code or code, f"不超过 {limit} 字节")
        return b"".join(chunks)
    except OSError as exc:
        raise fail(f"无法读取文件（{os_error_text(exc)}）") from None
    finally:
        os.close(handle)


__all__ = ["read_input", "shown_path"]
