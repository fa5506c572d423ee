"""The .xlsx 一览表 read back with openpyxl: merges, real numbers, formats, print setup, no formulas."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import reportgen
from reportgen import RenderError
from tests.conftest import JIALING, MINIMAL, SAMPLES


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.worksheet.worksheet.Worksheet:
    [path] = reportgen.load(JIALING).render("xlsx", tmp_path_factory.mktemp("xlsx"))
    return openpyxl.load_workbook(path).active


def test_header_is_merged_like_the_spec(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {
        "A4:A6",
        "B4:B6",
        "C4:E4",
        "F4:J4",
        "K4:K6",
        "L4:L6",
        "C5:C6",
        "D5:D6",
        "E5:E6",
        "F5:F6",
        "G5:H5",
        "I5:J5",
    } <= merged
    assert sheet["C4"].value == "项目推进情况" and sheet["F4"].value == "资金执行情况（万元、%）"
    assert [sheet.cell(6, c).value for c in range(7, 11)] == ["金额", "占计划比例", "金额", "占计划比例"]
    assert sheet["A2"].value == "2024年1—9月民生实事项目推进和资金执行情况一览表"
    assert sheet["A3"].value == "填表单位：嘉陵区民政局" and sheet["G3"].value == "填表时间：2024年9月23日"


def test_cells_are_numbers_with_formats(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    plan, budget, budget_ratio, paid, paid_ratio = (sheet.cell(8, c) for c in range(6, 11))
    assert all(c.data_type == "n" for c in (plan, budget, budget_ratio, paid, paid_ratio))
    assert (plan.value, budget.value, paid.value) == (844, 651, 678.54)
    assert paid_ratio.value == pytest.approx(float(Decimal("678.54") / Decimal(844)))  # ÷ 计划, not ÷ 下达
    assert (plan.number_format, budget_ratio.number_format) == ("0.00", "0.00%")
    total = [sheet.cell(10, c).value for c in range(2, 11)]
    assert total[0] == "合计" and total[4] == 14037 and total[7] == pytest.approx(12905.2872)
    assert sheet["A7"].value == 1 and sheet["E7"].value == "—"


def test_print_setup(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    assert sheet.print_title_rows == "$4:$6"
    assert sheet.freeze_panes == "C7"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1


def test_a_portrait_attachment_prints_portrait(tmp_path: Path) -> None:
    """The sheet of an attachment the .docx sets on a portrait page prints portrait (scaled to the
    page width like every sheet); the report's other sheets stay landscape."""
    document = reportgen.load(SAMPLES / "qingshan-notice-2024q3.yaml")
    assert [a.portrait for a in document.document.attachments] == [True]
    [path] = document.render("xlsx", tmp_path)
    attachment, figures = openpyxl.load_workbook(path).worksheets
    assert attachment.title == "附件" and attachment.page_setup.orientation == "portrait"
    assert int(attachment.page_setup.paperSize) == 9 and attachment.page_setup.fitToWidth == 1
    assert attachment.sheet_properties.pageSetUpPr.fitToPage and attachment.page_setup.fitToHeight == 0
    assert figures.page_setup.orientation == "landscape"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tx"])
def test_text_never_becomes_a_formula(tmp_path: Path, text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    ledger = MINIMAL.replace("      实际拨付: 100", f'      实际拨付: 100\n      备注: "{escaped}"')
    [path] = reportgen.loads(ledger, str(tmp_path / "x.yaml")).render("xlsx", tmp_path)
    cell = openpyxl.load_workbook(path).active["L7"]
    assert cell.data_type == "s" and cell.value == text and cell.quotePrefix


def test_same_ledger_same_bytes(tmp_path: Path) -> None:
    first = reportgen.load(JIALING).render("xlsx", tmp_path / "a")[0].read_bytes()
    second = reportgen.load(JIALING).render("xlsx", tmp_path / "b")[0].read_bytes()
    assert first == second


def test_no_table_and_no_figures_no_xlsx(tmp_path: Path) -> None:
    """Without a 一览表 the workbook lists the figures (tests/test_kinds.py); with neither, RG403."""
    ledger = MINIMAL.split("一览表:")[0]
    ledger = ledger.replace("  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}\n", "")
    ledger = ledger.replace("指标:\n", "")
    ledger = ledger.replace("，发放低保金{{ 低保金 | 万元 }}", "")
    with pytest.raises(RenderError) as caught:
        reportgen.loads(ledger).render("xlsx", tmp_path)
    assert caught.value.code == "RG403" and list(tmp_path.iterdir()) == []
    assert reportgen.loads(MINIMAL.split("一览表:")[0]).to_bytes("xlsx")[:2] == b"PK"


def test_total_row_as_formulas_keeps_the_exact_values(tmp_path: Path) -> None:
    from reportgen.render import RenderOptions

    options = RenderOptions(xlsx_total_formulas=True)
    [path] = reportgen.load(JIALING, options=options).render("xlsx", tmp_path)
    formulas = openpyxl.load_workbook(path).active
    values = openpyxl.load_workbook(path, data_only=True).active
    total = next(r for r in range(7, formulas.max_row + 1) if formulas.cell(r, 2).value == "合计")
    assert formulas.cell(total, 6).value == f"=SUM(F7:F{total - 1})"
    assert formulas.cell(total, 8).value == f'=IF(F{total}=0,"—",G{total}/F{total})'  # as a 表格's 商
    # the 一览表 is a preset of 表格: each row's 占计划比例 is a 商 formula too, 合计 重算 from its own cells
    for row in range(7, total):
        assert formulas.cell(row, 8).value == f'=IF(F{row}=0,"—",G{row}/F{row})'
        assert formulas.cell(row, 10).value == f'=IF(F{row}=0,"—",I{row}/F{row})'
        assert formulas.cell(row, 5).data_type != "f"  # 完成比例: computed per row in its own units
    assert values.cell(total, 6).value == 14037
    assert (
        f"{values.cell(total, 8).value:.4f}" == "1.2081"
    )  # the cached result, for readers that do not recalc
    default = openpyxl.load_workbook(reportgen.load(JIALING).render("xlsx", tmp_path / "plain")[0]).active
    assert default.cell(total, 6).value == Decimal("14037.00") or default.cell(total, 6).value == 14037
