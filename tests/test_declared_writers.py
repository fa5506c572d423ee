"""Declared tables (表格) in every format, read back from the real artefacts: merged group labels,
spanners, 合计 and 小计 rows, numbers stored as numbers.  Text fidelity of every cell in every format
(PDF included) is tests/test_fidelity.py's, which runs the five shapes; here the structure."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

import reportgen
from reportgen.api import Report
from reportgen.base.errors import LedgerError
from reportgen.document.blocks import Heading, TableBlock
from reportgen.render.docx import layout as L
from reportgen.render.options import RenderOptions
from tests.conftest import TABLE_LEDGER_HEAD

TABLES = Path(__file__).parent / "data" / "tables"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def report(name: str, **options: bool) -> Report:
    return reportgen.load(TABLES / f"{name}.yaml", options=RenderOptions(**options))


def last_docx_table(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return list(root.iter(f"{W}tbl"))[-1]


def test_docx_merges_a_group_label_down_its_rows_at_every_level() -> None:
    """绩效自评表: 产出指标 spans its three 二级指标 rows (w:vMerge restart + 2 continues); 合计 is the
    last row, centred; header rows repeat and no row splits."""
    data = report("self-evaluation").to_bytes("docx")
    table = last_docx_table(data)
    rows = table.findall(f"{W}tr")
    assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    first_column = [r.findall(f"{W}tc")[0] for r in rows[1:]]
    merges = [tc.find(f"{W}tcPr/{W}vMerge") for tc in first_column]
    kinds = [None if m is None else m.get(f"{W}val", "continue") for m in merges]
    assert kinds == ["restart", "continue", "continue", None, None, None]
    texts = ["".join(tc.itertext()) for tc in first_column]
    assert texts == ["产出指标", "", "", "效益指标", "满意度指标", "合计"]
    total_label = first_column[-1].find(f".//{W}jc")
    assert total_label is not None and total_label.get(f"{W}val") == "center"
    document = docx.Document(io.BytesIO(data))
    cells = document.tables[-1].rows[-1].cells
    assert [c.text for c in cells][-3:] == ["100", "", "96.93"]


def test_docx_header_groups_span_their_columns_at_two_levels() -> None:
    """县区 × 指标: 责任科室 over 指标 over 目标/完成/完成比例 — three header rows."""
    table = last_docx_table(report("county-matrix").to_bytes("docx"))
    header = [r for r in table.findall(f"{W}tr") if r.find(f"{W}trPr/{W}tblHeader") is not None]
    assert len(header) == 3
    spans = [[int(s.get(f"{W}val")) for s in row.iter(f"{W}gridSpan")] for row in header]
    assert spans == [[3, 3], [3, 3], []]
    assert ["".join(tc.itertext()) for tc in header[0].findall(f"{W}tc")] == [
        "县区",
        "社会救助科",
        "养老服务科",
    ]


def test_xlsx_stores_numbers_and_merges_labels() -> None:
    """目标完成: 考核指标 merged over the group's rows; percentages as fractions in a % format at the
    column's decimals; every cell a value unless formulas are asked for (tests/test_xlsx_formulas.py)."""
    book = openpyxl.load_workbook(io.BytesIO(report("target-completion").to_bytes("xlsx")))
    sheet = book.worksheets[0]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A5:A7", "A8:A10"} <= merged
    row = [sheet.cell(5, c).value for c in range(1, 8)]
    assert row[:5] == ["特困人员救助供养", None, "人", 1200, 1150]
    assert row[5] == row[6] and abs(row[5] - 1150 / 1200) < 1e-12
    assert sheet.cell(5, 6).number_format == "0%" and sheet.cell(5, 7).number_format == "0.00%"
    funds = openpyxl.load_workbook(io.BytesIO(report("fund-use").to_bytes("xlsx")))
    cells = [c for r in funds.worksheets[0].iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    total = [c.value for c in funds.worksheets[0][funds.worksheets[0].max_row]]
    assert total[0] == "合计" and Decimal(str(total[9])) == Decimal("0.9635258358662614")


def test_html_rowspan_and_markdown_repeats_the_label() -> None:
    """HTML merges the label (rowspan, the covered cells left out); Markdown cannot, so every row
    carries its group's name and stays readable on its own."""
    shape = report("target-completion")
    html = shape.to_bytes("html").decode()
    assert re.search(r'<td class="left" rowspan="3">特困人员救助供养</td>', html)
    assert html.count(">特困人员救助供养<") == 1
    markdown = shape.to_bytes("md").decode()
    assert markdown.count("| 特困人员救助供养 |") == 3
    assert "| **合计** |" not in markdown  # this table declares no 合计 row
    assert "| 养老机构床位 |  | 张 | 500 | 520 | 104% | 104.00% |" in markdown


def test_declared_tables_are_attachments_listed_in_order() -> None:
    """Two tables (到位与支出, 支出明细): 附件1 and 附件2, named in the 附件说明 in order."""
    document = report("funds").document
    assert [a.label for a in document.attachments] == ["附件1", "附件2"]
    titles = [a.table.spec.title for a in document.attachments]
    assert document.attachment_note == (f"附件：1.{titles[0]}", f"2.{titles[1]}")


PLACED = Path(__file__).parent / "data" / "placed-tables.yaml"


def test_tables_placed_in_the_body_follow_their_section_or_end_the_body() -> None:
    """位置: {章节: 资金使用情况} right after that section; 位置: 正文 after the last section, before the
    结语; the third table stays an attachment, alone in the 附件说明.  The .docx holds the body tables
    across the portrait 版心 (156 mm), and the attachment too: its four columns suit a portrait page."""
    placed = reportgen.load(PLACED)
    kinds = [
        b.table.spec.title if isinstance(b, TableBlock) else b.full if isinstance(b, Heading) else b.text
        for b in placed.document.blocks
    ]
    assert kinds == [
        "一、资金使用情况",
        "各乡镇资金使用情况如下表。",
        "各乡镇临时救助资金使用情况",
        "二、救助对象情况",
        "各县区新增对象情况见正文末的表。",
        "各县区新增低保对象",
        "下一步，我局将继续做好临时救助工作。",
    ]
    assert placed.document.attachment_note == ("附件：临时救助资金支出明细",)
    document = docx.Document(io.BytesIO(placed.to_bytes("docx")))
    widths = [sum(int(c.get(f"{W}w")) for c in t._tbl.iter(f"{W}gridCol")) for t in document.tables]
    assert widths == [L.BODY_WIDTH] * 3 and placed.document.attachments[0].portrait
    sheets = openpyxl.load_workbook(io.BytesIO(placed.to_bytes("xlsx"))).sheetnames
    assert sheets == ["表1", "表2", "附件"]


def test_a_placement_naming_no_section_or_no_place_is_refused(tmp_path: Path) -> None:
    text = PLACED.read_text(encoding="utf-8")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        text.replace("{章节: 资金使用情况}", "{章节: 资金使用}").replace("位置: 正文", "位置: 表后")
    )
    with pytest.raises(LedgerError) as caught:
        reportgen.load(wrong)
    found = {(p.code, p.place) for p in caught.value.problems}
    assert ("RG127", "表格[1].位置.章节") in found
    assert ("RG105", "表格[2].位置") in found
    assert "是否应为“资金使用情况”" in str(caught.value)


