"""大写金额 (upper-case money amounts) by the 支付结算办法 and 会计基础工作规范 rules, and a parser back.

Why it exists: 财务 attachments and 票据-like tables must show money in 大写 (GB/T 15835 5.2.4), and
the two governing texts disagree on one point (整 after 角), so both behaviours are selectable.
Rules (docs/standards.md §8): characters 零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整; ``整`` after 元, optional
after 角 (bank rule: no; accounting rule: yes), never after 分; a run of zeros becomes one 零; a run
that ends at the 元/万/亿 position before a non-zero digit takes an *optional* 零 (``optional_zero``);
角 zero with 分 non-zero takes a mandatory 零; a leading 拾 is written 壹拾.

``parse_daxie`` is written independently of the formatter (it reads sections and 仟佰拾 the way a
person would, ignoring 零) so that tests can round-trip one against the other.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportgen.numbers.rounding import round_half_up

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_POSITIONS = ("", "拾", "佰", "仟")
_LIMIT_FEN = 10**18  # amounts must stay below 10^16 元


def _integer_part(integer: int, optional_zero: bool) -> tuple[str, bool]:
    """The 大写 of ``integer`` > 0 without 元, and whether it ends in a run of zeros (元位 is 0).

    A zero run gets one 零 before the next non-zero digit.  When the run ends exactly at 万位 or 亿位
    (the digit after it is 千位), that 零 is optional (ZF 四(三)) and written only if
    ``optional_zero``; it stays mandatory when the run also swallows the whole 万 section (so that no
    万 is written: 壹亿零壹仟元, never 壹亿壹仟元).  亿 is written whenever the number reaches it (so
    10^12 is 壹万亿); 万 only when its own four digits are not all zero.
    """
    digits = str(integer)
    length = len(digits)
    text = ""
    run_start: int | None = None  # power of the first zero of the current run
    run_end = 0  # power of the last zero of the current run
    for index, char in enumerate(digits):
        power = length - 1 - index
        digit = int(char)
        if digit == 0:
            if run_start is None:
                run_start = power
            run_end = power
        else:
            if run_start is not None:
                ends_at_section = run_end % 4 == 0
                swallows_wan = run_start >= 7 and run_end <= 4
                if optional_zero or not ends_at_section or swallows_wan:
                    text += "零"
                run_start = None
            text += _DIGITS[digit] + _POSITIONS[power % 4]
        if power == 8:
            text += "亿"
        elif power in (4, 12) and int(digits[max(0, index - 3) : index + 1]):
            text += "万"
    return text, run_start is not None


def format_daxie(
    amount: Decimal,
    *,
    prefix: str = "人民币",
    yuan: str = "元",
    zheng: str = "整",
    zheng_after_jiao: bool = False,
    optional_zero: bool = True,
) -> str:
    """``amount`` (0 ≤ amount < 10^16, rounded half up to 分 first) in 大写.

    ``Decimal("1004.50")`` → ``人民币壹仟零肆元伍角`` (bank rule) or, with ``zheng_after_jiao=True``,
    ``人民币壹仟零肆元伍角整`` (accounting rule); ``100000`` → ``人民币壹拾万元整``;
    ``1680.32`` → ``人民币壹仟陆佰捌拾元零叁角贰分`` (``optional_zero=False``: ``…捌拾元叁角贰分``);
    ``0.04`` → ``人民币肆分``; ``0`` → ``人民币零元整``.  ``yuan="圆"``, ``zheng="正"`` and
    ``prefix=""`` are accepted.  Negative, non-finite or too large amounts raise ValueError.

    >>> format_daxie(Decimal("1004.50")), format_daxie(Decimal("1004.50"), zheng_after_jiao=True)
    ('人民币壹仟零肆元伍角', '人民币壹仟零肆元伍角整')
    >>> format_daxie(Decimal("16409.02"))
    '人民币壹万陆仟肆佰零玖元零贰分'
    """
    if not amount.is_finite():
        raise ValueError(f"大写金额须为有限数值（收到 {amount}）")
    if amount < 0:
        raise ValueError(f"大写金额不能为负数（收到 {amount}）")
    fen_total = int(round_half_up(amount, 2).scaleb(2))
    if fen_total >= _LIMIT_FEN:
        raise ValueError("大写金额须小于 10^16 元")
    integer, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return f"{prefix}零{yuan}{zheng}"
    text = prefix
    if integer:
        words, ends_in_zero = _integer_part(integer, optional_zero)
        text += words + yuan
        if jiao == 0 and fen == 0:
            return text + zheng
        if jiao == 0:
            text += "零"  # 角 is 0, 分 is not: mandatory 零 (docs/standards.md §8.8)
        elif ends_in_zero and optional_zero:
            text += "零"  # 元位 is 0, 角 is not: optional 零 (docs/standards.md §8.7)
    if jiao:
        text += _DIGITS[jiao] + "角"
    if fen:
        return text + _DIGITS[fen] + "分"
    return text + (zheng if zheng_after_jiao else "")


# ---------------------------------------------------------------------------------------------
# Parser: independent of the formatter above.

_DIGIT_VALUES = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT_VALUES = {"拾": 10, "佰": 100, "仟": 1000}
_FRACTION = re.compile(r"零?(?:([零壹贰叁肆伍陆柒捌玖])角)?零?(?:([零壹贰叁肆伍陆柒捌玖])分)?")


def _parse_section(text: str) -> int:
    """A number below 10000 written with 仟佰拾 (零 ignored): 壹仟零伍 → 1005, 拾伍 → 15."""
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    for position, char in enumerate(text):
        if char == "零":
            if pending is not None:
                raise ValueError(f"“{text}”中“零”前的数字没有单位")
            continue
        if char in _DIGIT_VALUES:
            if pending is not None:
                raise ValueError(f"“{text}”中两个数字相连")
            pending = _DIGIT_VALUES[char]
        elif char in _UNIT_VALUES:
            value = _UNIT_VALUES[char]
            if value >= last_unit:
                raise ValueError(f"“{text}”中单位“{char}”顺序不对")
            if pending is None:
                if not (char == "拾" and position == 0):
                    raise ValueError(f"“{text}”中“{char}”前没有数字")
                pending = 1  # 拾伍 read as 壹拾伍
            total += pending * value
            last_unit = value
            pending = None
        else:
            raise ValueError(f"无法识别的字符“{char}”")
    return total + (pending or 0)


def _parse_big(text: str, unit: str, factor: int, lower: int) -> int:
    """Split at one ``unit`` (亿 or 万): high × factor + low, where low < factor."""
    if text.count(unit) > 1:
        raise ValueError(f"“{text}”中“{unit}”出现了不止一次")
    if unit not in text:
        return _parse_lower(text, lower)
    high_text, _, low_text = text.partition(unit)
    high = _parse_lower(high_text, lower)
    if high == 0:
        raise ValueError(f"“{unit}”前没有数字")
    return high * factor + _parse_lower(low_text, lower)


def _parse_lower(text: str, level: int) -> int:
    """Level 1: below 10^8 (split at 万); level 0: below 10^4 (one section)."""
    if level == 0:
        return _parse_section(text)
    return _parse_big(text, "万", 10**4, 0)


def parse_daxie(text: str) -> Decimal:
    """``人民币壹仟零肆元伍角`` → ``Decimal("1004.50")`` (always two decimals).

    Accepts an optional 人民币 prefix, 元 or 圆, a final 整 or 正, and ignores 零.  Raises ValueError
    on empty or malformed text (unknown characters, two digits in a row, units out of order, …).

    >>> parse_daxie("人民币壹仟零肆元伍角"), parse_daxie("壹拾万元整")
    (Decimal('1004.50'), Decimal('100000.00'))
    """
    body = text.strip().removeprefix("人民币").replace("圆", "元")
    if body.endswith(("整", "正")):
        body = body[:-1]
    if not body:
        raise ValueError(f"“{text}”不是大写金额")
    if body.count("元") > 1:
        raise ValueError(f"“{text}”中“元”出现了不止一次")
    integer_text, has_yuan, fraction_text = body.rpartition("元")
    if has_yuan and not integer_text:
        raise ValueError(f"“{text}”中“元”前没有数字")
    if not has_yuan and not fraction_text.endswith(("角", "分")):
        raise ValueError(f"“{text}”没有“元”“角”或“分”")
    integer = _parse_big(integer_text, "亿", 10**8, 1)
    match = _FRACTION.fullmatch(fraction_text)
    if match is None:
        raise ValueError(f"“{text}”中角分部分“{fraction_text}”无法识别")
    jiao = _DIGIT_VALUES[match.group(1)] if match.group(1) else 0
    fen = _DIGIT_VALUES[match.group(2)] if match.group(2) else 0
    return Decimal(integer * 100 + jiao * 10 + fen).scaleb(-2)
