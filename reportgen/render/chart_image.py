"""A chart spec drawn as a PNG by matplotlib, for the .docx (hence the PDF) and the HTML.

Why matplotlib, and why so careful: the image goes into documents that must come out the same bytes
for the same ledger, and its Chinese labels must not turn into boxes.  So: the Agg canvas on a
``Figure`` of our own (no pyplot and its global figures), matplotlib's default style whatever a
user's matplotlibrc says (under a lock: rcParams are process-wide), a fixed size and DPI, no
"Software" stamp in the PNG, and a CJK font found among the installed ones (``cjk_font``; none is
RG408).  The bars are labelled with the spec's texts, which are the 一览表's cells; tick labels go
through ``numbers.format_number``.  Values stay ``Decimal`` until the plotting call.

matplotlib is imported on first use only, so reports without charts never pay for it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from reportgen.charts import Chart, Series
from reportgen.errors import Problem, RenderError
from reportgen.numbers import format_number

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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

DPI = 200
WIDTH_IN = 8.0  # 203 mm: inside the landscape 版心 (225 mm) with room to spare
# 132 mm: the landscape 版心 is 156 mm high; the caption, the spacing around the picture and the line's
# descent below it take the rest (LibreOffice moved a 136 mm picture's caption to the next page).
MAX_HEIGHT_IN = 5.2
MIN_HEIGHT_IN = 2.0  # one project still gets a chart, not a strip
MARGIN_IN = 0.95  # axis title, tick labels and legend
CATEGORY_IN = {1: 0.38, 2: 0.45, 3: 0.5}  # height per project by the number of bars in its group
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


def figure_height(chart: Chart) -> Decimal:
    """Inches: the margins plus a fixed height per project, within ``MIN_HEIGHT_IN``–``MAX_HEIGHT_IN``."""
    per_category = CATEGORY_IN.get(len(chart.series), CATEGORY_IN[3])
    height = MARGIN_IN + per_category * len(chart.categories)
    return Decimal(str(round(min(max(height, MIN_HEIGHT_IN), MAX_HEIGHT_IN), 2)))


@lru_cache(maxsize=32)
def chart_image(chart: Chart) -> ChartImage:
    """The chart as a PNG (cached: the .docx, the PDF and the HTML of one report draw it once)."""
    family = cjk_font()
    height = figure_height(chart)
    with _LOCK:
        png = _draw(chart, family, height)
    return ChartImage(png, Decimal(str(WIDTH_IN)), height)


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of an installed font with Chinese glyphs, or RG408.

    matplotlib's font list first (``CJK_FONTS`` in order); then fontconfig, for a font installed
    after matplotlib built its font cache."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in installed:
            return family
    for path in _fontconfig_chinese_fonts():
        if _covers(path):
            font_manager.fontManager.addfont(path)
            return str(font_manager.FontProperties(fname=path).get_name())
    raise RenderError(
        Problem(
            "RG408",
            "本机没有可用的中文字体，图表中的汉字无法显示",
            expected="安装 Noto Sans CJK SC（fonts-noto-cjk）、文泉驿正黑或黑体",
        )
    )


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


def _covers(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
    except (OSError, RuntimeError, ValueError):
        return False
    return all(font.get_char_index(ord(char)) for char in _SAMPLE)


def _draw(chart: Chart, family: str, height: Decimal) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # a user's matplotlibrc must not change a report
        matplotlib.rcParams.update(
            {
                "font.family": [family, "DejaVu Sans"],
                "font.size": TEXT_PT,
                "axes.unicode_minus": False,  # CJK fonts may lack U+2212; values are never negative
            }
        )
        # float only here, at matplotlib's boundary: the figure is sized in inches
        figure = Figure(figsize=(WIDTH_IN, float(height)), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _bars(axes, chart)
        if len(chart.series) > 1:
            _legend(figure, chart.series)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _bars(axes: Axes, chart: Chart) -> None:
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
    axes.set_yticks(range(len(chart.categories)), chart.categories)
    axes.tick_params(axis="y", length=0)
    axes.set_ylim(len(chart.categories) - 0.5, -0.5)  # inverted: first project at the top
    axes.set_xlabel(chart.value_axis)
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
