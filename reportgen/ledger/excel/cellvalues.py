"""Numbers between Excel cells and exact ``Decimal``s, in both directions, never silently wrong.

Excel keeps every number as a binary double and openpyxl hands it over as a ``float``; the ledger
keeps exact decimals.  Reading goes through ``repr(float)``: the shortest text that gives back the
same double.  For a number a person typed (Excel keeps at most 15 significant digits of what is
typed) that is exactly the digits Excel shows, ``8123.0395`` stays ``8123.0395`` and never becomes
``8123.039499999999407…``.  A double with more than 15 significant digits only comes out of a
formula (``=0.1+0.2`` is 0.30000000000000004); it is rounded to 15 significant digits, which is
what Excel shows and computes with.

Writing is the inverse: a number becomes a numeric cell only when reading that cell back gives the
same digits; otherwise (trailing zeros such as ``100.50``, more than 15 digits) it is written as text,
which the reader parses exactly, so a YAML ledger survives the trip to Excel and back unchanged.

A cell formatted as a percentage (``0%``, ``0.00%``) shows 100 times what it holds: typing 92% in
Excel stores 0.92.  ``percent_format`` tells such a format apart and ``percent_number`` gives the number
shown (92), exactly, for the reader to use where the unit is %.

Numbers typed as text are how office workers paste figures: ``1,234.5`` with correct three-digit
grouping and full-width ``１２３`` are read; anything else that starts like a number (``1,23``,
``12.3万``, ``1.5E+07``, ``1.2.3``) is refused with a reason, never guessed at.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from reportgen.ledger.fields import FULL_WIDTH_DIGITS, plain_number

EXCEL_DIGITS = 15  # significant digits Excel keeps of a typed number and shows
_NUMBER_START = frozenset("+-.0123456789")
_HEAD = re.compile(r"([+-]?)([0-9,]*)(\.[0-9]*)?", re.ASCII)
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+", re.ASCII)
_EXPONENT = re.compile(r"[eE][+-]?[0-9]", re.ASCII)
# The parts of a number format that print literally and never scale: "text", \x, _x (a space as wide
# as x), *x (x repeated to fill), [Red] / [$-804] / [>100].
_FORMAT_LITERALS = re.compile(r'"[^"]*"?|\\.|_.|\*.|\[[^\]]*\]?', re.DOTALL)

Number = int | Decimal


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a text that starts like a number is not one, and what to write instead."""

    message: str
    expected: str


def number_from_float(value: float) -> Number:
    """The exact number Excel shows for a cell's double (see the module docstring); integral → int."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    number = Decimal(repr(value))
    if len(number.as_tuple().digits) > EXCEL_DIGITS:
        number = Decimal(format(value, f".{EXCEL_DIGITS}g"))
    return canonical(number)


def percent_format(number_format: str) -> bool:
    """Whether an Excel number format shows a number as a percentage (× 100 and a % sign).

    Only a bare ``%`` scales; one in quotes or after a backslash is a literal sign (``0"%"`` shows 92
    as 92%), so it is not a percentage format.
    """
    return "%" in _FORMAT_LITERALS.sub("", number_format)


def percent_number(value: int | float) -> Number:
    """The number a percentage-formatted cell shows: 0.92 → 92, 0.9234 → 92.34, exactly.

    The double is read as Excel shows it (``number_from_float``), then the decimal point moves two
    places: no binary arithmetic, so 0.07 gives 7 and never 7.000000000000001.
    """
    return canonical(Decimal(read_number(value)).scaleb(2))


def read_number(value: int | float) -> Number:
    """The exact number of a numeric cell as openpyxl gives it (an int, or a float Excel shows)."""
    return value if isinstance(value, int) else number_from_float(value)


def canonical(number: Number) -> Number:
    """An int when the decimal has no fractional digits (``5.``, ``1E+2``, ``-0``), else the Decimal."""
    if isinstance(number, int):
        return number
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int), "only finite numbers reach here"
    return int(number) if exponent >= 0 else number


def as_number(value: object) -> Number | None:
    """A ledger value that holds a number (int, Decimal, or plain numeric text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return canonical(value) if value.is_finite() else None
    if isinstance(value, str):
        parsed = plain_number(value)
        return canonical(parsed) if parsed is not None else None
    return None


def number_text(number: Number) -> str:
    """The exact digits, without exponent or grouping: what a text cell or YAML holds."""
    return str(number) if isinstance(number, int) else format(number, "f")


def cell_number(number: Number) -> int | float | None:
    """What to store in a numeric cell so that it reads back as exactly ``number``, or None when only
    a text cell can carry it.  openpyxl writes a float as ``%.16g``; the check replays that."""
    if isinstance(number, int):
        return number if abs(number) < 2**53 else None
    value = float(number)
    stored = f"{value:.16g}"
    # openpyxl reads a cell's text without "." or exponent as an int, anything else as a float.
    back = number_from_float(float(stored)) if any(c in stored for c in ".eE") else int(stored)
    if number_text(back) != number_text(number):
        return None
    return back if isinstance(back, int) else value


def starts_like_number(text: str) -> bool:
    stripped = text.strip().translate(FULL_WIDTH_DIGITS)
    return bool(stripped) and stripped[0] in _NUMBER_START


def split_number(text: str) -> tuple[Number, str] | Refusal:
    """A number typed as text and what follows it (a unit, or ""), or why it is not a number.

    Call only for a text that ``starts_like_number``.  ``1,234.5`` → (Decimal("1234.5"), "");
    ``1.3168亿元`` → (Decimal("1.3168"), "亿元"); ``１２３`` → (123, "").
    """
    stripped = text.strip().translate(FULL_WIDTH_DIGITS)
    head = _HEAD.match(stripped)
    assert head is not None  # every part of the pattern is optional
    sign, whole, fraction = head.group(1), head.group(2), head.group(3) or ""
    if not any(ch.isdigit() for ch in whole + fraction):
        return Refusal("不是数字", "数字，如 1234.5；没有数值时留空")
    if "," in whole and not _GROUPED.fullmatch(whole):
        return Refusal("数字中的千分位逗号位置不对", "每三位一个逗号，如 1,234,567.5，或不写逗号")
    rest = stripped[head.end() :]
    if _EXPONENT.match(rest):
        return Refusal("数字用了科学计数法", "写出全部数字，如 15000000（不写 1.5E+07）")
    following = rest.lstrip()[:1]
    if following == "，":
        return Refusal("数字中有全角逗号“，”", "不写逗号，或用半角千分位逗号，如 1,234.5")
    if following and following in "0123456789.,":
        return Refusal("不是有效的数字", "一个数字，如 1234.5（中间不留空格，只有一个小数点）")
    digits = whole.replace(",", "")
    number: Number = Decimal(sign + digits + fraction) if fraction else int(sign + digits)
    return canonical(number), rest.strip()
