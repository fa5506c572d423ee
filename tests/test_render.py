"""Markdown and HTML outputs of the samples, read back and checked cell by cell."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

import reportgen
from reportgen import TemplateError
from tests.conftest import JIALING, MINIMAL, QINGSHAN


class TableReader(HTMLParser):
    """Collects header cells (label, rowspan, colspan) and body rows of the first table."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[list[tuple[str, int, int]]] = []
        self.body: list[list[str]] = []
        self.section = ""
        self.cell: list[str] | None = None
        self.spans = (1, 1)
        self.headings: list[str] = []
        self.in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr":
            (self.header if self.section == "thead" else self.body).append([])
        elif tag in ("th", "td"):
            self.cell = []
            self.spans = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))
        elif tag in ("h2", "h3", "h4"):
            self.in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self.cell is not None:
            text = "".join(self.cell)
            if tag == "th":
                self.header[-1].append((text, *self.spans))
            else:
                self.body[-1].append(text)  # type: ignore[arg-type]
            self.cell = None
        elif tag in ("h2", "h3", "h4"):
            self.in_heading = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        if self.in_heading:
            self.headings[-1] += data


def read_html(path: Path) -> TableReader:
    reader = TableReader()
    reader.feed(path.read_text("utf-8"))
    return reader


def test_html_table_has_the_merged_two_level_header(tmp_path: Path) -> None:
    [path] = reportgen.load(JIALING).render("html", tmp_path)
    header = read_html(path).header
    assert header[0] == [
        ("序号", 3, 1),
        ("项目名称", 3, 1),
        ("项目推进情况", 1, 3),
        ("资金执行情况（万元、%）", 1, 5),
        ("责任单位", 3, 1),
        ("备注", 3, 1),
    ]
    assert header[1] == [
        ("目标任务", 2, 1),
        ("实施进度", 2, 1),
        ("完成比例", 2, 1),
        ("计划安排资金", 2, 1),
        ("下达预算", 1, 2),
        ("实际拨付", 1, 2),
    ]
    assert header[2] == [("金额", 1, 1), ("占计划比例", 1, 1), ("金额", 1, 1), ("占计划比例", 1, 1)]


def test_html_cells_equal_the_ledger_divided_by_the_plan(tmp_path: Path) -> None:
    [path] = reportgen.load(JIALING).render("html", tmp_path)
    body = read_html(path).body
    money_and_ratios = [row[4:10] for row in body]
    assert money_and_ratios == [
        ["—", "13168.00", "16221.71", "123.19%", "12129.85", "92.12%"],
        ["—", "844.00", "651.00", "77.13%", "678.54", "80.40%"],
        ["—", "25.00", "85.00", "340.00%", "96.90", "387.60%"],
        ["", "14037.00", "16957.71", "120.81%", "12905.29", "91.94%"],
    ]
    assert body[-1][1] == "合计"
    assert body[1][3] == (
        "1—9月，一级重度残疾人护理补贴达到2187人，二级重度残疾人护理补贴达到6322人，总计8509人，涉及资金678.54万元。"
    )


def test_narrative_headings_and_numbers(tmp_path: Path) -> None:
    [path] = reportgen.load(JIALING).render("html", tmp_path)
    text = path.read_text("utf-8")
    reader = read_html(path)
    assert reader.headings[:4] == [
        "一、基本情况",
        "二、主要做法及成效",
        "三、存在的问题及对策建议",
        "四、下一步工作打算",
    ]
    assert "南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告" in text
    assert "1—9月，共发放低保金8123.0395万元；发放特困救助供养金4006.8077万元；全区一级" in text
    assert '<span class="lead-2">（一）低保方面。</span>一是围绕' in text
    assert "附件：2024年1—9月民生实事项目推进和资金执行情况一览表" in text
    assert "2024年9月23日" in text and "2024年09月" not in text


