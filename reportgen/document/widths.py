"""Column widths from a table's content: numbers never wrap, header words never break, text gets the room.

A printed table is ``available`` 汉字 wide (汉字 of its own font size) and every cell gives up
``padding`` of that to its left and right margins.  The widths are chosen in three steps:

1. Floors.  A number column (序号, amounts, ratios, numbers) is at least its widest cell, measured
   as the text *prints* (``ink_width``: the CJK fallback fonts set digits and “%” wider than half a
   字), so a number never wraps or parts from its “%”.  Every column is at least its header's longest
   word: a header wraps only between words (占计划/比例, never 比/例), and a writer prints the
   breaks ``wrap_label`` chooses.  A text column is at least its longest unbreakable run (a figure
   such as 7022.8759 inside a sentence), and a column is at least its ``TableColumn.minimum`` (a
   表格's declared 宽度).  The declared ``width`` is only a hint (step 3).
2. The rest goes where it shortens the table most: the table's height is the sum over rows of each
   row's tallest cell (plus the header, weighed twice: it repeats on every page).  A move shortens
   one row (or the header) by a line, widening each of its tallest cells just enough; a greedy loop
   makes the move that saves the most lines per 字 until none fits the width left.  It weighs at most
   ``SAMPLE_ROWS`` evenly spaced rows, so its cost is bounded however long the table; measuring is
   O(cells).
3. What no line needs is shared among the text columns in proportion to their content (by the
   declared widths when no column holds text).

``fits`` says whether a table can be set in a width at all without breaking a number or a word: the
choice between a portrait and a landscape page (``fits_portrait``, ``suits_portrait``).

Widths are exact ``Fraction`` 字; a writer converts them to its own unit (the .docx writer to twips
with ``TABLE_FONT_PT``, ``CELL_PADDING_PT`` and ``RULE_PT``, which ``render.docx.layout`` reads from here).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from itertools import accumulate
from math import ceil, floor
from operator import mul

from reportgen.document.tables import TEXT_SIZES, Node, Table, TableColumn, ValueKind
from reportgen.document.textwidth import display_width
from reportgen.numbers import format_percent

# the table's text and header size unless the table says another (``TableSpec.text_size``)
TABLE_FONT_PT = TEXT_SIZES["五号"]
CELL_PADDING_PT = Decimal("2.85")  # each cell's left and right margin: 1 mm as Word stores it (57 twips)
RULE_PT = Decimal("0.5")  # the 1/2 pt rules: LibreOffice sets a cell's text inside both of them
PORTRAIT_BODY_MM = Decimal(156)  # GB/T 9704 版心 width
LANDSCAPE_BODY_MM = Decimal(225)  # the 版心 turned: the attachment pages
MM_PER_PT = Decimal("25.4") / 72
# The 版心 widths as the .docx stores them, in twips (``render.docx.layout`` derives them from the
# paper and margins, each rounded to a twip, and checks they equal these): measured in them, the
# builder's choice of page and the writer's layout are one measurement, kept on the table.
PORTRAIT_BODY_TWIPS = 8845
LANDSCAPE_BODY_TWIPS = 12756

SAMPLE_ROWS = 40  # the rows the greedy loop weighs (evenly spaced; all of a shorter table)
HEADER_WEIGHT = 2  # the header repeats on every page: its lines count more than one row's
NUMBER_KINDS = (ValueKind.INDEX, ValueKind.AMOUNT, ValueKind.RATIO, ValueKind.NUMBER)

# Punctuation that may not start a line (it stays with the character before it) or end one.
_CLOSING = frozenset("，。、；：？！）》」』”’%…·,.;:?!)]")
_OPENING = frozenset("（《「『“‘([")
# Widths are counted in ticks, a hundredth of a 字 (``UNIT`` a 字): what a character prints as in
# the fonts LibreOffice falls back to (Noto Serif and Sans CJK: a digit 0.47–0.562 em, “.” 0.327,
# “%” 0.923), rounded up, never less than in the official fonts (half-width ASCII, 0.5 字).
UNIT = 100
_DIGITS = dict(zip("0123456789", (56, 48, 56, 56, 56, 56, 56, 55, 56, 57), strict=True))
_ASCII = {**_DIGITS, ".": 33, ",": 33, "%": 93, " ": 26, "-": 35}
_LETTER = 75  # a Latin letter or any other ASCII sign (at most M and W are wider; rare in a table)
AUTOSPACE = 20  # around a run of digits or letters inside Chinese text (w:autoSpaceDN), measured
STEP = UNIT // 2  # the greedy loop widens a column half a 字 at a time
LOOKAHEAD = 12 * UNIT  # and looks at most 12 字 ahead for a line to save
# Each ASCII byte's width in ticks, for ``bytes.translate``: a table of 256 widths, one a byte.
_ASCII_WIDTHS = bytes(_ASCII.get(chr(code), _LETTER) if code < 128 else 0 for code in range(256))
_LINE_WIDTHS = _ASCII_WIDTHS[:10] + b"\0" + _ASCII_WIDTHS[11:]  # and the line break (10) as 0
_ALNUM = re.compile("[0-9A-Za-z]")
_RUN = re.compile("[0-9A-Za-z.,%]+")  # what never breaks inside Chinese text: a figure, a word
# What ``_atoms`` cuts a text into: runs of 汉字, runs of ASCII letters, digits, “.” and “,”, and
# any other character alone.
_CJK = re.compile("[\u4e00-\u9fff]+")
_RUNS = re.compile("[\u4e00-\u9fff]+|[0-9A-Za-z.,]+|.", re.DOTALL)
# Without spaces and opening punctuation, ``_pieces`` of ``_atoms`` is one match each: an atom (an
# ASCII run, else one character) and the closing punctuation after it, a lone “.” or “,” included
# (one before a digit or letter starts a run instead).  Found by one regex rather than a step a
# character: every cell of a table is cut into pieces.
_PIECE = re.compile(
    f"(?:[0-9A-Za-z.,]+|.)(?:[{re.escape(''.join(sorted(_CLOSING - {'.', ','})))}]|[.,](?![0-9A-Za-z.,]))*",
    re.DOTALL,
)
_SPACE_OR_OPENING = re.compile(f"[\\s{re.escape(''.join(sorted(_OPENING)))}]")


def chars(mm: Decimal, size_pt: Decimal = TABLE_FONT_PT) -> Fraction:
    """A length in millimetres as 汉字 of the table's font size."""
    return Fraction(mm / MM_PER_PT / size_pt)


