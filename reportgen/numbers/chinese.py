"""Chinese numerals for counting (一百零八), numbering (二〇二四) and heading markers (一、（一）1.（1））.

GB/T 15835-2011 5.2.5 separates 零 (counting) from 〇 (numbering); GB/T 15834 appendix B.3 fixes the
heading markers and their punctuation (bracketed markers take nothing after them).
"""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_POSITIONS = ("", "十", "百", "千")
_SECTIONS = ("", "万", "亿", "万亿")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _section(n: int) -> str:
    """0 < n < 10000 in counting style, with internal zeros as one 零."""
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


def chinese_numeral(n: int) -> str:
    """Counting style: 10 → 十, 108 → 一百零八, 100010 → 十万零一十 (n < 10^16)."""
    if n < 0 or n >= 10**16:
        raise ValueError("chinese_numeral takes 0 ≤ n < 10^16")
    if n == 0:
        return "零"
    sections = []
    rest = n
    while rest:
        sections.append(rest % 10000)
        rest //= 10000
    out = ""
    need_zero = False
    for index in range(len(sections) - 1, -1, -1):
        value = sections[index]
        if value == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or value < 1000):
            out += "零"
        out += _section(value) + _SECTIONS[index]
        need_zero = False
    if out.startswith("一十"):
        out = out[1:]  # 十, 十万 — but 一百一十 keeps its 一 inside
    return out


def chinese_digits(n: int) -> str:
    """Numbering style, digit by digit with 〇: 2024 → 二〇二四."""
    if n < 0:
        raise ValueError("chinese_digits takes n ≥ 0")
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def heading_marker(level: int, number: int) -> str:
    """The marker for heading ``level`` (1–5): 一、 （一） 1. （1） ①."""
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


def sequence_marker(number: int) -> str:
    """Inline sequence 一是、二是 … (GB/T 15834 B.3.7: no punctuation after the marker)."""
    if number < 1:
        raise ValueError("sequence numbers start at 1")
    return chinese_numeral(number) + "是"
