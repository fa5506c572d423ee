"""Chinese numerals for counting (一百零八), numbering (二〇二四) and heading markers (一、（一）1.（1））.

Why it exists: headings, 一是/二是 sequences and Chinese-numeral years must be spelled the same way by
every writer, and the spelling has traps (十 not 一十, 一百一十 not 一百十, 零 vs 〇).  GB/T 15835-2011
5.2.5 separates 零 (counting) from 〇 (numbering); GB/T 15834 appendix B.3 fixes the heading markers
and their punctuation (un-bracketed Chinese → 、, un-bracketed Arabic → ., bracketed → nothing).
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_NUMBERING_DIGITS = "〇一二三四五六七八九"
_POSITIONS = ("", "十", "百", "千")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_LIMIT = 10**16


def _section(n: int) -> str:
    """0 ≤ n < 10000 in counting style, a run of internal zeros written as one 零 (1005 → 一千零五)."""
    out = ""
    zero = False
    for power in range(3, -1, -1):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + _POSITIONS[power]
    return out


def _below_yi(n: int) -> str:
    """0 < n < 10^8: [section 万] [零] section; 零 when the low section is shorter than four digits."""
    high, low = divmod(n, 10**4)
    if not high:
        return _section(low)
    return _section(high) + "万" + ("零" if 0 < low < 1000 else "") + _section(low)


def chinese_numeral(n: int) -> str:
    """Counting style (GB/T 15835 5.2.5, docs/standards.md §1.9), 0 ≤ n < 10^16.

    0 → 零, 10 → 十, 19 → 十九, 108 → 一百零八, 110 → 一百一十, 1005 → 一千零五, 100010 → 十万零一十,
    10^8 → 一亿, 10^12 → 一万亿, 10^12 + 10^8 → 一万零一亿.  A leading 一十 is shortened to 十 (十万,
    十亿) but an inner 一十 keeps its 一 (一百一十).  Negative or too large → ValueError.

    >>> chinese_numeral(108), chinese_numeral(110), chinese_numeral(100010)
    ('一百零八', '一百一十', '十万零一十')
    """
    if n < 0 or n >= _LIMIT:
        raise ValueError("chinese_numeral takes 0 ≤ n < 10^16")
    if n == 0:
        return "零"
    high, low = divmod(n, 10**8)
    if not high:
        out = _below_yi(low)
    else:
        # 亿 closes the high part (一万亿, 一万零一亿); the low part needs 零 unless it fills 千万位.
        out = _below_yi(high) + "亿" + ("零" if 0 < low < 10**7 else "") + (_below_yi(low) if low else "")
    if out.startswith("一十"):
        out = out[1:]
    return out


def chinese_digits(n: int) -> str:
    """Numbering style, digit by digit with 〇.

    >>> chinese_digits(2024)
    '二〇二四'
    """
    if n < 0:
        raise ValueError("chinese_digits takes n ≥ 0")
    return "".join(_NUMBERING_DIGITS[int(d)] for d in str(n))


def heading_marker(level: int, number: int) -> str:
    """The marker for heading ``level`` (1–5) and ``number`` ≥ 1: 一、 （一） 1. （1） ①.

    Rules: docs/standards.md §7.1–7.2.  Level 2 and 4 use full-width parentheses （ ） with nothing
    after them; level 5 goes up to ⑳.

    >>> heading_marker(1, 3), heading_marker(2, 11), heading_marker(3, 1), heading_marker(4, 2)
    ('三、', '（十一）', '1.', '（2）')
    """
    if number < 1:
        raise ValueError("heading numbers start at 1")
    if level == 1:
        return chinese_numeral(number) + "、"
    if level == 2:
        return "（" + chinese_numeral(number) + "）"
    if level == 3:
        return f"{number}."
    if level == 4:
        return f"（{number}）"
    if level == 5:
        if number > len(_CIRCLED):
            raise ValueError("circled markers go up to ⑳")
        return _CIRCLED[number - 1]
    raise ValueError("heading levels are 1–5")


def sequence_marker(number: int, style: str = "一是") -> str:
    """A numbered point in running text, in one of the styles of GB/T 15834 B.3:
    ``一是`` (B.3.7: no punctuation after it), ``第一，`` (B.3.4), ``1.`` (B.3.2), ``（1）`` (B.3.3).

    >>> sequence_marker(2), sequence_marker(1, "第一")
    ('二是', '第一，')
    """
    if number < 1:
        raise ValueError("sequence numbers start at 1")
    if style == "一是":
        return chinese_numeral(number) + "是"
    if style == "第一":
        return "第" + chinese_numeral(number) + "，"
    if style == "1.":
        return f"{number}."
    if style == "（1）":
        return f"（{number}）"
    raise ValueError(f"unknown sequence style {style!r}; expected 一是, 第一, 1. or （1）")