@cache  # a constant, asked for by every header cell a writer wraps: Decimal arithmetic once
def padding_chars(size_pt: Decimal = TABLE_FONT_PT) -> Fraction:
    """What a cell keeps from its text, in 汉字 of ``size_pt``: both margins and both rules (with one
    rule, a header line measured to fit its cell exactly was wrapped by LibreOffice: 下达/资金/（万元））."""
    return Fraction(2 * (CELL_PADDING_PT + RULE_PT) / size_pt)


def ink_width(text: str) -> int:
    """Width in ticks (``UNIT`` a 字) as the text prints: a 汉字 100, a digit 48–57, “%” 93.

    Every cell of a table is measured, so the ASCII characters' widths are summed in C: the text's
    ASCII bytes translated to their widths (each under 256) and added up."""
    if text.isascii():
        return sum(text.encode("ascii").translate(_ASCII_WIDTHS))
    # display_width counts ASCII as half a 字: put each one's own width in its place
    ascii_ = text.encode("ascii", "ignore")
    return display_width(text) * UNIT // 2 + sum(ascii_.translate(_ASCII_WIDTHS)) - len(ascii_) * UNIT // 2


def _pieces(atoms: list[str]) -> list[str]:
    """Atoms joined so that no piece starts with closing punctuation or ends with opening."""
    pieces: list[str] = []
    opening = ""
    for atom in atoms:
        if atom.isspace():
            if pieces and pieces[-1]:
                pieces[-1] += atom  # a space ends a piece and stays with it
                pieces.append("")  # (an empty piece is dropped below)
            continue
        if atom in _OPENING:
            opening += atom
        elif pieces and pieces[-1] and atom in _CLOSING:
            pieces[-1] += atom
        else:
            pieces.append(opening + atom)
            opening = ""
    if opening:
        pieces.append(opening)
    return [p for p in pieces if p]


def _atoms(text: str, cjk_word: bool) -> list[str]:
    """Text cut into 汉字 (or header words of 汉字), ASCII runs, and single other characters."""
    atoms: list[str] = []
    for run in _RUNS.findall(text):
        if "\u4e00" <= run[0] <= "\u9fff" and len(run) > 1:
            atoms.extend(_split_cjk(run) if cjk_word else run)
        else:
            atoms.append(run)
    return atoms


