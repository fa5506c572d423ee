"""The 一览表 and the 目标表 are presets of 表格 (issue 16 part 4): declared tables computed by
``compute.declared`` and laid out by ``document.declared``, like every ledger 表格."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.compute.declared import TOTAL
from reportgen.document.declared import declared_table
from reportgen.ledger.excel.read import parse_workbook, validate_workbook
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from tests.conftest import JIALING, MINIMAL, SAMPLES

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
