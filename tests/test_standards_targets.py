"""Standards (标准) and targets (目标, 目标表): docs/kinds-research.md §5.2 A7 and A6, issue 8.

- A7: a figure with ``每`` (人月 人年 户月 户年 人次) is a standard: ``标准`` writes 每人每年7500元,
  ``标准('人月')`` converts the period exactly (÷ 12, rounded half up at display only when not exact),
  ``调整前`` is the value before a change, ``调整方向`` 提高/降低/不变, ``调整时间`` the text as typed.
  samples/key-tasks-2020.yaml: 6996 → 7500 元 每人每年 (583 → 625 每人每月); samples/yijiang-2019m10.yaml:
  636 → 662 and 845 → 879 每人每月, 1460 每人每年 — its source's three spellings (每人每月636元, 845元每月,
  1460元/年) become one.
- A6: a figure's ``目标`` ({不少于: 45}): ``目标值`` ``要求`` ``完成情况`` (已完成/未完成/—, derived),
  RG211 for a target not reached or without a 完成值, and the ``目标表`` attachment in every format.

The numbers are those of the samples' published sources; YAML and Excel ledgers alike.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from docx import Document as DocxDocument
from hypothesis import given, settings
from hypothesis import strategies as st

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.base.errors import CODES, Severity
from reportgen.ledger import parse_ledger
from reportgen.ledger.excel.layout import FIGURES_SHEET, INFO_ROWS
from reportgen.model import ABOVE, AT_LEAST, AT_MOST, BELOW, STANDARD_BASES, TARGET_WORDS, TargetOnly
from reportgen.render.pdf.soffice import pdf_available
from tests.conftest import yaml_quoted
from tests.test_excel_ledger import round_trip

HEAD = """\
标题: 民政局脱贫攻坚重点工作报告
落款: ××县民政局
成文日期: 2022-10-23
填报单位: ××县民政局
期间: {年度: 2020, 月份: 1—9}
指标:
"""

# From samples/key-tasks-2020.yaml (standards and the “双基” targets) and samples/yijiang-2019m10.yaml
# (standards changed in July).
SEED_002 = """
低保标准: {名称: 城乡低保标准, 数值: 7500, 单位: 元, 每: 人年, 调整前: 6996}
养老床位: {名称: 建有养老床位, 数值: 8125, 单位: 张, 口径: 时点}
护理型床位: {名称: 护理型床位, 数值: 3015, 单位: 张, 口径: 时点}
每千名老人床位: {名称: 每千名老人拥有养老床位数, 数值: 45.1, 单位: 张, 目标: {不少于: 45}}
护理型床位占比: {名称: 护理型床位比例, 比例: {分子: 护理型床位, 分母: 养老床位}, 目标: {不低于: 35}}
不能自理人数: {名称: 生活不能自理特困人员, 数值: 925, 单位: 人, 口径: 时点}
集中供养: {名称: 生活不能自理特困人员集中供养人数, 数值: 573, 单位: 人, 口径: 时点}
集中供养率: {名称: 生活不能自理特困人员集中供养率, 比例: {分子: 集中供养, 分母: 不能自理人数},
    目标: {不低于: 50}}
乡镇养老中心: {名称: 乡镇级养老中心, 目标: {达到: 4, 单位: 个}}
公墓覆盖率: {名称: 农村公益性公墓覆盖率, 目标: {达到: 100, 单位: "%"}}
两项补贴覆盖率: {名称: 两项补贴覆盖率, 数值: 100, 单位: "%", 目标: {达到: 100}}
"""
TARGET_TABLE = """\
目标表:
  标题: "{{ 期间.年度 }}“双基”建设目标任务完成情况表"
  指标: [每千名老人床位, 护理型床位占比, 集中供养率, 乡镇养老中心, 公墓覆盖率, 两项补贴覆盖率]
"""
SEED_003 = """
低保标准: {名称: 低保标准, 数值: 662, 单位: 元, 每: 人月, 调整前: 636, 调整时间: 7月}
特困标准: {名称: 特困人员供养标准, 数值: 879, 单位: 元, 每: 人月, 调整前: 845, 调整时间: 7月}
生活补贴标准一二级: {名称: 困难残疾人生活补贴标准（一、二级）, 数值: 1460, 单位: 元, 每: 人年}
生活补贴标准三四级: {名称: 困难残疾人生活补贴标准（三、四级）, 数值: 760, 单位: 元, 每: 人年}
护理补贴标准: {名称: 重度残疾人护理补贴标准, 数值: 60, 单位: 元, 每: 人月}
"""


def ledger_text(figures: str, paragraph: str = "总体平稳。", extra: str = "") -> str:
    text = HEAD + "".join(f"  {line.rstrip()}\n" for line in textwrap.dedent(figures).strip().splitlines())
    return text + extra + f"正文:\n  - 标题: 基本情况\n    段落: [{yaml_quoted(paragraph)}]\n"


def say(figures: str, paragraph: str) -> str:
    """The rendered paragraph (Markdown, the heading's line dropped)."""
    text = reportgen.loads(ledger_text(figures, paragraph), "t.yaml").to_bytes("md").decode()
    return next(line for line in text.splitlines() if line and not line.startswith("#"))


def problems(figures: str, extra: str = "") -> list[tuple[str, str | None]]:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text(figures, extra=extra), "t.yaml")
    return [(p.code, p.place) for p in caught.value.problems]