# An odd run of 汉字 has one three-字 word.  It is the last when the run ends in a word-final measure
# character (资金/使用率, 低保/覆盖率, 实际/完成值, 累计/完成率, 户籍/人口数) and does not start with a
# one-字 prefix of the word after it (占计划/比例, 应使用/资金, 已完成/人数); otherwise the first.
_INITIAL = frozenset("占应已未总應總")  # and the Traditional forms: both scripts wrap alike
_FINAL = frozenset("率金数额费值量款數額費")


def _split_cjk(run: str) -> list[str]:
    """A run of 汉字 as header words: two 字 each, one of three when the run is odd (and longer than
    one): the last (资金/使用率) or the first (占计划/比例), by ``_INITIAL`` and ``_FINAL``."""
    if len(run) % 2 and len(run) > 3 and run[-1] in _FINAL and run[0] not in _INITIAL:
        return [*(run[i : i + 2] for i in range(0, len(run) - 3, 2)), run[-3:]]
    first = 3 if len(run) % 2 and len(run) > 1 else 2
    return [run[:first], *(run[i : i + 2] for i in range(first, len(run), 2))]


def tokens(text: str) -> list[int]:
    """The unbreakable pieces of one line of body text, in ticks: each 汉字 alone (with the
    punctuation that may not be parted from it), each run of ASCII letters and digits whole, with
    the space Word and LibreOffice put between it and 汉字 (``AUTOSPACE`` each side)."""
    return list(_tokens(text))


def _tokens(text: str) -> tuple[int, ...]:
    slow = _SPACE_OR_OPENING.search(text)
    pieces = _pieces(_atoms(text, cjk_word=False)) if slow else _PIECE.findall(text)
    return tuple(map(ink_width if text.isascii() else _piece_width, pieces))


@lru_cache(maxsize=4096)
def _piece_width(piece: str) -> int:
    """A piece of Chinese text (mostly one 汉字, so cached): its ink, and the space around a figure."""
    return ink_width(piece) + (2 * AUTOSPACE if _ALNUM.search(piece) else 0)


def label_words(label: str) -> list[str]:
    """A header label's words: it breaks only at spaces and punctuation and between two-字 words
    of a run of 汉字 (an odd run starts with three: 占计划/比例, 计划/安排/资金)."""
    if _CJK.fullmatch(label):  # most labels (every 一览表 column's): two-字 words, a 汉字 a UNIT
        return _split_cjk(label)
    return _pieces(_atoms(label, cjk_word=True))


def words(label: str) -> list[int]:
    """A header label's words, in ticks."""
    if _CJK.fullmatch(label):
        return [UNIT * len(word) for word in _split_cjk(label)]
    return [ink_width(p) for p in label_words(label)]


def wrap_label(label: str, width: Fraction, padding: Fraction) -> str:
    """The label with a line break wherever it must wrap in a cell ``width`` 汉字 wide, always
    between words (a writer prints the breaks: left to itself it would break 比例 into 比/例)."""
    # int((width - padding) * UNIT) in integers: a writer wraps every header cell of every table
    ticks = (width.numerator * padding.denominator - padding.numerator * width.denominator) * UNIT
    whole = width.denominator * padding.denominator
    capacity = ticks // whole if ticks >= 0 else -(-ticks // whole)
    cjk = _CJK.fullmatch(label)
    if cjk and UNIT * len(label) <= capacity:  # a label of 汉字 that fits: one line, as it is
        return label
    lines_: list[str] = []
    used = capacity + 1
    for word in label_words(label):
        size = UNIT * len(word) if cjk else ink_width(word)
        if lines_ and used + size <= capacity:
            lines_[-1] += word
            used += size
        else:
            lines_.append(word)
            used = size
    return "\n".join(line.rstrip() for line in lines_)


def lines(pieces: Sequence[int], capacity: int) -> int:
    """How many lines the pieces take, set greedily in ``capacity`` ticks (a piece wider than a
    line is broken: it takes what it needs)."""
    capacity = max(capacity, 1)
    count, used = 1, 0
    for width in pieces:
        if used and used + width > capacity:
            count += 1
            used = 0
        if width > capacity:
            count += (width - 1) // capacity
            used = width - (width - 1) // capacity * capacity
        else:
            used += width
    return count


@dataclass(frozen=True, slots=True)
class _Column:
    """One leaf column as the allocation sees it; widths in ticks of content (padding apart)."""

    number: bool
    floor: int  # what it cannot do with less
    width: float  # the declared width: how the width no line needs is shared when no column has text
    widest: int  # its widest line (the header's longest word included)
    content: int  # all its body text: the share of the rest it gets
    header: list[int]  # the header label's words
    shapes: list[tuple[tuple[int, ...], ...]]  # its distinct sampled cells: per line, the pieces


