"""Figure-level checks and keys for the samples' reports (docs/kinds-research.md §5.2, issue 8).

- 分项 (RG208: a typed total that is not the exact sum of its breakdown), 其中 (RG209: parts larger
  than their whole; RG213: parts in a unit the whole cannot be compared with);
- 公布值 (RG210): the printed value of a derived figure against the computation over the rounding
  interval of the typed inputs, at the printed value's own precision;
- 商: a quotient with a unit (月人均保障水平 = 金额 ÷ 人次 in 元, 每千名老人床位 with 每: 1000);
- the filters 户人 (persons' own unit, a separator) and 期间.末月, the units 个月 条 批次 倍;
- RG207 leaves calendar expressions alone.

The cases are the published numbers of the reports behind samples/xinping-2023h1.yaml,
key-tasks-2020.yaml, yijiang-2019m10.yaml and linyou-2022.yaml; YAML and Excel ledgers alike.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reportgen
from reportgen import LedgerError, TemplateError
from reportgen.base.errors import Finding, Severity
from reportgen.base.units import unit
from reportgen.compute.bounds import Bounds
from reportgen.compute.figures import compute
from reportgen.compute.narrative_lint import literal_numbers
from reportgen.ledger import parse_ledger
from reportgen.ledger.excel.layout import FIGURES_SHEET
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.keys import FIGURE_KEYS, FIGURE_ORDER
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.model import Quantity
from reportgen.numbers import round_half_up, rounds_to
from reportgen.templating.sandbox import make_environment
from tests.conftest import yaml_quoted
from tests.test_excel_ledger import round_trip

HEAD = """\
标题: 测试
落款: 测试局
成文日期: 2023-07-21
填报单位: 测试局
期间: {年度: 2023, 月份: 上半年}
指标:
"""


def ledger_text(figures: str, paragraph: str = "总体平稳。") -> str:
    text = HEAD + "".join(f"  {line.strip()}\n" for line in figures.strip().splitlines())
    return text + f"正文:\n  - 标题: 基本情况\n    段落: [{yaml_quoted(paragraph)}]\n"


def findings(figures: str, name: str = "t.yaml") -> list[Finding]:
    return reportgen.loads(ledger_text(figures), name).check()


def found(figures: str, *codes: str) -> list[Finding]:
    return [f for f in findings(figures) if f.code in codes]


def say(figures: str, paragraph: str) -> str:
    """The rendered paragraph (Markdown, the heading's line dropped)."""
    text = reportgen.loads(ledger_text(figures, paragraph), "t.yaml").to_bytes("md").decode()
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return lines[0]


def problems(figures: str) -> list[tuple[str, str | None]]:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text(figures), "t.yaml")
    return [(p.code, p.place) for p in caught.value.problems]


# -- samples/linyou-2022.yaml: 分项 and 公布值 that do not agree ------------------------------------------

SEED_004 = """
农村特困户数: {名称: 在册农村特困供养人员户数, 数值: 392, 单位: 户, 分项: [集中供养户数, 分散供养户数]}
农村特困人数: {名称: 在册农村特困供养人员人数, 数值: 402, 单位: 人, 分项: [集中供养人数, 分散供养人数]}
集中供养户数: {名称: 集中供养特困人员户数, 数值: 222, 单位: 户}
集中供养人数: {名称: 集中供养特困人员人数, 数值: 227, 单位: 人}
分散供养户数: {名称: 分散供养特困人员户数, 数值: 171, 单位: 户}
分散供养人数: {名称: 分散供养特困人员人数, 数值: 175, 单位: 人}
集中供养率: {名称: 农村特困人员集中供养率, 比例: {分子: 集中供养人数, 分母: 农村特困人数}, 公布值: 60.09}
三类人员: {名称: “三类人员”, 数值: 1507, 单位: 名, 分项: [不稳定人口, 边缘人口, 突发人口]}
不稳定人口: {名称: 脱贫不稳定人口, 数值: 682, 单位: 名, 其中: [不稳定低保, 不稳定特困, 不稳定临救]}
边缘人口: {名称: 边缘易致贫人口, 数值: 634, 单位: 名, 其中: [边缘低保, 边缘特困, 边缘临救]}
突发人口: {名称: 突发严重困难人口, 数值: 161, 单位: 名, 其中: [突发低保, 突发特困, 突发孤儿]}
不稳定低保: {数值: 450, 单位: 人}
不稳定特困: {数值: 9, 单位: 人}
不稳定临救: {数值: 4, 单位: 人}
边缘低保: {数值: 343, 单位: 人}
边缘特困: {数值: 3, 单位: 人}
边缘临救: {数值: 8, 单位: 人}
突发低保: {数值: 142, 单位: 人}
突发特困: {数值: 1, 单位: 人}
突发孤儿: {数值: 1, 单位: 人}
不稳定兜底: {合计: [不稳定低保, 不稳定特困, 不稳定临救]}
边缘兜底: {合计: [边缘低保, 边缘特困, 边缘临救]}
突发兜底: {合计: [突发低保, 突发特困, 突发孤儿]}
纳入兜底: {名称: “三类人员”纳入兜底保障, 合计: [不稳定兜底, 边缘兜底, 突发兜底]}
兜底比例: {名称: 兜底保障比例, 比例: {分子: 纳入兜底, 分母: 三类人员}, 公布值: 63.77}
"""


