"""The .docx opened as Word would open it (python-docx and its XML): layout, merges, fonts, values."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from markupsafe import Markup

import reportgen
from reportgen import ReportError
from reportgen.base.resources import builtin_templates
from reportgen.document.textwidth import display_width
from reportgen.numbers import format_percent
from reportgen.render import RenderOptions
from reportgen.render.docx import layout
from reportgen.render.docx.table_xml import table_xml
from reportgen.render.docx.template_builder import FORM_TEMPLATE, TEMPLATES, build_template
from reportgen.templating.sandbox import ReportEnvironment
from tests.conftest import JIALING, MINIMAL

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CJK = re.compile(r"[\u3400-\u9fff]")


def open_docx(data: bytes) -> DocxDocument:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def jialing() -> reportgen.Report:
    return reportgen.load(JIALING)


@pytest.fixture(scope="module")
def rendered(jialing: reportgen.Report) -> bytes:
    return jialing.to_bytes("docx")


@pytest.mark.parametrize(
    "name,attachments,portrait_last,form",
    [
        ("report.docx", True, False, False),
        ("report-portrait-end.docx", True, True, False),
        ("report-plain.docx", False, False, False),
        (str(FORM_TEMPLATE), False, False, True),
    ],
)
def test_committed_template_is_what_the_builder_builds(
    name: str, attachments: bool, portrait_last: bool, form: bool
) -> None:
    built = build_template(attachments=attachments, portrait_last=portrait_last, form=form)
    assert (TEMPLATES / name).read_bytes() == built, (
        f"templates/{name} is stale: run python -m reportgen.render.docx.template_builder"
    )


def test_body_is_portrait_a4_with_9704_margins_and_the_attachment_is_landscape(rendered: bytes) -> None:
    body, attachment = open_docx(rendered).sections
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert [
        round(x.mm) for x in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)
    ] == [
        37,
        35,
        28,
        26,
    ]
    assert attachment.orientation == WD_ORIENT.LANDSCAPE
    assert (round(attachment.page_width.mm), round(attachment.page_height.mm)) == (297, 210)
    assert attachment.start_type == 2  # WD_SECTION.NEW_PAGE


def test_body_text_is_fangsong_16pt_on_an_exact_29pt_grid(rendered: bytes) -> None:
    document = open_docx(rendered)
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert fonts.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    spacing = normal.paragraph_format
    assert spacing.line_spacing == Pt(Decimal(layout.LINE_PITCH) / 20)  # 28.95 pt, 22 lines in 225 mm
    assert spacing.first_line_indent == Pt(32)  # 2 字
    assert 22 * spacing.line_spacing <= Mm(225) < 23 * spacing.line_spacing
    title = document.paragraphs[0]
    assert title.style.name == "公文标题" and title.style.font.size == Pt(22)
    assert title.style.element.rPr.rFonts.get(f"{W}eastAsia") == "方正小标宋简体"
    headings = [p.text for p in document.paragraphs if p.style.name == "一级标题"]
    assert headings[:2] == ["一、基本情况", "二、主要做法及成效"]
    assert document.styles["一级标题"].element.rPr.rFonts.get(f"{W}eastAsia") == "黑体"
    assert document.styles["二级标题"].element.rPr.rFonts.get(f"{W}eastAsia") == "楷体_GB2312"


def test_every_run_with_chinese_text_names_an_east_asian_font(rendered: bytes) -> None:
    root = open_docx(rendered).element
    runs = [r for r in root.iter(f"{W}r") if CJK.search("".join(t.text or "" for t in r.iter(f"{W}t")))]
    assert len(runs) > 40
    missing = [
        r
        for r in runs
        if r.find(f"{W}rPr/{W}rFonts") is None or not r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia")
    ]
    assert not missing


def test_run_in_lead_uses_the_heading_font(rendered: bytes) -> None:
    document = open_docx(rendered)
    lead = next(p for p in document.paragraphs if p.text.startswith("（一）低保方面。"))
    assert lead.runs[0].text == "（一）低保方面。" and lead.runs[0].style.name == "二级标题字符"
    assert lead.runs[0].element.rPr.rFonts.get(f"{W}eastAsia") == "楷体_GB2312"


def _start(text: str) -> int:
    """Half-字 from the left margin to a padded line's first character."""
    return display_width(text) - display_width(text.lstrip("\u3000\u2002"))


