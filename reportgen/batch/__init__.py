"""Batch rendering at bureau scale: thousands of units, one folder each, one summary.

``render_batch`` (``run``) coordinates; ``jobs`` is what a worker does; ``executors`` runs jobs in
this process, a process pool or on Dask; ``fingerprint`` decides what a rerun may skip;
``progress`` and ``summary`` report.
"""

from __future__ import annotations

from reportgen.batch.jobs import Job, UnitResult, run_job
from reportgen.batch.run import render_batch
from reportgen.batch.summary import BatchSummary

__all__ = ["BatchSummary", "Job", "UnitResult", "render_batch", "run_job"]
