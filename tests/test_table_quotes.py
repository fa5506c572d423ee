"""The narrative quotes a declared table (``{{ 表格.编号.行.列 }}``, docs/tables.md “正文引用表格”):
one source, so the 正文's number is the table's cell text, in every output format."""

from __future__ import annotations

import functools
import html
import io
import re
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from reportgen.api import ReportChoices, loads
from reportgen.base.errors import LedgerError, TemplateError
from reportgen.compute.declared import DATA, SUBTOTAL, TOTAL, DeclaredTableFigures, cell_text
from reportgen.compute.figures import compute
from reportgen.document.build import narrative_context
from reportgen.ledger import parse_ledger
from reportgen.numbers import format_amount
from reportgen.templating.narrative import render_text
from reportgen.templating.sandbox import ReportEnvironment

ROOT = Path(__file__).resolve().parent.parent
FUND_USE = (ROOT / "tests" / "data" / "tables" / "fund-use.yaml").read_text("utf-8")
BODY = "    段落: 各项工作按计划推进，详见附表。\n"
# A second table with groups, 小计 and a township in two groups (城关镇 in 东片 and 西片).
AREAS = """\
  - 编号: 片区
    标题: 各片区临时救助情况
    列:
      - {名称: 片区, 文本: 是}
      - {名称: 乡镇, 文本: 是}
      - {名称: 户数, 单位: 户}
      - {名称: 金额, 单位: 万元}
      - {名称: 占比, 单位: "%", 小数位: 1, 公式: {占合计: 金额}}
    分组列: [片区]
    行:
      - 分组: 东片
        小计: 是
        行:
          - {乡镇: 城关镇, 户数: 120, 金额: 18.5}
          - {乡镇: 龙泉镇, 户数: 90, 金额: 14.35}
      - 分组: 西片
        小计: 是
        行:
          - {乡镇: 城关镇, 户数: 40, 金额: 15.2}
          - {乡镇: 金星乡, 户数: 50, 金额: 8.2}
      - 分组: 北片
        行:
          - {乡镇: 安平镇, 户数: 25, 金额: 9.6}
    合计行: 是
    合计名称: 全区
"""
QUOTING = (
    "全区共救助{{ 表格.资金使用.合计.合计户数 }}，使用资金{{ 表格.资金使用.合计.合计金额 }}"
    "（{{ 表格.资金使用.合计.合计金额 | 亿元 }}），资金使用率{{ 表格.资金使用.全区.资金使用率 }}；"
    "城关镇资金使用率{{ 表格.资金使用.城关镇.资金使用率 }}，排名{{ 表格.资金使用.城关镇.排名 }}，"
    "金星乡居第{{ 表格.资金使用.金星乡.排名 | 数 }}位。东片小计{{ 表格.片区.东片.小计.金额 }}，"
    "占{{ 表格.片区.东片.小计.占比 }}；西片城关镇{{ 表格.片区.西片.城关镇.户数 }}。"
)


def ledger_text(paragraph: str, *, areas: bool = True) -> str:
    """fund-use.yaml with ``paragraph`` as its 正文 (and the 片区 table); its 合计 is named 全区 too."""
    text = FUND_USE.replace(BODY, f"    段落: '{paragraph}'\n")
    text = text.replace(
        "    合计行: 是\n    合计公布值:", "    合计行: 是\n    合计名称: 全区\n    合计公布值:"
    )
    return text + (AREAS if areas else "")


def tables(text: str) -> dict[str, DeclaredTableFigures]:
    return {t.table.id: t for t in compute(parse_ledger(text)).tables}


Lookup = Callable[[str, str, tuple[str, ...]], str]  # (table id, column, the row's labels) → the cell's text


