"""署名 and 成文日期 by GB/T 9704 7.3.5.2 (docs/standards.md §9.11), as padded lines for every writer."""

from __future__ import annotations

from reportgen.document.textwidth import EN_SPACE, IDEOGRAPHIC_SPACE, display_width

LINE_HALVES = 56  # a body line of the 版心: 28 字, in half-字 (docs/standards.md §9.3)
RIGHT_SPACE = 4  # 右空二字, in half-字
SHIFT = 4  # the date's first character stands 2 字 right of the 署名's
SEALED_RIGHT_SPACE = 8  # with a seal, the date 右空四字 (7.3.5.1)


def sealed_lines(signer: str, date: str) -> tuple[str, str]:
    """署名 and 成文日期 under a seal (9704 7.3.5.1, docs/standards.md §9.10): the date 右空四字 and the
    署名 centred over it (to the half 字; a 署名 wider than the date reaches out on both sides).
    Padded at the start like ``signature_lines``."""
    if not signer or not date:
        return signature_lines(signer, date)
    signer_width, date_width = display_width(signer), display_width(date)
    date_left = LINE_HALVES - SEALED_RIGHT_SPACE - date_width
    signer_left = date_left + (date_width - signer_width) // 2
    return _padded(signer, signer_left), _padded(date, date_left)


def _padded(text: str, half: int) -> str:
    """``text`` after ``half`` half-字 of full-width spaces (and an EN SPACE for an odd half)."""
    half = max(0, half)  # a line wider than the 版心 starts at the margin
    return IDEOGRAPHIC_SPACE * (half // 2) + EN_SPACE * (half % 2) + text


def _right_spaced(line: str) -> str:
    """A 署名 or date standing alone, 右空二字 ("" stays "")."""
    return _padded(line, LINE_HALVES - RIGHT_SPACE - display_width(line)) if line else ""


def signature_lines(signer: str, date: str) -> tuple[str, str]:
    """署名 and 成文日期 when there is no seal (9704 7.3.5.2): the 署名 右空二字 and the date's first
    character two 字 right of the 署名's; if the date is the longer (it would pass the margin), the
    date 右空二字 and the 署名 moves left to keep the two 字.

    Each line is padded at its *start* with full-width spaces and set flush left: the rule places the
    first characters, and leading spaces hold their width in Word and LibreOffice alike, where trailing
    ones (the earlier padding, right-aligned) are dropped at the end of a line, which put both lines
    flush right (issue 17).  A template that right-aligns the lines still gets them 右空二字.
    """
    if not signer or not date:  # one line alone (a kind without 成文日期, or without 署名): 右空二字
        return _right_spaced(signer), _right_spaced(date)
    signer_width, date_width = display_width(signer), display_width(date)
    date_right = max(RIGHT_SPACE, signer_width - date_width + RIGHT_SPACE - SHIFT)
    date_left = LINE_HALVES - date_right - date_width
    return _padded(signer, date_left - SHIFT), _padded(date, date_left)