def test_signature_and_date_are_placed_by_9704(rendered: bytes) -> None:
    paragraphs = open_docx(rendered).paragraphs
    signer = next(p for p in paragraphs if p.style.name == "署名")
    date = next(p for p in paragraphs if p.style.name == "成文日期")
    assert signer.text.lstrip("\u3000\u2002") == "南充市嘉陵区民政局"
    assert date.text.lstrip("\u3000\u2002") == "2024年9月23日"
    # 9704 7.3.5.2, the 署名 the longer: it stands 右空二字 (a line is 28 字 = 56 half-字) and the
    # date's first character 2 字 right of its first; both flush left, placed by leading spaces
    # (trailing ones are dropped at a line's end).
    assert 56 - display_width(signer.text) == 4
    assert _start(date.text) - _start(signer.text) == 4
    for paragraph in (signer, date):
        assert paragraph.style.paragraph_format.alignment == 0  # LEFT
        assert paragraph.style.paragraph_format.right_indent in (None, 0)
    note = next(p for p in paragraphs if p.style.name == "附件说明")
    assert note.text == "附件：2024年1—9月民生实事项目推进和资金执行情况\n一览表"  # broken between words


def test_a_date_longer_than_the_signer_stands_2_zi_from_the_margin() -> None:
    """9704 7.3.5.2: when the 成文日期 is the longer, it stands 右空二字 and the 署名 moves left to
    keep the date's first character 2 字 right of its own."""
    text = re.sub(r"(?m)^落款: .*$", "落款: 青山区民政局", MINIMAL)
    text = re.sub(r"(?m)^成文日期: .*$", "成文日期: 2024-10-09", text)
    paragraphs = open_docx(reportgen.loads(text, "short.yaml").to_bytes("docx")).paragraphs
    signer = next(p for p in paragraphs if p.style.name == "署名")
    date = next(p for p in paragraphs if p.style.name == "成文日期")
    assert (signer.text.lstrip("\u3000\u2002"), date.text.lstrip("\u3000\u2002")) == (
        "青山区民政局",
        "2024年10月9日",
    )
    assert 56 - display_width(date.text) == 4
    assert _start(date.text) - _start(signer.text) == 4
    assert 56 - display_width(signer.text) == 9  # 右空四字半: moved left


def test_page_numbers_alternate_sides_in_songti_14pt(rendered: bytes) -> None:
    document = open_docx(rendered)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    for paragraph in (odd, even):
        xml = paragraph._p.xml
        assert "PAGE" in xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml
    # the landscape 附件 has footers of its own (the number turned along the sheet's foot, 9704 8), and
    # the numbering continues into it: no restart
    landscape = document.sections[1]
    assert (
        not landscape.footer.is_linked_to_previous and "layout-flow:vertical" in landscape.footer._element.xml
    )
    assert " PAGE " in landscape.even_page_footer._element.xml and "pgNumType" not in landscape._sectPr.xml


def test_table_header_is_merged_and_repeats(rendered: bytes, jialing: reportgen.Report) -> None:
    [table] = open_docx(rendered).tables
    tbl = table._tbl
    rows = tbl.findall(f"{W}tr")
    spec = jialing.document.attachments[0].table.spec
    depth = spec.header_depth
    for index, row in enumerate(rows):
        is_header = index < depth
        assert (row.find(f"{W}trPr/{W}tblHeader") is not None) == is_header
        assert row.find(f"{W}trPr/{W}cantSplit") is not None
    first = rows[0].findall(f"{W}tc")
    spans = [
        int(tc.find(f"{W}tcPr/{W}gridSpan").get(f"{W}val"))
        if tc.find(f"{W}tcPr/{W}gridSpan") is not None
        else 1
        for tc in first
    ]
    labels = ["".join(t.text for t in tc.iter(f"{W}t")) for tc in first]
    assert list(zip(labels, spans, strict=True)) == [
        ("序号", 1),
        ("项目名称", 1),
        ("项目推进情况", 3),
        ("资金执行情况（万元、%）", 5),
        ("责任单位", 1),
        ("备注", 1),
    ]
    # 序号 spans the three header rows: restart on row 1, continue on rows 2 and 3.
    merges = [row.findall(f"{W}tc")[0].find(f"{W}tcPr/{W}vMerge") for row in rows[:depth]]
    assert merges[0].get(f"{W}val") == "restart" and all(
        m is not None and m.get(f"{W}val") is None for m in merges[1:]
    )
    texts = [[cell.text for cell in row.cells] for row in table.rows]
    # A header wraps only between words, by the breaks the writer prints (document.widths).
    assert texts[2][5:10] == ["计划安排\n资金", "金额", "占计划\n比例", "金额", "占计划\n比例"]
    assert texts[1][6] == "下达预算" and texts[1][8] == "实际拨付"


def test_ratio_cells_are_the_computed_values(rendered: bytes, jialing: reportgen.Report) -> None:
    [table] = open_docx(rendered).tables
    body = [[cell.text for cell in row.cells] for row in table.rows][3:]
    figures = jialing.computed.table
    assert figures is not None
    assert len(body) == len(figures.rows) + 1
    for row, computed in zip(body, figures.rows, strict=False):
        assert row[7] == format_percent(computed.budget_ratio, 2)
        assert row[9] == format_percent(computed.paid_ratio, 2)
    total = body[-1]
    assert total[1] == "合计"
    assert total[7] == format_percent(figures.total_budget_ratio, 2) == "120.81%"
    assert total[5] == "14037.00"


