"""The Excel ledger: the same ledger as the YAML one, typed into a workbook.

- Lossless: YAML → .xlsx → YAML → .xlsx gives equal validated ledgers (places and source aside,
  every ``Decimal`` digit for digit) and the second conversion is byte-identical to the first, for
  the samples, the example and hypothesis-generated valid ledgers (``tests/test_fuzz_ledger``).
- Every problem names ``sheet!cell``, the value and what was expected; numbers typed as text are read
  exactly or refused; formulas give their cached values, or RG115 when never calculated.
- The workbook a person fills in: protection that allows typing and adding rows, drop-downs, input
  messages, no formulas, deterministic bytes; ``reportgen init|convert|check|render|batch``.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

import reportgen
from reportgen.base.errors import CODES, LedgerError, Problem
from reportgen.base.resources import example_ledger
from reportgen.base.units import known_units, unit
from reportgen.ledger import example_bytes, parse_ledger
from reportgen.ledger.excel.cellvalues import Refusal, cell_number, number_from_float, split_number
from reportgen.ledger.excel.layout import DATA_SHEETS, INFO_ROWS, LISTS, NOTES
from reportgen.ledger.excel.read import parse_workbook, validate_workbook
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.keys import FUNDING_SOURCES
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from reportgen.model import Funding, Ledger, Quantity
from reportgen.render.pdf.soffice import find_soffice
from tests.conftest import JIALING, QINGSHAN
from tests.test_cli import run as cli
from tests.test_fuzz_ledger import ValidCase, emit, valid_ledgers

ROUND_TRIP_EXAMPLES = 40
CELL = re.compile(r"^(基本信息|指标|项目|正文)(![A-Z]+[0-9]+)?$")


# -- helpers -----------------------------------------------------------------------------------------


def comparable(value: object) -> object:
    """A ledger with places and source blanked and every Decimal as its exact digits.

    资金来源 is a YAML mapping (unordered by YAML's rules); the workbook has a column per source, so
    sources come back in the columns' order: compared in that order.
    """
    if isinstance(value, Funding):
        value = dataclasses.replace(value, sources=tuple(sorted(value.sources, key=_source_rank)))
    if isinstance(value, Decimal):
        return ("Decimal", value.as_tuple())
    if isinstance(value, tuple):
        return tuple(comparable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: comparable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "place" in fields:
            fields["place"] = ""
        if "field_places" in fields:
            fields["field_places"] = ()  # cells of a workbook, nothing for YAML
        if isinstance(value, Ledger):
            fields["source"] = None  # the file it came from
        return (type(value).__name__, tuple(sorted(fields.items())))
    return value


def _source_rank(source: tuple[str, Quantity]) -> int:
    return FUNDING_SOURCES.index(source[0])


def difference(a: object, b: object, path: str = "") -> str:
    """Where two ``comparable`` values first differ, for assertion messages."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return difference(x, y, f"{path}[{index}]")
    return f"{path}: {a!r} != {b!r}"[:500]


@dataclasses.dataclass
class Trip:
    models: list[Ledger]
    workbook: bytes
    yaml: str


def round_trip(raw: bytes) -> Trip:
    """YAML → .xlsx → YAML → .xlsx → YAML, checking each step reads back to the same ledger."""
    first = parse_yaml(raw, "a.yaml")
    model0 = build_ledger(first, Path("a.yaml"))
    x1 = workbook_bytes(first.data)  # type: ignore[arg-type]
    d1, early1 = parse_workbook(x1, "b.xlsx")
    model1 = validate_workbook(d1, early1, Path("b.xlsx"))
    y2 = yaml_text(d1.data)  # type: ignore[arg-type]
    second = parse_yaml(y2.encode("utf-8"), "c.yaml")
    model2 = build_ledger(second, Path("c.yaml"))
    x3 = workbook_bytes(second.data)  # type: ignore[arg-type]
    assert x3 == x1, "xlsx → YAML → xlsx changed the workbook"
    d3, early3 = parse_workbook(x3, "d.xlsx")
    model3 = validate_workbook(d3, early3, Path("d.xlsx"))
    assert yaml_text(d3.data) == y2, "YAML → xlsx → YAML changed the YAML"  # type: ignore[arg-type]
    expected = comparable(model0)
    for model in (model1, model2, model3):
        assert comparable(model) == expected, difference(expected, comparable(model))
    return Trip([model0, model1, model2, model3], x1, y2)


def example_workbook() -> bytes:
    return example_bytes(Path("台账.xlsx"))


def edited(edit: Callable[[Workbook], None], raw: bytes | None = None) -> bytes:
    """The example workbook (or ``raw``) after a person's edit in a spreadsheet program."""
    book = openpyxl.load_workbook(io.BytesIO(raw or example_workbook()))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet(book: Workbook, name: str) -> Worksheet:
    worksheet = book[name]
    assert isinstance(worksheet, Worksheet)
    return worksheet


def setting(name: str, cell: str, value: object) -> Callable[[Workbook], None]:
    def edit(book: Workbook) -> None:
        sheet(book, name)[cell].value = value

    return edit


def problems(raw: bytes, name: str = "台账.xlsx") -> list[Problem]:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(raw, name)
    return list(caught.value.problems)


def only(raw: bytes) -> Problem:
    found = problems(raw)
    assert len(found) == 1, [p.describe() for p in found]
    return found[0]


def load(raw: bytes) -> Ledger:
    return parse_ledger(raw, "台账.xlsx")


def rewrite_part(raw: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """``raw`` with one zip member's bytes changed, the way another program would have written it."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return out.getvalue()


def patch_cell(raw: bytes, sheet_number: int, ref: str, xml: str) -> bytes:
    """Replace one cell's XML (as Excel would have saved it) in a workbook's sheet part."""
    part = f"xl/worksheets/sheet{sheet_number}.xml"

    def change(data: bytes) -> bytes:
        text, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml, data.decode("utf-8"), count=1)
        assert count == 1, f"{ref} not in {part}"
        return text.encode("utf-8")

    return rewrite_part(raw, part, change)


# -- lossless round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [JIALING, QINGSHAN, example_ledger()], ids=lambda p: p.stem)
def test_samples_round_trip_losslessly(path: Path) -> None:
    trip = round_trip(path.read_bytes())
    # The reports are the same too, to the byte.
    yaml_report, workbook_report = (reportgen.Report(trip.models[0]), reportgen.Report(trip.models[1]))
    assert yaml_report.to_bytes("md") == workbook_report.to_bytes("md")
    assert [f.problem.code for f in yaml_report.check()] == [f.problem.code for f in workbook_report.check()]


@settings(
    max_examples=ROUND_TRIP_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
@given(valid_ledgers())
def test_generated_ledgers_round_trip_losslessly(case: ValidCase) -> None:
    round_trip(emit(case.data))


def test_jialing_keeps_its_yi_yuan_amounts_and_figure_links() -> None:
    trip = round_trip(JIALING.read_bytes())
    book = openpyxl.load_workbook(io.BytesIO(trip.workbook))
    projects = sheet(book, "项目")
    assert [projects[f"{c}2"].value for c in "FGH"] == ["1.3168亿元", "1.622171亿元", "1.21298472亿元"]
    assert projects["F3"].value == 844 and projects["H3"].value == "护理补贴资金"
    assert "计划安排资金: {数值: 1.3168, 单位: 亿元}" in trip.yaml
    assert "实际拨付: {指标: 护理补贴资金}" in trip.yaml


def test_exact_decimals_that_a_double_cannot_hold_are_kept_as_text() -> None:
    text = (
        JIALING.read_text("utf-8")
        .replace("数值: 8123.0395", "数值: 8123.03950")
        .replace("数值: 678.54", "数值: 123456789012345.1234567891")
    )
    trip = round_trip(text.encode("utf-8"))
    figures = sheet(openpyxl.load_workbook(io.BytesIO(trip.workbook)), "指标")
    assert figures["C2"].value == "8123.03950" and figures["C3"].value == 4006.8077
    ledger = trip.models[1]
    low = ledger.figure("低保金")
    assert low is not None and isinstance(low.source, Quantity) and str(low.source.value) == "8123.03950"


def test_yaml_comments_are_not_carried_but_the_style_is_ours() -> None:
    trip = round_trip(example_ledger().read_bytes())
    assert "示例县民政局" in trip.yaml and "虚构" not in trip.yaml  # the example's comments are gone
    assert "  低保金: {名称: 发放城乡低保金, 数值: 1234.5, 单位: 万元, 上年同期: 1180.2}" in trip.yaml
    assert "  低保对象: {名称: 城乡低保对象, 合计: [城市低保, 农村低保]}" in trip.yaml
    assert '      - "{{ 期间 }}，全县' in trip.yaml  # quoted where YAML would read a mapping


def test_awkward_text_survives_both_formats() -> None:
    text = (
        example_ledger()
        .read_text("utf-8")
        .replace("备注: 第四季度完工", "备注: '=SUM(A1:A3) 与 “yes”\t\\ 9'")
        .replace("落款: 示例县民政局", '落款: "2024"')
        .replace("填报单位: 示例县民政局", '填报单位: "  前后有空格  "')
    )
    trip = round_trip(text.encode("utf-8"))
    ledger = trip.models[1]
    assert ledger.table is not None and ledger.table.projects[1].note == "=SUM(A1:A3) 与 “yes”\t\\ 9"
    assert ledger.signer == "2024" and ledger.filler == "  前后有空格  "
    book = openpyxl.load_workbook(io.BytesIO(trip.workbook))
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)


# -- reading numbers, text and formulas ---------------------------------------------------------------


def test_numbers_typed_as_text_are_read_exactly() -> None:
    cases = {
        "1,234.5": "1234.5",
        "１２３４．５": "1234.5",
        "  2,100 ": "2100",
        "+.5": "0.5",
        "1234567": "1234567",
    }
    for typed, exact in cases.items():
        ledger = load(edited(setting("指标", "C2", typed)))
        figure = ledger.figure("低保金")
        assert figure is not None and isinstance(figure.source, Quantity)
        assert str(figure.source.value) == exact, typed


def test_numbers_from_cells_are_what_excel_shows() -> None:
    ledger = load(edited(setting("指标", "C2", 8123.0395)))
    figure = ledger.figure("低保金")
    assert figure is not None and isinstance(figure.source, Quantity)
    assert str(figure.source.value) == "8123.0395"
    assert number_from_float(0.1 + 0.2) == Decimal("0.3")  # a formula's binary noise, as Excel shows it
    assert number_from_float(1234.5600000000002) == Decimal("1234.56")
    assert number_from_float(844.0) == 844 and isinstance(number_from_float(844.0), int)
    assert cell_number(Decimal("100.50")) is None and cell_number(Decimal("0.1")) == 0.1


@pytest.mark.parametrize(
    "typed,message",
    [
        ("12.3万", "数字后面多了“万”"),
        ("1,23,456", "千分位逗号位置不对"),
        ("1，234", "全角逗号"),
        ("1.5E+07", "科学计数法"),
        ("1.2.3", "不是有效的数字"),
        ("-", "不是数字"),
        ("约100", "不是数字"),
    ],
)
def test_malformed_numbers_are_refused_naming_the_cell(typed: str, message: str) -> None:
    problem = only(edited(setting("指标", "C2", typed)))
    assert (problem.code, problem.place, problem.value) == ("RG106", "指标!C2", typed)
    assert message in problem.message and problem.expected
    if typed == "12.3万":
        assert "单位在“单位”列选 万元" in problem.expected
    text = problem.describe()
    assert "台账.xlsx" in text and "指标!C2" in text and typed in text


def test_split_number() -> None:
    assert split_number("1.3168亿元") == (Decimal("1.3168"), "亿元")
    assert split_number("１２３") == (123, "")
    assert split_number("100 人") == (100, "人")
    assert isinstance(split_number("1 234"), Refusal)
    assert isinstance(split_number("12e3"), Refusal)


def test_money_cells_take_numbers_units_and_figure_ids() -> None:
    raw = edited(
        lambda book: (
            setting("项目", "F2", "0.18亿元")(book),
            setting("项目", "G2", "1,500")(book),
            setting("项目", "H3", "低保金")(book),
            setting("项目", "I2", "1000万元")(book),
        )
    )
    ledger = load(raw)
    assert ledger.table is not None
    first, second = ledger.table.projects
    assert first.funding.plan == Quantity(Decimal("0.18"), unit("亿元"))  # type: ignore[arg-type]
    assert first.funding.budget == Quantity(Decimal(1500), unit("万元"))  # type: ignore[arg-type]
    assert dict(first.funding.sources)["中央"] == Quantity(Decimal(1000), unit("万元"))  # type: ignore[arg-type]
    assert getattr(second.funding.paid, "figure_id", None) == "低保金"
    assert first.place == "项目!A2" and getattr(second.funding.paid, "place", "") == "项目!H3"


@pytest.mark.parametrize(
    "cell,typed,code,expected",
    [
        ("F2", "12.3万", "RG106", "是否应为“万元”"),
        ("F2", "低保资金", "RG112", "“指标”中定义过的编号"),
        ("F2", "护理资金2", "RG106", "或“指标”表中的编号"),
        ("F2", "100人", "RG107", "元、万元、亿元"),
        ("I2", "低保金", "RG106", "数字"),
        ("D3", 200, "RG107", "数字加单位"),
        ("D3", "200", "RG107", "数字加单位"),
        ("D3", "200公斤", "RG107", "数字加单位"),
    ],
)
def test_project_cell_problems_name_the_cell(cell: str, typed: object, code: str, expected: str) -> None:
    problem = only(edited(setting("项目", cell, typed)))
    assert (problem.code, problem.place) == (code, f"项目!{cell}"), problem.describe()
    assert str(problem.value) == str(typed) and expected in (problem.expected or "") + problem.message


def test_formula_values_are_the_cached_ones() -> None:
    raw = patch_cell(example_workbook(), 3, "C3", '<c r="C3"><f>2000+100</f><v>2100</v></c>')
    ledger = load(raw)
    figure = ledger.figure("城市低保")
    assert figure is not None and figure.source == Quantity(Decimal(2100), unit("人"))  # type: ignore[arg-type]
    formula_text = patch_cell(
        example_workbook(), 4, "O2", '<c r="O2" t="str"><f>"社会"&amp;"救助股"</f><v>社会救助股</v></c>'
    )
    ledger = load(formula_text)
    assert ledger.table is not None and ledger.table.projects[0].owner == "社会救助股"


def test_an_uncalculated_formula_says_so() -> None:
    problem = only(edited(setting("指标", "C3", "=2000+100")))  # openpyxl writes no cached value
    assert (problem.code, problem.place, problem.value) == ("RG115", "指标!C3", "=2000+100")
    assert "公式尚未计算" in problem.message and "打开并保存" in problem.message


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice missing")
def test_a_workbook_saved_by_a_spreadsheet_program(tmp_path: Path) -> None:
    """LibreOffice opens, recalculates and saves the workbook: the ledger reads the same, and the
    formulas' values are used exactly as the program shows them (0.1+0.2 is 0.3)."""

    def formulas(book: Workbook) -> None:
        setting("指标", "C2", "=1000+234.5")(book)
        setting("指标", "H2", "=0.1+0.2")(book)
        setting("项目", "F2", "=IF(1>0,1800,0)")(book)

    (tmp_path / "in.xlsx").write_bytes(edited(formulas))
    subprocess.run(
        [str(find_soffice()), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(tmp_path / "in.xlsx")],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    saved = (tmp_path / "out" / "in.xlsx").read_bytes()
    ledger = load(saved)
    figure = ledger.figure("低保金")
    assert figure is not None and figure.source == Quantity(Decimal("1234.5"), unit("万元"))  # type: ignore[arg-type]
    assert figure.baselines == (("上年同期", Decimal("0.3")),)
    expected = load(example_workbook())
    changed = dataclasses.replace(expected, figures=(figure, *expected.figures[1:]))
    assert comparable(ledger) == comparable(changed)
    book = openpyxl.load_workbook(io.BytesIO(saved))
    assert sheet(book, "项目").protection.sheet and sheet(book, LISTS).sheet_state == "hidden"


def test_a_formula_error_value_is_refused() -> None:
    raw = patch_cell(example_workbook(), 3, "C3", '<c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    problem = only(raw)
    assert (problem.code, problem.place, problem.value) == ("RG115", "指标!C3", "#DIV/0!")


@pytest.mark.parametrize(
    "xml,code",
    [
        ('<c r="C3"><v>NaN</v></c>', "RG101"),  # openpyxl cannot read it: a damaged file
        ('<c r="C3"><v>1e400</v></c>', "RG105"),
        ('<c r="C3"><v>123456789012345678901234567890</v></c>', "RG106"),
        ('<c r="C3" t="b"><v>1</v></c>', "RG106"),
        ('<c r="C3" t="e"><v>#N/A</v></c>', "RG105"),
        ('<c r="C3" t="s"><v>99999</v></c>', "RG101"),
        ('<c r="C3" t="d"><v>not a date</v></c>', "RG101"),
        ('<c r="C3" t="inlineStr"><is><t>2100</t></is></c>', None),
        ('<c r="C3" t="str"><f>""</f><v></v></c>', "RG104"),
    ],
)
def test_damaged_or_odd_cells_are_problems_never_tracebacks(xml: str, code: str | None) -> None:
    """What a program other than Excel may write into a cell (指标!C3, the 数值 of 城市低保)."""
    raw = patch_cell(example_workbook(), 3, "C3", xml)
    if code is None:
        assert load(raw).figure("城市低保") is not None
        return
    found = problems(raw)
    assert found[0].code == code, [p.describe() for p in found]
    assert found[0].place in ("指标!C3", "指标!A3", None)


def mutate_part(raw: bytes, part: str, start: float, length: int, junk: bytes) -> bytes:
    """``raw`` with a stretch of one zip member's bytes replaced by ``junk``."""

    def change(data: bytes) -> bytes:
        at = int(start * len(data))
        return data[:at] + junk + data[at + length :]

    return rewrite_part(raw, part, change)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
         "xl/worksheets/sheet5.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]
    ),
    st.floats(0, 1),
    st.integers(0, 40),
    st.binary(max_size=40) | st.sampled_from([b"<", b'"', b"</c>", b'<c r="C3" t="s"><v>7</v></c>', b"\xff"]),
)  # fmt: skip
def test_damaged_workbooks_give_a_ledger_or_a_ledger_error(
    part: str, start: float, length: int, junk: bytes
) -> None:
    raw = mutate_part(example_workbook(), part, start, length, junk)
    try:
        parse_ledger(raw, "台账.xlsx")
    except LedgerError as error:
        assert all(p.code in CODES for p in error.problems)
        assert "台账.xlsx" in str(error)


# -- other cell problems --------------------------------------------------------------------------------


def test_unknown_unit() -> None:
    problem = only(edited(setting("指标", "D2", "公斤")))
    assert (problem.code, problem.place, problem.value) == ("RG107", "指标!D2", "公斤")
    assert "万元" in (problem.expected or "")


def test_missing_title_names_its_cell() -> None:
    problem = only(edited(setting("基本信息", "B2", None)))
    assert (problem.code, problem.place) == ("RG104", "基本信息!B2")


def test_a_deleted_row_names_the_sheet() -> None:
    problem = only(edited(lambda book: sheet(book, "基本信息").delete_rows(4)))  # 落款
    assert (problem.code, problem.place) == ("RG104", "基本信息") and "落款" in problem.message


def test_info_labels_are_checked() -> None:
    missing, unknown = problems(edited(setting("基本信息", "A4", "落 款人")))
    assert (unknown.code, unknown.place) == ("RG103", "基本信息!A4") and "是否应为“落款”" in unknown.message
    assert (missing.code, missing.place) == ("RG104", "基本信息") and "落款" in missing.message
    repeated = edited(lambda book: sheet(book, "基本信息").insert_rows(4))
    repeated = edited(
        lambda book: (setting("基本信息", "A4", "主送机关")(book), setting("基本信息", "B4", "县委办")(book)),
        repeated,
    )
    assert load(repeated).recipients == ("县人民政府办公室", "县委办")
    duplicate = edited(setting("基本信息", "A9", "落款"))  # the 类型 row
    assert only(duplicate).code == "RG103"


def test_months_turned_into_a_date_by_excel() -> None:
    problem = only(edited(setting("基本信息", "B8", datetime.datetime(2024, 1, 9))))
    assert (problem.code, problem.place) == ("RG105", "基本信息!B8")
    assert "1—9" in (problem.expected or "")


def test_dates_and_booleans() -> None:
    raw = edited(
        lambda book: (
            setting("基本信息", "B5", "2024/10/8")(book),
            setting("正文", "C2", True)(book),
            setting("基本信息", "B10", "是")(book),
        )
    )
    ledger = load(raw)
    assert ledger.date == datetime.date(2024, 10, 8) and ledger.charts
    assert ledger.sections[0].run_in

    def number_not_date(book: Workbook) -> None:
        setting("基本信息", "B5", 45558)(book)
        sheet(book, "基本信息")["B5"].number_format = "General"

    problem = only(edited(number_not_date))
    assert (problem.code, problem.place) == ("RG110", "基本信息!B5")


def test_duplicate_figure_ids() -> None:
    duplicate, reference = problems(edited(setting("指标", "A3", "低保金")))
    assert (duplicate.code, duplicate.place) == ("RG111", "指标!A3") and "指标!A2" in duplicate.message
    assert (reference.code, reference.place, reference.value) == ("RG112", "指标!E5", "城市低保")


def test_sections_follow_their_levels() -> None:
    problem = only(edited(setting("正文", "A3", 3)))
    assert (problem.code, problem.place) == ("RG105", "正文!A3") and "1～2" in (problem.expected or "")
    before = only(
        edited(lambda book: (sheet(book, "正文").insert_rows(2), setting("正文", "D2", "开头一段")(book)))
    )
    assert (before.code, before.place) == ("RG105", "正文!D2") and "导语" in (before.expected or "")


def test_many_problems_at_once_in_reading_order() -> None:
    raw = edited(
        lambda book: (
            setting("项目", "G3", "12.3万")(book),
            setting("指标", "D2", "公斤")(book),
            setting("基本信息", "B2", None)(book),
            setting("指标", "C3", "=1+1")(book),
            setting("项目", "H2", "低保资金")(book),
        )
    )
    found = problems(raw)
    assert [p.place for p in found] == ["基本信息!B2", "指标!D2", "指标!C3", "项目!H2", "项目!G3"]
    assert all(CELL.match(p.place or "") for p in found)
    assert all(p.file == Path("台账.xlsx") and p.expected for p in found)


# -- structure and files ----------------------------------------------------------------------------


def test_a_renamed_header_is_a_structure_error() -> None:
    found = problems(edited(setting("项目", "F1", "计划资金")))
    assert {p.code for p in found} == {"RG116"}
    assert found[0].place == "项目!F1" and "计划安排资金" in found[0].message
    assert any("计划安排资金" in p.message and "项目名称、目标任务" in (p.expected or "") for p in found)


def test_a_missing_sheet() -> None:
    problem = only(edited(lambda book: book.remove(book["正文"])))
    assert (problem.code, problem.place) == ("RG116", "正文")
    assert "基本信息、指标、项目、正文" in (problem.expected or "")


def test_content_outside_the_columns_is_not_ignored() -> None:
    problem = only(edited(setting("项目", "R2", "联系人张三")))
    assert (problem.code, problem.place) == ("RG116", "项目!R2")


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "旧版 Excel"),
        (b"not a workbook", "不是 Excel 工作簿"),
        (b"PK\x03\x04broken", "文件已损坏"),
    ],
)
def test_files_that_are_not_workbooks(raw: bytes, message: str) -> None:
    problem = only(raw)
    assert problem.code == "RG101" and message in problem.message and problem.file == Path("台账.xlsx")
    assert "Traceback" not in problem.describe()


