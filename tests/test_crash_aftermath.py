"""After a crash (issue 14, class 7): a rerun removes the temp files a killed run left, re-renders an
output that is missing, empty or damaged instead of skipping it, and batch-summary.csv holds no cell a
spreadsheet would run as a formula.  Also class 6's two tracebacks, now coded errors or correct output.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

import reportgen
from reportgen.base.errors import ReportError
from reportgen.render.output import TEMP_SUFFIX, write_atomic
from tests.conftest import MINIMAL

HOUR_AGO = time.time() - 3600


def batch(ledgers: list[Path], out: Path, formats: str = "md,html") -> reportgen.BatchSummary:
    return reportgen.render_batch(ledgers, formats, out, executor="serial", progress=False)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "unit.yaml"
    path.write_text(MINIMAL, "utf-8")
    return path


def stale(path: Path) -> Path:
    """A temp file as a killed run leaves it: our name, an hour old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a docx")
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


# -- temp files --------------------------------------------------------------------------------------------


def test_temp_files_carry_a_recognisable_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, target: Path) -> None:
        seen.append(os.path.basename(source))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(tmp_path / "a.docx", b"x")
    assert len(seen) == 1 and seen[0].startswith(".a.docx.") and seen[0].endswith(TEMP_SUFFIX)


def test_a_rerun_removes_a_killed_runs_temp_files(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    in_unit = stale(out / "unit" / f".unit.md.k1ll3d{TEMP_SUFFIX}")
    at_root = stale(out / f".batch-summary.csv.x9{TEMP_SUFFIX}")
    assert batch([ledger], out).ok
    assert not in_unit.exists() and not at_root.exists()


def test_a_rerun_of_a_skipped_unit_also_removes_them(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch([ledger], out)
    left = stale(out / "unit" / f".unit.html.zz{TEMP_SUFFIX}")
    summary = batch([ledger], out)
    assert summary.results[0].status == "skipped" and not left.exists()


def test_other_files_in_out_are_never_removed(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    keep = [
        stale(out / "unit" / ".notes.tmp"),
        stale(out / "unit" / "mine.reportgen-tmp.txt"),
        stale(out / "readme.txt"),
    ]
    batch([ledger], out)
    assert all(p.exists() for p in keep)


def test_a_temp_file_newer_than_the_run_is_left_alone(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    future = time.time() + 3600  # another run, started after this one, is writing it
    young = out / "unit" / f".unit.md.busy{TEMP_SUFFIX}"
    young.parent.mkdir(parents=True)
    young.write_bytes(b"x")
    os.utime(young, (future, future))
    batch([ledger], out)
    assert young.exists()


def test_report_render_removes_its_stale_temp_files(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    left = stale(out / f".unit.md.k1ll3d{TEMP_SUFFIX}")
    other = stale(out / ".other.md.k1ll3d.tmp")
    reportgen.load(ledger).render("md", out)
    assert not left.exists() and other.exists()


# -- skipping verifies the outputs ---------------------------------------------------------------------------


def test_an_unchanged_unit_is_still_skipped(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch([ledger], out)
    assert batch([ledger], out).results[0].status == "skipped"


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b""),  # truncated to 0 bytes by a crash
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # cut in half
        lambda p: p.write_bytes(b"#" * len(p.read_bytes())),  # same size, other bytes
        lambda p: p.unlink(),
        lambda p: (p.unlink(), p.mkdir()),  # a folder where the file was
    ],
    ids=["empty", "half", "same-size", "missing", "folder"],
)
def test_a_damaged_output_is_rendered_again(ledger: Path, tmp_path: Path, damage: object) -> None:
    out = tmp_path / "out"
    batch([ledger], out)
    target = out / "unit" / "unit.md"
    good = target.read_bytes()
    damage(target)  # type: ignore[operator]
    summary = batch([ledger], out)
    if target.is_dir():  # the folder cannot be replaced by a file: a coded failure, never "skipped"
        assert summary.results[0].status == "failed" and summary.results[0].code == "RG401"
        return
    assert summary.results[0].status == "ok", summary.table()
    assert target.read_bytes() == good


def test_a_stamp_without_output_sizes_renders_again(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch([ledger], out)
    stamp = out / "unit" / ".reportgen-inputs"
    stamp.write_text(stamp.read_text("ascii").splitlines()[0] + "\n", "ascii")  # the old format
    assert batch([ledger], out).results[0].status == "ok"


# -- the summary CSV ----------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path: Path, start: str) -> None:
    ledger = tmp_path / f"{start}HYPERLINK(1).yaml"
    ledger.write_text(MINIMAL, "utf-8")
    out = tmp_path / "out"
    batch([ledger], out, "md")
    with open(out / "batch-summary.csv", encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.DictReader(stream))
    assert row["unit"] == f"'{start}HYPERLINK(1)"
    assert row["outputs"] == str(out / f"{start}HYPERLINK(1)" / f"{start}HYPERLINK(1).md")  # starts with /
    document = json.loads((out / "batch-summary.json").read_text("utf-8"))
    assert document["results"][0]["unit"] == f"{start}HYPERLINK(1)"  # the JSON keeps the name as it is


def test_csv_neutralising_is_the_xlsx_rule() -> None:
    from reportgen.base.escape import FORMULA_STARTS, spreadsheet_text
    from reportgen.render.xlsx.layout import FORMULA_STARTS as XLSX_STARTS

    assert FORMULA_STARTS is XLSX_STARTS
    assert [spreadsheet_text(s) for s in ("=1", "\t1", "\r1", "a=1", "")] == [
        "'=1",
        "'\t1",
        "'\r1",
        "a=1",
        "",
    ]


# -- class 6: the two tracebacks ---------------------------------------------------------------------------


def test_convert_of_a_ledger_with_u_fffe_is_a_coded_error(tmp_path: Path) -> None:
    source = tmp_path / "l.yaml"
    source.write_text(MINIMAL.replace("名称: 发放低保金", '名称: "发放\\uFFFE低保金"', 1), "utf-8")
    with pytest.raises(ReportError) as caught:
        reportgen.convert_ledger(source, tmp_path / "l.xlsx")
    assert caught.value.code == "RG119" and not (tmp_path / "l.xlsx").exists()


@pytest.mark.parametrize("name", ["$x^$", r"\frac{1}{", "$$", r"50% $\alpha"])
def test_chart_text_that_matplotlib_cannot_parse_is_drawn_as_text(tmp_path: Path, name: str) -> None:
    text = MINIMAL.replace("一览表:", "图表: 是\n一览表:").replace("项目名称: 低保", f"项目名称: '{name}'")
    report = reportgen.loads(text, "c.yaml")
    data = report.to_bytes("docx")
    assert data[:2] == b"PK"
    assert name in report.document.attachments[0].charts[0].categories[0]
