"""同比/环比 from the ledger: earlier-period values, derived figures from their parts, the filters'
wording (docs/standards.md §5.1–5.3) and the error when a ledger lacks a period."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.compute.figures import compute
from reportgen.ledger import parse_ledger

LEDGER = """\
标题: 测试局关于{{ 期间.年月 }}工作情况的报告
落款: 测试局
成文日期: 2024-09-23
填报单位: 测试局
期间: {年度: 2024, 月份: 7—9}
指标:
  低保金: {名称: 发放低保金, 数值: 8123.0395, 单位: 万元, 上年同期: 7800, 上期: 8200}
  城市低保: {名称: 城市低保对象, 数值: 1200, 单位: 人, 上年同期: 1250}
  农村低保: {名称: 农村低保对象, 数值: 2800, 单位: 人, 上年同期: 2750}
  低保对象: {名称: 低保对象, 合计: [城市低保, 农村低保]}
  城市占比: {名称: 城市低保对象占比, 比例: {分子: 城市低保, 分母: 低保对象}}
  床位: {名称: 养老床位, 数值: 980, 单位: 张}
  计划床位: {名称: 计划养老床位, 数值: 940, 单位: 张}
正文:
  - 标题: 基本情况
    段落: ["PARAGRAPH"]
"""


def say(paragraph: str) -> str:
    report = reportgen.loads(LEDGER.replace("PARAGRAPH", paragraph.replace('"', '\\"')), "t.yaml")
    block = report.document.blocks[1]
    assert block.kind == "paragraph"
    return block.text


@pytest.mark.parametrize(
    ("template", "text"),
    [
        # (8123.0395 − 7800) ÷ 7800 = 4.1415…%
        ("{{ 低保金 | 同比 }}", "增长4.1%"),
        ("{{ 低保金 | 同比(2) }}", "增长4.14%"),
        # (8123.0395 − 8200) ÷ 8200 = −0.9385…%
        ("{{ 低保金 | 环比 }}", "下降0.9%"),
        ("{{ 低保金 | 同比增减 }}", "增加323.0395万元"),
        ("{{ 低保金 | 同比增减('万元', 2) }}", "增加323.04万元"),
        ("{{ 低保金 | 同比增减('元') }}", "增加3230395元"),
        ("{{ 低保金 | 上年同期 | 万元 }}", "7800万元"),
        ("{{ 低保金 | 上期 | 亿元(2) }}", "0.82亿元"),
        # a 合计's earlier value is the sum of its parts' (1250 + 2750 = 4000 → 4000): 持平
        ("{{ 低保对象 | 同比 }}", "持平"),
        ("{{ 低保对象 | 上年同期 | 人 }}", "4000人"),
        ("{{ 城市低保 | 同比增减 }}", "减少50人"),
        # a rate changes in percentage points: 1200/4000 = 30.0% vs 1250/4000 = 31.25%
        ("{{ 城市占比 | 同比 }}", "下降1.3个百分点"),
        ("{{ 城市占比 | 同比(2) }}", "下降1.25个百分点"),
        ("{{ 城市占比 | 同比增减 }}", "下降1.3个百分点"),
        # 980 ÷ 940 = 104.255…%
        ("{{ 床位 | 超计划(计划床位) }}", "超计划4.3%"),
        ("{{ 计划床位 | 超计划(床位) }}", "完成计划的95.9%"),
        ("{{ 期间.上年同期 }}，{{ 期间.上期 }}", "2023年7—9月，2024年4—6月"),
    ],
)
def test_comparison_filters(template: str, text: str) -> None:
    assert say(template) == text


@pytest.mark.parametrize(
    ("template", "missing"),
    [
        ("{{ 床位 | 同比 }}", "“床位”没有上年同期数值"),
        ("{{ 城市低保 | 环比 }}", "“城市低保”没有上期数值"),
        # the 合计 names the part that lacks the value
        ("{{ 低保对象 | 环比 }}", "“城市低保”没有上期数值，“低保对象”无法与上期比较"),
        ("{{ 城市占比 | 环比增减 }}", "“城市低保”没有上期数值"),
        ("{{ 床位 | 上年同期 | 张 }}", "“床位”没有上年同期数值"),
    ],
)
def test_a_missing_period_is_an_error_that_names_the_figure(template: str, missing: str) -> None:
    with pytest.raises(TemplateError) as caught:
        say(template)
    problem = caught.value.problems[0]
    assert problem.code == "RG303"
    assert missing in problem.message and "请在台账“指标”中为" in problem.message
    assert problem.place == "正文[1].段落[1]"


def test_comparison_filters_refuse_what_is_not_a_figure() -> None:
    with pytest.raises(TemplateError, match="只能用于台账中的指标"):
        say("{{ 期间 | 同比 }}")
    with pytest.raises(TemplateError, match="不能按“人”显示增减"):
        say("{{ 低保金 | 同比增减('人') }}")


def test_earlier_values_of_derived_figures_are_computed_not_typed() -> None:
    bad = LEDGER.replace(
        "低保对象: {名称: 低保对象, 合计: [城市低保, 农村低保]}",
        "低保对象: {名称: 低保对象, 合计: [城市低保, 农村低保], 上年同期: 4100}",
    )
    with pytest.raises(LedgerError) as caught:
        parse_ledger(bad.replace("PARAGRAPH", "无"), "t.yaml")
    [problem] = caught.value.problems
    assert problem.code == "RG103" and problem.place == "指标.低保对象.上年同期"
    assert "由分项计算" in problem.message


def test_baselines_are_exact_decimals() -> None:
    computed = compute(parse_ledger(LEDGER.replace("PARAGRAPH", "无"), "t.yaml"))
    before = computed.baselines["上年同期"]
    assert before.values["低保金"] is not None and before.values["低保金"].value == D("7800")
    total = before.values["低保对象"]
    assert total is not None and total.value == D(4000) and total.unit.symbol == "人"
    share = before.values["城市占比"]
    assert share is not None and share.value == D("31.25")
    assert before.missing == {"床位": "床位", "计划床位": "计划床位"}
    assert computed.baselines["上期"].missing["低保对象"] == "城市低保"


@given(
    st.decimals(min_value=0, max_value=10**8, places=4),
    st.decimals(min_value=D("0.0001"), max_value=10**8, places=4),
)
def test_growth_filter_agrees_with_the_exact_rate(current: D, base: D) -> None:
    text = say_with(current, base)
    change = (current - base) / base * 100
    rounded = change.copy_abs().quantize(D("0.1"), rounding="ROUND_HALF_UP")
    if rounded == 0:
        assert text == "持平"
    else:
        assert text == ("增长" if change > 0 else "下降") + f"{rounded}%"


def say_with(current: D, base: D) -> str:
    ledger = LEDGER.replace(
        "数值: 8123.0395, 单位: 万元, 上年同期: 7800", f"数值: {current}, 单位: 万元, 上年同期: {base}"
    )
    report = reportgen.loads(ledger.replace("PARAGRAPH", "{{ 低保金 | 同比 }}"), "t.yaml")
    block = report.document.blocks[1]
    assert block.kind == "paragraph"
    return block.text
