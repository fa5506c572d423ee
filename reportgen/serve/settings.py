"""How one server runs: where it keeps its data, who may use it, how much work it takes on.

Apart from ``app`` so that the command line can read the defaults without importing the web framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportgen.batch.worker import DEFAULT_LIMITS, Limits

# Every format a clerk can download, in the order they are made (PDF last: the slowest, and the
# others stand if LibreOffice is missing), with its name on the pages.
FORMAT_LABELS: dict[str, str] = {
    "docx": "Word 文档",
    "xlsx": "Excel 一览表",
    "html": "网页",
    "md": "Markdown 文本",
    "pdf": "PDF",
}
DEFAULT_FORMATS: tuple[str, ...] = tuple(FORMAT_LABELS)
DEFAULT_MAX_UPLOAD_MIB = 20
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class Settings:
    data: Path = Path("reportgen-data")
    database: str | None = None  # a PostgreSQL URL; None: the SQLite file in ``data``
    token: str | None = None  # the shared token (None: none)
    users: dict[str, str] = field(default_factory=dict)  # name → password hash (users.read_users)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MIB * 1024 * 1024
    workers: int = DEFAULT_WORKERS  # renders at once, each in its own bounded process
    formats: tuple[str, ...] = DEFAULT_FORMATS
    limits: Limits = field(default=DEFAULT_LIMITS)  # per step of an upload (check, each format)
