"""What a parent needs of one unit: its name, period and computed figures, small enough to pass around.

A unit's summary is made once from its computed report (``summarize``).  A parent loaded on its own
makes its units' summaries by loading them; a batch makes each while rendering that unit and hands it to
the unit's parents, so every level prints from the same computed figures and no ledger is read twice.
It holds only values (``Decimal``, ``Unit``, text), so it pickles to a process pool or a Dask worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportgen.compute.figures import ComputedReport
from reportgen.model import BASELINES, Period, Quantity, QuotientOf, RatioOf

# A ratio's definition as a parent repeats it on the summed parts: (分子, 分母, 商's unit or "" for a
# 比例, 商's 每).
Definition = tuple[str, str, str, Decimal]


@dataclass(frozen=True, slots=True)
class UnitFigure:
    """One figure of a unit: its 名称, its computed value (None: not computable, e.g. a 比例 whose
    分母 is 0), how it is computed when it is a 比例 or 商, its earlier values (上年同期, 上期) and its
    口径."""

    name: str
    value: Quantity | None
    definition: Definition | None = None
    baselines: tuple[tuple[str, Quantity], ...] = ()
    basis: str = ""  # 口径 (时点, 累计, 计划) when the unit's ledger says it: a sum adds one kind only


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """One unit as its parents see it: ``file`` is its ledger's resolved path (the key a batch uses),
    ``name`` its 填报单位 (what a parent's table row and messages print)."""

    file: str
    name: str
    period: Period | None
    figures: dict[str, UnitFigure]


def summarize(computed: ComputedReport, file: str) -> UnitSummary:
    """The summary of a unit's computed report (``file``: its ledger's resolved path)."""
    ledger = computed.ledger
    figures: dict[str, UnitFigure] = {}
    for figure in ledger.figures:
        source = figure.source
        definition: Definition | None = None
        if isinstance(source, RatioOf):
            definition = (source.numerator.figure_id, source.denominator.figure_id, "", Decimal(1))
        elif isinstance(source, QuotientOf):
            definition = (
                source.numerator.figure_id,
                source.denominator.figure_id,
                source.unit.symbol,
                source.per,
            )
        earlier = tuple(
            (period, quantity)
            for period in BASELINES
            if (quantity := computed.baselines[period].values.get(figure.id)) is not None
        )
        figures[figure.id] = UnitFigure(
            figure.name, computed.values.get(figure.id), definition, earlier, figure.basis
        )
    return UnitSummary(file, ledger.filler, ledger.period, figures)
