"""A declared table (``表格``, docs/tables.md) as one sheet of the Excel ledger, declared once.

The sheet is the table as it prints, with its declarations above it, all in one place so that a
column's settings stand over the column itself (inserting a column keeps them together):

- column A names what each row is: 表格编号, 位置, the declaration rows (列名, 单位, 文本, 小数位, 对齐,
  宽度, 公式, 合计, 分组列, 排序, 合计应等于 — one cell per table column), 标题 (the title, merged over
  the table), 表头 (the header rows: spanners merged across their columns, each leaf label =
  显示为 merged down to the last header row), then each row's 行别: blank for a row, 分组 (a group's
  own values, optionally ``分组 核对：工作目标、已完成数``), 小计, 合计, 单行分组;
- columns B … are the table's columns, left to right.

Groups are the printed shape: a group's name stands in its level's 分组列 merged over every row of the
group, and a merged range is one group.  A name typed again under its open group continues it (a
clerk who does not merge).  Any other unmerged text in a 分组列 is the row's own (the first column of
a table without groups, an indicator without sub-items printed in the 考核指标 column), except on a
row marked 分组, 小计 or 单行分组 — a group of one row has nothing to merge, so its row says it.

This module is pure: the writer (``excel.write``) lays out ``Line`` s and header cells from a ledger's
plain values, the reader (``excel.read``) gives back ``Line`` s from cells, and ``read_lines`` /
``read_header`` turn them into the plain values of the YAML reader.  The writer runs the same readers
on what it is about to write and refuses (RG126) a table whose shape the sheet cannot hold, rather
than writing one that would read back differently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.ledger.excel.cellvalues import Refusal, number_text, split_number, starts_like_number
from reportgen.ledger.keys import (
    CHILD_NAME_COLUMN,
    CHILD_ROWS,
    CHILD_TAKE,
    PLACEMENT_SECTION,
    ROW_GROUP_KEYS,
    TITLE,
)
from reportgen.ledger.plain import At
from reportgen.ledger.tables import is_unit_row, places_units, unit_name_column
from reportgen.model import FORMULA_KINDS, NUMBERING

TABLE_ID = "表格编号"  # A1: what marks a sheet as a declared table
PLACE_LABEL = "位置"  # A2: 附件, 正文, or 章节：标题 (blank: the kind's 表格位置, 附件 unless it says)
PLACE_HELP = (
    "表放在哪里：附件、正文（正文末尾），或 章节：某节的标题（紧跟在该节之后）。"
    "空着时按报告类型：多数类型作附件，公示、绩效自评表排在正文末尾。"
)
TITLE_LABEL = TITLE
HEADER_LABEL = "表头"
GROUP, SUBTOTAL, TOTAL, SINGLE = "分组", "小计", "合计", "单行分组"
MARKERS = ("", GROUP, SUBTOTAL, TOTAL, SINGLE)
CHECK = "核对"
DEFAULT_TOTAL_LABEL = "合计"
SEPARATORS = re.compile(r"[、,，;；\s]+")
FORMULA_COLON = re.compile(r"\s*[：:]\s*")
# Excel's rules for a sheet name: at most 31 characters, none of these, not starting or ending with '.
MAX_SHEET_NAME = 31
FORBIDDEN_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\：]")


@dataclass(frozen=True, slots=True)
class Setting:
    """One declaration row: its label in column A, the column key it holds, what it takes, its help."""

    label: str
    key: str
    kind: str  # text, whole, number, boolean, choice, formula, level, order, figure
    help: str
    choices: tuple[str, ...] = ()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "列名",
        "名称",
        "text",
        "每列的名称，表内唯一，必填；公式、分组列、排序都用它指这一列。表头印的是下面“表头”中的文字。",
    ),
    Setting(
        "单位", "单位", "unit", "数字列的单位（元、万元、人、户、%……）；每格都以这个单位计。文本列不填。"
    ),
    Setting("文本", "文本", "boolean", "是：文字列（单位名称、指标值……），不参与计算。", ("是", "否")),
    Setting("小数位", "小数位", "whole", "显示几位小数：金额、比例默认 2，计数和纯数字默认 0。"),
    Setting("对齐", "对齐", "choice", "左、中、右：文本列默认左，数字列默认右。", ("左", "中", "右")),
    Setting("宽度", "宽度", "number", "列宽的建议（以汉字宽计），可不填。"),
    Setting(
        "公式",
        "公式",
        "formula",
        "按公式计算的列：求和：甲、乙 | 差：甲、乙 | 乘：户籍人口数、7元 | 商：分子、分母 | "
        "占合计：列 | 排名：列（或 排名：列、升序）| 序号。这样的列只填原文印出的数（公布值），供检查核对。",
    ),
    Setting(
        "合计",
        "合计",
        "choice",
        "小计、合计行中这一列怎么得出：求和、重算、无；可不填（按列自动）。",
        ("求和", "重算", "无"),
    ),
    Setting(
        "分组列", "分组列", "level", "分组名称写在哪一列：第 1 层分组的列填 1，第 2 层填 2；不填时为第一列。"
    ),
    Setting(
        "排序",
        "排序",
        "order",
        "各组内按这一列排序：填 降序 或 升序（只填一列）；不填时按录入顺序。",
        ("降序", "升序"),
    ),
    Setting(
        "合计应等于", "合计应等于", "figure", "这一列的合计须等于的指标编号（由检查核对），如 支出总额。"
    ),
)
# A table whose rows are a parent ledger's units (``行: 下级``, docs/rollup.md) has no rows to type: one
# line marked 下级 stands for them, and two more declaration rows say what fills them.  Written only on
# such a table's sheet, so every other table keeps the sheet it always had.
CHILD_MARK = CHILD_ROWS
TAKE, NAME_COLUMN = CHILD_TAKE, CHILD_NAME_COLUMN
CHILD_SETTINGS: tuple[Setting, ...] = (
    Setting(
        TAKE,
        TAKE,
        "figure",
        "“下级”表：这一列取各下级台账的哪个指标（指标编号）；不填时取与列名同名的指标。文本列、公式列不填。",
    ),
    Setting(
        NAME_COLUMN,
        NAME_COLUMN,
        "boolean",
        "“下级”表：写各下级名称（填报单位）的文本列填“是”（只填一列）；不填时为第一个文本列。",
        ("是",),
    ),
)
CHILD_HELP = (
    "行别“下级”：这张表每个下级台账一行（次序同“基本信息”的“下级”），由程序填写：名称列写各下级的"
    "填报单位，数字列取各下级的同名指标（或“取数”行所写的指标），公式列照常计算。这一行不填内容，"
    "表中也不再填其他数据行；合计行照常写在它的下面。"
)
CHILD_PLACED_HELP = (
    "行别“下级”、名称列写了一个下级的名称（填报单位）：这个下级的一行放在这里，可放在任何分组中"
    "（组名照常合并；这一行分组列中的文字都是组名），由程序填数，小计、合计照常计算；这一行其余各格不填。每个下级恰好一行，"
    "同一张表中也可以有本级自己填数的行（如“市本级”）。"
)
SETTING_BY_LABEL = {setting.label: setting for setting in (*SETTINGS, *CHILD_SETTINGS)}
# Column A of the header rows, and what the 行别 of a row may be, for the help and the 说明 sheet.
ROW_KIND_HELP = (
    "行别：空白为一般的行；“分组”为一组本身的数（组名写在分组列，上下合并），"
    "要核对各子项之和时写“分组 核对：工作目标、已完成数”；“小计”为该组末尾的小计行，“合计”为表末的合计行"
    "（合计名称写在第一列），这两种行只填原文印出的数（公布值）；“单行分组”：只有这一行的分组（组名无从合并），"
    "这一行分组列中的文字都是组名。分组列中没有合并、也没有这些行别的文字是这一行自己的。"
)
PURPOSE = (
    "每张“表格”一个工作表：上方各行是表的设置（每列的设置写在这一列的上方），“标题”一行是表的标题，"
    "“表头”各行照原表的样子（跨列的表头格合并），其下每行一行数据，A 列的“行别”说明这一行是什么。"
    "灰色的列由公式计算，只填原文印出的数（公布值）；引用指标的格写指标编号（蓝字）。"
)


# -- sheet names --------------------------------------------------------------------------------------


def sheet_name(table_id: str, taken: set[str]) -> str:
    """A readable sheet name for the table ``table_id``: its 编号 within Excel's rules, unique among
    ``taken`` (the fixed sheets and the tables before it), which it is added to."""
    base = FORBIDDEN_IN_SHEET_NAME.sub("_", table_id).strip().strip("'") or "表格"
    base = base[:MAX_SHEET_NAME].rstrip("'") or "表格"  # cut to 31, it must not end in ' either
    if base.casefold() == "history":  # Excel keeps this name for itself
        base = "表格_" + base
    name, count = base, 1
    while name.casefold() in {t.casefold() for t in taken}:
        count += 1
        suffix = f"（{count}）"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name)
    return name


# -- formulas as text -----------------------------------------------------------------------------------


def formula_text(formula: object) -> str:
    """``{乘: [户籍人口数, {数值: 7, 单位: 元}]}`` → ``乘：户籍人口数、7元``; ``{排名: 率, 顺序: 升序}`` →
    ``排名：率、升序``.  What is not a formula mapping is written as its text (the reader refuses it)."""
    if not isinstance(formula, Mapping):
        return str(formula)
    kinds = [k for k in FORMULA_KINDS if k in formula]
    if len(kinds) != 1:
        return str(dict(formula))
    raw = formula[kinds[0]]
    items = raw if isinstance(raw, list) else [raw]
    parts = [_operand_text(item) for item in items]
    if "顺序" in formula:
        parts.append(str(formula["顺序"]))
    return f"{kinds[0]}：" + "、".join(parts)


def _operand_text(item: object) -> str:
    if isinstance(item, Mapping):
        value = item.get("数值")
        shown = number_text(value) if isinstance(value, int | Decimal) else str(value)
        return shown + str(item.get("单位") or "")
    return str(item)


def formula_plain(text: str) -> dict[str, object] | str | Refusal:
    """The plain formula of ``formula_text``'s form, or why the text is not one."""
    head = FORMULA_COLON.split(text.strip(), maxsplit=1)
    kind = head[0].strip()
    rest = head[1] if len(head) > 1 else ""
    if kind == NUMBERING and not rest.strip():
        return NUMBERING  # as the YAML writes it: no operands
    if kind not in FORMULA_KINDS:
        return Refusal(
            f"不认识的公式“{kind}”",
            "求和、差、乘、商、占合计、排名 之一，后跟冒号和列名，如 商：合计金额、应使用资金；或 序号",
        )
    parts = [part for part in SEPARATORS.split(rest.strip()) if part]
    plain: dict[str, object] = {}
    if kind == "排名" and parts and parts[-1] in ("降序", "升序"):
        plain["顺序"] = parts.pop()
    operands: list[object] = []
    for part in parts:
        if starts_like_number(part):
            parsed = split_number(part)
            if isinstance(parsed, Refusal):
                return parsed
            number, unit_text = parsed
            operands.append({"数值": number, **({"单位": unit_text} if unit_text else {})})
        else:
            operands.append(part)
    single = kind in ("占合计", "排名") and len(operands) == 1
    return {kind: operands[0] if single else operands, **plain}


