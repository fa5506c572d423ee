"""Pure formatting of amounts, counts and percentages in Chinese report usage (GB/T 15835-2011).

Why this module exists: a report must print each figure the same way in the narrative, the table,
the .docx and the .xlsx; so the rules live here once.  Arabic numerals with units (15835 4.1.1), no
scientific notation, ASCII ``-`` for negatives, money scaled exactly between 元/万元/亿元.

Babel supplies the locale's grouping pattern (千分撇, optional and off by default: docs/standards.md §1.8,
and only for integer parts of five digits or more), but never the rounding: Babel rounds with the
decimal context (half-even), so every value is rounded half up here first (``round_half_up``) and
handed to Babel already carrying exactly the digits to show.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.numbers import format_decimal

from reportgen.base.units import convert, money_unit
from reportgen.numbers.rounding import round_half_up

DASH = "\u2014"  # shown for a ratio without a denominator (docs/standards.md §4.2, a design choice)
_GROUPING_MIN_DIGITS = 5  # GB/T 15835 5.1.1: grouping is for numbers of five digits or more


def _plain(value: Decimal) -> str:
    """The Decimal's digits exactly as they are (exponent kept), never in E notation; -0 prints as 0."""
    if not value.is_finite():
        raise ValueError(f"cannot format a non-finite value {value!r}")
    if value.is_zero():
        value = value.copy_abs()
    return f"{value:f}"


def _grouped(text: str) -> str:
    """Insert 千分撇 into an already rounded plain number, via Babel's zh_CN symbols.

    ``text`` carries exactly the decimals to show; ``decimal_quantization=False`` and a pattern with
    that many decimals make Babel print them as they are, so Babel's half-even rounding never acts.
    """
    integer, _, decimals = text.lstrip("-").partition(".")
    if len(integer) < _GROUPING_MIN_DIGITS:
        return text
    pattern = "#,##0" + ("." + "0" * len(decimals) if decimals else "")
    with localcontext() as ctx:
        # Babel quantizes under the current context: give it room for every digit (and, should it
        # ever round, let it round half up like everything else here).
        ctx.prec = len(integer) + len(decimals) + 10
        ctx.rounding = ROUND_HALF_UP
        grouped = format_decimal(Decimal(text), format=pattern, locale="zh_CN", decimal_quantization=False)
    # Whatever the locale data says, a report prints the ASCII hyphen-minus for negatives.
    return grouped.replace("\u2212", "-")


def format_number(value: Decimal, digits: int | None = None, *, grouping: bool = False) -> str:
    """``value`` as Arabic digits: exactly as typed when ``digits`` is None, else half up to ``digits``.

    ``Decimal("96.90")`` → ``96.90``; ``Decimal("1E+3")`` → ``1000``; ``(Decimal("2.675"), 2)`` →
    ``2.68``; negative zero prints ``0``.  ``grouping=True`` adds 千分撇 to integer parts of five digits
    or more (``1,234,567.50``; ``1234.5`` stays as it is); decimals are never grouped.

    >>> format_number(Decimal("96.90")), format_number(Decimal("2.675"), 2), format_number(Decimal("1E+3"))
    ('96.90', '2.68', '1000')
    >>> format_number(Decimal("1234567.5"), 2, grouping=True), format_number(Decimal("1234.5"), grouping=True)
    ('1,234,567.50', '1234.5')
    """
    shown = value if digits is None else round_half_up(value, digits)
    text = _plain(shown)
    return _grouped(text) if grouping else text


def format_percent(ratio: Decimal | None, digits: int = 2) -> str:
    """A fraction as a percentage, rounded once half up: ``Decimal("0.92115")`` → ``92.12%``.

    ``None`` (no denominator, docs/standards.md §4.2) gives ``—`` (U+2014).  The ratio is scaled by 100
    exactly (``scaleb``) before the single rounding at the displayed digit.

    >>> format_percent(Decimal("0.92115")), format_percent(Decimal("2.7225"), 1), format_percent(None)
    ('92.12%', '272.3%', '—')
    """
    if ratio is None:
        return DASH
    return format_number(ratio.scaleb(2), digits) + "%"


def strip_zeros(value: Decimal) -> Decimal:
    """Drop trailing decimal zeros, never rounding and never going above exponent 0 (969000.0 → 969000)."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return value
    kept = list(digits)
    while exponent < 0 and len(kept) > 1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    if exponent < 0 and kept == [0]:
        exponent = 0
    return Decimal((sign, tuple(kept), exponent))


def format_amount(
    value: Decimal,
    unit: str,
    *,
    source_unit: str = "元",
    digits: int | None = None,
    with_unit: bool = True,
    grouping: bool = False,
) -> str:
    """Money scaled from ``source_unit`` to ``unit`` and formatted: 81230395 元 → ``8123.04万元`` (2 digits).

    With ``digits`` None the exact scaled value is shown, never rounded: trailing zeros produced by
    a change of unit are dropped (969000 元 → ``96.9万元``), but an unscaled value keeps its typed
    form (``Decimal("96.90")`` 万元 → ``96.90万元``).  Unknown units raise ValueError.

    >>> format_amount(Decimal("81230395"), "万元"), format_amount(Decimal("81230395"), "万元", digits=2)
    ('8123.0395万元', '8123.04万元')
    >>> format_amount(Decimal(969000), "万元"), format_amount(Decimal("96.90"), "万元", source_unit="万元")
    ('96.9万元', '96.90万元')
    """
    source, target = money_unit(source_unit), money_unit(unit)
    shown = convert(value, source, target)
    if digits is None and source.factor != target.factor:
        shown = strip_zeros(shown)
    return format_number(shown, digits, grouping=grouping) + (unit if with_unit else "")


def format_count(value: Decimal, unit: str, digits: int | None = None, *, grouping: bool = False) -> str:
    """A count with its unit, no space between.

    >>> format_count(Decimal(973), "人"), format_count(Decimal(2187), "人次")
    ('973人', '2187人次')
    """
    return format_number(value, digits, grouping=grouping) + unit


TEN_THOUSAND = Decimal(10000)


def format_count_wan(value: Decimal, unit: str, digits: int | None = None) -> str:
    """A large count in 万 (GB/T 15835 5.3: 万 and 亿 may follow Arabic digits): 370000 → ``37万人次``.

    The division by 10 000 is exact; with ``digits`` None trailing zeros are dropped (never rounded),
    otherwise the value is rounded half up to ``digits``.

    >>> format_count_wan(Decimal(370000), "人次"), format_count_wan(Decimal(12345), "人", 1)
    ('37万人次', '1.2万人')
    """
    with localcontext() as ctx:
        ctx.prec = len(value.as_tuple().digits) + 10
        scaled = value / TEN_THOUSAND
    shown = strip_zeros(scaled) if digits is None else scaled
    return format_number(shown, digits) + "万" + unit


def format_households_persons(
    households: Decimal, persons: Decimal, *, separator: str = "", persons_unit: str = "人"
) -> str:
    """Households and persons side by side: ``1037户1412人`` or, with ``separator="、"``, ``1037户、1412人``;
    ``persons_unit="名"`` gives ``56户81名``.

    Exists because published reports lost the 户 and printed the two counts run together
    (``10371412人``, see samples/xinping-2023h1.yaml).

    >>> format_households_persons(Decimal(1037), Decimal(1412))
    '1037户1412人'
    >>> format_households_persons(Decimal(3387), Decimal(4776), separator="、")
    '3387户、4776人'
    """
    return f"{format_number(households)}户{separator}{format_number(persons)}{persons_unit}"