# -- A7 standards ------------------------------------------------------------------------------------


def test_seed_002_standard_and_its_change() -> None:
    template = (
        "由2019年的{{ 低保标准 | 调整前 | 标准 }}（{{ 低保标准 | 调整前 | 标准('人月') }}）"
        "{{ 低保标准 | 调整方向 }}到{{ 低保标准 | 标准 }}（{{ 低保标准 | 标准('人月') }}）"
    )
    assert (
        say(SEED_002, template)
        == "由2019年的每人每年6996元（每人每月583元）提高到每人每年7500元（每人每月625元）"
    )


def test_seed_003_three_spellings_become_one() -> None:
    template = (
        "{{ 低保标准 | 调整时间 }}起，低保标准从{{ 低保标准 | 调整前 | 标准 }}{{ 低保标准 | 调整方向 }}到"
        "{{ 低保标准 | 标准 }}；特困人员供养标准从{{ 特困标准 | 调整前 | 标准 }}{{ 特困标准 | 调整方向 }}到"
        "{{ 特困标准 | 标准 }}。残疾等级一、二级{{ 生活补贴标准一二级 | 标准 }}，"
        "三、四级{{ 生活补贴标准三四级 | 标准 }}，护理补贴{{ 护理补贴标准 | 标准 }}"
    )
    assert say(SEED_003, template) == (
        "7月起，低保标准从每人每月636元提高到每人每月662元；特困人员供养标准从每人每月845元提高到每人每月879元。"
        "残疾等级一、二级每人每年1460元，三、四级每人每年760元，护理补贴每人每月60元"
    )


@pytest.mark.parametrize(
    ("figure", "template", "text"),
    [
        ("{数值: 1460, 单位: 元, 每: 人年}", "{{ x | 标准('人月') }}", "每人每月122元"),  # 121.67, half up
        ("{数值: 1460, 单位: 元, 每: 人年}", "{{ x | 标准('人月', 2) }}", "每人每月121.67元"),
        ("{数值: 60, 单位: 元, 每: 人月}", "{{ x | 标准('人年') }}", "每人每年720元"),
        ("{数值: 583.5, 单位: 元, 每: 户月}", "{{ x | 标准('户年') }}", "每户每年7002.0元"),
        ("{数值: 30, 单位: 元, 每: 人次}", "{{ x | 标准 }}", "每人次30元"),
        ("{数值: 1.2, 单位: 万元, 每: 户年}", "{{ x | 标准 }}", "每户每年1.2万元"),
        ("{数值: 6996, 单位: 元, 每: 人年, 调整前: 6996}", "{{ x | 调整方向 }}", "不变"),
        ("{数值: 500, 单位: 元, 每: 人月, 调整前: 520}", "{{ x | 调整方向 }}", "降低"),
        ("{数值: 500, 单位: 元, 调整前: 480}", "{{ x | 调整前 | 元 }}", "480元"),  # no 每: any unit filter
    ],
)
def test_standard_filters(figure: str, template: str, text: str) -> None:
    assert say(f"x: {figure}", template) == text


