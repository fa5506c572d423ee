"""The end of a GB/T 9704 document on the real artefacts: the 落款 (7.3.5.2) placed by its first
characters and never alone on a page, and the 版记 (7.4) at the foot of the last, even page.

The .docx is read with python-docx; the PDF that LibreOffice prints from it with ``pdftotext -bbox``
(word boxes, in points) and ``pdftoppm`` (the rules of the 版记, found as dark pixel rows).
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION

import reportgen
from reportgen import ReportError
from reportgen.document.textwidth import display_width
from reportgen.render.docx import layout
from reportgen.render.pdf.soffice import pdf_available
from tests.conftest import JIALING, MINIMAL, QINGSHAN
from tests.test_excel_ledger import round_trip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PT_PER_MM = 72 / 25.4
ZI = 16 - 0.25  # one 字 of the body on the page: 3号 less the grid's tightening (layout.BODY_CHAR_SPACING)

COLOPHON = """
版记:
  抄送: [县人民政府办公室, 县财政局, 县审计局, 县统计局, 县发展和改革局, 各乡镇人民政府]
  印发机关: 青山县民政局办公室
  印发日期: 2024-10-09
"""

needs_pdf = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice or poppler-utils missing",
)


def short_signer(extra: str = "") -> str:
    """MINIMAL without its 一览表 (one page) and with a 署名 shorter than its date: 青山区民政局 (6 字),
    2024年10月9日 (6½ 字)."""
    text = re.sub(r"(?m)^落款: .*$", "落款: 青山区民政局", MINIMAL.split("一览表:")[0])
    return re.sub(r"(?m)^成文日期: .*$", "成文日期: 2024-10-09", text) + extra


# -- the ledger ---------------------------------------------------------------------------------------


def test_the_colophon_is_read_from_the_ledger() -> None:
    report = reportgen.loads(MINIMAL + COLOPHON, "c.yaml")
    colophon = report.ledger.colophon
    assert colophon is not None
    assert colophon.copy_to[:2] == ("县人民政府办公室", "县财政局") and len(colophon.copy_to) == 6
    assert (colophon.issuer, colophon.issued.isoformat()) == ("青山县民政局办公室", "2024-10-09")
    assert reportgen.loads(MINIMAL, "c.yaml").ledger.colophon is None


def test_a_colophon_without_its_issuer_is_an_error() -> None:
    with pytest.raises(ReportError) as caught:
        reportgen.loads(MINIMAL + "版记:\n  抄送: [县财政局]\n  印发日期: 2024-10-09\n", "c.yaml")
    [problem] = caught.value.problems
    assert (problem.code, problem.place) == ("RG104", "版记.印发机关")


def test_the_colophon_goes_to_excel_and_back_losslessly() -> None:
    trip = round_trip((MINIMAL + COLOPHON).encode("utf-8"))
    assert "版记:\n  抄送: [县人民政府办公室, 县财政局" in trip.yaml
    assert all(model.colophon == trip.models[0].colophon for model in trip.models)


def test_the_colophon_lines_as_9704_writes_them() -> None:
    """7.4.2: 抄送机关 separated by commas, a 句号 after the last; 7.4.3: the date in full, no
    leading zeros, followed by 印发."""
    colophon = reportgen.loads(MINIMAL + COLOPHON, "c.yaml").document.colophon
    assert colophon is not None
    assert (
        colophon.copy_to
        == "抄送：县人民政府办公室，县财政局，县审计局，县统计局，县发展和改革局，各乡镇人民政府。"
    )
    assert (colophon.issuer, colophon.issued) == ("青山县民政局办公室", "2024年10月9日印发")
    html = reportgen.loads(MINIMAL + COLOPHON, "c.yaml").to_bytes("html").decode()
    assert '<p class="issued"><span>青山县民政局办公室</span><span>2024年10月9日印发</span></p>' in html
    markdown = reportgen.loads(MINIMAL + COLOPHON, "c.yaml").to_bytes("md").decode()
    assert markdown.rstrip().endswith("青山县民政局办公室　　2024年10月9日印发")


# -- the .docx ----------------------------------------------------------------------------------------


def test_the_docx_colophon_is_a_last_section_on_an_even_page() -> None:
    data = reportgen.loads(MINIMAL + COLOPHON, "c.yaml").to_bytes("docx")
    document = docx.Document(io.BytesIO(data))
    *before, last = document.sections
    assert last.start_type == WD_SECTION.EVEN_PAGE
    assert last.orientation == 0 and last.footer_distance == last.bottom_margin == layout.MARGIN_BOTTOM * 635
    # the 版记 is the even pages' footer; the odd pages' (a blank page before it) is empty
    [table] = last.even_page_footer.tables
    assert [cell.text for row in table.rows for cell in row.cells] == [
        "抄送：县人民政府办公室，县财政局，县审计局，县统计局，县发展和改革局，各乡镇人民政府。",
        "青山县民政局办公室\t2024年10月9日印发",
    ]
    assert not last.footer.is_linked_to_previous and last.footer._element.xpath("string(.)") == ""
    borders = table._tbl.tblPr.find(f"{W}tblBorders")
    sizes = {side: borders.find(f"{W}{side}").get(f"{W}sz") for side in ("top", "insideH", "bottom")}
    assert sizes == {"top": "8", "insideH": "6", "bottom": "8"}  # 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.25 mm
    for paragraph in (p for row in table.rows for cell in row.cells for p in cell.paragraphs):
        assert {run.font.size.pt for run in paragraph.runs if run.text.strip()} == {14}  # 4号
    # the body's section keeps its page numbers
    assert before and "PAGE" in before[-1].even_page_footer._element.xml


def test_a_document_without_colophon_has_no_colophon_section() -> None:
    data = reportgen.loads(MINIMAL, "c.yaml").to_bytes("docx")
    document = docx.Document(io.BytesIO(data))
    assert all(section.start_type != WD_SECTION.EVEN_PAGE for section in document.sections)
    assert b"reportgen-colophon" not in data


# -- the PDF ------------------------------------------------------------------------------------------


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """The page's words as (xMin, yMin, xMax, yMax, text), in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(pattern, html)]


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def lines_of(found: list[tuple[float, float, float, float, str]]) -> list[tuple[float, float, float, str]]:
    """Words grouped into lines by their top: (xMin, xMax, yMin, text) of each line."""
    rows: dict[float, list[tuple[float, float, float, float, str]]] = {}
    for word in found:
        rows.setdefault(round(word[1]), []).append(word)
    return [
        (min(w[0] for w in row), max(w[2] for w in row), row[0][1], "".join(w[4] for w in row))
        for _, row in sorted(rows.items())
    ]


