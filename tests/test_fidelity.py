"""Every output says what the document says: character for character, in order.

The reference is the ``Document`` the writers receive (``reportgen.document.build``): its title, 要素,
blocks, 附件说明, 落款 and tables, as a list of text units (a paragraph, a heading, a table cell) in
reading order.  Each format is read back from its real bytes — the .docx with python-docx's XML, the
PDF with ``pdftotext -raw``, the HTML with an HTML parser, the Markdown through a CommonMark parser,
the .xlsx cells with openpyxl — and must give exactly those units.  What a format legitimately does
differently is a precise rule below (``reference``, ``pdf_body_text``), never a "contains" check:

* Whitespace: the .docx keeps every character, spaces included.  HTML and Markdown collapse runs
  of ASCII white space and trim it at the ends of a block (HTML's own rule; full-width spaces stay).
  pdftotext spaces glyphs by position, so the PDF is compared with all white space removed — and
  then as one string, so a lost or doubled mark anywhere fails.
* The PDF adds ``— N —`` on every page (checked: exactly one, numbered N, at the page's start or
  end) and repeats a table's header at the top of each continuation page (dropped once there).
* The .docx prints 落款/成文日期 padded (``signer_line``); HTML and Markdown print them bare.  The
  web-article kind (社会救助) prints a 来源/时间 byline and no 落款 in HTML and Markdown.
* Markdown flattens a two-level header to ``上级·下级`` labels and writes the filler line as one
  line (``左　　右``); a chart is its caption followed by “（图略，见 HTML、Word 或 PDF 版）”.
* The layouts' own words (来源/时间, 项目/内容, 见下文, 图略, sheet names) are ``Document.words``, in the
  document's script like every other text.
* A row group's label merged down its rows prints once (Markdown, which cannot merge, repeats it).
* The .xlsx holds the tables only (the 登记表, each 附件, 主要指标, the 图表 data): each sheet's cells
  row by row, a number shown as its number format shows it.

Stress ledgers put punctuation marks at every column of a 28-字 line (and just past a full line,
where LibreOffice's hanging punctuation used to drop them), figures with units (万元, %, 人次), in
every report kind, Simplified and Traditional.
"""

from __future__ import annotations

import difflib
import functools
import html.parser
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from lxml import etree
from markdown_it import MarkdownIt

import reportgen
from reportgen import ReportChoices
from reportgen.api import Report
from reportgen.base.resources import builtin_templates
from reportgen.document.blocks import Document, Heading, TableBlock
from reportgen.document.tables import Table
from reportgen.kinds import find_kinds
from reportgen.ledger.yaml.write import yaml_text
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.pool import PdfPool, pool_available
from reportgen.render.pdf.soffice import pdf_available
from tests.test_excel_ledger import rewrite_part

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [
    *sorted((ROOT / "samples").glob("*.yaml")),
    *sorted((ROOT / "samples" / "complete").glob("*.yaml")),
    ROOT / "samples" / "rollup" / "青山市.yaml",  # 汇总: figures summed from the counties' ledgers
]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WEB_ARTICLE_KINDS = {"assistance-summary"}  # HTML/Markdown: 来源/时间 byline, no 落款
needs_pdf = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice or poppler-utils missing"
)


