"""The command line as a user meets it: exit codes, coded messages, no traceback, no partial output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import JIALING, MINIMAL, QINGSHAN


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reportgen.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_check_clean_and_with_findings() -> None:
    clean = run("check", QINGSHAN)
    assert clean.returncode == 0 and "1 条提示或警告" in clean.stdout
    assert clean.stderr.startswith("[提示] RG202") and "104.00%" in clean.stderr
    seed = run("check", JIALING)
    assert seed.returncode == 0
    for code in ("RG201", "RG202", "RG203", "RG204", "RG205"):
        assert code in seed.stderr
    assert run("check", "--strict", JIALING).returncode == 1


def test_render_writes_each_format(tmp_path: Path) -> None:
    result = run("render", JIALING, QINGSHAN, "-o", tmp_path, "-f", "md,html", "--quiet")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jialing-2024q3.html",
        "jialing-2024q3.md",
        "qingshan-2024q3.html",
        "qingshan-2024q3.md",
    ]


def test_bad_ledger_exits_2_without_traceback_or_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("计划安排资金: 200", "计划安排资金: 18所"), "utf-8")
    out = tmp_path / "out"
    result = run("render", bad, "-o", out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "RG106" in result.stderr and "一览表.项目[1].计划安排资金" in result.stderr and "第" in result.stderr
    )
    assert not out.exists()


def test_one_bad_ledger_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("标题: [", "utf-8")
    result = run("render", bad, QINGSHAN, "-o", tmp_path / "out", "-f", "html", "--quiet")
    assert result.returncode == 2 and "RG102" in result.stderr
    assert (tmp_path / "out" / "qingshan-2024q3.html").exists()


def test_unknown_format_is_a_coded_error(tmp_path: Path) -> None:
    result = run("render", QINGSHAN, "-o", tmp_path, "-f", "html,pptx")
    assert result.returncode == 2 and "RG402" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_render_with_a_users_word_template(tmp_path: Path) -> None:
    import docx

    template = docx.Document()
    template.add_paragraph("{{ document.title }}（{{ document.signer }}）")
    template.save(str(tmp_path / "mine.docx"))
    result = run(
        "render",
        JIALING,
        "-o",
        tmp_path / "out",
        "-f",
        "docx",
        "--template",
        tmp_path / "mine.docx",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    [paragraph] = docx.Document(str(tmp_path / "out" / "jialing-2024q3.docx")).paragraphs
    assert paragraph.text == "南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告（南充市嘉陵区民政局）"


def test_a_missing_word_template_is_a_coded_error(tmp_path: Path) -> None:
    result = run("render", JIALING, "-o", tmp_path, "-f", "docx", "--template", tmp_path / "nope.docx")
    assert result.returncode == 2 and "RG305" in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())


def test_charts_flag_overrides_the_ledger(tmp_path: Path) -> None:
    """qingshan says 图表: 是 and jialing says nothing: the flags turn charts off and on."""
    run("render", QINGSHAN, JIALING, "-o", tmp_path / "off", "-f", "html", "--quiet", "--no-charts")
    run("render", QINGSHAN, JIALING, "-o", tmp_path / "on", "-f", "html", "--quiet", "--charts")
    run("render", QINGSHAN, JIALING, "-o", tmp_path / "ledger", "-f", "html", "--quiet")

    def has_chart(folder: str, stem: str) -> bool:
        return "<figure" in (tmp_path / folder / f"{stem}.html").read_text("utf-8")

    assert not has_chart("off", "qingshan-2024q3") and not has_chart("off", "jialing-2024q3")
    assert has_chart("on", "qingshan-2024q3") and has_chart("on", "jialing-2024q3")
    assert has_chart("ledger", "qingshan-2024q3") and not has_chart("ledger", "jialing-2024q3")


def test_version() -> None:
    import reportgen

    for command in (
        [sys.executable, "-m", "reportgen", "--version"],
        [sys.executable, "-m", "reportgen.cli", "--version"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 0 and done.stdout.strip() == f"reportgen {reportgen.__version__}"
