"""What a template sees of the report's figures and period: printable, filterable, never a number.

A ``FigureValue`` prints as the ledger typed it and offers nothing to compute with, so a template can
only quote a figure through the filters (``templating.filters``); ``PeriodValue`` names the reporting
period and the periods it is compared with.  ``FilterError`` is what a filter or a value says when
it is used on the wrong thing.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportgen.base.units import Family
from reportgen.compute.figures import PERCENT_DIGITS, Goal, Standard
from reportgen.model import Period, Quantity
from reportgen.numbers import (
    DASH,
    format_number,
    format_percent,
    format_period,
    period_name,
)


class FilterError(ValueError):
    """A filter was given a value it cannot format; the message is Chinese and says why."""


Earlier = tuple[Quantity | None, str | None]  # (value in that period, id of the figure lacking it)


class FigureValue:
    """What a template sees for a figure: printable, filterable, but not a number to compute with.

    ``earlier`` holds the figure in earlier periods (上年同期, 上期) for the comparison filters; a
    period the ledger has no value for carries the id of the figure to fill in, so the filter can
    say so instead of printing a blank.
    """

    __slots__ = ("_earlier", "_goal", "_quantity", "_standard", "名称")

    def __init__(
        self,
        name: str,
        quantity: Quantity | None,
        earlier: Mapping[str, Earlier] | None = None,
        *,
        standard: Standard | None = None,
        goal: Goal | None = None,
    ) -> None:
        self.名称 = name
        self._quantity = quantity
        self._earlier = earlier or {}
        self._standard = standard or Standard()
        self._goal = goal

    @property
    def standard(self) -> Standard:
        return self._standard

    def goal(self, filter_name: str) -> Goal:
        """The figure's 目标; ``FilterError`` naming the figure when the ledger gives it none."""
        if self._goal is None:
            raise FilterError(
                f"指标“{self.名称}”没有目标，不能用“{filter_name}”；"
                "请在台账“指标”中为它填写“目标”，如 目标: {不少于: 45}"
            )
        return self._goal

    @property
    def quantity(self) -> Quantity | None:
        return self._quantity

    def earlier(self, period: str) -> Quantity | None:
        """The figure in ``period``; ``FilterError`` when the ledger does not have it."""
        value, missing = self._earlier.get(period, (None, self.名称))
        if missing is not None:
            raise FilterError(
                f"指标“{missing}”没有{period}数值，“{self.名称}”无法与{period}比较；"
                f"请在台账“指标”中为“{missing}”填写“{period}”"
            )
        return value

    def __str__(self) -> str:
        quantity = self._quantity
        if quantity is None:
            return DASH
        if quantity.unit.family is Family.PERCENT:
            return format_percent(quantity.value / 100, PERCENT_DIGITS)
        return format_number(quantity.value) + quantity.unit.symbol

    __repr__ = __str__  # ``{{ [低保金] }}`` prints the list's repr: the figure, not its address


class PeriodValue:
    """The reporting period in a template: ``{{ 期间 }}`` → 1—9月; ``.年月``, ``.名称``, ``.年度``."""

    __slots__ = ("_period",)

    def __init__(self, period: Period) -> None:
        self._period = period

    def __str__(self) -> str:
        return format_period(self._period.year, self._period.start_month, self._period.end_month)

    __repr__ = __str__

    @property
    def 年度(self) -> str:
        return f"{self._period.year}年"

    @property
    def 年月(self) -> str:
        p = self._period
        return format_period(p.year, p.start_month, p.end_month, with_year=True)

    @property
    def 名称(self) -> str:
        p = self._period
        return period_name(p.start_month, p.end_month) or str(self)

    @property
    def 末月(self) -> str:
        """``6月``: the period's last month without the year, for 截至{{ 期间.年度 }}{{ 期间.末月 }}
        (截至2023年6月) and 截至{{ 期间.末月 }}底 (截至10月底)."""
        return f"{self._period.end_month}月"

    @property
    def 期末(self) -> str:
        """``2024年9月末``: for stock figures (截至…) rather than flows over the period."""
        return f"{self._period.year}年{self._period.end_month}月末"

    @property
    def 上年同期(self) -> str:
        """``2023年1—9月``: the period 同比 compares with."""
        p = self._period
        return format_period(p.year - 1, p.start_month, p.end_month, with_year=True)

    @property
    def 上期(self) -> str:
        """The adjacent earlier period of the same length, which 环比 compares with: 7—9月 → 4—6月,
        1—3月 → 上年10—12月.  (Of a cumulative 1—9月 that is the previous year's 4—12月, which is
        why cumulative reports compare 同比.)"""
        p = self._period
        length = p.end_month - p.start_month + 1
        start = p.start_month - length
        year = p.year if start >= 1 else p.year - 1
        start = start if start >= 1 else start + 12
        return format_period(year, start, start + length - 1, with_year=True)

    @property
    def 年度名称(self) -> str:
        p = self._period
        return format_period(p.year, p.start_month, p.end_month, style="name", with_year=True)
