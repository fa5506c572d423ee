"""Column widths from content (document.widths) and how the .docx writer lays them out.

The rules: a figure never wraps (its column is at least as wide as its widest cell prints), a header
breaks only between words, the widths add up to the 版心 exactly, and the text columns get the rest.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from fractions import Fraction

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportgen
from benchmarks.ledgers import ledger_text
from reportgen.document.tables import Cell, Row, Spanner, Table, TableColumn, TableSpec, ValueKind
from reportgen.document.widths import (
    LANDSCAPE_BODY_MM,
    NUMBER_KINDS,
    PORTRAIT_BODY_MM,
    UNIT,
    chars,
    column_widths,
    fits,
    fits_portrait,
    ink_width,
    label_words,
    lines,
    padding_chars,
    tokens,
    wrap_label,
)
from reportgen.render.docx import layout as L
from tests.conftest import JIALING, SAMPLES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LANDSCAPE = chars(LANDSCAPE_BODY_MM)
PADDING = padding_chars()


def test_header_words_break_between_words_only() -> None:
    assert label_words("占计划比例") == ["占计划", "比例"]
    assert label_words("计划安排资金") == ["计划", "安排", "资金"]
    assert label_words("序号") == ["序号"]
    assert label_words("完成值") == ["完成值"]
    # an odd run's three-字 word is the last when it ends a measure (率, 金, 数 …) and the run does
    # not start with 占/应/已 …: 资金/使用率, never 资金使/用率
    assert label_words("资金使用率") == ["资金", "使用率"]
    assert label_words("低保覆盖率") == ["低保", "覆盖率"]
    assert label_words("临时救助金") == ["临时", "救助金"]
    assert label_words("应使用资金") == ["应使用", "资金"]
    assert label_words("户籍人口数") == ["户籍", "人口数"]
    assert label_words("实际完成值") == ["实际", "完成值"]
    assert label_words("累计完成率") == ["累计", "完成率"]
    assert label_words("已完成人数") == ["已完成", "人数"]
    assert wrap_label("资金使用率", Fraction(3), Fraction(0)) == "资金\n使用率"
    assert wrap_label("占计划比例", Fraction(4), Fraction(0)) == "占计划\n比例"
    assert wrap_label("占计划比例", Fraction(5), Fraction(0)) == "占计划比例"
    assert wrap_label("计划安排资金", Fraction(4), Fraction(0)) == "计划安排\n资金"
    # too narrow for any word: each word on its own line, none split
    assert wrap_label("占计划比例", Fraction(1), Fraction(0)) == "占计划\n比例"


def test_figures_are_measured_as_they_print() -> None:
    # Noto Serif CJK at 10.5 pt in LibreOffice's PDF: 14037.00 is 43.3 pt, 340.00% 42.3 pt (4.12 and
    # 4.03 字); the measure never says less.
    assert Fraction(ink_width("14037.00"), UNIT) >= Fraction(4124, 1000)
    assert Fraction(ink_width("340.00%"), UNIT) >= Fraction(4028, 1000)
    assert ink_width("区民政局") == 4 * UNIT
    # a figure inside Chinese text is one piece, with the space set around it
    assert tokens("发放7022.8759万元")[2] > ink_width("7022.8759")
    assert lines(tokens("一二三四五六七八九十"), 5 * UNIT) == 2
    assert lines([], 10) == 1


def jialing_table() -> Table:
    return reportgen.load(JIALING).document.attachments[0].table


def number_need(table: Table, index: int) -> int:
    return max(ink_width(row.cells[index].text) for row in table.rows)


def test_seed_widths_keep_every_figure_on_one_line() -> None:
    table = jialing_table()
    result = column_widths(table, LANDSCAPE, PADDING)
    assert result.fits and sum(result.widths) == LANDSCAPE
    for index, (column, width) in enumerate(zip(table.spec.columns, result.widths, strict=True)):
        content = (width - PADDING) * UNIT
        assert content >= max(ink_width(w) for w in label_words(column.label)), column.label
        if column.kind in NUMBER_KINDS:
            assert content >= number_need(table, index), column.label
    named = dict(zip([c.key for c in table.spec.columns], result.widths, strict=True))
    # the text columns get the room: each is wider than any figure column
    figures = max(named[k] for k in ("plan", "budget", "budget_ratio", "paid", "paid_ratio"))
    assert min(named["name"], named["target_text"], named["progress_text"]) > figures


def test_the_project_table_needs_landscape_and_the_target_table_fits_portrait() -> None:
    assert not fits_portrait(jialing_table())
    key_tasks = reportgen.load(JIALING.parent / "key-tasks-2020.yaml").document.attachments[0].table
    assert fits_portrait(key_tasks)
    assert fits(key_tasks, chars(PORTRAIT_BODY_MM), PADDING)


def test_an_attachment_goes_portrait_only_where_it_takes_no_more_pages() -> None:
    from reportgen.document.widths import page_widths, suits_portrait

    key_tasks = reportgen.load(JIALING.parent / "key-tasks-2020.yaml").document.attachments[0].table
    assert suits_portrait(key_tasks)
    # 30 projects fit the portrait 版心 unbroken, but their text in narrow columns doubles the height
    thirty = reportgen.loads(ledger_text(30), "thirty.yaml").document.attachments[0].table
    portrait, landscape = page_widths(thirty, portrait=True), page_widths(thirty, portrait=False)
    assert portrait.fits and portrait.lines * 156 > landscape.lines * 225
    assert not suits_portrait(thirty)
    assert not suits_portrait(jialing_table())


@pytest.mark.parametrize("projects", [1, 3, 8, 30, 120])
def test_the_cheap_height_bound_never_exceeds_the_measured_height(projects: int) -> None:
    # suits_portrait skips the portrait layout when this bound already rules it out: it must be a
    # true lower bound, or a table that suits portrait would go landscape
    from reportgen.document.widths import (
        PORTRAIT_BODY_TWIPS,
        _least_lines,
        page_widths,
    )

    report = reportgen.loads(ledger_text(projects), "t.yaml")
    tables = [a.table for a in report.document.attachments]
    for path in sorted((JIALING.parent.parent / "tests" / "data" / "tables").glob("*.yaml")):
        tables += [a.table for a in reportgen.load(path).document.attachments]
    for table in tables:
        measured = page_widths(table, portrait=True)
        least = _least_lines(table, Fraction(PORTRAIT_BODY_TWIPS, 210), PADDING)
        assert (least is None) == (not measured.fits)
        if least is not None:
            assert 1 < least <= measured.lines, table.spec.title


def test_a_declared_minimum_is_kept() -> None:
    spec = TableSpec("t", (TableColumn("a", "甲", minimum=12), TableColumn("b", "乙")))
    table = Table(spec, (Row((Cell("短"), Cell("很长的一段文字" * 10))),))
    widths = column_widths(table, Fraction(40), PADDING).widths
    assert widths[0] >= 12 and sum(widths) == 40


def test_a_spanner_label_is_not_broken_inside_a_word() -> None:
    spec = TableSpec(
        "t", (Spanner("资金执行情况", (TableColumn("a", "甲", ValueKind.AMOUNT), TableColumn("b", "乙"))),)
    )
    table = Table(spec, (Row((Cell("1"), Cell("x"))),))
    a, b = column_widths(table, Fraction(40), PADDING).widths
    assert (a + b - PADDING) * UNIT >= 2 * UNIT


def test_too_many_figures_for_the_width_do_not_fit() -> None:
    columns = tuple(TableColumn(f"c{i}", "金额", ValueKind.AMOUNT) for i in range(20))
    table = Table(TableSpec("t", columns), (Row(tuple(Cell("123456789.00") for _ in columns)),))
    result = column_widths(table, chars(PORTRAIT_BODY_MM), PADDING)
    assert not result.fits and sum(result.widths) == chars(PORTRAIT_BODY_MM)


def test_a_long_unbroken_text_gives_way_before_any_figure() -> None:
    """A 110-character ID in a text column cannot fit unbroken; it breaks, and every figure keeps the
    width it prints at (before, all columns shrank alike and 820.00 split over two lines)."""
    columns = (
        TableColumn("source", "资金来源"),
        *(TableColumn(f"c{i}", "金额", ValueKind.AMOUNT) for i in range(3)),
        TableColumn("rate", "执行率", ValueKind.RATIO),
    )
    cells = (Cell("ABC1234567890" * 9), Cell("820.00"), Cell("865.40"), Cell("858.26"), Cell("99.17%"))
    table = Table(TableSpec("t", columns), (Row(cells),))
    result = column_widths(table, chars(PORTRAIT_BODY_MM), PADDING)
    assert not result.fits and sum(result.widths) == chars(PORTRAIT_BODY_MM)
    pad = padding_chars()
    for index in range(1, 5):
        assert (result.widths[index] - pad) * UNIT >= ink_width(cells[index].text), index


figure = st.decimals(min_value=Decimal(-99999), max_value=Decimal(99999999), places=2).map(
    lambda d: f"{d:.2f}"
)
chinese = st.text(alphabet="民政局低保特困救助资金发放，。、（）0123456789%", max_size=60)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    kinds = draw(
        st.lists(st.sampled_from([ValueKind.TEXT, ValueKind.AMOUNT, ValueKind.RATIO]), min_size=1, max_size=9)
    )
    labels = draw(
        st.lists(
            st.sampled_from(["金额", "占计划比例", "项目名称", "备注", "计划安排资金"]),
            min_size=len(kinds),
            max_size=len(kinds),
        )
    )
    columns = tuple(
        TableColumn(f"c{i}", label, kind) for i, (label, kind) in enumerate(zip(labels, kinds, strict=True))
    )
    count = draw(st.integers(min_value=0, max_value=12))
    rows = tuple(
        Row(tuple(Cell(draw(chinese if c.kind is ValueKind.TEXT else figure)) for c in columns))
        for _ in range(count)
    )
    return Table(TableSpec("t", columns), rows)


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(min_value=20, max_value=80))
def test_widths_add_up_and_figures_fit(table: Table, available: int) -> None:
    result = column_widths(table, Fraction(available), PADDING)
    assert sum(result.widths) == available
    assert all(w > 0 for w in result.widths)
    if result.fits:
        for index, (column, width) in enumerate(zip(table.spec.columns, result.widths, strict=True)):
            content = (width - PADDING) * UNIT
            assert content >= max(ink_width(w) for w in label_words(column.label))
            if column.kind is not ValueKind.TEXT and table.rows:
                assert content >= number_need(table, index)


# --- the .docx ----------------------------------------------------------------------------------


def grid(document: docx.document.Document, index: int = 0) -> list[int]:
    tbl = document.tables[index]._tbl
    return [int(col.get(f"{W}w")) for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]


@pytest.fixture(scope="module")
def jialing_docx() -> docx.document.Document:
    return docx.Document(io.BytesIO(reportgen.load(JIALING).to_bytes("docx")))


def test_docx_grid_is_sized_from_the_content(jialing_docx: docx.document.Document) -> None:
    widths = grid(jialing_docx)
    assert sum(widths) == L.LANDSCAPE_BODY_WIDTH
    table = jialing_table()
    char = L.pt(L.TABLE_SIZE_PT)
    keep = 2 * (L.TABLE_CELL_MARGIN + L.TABLE_BORDER)  # twips a cell keeps from its text: margins, rules
    for index, (column, width) in enumerate(zip(table.spec.columns, widths, strict=True)):
        room = Fraction(width - keep, char) * UNIT
        if column.kind in NUMBER_KINDS:
            assert room >= number_need(table, index), column.label
    cm = [round(w / 567, 2) for w in widths]  # 567 twips a centimetre
    assert cm[1] > 2.6 and cm[3] > 3.5  # 项目名称, 实施进度: wider than the old 2.2 and 2.6 cm
    assert cm[0] < 1.0 and cm[11] < 1.0  # 序号 and the empty 备注: no wider than their header


def test_docx_keeps_the_total_with_the_row_above(jialing_docx: docx.document.Document) -> None:
    rows = jialing_docx.tables[0]._tbl.findall(f"{W}tr")
    last_project, total = rows[-2], rows[-1]
    paragraphs = last_project.findall(f".//{W}p")
    assert paragraphs and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in paragraphs)
    assert total.find(f".//{W}keepNext") is None
    assert all(r.find(f".//{W}keepNext") is None for r in rows[3:-2])


def test_docx_keeps_a_row_group_with_its_merged_label() -> None:
    """A group label merged down its rows prints on the first page only: every row of a group but
    its last is kept with the next, so 红岩村 never starts a page under an empty 乡镇 cell."""
    report = reportgen.load(SAMPLES / "qingshan-publicity-2024.yaml")
    publicity = docx.Document(io.BytesIO(report.to_bytes("docx")))
    rows = publicity.tables[0]._tbl.findall(f"{W}tr")[1:]  # the header row apart
    kept = [all(p.find(f"{W}pPr/{W}keepNext") is not None for p in r.findall(f".//{W}p")) for r in rows]
    names = ["".join(t.text or "" for t in r.findall(f".//{W}tc")[1].iter(f"{W}t")) for r in rows]
    # 城关镇 4 rows, 河口镇 3, 石桥乡 2, 白沙乡 3 (its last kept with the 合计), then the 合计
    assert names[7:9] == ["石桥村", "红岩村"]
    assert kept == [True] * 3 + [False] + [True] * 2 + [False] + [True, False] + [True] * 3 + [False]


# --- the HTML ------------------------------------------------------------------------------------


def html_shares(html: str) -> list[list[Fraction]]:
    """Each ``table.ylb``'s ``<col>`` widths, as fractions of the table (they are percentages)."""
    tables = html.split('<table class="ylb">')[1:]
    shares = []
    for table in tables:
        colgroup = table.split("</colgroup>", 1)[0]
        percents = re.findall(r'<col style="width: ([0-9.]+)%">', colgroup)
        assert percents and colgroup.count("<col ") == len(percents), colgroup
        shares.append([Fraction(p) / 100 for p in percents])
    return shares


