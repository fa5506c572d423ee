"""印章: the seal image a ledger names (GB/T 9704 7.3.5.1), read as the untrusted file it is.

The ledger gives a path relative to its own folder (``印章: 印章.png``).  A ledger comes from anyone
(``reportgen serve`` takes uploads), and whatever file it names ends up inside the report, so the
path may not leave the ledger's folder (no absolute path, no ``..``, no link pointing out), only a
regular file of at most ``MAX_SEAL_BYTES`` is read (``base.inputfile.read_input``: no FIFO, no
device), and it must be a PNG whose header gives a sensible size.  A ledger read from memory (an
upload, ``reportgen.loads``) has no folder: it may not name a seal; a batch passes each file's folder
(``batch.jobs.Job.files``).  Every refusal is RG129.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PurePath

from reportgen.base.errors import LedgerError, ReportError
from reportgen.base.images import png_size
from reportgen.base.inputfile import read_input
from reportgen.model import Seal

MAX_SEAL_BYTES = 2 * 1024 * 1024  # a scanned seal at 600 dpi is a few hundred KB
MIN_PIXELS = 64  # a side smaller than this prints as a blur at 42 mm
MAX_PIXELS = 4000  # 42 mm at 2400 dpi; beyond it the image only costs memory in every writer
EXPECTED = "台账所在文件夹中的 PNG 图片（如 印章.png），不超过 2 MiB，边长 64～4000 像素"

Report = Callable[[str, str], None]  # (message, expected) → the RG129 problem at 印章


def read_seal(name: str, folder: Path | None, report: Report) -> Seal | None:
    """The seal ``name`` (relative to ``folder``, the ledger's folder), or None after a report."""
    if folder is None:
        report(
            "这样读入的台账（网页上传或程序中的台账文字）没有所在的文件夹，不能引用印章图片文件",
            "去掉“印章”，或用 reportgen render 台账文件 生成",
        )
        return None
    relative = PurePath(name)
    if relative.is_absolute() or name.startswith(("/", "\\")) or ":" in name or ".." in relative.parts:
        report("印章的路径须相对于台账所在的文件夹，且不能用 .. 跳出", EXPECTED)
        return None
    if relative.suffix.lower() != ".png":
        report("印章须是 PNG 图片（扩展名 .png）", EXPECTED)
        return None
    path = folder / relative
    root = os.path.realpath(folder)
    if os.path.commonpath([root, os.path.realpath(path)]) != root:
        report("印章文件（或它指向的链接）在台账所在的文件夹之外", EXPECTED)
        return None
    try:
        data = read_input(path, limit=MAX_SEAL_BYTES, error=LedgerError, code="RG129", expected=EXPECTED)
    except ReportError as error:
        report(error.problems[0].message, EXPECTED)
        return None
    size = png_size(data)
    if size is None:
        report("印章文件不是 PNG 图片", EXPECTED)
        return None
    width, height = size
    if not (MIN_PIXELS <= width <= MAX_PIXELS and MIN_PIXELS <= height <= MAX_PIXELS):
        report(f"印章图片为 {width}×{height} 像素", EXPECTED)
        return None
    if not 0.5 <= width / height <= 2:
        report(f"印章图片为 {width}×{height} 像素，宽高相差太多，不像印章", EXPECTED)
        return None
    return Seal(name, data, width, height)
