"""Read an Excel ledger (.xlsx) into the plain values and field paths the YAML reader produces.

The workbook is only another way to type the same ledger: this module turns its cells into the
nested ``data`` of a ``PlainLedger`` (``{"指标": {"低保金": {"数值": Decimal(...), ...}}, ...}``) and
records for every field path the cell it came from (``("一览表", "项目", 2, "计划安排资金")`` →
``项目!F3``), including the empty cells of each row, so the one schema (``schema.build_ledger``)
validates it and every problem names the cell a person has to fix.

The cells come from ``extract`` (the bounded reading of the untrusted file, which also reports
what is wrong with the file itself); this module interprets them by their columns' ``layout``
kinds: numbers exactly (``cellvalues``), text as typed, dates as dates, 是/否, ``1.3168亿元`` and
figure ids in the 项目 sheet's money cells.
A percentage cell is the number it shows where the unit is % (the row's 单位 in 指标, the cell itself in
项目 目标/实际完成) and refused by name elsewhere.  A merged range below the header row is refused
(RG118): only its first cell holds anything, so every other row of it would silently read as empty.

A cell this module refuses keeps its typed text in ``data``, so the schema sees the field present
(and not also "missing"); ``load_workbook`` then keeps one message per cell, this module's, which
speaks of cells and columns rather than of YAML.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.units import Family, unit
from reportgen.ledger.excel.cellvalues import (
    Refusal,
    number_from_float,
    number_text,
    percent_number,
    read_number,
    split_number,
    starts_like_number,
)
from reportgen.ledger.excel.extract import MAX_COLUMNS, REBUILD_HINT, Cell, SheetCells, extract_sheets
from reportgen.ledger.excel.layout import (
    BANNER_REPEATED,
    BANNER_ROWS,
    DATA_SHEETS,
    EXPECTED,
    FIGURES_SHEET,
    INFO,
    INFO_BY_LABEL,
    INFO_LABEL,
    INFO_ROWS,
    INFO_SHEET,
    INFO_VALUE,
    LABELLED,
    LEVEL,
    PARTICULAR_SEPARATOR,
    PERCENT,
    PROJECTS_SHEET,
    RATIO,
    REPEATED,
    ROLLUP_REPEATED,
    ROLLUP_ROWS,
    RUN_IN,
    SECTIONS_SHEET,
    SEQUENCE,
    TARGET_DIRECTION,
    TARGET_VALUE,
    CellType,
    Sheet,
    SheetColumn,
    expectation,
)
from reportgen.ledger.excel.tablesheet import (
    HEADER_LABEL,
    PLACE_LABEL,
    SETTING_BY_LABEL,
    SUBTOTAL,
    TABLE_ID,
    TITLE_LABEL,
    TOTAL,
    HeaderCell,
    Line,
    Setting,
    Slot,
    TableSheet,
    formula_plain,
    group_columns_of,
    marker_of,
    placement_plain,
    table_of,
)
from reportgen.ledger.keys import (
    BANNER,
    COLOPHON,
    FIGURES,
    PARAGRAPHS,
    PERIOD,
    PRINTED,
    PROJECTS,
    ROLLUP,
    SECTIONS,
    SUBSECTIONS,
    TABLE,
    TABLES,
    TARGET_TABLE,
    TITLE,
)
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.plain import At, PlainLedger
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.yaml.read import read_ledger_file
from reportgen.model import Ledger
from reportgen.numbers.dates import parse_date

_SEPARATORS = re.compile(r"[、,，;；\s]+")
# How a declared table's cells are read (``_Reader.table``): text as typed, numbers exactly.
_TABLE_TEXT = SheetColumn("表格", (), CellType.PROSE, 0, "文字")
_TABLE_NUMBER = SheetColumn("表格", (), CellType.NUMBER, 0, "数字")


def load_workbook(path: Path, needs: NeedsOf | None = None) -> Ledger:
    """Read and validate the Excel ledger at ``path`` (``needs``: the parts its 类型 requires)."""
    return parse_workbook_ledger(read_ledger_file(path), path, needs, files=path.parent)


def parse_workbook_ledger(
    raw: bytes, path: Path, needs: NeedsOf | None = None, *, files: Path | None = None
) -> Ledger:
    """Validate a workbook held in memory; one ``LedgerError`` lists every problem, in sheet order.
    ``files``: the folder its 印章 may be read from (``schema.build_ledger``)."""
    document, early = parse_workbook(raw, path)
    return validate_workbook(document, early, path, needs, files=files)


def validate_workbook(
    document: PlainLedger,
    early: list[Problem],
    path: Path,
    needs: NeedsOf | None = None,
    *,
    files: Path | None = None,
) -> Ledger:
    """``build_ledger`` on a workbook's values, keeping one message per cell: the reader's, which
    speaks of cells, over the schema's about the same cell.  A figure that has a row but could not
    be built (its own cell is reported) is not also reported as missing wherever it is quoted.
    The schema's "required" message about an empty cell says what that column takes (the unit list,
    the date form …) rather than the YAML wording."""
    try:
        ledger = build_ledger(document, path, needs, files=files)
    except LedgerError as error:
        blank = document.blank if isinstance(document, PlainWorkbook) else {}
        later: Iterable[Problem] = [_required(problem, blank) for problem in error.problems]
    else:
        if not early:
            return ledger
        later = ()
    taken = {problem.place for problem in early}
    figures = document.data.get(FIGURES) if isinstance(document.data, dict) else None
    rows = set(figures) if isinstance(figures, dict) else set()
    problems = [
        *early,
        *(p for p in later if p.place not in taken and not (p.code == "RG112" and p.value in rows)),
    ]
    problems.sort(key=_reading_order)
    raise LedgerError(*problems)


@dataclass
class PlainWorkbook(PlainLedger):
    """A workbook's ``PlainLedger`` plus the layout column of each empty cell it read."""

    blank: dict[str, SheetColumn] = field(default_factory=dict)  # 指标!D4 → the 单位 column


