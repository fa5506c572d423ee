"""A ledger built in Python (``reportgen.from_data``): the YAML schema's coded problems, named by field
path; hostile values refused with a code, never a traceback; the same bytes as the same ledger's file."""

from __future__ import annotations

import contextlib
import copy
import datetime
import enum
import io
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document as WordDocument
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

import reportgen
from reportgen.base.errors import Problem
from reportgen.ledger import parse_ledger
from reportgen.ledger.yaml.read import MAX_DEPTH, MAX_NODES, parse_yaml, read_yaml
from tests.conftest import MINIMAL, ROOT, SAMPLES
from tests.test_messages import english_in

# every sample but the 汇总 tree: a ledger in memory has no folder of units to sum (RG130, by design)
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*.yaml") if "rollup" not in p.relative_to(SAMPLES).parts)
FORMATS = ("md", "html", "docx", "xlsx")


def minimal() -> dict[str, object]:
    """The tests' minimal ledger as the Python values a pipeline would build."""
    data = parse_yaml(MINIMAL.encode(), "t.yaml").data
    assert isinstance(data, dict)
    return data


def refused(data: object, name: str = "t.yaml") -> list[Problem]:
    with pytest.raises(reportgen.LedgerError) as caught:
        reportgen.from_data(data, name)  # type: ignore[arg-type]  # hostile values on purpose
    return list(caught.value.problems)


def codes(data: object) -> list[tuple[str, str | None]]:
    return [(p.code, p.place) for p in refused(data)]


def project(data: dict[str, object]) -> dict[str, object]:
    table = data["一览表"]
    assert isinstance(table, dict)
    rows = table["项目"]
    assert isinstance(rows, list)
    row = rows[0]
    assert isinstance(row, dict)
    return row


# -- the same report as from the file -------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_every_sample_as_python_values_gives_the_files_bytes(path: Path, tmp_path: Path) -> None:
    data = read_yaml(path).data
    assert isinstance(data, dict)
    if "印章" in data:
        # A ledger held in memory names no file (its 印章), as with ``loads``: compare without it.
        assert [p.code for p in refused(data, path.name)] == ["RG129"]
        del data["印章"]
        text = path.read_text("utf-8").replace(f"印章: {read_yaml(path).data['印章']}\n", "")  # type: ignore[index]
        path = tmp_path / path.name
        path.write_text(text, "utf-8")
    from_file = reportgen.load(path)
    from_values = reportgen.from_data(data, path.name)
    assert from_values.document == from_file.document
    for fmt in FORMATS:
        assert from_values.to_bytes(fmt) == from_file.to_bytes(fmt), fmt


def test_what_python_code_holds_gives_the_same_ledger() -> None:
    """int, Decimal, numbers as text, date objects, tuples: the ledger the YAML text gives."""
    data = minimal()
    data["成文日期"] = datetime.date(2024, 9, 23)
    data["正文"] = tuple(data["正文"])  # type: ignore[arg-type]
    row = project(data)
    row["计划安排资金"] = Decimal("200")
    row["下达预算"] = "150"  # typed text, read exactly as a quoted YAML number
    row["实际拨付"] = 100
    assert reportgen.from_data(data, "t.yaml").document == reportgen.loads(MINIMAL, "t.yaml").document


def test_a_midnight_datetime_is_its_date() -> None:
    data = minimal()
    data["成文日期"] = datetime.datetime(2024, 9, 23)
    assert reportgen.from_data(data).ledger.date == datetime.date(2024, 9, 23)


def test_subclasses_of_plain_values_are_their_plain_values() -> None:
    class Name(str):
        def __str__(self) -> str:  # what a hostile subclass could say instead of its text
            return "别的"

    class Amount(enum.IntEnum):
        PLAN = 200

    data = minimal()
    data["填报单位"] = Name("测试局")
    project(data)["计划安排资金"] = Amount.PLAN
    ledger = reportgen.from_data(data).ledger
    assert ledger.filler == "测试局" and type(ledger.filler) is str
    assert reportgen.from_data(data).document == reportgen.loads(MINIMAL).document


