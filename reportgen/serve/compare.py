"""Two periods of one unit side by side: every figure of either upload, its value in each, the change.

The values are the ones reportgen resolved when it checked each ledger (totals and ratios computed, not
typed), kept with the upload.  A figure is matched by its id (编号): a unit copies last period's
ledger and keeps them, while names may repeat within one ledger (RG204).  The change is exact
(``Decimal``), worded and rounded (四舍五入, once) by ``reportgen.numbers`` as a report words it, and only
computed when both values are in the same unit, so 万元 is never subtracted from 元 without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reportgen.numbers import format_difference, format_growth, format_point_change
from reportgen.serve.storage import Upload


@dataclass(frozen=True)
class ComparedFigure:
    name: str
    earlier: str  # as the report prints the figure, or "" when the earlier ledger has no such figure
    later: str
    change: str  # 增加…/减少…/持平 (提高…个百分点 for a rate), "" when the units differ or a value is missing
    percent: str  # 增长…%/下降…%/持平, "—" for a zero earlier value, "" for a rate or a missing value


PERCENT_DIGITS = 2  # 增减幅度, as the page prints it
_DECIMALS = re.compile(r"\d\.(\d+)")


def _shown(figure: dict[str, str] | None) -> str:
    if figure is None:
        return ""
    return figure.get("shown") or figure["value"] + figure["unit"]  # uploads stored before "shown"


def _changes(old: dict[str, str], new: dict[str, str]) -> tuple[str, str]:
    """The change in the report's own words (reportgen.numbers), never a rounding of our own."""
    if old["unit"] != new["unit"]:
        return "", ""
    try:
        before, after = Decimal(old["value"]), Decimal(new["value"])
    except InvalidOperation:
        return "", ""
    if not (before.is_finite() and after.is_finite()):
        return "", ""
    digits = max(_shown_decimals(old), _shown_decimals(new))  # as precise as the two values printed
    if new["unit"] == "%":  # 个百分点 to the rates' printed decimals: 12.3% and 12.3% do not differ by 0.05
        return format_point_change(after, before, digits), ""
    return format_difference(after, before, new["unit"], digits), format_growth(after, before, PERCENT_DIGITS)


def _shown_decimals(figure: dict[str, str]) -> int:
    """The decimals of the value as the page prints it (a 商 printed to 2 places changes to 2 places)."""
    match = _DECIMALS.search(_shown(figure))
    return len(match.group(1)) if match else 0


def compare(earlier: Upload, later: Upload) -> list[ComparedFigure]:
    """The figures of ``later`` in its order, then those only ``earlier`` has."""
    before = {figure["id"]: figure for figure in earlier.figures}
    after = {figure["id"]: figure for figure in later.figures}
    ids = [*after, *(key for key in before if key not in after)]
    names = [(after.get(key) or before[key]).get("name", key) for key in ids]
    rows: list[ComparedFigure] = []
    for key, name in zip(ids, names, strict=True):
        old, new = before.get(key), after.get(key)
        if names.count(name) > 1:  # two figures of one name (RG204): the 编号 tells the rows apart
            name = f"{name}（{key}）"
        change, percent = _changes(old, new) if old is not None and new is not None else ("", "")
        rows.append(ComparedFigure(name, _shown(old), _shown(new), change, percent))
    return rows
