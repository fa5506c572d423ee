"""Tables declared in the ledger (``表格``, docs/tables.md): reading, exact computation and checks."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportgen
from reportgen.base.errors import LedgerError, Severity
from reportgen.compute.checks import findings
from reportgen.compute.declared import DATA, SUBTOTAL, TOTAL, DeclaredTableFigures
from reportgen.compute.figures import ComputedReport, compute
from reportgen.ledger import load_ledger, parse_ledger

ROOT = Path(__file__).resolve().parent.parent
SHAPES = sorted((ROOT / "tests" / "data" / "tables").glob("*.yaml"))
HEAD = """\
标题: 测试
落款: 测试局
成文日期: 2024-10-10
填报单位: 测试局
期间: {年度: 2024, 月份: 1—9}
"""


def computed(tables: str, figures: str = "") -> ComputedReport:
    return compute(parse_ledger(HEAD + figures + "表格:\n" + tables))


def table_of(tables: str, figures: str = "") -> DeclaredTableFigures:
    return computed(tables, figures).tables[0]


def column(table: DeclaredTableFigures, name: str, kind: str = DATA) -> list[Decimal | None]:
    return [row.values[name] for row in table.rows if row.kind == kind]


def problems(tables: str) -> list[tuple[str, str | None]]:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(HEAD + "表格:\n" + tables)
    return [(p.code, p.place) for p in caught.value.problems]


def codes(report: ComputedReport) -> list[tuple[str, str | None]]:
    return [(f.code, f.problem.place) for f in findings(report)]


# -- the five shapes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHAPES, ids=[p.stem for p in SHAPES])
def test_each_shape_loads_computes_and_checks_clean(path: Path) -> None:
    report = compute(load_ledger(path))
    assert report.tables
    assert findings(report) == []


def test_the_five_shapes_are_there() -> None:
    assert len(SHAPES) == 5


def test_the_docs_show_each_shape_as_it_is_tested() -> None:
    """docs/tables.md's examples are the 表格 parts of the tested ledgers, verbatim."""
    blocks = re.findall(
        r"```yaml\n(表格:.*?)```", (ROOT / "docs" / "tables.md").read_text("utf-8"), re.DOTALL
    )
    files = [path.read_text("utf-8") for path in SHAPES]
    assert len(blocks) == 5
    for block in blocks:
        assert any(block in text for text in files), block[:40]


def test_fund_use_shape_computes_product_rate_rank_and_recomputed_total() -> None:
    table = compute(load_ledger(ROOT / "tests/data/tables/fund-use.yaml")).tables[0]
    assert column(table, "应使用资金") == [Decimal("36.4"), Decimal("26.6"), Decimal("14.7"), Decimal("21.0")]
    assert column(table, "排名") == [4, 2, 1, 3]
    total = table.total
    assert total is not None and total.kind == TOTAL
    assert total.values["户籍人口数"] == 141000
    assert total.values["合计金额"] == Decimal("95.1")
    # 重算: the rate of the totals, not the sum or mean of the rates
    assert total.values["资金使用率"] == Decimal("95.1") / Decimal("98.7") * 100
    assert total.values["排名"] is None


def test_a_ledger_without_tables_has_none() -> None:
    ledger = load_ledger(ROOT / "samples" / "jialing-2024q3.yaml")
    assert ledger.tables == ()
    assert compute(ledger).tables == ()


# -- formulas ----------------------------------------------------------------------------------------

KINDS = """\
  - 编号: 公式
    标题: 公式表
    列:
      - {名称: 名称, 文本: 是}
      - {名称: 甲, 单位: 万元}
      - {名称: 乙, 单位: 元}
      - {名称: 人数, 单位: 人}
      - {名称: 和, 单位: 万元, 公式: {求和: [甲, 乙]}}
      - {名称: 差额, 单位: 元, 公式: {差: [甲, 乙]}}
      - {名称: 应发, 单位: 万元, 公式: {乘: [人数, {数值: 7, 单位: 元}]}}
      - {名称: 比例, 单位: "%", 公式: {商: [乙, 甲]}}
      - {名称: 人均, 单位: 元, 公式: {商: [甲, 人数]}}
      - {名称: 份额, 单位: "%", 公式: {占合计: 甲}}
      - {名称: 折算, 单位: 万元, 公式: {乘: [甲, 比例]}}
      - {名称: 名次, 公式: {排名: 甲}}
      - {名称: 倒数名次, 公式: {排名: 甲, 顺序: 升序}}
    行:
      - {名称: 一, 甲: 2, 乙: 5000, 人数: 100}
      - {名称: 二, 甲: 3, 乙: 0, 人数: 0}
      - {名称: 三, 甲: 3, 人数: 50}
      - {名称: 四, 甲: 0, 乙: 100, 人数: 10}
"""