def placement_text(value: object) -> str:
    """``{章节: 工作开展情况}`` → ``章节：工作开展情况``; 附件 and 正文 as they are."""
    if isinstance(value, Mapping):
        return f"{PLACEMENT_SECTION}：" + str(value.get(PLACEMENT_SECTION) or "")
    return str(value)


def placement_plain(text: str) -> object:
    """The plain 位置 of ``placement_text``'s form (anything else as typed, for the reader to refuse)."""
    head = FORMULA_COLON.split(text.strip(), maxsplit=1)
    if len(head) == 2 and head[0].strip() == PLACEMENT_SECTION:
        return {PLACEMENT_SECTION: head[1].strip()}
    return text.strip()


# -- the header rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeaderCell:
    """One header cell: rows ``top``…``bottom`` (0-based within the header), table columns
    ``left``…``right`` (0-based), its text; ``leaf`` when it is a column's own label (显示为)."""

    top: int
    bottom: int
    left: int
    right: int
    text: str
    leaf: bool


def header_cells(
    columns: Sequence[Mapping[str, object]], groups: Sequence[object]
) -> tuple[int, list[HeaderCell]]:
    """How many header rows the table takes and its cells: spanners over their columns, each leaf
    label from its spanners' depth down to the last header row (上下贯通 when under none)."""
    names = [str(c.get("名称", "")) for c in columns]
    depth = [0] * len(names)
    spanners: list[tuple[int, list[int], str]] = []

    def visit(group: object, level: int) -> list[int]:
        if not isinstance(group, Mapping):
            return []
        covered: list[int] = []
        for member in group.get("列") or []:
            if isinstance(member, Mapping):
                covered += visit(member, level + 1)
            elif str(member) in names:
                index = names.index(str(member))
                depth[index] = max(depth[index], level + 1)
                covered.append(index)
        if covered:
            spanners.append((level, covered, str(group.get("名称", ""))))
        return covered

    for group in groups:
        visit(group, 0)
    height = max(depth, default=0) + 1
    cells = [HeaderCell(level, level, min(cols), max(cols), text, False) for level, cols, text in spanners]
    for index, column in enumerate(columns):
        label = column.get("显示为")
        cells.append(HeaderCell(depth[index], height - 1, index, index, str(label or names[index]), True))
    return height, sorted(cells, key=lambda c: (c.top, c.left))


