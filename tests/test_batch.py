"""Batch runs: one folder per unit, failures recorded not raised, reruns skip, every executor alike."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reportgen
from reportgen import RenderOptions, ReportChoices
from reportgen.api import DEFAULT_CHOICES
from reportgen.batch.executors import WINDOW_PER_WORKER, run_process_pool
from reportgen.batch.fingerprint import environment_fingerprint
from reportgen.batch.jobs import Job, run_job
from reportgen.render import DEFAULT_OPTIONS
from reportgen.render.docx import load_template
from reportgen.render.docx.template_builder import TEMPLATES
from tests.conftest import JIALING, MINIMAL, QINGSHAN


@pytest.fixture
def ledgers(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [Path(shutil.copy(JIALING, folder)), Path(shutil.copy(QINGSHAN, folder))]
    for n in range(3):
        path = folder / f"county-{n}.yaml"
        path.write_text(MINIMAL.replace("测试局", f"第{n}县民政局"), "utf-8")
        paths.append(path)
    broken = folder / "broken.yaml"
    broken.write_text(MINIMAL.replace("计划安排资金: 200", "计划安排资金: 两百"), "utf-8")
    return [*paths, broken, folder / "missing.yaml"]


def test_batch_renders_every_unit_and_records_the_failures(ledgers: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = reportgen.render_batch(ledgers, "docx,xlsx", out, jobs=2, progress=False)
    assert not summary.ok
    status = {r.unit: (r.status, r.code) for r in summary.results}
    assert status == {
        "jialing-2024q3": ("ok", ""),
        "qingshan-2024q3": ("ok", ""),
        "county-0": ("ok", ""),
        "county-1": ("ok", ""),
        "county-2": ("ok", ""),
        "broken": ("failed", "RG106"),
        "missing": ("failed", "RG101"),
    }
    assert [r.unit for r in summary.results] == [p.stem for p in ledgers]  # input order
    for unit in ("county-0", "jialing-2024q3"):
        assert sorted(p.name for p in (out / unit).iterdir()) == [
            ".reportgen-inputs",
            f"{unit}.docx",
            f"{unit}.xlsx",
        ]
    assert not (out / "broken").exists()
    data = json.loads((out / "batch-summary.json").read_text("utf-8"))
    assert data["units"] == 7 and data["counts"] == {"failed": 2, "ok": 5}
    broken = next(r for r in data["results"] if r["unit"] == "broken")
    assert "计划安排资金" in broken["message"] and "两百" in broken["message"]
    rows = list(csv.DictReader((out / "batch-summary.csv").read_text("utf-8-sig").splitlines()))
    assert [r["unit"] for r in rows] == [p.stem for p in ledgers]
    assert rows[0]["outputs"].endswith("jialing-2024q3.xlsx")


def test_outputs_equal_the_single_report_path(ledgers: list[Path], tmp_path: Path) -> None:
    reportgen.render_batch(ledgers[:2], "docx,xlsx", tmp_path, jobs=2, progress=False)
    for path in ledgers[:2]:
        report = reportgen.load(path)
        for fmt in ("docx", "xlsx"):
            assert (tmp_path / path.stem / f"{path.stem}.{fmt}").read_bytes() == report.to_bytes(fmt)


def test_rerun_skips_unchanged_units_and_force_renders_all(ledgers: list[Path], tmp_path: Path) -> None:
    good = ledgers[:5]
    reportgen.render_batch(good, "docx", tmp_path, jobs=2, progress=False)
    again = reportgen.render_batch(good, "docx", tmp_path, jobs=2, progress=False)
    assert {r.status for r in again.results} == {"skipped"}
    good[2].write_text(good[2].read_text("utf-8").replace("100.5", "100.6"), "utf-8")
    changed = reportgen.render_batch(good, "docx", tmp_path, jobs=2, progress=False)
    assert {r.unit for r in changed.results if r.status == "ok"} == {good[2].stem}
    more_formats = reportgen.render_batch(good, "docx,xlsx", tmp_path, jobs=2, progress=False)
    assert {r.status for r in more_formats.results} == {"ok"}
    forced = reportgen.render_batch(good, "docx,xlsx", tmp_path, jobs=2, force=True, progress=False)
    assert {r.status for r in forced.results} == {"ok"}


def test_the_fingerprint_covers_every_report_choice_and_render_option() -> None:
    """A rerun with any other choice or option renders again: each field changes the hash."""
    base = environment_fingerprint((), DEFAULT_CHOICES, DEFAULT_OPTIONS, ["md"])
    other_choices = {
        "kind": dataclasses.replace(DEFAULT_CHOICES, kind="key-tasks"),
        "charts": dataclasses.replace(DEFAULT_CHOICES, charts=True),
        "script": dataclasses.replace(DEFAULT_CHOICES, script="hant"),
    }
    other_options = {
        "docx_template": dataclasses.replace(DEFAULT_OPTIONS, docx_template=Path("my.docx")),
        "xlsx_total_formulas": dataclasses.replace(DEFAULT_OPTIONS, xlsx_total_formulas=True),
        "pdf_timeout": dataclasses.replace(DEFAULT_OPTIONS, pdf_timeout=5.0),
        "pdf_warm": dataclasses.replace(DEFAULT_OPTIONS, pdf_warm=True),
        "pdf_archive": dataclasses.replace(DEFAULT_OPTIONS, pdf_archive=True),
    }
    assert set(other_choices) == {f.name for f in dataclasses.fields(ReportChoices)}
    assert set(other_options) == {f.name for f in dataclasses.fields(RenderOptions)}
    for name, choices in other_choices.items():
        assert environment_fingerprint((), choices, DEFAULT_OPTIONS, ["md"]) != base, name
    for name, options in other_options.items():
        assert environment_fingerprint((), DEFAULT_CHOICES, options, ["md"]) != base, name


def test_a_template_moved_into_or_out_of_a_kind_pack_changes_the_fingerprint(tmp_path: Path) -> None:
    """A report.md at a folder's root applies to every kind, inside a pack to that kind only: the same
    bytes under another path are another environment, so no unit may be skipped with stale outputs."""
    packed, loose = tmp_path / "packed", tmp_path / "loose"
    for folder, template in ((packed, packed / "a" / "report.md.j2"), (loose, loose / "report.md.j2")):
        (folder / "a").mkdir(parents=True)
        (folder / "a" / "kind.yaml").write_text("类型: 甲\n", "utf-8")
        template.write_text("{{ 标题 }}\n", "utf-8")
    fingerprints = {
        environment_fingerprint((folder,), DEFAULT_CHOICES, DEFAULT_OPTIONS, ["md"])
        for folder in (packed, loose)
    }
    assert len(fingerprints) == 2


def test_a_batch_renders_with_the_report_choices(tmp_path: Path) -> None:
    choices = ReportChoices(script="hant", charts=True)
    reportgen.render_batch([QINGSHAN], "md", tmp_path, choices=choices, jobs=1, progress=False)
    expected = reportgen.load(QINGSHAN, choices=choices).to_bytes("md")
    assert (tmp_path / QINGSHAN.stem / f"{QINGSHAN.stem}.md").read_bytes() == expected
    assert expected != reportgen.load(QINGSHAN).to_bytes("md")


def test_executors_write_identical_bytes(ledgers: list[Path], tmp_path: Path) -> None:
    good = ledgers[:5]
    outs = {}
    for executor in ("serial", "process", "dask"):
        outs[executor] = tmp_path / executor
        summary = reportgen.render_batch(
            good, "docx,xlsx", outs[executor], executor=executor, jobs=2, progress=False
        )
        assert summary.ok, summary.table()
    for path in good:
        for fmt in ("docx", "xlsx"):
            name = f"{path.stem}/{path.stem}.{fmt}"
            contents = {e: (outs[e] / name).read_bytes() for e in outs}
            assert len(set(contents.values())) == 1, f"{name} differs between executors"


def test_loaded_reports_and_generators_are_accepted(tmp_path: Path) -> None:
    def units():  # type: ignore[no-untyped-def]
        for n in range(3):
            yield reportgen.loads(MINIMAL.replace("测试局", f"第{n}县"), f"unit-{n}.yaml")

    summary = reportgen.render_batch(units(), "md", tmp_path, executor="serial", progress=False)
    assert [r.unit for r in summary.results] == ["unit-0", "unit-1", "unit-2"] and summary.ok
    assert (tmp_path / "unit-1" / "unit-1.md").read_text("utf-8").startswith("# 第1县关于")


def test_duplicate_unit_names_fail_the_second(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    copy = Path(shutil.copy(QINGSHAN, other))
    summary = reportgen.render_batch(
        [QINGSHAN, copy], "md", tmp_path / "out", executor="serial", progress=False
    )
    assert [(r.status, r.code) for r in summary.results] == [("ok", ""), ("failed", "RG502")]


class _KillsTheWorker:
    """Unpickling this in a worker ends the process, as the OOM killer would."""

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os._exit, (9,))


def test_a_dead_worker_fails_only_its_unit() -> None:
    raw = QINGSHAN.read_bytes()
    jobs = [Job(f"u{n}", raw, str(QINGSHAN), ("md",), DEFAULT_OPTIONS) for n in range(6)]
    jobs.insert(2, Job("killer", _KillsTheWorker(), "x", ("md",), DEFAULT_OPTIONS))  # type: ignore[arg-type]
    results = {r.unit: r for r in run_process_pool(jobs, 2)}
    assert results["killer"].status == "failed" and results["killer"].code == "RG504"
    assert all(results[f"u{n}"].status == "ok" for n in range(6))


def test_inputs_are_consumed_lazily() -> None:
    raw = QINGSHAN.read_bytes()
    pulled = 0

    def jobs():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for n in range(60):
            pulled += 1
            yield Job(f"u{n}", raw, "q.yaml", ("md",), DEFAULT_OPTIONS)

    done = 0
    for _ in run_process_pool(jobs(), 2):
        done += 1
        assert pulled - done <= 2 * WINDOW_PER_WORKER
    assert done == 60


def test_a_bug_in_a_unit_is_rg501_not_a_crash() -> None:
    result = run_job(Job("x", 12345, "x.yaml", ("md",), DEFAULT_OPTIONS))  # type: ignore[arg-type]
    assert (result.status, result.code) == ("failed", "RG501") and "内部错误" in result.message


def test_compiled_template_pickles_and_renders_the_same_bytes_in_another_process(tmp_path: Path) -> None:
    compiled = load_template(TEMPLATES / "report.docx")
    (tmp_path / "t.pickle").write_bytes(pickle.dumps(compiled))
    script = (
        "import pickle, sys, reportgen\n"
        "from reportgen.render.docx import render_with\n"
        f"t = pickle.loads(open({str(tmp_path / 't.pickle')!r}, 'rb').read())\n"
        f"r = reportgen.load({str(JIALING)!r})\n"
        "sys.stdout.buffer.write(render_with(t, r.document, r.env))\n"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True).stdout
    assert other == reportgen.load(JIALING).to_bytes("docx")


def test_cli_batch_exit_status_and_summary(ledgers: list[Path], tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "reportgen.cli",
        "batch",
        *map(str, ledgers),
        "-o",
        str(tmp_path),
        "-j",
        "2",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert "共 7 个单位（failed 2，ok 5）" in result.stdout and "Traceback" not in result.stderr
    assert "[批量] 已完成 7/7" in result.stderr  # not a terminal: plain log lines
    ok = subprocess.run(
        command[:4] + [str(p) for p in ledgers[:2]] + command[-4:], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "skipped 2" in ok.stdout


def test_a_unit_whose_pdf_fails_keeps_its_docx_and_xlsx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTGEN_SOFFICE", str(tmp_path / "no-soffice"))
    summary = reportgen.render_batch([QINGSHAN], "docx,xlsx,pdf", tmp_path, executor="serial", progress=False)
    [result] = summary.results
    assert (result.status, result.code) == ("partial", "RG404") and not summary.ok
    assert sorted(p.name for p in (tmp_path / "qingshan-2024q3").iterdir()) == [
        "qingshan-2024q3.docx",
        "qingshan-2024q3.xlsx",
    ]  # no fingerprint: the next run renders the unit again


def test_a_ledger_file_with_a_seal_renders_in_a_batch(tmp_path: Path) -> None:
    """A batch reads each ledger file's 印章 from its own folder, as ``render`` does: the same bytes."""
    complete = Path(__file__).resolve().parents[1] / "samples" / "complete" / "qingshan-complete-2024q3.yaml"
    summary = reportgen.render_batch([complete, JIALING], "docx", tmp_path, jobs=2, progress=False)
    assert [r.status for r in summary.results] == ["ok", "ok"]
    made = tmp_path / "qingshan-complete-2024q3" / "qingshan-complete-2024q3.docx"
    assert made.read_bytes() == reportgen.load(complete).to_bytes("docx")