def test_each_formula_kind_exactly() -> None:
    table = table_of(KINDS)
    assert column(table, "和") == [Decimal("2.5"), 3, 3, Decimal("0.01")]  # an empty 乙 is left out
    assert column(table, "差额") == [15000, 30000, None, -100]  # an empty operand: "—"
    assert column(table, "应发") == [Decimal("0.07"), 0, Decimal("0.035"), Decimal("0.007")]
    assert column(table, "比例") == [25, 0, None, None]  # ÷ 0 is "—"
    assert column(table, "人均") == [200, None, 600, 0]  # 甲 in 元 ÷ 人数
    assert column(table, "份额") == [25, Decimal("37.5"), Decimal("37.5"), 0]
    assert column(table, "折算") == [Decimal("0.5"), 0, None, None]  # a % multiplies as its fraction
    assert column(table, "名次") == [3, 1, 1, 4]  # ties share the better place: 1, 1, 3 … 4
    assert column(table, "倒数名次") == [2, 3, 3, 1]


def test_sorting_orders_rows_within_their_group() -> None:
    sorted_table = KINDS + "    排序: {列: 甲, 顺序: 升序}\n"
    table = table_of(sorted_table)
    assert [row.texts["名称"] for row in table.rows] == ["四", "一", "二", "三"]


GROUPS = """\
  - 编号: 分组
    标题: 分组表
    列:
      - {名称: 类别, 文本: 是}
      - {名称: 名称, 文本: 是}
      - {名称: 计划, 单位: 万元}
      - {名称: 支出, 单位: 万元}
      - {名称: 执行率, 单位: "%", 公式: {商: [支出, 计划]}}
    分组列: [类别]
    行:
      - 分组: 救助
        计划: 30.00
        核对: [计划]
        小计: 是
        小计公布值: {执行率: 60}
        行:
          - {名称: 低保, 计划: 10.00, 支出: 8.00}
          - {名称: 特困, 计划: 20.00, 支出: 10.00}
      - {类别: 养老, 计划: 40.00, 支出: 40.00, 执行率: {公布值: 100.00}}
    合计行: 是
    合计公布值: {计划: 70, 执行率: 82.86}
"""


def test_subtotals_sum_and_recompute_and_the_total_adds_data_rows_only() -> None:
    table = table_of(GROUPS)
    subtotal = next(row for row in table.rows if row.kind == SUBTOTAL)
    assert subtotal.values["计划"] == 30 and subtotal.values["支出"] == 18
    assert subtotal.values["执行率"] == 60
    total = table.total
    assert total is not None
    assert total.values["计划"] == 70  # the group's own 30 is a check, not a fourth row
    assert total.values["执行率"] == Decimal(58) / Decimal(70) * 100
    assert [row.kind for row in table.rows] == ["分组", DATA, DATA, SUBTOTAL, DATA, TOTAL]


def test_printed_values_inside_their_rounding_interval_are_consistent() -> None:
    assert codes(computed(GROUPS)) == []


def test_printed_values_outside_are_rg214_naming_table_row_and_column() -> None:
    wrong = GROUPS.replace("{公布值: 100.00}", "{公布值: 99.00}").replace("执行率: 82.86", "执行率: 85")
    wrong = wrong.replace("小计公布值: {执行率: 60}", "小计公布值: {执行率: 61}")
    assert codes(computed(wrong)) == [
        ("RG214", "表格“分组表”分组“救助”小计“执行率”"),
        ("RG214", "表格“分组表”第4行“执行率”"),
        ("RG214", "表格“分组表”合计行“执行率”"),
    ]