@dataclass
class HeaderRead:
    labels: list[str | None]  # each column's leaf label (None: missing)
    groups: list[dict[str, object]]  # 表头 as plain values
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, message)
    places: dict[At, tuple[int, int]] = field(default_factory=dict)  # 表头 path → (row, column)


def read_header(height: int, width: int, regions: Sequence[HeaderCell]) -> HeaderRead:
    """The leaf labels and the 表头 groups from the header's cells (``leaf`` is ignored: a region
    reaching the last header row is a leaf, any other a spanner); every header cell must be covered."""
    last = height - 1
    covered: dict[tuple[int, int], HeaderCell] = {}
    for region in regions:
        for row in range(region.top, region.bottom + 1):
            for column in range(region.left, region.right + 1):
                covered.setdefault((row, column), region)
    found = HeaderRead([None] * width, [])
    leaves: dict[int, HeaderCell] = {}
    for column in range(width):
        bottom = covered.get((last, column))
        if bottom is None or not bottom.text.strip():
            found.problems.append((last, column, "这一列的表头是空的"))
            continue
        region = bottom
        if region.left != region.right:
            found.problems.append((last, column, "最下一行表头的格不能跨列：每列一格（写这一列印出的名称）"))
            continue
        leaves[column] = region
        found.labels[column] = region.text.strip()
        for row in range(region.top):
            above = covered.get((row, column))
            if above is None or not above.text.strip():
                found.problems.append(
                    (row, column, "表头的这一格是空的：跨列的表头格应合并，列名格应向上合并")
                )
    spanners = sorted(
        {id(r): r for r in covered.values() if r.bottom < last and r.text.strip()}.values(),
        key=lambda r: (r.top, r.left),
    )

    def members(top: int, left: int, right: int, path: At) -> list[object]:
        items: list[object] = []
        column = left
        while column <= right:
            inner = next((s for s in spanners if s.top == top and s.left == column), None)
            if inner is not None and inner.right <= right:
                node: dict[str, object] = {"名称": inner.text.strip()}
                place = (*path, len(items) + 1)
                found.places[place] = (inner.top, inner.left)
                node["列"] = members(inner.bottom + 1, inner.left, inner.right, (*place, "列"))
                items.append(node)
                column = inner.right + 1
                continue
            leaf = leaves.get(column)
            if leaf is not None and leaf.top == top:
                items.append(column)  # an index, named by the caller
            elif leaf is not None:
                found.problems.append((top, column, "表头的这一格不在任何跨列的表头格之下"))
            column += 1
        return items

    found.groups = [g for g in members(0, 0, width - 1, ()) if isinstance(g, dict)]
    return found