# -- Report.write ---------------------------------------------------------------------------------


def test_write_puts_the_formats_bytes_into_a_stream() -> None:
    report = reportgen.from_data(minimal(), "测试.yaml")
    stream = io.BytesIO()
    report.write("docx", stream)
    assert stream.getvalue() == report.to_bytes("docx")
    assert WordDocument(io.BytesIO(stream.getvalue())).paragraphs[0].text  # a real Word file
    stream = io.BytesIO()
    report.write("xlsx", stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).worksheets[0]
    assert any(cell.value == "低保" for row in sheet.iter_rows() for cell in row)
    assert report.name == "测试"


def test_write_of_an_unknown_format_writes_nothing() -> None:
    stream = io.BytesIO()
    with pytest.raises(reportgen.RenderError) as caught:
        reportgen.from_data(minimal()).write("pptx", stream)
    assert caught.value.problems[0].code == "RG402"
    assert stream.getvalue() == b""


# -- the schema's problems, named by field path -----------------------------------------------------


MUTATIONS = {
    "unknown key": ("落款: 测试局", "落款: 测试局\n标 题: 多余", ("标 题",), "多余"),
    "unit in a number": (
        "计划安排资金: 200",
        "计划安排资金: 18所",
        ("一览表", "项目", 1, "计划安排资金"),
        "18所",
    ),
    "bad month": ("月份: 1—9", "月份: 13", ("期间", "月份"), 13),
    "negative": ("实际拨付: 100", "实际拨付: -5", ("一览表", "项目", 1, "实际拨付"), -5),
    "yes where a number is": ("下达预算: 150", "下达预算: yes", ("一览表", "项目", 1, "下达预算"), True),
    "missing title": ("标题: 测试局关于{{ 期间.年月 }}工作情况的报告\n", "", ("标题",), None),
}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=list(MUTATIONS))
def test_problems_are_the_yaml_ledgers_without_the_line(mutation: str) -> None:
    old, new, at, value = MUTATIONS[mutation]
    with pytest.raises(reportgen.LedgerError) as caught:
        parse_ledger(MINIMAL.replace(old, new), "t.yaml")
    from_file = caught.value.problems
    data: dict[str, object] = minimal()
    *parents, last = at
    holder: object = data
    for part in parents:
        holder = holder[part if isinstance(part, str) else part - 1]  # type: ignore[index]
    assert isinstance(holder, dict)
    if value is None:
        del holder[last]
    else:
        holder[last] = value
    from_values = refused(data)
    assert from_values and all(p.line is None for p in from_values)
    assert [(p.code, p.place, p.message, p.value, p.expected) for p in from_values] == [
        (p.code, p.place, p.message, p.value, p.expected) for p in from_file
    ]
    assert str(from_values[0].file) == "t.yaml" and "t.yaml" in str(refused(data)[0].describe())


def test_a_float_is_refused_saying_how_to_pass_it_exactly() -> None:
    data = minimal()
    project(data)["计划安排资金"] = 0.1 + 0.2
    project(data)["下达预算"] = 150.0  # integral, still a float: one rule
    problems = refused(data)
    assert [(p.code, p.place) for p in problems] == [
        ("RG106", "一览表.项目[1].计划安排资金"),
        ("RG106", "一览表.项目[1].下达预算"),
    ]
    first = problems[0]
    assert first.value == "0.30000000000000004" and "浮点数" in first.message
    assert (
        first.expected is not None and "Decimal('1234.5')" in first.expected and "'1234.5'" in first.expected
    )
    assert "第" not in first.describe().split("：")[0]  # no line: there is none


# -- hostile values: a coded problem, never a traceback ---------------------------------------------


def _with_plan(value: object) -> dict[str, object]:
    data = minimal()
    project(data)["计划安排资金"] = value
    return data