def test_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    problem = only(out.getvalue())
    assert problem.code == "RG101" and "无法打开工作簿" in problem.message
    assert "缺少工作簿必需的部件" in problem.message
    assert not re.search(r"[A-Z][a-z]+Error", problem.message), problem.message  # not openpyxl's KeyError


def test_the_old_excel_format_by_name(tmp_path: Path) -> None:
    path = tmp_path / "台账.xls"
    path.write_bytes(b"anything")
    with pytest.raises(LedgerError) as caught:
        reportgen.load(path)
    assert caught.value.code == "RG101" and "另存为" in str(caught.value)


# -- the workbook a person fills in -------------------------------------------------------------------


def test_layout_and_help_fit_excel_limits() -> None:
    book = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    assert book.sheetnames == [NOTES, *(s.name for s in DATA_SHEETS), LISTS]
    assert sheet(book, LISTS).sheet_state == "hidden"
    notes = "\n".join(str(c.value) for c in sheet(book, NOTES)["A"] if c.value)
    for spec in DATA_SHEETS:
        header = [c.value for c in sheet(book, spec.name)[1]][: len(spec.columns)]
        assert header == list(spec.headers)
        for column in spec.columns:
            assert len(column.help) <= 255 and len(column.header) <= 32
            assert column.help in notes or spec.name == "基本信息"
    for row in INFO_ROWS:
        assert len(row.help) <= 255 and f"{row.header}：{row.help}" in notes