# -- the rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """One cell's plain value and where it is; ``span`` names the merged range a 分组列 cell is part of
    when the range covers more than one row (None: a cell of its own)."""

    value: object
    ref: str = ""
    span: str | None = None


@dataclass
class Line:
    """One row below the header: its 行别 and its non-empty cells by column name."""

    marker: str
    cells: dict[str, Slot]
    ref: str = ""  # the 行别 cell


@dataclass
class RowsRead:
    rows: list[object]
    total: Line | None
    places: dict[At, str] = field(default_factory=dict)  # path below the table → cell
    problems: list[tuple[str, str, str, object, str]] = field(default_factory=list)


@dataclass
class _Open:
    key: tuple[object, ...]
    group: dict[str, object]
    path: At
    closed: bool = False


def marker_of(text: str) -> tuple[str, list[str] | None]:
    """A 行别 cell: its kind and, for ``分组 核对：甲、乙``, the checked columns."""
    stripped = text.strip()
    if stripped.startswith(GROUP) and CHECK in stripped:
        _, _, names = stripped.partition(CHECK)
        return GROUP, [n for n in SEPARATORS.split(names.lstrip("：: ")) if n]
    return re.sub(r"\s+", "", stripped), None


def read_lines(
    lines: Sequence[Line], group_columns: Sequence[str], name_column: str | None = None
) -> RowsRead:
    """The plain rows (groups nested, as YAML writes them) and the 合计 line, from the lines below
    the header.  A line with no cells of its own adds no row (it may still open a group).  With a
    ``name_column`` a 下级 line naming a unit there is that unit's ``{下级: 名称}`` row."""
    found = RowsRead([], None)
    top: list[object] = found.rows
    stack: list[_Open] = []

    def problem(code: str, message: str, ref: str, value: object, expected: str) -> None:
        found.problems.append((code, message, ref, value, expected))

    for index, line in enumerate(lines):
        kind, checked = marker_of(line.marker)
        if found.total is not None:
            problem("RG105", "合计行之后还有内容", line.ref, line.marker, "合计行是表的最后一行")
            continue
        placing = kind == CHILD_MARK and name_column is not None
        if kind not in MARKERS and not placing:
            problem(
                "RG105",
                f"不认识的行别“{line.marker}”",
                line.ref,
                line.marker,
                "、".join(m for m in MARKERS if m) + " 或空白",
            )
            kind = ""
        if kind == TOTAL:
            found.total = line
            continue
        keys: list[tuple[object, ...]] = []
        names: list[Slot] = []
        levels = list(group_columns)
        if placing and name_column in levels:  # the unit's name is never a group's
            del levels[levels.index(name_column) :]
        labels = [line.cells.get(column) for column in levels]
        filled = len(labels)
        for level, slot in enumerate(labels):
            if slot is None or not isinstance(slot.value, str) or not slot.value.strip():
                filled = level
                break
        for level, slot in enumerate(labels[:filled]):
            assert slot is not None and isinstance(slot.value, str)
            key = _group_key(slot, level, keys, stack, kind, level == filled - 1, index)
            if key is None:
                break  # from here on the 分组列 hold this row's own text
            keys.append(key)
            names.append(slot)
        depth = 0
        while depth < len(stack) and depth < len(keys) and stack[depth].key == keys[depth]:
            depth += 1
        if any(open_.closed for open_ in stack[:depth]):
            problem("RG105", "小计行之后还有本组的行", line.ref, line.marker, "小计行是该组的最后一行")
            continue
        del stack[depth:]
        for level in range(depth, len(keys)):
            parent = stack[-1].group["行"] if stack else top
            assert isinstance(parent, list)
            group: dict[str, object] = {"分组": keys[level][1], "行": []}
            parent.append(group)
            path: At = (*(stack[-1].path if stack else ()), "行", len(parent))
            found.places[path] = names[level].ref
            found.places[(*path, "分组")] = names[level].ref
            found.places[(*path, "行")] = names[level].ref
            stack.append(_Open(keys[level], group, path))
        named = set(group_columns[: len(keys)])  # the 分组列 that hold group names on this line
        own = {name: slot for name, slot in line.cells.items() if name not in named}
        if kind == GROUP:
            if not stack:
                problem(
                    "RG105",
                    "“分组”行的分组列是空的",
                    line.ref,
                    line.marker,
                    "在分组列写组名（上下合并到组内各行）",
                )
                continue
            current = stack[-1]
            rows = current.group["行"]
            if (isinstance(rows, list) and rows) or any(k not in ("分组", "行") for k in current.group):
                problem(
                    "RG105", "“分组”行应是该组的第一行", line.ref, line.marker, "把组本身的数写在组的第一行"
                )
                continue
            for name, slot in own.items():
                current.group[name] = slot.value
                found.places[(*current.path, name)] = slot.ref
            if checked is not None:
                current.group[CHECK] = checked
                found.places[(*current.path, CHECK)] = line.ref
            continue
        if kind == SUBTOTAL:
            if not stack:
                problem(
                    "RG105",
                    "“小计”行不在任何分组中",
                    line.ref,
                    line.marker,
                    "小计行的分组列写组名（与组内各行合并）",
                )
                continue
            current = stack[-1]
            current.group["小计"] = "是"
            found.places[(*current.path, "小计")] = line.ref
            if own:
                current.group["小计公布值"] = {name: slot.value for name, slot in own.items()}
                for name, slot in own.items():
                    found.places[(*current.path, "小计公布值", name)] = slot.ref
            current.closed = True
            continue
        unit_name = own.pop(name_column, None) if placing and name_column is not None else None
        if placing:
            for slot in own.values():
                problem(
                    "RG105",
                    "行别“下级”的行只在名称列写下级的名称，其余各格由程序填写",
                    slot.ref,
                    slot.value,
                    f"只在“{name_column}”列写下级的名称（填报单位），其余各格留空",
                )
            own = {CHILD_ROWS: unit_name} if unit_name is not None else {}
        if not own:
            continue  # a line that only carries a group's name (or a merged range over a blank row)
        parent = stack[-1].group["行"] if stack else top
        assert isinstance(parent, list)
        parent.append({name: slot.value for name, slot in own.items()})
        path = (*(stack[-1].path if stack else ()), "行", len(parent))
        found.places[path] = line.ref
        for name, slot in own.items():
            found.places[(*path, name)] = slot.ref
    found.rows = [_ordered(row) for row in top]
    return found


