"""A ledger as plain values, with the place each field came from: what both readers give the schema.

The YAML reader (``yaml.read``) and the workbook reader (``excel.read``) each turn their file into
the same nested values (``{"指标": {"低保金": {"数值": Decimal(...), ...}}, ...}``) and record, for
every field path, the place it was typed: a line of the YAML file or a cell of the workbook.  One
schema then validates either, and every problem names the place a person has to go and fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

At = tuple[str | int, ...]  # a field path: ("一览表", "项目", 2, "计划安排资金")
Value = object  # str | Decimal | int | bool | None | datetime.date | list[Value] | dict[str, Value]


@dataclass
class PlainLedger:
    """Plain values plus where each field path (e.g. ``("项目", 2, "名称")``) came from.

    A YAML file fills ``lines`` (1-based); an Excel ledger fills ``cells`` (``项目!F7``).
    """

    data: Value
    lines: dict[At, int] = field(default_factory=dict)
    cells: dict[At, str] = field(default_factory=dict)


def format_path(path: At) -> str:
    """``("一览表", "项目", 2, "计划安排资金")`` → ``一览表.项目[2].计划安排资金`` (1-based, like 序号)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text