def test_seed_004_findings_in_ledger_order() -> None:
    result = findings(SEED_004)
    # 402人 = 227 + 175 agrees; 961 ÷ 1507 = 63.769…% agrees with the printed 63.77
    assert [(f.code, f.severity, f.problem.place) for f in result] == [
        ("RG208", Severity.WARNING, "指标.农村特困户数.分项"),
        ("RG210", Severity.WARNING, "指标.集中供养率.公布值"),
        ("RG208", Severity.WARNING, "指标.三类人员.分项"),
    ]
    households, rate, groups = (f.problem.message for f in result)
    assert "222户 + 171户 = 393户" in households and "392户" in households and "多 1户" in households
    assert "60.09%" in rate and "56.47%" in rate and "227人" in rate and "402人" in rate
    assert "682名 + 634名 + 161名 = 1477名" in groups and "1507名" in groups and "少 30名" in groups


def test_a_breakdown_that_adds_up_is_silent() -> None:
    assert (
        found(
            """
        特困: {数值: 838, 单位: 人, 分项: [集中, 分散]}
        集中: {数值: 236, 单位: 人}
        分散: {数值: 602, 单位: 名}
        """,
            "RG208",
            "RG213",
        )
        == []
    )


def test_breakdowns_are_exact_across_units() -> None:
    figures = """
    金额: {数值: 1.00000001, 单位: 亿元, 分项: [甲, 乙]}
    甲: {数值: 0.5, 单位: 亿元}
    乙: {数值: 5000.0001, 单位: 万元}
    """
    assert found(figures, "RG208") == []
    off = found(figures.replace("5000.0001", "5000.00011"), "RG208")
    assert len(off) == 1 and "1.000000011亿元" in off[0].problem.message


# -- samples/linyou-2022.yaml's “三类人员” became 1477 ≠ 1507: the draft's numbers, corrected, are silent
def test_seed_004_persons_add_up() -> None:
    fixed = SEED_004.replace("数值: 392", "数值: 393").replace("数值: 1507", "数值: 1477")
    fixed = fixed.replace("公布值: 60.09", "公布值: 56.47").replace("公布值: 63.77", "公布值: 65.06")
    assert findings(fixed) == []


# -- 其中 ----------------------------------------------------------------------------------------------


def test_seed_001_parts_within_their_totals() -> None:
    figures = """
    城市低保人数: {名称: 城市最低生活保障对象人数, 数值: 1412, 单位: 人, 其中: [兜底城市低保人数]}
    脱贫户: {数值: 81, 单位: 名}
    不稳定户: {数值: 6, 单位: 名}
    边缘户: {数值: 9, 单位: 名}
    突发户: {数值: 4, 单位: 名}
    兜底城市低保人数: {合计: [脱贫户, 不稳定户, 边缘户, 突发户]}
    临时救助金: {名称: 临时救助支出, 数值: 125.96, 单位: 万元, 其中: [脱贫户临时救助金]}
    脱贫户临时救助金: {数值: 9.5, 单位: 万元}
    """
    assert findings(figures) == []
    # Read literally, 「5681名」 is 5681 persons, more than the 1412 of the whole: RG209.
    literal = found(figures.replace("数值: 81,", "数值: 5681,"), "RG209")
    assert [(f.code, f.severity, f.problem.place) for f in literal] == [
        ("RG209", Severity.WARNING, "指标.城市低保人数.其中")
    ]
    assert "5700名" in literal[0].problem.message and "1412人" in literal[0].problem.message