def _group_key(
    slot: Slot,
    level: int,
    keys: list[tuple[object, ...]],
    stack: list[_Open],
    kind: str,
    deepest: bool,
    at: int,
) -> tuple[object, ...] | None:
    """Which group a 分组列 name on a line belongs to (None: it is the row's own text).

    A name merged over several rows is the group of that range.  A name typed again under the open
    group of that name continues it (a clerk who does not merge).  On a 分组, 小计, 单行分组 or 下级
    line any other name starts a group of its own (``at`` makes it unique): a unit's line has no text
    of its own there, so a 下级 line alone in its group needs no 单行分组.  A 分组 line's deepest name
    always starts its group, as does every unmerged name of a 单行分组 line.  Elsewhere an unmerged
    name is the row's own text."""
    text = str(slot.value).strip()
    parent: tuple[object, ...] = keys[-1] if keys else ()
    if slot.span is not None:
        return (parent, text, slot.span)
    fresh = kind == SINGLE or (kind == GROUP and deepest)
    open_ = stack[level] if level < len(stack) else None
    if not fresh and open_ is not None and open_.key[0] == parent and open_.key[1] == text:
        return open_.key
    if kind in (GROUP, SUBTOTAL, SINGLE, CHILD_MARK):  # a 下级 line has no text of its own there
        return (parent, text, f"line {at}")
    return None


def _ordered(entry: object) -> object:
    """A group's keys in the YAML order: 分组, its own cells, 核对, 小计, 小计公布值, 行."""
    if not isinstance(entry, dict) or "分组" not in entry:
        return entry
    own = {k: v for k, v in entry.items() if k not in ROW_GROUP_KEYS}
    ordered: dict[str, object] = {"分组": entry["分组"], **own}
    for key in ("核对", "小计", "小计公布值"):
        if key in entry:
            ordered[key] = entry[key]
    rows = entry.get("行")
    ordered["行"] = [_ordered(row) for row in rows] if isinstance(rows, list) else []
    return ordered


def table_lines(
    table: Mapping[str, object],
    group_columns: Sequence[str],
    first_text: str | None,
    name_column: str | None = None,
) -> list[Line]:
    """The lines a table's rows and 合计 are written as (values plain, no places), for ``read_lines``
    to read back: a group's name in its level's 分组列 of every line of the group, spanned when the
    group has more than one line; with a ``name_column`` (a table placing units), a ``{下级: 名称}``
    row as a 下级 line with the unit's name in that column."""
    lines: list[Line] = []

    def emit(entries: object, level: int) -> None:
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping):
                continue
            if name_column is not None and is_unit_row(entry):
                name = entry[CHILD_ROWS]
                lines.append(Line(CHILD_MARK, {name_column: Slot(name)} if name is not None else {}))
                continue
            if "分组" not in entry:
                lines.append(Line("", {k: Slot(v) for k, v in entry.items() if v is not None}))
                continue
            start = len(lines)
            own = {k: Slot(v) for k, v in entry.items() if k not in ROW_GROUP_KEYS and v is not None}
            checked = entry.get(CHECK)
            if own or checked:
                marker = GROUP
                if isinstance(checked, list) and checked:
                    marker += f" {CHECK}：" + "、".join(str(c) for c in checked)
                lines.append(Line(marker, own))
            emit(entry.get("行"), level + 1)
            if entry.get("小计") in ("是", True):
                printed = entry.get("小计公布值")
                cells = {str(k): Slot(v) for k, v in printed.items()} if isinstance(printed, Mapping) else {}
                lines.append(Line(SUBTOTAL, cells))
            if len(lines) == start:
                lines.append(Line(SINGLE, {}))  # a group without rows: its name alone
            if level < len(group_columns):
                column = group_columns[level]
                span = f"{column}{start}" if len(lines) - start > 1 else None
                for line in lines[start:]:
                    line.cells[column] = Slot(entry.get("分组"), span=span)
                if span is None and not lines[start].marker:
                    lines[start].marker = SINGLE  # a group of one row: nothing to merge, so say it

    emit(table.get("行"), 0)
    if table.get("行") == CHILD_ROWS:
        lines.append(Line(CHILD_MARK, {}))  # the units' rows, filled when the ledger is loaded
    if table.get("合计行") in ("是", True) or "合计公布值" in table or "合计名称" in table:
        printed = table.get("合计公布值")
        cells = {str(k): Slot(v) for k, v in printed.items()} if isinstance(printed, Mapping) else {}
        if first_text is not None:
            cells[first_text] = Slot(table.get("合计名称") or DEFAULT_TOTAL_LABEL)
        lines.append(Line(TOTAL, cells))
    return lines