def text_right_edge(page: int) -> float:
    """The 版心's right edge on a portrait page, in points: mirrored margins put the 订口 (28 mm) at
    the left of odd pages and at the right of even ones."""
    return (210 - (26 if page % 2 else 28)) * PT_PER_MM


def dark_rows(pdf: Path, page: int, dpi: int = 144) -> list[int]:
    """The pixel rows (from the top) of the page where more than half the 版心's width is dark: the
    rules of the 版记."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = pgm[header.end() :]
    half = 156 / 25.4 * dpi / 2
    return [y for y in range(height) if sum(1 for v in pixels[y * width : (y + 1) * width] if v < 128) > half]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """qingshan with a 版记 (its body ends on an even page: a blank page comes first), a short ledger
    with one (its body ends on page 1), and jialing (a 署名 longer than its date)."""
    out = tmp_path_factory.mktemp("colophon")
    sources = {
        "qingshan": QINGSHAN.read_text(encoding="utf-8") + COLOPHON,
        "short": short_signer(COLOPHON),
        "jialing": JIALING.read_text(encoding="utf-8"),
    }
    found = {}
    for name, text in sources.items():
        [found[name]] = reportgen.loads(text, str(out / f"{name}.yaml")).render("pdf", out)
    return found


def signature_lines(pdf: Path, signer: str) -> tuple[int, tuple[float, float], tuple[float, float]]:
    """The page of the 署名 and the (first, last) x of the 署名 and of the 成文日期 under it."""
    for page in range(1, page_count(pdf) + 1):
        lines = lines_of(words(pdf, page))
        for i, (x0, x1, _, text) in enumerate(lines):
            if text == signer:
                date = lines[i + 1]
                assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date[3])
                return page, (x0, x1), (date[0], date[1])
    raise AssertionError(f"no 署名 {signer} in {pdf}")


@needs_pdf
def test_pdf_signer_longer_than_its_date(pdfs: dict[str, Path]) -> None:
    """7.3.5.2: the 署名 右空二字, the date's first character 2 字 right of the 署名's."""
    page, signer, date = signature_lines(pdfs["jialing"], "南充市嘉陵区民政局")
    right = text_right_edge(page)
    assert abs((right - signer[1]) - 2 * ZI) < 0.25 * ZI
    assert abs((date[0] - signer[0]) - 2 * ZI) < 0.1 * ZI


@needs_pdf
def test_pdf_date_longer_than_its_signer(pdfs: dict[str, Path]) -> None:
    """7.3.5.2: a date longer than the 署名 stands 右空二字 and the 署名 moves left, the date's first
    character still 2 字 right of its own.  The offset is exact; the date's right space is exact with
    the official 仿宋_GB2312, whose digits are half a 字, and a little less with the free substitute,
    whose digits LibreOffice sets wider (spaced from the 汉字): within the 版心 either way."""
    page, signer, date = signature_lines(pdfs["short"], "青山区民政局")
    right = text_right_edge(page)
    assert abs((date[0] - signer[0]) - 2 * ZI) < 0.1 * ZI
    assert 0 < right - date[1] <= 2.1 * ZI
    assert right - signer[1] > 4 * ZI  # moved left: 右空四字半 by half-width digits


def test_docx_signature_lines_start_two_zi_apart() -> None:
    """The .docx lines themselves, for both cases: leading full-width spaces, flush left."""
    for text, signer in ((short_signer(), "青山区民政局"), (JIALING.read_text(encoding="utf-8"), "南充")):
        document = docx.Document(io.BytesIO(reportgen.loads(text, "s.yaml").to_bytes("docx")))
        by_style = {p.style.name: p.text for p in document.paragraphs if p.style.name in ("署名", "成文日期")}
        signer_line, date_line = by_style["署名"], by_style["成文日期"]
        assert signer_line.lstrip("\u3000\u2002").startswith(signer)
        lead = [len(line) - len(line.lstrip("\u3000\u2002")) for line in (signer_line, date_line)]
        halves = [
            2 * line[:n].count("\u3000") + line[:n].count("\u2002")
            for line, n in zip((signer_line, date_line), lead, strict=True)
        ]
        assert halves[1] - halves[0] == 4


@needs_pdf
def test_pdf_colophon_on_an_even_page_after_a_blank_one(pdfs: dict[str, Path]) -> None:
    """qingshan's body and 附件 end on page 4: page 5 is blank and the 版记 is on page 6, neither
    numbered (7.5), its last rule on the 版心's bottom edge (7.4.1)."""
    pdf = pdfs["qingshan"]
    assert page_count(pdf) == 6
    assert words(pdf, 5) == []
    texts = [line[3] for line in lines_of(words(pdf, 6))]
    assert texts == [
        "抄送：县人民政府办公室，县财政局，县审计局，县统计局，县发展",
        "和改革局，各乡镇人民政府。",
        "青山县民政局办公室2024年10月9日印发",
    ]
    assert_rules_at_the_foot(pdf, 6, rules=3)


