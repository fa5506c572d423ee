"""The declared tables (``表格``) as the narrative quotes them: ``{{ 表格.资金使用.城关镇.资金使用率 }}``.

One source for the 正文 and the table: a quoted cell prints as ``compute.declared.cell_text`` prints it
in the table (the column's decimals, rounded half up once), followed by the column's unit (96.35%,
450户, 95.10万元); a 名次 prints 第4名; an empty cell "—".  A quote is reached by names only, each a
lookup in an index built once per report, so no quote can compute:

    表格.编号                 the table (``TableQuote``)
      .行名                   a row by its label (its first filled text cell: 单位, 子项, 三级指标 …) or a
                              group by its name, at any depth, when the name is unique in the table
      .组名.行名              a row inside a group, when the name alone is ambiguous
      .组名.小计              a group's 小计 row;  .合计 (or the 合计名称, 全市) the table's 合计
      .列名                   the cell (``CellQuote``), to print or pass to a unit filter (万元 → 亿元)

Names that are not Jinja names (``城关镇（含开发区）``, ``1季度``) take brackets: ``表格.资金使用["1季度"]``.
A name that does not fit is ``QuoteError`` (RG307): the table, the wrong name, the closest known names.
These objects have no attributes a template can read (``templating.sandbox`` refuses them all), so
``表格.__class__`` is RG304 and ``表格["__class__"]`` is only a table 编号 like any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from reportgen.base.units import Family
from reportgen.compute.declared import DATA, GROUP, SUBTOTAL, TOTAL, DeclaredTableFigures, cell_text
from reportgen.model import DeclaredColumn, DeclaredRow, DeclaredTable, Quantity, RowGroup
from reportgen.templating.messages import suggestion
from reportgen.templating.values import FilterError

TABLE = "表"  # the index's root: the table itself
TABLES_NAME = "表格"  # the name the narrative context gives the tables (ledger.schema.RESERVED_NAMES)
SUBTOTAL_NAME = "小计"
TOTAL_NAME = "合计"
SHOWN_NAME = 30  # characters of a name a message repeats; a longer one is cut with “…”
SUGGESTED_NAME = 100  # longer names are neither matched nor suggested ("did you mean" compares them)


class QuoteError(FilterError):
    """A quote that names no table, row or column, or an ambiguous row, or a text cell: RG307."""


def shown(name: object) -> str:
    text = str(name)
    return text if len(text) <= SHOWN_NAME else text[:SHOWN_NAME] + "…"


def _closest(name: str, known: Sequence[str]) -> str:
    if len(name) > SUGGESTED_NAME:
        return ""
    return suggestion(name, [k for k in known if len(k) <= SUGGESTED_NAME])


def _named(name: object, what: str) -> str:
    if not isinstance(name, str):
        raise QuoteError(f"{what}应为文字，不能是“{shown(name)}”")
    return name


def row_label(table: DeclaredTable, row: DeclaredRow) -> str:
    """A row's name in a quote: its first filled text cell (单位, 子项, 三级指标 …), as typed."""
    for column in table.columns:
        cell = row.cell(column.name) if column.text else None
        if isinstance(cell, str) and cell.strip():
            return cell.strip()
    return ""


@dataclass(eq=False)
class _Node:
    """A row of the index: a data row, a group (with its own row's values, if any), the 合计."""

    kind: str
    label: str
    path: tuple[str, ...]  # the groups' names and the label, from the table down
    values: Mapping[str, Decimal | None] | None  # None: a group without its own row
    subtotal: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    below: dict[str, list[_Node]] = field(default_factory=dict)  # every descendant by label

    def add(self, child: _Node) -> None:
        self.children.append(child)


