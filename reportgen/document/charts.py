"""The 一览表's charts as a spec — what to draw, not how — built once from the computed figures.

Why a spec: a reader of the .docx, the HTML, the PDF and the .xlsx must see the same charts with the
same numbers, the way every writer lays out the one ``TableSpec``.  So the categories, the series, the
values (exact ``Decimal``, already in the chart's unit: % for 完成比例, the table's money unit for
amounts) and the bar labels (the very text of the 一览表 cell, from ``tables.format_cell``) are decided
here; the image backend (``render.chart_image``) and the .xlsx writer only draw.  A missing value is a
gap (``Point.value`` None, labelled "—"), never a zero.

Two charts per table: 完成比例 per project (only projects whose ratio is computable; none, no chart)
and 资金执行 (计划安排资金 / 下达预算 / 实际拨付 per project).  A chart holds at most
``CATEGORIES_PER_CHART`` projects so that each one fits a landscape page; a long table gets several,
numbered on (图1, 图2 …), their titles naming the 序号 they cover.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportgen.compute.table import AMOUNT_LABEL, ProjectFigures, TableFigures
from reportgen.document.declared import declared_table_spec
from reportgen.document.tables import Node, TableColumn, format_cell
from reportgen.numbers import DASH

CATEGORIES_PER_CHART = 8  # projects per chart: eight groups of three bars fit one landscape page
COMPLETION_COLOUR = "2E5C8A"
# light / middle / dark: 计划、下达、拨付 stay apart when the page is printed in grey
FUNDING_COLOURS = ("D0D0D0", "7FA7D9", "1F4E79")


@dataclass(frozen=True, slots=True)
class Point:
    """One bar: the exact value in the chart's unit (None: a gap) and its label (the table's text)."""

    value: Decimal | None
    text: str


@dataclass(frozen=True, slots=True)
class Series:
    """Bars of one colour (RGB hex, the same in the image and the .xlsx); ``column`` is the 一览表
    column they come from (the .xlsx points at its cells)."""

    name: str
    column: str
    points: tuple[Point, ...]
    colour: str


@dataclass(frozen=True, slots=True)
class Chart:
    """Horizontal bars, one group per category (project), one bar per series."""

    number: int  # 图N, counted through the document
    title: str
    caption: str  # “图1 各项目完成比例”: texts, not properties, so Traditional output converts them too
    description: str  # the chart in words (an image's alt text)
    categories: tuple[str, ...]  # project labels, whole names: “1.城乡低保和临时救助”
    category_title: str  # what the categories are (the .xlsx data block's header): 项目
    rows: tuple[int, ...]  # each category's 0-based row in the table (for cell references)
    series: tuple[Series, ...]
    value_axis: str  # the value axis title with its unit: 完成比例（%）, 金额（万元）
    unit: str  # of the values: "%" or the table's money unit
    percent: bool  # values are percentages (the table stores the fractions)
    reference: Decimal | None = None  # a line across the bars at this value (100 for 完成比例)


def describe(chart: Chart) -> str:
    """The chart in words: its caption, then every category with every series' label."""
    unit = "" if chart.percent else f"（单位：{chart.unit}）"
    groups = (
        category + "：" + "，".join(f"{s.name}{s.points[i].text}" for s in chart.series)
        for i, category in enumerate(chart.categories)
    )
    return f"{chart.caption}{unit}。" + "；".join(groups) + "。"


def category_label(number: int, name: str) -> str:
    """“序号.” and the whole name on one line (runs of white space as one space).

    Whole, not a first clause cut to a dozen characters: a reader must know which project a bar is
    without the 一览表 beside it.  Each writer fits it to its space (the image wraps it in lines)."""
    return f"{number}." + " ".join(name.split())