@needs_pdf
def test_pdf_colophon_directly_after_an_odd_last_page(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["short"]
    assert page_count(pdf) == 2
    lines = lines_of(words(pdf, 2))
    assert [line[3] for line in lines] == [
        "抄送：县人民政府办公室，县财政局，县审计局，县统计局，县发展",
        "和改革局，各乡镇人民政府。",
        "青山县民政局办公室2024年10月9日印发",
    ]
    left = 27 * PT_PER_MM  # the 版记 page's equal margins (订口 28 ± 1 mm on either side)
    right = left + 156 * PT_PER_MM
    copy_to, wrapped, issued = lines
    assert abs(copy_to[0] - left - 14) < 1  # 左空一字 (4号: 14 pt)
    assert abs(wrapped[0] - left - 4 * 14) < 1  # under the first name, after “抄送：”
    assert abs(issued[0] - left - 14) < 1 and abs(right - issued[1] - 14) < 2  # 印发 右空一字
    assert_rules_at_the_foot(pdf, 2, rules=3)


def assert_rules_at_the_foot(pdf: Path, page: int, *, rules: int, dpi: int = 144) -> None:
    rows = dark_rows(pdf, page, dpi)
    groups: list[list[int]] = []
    for y in rows:
        if groups and y - groups[-1][-1] <= 1:
            groups[-1].append(y)
        else:
            groups.append([y])
    assert len(groups) == rules
    bottom = (297 - 35) / 25.4 * dpi  # the 版心's bottom edge
    assert abs(groups[-1][-1] - bottom) <= 0.6 / 25.4 * dpi  # within 0.6 mm
    thickness = [len(g) for g in groups]
    assert thickness[0] >= thickness[1] and thickness[-1] >= thickness[1]  # thick, thin, thick


# -- the 落款 never alone on a page (issue 17) ----------------------------------------------------------


def filled(paragraphs: int) -> str:
    """A ledger whose body of two-line paragraphs fills page 1 to its last lines: before the 落款 was
    kept with the body, its empty line, 署名 and date went to page 2 alone (8 and 9 paragraphs)."""
    words = "各项工作按计划推进，群众满意度持续提升，保障水平稳步提高，服务"
    body = "\n".join(f"      - {('今年以来' + words + words)[:52]}。" for _ in range(paragraphs))
    return (
        "标题: 测试区民政局工作情况的报告\n落款: 测试区民政局\n成文日期: 2024-10-09\n填报单位: 测试区民政局\n"
        "期间: {年度: 2024, 月份: 1—9}\n正文:\n  - 标题: 基本情况\n    段落:\n" + body + "\n"
    )


@needs_pdf
@pytest.mark.parametrize("case", ["qingshan", "filled-8", "filled-9"])
def test_the_signature_page_holds_body_text(case: str, pdfs: dict[str, Path], tmp_path: Path) -> None:
    if case == "qingshan":
        pdf, signer = pdfs["qingshan"], "青山县民政局"
    else:
        [pdf] = reportgen.loads(filled(int(case[-1])), str(tmp_path / "f.yaml")).render("pdf", tmp_path)
        signer = "测试区民政局"
    page, _, _ = signature_lines(pdf, signer)
    lines = [line[3] for line in lines_of(words(pdf, page))]
    before = lines[: lines.index(signer)]
    body = [t for t in before if not t.startswith(("附件：", "—")) and t != "览表"]
    assert body, f"page {page} holds only {[*before, signer]}"


# -- the 印章 (7.3.5.1) ---------------------------------------------------------------------------------


def seal_png(size: int = 300, height: int | None = None) -> bytes:
    """A red ring with a dot, transparent around: the shape of a seal, in pure Python."""
    tall = height or size
    centre_x, centre_y, radius = (size - 1) / 2, (tall - 1) / 2, min(size, tall) / 2 - 1
    rows = []
    for y in range(tall):
        row = bytearray(b"\0")
        for x in range(size):
            distance = ((x - centre_x) ** 2 + (y - centre_y) ** 2) ** 0.5
            ink = radius - 12 <= distance <= radius or distance <= radius * 0.3
            row += bytes((220, 0, 0, 255) if ink else (255, 255, 255, 0))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, tall, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def sealed_ledger(folder: Path, text: str | None = None, name: str = "印章.png") -> Path:
    (folder / "印章.png").write_bytes(seal_png())
    path = folder / "台账.yaml"
    path.write_text((text or QINGSHAN.read_text(encoding="utf-8")) + f"\n印章: {name}\n", encoding="utf-8")
    return path


def test_the_seal_is_read_from_the_ledgers_folder(tmp_path: Path) -> None:
    seal = reportgen.load(sealed_ledger(tmp_path)).ledger.seal
    assert seal is not None and (seal.path, seal.width, seal.height) == ("印章.png", 300, 300)
    assert seal.png.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "name,content",
    [
        ("../印章.png", None),  # out of the ledger's folder
        ("/etc/印章.png", None),
        ("印章.txt", None),
        ("假印章.png", b"GIF89a not a png at all"),
        ("大印章.png", b"big"),  # an IHDR of 5000 × 5000 (below)
        ("窄印章.png", b"narrow"),  # 300 × 64
        ("链接.png", b"link"),  # a link to a PNG outside the folder
        ("没有.png", None),  # missing
    ],
)
def test_a_seal_that_cannot_be_used_is_rg128(tmp_path: Path, name: str, content: bytes | None) -> None:
    folder = tmp_path / "台账"
    folder.mkdir()
    if content == b"big":
        (folder / name).write_bytes(seal_png(64)[:16] + struct.pack(">II", 5000, 5000) + seal_png(64)[24:])
    elif content == b"narrow":
        (folder / name).write_bytes(seal_png(300, 64))
    elif content == b"link":
        (tmp_path / "外面.png").write_bytes(seal_png())
        (folder / name).symlink_to(tmp_path / "外面.png")
    elif content is not None:
        (folder / name).write_bytes(content)
    (tmp_path / "印章.png").write_bytes(seal_png())  # what ../印章.png would reach
    with pytest.raises(ReportError) as caught:
        reportgen.load(sealed_ledger(folder, name=name))
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG129", "印章")]