def computed_cells(text: str) -> Lookup:
    """A cell as the computed table prints it (``cell_text``), its row found by its label texts (a
    group's name stands in every row of the group, 小计 and 合计 rows by their 合计名称/小计)."""
    found = tables(text)

    def lookup(table_id: str, column: str, labels: tuple[str, ...]) -> str:
        table = found[table_id]
        spec = table.table.column(column)
        assert spec is not None
        named = {TOTAL: table.table.total_label, SUBTOTAL: "小计"}
        rows = [
            row
            for row in table.rows
            if row.kind in (DATA, SUBTOTAL, TOTAL)
            and set(labels) <= {*row.texts.values(), *(g.name for g in row.groups), named.get(row.kind)}
        ]
        assert len(rows) == 1, (table_id, labels)
        return cell_text(spec, rows[0].values[column])

    return lookup


def rendered_cells(grids: list[list[list[str]]], text: str) -> Lookup:
    """A cell as a writer put it in the output: ``grids`` are the output's tables (rows of cell
    texts, merged label cells repeated), in the ledger's order."""
    found = tables(text)
    ids = list(found)

    def lookup(table_id: str, column: str, labels: tuple[str, ...]) -> str:
        table = found[table_id].table
        index = [c.name for c in table.columns].index(column)
        width = len(table.columns)
        rows = [r for r in grids[ids.index(table_id)] if len(r) == width and set(labels) <= set(r)]
        assert len(rows) == 1, (table_id, labels, rows)
        return rows[0][index]

    return lookup


def sentence(cells: Lookup, yi: str) -> str:
    """QUOTING as it must read, from ``cells``."""
    use = functools.partial(cells, "资金使用")
    areas = functools.partial(cells, "片区")
    return (
        f"全区共救助{use('合计户数', ('全区',))}户，使用资金{use('合计金额', ('全区',))}万元（{yi}），"
        f"资金使用率{use('资金使用率', ('全区',))}；城关镇资金使用率{use('资金使用率', ('城关镇',))}，"
        f"排名第{use('排名', ('城关镇',))}名，金星乡居第{use('排名', ('金星乡',))}位。"
        f"东片小计{areas('金额', ('东片', '小计'))}万元，占{areas('占比', ('东片', '小计'))}；"
        f"西片城关镇{areas('户数', ('西片', '城关镇'))}户。"
    )


def markdown_grids(markdown: str) -> list[list[list[str]]]:
    blocks = re.findall(r"((?:^\|.*\|\n)+)", markdown, re.MULTILINE)
    return [
        [[c.strip().strip("*") for c in line.strip().strip("|").split("|")] for line in block.splitlines()]
        for block in blocks
    ]


def html_grids(page: str) -> list[list[list[str]]]:
    """The HTML tables' rows; a row short of leading cells (under a rowspan) takes them from the row above."""
    grids = []
    for table in re.findall(r"<table.*?</table>", page, re.DOTALL):
        rows: list[list[str]] = []
        for tr in re.findall(r"<tr.*?</tr>", table, re.DOTALL):
            row = [
                html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<t[dh].*?</t[dh]>", tr, re.DOTALL)
            ]
            if rows and len(row) < len(rows[-1]):
                row = rows[-1][: len(rows[-1]) - len(row)] + row
            rows.append(row)
        grids.append(rows)
    return grids


def docx_grids(data: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(io.BytesIO(data)).tables]


def test_the_quoted_numbers_are_the_table_cells_in_markdown_html_and_docx() -> None:
    text = ledger_text(QUOTING)
    total = tables(text)["资金使用"].totals["合计金额"]
    assert total is not None
    yi = format_amount(
        total, "亿元", source_unit="万元"
    )  # the exact 95.1 万元, converted, never 95.10 re-rounded
    expected = sentence(computed_cells(text), yi)
    # What the numbers are, so the test cannot pass on an empty table: 450户, 95.10万元, 96.35%, 第4名.
    assert expected.startswith("全区共救助450户，使用资金95.10万元（0.00951亿元），资金使用率96.35%；")
    assert "排名第4名，金星乡居第1位。东片小计32.85万元，占49.9%；西片城关镇40户。" in expected
    report = loads(text)
    markdown = report.to_bytes("md").decode("utf-8")
    page = report.to_bytes("html").decode("utf-8")
    data = report.to_bytes("docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    for output, grids in (
        (markdown, markdown_grids(markdown)),
        (page, html_grids(page)),
        ("\n".join(paragraphs), docx_grids(data)),
    ):
        assert expected in output
        assert sentence(rendered_cells(grids, text), yi) == expected  # the tables in the same output