# -- the whole sheet -------------------------------------------------------------------------------------


@dataclass
class TableSheet:
    """What one table's sheet holds, as plain values: the writer lays it out in cells, the reader
    fills it from cells; ``table_of`` makes the YAML reader's plain table of it."""

    table_id: object
    title: object
    settings: dict[str, list[object]]  # declaration label → one value per column (None: blank)
    height: int
    header: list[HeaderCell]
    lines: list[Line]
    refs: dict[str, str] = field(default_factory=dict)  # 表格编号, 标题 → cell
    setting_refs: dict[str, list[str]] = field(default_factory=dict)  # label → cell per column
    header_refs: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → cell
    placement: object = None  # 位置 as plain (None: not written)


def settings_of(sheet: TableSheet) -> tuple[Setting, ...]:
    """The declaration rows of a table's sheet, in order: the 下级 table's own after the others."""
    return (*SETTINGS, *(setting for setting in CHILD_SETTINGS if setting.label in sheet.settings))


def group_columns_of(names: Sequence[object], settings: Mapping[str, Sequence[object]]) -> list[str]:
    """The 分组列 in level order as the sheet says (explicit levels, else the first column when it
    is a text column, as the YAML reader defaults)."""
    levels = settings.get("分组列") or []
    chosen = sorted(
        (level, str(name)) for name, level in zip(names, levels, strict=False) if isinstance(level, int)
    )
    if chosen:
        return [name for _, name in chosen]
    texts = settings.get("文本") or []
    return [str(names[0])] if names and texts and texts[0] in ("是", True) else []


def sheet_of(table: Mapping[str, object]) -> TableSheet:
    """The sheet of a table's plain values (as the YAML reader gives them)."""
    raw_columns = table.get("列")
    columns = [c for c in raw_columns if isinstance(c, Mapping)] if isinstance(raw_columns, list) else []
    names = [c.get("名称") for c in columns]
    settings: dict[str, list[object]] = {}
    for setting in SETTINGS:
        if setting.key in ("分组列", "排序", "合计应等于"):
            continue
        settings[setting.label] = [c.get(setting.key) for c in columns]
    explicit = table.get("分组列")
    levels = (
        {str(name): level for level, name in enumerate(explicit, start=1)}
        if isinstance(explicit, list)
        else {}
    )
    settings["分组列"] = [levels.get(str(name)) for name in names]
    sort = table.get("排序")
    sorted_by = sort.get("列") if isinstance(sort, Mapping) else None
    order = (sort.get("顺序") if isinstance(sort, Mapping) else None) or "降序"
    settings["排序"] = [order if name == sorted_by and sorted_by is not None else None for name in names]
    equals = table.get("合计应等于")
    settings["合计应等于"] = [
        ref.get("指标")
        if isinstance(equals, Mapping) and isinstance(ref := equals.get(str(name)), Mapping)
        else None
        for name in names
    ]
    raw_header = table.get("表头")
    height, header = header_cells(columns, raw_header if isinstance(raw_header, list) else [])
    placing = places_units(table)
    if table.get("行") == CHILD_ROWS or placing:
        take = table.get(TAKE)
        taken = take if isinstance(take, Mapping) else {}
        settings[TAKE] = [taken.get(str(name)) for name in names]
        chosen = table.get(NAME_COLUMN)
        settings[NAME_COLUMN] = [
            "是" if chosen is not None and str(name) == str(chosen) else None for name in names
        ]
    group_columns = group_columns_of(names, settings)
    first_text = str(names[0]) if names and columns[0].get("文本") in ("是", True) else None
    named = unit_name_column(table) if placing else None
    lines = table_lines(table, group_columns, first_text, str(named) if named is not None else None)
    layout = TableSheet(table.get("编号"), table.get(TITLE), settings, height, header, lines)
    layout.placement = table.get(PLACE_LABEL)
    return layout


Problem = tuple[str, str, str, object, str]  # code, message, cell, value, expected