@pytest.mark.parametrize(
    "sample",
    [
        "jialing-2024q3.yaml",  # the 一览表 on a landscape page
        "qingshan-notice-2024q3.yaml",  # a declared table on a portrait page
        "qingshan-evaluation-2024.yaml",  # declared tables in the (portrait) body
    ],
)
def test_html_columns_take_the_docx_proportions(sample: str) -> None:
    """The HTML's ``<col>`` widths are the .docx grid's, as shares of the table: one measurement,
    the landscape 版心 for a landscape attachment and the portrait one for the rest."""
    report = reportgen.load(SAMPLES / sample)
    document = docx.Document(io.BytesIO(report.to_bytes("docx")))
    shares = html_shares(report.to_bytes("html").decode("utf-8"))
    assert shares and len(shares) == len(document.tables)
    for index, share in enumerate(shares):
        twips = grid(document, index)
        total = sum(twips)
        assert abs(sum(share) - 1) <= Fraction(len(share), 20_000)  # each rounded to 0.01%
        # the .docx rounds each width down to a twip and gives the twips left to the widest column
        slack = Fraction(len(twips), total) + Fraction(1, 20_000)
        for mine, theirs in zip(share, twips, strict=True):
            assert abs(mine - Fraction(theirs, total)) <= slack, (sample, index, share, twips)