def test_a_ledger_held_in_memory_may_name_no_seal(tmp_path: Path) -> None:
    """An upload (reportgen serve) has no folder: the seal would be read from the server's."""
    with pytest.raises(ReportError) as caught:
        reportgen.loads(MINIMAL + "印章: 印章.png\n", str(tmp_path / "x.yaml"))
    assert caught.value.problems[0].code == "RG129"


def test_the_docx_seal_floats_behind_the_signature(tmp_path: Path) -> None:
    data = reportgen.load(sealed_ledger(tmp_path)).to_bytes("docx")
    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    signer = next(p for p in paragraphs if p.style.name == "署名")
    date = next(p for p in paragraphs if p.style.name == "成文日期")
    seal = paragraphs[[p._p for p in paragraphs].index(signer._p) - 1]
    [anchor] = seal._p.xpath(".//wp:anchor")
    assert anchor.get("behindDoc") == "1" and anchor.xpath("./wp:wrapNone")
    assert int(anchor.xpath("string(./wp:extent/@cx)")) == 42 * 36000  # 42 mm
    # 7.3.5.1: the date 右空四字 (a line is 56 half-字), the 署名 centred over it
    assert 56 - display_width(date.text) == 8
    signer_middle = 2 * display_width(signer.text) - display_width(signer.text.lstrip("\u3000\u2002"))
    date_middle = 2 * display_width(date.text) - display_width(date.text.lstrip("\u3000\u2002"))
    assert abs(signer_middle - date_middle) <= 1
    assert "word/media/reportgen-seal.png" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def red_box(pdf: Path, page: int, dpi: int = 72) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in points of the page's red pixels: the seal."""
    ppm = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", ppm)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = ppm[header.end() :]
    xs, ys = [], []
    for y in range(height):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        for x in range(width):
            r, g, b = row[3 * x], row[3 * x + 1], row[3 * x + 2]
            if r > 150 and g < 80 and b < 80:
                xs.append(x)
                ys.append(y)
    assert xs, "no red on the page"
    return min(xs), min(ys), max(xs), max(ys)


