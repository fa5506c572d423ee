"""How wide Chinese text prints, in half-字: the 落款's padding and the writers' column widths.

A 汉字 is one 字 wide and an ASCII digit half of one; a writer that sizes a table column or pads a
signature by ``len`` would make every line of Chinese text half as wide as it prints.
"""

from __future__ import annotations

IDEOGRAPHIC_SPACE = "\u3000"
EN_SPACE = "\u2002"  # half a 字


def display_width(text: str) -> int:
    """Width in half-字: a 汉字, full-width sign or emoji is 2, an ASCII digit or letter 1.

    Counted from the UTF-8 length (1 byte for ASCII, 3 for CJK and the dashes and quotes used in
    Chinese text, 4 for astral characters; the EN SPACE used for padding is 1): fast enough to size
    every cell of a batch.  A lone surrogate (only in a ``Ledger`` built in code; the loader refuses
    it, RG119) counts as 3 bytes rather than stopping the render: no writer prints it.
    """
    return len(text) + (len(text.encode("utf-8", "surrogatepass")) - len(text)) // 2 - text.count(EN_SPACE)