@pytest.mark.parametrize(
    ("figure", "template", "message"),
    [
        ("{数值: 7500, 单位: 元, 每: 人年}", "{{ x | 标准('户月') }}", "不能换算为每户每月"),
        ("{数值: 30, 单位: 元, 每: 人次}", "{{ x | 标准('人月') }}", "不能换算为每人每月"),
        ("{数值: 7500, 单位: 元, 每: 人年}", "{{ x | 标准('月') }}", "参数应为"),
        ("{数值: 7500, 单位: 元}", "{{ x | 标准 }}", "没有“每”"),
        ("{数值: 7500, 单位: 元, 每: 人年}", "{{ x | 调整前 | 标准 }}", "没有调整前的数值"),
        ("{数值: 7500, 单位: 元, 每: 人年}", "{{ x | 调整方向 }}", "没有调整前的数值"),
        ("{数值: 7500, 单位: 元, 每: 人年, 调整前: 6996}", "{{ x | 调整时间 }}", "没有调整时间"),
        ("{数值: 7500, 单位: 元, 每: 人年, 调整前: 6996}", "{{ x | 调整前 | 调整前 }}", "没有调整前"),
    ],
)
def test_standard_filter_misuse(figure: str, template: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        say(f"x: {figure}", template)
    assert caught.value.code == "RG303" and message in caught.value.problems[0].message


def test_standard_keys_are_validated_all_at_once() -> None:
    figures = """
    a: {数值: 7500, 单位: 元, 每: 人周}
    b: {数值: 1, 单位: 人}
    c: {合计: [b, b2], 每: 人年, 调整前: 3}
    b2: {数值: 2, 单位: 人}
    d: {数值: 662, 单位: 元, 每: 人月, 调整时间: 7月}
    e: {数值: 662, 单位: 元, 每: 人月, 调整前: 六百}
    """
    assert problems(figures) == [
        ("RG105", "指标.a.每"),
        ("RG103", "指标.c.每"),
        ("RG103", "指标.c.调整前"),
        ("RG104", "指标.d.调整前"),
        ("RG106", "指标.e.调整前"),
    ]


def test_a_changed_standard_is_not_a_baseline() -> None:
    """调整前 is the same period's earlier standard, not 上年同期: 同比 still needs its own value."""
    with pytest.raises(TemplateError) as caught:
        say("x: {数值: 662, 单位: 元, 每: 人月, 调整前: 636}", "{{ x | 同比 }}")
    assert "上年同期" in caught.value.problems[0].message


@settings(max_examples=60, deadline=None)
@given(
    digits=st.integers(1, 10_000_000),
    places=st.sampled_from([0, 1, 2]),
    per=st.sampled_from(["人年", "户年"]),
)
def test_a_twelfth_rounded_half_up_at_the_figures_decimals(digits: int, places: int, per: str) -> None:
    """A year ÷ 12 printed at the figure's decimals is the exact twelfth rounded half up."""
    amount = D(digits).scaleb(-places)
    monthly = per.replace("年", "月")
    text = say(f"x: {{数值: {amount}, 单位: 元, 每: {per}}}", f"{{{{ x | 标准('{monthly}') }}}}")
    expected = (amount / 12).quantize(D(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert text == f"每{per[0]}每月{expected}元"


# -- A6 targets ------------------------------------------------------------------------------------


def test_seed_002_target_filters() -> None:
    template = (
        "市里下达{{ 每千名老人床位 | 要求 }}；护理型床位比例{{ 护理型床位占比 | 目标值 }}，"
        "达{{ 护理型床位占比 | 百分比 }}，{{ 护理型床位占比 | 完成情况 }}；"
        "集中供养率{{ 集中供养率 | 百分比 }}，{{ 集中供养率 | 完成情况 }}任务；"
        "乡镇级养老中心{{ 乡镇养老中心 | 目标值 }}（{{ 乡镇养老中心 | 完成情况 }}），"
        "公墓覆盖率{{ 公墓覆盖率 | 要求 }}"
    )
    assert say(SEED_002, template) == (
        "市里下达不少于45张；护理型床位比例35%，达37.1%，已完成；集中供养率61.9%，已完成任务；"
        "乡镇级养老中心4个（—），公墓覆盖率达到100%"
    )


def test_rg211_for_target_only_figures_and_nothing_else_in_seed_002() -> None:
    found = reportgen.loads(ledger_text(SEED_002), "t.yaml").check()
    assert [(f.code, f.severity, f.problem.place) for f in found] == [
        ("RG211", Severity.NOTICE, "指标.乡镇养老中心.目标"),
        ("RG211", Severity.NOTICE, "指标.公墓覆盖率.目标"),
    ]
    assert found[0].problem.message == "“乡镇级养老中心”有目标（达到4个），没有完成值，完成情况记为“—”"


@pytest.mark.parametrize(
    ("figure", "status"),
    [
        ("{数值: 44.9, 单位: 张, 目标: {不少于: 45}}", "未完成"),
        ("{数值: 45, 单位: 张, 目标: {不少于: 45}}", "已完成"),
        ("{数值: 45, 单位: 张, 目标: {以上: 45}}", "已完成"),
        ("{数值: 120, 单位: 万元, 目标: {不超过: 1000000, 单位: 元}}", "未完成"),  # 1200000元
        ("{数值: 99, 单位: 万元, 目标: {控制在: 1000000, 单位: 元}}", "已完成"),
        ('{数值: 3, 单位: "%", 目标: {以内: 3}}', "已完成"),
        ('{数值: 3.01, 单位: "%", 目标: {不高于: 3}}', "未完成"),
        # strict: 低于4.3 is not met at exactly 4.3 (defect 10)
        ('{数值: 4.3, 单位: "%", 目标: {低于: 4.3}}', "未完成"),
        ('{数值: 4.29, 单位: "%", 目标: {低于: 4.3}}', "已完成"),
        ("{数值: 45, 单位: 张, 目标: {少于: 45}}", "未完成"),
        ("{数值: 44, 单位: 张, 目标: {少于: 45}}", "已完成"),
        ('{数值: 90, 单位: "%", 目标: {高于: 90}}', "未完成"),
        ('{数值: 90.01, 单位: "%", 目标: {高于: 90}}', "已完成"),
        ("{数值: 45, 单位: 张, 目标: {多于: 45}}", "未完成"),
        ("{数值: 46, 单位: 张, 目标: {多于: 45}}", "已完成"),
        ("{数值: 4500, 单位: 元, 目标: {低于: 0.45, 单位: 万元}}", "未完成"),  # 0.45万元 = 4500元
    ],
)
def test_status_from_the_direction(figure: str, status: str) -> None:
    assert say(f"x: {figure}", "{{ x | 完成情况 }}") == status
    codes = [f.code for f in reportgen.loads(ledger_text(f"x: {figure}"), "t.yaml").check()]
    assert codes == ([] if status == "已完成" else ["RG211"])


def test_a_ratio_is_compared_exactly_not_as_printed() -> None:
    """4999 ÷ 10000 prints 50.0% but is below 50%: the status says so (and RG211 explains)."""
    figures = """
    a: {数值: 4999, 单位: 人}
    b: {数值: 10000, 单位: 人}
    r: {名称: 集中供养率, 比例: {分子: a, 分母: b}, 目标: {不低于: 50}}
    """
    assert say(figures, "{{ r | 百分比 }}，{{ r | 完成情况 }}") == "50.0%，未完成"
    [finding] = reportgen.loads(ledger_text(figures), "t.yaml").check()
    assert finding.code == "RG211" and "完成值 49.99" in finding.problem.message


# The test's own account of each word: how the 完成值 must compare, and where Chinese puts the word.
MEETS = {
    **dict.fromkeys(("不少于", "不低于", "达到", "以上"), lambda v, g: v >= g),
    **dict.fromkeys(("不超过", "不高于", "以内", "控制在"), lambda v, g: v <= g),
    **dict.fromkeys(("高于", "多于"), lambda v, g: v > g),
    **dict.fromkeys(("低于", "少于"), lambda v, g: v < g),
}
WRITTEN = {"以上": "{}以上", "以内": "{}以内", "控制在": "控制在{}以内"}  # else the word, then the number


def written(word: str, goal: str) -> str:
    return WRITTEN.get(word, word + "{}").format(goal)


@given(
    value=st.decimals(min_value=D(-1000), max_value=D(1000), places=2),
    goal=st.decimals(min_value=D(-1000), max_value=D(1000), places=1),
    word=st.sampled_from(TARGET_WORDS),
)
@settings(max_examples=120, deadline=None)
def test_status_is_the_comparison(value: D, goal: D, word: str) -> None:
    met = MEETS[word](value, goal)
    text = say(
        f"x: {{数值: {value}, 单位: 张, 目标: {{{word}: {goal}}}}}", "{{ x | 要求 }}{{ x | 完成情况 }}"
    )
    assert text == f"{written(word, f'{goal}张')}{'已完成' if met else '未完成'}"


def test_target_words() -> None:
    assert set(TARGET_WORDS) == set(MEETS) and len(TARGET_WORDS) == 12
    assert set(AT_LEAST) | set(AT_MOST) | set(ABOVE) | set(BELOW) == set(TARGET_WORDS)
    assert STANDARD_BASES == ("人月", "人年", "户月", "户年", "人次")
    assert "RG211" in CODES


def test_a_target_only_figure() -> None:
    ledger = parse_ledger(ledger_text(SEED_002), "t.yaml")
    figure = ledger.figure("乡镇养老中心")
    assert figure is not None and isinstance(figure.source, TargetOnly)
    assert figure.target is not None and figure.target.unit is not None and figure.target.unit.symbol == "个"
    # the figure's own 单位 serves as the target's
    assert (
        say("x: {单位: 个, 目标: {达到: 16}}", "{{ x | 要求 }}，{{ x | 完成情况 }}，{{ x | 个 }}")
        == "达到16个，—，—"
    )


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ("x: {数值: 45, 单位: 张, 目标: {大于: 45}}", [("RG103", "指标.x.目标")]),
        ("x: {数值: 45, 单位: 张, 目标: {不少于: 45, 不超过: 50}}", [("RG105", "指标.x.目标")]),
        ("x: {数值: 45, 单位: 张, 目标: {单位: 张}}", [("RG104", "指标.x.目标")]),
        ("x: {数值: 45, 单位: 张, 目标: 45}", [("RG105", "指标.x.目标")]),
        ("x: {数值: 45, 单位: 张, 目标: {不少于: 四十五}}", [("RG106", "指标.x.目标.不少于")]),
        ("x: {目标: {达到: 4}}", [("RG104", "指标.x.目标.单位")]),
        ("x: {目标: {达到: 4, 单位: 座位}}", [("RG107", "指标.x.目标.单位")]),
        (
            "x: {目标: {达到: 4, 单位: 个}, 公布值: 4, 每: 人年}",
            [("RG103", "指标.x.公布值"), ("RG103", "指标.x.每")],
        ),
        (
            "a: {数值: 1, 单位: 人}\nx: {比例: {分子: a, 分母: a}, 目标: {不低于: 50, 单位: 人}}",
            [("RG107", "指标.x.目标.单位")],
        ),
        ("x: {名称: 空}", [("RG104", "指标.x")]),
    ],
)
def test_target_problems(figures: str, expected: list[tuple[str, str]]) -> None:
    assert problems(figures) == expected


def test_a_target_in_another_unit_family_is_rg113() -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(
            ledger_text("x: {数值: 45, 单位: 张, 目标: {不少于: 45, 单位: 人}}"), "t.yaml"
        ).check()
    assert caught.value.code == "RG113" and caught.value.problems[0].place == "指标.x.目标"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ 养老床位 | 要求 }}", "没有目标"),
        ("{{ 养老床位 | 完成情况 }}", "没有目标"),
        ("{{ 期间 | 目标值 }}", "只能用于"),
    ],
)
def test_target_filter_misuse(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as caught:
        say(SEED_002, template)
    assert caught.value.code == "RG303" and message in caught.value.problems[0].message


# -- 目标表 ----------------------------------------------------------------------------------------------

EXPECTED_ROWS = [
    ["1", "每千名老人拥有养老床位数", "不少于45张", "45.1张", "已完成"],
    ["2", "护理型床位比例", "不低于35%", "37.1%", "已完成"],
    ["3", "生活不能自理特困人员集中供养率", "不低于50%", "61.9%", "已完成"],
    ["4", "乡镇级养老中心", "达到4个", "—", "—"],
    ["5", "农村公益性公墓覆盖率", "达到100%", "—", "—"],
    ["6", "两项补贴覆盖率", "达到100%", "100%", "已完成"],
]
HEADER = ["序号", "指标", "目标值", "完成值", "完成情况"]
TITLE = "2020年“双基”建设目标任务完成情况表"


def seed_002_report() -> reportgen.Report:
    return reportgen.loads(ledger_text(SEED_002, extra=TARGET_TABLE), "t.yaml")


def test_target_table_rows() -> None:
    document = seed_002_report().document
    [attachment] = document.attachments
    table = attachment.table
    assert table.spec.title == TITLE and list(table.spec.flat_labels()) == HEADER
    assert [[cell.text for cell in row.cells] for row in table.rows] == EXPECTED_ROWS
    assert not any(row.is_total for row in table.rows)
    assert document.attachment_note == (f"附件：{TITLE}",)


def test_target_table_in_markdown_and_html() -> None:
    report = seed_002_report()
    markdown = report.to_bytes("md").decode()
    assert TITLE in markdown and "| 1 | 每千名老人拥有养老床位数 | 不少于45张 | 45.1张 | 已完成 |" in markdown
    assert "合计" not in markdown
    html = report.to_bytes("html").decode()
    assert TITLE in html and "<td" in html and "61.9%" in html and "合计" not in html


def test_target_table_in_docx() -> None:
    raw = seed_002_report().to_bytes("docx")
    docx = DocxDocument(io.BytesIO(raw))
    [table] = docx.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [HEADER, *EXPECTED_ROWS]
    texts = [p.text for p in docx.paragraphs]
    assert TITLE in texts and f"附件：{TITLE}" in texts


def test_target_table_in_xlsx() -> None:
    book = openpyxl.load_workbook(io.BytesIO(seed_002_report().to_bytes("xlsx")))
    sheet, figures = book.worksheets  # the 目标表, then 主要指标 (a report without a 一览表)
    assert figures.title == "主要指标"
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    values = [row for row in values if row]
    assert any(TITLE in str(v) for v in values[0] + values[1])
    start = next(i for i, row in enumerate(values) if row[:2] == ["序号", "指标"])
    assert values[start] == HEADER
    body = [[str(v) for v in row] for row in values[start + 1 : start + 1 + len(EXPECTED_ROWS)]]
    assert body == EXPECTED_ROWS


def test_target_table_with_a_project_table_makes_two_attachments() -> None:
    from tests.conftest import MINIMAL

    text = MINIMAL
    text = text.replace(
        "指标:\n", "指标:\n  床位: {名称: 每千名老人床位, 数值: 45.1, 单位: 张, 目标: {不少于: 45}}\n", 1
    )
    text += "目标表:\n  标题: 目标任务完成情况表\n  指标: [床位]\n"
    document = reportgen.loads(text, "m.yaml").document
    assert [a.label for a in document.attachments] == ["附件1", "附件2"]
    assert document.attachment_note[1] == "2.目标任务完成情况表"


def test_target_table_problems() -> None:
    table = "目标表:\n  标题: 表\n  指标: [每千名老人床位, 养老床位, 每千名老人床位, 不存在]\n"
    assert problems(SEED_002, table) == [
        ("RG104", "目标表.指标[2]"),
        ("RG111", "目标表.指标[3]"),
        ("RG112", "目标表.指标[4]"),
    ]
    assert problems(SEED_002, "目标表:\n  指标: []\n  位置: 附件\n") == [
        ("RG103", "目标表.位置"),
        ("RG104", "目标表.标题"),
        ("RG104", "目标表.指标"),
    ]


# -- Excel ledgers -----------------------------------------------------------------------------------


def test_workbook_round_trip() -> None:
    text = ledger_text(SEED_002 + SEED_003.replace("低保标准:", "低保标准三:"), extra=TARGET_TABLE)
    trip = round_trip(text.encode("utf-8"))
    assert (
        "每千名老人床位: {名称: 每千名老人拥有养老床位数, 数值: 45.1, 单位: 张, 目标: {不少于: 45}}"
        in trip.yaml
    )
    assert "乡镇养老中心: {名称: 乡镇级养老中心, 目标: {达到: 4, 单位: 个}}" in trip.yaml
    assert (
        "特困标准: {名称: 特困人员供养标准, 数值: 879, 单位: 元, 每: 人月, 调整前: 845, 调整时间: 7月}"
        in trip.yaml
    )
    assert "目标表:\n  标题: " in trip.yaml
    assert (
        "  指标: [每千名老人床位, 护理型床位占比, 集中供养率, 乡镇养老中心, 公墓覆盖率, 两项补贴覆盖率]"
        in trip.yaml
    )
    book = openpyxl.load_workbook(io.BytesIO(trip.workbook))
    headers = [c.value for c in book["指标"][1]]
    row = next(r for r in book["指标"].iter_rows(values_only=True) if r[0] == "每千名老人床位")
    assert row[headers.index("目标方向")] == "不少于" and row[headers.index("目标值")] == 45
    info = {r[0]: r[1] for r in book["基本信息"].iter_rows(values_only=True)}
    assert info["目标表指标"].startswith("每千名老人床位、护理型床位占比")
    # the same report from both
    assert reportgen.Report(trip.models[1]).to_bytes("md") == reportgen.Report(trip.models[0]).to_bytes("md")


def test_workbook_problems_name_cells() -> None:
    text = ledger_text("x: {数值: 45, 单位: 张, 目标: {大于: 45}}\ny: {数值: 1, 单位: 元, 每: 人周}")
    raw = round_trip(
        ledger_text("x: {数值: 45, 单位: 张, 目标: {不少于: 45}}\ny: {数值: 1, 单位: 元, 每: 人年}").encode()
    ).workbook
    book = openpyxl.load_workbook(io.BytesIO(raw))
    headers = [c.value for c in book["指标"][1]]
    column = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    book["指标"][f"{column['目标方向']}2"] = "大于"
    book["指标"][f"{column['标准每']}3"] = "人周"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(LedgerError) as caught:
        parse_ledger(out.getvalue(), "t.xlsx")
    assert [(p.code, p.place) for p in caught.value.problems] == [
        ("RG103", f"指标!{column['目标方向']}2"),
        ("RG105", f"指标!{column['标准每']}3"),
    ]
    assert text  # the same problems as the YAML ledger gives
    assert [
        p[0] for p in problems("x: {数值: 45, 单位: 张, 目标: {大于: 45}}\ny: {数值: 1, 单位: 元, 每: 人周}")
    ] == [
        "RG103",
        "RG105",
    ]


def test_new_columns_are_added_at_the_end() -> None:
    headers = [c.header for c in FIGURES_SHEET.columns]
    assert headers[-6:] == ["标准每", "调整前", "调整时间", "目标方向", "目标值", "目标单位"]
    assert all(c.added for c in FIGURES_SHEET.columns[-6:])
    assert [r.header for r in INFO_ROWS if r.key[0] == "目标表"] == ["目标表标题", "目标表指标"]


# -- the page, as LibreOffice prints it ---------------------------------------------------------------


@pytest.mark.skipif(not pdf_available() or shutil.which("pdftoppm") is None, reason="LibreOffice missing")
def test_target_table_page(tmp_path: Path) -> None:
    from reportgen.render.pdf.oneshot import convert_to_pdf

    pdf = tmp_path / "seed002.pdf"
    pdf.write_bytes(convert_to_pdf(seed_002_report().to_bytes("docx"), ".docx"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = ["".join(page.split()) for page in text.split("\f")[:-1]]
    attachment = pages[-1]
    assert TITLE in attachment
    for row in EXPECTED_ROWS:
        assert "".join(row) in attachment
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    assert sorted(p.name for p in tmp_path.glob("page*.png"))


def test_direction_and_basis_are_drop_downs() -> None:
    raw = round_trip(ledger_text("x: {数值: 45, 单位: 张, 目标: {不少于: 45}, 每: 人月}").encode()).workbook
    sheet = openpyxl.load_workbook(io.BytesIO(raw))["指标"]
    headers = [c.value for c in sheet[1]]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    column = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    assert lists[f"{column['目标方向']}2"] == '"' + ",".join(TARGET_WORDS) + '"'
    assert lists[f"{column['标准每']}2"] == '"' + ",".join(STANDARD_BASES) + '"'


# -- issue 13: targets as Chinese writes them, strict words, suggestions, advice ---------------------


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ("{以上: 90}", "90%以上"),  # not 以上90%
        ("{以内: 4.5}", "4.5%以内"),  # not 以内4.5%
        ("{控制在: 4.5}", "控制在4.5%以内"),
        ("{不少于: 90}", "不少于90%"),
        ("{不低于: 90}", "不低于90%"),
        ("{达到: 100}", "达到100%"),
        ("{不超过: 4.5}", "不超过4.5%"),
        ("{不高于: 4.5}", "不高于4.5%"),
        ("{低于: 4.3}", "低于4.3%"),
        ("{高于: 4.3}", "高于4.3%"),
        ("{少于: 4.3}", "少于4.3%"),
        ("{多于: 4.3}", "多于4.3%"),
    ],
)
def test_every_writer_words_a_target_alike(target: str, text: str) -> None:
    """The 要求 filter, the 目标表 目标值 column and RG211 print one wording (defect 10)."""
    figures = f'x: {{名称: 保障率, 目标: {target}, 单位: "%"}}'
    assert say(figures, "{{ x | 要求 }}") == text
    report = reportgen.loads(ledger_text(figures, extra="目标表:\n  标题: 表\n  指标: [x]\n"), "t.yaml")
    [attachment] = report.document.attachments
    assert [cell.text for cell in attachment.table.rows[0].cells][2] == text
    [finding] = report.check()
    assert finding.code == "RG211" and f"（{text}）" in finding.problem.message


def test_a_strict_target_not_met_names_the_strict_word() -> None:
    [finding] = reportgen.loads(
        ledger_text('x: {名称: 登记失业率, 数值: 4.3, 单位: "%", 目标: {低于: 4.3}}'), "t.yaml"
    ).check()
    assert finding.problem.message == "“登记失业率”未完成目标：完成值 4.3%，目标低于4.3%"


def suggestion(word: str) -> str | None:
    """The direction the RG103 message proposes for an unknown word, if any."""
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text(f"x: {{数值: 1, 单位: 张, 目标: {{{yaml_quoted(word)}: 1}}}}"), "t.yaml")
    [problem] = caught.value.problems
    assert problem.code == "RG103" and problem.place == "指标.x.目标"
    marker = "是否应为“"
    if marker not in problem.message:
        return None
    return problem.message.split(marker)[1].split("”")[0]


