"""Declared tables (表格) in the .xlsx with formulas asked for (``--total-formulas``): every computed cell
is a formula with the exact computed value cached, the cached values are the values written without
formulas, and the formulas compute those values — by a small evaluator of the shapes written here,
and by LibreOffice recalculating a copy whose cached values were removed."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

import reportgen
from reportgen.render.options import RenderOptions
from reportgen.render.pdf.soffice import find_soffice
from tests.conftest import TABLE_LEDGER_HEAD

TABLES = Path(__file__).parent / "data" / "tables"
SHAPES = sorted(TABLES.glob("*.yaml"))
SAMPLES = Path(__file__).parent.parent / "samples"

# What the five shapes leave out: 小计 rows, a group's own row a 小计 adds instead of its rows, 占合计,
# an ascending 排名 with a tie as printed (280.83 and 280.79 both print 280.8), a 元 column added into
# 万元, a 万元 − 元 difference in 元, a % factor, a missing operand and a zero denominator ("—"), and a
# name that looks like a formula.
MIXED = (
    f"标题: 公式测试\n{TABLE_LEDGER_HEAD}"
    + """\
表格:
  - 编号: 片区
    标题: 各片区临时救助情况
    列:
      - {名称: 片区, 文本: 是}
      - {名称: 乡镇, 文本: 是}
      - {名称: 人数, 单位: 人}
      - {名称: 乡镇金额, 单位: 元, 小数位: 0}
      - {名称: 区金额, 单位: 万元}
      - {名称: 金额, 单位: 万元, 公式: {求和: [乡镇金额, 区金额]}}
      - {名称: 人均, 单位: 元, 小数位: 1, 公式: {商: [金额, 人数]}}
      - {名称: 结余, 单位: 元, 小数位: 0, 公式: {差: [区金额, 乡镇金额]}}
      - {名称: 占比, 单位: "%", 公式: {占合计: 金额}}
      - {名称: 名次, 公式: {排名: 人均, 顺序: 升序}}
      - {名称: 系数, 单位: "%", 合计: 无}
      - {名称: 折算, 单位: 万元, 公式: {乘: [系数, 区金额]}}
    分组列: [片区]
    行:
      - 分组: 东片
        小计: 是
        行:
          - {乡镇: 城关镇, 人数: 120, 乡镇金额: 18500, 区金额: 1.52, 系数: 50}
          - {乡镇: 龙泉镇, 人数: 90, 乡镇金额: 14300, 区金额: 1.18, 系数: 40}
      - 分组: 西片
        小计: 是
        人数: 300
        核对: [人数]
        行:
          - {乡镇: 金星乡, 人数: 200, 乡镇金额: 8200, 系数: 30}
          - {乡镇: 安平镇, 人数: 100, 乡镇金额: 12079, 区金额: 1.6, 系数: 20}
      - {乡镇: +新区, 人数: 0, 乡镇金额: 0, 区金额: 0, 系数: 10}
    合计行: 是
"""
)


def workbook_bytes(source: Path | str, formulas: bool) -> bytes:
    options = RenderOptions(xlsx_total_formulas=formulas)
    if isinstance(source, Path):
        return reportgen.load(source, options=options).to_bytes("xlsx")
    return reportgen.loads(source, "mixed.yaml", options=options).to_bytes("xlsx")


# the samples that declare tables too (绩效自评, 通报, 公示)
SAMPLED = [p for p in sorted(SAMPLES.glob("*.yaml")) if "\n表格:" in p.read_text("utf-8")]
# and the 一览表, a preset of 表格: its 占计划比例 are 商 columns like any other
PRESET = SAMPLES / "jialing-2024q3.yaml"
CASES: list[Path | str] = [*SHAPES, *SAMPLED, PRESET, MIXED]
IDS = [*(p.stem for p in (*SHAPES, *SAMPLED, PRESET)), "mixed"]


def formula_cells(data: bytes) -> dict[tuple[str, str], str]:
    """(sheet, cell) → formula (with its =) of every formula cell."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        (sheet.title, cell.coordinate): str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


