"""署名 and 成文日期 by GB/T 9704 7.3.5.2 (docs/standards.md §9.11), as padded lines for every writer."""

from __future__ import annotations

from reportgen.document.textwidth import EN_SPACE, IDEOGRAPHIC_SPACE, display_width


def signature_lines(signer: str, date: str) -> tuple[str, str]:
    """署名 and 成文日期 when there is no seal (9704 7.3.5.2): both right-aligned 右空二字, the date's first
    character two 字 right of the signer's; if the date is the longer, the signer moves left instead.

    Writers right-align both lines two 字 from the edge; the extra distance is returned as trailing
    full-width spaces, the way a typist sets it in Word.
    """
    if not signer or not date:
        return signer, date
    signer_width, date_width = display_width(signer), display_width(date)
    date_right = max(4, signer_width - date_width)  # half-字 from the right margin
    signer_right = date_right + date_width + 4 - signer_width

    def pad(text: str, half: int) -> str:
        extra = half - 4
        return text + IDEOGRAPHIC_SPACE * (extra // 2) + EN_SPACE * (extra % 2)

    return pad(signer, signer_right), pad(date, date_right)