# Words a clerk might type, with what they mean (≥ ≤ > <): the suggestion must mean the same.
MEANT = {
    "≥": [
        "不小于",
        "至少",
        "最少",
        "不得低于",
        "不得少于",
        "大于等于",
        ">=",
        "≥",
        "不少与",
        "不少於",
        "不低於",
        "達到",
    ],
    "≤": [
        "不大于",
        "不多于",
        "至多",
        "最多",
        "不得超过",
        "小于等于",
        "<=",
        "≤",
        "以下",
        "未超过",
        "不超出",
        "不超過",
    ],
    ">": ["大于", "超过", "超出", ">", "高於", "多於"],
    "<": ["小于", "不足", "不到", "未达到", "达不到", "<", "低於", "少於"],
}
RELATION = {
    **dict.fromkeys(AT_LEAST, "≥"),
    **dict.fromkeys(AT_MOST, "≤"),
    **dict.fromkeys(ABOVE, ">"),
    **dict.fromkeys(BELOW, "<"),
}


@pytest.mark.parametrize(("word", "meant"), [(w, m) for m, words in MEANT.items() for w in words])
def test_a_suggestion_means_what_the_word_means(word: str, meant: str) -> None:
    proposed = suggestion(word)
    assert proposed is not None and RELATION[proposed] == meant, (word, proposed)


