"""``reportgen lint`` on Word templates: every problem found at once, each at a place Word shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

import reportgen
from reportgen.base.errors import Severity
from reportgen.render import RenderOptions
from reportgen.render.docx.template_builder import TEMPLATES
from reportgen.render.docx.template_lint import lint_template
from reportgen.templating.sandbox import make_environment
from tests.conftest import JIALING, MINIMAL

ENV = make_environment()
COMPLETE = Path(__file__).resolve().parents[1] / "samples" / "complete" / "qingshan-complete-2024q3.yaml"


def template(
    tmp_path: Path, *paragraphs: str | tuple[str, ...], table: list[list[str]] | None = None
) -> Path:
    """A .docx; a tuple is one paragraph written as several runs (as Word splits a tag)."""
    document = docx.Document()
    for paragraph in paragraphs:
        p = document.add_paragraph()
        for index, run in enumerate((paragraph,) if isinstance(paragraph, str) else paragraph):
            p.add_run(run).bold = index % 2 == 1  # a format change is what makes Word split a run
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    path = tmp_path / "t.docx"
    document.save(str(path))
    return path


def codes(path: Path, with_document: bool = False) -> list[tuple[str, str, str]]:
    document = reportgen.loads(MINIMAL).document if with_document else None
    return [(f.code, f.severity.name, f.problem.place or "") for f in lint_template(path, ENV, document)]


@pytest.mark.parametrize("name", ["report.docx", "report-portrait-end.docx", "report-plain.docx"])
def test_the_default_templates_are_clean(name: str) -> None:
    assert lint_template(TEMPLATES / name, ENV, reportgen.load(JIALING).document) == []


def test_a_split_tag_is_a_notice_and_still_renders(tmp_path: Path) -> None:
    path = template(tmp_path, ("标题：{{ docu", "ment.ti", "tle }}"))
    assert codes(path) == [("RG308", "NOTICE", "第1段“标题：{{ document.t…”")]
    data = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=path)).to_bytes("docx")
    import io

    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == "标题：测试局关于2024年1—9月工作情况的报告"


def test_every_problem_is_reported_at_once_with_its_paragraph(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        "{{ document.title }}",
        "{%p foreach b in document.blocks %}",
        "{%p if document.signer %}",
        "{{ document.signer }}",
        "{%p endfor %}",
        "{{ documnet.title }}{{ document.titel }}",
        "2024年共完成 15 项",
        "说明 {%p if true %} 混在文字里",
        "{%tr for r in rows %}",
    )
    found = codes(path)
    assert ("RG309", "ERROR", "第2段“{%p foreach b in…”") in found
    assert ("RG310", "ERROR", "第5段“{%p endfor %}”") in found  # endfor while an if is open
    assert ("RG310", "ERROR", "第3段“{%p if document.…”") in found  # the if never closes
    assert ("RG207", "WARNING", "第7段“2024年共完成 15 项”") in found
    assert ("RG309", "ERROR", "第8段“说明 {%p if true %…”") in found  # {%p not alone
    assert ("RG309", "ERROR", "第9段“{%tr for r in ro…”") in found  # {%tr outside a table
    names = sorted(f.problem.value for f in lint_template(path, ENV) if f.code == "RG302")
    assert names == ["documnet", "titel"]


def test_table_cells_are_placed_by_row_and_column(tmp_path: Path) -> None:
    path = template(
        tmp_path,
        "x",
        table=[["序号", "名称"], ["{%tr for b in document.blocks %}", ""], ["{{ b.text }}", "{% hm %}"]],
    )
    found = codes(path)
    assert ("RG310", "ERROR", "表1第2行第1列“{%tr for b in do…”") in found


def test_syntax_errors_and_data_errors(tmp_path: Path) -> None:
    broken = template(tmp_path, "{{ document.title ")
    assert codes(broken) == [("RG301", "ERROR", "word/document.xml 第1段")]
    path = template(tmp_path, "{{ document.title | 万元 }}")
    assert codes(path) == []  # fine as a template …
    assert [c for c, s, _ in codes(path, with_document=True)] == ["RG303"]  # … wrong for the data


def test_cli_exit_codes(tmp_path: Path) -> None:
    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reportgen.cli", "lint", *map(str, args)], capture_output=True, text=True
        )

    clean = run(TEMPLATES / "report.docx", "--ledger", JIALING)
    assert clean.returncode == 0 and "未发现问题" in clean.stdout
    warn = run(template(tmp_path, "2024年{{ document.title }}"))
    assert warn.returncode == 0 and "RG207" in warn.stdout and "[警告]" in warn.stdout
    assert run(tmp_path / "t.docx", "--strict").returncode == 1
    bad = run(template(tmp_path, "{%p if document.signer %}"))
    assert bad.returncode == 2 and "[错误] RG310" in bad.stdout and "Traceback" not in bad.stderr
    assert Severity.ERROR.value == "错误"


def test_a_template_without_a_place_for_banner_seal_or_colophon_says_so(tmp_path: Path) -> None:
    """A user's Word template made before the 版头, 印章 and 版记 prints the rest and says what it left
    out (RG312), in ``lint`` and whenever it renders — never a silent loss."""
    complete = reportgen.load(COMPLETE)
    path = template(tmp_path, "{{ document.title }}")
    found = lint_template(path, ENV, complete.document)
    assert [(f.code, f.severity) for f in found] == [("RG312", Severity.WARNING)] * 3
    assert [m for f in found for m in ("版头", "印章", "版记") if f"台账有{m}" in f.problem.message] == [
        "版头",
        "印章",
        "版记",
    ]
    report = reportgen.load(COMPLETE, options=RenderOptions(docx_template=path))
    assert report.to_bytes("docx")
    assert [f.code for f in report.render_notices] == ["RG312"] * 3
    # the default template has a place for each: nothing to say
    default = reportgen.load(COMPLETE)
    default.to_bytes("docx")
    assert default.render_notices == []
    assert lint_template(TEMPLATES / "report-portrait-end.docx", ENV, complete.document) == []
