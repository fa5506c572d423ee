"""The interval a figure's exact value lies in, given that typed inputs are rounded.

463.33 万元 is anything from 463.325 to 463.335 万元; a whole count such as 8520 人次 is exact.
``check`` compares a 公布值 with these bounds, not with the one computed value, so a printed value
that is a correct rounding is never reported (docs/standards.md §3.5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from reportgen.base.units import Unit, convert
from reportgen.compute.exact import EXACT_DIGITS, exact_sum
from reportgen.model import Quantity


@dataclass(frozen=True, slots=True)
class Bounds:
    """The closed interval [``low``, ``high``] the exact value of a figure lies in, in its unit."""

    low: Decimal
    high: Decimal

    @staticmethod
    def written(quantity: Quantity) -> Bounds:
        """A typed value: ± half a unit of its last written decimal (463.33 → ± 0.005), except a whole
        count, which is exact (8520人次, 392户: nobody rounds a count of persons to the nearest person)."""
        exponent = quantity.value.as_tuple().exponent
        assert isinstance(exponent, int)  # the ledger holds finite numbers only
        if quantity.unit.counts and exponent >= 0:
            return Bounds(quantity.value, quantity.value)
        half = Decimal(5).scaleb(exponent - 1)
        return Bounds(quantity.value - half, quantity.value + half)

    def converted(self, source: Unit, target: Unit, scale: Decimal = Decimal(1)) -> Bounds:
        """In another unit of the family, times a positive ``scale`` (exact: powers of ten, 每)."""
        with localcontext(prec=EXACT_DIGITS):
            return Bounds(
                convert(self.low, source, target) * scale, convert(self.high, source, target) * scale
            )

    def __truediv__(self, other: Bounds) -> Bounds | None:
        """Every quotient of a value here by one in ``other``, rounded outwards; None (unbounded)
        when ``other`` contains 0."""
        if other.low <= 0 <= other.high:
            return None
        corners = [(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
        with localcontext(prec=_BOUND_DIGITS, rounding=ROUND_FLOOR):
            low = min(a / b for a, b in corners)
        with localcontext(prec=_BOUND_DIGITS, rounding=ROUND_CEILING):
            high = max(a / b for a, b in corners)
        return Bounds(low, high)


def total_bounds(parts: Iterable[Bounds]) -> Bounds:
    parts = list(parts)
    return Bounds(exact_sum(p.low for p in parts), exact_sum(p.high for p in parts))


# Digits of a quotient's bounds: more than any displayed or typed digit, rounded outwards.
_BOUND_DIGITS = 40