# Every valid word with a negation added or removed (低于 once drew “不低于”): the suggestion, if
# any, must mean what the variant means, never the opposite.
FLIP = {"≥": "<", "<": "≥", "≤": ">", ">": "≤"}


def _variants() -> dict[str, str]:
    out: dict[str, str] = {}
    for word in TARGET_WORDS:
        for negation in ("不", "未", "没有", "不得"):
            out.setdefault(negation + word, FLIP[RELATION[word]])
        out.setdefault("不得" + word, FLIP[RELATION[word]])
        if word.startswith("不"):
            out.setdefault(word[1:], FLIP[RELATION[word]])
    return {w: m for w, m in sorted(out.items()) if w not in TARGET_WORDS}


@pytest.mark.parametrize(("word", "meant"), sorted(_variants().items()))
def test_no_suggestion_means_the_opposite(word: str, meant: str) -> None:
    proposed = suggestion(word)
    assert proposed is None or RELATION[proposed] == meant, (word, proposed)


def test_an_unrecognisable_word_gets_no_guess_but_the_list() -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text("x: {数值: 1, 单位: 张, 目标: {左右: 1}}"), "t.yaml")
    [problem] = caught.value.problems
    assert "是否应为" not in problem.message
    assert problem.expected is not None and all(word in problem.expected for word in TARGET_WORDS)


