"""Dates and reporting periods as Chinese reports write them.

``2024年9月23日`` without zero padding (GB/T 9704 7.3.5.4); month ranges with the 一字线 ``1—9月``
(GB/T 15834 4.13.3.2), never ``1-9月``; conventional names 一季度/上半年/前三季度/全年 (standards 5.12).
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


def format_date(d: datetime.date) -> str:
    """``2024年9月23日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_month_range(start: int, end: int) -> str:
    """``1—9月``, or ``9月`` for a single month."""
    _validate(start, end)
    return f"{end}月" if start == end else f"{start}{EM_DASH}{end}月"


def period_name(start: int, end: int) -> str | None:
    """The conventional name of a month range (``前三季度``), or None where there is none."""
    _validate(start, end)
    return _NAMES.get((start, end))


def format_period(year: int, start: int, end: int, *, style: str = "months", with_year: bool = False) -> str:
    """``1—9月`` (style ``months``) or ``前三季度`` (style ``name``, falling back to months)."""
    text = format_month_range(start, end)
    if style == "name":
        text = period_name(start, end) or text
    elif style != "months":
        raise ValueError("style is 'months' or 'name'")
    return f"{year}年{text}" if with_year else text


def parse_month_range(text: str) -> tuple[int, int]:
    """Read ``1—9``, ``1-9月``, ``9``, ``前三季度`` … into (start, end); errors explain in Chinese."""
    cleaned = text.strip()
    if cleaned in _BY_NAME:
        return _BY_NAME[cleaned]
    match = _RANGE.match(cleaned)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
    else:
        single = _SINGLE.match(cleaned)
        if not single:
            raise ValueError(f"无法识别的月份“{text}”")
        start = end = int(single.group(1))
    _validate(start, end)
    return start, end


def _validate(start: int, end: int) -> None:
    if not 1 <= start <= 12 or not 1 <= end <= 12:
        raise ValueError(f"月份应在 1～12 之间（收到 {start}—{end}）")
    if start > end:
        raise ValueError(f"起始月 {start} 晚于截止月 {end}")
