"""Dates and reporting periods as Chinese reports write them, and the reading of a ledger's period.

Why it exists: the 成文日期, the period in the title and the period in the table must agree, and
each has a rule that is easy to get wrong by hand: ``2024年9月23日`` without zero padding (GB/T 9704
7.3.5.4); month ranges with the 一字线 ``1—9月`` (GB/T 15834 4.13.3.2), never ``1-9月`` (the hyphen
is accepted on input only, docs/standards.md §6.3); conventional names 一季度/上半年/前三季度/全年
(docs/standards.md §6.6).
"""

from __future__ import annotations

import datetime
import re

EM_DASH = "\u2014"

_NAMES: dict[tuple[int, int], str] = {
    (1, 3): "一季度",
    (4, 6): "二季度",
    (7, 9): "三季度",
    (10, 12): "四季度",
    (1, 6): "上半年",
    (7, 12): "下半年",
    (1, 9): "前三季度",
    (1, 12): "全年",
}
_BY_NAME = {name: months for months, name in _NAMES.items()} | {
    "第一季度": (1, 3),
    "第二季度": (4, 6),
    "第三季度": (7, 9),
    "第四季度": (10, 12),
}
_RANGE = re.compile(r"^(\d{1,2})\s*(?:月份?)?\s*(?:[-—–－~～至到]+)\s*(\d{1,2})\s*(?:月份?)?$")
_SINGLE = re.compile(r"^(\d{1,2})\s*(?:月份?)?$")
# A day typed as text: 2024年9月23日 (any digits Python reads), or 2024-09-23, 2024/9/23, 2024.9.23.
_WRITTEN_DATE = re.compile(r"\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*")
_NUMERIC_DATE = re.compile(r"\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*", re.ASCII)
# What a Chinese input method types in full width (２０２４－９－２３): read as the ASCII it stands for.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")


def format_date(d: datetime.date) -> str:
    """Arabic digits, full year, no zero padding (GB/T 9704 7.3.5.4).

    >>> format_date(datetime.date(2024, 9, 23))
    '2024年9月23日'
    """
    return f"{d.year}年{d.month}月{d.day}日"


def parse_date(text: str) -> datetime.date | None:
    """The day ``text`` names, written as a report writes it (``2024年9月23日``) or as digits
    (``2024-09-23``, ``2024/9/23``, ``2024.9.23``, in half or full width), spaces allowed around the
    parts; None when it is neither or names no day of the calendar (``2024年2月30日``).

    The one reading of a date typed as text: the ledger's schema, the workbook's reader and writer
    and the YAML reader all take a date so, so what one accepts the others write and read back.

    >>> parse_date("2024年9月23日") == parse_date(" 2024/09/23 ") == datetime.date(2024, 9, 23)
    True
    >>> parse_date("2024年2月30日"), parse_date("9月23日")
    (None, None)
    >>> parse_date("２０２４－９－２３") == parse_date("２０２４年９月２３日") == datetime.date(2024, 9, 23)
    True
    """
    match = _WRITTEN_DATE.fullmatch(text) or _NUMERIC_DATE.fullmatch(text.translate(_FULL_WIDTH))
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def format_month_range(start: int, end: int) -> str:
    """``1—9月`` (U+2014 一字线), or ``9月`` for a single month; needs 1 ≤ start ≤ end ≤ 12.

    >>> format_month_range(1, 9), format_month_range(9, 9)
    ('1—9月', '9月')
    """
    _validate(start, end)
    return f"{end}月" if start == end else f"{start}{EM_DASH}{end}月"


def period_name(start: int, end: int) -> str | None:
    """The conventional name of a month range, or None where there is none.

    >>> period_name(1, 9), period_name(2, 5)
    ('前三季度', None)
    """
    _validate(start, end)
    return _NAMES.get((start, end))


def format_period(year: int, start: int, end: int, *, style: str = "months", with_year: bool = False) -> str:
    """``1—9月`` (style ``months``) or ``前三季度`` (style ``name``, falling back to months).

    ``with_year`` prefixes the year: ``2024年1—9月``, ``2024年前三季度``, ``2024年全年``.

    >>> format_period(2024, 1, 9), format_period(2024, 1, 9, style="name", with_year=True)
    ('1—9月', '2024年前三季度')
    >>> format_period(2024, 2, 5, style="name")
    '2—5月'
    """
    if style not in ("months", "name"):
        raise ValueError(f"style is 'months' or 'name', not {style!r}")
    text = format_month_range(start, end)
    if style == "name":
        text = period_name(start, end) or text
    return f"{year}年{text}" if with_year else text


def parse_month_range(text: str) -> tuple[int, int]:
    """Read a month range into (start, end).

    Accepts ``1—9``, ``1-9``, ``1－9``, ``1～9``, ``1至9``, ``1到9``, ``1—9月``, ``9``, ``9月`` and
    the names ``一季度`` … ``四季度``, ``上半年``, ``下半年``, ``前三季度``, ``全年``.
    Errors are ValueErrors with a Chinese message that says what was expected.

    >>> parse_month_range("1-9月"), parse_month_range("前三季度"), parse_month_range("9")
    ((1, 9), (1, 9), (9, 9))
    """
    cleaned = text.strip()
    if cleaned in _BY_NAME:
        return _BY_NAME[cleaned]
    match = _RANGE.match(cleaned)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
    else:
        single = _SINGLE.match(cleaned)
        if not single:
            raise ValueError(f"无法识别的月份“{text}”：应写作 1—9、9、一季度、上半年、前三季度、全年等形式")
        start = end = int(single.group(1))
    _validate(start, end)
    return start, end


def _validate(start: int, end: int) -> None:
    """1 ≤ start ≤ end ≤ 12, else a ValueError that explains in Chinese."""
    for month in (start, end):
        if not 1 <= month <= 12:
            raise ValueError(f"月份“{month}”无效：月份应在 1 至 12 之间")
    if start > end:
        raise ValueError(f"起始月 {start} 晚于截止月 {end}：月份范围应从小到大，如 1—9")
