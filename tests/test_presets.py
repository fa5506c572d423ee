"""The 一览表 and the 目标表 are presets of 表格 (issue 16 part 4): declared tables computed by
``compute.declared`` and laid out by ``document.declared``, like every ledger 表格."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.compute.declared import TOTAL
from reportgen.document.declared import declared_table
from reportgen.ledger.excel.read import parse_workbook, validate_workbook
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from tests.conftest import JIALING, MINIMAL, QINGSHAN, SAMPLES

KEY_TASKS = SAMPLES / "key-tasks-2020.yaml"


def test_the_project_table_is_a_declared_table_with_its_rules() -> None:
    report = reportgen.load(JIALING)
    figures = report.computed.table
    assert figures is not None
    preset = figures.computed.table
    assert preset.id == "一览表" and preset.total_row
    ratio = preset.column("paid_ratio")
    assert ratio is not None and ratio.formula is not None
    assert (ratio.formula.kind, ratio.formula.operands, ratio.total) == ("商", ("paid", "plan"), "重算")
    assert [preset.column(k).total for k in ("plan", "budget", "paid")] == ["求和"] * 3  # type: ignore[union-attr]
    total = figures.computed.rows[-1]
    assert total.kind == TOTAL
    # the 合计's ratio is recomputed from its own totals, never a sum or mean of the rows' ratios
    assert total.values["paid_ratio"] == Decimal("12905.2872") / Decimal("14037") * 100
    # the attachment is what document.declared makes of it: the writers get one shape of table
    attachment = report.document.attachments[0].table
    again = declared_table(
        figures.computed,
        lambda text, place: attachment.rows[0].cells[2].text if "目标任务" in place else "",
        attachment.spec.title,
        attachment.spec.filler_line,
    )
    assert again.spec == attachment.spec
    assert [c.text for c in again.rows[-1].cells] == [c.text for c in attachment.rows[-1].cells]
    assert [c.text for c in attachment.rows[-1].cells][5:10] == [
        "14037.00", "16957.71", "120.81%", "12905.29", "91.94%",
    ]  # fmt: skip


def test_project_texts_are_templates_rendered_with_their_place() -> None:
    text = JIALING.read_text("utf-8")
    typed = '实施进度: "{{ 期间 }}，已为{{ 殡葬补贴人数 | 名 }}'
    assert typed in text
    broken = text.replace(typed, '实施进度: "{{ 不存在的指标 }}')
    with pytest.raises(TemplateError) as caught:
        reportgen.loads(broken, "broken.yaml").document  # noqa: B018
    assert "一览表.项目[3].实施进度" in str(caught.value)


def test_the_target_table_quotes_its_figures() -> None:
    """Each cell quotes the figure: its 名称, the 要求 of its 目标, the 完成值 as the narrative prints it,
    the 完成情况 derived; renaming the figure renames the row."""
    report = reportgen.load(KEY_TASKS)
    assert report.computed.targets is not None and report.computed.targets.table.id == "目标表"
    table = next(a.table for a in report.document.attachments if "双基" in a.table.spec.title)
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["1", "每千名老人拥有养老床位数", "不少于45张", "45.1张", "已完成"]
    assert rows[1][2:] == ["不低于35%", "37.1%", "已完成"]
    assert rows[5] == ["6", "农村公益性公墓覆盖率", "达到100%", "—", "—"]
    renamed = KEY_TASKS.read_text("utf-8").replace("名称: 乡镇级养老中心", "名称: 乡镇区域性养老服务中心")
    again = reportgen.loads(renamed, "renamed.yaml")
    table = next(a.table for a in again.document.attachments if "双基" in a.table.spec.title)
    assert table.rows[3].cells[1].text == "乡镇区域性养老服务中心"


def test_a_missing_amount_prints_a_dash_in_every_format() -> None:
    """An amount not yet known is a stated case ("—", as in every 表格), never an emptied cell; the
    合计 adds the amounts there are, and a ratio over a missing amount is "—" too."""
    text = MINIMAL.replace("      下达预算: 150\n", "")
    report = reportgen.loads(text, "missing.yaml")
    table = report.document.attachments[0].table
    row, total = ([c.text for c in r.cells] for r in table.rows)
    assert row[5:10] == ["200.00", "—", "—", "100.00", "50.00%"]
    assert total[5:10] == ["200.00", "—", "—", "100.00", "50.00%"]
    assert "| 200.00 | — | — | 100.00 | 50.00% |" in report.to_bytes("md").decode("utf-8")


SMALL = MINIMAL.replace("一览表:\n", "一览表:\n  字号: 小五\n", 1)


def test_xiaowu_sets_the_table_in_9_pt_on_11_pt_lines() -> None:
    """一览表.字号: 小五 reaches every writer: widths measured in 9 pt 汉字, runs of 9 pt (sz 18) on exact
    11 pt lines in the .docx (the styles' 五号 overridden in the table only), class ``small`` in HTML."""
    report = reportgen.loads(SMALL, "small.yaml")
    table = report.document.attachments[0].table
    assert table.spec.text_pt == Decimal(9) and table.spec.compact
    xml = zipfile.ZipFile(io.BytesIO(report.to_bytes("docx"))).read("word/document.xml").decode("utf-8")
    tbl = xml[xml.index("<w:tbl>") : xml.index("</w:tbl>")]
    assert '<w:sz w:val="18"/>' in tbl and '<w:sz w:val="21"/>' not in tbl
    paragraphs = tbl.count("<w:p>")
    assert tbl.count('<w:spacing w:line="220" w:lineRule="exact"/>') == paragraphs
    assert '<w:spacing w:line="220"' not in xml.replace(tbl, "")  # the body keeps its own lines
    assert '<table class="ylb small">' in report.to_bytes("html").decode("utf-8")
    # the default is 五号, set by the styles: no override at all
    plain = reportgen.loads(MINIMAL, "plain.yaml").to_bytes("docx")
    assert b'w:line="220"' not in zipfile.ZipFile(io.BytesIO(plain)).read("word/document.xml")


def test_an_unknown_text_size_is_refused() -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(SMALL.replace("字号: 小五", "字号: 六号"), "bad.yaml").computed  # noqa: B018
    [problem] = caught.value.problems
    assert problem.code == "RG105" and problem.place == "一览表.字号"
    assert "六号" in str(problem) and "五号、小五" in str(problem)


def test_the_text_size_survives_the_excel_ledger() -> None:
    """YAML → Excel (基本信息 row 一览表字号) → YAML keeps it, and the workbook's report is the same."""
    data = parse_yaml(SMALL.encode("utf-8"), "small.yaml").data
    workbook = workbook_bytes(data)  # type: ignore[arg-type]
    document, early = parse_workbook(workbook, "small.xlsx")
    assert "字号: 小五" in yaml_text(document.data)  # type: ignore[arg-type]
    ledger = validate_workbook(document, early, Path("small.xlsx"))
    assert ledger.table is not None and ledger.table.text_size == "小五"


COLUMNS = MINIMAL.replace(
    "一览表:\n",
    "一览表:\n  列:\n    备注: 不用\n    实际拨付占计划比例: 资金到位率\n    下达预算: 下达资金\n",
    1,
)


def test_the_ledger_renames_and_leaves_out_preset_columns_in_every_format() -> None:
    """一览表.列: 备注 不用 is gone from every format, 实际拨付占计划比例 prints as 资金到位率, and 下达预算
    renames the header over its 金额 and 占计划比例; the numbers are the same."""
    report = reportgen.loads(COLUMNS, "columns.yaml")
    spec = report.document.attachments[0].table.spec
    assert spec.flat_labels()[-2:] == ("资金执行情况（万元、%）·实际拨付·资金到位率", "责任单位")
    assert "资金执行情况（万元、%）·下达资金·金额" in spec.flat_labels()
    assert "备注" not in "".join(spec.flat_labels())
    markdown = report.to_bytes("md").decode("utf-8")
    assert "资金到位率 | 责任单位 |\n" in markdown and "| 100.00 | 50.00% |  |\n" in markdown
    book = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx")))
    headers = {str(c.value) for row in book.worksheets[0].iter_rows(max_row=6) for c in row if c.value}
    assert {"资金到位率", "下达资金"} <= headers and "备注" not in headers
    cells = {
        c.text for row in docx.Document(io.BytesIO(report.to_bytes("docx"))).tables[0].rows for c in row.cells
    }
    assert {"资金\n到位率", "下达资金"} <= cells and "备注" not in cells


def test_a_column_left_out_still_counts_in_the_checks() -> None:
    """Leaving the ratios and 计划安排资金 out prints no ratio, but RG202 (over the plan) still comes."""
    over = MINIMAL.replace("实际拨付: 100", "实际拨付: 300").replace(
        "一览表:\n",
        "一览表:\n  列: {计划安排资金: 不用, 下达预算占计划比例: 不用, 实际拨付占计划比例: 不用}\n",
        1,
    )
    report = reportgen.loads(over, "over.yaml")
    assert "占计划比例" not in "".join(report.document.attachments[0].table.spec.flat_labels())
    assert "RG202" in [f.problem.code for f in report.check()]


@pytest.mark.parametrize(
    ("setting", "place"),
    [
        ("{项目名称: 不用}", "一览表.列.项目名称"),
        ("{计划安排资金: 不用}", "一览表.列.计划安排资金"),
        ("{实际拨付: 不用}", "一览表.列.实际拨付"),
        ("{合计: 不用}", "一览表.列"),
    ],
)
def test_a_column_setting_that_would_mislead_is_refused(setting: str, place: str) -> None:
    """项目名称 names the rows; a ratio that stays needs the amounts it divides; an unknown name is
    refused with the names there are."""
    text = MINIMAL.replace("一览表:\n", f"一览表:\n  列: {setting}\n", 1)
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(text, "bad.yaml").computed  # noqa: B018
    assert all(p.code in ("RG105", "RG103") for p in caught.value.problems)
    assert any(str(p.place).startswith(place) for p in caught.value.problems), caught.value.problems


def test_column_settings_survive_the_excel_ledger() -> None:
    data = parse_yaml(COLUMNS.encode("utf-8"), "columns.yaml").data
    document, early = parse_workbook(workbook_bytes(data), "columns.xlsx")  # type: ignore[arg-type]
    assert "  列:\n    备注: 不用\n    实际拨付占计划比例: 资金到位率\n    下达预算: 下达资金\n" in yaml_text(
        document.data  # type: ignore[arg-type]
    )
    ledger = validate_workbook(document, early, Path("columns.xlsx"))
    assert ledger.table is not None and ("备注", "不用") in ledger.table.columns


def test_charts_draw_only_the_columns_the_table_prints() -> None:
    text = QINGSHAN.read_text("utf-8").replace(
        "一览表:\n", "一览表:\n  列: {下达预算: 不用, 下达预算占计划比例: 不用, 实际拨付: 实际支出}\n", 1
    )
    report = reportgen.loads(text, "charts.yaml")
    funding = [c for c in report.document.attachments[0].charts if "资金" in c.title]
    # the legend names a series as the table's header does: 实际拨付 renamed 实际支出 is 实际支出 there too
    assert funding and all([s.name for s in c.series] == ["计划安排资金", "实际支出"] for c in funding)
    assert report.to_bytes("xlsx")[:2] == b"PK" and report.to_bytes("docx")[:2] == b"PK"
