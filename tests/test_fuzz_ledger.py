"""Untrusted ledgers, fuzzed: whatever bytes arrive, reportgen gives a result or a ``ReportError``.

Three parts:

1. ``valid_ledgers``: ledgers built from the documented schema (docs/ledger.md) with random text,
   periods, figures in fitting units, narrative quoting them through fitting filters, and a 一览表 of
   1–20 projects.  They must load, check and render to every format, and the table's 合计 must be
   the exact sum of its rows, computed here independently of ``reportgen.compute.figures``.
2. ``broken_ledgers``: valid ledgers mutated (missing keys, wrong types, bad numbers, dates and
   periods, duplicate keys, tags, aliases, deep nesting, broken templates, filters on wrong units,
   tabs, other encodings, invalid UTF-8 …).  Loading, checking and rendering must end in a result
   or a ``ReportError`` with a registered code and a Chinese message naming the file, and never
   take longer than ``DEADLINE``.
3. ``NAMED_BAD_INPUTS``: one explicit case per bad input, with the outcome it produces (the table in
   the fuzzing note is this list).
"""

from __future__ import annotations

import contextlib
import datetime
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reportgen
from reportgen.base.errors import CODES
from reportgen.base.units import Family, known_units, unit
from reportgen.ledger.yaml.read import MAX_FILE_BYTES
from reportgen.model import STANDARD_BASES, TARGET_WORDS
from reportgen.numbers import DASH, format_number
from tests.conftest import yaml_quoted
from tests.test_messages import english_in

VALID_EXAMPLES = 150
BROKEN_EXAMPLES = 300
DEADLINE = datetime.timedelta(seconds=5)
FORMATS = ("md", "html", "docx", "xlsx")  # pdf needs LibreOffice; tests/test_pdf.py covers it
NAME = "fuzz.yaml"

