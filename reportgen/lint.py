"""Lint narrative templates: a number typed as text is a figure that escaped the ledger.

Seed 000's narrative and table quote different 低保金 totals because someone typed a number twice.
Here every Arabic digit in the literal text of a narrative template (outside ``{{ }}``) is a
warning (RG207): the figure belongs in ``指标`` and the text should quote it.  Calendar expressions
are not figures and pass: a year (2018年), a month (7月, 6月底, 10月份), a day (12日, 5号), and ranges
of them (1—9月, 2018—2020年).
"""

from __future__ import annotations

import re

import jinja2

from reportgen.errors import Finding, Problem, Severity
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


def literal_numbers(env: jinja2.Environment, source: str) -> list[str]:
    """The digit runs in the template's literal text (``data`` tokens), in order."""
    found: list[str] = []
    try:
        tokens = list(env.lex(source))
    except jinja2.TemplateSyntaxError:
        return found  # the render step reports syntax errors with their place
    for _, token_type, value in tokens:
        if token_type == "data":
            found.extend(_NUMBER.findall(CALENDAR.sub(" ", value)))
    return found


def narrative_sources(ledger: Ledger) -> list[tuple[str, str]]:
    """(place, template) for every narrative string the lint covers: headings, paragraphs and 实施进度.

    项目名称 and 目标任务 are excluded on purpose: they quote the superior's task list verbatim
    (``每人每月110元``), which is not a figure of this ledger.
    """
    sources = [(f"导语[{i}]", p) for i, p in enumerate(ledger.intro, start=1)]

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
        sources.extend((p.place_of("实施进度"), p.progress_text) for p in ledger.table.projects)
    return sources


def lint_narrative(ledger: Ledger, env: jinja2.Environment) -> list[Finding]:
    out: list[Finding] = []
    for place, source in narrative_sources(ledger):
        numbers = literal_numbers(env, source)
        if numbers:
            out.append(
                Finding(
                    Problem(
                        "RG207",
                        f"文字中直接写入了数字 {'、'.join(numbers[:6])}{'…' if len(numbers) > 6 else ''}",
                        file=ledger.source,
                        place=place,
                        expected="把数字登记为“指标”，在文中写 {{ 编号 | 过滤器 }}",
                    ),
                    Severity.WARNING,
                )
            )
    return out
