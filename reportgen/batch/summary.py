"""The end of a batch: one row per unit, as a table on screen and as batch-summary.json and .csv.

The files are the record a cron job or an integrator reads: unit, status, error code and message,
outputs, seconds.  They are written atomically like every other output.  A CSV cell that a spreadsheet
would run as a formula (a unit named ``=HYPERLINK(…)``) is quoted as the .xlsx writer quotes one.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportgen.base.escape import spreadsheet_text
from reportgen.batch.jobs import UnitResult
from reportgen.render.output import write_atomic

COLUMNS = ("unit", "status", "code", "message", "outputs", "seconds", "findings")


@dataclass
class BatchSummary:
    results: list[UnitResult]
    seconds: float
    out: Path

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    @property
    def ok(self) -> bool:
        return not any(r.status in ("failed", "partial") for r in self.results)

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "unit": r.unit,
                "status": r.status,
                "code": r.code,
                "message": r.message,
                "outputs": r.outputs,
                "seconds": round(r.seconds, 4),
                "findings": r.findings,
            }
            for r in self.results
        ]

    def write(self) -> tuple[Path, Path]:
        rows = self.rows()
        counts = dict(sorted(self.counts.items()))
        document = {"units": len(rows), "counts": counts, "seconds": round(self.seconds, 3), "results": rows}
        json_path, csv_path = self.out / "batch-summary.json", self.out / "batch-summary.csv"
        json_text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        write_atomic(json_path, json_text.encode("utf-8"), inside=self.out)
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for result, row in zip(self.results, rows, strict=True):
            cells = {**row, "outputs": ";".join(result.outputs)}
            writer.writerow(
                {key: spreadsheet_text(v) if isinstance(v, str) else v for key, v in cells.items()}
            )
        write_atomic(
            csv_path, text.getvalue().encode("utf-8-sig"), inside=self.out
        )  # BOM: Excel opens it as UTF-8
        return json_path, csv_path

    def table(self, limit: int = 50) -> str:
        """A plain-text table: every failure first, then the first others, and the totals."""
        shown = sorted(self.results, key=lambda r: (r.status not in ("failed", "partial"), r.unit))[:limit]
        lines = [f"{'单位':<24} {'状态':<8} {'代码':<6} {'秒':>7}  信息"]
        for r in shown:
            lines.append(f"{r.unit:<24} {r.status:<8} {r.code:<6} {r.seconds:>7.3f}  {r.message[:80]}")
        if len(self.results) > limit:
            lines.append(f"…… 另有 {len(self.results) - limit} 个单位，见 batch-summary.csv")
        counts = "，".join(f"{k} {v}" for k, v in sorted(self.counts.items()))
        rate = len(self.results) / self.seconds if self.seconds else 0.0
        lines.append(f"共 {len(self.results)} 个单位（{counts}），{self.seconds:.1f} 秒，{rate:.1f} 个/秒")
        return "\n".join(lines)
