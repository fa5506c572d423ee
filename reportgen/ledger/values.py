"""A ledger given as Python values read into the plain values the YAML reader produces.

A pipeline that already holds its figures in Python (a dict built in code, rows read from a
database, a pandas DataFrame) should not have to write YAML to reach the schema.  This reader turns
such values into exactly what ``yaml.read`` gives for the same ledger typed in a file, so one schema
(``schema.build_ledger``) validates both with the same coded problems, each naming its field path
(there is no line to name).

What Python code naturally holds is taken as it is: ``str`` (numbers in text are read by the schema,
exactly as quoted numbers in YAML), ``int``, ``Decimal``, ``bool``, ``None``, ``datetime.date``, lists
and tuples, mappings, and a pandas DataFrame wherever a list of row mappings is (its empty cells as
empty values).  Everything else is refused with a code, never passed on to fail somewhere deeper:

- ``float`` (RG106): a binary double is not the decimal the person typed; ``0.1 + 0.2`` holds
  0.30000000000000004, and guessing the intended digits (as the Excel reader must, Excel having only
  doubles) would be a silent change in code that could have passed ``Decimal`` or text.  The message
  says how to pass it exactly.  An empty DataFrame cell (NaN) is no number at all: it is empty.
- a non-finite ``Decimal`` (NaN, Infinity: RG106), an integer of more than ``MAX_INT_DIGITS`` digits
  (RG106); a ``datetime`` with a time of day (RG110, as the YAML reader refuses ``2024-09-23 10:00``;
  midnight, which a DataFrame's date column holds, is the date);
- ``bytes``, sets, generators and any other object (RG105); a key that is not text (RG105).

The bounds are the YAML reader's (``MAX_NODES``, ``MAX_DEPTH``, ``MAX_TEXT_CHARS``), so a cyclic or
shared structure (a list that holds itself, one long text referred to a million times) is refused
with RG114 like an alias bomb.  Every other problem is collected, so a caller sees them all at once.
"""

from __future__ import annotations

import datetime
import math
import numbers
import operator
import sys
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from reportgen.base.errors import LedgerError, Problem
from reportgen.ledger.plain import At, PlainLedger, Value, format_path
from reportgen.ledger.yaml.read import MAX_DEPTH, MAX_INT_DIGITS, MAX_NODES, MAX_TEXT_CHARS

# The YAML reader keeps a longer integer as a Decimal, which every number field refuses as too large;
# here it is refused at once, because converting a huge Python int to Decimal takes quadratic time.
_BIG_INT = 10**MAX_INT_DIGITS
_BIG_INT_EXPECTED = f"不超过 {MAX_INT_DIGITS} 位的整数（数值不超过 10^15）"
FLOAT_EXPECTED = "Decimal 或文字，如 Decimal('1234.5') 或 '1234.5'"


def read_values(data: object, name: Path | str) -> PlainLedger:
    """``data`` as the plain values of a ledger; ``LedgerError`` listing every value refused."""
    reader = _Reader(name)
    plain = reader.value(data, ())
    if reader.problems:
        raise LedgerError(*reader.problems)
    return PlainLedger(data=plain)


