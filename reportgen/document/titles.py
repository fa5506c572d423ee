"""A 公文 title broken into lines between words, in 梯形 or 菱形 (GB/T 9704 7.3.1, docs/standards.md §9.6).

Left to itself a writer fills the first line of a 2号 title and puts the rest under it: “…困难群/众…”,
“…民生/实事…”, a long line over a short one.  9704 asks for lines broken between words, “排列对称，
长短适宜”, in the shape of a 梯形 (each line no shorter than the one above) or a 菱形 (three lines, the
middle one the longest).  The title's lines are chosen here, once, and every writer prints them.

Where a word ends is decided by a rule set, not a general segmenter.  A 民政 title is short and its
words come from a small vocabulary (agency names, 关于, periods, programme names, 情况的报告); the
ledger supplies its own names (落款, 填报单位, 专有名称), which no dictionary knows; and digits,
dates and book-title marks have fixed rules.  A general segmenter (jieba, pkuseg) brings a dictionary
of megabytes, seconds of start-up and results that change with its version; this gives the same lines
on every machine, and a title it cannot break well is broken at the least bad place, never dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from reportgen.document.widths import AUTOSPACE, UNIT, ink_width

# 2号 (22 pt) 小标宋 in the 156 mm 版心: 156 ÷ (22 × 25.4 ÷ 72) = 20.1 字; 225 mm on a landscape page.
TITLE_PT = Decimal(22)
_MM_PER_PT = Decimal("25.4") / 72
# Digits in the bold title face run a little wider than ``ink_width``'s (measured for the table's
# regular face): a line is planned this much short of the 版心, so LibreOffice never wraps it again.
_MARGIN = UNIT // 5


def title_capacity(body_mm: Decimal, size_pt: Decimal = TITLE_PT) -> int:
    """How wide a line of a ``size_pt`` title may be planned in a 版心 ``body_mm`` wide, in ticks
    (``widths.UNIT`` a 字).

    >>> title_capacity(Decimal(156)), title_capacity(Decimal(225))
    (1990, 2879)
    """
    return int(body_mm / (size_pt * _MM_PER_PT) * UNIT) - _MARGIN


# Words of 民政 titles (matching takes the longest word at each place).
_VOCABULARY_TEXT = """
关于 民政局 民政厅 民政部 人民政府 政府 办公室 办公厅 委员会 财政局 残联
街道办事处 街道 乡镇 社区 村 民生实事项目 民生实事 民生 实事 项目 推进 进展
情况 报告 通报 公示 公告 通知 请示 意见 决定 方案 计划 要点 总结 函 工作
重点 开展 实施 落实 完成 目标 任务 一览表 自评表 登记表 统计表 汇总表 明细表
情况表 年度 季度 前三季度 上半年 下半年 全年 第一 第二 第三 第四 批 新增
对象 名单 社会救助 最低生活保障 城乡 低保 特困 特困人员 救助供养 供养 临时救助
救助 补助 困难群众 困难 群众 残疾人 两项补贴 补贴 津贴 养老 养老服务 养老床位
床位 老年人 高龄 儿童 困境儿童 留守儿童 福利 资金 专项资金 执行 使用 管理
绩效自评 绩效 自评 评价 预算 下达 拨付 分配 标准 提标 调整 婚姻登记 殡葬
慈善 社会组织 事业单位 法人 新闻 发布会 新闻发布会 实录 统计 公报 事业 发展
脱贫攻坚 乡村振兴 聚焦 切实 保障 基本生活 基本 生活 各 有关 相关 做好 进一步
加强 规范
"""
VOCABULARY = frozenset(_VOCABULARY_TEXT.split())

# Connectors and the particle 的: a line may end with them, and should not start with 的.
_PARTICLES = frozenset("的和及与暨")
_OPENING = frozenset("（《“‘〔【([")
_CLOSING = frozenset("）》”’〕】)]，、。；：！？,.;:!?")
_PAUSE = frozenset("，、；：")  # a line may well end after these
_DIGITS = re.compile(r"[0-9A-Za-z]")
# after a number: 2024年, 9月, 第3批, 12号 stay whole
_AFTER_NUMBER = frozenset("年月日号批期季度次个项万亿元%")
_DASHES = frozenset("—–-～~")
_PERIODS = frozenset("前上下第全一二三四度")  # what continues a period after 2024年

# Costs, in half-字 of the lines' difference they are worth (``_HALF`` ticks each).
_HALF = UNIT // 2
_FORBIDDEN = None
_INSIDE_UNKNOWN = 14  # between two characters no word claims (a name, most likely)
_BEFORE_PARTICLE = 10  # a line starting with 的
_AFTER_PAUSE = -10  # after “，” or “、”: where a reader pauses anyway
_AFTER_GUANYU = -8  # agency | 关于 … and 关于 | subject
_AFTER_DE = -3
_AFTER_DETERMINER = 14  # 各 | 乡镇: 各 belongs to the word after it
_BEFORE_NOTE = 8  # 各乡镇 | （街道）: a bracket explains the word before it
_INSIDE_PERIOD = 30  # 2024年 | 1—9月, 2024年 | 前三季度: one period, read as one
MAX_LINES = 4  # beyond it a title is left to the writer (and the search stays a few thousand steps)
_EXTRA_LINE = 24  # a line more than the text needs
_SHAPE_TOLERANCE = 2  # a line may be one 字 longer than the one under it and still read as a 梯形


@dataclass(frozen=True, slots=True)
class _Text:
    chars: str
    widths: tuple[int, ...]  # prefix sums of each character's width, in ticks
    costs: tuple[int | None, ...]  # per boundary i (before chars[i]); None: never break there


def title_lines(title: str, capacity: int, names: Iterable[str] = ()) -> tuple[str, ...]:
    """``title`` as the lines a writer prints, each at most ``capacity`` ticks wide (``title_capacity``)
    and broken only between words (``names`` are words too: the ledger's agency and place names), in
    梯形 or 菱形; one line when it fits.

    >>> title_lines("南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告", 1990, ["南充市嘉陵区民政局"])
    ('南充市嘉陵区民政局关于', '2024年1—9月民生实事推进情况的报告')
    >>> title_lines("新平县民政局聚焦困难群众，切实保障困难群众基本生活", 1990)
    ('新平县民政局聚焦困难群众，', '切实保障困难群众基本生活')
    """
    title = title.strip()
    if not title:
        return ()
    text = _text(title, names)
    total = text.widths[-1]
    if total <= capacity or len(title) < 2:
        return (title,)
    least = -(-total // capacity)
    if least > MAX_LINES:  # no 公文 title is that long: the writer wraps it as it comes
        return (title,)
    best: tuple[int, tuple[int, ...]] | None = None
    for count in range(least, min(least + 2, len(title), MAX_LINES) + 1):
        found = _best_breaks(text, count, capacity)
        if found is not None:
            cost = found[0] + _HALF * _EXTRA_LINE * (count - least)
            if best is None or cost < best[0]:
                best = (cost, found[1])
    if best is None:  # no break keeps every line within the width: the writer wraps it
        return (title,)
    cuts = (0, *best[1], len(title))
    return tuple(title[a:b] for a, b in pairwise(cuts))


def wrapped_lines(
    text: str, capacity: int, names: Iterable[str] = (), *, spacing: int = 0
) -> tuple[str, ...]:
    """``text`` in lines of at most ``capacity`` ticks, each as full as it can be but ended between
    words: the 附件说明's name (9704 7.3.4) breaks as the title does, never inside 一览表.  Greedy:
    a line takes every character that fits, then gives back up to ``_BACK_OFF`` characters to end at
    the best place (the least cost, the nearer the end the better).  ``spacing`` is added to every
    character's width (the body text's tightening, in ticks).

    >>> wrapped_lines("2024年1—9月民生实事项目推进和资金执行情况一览表", 2300)
    ('2024年1—9月民生实事项目推进和资金执行情况', '一览表')
    """
    text = text.strip()
    if not text:
        return ()
    measured = _text(text, names)
    widths = [w + spacing * i for i, w in enumerate(measured.widths)]
    lines: list[str] = []
    start = 0
    while widths[-1] - widths[start] > capacity:
        end = start + 1
        while end < len(text) and widths[end + 1] - widths[start] <= capacity:
            end += 1
        choices = [
            (cost + (end - at), at)
            for at in range(max(start + 1, end - _BACK_OFF), end + 1)
            if (cost := measured.costs[at]) is not None
        ]
        cut = min(choices)[1] if choices else end  # no place to break at: break where it is full
        lines.append(text[start:cut])
        start = cut
    lines.append(text[start:])
    return tuple(lines)


_BACK_OFF = 6  # characters a wrapped line may give back to end between words
# The 附件说明 (9704 7.3.4) on the 28-字 body grid: “附件：” from 2 字, each name and its wrapped lines
# from 5 字 (the 附件说明 styles of render/docx/layout.py); the body's 3号 text is tightened 0.25 pt a
# character to fit 28 (about 1.6 ticks, taken as 1: the planned line errs short), and planned 0.2 字
# short like a title, so LibreOffice never wraps a line again.
NOTE_CAPACITY = (28 - 5) * UNIT - _MARGIN
NOTE_SPACING = -1
NOTE_LABEL = "附件："


def note_lines(note: str, names: Iterable[str] = ()) -> tuple[str, ...]:
    """One 附件说明 entry (``附件：1.…`` or ``2.…``) as its printed lines, the name broken between words.

    >>> note_lines("附件：2024年1—9月民生实事项目推进和资金执行情况一览表")
    ('附件：2024年1—9月民生实事项目推进和资金执行情况', '一览表')
    """
    label = NOTE_LABEL if note.startswith(NOTE_LABEL) else ""
    lines = wrapped_lines(note[len(label) :], NOTE_CAPACITY, names, spacing=NOTE_SPACING)
    return (label + lines[0], *lines[1:]) if lines else (note,)


def line_width(line: str) -> int:
    """How wide a title line prints, in ticks: ``_widths``' last sum.

    >>> line_width("2024年"), line_width("报告")
    (344, 200)
    """
    return _widths(line)[-1]


def _widths(title: str) -> list[int]:
    """Prefix sums of the characters' widths, the space set between a figure and 汉字 included."""
    widths = [0]
    for i, char in enumerate(title):
        width = ink_width(char)
        if char.isascii() and not char.isspace():
            width += AUTOSPACE * sum(0 <= j < len(title) and not title[j].isascii() for j in (i - 1, i + 1))
        widths.append(widths[-1] + width)
    return widths