def test_several_parts_are_summed() -> None:
    result = found(
        """
        临时救助户数: {数值: 133, 单位: 户, 其中: [先行, 网上, 因灾]}
        先行: {数值: 100, 单位: 户}
        网上: {数值: 30, 单位: 户}
        因灾: {数值: 4, 单位: 户}
        """,
        "RG209",
    )
    assert len(result) == 1 and "100户 + 30户 + 4户 = 134户" in result[0].problem.message


def test_seed_002_parts_in_another_unit_cannot_be_checked() -> None:
    result = findings(
        """
        临时救助: {数值: 602, 单位: 人次, 其中: [因疫情户数]}
        因疫情户数: {数值: 74, 单位: 户}
        临时救助资金: {数值: 94.089, 单位: 万元, 其中: [因疫情资金]}
        因疫情资金: {数值: 5.98, 单位: 万元}
        """
    )
    assert [(f.code, f.severity, f.problem.place) for f in result] == [
        ("RG213", Severity.NOTICE, "指标.临时救助.其中")
    ]
    assert "74户" in result[0].problem.describe() and "602人次" in result[0].problem.describe()


def test_a_breakdown_with_a_part_in_another_unit_is_not_summed() -> None:
    result = findings(
        """
        总数: {数值: 10, 单位: 人, 分项: [甲, 乙]}
        甲: {数值: 3, 单位: 人}
        乙: {数值: 2, 单位: 户}
        """
    )
    assert [f.code for f in result] == ["RG213"]


# -- 公布值 over the rounding interval of the inputs ----------------------------------------------------

SEED_001 = """
城市低保人次: {名称: 城市低保累计发放人次, 数值: 8520, 单位: 人次}
城市低保金: {名称: 城市低保累计发放金额, 数值: 463.33, 单位: 万元}
城市月人均: {名称: 城市月人均保障水平, 商: {分子: 城市低保金, 分母: 城市低保人次}, 单位: 元, 公布值: 543.82}
农村低保人次: {名称: 农村低保累计发放人次, 数值: 45408, 单位: 人次}
农村低保金: {名称: 农村低保累计发放金额, 数值: 1804.03, 单位: 万元}
农村月人均: {名称: 农村月人均保障水平, 商: {分子: 农村低保金, 分母: 农村低保人次}, 单位: 元, 公布值: 397.29}
"""


def test_seed_001_published_average_is_consistent_and_the_computed_one_is_printed() -> None:
    assert findings(SEED_001) == []
    # 4 633 300 元 ÷ 8520 = 543.8087…: the report prints what the ledger gives, 543.81.
    assert say(SEED_001, "月人均保障水平{{ 城市月人均 | 元(2) }}、{{ 农村月人均 | 元(2) }}") == (
        "月人均保障水平543.81元、397.29元"
    )
    computed = compute(parse_ledger(ledger_text(SEED_001), "t.yaml"))
    bounds = computed.bounds["城市月人均"]
    assert bounds is not None
    # 463.33 万元 is 4 633 250 … 4 633 350 元; 8520 人次 is a count, exact.
    assert bounds.low <= Fraction(4633250, 8520) and bounds.high >= Fraction(4633350, 8520)
    assert round_half_up(bounds.low, 4) == D("543.8087") and round_half_up(bounds.high, 4) == D("543.8204")


def test_a_published_value_outside_the_interval() -> None:
    result = found(SEED_001.replace("公布值: 543.82", "公布值: 543.83"), "RG210")
    assert len(result) == 1
    message = result[0].problem.message
    assert (
        "543.83元" in message and "543.81元" in message and "463.33万元" in message and "8520人次" in message
    )
    assert "543.8087元～543.8204元" in message  # the interval, at two more decimals than printed


