"""Bounded extraction of an untrusted .xlsx: its bytes become the raw cells of the sheets asked for.

The only place openpyxl runs on untrusted bytes: the file's size, the unpacked size of the zip and
the number of rows and columns are bounded, and whatever openpyxl raises on a broken file becomes
RG101 naming the file.  The workbook is opened twice in read-only mode, once for the formulas and
once for the values Excel cached: a formula's value is used like a typed one, and a formula that was
never calculated (a program wrote it, Excel never saved it) is marked so the reader reports RG115.
Read-only openpyxl trusts a sheet's ``<dimension>`` and skips its merged ranges; neither is what the
clerk sees, so the rows are read to the sheet's real end (the limits above still hold) and the
merged ranges are read from the sheet part itself.  A cell's number format is kept only as far as it
matters: whether it shows a percentage (92% holds 0.92).

What comes out is cells as raw values (``Cell``: its place such as ``项目!F7``, the typed or cached
value, the formula, whether it is an error, uncalculated or a percentage), row by row; what they mean
for the ledger is the reader's business (``excel.read``).
"""

from __future__ import annotations

import io
import itertools
import math
import operator
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook as _openpyxl_load
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.functions import iterparse

from reportgen.base import boundedzip
from reportgen.base.errors import LedgerError, Problem
from reportgen.base.escape import ooxml_unescaped
from reportgen.ledger.excel.cellvalues import percent_format
from reportgen.ledger.excel.sniff import OLE_MAGIC, OTHER_SPREADSHEETS, XLSX_LIMITS, ZIP_MAGIC
from reportgen.ledger.yaml.read import MAX_FILE_BYTES

# openpyxl decompresses members itself (within the sizes the directory states), so the directory is
# checked here, before it opens anything; a workbook of four sheets has a few dozen members.
MAX_ROWS = 10_000  # non-empty rows per sheet: a county ledger has tens
MAX_COLUMNS = 64  # columns read per sheet (the widest sheet, 项目, has 17)

# For a workbook whose sheets or headers were changed (the reader says it too).
REBUILD_HINT = "可用 reportgen init --excel 新台账.xlsx 生成一份新的空白台账，把内容复制过去"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the file holds it; the reader decides what it means."""

    ref: str  # 项目!F7
    value: object  # the typed or cached value; None when empty
    formula: str | None = None
    error: bool = False  # an error value (#DIV/0!, #REF! …)
    uncalculated: bool = False  # a formula without a cached value
    percent: bool = False  # a number shown as a percentage (0.92 as 92%)

    @property
    def empty(self) -> bool:
        if self.uncalculated or self.error:
            return False
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class SheetCells:
    """A sheet's header row, its non-empty rows (each as wide as the widest), and its merged ranges."""

    name: str
    header: list[Cell]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)  # non-empty rows only
    merged: list[tuple[str, Cell]] = field(default_factory=list)  # ranges below row 1, first cell


def _fail(code: str, message: str, path: Path | str, place: str | None = None, **kw: str) -> LedgerError:
    return LedgerError(Problem(code, message, file=path, place=place, expected=kw.get("expected")))