@dataclass(frozen=True, slots=True)
class _Measure:
    """A table as the allocation sees it: its columns, and its sampled rows with equal rows merged.

    A cell sets as its pieces do, so cells of equal pieces (the same text, or the same widths) are
    one shape, measured once at each width, and rows whose text columns hold the same shapes are
    one row weighing as many: the height sums rows, and the greedy loop's moves are a set."""

    columns: list[_Column]
    text: list[int]  # the columns with sampled cells: the text columns (none without rows)
    rows: list[tuple[int, ...]]  # each distinct sampled row: per text column, its cell's shape
    weights: list[int]  # how many sampled rows each one is
    spanners: list[tuple[int, int, int]]  # each spanner's columns and its longest word (``_spanners``)


def _measure(table: Table, pad: int) -> _Measure:
    columns = table.spec.columns
    rows = table.rows
    step = max(1, ceil(len(rows) / SAMPLE_ROWS))
    sampled = sorted(set(range(0, len(rows), step)) | ({len(rows) - 1} if rows else set()))
    grid = list(zip(*(tuple(cell.text for cell in row.cells) for row in rows), strict=True))
    measured: list[_Column] = []
    text: list[int] = []
    shape_of: list[list[int]] = []  # per text column, per sampled row: the shape of its cell
    for index, column in enumerate(columns):
        header = words(column.label)
        floor = max(header, default=0)
        widest = 0
        content = 0
        shapes: dict[tuple[tuple[int, ...], ...], int] = {}
        number = column.kind in NUMBER_KINDS
        texts = grid[index] if rows else ()
        # each distinct text measured once: a column repeats its texts (an owner, an empty 备注)
        if number:
            widest = _widest_line(set(texts))
        else:
            # the cells the greedy loop weighs (all of a table of up to SAMPLE_ROWS rows)
            weighed = set(texts) if len(sampled) == len(texts) else {texts[r] for r in sampled}
            shape_of_text: dict[str, int] = {}
            for cell, count in Counter(texts).items():
                parts = cell.split("\n") if "\n" in cell else (cell,)
                for part in parts:
                    width = ink_width(part)
                    content += count * width
                    widest = max(widest, width)
                    runs = _RUN.findall(part)
                    if runs:
                        floor = max(floor, max(map(ink_width, runs)) + 2 * AUTOSPACE)
                if cell in weighed:
                    split = tuple(map(_tokens, parts))
                    floor = max(floor, *map(_widest_piece, split))
                    shape_of_text[cell] = shapes.setdefault(split, len(shapes))
            ids = [shape_of_text[texts[r]] for r in sampled]
            if ids:
                text.append(index)
                shape_of.append(ids)
        floor = max(floor, widest) if number else floor
        if column.minimum is not None:
            floor = max(floor, ceil(Fraction(column.minimum) * UNIT) - pad)
        widest = max(widest, sum(header))
        measured.append(_Column(number, floor, column.width, widest, content, header, list(shapes)))
    merged = Counter(zip(*shape_of, strict=True)) if shape_of else Counter[tuple[int, ...]]()
    spanners: list[tuple[int, int, int]] = []
    _spanners(table.spec.header, spanners)
    return _Measure(measured, text, list(merged), list(merged.values()), spanners)


def _widest_line(texts: Iterable[str]) -> int:
    """The widest line of the texts, in ticks.  A figure column's texts are ASCII (but a “—”): their
    lines are measured together, one ``bytes.translate`` with the line break as a 0-width separator."""
    plain = "\n".join(t for t in texts if t.isascii())
    widest = max(map(sum, plain.encode("ascii").translate(_LINE_WIDTHS).split(b"\0")))
    others = (ink_width(p) for t in texts if not t.isascii() for p in t.split("\n"))
    return max(widest, max(others, default=0))


def _spanners(nodes: Sequence[Node], spanners: list[tuple[int, int, int]], start: int = 0) -> int:
    """Each spanner's columns (first, after the last) and its label's longest word, inner ones first."""
    col = start
    for node in nodes:
        if isinstance(node, TableColumn):
            col += 1
            continue
        end = _spanners(node.children, spanners, col)
        spanners.append((col, end, max(words(node.label), default=0)))
        col = end
    return col