@pytest.mark.parametrize(
    ("figure", "place", "advice", "wrong"),
    [
        (  # 公布值 takes the bare number in the figure's display unit: % for a 比例
            'r: {比例: {分子: a, 分母: b}, 公布值: "129.03%"}',
            "指标.r.公布值",
            "公布值: 129.03",
            "{数值",
        ),
        ('t: {合计: [a, b], 公布值: "3人"}', "指标.t.公布值", "公布值: 3", "{数值"),
        (
            'x: {数值: 45, 单位: 张, 目标: {不少于: "45张"}}',
            "指标.x.目标.不少于",
            "{不少于: 45, 单位: 张}",
            "{数值",
        ),
        ('x: {数值: 662, 单位: 元, 每: 人月, 调整前: "636元"}', "指标.x.调整前", "调整前: 636", "{数值"),
        ('x: {数值: 662, 单位: 元, 上年同期: "636元"}', "指标.x.上年同期", "上年同期: 636", "{数值"),
        ('x: {数值: "45张"}', "指标.x.数值", "{数值: 45, 单位: 张}", "公布值"),
    ],
)
def test_rg106_advice_fits_the_field(figure: str, place: str, advice: str, wrong: str) -> None:
    """RG106 proposes the form the field takes (defect 10: 公布值 was told to write {数值: …})."""
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text("a: {数值: 1, 单位: 人}\nb: {数值: 2, 单位: 人}\n" + figure), "t.yaml")
    [problem] = [p for p in caught.value.problems if p.code == "RG106"]
    assert problem.place == place
    assert problem.expected is not None and advice in problem.expected and wrong not in problem.expected