def project_charts(figures: TableFigures, first_number: int = 1) -> tuple[Chart, ...]:
    """The 完成比例 and 资金执行 charts of one 一览表, numbered from ``first_number``.  A chart draws
    only what the table prints (its .xlsx data point at the table's cells), named as the table names
    it: a column the ledger leaves out (一览表.列 … 不用) is no series, a chart with none is not drawn,
    and a renamed column (实际拨付: 实际支出) is the series' name too."""
    spec = declared_table_spec(figures.computed.table)
    columns = {column.key: column for column in spec.columns}
    names = _series_names(spec.header)
    unit = figures.table.amount_unit.symbol

    def series(*wanted: tuple[str, str, Getter]) -> list[tuple[str, TableColumn, str, Getter]]:
        return [(names[key], columns[key], colour, get) for key, colour, get in wanted if key in columns]

    completion_series = series(("completion", COMPLETION_COLOUR, lambda row: row.completion))
    completion = (
        _charts(
            [row for row in figures.rows if row.completion is not None],
            "各项目完成比例",
            completion_series,
            ("完成比例（%）", "%"),
            percent=True,
            reference=Decimal(100),
        )
        if completion_series
        else []
    )
    funding_series = series(
        ("plan", FUNDING_COLOURS[0], lambda row: row.plan),
        ("budget", FUNDING_COLOURS[1], lambda row: row.budget),
        ("paid", FUNDING_COLOURS[2], lambda row: row.paid),
    )
    funded = [row for row in figures.rows if any(v is not None for v in (row.plan, row.budget, row.paid))]
    funding = (
        _charts(
            funded,
            "各项目资金执行情况",
            funding_series,
            (f"金额（{unit}）", unit),
            percent=False,
        )
        if funding_series
        else []
    )
    return tuple(_numbered(chart, first_number + i) for i, chart in enumerate([*completion, *funding]))


def _series_names(nodes: tuple[Node, ...], over: str = "") -> dict[str, str]:
    """Each column's name in a legend: its header label, or for an amount under a header that says
    what it is (下达预算 over 金额 | 占计划比例) that header's label."""
    names: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, TableColumn):
            names[node.key] = over if node.label == AMOUNT_LABEL and over else node.label
        else:
            names.update(_series_names(node.children, node.label))
    return names


def _numbered(chart: Chart, number: int) -> Chart:
    captioned = dataclasses.replace(chart, number=number, caption=f"图{number} {chart.title}")
    return dataclasses.replace(captioned, description=describe(captioned))


Getter = Callable[[ProjectFigures], Decimal | None]


def _charts(
    rows: Sequence[ProjectFigures],
    title: str,
    series: Sequence[tuple[str, TableColumn, str, Getter]],
    axis: tuple[str, str],
    *,
    percent: bool,
    reference: Decimal | None = None,
) -> list[Chart]:
    """One chart per ``CATEGORIES_PER_CHART`` rows (``project_charts`` numbers and captions them);
    ``series`` are (name, table column, colour, value of a row), ``axis`` the value axis title and unit."""
    chunks = [rows[i : i + CATEGORIES_PER_CHART] for i in range(0, len(rows), CATEGORIES_PER_CHART)]
    charts: list[Chart] = []
    for chunk in chunks:
        part = f"（第{chunk[0].number}{DASH}{chunk[-1].number}项）" if len(chunks) > 1 else ""
        charts.append(
            Chart(
                number=0,
                title=title + part,
                caption="",
                description="",
                categories=tuple(category_label(row.number, row.project.name) for row in chunk),
                category_title="项目",
                rows=tuple(row.number - 1 for row in chunk),  # 序号 counts the table's rows from 1
                series=tuple(
                    Series(
                        name, column.key, tuple(_point(column, get(row), percent) for row in chunk), colour
                    )
                    for name, column, colour, get in series
                ),
                value_axis=axis[0],
                unit=axis[1],
                percent=percent,
                reference=reference,
            )
        )
    return charts


def _point(column: TableColumn, value: Decimal | None, percent: bool) -> Point:
    """The value in the chart's unit (a ratio's fraction × 100, exactly) and the cell's own text;
    a missing value is a gap labelled "—"."""
    if value is None:
        return Point(None, DASH)
    return Point(value.scaleb(2) if percent else value, format_cell(column, value).text)