def test_same_ledger_same_bytes(tmp_path: Path) -> None:
    first = reportgen.load(JIALING).to_bytes("docx")
    second = reportgen.load(JIALING).to_bytes("docx")
    assert first == second
    names = [i for i in zipfile.ZipFile(io.BytesIO(first)).infolist()]
    assert {i.date_time for i in names} == {(1980, 1, 1, 0, 0, 0)}
    core = zipfile.ZipFile(io.BytesIO(first)).read("docProps/core.xml").decode()
    assert "2024-09-23T00:00:00Z" in core and "南充市嘉陵区民政局关于" in core


def test_plain_docxtpl_renders_the_same_text_from_our_template(
    jialing: reportgen.Report, rendered: bytes
) -> None:
    """Our compiled path is docxtpl's syntax: plain docxtpl, given the same context, says the same."""
    template = DocxTemplate(str(TEMPLATES / "report.docx"))
    document = jialing.document
    context = {
        "document": document,
        "tables": [Markup(table_xml(a.table)) for a in document.attachments],
        "colophon": "",  # no 版记 and no 印章: their paragraphs are removed
        "seal": "",
    }
    # docxtpl sets autoescape on the environment it is given: give it a private one.
    template.render(context, jinja_env=ReportEnvironment(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    theirs = open_docx(buffer.getvalue())
    ours = open_docx(rendered)
    assert [p.text for p in theirs.paragraphs] == [p.text for p in ours.paragraphs]
    assert [[c.text for c in r.cells] for r in theirs.tables[0].rows] == [
        [c.text for c in r.cells] for r in ours.tables[0].rows
    ]


def test_text_from_data_is_escaped_and_never_corrupts_the_file() -> None:
    ledger = MINIMAL.replace("项目名称: 低保", '项目名称: "A&B <w:t>\\"引号\\" \'单引\' 控制符 😀 𠀀"')
    data = reportgen.loads(ledger).to_bytes("docx")
    [table] = open_docx(data).tables
    assert table.rows[3].cells[1].text == "A&B <w:t>\"引号\" '单引' 控制符 😀 𠀀"
    # Characters no .docx can hold are refused when the ledger loads (tests/test_text_fields.py).
    with pytest.raises(reportgen.LedgerError) as caught:
        reportgen.loads(MINIMAL.replace("项目名称: 低保", '项目名称: "控制\\x01\\x0b符"'))
    assert caught.value.code == "RG119"


def test_a_ledger_without_table_uses_the_plain_template() -> None:
    text = MINIMAL.split("一览表:")[0]
    document = open_docx(reportgen.loads(text).to_bytes("docx"))
    assert len(document.sections) == 1 and document.sections[0].orientation == WD_ORIENT.PORTRAIT
    assert not document.tables
    assert document.paragraphs[0].text == "测试局关于2024年1—9月工作情况的报告"


def _user_template(tmp_path: Path, *texts: str) -> Path:
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    path = tmp_path / "mine.docx"
    document.save(str(path))
    return path


def test_a_users_template_gets_the_document(tmp_path: Path) -> None:
    path = _user_template(
        tmp_path, "{{ document.title }}", "{%p for b in document.blocks %}", "{{ b.text }}", "{%p endfor %}"
    )
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=path))
    texts = [p.text for p in open_docx(report.to_bytes("docx")).paragraphs]
    assert texts == ["测试局关于2024年1—9月工作情况的报告", "基本情况", "1—9月，发放低保金100.5万元。"]


def test_a_template_folder_is_searched_before_the_built_in_one(tmp_path: Path) -> None:
    """The .docx writer looks report.docx up in the environment's folders, the value the loader reads."""
    folder = tmp_path / "T"
    folder.mkdir()
    _user_template(tmp_path, "{{ document.title }}").rename(folder / "report.docx")
    report = reportgen.loads(MINIMAL, templates=[folder])
    assert report.env.folders[-2:] == (folder, builtin_templates())  # after the kind's pack folders
    texts = [p.text for p in open_docx(report.to_bytes("docx")).paragraphs]
    assert texts == ["测试局关于2024年1—9月工作情况的报告"]


@pytest.mark.parametrize(
    "text,code",
    [
        ("{{ document.no_such_field }}", "RG302"),
        ("{{ document.title ", "RG301"),
        ("{{ ''.__class__.__mro__ }}", "RG304"),
        ("{{ document.title | 万元 }}", "RG303"),
    ],
)
def test_a_broken_user_template_is_a_coded_error_naming_the_paragraph(
    tmp_path: Path, text: str, code: str
) -> None:
    path = _user_template(tmp_path, "第一段", text)
    report = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=path))
    out = tmp_path / "out"
    with pytest.raises(ReportError) as caught:
        report.render("docx", out)
    problem = caught.value.problems[0]
    assert problem.code == code
    assert "mine.docx" in problem.describe() and "第2段" in problem.describe()
    assert not out.exists() or not list(out.iterdir())