def table_of(sheet: TableSheet) -> tuple[dict[str, object], dict[At, str], list[Problem]]:
    """The plain table of a sheet, the cell of each of its field paths, and what is wrong in it."""
    problems: list[Problem] = []
    places: dict[At, str] = {}
    names = sheet.settings.get("列名") or []
    width = len(names)
    header = read_header(sheet.height, width, sheet.header)
    for row, column, message in header.problems:
        ref = sheet.header_refs.get((row, column), sheet.refs.get(HEADER_LABEL, ""))
        problems.append(
            ("RG116", message, ref, None, "照原表的表头填写：跨列的表头格合并，每列最下一格写列名")
        )
    table: dict[str, object] = {"编号": sheet.table_id, TITLE: sheet.title}
    places[("编号",)] = sheet.refs.get(TABLE_ID, "")
    places[(TITLE,)] = sheet.refs.get(TITLE_LABEL, "")
    columns: list[dict[str, object]] = []
    for index, name in enumerate(names):
        declared: dict[str, object] = {"名称": name}
        place: At = ("列", index + 1)
        places[place] = _ref(sheet, "列名", index)
        label = header.labels[index]
        if label is not None and label != name:
            declared["显示为"] = label
        places[(*place, "显示为")] = sheet.header_refs.get((sheet.height - 1, index), "")
        for setting in SETTINGS[1:]:
            if setting.key in ("分组列", "排序", "合计应等于"):
                continue
            value = _value(sheet, setting.label, index)
            places[(*place, setting.key)] = _ref(sheet, setting.label, index)
            if value is not None:
                declared[setting.key] = value
        columns.append(declared)
    table["列"] = columns
    places[("列",)] = sheet.refs.get("列名", "")
    if header.groups:
        table["表头"] = [_named(group, names) for group in header.groups]
        places[("表头",)] = sheet.refs.get(HEADER_LABEL, "")
        for path, (row, column) in header.places.items():
            places[("表头", *path)] = sheet.header_refs.get((row, column), "")
    levels = [(v, i) for i in range(width) if (v := _value(sheet, "分组列", i)) is not None]
    if levels:
        ordered = sorted(levels, key=lambda item: (item[0] if isinstance(item[0], int) else 0, item[1]))
        expected = list(range(1, len(levels) + 1))
        if [level for level, _ in ordered] != expected:
            ref = _ref(sheet, "分组列", ordered[0][1])
            problems.append(
                (
                    "RG105",
                    "分组列的层次应为 1、2…，各列不同",
                    ref,
                    [v for v, _ in levels],
                    "第 1 层分组的列填 1，第 2 层填 2",
                )
            )
        table["分组列"] = [names[i] for _, i in ordered]
        for position, (_, i) in enumerate(ordered, start=1):
            places[("分组列", position)] = _ref(sheet, "分组列", i)
        places[("分组列",)] = sheet.refs.get("分组列", "")
    explicit = table.get("分组列")
    group_columns = (
        [str(n) for n in explicit] if isinstance(explicit, list) else group_columns_of(names, sheet.settings)
    )
    # 下级 lines: one without a unit's name in the name column stands for all the units' rows
    # (行: 下级); one naming a unit is that unit's {下级: 名称} row, in its groups like any row.
    marks = [line for line in sheet.lines if marker_of(line.marker)[0] == CHILD_MARK]
    unit_settings: dict[str, object] = {}  # 取数, 名称列: after 行, as the YAML reader has them
    settings_problems: list[Problem] = []
    if marks:
        _child_settings(sheet, unit_settings, places, settings_problems)
    chosen = unit_name_column({**table, **unit_settings}) if marks else None
    name_column = str(chosen) if chosen is not None else None
    children = [line for line in marks if name_column is None or name_column not in line.cells]
    lines = [line for line in sheet.lines if all(line is not child for child in children)]
    rows = read_lines(lines, group_columns, name_column)
    problems += rows.problems
    table["行"] = rows.rows
    places[("行",)] = sheet.refs.get(HEADER_LABEL, "")
    if children:
        problems += _child_rows(sheet, children, rows.rows)
        table["行"] = CHILD_ROWS
        places[("行",)] = children[0].ref
    table.update(unit_settings)
    problems += settings_problems
    places.update(
        {("行", *path[1:]) if path[:1] == ("行",) else path: ref for path, ref in rows.places.items()}
    )
    if rows.total is not None:
        total = rows.total
        table["合计行"] = "是"
        places[("合计行",)] = total.ref
        first = str(names[0]) if names else ""
        first_is_text = bool(names) and _value(sheet, "文本", 0) in ("是", True)
        printed: dict[str, object] = {}
        for name, slot in total.cells.items():
            if first_is_text and name == first:
                total_label = slot.value
                if isinstance(total_label, str) and total_label.strip() not in ("", DEFAULT_TOTAL_LABEL):
                    table["合计名称"] = total_label.strip()
                places[("合计名称",)] = slot.ref
                continue
            printed[name] = slot.value
            places[("合计公布值", name)] = slot.ref
        if printed:
            table["合计公布值"] = printed
            places[("合计公布值",)] = total.ref
    if sheet.placement is not None:
        table[PLACE_LABEL] = sheet.placement
        places[(PLACE_LABEL,)] = places[(PLACE_LABEL, PLACEMENT_SECTION)] = sheet.refs.get(PLACE_LABEL, "")
    equals = {
        str(names[i]): {"指标": v} for i in range(width) if (v := _value(sheet, "合计应等于", i)) is not None
    }
    if equals:
        table["合计应等于"] = equals
        for i in range(width):
            places[("合计应等于", str(names[i]))] = _ref(sheet, "合计应等于", i)
            places[("合计应等于", str(names[i]), "指标")] = _ref(sheet, "合计应等于", i)
    sorts = [(i, v) for i in range(width) if (v := _value(sheet, "排序", i)) is not None]
    if len(sorts) > 1:
        problems.append(
            (
                "RG105",
                "只能按一列排序",
                _ref(sheet, "排序", sorts[1][0]),
                sorts[1][1],
                "只在一列填 降序 或 升序",
            )
        )
    if sorts:
        index, order = sorts[0]
        table["排序"] = {"列": names[index], "顺序": order}
        for key in ((), ("列",), ("顺序",)):
            places[("排序", *key)] = _ref(sheet, "排序", index)
    return table, places, problems