def test_protection_allows_what_a_person_needs() -> None:
    book = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    for spec in DATA_SHEETS:
        ws = sheet(book, spec.name)
        protection = ws.protection
        assert protection.sheet and not protection.password
        # False = not protected = allowed: typing, adding and deleting rows, widths, formats, sorting.
        assert not protection.insertRows and not protection.deleteRows
        assert not protection.formatColumns and not protection.formatRows and not protection.formatCells
        assert protection.insertColumns and protection.deleteColumns  # the layout stays
        assert all(cell.protection.locked for cell in ws[1])  # the header
        assert all(
            not cell.protection.locked for row in ws.iter_rows(min_row=2) for cell in row if cell.value
        )
        for index in range(1, len(spec.columns) + 1):  # rows a person adds below
            letter = openpyxl.utils.get_column_letter(index)
            assert not ws.column_dimensions[letter].protection.locked
        assert ws.freeze_panes == spec.freeze


def test_validations_and_input_messages() -> None:
    book = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    figures = sheet(book, "指标").data_validations.dataValidation
    by_cell = {str(v.sqref).split(":")[0]: v for v in figures}
    units = f"'{LISTS}'!$A$2:$A${len(known_units()) + 1}"
    assert by_cell["D2"].type == "list" and by_cell["D2"].formula1 == units
    assert by_cell["C2"].type == "decimal" and by_cell["C2"].showErrorMessage
    assert all(v.prompt and v.showInputMessage for v in figures)
    projects = {str(v.sqref).split(":")[0]: v for v in sheet(book, "项目").data_validations.dataValidation}
    assert projects["O2"].type == "list" and projects["O2"].errorStyle == "warning"
    owners = [c.value for c in sheet(book, LISTS)["B"][1:] if c.value]
    assert owners[:2] == ["社会救助股", "养老服务股"] and "区民政局" in owners
    info = {str(v.sqref): v for v in sheet(book, "基本信息").data_validations.dataValidation}
    info_sheet = sheet(book, "基本信息")
    unit_row = next(r for r in range(1, info_sheet.max_row + 1) if info_sheet.cell(r, 1).value == "金额单位")
    assert info["B5"].type == "date" and info[f"B{unit_row}"].formula1 == '"元,万元,亿元"'
    assert sheet(book, "基本信息")["B5"].value == datetime.datetime(2024, 10, 10)
    assert sheet(book, "基本信息")["B5"].number_format == 'yyyy"年"m"月"d"日"'
    assert sheet(book, "项目")["A1"].comment is not None


