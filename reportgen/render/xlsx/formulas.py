"""A declared table's cell formula (``document.formulas``) in Excel's syntax, for the sheet XML.

Only spelling: cells become A1 references from the sheet row of the table's first row; a multiplier
of units becomes a product and quotient by whole numbers (``*7/10000``: the float result is the
nearest to the exact one, where ``*0.0007`` multiplies by a rounded binary fraction); a quotient gets
its ``IF(den=0,"—",…)`` guard; a rank counts the strictly better rounded values with SUMPRODUCT
(RANK takes a range of cells, not the rounded values that decide ties).  Every function used is in
Excel 2007 and LibreOffice alike.  No text of a cell ever enters a formula: references, numbers and
the "—" the report prints.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from reportgen.document.formulas import (
    Cells,
    DifferenceOf,
    Formula,
    ProductOf,
    QuotientOf,
    RankOf,
    Ref,
    SumOf,
)
from reportgen.numbers import DASH


def excel_formula(formula: Formula, letters: dict[str, str], first: int) -> str:
    """``formula`` without its leading ``=``; ``letters`` maps column keys to sheet columns and
    ``first`` is the sheet row of the table's first row."""
    speller = _Speller(letters, first)
    return speller.formula(formula)


class _Speller:
    def __init__(self, letters: dict[str, str], first: int) -> None:
        self.letters = letters
        self.first = first

    def formula(self, formula: Formula) -> str:
        if isinstance(formula, SumOf):
            return self.sum(formula)
        if isinstance(formula, DifferenceOf):
            (left, right), (a, b) = (formula.left, formula.right), formula.factors
            return f"{self.ref(left)}{_times(a)}-{self.ref(right)}{_times(b)}"
        if isinstance(formula, ProductOf):
            return "*".join(self.ref(ref) for ref in formula.factors) + _times(formula.factor)
        if isinstance(formula, QuotientOf):
            denominator = formula.denominator
            if isinstance(denominator, Ref):
                below = self.ref(denominator)
            else:
                below = self.sum(denominator)
                below = below if _one_call(below) else f"({below})"
            top = self.ref(formula.numerator) + _times(formula.factor)
            return f'IF({below}=0,"{DASH}",{top}/{below})'
        return self.rank(formula)

    def ref(self, ref: Ref) -> str:
        return f"{self.letters[ref.column]}{self.first + ref.row}"

    def cells(self, cells: Cells) -> tuple[str, ...]:
        return _ranges(self.letters[cells.column], "$" if cells.anchored else "", cells.rows, self.first)

    def sum(self, formula: SumOf) -> str:
        """One SUM per multiplier, in the order the multipliers first come."""
        groups: dict[Decimal, list[str]] = {}
        for cells, factor in formula.parts:
            groups.setdefault(factor, []).extend(self.cells(cells))
        return "+".join(f"SUM({','.join(args)}){_times(factor)}" for factor, args in groups.items())

    def rank(self, formula: RankOf) -> str:
        """1 + the count of strictly better values as printed, one SUMPRODUCT per run of rows."""
        better = "<" if formula.ascending else ">"
        digits = formula.digits
        value = f"ROUND({self.ref(formula.value)},{digits})"
        counts = [
            f"SUMPRODUCT(--(ROUND({cells},{digits}){better}{value}))" for cells in self.cells(formula.among)
        ]
        return "+".join([*counts, "1"])


@lru_cache(maxsize=64)
def _ranges(letter: str, anchor: str, rows: tuple[int, ...], first: int) -> tuple[str, ...]:
    """Runs of adjacent rows as ranges (B5:B8, B10); kept, since every row of a 排名 or 占合计 column
    spells the same ones."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    spelled = []
    for run in runs:
        top, bottom = first + run[0], first + run[-1]
        cell = f"{letter}{anchor}{top}"
        spelled.append(cell if top == bottom else f"{cell}:{letter}{anchor}{bottom}")
    return tuple(spelled)


def _times(factor: Decimal) -> str:
    """A multiplier as ``*p/q`` with q a power of ten ("" for 1, ``/10000``, ``*7/10000``, ``*100``)."""
    if factor == 1:
        return ""
    sign, digits, exponent = factor.normalize().as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits))) * (-1 if sign else 1)
    if exponent >= 0:
        return f"*{coefficient * 10**exponent}"
    divisor = f"/{10**-exponent}"
    return divisor if coefficient == 1 else f"*{coefficient}{divisor}"


def _one_call(text: str) -> bool:
    """Whether ``text`` is a single SUM(...) with nothing after it (no need for parentheses)."""
    return text.startswith("SUM(") and text.endswith(")") and text.count("SUM(") == 1