def _index(figures: DeclaredTableFigures) -> tuple[_Node, _Node]:
    """The table's rows as a tree of names (root, 合计): groups in display order, each with every
    name below it, so a lookup is one dictionary access."""
    table = figures.table
    root = _Node(TABLE, "", (), None)
    groups: dict[int, _Node] = {}

    def parent_of(chain: Sequence[RowGroup]) -> _Node:
        parent = root
        for group in chain:
            node = groups.get(id(group))
            if node is None:
                node = _Node(GROUP, group.name, (*parent.path, group.name), None)
                groups[id(group)] = node
                parent.add(node)
            parent = node
        return parent

    for row in figures.rows:
        if row.kind == DATA and row.row is not None:
            parent = parent_of(row.groups)
            label = row_label(table, row.row)
            parent.add(_Node(DATA, label, (*parent.path, label), row.values))
        elif row.kind == GROUP:
            parent_of(row.groups).values = row.values
        elif row.kind == SUBTOTAL:
            node = parent_of(row.groups)
            node.subtotal = _Node(SUBTOTAL, SUBTOTAL_NAME, (*node.path, SUBTOTAL_NAME), row.values)
    total = _Node(TOTAL, table.total_label, (table.total_label,), figures.totals)

    def fill(node: _Node) -> None:
        for child in node.children:
            fill(child)
            if child.label:
                node.below.setdefault(child.label, []).append(child)
            for name, nodes in child.below.items():
                node.below.setdefault(name, []).extend(nodes)

    fill(root)
    return root, total