@pytest.mark.parametrize("source", CASES, ids=IDS)
def test_cached_values_are_the_values_written_without_formulas(source: Path | str) -> None:
    """Cell by cell, the workbook with formulas read as Excel shows it before recalculating (its
    cached values) equals the workbook without: same numbers, same "—", same blanks; only computed
    cells became formulas, never a typed number or a text."""
    plain, with_formulas = workbook_bytes(source, False), workbook_bytes(source, True)
    assert not formula_cells(plain)
    formulas = formula_cells(with_formulas)
    assert formulas
    shown = openpyxl.load_workbook(io.BytesIO(with_formulas), data_only=True)
    values = openpyxl.load_workbook(io.BytesIO(plain))
    assert shown.sheetnames == values.sheetnames
    for a, b in zip(shown.worksheets, values.worksheets, strict=True):
        assert a.max_row == b.max_row and a.max_column == b.max_column
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for cell_a, cell_b in zip(row_a, row_b, strict=True):
                assert cell_a.value == cell_b.value, (a.title, cell_a.coordinate)
                assert cell_a.number_format == cell_b.number_format
                if (a.title, cell_a.coordinate) in formulas:
                    assert isinstance(cell_b.value, (int, float)), "a formula where no number was computed"
                    assert cell_b.font.name == cell_a.font.name  # the cell's style is kept


def test_the_formulas_of_the_first_shape() -> None:
    """资金使用: 应使用资金 = 户籍人口数 × 7 元 in 万元 (/10000); 合计 sums the rows; the rate from the
    合计's own cells with the "—" guard; the rank over the rates rounded as they print (2 decimals of
    a percentage stored as its fraction: 4)."""
    formulas = formula_cells(workbook_bytes(TABLES / "fund-use.yaml", True))
    sheet = {cell: f for (_, cell), f in formulas.items()}
    assert sheet["C6"] == "=B6*7/10000"
    assert sheet["H6"] == "=SUM(D6,F6)"
    assert sheet["J6"] == '=IF(C6=0,"—",I6/C6)'
    assert sheet["K6"] == "=SUMPRODUCT(--(ROUND(J$6:J$9,4)>ROUND(J6,4)))+1"
    assert sheet["B10"] == "=SUM(B6:B9)" and sheet["C10"] == "=SUM(C6:C9)"
    assert sheet["J10"] == '=IF(C10=0,"—",I10/C10)'
    assert "K10" not in sheet and "A10" not in sheet  # 排名's 合计 is 无; the label is text
    score = formula_cells(workbook_bytes(TABLES / "self-evaluation.yaml", True))
    assert score[("附件", "H6")] == "=F6*G6"  # 分值 × 完成率: the % is its fraction in the cell already


def test_groups_subtotals_shares_units_and_gaps() -> None:
    """A 小计 adds its group's rows, or the group's own row when it has a value (西片's 人数), never
    another 小计; the 合计 adds the same cells; 占合计 divides by them; 元 and 万元 meet by /10000
    and *10000; a cell printed "—" keeps its "—", a typed cell and a text stay what they were."""
    data = workbook_bytes(MIXED, True)
    sheet = {cell: f for (_, cell), f in formula_cells(data).items()}
    labels = [
        row[1].value or row[0].value
        for row in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=5)
    ]
    assert labels == ["城关镇", "龙泉镇", "小计", "西片", "金星乡", "安平镇", "小计", "+新区", "合计"]
    east, own, west, new, total = 5, 8, 9, 12, 13
    assert sheet[f"F{east}"] == f"=SUM(D{east})/10000+SUM(E{east})"
    assert sheet[f"H{east}"] == f"=E{east}*10000-D{east}"
    assert sheet[f"G{east}"] == f'=IF(C{east}=0,"—",F{east}*10000/C{east})'
    assert sheet[f"L{east}"] == f"=K{east}*E{east}"
    shares = f"F${east}:F${east + 1},F${west}:F${west + 1},F${new}"
    assert sheet[f"I{east}"] == f'=IF(SUM({shares})=0,"—",F{east}/SUM({shares}))'
    assert sheet[f"C{east + 2}"] == f"=SUM(C{east}:C{east + 1})"
    assert sheet[f"C{west + 2}"] == f"=SUM(C{own})"  # the group's own 人数, not its rows again
    assert sheet[f"C{total}"] == f"=SUM(C{east}:C{east + 1},C{own},C{new})"
    assert sheet[f"D{total}"] == f"=SUM(D{east}:D{east + 1},D{west}:D{west + 1},D{new})"
    assert sheet[f"I{total}"] == f'=IF(SUM({shares})=0,"—",F{total}/SUM({shares}))'
    # 金星乡 has no 区金额: 结余 and 折算 print "—"; 新区 has 0 人: 人均 and its rank print "—"
    for cell in (f"H{west}", f"L{west}", f"G{new}", f"J{new}", f"K{total}"):
        assert cell not in sheet
    values = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [values[c].value for c in (f"H{west}", f"G{new}", f"J{new}")] == ["—", "—", "—"]
    assert values[f"B{new}"].data_type == "s" and values[f"B{new}"].value == "+新区"
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    ranks = {cached[f"B{r}"].value: cached[f"J{r}"].value for r in (east, east + 1, west, west + 1)}
    assert ranks == {"城关镇": 2, "龙泉镇": 4, "金星乡": 1, "安平镇": 2}  # 280.8 twice: a tie