def _required(problem: Problem, blank: dict[str, SheetColumn]) -> Problem:
    column = blank.get(problem.place or "")
    if problem.code != "RG104" or column is None:
        return problem
    return dataclasses.replace(problem, expected=expectation(column))


def read_workbook(path: Path) -> tuple[PlainLedger, list[Problem]]:
    """The plain values of the workbook at ``path`` and the problems found in its cells."""
    return parse_workbook(read_ledger_file(path), path)


def parse_workbook(raw: bytes, path: Path | str) -> tuple[PlainLedger, list[Problem]]:
    sheets = extract_sheets(raw, path, [sheet.name for sheet in DATA_SHEETS], TABLE_ID)
    reader = _Reader(path, sheets)
    return reader.document(), reader.problems


class _Reader:
    def __init__(self, path: Path | str, sheets: dict[str, SheetCells]) -> None:
        self.path = path
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.cells: dict[At, str] = {}
        self.blank: dict[str, SheetColumn] = {}  # every empty cell read, by place: what it would take
        self.figure_ids: set[str] = set()
        self.broken = False  # a declared table's sheet whose layout could not be read

    def problem(self, code: str, message: str, cell: Cell | str, value: object, expected: str) -> None:
        place = cell.ref if isinstance(cell, Cell) else cell
        if any(p.place == place for p in self.problems):
            return  # one message per cell
        self.problems.append(
            Problem(code, message, file=self.path, place=place, value=value, expected=expected)
        )

    def document(self) -> PlainLedger:
        columns = {sheet.name: self.columns(sheet) for sheet in DATA_SHEETS}
        if self.problems:  # the layout is broken: reading on would report every cell wrongly
            raise LedgerError(*self.problems)
        self.merges()
        data: dict[str, object] = {}
        table = self.info(columns[INFO], data)
        data_figures = self.figures(columns[FIGURES_SHEET.name])
        if data_figures:
            data[FIGURES] = data_figures
        sections = self.sections(columns[SECTIONS_SHEET.name])
        if sections:
            data[SECTIONS] = sections
        projects = self.projects(columns[PROJECTS_SHEET.name])
        if table or projects:
            table[PROJECTS] = projects
            data[TABLE] = table
        tables = self.tables()
        if tables:
            data[TABLES] = tables
        for sheet, path in ((FIGURES_SHEET, FIGURES), (SECTIONS_SHEET, SECTIONS)):
            self.cells.setdefault((path,), sheet.name)
        self.cells.setdefault((TABLE, PROJECTS), PROJECTS_SHEET.name)
        for row in (*INFO_ROWS, *BANNER_ROWS, *ROLLUP_ROWS):
            for depth in range(1, len(row.key) + 1):
                self.cells.setdefault(row.key[:depth], INFO)
        return PlainWorkbook(data, cells=self.cells, blank=self.blank)

    def merges(self) -> None:
        """Every merged range below a header row: only its first cell holds anything."""
        for sheet in DATA_SHEETS:
            for place, first in self.sheets[sheet.name].merged:
                corner = first.ref.partition("!")[2]
                self.problem(
                    "RG118",
                    f"这几格合并成了一格：只有第一格 {corner} 有内容，其余各格都读作空白",
                    place,
                    _shown(first),
                    "取消合并（开始 → 合并后居中 → 取消单元格合并），在每一行、每一格分别填写内容",
                )

    # -- headers -------------------------------------------------------------------------------------
    def columns(self, sheet: Sheet) -> dict[str, int]:
        """Header text → 0-based column, after checking the header row against the layout."""
        cells = self.sheets[sheet.name]
        found: dict[str, int] = {}
        expected = "、".join(sheet.headers)
        for index, cell in enumerate(cells.header):
            if cell.empty:
                continue
            text = _label(cell.value)
            if text in sheet.headers and text not in found:
                found[text] = index
            elif text in found:
                self.problem("RG116", f"表头“{text}”出现了两次", cell, cell.value, f"各列表头：{expected}")
            else:
                close = difflib.get_close_matches(text, sheet.headers, n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.problem("RG116", f"未知的表头“{text}”{hint}", cell, cell.value, f"各列表头：{expected}")
        # A column added to the layout later may be absent: a workbook made before reads as it did.
        missing = [c.header for c in sheet.columns if c.header not in found and not c.added]
        if missing:
            self.problem(
                "RG116",
                f"第 1 行缺少表头“{'”“'.join(missing)}”",
                f"{sheet.name}!1:1",
                None,
                f"第 1 行依次为：{expected}（表头不要改动；{REBUILD_HINT}）",
            )
        known = {index for index, cell in enumerate(cells.header) if not cell.empty}
        for _, line in cells.rows:
            for index, cell in enumerate(line):
                if index not in known and not cell.empty:
                    self.problem(
                        "RG116",
                        "这一列没有表头，内容不会被读取",
                        cell,
                        _shown(cell),
                        "内容写在有表头的列中（如写进“备注”或“说明”）",
                    )
        return found

    def row(self, line: list[Cell], columns: dict[str, int], sheet: Sheet, number: int) -> dict[str, Cell]:
        width = len(line)
        cells = {
            header: line[index]
            if index < width
            else Cell(f"{sheet.name}!{get_column_letter(index + 1)}{number}", None)
            for header, index in columns.items()
        }
        if sheet is not INFO_SHEET:  # 基本信息 is a column per row: see ``info``
            for column in sheet.columns:
                cell = cells.get(column.header)
                if cell is not None and cell.empty:
                    self.blank[cell.ref] = column
        return cells

    # -- 基本信息 -------------------------------------------------------------------------------------
    def info(self, columns: dict[str, int], data: dict[str, object]) -> dict[str, object]:
        """Fill ``data`` from 基本信息; return the 一览表 settings found (empty when none)."""
        period: dict[str, object] = {}
        data[PERIOD] = period
        table: dict[str, object] = {}
        seen: dict[str, Cell] = {}
        for number, line in self.sheets[INFO].rows:
            cells = self.row(line, columns, INFO_SHEET, number)
            label_cell, value_cell = cells[INFO_LABEL], cells[INFO_VALUE]
            if label_cell.empty:
                if not value_cell.empty:
                    self.problem(
                        "RG104", "这一行的 A 列没有项目名", label_cell, None, "A 列写项目名（如 标题、落款）"
                    )
                continue
            label = _label(label_cell.value)
            spec = INFO_BY_LABEL.get(label)
            if spec is None:
                close = difflib.get_close_matches(label, list(INFO_BY_LABEL), n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.problem(
                    "RG103",
                    f"未知的项目“{label}”{hint}",
                    label_cell,
                    label_cell.value,
                    "、".join(INFO_BY_LABEL),
                )
                continue
            path: At = spec.key
            for depth in range(1, len(path)):
                self.cells.setdefault(path[:depth], value_cell.ref)
            if label in LABELLED:
                self.cells.setdefault(path, value_cell.ref)
                if not value_cell.empty:  # 要素 at the top, 一览表列 among the 一览表's settings
                    self.particular(table if path[0] == TABLE else data, value_cell, spec)
                continue
            if label in BANNER_REPEATED:  # 版头: a row per joint agency, per 签发人
                self.cells.setdefault(path, value_cell.ref)
                if value_cell.empty:
                    continue
                banner = data.setdefault(BANNER, {})
                assert isinstance(banner, dict)
                names = banner.setdefault(label, [])
                assert isinstance(names, list)
                self.cells[(*path, len(names) + 1)] = value_cell.ref
                names.append(self.value(value_cell, spec))
                continue
            if label in REPEATED or label in ROLLUP_REPEATED:
                self.cells.setdefault(path, value_cell.ref)
                if value_cell.empty:
                    continue
                # 主送机关 … at the top; 抄送 inside 版记, 下级 inside 汇总
                parent = data if len(path) == 1 else data.setdefault(str(path[0]), {})
                assert isinstance(parent, dict)
                items = parent.setdefault(str(path[-1]), [])
                assert isinstance(items, list)
                self.cells[(*path, len(items) + 1)] = value_cell.ref
                items.append(self.value(value_cell, spec))
                continue
            if label in seen:
                self.problem(
                    "RG103",
                    f"“{label}”出现了两次（另一处在 {seen[label].ref}）",
                    label_cell,
                    label_cell.value,
                    "每个项目只写一行（主送机关、导语、结语除外）",
                )
                continue
            seen[label] = value_cell
            self.cells[path] = value_cell.ref
            if value_cell.empty:
                self.blank[value_cell.ref] = spec
                continue
            value = self.value(value_cell, spec)
            if path[0] in (
                TARGET_TABLE,
                BANNER,
                COLOPHON,
                ROLLUP,
            ):  # only a part with a value written is there at all
                part = data.setdefault(str(path[0]), {})
                assert isinstance(part, dict)
                target = part
            else:
                target = {PERIOD: period, TABLE: table}.get(str(path[0]), data) if len(path) == 2 else data
            target[str(path[-1])] = value
        banner = data.get(BANNER)
        if isinstance(banner, dict):
            self.single_names(banner)
        return table

    def single_names(self, banner: dict[str, object]) -> None:
        """A 版头 list of one row (one agency, one 签发人) read as its one text, as YAML writes it."""
        for key, names in list(banner.items()):
            if isinstance(names, list) and len(names) == 1:
                banner[key] = names[0]
                self.cells[(BANNER, key)] = self.cells.pop((BANNER, key, 1))

    # -- 指标 ----------------------------------------------------------------------------------------
    def figures(self, columns: dict[str, int]) -> dict[str, object]:
        figures: dict[str, object] = {}
        where: dict[str, str] = {}
        rows = self.sheets[FIGURES_SHEET.name].rows
        id_header = FIGURES_SHEET.columns[0].header
        for number, line in rows:  # ids first: the 项目 sheet's cells may name them
            cell = self.row(line, columns, FIGURES_SHEET, number)[id_header]
            if not cell.empty and isinstance(cell.value, str):
                self.figure_ids.add(cell.value.strip())
        for number, line in rows:
            cells = self.row(line, columns, FIGURES_SHEET, number)
            id_cell = cells[id_header]
            if id_cell.empty:
                self.problem("RG104", "这一行没有指标编号", id_cell, None, "指标编号，如 低保金")
                continue
            figure_id = str(self.value(id_cell, FIGURES_SHEET.columns[0]))
            if figure_id in figures:
                self.problem(
                    "RG111",
                    f"指标编号“{figure_id}”重复（另一处在 {where[figure_id]}）",
                    id_cell,
                    figure_id,
                    "每个指标一个不重复的编号",
                )
                continue
            where[figure_id] = id_cell.ref
            path: At = (FIGURES, figure_id)
            self.cells[path] = id_cell.ref
            figures[figure_id] = self.target(self.record(cells, FIGURES_SHEET.columns[1:], path), path)
        return figures

    def target(self, record: dict[str, object], path: At) -> dict[str, object]:
        """目标方向 + 目标值 (+ 目标单位) as the YAML mapping ``{不少于: 45, 单位: 张}``."""
        columns = record.get("目标")
        if not isinstance(columns, dict):
            return record
        direction = columns.pop(TARGET_DIRECTION, None)
        value = columns.pop(TARGET_VALUE, None)
        target: dict[str, object] = {}
        if direction is not None:
            word = str(direction).strip()
            target[word] = value
            cell = self.cells.get((*path, "目标", TARGET_VALUE))
            if cell is not None:
                self.cells[(*path, "目标", word)] = cell
        target.update(columns)
        record["目标"] = target
        return record

    def record(self, cells: dict[str, Cell], columns: Iterable[SheetColumn], path: At) -> dict[str, object]:
        """One row's fields as a nested mapping; every column's cell recorded under its path."""
        result: dict[str, object] = {}
        for column in columns:
            if column.header not in cells:
                continue  # an added column the workbook predates
            cell = cells[column.header]
            self.cells.setdefault((*path, column.key[0]), cell.ref)
            self.cells[(*path, *column.key)] = cell.ref
            if cell.empty:
                continue
            target = result
            for key in column.key[:-1]:
                inner = target.setdefault(key, {})
                assert isinstance(inner, dict)
                target = inner
            target[column.key[-1]] = self.value(cell, column, _row_unit(cells, column))
        return result

    # -- 项目 ----------------------------------------------------------------------------------------
    def projects(self, columns: dict[str, int]) -> list[object]:
        projects: list[object] = []
        for number, line in self.sheets[PROJECTS_SHEET.name].rows:
            cells = self.row(line, columns, PROJECTS_SHEET, number)
            path: At = (TABLE, PROJECTS, len(projects) + 1)
            self.cells[path] = cells[PROJECTS_SHEET.columns[0].header].ref
            projects.append(self.record(cells, PROJECTS_SHEET.columns, path))
        return projects

    # -- 正文 ----------------------------------------------------------------------------------------
    def sections(self, columns: dict[str, int]) -> list[object]:
        top: list[object] = []
        stack: list[tuple[dict[str, object], At]] = []  # the open section of each level
        by_header = {column.header: column for column in SECTIONS_SHEET.columns}
        for number, line in self.sheets[SECTIONS_SHEET.name].rows:
            cells = self.row(line, columns, SECTIONS_SHEET, number)
            level_cell, title_cell = cells[LEVEL], cells[TITLE]
            run_in_cell, paragraph_cell = cells[RUN_IN], cells[PARAGRAPHS]
            if level_cell.empty and title_cell.empty and cells[SEQUENCE].empty:
                if not run_in_cell.empty:
                    self.problem(
                        "RG105", "“接排”写在标题所在的行", run_in_cell, _shown(run_in_cell), "与标题同一行"
                    )
                if not stack:
                    self.problem(
                        "RG105",
                        "第一个标题之前的段落",
                        paragraph_cell,
                        _shown(paragraph_cell),
                        "先写一行标题（层级 1）；报告开头的段落写在“基本信息”的“导语”",
                    )
                    continue
                self.paragraph(*stack[-1], paragraph_cell)
                continue
            level = self.level(level_cell, len(stack))
            parent = stack[level - 2] if level > 1 else None
            del stack[level - 1 :]
            section: dict[str, object] = {}
            path: At
            if parent is None:
                top.append(section)
                path = (SECTIONS, len(top))
            else:
                children = parent[0].setdefault(SUBSECTIONS, [])
                assert isinstance(children, list)
                children.append(section)
                path = (*parent[1], SUBSECTIONS, len(children))
                self.cells.setdefault((*parent[1], SUBSECTIONS), title_cell.ref)
            stack.append((section, path))
            self.cells[path] = title_cell.ref
            self.cells[(*path, PARAGRAPHS)] = paragraph_cell.ref
            for header in (TITLE, RUN_IN, SEQUENCE):
                self.cells[(*path, *by_header[header].key)] = cells[header].ref
                if not cells[header].empty:
                    section[header] = self.value(cells[header], by_header[header])
            self.paragraph(section, path, paragraph_cell)
        return top

    # -- 表格: one sheet per declared table (see ``tablesheet``) ----------------------------------------
    def tables(self) -> list[object]:
        fixed = {sheet.name for sheet in DATA_SHEETS}
        found: list[object] = []
        for name, cells in self.sheets.items():
            if name in fixed:
                continue
            index = len(found) + 1
            table = self.table(cells, index)
            self.cells.setdefault((TABLES,), name)
            found.append(table)
        if self.broken:  # a table's layout is broken: its rows would be read wrongly, cell by cell
            raise LedgerError(*self.problems)
        return found

    def table(self, sheet: SheetCells, index: int) -> dict[str, object]:
        name = sheet.name
        rows = ([(1, sheet.header)] if sheet.header else []) + sheet.rows
        grid = {(number, column): cell for number, line in rows for column, cell in enumerate(line, start=1)}
        covering: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        last_row = max((number for number, _ in rows), default=1)
        for ref, _ in sheet.merged:
            left, top, right, bottom = range_boundaries(ref.partition("!")[2])
            assert left is not None and top is not None and right is not None and bottom is not None
            # Only the cells that were read matter: a hostile K40:XFD1048576 would be 10¹⁰ entries.
            right, bottom = min(right, MAX_COLUMNS), min(bottom, last_row)
            for r in range(top, bottom + 1):
                for c in range(left, right + 1):
                    covering[r, c] = (left, top, right, bottom)

        def cell(r: int, c: int) -> Cell:
            return grid.get((r, c)) or Cell(f"{name}!{get_column_letter(c)}{r}", None)

        def first(r: int, c: int) -> Cell:
            """The cell as shown: a merged range's value in each cell it covers."""
            merge = covering.get((r, c))
            return cell(merge[1], merge[0]) if merge else cell(r, c)

        self.cells[(TABLES, index)] = f"{name}!A1"
        layout = TableSheet(None, None, {}, 1, [], [])
        layout.refs[TABLE_ID] = f"{name}!B1"
        id_cell = cell(1, 2)
        layout.table_id = None if id_cell.empty else self.text(id_cell, _TABLE_TEXT).strip()
        numbers = sorted({number for number, _ in rows})
        title_row: int | None = None
        names_row: int | None = None
        setting_rows: dict[str, int] = {}
        for number in numbers:
            if number == 1:
                continue
            label = _label(first(number, 1).value) if not first(number, 1).empty else ""
            if label == TITLE_LABEL:
                title_row = number
                break
            if label == PLACE_LABEL:
                place_cell = cell(number, 2)
                layout.refs[PLACE_LABEL] = place_cell.ref
                if not place_cell.empty:
                    layout.placement = placement_plain(self.text(place_cell, _TABLE_TEXT))
                continue
            if label in SETTING_BY_LABEL:
                if label in layout.settings:
                    self.problem(
                        "RG116", f"设置行“{label}”出现了两次", cell(number, 1), label, "每项设置一行"
                    )
                    continue
                layout.settings[label] = []
                layout.refs[label] = f"{name}!A{number}"
                setting_rows[label] = number
                if label == "列名":
                    names_row = number
                continue
            filled = [c for (r, c), v in grid.items() if r == number and c > 1 and not v.empty]
            if not label and filled:
                self.problem(
                    "RG116",
                    "设置行的 A 列是空的，这一行不会被读取",
                    cell(number, 1),
                    None,
                    "A 列写设置名：" + "、".join(SETTING_BY_LABEL),
                )
            elif label:
                close = difflib.get_close_matches(label, [*SETTING_BY_LABEL, TITLE_LABEL], n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.problem(
                    "RG116",
                    f"未知的设置行“{label}”{hint}",
                    cell(number, 1),
                    label,
                    "A 列依次为 表格编号、位置、" + "、".join(SETTING_BY_LABEL) + "、标题、表头",
                )
        if names_row is None or title_row is None:
            missing = "“列名”行" if names_row is None else "“标题”行"
            self.problem(
                "RG116",
                f"表格工作表缺少{missing}",
                f"{name}!A:A",
                None,
                f"A 列依次为 表格编号、列名……、标题、表头（{REBUILD_HINT}）",
            )
            self.broken = True
            return {"编号": layout.table_id}
        width = max((c for (r, c), v in grid.items() if r == names_row and not v.empty), default=1) - 1
        for column in range(2, width + 2):
            if cell(names_row, column).empty:
                self.problem("RG104", "这一列没有列名", cell(names_row, column), None, "列名，表内唯一")
        for label, number in setting_rows.items():
            setting = SETTING_BY_LABEL[label]
            values: list[object] = []
            refs: list[str] = []
            for column in range(2, width + 2):
                here = cell(number, column)
                refs.append(here.ref)
                values.append(None if here.empty else self.setting(here, setting))
            layout.settings[label] = values
            layout.setting_refs[label] = refs
        texts = [v in ("是", True) for v in layout.settings.get("文本") or [None] * width]
        units = layout.settings.get("单位") or [None] * width
        formulas = layout.settings.get("公式") or [None] * width
        names = [str(v) if v is not None else "" for v in layout.settings["列名"]]
        layout.title = None if first(title_row, 2).empty else self.text(first(title_row, 2), _TABLE_TEXT)
        layout.refs[TITLE_LABEL] = first(title_row, 2).ref
        later = [n for n in numbers if n > title_row]
        header_rows = []
        for number in range(title_row + 1, (later[-1] if later else title_row) + 1):
            if _label(first(number, 1).value) == HEADER_LABEL:
                header_rows.append(number)
            else:
                break
        if not header_rows:
            self.problem(
                "RG116",
                "“标题”之下缺少“表头”行",
                f"{name}!A{title_row + 1}",
                None,
                "A 列写“表头”（多行表头合并为一格）",
            )
            self.broken = True
            return {"编号": layout.table_id}
        layout.refs[HEADER_LABEL] = f"{name}!A{header_rows[0]}"
        layout.height = len(header_rows)
        seen: set[tuple[int, int, int, int]] = set()
        for r in header_rows:
            for c in range(2, width + 2):
                layout.header_refs[(r - header_rows[0], c - 2)] = f"{name}!{get_column_letter(c)}{r}"
                region = covering.get((r, c)) or (c, r, c, r)
                if region in seen:
                    continue
                seen.add(region)
                left, top, right, bottom = region
                here = cell(top, left)
                if here.empty:
                    continue
                layout.header.append(
                    HeaderCell(
                        max(top, header_rows[0]) - header_rows[0],
                        min(bottom, header_rows[-1]) - header_rows[0],
                        left - 2,
                        min(right, width + 1) - 2,
                        self.text(here, _TABLE_TEXT).strip(),
                        False,
                    )
                )
        if any(p.code == "RG116" and str(p.place).startswith(f"{name}!") for p in self.problems):
            self.broken = True
            return {"编号": layout.table_id}
        group_columns = set(group_columns_of(names, layout.settings))
        label_column = names[0] if texts and texts[0] else None
        reported: set[tuple[int, int, int, int]] = set()
        for number in (n for n in numbers if n > header_rows[-1]):
            marker_cell = cell(number, 1)
            marker = "" if marker_cell.empty else self.text(marker_cell, _TABLE_TEXT).strip()
            kind, _ = marker_of(marker)
            line = Line(marker, {}, marker_cell.ref)
            for column in range(2, width + 2):
                merge = covering.get((number, column))
                name_here = names[column - 2]
                shown = first(number, column)
                if merge is not None and name_here not in group_columns and merge not in reported:
                    reported.add(merge)
                    corner = shown.ref.partition("!")[2]
                    self.problem(
                        "RG118",
                        f"这几格合并成了一格：只有第一格 {corner} 有内容，其余各格都读作空白",
                        f"{name}!{get_column_letter(merge[0])}{merge[1]}:{get_column_letter(merge[2])}{merge[3]}",
                        _shown(shown),
                        "只有分组列的组名可以上下合并；其他各格取消合并，分别填写",
                    )
                if shown.empty:
                    continue
                summed = kind in (SUBTOTAL, TOTAL) and texts[column - 2]
                if (
                    summed
                    and name_here not in group_columns
                    and not (kind == TOTAL and name_here == label_column)
                ):
                    self.problem(
                        "RG105",
                        f"{kind}行只填数字列的公布值，文字写不进{kind}行",
                        shown,
                        _shown(shown),
                        "删去这一格，或把这一行的行别改为空白（一般的行）",
                    )
                    continue
                value = self.table_cell(
                    shown, name_here, (texts[column - 2], units[column - 2], formulas[column - 2]), kind
                )
                span = None
                if merge is not None and merge[3] > merge[1]:
                    span = f"{get_column_letter(merge[0])}{merge[1]}"
                line.cells[name_here] = Slot(
                    value, cell(number, column).ref if merge is None else shown.ref, span
                )
            for column in range(width + 2, max((c for (r, c) in grid if r == number), default=0) + 1):
                if not cell(number, column).empty:
                    self.problem(
                        "RG116",
                        "这一列没有列名，内容不会被读取",
                        cell(number, column),
                        _shown(cell(number, column)),
                        "在“列名”行给这一列写列名",
                    )
            if marker or line.cells:
                layout.lines.append(line)
        plain, places, problems = table_of(layout)
        for path, ref in places.items():
            if ref:
                self.cells[(TABLES, index, *path)] = ref
        for code, message, ref, value, expected in problems:
            self.problem(code, message, ref or f"{name}!A1", value, expected)
        return plain

    def setting(self, cell: Cell, setting: Setting) -> object:
        """A declaration cell: numbers for 小数位/宽度/分组列, 是/否 as typed, a formula as its mapping."""
        if setting.kind in ("whole", "level", "number"):
            return self.number(cell, _TABLE_NUMBER)
        text = self.text(cell, _TABLE_TEXT).strip()
        if setting.kind == "boolean" and isinstance(cell.value, bool):
            return "是" if cell.value else "否"
        if setting.kind == "formula":
            parsed = formula_plain(text)
            if isinstance(parsed, Refusal):
                self.problem("RG105", parsed.message, cell, text, parsed.expected)
                return text
            return parsed
        return text

    def table_cell(self, cell: Cell, column: str, settings: tuple[bool, object, object], kind: str) -> object:
        """A cell below the header: text as shown (a percentage with its %), a number exactly (a % cell
        reads as the 92 it shows where the column is in %), a 指标编号 as ``{指标: 编号}``; a number in a
        formula column is its 公布值 (in 小计/合计 rows every number is).  ``settings``: the column's
        文本, 单位 and 公式."""
        text, unit_text, formula = settings
        if text:
            if cell.percent:
                return _shown(cell)
            return self.text(cell, _TABLE_TEXT)
        raw = cell.value
        if isinstance(raw, str) and not starts_like_number(raw):
            if raw.strip() in self.figure_ids:
                return {FIGURES: raw.strip()}
            expected = "数字（以本列的单位计），或“指标”表中的编号"
            self.problem("RG106", "既不是数字，也不是“指标”表中的编号", cell, raw, expected)
            return raw
        percent = isinstance(unit_text, str) and unit(unit_text.strip()) == unit(PERCENT)
        spec = SheetColumn(column, (), CellType.NUMBER, 0, "数字")
        value = self.value(cell, spec, PERCENT if percent else None)
        if isinstance(formula, dict) and kind not in (SUBTOTAL, TOTAL) and not isinstance(value, str):
            return {PRINTED: value}
        return value

    def particular(self, parent: dict[str, object], cell: Cell, spec: SheetColumn) -> None:
        """One row of a mapping (``LABELLED``: 要素, 一览表列): “标签：内容” becomes ``要素[标签] = 内容``
        in ``parent``, the mapping that holds the row's last key (labels once each, in order)."""
        text = self.value(cell, spec)
        label, separator, content = str(text).partition(PARTICULAR_SEPARATOR)
        items = parent.setdefault(str(spec.key[-1]), {})
        assert isinstance(items, dict)
        if not separator or not label.strip():
            self.problem(
                "RG105",
                f"“{spec.header}”应写成“标签：内容”",
                cell,
                _shown(cell),
                f"如 {LABELLED[spec.header]}",
            )
        elif label.strip() in items:
            self.problem(
                "RG111", f"{spec.header}“{label.strip()}”出现了两次", cell, _shown(cell), "每个标签只写一行"
            )
        else:
            self.cells[(*spec.key, label.strip())] = cell.ref
            items[label.strip()] = content

    def level(self, cell: Cell, depth: int) -> int:
        """The heading level of a title row (1 … one deeper than the open section)."""
        allowed = min(depth + 1, SECTIONS_SHEET.columns[0].high or 4)
        expected = "1" if depth == 0 else f"1～{allowed} 的整数（下一级标题紧跟在上一级之后）"
        if cell.empty:
            self.problem("RG104", "标题行缺少层级", cell, None, expected)
            return max(depth, 1)
        value = self.value(cell, SECTIONS_SHEET.columns[0])
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= allowed:
            message = "第一个标题的层级应为 1" if depth == 0 else f"层级应为 {expected}"
            self.problem("RG105", message, cell, _shown(cell), expected)
            return max(min(depth, allowed), 1)
        return value

    def paragraph(self, section: dict[str, object], path: At, cell: Cell) -> None:
        if cell.empty:
            return
        paragraphs = section.setdefault(PARAGRAPHS, [])
        assert isinstance(paragraphs, list)
        self.cells[(*path, PARAGRAPHS, len(paragraphs) + 1)] = cell.ref
        paragraphs.append(self.value(cell, SECTIONS_SHEET.columns[3]))

    # -- one cell ------------------------------------------------------------------------------------
    def value(self, cell: Cell, column: SheetColumn, row_unit: str | None = None) -> object:
        """The cell's value for the schema; a refused cell gets a problem and keeps its typed text.

        ``row_unit`` is the unit a NUMBER column is in as its row says (see ``SheetColumn.unit_of``)."""
        if cell.uncalculated:
            self.problem(
                "RG115",
                "该单元格的公式尚未计算（文件可能由程序生成而未在 Excel 中打开保存），"
                "请在 Excel/WPS 中打开并保存后再试",
                cell,
                cell.formula,
                "有计算结果的公式，或直接填写内容",
            )
            return cell.formula
        raw = cell.value
        if cell.error:
            what = f"公式 {cell.formula} 的结果是错误值" if cell.formula else "单元格是错误值"
            self.problem(
                "RG115" if cell.formula else "RG105", f"{what} {raw}", cell, raw, EXPECTED[column.kind]
            )
            return str(raw)
        if isinstance(raw, datetime.time | datetime.timedelta):
            self.problem("RG105", "单元格是时间", cell, raw, EXPECTED[column.kind])
            return str(raw)
        if cell.percent:
            return self.percent(cell, column, row_unit)
        kind = column.kind
        if kind in (CellType.NUMBER, CellType.INTEGER):
            return self.number(cell, column, row_unit)
        if kind is CellType.DATE:
            return self.date(cell)
        if kind is CellType.BOOLEAN:
            if isinstance(raw, bool):
                return raw
            text = self.text(cell, column).strip()
            return {"是": True, "否": False, "TRUE": True, "FALSE": False}.get(text.upper(), text)
        if kind in (CellType.AMOUNT, CellType.FUNDING, CellType.MEASURE):
            return self.amount(cell, column)
        text = self.text(cell, column)
        if kind in (CellType.UNIT, CellType.MONEY_UNIT, CellType.FIGURE_ID):
            return text.strip()
        if kind is CellType.FIGURE_IDS:
            return [part for part in _SEPARATORS.split(text.strip()) if part]
        return text

    def text(self, cell: Cell, column: SheetColumn) -> str:
        raw = cell.value
        if isinstance(raw, str):
            return raw
        if isinstance(raw, bool):
            self.problem(
                "RG105",
                "单元格是真假值 TRUE/FALSE",
                cell,
                raw,
                EXPECTED[column.kind] + "（先把单元格设为文本格式）",
            )
            return str(raw).upper()
        if isinstance(raw, int | float):
            return number_text(read_number(raw))
        if isinstance(raw, datetime.date):
            day = raw.date() if isinstance(raw, datetime.datetime) else raw
            hint = (
                "“1-9”会被当成1月9日；写 1—9 或 1至9"
                if column.kind is CellType.MONTHS
                else "先把单元格设为文本格式再输入"
            )
            self.problem(
                "RG105",
                "单元格是日期（Excel 把输入当成了日期）",
                cell,
                day.isoformat(),
                f"{EXPECTED[column.kind]}（{hint}）",
            )
            return day.isoformat()
        return str(raw)

    def percent(self, cell: Cell, column: SheetColumn, row_unit: str | None) -> object:
        """A number formatted as a percentage: the number shown (0.92 → 92) where the unit is %;
        anywhere else the clerk sees 92% but the cell holds 0.92, so it is refused by name."""
        assert isinstance(cell.value, int | float)
        number = percent_number(cell.value)
        if column.kind is CellType.MEASURE:
            return {"数值": number, "单位": PERCENT}
        if column.kind is CellType.NUMBER and row_unit == PERCENT:
            return number
        stored = number_text(read_number(cell.value))
        plain = f"把单元格格式改为“常规”或“数值”（单元格里存的是 {stored}）"
        if column.kind is CellType.NUMBER and column.unit_of:
            if row_unit is None:
                message = "单元格是百分比格式，但这一行没有选单位"
                expected = (
                    f"是百分数就在“{column.unit_of[0]}”列选 %（按显示的 {number_text(number)} 读取）；"
                    f"否则{plain}，再填数字"
                )
            else:
                message = f"单元格是百分比格式，但单位是“{row_unit}”"
                expected = f"{plain}，填以“{row_unit}”计的数字；是百分数就把单位选为 %"
            self.problem("RG107", message, cell, _shown(cell), expected)
        else:
            self.problem(
                "RG105",
                f"单元格是百分比格式，而“{column.header}”不填百分数",
                cell,
                _shown(cell),
                f"{EXPECTED[column.kind]}；{plain}",
            )
        return _shown(cell)

    def number(self, cell: Cell, column: SheetColumn, row_unit: str | None = None) -> object:
        raw = cell.value
        expected = EXPECTED[column.kind]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return read_number(raw)
        if not isinstance(raw, str):
            shown = _shown(cell)
            what = (
                "日期"
                if isinstance(raw, datetime.date)
                else "真假值"
                if isinstance(raw, bool)
                else "不是数字"
            )
            self.problem(
                "RG106", f"单元格是{what}" if what != "不是数字" else "不是数字", cell, shown, expected
            )
            return shown
        if not starts_like_number(raw):
            self.problem("RG106", "不是数字", cell, raw, expected)
            return raw
        parsed = split_number(raw)
        if isinstance(parsed, Refusal):
            self.problem("RG106", parsed.message, cell, raw, parsed.expected)
            return raw
        number, rest = parsed
        if rest and row_unit == PERCENT and unit(rest) == unit(PERCENT):
            return number  # 92% typed as text where the unit is %: as a percentage-formatted cell reads
        if rest:
            symbol = (
                rest if unit(rest) is not None else rest + "元" if unit(rest + "元") is not None else None
            )
            hint = expected
            if column.kind is CellType.NUMBER and symbol is not None:
                hint = f"只填数字 {number_text(number)}，" + (
                    f"单位在“单位”列选 {symbol}" if column.header == "数值" else "单位与本指标的“单位”相同"
                )
            self.problem("RG106", f"数字后面多了“{rest}”", cell, raw, hint)
            return raw
        return number

    def date(self, cell: Cell) -> object:
        raw = cell.value
        if isinstance(raw, datetime.datetime):
            if raw.time() != datetime.time():
                self.problem("RG110", "日期带有时刻", cell, raw.isoformat(sep=" "), "只填日期，如 2024-09-23")
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        if isinstance(raw, str):
            # What is not a date is left to the schema, which reports it as it does in a YAML ledger.
            return parse_date(raw) or raw
        shown = _shown(cell)
        self.problem("RG110", "单元格不是日期", cell, shown, "日期，如 2024-09-23（单元格格式为日期）")
        return shown

    def amount(self, cell: Cell, column: SheetColumn) -> object:
        """A money cell, a funding source, or a target/actual (see ``CellType``)."""
        raw = cell.value
        kind = column.kind
        expected = EXPECTED[kind]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = read_number(raw)
            if kind is CellType.MEASURE:
                self.problem("RG107", "没有写单位", cell, number_text(number), expected)
            return number
        if not isinstance(raw, str):
            shown = _shown(cell)
            self.problem("RG105", "单元格是日期或真假值", cell, shown, expected)
            return shown
        text = raw.strip()
        if starts_like_number(text):
            parsed = split_number(text)
            if isinstance(parsed, Refusal):
                self.problem("RG106", parsed.message, cell, raw, parsed.expected)
                return raw
            number, rest = parsed
            if not rest:
                if kind is CellType.MEASURE:
                    self.problem("RG107", "没有写单位", cell, raw, expected)
                return number
            found = unit(rest)
            if found is not None and kind is not CellType.MEASURE and found.family is not Family.MONEY:
                self.problem(
                    "RG107", f"“{rest}”不是金额单位", cell, raw, "金额单位 元、万元、亿元，如 1.3168亿元"
                )
                return raw
            if found is None:
                money = unit(rest + "元") is not None and kind is not CellType.MEASURE
                message = f"“{rest}”不是单位" + (f"，是否应为“{rest}元”" if money else "")
                self.problem("RG107" if not money else "RG106", message, cell, raw, expected)
                return raw
            return {"数值": number, "单位": rest}
        known = text in self.figure_ids or not any(ch.isdigit() for ch in text)
        if kind is not CellType.FUNDING and text.isidentifier() and known:
            return {FIGURES: text}
        what = "不是数字" if kind is CellType.FUNDING else "既不是数字，也不是“指标”表中的编号"
        self.problem("RG106", what, cell, raw, expected)
        return raw


def _label(value: object) -> str:
    """A header or 基本信息 label as typed, without spaces, line breaks or a trailing colon."""
    return re.sub(r"\s+", "", str(value)).rstrip(":：")


def _row_unit(cells: dict[str, Cell], column: SheetColumn) -> str | None:
    """The unit a number of this 指标 row is in, as far as the row says: the first filled of the
    column's ``unit_of`` columns, or % in a 比例 row; None when nothing says (or not a number)."""
    if not column.unit_of:
        return None
    for header in column.unit_of:
        cell = cells.get(header)
        if cell is not None and isinstance(cell.value, str) and cell.value.strip():
            found = unit(cell.value.strip())
            return found.symbol if found is not None else cell.value.strip()
    ratio = (c.header for c in FIGURES_SHEET.columns if c.key[:1] == (RATIO,))
    return PERCENT if any(h in cells and not cells[h].empty for h in ratio) else None


def _shown(cell: Cell) -> str:
    """The cell as the clerk sees it (a percentage with its % sign), for messages."""
    raw = cell.value
    if cell.percent and isinstance(raw, int | float) and not isinstance(raw, bool):
        return number_text(percent_number(raw)) + "%"
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(sep=" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, float):
        return number_text(number_from_float(raw))
    return "" if raw is None else str(raw)


_SHEET_ORDER = {sheet.name: index for index, sheet in enumerate(DATA_SHEETS)}
_PLACE = re.compile(r"([^!]+)(?:!([A-Z]+)?([0-9]+)?(?::[A-Z]*[0-9]*)?)?")  # also 项目!O2:O3, 项目!1:1


def _reading_order(problem: Problem) -> tuple[int, int, int]:
    """Problems sorted as a person goes through the workbook: sheet by sheet, row by row."""
    match = _PLACE.fullmatch(problem.place or "")
    if match is None or match.group(1) not in _SHEET_ORDER:
        return (len(_SHEET_ORDER), 0, 0)
    letters, row = match.group(2), match.group(3)
    return (
        _SHEET_ORDER[match.group(1)],
        int(row) if row else 0,
        column_index_from_string(letters) if letters else 0,
    )