def test_strict_words_round_trip_through_excel() -> None:
    figures = """
    a: {名称: 登记失业率, 数值: 4.2, 单位: "%", 目标: {低于: 4.3}}
    b: {名称: 床位, 数值: 46, 单位: 张, 目标: {多于: 45}}
    c: {名称: 投诉, 数值: 3, 单位: 件, 目标: {少于: 5}}
    d: {名称: 满意度, 数值: 96, 单位: "%", 目标: {高于: 95}}
    e: {名称: 覆盖率, 数值: 91, 单位: "%", 目标: {以上: 90}}
    """
    trip = round_trip(ledger_text(figures).encode("utf-8"))
    for line in (
        "目标: {低于: 4.3}",
        "目标: {多于: 45}",
        "目标: {少于: 5}",
        "目标: {高于: 95}",
        "目标: {以上: 90}",
    ):
        assert line in trip.yaml
    assert reportgen.Report(trip.models[1]).to_bytes("md") == reportgen.Report(trip.models[0]).to_bytes("md")
    sheet = openpyxl.load_workbook(io.BytesIO(trip.workbook))["指标"]
    headers = [c.value for c in sheet[1]]
    column = openpyxl.utils.get_column_letter(headers.index("目标方向") + 1)
    [choices] = [
        v.formula1 for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{column}2")
    ]
    assert all(word in choices for word in ("低于", "高于", "少于", "多于"))


