"""A chart spec drawn as a PNG by matplotlib, for the .docx (hence the PDF) and the HTML.

Why matplotlib, and why so careful: the image goes into documents that must come out the same bytes
for the same ledger, and its Chinese labels must not turn into boxes.  So: the Agg canvas on a
``Figure`` of our own (no pyplot and its global figures), matplotlib's default style whatever a
user's matplotlibrc says (under a lock: rcParams are process-wide), a fixed size and DPI, no
"Software" stamp in the PNG, and a CJK font found among the installed ones (``cjk_font``; none is
RG408).  The bars are labelled with the spec's texts, which are the 一览表's cells; tick labels go
through ``numbers.format_number``.  Values stay ``Decimal`` until the plotting call.

Every text is drawn as it is written: mathtext and TeX are off, so a ``$`` in a project's name is a
dollar sign, not maths (``$x^{$`` was a traceback).  The font is a family *and* the exact weights of
its regular (labels) and bold (titles) faces as matplotlib's font list has them, so matplotlib finds
exactly those faces and has nothing to warn about on stderr.  Project labels are the whole names,
wrapped in lines (``wrap_label``) and the figure as tall as they need, within the page.

matplotlib is imported on first use only, so reports without charts never pay for it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from reportgen.base.errors import Problem, RenderError
from reportgen.base.escape import xml_text
from reportgen.document.charts import Chart, Series
from reportgen.document.textwidth import display_width
from reportgen.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontEntry

# Installed fonts tried in this order: sans (黑体-like) faces read best at chart sizes; serif after.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "FandolHei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Noto Serif SC",
    "SimSun",
    "AR PL UMing CN",
    "FandolSong",
)
_SAMPLE = "图表完成比例资金执行计划下达预算实际拨付"  # a font that lacks these is no use
# Family names that say Simplified Chinese: the choice among fonts fontconfig lists that are not in
# CJK_FONTS (a Pan-CJK .ttc holds JP, KR, SC, TC and HK faces; JP is its first).
_SIMPLIFIED = (" SC", " CN", " GB", "Hans", "SimHei", "SimSun", "YaHei")
REGULAR, BOLD = 400, 700
FALLBACK = "DejaVu Sans"  # matplotlib's own, in regular and bold: for a sign a CJK font lacks

DPI = 200
WIDTH_IN = 8.0  # 203 mm: inside the landscape 版心 (225 mm) with room to spare
# 132 mm: the landscape 版心 is 156 mm high; the caption, the spacing around the picture and the line's
# descent below it take the rest (LibreOffice moved a 136 mm picture's caption to the next page).
MAX_HEIGHT_IN = 5.2
MIN_HEIGHT_IN = 2.0  # one project still gets a chart, not a strip
MARGIN_IN = 0.95  # axis title, tick labels and legend
CATEGORY_IN = {1: 0.38, 2: 0.45, 3: 0.5}  # height per project by the number of bars in its group
CATEGORY_PT = 9.0  # project labels: a size smaller than the text, for names in two or three lines
CATEGORY_WIDTH = 40  # half-字 per label line: 20 汉字, 2.5 in at 9 pt; the bars keep the rest
CATEGORY_LINES = 3  # lines a label may take before it is cut with “…” (if the page has the room)
LINE_SPACING = 1.15  # matplotlib's line pitch in ems (measured: lines × spacing × size)
LINE_IN = CATEGORY_PT * LINE_SPACING / 72
LABEL_PAD_IN = 0.08  # between two projects' labels
BAND = 0.8  # share of a category's height its bars take
TEXT_PT = 10.5  # 五号, the 一览表's size
LABEL_PT = {1: 9.0, 2: 8.0, 3: 7.5}  # bar labels by the number of bars in a group
EDGE = "#7F7F7F"
EMU_PER_INCH = 914400

_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ChartImage:
    """The PNG and its size; the .docx places it at exactly this size."""

    png: bytes
    width_in: Decimal
    height_in: Decimal

    @property
    def width_emu(self) -> int:
        return int(self.width_in * EMU_PER_INCH)

    @property
    def height_emu(self) -> int:
        return int(self.height_in * EMU_PER_INCH)


@dataclass(frozen=True, slots=True)
class ChartFont:
    """A CJK family and the weights of its faces for labels (regular) and titles (bold), exactly as
    matplotlib's font list has them: asked for these, matplotlib neither falls back nor warns."""

    family: str
    regular: int
    bold: int


