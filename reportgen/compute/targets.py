"""The 目标表 as a preset of a declared table (``表格``): one row per listed figure with a 目标.

Its cells quote the figure (``FigureField``): the 指标's 名称, its 要求 (不少于45张), its 完成值 as the
report shows it and its 完成情况 (已完成/未完成/—), derived, never typed.  The document fills those
texts (``document.build``) as it fills every quoted figure; here the table is declared and numbered
(序号) by the same code as any ``表格``.
"""

from __future__ import annotations

from collections.abc import Container
from decimal import Decimal

from reportgen.model import (
    NUMBERING,
    ColumnFormula,
    DeclaredColumn,
    DeclaredRow,
    DeclaredTable,
    FigureField,
    TargetTable,
)

PRESET_ID = "目标表"

# (key, header label, the figure's field a cell quotes, width hint in 汉字)
_COLUMNS = (
    ("name", "指标", "名称", "24"),
    ("requirement", "目标值", "要求", "12"),
    ("actual", "完成值", "完成值", "12"),
    ("status", "完成情况", "完成情况", "8"),
)


def target_preset(targets: TargetTable, with_goal: Container[str]) -> DeclaredTable:
    """The declared 目标表 of the figures ``targets`` lists that have a 目标 (``with_goal``: the
    schema lists only such figures; one without a resolvable 目标 gets no row)."""
    place = targets.place

    def column(key: str, label: str, hint: str, formula: ColumnFormula | None = None) -> DeclaredColumn:
        return DeclaredColumn(
            key,
            label,
            None,
            formula is None,
            0,
            "",
            None,
            formula,
            "无",
            f"{place}.{label}",
            hint=Decimal(hint),
        )

    columns = (
        column("number", "序号", "2.5", ColumnFormula(NUMBERING, ())),
        *(column(key, label, hint) for key, label, _, hint in _COLUMNS),
    )
    listed = [ref for ref in targets.figures if ref.figure_id in with_goal]
    rows = tuple(
        DeclaredRow(
            tuple((key, FigureField(ref.figure_id, field)) for key, _, field, _ in _COLUMNS),
            number,
            ref.place,
        )
        for number, ref in enumerate(listed, start=1)
    )
    return DeclaredTable(
        id=PRESET_ID,
        title=targets.title,
        columns=columns,
        header=(),
        rows=rows,
        group_columns=(),
        total_row=False,
        total_label="合计",
        total_printed=(),
        total_equals=(),
        sort=None,
        place=place,
        placement="附件",
    )
