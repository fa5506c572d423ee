"""The report as a document: numbered headings, rendered paragraphs and the attached table.

This is the format step's output and every writer's only input.  Headings get their numbers
(一、（一）1.（1）) here, narrative templates are rendered here (once), and the 一览表 is filled here,
so the HTML, Markdown, .docx and .xlsx writers only lay out what they are given.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from reportgen.base.errors import LedgerError, Problem, TemplateError
from reportgen.compute.figures import DERIVED_DIGITS, ComputedReport, completion_digits
from reportgen.document.banner import banner_lines
from reportgen.document.blocks import (
    UNDATED,
    Attachment,
    Block,
    Colophon,
    Document,
    Heading,
    Paragraph,
    Seal,
    TableBlock,
)
from reportgen.document.charts import project_charts
from reportgen.document.declared import declared_table
from reportgen.document.signature import sealed_lines, signature_lines
from reportgen.document.tables import (
    FIGURES_TABLE_TITLE,
    Table,
    default_table_title,
    figures_table,
    form_table,
)
from reportgen.document.textwidth import display_width
from reportgen.document.titles import note_lines, title_capacity, title_lines
from reportgen.document.widths import LANDSCAPE_BODY_MM, PORTRAIT_BODY_MM, fits_portrait, suits_portrait
from reportgen.model import Colophon as LedgerColophon
from reportgen.model import DeclaredTable, Figure, FigureField, Ledger, Quantity, RatioOf, Section, SumOf
from reportgen.numbers import (
    DASH,
    format_date,
    format_number,
    format_period,
    heading_marker,
    round_half_up,
    sequence_marker,
)
from reportgen.templating.narrative import render_text
from reportgen.templating.quotes import tables_context
from reportgen.templating.sandbox import ReportEnvironment
from reportgen.templating.values import FigureValue, PeriodValue

_END_PUNCTUATION = tuple("。！？；：…")


# All narrative text of one report, rendered.  Each template's output is capped on its own
# (``templating.sandbox.MAX_OUTPUT_CHARS``); this stops a ledger whose many paragraphs loop from adding those
# caps up.  A 300-project report renders about 0.3 million characters.
MAX_NARRATIVE_CHARS = 10_000_000


def narrative_context(report: ComputedReport) -> dict[str, object]:
    """What narrative templates may name: every figure by id, 期间, 成文日期, 填报单位, 表格."""
    ledger = report.ledger
    context: dict[str, object] = {
        figure.id: FigureValue(
            figure.name,
            report.values.get(figure.id),
            {
                period: (baseline.values.get(figure.id), baseline.missing.get(figure.id))
                for period, baseline in report.baselines.items()
            },
            standard=report.standards.get(figure.id),
            goal=report.goals.get(figure.id),
        )
        for figure in ledger.figures
    }
    context["填报单位"] = ledger.filler
    # A ledger without 期间 or 成文日期 (a kind that lets it go without) has no such name: a template that
    # names one is an error (RG302), never a made-up period or date.
    if ledger.period is not None:
        context["期间"] = PeriodValue(ledger.period)
    if ledger.date is not None:
        context["成文日期"] = ledger.date
    context.update(tables_context(report.tables))
    return context


def _figure_field(report: ComputedReport, quoted: FigureField) -> str:
    """A table cell that quotes a figure's text (the 目标表's): its 名称, 要求, 完成值 (as the narrative
    shows it, "—" without one) or 完成情况."""
    figure = report.ledger.figure(quoted.figure_id)
    assert figure is not None  # the ledger quotes only figures it has
    if quoted.field == "名称":
        return figure.name
    goal = report.goals.get(figure.id)
    if quoted.field == "要求":
        return goal.requirement if goal is not None else DASH
    if quoted.field == "完成情况":
        return goal.status if goal is not None else DASH
    assert quoted.field == "完成值", quoted.field  # FIGURE_FIELDS: no other field prints as a 完成值
    value = report.values.get(figure.id)
    return DASH if value is None else _completion(figure, value)


def _completion(figure: Figure, value: Quantity) -> str:
    """A 完成值: typed (or added up) as typed (45.1张, 100%), a 比例 as ``{{ x | 百分比 }}`` shows it
    (37.1%), a 商 to ``DERIVED_DIGITS`` decimals (``completion_digits``, which the checks use too)."""
    if isinstance(figure.source, RatioOf):
        return str(FigureValue(figure.name, value))
    digits = completion_digits(figure)
    return format_number(value.value if digits is None else round_half_up(value.value, digits)) + (
        value.unit.symbol
    )


def _figures_table(report: ComputedReport) -> Table | None:
    """Every figure as the report would show it: value, unit, 说明 — rounded (四舍五入) once, here."""
    rows: list[tuple[str, Decimal | None, str, str]] = []
    for figure in report.ledger.figures:
        quantity = report.values.get(figure.id)
        value = None if quantity is None else quantity.value
        if value is not None and not isinstance(figure.source, Quantity | SumOf):
            value = round_half_up(value, DERIVED_DIGITS)
        unit = "" if quantity is None else quantity.unit.symbol
        rows.append((figure.name, value, unit, figure.note))
    period = report.ledger.period
    when = (
        format_period(period.year, period.start_month, period.end_month, style="name", with_year=True)
        if period is not None
        else ""
    )
    return figures_table(rows, f"{report.ledger.filler}{when}{FIGURES_TABLE_TITLE}") if rows else None


def _blocks_text(blocks: list[Block]) -> str:
    """The narrative as one cell's text: a line per heading and per paragraph (a form holds no table)."""
    return "\n".join(
        b.full if isinstance(b, Heading) else b.lead + b.text for b in blocks if not isinstance(b, TableBlock)
    )


