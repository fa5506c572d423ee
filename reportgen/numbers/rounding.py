"""四舍五入 in one place: every displayed number is rounded here, once, from the exact value.

``decimal``'s default (and Babel's) is round-half-even, which GB/T 8170 uses but published report
tables do not (standards §5.1–5.3); so rounding is never left to a library default.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal, digits: int) -> Decimal:
    """Round ``value`` to ``digits`` decimals, half away from zero (四舍五入), exactly."""
    if digits < 0:
        raise ValueError("digits must be ≥ 0")
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