def test_a_body_table_too_wide_for_the_portrait_page_is_refused(tmp_path: Path) -> None:
    """Thirteen 万元 columns in the body would split figures over lines on a portrait page: RG126
    pointing to 位置: 附件 (where the page is landscape), never a wrapped number."""
    columns = "\n".join(f"      - {{名称: 金额{i}, 单位: 万元}}" for i in range(12))
    cells = ", ".join(f"金额{i}: 12345.67" for i in range(12))
    text = PLACED.read_text(encoding="utf-8").split("表格:")[0] + (
        "表格:\n  - 编号: 宽表\n    标题: 宽表\n    位置: 正文\n    列:\n      - {名称: 单位, 文本: 是}\n"
        f"{columns}\n    行:\n      - {{单位: 城关镇, {cells}}}\n"
    )
    wide = tmp_path / "wide.yaml"
    wide.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        _ = reportgen.load(wide).document
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG126", "表格“宽表”.位置")]
    attached = tmp_path / "attached.yaml"
    attached.write_text(text.replace("    位置: 正文\n", ""), encoding="utf-8")
    assert "12345.67" in reportgen.load(attached).to_bytes("md").decode()


LABEL_FIRST = (
    f"标题: 小计的位置\n{TABLE_LEDGER_HEAD}"
    + """\
表格:
  - 编号: 片区
    标题: 各片区临时救助情况
    列:
      - {名称: 乡镇, 文本: 是}
      - {名称: 片区, 文本: 是}
      - {名称: 户数, 单位: 户}
    分组列: [片区]
    行:
      - 分组: 东片
        小计: 是
        行:
          - {乡镇: 城关镇, 户数: 120}
          - {乡镇: 龙泉镇, 户数: 90}
    合计行: 是
"""
)


