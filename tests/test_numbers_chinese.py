"""Chinese numerals (counting and numbering style) and heading / sequence markers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.numbers import chinese_digits, chinese_numeral, heading_marker, sequence_marker

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_SMALL = {"十": 10, "百": 100, "千": 1000}


def _read_section(text: str) -> int:
    """Test-side reader for a part below 万: digits times 十/百/千, 零 ignored, bare 十 = 一十."""
    total = digit = 0
    for char in text:
        if char == "零":
            continue
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _SMALL[char]
            digit = 0
    return total + digit


def read_numeral(text: str) -> int:
    """Independent reader of counting-style numerals: split at 亿, then at 万."""
    if "亿" in text:
        high, low = text.split("亿")
        return read_numeral(high) * 10**8 + read_numeral(low)
    if "万" in text:
        high, low = text.split("万")
        return _read_section(high) * 10**4 + _read_section(low)
    return _read_section(text)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "零"),
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (17, "十七"),  # docs/standards.md §1.9
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (25, "二十五"),
        (100, "一百"),
        (108, "一百零八"),
        (110, "一百一十"),
        (120, "一百二十"),
        (235, "二百三十五"),
        (1005, "一千零五"),
        (3052, "三千零五十二"),  # docs/standards.md §1.9
        (4000, "四千"),  # docs/standards.md §2.1
        (10000, "一万"),
        (10010, "一万零一十"),
        (20005, "二万零五"),
        (100000, "十万"),
        (100010, "十万零一十"),
        (1000000, "一百万"),
        (1001000, "一百万一千"),
        (10**8, "一亿"),
        (10**8 + 100, "一亿零一百"),
        (10**8 + 10**7, "一亿一千万"),
        (10**9, "十亿"),
        (10**12, "一万亿"),
        (10**12 + 10**8, "一万零一亿"),
        (10**16 - 1, "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九"),
    ],
)
def test_chinese_numeral(n: int, expected: str) -> None:
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize("n", [-1, 10**16])
def test_chinese_numeral_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(n)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(2024, "二〇二四"), (2008, "二〇〇八"), (2012, "二〇一二"), (1978, "一九七八"), (0, "〇")],
)
def test_chinese_digits(n: int, expected: str) -> None:
    assert chinese_digits(n) == expected


def test_chinese_digits_rejects_negative() -> None:
    with pytest.raises(ValueError):
        chinese_digits(-1)


@pytest.mark.parametrize(
    ("level", "number", "expected"),
    [
        (1, 1, "一、"),
        (1, 2, "二、"),
        (1, 10, "十、"),
        (1, 12, "十二、"),
        (2, 1, "（一）"),
        (2, 11, "（十一）"),
        (3, 1, "1."),
        (3, 12, "12."),
        (4, 1, "（1）"),
        (4, 10, "（10）"),
        (5, 1, "①"),
        (5, 10, "⑩"),
        (5, 20, "⑳"),
    ],
)
def test_heading_marker(level: int, number: int, expected: str) -> None:
    assert heading_marker(level, number) == expected


def test_bracketed_markers_use_full_width_parentheses_and_nothing_after() -> None:
    for level in (2, 4):
        marker = heading_marker(level, 3)
        assert marker[0] == "\uff08" and marker[-1] == "\uff09"


@pytest.mark.parametrize(("level", "number"), [(5, 21), (0, 1), (6, 1), (1, 0), (3, -1)])
def test_heading_marker_errors(level: int, number: int) -> None:
    with pytest.raises(ValueError):
        heading_marker(level, number)


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, "一是"), (2, "二是"), (3, "三是"), (10, "十是"), (11, "十一是"), (20, "二十是")],
)
def test_sequence_marker(number: int, expected: str) -> None:
    assert sequence_marker(number) == expected


def test_sequence_marker_rejects_zero() -> None:
    with pytest.raises(ValueError):
        sequence_marker(0)


@settings(max_examples=300)
@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**16 - 1),
        st.integers(min_value=0, max_value=10**6),
        # Numbers with many zeros: a few non-zero digits at random powers.
        st.lists(st.tuples(st.integers(1, 9), st.integers(0, 15)), max_size=4).map(
            lambda terms: sum(d * 10**p for d, p in dict((p, d) for d, p in terms).items()) % 10**16
        ),
    )
)
def test_chinese_numeral_round_trip(n: int) -> None:
    text = chinese_numeral(n)
    assert read_numeral(text) == n
    assert set(text) <= set("零一二三四五六七八九十百千万亿")
    assert "零零" not in text
    assert not text.startswith("一十")
    if n:
        assert not text.endswith("零") and not text.startswith("零")
        assert "零万" not in text and "零亿" not in text


@settings(max_examples=100)
@given(st.integers(min_value=0, max_value=10**6))
def test_chinese_digits_is_digit_by_digit(n: int) -> None:
    text = chinese_digits(n)
    assert len(text) == len(str(n))
    assert "零" not in text