def test_rounded_inputs_widen_the_interval() -> None:
    """2.35 万元 ÷ 2 万元 is 117.5 %, but 2.35 is anything from 2.345 to 2.355: 117.2 … 117.8 are fine."""
    tables = GROUPS.replace(
        "{名称: 低保, 计划: 10.00, 支出: 8.00}",
        "{名称: 低保, 计划: 2.00, 支出: 2.35, 执行率: {公布值: 117.7}}",
    )
    tables = (
        tables.replace("计划: 30.00", "计划: 22.00")
        .replace("{执行率: 60}", "{}")
        .replace("{计划: 70, 执行率: 82.86}", "{}")
    )
    assert codes(computed(tables)) == []
    assert codes(computed(tables.replace("117.7", "119.0")))[0] == ("RG214", "表格“分组表”第2行“执行率”")


def test_sub_rows_that_do_not_add_up_to_their_parent_are_rg215() -> None:
    """The group's own 计划 (31) is what its 小计 shows and the 合计 counts, so the 小计's printed rate
    (computed from 30) is off as well as the rows' sum."""
    assert codes(
        computed(GROUPS.replace("计划: 30.00", "计划: 31.00").replace("{计划: 70, 执行率: 82.86}", "{}"))
    ) == [("RG214", "表格“分组表”分组“救助”小计“执行率”"), ("RG215", "表格“分组表”第1行“计划”")]


def test_a_subtotal_shows_what_the_total_counts_and_checks_the_rows_under_it() -> None:
    """A group with its own 金额 (10) and a 小计 over rows of 3 and 3: the 小计 is 10, as the 合计 counts
    the group, and the rows are checked against it without a 核对 (RG215)."""
    tables = """
  - 编号: 小计表
    标题: 小计表
    列:
      - {名称: 片区, 文本: 是}
      - {名称: 单位, 文本: 是}
      - {名称: 金额, 单位: 万元}
    行:
      - 分组: 东片
        金额: 10
        小计: 是
        行:
          - {单位: 甲, 金额: 3}
          - {单位: 乙, 金额: 3}
      - {片区: 西片, 单位: 丙, 金额: 4}
    合计行: 是
"""
    table = table_of(tables)
    assert column(table, "金额", SUBTOTAL) == [Decimal(10)] and column(table, "金额", TOTAL) == [Decimal(14)]
    assert codes(computed(tables)) == [("RG215", "表格“小计表”第1行“金额”")]


def test_group_labels_and_the_total_label_need_text_columns() -> None:
    """A 分组列 that is a number column, or a 合计行 in a table without a text column, would print the
    group's name or 合计 nowhere: refused (RG126)."""
    found = problems(
        """
  - 编号: 数字
    标题: 数字
    列:
      - {名称: 序号}
      - {名称: 金额, 单位: 万元}
    分组列: [序号]
    行:
      - {序号: 1, 金额: 2}
    合计行: 是
"""
    )
    assert [code for code, _ in found] == ["RG126", "RG126"]


def test_a_total_that_must_equal_a_figure_is_checked() -> None:
    figures = "指标:\n  支出总额: {名称: 支出总额, 数值: 580000, 单位: 元}\n"
    tables = GROUPS.replace("    合计行: 是\n", "    合计行: 是\n    合计应等于: {支出: {指标: 支出总额}}\n")
    assert codes(computed(tables, figures)) == []
    assert codes(computed(tables, figures.replace("580000", "580001"))) == [
        ("RG215", "表格“分组表”合计行“支出”")
    ]


def test_a_cell_quotes_a_figure_in_its_column_unit() -> None:
    figures = "指标:\n  低保支出: {名称: 低保支出, 数值: 80000, 单位: 元}\n"
    table = table_of(GROUPS.replace("支出: 8.00}", "支出: {指标: 低保支出}}"), figures)
    assert column(table, "支出")[0] == 8


# -- errors with their places --------------------------------------------------------------------------

SIMPLE = """\
  - 编号: 简表
    标题: 资金使用情况
    列:
      - {名称: 单位, 文本: 是}
      - {名称: 人数, 单位: 人}
      - {名称: 金额, 单位: 万元}
      - {名称: 资金使用率, 单位: "%", 公式: {商: [金额, 应使用资金]}}
      - {名称: 应使用资金, 单位: 万元}
    行:
      - {单位: 甲, 人数: 10, 金额: 1, 应使用资金: 2}
      - {单位: 乙, 人数: 20, 金额: 1, 应使用资金: 2}
      - {单位: 丙, 人数: 30, 金额: 1, 应使用资金: 2, 资金使用率: {公布值: 50}}
"""