def _text(title: str, names: Iterable[str]) -> _Text:
    widths = _widths(title)
    claimed = _words(title, names)
    costs: list[int | None] = [None]  # no break before the first character
    for i in range(1, len(title)):
        costs.append(_boundary_cost(title, i, claimed))
    return _Text(title, tuple(widths), tuple(costs))


def _words(title: str, names: Iterable[str]) -> list[int]:
    """Per character, the index of the word it belongs to by forward longest match (-1: no word)."""
    vocabulary = VOCABULARY | {n for n in names if len(n) > 1}
    longest = max(map(len, vocabulary))
    claimed = [-1] * len(title)
    i = word = 0
    while i < len(title):
        for size in range(min(longest, len(title) - i), 1, -1):
            if title[i : i + size] in vocabulary:
                claimed[i : i + size] = [word] * size
                word += 1
                i += size
                break
        else:
            i += 1
    return claimed


def _boundary_cost(title: str, i: int, claimed: list[int]) -> int | None:
    before, after = title[i - 1], title[i]
    if claimed[i - 1] >= 0 and claimed[i - 1] == claimed[i]:
        return _FORBIDDEN  # inside a word
    if _DIGITS.match(before) and (_DIGITS.match(after) or after in _AFTER_NUMBER or after in _DASHES):
        return _FORBIDDEN  # 2024 | 年, 1 | —9月
    if before in _DASHES or before in _OPENING or after in _CLOSING or after in _DASHES:
        return _FORBIDDEN
    if before == "第" and (_DIGITS.match(after) or after in "一二三四五六七八九十"):
        return _FORBIDDEN
    cost = 0
    if (
        before == "年"
        and i > 1
        and _DIGITS.match(title[i - 2])
        and (_DIGITS.match(after) or after in _PERIODS)
    ):
        cost += _INSIDE_PERIOD
    if before in _PAUSE:
        cost += _AFTER_PAUSE
    if title.endswith("关于", 0, i) or title.startswith("关于", i):
        cost += _AFTER_GUANYU
    if before == "的":
        cost += _AFTER_DE
    if after in _PARTICLES:
        cost += _BEFORE_PARTICLE
    if before in "各每本该全":
        cost += _AFTER_DETERMINER
    if after in "（(" and _is_han(before):
        cost += _BEFORE_NOTE
    if claimed[i - 1] < 0 and claimed[i] < 0 and _is_han(before) and _is_han(after):
        cost += _INSIDE_UNKNOWN
    return cost


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _span(text: _Text, start: int, end: int) -> int:
    """The printed width of ``chars[start:end]`` as a line of its own: the prefix sums count the space
    between a figure and the 汉字 beside it, which a line break takes away (as ``line_width`` has it)."""
    chars, width = text.chars, text.widths[end] - text.widths[start]
    if start > 0 and chars[start].isascii() and not chars[start - 1].isascii() and not chars[start].isspace():
        width -= AUTOSPACE
    if (
        end < len(chars)
        and chars[end - 1].isascii()
        and not chars[end].isascii()
        and not chars[end - 1].isspace()
    ):
        width -= AUTOSPACE
    return width