def _spanner_floors(spanners: list[tuple[int, int, int]], floors: list[int], pad: int) -> None:
    """Widen the columns under a spanner whose label's longest word is wider than they are."""
    for col, end, need in spanners:
        have = sum(floors[col:end]) + pad * (end - col - 1)
        if need > have:
            floors[end - 1] += need - have


class _Lines:
    """Each column's lines per distinct sampled row at a width, computed once per width.

    A cell's line breaks come from prefix sums of its pieces: a line ends at the last piece that
    fits (one ``bisect`` per line, not a step per piece), the same breaks ``lines`` chooses."""

    def __init__(self, measure: _Measure) -> None:
        self.columns = measure.columns
        self.text = measure.text
        self.rows = measure.rows
        self.weights = measure.weights
        self.prefixes = [[[_prefix(part) for part in shape] for shape in c.shapes] for c in self.columns]
        self.largest = [
            [max(map(_widest_piece, shape), default=0) for shape in c.shapes] for c in self.columns
        ]
        self.shape_of: list[list[int]] = [[] for _ in self.columns]  # per row, each text column's shape
        for position, index in enumerate(measure.text):
            self.shape_of[index] = [row[position] for row in measure.rows]
        self.cache: dict[tuple[int, int], tuple[int, ...]] = {}
        self.heads: dict[tuple[int, int], int] = {}
        self.cells: dict[tuple[int, int, int], int] = {}

    def of(self, index: int, cap: int) -> tuple[int, ...]:
        key = (index, cap)
        found = self.cache.get(key)
        if found is None:
            cells = self.cells
            counts: list[int] = []
            for shape, prefixes in enumerate(self.prefixes[index]):
                count = cells.get((index, shape, cap))
                if count is None:
                    count = cells[(index, shape, cap)] = sum(
                        _fitted_lines(prefix, cap) for prefix in prefixes
                    )
                counts.append(count)
            found = self.cache[key] = tuple(map(counts.__getitem__, self.shape_of[index]))
        return found

    def cell(self, index: int, shape: int, cap: int) -> int:
        key = (index, shape, cap)
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = sum(
                _fitted_lines(prefix, cap) for prefix in self.prefixes[index][shape]
            )
        return found

    def body(self, per_column: list[tuple[int, ...]]) -> int:
        """The rows' height: each distinct row's tallest cell, as many times as it stands for,
        given each text column's lines per row (``of``)."""
        if not per_column:
            return 0
        tallest: Iterable[int] = map(max, *per_column) if len(per_column) > 1 else per_column[0]
        height: int = sum(map(mul, self.weights, tallest))
        return height

    def header(self, index: int, cap: int) -> int:
        key = (index, cap)
        found = self.heads.get(key)
        if found is None:
            found = self.heads[key] = lines(self.columns[index].header, cap)
        return found


def _widest_piece(pieces: Sequence[int]) -> int:
    return max(pieces, default=0)


def _prefix(pieces: Sequence[int]) -> list[int]:
    """0 and the running sums of the pieces' widths."""
    return [0, *accumulate(pieces)]


def _fitted_lines(prefix: list[int], cap: int) -> int:
    """``lines`` of the pieces whose prefix sums these are, when none is wider than ``cap``."""
    end = len(prefix) - 1
    if prefix[end] <= cap:  # all on one line (or nothing)
        return 1
    count, start = 0, 0
    while start < end:
        start = bisect_right(prefix, prefix[start] + cap, start + 1) - 1
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class Widths:
    """Each leaf column's width in 汉字 (padding included), and whether nothing had to break."""

    widths: tuple[Fraction, ...]
    fits: bool
    lines: int = 0  # its height at these widths: header lines plus each measured row's tallest cell

    @property
    def percentages(self) -> tuple[str, ...]:
        """Each column's share of the table's width as a CSS percentage (``"17.25%"``, half up).

        The HTML's ``<col>`` widths: a share, not a length, because a browser's table is as wide
        as its page (the print area of a landscape page is wider than the .docx 版心), and the
        proportions are what the .docx has.  Two decimals are a hundredth of a millimetre."""
        total = sum(self.widths)
        # rounded exactly, half up, to a ten-thousandth: format_percent then prints it as it is
        shares = (floor(width / total * 10_000 + Fraction(1, 2)) for width in self.widths)
        return tuple(format_percent(Decimal(share).scaleb(-4), 2) for share in shares)