def _with_body_row(particulars: tuple[tuple[str, str], ...], body_row: str) -> tuple[tuple[str, str], ...]:
    """A form's rows with the one that holds the narrative (so the narrative is never left out)."""
    if not body_row or any(label == body_row for label, _ in particulars):
        return particulars
    return (*particulars, (body_row, ""))


def build_document(
    report: ComputedReport,
    env: ReportEnvironment,
    charts: bool | None = None,
    *,
    signature: bool = True,
    body_row: str = "",
    table_placement: str = "附件",
) -> Document:
    """The document of ``report``; RG306 when its narrative exceeds ``MAX_NARRATIVE_CHARS``.

    ``charts`` draws the 一览表's charts (True), leaves them out (False), or lets the ledger's ``图表``
    decide (None).  ``signature`` False leaves out the 落款 and 成文日期 block: a report kind that is
    spoken or published as an article (新闻发布稿) has none.  ``body_row`` names the 要素 row of a form
    (登记表) whose cell holds the narrative; it is added at the end when the ledger lacks it.
    ``table_placement`` is where a declared table that gives no 位置 goes (the kind's 表格位置):
    附件, or 正文 at the end of the body."""
    ledger = report.ledger
    with_charts = ledger.charts if charts is None else charts
    context = narrative_context(report)
    rendered = 0

    def text(source: str, place: str) -> str:
        nonlocal rendered
        result = render_text(env, source, context, file=ledger.source, place=place).strip()
        rendered += len(result)
        if rendered > MAX_NARRATIVE_CHARS:
            message = f"正文渲染出的文字超过 {MAX_NARRATIVE_CHARS} 个字符，已停止"
            expected = "模板只引用台账中的内容，不要用循环生成大量文字"
            raise TemplateError(Problem("RG306", message, file=ledger.source, place=place, expected=expected))
        return result

    blocks: list[Block] = [Paragraph(text(p, f"导语[{i}]")) for i, p in enumerate(ledger.intro, start=1)]

    def add(section: Section, level: int, number: int) -> None:
        paragraphs = [
            (sequence_marker(i, section.sequence) if section.sequence else "")
            + text(p, section.place_of(f"段落[{i}]"))
            for i, p in enumerate(section.paragraphs, start=1)
        ]
        # A title is a template too (a target in a run-in heading quotes a figure), linted like text.
        title = text(section.title, section.place_of("标题")) if section.title else ""
        marker = heading_marker(level, number) if title else ""
        if not title:  # a list of points with no heading (一是……二是……), as a statement gives them
            blocks.extend(Paragraph(p) for p in paragraphs)
        elif section.run_in and paragraphs:
            title = title if title.endswith(_END_PUNCTUATION) else title + "。"
            blocks.append(Paragraph(paragraphs[0], lead=marker + title, lead_level=level))
            blocks.extend(Paragraph(p) for p in paragraphs[1:])
        else:
            blocks.append(Heading(level, marker, title))
            blocks.extend(Paragraph(p) for p in paragraphs)
        add_all(section.subsections, level + 1)
        add_tables(lambda t: t.after_section == section.title)

    body_tables = [t for t in report.tables if t.table.placed(table_placement) == "正文"]

    def add_tables(placed: Callable[[DeclaredTable], bool]) -> None:
        """The body's tables placed here, each once (two sections may share a title: the first takes it)."""
        for figures in [t for t in body_tables if placed(t.table)]:
            body_tables.remove(figures)
            number = sum(isinstance(b, TableBlock) for b in blocks)
            table = declared_table(figures)
            if not fits_portrait(table):  # the body is portrait: a figure or a word would break
                raise LedgerError(
                    Problem(
                        "RG126",
                        f"表格“{table.spec.title}”放在正文中太宽：纵向版心（156 毫米）排不下，"
                        "数字或词语会折行"
                        + (
                            ""
                            if figures.table.placement
                            else "（这张表没写位置，这类报告的表格默认放在正文中）"
                        ),
                        file=ledger.source,
                        place=f"表格“{table.spec.title}”.位置",
                        expected="位置: 附件（附件页为横向），或减少列数",
                    )
                )
            blocks.append(TableBlock(table, number))

    def add_all(sections: tuple[Section, ...], level: int) -> None:
        number = 0  # only titled sections take a number: 一是……二是…… alone has no heading
        for section in sections:
            number += bool(section.title)
            add(section, level, number)

    add_all(ledger.sections, 1)
    add_tables(lambda t: not t.after_section)  # 位置: 正文 — the end of the body, before the 结语
    if body_row and any(isinstance(b, TableBlock) for b in blocks):
        in_form = next(b.table.spec.title for b in blocks if isinstance(b, TableBlock))
        raise LedgerError(
            Problem(
                "RG126",
                f"表格“{in_form}”放在正文中，而这类报告的正文写在登记表的一格里，容不下表格",
                file=ledger.source,
                place=f"表格“{in_form}”.位置",
                expected="位置: 附件",
            )
        )
    blocks.extend(Paragraph(text(p, f"结语[{i}]")) for i, p in enumerate(ledger.closing, start=1))

    attachments: list[Attachment] = []
    if report.table is not None:
        period = ledger.period
        table_meta = report.table.table
        # 一览表.标题 is a template like every title (docs/ledger.md “文字字段”); the default is ours.
        title = (
            default_table_title(period.year, period.start_month, period.end_month)
            if not table_meta.title and period is not None
            else text(table_meta.title or "", "一览表.标题")  # the schema requires a 标题 without 期间
        )
        fill_date = format_date(table_meta.fill_date) if table_meta.fill_date else ""
        table = declared_table(
            report.table.computed,
            text,
            title,
            (f"填表单位：{table_meta.filler}", f"填表时间：{fill_date}" if fill_date else ""),
        )
        drawn = project_charts(report.table) if with_charts else ()
        attachments.append(Attachment("附件", table, drawn))
    if ledger.target_table is not None:
        targets = ledger.target_table
        assert report.targets is not None  # computed whenever the ledger has a 目标表
        attachments.append(
            Attachment(
                "附件",
                declared_table(
                    report.targets,
                    title=text(targets.title, f"{targets.place}.标题"),
                    quote=lambda quoted: _figure_field(report, quoted),
                ),
            )
        )
    # Declared tables (表格) follow the built-in ones, in ledger order, each an attachment.
    attachments.extend(
        Attachment("附件", declared_table(t))
        for t in report.tables
        if t.table.placed(table_placement) == "附件"
    )
    if len(attachments) == 1:
        note: tuple[str, ...] = (f"附件：{attachments[0].table.spec.title}",)
    else:
        # 9704 7.3.4: "附件：1.…" then "2.…" aligned under the first name (the writers indent it).
        note = tuple(
            ("附件：" if i == 1 else "") + f"{i}.{a.table.spec.title}"
            for i, a in enumerate(attachments, start=1)
        )
        attachments = [dataclasses.replace(a, label=f"附件{i}") for i, a in enumerate(attachments, start=1)]
    # Each attachment on the page that suits it (charts are drawn for the landscape page), its title
    # broken for that page's width (9704 7.3.7: the 附件标题 is set like the document's title).
    attachments = [_on_its_page(a, _names(ledger)) for a in attachments]
    particulars = _with_body_row(
        tuple((label, text(source, f"要素.{label}")) for label, source in ledger.particulars), body_row
    )
    date = format_date(ledger.date) if ledger.date is not None else ""  # none printed when none given
    title = text(ledger.title, "标题")
    sealed = ledger.seal is not None and signature and bool(ledger.signer) and bool(date)
    signer_line, date_line = (sealed_lines if sealed else signature_lines)(ledger.signer, date)
    seal = None
    if sealed:
        assert ledger.seal is not None
        start = display_width(date_line) - display_width(date)  # half-字 before the date
        seal = Seal(ledger.seal.png, ledger.seal.width, ledger.seal.height, 2 * start + display_width(date))
    return Document(
        figures=None if report.table is not None else _figures_table(report),
        particulars=particulars,
        form=form_table(
            [(label, _blocks_text(blocks) if label == body_row else value) for label, value in particulars],
            title,
        )
        if body_row
        else None,
        body_row=body_row,
        salutation=text(ledger.salutation, "称呼") + "：" if ledger.salutation else "",
        title=title,
        title_lines=title_lines(title, title_capacity(PORTRAIT_BODY_MM), _names(ledger)),
        recipients="、".join(ledger.recipients) + "：" if ledger.recipients else "",
        blocks=tuple(blocks),
        attachment_note=note,
        attachment_note_lines=tuple(note_lines(line, _names(ledger)) for line in note),
        signer=ledger.signer if signature else "",
        date=date if signature else "",
        signer_line=signer_line if signature else "",
        date_line=date_line if signature else "",
        attachments=tuple(attachments),
        filler=ledger.filler,
        issued=ledger.date or UNDATED,
        banner=banner_lines(ledger.banner) if ledger.banner is not None else None,
        colophon=_colophon(ledger.colophon),
        seal=seal,
    )