ELLIPSIS = "…"  # ends a label cut after its last line
_OPENING = "（([{【〔〖《〈「『“‘"  # no line ends with one
_CLOSING = "）)]}】〕〗》〉」』”’，,。.、；;：:！!？?%％…—·"  # no line starts with one


def wrap_label(text: str, width: int, lines: int) -> tuple[str, ...]:
    """``text`` in lines of at most ``width`` half-字 (``display_width``), at most ``lines`` of them.

    A line may break between two 汉字 or after a space (dropped), never inside a run of digits and
    Latin letters (``1234.5``, ``A1``) nor between a number and its unit (``110元``), never after an
    opening bracket nor before closing punctuation (Chinese line-breaking rules).  A run longer than
    a line is broken where it must.  Only text beyond the last line is cut, the last line then ending
    in “…”."""
    wrapped: list[str] = []
    line = ""
    for run in _runs(text):
        if line and display_width(line.rstrip() + run.rstrip()) > width:
            wrapped.append(line.rstrip())
            line = ""
        line += run.lstrip() if not line else run
        while display_width(line.rstrip()) > width:  # one run wider than a line
            cut = max(1, _fitting(line, width))
            wrapped.append(line[:cut])
            line = line[cut:]
    if line.strip():
        wrapped.append(line.rstrip())
    if len(wrapped) <= lines:
        return tuple(wrapped)
    last = wrapped[lines - 1]
    last = last[: _fitting(last, width - display_width(ELLIPSIS))].rstrip()
    return (*wrapped[: lines - 1], last.rstrip(_OPENING) + ELLIPSIS)


def _runs(text: str) -> list[str]:
    """``text`` cut where a line may break: pieces a line takes whole or not at all."""
    runs: list[str] = []
    for index, char in enumerate(text):
        before = text[index - 1] if index else ""
        if runs and not _may_break(before, char):
            runs[-1] += char
        else:
            runs.append(char)
    return runs


def _may_break(before: str, after: str) -> bool:
    if before in _OPENING or after in _CLOSING or after.isspace() or before.isdigit():
        return False  # nor between a number and its unit: “110元”
    if before.isspace():
        return True
    return not (display_width(before) == 1 and display_width(after) == 1)  # inside 1234.5 or a word


def _fitting(text: str, width: int) -> int:
    """How many of ``text``'s first characters fit in ``width`` half-字."""
    count = 0
    while count < len(text) and display_width(text[: count + 1]) <= width:
        count += 1
    return count


def category_lines(chart: Chart) -> tuple[tuple[str, ...], ...]:
    """Each category's label in lines: up to ``CATEGORY_LINES`` of them while the figure stays within
    ``MAX_HEIGHT_IN``; fewer (the rest cut with “…”) only when the page has no room for more."""
    for limit in range(CATEGORY_LINES, 1, -1):
        wrapped = tuple(wrap_label(c, CATEGORY_WIDTH, limit) for c in chart.categories)
        if _height(chart, wrapped) <= MAX_HEIGHT_IN:
            return wrapped
    return tuple(wrap_label(c, CATEGORY_WIDTH, 1) for c in chart.categories)


def _height(chart: Chart, labels: Sequence[Sequence[str]]) -> float:
    """Inches: the margins plus per project its bars' height or its label's, whichever is taller."""
    bars = CATEGORY_IN.get(len(chart.series), CATEGORY_IN[3])
    return MARGIN_IN + sum(max(bars, len(lines) * LINE_IN + LABEL_PAD_IN) for lines in labels)


def figure_height(chart: Chart) -> Decimal:
    """Inches: as tall as the bars and the wrapped labels need, within ``MIN_HEIGHT_IN``–``MAX_HEIGHT_IN``."""
    height = _height(chart, category_lines(chart))
    return Decimal(str(round(min(max(height, MIN_HEIGHT_IN), MAX_HEIGHT_IN), 2)))