@needs_pdf
def test_pdf_seal_over_signature_and_date(tmp_path: Path) -> None:
    [pdf] = reportgen.load(sealed_ledger(tmp_path)).render("pdf", tmp_path)
    page, signer, date = signature_lines(pdf, "青山县民政局")
    left, top, right, bottom = red_box(pdf, page)
    assert abs((right - left) - 42 * PT_PER_MM) < 3  # 42 mm across
    middle = (left + right) / 2
    assert abs(middle - (date[0] + date[1]) / 2) < ZI  # centred on the date (to its printed digits)
    # 署名 centred over the date: exact in 字 of the grid; LibreOffice prints the substitute font's digits
    # wider, so the date ends ~1.3 字 further right than with 仿宋_GB2312 and its middle moves ~0.7 字.
    assert abs((signer[0] + signer[1]) / 2 - (date[0] + date[1]) / 2) < ZI
    assert abs(text_right_edge(page) - date[1] - 4 * ZI) < 1.5 * ZI  # 右空四字
    lines = lines_of(words(pdf, page))
    above = max(line[2] for line in lines if line[2] < top)  # the last line of text above the seal
    assert 0 < top - (above + 16) < 29  # its top within one line of the body (7.3.5.1)
    signer_top = next(line[2] for line in lines if line[3] == "青山县民政局")
    assert (top + bottom) / 2 < signer_top + 8 < bottom  # 署名 and date below the seal's centre


def test_a_signer_or_date_alone_stands_two_zi_from_the_right() -> None:
    """A kind may go without 成文日期 (or 署名): the line left is still 右空二字, never at the left margin."""
    from reportgen.document.signature import LINE_HALVES, RIGHT_SPACE, signature_lines
    from reportgen.document.textwidth import display_width

    for signer, date in (("青山县民政局", ""), ("", "2024年10月12日")):
        lines = signature_lines(signer, date)
        for line, typed in zip(lines, (signer, date), strict=True):
            assert line.strip("\u3000\u2002") == typed
            if typed:
                assert display_width(line) == LINE_HALVES - RIGHT_SPACE
    assert signature_lines("", "") == ("", "")