def _child_rows(sheet: TableSheet, children: Sequence[Line], rows: Sequence[object]) -> list[Problem]:
    """What is wrong with a 下级 table's lines: one 下级 line, nothing typed in it, no rows besides."""
    problems: list[Problem] = []
    expected = (
        "一行行别“下级”，不填内容，各下级的行由程序按“基本信息”的“下级”填写；"
        "或每个下级一行行别“下级”，在名称列写它的名称"
    )
    for line in children[1:]:
        problems.append(("RG105", "行别“下级”只写一行", line.ref, line.marker, expected))
    for line in children:
        for slot in line.cells.values():
            problems.append(("RG105", "行别“下级”的行不填内容", slot.ref, slot.value, expected))
    if rows:
        first = next(
            (line for line in sheet.lines if line.cells and all(line is not c for c in children)), children[0]
        )
        where = next(iter(first.cells.values())).ref if first.cells else first.ref
        problems.append(("RG105", "“下级”表中又填了数据行", where, None, expected))
    return problems


def _child_settings(
    sheet: TableSheet, table: dict[str, object], places: dict[At, str], problems: list[Problem]
) -> None:
    """取数 (a column's unit figure id) and 名称列 (the column marked 是) of a 下级 table."""
    names = sheet.settings.get("列名") or []
    take = {str(names[i]): value for i in range(len(names)) if (value := _value(sheet, TAKE, i)) is not None}
    if take:
        table[TAKE] = take
        places[(TAKE,)] = sheet.refs.get(TAKE, "")
        for i in range(len(names)):
            places[(TAKE, str(names[i]))] = _ref(sheet, TAKE, i)
    marked = [i for i in range(len(names)) if _value(sheet, NAME_COLUMN, i) in ("是", True)]
    for i in range(len(names)):
        value = _value(sheet, NAME_COLUMN, i)
        if value not in (None, "是", True, "否", False):
            problems.append(("RG105", "“名称列”只填“是”", _ref(sheet, NAME_COLUMN, i), value, "是"))
    if len(marked) > 1:
        problems.append(
            (
                "RG105",
                "“名称列”只能有一列",
                _ref(sheet, NAME_COLUMN, marked[1]),
                _value(sheet, NAME_COLUMN, marked[1]),
                "只在写各下级名称的一列填“是”",
            )
        )
    if marked:
        table[NAME_COLUMN] = names[marked[0]]
        places[(NAME_COLUMN,)] = _ref(sheet, NAME_COLUMN, marked[0])


def _value(sheet: TableSheet, label: str, index: int) -> object:
    values = sheet.settings.get(label) or []
    return values[index] if index < len(values) else None


def _ref(sheet: TableSheet, label: str, index: int) -> str:
    refs = sheet.setting_refs.get(label) or []
    return refs[index] if index < len(refs) else sheet.refs.get(label, "")


def _named(group: dict[str, object], names: Sequence[object]) -> dict[str, object]:
    members = group.get("列")
    named = [
        _named(m, names) if isinstance(m, dict) else names[m] if isinstance(m, int) else m
        for m in (members if isinstance(members, list) else [])
    ]
    return {"名称": group.get("名称"), "列": named}


def normalized(value: object) -> object:
    """Plain table values with what the reader cannot tell apart made equal: empty fields dropped,
    是/否 and true/false alike, 显示为 equal to 名称, 合计行 否, 合计名称 合计, 排序 降序 (defaults),
    a one-operand 占合计/排名 as a list or not."""
    if isinstance(value, Mapping):
        out: dict[str, object] = {}
        for key, item in value.items():
            if item is None or (key == "核对" and item == []):
                continue
            out[str(key)] = normalized(item)
        if out.get("显示为") is not None and out.get("显示为") == out.get("名称"):
            del out["显示为"]
        if out.get("合计行") == "否":
            del out["合计行"]
        if out.get("小计") == "否":
            del out["小计"]
        if out.get("合计名称") == DEFAULT_TOTAL_LABEL:
            del out["合计名称"]
        if set(out) == {"列", "顺序"} and out["顺序"] == "降序":
            del out["顺序"]
        for kind in ("占合计", "排名"):
            if isinstance(out.get(kind), list) and len(out[kind]) == 1:  # type: ignore[arg-type]
                out[kind] = out[kind][0]  # type: ignore[index]
        return out
    if isinstance(value, list | tuple):
        return [normalized(item) for item in value]
    if isinstance(value, bool):
        return "是" if value else "否"
    return value