# -- the reference: the document's text units, per format ------------------------------------------
def reference(document: Document, kind: str, fmt: str) -> list[str]:
    """The units of ``document`` in the order ``fmt`` prints them (the module docstring's rules)."""
    web = fmt in ("html", "md") and kind in WEB_ARTICLE_KINDS
    # the title as printed: broken between words (a line break in the .docx, <br> in HTML)
    units = banner_units(document, fmt) + {
        "docx": ["\n".join(document.title_lines)],
        "html": list(document.title_lines),
    }.get(fmt, [document.title])
    if web:
        words = document.words
        units.append(f"{words['来源']}：{document.filler}\u3000{words['时间']}：{document.date}")
    blocks: list[str] = []
    for block in document.blocks:
        if isinstance(block, TableBlock):  # a table placed in the body: its title, header and cells
            blocks += table_units(block.table, fmt, in_body=True)
        else:
            blocks.append(block.full if isinstance(block, Heading) else block.lead + block.text)
    if document.body_row:  # a 登记表: label | value rows, the narrative in its body row
        if fmt == "md":
            units += [document.words["项目"], document.words["内容"]]
        for label, value in document.particulars:
            units.append(label)
            if label != document.body_row:
                units.append(value)
            elif fmt == "md":
                units.append(f"{document.words['见下文']}“{label}”")
            else:
                units += blocks
        if fmt == "md":
            units += [document.body_row, *blocks]
    else:
        units += [f"{label}：{value}" for label, value in document.particulars]
    units += [document.recipients, document.salutation]
    if not document.body_row:
        units += blocks
    # the .docx breaks each 附件说明 entry's name between words (a line break in the paragraph)
    units += (
        ["\n".join(lines) for lines in document.attachment_note_lines]
        if fmt == "docx"
        else document.attachment_note
    )
    if fmt == "docx":
        units += [document.signer_line, document.date_line]
    elif not web:
        units += [document.signer, document.date]
    for attachment in document.attachments:
        table = table_units(attachment.table, fmt)
        # the 附件标题 as printed: broken between words like the document's title
        title = {"docx": ["\n".join(attachment.title_lines)], "html": list(attachment.title_lines)}
        units += [attachment.label, *title.get(fmt, table[:1]), *table[1:]]
        for chart in attachment.charts:
            units.append(f"{chart.caption}（{document.words['图略']}）" if fmt == "md" else chart.caption)
        units += attachment.table.notes
    units += colophon_units(document, fmt)
    return [u for u in units if u]


def colophon_units(document: Document, fmt: str) -> list[str]:
    """The 版记's lines (after every 附件): in the .docx it is a footer, which ``docx_units`` does not read
    (the PDF test adds it, ``pdf_body_text``); Markdown sets the 印发机关 and date apart by two full-width
    spaces, HTML by its layout."""
    colophon = document.colophon
    if colophon is None or fmt == "docx":
        return []
    gap = "\u3000\u3000" if fmt == "md" else ""
    return [colophon.copy_to, colophon.issuer + gap + colophon.issued]


def banner_units(document: Document, fmt: str) -> list[str]:
    """The 版头's lines: 份号, 密级, 紧急程度; the 标志 (the .docx's joint names a paragraph each and the 文件
    beside them, HTML's names one cell, Markdown's one line); the 发文字号 with the 签发人 (the .docx sets
    them apart by tab stops, Markdown by two full-width spaces, HTML by its layout)."""
    banner = document.banner
    if banner is None:
        return []
    units = list(banner.top_lines)
    if not banner.joint:
        units.append(banner.agencies[0])
    elif fmt == "docx":
        units += [*banner.agencies, banner.suffix]
    elif fmt == "html":
        units += ["".join(banner.agencies), banner.suffix]
    else:
        units.append("\u3000".join(banner.agencies) + banner.suffix)
    lines = banner.signer_lines
    for i, names in enumerate(lines):
        number = banner.number if i == len(lines) - 1 else ""
        label = banner.signer_label if i == 0 else ""
        if fmt == "docx":
            units.append(f"\t{number}\t{label or chr(9)}{names}")
        elif fmt == "md":
            units.append(f"{number}\u3000\u3000{label}{names}" if number else f"{label}{names}")
        else:
            units.append(f"{number}{label}{names}")
    if not lines:
        units.append(banner.number)
    return units