def test_the_simple_table_loads() -> None:
    assert codes(computed(SIMPLE)) == []


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("{商: [金额, 应使用资金]}", "{商: [金额, 应用资金]}", ("RG121", "表格“资金使用情况”“资金使用率”")),
        ("资金使用率: {公布值: 50}", "使用率: {公布值: 50}", ("RG121", "表格“资金使用情况”第3行“使用率”")),
        (
            "{名称: 应使用资金, 单位: 万元}",
            "{名称: 应使用资金, 单位: 万元, 公式: {乘: [资金使用率, 金额]}}",
            ("RG122", "表格“资金使用情况”“资金使用率”"),
        ),
        ("人数: 20,", "人数: 20.5,", ("RG123", "表格“资金使用情况”第2行“人数”")),
        (
            "{名称: 人数, 单位: 人}",
            "{名称: 人数, 单位: 人, 小数位: 1}",
            ("RG123", "表格“资金使用情况”“人数”"),
        ),
        ("{商: [金额, 应使用资金]}", "{商: [人数, 应使用资金]}", ("RG124", "表格“资金使用情况”“资金使用率”")),
        ("{名称: 金额, 单位: 万元}", "{名称: 人数, 单位: 万元}", ("RG125", "表格“资金使用情况”“人数”")),
        ("公式: {商: [金额, 应使用资金]}}", "公式: {商: [金额, 应使用资金]}, 合计: 求和}", None),
        ("资金使用率: {公布值: 50}", "资金使用率: 50", ("RG126", "表格“资金使用情况”第3行“资金使用率”")),
    ],
)
def test_every_table_error_has_its_code_and_place(
    old: str, new: str, expected: tuple[str, str] | None
) -> None:
    assert old in SIMPLE
    found = problems(SIMPLE.replace(old, new))
    if expected is None:  # 求和 of a ratio: RG126 at the column
        expected = ("RG126", "表格“资金使用情况”“资金使用率”")
    assert expected in found, found


def test_duplicate_table_ids_and_spanner_columns_are_refused() -> None:
    assert ("RG125", "表格“资金使用情况”") in problems(SIMPLE + SIMPLE)
    spanners = SIMPLE + "    表头:\n      - {名称: 资金, 列: [金额, 人数, 金额]}\n"
    found = problems(spanners)
    assert ("RG125", "表格“资金使用情况”“金额”") in found
    apart = SIMPLE + "    表头:\n      - {名称: 资金, 列: [人数, 资金使用率]}\n"
    assert ("RG126", "表格“资金使用情况”") in problems(apart)


def test_group_deeper_than_its_label_columns_is_refused() -> None:
    nested = SIMPLE.replace(
        "      - {单位: 甲,",
        "      - 分组: 一\n        行:\n          - 分组: 二\n            行:\n              - {单位: 甲,",
    )
    nested = nested.replace("应使用资金: 2}\n      - {单位: 乙", "应使用资金: 2}\n      - {单位: 乙", 1)
    assert ("RG126", "表格“资金使用情况”") in problems(nested)


def test_problems_carry_the_yaml_line() -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(HEAD + "表格:\n" + SIMPLE.replace("人数: 20,", "人数: 20.5,"))
    (problem,) = [p for p in caught.value.problems if p.code == "RG123"]
    text = HEAD + "表格:\n" + SIMPLE.replace("人数: 20,", "人数: 20.5,")
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1) if "20.5" in line)


# -- properties --------------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _rows(amounts: list[tuple[Decimal, Decimal]]) -> str:
    return "".join(f"      - {{名称: 第{i}, 计划: {a}, 支出: {b}}}\n" for i, (a, b) in enumerate(amounts, 1))


