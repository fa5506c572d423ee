"""The ``表格`` part of a ledger: tables declared as data (docs/tables.md) become ``model.DeclaredTable``.

A module of its own beside ``schema`` because a table has its own small language (columns, formulas,
spanners, row groups) whose mistakes are checked against one another: a formula naming a column that
does not exist (RG121), formulas that depend on each other in a circle (RG122), decimals typed in a
count column (RG123), a formula over units that cannot be combined (RG124), a name used twice (RG125)
and a setting that does not apply to its column (RG126).  Those problems are placed the way a clerk
reads the table, ``表格“资金使用情况”第3行“资金使用率”``, with the line of the YAML file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeGuard, TypeVar

from reportgen.base.errors import Problem
from reportgen.base.units import Family, Unit, unit
from reportgen.ledger.fields import FieldReader
from reportgen.ledger.keys import (
    ALIGNMENTS,
    CHILD_NAME_COLUMN,
    CHILD_ROWS,
    COLUMN_KEYS,
    DECLARED_TABLE_OPTIONAL,
    DECLARED_TABLE_REQUIRED,
    HEADER_GROUP_KEYS,
    ORDERS,
    PLACEMENT_SECTION,
    PLACEMENTS,
    PRINTED,
    ROW_GROUP_KEYS,
    SORT_KEYS,
)
from reportgen.ledger.plain import At
from reportgen.model import (
    FORMULA_KINDS,
    NUMBERING,
    RECOMPUTED,
    TOTAL_RULES,
    CellValue,
    ColumnFormula,
    DeclaredColumn,
    DeclaredRow,
    DeclaredTable,
    FigureRef,
    HeaderGroup,
    Printed,
    Quantity,
    RowGroup,
)

_Named = TypeVar("_Named")


@dataclass
class _RowsOf:
    """What reading a table's rows needs: its title (for places), columns, group label columns, and
    how many rows were read so far (第N行 counts as entered, across groups)."""

    title: str
    columns: tuple[DeclaredColumn, ...]
    group_columns: tuple[str, ...]
    count: int = 0


RefReader = Callable[[object, At], FigureRef | None]
# Names a column may not take: they are the keys of a row group, or mean the 合计 row.
RESERVED_COLUMN_NAMES = frozenset({*ROW_GROUP_KEYS, PRINTED, "合计", "指标"})
# How many operands each formula takes: (least, most); None: no limit.
_ARITY: dict[str, tuple[int, int | None]] = {
    "求和": (2, None),
    "差": (2, 2),
    "乘": (2, 2),
    "商": (2, 2),
    "占合计": (1, 1),
    "排名": (1, 1),
    "序号": (0, 0),
}


def place_in_table(title: str, row: int | None = None, column: str | None = None) -> str:
    """表格“资金使用情况”第3行“资金使用率”: where a clerk looks in the table (row and column optional)."""
    return f"表格“{title}”" + (f"第{row}行" if row is not None else "") + (f"“{column}”" if column else "")


def at_cell(where: str, cell: str | None, message: str) -> tuple[str, str]:
    """The place and message of a problem in a table: in a workbook the cell the clerk typed in
    (``资金使用!K7``), the table's words leading the message (``表格“T”第3行“列”：…``) so the clerk
    knows what the cell is; without a cell (a YAML ledger) the words are the place."""
    return (cell, f"{where}：{message}") if cell else (where, message)


def per_column(key: str, column: str) -> str:
    """``合计公布值.资金使用率``: the name in ``field_places`` of the cell of a setting typed per column
    (合计公布值, 合计应等于, 小计公布值)."""
    return f"{key}.{column}"


def is_unit_row(item: object) -> TypeGuard[Mapping[str, object]]:
    """A ``{下级: 名称}`` row: the place of one unit's row in a 汇总 ledger's table (docs/rollup.md)."""
    return isinstance(item, Mapping) and set(item) == {CHILD_ROWS}


def places_units(table: Mapping[str, object]) -> bool:
    """Whether a table's plain ``行`` place units one by one (``{下级: 名称}`` at any depth of groups),
    which both the roll-up (to fill them) and the Excel ledger (to write them as 下级 lines) must tell
    alike; a column named 下级 makes such a row an ordinary one of that column."""
    columns = table.get("列")
    named = [c.get("名称") for c in columns if isinstance(c, Mapping)] if isinstance(columns, list) else []

    def holds(rows: object) -> bool:
        return isinstance(rows, list) and any(
            is_unit_row(item) or (isinstance(item, Mapping) and holds(item.get("行"))) for item in rows
        )

    return CHILD_ROWS not in named and holds(table.get("行"))


def unit_name_column(table: Mapping[str, object]) -> object:
    """The column of a table of units (``行: 下级`` or placed ``{下级: 名称}`` rows) that holds each
    unit's name: ``名称列`` as declared, else the first text column (None: no text column).  One rule,
    so the name the Excel sheet shows is the column the roll-up fills."""
    chosen = table.get(CHILD_NAME_COLUMN)
    if chosen:
        return chosen
    columns = table.get("列")
    texts = [
        c.get("名称")
        for c in (columns if isinstance(columns, list) else [])
        if isinstance(c, Mapping) and c.get("文本") in (True, "是")
    ]
    return str(texts[0]) if texts else None


def is_count(column: DeclaredColumn) -> bool:
    """A column of whole counts (人, 户, 人次, 个 …): no decimals typed or shown.  A 商 or 乘 in such a
    unit may declare decimals (户均人数 2.63人, ``FRACTIONAL``): it is then no count."""
    return column.unit is not None and column.unit.counts and column.digits == 0


# Formulas whose result in a count unit is an average or a share, not a count (户均人数 = 人数 ÷ 户数,
# 人数 × 50%): such a column may show decimals; otherwise a fraction there is RG218.
FRACTIONAL = ("商", "乘")


class TableReader:
    """Reads ``表格`` with the ledger's ``FieldReader``; figure references go through ``ref`` so the
    ledger's cross-reference check (RG112) covers them too."""

    def __init__(self, reader: FieldReader, ref: RefReader) -> None:
        self.r = reader
        self.ref = ref

    def problem(
        self, code: str, message: str, at: At, where: str, value: object = None, expected: str | None = None
    ) -> None:
        """A problem placed as a clerk reads the table; in a workbook at its cell (``资金使用!K7``), the
        table's words leading the message."""
        where, message = at_cell(where, self.r.place(at) if self.r.document.cells else None, message)
        self.r.problems.append(
            Problem(
                code,
                message,
                file=self.r.file,
                place=where,
                line=self.r.line_of(at),
                value=value,
                expected=expected,
            )
        )

    def tables(self, value: object, at: At) -> tuple[DeclaredTable, ...]:
        return self.unique(value, at, self.table, lambda t: (t.id, t.place), "表格编号", "编号")

    def unique(
        self,
        value: object,
        at: At,
        read: Callable[[object, At], _Named | None],
        name_of: Callable[[_Named], tuple[str, str]],
        what: str,
        key: str,
    ) -> tuple[_Named, ...]:
        """The items of a list read one by one, a second one of the same name refused (RG125)."""
        items: list[_Named] = []
        names: list[str] = []
        for i, raw in enumerate(self.r.sequence(value, at), start=1):
            item = read(raw, (*at, i))
            if item is None:
                continue
            name, where = name_of(item)
            if name in names:
                self.problem("RG125", f"{what}“{name}”用了两次", (*at, i, key), where, name)
                continue
            names.append(name)
            items.append(item)
        return tuple(items)

    def table(self, value: object, at: At) -> DeclaredTable | None:
        fields = self.r.mapping(value, at, required=DECLARED_TABLE_REQUIRED, optional=DECLARED_TABLE_OPTIONAL)
        if fields is None:
            return None
        table_id = self.r.text(fields.get("编号"), (*at, "编号"))
        title = self.r.text(fields.get("标题"), (*at, "标题")) or table_id
        columns = self.columns(fields.get("列"), (*at, "列"), title)
        names = [c.name for c in columns]
        self.check_formulas(columns, at, title)
        header = self.header(fields.get("表头"), (*at, "表头"), title, names)
        group_columns = self.column_names(fields.get("分组列"), (*at, "分组列"), title, names)
        for i, name in enumerate(group_columns, start=1):
            if not any(
                c.name == name and c.text for c in columns
            ):  # a number cell cannot hold a group's name
                message = f"分组列“{name}”不是文本列，组名写不进去"
                self.problem(
                    "RG126", message, (*at, "分组列", i), place_in_table(title, column=name), name, "文本列"
                )
        if not group_columns and columns and columns[0].text:
            group_columns = (columns[0].name,)
        if (
            fields.get("行") == CHILD_ROWS
        ):  # filled by reportgen.rollup for a ledger with 汇总 read from a file
            self.r.report(
                "RG130",
                "“行: 下级”只用于从文件读取、写了“汇总”的台账",
                (*at, "行"),
                CHILD_ROWS,
                "在台账中写“汇总: {下级: […]}”，从文件读取；否则逐行填写",
            )
            fields = {**fields, "行": []}
        rows = self.rows(fields.get("行"), (*at, "行"), _RowsOf(title, columns, group_columns), depth=1)
        total_row = self.r.boolean(fields.get("合计行"), (*at, "合计行"))
        if total_row and not any(c.text for c in columns):
            message = "合计行的名称（合计、全市……）要写在文本列中，这张表没有文本列"
            self.problem(
                "RG126", message, (*at, "合计行"), place_in_table(title), None, "加一个文本列，或删去“合计行”"
            )
        numbered = [c.name for c in columns if c.formula is not None and c.formula.kind == NUMBERING]
        sort = self.sort(fields.get("排序"), (*at, "排序"), title, names, numbered)
        self.check_sums_of_mixed_units(columns, rows, at)
        total_label = self.r.text(fields.get("合计名称"), (*at, "合计名称"), required=False) or "合计"
        total_printed = self.printed(fields.get("合计公布值"), (*at, "合计公布值"), title, columns)
        total_equals = self.total_equals(fields.get("合计应等于"), (*at, "合计应等于"), title, columns)
        placed = self.placement(fields.get("位置"), (*at, "位置"))
        return DeclaredTable(
            id=table_id,
            title=title,
            columns=columns,
            header=header,
            rows=rows,
            group_columns=group_columns,
            total_row=total_row,
            total_label=total_label,
            total_printed=total_printed,
            total_equals=total_equals,
            sort=sort,
            place=place_in_table(title),
            placement=placed.get("placement", ""),
            after_section=placed.get("after_section", ""),
            field_places=self.per_column_places(
                at, [("合计公布值", total_printed), ("合计应等于", total_equals)]
            ),
        )

    def per_column_places(
        self, at: At, settings: list[tuple[str, tuple[tuple[str, object], ...]]]
    ) -> tuple[tuple[str, str], ...]:
        """The cells of settings typed per column (``合计公布值.列`` …), for a workbook's findings."""
        return self.r.field_places(
            at, [(per_column(key, name), (key, name)) for key, items in settings for name, _ in items]
        )

    def placement(self, value: object, at: At) -> dict[str, str]:
        """位置: 附件, 正文 (at the end of the body) or {章节: 标题} (after that section; the section is
        looked up once the whole ledger is read, RG127); none given, the report kind's 表格位置 decides
        when the document is built (附件 unless the kind says 正文)."""
        if value is None:
            return {}
        if isinstance(value, dict):
            fields = self.r.mapping(value, at, required=(PLACEMENT_SECTION,), optional=())
            title = self.r.text((fields or {}).get(PLACEMENT_SECTION), (*at, PLACEMENT_SECTION))
            return {"placement": PLACEMENTS[1], "after_section": title} if title else {}
        text = self.r.text(value, at)
        if text not in PLACEMENTS:
            expected = f"{'、'.join(PLACEMENTS)}或 {{{PLACEMENT_SECTION}: 章节标题}}"
            self.r.report("RG105", f"不认识的位置“{text}”", at, text, expected)
            return {}
        return {"placement": text}

    def check_sums_of_mixed_units(
        self, columns: tuple[DeclaredColumn, ...], rows: tuple[DeclaredRow | RowGroup, ...], at: At
    ) -> None:
        """RG126: an explicit 求和 of a plain-number column (no unit, no formula) while a text column names
        different units row by row (计量单位: 人, 人次): its 合计 would add people to visits."""
        every_row = list(_every_row(rows))
        named = [
            {cell for row in every_row if isinstance(cell := row.cell(c.name), str) and cell.strip()}
            for c in columns
            if c.text
        ]
        if not any(len(units) > 1 and all(unit(u) is not None for u in units) for units in named):
            return
        for i, column in enumerate(columns, start=1):
            if column.total == "求和" and column.unit is None and column.formula is None and not column.text:
                self.problem(
                    "RG126",
                    "各行单位不同（另列写明），不能相加",
                    (*at, "列", i, "合计"),
                    column.place,
                    column.total,
                    "合计: 无",
                )

    # -- 列 ------------------------------------------------------------------------------------------
    def columns(self, value: object, at: At, title: str) -> tuple[DeclaredColumn, ...]:
        def read(raw: object, place: At) -> DeclaredColumn | None:
            return self.column(raw, place, title)

        return self.unique(value, at, read, lambda c: (c.name, c.place), "列名", "名称")

    def column(self, value: object, at: At, title: str) -> DeclaredColumn | None:
        fields = self.r.mapping(value, at, required=("名称",), optional=COLUMN_KEYS[1:])
        if fields is None:
            return None
        name = self.r.text(fields.get("名称"), (*at, "名称")).strip()
        if not name:
            return None
        where = place_in_table(title, column=name)
        if name in RESERVED_COLUMN_NAMES:
            self.problem("RG126", f"“{name}”不能用作列名", (*at, "名称"), where, name, "其他名称")
            return None
        text = self.r.boolean(fields.get("文本"), (*at, "文本"))
        declared: Unit | None = None
        if fields.get("单位") is not None:
            declared = self.r.unit(fields["单位"], (*at, "单位"))
        formula = self.formula(fields.get("公式"), (*at, "公式"), where) if "公式" in fields else None
        for key in ("单位", "公式", "小数位"):
            if text and key in fields:
                self.problem(
                    "RG126", f"文本列不填“{key}”", (*at, key), where, fields[key], "删去，或删去“文本: 是”"
                )
        counts = declared is not None and declared.counts
        default_digits = 2 if declared is not None and not counts else 0
        digits = self.r.integer(fields.get("小数位"), (*at, "小数位"), low=0, high=6, default=default_digits)
        if counts and digits and not (formula is not None and formula.kind in FRACTIONAL):
            self.problem(
                "RG123",
                f"“{name}”以{declared}计，是计数，不能显示小数",
                (*at, "小数位"),
                where,
                digits,
                "小数位: 0，或删去“小数位”",
            )
        numbering = formula is not None and formula.kind == NUMBERING
        if numbering and declared is not None:
            self.problem("RG126", "序号列不填“单位”", (*at, "单位"), where, fields["单位"], "删去“单位”")
            declared = None
        default_align = "左" if text else "中" if numbering else "右"
        align = self.r.text(fields.get("对齐"), (*at, "对齐"), required=False) or default_align
        if align not in ALIGNMENTS:
            self.r.report("RG105", f"不认识的对齐方式“{align}”", (*at, "对齐"), align, "、".join(ALIGNMENTS))
        width = (
            self.r.number(fields["宽度"], (*at, "宽度"), unit_note="汉字宽度") if "宽度" in fields else None
        )
        total = self.total_rule(fields.get("合计"), (*at, "合计"), where, text, declared, formula)
        return DeclaredColumn(
            name=name,
            label=self.r.text(fields.get("显示为"), (*at, "显示为"), required=False) or name,
            unit=declared,
            text=text,
            digits=digits or 0,
            align=align,
            width=width,
            formula=formula,
            total=total,
            place=where,
        )

    def total_rule(
        self,
        value: object,
        at: At,
        where: str,
        text: bool,
        declared: Unit | None,
        formula: ColumnFormula | None,
    ) -> str:
        """合计 of a column: 求和 (quantities), 重算 (ratios: the formula on the totals), 无 (text, ranks,
        plain numbers whose unit varies by row); the default is the one that fits."""
        percent = declared is not None and declared.family is Family.PERCENT
        kind = formula.kind if formula is not None else ""
        if value is None:
            if text or kind in ("排名", NUMBERING) or (declared is None and formula is None):
                return "无"
            return "重算" if kind in RECOMPUTED else ("无" if percent else "求和")
        rule = self.r.text(value, at)
        if rule not in TOTAL_RULES:
            self.r.report("RG105", f"不认识的合计规则“{rule}”", at, rule, "、".join(TOTAL_RULES))
            return "无"
        if rule == "求和" and (text or percent or kind in ("排名", NUMBERING)):
            why = "文本" if text else ("名次" if kind == "排名" else "序号" if kind == NUMBERING else "比例")
            self.problem("RG126", f"{why}不能相加", at, where, rule, "合计: 重算 或 无")
            return "无"
        if rule == "重算" and kind not in RECOMPUTED:
            # A sum, difference or product applied to the totals is not the total of the rows (Σa×Σb ≠ Σab),
            # and a 求和 over totals would leave out an operand whose own 合计 is 无: only a ratio recomputes.
            self.problem(
                "RG126", "只有比例（商、占合计）的合计才能“重算”", at, where, rule, "合计: 求和 或 无"
            )
            return "无"
        return rule

    def formula(self, value: object, at: At, where: str) -> ColumnFormula | None:
        if value == NUMBERING:  # written alone, having no operands
            return ColumnFormula(NUMBERING, ())
        fields = self.r.mapping(value, at, optional=(*FORMULA_KINDS, "顺序"))
        if fields is None:
            return None
        kinds = [k for k in FORMULA_KINDS if k in fields]
        if len(kinds) != 1:
            self.r.report("RG104", "公式须且只须是一种", at, None, "、".join(FORMULA_KINDS))
            return None
        kind = kinds[0]
        raw = fields[kind]
        items = raw if isinstance(raw, list) else [raw]
        least, most = _ARITY[kind]
        if len(items) < least or (most is not None and len(items) > most):
            count = f"{least}" if least == most else f"至少{least}"
            self.r.report("RG105", f"“{kind}”要{count}个列名", (*at, kind), raw, f"{count}个列名")
            return None
        operands: list[str] = []
        constant: Quantity | None = None
        for i, item in enumerate(items, start=1):
            place = (*at, kind, i) if isinstance(raw, list) else (*at, kind)
            if kind == "乘" and isinstance(item, dict):
                if constant is not None:
                    self.r.report("RG105", "“乘”至多乘一个常数", place, item, "一个列名和一个常数")
                constant = self.r.quantity(item, place, default_unit=None)
                continue
            operands.append(self.r.text(item, place))
        ascending = False
        if "顺序" in fields:
            order = self.r.text(fields["顺序"], (*at, "顺序"))
            if kind != "排名" or order not in ORDERS:
                self.r.report("RG105", f"“顺序”只用于排名，写“{'”或“'.join(ORDERS)}”", (*at, "顺序"), order)
            ascending = order == "升序"
        return ColumnFormula(kind, tuple(operands), constant, ascending)

    def check_formulas(self, columns: tuple[DeclaredColumn, ...], at: At, title: str) -> None:
        """RG121 (an operand that is no column), RG124 (units that cannot be combined), RG122 (a cycle)."""
        by_name = {c.name: c for c in columns}
        for i, column in enumerate(columns, start=1):
            formula = column.formula
            if formula is None:
                continue
            place = (*at, "列", i, "公式")
            unknown = [name for name in formula.operands if name not in by_name]
            for name in unknown:
                self.problem(
                    "RG121", f"公式中的列“{name}”不存在", place, column.place, name, "、".join(by_name)
                )
            numbered = [
                n
                for n in formula.operands
                if (o := by_name.get(n)) and o.formula and o.formula.kind == NUMBERING
            ]
            for name in numbered:
                self.problem("RG126", f"序号列“{name}”不参与计算", place, column.place, name, "其他列")
            if not unknown and not numbered:
                mismatch = _unit_mismatch(column, [by_name[name] for name in formula.operands])
                if mismatch:
                    self.problem("RG124", mismatch, place, column.place, formula.kind)
        cycle = _cycle(columns)
        if cycle:
            first = next(i for i, c in enumerate(columns, start=1) if c.name == cycle[0])
            self.problem(
                "RG122",
                "公式循环引用：" + " → ".join(f"“{n}”" for n in (*cycle, cycle[0])),
                (*at, "列", first, "公式"),
                place_in_table(title, column=cycle[0]),
                expected="每列只用其他列算出，不绕回自身",
            )

    # -- 表头, 分组列, 排序 -----------------------------------------------------------------------------
    def header(self, value: object, at: At, title: str, names: list[str]) -> tuple[HeaderGroup, ...]:
        seen: list[str] = []
        groups = tuple(
            g
            for i, item in enumerate(self.r.sequence(value, at), 1)
            if (g := self.group(item, (*at, i), title, names, seen))
        )
        # A spanner stands over neighbouring columns: its columns must follow one another.
        for group in groups:
            self.check_contiguous(group, at, title, names)
        return groups

    def group(
        self, value: object, at: At, title: str, names: list[str], seen: list[str]
    ) -> HeaderGroup | None:
        fields = self.r.mapping(value, at, required=HEADER_GROUP_KEYS)
        if fields is None:
            return None
        name = self.r.text(fields.get("名称"), (*at, "名称"))
        members: list[str | HeaderGroup] = []
        for i, item in enumerate(self.r.sequence(fields.get("列"), (*at, "列")), start=1):
            if isinstance(item, dict):
                if (sub := self.group(item, (*at, "列", i), title, names, seen)) is not None:
                    members.append(sub)
                continue
            member = self.r.text(item, (*at, "列", i))
            where = place_in_table(title, column=member)
            if member not in names:
                self.problem("RG121", f"表头“{name}”下的列“{member}”不存在", (*at, "列", i), where, member)
            elif member in seen:
                self.problem("RG125", f"列“{member}”在表头中出现了两次", (*at, "列", i), where, member)
            else:
                seen.append(member)
                members.append(member)
        return HeaderGroup(name, tuple(members))

    def check_contiguous(self, group: HeaderGroup, at: At, title: str, names: list[str]) -> None:
        positions = sorted(names.index(n) for n in leaves(group))
        if positions and positions != list(range(positions[0], positions[0] + len(positions))):
            self.problem(
                "RG126",
                f"表头“{group.name}”下的列不相邻",
                at,
                place_in_table(title),
                group.name,
                "在“列”中把这些列排在一起",
            )
        for member in group.members:
            if isinstance(member, HeaderGroup):
                self.check_contiguous(member, at, title, names)

    def column_names(self, value: object, at: At, title: str, names: list[str]) -> tuple[str, ...]:
        found: list[str] = []
        for i, item in enumerate(self.r.sequence(value, at), start=1):
            name = self.r.text(item, (*at, i))
            if name not in names:
                self.problem(
                    "RG121", f"分组列“{name}”不存在", (*at, i), place_in_table(title, column=name), name
                )
            else:
                found.append(name)
        return tuple(found)

    def sort(
        self, value: object, at: At, title: str, names: list[str], numbered: list[str]
    ) -> tuple[str, bool] | None:
        if value is None:
            return None
        fields = self.r.mapping(value, at, required=SORT_KEYS[:1], optional=SORT_KEYS[1:])
        if fields is None:
            return None
        name = self.r.text(fields.get("列"), (*at, "列"))
        order = self.r.text(fields.get("顺序"), (*at, "顺序"), required=False) or ORDERS[0]
        if order not in ORDERS:
            self.r.report("RG105", f"不认识的顺序“{order}”", (*at, "顺序"), order, "、".join(ORDERS))
        if name not in names:
            self.problem(
                "RG121", f"排序的列“{name}”不存在", (*at, "列"), place_in_table(title, column=name), name
            )
            return None
        if name in numbered:  # it numbers the rows as they come out of the sort: it cannot order them
            self.problem(
                "RG126",
                "序号列按印出的先后编号，不能用来排序",
                (*at, "列"),
                place_in_table(title, column=name),
                name,
            )
            return None
        return name, order == "升序"

    # -- 行 ------------------------------------------------------------------------------------------
    def rows(self, value: object, at: At, table: _RowsOf, depth: int) -> tuple[DeclaredRow | RowGroup, ...]:
        rows: list[DeclaredRow | RowGroup] = []
        for i, item in enumerate(self.r.sequence(value, at), start=1):
            place = (*at, i)
            if is_unit_row(item) and all(c.name != CHILD_ROWS for c in table.columns):
                # a unit's row, filled by reportgen.rollup for a ledger with 汇总 read from a file
                self.r.report(
                    "RG130",
                    "“{下级: 名称}”的行只用于从文件读取、写了“汇总”的台账",
                    (*place, CHILD_ROWS),
                    item[CHILD_ROWS],
                    "在台账中写“汇总: {下级: […]}”，从文件读取；否则逐行填写",
                )
            elif isinstance(item, dict) and "分组" in item:
                group = self.row_group(item, place, table, depth)
                if group is not None:
                    rows.append(group)
            elif (row := self.row(item, place, table)) is not None:
                rows.append(row)
        return tuple(rows)

    def row_group(self, item: dict[str, object], at: At, table: _RowsOf, depth: int) -> RowGroup | None:
        title, columns, group_columns = table.title, table.columns, table.group_columns
        name = self.r.text(item.get("分组"), (*at, "分组"))
        if depth > len(group_columns):
            self.problem(
                "RG126",
                f"分组“{name}”是第{depth}层，而“分组列”只有{len(group_columns)}列",
                (*at, "分组"),
                place_in_table(title),
                name,
                "在“分组列”中为每层分组指定一列（写分组名称的列）",
            )
        own_cells = {k: v for k, v in item.items() if k not in ROW_GROUP_KEYS}
        own = self.row(own_cells, at, table) if own_cells else None
        if "行" not in item:
            self.r.report("RG104", "缺少必填字段“行”", (*at, "行"), None, "分组下的各行")
        rows = self.rows(item.get("行"), (*at, "行"), table, depth + 1)
        names = [c.name for c in columns]
        checked = self.column_names(item.get("核对"), (*at, "核对"), title, names)
        for checked_name in checked:
            if own is None or not isinstance(own.cell(checked_name), Decimal | FigureRef):
                self.problem(
                    "RG126",
                    f"分组“{name}”要核对“{checked_name}”，但分组本身没有填这一列的数",
                    (*at, "核对"),
                    place_in_table(title, column=checked_name),
                    expected="在分组下直接填写这一列（上级指标的数），各行之和与它核对",
                )
        subtotal = self.r.boolean(item.get("小计"), (*at, "小计"))
        printed = self.printed(item.get("小计公布值"), (*at, "小计公布值"), title, columns)
        return RowGroup(
            name=name,
            own=own,
            rows=rows,
            subtotal=subtotal,
            printed=printed,
            checked=checked,
            place=place_in_table(title) + f"分组“{name}”",
            field_places=self.per_column_places(at, [("小计公布值", printed)]),
        )

    def row(self, value: object, at: At, table: _RowsOf) -> DeclaredRow | None:
        if not isinstance(value, dict):
            self.r.report("RG105", "每行应为若干“列名: 值”", at, value, "列名: 值 形式的映射")
            return None
        title, columns = table.title, table.columns
        table.count += 1
        number = table.count
        by_name = {c.name: c for c in columns}
        cells: list[tuple[str, CellValue]] = []
        for key, raw in value.items():
            column = by_name.get(key)
            where = place_in_table(title, number, key)
            if column is None:
                self.problem("RG121", f"列“{key}”不存在", (*at, key), where, key, "、".join(by_name))
                continue
            cell = self.cell(raw, (*at, key), column, where)
            if cell is not None:
                cells.append((key, cell))
        # In the columns' order, however the row was typed: the same row from a workbook is the same model.
        position = {c.name: i for i, c in enumerate(columns)}
        cells.sort(key=lambda item: position[item[0]])
        field_places = self.r.field_places(at, [(name, (name,)) for name, _ in cells])
        return DeclaredRow(tuple(cells), number, place_in_table(title, number), field_places)

    def cell(self, raw: object, at: At, column: DeclaredColumn, where: str) -> CellValue | None:
        if column.text:
            return self.r.prose(raw, at, required=False)
        if column.formula is not None:
            if isinstance(raw, dict) and set(raw) == {PRINTED}:
                return self.printed_number(raw[PRINTED], (*at, PRINTED), column)
            self.problem(
                "RG126",
                "这一列由公式计算，不填数值",
                at,
                where,
                raw,
                f"删去；要核对原文印的数，写 {{{PRINTED}: 数字}}",
            )
            return None
        if isinstance(raw, dict) and "指标" in raw:
            fields = self.r.mapping(raw, at, required=("指标",))
            return self.ref(fields.get("指标") if fields else None, (*at, "指标"))
        if isinstance(raw, dict) and PRINTED in raw:
            self.problem("RG126", "公布值只用于公式计算的列", at, where, raw, "直接填数字")
            return None
        if raw is None:
            return None
        number = self.r.number(raw, at, allow_negative=True, unit_note=f"{column.unit or '本列的单位'}")
        if number is not None and is_count(column) and number != number.to_integral_value():
            self.problem(
                "RG123",
                f"“{column.name}”以{column.unit}计，是计数，不能有小数",
                at,
                where,
                raw,
                "整数",
            )
            return None
        return number

    def printed_number(self, raw: object, at: At, column: DeclaredColumn) -> Printed | None:
        percent = column.unit is not None and column.unit.family is Family.PERCENT
        note = "比例以 % 计，不写 %" if percent else f"{column.unit or '本列的单位'}"
        number = self.r.number(raw, at, allow_negative=True, unit_note=note)
        return Printed(number) if number is not None else None

    def printed(
        self, value: object, at: At, title: str, columns: tuple[DeclaredColumn, ...]
    ) -> tuple[tuple[str, Decimal], ...]:
        """合计公布值/小计公布值: column → the number the source printed in that row."""
        found: list[tuple[str, Decimal]] = []
        for name, raw in self.cells_by_column(value, at, title, columns):
            column = next(c for c in columns if c.name == name)
            if (printed := self.printed_number(raw, (*at, name), column)) is not None:
                found.append((name, printed.value))
        return tuple(found)

    def total_equals(
        self, value: object, at: At, title: str, columns: tuple[DeclaredColumn, ...]
    ) -> tuple[tuple[str, FigureRef], ...]:
        """合计应等于: column → {指标: 编号}, the figure the column's 合计 must equal (支出明细 → 支出)."""
        found: list[tuple[str, FigureRef]] = []
        for name, raw in self.cells_by_column(value, at, title, columns):
            column = next(c for c in columns if c.name == name)
            if column.total != "求和":
                # Only a sum of the rows can equal a figure; a recomputed rate or an empty 合计 cannot.
                where = place_in_table(title, column=name)
                self.problem(
                    "RG126", "只有合计为“求和”的列才能核对合计", (*at, name), where, raw, "合计: 求和"
                )
                continue
            fields = self.r.mapping(raw, (*at, name), required=("指标",))
            ref = self.ref(fields.get("指标"), (*at, name, "指标")) if fields else None
            if ref is not None:
                found.append((name, ref))
        return tuple(found)

    def cells_by_column(
        self, value: object, at: At, title: str, columns: tuple[DeclaredColumn, ...]
    ) -> list[tuple[str, object]]:
        if value is None:
            return []
        if not isinstance(value, dict):
            self.r.report("RG105", "此处应为若干“列名: 值”", at, value, "列名: 值 形式的映射")
            return []
        names = [c.name for c in columns if not c.text]
        found: list[tuple[str, object]] = []
        for name, raw in value.items():
            if name not in names:
                where = place_in_table(title, column=name)
                self.problem("RG121", f"数字列“{name}”不存在", (*at, name), where, name, "、".join(names))
            else:
                found.append((name, raw))
        return found


