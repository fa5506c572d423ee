"""Validation: every bad input is a coded Chinese error naming file, line, field path, value, expectation."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from reportgen import LedgerError
from reportgen.ledger import keys, load_ledger, parse_ledger
from tests.conftest import JIALING, MINIMAL


def problems(text: str) -> list[tuple[str, str | None]]:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "t.yaml")
    return [(p.code, p.place) for p in caught.value.problems]


def test_minimal_ledger_loads_with_exact_decimals() -> None:
    ledger = parse_ledger(MINIMAL)
    figure = ledger.figure("低保金")
    assert figure is not None
    assert figure.source.value == Decimal("100.5")  # type: ignore[union-attr]
    assert isinstance(figure.source.value, Decimal)  # type: ignore[union-attr]
    assert ledger.period.start_month == 1 and ledger.period.end_month == 9


def test_sample_loads_and_keeps_every_digit() -> None:
    ledger = load_ledger(JIALING)
    assert ledger.table is not None
    plan = ledger.table.projects[0].funding.budget
    assert plan is not None and str(plan) == "1.622171亿元"


def test_unknown_key_is_an_error_with_a_hint() -> None:
    text = MINIMAL.replace("落款: 测试局", "落款: 测试局\n标 题: 多余")
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "t.yaml")
    problem = caught.value.problems[0]
    assert problem.code == "RG103" and problem.place == "标 题"
    assert "是否应为“标题”" in problem.message
    assert problem.line == 3


def test_number_with_stray_unit_says_where_the_unit_goes() -> None:
    text = MINIMAL.replace("计划安排资金: 200", "计划安排资金: 18所")
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "t.yaml")
    problem = caught.value.problems[0]
    assert (problem.code, problem.place) == ("RG106", "一览表.项目[1].计划安排资金")
    assert problem.value == "18所"
    assert "所" in problem.message and problem.expected is not None and "单位" in problem.expected
    assert "t.yaml" in str(caught.value) and "第" in str(caught.value)


def test_person_unit_for_money_is_refused() -> None:
    text = MINIMAL.replace("下达预算: 150", "下达预算: {数值: 150, 单位: 人}")
    assert problems(text) == [("RG107", "一览表.项目[1].下达预算.单位")]


def test_negative_money_is_refused_but_negative_zero_is_zero() -> None:
    assert problems(MINIMAL.replace("实际拨付: 100", "实际拨付: -3")) == [
        ("RG108", "一览表.项目[1].实际拨付")
    ]
    ledger = parse_ledger(MINIMAL.replace("实际拨付: 100", "实际拨付: -0.0"))
    assert ledger.table is not None
    paid = ledger.table.projects[0].funding.paid
    assert paid is not None and not paid.value.is_signed()  # type: ignore[union-attr]


@pytest.mark.parametrize("months", ["10—9", "0", "13", "1—13", "abc"])
def test_bad_month_range(months: str) -> None:
    assert problems(MINIMAL.replace("月份: 1—9", f"月份: {months}")) == [("RG109", "期间.月份")]


def test_missing_required_keys_are_all_listed() -> None:
    text = MINIMAL.replace("落款: 测试局\n", "").replace("填报单位: 测试局\n", "")
    assert sorted(problems(text)) == [("RG104", "填报单位"), ("RG104", "落款")]


def test_duplicate_key_is_an_error() -> None:
    text = MINIMAL.replace("落款: 测试局", "落款: 测试局\n落款: 另一个")
    assert problems(text) == [("RG103", "落款")]


def test_unknown_figure_reference() -> None:
    text = MINIMAL.replace("实际拨付: 100", "实际拨付: {指标: 低保资金}")
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "t.yaml")
    problem = caught.value.problems[0]
    assert problem.code == "RG112" and "是否应为“低保金”" in problem.message


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (".nan", "RG106"),
        (".inf", "RG106"),
        ("1e400", "RG106"),
        ("0x1F", "RG106"),
        ('"١٢٣"', "RG106"),
        ('"1,234.5"', "RG106"),
        ("是", "RG106"),
        ('"12.3万"', "RG106"),
    ],
)
def test_bad_numbers(value: str, code: str) -> None:
    found = problems(MINIMAL.replace("数值: 100.5", f"数值: {value}"))
    assert found == [(code, "指标.低保金.数值")]


def test_full_width_digits_are_read_as_the_same_number() -> None:
    figure = parse_ledger(MINIMAL.replace("数值: 100.5", '数值: "１００．５"')).figure("低保金")
    assert figure is not None and figure.source.value == Decimal("100.5")  # type: ignore[union-attr]


def test_yaml_syntax_error_names_the_line() -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(MINIMAL.replace("落款: 测试局", "落款: [测试局"), "t.yaml")
    assert caught.value.code == "RG102" and caught.value.problems[0].line is not None


def test_alias_bomb_is_stopped() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    assert problems(bomb)[0][0] == "RG114"


def test_python_tags_are_refused() -> None:
    assert problems("标题: !!python/object/apply:os.system ['true']\n")[0][0] == "RG105"


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "gbk.yaml"
    bad.write_bytes(MINIMAL.encode("gbk"))
    with pytest.raises(LedgerError) as caught:
        load_ledger(bad)
    assert caught.value.code == "RG101" and "UTF-8" in str(caught.value)
    with pytest.raises(LedgerError) as missing:
        load_ledger(tmp_path / "none.yaml")
    assert missing.value.code == "RG101"


def test_bom_is_accepted() -> None:
    assert parse_ledger("\ufeff".encode() + MINIMAL.encode()).title.startswith("测试局")


def test_figure_id_must_be_a_template_name() -> None:
    text = MINIMAL.replace("  低保金: {名称", "  低保-金: {名称").replace("{{ 低保金 | 万元 }}", "")
    assert problems(text) == [("RG111", "指标.低保-金")]


def test_folded_chinese_lines_join_without_spaces() -> None:
    text = MINIMAL.replace(
        '    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]',
        "    段落:\n      - >-\n        第一行，\n        第二行。",
    )
    ledger = parse_ledger(text)
    assert ledger.sections[0].paragraphs == ("第一行，第二行。",)


def test_folds_next_to_a_figure_reference_leave_no_space() -> None:
    """Found drafting samples/xinping-2023h1.yaml: ``、 1212户2605人`` when a line broke right after
    ``}}``."""
    import reportgen

    text = MINIMAL.replace(
        '    段落: ["{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}。"]',
        "    段落:\n      - >-\n        发放低保金\n        {{ 低保金 | 万元 }}\n        ，联动机制，\n"
        "        1月、4月至8月发放，Excel 表格。",
    )
    [_, paragraph, *_] = reportgen.loads(text).document.blocks
    assert paragraph.kind == "paragraph"
    # found drafting samples/yijiang-2019m10.yaml: “联动机制， 1月” — and a Latin word keeps its space
    assert paragraph.text == "发放低保金100.5万元，联动机制，1月、4月至8月发放，Excel 表格。"


def test_figures_cannot_shadow_the_names_templates_already_have() -> None:
    import reportgen
    from tests.conftest import MINIMAL

    text = MINIMAL.replace("  低保金:", "  成文日期: {名称: 日期, 数值: 1, 单位: 个}\n  低保金:")
    with pytest.raises(reportgen.LedgerError) as caught:
        reportgen.loads(text)
    assert caught.value.code == "RG111" and "成文日期" in str(caught.value)


@pytest.mark.parametrize(
    ("order", "accepted"),
    [
        (keys.TOP_ORDER, (*keys.TOP_REQUIRED, *keys.TOP_OPTIONAL)),
        (keys.FIGURE_ORDER, keys.FIGURE_KEYS),
        (keys.SECTION_ORDER, keys.SECTION_KEYS),
    ],
)
def test_each_written_order_holds_exactly_the_accepted_keys(
    order: tuple[str, ...], accepted: tuple[str, ...]
) -> None:
    """The YAML writer's orders and the schema's keys are one vocabulary (they had drifted apart)."""
    assert len(set(order)) == len(order) and sorted(order) == sorted(accepted)