PROPERTY_TABLE = """\
  - 编号: 性质
    标题: 性质表
    列:
      - {名称: 名称, 文本: 是}
      - {名称: 计划, 单位: 万元}
      - {名称: 支出, 单位: 万元}
      - {名称: 执行率, 单位: "%", 公式: {商: [支出, 计划]}}
      - {名称: 名次, 公式: {排名: 支出}}
    合计行: 是
    行:
"""


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(AMOUNTS, AMOUNTS), min_size=1, max_size=12))
def test_totals_are_exact_sums_and_recomputed_ratios(amounts: list[tuple[Decimal, Decimal]]) -> None:
    table = table_of(PROPERTY_TABLE + _rows(amounts))
    total = table.total
    assert total is not None
    plan, spent = sum(a for a, _ in amounts), sum(b for _, b in amounts)
    assert total.values["计划"] == plan and total.values["支出"] == spent
    assert total.values["执行率"] == (None if plan == 0 else spent / plan * 100)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(AMOUNTS, st.sampled_from([Decimal(0), Decimal(1), Decimal(5), Decimal("2.5")])), min_size=1
    )
)
def test_ranks_order_rows_by_value_with_ties_sharing_the_better_place(
    amounts: list[tuple[Decimal, Decimal]],
) -> None:
    table = table_of(PROPERTY_TABLE + _rows(amounts[:15]))
    values = [b for _, b in amounts[:15]]
    ranks = column(table, "名次")
    for value, rank in zip(values, ranks, strict=True):
        assert rank == 1 + sum(1 for other in values if other > value)
    for (a, ra), (b, rb) in (
        (x, y) for x in zip(values, ranks, strict=True) for y in zip(values, ranks, strict=True)
    ):
        assert (a > b) == (ra is not None and rb is not None and ra < rb)


def test_group_labels_stand_in_their_level_column_of_every_row() -> None:
    table = compute(load_ledger(ROOT / "tests/data/tables/self-evaluation.yaml")).tables[0]
    labels = [
        (row.texts.get("一级指标"), row.texts.get("二级指标")) for row in table.rows if row.kind == DATA
    ]
    assert labels[:2] == [("产出指标", "数量指标"), ("产出指标", "质量指标")]
    assert [g.name for g in table.rows[0].groups] == ["产出指标", "数量指标"]


# -- totals that must not be silently wrong (review of the first slice) ------------------------------------

SUMS = """\
  - 编号: 合计规则
    标题: 合计规则
    列:
      - {名称: 单位, 文本: 是}
      - {名称: 区审批, 单位: 人, 合计: 无}
      - {名称: 乡镇审批, 单位: 人}
      - {名称: 总数, 单位: 人, 公式: {求和: [区审批, 乡镇审批]}RULE}
    行:
      - {单位: 甲, 区审批: 10, 乡镇审批: 5}
      - {单位: 乙, 区审批: 20, 乡镇审批: 7}
    合计行: 是
"""


def test_recomputing_a_sum_or_product_total_is_refused() -> None:
    """重算 of 求和 left out an operand whose 合计 is 无 (12 for 15 + 27); of 乘 it gave Σa × Σb."""
    assert problems(SUMS.replace("RULE", ", 合计: 重算"))[0][0] == "RG126"
    product = SUMS.replace(
        "{求和: [区审批, 乡镇审批]}RULE", "{乘: [乡镇审批, {数值: 2, 单位: 人}]}, 合计: 重算"
    )
    assert problems(product)[0][0] == "RG126"
    table = table_of(SUMS.replace("RULE", ""))
    assert column(table, "总数") == [15, 27] and column(table, "总数", TOTAL) == [42]


def test_a_group_with_its_own_value_counts_once_in_the_total() -> None:
    """A group row that holds the value (its rows give none) is part of the 合计, not left out."""
    tables = """\
  - 编号: 分组合计
    标题: 分组合计
    列:
      - {名称: 项目, 文本: 是}
      - {名称: 人数, 单位: 人}
    分组列: [项目]
    行:
      - 分组: 特困
        人数: 1200
        行:
          - {项目: 集中供养}
          - {项目: 分散供养}
      - {项目: 低保, 人数: 300}
    合计行: 是
"""
    assert column(table_of(tables), "人数", TOTAL) == [1500]


def test_a_total_compared_with_a_figure_of_another_kind_of_unit_is_refused() -> None:
    figures = "指标:\n  支出人数: {名称: 支出人数, 数值: 580000, 单位: 人}\n"
    tables = GROUPS.replace("    合计行: 是\n", "    合计行: 是\n    合计应等于: {支出: {指标: 支出人数}}\n")
    with pytest.raises(LedgerError) as caught:
        computed(tables, figures)
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG113", "表格“分组表”合计应等于")]