PLAN = "一览表.项目[1].计划安排资金"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"200", "RG105"),
        (bytearray(b"200"), "RG105"),
        ({200}, "RG105"),
        (object(), "RG105"),
        ((n for n in range(3)), "RG105"),
        (1 + 2j, "RG105"),
        (float("nan"), "RG106"),
        (float("inf"), "RG106"),
        (Decimal("NaN"), "RG106"),
        (Decimal("sNaN"), "RG106"),
        (Decimal("-Infinity"), "RG106"),
        (Decimal("1e400"), "RG106"),
        (True, "RG106"),
        (10**101, "RG106"),
        ("1e3", "RG106"),
        (datetime.date(2024, 1, 1), "RG106"),
        ({"数值": 1, "单位": b"x"}, "RG105"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else v,
)
def test_a_hostile_value_is_a_coded_problem_at_its_path(value: object, code: str) -> None:
    problems = refused(_with_plan(value))
    assert problems[0].code == code
    assert problems[0].place is not None and problems[0].place.startswith(PLAN)


def test_a_huge_integer_is_refused_at_once() -> None:
    started = time.perf_counter()
    assert codes(_with_plan(10**1_000_000))[0] == ("RG106", PLAN)
    assert time.perf_counter() - started < 5  # Decimal(10**1_000_000) alone takes seconds


def test_a_datetime_with_a_time_of_day_is_refused() -> None:
    data = minimal()
    data["成文日期"] = datetime.datetime(2024, 9, 23, 10, 30)
    assert codes(data) == [("RG110", "成文日期")]
    data["成文日期"] = datetime.datetime(2024, 9, 23, tzinfo=datetime.UTC)
    assert codes(data) == [("RG110", "成文日期")]


def test_a_key_that_is_not_text_is_refused() -> None:
    data = minimal()
    data[2024] = "x"  # type: ignore[index]
    assert codes(data) == [("RG105", None)]
    assert "int" in refused(data)[0].message
    del data[2024]  # type: ignore[arg-type]
    data[10**5000] = "x"  # type: ignore[index]  # Python refuses str() of it: never printed
    assert codes(data) == [("RG105", None)]


def test_a_mapping_that_gives_a_key_twice_is_refused() -> None:
    class Twice(Mapping[str, object]):
        def __getitem__(self, key: str) -> object:
            return "测试局办公室" if key == "印发机关" else datetime.date(2024, 10, 9)

        def __iter__(self) -> Iterator[str]:
            return iter(["印发机关", "印发机关", "印发日期"])

        def __len__(self) -> int:
            return 3

    data = minimal()
    data["版记"] = Twice()
    assert codes(data) == [("RG103", "版记.印发机关")]


def test_every_value_refused_is_listed_at_once() -> None:
    data = minimal()
    data["成文日期"] = datetime.datetime(2024, 9, 23, 10, 30)
    project(data)["计划安排资金"] = 1.5
    project(data)["实际拨付"] = b"1"
    assert codes(data) == [
        ("RG110", "成文日期"),
        ("RG106", PLAN),
        ("RG105", "一览表.项目[1].实际拨付"),
    ]


def test_what_is_not_a_ledger_is_a_coded_problem() -> None:
    assert [p.code for p in refused(None)] == ["RG104"]
    assert [p.code for p in refused("标题: 报告")] == ["RG105"]
    assert [p.code for p in refused([minimal()])] == ["RG105"]


def test_a_list_that_holds_itself_is_refused() -> None:
    loop: list[object] = []
    loop.append(loop)
    data = minimal()
    data["主送机关"] = loop
    problems = refused(data)
    assert [p.code for p in problems] == ["RG114"]
    assert problems[0].place is not None and problems[0].place.startswith("主送机关[1][1]")


def test_nesting_and_counts_and_text_are_bounded_like_yaml() -> None:
    deep: object = "x"
    for _ in range(MAX_DEPTH + 1):
        deep = [deep]
    assert codes({"标题": deep})[0][0] == "RG114"
    many = ["x"] * (MAX_NODES + 1)
    assert codes({"标题": many})[0][0] == "RG114"
    long = "长" * 1_000_000
    assert codes({"主送机关": [long] * 9})[0][0] == "RG114"  # 9 M characters shared by reference


# -- DataFrames (the optional extra reportgen[pandas]) ----------------------------------------------


