"""四舍五入 in one place: every displayed number is rounded here, once, from the exact value.

``decimal``'s default (and Babel's) is round-half-even, which GB/T 8170 uses but published report
tables do not (standards §5.1–5.3); so rounding is never left to a library default.  The value never
passes through ``float``, and the precision of the local context is widened so that ``quantize``
cannot fail or round a second time on long values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

# A ledger value has at most 10 decimals (18 once 元 are shown as 亿元), so 30 shows every digit of
# any of them; a template asking ``{{ x | 数(1000000000) }}`` would otherwise allocate gigabytes.
MAX_DIGITS = 30


def round_half_up(value: Decimal, digits: int) -> Decimal:
    """Round ``value`` to ``digits`` decimals (0 ≤ ``digits`` ≤ ``MAX_DIGITS``), half away from zero
    (四舍五入), exactly.

    ``round_half_up(Decimal("2.675"), 2) == Decimal("2.68")`` and ``(Decimal("0.125"), 2)`` gives
    ``0.13`` where the half-even default would give ``0.12``.  The result always has exactly
    ``digits`` decimals (``Decimal("5")`` at 2 digits becomes ``5.00``).
    """
    if digits < 0:
        raise ValueError("digits must be ≥ 0")
    if digits > MAX_DIGITS:
        raise ValueError(f"小数位数最多 {MAX_DIGITS} 位（收到 {digits}）")
    if not value.is_finite():
        raise ValueError(f"cannot round a non-finite value {value!r}")
    with localcontext() as ctx:
        # Enough digits for the whole integer part plus the requested decimals.
        ctx.prec = max(28, value.adjusted() + digits + 3)
        return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
