"""What a computed cell of a declared table (``表格``) is computed from, for the .xlsx to write it as a
formula beside its cached value (``RenderOptions.xlsx_total_formulas``).

A formula here names the shape of the computation (a sum, a difference, a product, a quotient with
its "—" rule, a rank) and the cells it uses: rows by their index in ``Table.rows``, columns by their
``TableColumn.key``, and the exact multiplier of units it needs (7 元 into 万元: 0.0007).  Nothing is
spelled in a spreadsheet's syntax: the writer turns cells into A1 references (it alone knows where
the table starts) and the shapes into Excel functions.  Values are the cells as stored: a percentage
as its fraction, so the multipliers already hold the ÷100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Ref:
    """One cell: ``row`` indexes ``Table.rows``, ``column`` is a column's key."""

    column: str
    row: int


@dataclass(frozen=True, slots=True)
class Cells:
    """A column's cells in ``rows`` (ascending), as a function's argument list (ranges of adjacent
    rows); ``anchored`` fixes their rows ($5), as a range every row of a column shares is written."""

    column: str
    rows: tuple[int, ...]
    anchored: bool = False


@dataclass(frozen=True, slots=True)
class SumOf:
    """The sum of the cells, each group times its multiplier: SUM skips an empty or "—" cell as the
    computation leaves out an empty operand.  Groups of one multiplier are one SUM."""

    parts: tuple[tuple[Cells, Decimal], ...]


@dataclass(frozen=True, slots=True)
class DifferenceOf:
    """``left`` × its multiplier − ``right`` × its multiplier."""

    left: Ref
    right: Ref
    factors: tuple[Decimal, Decimal] = (ONE, ONE)


@dataclass(frozen=True, slots=True)
class ProductOf:
    """The product of the cells times ``factor`` (units, a percentage's fraction, a constant)."""

    factors: tuple[Ref, ...]
    factor: Decimal = ONE


@dataclass(frozen=True, slots=True)
class QuotientOf:
    """``numerator`` × ``factor`` ÷ ``denominator``, "—" when the denominator is 0 or empty (as the
    report prints a quotient without a denominator)."""

    numerator: Ref
    denominator: Ref | SumOf
    factor: Decimal = ONE


@dataclass(frozen=True, slots=True)
class RankOf:
    """The rank of ``value`` among ``among`` by the values rounded to ``digits`` decimals (as they
    print): one more than the number of strictly better ones, so ties share the better rank."""

    value: Ref
    among: Cells
    digits: int
    ascending: bool = False


Formula = SumOf | DifferenceOf | ProductOf | QuotientOf | RankOf