def table_units(table: Table, fmt: str, *, in_body: bool = False) -> list[str]:
    """Title, filler line (an attachment's), header and cells of a table, as ``fmt`` lays them out."""
    spec = table.spec
    left, right = spec.filler_line
    filler = {"docx": [f"{left}\t{right}"], "md": [f"{left}\u3000\u3000{right}"], "html": [left + right]}
    if not left and not right:  # Markdown's line of two full-width spaces alone shows nothing
        filler["md"] = []
    if fmt == "md":
        header = list(spec.flat_labels())
    else:
        header = [c.label for c in sorted(spec.header_cells(), key=lambda c: (c.row, c.col))]
    # A merged row-group label prints once (its covered cells hold the same text); Markdown repeats it.
    cells = [cell.text for row in table.rows for cell in row.cells if cell.span or fmt == "md"]
    return [spec.title, *([] if in_body else filler.get(fmt, [left, right])), *header, *cells]


def xlsx_reference(document: Document) -> list[list[str]]:
    """Each sheet's texts: the 登记表, each 附件 (then its 图表 data), 主要指标."""
    words = document.words
    sheets = [[words["登记表"], *table_units(document.form, "xlsx")]] if document.form is not None else []
    in_body = [b.table for b in document.blocks if isinstance(b, TableBlock)]
    sheets += [[f"表{i}", *table_units(table, "xlsx")] for i, table in enumerate(in_body, start=1)]
    for attachment in document.attachments:
        sheets.append([attachment.label, *table_units(attachment.table, "xlsx")])
        if attachment.charts:
            chart_units: list[str] = []
            for chart in attachment.charts:
                chart_units += [chart.caption, chart.category_title, *(s.name for s in chart.series)]
                for index, category in enumerate(chart.categories):
                    # a gap (no value) is an empty cell, not the “—” the table shows
                    points = [s.points[index] for s in chart.series]
                    chart_units += [category, *(p.text for p in points if p.value is not None)]
            sheets.append(chart_units)
    if document.figures is not None:
        sheets.append([words["主要指标"], *table_units(document.figures, "xlsx")])
    return [[u for u in sheet if u] for sheet in sheets]


# -- reading each format back ----------------------------------------------------------------------
def docx_units(data: bytes) -> list[str]:
    """Every non-empty paragraph of the body (tables included, cell by cell); headers and footers
    (the page numbers) are other parts and left out.  A tab is ``\\t``, a line break ``\\n`` —
    except in a table's header cell, where a break is only where the label wraps between words
    (``document.widths``), not part of its text."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    units = []
    for paragraph in root.iter(f"{W}p"):
        text = []
        for node in (n for run in paragraph.iter(f"{W}r") for n in run):  # not pPr's tab stops
            if node.tag == f"{W}t":
                text.append(node.text or "")
            elif node.tag == f"{W}tab":
                text.append("\t")
            elif node.tag == f"{W}br" and node.get(f"{W}type") != "page":
                text.append("\n")
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == "RGTableHead":
            text = [t.replace("\n", "") for t in text]
        if "".join(text):
            units.append("".join(text))
    return units


_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "main", "br", "hr", "ul", "ol", "li"}
    | {"table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption"}
)
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")


class _HtmlUnits(html.parser.HTMLParser):
    """Text between block boundaries; the <head> (title, CSS) and attributes (alt text) are not shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[str] = []
        self._buffer: list[str] = []
        self._hidden = 0

    def _flush(self) -> None:
        text = _ASCII_SPACE.sub(" ", "".join(self._buffer)).strip(" ")
        if text:
            self.units.append(text)
        self._buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("head", "style", "script"):
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script"):
            self._hidden -= 1
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._buffer.append(data)


def html_units(text: str) -> list[str]:
    parser = _HtmlUnits()
    parser.feed(text)
    parser.close()
    parser._flush()
    return parser.units


def markdown_units(text: str) -> list[str]:
    """What a CommonMark reader shows: the Markdown rendered (tables, inline <br>), then as HTML."""
    return html_units(MarkdownIt("commonmark").enable("table").render(text))


def normalise_html(units: list[str]) -> list[str]:
    """The reference under HTML's white-space rule (what ``html_units`` does to the page)."""
    return [t for t in (_ASCII_SPACE.sub(" ", u).strip(" ") for u in units) if t]


