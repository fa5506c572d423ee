"""Write outputs atomically: a temp file in the target folder, renamed into place when complete.

A failed or killed render must never leave a half-written file or truncate an existing good one;
``os.replace`` within one directory is atomic on POSIX and Windows.  Temp files are named
``.<target>.<random>.reportgen-tmp`` so that a later run can tell the ones a killed run left from
anybody else's files and remove them (``remove_stale_temps``).

Output names come from ledger file names, which are untrusted: ``safe_name`` makes one a file or
folder name that cannot climb out of ``-o``, hide, or be refused by Windows, and ``write_atomic``
checks, given the root it must stay in, that the resolved path is inside it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from reportgen.base.errors import Problem, RenderError, os_error_text
from reportgen.base.escape import code_points

TEMP_SUFFIX = ".reportgen-tmp"
# Seconds: a temp file last changed this long before a run started was left by an earlier run.  A
# temp file lives only while bytes already rendered are written and synced; file times may lag the
# clock a little.
STALE_AFTER = 1.0
# File names are at most 255 bytes; a unit name is also a folder, and the temp file adds its dots,
# extension, random part and suffix, so it stays well below.
MAX_NAME_BYTES = 120
DEFAULT_NAME = "report"  # a ledger without a usable name (``Report.name`` for one built in memory)

# Path separators, NUL and other controls (C0, DEL, C1), what Windows refuses in a name, lone
# surrogates (undecodable bytes of a file name) and bidirectional controls (a name that prints reversed).
_UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f/\\\\<>:"|?*\ud800-\udfff\u202a-\u202e\u2066-\u2069]')
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\.|$)", re.IGNORECASE)


def safe_name(stem: str) -> str:
    """A file and folder name for a unit: unsafe characters become ``_``; leading and trailing dots
    and spaces go (no ``.``/``..``, no hidden file, nothing Windows trims); Windows' reserved names
    (CON, NUL, COM1 …) get a leading ``_``; an overlong name is cut and keeps a hash of the whole."""
    name = _UNSAFE.sub("_", stem).strip(". ")
    if not name:
        return DEFAULT_NAME
    if _RESERVED.match(name):
        name = "_" + name
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        tag = "~" + hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        cut = name.encode("utf-8")[: MAX_NAME_BYTES - len(tag)].decode("utf-8", "ignore")
        name = cut.rstrip(". ") + tag
    return name


def write_atomic(path: Path, data: bytes, *, inside: Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically; with ``inside``, refuse (RG401) a path that, with
    ``..`` and symbolic links resolved, is not inside that folder, or that holds a NUL."""
    if "\0" in os.fspath(path):  # the OS refuses it with a ValueError no caller expects
        raise RenderError(
            Problem("RG401", "路径中含有空字符（NUL），无法写出", file=code_points(os.fspath(path)))
        )
    if inside is not None:
        root = os.path.realpath(inside)
        if os.path.commonpath([root, os.path.realpath(path)]) != root or os.path.realpath(path) == root:
            raise RenderError(
                Problem("RG401", "输出文件不在输出目录之内，没有写出", file=path, expected=f"{inside} 之内")
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix="." + path.name + ".", suffix=TEMP_SUFFIX, dir=path.parent
        )
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


def remove_stale_temps(folder: Path, before: float, targets: Iterable[str] | None = None) -> None:
    """Remove the temp files a killed run left in ``folder``: ours by name (of one of ``targets``
    when given), regular files, last changed before ``before`` (a run still writing is newer)."""
    prefixes = tuple("." + t + "." for t in targets) if targets is not None else (".",)
    try:
        entries = list(os.scandir(folder))
    except (OSError, ValueError):  # no folder yet, unreadable, a NUL: nothing of ours to remove
        return
    for entry in entries:
        if not (entry.name.startswith(prefixes) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < before:
                os.unlink(entry.path)
        except OSError:
            continue
