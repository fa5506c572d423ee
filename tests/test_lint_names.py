"""RG207 and digits that belong to a name (issue 13, defect 11).

民生100工程, 20件民生实事, 60岁老兵 and an accounting voucher number are names and identifiers, not
figures of the ledger: RG207 stays silent inside quotation and title marks (“” ‘’ 《》 〈〉 「」 『』
【】 "…"), and a ledger lists the rest under ``专有名称`` (YAML list, or one 基本信息 row each in the
Excel ledger).  A figure typed as text beside them (发放资金3.5万元) is still flagged.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

import reportgen
from reportgen import LedgerError
from reportgen.compute.narrative_lint import literal_numbers
from reportgen.ledger import parse_ledger
from reportgen.templating.sandbox import make_environment
from tests.conftest import yaml_quoted
from tests.test_excel_ledger import round_trip

ENV = make_environment()

HEAD = """\
标题: 民政局工作总结
落款: ××县民政局
成文日期: 2023-12-20
填报单位: ××县民政局
期间: {年度: 2023, 月份: 全年}
指标:
  资金: {名称: 发放资金, 数值: 3.5, 单位: 万元}
"""

# The four cases of defect 11, as a clerk writes them, and the name each one needs listed.
REPORTED = [
    ("实施民生100工程，惠及群众", "民生100工程"),
    ("全面完成20件民生实事", "20件民生实事"),
    ("走访慰问60岁老兵", "60岁老兵"),
    ("经核对会计凭证号2023-0456，账实相符", "会计凭证号2023-0456"),
]


def ledger_text(paragraph: str, names: list[str] | None = None) -> str:
    text = HEAD
    if names is not None:
        text += "专有名称: [" + ", ".join(yaml_quoted(n) for n in names) + "]\n"
    return text + f"正文:\n  - 标题: 基本情况\n    段落: [{yaml_quoted(paragraph)}]\n"


def rg207(paragraph: str, names: list[str] | None = None) -> list[str]:
    found = reportgen.loads(ledger_text(paragraph, names), "t.yaml").check()
    return [f.problem.message for f in found if f.code == "RG207"]


@pytest.mark.parametrize(
    "text",
    [
        "实施“民生100工程”",
        "全面完成‘20件民生实事’",
        "落实《社会救助12项措施》",
        "依据《GB/T 9704-2012》排版",
        "开展「60岁老兵」走访",
        "『12345』热线",
        "〈第33号〉公告",
        "【民生100工程】专栏",
        '实施"民生100工程"',
        "“{{ 资金 | 万元 }}”与“民生100工程”",  # a quote around an expression, another around a name
    ],
)
def test_digits_inside_quotation_or_title_marks_are_names(text: str) -> None:
    assert literal_numbers(ENV, text) == []


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("实施“民生100工程”，发放资金3.5万元", ["3.5"]),
        ("发放资金3.5万元", ["3.5"]),
        ("实施“民生100工程，发放资金3.5万元", ["100", "3.5"]),  # an unclosed quote quotes nothing
        ("实施民生100工程”", ["100"]),
    ],
)
def test_figures_outside_quotes_are_still_flagged(text: str, numbers: list[str]) -> None:
    assert literal_numbers(ENV, text) == numbers


@pytest.mark.parametrize(("paragraph", "name"), REPORTED)
def test_the_reported_names_are_flagged_until_listed(paragraph: str, name: str) -> None:
    assert rg207(paragraph) != []  # unquoted and unlisted, the digits may be a figure
    assert rg207(paragraph, [name]) == []
    assert rg207(paragraph + "，发放资金3.5万元", [name]) == ["文字中直接写入了数字 3.5"]


def test_all_four_listed_at_once() -> None:
    paragraph = "，".join(p for p, _ in REPORTED) + "。共发放资金3.5万元"
    assert rg207(paragraph, [n for _, n in REPORTED]) == ["文字中直接写入了数字 3.5"]


def test_a_name_exempts_only_itself() -> None:
    """Listing 民生100工程 does not exempt 100 elsewhere, nor the same digits in another word."""
    assert rg207("实施民生100工程，新增100人", ["民生100工程"]) == ["文字中直接写入了数字 100"]
    assert rg207("实施民生200工程", ["民生100工程"]) == ["文字中直接写入了数字 200"]


def test_names_apply_to_headings_and_the_whole_narrative() -> None:
    text = (
        HEAD
        + "专有名称: [民生100工程]\n导语: [实施民生100工程]\n"
        + "正文:\n  - 标题: 民生100工程\n    段落: [总体平稳。]\n"
    )
    assert [f.code for f in reportgen.loads(text, "t.yaml").check()] == []


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("[3.5万元]", [("RG105", "专有名称[1]")]),  # a figure is not a name
        ("[民生实事]", [("RG105", "专有名称[1]")]),  # no digit: nothing to exempt
        ("[民生100工程, 民生100工程]", [("RG111", "专有名称[2]")]),
        ("[100]", [("RG105", "专有名称[1]")]),
        ("民生100工程", []),  # one name alone
    ],
)
def test_listed_names_are_checked(names: str, expected: list[tuple[str, str]]) -> None:
    text = HEAD + f"专有名称: {names}\n正文:\n  - 标题: 基本情况\n    段落: [总体平稳。]\n"
    if not expected:
        parse_ledger(text, "t.yaml")
        return
    with pytest.raises(LedgerError) as caught:
        parse_ledger(text, "t.yaml")
    assert [(p.code, p.place) for p in caught.value.problems] == expected


def test_names_round_trip_through_excel() -> None:
    names = [n for _, n in REPORTED]
    trip = round_trip(ledger_text("总体平稳。", names).encode("utf-8"))
    assert "专有名称: [民生100工程, 20件民生实事, 60岁老兵, 会计凭证号2023-0456]" in trip.yaml
    sheet = openpyxl.load_workbook(io.BytesIO(trip.workbook))["基本信息"]
    rows = [(r[0], r[1]) for r in sheet.iter_rows(values_only=True) if r[0] == "专有名称"]
    assert rows == [("专有名称", n) for n in names]
    assert all(model.names == tuple(names) for model in trip.models)