def _every_row(rows: tuple[DeclaredRow | RowGroup, ...]) -> Iterator[DeclaredRow]:
    """Data rows and groups' own rows, at any depth."""
    for entry in rows:
        if isinstance(entry, DeclaredRow):
            yield entry
            continue
        if entry.own is not None:
            yield entry.own
        yield from _every_row(entry.rows)


def leaves(group: HeaderGroup) -> list[str]:
    """The column names under a spanner, left to right, at any depth."""
    found: list[str] = []
    for member in group.members:
        found.extend(leaves(member) if isinstance(member, HeaderGroup) else [member])
    return found


def _unit_mismatch(column: DeclaredColumn, operands: list[DeclaredColumn]) -> str:
    """Why ``column``'s formula cannot combine its operands' units ("" when it can)."""
    formula = column.formula
    assert formula is not None
    if any(o.text for o in operands):
        return "文本列不能参与计算"
    target, units = column.unit, [o.unit for o in operands]
    percent = target is not None and target.family is Family.PERCENT
    if formula.kind in ("求和", "差"):
        if any(not _same_family(target, u) for u in units):
            return f"“{formula.kind}”的各列须与本列同一类单位（{_units(column, operands)}）"
    elif formula.kind == "乘":
        constant = formula.constant
        factors = [*units, constant.unit if constant is not None else None]
        if target is not None and not any(u is not None and u.compatible(target) for u in factors):
            return f"乘积须以其中一个乘数的单位计（{_units(column, operands)}）"
    elif formula.kind == "商":
        numerator, denominator = units
        if percent and not _same_family(numerator, denominator):
            return f"比例的分子、分母须同一类单位（{_units(column, operands)}）"
        if not percent and not _same_family(target, numerator):
            return f"商以分子的单位计（{_units(column, operands)}）"
    elif formula.kind == "占合计" and not percent:
        return "“占合计”是比例，本列单位应为 %"
    elif formula.kind == "占合计" and (units[0] is None or units[0].family is Family.PERCENT):
        # A sum of rates, or of numbers whose unit varies by row, is no total to take a share of.
        return f"“占合计”须取数量列（有单位、不是 %）的份额（{_units(column, operands)}）"
    elif formula.kind == "排名" and target is not None:
        return "名次不带单位，删去本列的“单位”"
    return ""


def _same_family(a: Unit | None, b: Unit | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.compatible(b))


def _units(column: DeclaredColumn, operands: list[DeclaredColumn]) -> str:
    def shown(c: DeclaredColumn) -> str:
        return f"“{c.name}”{c.unit or '无单位'}"

    return "，".join(shown(c) for c in (column, *operands))


def _cycle(columns: tuple[DeclaredColumn, ...]) -> tuple[str, ...]:
    """The first circle of formula dependencies, as column names (empty: none)."""
    depends = {c.name: c.formula.operands if c.formula else () for c in columns}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    path: list[str] = []

    def visit(name: str) -> tuple[str, ...]:
        state[name] = 1
        path.append(name)
        for operand in depends.get(name, ()):
            if state.get(operand) == 1:
                return tuple(path[path.index(operand) :])
            if operand in depends and operand not in state and (found := visit(operand)):
                return found
        path.pop()
        state[name] = 2
        return ()

    for column in columns:
        if column.name not in state and (found := visit(column.name)):
            return found
    return ()