def column_widths(table: Table, available: Fraction, padding: Fraction) -> Widths:
    """Each leaf column's width in 汉字, ``padding`` included, adding up to ``available`` exactly.

    Kept on the table object (``Table.layouts``): the builder asks whether a body table fits the
    portrait page and the .docx writer then lays it out, and a document rendered twice (the .docx,
    then the PDF) is measured once.  Another table object, even an equal one, is measured again."""
    key = ("widths", available, padding)
    found = table.layouts.get(key)
    if not isinstance(found, Widths):
        found = table.layouts[key] = _column_widths(table, available, padding)
    return found


def _measured(table: Table, pad: int) -> _Measure:
    """``_measure`` kept on the table: both pages' layouts and the height bound read the same."""
    key = ("measure", pad)
    found = table.layouts.get(key)
    if not isinstance(found, _Measure):
        found = table.layouts[key] = _measure(table, pad)
    return found


def _floors(
    table: Table, available: Fraction, padding: Fraction
) -> tuple[int, _Measure, list[int], Fraction]:
    """(padding in ticks, the table measured, each column's least width, the room for content)."""
    pad = ceil(padding * UNIT)
    measure = _measured(table, pad)
    floors = [c.floor for c in measure.columns]
    _spanner_floors(measure.spanners, floors, pad)
    return pad, measure, floors, available * UNIT - pad * len(floors)