def pdftotext(pdf: bytes, mode: str) -> list[str]:
    """Each page's text: ``-raw`` in content-stream order (LibreOffice writes a table cell by cell),
    ``-layout`` line by line as printed."""
    out = subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode("utf-8").split("\f")[:-1]


def raw_page_texts(pdf: bytes) -> list[str]:
    """Each page's text in content-stream order, without white space."""
    return ["".join(page.split()) for page in pdftotext(pdf, "-raw")]


def pdf_body_text(pages: list[str], document: Document) -> str:
    """The pages joined after taking off each page's number and a continuation page's repeated
    table header (the module docstring's rule); fails if a page lacks its number."""
    tables = [a.table for a in document.attachments]
    tables += [b.table for b in document.blocks if isinstance(b, TableBlock)]  # 位置: 正文 tables too
    headers = [
        "".join(c.label for c in sorted(t.spec.header_cells(), key=lambda c: (c.row, c.col))) for t in tables
    ]
    text = []
    for number, page in enumerate(pages, start=1):
        mark = f"—{number}—"
        if document.colophon is not None and (number == len(pages) or not page):
            text.append(page)  # the 版记's page and a blank page before it have no number (9704 7.5)
            continue
        if page.startswith(mark):
            page = page[len(mark) :]
        elif page.endswith(mark):
            page = page[: -len(mark)]
        else:
            raise AssertionError(f"page {number} does not start or end with its number {mark}: {page[:40]}…")
        repeated = next((h for h in headers if number > 1 and h and page.startswith(h)), "")
        text.append(page[len(repeated) :])
    return "".join(text)


def xlsx_sheets(data: bytes) -> list[list[str]]:
    """Each visible sheet's non-empty cells, row by row, as Excel shows them (cached formula values)."""
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    return [
        [
            shown
            for row in sheet.iter_rows()
            for cell in row
            if (shown := excel_shown(cell.value, cell.number_format))
        ]
        for sheet in book.worksheets
        if sheet.sheet_state == "visible"
    ]


_FIXED = re.compile(r"0(?:\.(0+))?(%?)")


def excel_shown(value: object, number_format: str) -> str:
    """A cell's text as Excel displays it, for the number formats reportgen writes."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    assert isinstance(value, int | float) and not isinstance(value, bool), value
    number = Decimal(str(value))
    if number_format == "General":
        return f"{number.normalize():f}"
    match = _FIXED.fullmatch(number_format)
    assert match is not None, f"number format {number_format!r} not understood"
    digits, percent = len(match.group(1) or ""), match.group(2)
    if percent:
        number *= 100
    return f"{number.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP):f}{percent}"


def first_difference(expected: list[str], actual: list[str]) -> str:
    """Where two unit lists part: the unit's index and its characters that differ."""
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            return f"unit {index}: " + "; ".join(missing_marks(want, got))
    extra = expected[len(actual) :][:2] or actual[len(expected) :][:2]
    return f"{len(expected)} units expected, {len(actual)} read; first extra: {extra!r}"