def _best_breaks(text: _Text, count: int, capacity: int) -> tuple[int, tuple[int, ...]] | None:
    """The least costly ``count - 1`` breaks whose lines fit and have a 梯形 or 菱形 shape (a line at
    most ``_SHAPE_TOLERANCE`` longer than the one under it; three lines may be short-long-short)."""
    best: tuple[int, tuple[int, ...]] | None = None
    for breaks in _fitting_breaks(text, count, capacity):
        cuts = (0, *breaks, len(text.chars))
        shape = _shape_cost([_span(text, a, b) for a, b in pairwise(cuts)])
        if shape is None:
            continue
        cost = shape + _HALF * sum(text.costs[b] or 0 for b in breaks)
        if best is None or cost < best[0]:
            best = (cost, breaks)
    return best


def _fitting_breaks(text: _Text, count: int, capacity: int) -> Iterator[tuple[int, ...]]:
    """Every choice of ``count - 1`` break places whose lines are at most ``capacity`` wide; beyond
    three lines only 梯形 ones (no line longer than the next by more than the tolerance), so a long
    title is searched in a few thousand steps rather than every combination."""
    places = [i for i, cost in enumerate(text.costs) if cost is not None]
    widths, end = text.widths, len(text.chars)
    tolerance = _SHAPE_TOLERANCE * _HALF
    trapezoid_only = count > 3

    def extend(start: int, left: int, above: int, chosen: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if left == 1:
            if widths[end] - widths[start] <= capacity:
                yield chosen
            return
        for place in places[bisect_right(places, start) :]:
            width = widths[place] - widths[start]
            if width > capacity:
                break  # wider with every later place
            rest = widths[end] - widths[place]
            if rest > (left - 1) * capacity:
                continue  # what is left cannot fit the lines left
            if trapezoid_only:
                if above > width + tolerance:
                    continue
                if rest < (left - 1) * (width - tolerance):
                    break  # a later line would have to be shorter than this one
            yield from extend(place, left - 1, width, (*chosen, place))

    yield from extend(0, count, 0, ())


def _shape_cost(sizes: list[int]) -> int | None:
    """How far from balanced a 梯形/菱形 is (its longest line less its shortest); None: neither."""
    if len(sizes) == 1:
        return 0
    tolerance = _SHAPE_TOLERANCE * _HALF
    trapezoid = all(upper <= lower + tolerance for upper, lower in pairwise(sizes))
    diamond = len(sizes) == 3 and sizes[1] + tolerance >= max(sizes[0], sizes[2])
    if not (trapezoid or diamond):
        return None
    return max(sizes) - min(sizes)