# the same table without the rows' own label column: only the group column is text
GROUP_ONLY = (
    LABEL_FIRST.replace("      - {名称: 乡镇, 文本: 是}\n", "")
    .replace("{乡镇: 城关镇, 户数: 120}", "{户数: 120}")
    .replace("{乡镇: 龙泉镇, 户数: 90}", "{户数: 90}")
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the rows' label column is left of the group column: 小计 stands there, 东片 stays merged over it
        (LABEL_FIRST, [["城关镇", "东片", "120"], ["龙泉镇", "东片", "90"], ["小计", "东片", "210"]]),
        # no text column but the group's own: its cell names whose 小计 it is
        (GROUP_ONLY, [["东片", "120"], ["东片", "90"], ["东片小计", "210"]]),
    ],
)
def test_a_subtotal_label_never_hides_its_group_name(tmp_path: Path, text: str, expected: object) -> None:
    source = tmp_path / "t.yaml"
    source.write_text(text, "utf-8")
    data = reportgen.load(source).to_bytes("docx")
    rows = docx.Document(io.BytesIO(data)).tables[-1].rows
    body = [[c.text for c in row.cells] for row in rows[1:-1]]  # python-docx repeats a merged cell's text
    assert body == expected


NUMBERED = (
    LABEL_FIRST[: LABEL_FIRST.index("表格:")]
    + """\
表格:
  - 编号: 乡镇
    标题: 各乡镇临时救助情况
    列:
      - {名称: 序号, 公式: 序号}
      - {名称: 片区, 文本: 是}
      - {名称: 乡镇, 文本: 是}
      - {名称: 户数, 单位: 户}
    分组列: [片区]
    排序: {列: 户数}
    行:
      - 分组: 东片
        小计: 是
        行:
          - {乡镇: 城关镇, 户数: 90}
          - {乡镇: 龙泉镇, 户数: 120}
      - 分组: 西片
        行:
          - {乡镇: 石桥乡, 户数: 40}
    合计行: 是
"""
)


def test_a_numbering_column_counts_the_rows_as_printed_in_every_format(tmp_path: Path) -> None:
    """公式: 序号 numbers the data rows 1, 2, 3 after 排序 and across groups; 小计 and 合计 get none;
    the same in .docx, .xlsx (a number, never a formula), HTML and Markdown, and from an Excel ledger."""
    from tests.test_excel_ledger import round_trip

    trip = round_trip(NUMBERED.encode("utf-8"))
    options = RenderOptions(xlsx_total_formulas=True)
    for report in (
        reportgen.loads(NUMBERED, "n.yaml", options=options),
        Report(trip.models[1], options=options),
    ):
        rows = docx.Document(io.BytesIO(report.to_bytes("docx"))).tables[-1].rows
        body = [[c.text for c in row.cells] for row in rows[1:]]
        assert body == [
            ["1", "东片", "龙泉镇", "120"],
            ["2", "东片", "城关镇", "90"],
            ["", "东片", "小计", "210"],
            ["3", "西片", "石桥乡", "40"],
            ["", "合计", "", "250"],
        ]
        sheet = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx"))).active
        assert sheet is not None
        numbers = [row[0] for row in sheet.iter_rows(values_only=True) if isinstance(row[0], int | float)]
        assert numbers == [1, 2, 3]
        html = report.to_bytes("html").decode("utf-8")
        assert re.search(r'<td class="center">1</td>\s*<td[^>]*>东片', html)
        markdown = report.to_bytes("md").decode("utf-8")
        assert "| 3 | 西片 | 石桥乡 | 40 |" in markdown


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("{名称: 序号, 公式: 序号, 单位: 户}", "序号列不填“单位”"),
        ("{名称: 序号, 公式: 序号, 合计: 求和}", "序号不能相加"),
        (
            "{名称: 序号, 公式: 序号}\n      - {名称: 二倍, 单位: 户, 公式: {求和: [序号, 户数]}}",
            "不参与计算",
        ),
    ],
)
def test_a_numbering_column_takes_no_unit_no_sum_and_feeds_no_formula(column: str, message: str) -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(NUMBERED.replace("{名称: 序号, 公式: 序号}", column), "n.yaml")
    assert message in str(caught.value)


def test_a_numbering_column_orders_nothing() -> None:
    # 序号 numbers the rows as the sort leaves them: sorting by it would be silently ignored
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(NUMBERED.replace("排序: {列: 户数}", "排序: {列: 序号}"), "n.yaml")
    assert "RG126" in str(caught.value) and "不能用来排序" in str(caught.value)