class _Quote:
    """What every quote object shares: it cannot be printed whole, iterated or counted."""

    __slots__ = ()

    def _whole(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        raise QuoteError(self._whole())

    __repr__ = __str__

    def __iter__(self) -> Iterator[object]:
        raise QuoteError(self._whole())


class TablesQuote(_Quote):
    """``表格``: the ledger's declared tables by 编号."""

    __slots__ = ("_figures", "_tables")

    def __init__(self, tables: Sequence[DeclaredTableFigures]) -> None:
        self._figures = {t.table.id: t for t in tables}
        self._tables: dict[str, TableQuote] = {}

    def _whole(self) -> str:
        return "“表格”须写到单元格，如 {{ 表格.表格编号.行名称.列名称 }}"

    def __getitem__(self, name: object) -> TableQuote:
        key = _named(name, "表格编号")
        quote = self._tables.get(key)
        if quote is None:
            figures = self._figures.get(key)
            if figures is None:
                if not self._figures:
                    raise QuoteError(f"台账没有“表格”，不能引用表格“{shown(key)}”")
                raise QuoteError(f"没有编号为“{shown(key)}”的表格{_closest(key, list(self._figures))}")
            quote = self._tables[key] = TableQuote(figures)
        return quote


class TableQuote(_Quote):
    """``表格.资金使用``: one table; its rows by name."""

    __slots__ = ("_root", "_table", "_total")

    def __init__(self, figures: DeclaredTableFigures) -> None:
        self._table = figures.table
        self._root, self._total = _index(figures)

    def _whole(self) -> str:
        return f"表格“{self._table.id}”须写到单元格，如 {{{{ 表格.{self._table.id}.行名称.列名称 }}}}"

    def __getitem__(self, name: object) -> RowQuote:
        key = _named(name, "行名称")
        found = list(self._root.below.get(key, ()))
        # The 合计 by either name; without a 合计 row, a row typed under that name is what the table shows.
        if key in (TOTAL_NAME, self._table.total_label) and (self._table.total_row or not found):
            found.append(self._total)
        if not found and self._table.column(key) is not None:
            at = f"{TABLES_NAME}.{self._table.id}"
            raise QuoteError(
                f"“{shown(key)}”是表格“{self._table.id}”的列，不是行："
                f"一格写 {at}.行名称.{key}，合计写 {at}.{TOTAL_NAME}.{key}"
            )
        return RowQuote(self._table, _one(self._table, self._root, key, found))


def _one(table: DeclaredTable, scope: _Node, key: str, found: list[_Node]) -> _Node:
    """The one row ``key`` names in ``scope``; QuoteError when none or several do."""
    where = f"表格“{table.id}”" + (f"的“{'.'.join(scope.path)}”" if scope.path else "")
    if not found:
        known = [*scope.below]
        if scope.kind == GROUP and scope.subtotal is not None:
            known.append(SUBTOTAL_NAME)
        if not scope.path:
            known.append(table.total_label)
        raise QuoteError(f"{where}中没有名为“{shown(key)}”的行{_closest(key, known)}")
    if len(found) > 1:
        paths = "、".join(shown(".".join(n.path)) for n in found[:4])
        distinct = len({n.path for n in found}) == len(found)
        advice = (
            f"请写明所在的组，如 表格.{table.id}.{'.'.join(found[0].path)}"
            if distinct
            else "同一组内的行同名，无法区分；请在台账中改名"
        )
        raise QuoteError(f"{where}中有{len(found)}行名为“{shown(key)}”（{paths}）；{advice}")
    return found[0]


class RowQuote(_Quote):
    """A row, a group, a 小计 or the 合计: its cells by column name; a group also its rows and 小计."""

    __slots__ = ("_node", "_table")

    def __init__(self, table: DeclaredTable, node: _Node) -> None:
        self._table = table
        self._node = node

    def _whole(self) -> str:
        path = ".".join(self._node.path)
        return f"“{shown(path)}”是一行，须写到列：{TABLES_NAME}.{self._table.id}.{path}.列名称"

    def __getitem__(self, name: object) -> CellQuote | RowQuote:
        key = _named(name, "列名称或行名称")
        node, table = self._node, self._table
        column = table.column(key)
        inside = list(node.below.get(key, ()))
        if key == SUBTOTAL_NAME and node.subtotal is not None:
            inside.append(node.subtotal)
        if column is not None and inside:
            raise QuoteError(
                f"表格“{table.id}”的“{shown(key)}”既是列名，又是组“{shown(node.label)}”中一行的名称；请在台账中改名"
            )
        if column is not None:
            return self._cell(column)
        if node.kind == GROUP:
            if key == SUBTOTAL_NAME and node.subtotal is None:
                raise QuoteError(f"组“{shown(node.label)}”没有小计行（台账中该组写 小计: 是 才有）")
            return RowQuote(table, _one(table, node, key, inside))
        numeric = [c.name for c in table.columns if not c.text]
        raise QuoteError(f"表格“{table.id}”没有名为“{shown(key)}”的列{_closest(key, numeric)}")

    def _cell(self, column: DeclaredColumn) -> CellQuote:
        node, table = self._node, self._table
        path = ".".join(node.path)
        where, at = f"表格“{table.id}”中“{shown(path)}”", f"{TABLES_NAME}.{table.id}.{path}"
        if column.text:
            raise QuoteError(f"{where}的“{column.name}”是文字列，不能作为数字引用（文字请直接写在正文中）")
        if node.values is None:
            advice = f"小计写 {at}.{SUBTOTAL_NAME}.{column.name}，" if node.subtotal else ""
            raise QuoteError(f"{where}是一组行，本身没有数；{advice}其中一行写 {at}.行名称.{column.name}")
        if node.kind in (SUBTOTAL, TOTAL) and column.total == "无":  # the table leaves this cell blank
            raise QuoteError(f"{where}的“{column.name}”在表中是空格（该列的合计规则为“无”），没有数可引用")
        return CellQuote(column, node.values.get(column.name), f"{where}的“{column.name}”")


def is_rank(column: DeclaredColumn) -> bool:
    return column.formula is not None and column.formula.kind == "排名"


class CellQuote(_Quote):
    """One cell: prints as the table prints it, with the column's unit; a unit filter takes it as a
    figure (``quantity``), rounding the exact value once, by default to the column's decimals."""

    __slots__ = ("_column", "_place", "_value")

    def __init__(self, column: DeclaredColumn, value: Decimal | None, place: str) -> None:
        self._column = column
        self._value = value
        self._place = place

    def _whole(self) -> str:
        return f"{self._place}已是一格，不能循环"

    def __str__(self) -> str:
        text = cell_text(self._column, self._value)
        unit = self._column.unit
        if self._value is None or (unit is not None and unit.family is Family.PERCENT):
            return text
        if is_rank(self._column):
            return f"第{text}名"
        return text + (unit.symbol if unit is not None else "")

    __repr__ = __str__

    def __getitem__(self, name: object) -> object:
        raise QuoteError(f"{self._place}已是一格，后面不能再写“{shown(name)}”")

    @property
    def value(self) -> Decimal | None:
        return self._value

    @property
    def column(self) -> DeclaredColumn:
        return self._column

    def digits_in(self, symbol: str, digits: int | None) -> int | None:
        """``digits`` when given; else the column's when the filter shows the column's own unit (so
        ``{{ 格 | 万元 }}`` of a 万元 column is the table's text), else None (the filter's default)."""
        unit = self._column.unit
        if digits is None and unit is not None and unit.symbol == symbol:
            return self._column.digits
        return digits

    def quantity(self, filter_name: str) -> Quantity | None:
        """The cell as a figure in its column's unit; a column without one (名次, 纯数字) cannot
        take a unit filter."""
        unit = self._column.unit
        if unit is None:
            raise FilterError(
                f"{self._place}没有单位（名次或纯数字列），不能用“{filter_name}”；直接写这一格，或用“数”"
            )
        return None if self._value is None else Quantity(self._value, unit)


QUOTE_TYPES = (TablesQuote, TableQuote, RowQuote, CellQuote)


def tables_context(tables: Sequence[DeclaredTableFigures]) -> dict[str, object]:
    """``{"表格": …}``: what ``document.build.narrative_context`` adds for the declared tables."""
    return {TABLES_NAME: TablesQuote(tables)}


def quote_forms(tables: Sequence[DeclaredTableFigures]) -> dict[Decimal, str]:
    """Each number the tables show (as printed: 95.10, 96.35, 450) → the quote that prints it, for the
    literal-number lint (RG207) to suggest; the first cell wins, a 名次 only where no quantity shows it."""
    forms: dict[Decimal, str] = {}
    ranks: dict[Decimal, str] = {}
    for figures in tables:
        table = figures.table
        root, total = _index(figures)
        for node in (*_all_nodes(root), total):
            path = _path_of(root, node)
            if node.values is None or path is None:
                continue
            for column in table.columns:
                value = node.values.get(column.name)
                if column.text or value is None:
                    continue
                printed = Decimal(cell_text(column, value).removesuffix("%"))
                target = ranks if is_rank(column) else forms
                target.setdefault(printed, f"{{{{ {TABLES_NAME}.{table.id}.{path}.{column.name} }}}}")
    return {**ranks, **forms}


def _all_nodes(node: _Node) -> Iterator[_Node]:
    for child in node.children:
        yield child
        if child.subtotal is not None:
            yield child.subtotal
        yield from _all_nodes(child)


def _names(root: _Node, path: Sequence[str]) -> _Node | None:
    """The node ``path`` names from the table down, each name unique where it is looked up."""
    scope = root
    for name in path:
        found = scope.below.get(name, [])
        if name == SUBTOTAL_NAME and scope.subtotal is not None:
            found = [*found, scope.subtotal]
        if len(found) != 1:
            return None
        scope = found[0]
    return scope


def _path_of(root: _Node, node: _Node) -> str | None:
    """The shortest quote path that names ``node`` (its label alone when unique, else with its groups);
    None when none does (a row without a label, two like rows in one group)."""
    if node.kind == TOTAL:
        return TOTAL_NAME
    if not node.label:
        return None
    for start in range(len(node.path) - 1, -1, -1):
        if _names(root, node.path[start:]) is node:
            return ".".join(node.path[start:])
    return None
