"""Exact arithmetic for figures: sums at full precision, and the quotient's "—" rule.

Every derived figure is a sum, a conversion or a quotient of typed values; summing here, with enough
digits that nothing is rounded before display, is what keeps a 合计 equal to its rows (conversions
are exact by themselves: ``base.units.convert``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, localcontext

# Digits kept while adding.  An amount may reach 10^15 with 10 decimals, and converting between 元
# and 亿元 moves it 8 places either way, so one 合计 of converted rows can need 15 + 8 + 10 + 8 digits,
# plus a few for many rows: the default context (28 digits) would round it silently.  80 leaves
# ample room.  Ratios keep the default: a quotient is rounded somewhere anyway.
EXACT_DIGITS = 80
# The same precision as a context of its own, for single operations that take one (``scaleb``,
# ``normalize``): no ``localcontext`` to enter and leave per table cell.
EXACT = Context(prec=EXACT_DIGITS)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum."""
    with localcontext(prec=EXACT_DIGITS):
        return sum(values, Decimal(0))


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator ÷ denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator.is_zero():
        return None
    return numerator / denominator