def test_a_dataframe_of_rows_gives_the_same_report_as_a_list_of_dicts() -> None:
    pd = pytest.importorskip("pandas")
    data = minimal()
    table = data["一览表"]
    assert isinstance(table, dict)
    rows = copy.deepcopy(table["项目"])
    assert isinstance(rows, list)
    rows.append({**rows[0], "项目名称": "特困", "计划安排资金": "20", "实际拨付": None})
    table["项目"] = rows
    expected = reportgen.from_data(data)
    frame = pd.DataFrame(rows)  # 计划安排资金 mixes int and text: object; 实际拨付: int64 with NaN is float
    frame["实际拨付"] = frame["实际拨付"].astype("Int64")  # nullable integers: numpy ints and NA
    table["项目"] = frame
    report = reportgen.from_data(data)
    assert report.document == expected.document
    assert report.to_bytes("xlsx") == expected.to_bytes("xlsx")


def test_a_dataframes_floats_are_refused_and_its_nan_is_empty() -> None:
    pd = pytest.importorskip("pandas")
    data = minimal()
    table = data["一览表"]
    assert isinstance(table, dict)
    row = project(data)
    table["项目"] = pd.DataFrame([row, {**row, "项目名称": "特困", "下达预算": None}])  # 下达预算: float64
    assert codes(data) == [("RG106", "一览表.项目[1].下达预算")]  # 150.0 refused; row 2's NaN is empty
    table["项目"] = pd.DataFrame([{**row, "成文": pd.Timestamp("2024-01-01 08:00")}])
    assert ("RG110", "一览表.项目[1].成文") in codes(data)


def test_a_dataframe_of_a_declared_tables_rows() -> None:
    pd = pytest.importorskip("pandas")
    path = SAMPLES / "qingshan-evaluation-2024.yaml"
    data = read_yaml(path).data
    assert isinstance(data, dict)
    expected = reportgen.from_data(data, path.name)
    first = data["表格"][0]
    first["行"] = pd.DataFrame(first["行"]).astype(object)  # Decimals stay Decimals in object columns
    assert reportgen.from_data(data, path.name).to_bytes("docx") == expected.to_bytes("docx")
    frame = pd.DataFrame([["a", 1], ["b", 2]], columns=["资金来源", "资金来源"])
    first["行"] = frame
    assert ("RG103", "表格[1].行[1].资金来源") in codes(data)


def test_reading_values_never_imports_pandas() -> None:
    pytest.importorskip("pandas")
    code = (
        "import sys, reportgen; from tests.test_python_api import minimal; reportgen.from_data(minimal());"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# -- any value anywhere: a report or a coded problem ------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**120), max_value=10**120),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=5),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["1—9", "2024-02-30", "1,234.5", "18所", "{{ x }}", "\x00", "\u202e", "是"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.frozensets(st.integers(), max_size=2),
        st.dictionaries(st.one_of(st.text(max_size=4), st.integers()), inner, max_size=3),
    ),
    max_leaves=8,
)


def _leaves(value: object, at: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*at, key)
            yield from _leaves(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*at, index)
            yield from _leaves(item, (*at, index))


PLACES = list(_leaves(minimal()))


@settings(deadline=datetime.timedelta(seconds=10), max_examples=60)
@given(st.lists(st.tuples(st.sampled_from(PLACES), _VALUES), min_size=1, max_size=3))
def test_any_value_anywhere_is_a_report_or_coded_problems(
    changes: list[tuple[tuple[object, ...], object]],
) -> None:
    data = minimal()
    for at, value in changes:
        with contextlib.suppress(LookupError, TypeError):  # an earlier change replaced a parent
            holder: Any = data
            for part in at[:-1]:
                holder = holder[part]
            holder[at[-1]] = value
    try:
        report = reportgen.from_data(data, "t.yaml")
        report.check()  # a narrative that quotes a figure no longer there is TemplateError (RG302)
        assert report.to_bytes("md") and report.to_bytes("xlsx")
    except reportgen.ReportError as error:
        for problem in error.problems:
            assert problem.line is None and problem.describe()
            assert not english_in(problem.describe()), problem.describe()