# -- a small evaluator of the formulas written: SUM, IF, ROUND, SUMPRODUCT, + - * / = < >, ranges ------

Value = float | str | None | list["Value"]
_TOKEN = re.compile(r'\s*(?:(\d+(?:\.\d+)?)|("[^"]*")|([A-Z]+\(|\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)|(.))')


class Evaluator:
    """Evaluates the formulas of one sheet as a spreadsheet would, in binary floating point: a cell
    that holds a formula is evaluated in turn (its cached value is never read)."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.done: dict[str, Value] = {}

    def cell(self, reference: str) -> Value:
        reference = reference.replace("$", "")
        if reference not in self.done:
            cell = self.sheet[reference]
            if cell.data_type == "f":
                self.done[reference] = self.formula(str(cell.value)[1:])
            elif isinstance(cell.value, (int, float)):
                self.done[reference] = float(cell.value)
            else:
                self.done[reference] = cell.value if isinstance(cell.value, str) else None
        return self.done[reference]

    def formula(self, text: str) -> Value:
        saved = getattr(self, "tokens", []), getattr(self, "at", 0)  # a cell's formula inside another's
        self.tokens, self.at = ["".join(t) for t in _TOKEN.findall(text)], 0
        value = self.comparison()
        assert self.at == len(self.tokens), text
        self.tokens, self.at = saved
        return value

    def peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        assert expected is None or token == expected, (token, expected)
        self.at += 1
        return token

    def comparison(self) -> Value:
        left = self.additive()
        if self.peek() in ("=", "<", ">"):
            operator = self.take()
            right = self.additive()
            compare: Callable[[float, float], bool] = {
                "=": lambda a, b: a == b,
                "<": lambda a, b: a < b,
                ">": lambda a, b: a > b,
            }[operator]
            return _each(lambda a, b: 1.0 if compare(_number(a), _number(b)) else 0.0, left, right)
        return left

    def additive(self) -> Value:
        value = self.term()
        while self.peek() in ("+", "-"):
            operator, right = self.take(), self.term()
            value = _each(
                lambda a, b, o=operator: _number(a) + (_number(b) if o == "+" else -_number(b)), value, right
            )
        return value

    def term(self) -> Value:
        value = self.unary()
        while self.peek() in ("*", "/"):
            operator, right = self.take(), self.unary()
            value = _each(
                lambda a, b, o=operator: _number(a) * _number(b) if o == "*" else _number(a) / _number(b),
                value,
                right,
            )
        return value

    def unary(self) -> Value:
        if self.peek() == "-":
            self.take()
            return _each(lambda a, _: -_number(a), self.unary(), 0.0)
        return self.primary()

    def primary(self) -> Value:
        token = self.take()
        if token == "(":
            value = self.comparison()
            self.take(")")
            return value
        if token.startswith('"'):
            return token[1:-1]
        if token.endswith("("):
            arguments = [self.comparison()]
            while self.peek() == ",":
                self.take()
                arguments.append(self.comparison())
            self.take(")")
            return _call(token[:-1], arguments)
        if re.fullmatch(r"\d+(\.\d+)?", token):
            return float(token)
        if ":" in token:
            low_col, low_row, high_col, high_row = range_boundaries(token.replace("$", ""))
            assert low_col == high_col  # the formulas here take ranges down one column
            letter = re.match(r"\$?([A-Z]+)", token)
            assert letter and column_index_from_string(letter.group(1)) == low_col
            return [self.cell(f"{letter.group(1)}{row}") for row in range(low_row, high_row + 1)]
        return self.cell(token)


def _number(value: Value) -> float:
    """A cell in arithmetic: empty is 0, a number itself; text is an error (#VALUE!)."""
    if value is None:
        return 0.0
    assert isinstance(value, float), f"#VALUE! from {value!r}"
    return value


def _each(function: Callable[[Value, Value], float], a: Value, b: Value) -> Value:
    """Element by element over a range (as in SUMPRODUCT's argument), else on the two values."""
    if isinstance(a, list):
        return [_each(function, x, b) for x in a]
    if isinstance(b, list):
        return [_each(function, a, y) for y in b]
    return function(a, b)


def _call(name: str, arguments: list[Value]) -> Value:
    if name == "SUM":  # text and empty cells in a reference are skipped
        flat = [v for a in arguments for v in (a if isinstance(a, list) else [a])]
        return sum((v for v in flat if isinstance(v, float)), 0.0)
    if name == "IF":
        condition, yes, no = arguments
        return yes if _number(condition) else no
    if name == "ROUND":
        value, digits = arguments
        return _each(lambda v, d: _round(_number(v), int(_number(d))), value, digits)
    if name == "SUMPRODUCT":
        (array,) = arguments
        return sum((_number(v) for v in (array if isinstance(array, list) else [array])), 0.0)
    raise AssertionError(f"a function the writer should not use: {name}")


def _round(value: float, digits: int) -> float:
    """ROUND as spreadsheets do it: on the 15 significant digits they show, half away from zero."""
    return float(Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))


