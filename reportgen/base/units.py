"""The units a ledger may declare, and which of them can be compared or converted.

Every quantity in a ledger carries a declared unit (never an implied one), so that the table can
show one unit per column and a ratio is only ever taken between quantities of the same family.
This module is a leaf: it knows symbols, families and conversion factors, nothing else, and holds
the one conversion between units (``convert``, exact whatever the caller's decimal context).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext
from enum import Enum


class Family(Enum):
    """What a unit measures; only quantities of one family may be added, divided or converted."""

    MONEY = "金额"
    PERSONS = "人数"
    HOUSEHOLDS = "户数"
    PERSON_TIMES = "人次"
    HOUSEHOLD_TIMES = "户次"
    PERCENT = "比例"
    MULTIPLE = "倍数"  # 1.5倍: a multiplier of something else, never added to another
    SCORE = "分值"  # 分 of a 绩效自评表 (分值 20分, 得分 14.93分): added up, shown with decimals
    # Every other counting unit (张, 个, 所, 件 …) is its own family, named by its symbol.
    OTHER = "其他"


@dataclass(frozen=True, slots=True)
class Unit:
    """A declared unit: ``factor`` converts a value in this unit into the family's base unit."""

    symbol: str
    family: Family
    factor: Decimal = Decimal(1)

    @property
    def family_key(self) -> str:
        """Key under which two units are comparable (counting units each form their own family)."""
        if self.family is Family.OTHER:
            return "其他:" + self.symbol
        return str(self.family.value)

    def compatible(self, other: Unit) -> bool:
        return self.family_key == other.family_key

    @property
    def counts(self) -> bool:
        """Whether a whole number in this unit is an exact count (8520人次, 392户), not a rounded one
        (463万元 stands for anything from 462.5 to 463.5 万元; 1.5倍 and 30% are rounded too)."""
        return self.family not in (Family.MONEY, Family.PERCENT, Family.MULTIPLE, Family.SCORE)

    def __str__(self) -> str:
        return self.symbol


MONEY_UNITS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}

_UNITS: dict[str, Unit] = {
    **{symbol: Unit(symbol, Family.MONEY, factor) for symbol, factor in MONEY_UNITS.items()},
    "人": Unit("人", Family.PERSONS),
    "名": Unit("名", Family.PERSONS),
    "户": Unit("户", Family.HOUSEHOLDS),
    "人次": Unit("人次", Family.PERSON_TIMES),
    "户次": Unit("户次", Family.HOUSEHOLD_TIMES),
    "%": Unit("%", Family.PERCENT, Decimal("0.01")),
    "倍": Unit("倍", Family.MULTIPLE),
    "分": Unit("分", Family.SCORE),  # points, never the money unit 分 (amounts are in 元, 万元, 亿元)
    **{
        symbol: Unit(symbol, Family.OTHER)
        for symbol in (
            "张",
            "个",
            "所",
            "家",
            "件",
            "次",
            "项",
            "处",
            "座",
            "间",
            "辆",
            "场",
            "期",
            "批",
            "批次",
            "天",
            "个月",
            "条",
        )
    },
}


def known_units() -> tuple[str, ...]:
    """Symbols accepted in a ledger, in a stable order for error messages and docs."""
    return tuple(_UNITS)


def unit(symbol: str) -> Unit | None:
    """The unit for ``symbol`` (half-width ``%`` and full-width ``％`` both accepted), or None."""
    return _UNITS.get("%" if symbol == "％" else symbol)


def money_unit(symbol: str) -> Unit:
    """The money unit written ``symbol`` (元, 万元, 亿元): for callers that name money units by symbol;
    ValueError for any other symbol."""
    if symbol not in MONEY_UNITS:
        raise ValueError(f"unknown money unit {symbol!r}; expected one of {', '.join(MONEY_UNITS)}")
    return _UNITS[symbol]


def convert(value: Decimal, source: Unit, target: Unit) -> Decimal:
    """``value`` in ``source`` written in ``target``, a unit of the same family (万元 → 元 multiplies by
    10000), exactly, whatever the caller's decimal context.

    Exact by construction: the factors are powers of ten, so neither the product nor the quotient has
    more digits than the three numbers together, and that is the precision used (an amount as long as
    a 合计 can be is never rounded to the default 28 digits).  ``Inexact`` is trapped as well, so a factor
    that is not a power of ten could not round silently either.

    >>> convert(Decimal("81230395"), money_unit("元"), money_unit("万元"))
    Decimal('8123.0395')
    """
    if source is target:  # the common case, a value already in its column's unit
        return value
    if not source.compatible(target):
        raise ValueError(f"cannot convert {source.symbol} to {target.symbol}")
    if source.factor == target.factor:
        return value
    digits = sum(len(number.as_tuple().digits) for number in (value, source.factor, target.factor))
    with localcontext() as context:
        context.prec = digits
        context.traps[Inexact] = True
        return value * source.factor / target.factor
