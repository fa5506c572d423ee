"""The clerk's Excel habits (issue 13): percent-formatted cells, merged cells, a short ``<dimension>``.

Each hostile workbook starts from the example reportgen writes (``reportgen init --excel``) and is
edited the way a person or another program edits it: a cell formatted ``0%`` holding 0.92 (what Excel
stores when 92% is typed), a merged range over two rows, a sheet part whose ``<dimension>`` claims fewer
rows than it holds.  Whatever the clerk sees is what is read, or the cell is refused by name.
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from reportgen.base.errors import Problem
from reportgen.base.units import known_units
from reportgen.ledger.excel.extract import MAX_ROWS
from reportgen.ledger.excel.read import parse_workbook
from reportgen.ledger.yaml.write import yaml_text
from reportgen.model import Quantity
from reportgen.render.pdf.soffice import find_soffice
from tests.test_excel_ledger import edited, example_workbook, load, only, problems, rewrite_part, sheet

# The sheet parts of the example workbook: sheet1 is 说明, then the data sheets in order.
SHEET_PARTS = {"基本信息": 2, "指标": 3, "项目": 4, "正文": 5}


def percent_figure(value: object, number_format: str, unit: str | None = "%", header: str = "C") -> bytes:
    """The example plus a figure 完成率 in row 6 whose cell ``header`` holds ``value`` as formatted."""

    def edit(book: Workbook) -> None:
        figures = sheet(book, "指标")
        figures["A6"], figures["B6"], figures["C6"], figures["D6"] = "完成率", "低保完成率", 0.5, unit
        figures[f"{header}6"] = value
        figures[f"{header}6"].number_format = number_format

    return edited(edit)


# -- percent-formatted cells --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "exact"),
    [
        (0.92, "0%", Decimal("92")),
        (0.9234, "0.00%", Decimal("92.34")),
        (0.9234, "0%", Decimal("92.34")),  # the format rounds what is shown; the value is the value
        (1, "0%", Decimal("100")),
        (0.12345678, "0.0%", Decimal("12.345678")),
        (-0.05, "0.0%;[Red]-0.0%", Decimal("-5")),
    ],
)
def test_a_percent_cell_in_a_percent_figure_is_the_percentage_shown(
    value: object, number_format: str, exact: Decimal
) -> None:
    ledger = load(percent_figure(value, number_format))
    figure = ledger.figure("完成率")
    assert figure is not None and isinstance(figure.source, Quantity)
    assert figure.source.unit.symbol == "%"
    assert figure.source.value == exact and str(figure.source.value) == str(exact)


def test_a_percent_cell_converts_to_the_shown_number_in_yaml() -> None:
    document, early = parse_workbook(percent_figure(0.92, "0%"), "台账.xlsx")
    assert early == []
    assert '完成率: {名称: 低保完成率, 数值: 92, 单位: "%"}' in yaml_text(document.data)  # type: ignore[arg-type]


@pytest.mark.parametrize("header", ["H", "I"])  # 上年同期, 上期: in the row's unit
def test_other_numbers_of_a_percent_row_are_read_as_shown(header: str) -> None:
    ledger = load(percent_figure(0.875, "0.0%", header=header))
    figure = ledger.figure("完成率")
    assert figure is not None
    assert [str(value) for _, value in figure.baselines] == ["87.5"]


def test_a_ratio_target_typed_as_a_percent_is_read_as_shown() -> None:
    def edit(book: Workbook) -> None:
        figures = sheet(book, "指标")
        row = {"A": "覆盖率", "F": "城市低保", "G": "低保对象", "N": 0.2830, "U": "不低于", "V": 0.35}
        for column, value in row.items():
            figures[f"{column}6"] = value
        figures["N6"].number_format = "0.00%"  # 公布值 of a 比例: a percentage
        figures["V6"].number_format = "0%"

    ledger = load(edited(edit))
    figure = ledger.figure("覆盖率")
    assert figure is not None and figure.target is not None
    assert str(figure.target.value) == "35" and str(figure.published) == "28.3"


def test_text_92_percent_in_a_percent_figure_is_read_like_the_formatted_cell() -> None:
    figure = load(percent_figure("92%", "General")).figure("完成率")
    assert figure is not None and isinstance(figure.source, Quantity)
    assert str(figure.source.value) == "92" and figure.source.unit.symbol == "%"


def test_a_percent_cell_in_a_project_measure_is_the_percentage_shown() -> None:
    def edit(book: Workbook) -> None:
        projects = sheet(book, "项目")
        projects["D3"] = "100%"
        projects["E3"] = 0.92
        projects["E3"].number_format = "0%"

    ledger = load(edited(edit))
    assert ledger.table is not None
    actual = ledger.table.projects[1].actual
    assert isinstance(actual, Quantity) and str(actual.value) == "92" and actual.unit.symbol == "%"


@pytest.mark.parametrize(
    ("sheet_name", "cell", "shown", "words"),
    [
        ("指标", "C3", "50%", ("百分比", "“人”")),  # 城市低保 is counted in 人
        ("指标", "H2", "50%", ("百分比", "“万元”")),  # 上年同期 of 低保金 (万元)
        ("指标", "M2", "50%", ("百分比",)),  # 每 is a plain multiplier
        ("项目", "F2", "50%", ("百分比", "金额")),  # money
        ("项目", "I2", "50%", ("百分比", "金额")),  # a funding source
        ("项目", "P2", "50%", ("百分比",)),  # 备注: text
        ("基本信息", "B7", "50%", ("百分比",)),  # 年度
        ("正文", "A2", "50%", ("百分比",)),  # 层级
    ],
)
def test_a_percent_cell_where_the_unit_is_not_percent_is_refused(
    sheet_name: str, cell: str, shown: str, words: tuple[str, ...]
) -> None:
    def edit(book: Workbook) -> None:
        sheet(book, sheet_name)[cell] = 0.5
        sheet(book, sheet_name)[cell].number_format = "0%"

    found = [p for p in problems(edited(edit)) if p.place == f"{sheet_name}!{cell}"]
    assert len(found) == 1, [p.describe() for p in problems(edited(edit))]
    problem = found[0]
    assert problem.value == shown, problem.describe()
    for word in words:
        assert word in problem.message + (problem.expected or ""), problem.describe()
    assert "格式" in (problem.expected or ""), problem.describe()


def test_a_percent_cell_in_a_row_without_a_unit_says_to_choose_percent() -> None:
    found = {p.place: p for p in problems(percent_figure(0.92, "0%", unit=None))}
    problem = found["指标!C6"]
    assert problem.value == "92%"
    assert "%" in (problem.expected or "") and "单位" in (problem.expected or ""), problem.describe()


def test_a_percent_format_with_a_quoted_percent_sign_is_not_a_percentage() -> None:
    # '0"%"' shows 92% for 92 without multiplying by 100: the number is the number.
    figure = load(percent_figure(92, '0"%"')).figure("完成率")
    assert figure is not None and isinstance(figure.source, Quantity)
    assert str(figure.source.value) == "92"


# -- merged cells ---------------------------------------------------------------------------------------


def merged(*ranges: tuple[str, str]) -> bytes:
    def edit(book: Workbook) -> None:
        for name, cells in ranges:
            sheet(book, name).merge_cells(cells)

    return edited(edit)


def test_a_merged_owner_cell_is_an_error_naming_the_range() -> None:
    problem = only(merged(("项目", "O2:O3")))
    assert problem.code == "RG118" and problem.place == "项目!O2:O3"
    assert problem.value == "社会救助股"
    assert "合并" in problem.message
    assert "取消合并" in (problem.expected or "") and "每一" in (problem.expected or "")


def test_a_merged_unit_cell_speaks_of_the_merge() -> None:
    def edit(book: Workbook) -> None:
        sheet(book, "指标")["D3"] = "人"
        sheet(book, "指标").merge_cells("D3:D4")

    found = problems(edited(edit))
    assert [p.place for p in found if p.code == "RG118"] == ["指标!D3:D4"]
    assert not any((p.expected or "") == "文字" for p in found), [p.describe() for p in found]


def test_every_merge_in_every_data_sheet_is_reported_at_once_in_reading_order() -> None:
    found = problems(
        merged(
            ("正文", "A2:A3"), ("项目", "O2:O3"), ("项目", "A2:B2"), ("基本信息", "B4:B6"), ("指标", "B2:B3")
        )
    )
    merges = [p.place for p in found if p.code == "RG118"]
    assert merges == ["基本信息!B4:B6", "指标!B2:B3", "项目!A2:B2", "项目!O2:O3", "正文!A2:A3"]


# -- the sheet's real extent ----------------------------------------------------------------------------


def with_dimension(raw: bytes, sheet_name: str, ref: str) -> bytes:
    """``raw`` with the ``<dimension ref>`` of one sheet part replaced, as some tools write it."""

    def change(data: bytes) -> bytes:
        text, count = re.subn(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', data.decode())
        assert count == 1
        return text.encode("utf-8")

    return rewrite_part(raw, f"xl/worksheets/sheet{SHEET_PARTS[sheet_name]}.xml", change)


@pytest.mark.parametrize(
    ("sheet_name", "ref"), [("基本信息", "A1:C3"), ("项目", "A1:P2"), ("指标", "A1:A1"), ("正文", "A1:E2")]
)
def test_rows_beyond_a_short_dimension_are_read(sheet_name: str, ref: str) -> None:
    whole = load(example_workbook())
    short = load(with_dimension(example_workbook(), sheet_name, ref))
    assert short.table is not None and whole.table is not None
    assert len(short.table.projects) == len(whole.table.projects) == 2
    assert [f.id for f in short.figures] == [f.id for f in whole.figures]
    assert [s.title for s in short.sections] == [s.title for s in whole.sections]
    assert [len(s.subsections) for s in short.sections] == [len(s.subsections) for s in whole.sections]
    assert (short.signer, short.date, short.period) == (whole.signer, whole.date, whole.period)


def test_the_row_limit_holds_whatever_the_dimension_says() -> None:
    def edit(book: Workbook) -> None:
        notes = sheet(book, "项目")
        for row in range(4, MAX_ROWS + 3):
            notes.cell(row, 16, "备注")

    problem = only(with_dimension(edited(edit), "项目", "A1:A1"))
    assert problem.code == "RG114" and problem.place == "项目"


# -- what a required cell takes -------------------------------------------------------------------------


def required(edit_cells: dict[tuple[str, str], object]) -> dict[str, Problem]:
    def edit(book: Workbook) -> None:
        for (name, cell), value in edit_cells.items():
            sheet(book, name)[cell] = value

    return {p.place or "": p for p in problems(edited(edit))}


def test_a_missing_unit_names_the_unit_list() -> None:
    found = required({("指标", "D2"): None})
    problem = found["指标!D2"]
    assert problem.code == "RG104"
    assert all(symbol in (problem.expected or "") for symbol in known_units()), problem.describe()


def test_required_messages_name_what_the_cell_takes() -> None:
    found = required(
        {
            ("基本信息", "B2"): None,  # 标题
            ("基本信息", "B5"): None,  # 成文日期
            ("基本信息", "B7"): None,  # 年度
            ("基本信息", "B8"): None,  # 月份
            ("项目", "A3"): None,  # 项目名称
            ("指标", "A6"): "只有目标",  # a target without a unit
            ("指标", "U6"): "不少于",
            ("指标", "V6"): 5,
        }
    )
    expected = {place: problem.expected or "" for place, problem in found.items()}
    assert "2024-09-23" in expected["基本信息!B5"]
    assert "1949" in expected["基本信息!B7"] and "2200" in expected["基本信息!B7"]
    assert "前三季度" in expected["基本信息!B8"]
    assert "报告标题" in expected["基本信息!B2"]
    assert "项目名称" in expected["项目!A3"]
    assert "万元" in expected["指标!W6"] and "{" not in expected["指标!W6"]
    for place, text in expected.items():
        assert text not in ("文字", "") and not text.startswith("填写“"), (place, text)


def test_excel_and_check_say_the_same_about_a_cell() -> None:
    """The drop-down's refusal in Excel and ``check``'s "required" message come from one declaration."""
    book = openpyxl.load_workbook(io.BytesIO(example_workbook()))
    by_cell = {str(v.sqref).split(":")[0]: v for v in sheet(book, "指标").data_validations.dataValidation}
    found = required({("指标", "D2"): None, ("基本信息", "B5"): None})
    assert by_cell["D2"].error == f"这里应填：{found['指标!D2'].expected}"
    info = {str(v.sqref): v for v in sheet(book, "基本信息").data_validations.dataValidation}
    assert info["B5"].error == f"这里应填：{found['基本信息!B5'].expected}"


def test_a_workbook_saved_by_a_spreadsheet_program_keeps_percentages_and_merges(tmp_path: Path) -> None:
    """LibreOffice writes its own number formats and merge records: read the same way as openpyxl's."""

    def merge_too(book: Workbook) -> None:
        sheet(book, "项目").merge_cells("O2:O3")

    (tmp_path / "percent.xlsx").write_bytes(percent_figure(0.9234, "0.00%"))
    (tmp_path / "merged.xlsx").write_bytes(edited(merge_too, percent_figure(0.92, "0%")))
    subprocess.run(
        [str(find_soffice()), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
         str(tmp_path / "percent.xlsx"), str(tmp_path / "merged.xlsx")],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    figure = load((tmp_path / "out" / "percent.xlsx").read_bytes()).figure("完成率")
    assert figure is not None and isinstance(figure.source, Quantity)
    assert str(figure.source.value) == "92.34" and figure.source.unit.symbol == "%"
    problem = only((tmp_path / "out" / "merged.xlsx").read_bytes())
    assert problem.code == "RG118" and problem.place == "项目!O2:O3"


# -- Excel's _xHHHH_ escapes --------------------------------------------------------------------------
def test_a_carriage_return_stored_as_x000d_is_a_line_break_not_text() -> None:
    """Text pasted from Word keeps its CR; Excel stores it as ``_x000D_``, openpyxl leaves it as written."""

    def paste(book: Workbook) -> None:
        sheet(book, "正文")["D2"] = "全县低保工作稳步推进。CRLF各乡镇按月发放。"

    def escape_cr(data: bytes) -> bytes:
        assert data.count(b"CRLF") == 1
        return data.replace(b"CRLF", b"_x000D_\n")

    raw = rewrite_part(edited(paste), f"xl/worksheets/sheet{SHEET_PARTS['正文']}.xml", escape_cr)
    paragraph = load(raw).sections[0].paragraphs[0]
    assert paragraph == "全县低保工作稳步推进。各乡镇按月发放。"
