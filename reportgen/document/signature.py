"""署名 and 成文日期 by GB/T 9704 7.3.5.2 (docs/standards.md §9.11), as padded lines for every writer."""

from __future__ import annotations

from reportgen.document.textwidth import EN_SPACE, IDEOGRAPHIC_SPACE, display_width

LINE_HALVES = 56  # a body line of the 版心: 28 字, in half-字 (docs/standards.md §9.3)
RIGHT_SPACE = 4  # 右空二字, in half-字
SHIFT = 4  # the date's first character stands 2 字 right of the 署名's


def signature_lines(signer: str, date: str) -> tuple[str, str]:
    """署名 and 成文日期 when there is no seal (9704 7.3.5.2): the 署名 右空二字 and the date's first
    character two 字 right of the 署名's; if the date is the longer (it would pass the margin), the
    date 右空二字 and the 署名 moves left to keep the two 字.

    Each line is padded at its *start* with full-width spaces and set flush left: the rule places the
    first characters, and leading spaces hold their width in Word and LibreOffice alike, where trailing
    ones (the earlier padding, right-aligned) are dropped at the end of a line, which put both lines
    flush right (issue 17).  A template that right-aligns the lines still gets them 右空二字.
    """
    if not signer or not date:
        return signer, date
    signer_width, date_width = display_width(signer), display_width(date)
    date_right = max(RIGHT_SPACE, signer_width - date_width + RIGHT_SPACE - SHIFT)
    date_left = LINE_HALVES - date_right - date_width
    signer_left = date_left - SHIFT

    def pad(text: str, half: int) -> str:
        half = max(0, half)  # a 署名 wider than the line starts at the margin
        return IDEOGRAPHIC_SPACE * (half // 2) + EN_SPACE * (half % 2) + text

    return pad(signer, signer_left), pad(date, date_left)