def extract_sheets(
    raw: bytes, path: Path | str, names: Sequence[str], marker: str | None = None
) -> dict[str, SheetCells]:
    """The cells of the sheets ``names`` (all must exist), then of every other worksheet whose A1 holds
    ``marker`` (a declared table's sheet), in the workbook's order; every failure is a ``LedgerError``
    that names the file and never shows a traceback."""
    suffix = Path(path).suffix.lower()
    if len(raw) > MAX_FILE_BYTES:
        raise _fail("RG114", f"文件有 {len(raw)} 字节", path, expected=f"不超过 {MAX_FILE_BYTES} 字节")
    if raw[:4] == OLE_MAGIC or suffix in OTHER_SPREADSHEETS:
        raise _fail(
            "RG101",
            "这是旧版 Excel（.xls）或其他表格格式，不能直接读取",
            path,
            expected="在 Excel/WPS 中“另存为”Excel 工作簿（.xlsx）",
        )
    if raw[:4] != ZIP_MAGIC:
        raise _fail(
            "RG101", "文件不是 Excel 工作簿（.xlsx）", path, expected="用 Excel/WPS 保存的 .xlsx 文件"
        )
    try:
        boundedzip.inspect(raw, XLSX_LIMITS)
    except boundedzip.ZipRefused as refused:
        code, message = "RG114", refused.message
        if refused.kind != "limit":
            code, message = "RG101", f"文件已损坏，不是完整的 Excel 工作簿（{refused.message}）"
        place, value, expected = refused.place, refused.value, refused.expected
        raise LedgerError(Problem(code, message, path, place, value=value, expected=expected)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of extensions it drops; we read none
            formulas, merged = _read_sheets(raw, path, names, data_only=False, marker=marker)
            values, _ = _read_sheets(raw, path, [*formulas], data_only=True)
    except LedgerError:
        raise
    except Exception as exc:  # openpyxl on untrusted bytes raises anything
        raise _fail(
            "RG101",
            f"无法打开工作簿（文件损坏或不是 Excel 工作簿：{_broken(exc)}）",
            path,
            expected="用 Excel/WPS 重新保存的 .xlsx 文件",
        ) from None
    return {name: _combine(name, formulas[name], values[name], merged[name]) for name in values}


def _broken(exc: Exception) -> str:
    """What openpyxl's failure on a damaged workbook means, in Chinese: never its English class name
    (``KeyError``), which says nothing to a clerk."""
    if isinstance(exc, KeyError):
        return "缺少工作簿必需的部件"
    if isinstance(exc, SyntaxError) or "XML" in type(exc).__name__ or "Parse" in type(exc).__name__:
        return "其中的 XML 已损坏"  # ElementTree's ParseError, lxml's XMLSyntaxError
    if isinstance(exc, zipfile.BadZipFile | EOFError):
        return "压缩结构已损坏"
    return "内容不符合 Excel 工作簿的格式"


# (row, column) → (value, openpyxl data type, whether its number format shows a percentage)
_Raw = dict[tuple[int, int], tuple[object, str, bool]]


def _read_sheets(
    raw: bytes, path: Path | str, names: Sequence[str], *, data_only: bool, marker: str | None = None
) -> tuple[dict[str, _Raw], dict[str, list[str]]]:
    """Each named sheet's cells, and (when reading formulas, once is enough) its merged ranges; with
    ``marker``, also the other worksheets whose A1 holds it."""
    book = _openpyxl_load(io.BytesIO(raw), read_only=True, data_only=data_only, keep_links=False)
    try:
        if marker is not None:
            names = [*names, *(n for n in _marked(book, marker) if n not in names)]
        missing = [name for name in names if name not in book.sheetnames]
        if missing:
            raise _fail(
                "RG116",
                f"工作簿中没有工作表“{'”“'.join(missing)}”",
                path,
                place="、".join(missing),
                expected="工作表 " + "、".join(names) + f"（名称不要改动；{REBUILD_HINT}）",
            )
        result: dict[str, _Raw] = {}
        merged: dict[str, list[str]] = {}
        for name in names:
            worksheet = book[name]
            if not isinstance(worksheet, ReadOnlyWorksheet):
                raise _fail("RG116", "这是图表而不是工作表", path, place=name, expected="普通工作表")
            result[name] = _sheet_cells(worksheet, name, path)
            merged[name] = [] if data_only else _merged_ranges(worksheet)
        return result, merged
    finally:
        book.close()


def _marked(book: object, marker: str) -> list[str]:
    """The worksheets whose A1 is ``marker``, in the workbook's order (chart sheets have no cells)."""
    found: list[str] = []
    for worksheet in getattr(book, "worksheets", []):
        if not isinstance(worksheet, ReadOnlyWorksheet):
            continue
        first = next(worksheet.iter_rows(min_row=1, max_row=1, max_col=1, values_only=True), ())  # type: ignore[misc]
        if first and isinstance(first[0], str) and first[0].strip() == marker:
            found.append(worksheet.title)
    return found


def _sheet_cells(worksheet: ReadOnlyWorksheet, name: str, path: Path | str) -> _Raw:
    cells: _Raw = {}
    rows = 0
    worksheet.reset_dimensions()  # a <dimension> may claim fewer rows than the sheet holds
    rows_of = worksheet.iter_rows(max_col=MAX_COLUMNS)  # type: ignore[misc]  # the stubs know Worksheet only
    blank: object = None  # openpyxl yields one shared tuple for every row the file lacks
    for number, row in enumerate(rows_of, start=1):
        if row is blank or all(map(operator.is_, row, itertools.repeat(EMPTY_CELL))):
            blank = row  # an absent or empty row: skipped in constant time, however many
            continue
        kept = False
        for column, cell in enumerate(row, start=1):
            value = getattr(cell, "value", None)
            data_type = getattr(cell, "data_type", "n")
            if isinstance(value, float) and not math.isfinite(value):
                value, data_type = "#NUM!", "e"  # NaN or 1e400 written by a program: no number at all
            elif isinstance(value, str) and "_x" in value:
                value = ooxml_unescaped(value)  # _x000D_ (CR), controls: as Excel stores them
            if value is not None or data_type == "str":
                percent = (
                    isinstance(value, int | float)
                    and not isinstance(value, bool)
                    and percent_format(str(getattr(cell, "number_format", None) or ""))
                )
                cells[number, column] = (value, data_type, percent)
                kept = True
        rows += kept
        if rows > MAX_ROWS:
            raise _fail(
                "RG114", f"工作表“{name}”的行数过多", path, place=name, expected=f"不超过 {MAX_ROWS} 行"
            )
    return cells


def _merged_ranges(worksheet: ReadOnlyWorksheet) -> list[str]:
    """The merged ranges (``O2:O3``) of a sheet, from its part: read-only openpyxl skips them.

    The part is already bounded by the unpacked size; it is parsed a second time only when it
    mentions a merge at all, which a ledger filled as intended never does.
    """
    with worksheet._get_source() as source:  # type: ignore[attr-defined]  # the part, as openpyxl reads it
        part = source.read()
    if b"mergeCell" not in part:
        return []
    found: list[str] = []
    for _, element in iterparse(io.BytesIO(part)):
        if element.tag.rpartition("}")[2] == "mergeCell" and element.get("ref"):
            found.append(str(element.get("ref")))
        element.clear()
    return found


def _combine(name: str, formulas: _Raw, values: _Raw, merged: list[str]) -> SheetCells:
    cells: dict[tuple[int, int], Cell] = {}
    for position in sorted(formulas.keys() | values.keys()):
        typed, kind, _ = formulas.get(position, (None, "n", False))
        cached, cached_type, percent = values.get(position, (None, "n", False))
        formula = _formula_text(typed) if kind == "f" else None
        ref = f"{name}!{get_column_letter(position[1])}{position[0]}"
        cells[position] = Cell(
            ref,
            cached,
            formula,
            error=cached_type == "e",
            # A formula whose result is an empty string is cached as an empty t="str" value.
            uncalculated=formula is not None and cached is None and cached_type != "str",
            percent=percent,
        )
    width = max((column for _, column in cells), default=0)
    by_row: dict[int, list[Cell]] = {}
    for (row, column), cell in cells.items():
        line = by_row.setdefault(
            row, [Cell(f"{name}!{get_column_letter(c)}{row}", None) for c in range(1, width + 1)]
        )
        line[column - 1] = cell
    header = by_row.pop(1, [])
    rows = [(row, line) for row, line in sorted(by_row.items()) if not all(c.empty for c in line)]
    return SheetCells(name, header, rows, _data_merges(name, merged, cells))


def _data_merges(name: str, merged: list[str], cells: dict[tuple[int, int], Cell]) -> list[tuple[str, Cell]]:
    """The merged ranges that reach below the header row, each with its first (top-left) cell."""
    found: list[tuple[str, Cell]] = []
    for ref in merged:
        try:
            left, top, right, bottom = range_boundaries(ref)
        except (ValueError, TypeError):
            continue  # not a range: Excel would not open the file either; nothing to point at
        if left is None or top is None or right is None or bottom is None or bottom < 2:
            continue  # a whole row or column, or the header row alone
        if (left, top) == (right, bottom):
            continue  # one cell "merged" with itself hides nothing
        corner = f"{get_column_letter(left)}{top}"
        first = cells.get((top, left), Cell(f"{name}!{corner}", None))
        found.append((f"{name}!{corner}:{get_column_letter(right)}{bottom}", first))
    return found


def _formula_text(value: object) -> str:
    text = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
    return str(text) if str(text).startswith("=") else f"={text}"