def test_traditional_output_converts_the_words_around_the_quoted_numbers() -> None:
    text = ledger_text(QUOTING)
    report = loads(text, choices=ReportChoices(script="hant"))
    markdown = report.to_bytes("md").decode("utf-8")
    assert "全區共救助450戶，使用資金95.10萬元（0.00951億元），資金使用率96.35%；" in markdown
    assert "排名第4名" in markdown


def render(text: str, source: str) -> str:
    report = compute(parse_ledger(text))
    return render_text(ReportEnvironment(), source, narrative_context(report), file=None, place="段落[1]")


def failure(source: str, text: str | None = None) -> tuple[str, str]:
    with pytest.raises(TemplateError) as caught:
        render(text or ledger_text("x"), source)
    problem = caught.value.problems[0]
    assert problem.place == "段落[1]"
    return problem.code, problem.message


def test_a_cell_passed_to_a_unit_filter_is_rounded_once_from_the_exact_value() -> None:
    text = ledger_text("x")
    # in the column's own unit the filter prints the table's text; another unit or decimals on request
    assert render(text, "{{ 表格.资金使用.合计.合计金额 | 万元 }}") == "95.10万元"
    assert render(text, "{{ 表格.资金使用.合计.合计金额 | 万元(1) }}") == "95.1万元"
    assert render(text, "{{ 表格.资金使用.合计.应使用资金 | 元 }}") == "987000元"
    assert render(text, "{{ 表格.资金使用.合计.资金使用率 | 百分比 }}") == "96.35%"
    assert render(text, "{{ 表格.资金使用.合计.资金使用率 | 百分比(1) }}") == "96.4%"  # 96.3525… once
    assert render(text, "{{ 表格.资金使用.合计.合计户数 | 户 }}") == "450户"
    assert render(text, "{{ 表格.资金使用.城关镇.户籍人口数 | 万人 }}") == "5.2万人"
    assert render(text, "{{ 表格.资金使用.合计.资金使用率 | 数 }}") == "96.35"
    assert failure("{{ 表格.资金使用.城关镇.排名 | 万元 }}")[0] == "RG303"  # a rank has no unit
    assert failure("{{ 表格.资金使用.合计.合计户数 | 万元 }}")[0] == "RG303"  # 户 is not money