class _Reader:
    def __init__(self, name: Path | str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.visited = 0
        self.chars = 0

    def problem(self, code: str, message: str, at: At, value: object, expected: str) -> Problem:
        return Problem(
            code, message, file=self.name, place=format_path(at) or None, value=value, expected=expected
        )

    def refuse(self, code: str, message: str, at: At, value: object, expected: str) -> None:
        self.problems.append(self.problem(code, message, at, value, expected))

    def count(self, at: At, chars: int = 0, *, value: bool = True) -> None:
        """One more value (a key is no value) and ``chars`` more characters, counted as the YAML reader
        counts them: RG114 beyond its bounds."""
        self.visited += value
        self.chars += chars
        if self.visited > MAX_NODES or len(at) > MAX_DEPTH or self.chars > MAX_TEXT_CHARS:
            raise LedgerError(
                self.problem(
                    "RG114",
                    "内容过多或嵌套过深（列表或字典是否包含了自身？）",
                    at,
                    None,
                    f"不超过 {MAX_NODES} 个值、{MAX_DEPTH} 层、{MAX_TEXT_CHARS} 个字符",
                )
            )

    def value(self, value: object, at: At) -> Value:
        if isinstance(value, str):
            self.count(at, len(value))
            return str.__str__(value)  # a str subclass (numpy.str_) as the plain text it holds
        if isinstance(value, Decimal):
            self.count(at, len(value.as_tuple().digits))  # as many characters when printed as text
            return self.decimal(value, at)
        self.count(at)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, numbers.Integral):  # int, numpy's integers, an IntEnum: the integer
            number = operator.index(value)
            if abs(number) >= _BIG_INT:  # Decimal(int) takes seconds for a million digits: refused first
                digits = int(number.bit_length() * math.log10(2)) + 1  # Python refuses str() of a huge int
                self.refuse("RG106", f"整数有约 {digits} 位", at, None, _BIG_INT_EXPECTED)
                return None
            return number
        if isinstance(value, float):
            self.refuse("RG106", "浮点数不是精确的十进制数", at, repr(value), FLOAT_EXPECTED)
            return None
        if isinstance(value, datetime.datetime):
            return self.moment(value, at)
        if isinstance(value, datetime.date):
            return datetime.date(value.year, value.month, value.day)
        if isinstance(value, Mapping):
            return self.mapping(value.items(), at)
        if isinstance(value, list | tuple):
            return [self.value(item, (*at, index)) for index, item in enumerate(value, start=1)]
        rows = _frame_rows(value)
        if rows is not None:
            return [self.mapping(row, (*at, index)) for index, row in enumerate(rows, start=1)]
        self.refuse(
            "RG105",
            f"不支持 {type(value).__name__} 类型的值",
            at,
            None,
            "文字、整数、Decimal、日期、列表或字典（表格的行也可以是 pandas DataFrame）",
        )
        return None

    def decimal(self, value: Decimal, at: At) -> Value:
        if not value.is_finite():
            self.refuse("RG106", "不是有限的数字", at, str(value), "有限的十进制数字")
            return None
        return Decimal(value)  # a subclass as the plain Decimal

    def moment(self, value: datetime.datetime, at: At) -> Value:
        if value.tzinfo is not None or value.time() != datetime.time():
            self.refuse("RG110", "含有时刻", at, value.isoformat(), "只写日期，如 2024-09-23")
            return None
        return datetime.date(value.year, value.month, value.day)

    def mapping(self, pairs: Iterable[tuple[object, object]], at: At) -> dict[str, Value]:
        result: dict[str, Value] = {}
        for key, item in pairs:
            if not isinstance(key, str):
                self.refuse("RG105", f"字段名必须是文字，不能是 {type(key).__name__}", at, None, "文字")
                continue
            key = str.__str__(key)
            self.count(at, len(key), value=False)
            if key in result:  # a Mapping other than dict, or a DataFrame, may give a name twice
                self.refuse("RG103", f"字段“{key}”重复出现", (*at, key), None, "每个字段只写一次")
                continue
            result[key] = self.value(item, (*at, key))
        return result


def _frame_rows(value: object) -> Iterator[list[tuple[object, object]]] | None:
    """A pandas DataFrame's rows as (column, cell) pairs, empty cells as None; None for anything else.

    pandas is never imported here: a value can only be a DataFrame when its caller imported pandas.
    Each row is (column, cell) pairs, not a dict, so a column name given twice is reported (RG103).
    """
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(value, pandas.DataFrame):
        return None
    columns = list(value.columns)
    missing = (None, pandas.NA, pandas.NaT)

    def empty(cell: object) -> bool:
        return any(cell is m for m in missing) or (isinstance(cell, float) and math.isnan(cell))

    return (
        [(column, None if empty(cell) else cell) for column, cell in zip(columns, row, strict=True)]
        for row in value.itertuples(index=False, name=None)
    )
