"""四舍五入 in one place: every displayed number is rounded here, once, from the exact value.

``decimal``'s default (and Babel's) is round-half-even, which GB/T 8170 uses but published report
tables do not (docs/standards.md §3.1–3.3); so rounding is never left to a library default.  The value never
passes through ``float``, and the precision of the local context is widened so that ``quantize``
cannot fail or round a second time on long values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

# A ledger value has at most 10 decimals (18 once 元 are shown as 亿元), so 30 shows every digit of
# any of them; a template asking ``{{ x | 数(1000000000) }}`` would otherwise allocate gigabytes.
MAX_DIGITS = 30

# ``quantize`` under a context of its own: it rounds half up and has room for every digit of any
# value a ledger holds, so the common case needs no ``localcontext`` (a table of 30 rows rounds a few
# hundred cells per render).  Precision only decides whether ``quantize`` may fail, never its result.
_PRECISION = 100
_HALF_UP = Context(prec=_PRECISION, rounding=ROUND_HALF_UP)
_EXPONENTS = tuple(Decimal(1).scaleb(-digits) for digits in range(MAX_DIGITS + 1))


def round_half_up(value: Decimal, digits: int) -> Decimal:
    """Round ``value`` to ``digits`` decimals (0 ≤ ``digits`` ≤ ``MAX_DIGITS``), half away from zero
    (四舍五入), exactly.

    ``round_half_up(Decimal("2.675"), 2) == Decimal("2.68")`` and ``(Decimal("0.125"), 2)`` gives
    ``0.13`` where the half-even default would give ``0.12``.  The result always has exactly
    ``digits`` decimals (``Decimal("5")`` at 2 digits becomes ``5.00``).

    >>> round_half_up(Decimal("2.675"), 2), round_half_up(Decimal("0.125"), 2), round_half_up(Decimal(5), 2)
    (Decimal('2.68'), Decimal('0.13'), Decimal('5.00'))
    """
    if digits < 0:
        raise ValueError("digits must be ≥ 0")
    if digits > MAX_DIGITS:
        raise ValueError(f"小数位数最多 {MAX_DIGITS} 位（收到 {digits}）")
    if not value.is_finite():
        raise ValueError(f"cannot round a non-finite value {value!r}")
    needed = value.adjusted() + digits + 3  # the whole integer part plus the requested decimals
    if needed <= _PRECISION:
        return value.quantize(_EXPONENTS[digits], context=_HALF_UP)
    with localcontext() as ctx:
        ctx.prec = needed
        return value.quantize(_EXPONENTS[digits], rounding=ROUND_HALF_UP)


def decimals_of(value: Decimal) -> int:
    """How many decimals ``value`` was written with.

    >>> decimals_of(Decimal("60.09")), decimals_of(Decimal(30)), decimals_of(Decimal("1E+3"))
    (2, 0, 0)
    """
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"not a finite number {value!r}")
    return max(0, -exponent)


def rounds_to(published: Decimal, low: Decimal, high: Decimal) -> bool:
    """Whether some value in the closed interval [``low``, ``high``] gives ``published`` when rounded
    half up (四舍五入) to ``published``'s own decimals.

    ``rounds_to(Decimal("30"), a, b)`` for a share of 30.31% is true (it rounds to 30 at 0 decimals);
    ``rounds_to(Decimal("543.82"), Decimal("543.8087"), Decimal("543.8204"))`` is true although the
    interval's middle rounds to 543.81.  The values that round to a positive ``published`` P with
    half-unit h are [P − h, P + h); to a negative one (P − h, P + h]; to zero (−h, h).

    >>> rounds_to(Decimal("543.82"), Decimal("543.8087"), Decimal("543.8204"))
    True
    >>> rounds_to(Decimal("60.09"), Decimal("56.46"), Decimal("56.48"))
    False
    """
    if low > high:
        raise ValueError("low must not exceed high")
    half = Decimal(5).scaleb(-decimals_of(published) - 1)
    below, above = published - half, published + half
    if published > 0:
        return low < above and high >= below
    if published < 0:
        return low <= above and high > below
    return low < above and high > below
