"""Lint narrative templates: a number typed as text is a figure that escaped the ledger.

The report samples/jialing-2024q3.yaml reproduces quotes two different 低保金 totals, in its narrative
and in its table, because someone typed a number twice.
Here every Arabic digit in the literal text of a narrative template (outside ``{{ }}``) is a
warning (RG207): the figure belongs in ``指标`` and the text should quote it.  Calendar expressions
are not figures and pass: a year (2018年), a month (7月, 6月底, 10月份), a day (12日, 5号), and ranges
of them (1—9月, 2018—2020年).  Nor are digits that belong to a name or an identifier: inside quotation
or title marks (“民生100工程”, 《……2021—2025年规划》), or in a name the ledger lists under
``专有名称`` (民生100工程, 20件民生实事, 会计凭证号2023-0456), which a clerk writes once, in YAML or
as a 基本信息 row, instead of marking every occurrence in the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import jinja2

from reportgen.base.errors import Finding, Problem, Severity
from reportgen.model import Ledger, Section

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_RANGE = "[—–\\-－～~至到]"  # 1—9月, 4至8月: the first number is a month like the second
_YEAR = r"(?<![\d.])\d{4}"
_MONTH = r"(?<![\d.])(?:1[0-2]|0?[1-9])"
_DAY = r"(?<![\d.])(?:3[01]|[12]\d|0?[1-9])"
# A year (4 digits), a month (1–12) or a day (1–31) right before 年, 月 or 日/号, or a range of them.
# Anything else stays a figure: 12个月, 3年 (a duration), 13月, 2.5月.
CALENDAR = re.compile(
    f"(?:{_YEAR}(?:{_RANGE}{_YEAR})?年)"
    f"|(?:{_MONTH}(?:{_RANGE}{_MONTH})?月(?:份|底|末|初)?)"
    f"|(?:{_DAY}(?:{_RANGE}{_DAY})?[日号])"
)


# Quoted text (GB/T 15834 引号 “” ‘’ and 书名号 《》 〈〉, the corner quotes 「」 『』, 【】 and ASCII "…"):
# a name, a title, a slogan, an identifier, whose digits are not figures.  A mark left open quotes
# nothing, so a stray “ cannot silence the rest of a paragraph.
QUOTED = re.compile(
    r'“[^“”]*”|‘[^‘’]*’|《[^《》]*》|〈[^〈〉]*〉|「[^「」]*」|『[^『』]*』|【[^【】]*】|"[^"]*"'
)
_EXPRESSION = "\x00"  # stands for a {{ }} or {% %} between pieces of literal text


def literal_numbers(env: jinja2.Environment, source: str, names: Sequence[str] = ()) -> list[str]:
    """The digit runs in the template's literal text (``data`` tokens), in order, leaving out
    dates, quoted text and the ledger's ``names`` (专有名称)."""
    try:
        tokens = list(env.lex(source))
    except jinja2.TemplateSyntaxError:
        return []  # the render step reports syntax errors with their place
    text = "".join(value if token_type == "data" else _EXPRESSION for _, token_type, value in tokens)
    for name in sorted(names, key=len, reverse=True):  # 民生100工程 before 100工程
        text = text.replace(name, " ")
    return _NUMBER.findall(CALENDAR.sub(" ", QUOTED.sub(" ", text)))


def narrative_sources(ledger: Ledger) -> list[tuple[str, str]]:
    """(place, template) for every narrative string the lint covers: the titles (标题, headings,
    一览表 and 目标表 titles), paragraphs and 实施进度.

    项目名称 and 目标任务 are excluded on purpose: they quote the superior's task list verbatim
    (``每人每月110元``), which is not a figure of this ledger.
    """
    sources = [("标题", ledger.title)]
    sources.extend((f"导语[{i}]", p) for i, p in enumerate(ledger.intro, start=1))

    def walk(section: Section) -> None:
        if section.title:
            sources.append((section.place_of("标题"), section.title))
        sources.extend((section.place_of(f"段落[{i}]"), p) for i, p in enumerate(section.paragraphs, start=1))
        for sub in section.subsections:
            walk(sub)

    for section in ledger.sections:
        walk(section)
    sources.extend((f"结语[{i}]", p) for i, p in enumerate(ledger.closing, start=1))
    if ledger.table is not None:
        if ledger.table.title:
            sources.append(("一览表.标题", ledger.table.title))
        sources.extend((p.place_of("实施进度"), p.progress_text) for p in ledger.table.projects)
    if ledger.target_table is not None:
        sources.append((f"{ledger.target_table.place}.标题", ledger.target_table.title))
    return sources


def lint_narrative(
    ledger: Ledger, env: jinja2.Environment, table_quotes: Mapping[Decimal, str] | None = None
) -> list[Finding]:
    """RG207 for each narrative string with typed numbers.  ``table_quotes`` maps each number a declared
    table shows to the quote that prints it (``templating.quotes.quote_forms``): a typed number equal to
    a cell is a copy of it, and the warning names the quote to write instead."""
    out: list[Finding] = []
    table_quotes = table_quotes or {}
    for place, source in narrative_sources(ledger):
        numbers = literal_numbers(env, source, ledger.names)
        if numbers:
            quoted = [table_quotes[Decimal(n)] for n in numbers if Decimal(n) in table_quotes]
            out.append(
                Finding(
                    Problem(
                        "RG207",
                        f"文字中直接写入了数字 {'、'.join(numbers[:6])}{'…' if len(numbers) > 6 else ''}",
                        file=ledger.source,
                        place=place,
                        expected=(
                            f"表格中已有这个数，在文中写 {quoted[0]}"
                            if quoted
                            else "把数字登记为“指标”，在文中写 {{ 编号 | 过滤器 }}"
                        ),
                    ),
                    Severity.WARNING,
                )
            )
    return out
