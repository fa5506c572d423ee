"""Traditional-character output: the finished document converted by OpenCC, for any report kind.

Some bureaus publish in Traditional characters (seed 002 is one).  Conversion is a property of the
output, not of the ledger: figures, checks and the narrative are worked out in Simplified and the
finished ``Document`` — every text it holds, table headers and cells included — is converted at the
end, with OpenCC's maintained phrase tables rather than a character map of our own (``于`` → ``於``
but ``关于`` → ``關於``, ``发`` → ``發``/``髮`` by context).  Numbers and dates are untouched by
OpenCC; values stored for the .xlsx stay exact.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, Protocol

from reportgen.charts import Chart
from reportgen.document import Attachment, Document, Heading, Paragraph
from reportgen.errors import Problem, RenderError
from reportgen.tables import Cell, Column, Row, Spanner, Table, TableSpec

# our name → OpenCC configuration
SCRIPTS: dict[str, str | None] = {
    "hans": None,  # Simplified, as written
    "hant": "s2t",  # Traditional (OpenCC standard)
    "hant-tw": "s2twp",  # Taiwan usage, with phrases
    "hant-hk": "s2hk",  # Hong Kong variants
}


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=len(SCRIPTS))
def _converter(config: str) -> _Converter:
    try:
        import opencc
    except ImportError:
        raise RenderError(
            Problem("RG404", "未安装 OpenCC，无法输出繁体", expected="pip install opencc")
        ) from None
    converter: Any = opencc.OpenCC(config)
    return converter  # type: ignore[no-any-return]


def convert_document(document: Document, script: str) -> Document:
    """``document`` in ``script`` (a key of ``SCRIPTS``); ``hans`` returns it as it is."""
    if script not in SCRIPTS:
        raise RenderError(
            Problem("RG402", f"不支持的字形“{script}”", value=script, expected="、".join(SCRIPTS))
        )
    config = SCRIPTS[script]
    if config is None:
        return document
    c = _converter(config).convert

    def block(item: Heading | Paragraph) -> Heading | Paragraph:
        if isinstance(item, Heading):
            return dataclasses.replace(item, marker=c(item.marker), text=c(item.text))
        return dataclasses.replace(item, text=c(item.text), lead=c(item.lead))

    def node(item: Column | Spanner) -> Column | Spanner:
        if isinstance(item, Column):
            return dataclasses.replace(item, label=c(item.label))
        return Spanner(c(item.label), tuple(node(child) for child in item.children))

    def table(item: Table) -> Table:
        spec = TableSpec(
            c(item.spec.title),
            tuple(node(n) for n in item.spec.header),
            (c(item.spec.filler_line[0]), c(item.spec.filler_line[1])),
        )
        rows = tuple(
            Row(
                tuple(
                    Cell(c(cell.text), c(cell.value) if isinstance(cell.value, str) else cell.value)
                    for cell in row.cells
                ),
                row.is_total,
            )
            for row in item.rows
        )
        return Table(spec, rows, tuple(c(n) for n in item.notes))

    def chart(item: Chart) -> Chart:
        return dataclasses.replace(
            item,
            title=c(item.title),
            caption=c(item.caption),
            description=c(item.description),
            categories=tuple(c(label) for label in item.categories),
            category_title=c(item.category_title),
            series=tuple(dataclasses.replace(s, name=c(s.name)) for s in item.series),
            value_axis=c(item.value_axis),
            unit=c(item.unit),
        )

    return dataclasses.replace(
        document,
        title=c(document.title),
        recipients=c(document.recipients),
        blocks=tuple(block(b) for b in document.blocks),
        attachment_note=tuple(c(n) for n in document.attachment_note),
        signer=c(document.signer),
        date=c(document.date),
        signer_line=c(document.signer_line),
        date_line=c(document.date_line),
        attachments=tuple(
            Attachment(c(a.label), table(a.table), tuple(chart(ch) for ch in a.charts))
            for a in document.attachments
        ),
        filler=c(document.filler),
    )
