"""The 一览表 as a real .xlsx: merged header, numbers stored as numbers, print-ready.

A report without a 一览表 gets its 主要指标 table (every figure, as the report shows it) as well.

The layout is openpyxl's (``xlsx.layout``), compiled once per table layout (``xlsx.compiled``);
each report writes its rows into it.  合计 may be written as formulas (``RenderOptions``), each with
its exact cached value, so a reader that does not recalculate still sees the total.
"""

from __future__ import annotations

import dataclasses

from reportgen.base.errors import Problem, RenderError
from reportgen.document.blocks import Attachment, Document, TableBlock
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.xlsx.compiled import render_workbook
from reportgen.templating.sandbox import ReportEnvironment


def render_xlsx(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    # Tables placed in the body come first (they are read first), each on a sheet 表1, 表2 …
    in_body = [block.table for block in document.blocks if isinstance(block, TableBlock)]
    body_sheets = tuple(Attachment(f"表{i}", table) for i, table in enumerate(in_body, start=1))
    if body_sheets:
        document = dataclasses.replace(document, attachments=(*body_sheets, *document.attachments))
    if not document.attachments and document.figures is None:
        raise RenderError(
            Problem(
                "RG403",
                "台账没有“一览表”也没有“指标”，无法生成 .xlsx",
                expected="在台账中填写“指标”或“一览表”",
            )
        )
    if document.form is not None:  # a 登记表 (年度报告): the form comes first, as on paper
        form = Attachment(document.words["登记表"], document.form)
        document = dataclasses.replace(document, attachments=(form, *document.attachments))
    if document.figures is not None:
        # A report without a 一览表 (社会救助, 新闻发布稿, 重点工作…): its figures on a sheet of their own,
        # after any table it attaches (a 目标表).
        figures = Attachment(document.words["主要指标"], document.figures)
        document = dataclasses.replace(document, attachments=(*document.attachments, figures))
    return render_workbook(document, options.xlsx_total_formulas)