def test_completion_ratio_from_numeric_target(tmp_path: Path) -> None:
    [path] = reportgen.load(QINGSHAN).render("html", tmp_path)
    body = read_html(path).body
    assert [row[4] for row in body] == ["—", "104.00%", "87.20%", "75.00%", ""]
    assert "全县共有城乡低保对象10267户18542人" in path.read_text("utf-8")


def test_markdown_output(tmp_path: Path) -> None:
    [path] = reportgen.load(JIALING).render("md", tmp_path)
    text = path.read_text("utf-8")
    assert text.startswith("# 南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告\n")
    assert "\n## 一、基本情况\n" in text
    assert "<strong>（一）低保方面。</strong>一是围绕" in text  # CommonMark: ** cannot close before 一
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert table_lines[0].count("|") == 13  # 12 leaf columns
    assert "资金执行情况（万元、%）·下达预算·占计划比例" in table_lines[0]
    assert "| 123.19% |" in table_lines[2]
    assert table_lines[-1].startswith("|  | **合计** |")


def test_html_escapes_text_from_data(tmp_path: Path) -> None:
    text = MINIMAL.replace("项目名称: 低保", "项目名称: '<script>alert(1)</script> & Co'")
    [html, md] = reportgen.loads(text, str(tmp_path / "x.yaml")).render("html,md", tmp_path)
    content = html.read_text("utf-8")
    assert "<script>alert" not in content and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in content
    assert "\\<script\\>alert(1)\\</script\\> &amp; Co" in md.read_text("utf-8")


@pytest.mark.parametrize(
    ("paragraph", "code"),
    [
        ("{{ 低保金 + 低保金 }}", "RG304"),
        ("{{ 低保金 | 人 }}", "RG303"),
        ("{{ 低保资金 | 万元 }}", "RG302"),
        ("{{ 低保金 | 万元 ", "RG301"),
        ("{{ ''.__class__.__mro__ }}", "RG304"),
    ],
)
def test_bad_narrative_template_is_a_coded_error_and_writes_nothing(
    tmp_path: Path, paragraph: str, code: str
) -> None:
    text = MINIMAL.replace("{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。", paragraph.replace('"', '\\"'))
    report = reportgen.loads(text, "t.yaml")
    with pytest.raises(TemplateError) as caught:
        report.render("html,md", tmp_path)
    assert caught.value.code == code
    assert caught.value.problems[0].place == "正文[1].段落[1]"
    assert list(tmp_path.iterdir()) == []


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = reportgen.load(JIALING).render("html,md", tmp_path / "a")
    second = reportgen.load(JIALING).render("html,md", tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize("choice", ["kind", "charts", "script"])
def test_a_report_choice_given_as_a_render_option_fails_loudly(choice: str) -> None:
    """``kind``, ``charts`` and ``script`` moved to ``ReportChoices`` (issue 15): the old spelling is a
    ``TypeError``, never an option silently ignored."""
    with pytest.raises(TypeError):
        reportgen.RenderOptions(**{choice: None})  # type: ignore[arg-type]
    assert hasattr(reportgen.ReportChoices(), choice)


@pytest.mark.parametrize("formats", ["", " , ", []])
def test_no_format_asked_for_is_rg402_not_an_empty_success(formats: str | list[str]) -> None:
    """``render("")`` wrote nothing and said nothing; the one format-list reader refuses it."""
    from reportgen.base.errors import RenderError
    from reportgen.render import parse_formats

    with pytest.raises(RenderError) as caught:
        parse_formats(formats)
    assert caught.value.code == "RG402"


def test_a_format_list_keeps_its_order_and_names_every_unknown_format() -> None:
    from reportgen.base.errors import RenderError
    from reportgen.render import parse_formats

    assert parse_formats(" docx, md ,") == ("docx", "md")
    with pytest.raises(RenderError) as caught:
        parse_formats("md,doc,pfd")
    assert "doc、pfd" in str(caught.value)