@pytest.mark.parametrize(
    ("a", "b", "goal", "codes"),
    [
        (42999, 1000000, "{低于: 4.3}", ["RG217"]),  # 4.2999% met, printed 4.3%
        (43000, 1000000, "{低于: 4.3}", ["RG211"]),  # 4.3% not met, printed 4.3%: RG211 as before
        (42900, 1000000, "{低于: 4.3}", ["RG217"]),  # 4.29% printed 4.3% too
        (90049, 100000, "{高于: 90.05}", ["RG211"]),  # 90.049% not met
        (90051, 100000, "{高于: 90.1}", ["RG211"]),
        (900501, 1000000, "{高于: 90.05}", []),  # 90.0501% met, printed 90.1%: visibly met
        (900004, 1000000, "{高于: 90}", ["RG217"]),  # 90.0004% met, printed 90.0%
        (371077, 1000000, "{不低于: 35}", []),
    ],
)
def test_a_target_met_exactly_but_not_as_printed_is_rg217(
    a: int, b: int, goal: str, codes: list[str]
) -> None:
    """“4.3%，已完成” beside 低于4.3%: the exact 4.2999% meets it, the printed number does not — a
    reader takes it for a mistake, so check says so (RG217), naming both numbers."""
    figures = f"""
    a: {{数值: {a}, 单位: 人}}
    b: {{数值: {b}, 单位: 人}}
    r: {{名称: 失业率, 比例: {{分子: a, 分母: b}}, 目标: {goal}}}
    """
    found = reportgen.loads(ledger_text(figures), "t.yaml").check()
    assert [f.code for f in found] == codes
    if a == 42999:
        assert found[0].severity is Severity.WARNING and found[0].problem.place == "指标.r.目标"
        assert "按精确值 4.2999% 已完成目标（低于4.3%），但报告印作 4.3%" in found[0].problem.message
        assert "{{ r | 百分比(2) }}" in (found[0].problem.expected or "")


def test_rg211_shows_the_printed_number_when_it_looks_met() -> None:
    figures = """
    a: {数值: 4999, 单位: 人}
    b: {数值: 10000, 单位: 人}
    r: {名称: 集中供养率, 比例: {分子: a, 分母: b}, 目标: {不低于: 50}}
    """
    [finding] = reportgen.loads(ledger_text(figures), "t.yaml").check()
    assert "完成值 49.9900%（印作 50.0%），目标不低于50%" in finding.problem.message