def missing_marks(expected: str, actual: str) -> list[str]:
    """Each place where ``actual`` parts from ``expected`` (an in-order alignment): the lost or
    changed characters in brackets with their context, so a failure names every lost mark."""
    matcher = difflib.SequenceMatcher(None, expected, actual, autojunk=False)
    return [
        f"{op}: …{expected[max(0, i1 - 8) : i1]}[{expected[i1:i2]}]{expected[i2 : i2 + 5]}…→[{actual[j1:j2]}]"
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


# -- the ledgers -----------------------------------------------------------------------------------
MARKS = "，。、；：？！”）》"  # may end a line, may not start one
PAIRS = ("。”", "”，", "）。", "》、", "！”")  # two marks at a line end
OPENERS = "“（《"  # may not end a line
HANGING = "，。、"  # what LibreOffice hangs past the right margin (and dropped from justified lines)
FILLER = "民政部门持续加强社会救助兜底保障能力建设推进城乡低保特困供养临时救助制度统筹衔接"
STRESS_FIGURES = {
    "压测金额": {"名称": "压力测试资金", "数值": "1234.5678", "单位": "万元"},
    "压测人次": {"名称": "压力测试救助人次", "数值": "45678", "单位": "人次"},
    "压测完成": {"名称": "压力测试完成人数", "数值": "37", "单位": "人"},
    "压测计划": {"名称": "压力测试计划人数", "数值": "98", "单位": "人"},
    "压测比例": {"名称": "压力测试完成比例", "比例": {"分子": "压测完成", "分母": "压测计划"}},
}
NUMBERS = "发放{{ 压测金额 | 万元 }}，救助{{ 压测人次 | 人次 }}，完成比例{{ 压测比例 | 百分比 }}"


def filler(count: int, start: int = 0, every: int = 0) -> str:
    """``count`` characters of running text; with ``every``, each ``every``-th is a mark (a line with
    marks in it is what LibreOffice compresses, and where a mark past its end was lost)."""
    return "".join(
        MARKS[(start + i) % len(MARKS)]
        if every and i % every == every - 1
        else FILLER[(start + i) % len(FILLER)]
        for i in range(count)
    )


def stress_paragraphs() -> list[str]:
    """A body paragraph's first line holds 26 字 (2 字 indent), the next 28: put each of ，。、 (the
    marks LibreOffice hangs) at every column 1…28 of the second line and at column 29 (one past a
    full line); then every mark at columns 27…29 in text with marks in it (every 5th or 7th
    character); then pairs and opening marks at the line end.  Each paragraph ends in figures with
    units."""
    paragraphs = []
    for column in range(1, 30):
        for index, mark in enumerate(HANGING):
            head = filler(26 + column - 1, column + index)
            paragraphs.append(head + mark + filler(4, column) + NUMBERS + "。")
    for every in (5, 7):
        for column in range(27, 30):
            for index, mark in enumerate(MARKS):
                paragraphs.append(filler(26 + column - 1, index, every) + mark + filler(4, index) + "。")
    for index, pair in enumerate(PAIRS):
        paragraphs.append(filler(26 + 28, index, 6) + pair + filler(8, index) + NUMBERS + "。")
    for index, opener in enumerate(OPENERS):
        paragraphs.append(filler(26 + 27, index, 7) + opener + "兜底保障" + "”）》"[index] + NUMBERS + "。")
    return paragraphs


def sample_of_each_kind() -> dict[str, Path]:
    return {kind.id: ROOT / kind.sample for kind in find_kinds((), builtin_templates()) if kind.sample}


def stress_ledger(sample: Path) -> str:
    """``sample`` with the stress figures and a section of stress paragraphs (the library's writer)."""
    data = yaml.safe_load(sample.read_text(encoding="utf-8"))
    data["指标"] = {**data.get("指标", {}), **STRESS_FIGURES}
    data["正文"] = [*data.get("正文", []), {"标题": "标点、数字与单位", "段落": stress_paragraphs()}]
    return yaml_text(data)


@functools.cache
def report_of(source: str, script: str, stress: bool) -> Report:
    path = Path(source)
    choices = ReportChoices(script=script)
    if stress:
        return reportgen.loads(stress_ledger(path), name=path.name, choices=choices)
    return reportgen.load(path, choices=choices)


PdfOf = Callable[[str, str, bool], bytes]


@pytest.fixture(scope="module")
def pdf_of() -> Iterator[PdfOf]:
    """A case's PDF as ``render_pdf`` prints it (its .docx through LibreOffice), each made once, by a
    warm office of this module's own that is closed when the module is done (the shared pool would
    outlive it, and test_pdf_pool checks that no office of this process is left)."""
    pool = PdfPool(1) if pool_available() else None
    made: dict[tuple[str, str, bool], bytes] = {}

    def convert(source: str, script: str, stress: bool) -> bytes:
        key = (source, script, stress)
        if key not in made:
            docx = report_of(*key).to_bytes("docx")
            made[key] = pool.convert(docx, ".docx") if pool else convert_to_pdf(docx, ".docx")
        return made[key]

    try:
        yield convert
    finally:
        if pool is not None:
            pool.close()


# 表格: the five shapes, and tables placed in the body (after a section, at its end) beside an attachment
DECLARED_TABLES = [
    *sorted((ROOT / "tests" / "data" / "tables").glob("*.yaml")),
    ROOT / "tests/data/placed-tables.yaml",
]
CASES = [pytest.param(str(p), "hans", False, id=p.stem) for p in [*SAMPLES, *DECLARED_TABLES]]
STRESS_CASES = [
    pytest.param(str(path), script, True, id=f"stress-{kind}-{script}")
    for kind, path in sorted(sample_of_each_kind().items())
    for script in ("hans", "hant")
]


# -- the tests -------------------------------------------------------------------------------------
def test_stress_ledgers_cover_every_kind() -> None:
    """Every kind ``reportgen kinds`` lists has a sample, so every kind gets a stress ledger."""
    assert set(sample_of_each_kind()) == {kind.id for kind in find_kinds((), builtin_templates())}


def test_stress_narrative_reaches_the_document() -> None:
    """The generated paragraphs are in the document as written, figures filled in with units."""
    report = report_of(str(SAMPLES[0]), "hans", True)
    texts = [b.text for b in report.document.blocks if not isinstance(b, Heading)]
    shown = "发放1234.5678万元，救助45678人次，完成比例37.8%"
    stressed = [t for t in texts if shown in t]
    assert len(stressed) == 29 * len(HANGING) + len(PAIRS) + len(OPENERS)
    assert [t[26 + 28] for t in stressed[28 * 3 : 29 * 3]] == list(HANGING)  # one past a full line


@pytest.mark.parametrize(("source", "script", "stress"), CASES + STRESS_CASES)
@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_text_formats_hold_the_document_text(source: str, script: str, stress: bool, fmt: str) -> None:
    report = report_of(source, script, stress)
    data = report.to_bytes(fmt)
    expected = reference(report.document, report.kind.id, fmt)
    if fmt == "docx":
        actual = docx_units(data)
    else:
        text = data.decode("utf-8")
        actual = html_units(text) if fmt == "html" else markdown_units(text)
        expected = normalise_html(expected)
    assert actual == expected, first_difference(expected, actual)


@pytest.mark.parametrize(("source", "script", "stress"), CASES + STRESS_CASES)
def test_xlsx_cells_hold_the_document_tables(source: str, script: str, stress: bool) -> None:
    report = report_of(source, script, stress)
    actual = xlsx_sheets(report.to_bytes("xlsx"))
    expected = xlsx_reference(report.document)
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual, strict=True):
        assert got == want, first_difference(want, got)