@pytest.mark.parametrize(
    ("published", "consistent"),
    [("30", True), ("30.3", True), ("30.31", True), ("30.30", False), ("30.4", False), ("31", False)],
)
def test_seed_003_share_at_the_published_precision(published: str, consistent: bool) -> None:
    """预警 5087户 of 16783户 = 30.3104…%: 「占比30%」 agrees at 0 decimals."""
    figures = f"""
    核对户数: {{数值: 16783, 单位: 户}}
    预警户数: {{数值: 5087, 单位: 户}}
    预警占比: {{名称: 预警户数占比, 比例: {{分子: 预警户数, 分母: 核对户数}}, 公布值: {published}}}
    """
    assert (found(figures, "RG210") == []) is consistent


def test_seed_002_beds_per_thousand() -> None:
    figures = """
    养老床位: {数值: 8125, 单位: 张}
    老年人口: {数值: 180155, 单位: 人}
    千人床位: {名称: 每千名老人床位数, 商: {分子: 养老床位, 分母: 老年人口, 每: 1000}, 单位: 张, 公布值: 45.1}
    """
    assert findings(figures) == []
    assert say(figures, "已达{{ 千人床位 | 张(1) }}") == "已达45.1张"
    result = found(figures.replace("公布值: 45.1", "公布值: 45.2"), "RG210")
    assert len(result) == 1 and "× 1000" in result[0].problem.message


def test_a_published_sum() -> None:
    figures = """
    甲: {数值: 1.24, 单位: 万元}
    乙: {数值: 2.24, 单位: 万元}
    合计金额: {合计: [甲, 乙], 公布值: 3.5}
    """
    # 3.48 ± 0.01 contains 3.485…3.49, which rounds to 3.5 at one decimal
    assert found(figures, "RG210") == []
    assert len(found(figures.replace("公布值: 3.5", "公布值: 3.4"), "RG210")) == 1


def test_a_published_ratio_without_denominator() -> None:
    result = found(
        """
        甲: {数值: 5, 单位: 人}
        乙: {数值: 0, 单位: 人}
        占比: {比例: {分子: 甲, 分母: 乙}, 公布值: 12.5}
        """,
        "RG210",
    )
    assert len(result) == 1 and "12.5%" in result[0].problem.message and "—" in result[0].problem.message


@pytest.mark.parametrize(
    ("published", "low", "high", "expected"),
    [
        ("30", "29.5", "29.5", True),  # 29.5 rounds half up to 30
        ("30", "30.5", "31", False),  # 30.5 rounds to 31
        ("30", "29", "29.4999", False),
        ("30", "10", "50", True),
        ("-30", "-30.5", "-30.5", False),  # half away from zero: −30.5 → −31
        ("-30", "-29.5", "-29.5", True),
        ("0", "-0.5", "-0.5", False),
        ("0", "-0.4999", "0.4999", True),
        ("0.00", "0.005", "1", False),
        ("543.82", "543.8087", "543.8204", True),
    ],
)
def test_rounds_to(published: str, low: str, high: str, expected: bool) -> None:
    assert rounds_to(D(published), D(low), D(high)) is expected


def test_written_bounds() -> None:
    def bounds(value: str, symbol: str) -> tuple[D, D]:
        found_unit = unit(symbol)
        assert found_unit is not None
        result = Bounds.written(Quantity(D(value), found_unit))
        return result.low, result.high

    assert bounds("463.33", "万元") == (D("463.325"), D("463.335"))
    assert bounds("463", "万元") == (D("462.5"), D("463.5"))
    assert bounds("8520", "人次") == (D(8520), D(8520))  # a count is exact
    assert bounds("45.1", "张") == (D("45.05"), D("45.15"))  # a rate typed in 张 is not
    assert bounds("30", "%") == (D("29.5"), D("30.5"))
    assert bounds("1.5", "倍") == (D("1.45"), D("1.55"))


# -- hypothesis: the interval holds every value the inputs could stand for ----------------------------

money = st.integers(0, 6).flatmap(lambda places: st.decimals(0, 10**9, places=places, allow_nan=False))
counts = st.integers(1, 10**6).map(D)


