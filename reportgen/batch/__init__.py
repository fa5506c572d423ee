"""Batch rendering at bureau scale: thousands of units, one folder each, one summary.

``render_batch`` (``run``) coordinates; ``jobs`` is what a worker does; ``executors`` runs jobs in
this process, a process pool or on Dask; ``fingerprint`` decides what a rerun may skip;
``progress`` and ``summary`` report.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportgen.batch.jobs import Job, UnitResult, run_job
    from reportgen.batch.run import render_batch
    from reportgen.batch.summary import BatchSummary

# Imported on first use: ``batch.worker``, which the command line's ``check`` needs, comes without the
# renderers, rich or Dask (issue 18, part 6).
_LAZY: dict[str, str] = {
    "BatchSummary": "reportgen.batch.summary",
    "Job": "reportgen.batch.jobs",
    "UnitResult": "reportgen.batch.jobs",
    "render_batch": "reportgen.batch.run",
    "run_job": "reportgen.batch.jobs",
}


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'reportgen.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


__all__ = ["BatchSummary", "Job", "UnitResult", "render_batch", "run_job"]