FUZZ_SETTINGS = settings(
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

CHINESE = re.compile("[\u4e00-\u9fff]")


def run(data: bytes) -> reportgen.Report:
    """Load, check and render every format: the whole path untrusted bytes take."""
    report = reportgen.loads(data, NAME)
    report.check()
    for fmt in FORMATS:
        assert report.to_bytes(fmt)
    return report


def outcome(data: bytes) -> str:
    """``"ok"`` or the ``ReportError``'s code, after checking the error is a proper one."""
    try:
        run(data)
    except reportgen.ReportError as error:
        assert_proper(error)
        return error.code
    return "ok"


def assert_proper(error: reportgen.ReportError) -> None:
    """A registered code, and a Chinese message that says which file it is about."""
    assert error.code in CODES
    assert all(problem.code in CODES for problem in error.problems)
    text = str(error)
    assert text.strip() and CHINESE.search(text), repr(error)
    assert not english_in(text), text  # no library's English reaches the user
    # The .xlsx writer sees only the finished document, which does not know its ledger's file.
    if error.code != "RG403":
        assert NAME in text, text


# -- YAML text from Python values ------------------------------------------------------------------


class Raw(str):
    """Emitted verbatim: numbers as typed, dates, aliases, tags, anything a fuzzer wants to write."""


@dataclass
class Pairs:
    """A mapping that may repeat a key (``dict`` cannot), for duplicate-key cases."""

    items: list[tuple[str, object]]


quoted = yaml_quoted


def scalar(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, str)
    return quoted(value)


def nonempty_collection(value: object) -> bool:
    return (isinstance(value, dict | list) and bool(value)) or (
        isinstance(value, Pairs) and bool(value.items)
    )


def to_yaml(value: object, indent: int = 0) -> str:
    """Block-style YAML for dicts, ``Pairs`` and lists; empty collections in flow style."""
    pad = " " * indent
    if isinstance(value, dict | Pairs):
        items = list(value.items()) if isinstance(value, dict) else value.items
        if not items:
            return pad + "{}"
        lines = []
        for key, item in items:
            if nonempty_collection(item):
                lines.append(f"{pad}{quoted(key)}:\n{to_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{quoted(key)}: {to_yaml(item).lstrip()}")
        return "\n".join(lines)
    if isinstance(value, list):
        if not value:
            return pad + "[]"
        return "\n".join(f"{pad}- {to_yaml(item, indent + 2).lstrip()}" for item in value)
    return pad + scalar(value)


def emit(data: object) -> bytes:
    return (to_yaml(data) + "\n").encode("utf-8")


# -- valid ledgers ---------------------------------------------------------------------------------

MONEY = ("元", "万元", "亿元")
COUNT_UNITS = tuple(
    s for s in known_units() if (u := unit(s)) is not None and u.family not in (Family.MONEY, Family.PERCENT)
)
FACTOR = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
FUNDING_SOURCES = ("中央", "省级", "市级", "区县级", "乡镇级", "其他")
HANZI = "民政局低保特困供养临时救助残疾人补贴殡葬养老床位项目推进资金执行情况城乡居民服务中心街道社区乡镇村"
TEXT_ALPHABET = HANZI + "，。、；：“”（）《》—abcXYZ &<>|*_`#-+!?'\"\\"
NAME_WORDS = ("低保", "特困", "救助", "补贴", "养老", "床位", "殡葬", "资金", "人数", "户数", "对象", "服务")

text = st.text(st.sampled_from(TEXT_ALPHABET), min_size=1, max_size=24).filter(lambda t: t.strip() != "")
hanzi = st.text(st.sampled_from(HANZI), min_size=1, max_size=12)


def decimals(max_places: int = 10, max_value: int = 10**15 - 1) -> st.SearchStrategy[Decimal]:
    """Non-negative amounts as the ledger allows them: below 10^15, at most 10 decimals."""
    return st.integers(0, max_places).flatmap(
        lambda places: st.decimals(0, max_value, places=places, allow_nan=False, allow_infinity=False)
    )


def number(value: Decimal) -> st.SearchStrategy[object]:
    """A number as a ledger may write it: plain YAML, or a quoted numeric string."""
    plain = format(value, "f")
    return st.sampled_from([Raw(plain), plain])


@dataclass
class Fig:
    """What the test knows of a generated figure: its unit family and, for money, its value."""

    id: str
    kind: str  # money, count, percent, sum (of money), count-sum, ratio, quotient (money ÷ count)
    unit: str  # the unit filters must fit (a 合计 takes its first part's)
    value: Decimal | None = None  # exact value in ``unit`` (money and money 合计 only)


@dataclass
class ValidCase:
    data: dict[str, object]
    figures: list[Fig]
    amount_unit: str
    expected: dict[str, list[Decimal | None]] = field(default_factory=dict)


def in_unit(value: Decimal, source: str, target: str) -> Decimal:
    with localcontext() as context:
        context.prec = 200
        return value * FACTOR[source] / FACTOR[target]


def exact_total(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    with localcontext() as context:
        context.prec = 200
        return sum(present, Decimal(0)) if present else None


@st.composite
def period(draw: st.DrawFn) -> dict[str, object]:
    start = draw(st.integers(1, 12))
    end = draw(st.integers(start, 12))
    if start == end and draw(st.booleans()):
        months: object = draw(st.sampled_from([Raw(str(end)), f"{end}月", str(end)]))
    elif draw(st.integers(0, 4)) == 0:
        months = draw(
            st.sampled_from(["一季度", "二季度", "三季度", "四季度", "上半年", "下半年", "前三季度", "全年"])
        )
    else:
        dash = draw(st.sampled_from(["—", "-", "～", "至", "到", "－"]))
        months = f"{start}{dash}{end}"
    year = draw(st.integers(1949, 2200))
    return {"年度": draw(st.sampled_from([Raw(str(year)), year])), "月份": months}


def any_date() -> st.SearchStrategy[object]:
    return st.dates(datetime.date(1949, 1, 1), datetime.date(2200, 12, 31)).flatmap(
        lambda d: st.sampled_from([d, f"{d.year}年{d.month}月{d.day}日"])
    )


@st.composite
def figures(draw: st.DrawFn) -> tuple[dict[str, object], list[Fig]]:
    specs: dict[str, object] = {}
    figs: list[Fig] = []

    def new_id() -> str:
        return f"{draw(st.sampled_from(NAME_WORDS))}{len(specs) + 1}"

    for _ in range(draw(st.integers(1, 6))):
        figure_id, symbol = new_id(), draw(st.sampled_from(MONEY))
        value = draw(decimals())
        specs[figure_id] = {"名称": draw(hanzi), "数值": draw(number(value)), "单位": symbol}
        figs.append(Fig(figure_id, "money", symbol, value))
    for _ in range(draw(st.integers(0, 4))):
        figure_id, symbol = new_id(), draw(st.sampled_from(COUNT_UNITS))
        value = draw(decimals(max_places=draw(st.sampled_from([0, 0, 2]))))
        specs[figure_id] = {"名称": draw(hanzi), "数值": draw(number(value)), "单位": symbol}
        figs.append(Fig(figure_id, "count", symbol))
    for _ in range(draw(st.integers(0, 2))):
        figure_id = new_id()
        value = draw(decimals(max_places=2, max_value=100))
        specs[figure_id] = {"数值": draw(number(value)), "单位": draw(st.sampled_from(["%", "％"]))}
        figs.append(Fig(figure_id, "percent", "%"))
    money = [f for f in figs if f.kind == "money"]
    if len(money) >= 2 and draw(st.booleans()):
        parts = draw(
            st.lists(st.sampled_from(money), min_size=2, max_size=len(money), unique_by=lambda f: f.id)
        )
        figure_id, first = new_id(), parts[0].unit
        total = exact_total([in_unit(p.value, p.unit, first) for p in parts if p.value is not None])
        specs[figure_id] = {"名称": draw(hanzi), "合计": [p.id for p in parts]}
        figs.append(Fig(figure_id, "sum", first, total))
    counts = [f for f in figs if f.kind == "count"]
    # sorted: a set of str iterates in a per-process order, and hypothesis must replay examples
    for family in sorted({u.family_key for f in counts if (u := unit(f.unit)) is not None}):
        same = [f for f in counts if (u := unit(f.unit)) is not None and u.family_key == family]
        if len(same) >= 2 and family != Family.MULTIPLE.value and draw(st.booleans()):  # 倍 is never added
            figure_id = new_id()
            specs[figure_id] = {"合计": [f.id for f in same]}
            figs.append(Fig(figure_id, "count-sum", same[0].unit))
        if same and draw(st.booleans()):
            numerator, denominator = draw(st.sampled_from(same)), draw(st.sampled_from(same))
            figure_id = new_id()
            specs[figure_id] = {"比例": {"分子": numerator.id, "分母": denominator.id}, "说明": draw(hanzi)}
            figs.append(Fig(figure_id, "ratio", "%"))
    if counts and draw(st.booleans()):  # 商: money ÷ a count, in 元 or 万元, maybe per 1000
        figure_id, symbol = new_id(), draw(st.sampled_from(["元", "万元"]))
        quotient: dict[str, object] = {
            "分子": draw(st.sampled_from(money)).id,
            "分母": draw(st.sampled_from(counts)).id,
        }
        if draw(st.booleans()):
            quotient["每"] = draw(st.sampled_from([Raw("1000"), "100", Raw("0.5")]))
        specs[figure_id] = {"名称": draw(hanzi), "商": quotient, "单位": symbol}
        figs.append(Fig(figure_id, "quotient", symbol))
    # Checks only (分项, 其中, 公布值, 口径): findings may come, the ledger must load, render and convert.
    for fig in figs:
        spec = specs[fig.id]
        assert isinstance(spec, dict)
        others = [f.id for f in figs if f.id != fig.id]
        if fig.kind in ("money", "count") and others and draw(st.integers(0, 4)) == 0:
            spec["分项"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        if others and draw(st.integers(0, 4)) == 0:
            spec["其中"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        if fig.kind in ("money", "count") and draw(st.integers(0, 3)) == 0:
            spec["口径"] = draw(st.sampled_from(["时点", "累计", "计划"]))
        if fig.kind in ("sum", "count-sum", "ratio", "quotient") and draw(st.booleans()):
            spec["公布值"] = draw(number(draw(decimals(max_places=3, max_value=10**6))))
        # A standard (每, 调整前, 调整时间) and a 目标: the value is the 完成值, the status derived.
        if fig.kind in ("money", "count") and draw(st.integers(0, 3)) == 0:
            spec["每"] = draw(st.sampled_from(STANDARD_BASES))
            if draw(st.booleans()):
                spec["调整前"] = draw(number(draw(decimals(max_places=2, max_value=10**6))))
                if draw(st.booleans()):
                    spec["调整时间"] = draw(st.sampled_from(["7月", "2023年1月", "年初"]))
        if draw(st.integers(0, 3)) == 0:
            spec["目标"] = {draw(st.sampled_from(TARGET_WORDS)): draw(number(draw(decimals(max_places=2))))}
    for _ in range(draw(st.integers(0, 2))):  # only a 目标, nothing measured: not quoted by unit filters
        specs[new_id()] = {
            "名称": draw(hanzi),
            "目标": {
                draw(st.sampled_from(TARGET_WORDS)): draw(number(draw(decimals(max_places=1)))),
                "单位": "个",
            },
        }
    return specs, figs


def quote_filters(fig: Fig) -> list[str]:
    """Filters that fit the figure's unit, as docs/ledger.md lists them."""
    if fig.unit == "%":
        return ["百分比", "百分比(2)", "数"]
    if fig.unit in MONEY:
        filters = ["万元", "亿元", "元", "万元(2)", "元(0)", "数", "数(3)"]
        if fig.value is not None and in_unit(fig.value, fig.unit, "元") < 10**15:
            filters.append("大写")  # 大写 stops below 10^16 元
        return filters
    found = unit(fig.unit)
    assert found is not None
    same = [s for s in COUNT_UNITS if (u := unit(s)) is not None and u.compatible(found)]
    return [*same, "数"]


@st.composite
def paragraph(draw: st.DrawFn, figs: list[Fig]) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 5))):
        pieces.append(draw(text))
        choice = draw(st.integers(0, 9))
        if choice < 6 and figs:
            fig = draw(st.sampled_from(figs))
            pieces.append(f"{{{{ {fig.id} | {draw(st.sampled_from(quote_filters(fig)))} }}}}")
        elif choice < 8:
            pieces.append(
                draw(
                    st.sampled_from(
                        ["{{ 期间 }}", "{{ 期间.年月 }}", "{{ 期间.名称 }}", "{{ 期间.年度名称 }}"]
                    )
                )
            )
        elif choice == 8:
            pieces.append(
                draw(st.sampled_from(["{{ 期间.期末 }}", "{{ 成文日期 | 日期 }}", "{{ 填报单位 }}"]))
            )
        else:
            households = [f for f in figs if f.unit == "户"]
            persons = [f for f in figs if f.unit in ("人", "名")]
            if households and persons:
                h, p = draw(st.sampled_from(households)), draw(st.sampled_from(persons))
                pieces.append(f"{{{{ {h.id} | 户人({p.id}) }}}}")
            elif figs:
                pieces.append(f"{{{{ {draw(st.sampled_from(figs)).id}.名称 }}}}")
    return "".join(pieces)


@st.composite
def sections(draw: st.DrawFn, figs: list[Fig], level: int = 1) -> list[dict[str, object]]:
    out = []
    for _ in range(draw(st.integers(1, 3 if level == 1 else 2))):
        section: dict[str, object] = {"标题": draw(hanzi)}
        if draw(st.integers(0, 4)):
            section["段落"] = draw(st.lists(paragraph(figs), min_size=1, max_size=3))
        if level < 4 and draw(st.integers(0, 2)) == 0:
            section["小节"] = draw(sections(figs, level + 1))
        if draw(st.integers(0, 3)) == 0:
            section["接排"] = draw(st.sampled_from([True, False, "是", "否"]))
        out.append(section)
    return out


@st.composite
def money_field(draw: st.DrawFn, figs: list[Fig], display: str) -> tuple[object, Decimal]:
    """One money field of a project and its exact value in the table's unit."""
    linked = [f for f in figs if f.kind in ("money", "sum") and f.value is not None]
    form = draw(st.integers(0, 2 if linked else 1))
    if form == 0:
        value = draw(decimals())
        return draw(number(value)), value
    if form == 1:
        value, symbol = draw(decimals()), draw(st.sampled_from(MONEY))
        return {"数值": draw(number(value)), "单位": symbol}, in_unit(value, symbol, display)
    fig = draw(st.sampled_from(linked))
    assert fig.value is not None
    return {"指标": fig.id}, in_unit(fig.value, fig.unit, display)


@st.composite
def valid_ledgers(draw: st.DrawFn) -> ValidCase:
    specs, figs = draw(figures())
    display = draw(st.sampled_from(MONEY))
    data: dict[str, object] = {
        "标题": draw(hanzi)
        + draw(st.sampled_from(["", "{{ 期间.年月 }}", "{{ 期间.年度名称 }}"]))
        + "工作情况的报告",
        "落款": draw(hanzi),
        "成文日期": draw(any_date()),
        "填报单位": draw(text),
        "期间": draw(period()),
        "指标": specs,
    }
    if draw(st.booleans()):
        data["主送机关"] = draw(st.lists(hanzi, min_size=1, max_size=3))
    if draw(st.booleans()):
        data["导语"] = draw(st.one_of(paragraph(figs), st.lists(paragraph(figs), min_size=1, max_size=2)))
    data["正文"] = draw(sections(figs))
    if draw(st.booleans()):
        data["结语"] = draw(paragraph(figs))
    expected: dict[str, list[Decimal | None]] = {"计划安排资金": [], "下达预算": [], "实际拨付": []}
    projects = []
    counts = [f for f in figs if f.kind in ("count", "count-sum")]
    for _ in range(draw(st.integers(1, 20))):
        project: dict[str, object] = {
            "项目名称": draw(text),
            "目标任务": draw(text),
            "实施进度": draw(paragraph(figs)),
        }
        if draw(st.booleans()):
            target_unit = draw(st.sampled_from(COUNT_UNITS))
            project["目标"] = {"数值": draw(number(draw(decimals(max_places=0)))), "单位": target_unit}
            found = unit(target_unit)
            assert found is not None
            fitting = [f for f in counts if (u := unit(f.unit)) is not None and u.compatible(found)]
            if fitting and draw(st.booleans()):
                project["实际完成"] = {"指标": draw(st.sampled_from(fitting)).id}
            elif draw(st.booleans()):
                project["实际完成"] = {
                    "数值": draw(number(draw(decimals(max_places=2)))),
                    "单位": target_unit,
                }
        for key, values in expected.items():
            if draw(st.integers(0, 4)):
                written, value = draw(money_field(figs, display))
                project[key] = written
                values.append(value)
            else:
                values.append(None)
        if draw(st.booleans()):
            names = draw(st.lists(st.sampled_from(FUNDING_SOURCES), min_size=1, max_size=3, unique=True))
            project["资金来源"] = {n: draw(number(draw(decimals(max_places=4)))) for n in names}
        if draw(st.booleans()):
            project["责任单位"] = draw(text)
        if draw(st.booleans()):
            project["备注"] = draw(text)
        projects.append(project)
    table: dict[str, object] = {"金额单位": display, "项目": projects}
    if draw(st.booleans()):
        table["金额小数位"] = draw(st.integers(0, 6))
    if draw(st.booleans()):
        table["比例小数位"] = draw(st.integers(0, 4))
    if draw(st.booleans()):
        table["填表时间"] = draw(any_date())
    if draw(st.booleans()):
        table["填表单位"] = draw(text)
    if draw(st.booleans()):
        table["标题"] = draw(text)
    data["一览表"] = table
    targets = [figure_id for figure_id, spec in specs.items() if isinstance(spec, dict) and "目标" in spec]
    if targets and draw(st.booleans()):
        data["目标表"] = {"标题": draw(hanzi) + "目标任务完成情况表", "指标": draw(st.permutations(targets))}
    return ValidCase(data, figs, display, expected)


KEY_OF_COLUMN = {"计划安排资金": "plan", "下达预算": "budget", "实际拨付": "paid"}


@settings(FUZZ_SETTINGS, max_examples=VALID_EXAMPLES)
@given(valid_ledgers())
def test_valid_ledgers_render_and_add_up(case: ValidCase) -> None:
    report = run(emit(case.data))
    table = report.computed.table
    assert table is not None
    for key, values in case.expected.items():
        attribute = KEY_OF_COLUMN[key]
        assert [getattr(row, attribute) for row in table.rows] == values, key
        assert getattr(table, "total_" + attribute) == exact_total(values), key
    # The 合计 row shows that exact total, rounded once.
    shown = report.document.attachments[0].table
    columns = [c.key for c in shown.spec.columns]
    total_row = shown.rows[-1]
    assert total_row.is_total
    digits = table.table.amount_digits  # a missing total is stated ("—"), never a blank cell
    for key, values in case.expected.items():
        total = exact_total(values)
        cell = total_row.cells[columns.index(KEY_OF_COLUMN[key])]
        assert cell.text == (DASH if total is None else format_number(total, digits)), key
    # A 合计 figure is the exact sum of its parts.
    for fig in case.figures:
        if fig.kind == "sum":
            value = report.computed.values[fig.id]
            assert value is not None and value.value == fig.value and value.unit.symbol == fig.unit


# -- broken ledgers --------------------------------------------------------------------------------

NUMBER_STRINGS = (
    "NaN", "nan", ".nan", ".NaN", "Infinity", "-Infinity", ".inf", "-.inf", "-inf", "inf", "1e400",
    "1.0e+400", "-1.0e-400", "-0", "-0.0", "0.0e+999999999", "-0.0e+999999999", "0x1F", "0o17", "0b101",
    "1_000", "1_000.5", "1:30", "１２３", "１２.５", "12.3万", "18所", "1,234.5", "1，234", "10%", "½",
    "٣", "1e3", "1.5E+07", "+5", ".5", "5.", "1.2.3", "--1", "", " ", "~", "是", "yes", "on",
    str(10**30), str(10**15), str(10**15 - 1), "-" + str(10**30), "1" * 5000, "0.00000000001",
    "123456789012345.1234567891", "-3", "-0.0001",
)  # fmt: skip
WRONG_TYPES: tuple[object, ...] = (
    [],
    ["a", "b"],
    {},
    {"数值": 1},
    True,
    False,
    None,
    "文字",
    "",
    Raw("123"),
    Raw("1.5"),
    Raw("-7"),
    datetime.date(2024, 9, 23),
    Raw("2024-09-23 10:00:00"),
    [[["深"]]],
)
BAD_PERIODS = (
    "13",
    "10—9",
    "0",
    "0—3",
    "1—13",
    "12-1",
    "一季",
    "第五季度",
    "1——9",
    "9月份至3月份",
    Raw("1.5"),
)
BAD_DATES = (
    Raw("2024-02-30"),
    Raw("2023-13-01"),
    "2024年2月30日",
    "2024/09/23",
    Raw("2024-09-23T10:00:00"),
    "昨天",
)
BAD_TEMPLATES = (
    "{{ 期间 ",
    "{{ 期间 }",
    "{% if %}",
    "{% for x in 期间 %}",
    "{% endfor %}",
    "{{ | 万元 }}",
    "{{ 不存在的指标 | 万元 }}",
    "{{ 期间 | 没有这个过滤器 }}",
    "{{ 期间 + 期间 }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ 期间.__init__ }}",
    "{# 注释没有结束",
    "{{ 期间 | 万元 }}",
    "{{ 成文日期 | 百分比 }}",
    "{{ 填报单位 | 中文数字 }}",
    "{{ 期间 | 大写 }}",
    "{% for i in range(100000) %}x{% endfor %}",
    "{% for i in range(10000) %}{% for j in range(1000) %}{{ 填报单位 }}{% endfor %}{% endfor %}",
    "{{ 填报单位.ljust(100000000) }}",
    "{{ lipsum(100000) }}",
    "{% raw %}",
    "{{ 期间 | 数(1000000000) }}",
)
TAGS = (
    "!!python/object/apply:os.system",
    "!!python/name:os.system",
    "!!python/object:object",
    "!!binary",
    "!!set",
    "!!omap",
    "!!pairs",
    "!!timestamp",
    "!!float",
    "!!int",
    "!!bool",
    "!!null",
    "!!str",
    "!!map",
    "!!seq",
    "!custom",
    "!<tag:example.com,2024:x>",
)
TAG_PAYLOADS = (
    '["touch /tmp/reportgen-fuzz-pwned"]',
    "aGVsbG8=",
    "{a, b}",
    "[a: 1]",
    "文字",
    "1.5",
    "2024-09-23",
)
TOP_LEVEL = ("", "文字", "- a\n- b", "42", "null", "[]", "{}", "---\n---", "...", "%YAML 1.1\n---\na: 1")
BOMB = "炸弹0: &a0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]\n" + "".join(
    f"炸弹{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
)

Place = tuple[str | int, ...]


def paths(value: object, at: Place = ()) -> list[Place]:
    """Every place in the tree (the root excluded)."""
    out: list[Place] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((*at, key))
            out.extend(paths(item, (*at, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((*at, index))
            out.extend(paths(item, (*at, index)))
    return out


def parent(data: object, at: Place) -> object:
    for part in at[:-1]:
        data = data[part]
    return data


def value_at(data: object, at: Place) -> object:
    return parent(data, at)[at[-1]]


def put(data: object, at: Place, value: object) -> None:
    parent(data, at)[at[-1]] = value


def delete(data: object, at: Place) -> None:
    del parent(data, at)[at[-1]]


NARRATIVE_KEYS = {"标题", "导语", "段落", "结语", "实施进度", "目标任务"}
NUMBER_KEYS = ("数值", "计划安排资金", "下达预算", "实际拨付", "年度", "金额小数位", "比例小数位")


def is_number_place(at: Place) -> bool:
    return at[-1] in NUMBER_KEYS or (len(at) >= 2 and at[-2] == "资金来源")


def copy_tree(value: object) -> object:
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


REQUIRED = (
    "标题",
    "落款",
    "成文日期",
    "填报单位",
    "期间",
    "年度",
    "月份",
    "金额单位",
    "项目",
    "项目名称",
    "目标任务",
    "实施进度",
    "单位",
    "数值",
    "合计",
    "比例",
    "分子",
    "分母",
)


@st.composite
def tree_mutation(draw: st.DrawFn, data: dict[str, object]) -> str:
    """Change ``data`` in place; returns what was done (hypothesis shows it when a case fails)."""
    places = paths(data)
    kind = draw(
        st.sampled_from(
            [
                "delete-required", "delete-any", "wrong-type", "number-string", "negative", "period",
                "date", "unknown-key", "duplicate-key", "duplicate-figure", "template", "filter-unit",
                "reference", "tag", "alias", "long-string", "deep-list", "top-level",
            ]
        )
    )  # fmt: skip
    if kind == "delete-required":
        candidates = [p for p in places if p[-1] in REQUIRED]
        if not candidates:
            return kind
        at = draw(st.sampled_from(candidates))
        delete(data, at)
        return f"{kind} {at}"
    if kind == "delete-any":
        at = draw(st.sampled_from(places))
        delete(data, at)
        return f"{kind} {at}"
    if kind == "wrong-type":
        at = draw(st.sampled_from(places))
        put(data, at, copy_tree(draw(st.sampled_from(WRONG_TYPES))))
        return f"{kind} {at}"
    if kind in ("number-string", "negative"):
        candidates = [p for p in places if is_number_place(p)] or places
        at = draw(st.sampled_from(candidates))
        written = (
            draw(st.sampled_from(NUMBER_STRINGS))
            if kind == "number-string"
            else "-" + draw(st.sampled_from(["1", "200.5", "0.0000000001", str(10**14)]))
        )
        put(data, at, Raw(written) if draw(st.booleans()) else written)
        return f"{kind} {at} {written!r}"
    if kind == "period":
        with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier change removed 期间
            put(data, ("期间", "月份"), draw(st.sampled_from(BAD_PERIODS)))
        return kind
    if kind == "date":
        at = draw(st.sampled_from([("成文日期",), ("一览表", "填表时间")]))
        with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier change removed 一览表
            put(data, at, draw(st.sampled_from(BAD_DATES)))
        return f"{kind} {at}"
    if kind == "unknown-key":
        mappings = [()] + [p for p in places if isinstance(parent(data, (*p, "x")), dict)]
        at = draw(st.sampled_from(mappings))
        target = parent(data, (*at, "x"))
        assert isinstance(target, dict)
        target[draw(st.sampled_from(["标 题", "备考", "名 称", "x", "数值s", "项目名", "<<"]))] = "值"
        return f"{kind} {at}"
    if kind == "duplicate-key":
        mappings = [()] + [p for p in places if isinstance(parent(data, (*p, "x")), dict)]
        at = draw(st.sampled_from(mappings))
        target = parent(data, (*at, "x"))
        assert isinstance(target, dict)
        if not target:
            return kind
        items = list(target.items())
        doubled = Pairs([*items, draw(st.sampled_from(items))])
        if at:
            put(data, at, doubled)
        else:
            data.clear()
            data["__pairs__"] = doubled
        return f"{kind} {at}"
    if kind == "duplicate-figure":
        specs = data.get("指标")
        if isinstance(specs, dict) and specs:
            items = list(specs.items())
            data["指标"] = Pairs([*items, draw(st.sampled_from(items))])
        return kind
    if kind == "template":
        texts = [p for p in places if type(value_at(data, p)) is str]
        narrative = [p for p in texts if set(p) & NARRATIVE_KEYS]  # rendered as templates
        candidates = narrative if narrative and draw(st.integers(0, 3)) else texts
        if not candidates:
            return kind
        at = draw(st.sampled_from(candidates))
        put(data, at, str(value_at(data, at)) + draw(st.sampled_from(BAD_TEMPLATES)))
        return f"{kind} {at}"
    if kind == "filter-unit":
        specs = data.get("指标")
        ids = (list(specs) if isinstance(specs, dict) else []) or ["无"]
        figure_filter = draw(
            st.sampled_from(["万元", "人", "户", "百分比", "大写", "户人(无)", "张", "元(2)"])
        )
        data["结语"] = f"{{{{ {draw(st.sampled_from(ids))} | {figure_filter} }}}}"
        return f"{kind} {figure_filter}"
    if kind == "reference":
        specs = data.get("指标")
        if isinstance(specs, dict) and specs:
            first = next(iter(specs))
            specs[draw(st.sampled_from(["循环", "未知引用", "异类合计"]))] = draw(
                st.sampled_from(
                    [
                        {"合计": ["循环", first]},
                        {"合计": [first, "没有这个"]},
                        {"比例": {"分子": first, "分母": "没有这个"}},
                        {"合计": [first]},
                        {"合计": [first, first]},
                        {"比例": {"分子": first}},
                        {"数值": 1, "合计": [first, first]},
                    ]
                )
            )
        return kind
    if kind == "tag":
        at = draw(st.sampled_from(places))
        tag = draw(st.sampled_from(TAGS))
        payload = draw(st.sampled_from(TAG_PAYLOADS))
        put(data, at, Raw(f"{tag} {payload}"))
        return f"{kind} {at} {tag}"
    if kind == "alias":
        at = draw(st.sampled_from(places))
        style = draw(st.integers(0, 2))
        if style == 0:
            put(data, at, Raw("*undefined"))
        elif style == 1:
            put(data, at, Raw("&anchor " + quoted("长" * draw(st.integers(1, 100_000)))))
            for other in draw(st.lists(st.sampled_from(places), max_size=50)):
                with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier change moved it
                    put(data, other, Raw("*anchor"))
        else:
            data["__bomb__"] = Raw("BOMB")
        return f"{kind} {at} {style}"
    if kind == "long-string":
        at = draw(st.sampled_from(places))
        piece = draw(st.sampled_from(["长", "a", "&", "\n", "<w:t>", "{", "{{ ", "("]))
        # Unclosed "{{" runs are quadratic in templating (test_unclosed_braces_are_linear): kept short.
        length = draw(
            st.integers(10_000, 1_000_000)
            if piece.isalnum() or piece in "&\n<w:t>"
            else st.integers(1, 2_000)
        )
        put(data, at, piece * length)
        return f"{kind} {at}"
    if kind == "deep-list":
        at = draw(st.sampled_from(places))
        depth = draw(st.sampled_from([10, 63, 64, 65, 66, 100, 1_000, 50_000, 200_000]))
        put(data, at, Raw("[" * depth + "]" * depth))
        return f"{kind} {at} {depth}"
    replacement = draw(st.sampled_from(TOP_LEVEL))
    data.clear()
    data["__top__"] = Raw(replacement)
    return f"{kind} {replacement!r}"


def render_tree(data: dict[str, object]) -> bytes:
    if "__top__" in data:
        return (str(data["__top__"]) + "\n").encode("utf-8")
    if "__pairs__" in data:
        return emit(data["__pairs__"])
    bomb = data.pop("__bomb__", None)
    out = emit(data)
    return out + BOMB.encode("utf-8") if bomb else out


def with_tabs(raw: bytes, draw: st.DrawFn) -> bytes:
    lines = raw.split(b"\n")
    indented = [i for i, line in enumerate(lines) if line.startswith(b"  ")] or [0]
    for i in draw(st.lists(st.sampled_from(indented), min_size=1, max_size=3)):
        lines[i] = b"\t" + lines[i].lstrip(b" ")
    return b"\n".join(lines)


@st.composite
def byte_mutation(draw: st.DrawFn, raw: bytes) -> tuple[str, bytes]:
    kind = draw(
        st.sampled_from(
            ["tabs", "bom", "utf-16", "utf-16-le", "gbk", "gb18030", "big5", "invalid-utf8", "truncate",
             "control", "special-char", "crlf", "oversize"]
        )
    )  # fmt: skip
    text = raw.decode("utf-8", errors="replace")
    position = draw(st.integers(0, len(raw)))
    if kind == "tabs":
        return kind, with_tabs(raw, draw)
    if kind == "bom":
        return kind, b"\xef\xbb\xbf" + raw
    if kind in ("utf-16", "utf-16-le", "gbk", "gb18030", "big5"):
        return kind, text.encode(kind, errors="replace")
    if kind == "invalid-utf8":
        junk = draw(
            st.sampled_from(
                [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"]
            )
        )
        return kind, raw[:position] + junk + raw[position:]
    if kind == "truncate":
        return kind, raw[:position]
    if kind == "control":
        junk = draw(
            st.sampled_from(
                ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "\U0001f600"]
            )
        )
        return kind, raw[:position] + junk.encode("utf-8", errors="surrogatepass") + raw[position:]
    if kind == "special-char":
        junk = draw(
            st.sampled_from(
                [":", "[", "]", "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "#", "'", '"', "- ", "? "]
            )
        )
        return kind, raw[:position] + junk.encode() + raw[position:]
    if kind == "crlf":
        return kind, raw.replace(b"\n", b"\r\n")
    return kind, raw + b"#" * (MAX_FILE_BYTES + 1 - len(raw))


@st.composite
def broken_ledgers(draw: st.DrawFn) -> tuple[list[str], bytes]:
    case = draw(valid_ledgers())
    data = case.data
    done = []
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):  # mostly one: errors mask later ones
        if "__top__" in data or "__pairs__" in data or not paths(data):
            break
        done.append(draw(tree_mutation(data)))
    raw = render_tree(data)
    if not done or draw(st.integers(0, 5)) == 0:
        kind, raw = draw(byte_mutation(raw))
        done.append(kind)
    return done, raw


@settings(FUZZ_SETTINGS, max_examples=BROKEN_EXAMPLES)
@given(broken_ledgers())
def test_broken_ledgers_give_a_result_or_a_report_error(case: tuple[list[str], bytes]) -> None:
    done, raw = case
    for change in done:
        event("mutation: " + change.split()[0])
    event("outcome: " + outcome(raw))  # any other exception fails the test, as does exceeding DEADLINE
    assert not Path("/tmp/reportgen-fuzz-pwned").exists()


# -- each named bad input, explicitly --------------------------------------------------------------

BASE = """\
标题: 测试局关于{{ 期间.年月 }}工作情况的报告
落款: 测试局
成文日期: 2024-09-23
填报单位: 测试局
期间:
  年度: 2024
  月份: 1—9
指标:
  低保金:
    名称: 发放低保金
    数值: 100.5
    单位: 万元
  人数:
    数值: 973
    单位: 人
正文:
  - 标题: 基本情况
    段落:
      - "{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}，保障{{ 人数 | 人 }}。"
一览表:
  金额单位: 万元
  项目:
    - 项目名称: 低保
      目标任务: 应保尽保
      实施进度: 按月发放
      计划安排资金: 200
      下达预算: 150
      实际拨付: 100
"""


def edit(old: str, new: str, *more: str) -> Callable[[], bytes]:
    """BASE with ``old`` replaced by ``new`` (and each further pair in ``more``)."""
    changes = [(old, new), *zip(more[::2], more[1::2], strict=True)]

    def make() -> bytes:
        text = BASE
        for before, after in changes:
            assert before in text, before
            text = text.replace(before, after, 1)
        return text.encode("utf-8")

    return make


def raw_bytes(data: bytes | str) -> Callable[[], bytes]:
    return lambda: data if isinstance(data, bytes) else data.encode("utf-8")


VALUE = "    数值: 100.5"
PLAN = "      计划安排资金: 200"
PARAGRAPH = '      - "{{ 期间 }}，发放低保金{{ 低保金 | 万元 }}，保障{{ 人数 | 人 }}。"'


def value(written: str) -> Callable[[], bytes]:
    return edit(VALUE, f"    数值: {written}")


def plan(written: str) -> Callable[[], bytes]:
    return edit(PLAN, f"      计划安排资金: {written}")


def paragraph_text(template: str) -> Callable[[], bytes]:
    return edit(PARAGRAPH, f"      - {quoted(template)}")


def deep(depth: int) -> Callable[[], bytes]:
    return edit("落款: 测试局", "落款: " + "[" * depth + "]" * depth)


SECTIONS = "正文:\n  - 标题: 基本情况\n    段落:\n" + PARAGRAPH + "\n"
# Each paragraph repeats a 300-汉字 填报单位 10 000 times: 3 million characters, 20 of them.
LOOPS = edit(
    "填报单位: 测试局",
    "填报单位: " + "局" * 300,
    PARAGRAPH,
    "\n".join([f"      - {quoted('{% for i in range(10000) %}{{ 填报单位 }}{% endfor %}')}"] * 20),
)
STRING_BOMB = edit(
    "正文:\n",
    f'导语: &long "{"长" * 1_000_000}"\n结语: [{", ".join(["*long"] * 1000)}]\n正文:\n',
)

# (id, bytes, outcome): "ok" = loads, checks and renders every format.
NAMED_BAD_INPUTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("valid base", edit("", ""), "ok"),
    # numbers
    ("NaN", value("NaN"), "RG106"),
    (".nan", value(".nan"), "RG106"),
    ('"NaN" quoted', value('"NaN"'), "RG106"),
    ("Infinity", value("Infinity"), "RG106"),
    (".inf", value(".inf"), "RG106"),
    ("-inf", value("-inf"), "RG106"),
    ("-.inf", value("-.inf"), "RG106"),
    ("1e400", value("1e400"), "RG106"),
    ('"1e3" quoted', value('"1e3"'), "RG106"),
    ("1.0e+400", value("1.0e+400"), "RG106"),
    ("1.0e-400", value("1.0e-400"), "RG106"),
    ("-0 figure", value("-0"), "ok"),
    ("-0 money", plan("-0"), "ok"),
    ("-0.0e+999999999 money", plan("-0.0e+999999999"), "ok"),
    ("0x1F", value("0x1F"), "RG106"),
    ("0o17", value("0o17"), "RG106"),
    ("1:30 sexagesimal", value("1:30"), "RG106"),
    ("1_000", value("1_000"), "ok"),
    ('"1_000" quoted', value('"1_000"'), "RG106"),
    ("１２３ full-width", value("１２３"), "ok"),
    ("12.3万", value("12.3万"), "RG106"),
    ("18所", value("18所"), "RG106"),
    ("1,234.5", value("1,234.5"), "RG106"),
    (
        "1,234.5 in a flow mapping",
        edit("    数值: 100.5\n    单位: 万元", "    {数值: 1,234.5, 单位: 万元}"),
        "RG102",
    ),
    ("10**30", value(str(10**30)), "RG106"),
    ("10**15", value(str(10**15)), "RG106"),
    ("10**15 - 1", value(str(10**15 - 1)), "ok"),
    ("5000-digit integer", value("1" * 5000), "RG106"),
    ("5000-digit 年度", edit("  年度: 2024", "  年度: " + "2" * 5000), "RG106"),
    ("11 decimals", value("0.00000000001"), "RG106"),
    ("negative money", plan("-200"), "RG108"),
    ("negative figure", value("-5"), "ok"),
    ("number as a list", value("[1, 2]"), "RG106"),
    ("number as a mapping", plan("{a: 1}"), "RG103"),
    ("number as a bool", value("true"), "RG106"),
    ("number missing (null)", value("null"), "RG106"),
    # keys and types
    ("missing 落款", edit("落款: 测试局\n", ""), "RG104"),
    ("missing 单位", edit("    单位: 万元\n", ""), "RG104"),
    ("missing 项目名称", edit("    - 项目名称: 低保\n      目标任务", "    - 目标任务"), "RG104"),
    ("duplicate YAML key", edit("落款: 测试局\n", "落款: 测试局\n落款: 另一个局\n"), "RG103"),
    ("duplicate 指标 id", edit("  人数:\n", "  低保金:\n    数值: 1\n    单位: 元\n  人数:\n"), "RG103"),
    ("unknown key", edit("落款: 测试局", "落 款: 测试局"), "RG103"),
    ("正文 as text", edit(SECTIONS, "正文: 基本情况\n"), "RG105"),
    ("reserved 指标 id", edit("  人数:\n", "  期间:\n    数值: 1\n    单位: 人\n  人数:\n"), "RG111"),
    ("unknown reference", edit("  人数:\n", "  合计:\n    合计: [低保金, 没有]\n  人数:\n"), "RG112"),
    (
        "circular 合计",
        edit("  人数:\n", "  甲:\n    合计: [乙, 低保金]\n  乙:\n    合计: [甲, 低保金]\n  人数:\n"),
        "RG112",
    ),
    ("合计 of 万元 and 人", edit("  人数:\n", "  乱:\n    合计: [低保金, 人数]\n  人数:\n"), "RG113"),
    ("unknown unit", edit("    单位: 万元", "    单位: 公斤"), "RG107"),
    # periods and dates
    ("month 13", edit("月份: 1—9", "月份: 13"), "RG109"),
    ("months 10—9", edit("月份: 1—9", "月份: 10—9"), "RG109"),
    ("month 0", edit("月份: 1—9", "月份: 0"), "RG109"),
    ("2024-02-30", edit("成文日期: 2024-09-23", "成文日期: 2024-02-30"), "RG110"),
    ("2024年2月30日", edit("成文日期: 2024-09-23", "成文日期: 2024年2月30日"), "RG110"),
    ("date with a time", edit("成文日期: 2024-09-23", "成文日期: 2024-09-23 10:00:00"), "RG110"),
    ("date in a text field (备注)", edit(PLAN, PLAN + "\n      备注: 2024-09-30"), "ok"),
    # bytes and encodings
    ("tab indentation", edit("  年度: 2024", "\t年度: 2024"), "RG102"),
    ("UTF-8 BOM", lambda: b"\xef\xbb\xbf" + BASE.encode("utf-8"), "ok"),
    ("UTF-16 with BOM", lambda: BASE.encode("utf-16"), "RG101"),
    ("UTF-16-LE", lambda: BASE.encode("utf-16-le"), "RG101"),
    ("GBK", lambda: BASE.encode("gbk"), "RG101"),
    ("invalid UTF-8 byte", lambda: BASE.encode("utf-8") + b"\xff", "RG101"),
    ("truncated UTF-8 sequence", lambda: (BASE + "# 注").encode("utf-8")[:-1], "RG101"),
    ("NUL byte", lambda: BASE.encode("utf-8") + b"\x00", "RG102"),
    ("CRLF line ends", lambda: BASE.replace("\n", "\r\n").encode("utf-8"), "ok"),
    ("empty file", raw_bytes(b""), "RG104"),
    ("only a comment", raw_bytes("# 台账\n"), "RG104"),
    ("bare scalar", raw_bytes("台账"), "RG105"),
    ("bare number", raw_bytes("42"), "RG105"),
    ("bare list", raw_bytes("- 标题\n- 落款\n"), "RG105"),
    ("two documents", raw_bytes(BASE + "---\n" + BASE), "RG102"),
    # YAML features
    ("billion laughs", raw_bytes(BOMB), "RG114"),
    ("billion laughs inside a ledger", edit("正文:\n", BOMB + "正文:\n"), "RG114"),
    ("one long string aliased 1000 times", STRING_BOMB, "RG114"),
    ("alias to an undefined anchor", edit("落款: 测试局", "落款: *missing"), "RG102"),
    ("harmless alias", edit("落款: 测试局", "落款: &signer 测试局\n主送机关: [*signer]"), "ok"),
    (
        "merge key <<",
        edit("  人数:\n", "  甲: &first\n    数值: 1\n    单位: 人\n  乙:\n    <<: *first\n  人数:\n"),
        "RG105",
    ),
    (
        "!!python/object/apply:os.system",
        edit("落款: 测试局", '落款: !!python/object/apply:os.system ["touch /tmp/reportgen-pwned"]'),
        "RG105",
    ),
    ("!!python/name:os.system", edit("落款: 测试局", "落款: !!python/name:os.system ''"), "RG105"),
    ("!!binary", edit("落款: 测试局", "落款: !!binary aGVsbG8="), "RG105"),
    ("!!set", edit("落款: 测试局", "落款: !!set {a, b}"), "RG105"),
    ("!!omap", edit("落款: 测试局", "落款: !!omap [a: 1]"), "RG105"),
    ("local tag !x", edit("落款: 测试局", "落款: !x 测试局"), "RG105"),
    ("!!str on a number", value("!!str 100.5"), "ok"),
    ("very long string (1M 汉字)", edit("落款: 测试局", "落款: " + "长" * 1_000_000), "ok"),
    ("very long paragraph (2M chars)", paragraph_text("长" * 2_000_000), "ok"),
    ("nested lists, 64 deep", deep(64), "RG105"),
    ("nested lists, 100 deep", deep(100), "RG114"),
    ("nested lists, 100 000 deep (crashed libyaml)", deep(100_000), "RG114"),
    ("nested block sequences, 100 000 deep", edit("落款: 测试局", "落款:\n" + "- " * 100_000 + "x"), "RG114"),
    # narrative templates
    ("Jinja: unclosed {{", paragraph_text("发放低保金{{ 低保金 | 万元 "), "RG301"),
    ("Jinja: stray {% endfor %}", paragraph_text("{% endfor %}"), "RG301"),
    ("Jinja: unknown filter", paragraph_text("{{ 低保金 | 公斤 }}"), "RG301"),
    ("Jinja: undefined name", paragraph_text("{{ 低保资金 | 万元 }}"), "RG302"),
    ("filter: 万元 figure as 人", paragraph_text("{{ 低保金 | 人 }}"), "RG303"),
    ("filter: 人 figure as 万元", paragraph_text("{{ 人数 | 万元 }}"), "RG303"),
    ("filter: 万元 figure as 百分比", paragraph_text("{{ 低保金 | 百分比 }}"), "RG303"),
    ("filter: 户人 with 万元", paragraph_text("{{ 低保金 | 户人(人数) }}"), "RG303"),
    ("filter: 大写 of a 人 figure", paragraph_text("{{ 人数 | 大写 }}"), "RG303"),
    (
        "filter: 大写 of a negative amount",
        edit(VALUE, "    数值: -5", PARAGRAPH, "      - " + quoted("{{ 低保金 | 大写 }}")),
        "RG303",
    ),
    ("filter: 10^9 decimals", paragraph_text("{{ 低保金 | 数(1000000000) }}"), "RG303"),
    ("Jinja: arithmetic", paragraph_text("{{ 低保金 + 人数 }}"), "RG304"),
    ("Jinja: __class__", paragraph_text("{{ ''.__class__.__mro__ }}"), "RG304"),
    ("Jinja: range(10^8)", paragraph_text("{% for i in range(100000000) %}x{% endfor %}"), "RG306"),
    ("Jinja: loops writing 60 MB over 20 paragraphs", LOOPS, "RG306"),
    ("Jinja: 200 nested {", paragraph_text("{{ " + "{" * 200), "RG306"),
    ("Jinja: 300 nested (", paragraph_text("{{ " + "(" * 300 + "1" + ")" * 300 + " }}"), "RG306"),
    ("Jinja: 500 × not", paragraph_text("{{ " + "not " * 500 + "1 }}"), "RG306"),
    ("Jinja: 3000 chained filters", paragraph_text("{{ 期间" + " | string" * 3000 + " }}"), "RG306"),
    ("Jinja: 300 nested if", paragraph_text("{% if 1 %}" * 300 + "x" + "{% endif %}" * 300), "RG306"),
    (
        "Jinja: 200 nested for",
        paragraph_text("{% for i in range(1) %}" * 200 + "x" + "{% endfor %}" * 200),
        "RG306",
    ),
    ("Jinja: recursive macro", paragraph_text("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), "RG306"),
    ("Jinja: 20 nested ( (fine)", paragraph_text("{{ " + "(" * 20 + "期间" + ")" * 20 + " }}"), "ok"),
]


@pytest.mark.parametrize(
    ("make", "expected"), [(m, e) for _, m, e in NAMED_BAD_INPUTS], ids=[i for i, _, _ in NAMED_BAD_INPUTS]
)
def test_named_bad_input(make: Callable[[], bytes], expected: str) -> None:
    assert outcome(make()) == expected


def test_python_tags_build_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = BASE.replace("落款: 测试局", f'落款: !!python/object/apply:os.system ["touch {marker}"]')
    assert outcome(data.encode("utf-8")) == "RG105"
    assert not marker.exists()


def test_size_limit(tmp_path: Path) -> None:
    """A file over ``MAX_FILE_BYTES`` is refused before it is decoded or parsed; one at the limit is read."""
    at_limit = BASE.encode("utf-8") + b"#" * (MAX_FILE_BYTES - len(BASE.encode("utf-8")))
    assert len(at_limit) == MAX_FILE_BYTES
    assert outcome(at_limit) == "ok"
    over = at_limit + b"#"
    assert outcome(over) == "RG114"
    path = tmp_path / NAME
    path.write_bytes(over)
    with pytest.raises(reportgen.LedgerError) as error:
        reportgen.load(path)
    assert error.value.code == "RG114" and NAME in str(error.value)


@pytest.mark.parametrize("parser_limits", [True, False])
def test_deep_nesting_is_refused_on_both_paths(parser_limits: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Few nesting indicators: the walker refuses; many (the pre-scan runs where the parser has no
    depth limit of its own): refused all the same."""
    from reportgen.ledger.yaml import read

    monkeypatch.setattr(read, "_parser_limits_depth", lambda: parser_limits)
    padding = "# " + ":" * 2_000 + "\n"
    for prefix in ("", padding):
        assert (
            outcome((prefix + BASE.replace("落款: 测试局", "落款: " + "[" * 70 + "]" * 70)).encode())
            == "RG114"
        )
        assert outcome((prefix + BASE).encode()) == "ok"


def test_mixed_unit_totals_are_exact() -> None:
    """A 亿元 amount near 10^15 and a 元 amount with 10 decimals: the 合计 needs 34 digits."""
    data = BASE.replace("金额单位: 万元", "金额单位: 亿元").replace(
        PLAN, "      计划安排资金: {数值: 999999999999999, 单位: 亿元}"
    ) + (
        "    - 项目名称: 乙\n      目标任务: 甲\n      实施进度: 丙\n"
        "      计划安排资金: {数值: 0.0000000001, 单位: 元}\n"
    )
    table = run(data.encode("utf-8")).computed.table
    assert table is not None
    assert table.total_plan == Decimal("999999999999999.000000000000000001")


# -- found by fuzzing: unclosed braces, nested loops, string methods that multiply --------------


class TimeLimit(Exception):
    """Raised by ``time_limit`` when the code under it runs too long."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM: POSIX, main thread; the regex engine checks it)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeLimit(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_unclosed_braces_are_linear() -> None:
    with time_limit(3):
        assert outcome(paragraph_text("{" * 200_000)()) == "RG306"


def test_nested_loops_are_bounded() -> None:
    loops = "{% for i in range(10000) %}" * 3 + "{% endfor %}" * 3
    with time_limit(3):
        assert outcome(paragraph_text(loops)()) == "RG306"


def test_string_methods_cannot_exhaust_memory() -> None:
    bomb = "{{ 填报单位.replace('', 填报单位).replace('', 填报单位).replace('', 填报单位) }}"
    data = edit("填报单位: 测试局", "填报单位: " + "局" * 300, PARAGRAPH, "      - " + quoted(bomb))()
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "import reportgen\n"
        "try:\n"
        "    reportgen.loads(sys.stdin.buffer.read(), 'fuzz.yaml').check()\n"
        "except reportgen.ReportError as error:\n"
        "    print(error.code)\n"
        "except BaseException as error:\n"
        "    print(type(error).__name__)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], input=data, capture_output=True, timeout=120, check=False
    )
    assert result.stdout.decode().strip() in CODES, result.stdout + result.stderr


def test_the_pinned_parser_limits_depth_so_no_second_parse_is_needed() -> None:
    """libyaml in PyYAML ≥ 6.0.3 stops at its own depth limit: the pre-scan (a second parse, a sixth
    of reading a 1 000-row ledger) is skipped; a text past that limit is still RG114."""
    from reportgen.ledger.yaml import read

    assert read._parser_limits_depth()
    deep = BASE.replace("落款: 测试局", "落款: " + "[" * 1_200 + "]" * 1_200)
    assert outcome(deep.encode()) == "RG114"