def fraction(value: D) -> Fraction:
    return Fraction(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    amount=money,
    amount_unit=st.sampled_from(["元", "万元", "亿元"]),
    times=counts,
    result_unit=st.sampled_from(["元", "万元"]),
    per=st.sampled_from([None, 1, 100, 1000]),
    other=money,
    position=st.fractions(0, 1),
)
def test_bounds_contain_every_value_the_inputs_stand_for(
    amount: D, amount_unit: str, times: D, result_unit: str, per: int | None, other: D, position: Fraction
) -> None:
    every = f", 每: {per}" if per is not None else ""
    figures = f"""
    金额: {{数值: {amount}, 单位: {amount_unit}}}
    另一金额: {{数值: {other}, 单位: 万元}}
    人次: {{数值: {times}, 单位: 人次}}
    人均: {{商: {{分子: 金额, 分母: 人次{every}}}, 单位: {result_unit}}}
    合计金额: {{合计: [金额, 另一金额]}}
    占比: {{比例: {{分子: 金额, 分母: 合计金额}}}}
    """
    computed = compute(parse_ledger(ledger_text(figures), "t.yaml"))
    factor = {"元": 1, "万元": 10**4, "亿元": 10**8}

    def half(value: D) -> Fraction:
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)
        return Fraction(5, 1) * Fraction(10) ** (exponent - 1)

    # any true amounts the typed ones may stand for: the written value, or a point in its rounding
    true_amount = fraction(amount) - half(amount) + 2 * half(amount) * position
    true_other = fraction(other) + half(other) * (1 - 2 * position)
    for true_a, true_o in ((fraction(amount), fraction(other)), (true_amount, true_other)):
        in_yuan = true_a * factor[amount_unit]
        expected = {
            "人均": in_yuan / factor[result_unit] * (per or 1) / fraction(times),
            "合计金额": true_a * factor[amount_unit] / factor["万元"] + true_o
            if amount_unit != "万元"
            else true_a + true_o,
        }
        total_yuan = in_yuan + true_o * factor["万元"]
        if total_yuan:
            expected["占比"] = in_yuan / total_yuan * 100
        for figure_id, exact in expected.items():
            bounds = computed.bounds[figure_id]
            if bounds is None:  # a denominator that may be 0 within its rounding
                continue
            if figure_id == "合计金额":  # the 合计 is in its first part's unit
                exact = exact * factor["万元"] / factor[amount_unit] if amount_unit != "万元" else exact
            assert fraction(bounds.low) <= exact <= fraction(bounds.high), figure_id


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    amount=st.integers(1, 10**8).map(lambda n: D(n) / 100),  # an amount known to the 元 (2 decimals of 元)
    times=counts,
    printed=st.integers(0, 2),
    shown=st.integers(0, 4),
)
def test_a_correctly_rounded_publication_is_never_a_finding(
    amount: D, times: D, printed: int, shown: int
) -> None:
    """The source knew the exact amount (in 元) and printed it rounded in 万元, and the average rounded
    to ``shown`` decimals: whatever the digits, check agrees with it."""
    typed = round_half_up(amount / 10_000, printed + 2)  # 万元 to ``printed + 2`` decimals
    average = round_half_up(amount / times, shown)
    figures = f"""
    金额: {{数值: {typed}, 单位: 万元}}
    人次: {{数值: {times}, 单位: 人次}}
    人均: {{商: {{分子: 金额, 分母: 人次}}, 单位: 元, 公布值: {average}}}
    """
    assert found(figures, "RG210") == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.decimals(0, 10**6, places=2, allow_nan=False), min_size=1, max_size=4),
    total=st.decimals(0, 10**6, places=2, allow_nan=False),
    use_sum=st.booleans(),
)
def test_rg208_iff_the_sum_differs(parts: list[D], total: D, use_sum: bool) -> None:
    exact = sum(parts, D(0))
    total = exact if use_sum else total
    ids = [f"分{i}" for i in range(len(parts))]
    lines = [f"总数: {{数值: {total}, 单位: 万元, 分项: [{', '.join(ids)}]}}"]
    lines += [f"{i}: {{数值: {p}, 单位: 万元}}" for i, p in zip(ids, parts, strict=True)]
    assert bool(found("\n".join(lines), "RG208")) is (exact != total)


# -- 商 ------------------------------------------------------------------------------------------------