def test_a_product_does_not_depend_on_the_order_of_its_factors() -> None:
    """A % factor counts as its fraction wherever it stands, in a column with no unit too."""
    tables = """\
  - 编号: 乘积
    标题: 乘积
    列:
      - {名称: 名称, 文本: 是}
      - {名称: 人数, 单位: 人}
      - {名称: 比例, 单位: "%"}
      - {名称: 前, 公式: {乘: [人数, 比例]}}
      - {名称: 后, 公式: {乘: [比例, 人数]}}
      - {名称: 人, 单位: 人, 公式: {乘: [比例, 人数]}}
    行:
      - {名称: 一, 人数: 100, 比例: 92}
"""
    table = table_of(tables)
    assert column(table, "前") == column(table, "后") == column(table, "人") == [92]


def test_a_sum_of_a_plain_column_whose_rows_name_different_units_is_refused() -> None:
    """工作目标 counts 人 in one row and 人次 in another (计量单位): its 合计 would add them."""
    text = (ROOT / "tests/data/tables/target-completion.yaml").read_text("utf-8")
    tables = text[text.index("表格:\n") + len("表格:\n") :]
    summed = tables.replace("{名称: 工作目标}", "{名称: 工作目标, 合计: 求和}")
    assert summed != tables
    assert problems(summed) == [("RG126", "表格“2024年目标任务完成情况”“工作目标”")]


def test_a_cell_quoting_a_figure_in_a_column_with_no_unit_is_refused() -> None:
    """The figure's 元 would be dropped: 80000 元 shown as a bare 80000."""
    figures = "指标:\n  低保支出: {名称: 低保支出, 数值: 80000, 单位: 元}\n"
    tables = """\
  - 编号: 无单位
    标题: 无单位
    列:
      - {名称: 项目, 文本: 是}
      - {名称: 数}
    行:
      - {项目: 低保, 数: {指标: 低保支出}}
"""
    with pytest.raises(LedgerError) as caught:
        computed(tables, figures)
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG113", "表格“无单位”第1行“数”")]


@pytest.mark.parametrize("operand", ['{名称: 数, 单位: "%"}', "{名称: 数}"])
def test_a_share_of_a_rate_or_a_plain_number_column_is_refused(operand: str) -> None:
    """A share of a sum of rates, or of numbers in units that vary by row, means nothing."""
    tables = f"""\
  - 编号: 份额
    标题: 份额
    列:
      - {{名称: 项目, 文本: 是}}
      - {operand}
      - {{名称: 份额, 单位: "%", 公式: {{占合计: 数}}}}
    行:
      - {{项目: 甲, 数: 1}}
"""
    assert problems(tables) == [("RG124", "表格“份额”“份额”")]


def test_a_total_that_must_equal_a_figure_is_the_total_row_s_sum_even_when_not_shown() -> None:
    """Without a 合计行 the check adds the same contributions: a group's own value, not its rows'."""
    figures = "指标:\n  人数总计: {名称: 人数总计, 数值: 1500, 单位: 人}\n"
    tables = """\
  - 编号: 分组合计
    标题: 分组合计
    列:
      - {名称: 项目, 文本: 是}
      - {名称: 人数, 单位: 人}
      - {名称: 比例, 单位: "%", 公式: {占合计: 人数}}
    分组列: [项目]
    行:
      - 分组: 特困
        人数: 1200
        行:
          - {项目: 集中供养, 人数: 400}
          - {项目: 分散供养, 人数: 700}
      - {项目: 低保, 人数: 300}
    合计应等于: {人数: {指标: 人数总计}}
"""
    assert ("RG215", "表格“分组合计”合计行“人数”") not in codes(computed(tables, figures))
    assert ("RG126", "表格“分组合计”“比例”") in problems(tables.replace("{人数: {指标", "{比例: {指标"))


def test_scores_in_fen_take_decimals_add_up_and_never_meet_money() -> None:
    """分 (points of a 绩效自评表) is its own family: decimals allowed (19.5分, not a count), summed in the
    合计, and a 求和 of 分 with 元 is refused as any mix of families is (RG124)."""
    scores = table_of(
        """
  - 编号: 评分
    标题: 评分
    列:
      - {名称: 项目, 文本: 是}
      - {名称: 分值, 单位: 分, 小数位: 1}
      - {名称: 得分, 单位: 分, 小数位: 1}
    行:
      - {项目: 甲, 分值: 20, 得分: 19.5}
      - {项目: 乙, 分值: 10, 得分: 7.25}
    合计行: 是
"""
    )
    assert column(scores, "得分", TOTAL) == [Decimal("26.75")]
    assert ("RG124", "表格“混合”“和”") in problems(
        """
  - 编号: 混合
    标题: 混合
    列:
      - {名称: 分值, 单位: 分}
      - {名称: 金额, 单位: 元}
      - {名称: 和, 单位: 分, 公式: {求和: [分值, 金额]}}
    行:
      - {分值: 1, 金额: 2}
"""
    )