def test_the_total_of_a_table_without_a_total_row_is_its_column_total() -> None:
    head, tail = ledger_text("x").rsplit("    合计行: 是\n", 1)  # the 片区 table's: 合计名称 全区 stays
    text = head + tail
    assert tables(text)["片区"].total is None
    assert render(text, "{{ 表格.片区.合计.金额 }}") == "65.85万元"
    assert render(text, "{{ 表格.片区.全区.户数 }}") == "325户"


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("{{ 表格.资金用.城关镇.资金使用率 }}", ["资金用", "资金使用"]),
        ("{{ 表格.资金使用.城关.资金使用率 }}", ["城关", "城关镇"]),
        ("{{ 表格.资金使用.城关镇.使用率 }}", ["使用率", "资金使用率"]),
        ("{{ 表格.资金使用.城关镇.单位 }}", ["单位", "文字列"]),
        ("{{ 表格.片区.城关镇.户数 }}", ["2行", "东片.城关镇", "西片.城关镇", "表格.片区.东片.城关镇"]),
        ("{{ 表格.片区.东片.户数 }}", ["一组行", "表格.片区.东片.小计.户数"]),
        ("{{ 表格.片区.北片.小计.户数 }}", ["北片", "没有小计"]),
        ("{{ 表格.资金使用.合计金额 }}", ["是表格“资金使用”的列", "表格.资金使用.合计.合计金额"]),
        ("{{ 表格.资金使用.城关镇 }}", ["须写到列"]),
        ("{{ 表格.资金使用.合计.排名 }}", ["空格", "合计规则为“无”"]),
        ("{{ 表格.资金使用 }}", ["须写到单元格"]),
        ("{% for t in 表格 %}{{ t }}{% endfor %}", ["须写到单元格"]),
        ("{{ 表格.资金使用.城关镇.资金使用率.更多 }}", ["已是一格", "更多"]),
        ("{{ 表格[0] }}", ["应为文字"]),
        ("{{ 表格['__class__'] }}", ["__class__"]),
    ],
)
def test_a_wrong_quote_is_rg307_naming_the_name_and_the_closest(source: str, words: list[str]) -> None:
    code, message = failure(source)
    assert code == "RG307", message
    for word in words:
        assert word in message, (word, message)


def test_a_ledger_without_tables_says_so() -> None:
    code, message = failure(
        "{{ 表格.资金使用.城关镇.排名 }}", ledger_text("x", areas=False).split("表格:")[0]
    )
    assert (code, "台账没有“表格”" in message) == ("RG307", True)


@pytest.mark.parametrize(
    "source",
    [
        "{{ 表格.__class__ }}",
        "{{ 表格.资金使用.__class__.__mro__ }}",
        "{{ 表格.资金使用._root }}",
        "{{ 表格.资金使用.城关镇._node }}",
        "{{ 表格.资金使用.城关镇.资金使用率.value }}",
        "{{ 表格.资金使用.城关镇.资金使用率.quantity('x') }}",
        "{{ 表格.资金使用.城关镇.资金使用率._value }}",
    ],
)
def test_python_attributes_of_the_quotes_are_refused(source: str) -> None:
    assert failure(source)[0] == "RG304"


def test_hostile_table_ids_and_huge_names_fail_fast_and_short() -> None:
    hostile = ledger_text("x").replace("编号: 资金使用", "编号: __class__")
    assert render(hostile, "{{ 表格['__class__'].城关镇.排名 }}") == "第4名"
    assert failure("{{ 表格.__class__.城关镇.排名 }}", hostile)[0] == "RG304"
    huge = "城" * 200_000
    started = time.perf_counter()
    code, message = failure("{{ 表格.资金使用['" + huge + "'].排名 }}")
    assert code == "RG307" and len(message) < 200
    long_rows = ledger_text("x").replace("{单位: 城关镇,", "{单位: " + "城关镇" * 30_000 + ",")
    code, message = failure("{{ 表格.资金使用['" + "城关镇" * 29_999 + "'].排名 }}", long_rows)
    assert code == "RG307" and len(message) < 200
    assert time.perf_counter() - started < 10


def test_a_figure_may_not_be_named_like_the_tables() -> None:
    with pytest.raises(LedgerError) as caught:
        parse_ledger(ledger_text("x") + "指标:\n  表格: {名称: 表格, 数值: 1, 单位: 个}\n")
    assert [p.code for p in caught.value.problems] == ["RG111"]


def test_a_typed_number_that_a_table_shows_is_rg207_suggesting_the_quote() -> None:
    report = loads(ledger_text("资金使用率96.35%，共450户。"))
    found = [f.problem for f in report.check() if f.code == "RG207"]
    assert len(found) == 1
    assert found[0].expected == "表格中已有这个数，在文中写 {{ 表格.资金使用.合计.资金使用率 }}"
    plain = [f.problem for f in loads(ledger_text("共有1234户。")).check() if f.code == "RG207"]
    assert plain[0].expected is not None and "登记为“指标”" in plain[0].expected