def test_quotient_zero_denominator_and_baselines() -> None:
    figures = """
    金额: {数值: 12, 单位: 万元, 上年同期: 10}
    人次: {数值: 100, 单位: 人次, 上年同期: 0}
    人均: {商: {分子: 金额, 分母: 人次}, 单位: 元}
    户数: {数值: 0, 单位: 户}
    户均: {商: {分子: 金额, 分母: 户数}, 单位: 元}
    """
    assert say(figures, "{{ 人均 | 元 }}，{{ 户均 | 元 }}，{{ 人均 | 同比 }}") == "1200元，—，—"
    # the earlier value is computed from the parts' earlier values: 10万元 ÷ 0 → no base → “—”
    report = compute(parse_ledger(ledger_text(figures), "t.yaml"))
    assert report.baselines["上年同期"].values["人均"] is None
    assert say(figures.replace("上年同期: 0", "上年同期: 125"), "{{ 人均 | 同比 }}") == "增长50.0%"


def test_quotient_baseline_missing_names_the_part() -> None:
    figures = """
    金额: {数值: 12, 单位: 万元, 上年同期: 10}
    人次: {数值: 100, 单位: 人次}
    人均: {商: {分子: 金额, 分母: 人次}, 单位: 元}
    """
    with pytest.raises(TemplateError) as caught:
        say(figures, "{{ 人均 | 同比 }}")
    assert "人次" in str(caught.value) and "上年同期" in str(caught.value)


def test_quotient_units() -> None:
    with pytest.raises(LedgerError) as caught:
        compute(
            parse_ledger(
                ledger_text(
                    """
                    人数: {数值: 5, 单位: 人}
                    人次: {数值: 100, 单位: 人次}
                    人均: {商: {分子: 人数, 分母: 人次}, 单位: 元}
                    """
                ),
                "t.yaml",
            )
        )
    assert caught.value.code == "RG113" and "元" in str(caught.value)


ONE = "甲: {数值: 1, 单位: 人}\n"


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        # 分项 only on a typed total; 公布值 only on a derived figure
        (ONE + "乙: {合计: [甲, 甲], 分项: [甲]}", [("RG103", "指标.乙.分项")]),
        ("甲: {数值: 1, 单位: 人, 公布值: 1}", [("RG103", "指标.甲.公布值")]),
        # 商 needs its unit, both operands, and a positive 每
        (ONE + "乙: {商: {分子: 甲, 分母: 甲}}", [("RG104", "指标.乙.单位")]),
        (ONE + "乙: {商: {分子: 甲}, 单位: 人}", [("RG104", "指标.乙.商.分母")]),
        (ONE + "乙: {商: {分子: 甲, 分母: 甲, 每: 0}, 单位: 人}", [("RG106", "指标.乙.商.每")]),
        (ONE + "乙: {商: {分子: 甲, 分母: 甲, 每: -1}, 单位: 人}", [("RG108", "指标.乙.商.每")]),
        (ONE + "乙: {商: {分子: 甲, 分母: 甲, 除: 1}, 单位: 人}", [("RG103", "指标.乙.商.除")]),
        (ONE + "乙: {商: {分子: 甲, 分母: 丙}, 单位: 人}", [("RG112", "指标.乙.商.分母")]),
        # the lists: known ids, not the figure itself, each once, at least one
        ("甲: {数值: 1, 单位: 人, 分项: [乙]}", [("RG112", "指标.甲.分项[1]")]),
        ("甲: {数值: 1, 单位: 人, 其中: [甲]}", [("RG112", "指标.甲.其中[1]")]),
        ("甲: {数值: 1, 单位: 人, 其中: [乙, 乙]}\n乙: {数值: 1, 单位: 人}", [("RG111", "指标.甲.其中[2]")]),
        ("甲: {数值: 1, 单位: 人, 其中: []}", [("RG104", "指标.甲.其中")]),
        ("甲: {数值: 1, 单位: 人, 其中: 乙}\n乙: {数值: 1, 单位: 人}", [("RG105", "指标.甲.其中")]),
        ("甲: {数值: 1, 单位: 人, 合计: [甲, 甲]}", [("RG104", "指标.甲")]),
        (ONE + "乙: {合计: [甲, 甲], 公布值: 大约}", [("RG106", "指标.乙.公布值")]),
    ],
)
def test_schema_problems(figures: str, expected: list[tuple[str, str]]) -> None:
    assert problems(figures) == expected