def _column_widths(table: Table, available: Fraction, padding: Fraction) -> Widths:
    pad, measured, floors, room = _floors(table, available, padding)
    columns = measured.columns
    if sum(floors) > room:
        # It cannot be set without breaking something.  Break words first: a long unbroken text (an
        # ID, a URL) gives way before any figure does; figures shrink only when they alone overflow.
        numbers = sum(f for f, c in zip(floors, columns, strict=True) if c.number)
        texts = [f for f, c in zip(floors, columns, strict=True) if not c.number]
        least = [min(f, 2 * UNIT) for f in texts]  # 2 字 a text column keeps, if it asked for that much
        if texts and numbers + sum(least) <= room:
            spare, above = room - numbers - sum(least), sum(f - m for f, m in zip(texts, least, strict=True))
            given = iter(
                Fraction(m) + (Fraction(f - m) * spare / above if above else 0)
                for f, m in zip(texts, least, strict=True)
            )
            squeezed = [
                Fraction(f) if c.number else next(given) for f, c in zip(floors, columns, strict=True)
            ]
            return Widths(tuple((s + pad) / UNIT for s in squeezed), False)
        total = sum(floors)
        scale = room / total if total and room > 0 else Fraction(0)
        shares = [f * scale for f in floors] if scale else [room / len(columns)] * len(columns)
        return Widths(tuple((s + pad) / UNIT for s in shares), False)
    measure = _Lines(measured)
    caps = _grow(measure, floors, int(room) - sum(floors))
    # each column: its cap plus its weight's share of the spare room, padding added, in 汉字; one
    # Fraction each, from integers (spare = n/d per unit of weight)
    weights = _weights(columns)
    spare = room - sum(caps)
    n, d = spare.numerator, spare.denominator * sum(weights)
    final = tuple(Fraction((c + pad) * d + n * w, d * UNIT) for c, w in zip(caps, weights, strict=True))
    height = _height(measure, [c + n * w // d for c, w in zip(caps, weights, strict=True)], header_weight=1)
    return Widths(final, True, height)


def _height(measure: _Lines, widths: list[int], header_weight: int) -> int:
    """The table's height in lines at ``widths`` (ticks, without padding): the header's, times
    ``header_weight``, plus each measured row's tallest cell."""
    head = max((measure.header(i, cap) for i, cap in enumerate(widths)), default=0)
    return header_weight * head + measure.body([measure.of(i, widths[i]) for i in measure.text])


# (lines saved, ticks spent, the move, the header's lines, the text columns' lines, the height)
_Move = tuple[int, int, tuple[tuple[int, int], ...], list[int], list[tuple[int, ...]], int]


def _grow(measure: _Lines, caps: list[int], budget: int) -> list[int]:
    """Spend the spare width where it removes the most lines per 字 of the table's height: the
    header (weighed) plus each sampled row's tallest cell.  A move shortens one row (or the header)
    by a line, widening each of its tallest cells just enough; the best move per 字 is made until
    none saves a line within the budget.  Every cap is at least the column's widest piece (its
    floor), which is what lets ``_Lines`` count lines by prefix sums.

    Each round only the moved columns are measured again (their header lines and their cells); a
    move's height is the other columns' lines with the moved ones' at their new width."""
    columns = measure.columns
    caps = list(caps)
    text = measure.text
    position = {index: k for k, index in enumerate(text)}
    widest = [c.widest for c in columns]
    base = list(caps)  # every cap stays on its column's grid: its first cap plus whole STEPs
    least: dict[tuple[int, int, int], int] = {}  # -1: no width within the column's widest line

    def narrower(index: int, shape: int, below: int) -> int:
        """The first width on the column's grid at which column ``index`` sets a cell of ``shape``
        (-1: the header) in fewer than ``below`` lines (-1: none within its widest line).  Lines
        only fall as a column widens, so it is a property of the cell alone, found once
        (``_least_cap``) and kept; whether it is within reach this round is the caller's test."""
        key = (index, shape, below)
        cap = least.get(key)
        if cap is None:
            found = _least_cap(columns[index], measure, index, shape, below - 1, base[index], caps[index])
            cap = least[key] = -1 if found is None else found
        return cap

    heads = [measure.header(i, cap) for i, cap in enumerate(caps)]
    tables = [measure.of(i, caps[i]) for i in text]
    current = HEADER_WEIGHT * max(heads, default=0) + measure.body(tables)
    while budget >= STEP:
        # how wide each column may go this round: LOOKAHEAD past its width, not past its widest
        # line (unless it is wider already), and within the budget
        reach = [
            min(now + LOOKAHEAD, max(most, now), now + budget) for now, most in zip(caps, widest, strict=True)
        ]
        moves: set[tuple[tuple[int, int], ...]] = set()
        tallest = max(heads, default=0)
        if tallest > 1:
            move: list[tuple[int, int]] = []
            for index, count in enumerate(heads):
                if count == tallest:
                    cap = narrower(index, -1, tallest)
                    if not 0 <= cap <= reach[index]:
                        break
                    move.append((index, cap))
            else:
                moves.add(tuple(move))
        alone: set[tuple[int, int, int]] = set()  # rows whose one tallest cell is (column, shape, lines)
        for shapes, lines_of in zip(measure.rows, zip(*tables, strict=True), strict=True):
            tallest = max(lines_of)
            if tallest <= 1:
                continue
            if lines_of.count(tallest) == 1:  # most rows: each such cell's move is found once
                k = lines_of.index(tallest)
                alone.add((text[k], shapes[k], tallest))
                continue
            move = []
            for index, shape, count in zip(text, shapes, lines_of, strict=True):
                if count == tallest:
                    cap = narrower(index, shape, tallest)
                    if not 0 <= cap <= reach[index]:
                        break
                    move.append((index, cap))
            else:
                moves.add(tuple(move))
        for index, shape, tallest in alone:
            cap = narrower(index, shape, tallest)
            if 0 <= cap <= reach[index]:
                moves.add(((index, cap),))
        best: _Move | None = None
        for chosen in sorted(moves):
            cost = sum(cap - caps[index] for index, cap in chosen)
            if cost > budget:
                continue
            trial_heads = list(heads)
            trial_tables = list(tables)
            for index, cap in chosen:
                trial_heads[index] = measure.header(index, cap)
                if index in position:
                    trial_tables[position[index]] = measure.of(index, cap)
            after = HEADER_WEIGHT * max(trial_heads) + measure.body(trial_tables)
            saved = current - after
            # the most lines saved per tick: saved / cost > best's, compared without a Fraction
            if saved > 0 and (best is None or saved * best[1] > best[0] * cost):
                best = (saved, cost, chosen, trial_heads, trial_tables, after)
        if best is None:
            break
        _, cost, chosen, heads, tables, current = best
        budget -= cost
        for index, cap in chosen:
            caps[index] = cap
    return caps


def _least_cap(
    column: _Column, measure: _Lines, index: int, shape: int, most: int, base: int, cap: int
) -> int | None:
    """The least width on the grid ``base + k·STEP`` (above ``cap``, at which the cell takes more
    than ``most`` lines) that sets the cell in at most ``most`` lines; None when even the column's
    widest line does not.

    The greedy setting of ``lines`` is optimal, so for a cell of one paragraph the least width for
    k lines lies between its total over k and that plus its widest piece (a wider line holds more
    than a k-th of it): a few grid points, bisected.  Other cells bisect the whole grid."""
    top = (max(column.widest, cap) - base) // STEP  # the last grid step worth trying

    def count(width: int) -> int:
        return measure.header(index, width) if shape < 0 else measure.cell(index, shape, width)

    low = (cap - base) // STEP + 1
    if shape >= 0 and len(measure.prefixes[index][shape]) == 1:
        total = measure.prefixes[index][shape][0][-1]
        share = -(-total // most)
        low = max(low, -(-(share - base) // STEP))
        top = min(top, -(-(share + measure.largest[index][shape] - base) // STEP))
    high = top + 1
    if low < high and count(base + STEP * low) <= most:  # most often the least width is the bound
        return base + STEP * low
    while low < high:
        middle = (low + high) // 2
        if count(base + STEP * middle) <= most:
            high = middle
        else:
            low = middle + 1
    return base + STEP * low if low <= top else None


def _weights(columns: list[_Column]) -> list[int]:
    """How what is left after every line is as short as it gets is shared: to the text columns by
    their content (to every column by its declared width when no text column has any)."""
    weights = [0 if c.number else c.content for c in columns]
    if not sum(weights):
        weights = [ceil(Fraction(c.width) * UNIT) for c in columns]  # (rare: exact Fractions only here)
    if not sum(weights):
        weights = [1] * len(columns)
    return weights


def fits(table: Table, available: Fraction, padding: Fraction) -> bool:
    """Whether ``table`` can be set ``available`` 汉字 wide without breaking a figure or a word."""
    return column_widths(table, available, padding).fits


@cache
def _page_chars(portrait: bool, size_pt: Decimal = TABLE_FONT_PT) -> Fraction:
    """The portrait or landscape 版心's width in 汉字 of ``size_pt``, from the twips the .docx stores."""
    return Fraction(PORTRAIT_BODY_TWIPS if portrait else LANDSCAPE_BODY_TWIPS) / Fraction(size_pt * 20)


def page_widths(table: Table, *, portrait: bool) -> Widths:
    """``table`` across the portrait 版心 (156 mm) or the landscape one (225 mm): what the builder
    decides with and the .docx writer lays out, measured once."""
    size = table.spec.text_pt
    return column_widths(table, _page_chars(portrait, size), padding_chars(size))


def fits_portrait(table: Table) -> bool:
    """Whether ``table`` can be set in the portrait 版心 (156 mm) without breaking a figure or a
    word (a table in the portrait body must)."""
    return page_widths(table, portrait=True).fits


def suits_portrait(table: Table) -> bool:
    """Whether an attached ``table`` goes on a portrait page: it fits the 156 mm 版心 and takes no
    more pages there than on a landscape page.  The portrait 版心 is 225 mm tall, the landscape one
    156: portrait when its height in lines is at most 225/156 of the landscape height.  (A 30-project
    一览表 fits portrait with its text in narrow columns, at twice the landscape height: landscape.)
    The landscape layout is the one the writer needs anyway; the portrait one is measured only
    when a lower bound of its height does not already rule it out."""
    landscape = page_widths(table, portrait=False)
    if not landscape.fits:
        return False
    # pages ∝ lines ÷ the 版心's height: 225 mm portrait, 156 mm landscape (the portrait width turned)
    most = landscape.lines * LANDSCAPE_BODY_MM
    size = table.spec.text_pt
    least = _least_lines(table, _page_chars(True, size), padding_chars(size))
    if least is None or least * PORTRAIT_BODY_MM > most:
        return False
    portrait = page_widths(table, portrait=True)
    return portrait.fits and portrait.lines * PORTRAIT_BODY_MM <= most


def _least_lines(table: Table, available: Fraction, padding: Fraction) -> int | None:
    """A lower bound of the table's height in lines at ``available`` 汉字 (None: it does not fit
    unbroken), counted over the rows ``Widths.lines`` counts, in O(cells).  A row's cells hold all
    its text in at most the width the figures leave to the text columns, so its tallest cell has at
    least text ÷ that width lines (and a line per forced break); the header at least one."""
    _, measure, floors, room = _floors(table, available, padding)
    if sum(floors) > room:
        return None
    text = [measure.columns[i] for i in measure.text]
    width = max(room - sum(f for i, f in enumerate(floors) if i not in measure.text), Fraction(1))
    inks = [[sum(map(sum, shape)) for shape in c.shapes] for c in text]
    breaks = [[len(shape) for shape in c.shapes] for c in text]
    total = 1
    over, under = width.denominator, width.numerator  # ceil(ink / width) in integers
    for row, weight in zip(measure.rows, measure.weights, strict=True):
        ink = sum(of[shape] for of, shape in zip(inks, row, strict=True))
        least = max(-(-ink * over // under), max(of[shape] for of, shape in zip(breaks, row, strict=True)))
        total += weight * least
    return total