def _names(ledger: Ledger) -> tuple[str, ...]:
    """The ledger's own names, which a title never breaks inside: the 落款 (an agency, or several
    joined by 、), the 填报单位 and the 专有名称."""
    return (*ledger.signer.split("、"), ledger.filler, *ledger.names)


def _on_its_page(attachment: Attachment, names: tuple[str, ...]) -> Attachment:
    """The attachment on the page that suits it, its title broken for that page's width: the page is
    chosen first, since a landscape 附件标题 holds 28 字 a line and a portrait one 20."""
    portrait = not attachment.charts and suits_portrait(attachment.table)
    width = title_capacity(PORTRAIT_BODY_MM if portrait else LANDSCAPE_BODY_MM)
    return dataclasses.replace(
        attachment, portrait=portrait, title_lines=title_lines(attachment.table.spec.title, width, names)
    )


def _colophon(colophon: LedgerColophon | None) -> Colophon | None:
    """The 版记's lines (GB/T 9704 7.4.2–7.4.3, docs/standards.md §9.20): “抄送：” and the names
    separated by full-width commas, a 句号 after the last; the 印发日期 in Arabic numerals without
    leading zeros (as the 成文日期), followed by 印发."""
    if colophon is None:
        return None
    copy_to = "抄送：" + "，".join(colophon.copy_to) + "。" if colophon.copy_to else ""
    return Colophon(copy_to, colophon.issuer, format_date(colophon.issued) + "印发")
