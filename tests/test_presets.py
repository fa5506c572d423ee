"""The 一览表 and the 目标表 are presets of 表格 (issue 16 part 4): declared tables computed by
``compute.declared`` and laid out by ``document.declared``, like every ledger 表格."""

from __future__ import annotations

from decimal import Decimal

import pytest

import reportgen
from reportgen import TemplateError
from reportgen.compute.declared import TOTAL
from reportgen.document.declared import declared_table
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
