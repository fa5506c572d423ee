"""Pure number formatting for Chinese reports, shared by the Jinja filters, the tables and every writer.

Why a package of its own: every figure is printed in several places (narrative, table, .docx,
.xlsx) and must look identical in all of them, so the formatting rules live here once, with no
state and no I/O.  Like Babel's ``numbers``: plain functions with explicit digits and rounding
(always 四舍五入, once, at display, from the exact ``Decimal``).  Rules and sources: docs/standards.md
§1–8 (numerals, units, rounding, ratios, comparisons, dates, headings, 大写金额).

>>> from decimal import Decimal
>>> format_amount(Decimal("81230395"), "万元", digits=2), format_percent(Decimal("0.92115"))
('8123.04万元', '92.12%')
"""

from reportgen.numbers.chinese import chinese_digits, chinese_numeral, heading_marker, sequence_marker
from reportgen.numbers.compare import (
    format_against_plan,
    format_difference,
    format_growth,
    format_point_change,
    format_target,
)
from reportgen.numbers.dates import (
    format_date,
    format_month_range,
    format_period,
    parse_date,
    parse_month_range,
    period_name,
)
from reportgen.numbers.daxie import format_daxie, parse_daxie
from reportgen.numbers.decimal_format import (
    DASH,
    format_amount,
    format_count,
    format_count_wan,
    format_households_persons,
    format_number,
    format_percent,
    strip_zeros,
)
from reportgen.numbers.rounding import decimals_of, round_half_up, rounds_to

__all__ = [
    "DASH",
    "chinese_digits",
    "chinese_numeral",
    "decimals_of",
    "format_against_plan",
    "format_amount",
    "format_count",
    "format_count_wan",
    "format_date",
    "format_daxie",
    "format_difference",
    "format_growth",
    "format_households_persons",
    "format_month_range",
    "format_number",
    "format_percent",
    "format_period",
    "format_point_change",
    "format_target",
    "heading_marker",
    "parse_date",
    "parse_daxie",
    "parse_month_range",
    "period_name",
    "round_half_up",
    "rounds_to",
    "sequence_marker",
    "strip_zeros",
]
