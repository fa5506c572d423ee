"""Declared tables (``表格``) in the Excel ledger: one sheet each, the table as it prints (docs/tables.md
“Excel 台账中的表格”).

- Lossless: every ledger of ``tests/data/tables`` goes YAML → .xlsx → YAML → .xlsx to the same model,
  byte-identical the second time, with the same ``check`` findings from either form.
- The sheet a clerk sees: title merged over the table, spanners merged over their columns, leaf
  labels (显示为), group names merged down their rows, computed columns grey with a note, number
  formats per column (% as a percentage), widths from the content, the print area the table alone.
- Clerk habits: 92% typed in a % column, a group name typed in every row instead of merged, numbers
  typed as text, blank rows at the end; every problem names ``sheet!cell`` with its code.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import reportgen
from reportgen.base.errors import LedgerError
from reportgen.cli import main as cli_main
from reportgen.ledger.excel.read import parse_workbook_ledger
from reportgen.ledger.excel.tablesheet import (
    MAX_SHEET_NAME,
    Line,
    Slot,
    formula_plain,
    formula_text,
    read_lines,
    sheet_name,
)
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.model import DeclaredRow, Ledger, Printed, RowGroup
from reportgen.render.pdf.soffice import find_soffice
from tests.test_declared_tables import GROUPS
from tests.test_declared_tables import HEAD as GROUPS_HEAD
from tests.test_excel_ledger import comparable, difference, round_trip

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "tests" / "data" / "tables"
SHAPES = sorted(TABLES.glob("*.yaml"))


def workbook_of(name: str, edit: Callable[[str], str] | None = None) -> bytes:
    text = (TABLES / name).read_text("utf-8")
    if edit is not None:
        text = edit(text)
    return workbook_bytes(parse_yaml(text.encode("utf-8"), name).data)  # type: ignore[arg-type]


def edited(raw: bytes, sheet: str, edit: Callable[[Worksheet], object]) -> bytes:
    """The workbook after a clerk's edit of one sheet in a spreadsheet program."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    worksheet = book[sheet]
    assert isinstance(worksheet, Worksheet)
    edit(worksheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_of(raw: bytes) -> Ledger:
    return parse_workbook_ledger(raw, Path("台账.xlsx"))


def problems_of(raw: bytes) -> list[tuple[str, str | None]]:
    with pytest.raises(LedgerError) as caught:
        ledger_of(raw)
    return [(p.code, p.place) for p in caught.value.problems]


def opened(raw: bytes, sheet: str) -> Worksheet:
    worksheet = openpyxl.load_workbook(io.BytesIO(raw))[sheet]
    assert isinstance(worksheet, Worksheet)
    return worksheet


# -- lossless ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHAPES, ids=[p.stem for p in SHAPES])
def test_every_table_ledger_round_trips(path: Path) -> None:
    trip = round_trip(path.read_bytes())
    assert trip.models[0].tables and comparable(trip.models[1].tables) == comparable(trip.models[0].tables)
    book = openpyxl.load_workbook(io.BytesIO(trip.workbook))
    for table in trip.models[0].tables:
        assert table.id in book.sheetnames  # one sheet per table, named by its 编号
    assert book.sheetnames[-1] == "选项"


TABLE_FINDINGS = ("RG214", "RG215")
BODY = "正文:\n  - 标题: 总体情况\n    段落: 详见附表。\n"  # a 民生实事 report needs one to convert


def made_wrong(text: str) -> str:
    """A shape's ledger with published values made wrong, so ``check`` has something to find: RG214
    from a 公布值, RG215 from a 合计应等于 (funds) or a group's own 工作目标 (target-completion)."""
    for good, bad in (("92.58", "93.58"), ("95.83", "96.83"), ("94.0", "95.0"), ("96.93", "106.93")):
        text = text.replace(good, bad)
    text = text.replace("数值: 86.5", "数值: 87.5").replace("得分: {公布值: 14.93}", "得分: {公布值: 19.93}")
    return text.replace("工作目标: 3000", "工作目标: 3100")


def wrong_ledger(name: str, tmp_path: Path) -> Path:
    """A ledger to check: a shape of ``tests/data/tables`` made wrong, or (``分组表``) the groups of
    test_declared_tables with a group's 计划 its rows do not add up to (which puts its 小计's and the 合计's
    公布值 off too), a wrong row 公布值 and 合计公布值, and a 合计应等于 figure 1 元 off."""
    if name == "分组表":
        figures = "指标:\n  支出总额: {名称: 支出总额, 数值: 580001, 单位: 元}\n"
        tables = GROUPS.replace(
            "    合计行: 是\n", "    合计行: 是\n    合计应等于: {支出: {指标: 支出总额}}\n"
        )
        tables = tables.replace("{公布值: 100.00}", "{公布值: 99.00}").replace("执行率: 82.86", "执行率: 85")
        text = GROUPS_HEAD + BODY + figures + "表格:\n" + tables.replace("计划: 30.00", "计划: 31.00")
    else:
        text = made_wrong((TABLES / name).read_text("utf-8"))
    source = tmp_path / (name + ".yaml" if name == "分组表" else name)
    source.write_text(text, "utf-8")
    return source


@pytest.mark.parametrize("path", SHAPES, ids=[p.stem for p in SHAPES])
def test_the_same_findings_from_yaml_and_from_excel(path: Path, tmp_path: Path) -> None:
    """``check`` finds the same things in both forms; a table's finding in a workbook is at its cell
    (``sheet!cell``), the YAML place — table, row and column — leading the message."""
    source = wrong_ledger(path.name, tmp_path)
    workbook = reportgen.convert_ledger(source, tmp_path / "台账.xlsx")

    def found(ledger: Path) -> list[tuple[str, str, str | None]]:
        return [(f.code, f.problem.message, f.problem.place) for f in reportgen.load(ledger).check()]

    from_yaml = found(source)
    assert any(code in TABLE_FINDINGS for code, _, _ in from_yaml), from_yaml
    assert all(place is not None and place.startswith("表格“") for _, _, place in from_yaml)
    from_excel = found(workbook)
    assert [(code, message) for code, message, _ in from_excel] == [
        (code, f"{place}：{message}" if code in TABLE_FINDINGS else message)
        for code, message, place in from_yaml
    ]
    assert all(place is not None and CELL_PLACE.match(place) for _, _, place in from_excel), from_excel


CELL_PLACE = re.compile(r"^[^!]+![A-Z]+[0-9]+$")


@pytest.mark.parametrize("name", [*(p.name for p in SHAPES), "分组表"])
def test_check_puts_table_findings_at_the_cell_the_clerk_typed(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``reportgen check`` of a workbook names the cell: RG214 the wrong 公布值 (a row's, a 小计's, the
    合计's), RG215 a group's own value its rows do not add up to, or the 合计应等于 naming the figure.
    The cell at that address holds what the message quotes."""
    workbook = reportgen.convert_ledger(wrong_ledger(name, tmp_path), tmp_path / "台账.xlsx")
    assert cli_main(["check", str(workbook)]) == 0
    book = openpyxl.load_workbook(workbook)
    lines = [
        line
        for line in capsys.readouterr().err.splitlines()
        if line.split(" ")[1:2] in (["RG214"], ["RG215"])
    ]
    assert lines
    for line in lines:
        place, _, rest = line.partition(f"（{workbook} ")[2].partition("）：")
        message = rest.rpartition("；应为：")[0]
        assert CELL_PLACE.match(place) and message.startswith("表格“"), line
        sheet, _, ref = place.partition("!")
        cell = book[sheet][ref]
        if (printed := re.search(r"：公布值 (-?[0-9.]+)", message)) or (
            printed := re.search(r"与本组 (-?[0-9.]+)", message)
        ):
            if isinstance(cell.value, str):  # a 公布值 whose trailing zeros a number would lose: 95.0%
                shown = Decimal(cell.value.removesuffix("%"))
            else:
                assert isinstance(cell.value, int | float), line
                shown = Decimal(str(cell.value)) * (100 if "%" in cell.number_format else 1)
            assert shown == Decimal(printed.group(1)), line
        else:
            figure = re.search(r"与指标“([^”]+)”", message)
            assert figure is not None and cell.value == figure.group(1), line


@pytest.mark.parametrize(
    ("figures", "tables", "words", "holds"),
    [
        (
            "指标:\n  支出人数: {名称: 支出人数, 数值: 580000, 单位: 人}\n",
            GROUPS.replace("    合计行: 是\n", "    合计行: 是\n    合计应等于: {支出: {指标: 支出人数}}\n"),
            "表格“分组表”合计应等于：",
            "支出人数",
        ),
        (
            "指标:\n  低保支出: {名称: 低保支出, 数值: 80000, 单位: 元}\n",
            "  - 编号: 无单位\n    标题: 无单位\n"
            "    列:\n      - {名称: 项目, 文本: 是}\n      - {名称: 数}\n"
            "    行:\n      - {项目: 低保, 数: {指标: 低保支出}}\n",
            "表格“无单位”第1行“数”：",
            "低保支出",
        ),
    ],
    ids=["total-equals", "quoted-cell"],
)
def test_a_figure_of_another_unit_names_the_cell_that_quotes_it(
    figures: str, tables: str, words: str, holds: str, tmp_path: Path
) -> None:
    """RG113 of a table (a 合计应等于 or a cell quoting a figure the column's unit cannot take) is at the
    cell that names the figure, the table's words leading the message."""
    source = tmp_path / "台账.yaml"
    source.write_text(GROUPS_HEAD + BODY + figures + "表格:\n" + tables, "utf-8")
    workbook = reportgen.convert_ledger(source, tmp_path / "台账.xlsx")
    with pytest.raises(LedgerError) as caught:
        reportgen.load(workbook).check()
    (problem,) = caught.value.problems
    assert problem.code == "RG113" and problem.place is not None and CELL_PLACE.match(problem.place)
    assert problem.message.startswith(words)
    sheet, _, ref = problem.place.partition("!")
    assert opened(workbook.read_bytes(), sheet)[ref].value == holds


@pytest.mark.parametrize("path", SHAPES, ids=[p.stem for p in SHAPES])
def test_the_excel_ledger_prints_the_same_tables(path: Path, tmp_path: Path) -> None:
    """The report of the converted workbook is the report of the YAML ledger, byte for byte."""
    workbook = reportgen.convert_ledger(path, tmp_path / "台账.xlsx")
    report = reportgen.load(path)
    for fmt in ("md", "html"):
        printed = report.to_bytes(fmt)
        assert all(t.title.encode("utf-8") in printed for t in report.ledger.tables), fmt
        assert reportgen.load(workbook).to_bytes(fmt) == printed, fmt


def test_excel_to_yaml_to_excel_is_stable(tmp_path: Path) -> None:
    """A workbook a clerk edited (92% typed, a name repeated instead of merged) converts to YAML and
    back to the same workbook as that YAML gives, and to the same model."""
    raw = edited(workbook_of("target-completion.yaml"), "目标完成", _clerk_edits)
    (tmp_path / "a.xlsx").write_bytes(raw)
    yaml_path = reportgen.convert_ledger(tmp_path / "a.xlsx", tmp_path / "b.yaml")
    again = reportgen.convert_ledger(yaml_path, tmp_path / "c.xlsx")
    back = reportgen.convert_ledger(again, tmp_path / "d.yaml")
    assert back.read_bytes() == yaml_path.read_bytes()
    assert reportgen.convert_ledger(back, tmp_path / "e.xlsx").read_bytes() == again.read_bytes()
    first, last = comparable(ledger_of(raw).tables), comparable(ledger_of(again.read_bytes()).tables)
    assert first == last, difference(first, last)


def _clerk_edits(sheet: Worksheet) -> None:
    sheet["H17"] = 0.92  # 92% typed into 完成率 of 集中供养
    sheet["H17"].number_format = "0%"
    sheet.unmerge_cells("B19:B21")  # 临时救助 typed in each of its rows
    sheet["B20"] = sheet["B21"] = "临时救助"


# -- the sheet a clerk sees ---------------------------------------------------------------------------


def test_the_sheet_is_the_printed_table() -> None:
    sheet = opened(workbook_of("fund-use.yaml"), "资金使用")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "表格编号" and sheet["B1"].value == "资金使用"
    assert sheet["A14"].value == "标题" and sheet["B14"].value == "各乡镇临时救助资金使用情况"
    assert "B14:L14" in merged  # the title over the table's 11 columns
    # Two header rows: 乡镇审批 over 户数 | 金额; 单位 and 户籍人口数 run through both rows.
    assert [sheet.cell(15, c).value for c in range(2, 13)] == [
        "单位",
        "户籍人口数",
        "应使用资金",
        "乡镇审批",
        None,
        "区审批",
        None,
        "合计",
        None,
        "实际使用·占应使用比例",
        "排名",
    ]
    assert [sheet.cell(16, c).value for c in range(5, 11)] == ["户数", "金额"] * 3
    assert {"E15:F15", "G15:H15", "I15:J15", "B15:B16", "K15:K16", "A15:A16"} <= merged
    assert sheet["A15"].value == "表头" and sheet.freeze_panes == "B17"
    # Column declarations stand over their columns.
    assert [sheet.cell(3, c).value for c in range(2, 5)] == ["单位", "户籍人口数", "应使用资金"]
    assert sheet["A2"].value == "位置" and sheet["A9"].value == "公式"
    assert sheet["D9"].value == "乘：户籍人口数、7元" and sheet["K9"].value == "商：合计金额、应使用资金"
    # Rows: numbers as numbers in each column's format; the rate as a percentage; formula columns grey.
    assert sheet["B17"].value == "城关镇" and sheet["C17"].value == 52000
    assert sheet["C17"].number_format == "#,##0" and sheet["F17"].number_format == "#,##0.00"
    assert sheet["K17"].value == pytest.approx(0.9258) and sheet["K17"].number_format == "0.00%"
    assert sheet["K17"].fill.fgColor.rgb.endswith("D9D9D9") and sheet["C17"].fill.fgColor.rgb != "00D9D9D9"
    assert sheet["K15"].comment is not None and "公布值" in sheet["K15"].comment.text
    # The 合计 row: marked, labelled, its 公布值 in the computed columns, bold.
    assert sheet["A21"].value == "合计" and sheet["B21"].value == "合计"
    assert sheet["D21"].value == pytest.approx(98.7) and sheet["K21"].value == pytest.approx(0.9635)
    assert sheet["D21"].font.b and sheet.max_row == 21
    # Widths from content; the printout is the table alone, its header repeated on every page.
    widths = {c: sheet.column_dimensions[c].width for c in "BCK"}
    assert widths["K"] > widths["B"] and widths["C"] >= 10
    assert sheet.print_area == "'资金使用'!$B$14:$L$21"
    assert sheet.print_title_rows == "$15:$16"


def test_groups_are_merged_down_their_rows() -> None:
    sheet = opened(workbook_of("target-completion.yaml"), "目标完成")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B16:B18", "B19:B21"} <= merged
    assert sheet["A16"].value == "分组 核对：工作目标、已完成数" and sheet["B16"].value == "特困人员救助供养"
    assert sheet["A17"].value is None and sheet["C17"].value == "集中供养"
    assert sheet["A22"].value is None and sheet["B22"].value == "养老机构床位"  # its own text, unmerged
    assert sheet["H21"].value == "80.00%"  # a 公布值 whose last zeros count stays text, as typed
    assert sheet["G16"].number_format == "0%" and sheet["H16"].number_format == "0.00%"
    nested = opened(workbook_of("self-evaluation.yaml"), "绩效自评")
    levels = {str(r) for r in nested.merged_cells.ranges}
    assert "B16:B18" in levels  # 产出指标 over its three 二级指标, each of one row (unmerged)
    assert [nested.cell(r, 1).value for r in range(16, 21)] == ["单行分组"] * 5  # nothing to merge: said
    assert [nested.cell(r, 3).value for r in range(16, 19)] == ["数量指标", "质量指标", "时效指标"]
    assert nested["A21"].value == "合计" and nested["B21"].value == "合计"


def test_sheet_names_follow_excels_rules() -> None:
    taken = {"说明", "基本信息", "指标", "项目", "正文", "选项"}
    assert sheet_name("指标", taken) == "指标（2）"
    assert sheet_name("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    long = sheet_name("长" * 40, taken)
    assert len(long) == MAX_SHEET_NAME and sheet_name("长" * 40, taken) == "长" * 28 + "（2）"
    assert sheet_name("'引号'", taken) == "引号"


def test_formulas_as_text_round_trip() -> None:
    for formula in (
        {"乘": ["户籍人口数", {"数值": 7, "单位": "元"}]},
        {"求和": ["甲", "乙", "丙"]},
        {"商": ["分子", "分母"]},
        {"占合计": "金额"},
        {"排名": "率", "顺序": "升序"},
        {"乘": ["分值", "完成率"]},
        {"乘": [{"数值": Decimal("0.5")}, "金额"]},
    ):
        assert formula_plain(formula_text(formula)) == formula
    assert formula_plain("商: 甲 , 乙") == {"商": ["甲", "乙"]}  # half-width colon and commas too


# -- clerk habits -----------------------------------------------------------------------------------


def _rows(ledger: Ledger) -> tuple[DeclaredRow | RowGroup, ...]:
    return ledger.tables[0].rows


def test_percent_typed_or_as_text_reads_as_shown() -> None:
    raw = workbook_of("target-completion.yaml")
    for edit in (
        lambda s: (s.__setitem__("H17", 0.92), setattr(s["H17"], "number_format", "0%")),
        lambda s: s.__setitem__("H17", "92%"),
        lambda s: (s.__setitem__("H17", 92), setattr(s["H17"], "number_format", "General")),
    ):
        group = _rows(ledger_of(edited(raw, "目标完成", edit)))[0]
        assert isinstance(group, RowGroup) and isinstance(group.rows[0], DeclaredRow)
        assert group.rows[0].cell("完成率") == Printed(Decimal(92))


def test_a_percentage_where_the_column_is_not_in_percent_is_refused() -> None:
    raw = edited(
        workbook_of("target-completion.yaml"),
        "目标完成",
        lambda s: (s.__setitem__("E17", 0.92), setattr(s["E17"], "number_format", "0%")),
    )
    assert problems_of(raw) == [("RG105", "目标完成!E17")]


def test_a_group_name_typed_in_each_row_or_merged_is_the_same_group() -> None:
    raw = workbook_of("target-completion.yaml")
    expected = comparable(ledger_of(raw).tables)

    def typed(sheet: Worksheet) -> None:
        for cells in ("B16:B18", "B19:B21"):
            sheet.unmerge_cells(cells)
        for row in (17, 18):
            sheet[f"B{row}"] = "特困人员救助供养"
        for row in (20, 21):
            sheet[f"B{row}"] = "临时救助"

    assert comparable(ledger_of(edited(raw, "目标完成", typed)).tables) == expected


def test_a_clerk_merges_a_new_group_over_its_rows() -> None:
    raw = workbook_of("fund-use.yaml")

    def grouped(sheet: Worksheet) -> None:
        sheet["B17"] = "城关片区"  # the 单位 column is the default 分组列
        sheet.merge_cells("B17:B18")

    group = _rows(ledger_of(edited(raw, "资金使用", grouped)))[0]
    assert isinstance(group, RowGroup) and group.name == "城关片区" and len(group.rows) == 2
    assert all(isinstance(r, DeclaredRow) and r.cell("户籍人口数") for r in group.rows)


def test_numbers_as_text_and_blank_rows_at_the_end() -> None:
    raw = workbook_of("fund-use.yaml")

    def habits(sheet: Worksheet) -> None:
        sheet["C17"] = "52,000"
        sheet["F17"] = "１８.５"
        for row in range(22, 41):  # blank rows after the 合计, with borders a clerk drew
            sheet.cell(row, 3).value = " "
            sheet.cell(row, 4).number_format = "0.00"

    expected = comparable(ledger_of(raw).tables)
    assert comparable(ledger_of(edited(raw, "资金使用", habits)).tables) == expected


def test_a_figure_quoted_in_a_cell_round_trips_and_shows_its_id() -> None:
    def quoted(text: str) -> str:
        return text.replace("金额: 41.3, 会计凭证号", "金额: {指标: 适老化设备}, 会计凭证号").replace(
            "指标:\n", "指标:\n  适老化设备: {数值: 41.3, 单位: 万元}\n"
        )

    assert "适老化设备" in quoted((TABLES / "funds.yaml").read_text("utf-8"))
    source = quoted((TABLES / "funds.yaml").read_text("utf-8"))
    trip = round_trip(source.encode("utf-8"))
    sheet = opened(trip.workbook, "支出明细")
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "适老化设备")
    assert cell.font.color is not None and cell.font.color.rgb.endswith("0563C1")


# -- problems name the cell ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s.__setitem__("G9", "商：已完成、工作目标"), [("RG121", "目标完成!G9")]),
        (lambda s: s.__setitem__("G9", "除：已完成数、工作目标"), [("RG105", "目标完成!G9")]),
        (lambda s: s.__setitem__("E17", "四百"), [("RG106", "目标完成!E17")]),
        (lambda s: s.__setitem__("E17", "12.3万"), [("RG106", "目标完成!E17")]),
        (lambda s: s.merge_cells("E17:F17"), [("RG118", "目标完成!E17:F17")]),
        (lambda s: s.__setitem__("A17", "分組"), [("RG105", "目标完成!A17")]),
        (lambda s: s.__setitem__("A5", "文字"), [("RG116", "目标完成!A5")]),
        (lambda s: s.__setitem__("A6", None), [("RG116", "目标完成!A6")]),
        (lambda s: s.__setitem__("G13", "支出总额"), [("RG126", "目标完成!G13")]),
        (
            lambda s: [s.__setitem__(c, v) for c, v in (("A17", "小计"), ("C17", None), ("D17", None))],
            [("RG105", "目标完成!A18")],
        ),
        (
            lambda s: s.__setitem__("A17", "小计"),
            [("RG105", "目标完成!C17"), ("RG105", "目标完成!D17"), ("RG105", "目标完成!A18")],
        ),
        (lambda s: s.__setitem__("J17", 5), [("RG116", "目标完成!J17")]),
    ],
    ids=[
        "unknown-operand",
        "unknown-formula",
        "words",
        "wan",
        "merged",
        "marker",
        "setting",
        "no-setting-name",
        "equals",
        "after-subtotal",
        "text-in-subtotal",
        "no-column",
    ],
)
def test_every_problem_names_its_cell(
    edit: Callable[[Worksheet], object], expected: list[tuple[str, str]]
) -> None:
    assert problems_of(edited(workbook_of("target-completion.yaml"), "目标完成", edit)) == expected


def test_a_count_with_decimals_names_its_cell_and_its_row() -> None:
    raw = edited(workbook_of("fund-use.yaml"), "资金使用", lambda s: s.__setitem__("C18", 38000.5))
    with pytest.raises(LedgerError) as caught:
        ledger_of(raw)
    (problem,) = caught.value.problems
    assert (problem.code, problem.place) == ("RG123", "资金使用!C18")
    assert problem.message.startswith("表格“各乡镇临时救助资金使用情况”第2行“户籍人口数”：")


# -- what the sheet cannot hold is refused, never changed ----------------------------------------------


def test_a_shape_the_sheet_cannot_hold_is_refused() -> None:
    """A 合计公布值 without 合计行 would come back with a 合计 row: refused, not changed."""
    text = (TABLES / "fund-use.yaml").read_text("utf-8").replace("    合计行: 是\n", "")
    with pytest.raises(LedgerError) as caught:
        workbook_bytes(parse_yaml(text.encode("utf-8"), "a.yaml").data)  # type: ignore[arg-type]
    assert caught.value.code == "RG126" and "各乡镇临时救助资金使用情况" in caught.value.problems[0].message


def test_neighbouring_groups_of_one_row_with_one_name_stay_apart() -> None:
    text = (TABLES / "self-evaluation.yaml").read_text("utf-8").replace("分组: 质量指标", "分组: 数量指标")
    trip = round_trip(text.encode("utf-8"))
    first = trip.models[1].tables[0].rows[0]
    assert isinstance(first, RowGroup) and [g.name for g in first.rows] == [
        "数量指标",
        "数量指标",
        "时效指标",
    ]  # type: ignore[union-attr]


def test_equal_names_in_a_table_without_groups_stay_rows() -> None:
    raw = edited(workbook_of("funds.yaml"), "支出明细", lambda s: s.__setitem__("B17", "适老化设备购置"))
    rows = ledger_of(raw).tables[1].rows
    assert len(rows) == 3 and all(isinstance(r, DeclaredRow) for r in rows)
    assert [r.cell("支出内容") for r in rows[:2]] == ["适老化设备购置"] * 2  # type: ignore[union-attr]


def test_reading_lines_groups_by_merge_by_repeat_and_by_mark() -> None:
    """A merged range is one group; the name typed again under it continues it; a row marked
    单行分组 starts its own group even under an open group of the same name; unmarked text is own."""
    lines = [
        Line("", {"组": Slot("甲", span="B1"), "数": Slot(1)}),
        Line("", {"组": Slot("甲", span="B1"), "数": Slot(2)}),
        Line("", {"组": Slot("甲"), "数": Slot(3)}),
        Line("单行分组", {"组": Slot("甲"), "数": Slot(4)}),
        Line("", {"组": Slot("乙"), "数": Slot(5)}),
    ]
    rows = read_lines(lines, ["组"]).rows
    assert rows == [
        {"分组": "甲", "行": [{"数": 1}, {"数": 2}, {"数": 3}]},
        {"分组": "甲", "行": [{"数": 4}]},
        {"组": "乙", "数": 5},
    ]


def test_the_place_of_a_table_round_trips() -> None:
    text = (TABLES / "target-completion.yaml").read_text("utf-8")
    placed = text.replace(
        "    标题: 2024年目标任务完成情况\n", "    标题: 2024年目标任务完成情况\n    位置: {章节: 总体情况}\n"
    )
    assert placed != text
    trip = round_trip(placed.encode("utf-8"))
    assert opened(trip.workbook, "目标完成")["B2"].value == "章节：总体情况"
    assert trip.models[1].tables[0].after_section == "总体情况"
    wrong = edited(trip.workbook, "目标完成", lambda s: s.__setitem__("B2", "附录"))
    assert problems_of(wrong) == [("RG105", "目标完成!B2")]


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice missing")
def test_a_table_sheet_saved_by_a_spreadsheet_program(tmp_path: Path) -> None:
    """LibreOffice opens and saves the workbook (merges, percentages, text numbers as it keeps them):
    every table reads back as the same model."""
    names = [p.stem for p in SHAPES]
    for stem in names:
        (tmp_path / f"{stem}.xlsx").write_bytes(workbook_of(f"{stem}.yaml"))
    subprocess.run(
        [str(find_soffice()), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
         *(str(tmp_path / f"{stem}.xlsx") for stem in names)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    for stem in names:
        before = comparable(ledger_of((tmp_path / f"{stem}.xlsx").read_bytes()).tables)
        after = comparable(ledger_of((tmp_path / "out" / f"{stem}.xlsx").read_bytes()).tables)
        assert after == before, (stem, difference(before, after))


def test_a_table_wider_than_the_reader_reads_is_refused() -> None:
    """The workbook reader reads 64 columns of a sheet (``extract.MAX_COLUMNS``); a wider table would
    lose its last columns on the way back, so it is not written."""
    head = (TABLES / "funds.yaml").read_text("utf-8").split("表格:")[0]
    columns = "\n".join(f"      - {{名称: 列{i}, 单位: 人}}" for i in range(1, 65))
    text = head + f"表格:\n  - 编号: 宽表\n    标题: 宽表\n    列:\n{columns}\n    行:\n      - {{列1: 1}}\n"
    data = parse_yaml(text.encode("utf-8"), "a.yaml").data
    with pytest.raises(LedgerError) as caught:
        workbook_bytes(data)  # type: ignore[arg-type]
    assert caught.value.code == "RG114"
    narrower = text.replace("      - {名称: 列64, 单位: 人}\n", "")
    assert ledger_of(workbook_bytes(parse_yaml(narrower.encode("utf-8"), "a.yaml").data)).tables  # type: ignore[arg-type]


def test_a_huge_merged_range_on_a_table_sheet_costs_only_the_cells_read(tmp_path: Path) -> None:
    """A hostile <mergeCell ref="K40:XFD1048576"/> (10¹⁰ cells in a 40 KB file) is clipped to the cells
    the reader took (64 columns, the sheet's rows): it loads in the usual time and memory."""
    import re as _re
    import zipfile as _zipfile

    source = tmp_path / "shape.xlsx"
    reportgen.convert_ledger(Path(__file__).parent / "data" / "tables" / "fund-use.yaml", source)
    hostile = tmp_path / "hostile.xlsx"
    with _zipfile.ZipFile(source) as original, _zipfile.ZipFile(hostile, "w") as changed:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<mergeCells" in data:
                text = data.decode()
                count = int(_re.search(r'<mergeCells count="(\d+)"', text).group(1))  # type: ignore[union-attr]
                text = text.replace(f'<mergeCells count="{count}">', f'<mergeCells count="{count + 1}">')
                huge = '<mergeCell ref="Z60:XFD1048576"/>'
                data = text.replace("</mergeCells>", huge + "</mergeCells>").encode()
            changed.writestr(item, data)
    with contextlib.suppress(reportgen.LedgerError):  # refused is fine too; what matters is that it returns
        reportgen.load(hostile)


def test_names_excel_would_misread_or_reject_are_handled_on_writing(tmp_path: Path) -> None:
    """A formula over columns named 2024年 or 增加 额 cannot be written as text and read back: the
    conversion refuses it (RG126) instead of writing a workbook that fails later; a sheet name never
    ends in an apostrophe and is never Excel's own History."""
    from reportgen.ledger.excel.tablesheet import sheet_name

    source = tmp_path / "years.yaml"
    text = (Path(__file__).parent / "data" / "tables" / "funds.yaml").read_text(encoding="utf-8")
    head = text.split("表格:")[0]
    source.write_text(
        head + "表格:\n  - 编号: 两年\n    标题: 两年对比\n    列:\n      - {名称: 项目, 文本: 是}\n"
        "      - {名称: 2023年, 单位: 万元}\n      - {名称: 2024年, 单位: 万元}\n"
        "      - {名称: 增加额, 单位: 万元, 公式: {差: [2024年, 2023年]}}\n"
        "    行:\n      - {项目: 低保, 2023年: 1, 2024年: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as caught:
        reportgen.convert_ledger(source, tmp_path / "years.xlsx")
    assert [p.code for p in caught.value.problems] == ["RG126"]
    assert not (tmp_path / "years.xlsx").exists()
    assert not sheet_name("长" * 30 + "'x", set()).endswith("'")
    assert sheet_name("'History'", set()) != "History"
