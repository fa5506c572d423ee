"""Hostile text in EVERY text field of a ledger (docs/ledger.md “文字字段”) reaches every output it is
printed in exactly, or the ledger is refused with a code — never a corrupt or silently changed file.

For each field, hypothesis writes text built from hostile pieces (characters XML forbids, XML and
HTML specials, Jinja syntax, formula starts, bidi and zero-width marks, Markdown specials, astral
characters) between two Chinese characters, then:

- a character XML 1.0 forbids, or a bidi override that would reorder the printed text → ``LedgerError``
  RG119 at that field;
- else ``{{``/``{%``/``{#`` in a plain field → RG120 at that field;
- else ``{{``… in a template field → the template renders (or fails with an RG3xx code);
- else the text comes back exactly (after the documented reading: prose lines joined, rendered text
  trimmed) from the .docx (python-docx, every XML part parsed strictly), the .xlsx (openpyxl; never a
  formula), the HTML (escaped) and the Markdown (escaped), in every one of them that prints the field.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import docx
import markupsafe
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import reportgen
from reportgen.base.errors import LedgerError, TemplateError
from reportgen.base.escape import BIDI_CONTROL, NOT_XML, TEMPLATE_SYNTAX, markdown_cell, markdown_text
from reportgen.ledger.fields import unfold
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from tests.test_text_fields import at, base, place, set_field

EXAMPLES = 25  # per field: 22 fields × 25 examples × 4 formats, about 15 s of CPU

PIECES = [
    *["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"],  # XML 1.0 forbids these
    *["&", "<", ">", '"', "'", "]]>", "<w:t>", "</w:t>", "&amp;", "&#1;", "<script>alert(1)</script>"],
    *["{{ 期间 }}", "{{", "}}", "{%", "%}", "{#", "#}", "{{ 低保金 | 万元 }}", "{{ x.__class__ }}"],
    *["{% for i in range(3) %}{{ i }}{% endfor %}", "${x}", "%s"],
    *["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x")', "\t=1"],
    *["\u202e", "\u200f", "\u200b", "\ufeff", "\x85", "\u2028", "\u00a0", "\u3000", "\t", " ", "  "],
    *["#", "|", "*", "_", "`", "\\", "[x](y)", "- ", "1. ", "---", "<br>"],
    *["😀", "𠀀", "低保", "A", "1—9月", "12"],
]
HOSTILE = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=4),
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "甲" + "".join(parts) + "乙")


@dataclass(frozen=True)
class Field:
    """A text field, how it is read (``prose``: lines joined; ``template``: rendered and trimmed) and
    the outputs that print it (``cell``: as a table cell, which Markdown escapes with ``md_cell``)."""

    path: tuple[str | int, ...]
    template: bool
    prose: bool
    outputs: frozenset[str]
    cell: bool = False
    without_table: bool = False  # printed only in the 主要指标 sheet of a report without 一览表

    def expected(self, text: str) -> str:
        text = unfold(text) if self.prose else text
        return text.strip() if self.template or self.path[-1] == "调整时间" else text


ALL = frozenset({"docx", "html", "md", "xlsx"})
TEXT = frozenset({"docx", "html", "md"})
FIELDS = [
    Field(("标题",), True, False, TEXT),
    Field(("导语", 1), True, True, TEXT),
    Field(("称呼",), True, True, TEXT),
    Field(("要素", "发布时间"), True, True, TEXT),
    Field(("要素", "<标签>"), False, False, TEXT),
    Field(("正文", 1, "标题"), True, True, TEXT),
    Field(("正文", 1, "段落", 1), True, True, TEXT),
    Field(("结语", 1), True, True, TEXT),
    Field(("落款",), False, False, TEXT),
    Field(("填报单位",), False, False, frozenset({"xlsx"}), without_table=True),  # 主要指标 title
    Field(("主送机关", 1), False, True, TEXT),
    Field(("指标", "低保金", "名称"), False, False, ALL, cell=True),  # the 目标表
    Field(("指标", "低保金", "说明"), False, False, frozenset({"xlsx"}), without_table=True),
    Field(("指标", "低保金", "调整时间"), False, False, TEXT),  # quoted by a 结语 template
    Field(("一览表", "标题"), True, False, ALL),
    Field(("一览表", "填表单位"), False, False, ALL),
    Field(("一览表", "项目", 1, "项目名称"), False, True, ALL, cell=True),
    Field(("一览表", "项目", 1, "目标任务"), True, True, ALL, cell=True),
    Field(("一览表", "项目", 1, "实施进度"), True, True, ALL, cell=True),
    Field(("一览表", "项目", 1, "责任单位"), False, False, ALL, cell=True),
    Field(("一览表", "项目", 1, "备注"), False, False, ALL, cell=True),
    Field(("目标表", "标题"), True, True, ALL),
]


def ledger_with(field: Field, text: str) -> str:
    data = base()
    data["结语"] = ["自{{ 低保金 | 调整时间 }}起调整。"] if field.path[-1] == "调整时间" else data["结语"]
    if field.without_table:
        del data["一览表"], data["目标表"]
    set_field(data, field.path, text)
    return yaml_text(data)


def held(data: object, path: tuple[str | int, ...]) -> object:
    """The value at ``path`` in a ledger tree (for 要素's label, the label)."""
    assert isinstance(data, dict)
    if path == ("要素", "<标签>"):
        [label] = data["要素"]
        return label
    node, key = at(data, path)
    return node[key]  # type: ignore[index]


def docx_text(data: bytes) -> list[str]:
    """Every paragraph and cell of the .docx and its title/author; every XML part parsed strictly."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return [*texts, document.core_properties.title, document.core_properties.author]


def xlsx_text(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    values: list[str] = [book.properties.title or "", book.properties.creator or ""]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate  # text never becomes a formula
                if isinstance(cell.value, str):
                    values.append(cell.value)
    return values


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: place(f.path))
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=HOSTILE)
def test_hostile_text_in_every_field(field: Field, text: str) -> None:
    source = ledger_with(field, text)
    assert held(parse_yaml(source.encode("utf-8"), "t.yaml").data, field.path) == text  # YAML keeps it
    forbidden = NOT_XML.search(text) is not None or BIDI_CONTROL.search(text) is not None
    syntax = TEMPLATE_SYNTAX.search(text) is not None
    try:
        report = reportgen.loads(source, "t.yaml")
        outputs = {fmt: report.to_bytes(fmt) for fmt in ("docx", "xlsx", "html", "md")}
    except LedgerError as error:
        code = "RG119" if forbidden else "RG120"
        assert forbidden or (syntax and not field.template), error
        assert [p.place for p in error.problems if p.code == code] == [place(field.path)], error
        return
    except TemplateError as error:
        assert field.template and syntax and error.code in {"RG301", "RG302", "RG303", "RG304", "RG306"}
        return
    assert not forbidden and not (syntax and not field.template)
    docx_texts, xlsx_texts = docx_text(outputs["docx"]), xlsx_text(outputs["xlsx"])
    html, md = outputs["html"].decode("utf-8"), outputs["md"].decode("utf-8")
    if syntax:
        return  # a template: what it renders to is Jinja's output, not the text typed
    shown = field.expected(text)
    # a title is printed in lines broken between words (document.titles): a w:br in the .docx, <br> in HTML
    # (markup no text can produce: text's “<” is escaped)
    found = {
        "docx": any(shown in t or shown in t.replace("\n", "") for t in docx_texts),
        "xlsx": any(shown in t for t in xlsx_texts),
        "html": str(markupsafe.escape(shown)) in html.replace("<br>", ""),
        "md": (markdown_cell if field.cell else markdown_text)(shown) in md,
    }
    assert {fmt for fmt in field.outputs if not found[fmt]} == set(), shown
    assert "<script>" not in html


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE)
def test_table_cells_come_back_exactly(text: str) -> None:
    """责任单位 and 备注 in their own cells: the .docx cell's text and the .xlsx cell's value are the
    text itself (not just contain it), and a leading ``=`` never makes a formula."""
    data = base()
    for key in ("责任单位", "备注"):
        set_field(data, ("一览表", "项目", 1, key), text)
    try:
        report = reportgen.loads(yaml_text(data), "t.yaml")
        row = report.document.attachments[0].table.rows[0]
    except LedgerError as error:
        assert {p.code for p in error.problems} <= {"RG119", "RG120"}
        return
    assert [row.cells[-2].text, row.cells[-1].text] == [text, text]
    cells = docx.Document(io.BytesIO(report.to_bytes("docx"))).tables[0].rows[3].cells
    assert [cells[-2].text, cells[-1].text] == [text, text]
    sheet = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx"))).worksheets[0]
    assert [sheet.cell(7, c).value for c in (11, 12)] == [text, text]
    assert not any(sheet.cell(7, c).data_type == "f" for c in (11, 12))