def test_a_long_table_takes_the_same_widths_in_bounded_time() -> None:
    import time

    table = reportgen.loads(ledger_text(300), "big.yaml").document.attachments[0].table
    start = time.perf_counter()
    result = column_widths(table, LANDSCAPE, PADDING)
    assert time.perf_counter() - start < 2.0
    assert result.fits and sum(result.widths) == LANDSCAPE


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=400), max_size=60),
    st.integers(min_value=0, max_value=3000),
)
def test_line_counts_by_prefix_sums_equal_the_greedy_setting(pieces: list[int], extra: int) -> None:
    # the allocation counts lines by bisecting prefix sums; it must set exactly as ``lines`` does
    from reportgen.document.widths import _fitted_lines, _prefix

    cap = max(pieces, default=1) + extra
    assert _fitted_lines(_prefix(pieces), cap) == lines(pieces, cap)


def test_html_header_labels_break_only_between_words() -> None:
    # the browser may break a header only where the .docx may (wrap_label): 占计划/比例, never 占计划比/例
    html = reportgen.load(JIALING).to_bytes("html").decode("utf-8")
    assert "占计<wbr>划<wbr>比例" not in html and ">占计划<wbr>比例</th>" in html
    assert ">计划<wbr>安排<wbr>资金</th>" in html
    assert "word-break: keep-all" in html  # and nowhere else inside a word


_PIECE_TEXT = st.text(
    st.sampled_from(list("民政局资金一二") + list("0123456789aZ.,%-;:?!)]") + list("，。、；：？！）》…·—é")),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(_PIECE_TEXT)
def test_pieces_found_by_one_regex_are_the_pieces_of_the_atom_loop(text: str) -> None:
    # tokens cuts a text without spaces or opening punctuation by one regex (every cell of every
    # table is cut): it must cut exactly where the general loop does
    from reportgen.document.widths import _PIECE, _atoms, _pieces

    assert _PIECE.findall(text) == _pieces(_atoms(text, cjk_word=False))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("0123456789.%-—\n 民")), max_size=12), max_size=8))
def test_a_figure_columns_widest_line_measured_together_is_each_lines_ink(texts: list[str]) -> None:
    from reportgen.document.widths import _widest_line

    expected = max((ink_width(line) for text in texts for line in text.split("\n")), default=0)
    assert _widest_line(texts) == expected