def displayed(value: float, number_format: str) -> str:
    """The text a number format shows (0, 0.00, 0.0%…), from the value's 15 significant digits."""
    decimals = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
    exact = Decimal(f"{value:.15g}")
    if number_format.endswith("%"):
        exact = exact.scaleb(2)
    return str(exact.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP))


def agree(computed: float, cached: float, number_format: str) -> bool:
    close = abs(computed - cached) <= 1e-12 * max(1.0, abs(cached))
    return close and displayed(computed, number_format) == displayed(cached, number_format)


@pytest.mark.parametrize("source", CASES, ids=IDS)
def test_the_formulas_compute_their_cached_values(source: Path | str) -> None:
    data = workbook_bytes(source, True)
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    checked = 0
    assert formula_cells(data)
    for sheet in formulas.worksheets:
        evaluator = Evaluator(sheet)
        for title, reference in formula_cells(data):
            if title != sheet.title:
                continue
            value, expected = evaluator.cell(reference), cached[title][reference].value
            assert isinstance(value, float) and isinstance(expected, (int, float)), reference
            assert agree(value, float(expected), sheet[reference].number_format), (reference, value, expected)
            checked += 1
    assert checked == len(formula_cells(data))


def test_the_evaluator_fails_a_wrong_formula() -> None:
    """The check above can fail: a rank over the exact rates (no ROUND) breaks the tie 280.8 = 280.8,
    a 万元 sum without its /10000 is off by far."""
    data = workbook_bytes(MIXED, True)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    rank = next(c for c in sheet["J"] if c.data_type == "f" and cached[c.coordinate].value == 2)
    rank.value = re.sub(r"ROUND\(([^,]+),\d\)", r"\1", str(rank.value))
    amount = next(c for c in sheet["F"] if c.data_type == "f")
    amount.value = str(amount.value).replace("/10000", "")
    evaluator = Evaluator(sheet)
    for cell in (rank, amount):
        value = evaluator.cell(cell.coordinate)
        assert isinstance(value, float)
        assert not agree(value, float(cached[cell.coordinate].value), cell.number_format)


def without_cached_values(data: bytes) -> bytes:
    """The workbook with every formula's cached value removed: a program opening it must compute."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name.startswith("xl/worksheets/"):
                part = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", part)
            target.writestr(name, part)
    return out.getvalue()


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice missing")
def test_libreoffice_computes_the_cached_values(tmp_path: Path) -> None:
    """LibreOffice recalculates each workbook stripped of its cached values and saves it: every
    formula's result agrees with the value we cached, to the digits the cell shows."""
    names = []
    originals = {}
    for name, source in zip(IDS, CASES, strict=True):
        data = workbook_bytes(source, True)
        originals[name] = data
        (tmp_path / f"{name}.xlsx").write_bytes(without_cached_values(data))
        names.append(name)
    subprocess.run(
        [str(find_soffice()), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
         *(str(tmp_path / f"{name}.xlsx") for name in names)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    for name in names:
        assert formula_cells(originals[name])
        cached = openpyxl.load_workbook(io.BytesIO(originals[name]), data_only=True)
        computed = openpyxl.load_workbook(tmp_path / "out" / f"{name}.xlsx", data_only=True)
        for title, reference in formula_cells(originals[name]):
            value, expected = computed[title][reference].value, cached[title][reference].value
            assert isinstance(value, (int, float)), (name, reference, value)
            assert isinstance(expected, (int, float))
            fmt = cached[title][reference].number_format
            assert agree(float(value), float(expected), fmt), (name, reference, value, expected)