def test_rates_that_print_alike_share_a_rank() -> None:
    # 20/21 = 95.2381 % and 40/42.0004 = 95.2372 % both print 95.24 %: a reader sees a tie, so the
    # table says one (ranking the unrounded rates would put a visibly equal row second)
    table = table_of(
        """\
  - 编号: 并列
    标题: 并列表
    列:
      - {名称: 名称, 文本: 是}
      - {名称: 计划, 单位: 万元}
      - {名称: 支出, 单位: 万元}
      - {名称: 执行率, 单位: "%", 公式: {商: [支出, 计划]}}
      - {名称: 名次, 公式: {排名: 执行率}}
    行:
      - {名称: 甲, 计划: 21, 支出: 20}
      - {名称: 乙, 计划: 42.0004, 支出: 40}
      - {名称: 丙, 计划: 10, 支出: 9}
"""
    )
    rates = column(table, "执行率")
    assert rates[0] != rates[1]
    assert [round(r, 2) for r in rates[:2] if r is not None] == [Decimal("95.24")] * 2
    assert column(table, "名次") == [1, 1, 3]


# -- a count column whose formula gives a fraction -----------------------------------------------------
AVERAGES = """\
  - 编号: 户均
    标题: 户均人数
    列:
      - {名称: 乡镇, 文本: 是}
      - {名称: 人数, 单位: 人}
      - {名称: 户数, 单位: 户}
      - {名称: 户均, 单位: 人, 公式: {商: [人数, 户数]}}
      - {名称: 一半, 单位: 人, 公式: {乘: [人数, {数值: 50, 单位: "%"}]}}
      - {名称: 两倍, 单位: 人, 公式: {乘: [人数, {数值: 200, 单位: "%"}]}}
    行:
      - {乡镇: 甲镇, 人数: 263, 户数: 100}
      - {乡镇: 乙镇, 人数: 7, 户数: 2}
      - {乡镇: 丙镇, 人数: 8, 户数: 2}
    合计行: 是
"""


def test_a_count_column_computed_to_a_fraction_is_rg218_naming_its_cells() -> None:
    """户均人数 2.63 in a column of 人 printed “3”, 131.5 人 printed “132”: rounded as if counts, silently."""
    report = computed(AVERAGES)
    found = [f for f in findings(report) if f.code == "RG218"]
    assert [(f.problem.place, f.severity) for f in found] == [
        ("表格“户均人数”“户均”", Severity.WARNING),
        ("表格“户均人数”“一半”", Severity.WARNING),
    ]  # 两倍 is whole everywhere: no finding
    assert "第1行 2.63 印作 3人、第2行 3.5 印作 4人、合计行 2.6731 印作 3人" in found[0].problem.message
    assert "第1行 131.5 印作 132人、第2行 3.5 印作 4人" in found[1].problem.message


def test_a_quotient_in_a_count_unit_may_show_decimals() -> None:
    """RG218's fix: 小数位 on a 商 or 乘 column (an average, not a count); a typed one stays whole."""
    shown = AVERAGES.replace("{名称: 户均, 单位: 人,", "{名称: 户均, 单位: 人, 小数位: 2,")
    report = computed(shown)
    assert [f.problem.place for f in findings(report) if f.code == "RG218"] == ["表格“户均人数”“一半”"]
    assert column(report.tables[0], "户均")[:2] == [Decimal("2.63"), Decimal("3.5")]
    body = "正文: [{标题: 一, 段落: [见附表。]}]\n"
    text = reportgen.loads(HEAD + body + "表格:\n" + shown, "t.yaml").to_bytes("md").decode()
    assert "| 甲镇 | 263 | 100 | 2.63 |" in text and "| 乙镇 | 7 | 2 | 3.50 |" in text
    typed = AVERAGES.replace("{名称: 人数, 单位: 人}", "{名称: 人数, 单位: 人, 小数位: 1}")
    assert ("RG123", "表格“户均人数”“人数”") in problems(typed)