def test_every_problem_at_once() -> None:
    result = problems(
        """
        甲: {数值: 1, 单位: 人, 公布值: 1, 分项: [未知]}
        乙: {商: {分子: 甲, 分母: 甲, 每: 0}}
        """
    )
    assert sorted(code for code, _ in result) == ["RG103", "RG104", "RG106", "RG112"]


BASES = """
城市: {数值: 10, 单位: 人, 口径: 时点}
农村: {数值: 20, 单位: 人, 口径: 累计}
未说: {数值: 20, 单位: 人}
计划: {数值: 50, 单位: 人, 口径: 计划, 其中: [城市]}
总数: {数值: 30, 单位: 人, 口径: 时点, 分项: [城市, 未说]}
"""


def test_bases_are_not_mixed() -> None:
    result = findings(BASES + "混合: {合计: [城市, 农村]}\n合计一致: {合计: [城市, 未说]}")
    assert [(f.code, f.severity, f.problem.place) for f in result] == [
        ("RG212", Severity.WARNING, "指标.计划.其中"),
        ("RG212", Severity.WARNING, "指标.混合.合计"),
    ]
    assert "本指标是计划，“城市”是时点" in result[0].problem.message
    assert "“城市”是时点，“农村”是累计" in result[1].problem.message


def test_a_sum_has_its_parts_basis() -> None:
    """城市 + 未说 is 时点 (the one said); as a 分项 of a 累计 total it is of another 口径."""
    result = findings(
        BASES + "合计一致: {合计: [城市, 未说]}\n累计总数: {数值: 30, 单位: 人, 口径: 累计, 分项: [合计一致]}"
    )
    assert [(f.code, f.problem.place) for f in result] == [
        ("RG212", "指标.计划.其中"),
        ("RG212", "指标.累计总数.分项"),
    ]


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ("甲: {数值: 1, 单位: 人, 口径: 期末}", [("RG105", "指标.甲.口径")]),
        (ONE + "乙: {合计: [甲, 甲], 口径: 时点}", [("RG103", "指标.乙.口径")]),
    ],
)
def test_basis_problems(figures: str, expected: list[tuple[str, str]]) -> None:
    assert problems(figures) == expected


def test_multiples_are_not_added() -> None:
    with pytest.raises(LedgerError) as caught:
        compute(
            parse_ledger(
                ledger_text("甲: {数值: 1.5, 单位: 倍}\n乙: {数值: 2, 单位: 倍}\n丙: {合计: [甲, 乙]}"),
                "t.yaml",
            )
        )
    assert caught.value.code == "RG113" and "倍" in str(caught.value)


# -- filters and units ---------------------------------------------------------------------------------

PAIRS = """
低保户数: {数值: 3387, 单位: 户}
低保人数: {数值: 4776, 单位: 人}
脱贫户户数: {数值: 56, 单位: 户}
脱贫户人数: {数值: 81, 单位: 名}
渐退: {数值: 12, 单位: 个月}
报送: {数值: 1868, 单位: 条}
批次: {数值: 20, 单位: 批次}
倍数: {数值: 1.5, 单位: 倍}
"""


@pytest.mark.parametrize(
    ("template", "text"),
    [
        ("{{ 低保户数 | 户人(低保人数) }}", "3387户4776人"),
        ("{{ 低保户数 | 户人(低保人数, '、') }}", "3387户、4776人"),
        ("{{ 脱贫户户数 | 户人(脱贫户人数) }}", "56户81名"),
        ("截至{{ 期间.年度 }}{{ 期间.末月 }}", "截至2023年6月"),
        ("截至{{ 期间.末月 }}底", "截至6月底"),
        ("延长低保{{ 渐退 | 个月 }}", "延长低保12个月"),
        ("{{ 报送 | 条 }}，{{ 批次 | 批次 }}，{{ 倍数 | 倍 }}", "1868条，20批次，1.5倍"),
    ],
)
def test_filters(template: str, text: str) -> None:
    assert say(PAIRS, template) == text


@pytest.mark.parametrize(
    "template",
    [
        "{{ 低保户数 | 户人(低保人数, 1) }}",  # the separator is text
        "{{ 低保户数 | 户人(低保人数, '，并且有') }}",  # a separator, not a sentence
        "{{ 渐退 | 个 }}",  # 个月 is not 个
        "{{ 批次 | 批 }}",
    ],
)
def test_filter_misuse(template: str) -> None:
    with pytest.raises(TemplateError) as caught:
        say(PAIRS, template)
    assert caught.value.code == "RG303"


