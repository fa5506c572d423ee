"""正文 sections that number their paragraphs (一是……二是……), sections without a title, and titles
that are templates — what a spoken statement (samples/yijiang-2019m10.yaml) and a targets
report (samples/key-tasks-2020.yaml) need."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.document.blocks import Heading, Paragraph
from tests.conftest import MINIMAL

BODY = """正文:
  - 标题: 基本情况
    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]
"""


def with_body(body: str) -> str:
    start = MINIMAL.index("正文:")
    return MINIMAL[:start] + body + MINIMAL[MINIMAL.index("一览表:") :]


def blocks(body: str) -> list[tuple[str, str]]:
    document = reportgen.loads(with_body(body), "t.yaml").document
    return [
        (b.kind, b.full if isinstance(b, Heading) else b.lead + b.text)
        for b in document.blocks
        if isinstance(b, Heading | Paragraph)
    ]


def test_the_body_fixture_is_the_minimal_ledgers() -> None:
    assert with_body(BODY) == MINIMAL


@pytest.mark.parametrize(
    ("style", "first", "second"),
    [
        ("一是", "一是持续加强规范化建设。", "二是切实保障基本生活。"),
        ("第一", "第一，持续加强规范化建设。", "第二，切实保障基本生活。"),
        ("1.", "1.持续加强规范化建设。", "2.切实保障基本生活。"),
        ("（1）", "（1）持续加强规范化建设。", "（2）切实保障基本生活。"),
    ],
)
def test_numbered_paragraphs(style: str, first: str, second: str) -> None:
    body = f"""正文:
  - 标题: 主要工作
    段落序号: "{style}"
    段落: [持续加强规范化建设。, 切实保障基本生活。]
"""
    assert blocks(body) == [("heading", "一、主要工作"), ("paragraph", first), ("paragraph", second)]


def test_a_headless_section_takes_no_heading_number() -> None:
    body = """正文:
  - 段落序号: 一是
    段落: [持续加强规范化建设。, 切实保障基本生活。]
  - 标题: 下一步工作
    段落: [继续做好保障。]
    小节:
      - 段落序号: 第一
        段落: [按月发放。]
      - 标题: 低保方面
        段落: [应保尽保。]
"""
    assert blocks(body) == [
        ("paragraph", "一是持续加强规范化建设。"),
        ("paragraph", "二是切实保障基本生活。"),
        ("heading", "一、下一步工作"),
        ("paragraph", "继续做好保障。"),
        ("paragraph", "第一，按月发放。"),
        ("heading", "（一）低保方面"),
        ("paragraph", "应保尽保。"),
    ]


def test_a_section_needs_a_title_or_numbered_paragraphs() -> None:
    body = """正文:
  - 段落: [没有标题。]
  - 段落序号: 甲是
    段落: [不认识的序号。]
"""
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(with_body(body), "t.yaml")
    assert [(p.code, p.place) for p in caught.value.problems] == [
        ("RG104", "正文[1].标题"),
        ("RG105", "正文[2].段落序号"),
    ]


def test_titles_are_templates_and_are_linted() -> None:
    body = """正文:
  - 标题: "{{ 期间.年度 }}工作计划"
    段落: [按计划推进。]
  - 标题: 新增床位45张
    段落: [已完成。]
"""
    report = reportgen.loads(with_body(body), "t.yaml")
    assert blocks(body)[0] == ("heading", "一、2024年工作计划")
    literal = [f for f in report.check() if f.code == "RG207"]
    assert [f.problem.place for f in literal] == ["正文[2].标题"]
    broken = body.replace("{{ 期间.年度 }}", "{{ 低保金 | 人 }}")
    with pytest.raises(TemplateError) as caught:
        _ = reportgen.loads(with_body(broken), "t.yaml").document
    assert caught.value.code == "RG303" and caught.value.problems[0].place == "正文[1].标题"


def test_numbered_headless_sections_survive_the_excel_round_trip(tmp_path: Path) -> None:
    body = """正文:
  - 段落序号: 一是
    段落: [持续加强规范化建设。, 切实保障基本生活。]
  - 标题: 下一步工作
    段落序号: （1）
    段落: [继续做好保障。]
"""
    source = tmp_path / "t.yaml"
    source.write_text(with_body(body), "utf-8")
    workbook = reportgen.convert_ledger(source, tmp_path / "t.xlsx")
    back = reportgen.convert_ledger(workbook, tmp_path / "back.yaml")
    original = reportgen.load(source).document
    assert reportgen.load(workbook).document == original
    assert reportgen.load(back).document == original
    assert [b.text for b in original.blocks if isinstance(b, Paragraph)][:3] == [
        "一是持续加强规范化建设。",
        "二是切实保障基本生活。",
        "（1）继续做好保障。",
    ]


PRESS = """要素:
  发布时间: "{{ 成文日期 | 日期 }}"
  发布地点: 区为民服务中心2208会议室
称呼: 尊敬的各位领导、各位来宾、媒体朋友们
正文:
  - 段落序号: 一是
    段落: [持续加强规范化建设。, 切实保障基本生活。]
"""


def test_particulars_and_salutation_in_every_format(tmp_path: Path) -> None:
    """A press statement's 发布时间/发布地点 lines and its 称呼, under the title, in md, html and docx."""
    import docx

    report = reportgen.loads(with_body(PRESS), "t.yaml")
    document = report.document
    assert document.particulars == (("发布时间", "2024年9月23日"), ("发布地点", "区为民服务中心2208会议室"))
    assert document.salutation == "尊敬的各位领导、各位来宾、媒体朋友们："
    markdown = report.to_bytes("md").decode()
    assert "发布时间：2024年9月23日\n\n发布地点：区为民服务中心2208会议室\n\n尊敬的各位领导" in markdown
    assert '<p class="recipients">发布地点：区为民服务中心2208会议室</p>' in report.to_bytes("html").decode()
    (tmp_path / "t.docx").write_bytes(report.to_bytes("docx"))
    texts = [p.text for p in docx.Document(str(tmp_path / "t.docx")).paragraphs if p.text]
    start = texts.index("发布时间：2024年9月23日")
    assert texts[start : start + 4] == [
        "发布时间：2024年9月23日",
        "发布地点：区为民服务中心2208会议室",
        "尊敬的各位领导、各位来宾、媒体朋友们：",
        "一是持续加强规范化建设。",
    ]


def test_particulars_survive_the_excel_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(with_body(PRESS), "utf-8")
    workbook = reportgen.convert_ledger(source, tmp_path / "t.xlsx")
    back = reportgen.convert_ledger(workbook, tmp_path / "back.yaml")
    original = reportgen.load(source).document
    assert reportgen.load(workbook).document == original == reportgen.load(back).document


def test_a_particular_without_its_label_names_the_cell(tmp_path: Path) -> None:
    import openpyxl

    source = tmp_path / "t.yaml"
    source.write_text(with_body(PRESS), "utf-8")
    workbook = reportgen.convert_ledger(source, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = book["基本信息"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "要素")
    sheet.cell(row, 2).value = "区为民服务中心"  # the label and colon forgotten
    book.save(workbook)
    with pytest.raises(LedgerError) as caught:
        reportgen.load(workbook)
    problem = caught.value.problems[0]
    assert problem.code == "RG105" and problem.place == f"基本信息!B{row}" and "标签：内容" in problem.message
