"""Two periods of one unit side by side: every figure of either upload, its value in each, the change.

The values are the ones reportgen resolved when it checked each ledger (totals and ratios computed, not
typed), kept with the upload.  A figure is matched by its id (编号): a unit copies last period's
ledger and keeps them, while names may repeat within one ledger (RG204).  The change is exact
(``Decimal``) and only computed when both values are in the same unit, so 万元 is never subtracted from
元 without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from reportgen.serve.storage import Upload


@dataclass(frozen=True)
class ComparedFigure:
    name: str
    earlier: str  # value with its unit, or "" when the earlier ledger has no such figure
    later: str
    change: str  # signed difference with the unit, "" when it cannot be computed
    percent: str  # the change as a percentage of the earlier value, "" when that is 0 or unknown


def _quantity(figure: dict[str, str] | None) -> str:
    return "" if figure is None else figure["value"] + figure["unit"]


def _signed(value: Decimal) -> str:
    text = format(value, "f")
    return "+" + text if value > 0 else text


def compare(earlier: Upload, later: Upload) -> list[ComparedFigure]:
    """The figures of ``later`` in its order, then those only ``earlier`` has."""
    before = {figure["id"]: figure for figure in earlier.figures}
    after = {figure["id"]: figure for figure in later.figures}
    ids = [*after, *(key for key in before if key not in after)]
    rows: list[ComparedFigure] = []
    for key in ids:
        old, new = before.get(key), after.get(key)
        name = (new or old or {}).get("name", key)
        change = percent = ""
        if old is not None and new is not None and old["unit"] == new["unit"]:
            try:
                a, b = Decimal(old["value"]), Decimal(new["value"])
            except InvalidOperation:
                a = b = Decimal("NaN")
            if a.is_finite() and b.is_finite():
                change = _signed(b - a) + new["unit"]
                if a != 0:
                    percent = _signed(((b - a) / a * 100).quantize(Decimal("0.01"))) + "%"
        rows.append(ComparedFigure(name, _quantity(old), _quantity(new), change, percent))
    return rows