@lru_cache(maxsize=32)
def chart_image(chart: Chart) -> ChartImage:
    """The chart as a PNG (cached: the .docx, the PDF and the HTML of one report draw it once)."""
    height = figure_height(chart)
    with _LOCK:
        figure = draw_figure(chart)
        buffer = io.BytesIO()
        with _literal_drawing(cjk_font()), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    _check_glyphs(chart, caught)
    return ChartImage(buffer.getvalue(), Decimal(str(WIDTH_IN)), height)


_MISSING_GLYPH = re.compile(r"Glyph (\d+) .*missing from font")


def _check_glyphs(chart: Chart, caught: Sequence[warnings.WarningMessage]) -> None:
    """RG408 for a character no font has (matplotlib draws a box and warns on stderr: a character
    lost from a published chart); any other warning is passed on, not hidden."""
    for warning in caught:
        missing = _MISSING_GLYPH.match(str(warning.message))
        if missing is None:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
            continue
        char = chr(int(missing.group(1)))
        texts = [*chart.categories, *(s.name for s in chart.series), chart.value_axis]
        where = next((text for text in texts if char in text), chart.caption)
        raise RenderError(
            Problem(
                "RG408",
                f"{chart.caption}中“{where}”的字符“{char}”（U+{ord(char):04X}）本机字体"
                f" {cjk_font().family} 中没有，图上会是方框",
                value=char,
                expected="安装含有该字符的字体，或不附图表（--no-charts，或台账写“图表: 否”）",
            )
        )


@lru_cache(maxsize=1)
def cjk_font() -> ChartFont:
    """The CJK family and weights charts are drawn in, or RG408.

    matplotlib's font list first (``CJK_FONTS`` in order).  Then every file fontconfig lists for
    Chinese, each face added to matplotlib's list (a font installed after matplotlib built its font
    cache; the first face of a Noto .ttc is Japanese, so faces are chosen by family name, never by
    file), and again ``CJK_FONTS``, then any family covering Chinese, Simplified names first."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _preferred(manager.ttflist)
    if found is None:
        known = {entry.fname for entry in manager.ttflist}
        for path in _fontconfig_chinese_fonts():
            if path not in known:
                try:
                    manager.addfont(path)  # every face of a .ttc
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _preferred(manager.ttflist) or _any_chinese(manager.ttflist)
    if found is None:
        raise RenderError(
            Problem(
                "RG408",
                "本机没有可用的中文字体，图表中的汉字无法显示",
                expected="安装 Noto Sans CJK SC（fonts-noto-cjk）、文泉驿正黑或黑体",
            )
        )
    return found


def _preferred(entries: Sequence[FontEntry]) -> ChartFont | None:
    for family in CJK_FONTS:
        font = _weights(family, entries)
        if font is not None:
            return font
    return None


def _any_chinese(entries: Sequence[FontEntry]) -> ChartFont | None:
    """A family among ``entries`` whose face covers Chinese; Simplified names first, then by name."""
    families = sorted(
        {e.name for e in entries if _covers(e.fname, e.index)},
        key=lambda name: (not any(mark in name for mark in _SIMPLIFIED), name),
    )
    return _weights(families[0], entries) if families else None


def _weights(family: str, entries: Sequence[FontEntry]) -> ChartFont | None:
    """``family``'s upright weights nearest regular and bold (a family with one weight: that one)."""
    from matplotlib.font_manager import weight_dict

    weights = {
        e.weight if isinstance(e.weight, int) else weight_dict[e.weight]
        for e in entries
        if e.name == family and e.style == "normal" and e.stretch == "normal"
    }
    if not weights:
        return None
    regular = min(weights, key=lambda weight: (abs(weight - REGULAR), weight))
    heavier = [weight for weight in weights if weight > regular]
    bold = min(heavier, key=lambda weight: (abs(weight - BOLD), weight)) if heavier else regular
    return ChartFont(family, regular, bold)


