"""Roll-up: a parent ledger (县, 市, 省) whose figures are the sums of its units' ledgers (docs/rollup.md).

It sits above compute because a unit's figures are its computed ones (a 合计 summed, a 比例 recomputed),
and below the front door, which loads every ledger through it: ``load_ledger_tree`` loads a ledger
and, when it has ``汇总``, its units first (``units``: where they are; ``summary``: what a parent takes
of each; ``load``: summing them into the parent, which the one schema then validates).
"""

from __future__ import annotations

from reportgen.rollup.load import (
    ledger_from_units,
    load_ledger_tree,
    parse_ledger_tree,
    unit_files,
    unit_summary,
)
from reportgen.rollup.summary import UnitFigure, UnitSummary

__all__ = [
    "UnitFigure",
    "UnitSummary",
    "ledger_from_units",
    "load_ledger_tree",
    "parse_ledger_tree",
    "unit_files",
    "unit_summary",
]