@needs_pdf
@pytest.mark.parametrize(("source", "script", "stress"), CASES + STRESS_CASES)
def test_pdf_holds_the_document_text(pdf_of: PdfOf, source: str, script: str, stress: bool) -> None:
    """Every character of the .docx's text is on the PDF's pages, in order — the marks at the ends of
    full 28-字 lines included (LibreOffice's hanging punctuation dropped them from justified lines)."""
    report = report_of(source, script, stress)
    printed = reference(report.document, report.kind.id, "docx") + colophon_units(report.document, "pdf")
    expected = "".join("".join(printed).split())
    actual = pdf_body_text(raw_page_texts(pdf_of(source, script, stress)), report.document)
    lost = missing_marks(expected, actual)
    assert not lost, "\n".join(lost)


def paragraph_lines(pdf: bytes, paragraphs: list[str]) -> list[list[str]]:
    """The printed lines of each of ``paragraphs`` (consecutive, in order), from ``pdftotext
    -layout`` without white space and page numbers; fails if the lines do not spell them."""
    printed_lines = ("".join(raw.split()) for page in pdftotext(pdf, "-layout") for raw in page.splitlines())
    lines = [line for line in printed_lines if line and not re.fullmatch(r"—\d+—", line)]
    index = next(i for i, line in enumerate(lines) if paragraphs[0].startswith(line))
    result = []
    for paragraph in paragraphs:
        printed: list[str] = []
        while "".join(printed) != paragraph:
            printed.append(lines[index])
            index += 1
            assert paragraph.startswith("".join(printed)), (paragraph, printed)
        result.append(printed)
    return result


