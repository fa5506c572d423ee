"""大写金额 by the 支付结算办法 and 会计基础工作规范 rules (standards §4), and a parser back.

Rules: 零壹贰…仟万亿 characters; ``整`` after 元, optional after 角 (bank vs accounting rule), never
after 分; one 零 for a run of zeros; a zero run ending at the 元/万/亿 position before a non-zero
digit takes an *optional* 零 (``optional_zero``); 角 zero with 分 non-zero takes a mandatory 零;
a leading 拾 is written 壹拾.  ``parse_daxie`` is written independently so tests can round-trip.
"""

from __future__ import annotations

from decimal import Decimal

from reportgen.numbers.rounding import round_half_up

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_POSITIONS = ("", "拾", "佰", "仟")
# Section units by power of ten: 万 and 亿 alternate, so 10^12 is 壹万亿 (万 at 12, then 亿 at 8).
_SECTION_UNITS = {4: "万", 8: "亿", 12: "万"}
_LIMIT = Decimal(10) ** 16


def format_daxie(
    amount: Decimal,
    *,
    prefix: str = "人民币",
    yuan: str = "元",
    zheng: str = "整",
    zheng_after_jiao: bool = False,
    optional_zero: bool = True,
) -> str:
    """``Decimal("1004.50")`` → ``人民币壹仟零肆元伍角`` (``zheng_after_jiao`` adds 整 after 角)."""
    if amount < 0:
        raise ValueError("大写金额不能为负数")
    fen_total = int(round_half_up(amount, 2) * 100)
    if fen_total >= _LIMIT * 100:
        raise ValueError("金额须小于 10^16 元")
    integer, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return f"{prefix}零{yuan}{zheng}"
    text = prefix
    if integer:
        digits = str(integer)
        length = len(digits)
        pending_zero = False  # a run of zeros seen since the last written digit
        run_ends_at_section = False
        for index, char in enumerate(digits):
            power = length - 1 - index
            digit = int(char)
            if digit == 0:
                pending_zero = True
                run_ends_at_section = power % 4 == 0
            else:
                if pending_zero and (optional_zero or not run_ends_at_section):
                    text += "零"
                pending_zero = False
                text += _DIGITS[digit] + _POSITIONS[power % 4]
            # 亿 closes everything above it, so it is written whenever the number reaches it;
            # 万 only when its own four digits are not all zero.
            if power in _SECTION_UNITS and (power == 8 or int(digits[max(0, index - 3) : index + 1])):
                text += _SECTION_UNITS[power]
        text += yuan
        if jiao == 0 and fen == 0:
            return text + zheng
        if pending_zero and jiao != 0 and optional_zero:
            text += "零"  # 元位 is zero, 角 is not: optional 零 (standards 4.7)
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif integer:
        text += "零"  # 角 zero, 分 not: mandatory 零 (standards 4.8)
    if fen:
        return text + _DIGITS[fen] + "分"
    return text + (zheng if zheng_after_jiao else "")


_VALUES = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0}
_SMALL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_integer(text: str) -> int:
    """Chinese-numeral integer with sections 亿 and 万 (万亿 handled by the recursion)."""
    if not text:
        return 0
    for unit, factor in (("亿", 10**8), ("万", 10**4)):
        if unit in text:
            head, _, tail = text.partition(unit)
            high = _parse_integer(head)
            if high == 0:
                raise ValueError(f"“{unit}”前没有数字")
            return high * factor + _parse_integer(tail)
    total, digit = 0, None
    for char in text:
        if char in _VALUES:
            digit = _VALUES[char]
        elif char in _SMALL_UNITS:
            if digit is None:
                raise ValueError(f"“{char}”前没有数字")
            total += digit * _SMALL_UNITS[char]
            digit = None
        else:
            raise ValueError(f"无法识别的字符“{char}”")
    return total + (digit or 0)


def parse_daxie(text: str) -> Decimal:
    """``人民币壹仟零肆元伍角`` → ``Decimal("1004.50")``; raises ValueError on malformed text."""
    body = text.strip().removeprefix("人民币")
    body = body.removesuffix("整").removesuffix("正")
    body = body.replace("圆", "元")
    integer_text, sep, rest = body.partition("元")
    if not sep:
        integer_text, rest = "", body
    integer = _parse_integer(integer_text)
    jiao = fen = 0
    rest = rest.lstrip("零")
    if "角" in rest:
        head, _, rest = rest.partition("角")
        if len(head) != 1 or head not in _VALUES:
            raise ValueError("角前应为一个数字")
        jiao = _VALUES[head]
        rest = rest.lstrip("零")
    if "分" in rest:
        head, _, rest = rest.partition("分")
        if len(head) != 1 or head not in _VALUES:
            raise ValueError("分前应为一个数字")
        fen = _VALUES[head]
    if rest:
        raise ValueError(f"多余的内容“{rest}”")
    return Decimal(integer * 100 + jiao * 10 + fen).scaleb(-2)
