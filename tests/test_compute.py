"""Ratios and totals: exact Decimal, the right denominators, and findings for what does not add up."""

from __future__ import annotations

from decimal import Decimal

import pytest

import reportgen
from reportgen import LedgerError
from reportgen.compute.exact import ratio
from reportgen.compute.figures import compute
from reportgen.ledger import parse_ledger
from tests.conftest import JIALING, MINIMAL, QINGSHAN


def test_ratio_denominator_cases() -> None:
    assert ratio(Decimal(1), Decimal(4)) == Decimal("0.25")
    assert ratio(Decimal(1), Decimal(0)) is None
    assert ratio(None, Decimal(4)) is None
    assert ratio(Decimal(1), None) is None


def test_seed_000_ratios_use_the_plan_as_denominator() -> None:
    table = reportgen.load(JIALING).computed.table
    assert table is not None
    first, second, third = table.rows
    # 亿元 input converted exactly to the table's 万元
    assert (first.plan, first.budget, first.paid) == (
        Decimal("13168"),
        Decimal("16221.71"),
        Decimal("12129.8472"),
    )
    assert second.paid_ratio == Decimal("678.54") / Decimal("844")  # the source: 678.54 ÷ 651 = 104.23%
    assert third.budget_ratio == Decimal("3.4") and third.paid_ratio == Decimal("3.876")
    assert first.completion is None  # no numeric target in the ledger: shown as "—", never typed
    assert table.total_plan == Decimal("14037")
    assert table.total_paid == Decimal("12905.2872")
    assert table.total_paid_ratio == Decimal("12905.2872") / Decimal("14037")


def test_sum_figure_and_ratio_figure() -> None:
    report = reportgen.load(QINGSHAN).computed
    rate = report.values["改造完成率"]
    assert rate is not None and rate.unit.symbol == "%" and rate.value == Decimal("87.2")
    table = report.table
    assert table is not None
    beds = table.rows[1]
    assert beds.completion == Decimal(312) / Decimal(300)
    sums = reportgen.load(JIALING).computed.values["护理补贴总人数"]
    assert sums is not None and sums.value == Decimal(8509)


def test_sum_across_unit_families_is_an_error() -> None:
    text = MINIMAL.replace(
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}",
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}\n  人数: {数值: 3, 单位: 人次}\n"
        "  户数: {数值: 3, 单位: 人}\n  合计人数: {合计: [人数, 户数]}",
    )
    with pytest.raises(LedgerError) as caught:
        compute(parse_ledger(text))
    assert caught.value.code == "RG113"


def test_completion_with_incompatible_units_is_an_error() -> None:
    text = MINIMAL.replace(
        "      实施进度: 按月发放",
        "      实施进度: 按月发放\n      目标: {数值: 10, 单位: 张}\n      实际完成: {数值: 9, 单位: 人}",
    )
    with pytest.raises(LedgerError) as caught:
        compute(parse_ledger(text))
    assert caught.value.code == "RG113"


def test_ratio_figure_with_zero_denominator_is_missing_not_an_error() -> None:
    text = MINIMAL.replace(
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}",
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}\n  零: {数值: 0, 单位: 万元}\n"
        "  占比: {比例: {分子: 低保金, 分母: 零}}",
    )
    assert compute(parse_ledger(text)).values["占比"] is None


def test_cycle_is_an_error() -> None:
    text = MINIMAL.replace(
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}",
        "  低保金: {名称: 发放低保金, 数值: 100.5, 单位: 万元}\n"
        "  甲: {合计: [乙, 低保金]}\n  乙: {合计: [甲, 低保金]}",
    )
    with pytest.raises(LedgerError) as caught:
        compute(parse_ledger(text))
    assert caught.value.code == "RG112" and "循环" in str(caught.value)


def test_seed_000_inconsistencies_are_findings() -> None:
    found = reportgen.load(JIALING).check()
    by_code: dict[str, list[str]] = {}
    for finding in found:
        by_code.setdefault(finding.code, []).append(finding.problem.message)
    assert any("8123.0395万元" in m and "7022.8759万元" in m for m in by_code["RG204"])
    assert any("亿元、万元" in m for m in by_code["RG205"])
    assert any("第3项" in m and "85万元" in m and "25万元" in m for m in by_code["RG201"])
    assert sorted(m.split("占计划比例为 ")[1].split("，")[0] for m in by_code["RG202"]) == [
        "123.19%",
        "340.00%",
        "387.60%",
    ]
    assert [m[:3] for m in by_code["RG203"]] == ["第2项", "第3项"]
    assert "RG207" not in by_code  # every figure in the sample's text is quoted from the ledger


def test_second_sample_has_only_the_over_target_notice() -> None:
    [finding] = reportgen.load(QINGSHAN).check()
    assert (
        finding.code == "RG202" and finding.severity.value == "提示" and "104.00%" in finding.problem.message
    )


def test_literal_number_in_narrative_is_a_warning() -> None:
    text = MINIMAL.replace("发放低保金{{ 低保金 | 万元 }}", "发放低保金100.5万元")
    found = reportgen.loads(text).check()
    assert [(f.code, f.problem.place) for f in found] == [("RG207", "正文[1].段落[1]")]