def _fontconfig_chinese_fonts() -> list[str]:
    """Files fontconfig says cover Simplified Chinese, sorted (the same choice on every run)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip().rstrip(":") for line in listing.splitlines() if line.strip()})


@lru_cache(maxsize=64)
def _covers(path: str, index: int = 0) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path, face_index=index)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(char)) for char in _SAMPLE)


@contextmanager
def _literal_drawing(font: ChartFont) -> Iterator[None]:
    """matplotlib's defaults (a user's matplotlibrc must not change a report), our font, and every
    text literal: no mathtext (``$``), no TeX."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        exact = font.regular in (REGULAR, BOLD) and font.bold in (REGULAR, BOLD)
        matplotlib.rcParams.update(
            {
                # the fallback only where it has the very weights asked for (else findfont warns)
                "font.family": [font.family, FALLBACK] if exact else [font.family],
                "font.weight": font.regular,
                "font.size": TEXT_PT,
                "text.parse_math": False,
                "text.usetex": False,
                "axes.unicode_minus": False,  # CJK fonts may lack U+2212; values are never negative
            }
        )
        yield


def draw_figure(chart: Chart) -> Figure:
    """The chart on a ``Figure`` of its own (not yet rendered; ``chart_image`` saves it as a PNG)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    with _literal_drawing(font):
        # float only here, at matplotlib's boundary: the figure is sized in inches
        figure = Figure(figsize=(WIDTH_IN, float(figure_height(chart))), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _bars(axes, chart, font)
        if len(chart.series) > 1:
            _legend(figure, chart.series)
    return figure


def _bars(axes: Axes, chart: Chart, font: ChartFont) -> None:
    """Horizontal bars, the first project on top as in the table; gaps labelled "—" at the axis."""
    count = len(chart.series)
    thickness = BAND / count
    label_size = LABEL_PT.get(count, LABEL_PT[3])
    for index, series in enumerate(chart.series):
        offset = -BAND / 2 + thickness * (index + 0.5)
        present = [(i, p) for i, p in enumerate(series.points) if p.value is not None]
        # float only here: matplotlib draws floats; the labels are the table's exact texts
        bars = axes.barh(
            [i + offset for i, _ in present],
            [float(p.value) for _, p in present if p.value is not None],
            height=thickness * 0.9,
            color="#" + series.colour,
            edgecolor=EDGE,
            linewidth=0.4,
        )
        axes.bar_label(bars, labels=[p.text for _, p in present], padding=2, fontsize=label_size)
        for i, point in enumerate(series.points):
            if point.value is None:
                axes.annotate(
                    point.text,
                    (0, i + offset),
                    xytext=(2, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=label_size,
                )
    # Project names are the only ledger text drawn; one built in code may hold what no font draws.
    labels = [xml_text("\n".join(lines)) for lines in category_lines(chart)]
    axes.set_yticks(range(len(chart.categories)), labels, fontsize=CATEGORY_PT, linespacing=LINE_SPACING)
    axes.tick_params(axis="y", length=0)
    axes.set_ylim(len(chart.categories) - 0.5, -0.5)  # inverted: first project at the top
    axes.set_xlabel(chart.value_axis, fontweight=font.bold)
    values = [p.value for s in chart.series for p in s.points if p.value is not None]
    if chart.reference is not None:
        values.append(chart.reference)
        axes.axvline(float(chart.reference), color="#404040", linewidth=0.9, linestyle="--", zorder=3)
    top = max(values, default=Decimal(0))
    axes.set_xlim(0, float(top) * 1.2 if top > 0 else 1.0)  # room for the labels right of the bars
    _ticks(axes)
    axes.grid(axis="x", color="#E0E0E0", linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _ticks(axes: Axes) -> None:
    """Value ticks printed by the shared formatter (a tick is a float; it becomes an exact Decimal)."""
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _position: int | None) -> str:
        return format_number(Decimal(repr(round(float(value), 9))).normalize())

    axes.xaxis.set_major_formatter(FuncFormatter(tick))


def _legend(figure: Figure, series: Sequence[Series]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor="#" + s.colour, edgecolor=EDGE, linewidth=0.4, label=s.name) for s in series]
    figure.legend(handles=handles, loc="outside upper center", ncols=len(handles), frameon=False)
