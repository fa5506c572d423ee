"""The document's parts as values: headings, paragraphs, attachments, layout words and the ``Document``.

What the format step hands every writer: finished text with its numbers and markers, nothing left to
compute.  Frozen so a writer cannot change what another writer will print.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from reportgen.base.zipfiles import FIXED_TIME
from reportgen.document.banner import BannerLines
from reportgen.document.charts import Chart
from reportgen.document.tables import Table
from reportgen.document.widths import Widths, page_widths


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    marker: str
    text: str
    kind: ClassVar[str] = "heading"  # lets a template tell blocks apart without isinstance

    @property
    def full(self) -> str:
        return self.marker + self.text


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Body text; ``lead`` is a run-in heading printed at its start in the heading's font."""

    text: str
    lead: str = ""
    lead_level: int = 0
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True, slots=True)
class TableBlock:
    """A declared table placed in the body (位置: 正文, or after a section): its title centred above
    it; ``number`` counts the body's tables from 0 (the .docx fills each one in by it)."""

    table: Table
    number: int
    kind: ClassVar[str] = "table"

    @property
    def widths(self) -> Widths:
        """Its columns across the portrait 版心, as the .docx sets them (the HTML's ``<col>``)."""
        return page_widths(self.table, portrait=True)


Block = Heading | Paragraph | TableBlock


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attached table, and the charts drawn from it (shown after it) when the report has charts.

    ``portrait``: set on a portrait page (the table fits the 156 mm 版心 with no figure or word
    broken, and there is no chart); else on a landscape one (9704 8)."""

    label: str
    table: Table
    charts: tuple[Chart, ...] = ()
    portrait: bool = False
    title_lines: tuple[
        str, ...
    ] = ()  # the 附件标题 as printed on its page (``titles``), set with ``portrait``

    @property
    def widths(self) -> Widths:
        """Its columns across the 版心 of its page, as the .docx sets them: the HTML's ``<col>``
        take their shares from it, so a browser and Word give the table the same proportions."""
        return page_widths(self.table, portrait=self.portrait)


@dataclass(frozen=True, slots=True)
class Colophon:
    """The 版记's lines as printed (GB/T 9704 7.4): ``copy_to`` “抄送：甲，乙。” ("" when none),
    ``issuer`` the 印发机关, ``issued`` “2024年10月9日印发”."""

    copy_to: str
    issuer: str
    issued: str


SEAL_MM = 42  # the seal's printed width: a 县级 organ's round seal is 4.2 cm across [P]


@dataclass(frozen=True, slots=True)
class Seal:
    """The 印章 over the 落款 (GB/T 9704 7.3.5.1): the PNG, its size in pixels, and where its centre
    stands: ``centre_quarters`` quarter-字 from the 版心's left edge (the middle of the 成文日期, over
    which the 署名 is centred); printed ``SEAL_MM`` wide."""

    png: bytes = field(repr=False)
    width: int
    height: int
    centre_quarters: int


class Words(Mapping[str, str]):
    """The fixed words of the layouts, keyed by their Simplified form; immutable, hashable and
    picklable like the rest of a ``Document``."""

    __slots__ = ("_words",)

    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = dict(words)

    def __getitem__(self, key: str) -> str:
        return self._words[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def __hash__(self) -> int:
        return hash(tuple(self._words.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and self._words == other._words

    def __reduce__(self) -> tuple[type[Words], tuple[dict[str, str]]]:
        return Words, (self._words,)

    def __repr__(self) -> str:
        return f"Words({self._words!r})"


# The words the layouts print themselves (sheet names, form headers, bylines): writers and templates
# look them up in ``Document.words``, which Traditional output converts with every other text, so no
# fixed word of a layout stays in Simplified.
LAYOUT_WORDS = Words(
    {
        "登记表": "登记表",  # .xlsx sheet of an annual report's form
        "主要指标": "主要指标",  # .xlsx sheet of the figures of a report without a 一览表
        "图表": "图表",  # .xlsx sheet of the charts
        "项目": "项目",  # header of the form in Markdown
        "内容": "内容",
        "见下文": "见下文",  # the form's 正文栏 row in Markdown: 见下文“…”
        "图略": "图略，见 HTML、Word 或 PDF 版",  # a chart in Markdown
        "来源": "来源",  # byline of a web article (社会救助)
        "时间": "时间",
    }
)


# The document properties' date (core.xml, the PDF's dates) of a report without 成文日期 (a kind may
# go without): the fixed date every package member carries, so the bytes stay the same on every run
# and no date is claimed that the ledger does not give.
UNDATED = datetime.date(*FIXED_TIME[:3])


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    title_lines: tuple[str, ...]  # the title as printed: broken between words, 梯形/菱形 (``titles``)
    recipients: str
    blocks: tuple[Block, ...]
    attachment_note: tuple[str, ...]
    # each 附件说明 entry as the .docx prints it: its name broken between words (``titles.note_lines``)
    attachment_note_lines: tuple[tuple[str, ...], ...]
    signer: str
    date: str
    signer_line: str  # 署名 and 成文日期 padded so they stand as 9704 7.3.5.2 places them
    date_line: str
    attachments: tuple[Attachment, ...]
    filler: str
    issued: datetime.date  # the 成文日期 itself, for document properties (never "now"); else UNDATED
    figures: Table | None = None  # 主要指标: in the workbook of a report that has no 一览表
    particulars: tuple[tuple[str, str], ...] = ()  # 要素 (label, rendered text), under the title
    salutation: str = ""  # 称呼 with its full-width colon, flush left before the body
    body_row: str = ""  # the 要素 row whose cell holds the blocks (a 登记表); "" = the blocks follow
    form: Table | None = None  # that 登记表 as a table (label | content), for the workbook
    # the layouts' fixed words (``LAYOUT_WORDS``), in the document's script
    words: Words = LAYOUT_WORDS
    language: str = "zh-CN"  # BCP 47 tag of the document's script (HTML ``lang``)
    banner: BannerLines | None = None  # 版头 above the title (GB/T 9704 7.2); None: the ledger has none
    colophon: Colophon | None = None  # 版记, at the foot of the last even page
    seal: Seal | None = None  # 印章 over the 落款; the lines are then placed by 7.3.5.1
