"""Write outputs atomically: a temp file in the target folder, renamed into place when complete.

A failed or killed render must never leave a half-written file or truncate an existing good one;
``os.replace`` within one directory is atomic on POSIX and Windows.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reportgen.errors import Problem, RenderError, os_error_text


def write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RenderError(
            Problem("RG401", f"无法创建输出目录或临时文件（{os_error_text(exc)}）", file=path)
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise RenderError(Problem("RG401", f"无法写出文件（{os_error_text(exc)}）", file=path)) from None
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
