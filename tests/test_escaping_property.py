"""Any text in a ledger reaches every format intact: the .docx opens with python-docx, the .xlsx with
openpyxl, HTML escapes it, and the text comes back exactly — except the characters XML 1.0 cannot
hold (C0 controls but tab and line feed), which are dropped, and CR line ends, which become LF."""

from __future__ import annotations

import io
import re

import docx
import markupsafe
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportgen
from tests.conftest import MINIMAL, yaml_quoted

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="{}"),  # braces would be template syntax
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() != "")
NASTY = st.sampled_from(
    ["=SUM(A1)", "+1", "-1", "@x", "\t=1", "&amp;", "<w:t>", "]]>", "a\x00b\x1fc", "😀𠀀", "a\r\nb"]
)
EXAMPLES = 60


def expected(text: str) -> str:
    """What a reader gets back: XML-forbidden characters dropped, CR line ends as LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


def ledger_with(name: str, owner: str, note: str) -> str:
    quoted = {k: yaml_quoted(v) for k, v in (("n", name), ("o", owner), ("x", note))}
    return MINIMAL.replace(
        "    - 项目名称: 低保\n",
        f"    - 项目名称: {quoted['n']}\n      责任单位: {quoted['o']}\n      备注: {quoted['x']}\n",
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, NASTY), st.one_of(TEXT, NASTY))
def test_any_text_survives_every_format(owner: str, note: str) -> None:
    """责任单位 and 备注 are plain text (项目名称 and the narrative are prose: lines joined, ends trimmed)."""
    name = "项目"
    report = reportgen.loads(ledger_with(name, owner, note), "p.yaml")
    row = report.document.attachments[0].table.rows[0]
    assert [row.cells[1].text, row.cells[-2].text, row.cells[-1].text] == [name, owner, note]

    table = docx.Document(io.BytesIO(report.to_bytes("docx"))).tables[0]
    cells = table.rows[3].cells
    assert [cells[1].text, cells[-2].text, cells[-1].text] == [
        expected(name),
        expected(owner),
        expected(note),
    ]

    sheet = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx"))).active
    values = [sheet.cell(7, c).value for c in (2, 11, 12)]
    assert values == [expected(name), expected(owner), expected(note)]
    assert not any(sheet.cell(7, c).data_type == "f" for c in (2, 11, 12))  # never a formula

    page = report.to_bytes("html").decode("utf-8")
    for text in (owner, note):
        assert str(markupsafe.escape(expected(text))) in page
    assert "<w:t>" not in page and "<script" not in page


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(TEXT, NASTY), st.one_of(TEXT, NASTY))
def test_titles_and_paragraphs_reach_the_docx_as_the_document_holds_them(title: str, paragraph: str) -> None:
    """Prose fields are normalised by the ledger reader (lines joined, ends trimmed: docs/ledger.md);
    what the document then holds reaches the .docx exactly, but for XML-forbidden characters."""
    text = MINIMAL.replace(
        "标题: 测试局关于{{ 期间.年月 }}工作情况的报告", f"标题: {yaml_quoted(title)}"
    ).replace('段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]', f"段落: [{yaml_quoted(paragraph)}]")
    try:
        report = reportgen.loads(text, "p.yaml")
        document = report.document
    except reportgen.ReportError as error:  # text that is empty once trimmed is refused, with a code
        assert error.code in {"RG104", "RG207"}, error
        return
    paragraphs = [p.text for p in docx.Document(io.BytesIO(report.to_bytes("docx"))).paragraphs]
    assert paragraphs[0] == expected(document.title)
    body = [b.text for b in document.blocks if b.kind == "paragraph"]
    assert expected(body[0]) in paragraphs