def test_the_workbook_is_deterministic_and_formula_free() -> None:
    first = example_workbook()
    time.sleep(1.1)
    assert example_workbook() == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {item.date_time for item in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert "2024-10-10T00:00:00Z" in core and datetime.date.today().isoformat() not in core
    assert not any("<f>" in part for part in sheets)


def test_the_example_is_clean() -> None:
    report = reportgen.Report(load(example_workbook()))
    assert report.check() == []
    assert "同比增长4.6%" in report.to_bytes("md").decode()


# -- commands -----------------------------------------------------------------------------------------


def test_init_convert_check_render(tmp_path: Path) -> None:
    made = cli("init", "--excel", "台账.xlsx", cwd=tmp_path)
    assert made.returncode == 0 and "台账.xlsx" in made.stdout
    assert (tmp_path / "台账.xlsx").read_bytes() == example_workbook()
    again = cli("init", "--excel", "台账.xlsx", cwd=tmp_path)
    assert again.returncode == 2 and "RG401" in again.stderr and "--force" in again.stderr
    assert cli("init", "--excel", "台账.xlsx", "--force", cwd=tmp_path).returncode == 0
    assert cli("init", "--yaml", "台账.yaml", cwd=tmp_path).returncode == 0
    assert (tmp_path / "台账.yaml").read_bytes() == example_ledger().read_bytes()
    assert cli("init", "--excel", "台账.yaml", cwd=tmp_path).returncode == 2

    assert cli("convert", "台账.xlsx", "转换.yaml", cwd=tmp_path).returncode == 0
    assert cli("convert", "转换.yaml", "转换.xlsx", cwd=tmp_path).returncode == 0
    assert (tmp_path / "转换.xlsx").read_bytes() == example_workbook()
    checked = cli("check", "转换.xlsx", cwd=tmp_path)
    assert checked.returncode == 0 and "未发现问题" in checked.stdout
    rendered = cli("render", "转换.xlsx", "-f", "md", "-o", "out", cwd=tmp_path)
    assert rendered.returncode == 0 and (tmp_path / "out" / "转换.md").exists()


def test_convert_refuses_an_invalid_ledger(tmp_path: Path) -> None:
    (tmp_path / "坏.xlsx").write_bytes(edited(setting("指标", "C2", "12.3万")))
    result = cli("convert", "坏.xlsx", "坏.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "RG106" in result.stderr and "指标!C2" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "坏.yaml").exists()
    wrong = cli("convert", "坏.xlsx", "坏.txt", cwd=tmp_path)
    assert wrong.returncode == 2 and "RG402" in wrong.stderr


def test_batch_reads_workbooks(tmp_path: Path) -> None:
    ledger = tmp_path / "示例县.xlsx"
    ledger.write_bytes(example_workbook())
    summary = reportgen.render_batch([ledger], "md,xlsx", tmp_path / "out", executor="serial", progress=False)
    assert summary.ok, summary.table()
    assert (tmp_path / "out" / "示例县" / "示例县.md").exists()


def test_sample_workbook_speed() -> None:
    """Writing and reading samples/jialing-2024q3.yaml's workbook takes well under a second."""
    raw = JIALING.read_bytes()
    data = parse_yaml(raw, "j.yaml").data
    started = time.perf_counter()
    workbook = workbook_bytes(data)  # type: ignore[arg-type]
    written = time.perf_counter()
    load(workbook)
    read = time.perf_counter()
    assert written - started < 2 and read - written < 2


def test_findings_and_template_errors_name_the_cell(tmp_path: Path) -> None:
    """From a workbook, a finding about 下达预算 names its cell, not the row; so does a broken paragraph."""
    workbook = tmp_path / "jialing.xlsx"
    reportgen.convert_ledger(JIALING, workbook)
    places = {(f.code, f.problem.place) for f in reportgen.load(workbook).check()}
    # row 2 is project 1 (亿元: the mixed unit), row 4 project 3; F 计划安排资金 G 下达预算 H 实际拨付
    assert ("RG205", "项目!F2") in places and ("RG202", "项目!G2") in places
    assert {("RG201", "项目!I4"), ("RG202", "项目!G4"), ("RG202", "项目!H4"), ("RG203", "项目!H4")} <= places

    def break_paragraph(book: Workbook) -> None:
        body = sheet(book, "正文")
        row = next(r for r in range(2, body.max_row + 1) if body.cell(r, 4).value)
        body.cell(row, 4).value = "发放低保金{{ 低保金 | 人 }}。"

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(edited(break_paragraph, workbook.read_bytes()))
    with pytest.raises(reportgen.TemplateError) as caught:
        _ = reportgen.load(broken).document
    assert caught.value.problems[0].code == "RG303"
    assert caught.value.problems[0].place == "正文!D2"


def _repacked(raw: bytes, rename: dict[str, str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for item in source.infolist():
            target.writestr(rename.get(item.filename, item.filename), source.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    "rename,method,code",
    [
        ({"xl/styles.xml": "../styles.xml"}, zipfile.ZIP_DEFLATED, "RG101"),
        ({"xl/styles.xml": "XL/Workbook.xml"}, zipfile.ZIP_DEFLATED, "RG101"),
        ({}, zipfile.ZIP_BZIP2, "RG101"),
    ],
)
def test_the_zip_checks_shared_with_word_templates(rename: dict[str, str], method: int, code: str) -> None:
    """The workbook's package goes through ``reportgen.base.boundedzip`` like a .docx template: unsafe or
    case-twin member names and compression methods Excel never writes are refused before openpyxl."""
    problem = only(_repacked(example_workbook(), rename, method))
    assert problem.code == code and "文件已损坏" in problem.message and (problem.place or problem.value)


def test_init_writes_each_kinds_sample_which_renders_as_that_kind(tmp_path: Path) -> None:
    """``init --kind``: a clerk starting a 通报 or a 公示 gets that kind's sample ledger, in Excel or
    YAML (the YAML one is the file, with its comments), and it prints what the sample prints."""
    from reportgen.base.resources import builtin_templates, sample_ledger
    from reportgen.kinds import find_kinds

    kinds = [k for k in find_kinds((), builtin_templates()) if k.sample]
    assert len(kinds) == 8
    for kind in kinds:
        sample = sample_ledger(kind.sample)
        assert sample is not None, kind.sample
        expected = reportgen.load(sample).to_bytes("md")
        workbook = reportgen.new_ledger(tmp_path / f"{kind.id}.xlsx", kind=kind.type_name)
        assert reportgen.load(workbook).kind.id == kind.id
        assert reportgen.load(workbook).to_bytes("md") == expected, kind.id
        text = reportgen.new_ledger(tmp_path / f"{kind.id}.yaml", kind=kind.id)
        assert text.read_bytes() == sample.read_bytes()
    made = cli("init", "--kind", "公示", "--excel", "公示.xlsx", cwd=tmp_path)
    assert made.returncode == 0 and (tmp_path / "公示.xlsx").is_file()
    unknown = cli("init", "--kind", "简报", "--yaml", "x.yaml", cwd=tmp_path)
    assert unknown.returncode == 2 and "RG117" in unknown.stderr and "通报（notice）" in unknown.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_a_reader_that_stops_reading_ends_the_command_quietly() -> None:
    """``reportgen kinds | head``: no BrokenPipeError traceback, status 2."""
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "kinds"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    assert process.stderr.read() == b""
    assert process.wait() == 2