# -- RG207 leaves dates alone --------------------------------------------------------------------------

ENV = make_environment()


@pytest.mark.parametrize(
    "text",
    [
        "2018年起，我县低保标准城乡统筹",
        "由2019年的标准提高",
        "7月起",
        "1月、4月至8月",
        "2018年10月12日全省推进会",
        "6月底前完成",
        "截至10月底",
        "10月份、6月末、3月初",
        "2019年1—10月份",
        "2018—2020年",
        "每月5号发放",
        "{{ 期间.年度 }}6月",
    ],
)
def test_calendar_expressions_are_not_figures(text: str) -> None:
    assert literal_numbers(ENV, text) == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("共新增低保对象973人", ["973"]),
        ("延长低保12个月", ["12"]),
        ("延长3年", ["3"]),
        ("13月", ["13"]),
        ("2.5月", ["2.5"]),
        ("32日内办结", ["32"]),  # no month has a 32nd day
        ("2023年新增973人", ["973"]),
        ("36个无扶贫开发任务县区", ["36"]),
        ("20231年", ["20231"]),
    ],
)
def test_other_digits_are_still_flagged(text: str, numbers: list[str]) -> None:
    assert literal_numbers(ENV, text) == numbers


def test_rg207_in_a_ledger() -> None:
    result = reportgen.loads(ledger_text(PAIRS, "2023年6月底，共973人"), "t.yaml").check()
    assert [(f.code, f.problem.message) for f in result] == [("RG207", "文字中直接写入了数字 973")]


# -- Excel ledgers ------------------------------------------------------------------------------------


def test_workbook_round_trip_and_findings_name_cells() -> None:
    text = ledger_text(SEED_004 + SEED_001 + PAIRS + BASES)
    trip = round_trip(text.encode("utf-8"))
    report = reportgen.Report(trip.models[1])
    places = [(f.code, f.problem.place) for f in report.check()]
    columns = {c.header: chr(ord("A") + i) for i, c in enumerate(FIGURES_SHEET.columns)}
    assert places == [
        ("RG208", f"指标!{columns['分项']}2"),
        ("RG210", f"指标!{columns['公布值']}8"),
        ("RG208", f"指标!{columns['分项']}9"),
        ("RG212", f"指标!{columns['其中']}{2 + [f.id for f in report.ledger.figures].index('计划')}"),
    ]
    yaml_report = reportgen.Report(trip.models[0])
    assert [f.problem.message for f in report.check()] == [f.problem.message for f in yaml_report.check()]
    assert (
        "城市月人均: {名称: 城市月人均保障水平, 单位: 元, "
        "商: {分子: 城市低保金, 分母: 城市低保人次}, 公布值: 543.82}" in trip.yaml
    )


def test_a_workbook_made_before_the_new_columns_still_reads() -> None:
    raw = workbook_bytes(parse_yaml(ledger_text(PAIRS).encode("utf-8"), "a.yaml").data)  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book["指标"]
    added = [i + 1 for i, c in enumerate(FIGURES_SHEET.columns) if c.added]
    assert added and added == list(range(added[0], added[-1] + 1))  # at the end, older letters kept
    sheet.delete_cols(added[0], len(added))
    out = io.BytesIO()
    book.save(out)
    ledger = parse_ledger(out.getvalue(), "old.xlsx")
    assert [f.id for f in ledger.figures] == [
        f.id for f in parse_ledger(ledger_text(PAIRS), "a.yaml").figures
    ]


def test_yaml_key_order_covers_every_key() -> None:
    assert sorted(FIGURE_ORDER) == sorted(FIGURE_KEYS)


def test_the_drafts_figures_load() -> None:
    """The figures of docs/drafts/001, with the keys this issue adds, load and check clean."""
    path = Path(__file__).resolve().parent.parent / "docs" / "drafts" / "001-assistance-summary.yaml"
    lines = [line for line in path.read_text("utf-8").splitlines() if re.match(r"  \S+:\s+\{", line)]
    figures = "\n".join(line.split("#")[0] for line in lines)
    assert "口径: 时点" in figures and "商:" in figures and "其中:" in figures and "公布值:" in figures
    assert findings(figures) == []
