"""The report as a document: numbered headings, rendered paragraphs and the attached table.

This is the format step's output and every writer's only input.  Headings get their numbers
(一、（一）1.（1）) here, narrative templates are rendered here (once), and the 一览表 is filled here,
so the HTML, Markdown, .docx and .xlsx writers only lay out what they are given.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from reportgen.compute import ComputedReport
from reportgen.model import Section
from reportgen.numbers import format_date, heading_marker
from reportgen.tables import Table, default_table_title, project_table
from reportgen.templating import FigureValue, PeriodValue, ReportEnvironment, render_text

_END_PUNCTUATION = tuple("。！？；：…")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    marker: str
    text: str

    @property
    def full(self) -> str:
        return self.marker + self.text


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text; ``lead`` is a run-in heading printed at its start in the heading's font."""

    text: str
    lead: str = ""
    lead_level: int = 0


Block = Heading | Paragraph


@dataclass(frozen=True, slots=True)
class Attachment:
    label: str
    table: Table


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    recipients: str
    blocks: tuple[Block, ...]
    attachment_note: tuple[str, ...]
    signer: str
    date: str
    attachments: tuple[Attachment, ...]
    filler: str
    issued: datetime.date  # the 成文日期 itself, for document properties (never "now")


def narrative_context(report: ComputedReport) -> dict[str, object]:
    """What narrative templates may name: every figure by id, 期间, 成文日期, 填报单位."""
    ledger = report.ledger
    context: dict[str, object] = {
        figure.id: FigureValue(figure.name, report.values.get(figure.id)) for figure in ledger.figures
    }
    context.update({"期间": PeriodValue(ledger.period), "成文日期": ledger.date, "填报单位": ledger.filler})
    return context


def build_document(report: ComputedReport, env: ReportEnvironment) -> Document:
    ledger = report.ledger
    context = narrative_context(report)

    def text(source: str, place: str) -> str:
        return render_text(env, source, context, file=ledger.source, place=place).strip()

    blocks: list[Block] = [Paragraph(text(p, f"导语[{i}]")) for i, p in enumerate(ledger.intro, start=1)]

    def add(section: Section, level: int, number: int) -> None:
        marker = heading_marker(level, number)
        paragraphs = [
            text(p, f"{section.place}.段落[{i}]") for i, p in enumerate(section.paragraphs, start=1)
        ]
        if section.run_in and paragraphs:
            title = section.title if section.title.endswith(_END_PUNCTUATION) else section.title + "。"
            blocks.append(Paragraph(paragraphs[0], lead=marker + title, lead_level=level))
            blocks.extend(Paragraph(p) for p in paragraphs[1:])
        else:
            blocks.append(Heading(level, marker, section.title))
            blocks.extend(Paragraph(p) for p in paragraphs)
        for sub_number, sub in enumerate(section.subsections, start=1):
            add(sub, level + 1, sub_number)

    for number, section in enumerate(ledger.sections, start=1):
        add(section, 1, number)
    blocks.extend(Paragraph(text(p, f"结语[{i}]")) for i, p in enumerate(ledger.closing, start=1))

    attachments: list[Attachment] = []
    if report.table is not None:
        period = ledger.period
        title = default_table_title(report.table, period.year, period.start_month, period.end_month)
        table_meta = report.table.table
        fill_date = format_date(table_meta.fill_date) if table_meta.fill_date else ""
        table = project_table(
            report.table,
            title,
            text,
            (f"填表单位：{table_meta.filler}", f"填表时间：{fill_date}" if fill_date else ""),
        )
        attachments.append(Attachment("附件", table))
    if len(attachments) == 1:
        note: tuple[str, ...] = (f"附件：{attachments[0].table.spec.title}",)
    else:
        # 9704 7.3.4: "附件：1.…" then "2.…" aligned under the first name (the writers indent it).
        note = tuple(
            ("附件：" if i == 1 else "") + f"{i}.{a.table.spec.title}"
            for i, a in enumerate(attachments, start=1)
        )
        attachments = [Attachment(f"附件{i}", a.table) for i, a in enumerate(attachments, start=1)]
    return Document(
        title=text(ledger.title, "标题"),
        recipients="、".join(ledger.recipients) + "：" if ledger.recipients else "",
        blocks=tuple(blocks),
        attachment_note=note,
        signer=ledger.signer,
        date=format_date(ledger.date),
        attachments=tuple(attachments),
        filler=ledger.filler,
        issued=ledger.date,
    )