@needs_pdf
def test_lines_hold_28_zi_and_a_mark_past_a_full_line_takes_its_zi_down(pdf_of: PdfOf) -> None:
    """The 28-字 grid survives the fix: a first line holds 26 字 after its 2-字 indent, a full line
    28, and a ，。、 that would be the 29th (or the 27th of a first line) takes the line's last 字
    with it to the next line (LibreOffice no longer hangs it, so the line holds 27 or 25).  A full
    body page holds 22 lines (+ its page number)."""
    source = str(ROOT / "samples" / "jialing-2024q3.yaml")
    report = report_of(source, "hans", True)
    texts = [b.text for b in report.document.blocks if not isinstance(b, Heading)]
    start = next(i for i, t in enumerate(texts) if "发放1234.5678万元" in t)
    plain = texts[start : start + 29 * len(HANGING)]
    pdf = pdf_of(source, "hans", True)
    for index, (text, lines) in enumerate(zip(plain, paragraph_lines(pdf, plain), strict=True)):
        column = index // len(HANGING) + 1
        if column == 1:
            assert lines[0] == text[:25] and lines[1].startswith(text[25:27]), lines
        elif column == 29:
            assert lines[:2] == [text[:26], text[26:53]] and lines[2].startswith(text[53:55]), lines
        else:
            assert lines[0] == text[:26], lines
            if column >= 22:  # the second line is all 字 up to its mark
                assert lines[1] == text[26:54], lines
    counts = [sum(1 for line in page.splitlines() if line.strip()) for page in pdftotext(pdf, "-layout")]
    body = counts[1 : counts.index(min(counts[1:]))]  # full pages after the title page, before the last
    assert len(body) > 20 and set(body) == {22 + 1}, counts


def without_overflow_punct(template: bytes) -> bytes:
    """A Word template as users make them: no 允许标点溢出边界 (Word's default needs no saying)."""

    def dropped(styles: bytes) -> bytes:
        changed, count = re.subn(rb'<w:overflowPunct w:val="1"/>', b"", styles)
        assert count == 1
        return changed

    return rewrite_part(template, "word/styles.xml", dropped)


@needs_pdf
def test_a_users_template_without_overflow_punct_loses_no_mark(tmp_path: Path) -> None:
    """LibreOffice hangs a ，。、 past a full line unless the .docx says 允许标点溢出边界, and drops it
    from a justified line: the copy it prints says so, the user's .docx is untouched."""
    from reportgen.render import RenderOptions
    from reportgen.render.pdf.punctuation import punctuation_kept

    template = tmp_path / "mine.docx"
    template.write_bytes(without_overflow_punct((builtin_templates() / "report.docx").read_bytes()))
    sample = ROOT / "samples" / "jialing-2024q3.yaml"
    options = RenderOptions(docx_template=template)
    report = reportgen.loads(stress_ledger(sample), name=sample.name, options=options)
    docx = report.to_bytes("docx")
    assert b"overflowPunct" not in zipfile.ZipFile(io.BytesIO(docx)).read("word/styles.xml")
    ours = reportgen.load(sample).to_bytes("docx")
    assert punctuation_kept(ours) is ours  # our templates say it: their PDFs are the bytes they were
    printed = reference(report.document, report.kind.id, "docx") + colophon_units(report.document, "pdf")
    expected = "".join("".join(printed).split())
    actual = pdf_body_text(raw_page_texts(report.to_bytes("pdf")), report.document)
    lost = missing_marks(expected, actual)
    assert not lost, "\n".join(lost)
