"""The .docx and .xlsx printed by LibreOffice, read back page by page (pdfinfo, pdftotext, pdftoppm).

What a reader holds: portrait 公文 pages, then landscape 一览表 pages whose header repeats, page
numbers running on, and a 300-project table that pages without splitting a row.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import reportgen
from reportgen.render import RenderOptions
from reportgen.render.pdf.soffice import pdf_available
from tests.conftest import JIALING, MINIMAL, SAMPLES

QINGSHAN_NOTICE = SAMPLES / "qingshan-notice-2024q3.yaml"

pytestmark = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdfinfo") is None, reason="LibreOffice or poppler-utils missing"
)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)]


def page_texts(pdf: Path) -> list[str]:
    """Each page's text without white space (pdftotext spaces out CJK and splits header cells)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def orientations(pdf: Path) -> str:
    return "".join("L" if w > h else "P" for w, h in page_sizes(pdf))


@pytest.fixture(scope="module")
def jialing_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    [path] = reportgen.load(JIALING).render("pdf", out)
    return path


def test_body_pages_are_portrait_and_the_attachment_landscape(jialing_pdf: Path) -> None:
    assert orientations(jialing_pdf) == "PPPL"
    width, height = page_sizes(jialing_pdf)[0]
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_page_numbers_run_through_the_attachment(jialing_pdf: Path) -> None:
    texts = page_texts(jialing_pdf)
    for number, text in enumerate(texts, start=1):
        assert f"—{number}—" in text, f"page {number} lacks its number"
    assert "南充市嘉陵区民政局关于2024年1—9月民生" in texts[0]


@pytest.fixture(scope="module")
def thirty_projects(tmp_path_factory: pytest.TempPathFactory) -> tuple[reportgen.Report, Path]:
    from benchmarks.ledgers import ledger_text

    folder = tmp_path_factory.mktemp("thirty")
    report = reportgen.loads(ledger_text(30), str(folder / "thirty.yaml"))
    [path] = report.render("pdf", folder)
    return report, path


def test_table_header_repeats_on_every_attachment_page(
    thirty_projects: tuple[reportgen.Report, Path],
) -> None:
    _, pdf = thirty_projects
    texts = page_texts(pdf)
    landscape = [t for t, o in zip(texts, orientations(pdf), strict=True) if o == "L"]
    assert len(landscape) > 1 and all("项目名称" in t and "资金执行情况（万元、%）" in t for t in landscape)
    assert "附件" in landscape[0] and "附件" not in "".join(landscape[1:]) and "合计" in landscape[-1]


def test_the_page_images_have_the_page_shapes(jialing_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(jialing_pdf), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 4
    shapes = []
    for image in images:
        header = image.read_bytes()[16:24]  # PNG IHDR: width, height
        width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:], "big")
        shapes.append("L" if width > height else "P")
    assert "".join(shapes) == "PPPL"


def test_pdf_is_reproducible() -> None:
    first = reportgen.load(JIALING).to_bytes("pdf")
    assert first == reportgen.load(JIALING).to_bytes("pdf")
    assert b"/CreationDate(D:20240923000000" in first


def test_xlsx_prints_on_one_landscape_page(tmp_path: Path) -> None:
    from reportgen.render.pdf.oneshot import convert_to_pdf

    data = reportgen.load(JIALING, options=RenderOptions(xlsx_total_formulas=True)).to_bytes("xlsx")
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(convert_to_pdf(data, ".xlsx"))
    assert orientations(pdf) == "L"
    [text] = page_texts(pdf)
    assert "资金执行情况（万元、%）" in text and "—1—" in text
    # the formulas LibreOffice recalculates agree with the values we computed
    assert "合计14037.0016957.71120.81%12905.2991.94%" in text


def many_projects(count: int) -> str:
    head, _ = MINIMAL.split("  项目:\n")
    rows = "".join(
        f"    - 项目名称: 第{n:03d}号民生项目\n"
        f"      目标任务: 目标{n:03d}完成全年任务的各项指标\n"
        f"      实施进度: 进度{n:03d}已按计划推进并完成阶段性验收工作\n"
        f"      计划安排资金: {n * 10}\n      下达预算: {n * 9}\n      实际拨付: {n * 7}\n"
        for n in range(1, count + 1)
    )
    return head + "  项目:\n" + rows


def test_three_hundred_projects_page_well(tmp_path: Path) -> None:
    [path] = reportgen.loads(many_projects(300), str(tmp_path / "big.yaml")).render("pdf", tmp_path)
    shapes = orientations(path)
    assert shapes.startswith("P") and set(shapes.lstrip("P")) == {"L"} and len(shapes) > 10
    texts = page_texts(path)
    landscape = [t for t, o in zip(texts, shapes, strict=True) if o == "L"]
    assert all("项目名称" in t and "实施进度" in t for t in landscape)  # the header repeats
    for n in range(1, 301):
        # a row never splits: its 目标 and 进度 texts start on the same page as its name
        pages = {
            i
            for i, t in enumerate(landscape)
            for key in (f"第{n:03d}号", f"目标{n:03d}", f"进度{n:03d}")
            if key in t
        }
        assert len(pages) == 1, f"row {n} is on pages {pages}"
    assert "合计" in landscape[-1]


# --- column widths from the content (document.widths) --------------------------------------------


def pdf_words(pdf: Path) -> list[set[str]]:
    """Each page's words as pdftotext -bbox sets them apart: a figure split over two lines would be
    two words."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = out.split("<page ")[1:]
    return [set(re.findall(r"<word [^>]*>([^<]*)</word>", page)) for page in pages]


def assert_figures_whole(report: reportgen.Report, pdf: Path) -> list[int]:
    """Every figure of the attached table is one word on some page; the page of each row (by its
    first figure), in order."""
    from reportgen.document.widths import NUMBER_KINDS

    table = report.document.attachments[0].table
    words = pdf_words(pdf)
    every = set().union(*words)
    numbers = [i for i, c in enumerate(table.spec.columns) if c.kind in NUMBER_KINDS and c.key != "number"]
    for row in table.rows:
        for i in numbers:
            text = row.cells[i].text
            assert not text or text in every, f"{text} is split across lines"
    plan = [c.key for c in table.spec.columns].index("plan")
    return [min(p for p, w in enumerate(words) if row.cells[plan].text in w) for row in table.rows]


def test_seed_table_fits_one_page(jialing_pdf: Path) -> None:
    pages = assert_figures_whole(reportgen.load(JIALING), jialing_pdf)
    # before the widths came from the content, the first table page held one row (2 landscape
    # pages: 1 row, then 2 and 合计); then 2 rows, then 1 and 合计; with 12.5 pt table lines, one page
    assert pages == [3] * len(pages) and len(pages) == 4
    assert orientations(jialing_pdf) == "PPPL"


def test_thirty_projects_take_fewer_pages(thirty_projects: tuple[reportgen.Report, Path]) -> None:
    report, path = thirty_projects
    shapes = orientations(path)
    # 8 landscape pages with the declared widths (3, then 4 rows a page); 7 with widths from the
    # content (3, then 5); 6 with the 页码 7 mm below the landscape 版心; 5 with 12.5 pt table lines
    # (5, then 7 rows a page: −37.5 % against 8, −29 % against the 7 the issue counted)
    assert shapes.count("L") <= 5, shapes
    pages = assert_figures_whole(report, path)
    assert pages[-1] == pages[-2]


def test_thirty_projects_at_xiaowu_take_four_pages(tmp_path: Path) -> None:
    """一览表.字号: 小五 (9 pt on 11 pt lines, widths measured in 9 pt 汉字): the 30 projects take 4
    landscape pages (7, 10, 10, 3 rows and 合计), −43 % against the 7 the issue counted; every
    figure whole, the 合计 with the last project."""
    from benchmarks.ledgers import ledger_text

    text = ledger_text(30).replace("一览表:\n", "一览表:\n  字号: 小五\n", 1)
    assert "字号: 小五" in text
    report = reportgen.loads(text, str(tmp_path / "small.yaml"))
    [path] = report.render("pdf", tmp_path)
    assert orientations(path).count("L") == 4
    pages = assert_figures_whole(report, path)
    assert [pages.count(p) for p in sorted(set(pages))] == [7, 10, 10, 4]


def test_the_total_row_is_kept_with_the_last_project(tmp_path: Path) -> None:
    # 31 projects fill three landscape pages and spill (8, 11, 11, 2 rows): the 合计 ends on the last
    # project's page.  The .docx marks the row above a 合计 keepNext (test_widths); since the 页码 moved
    # below the landscape 版心 no generated ledger puts a 合计 exactly at a page boundary any more
    # (tried 19–36 projects of both generators with the mark removed), so this guards, not proves, it.
    report = reportgen.loads(many_projects(31), str(tmp_path / "kept.yaml"))
    [path] = report.render("pdf", tmp_path)
    pages = assert_figures_whole(report, path)
    assert pages[-1] == pages[-2]


def test_a_row_group_stays_on_the_page_of_its_label(tmp_path: Path) -> None:
    """The 公示's 石桥乡 (石桥村, 红岩村) used to part at the page end: 红岩村 opened page 2 under an
    empty 乡镇 cell (a merged cell prints on its first page only).  A group now moves whole; one
    taller than a page still breaks, every row printed once."""
    ledger = (SAMPLES / "qingshan-publicity-2024.yaml").read_text("utf-8")
    [path] = reportgen.loads(ledger, str(tmp_path / "publicity.yaml")).render("pdf", tmp_path)
    texts = page_texts(path)
    assert len(texts) == 2
    groups = {
        "城关镇": ["张*华", "陈*国"],
        "河口镇": ["刘*", "赵*兰"],
        "石桥乡": ["黄*富", "周*"],
        "白沙乡": ["吴*英", "孙*林"],
    }
    for label, people in groups.items():
        [page] = [page for page in texts if label in page]
        assert all(person in page for person in people), label
    row = "          - {村社区: 沙坝村, 户主姓名: 杨*明, 保障人数: 1, 保障类别: 农村, 月保障金: 430}\n"
    long = ledger.replace(row, row * 70).split("    合计应等于")[0]  # 河口镇 taller than a page
    [path] = reportgen.loads(long, str(tmp_path / "long.yaml")).render("pdf", tmp_path)
    texts = page_texts(path)
    assert sum(page.count("杨*明") for page in texts) == 70
    assert sum(page.count("合计") for page in texts) == 1 and "95" in texts[-1] + texts[-2]


def test_each_attachment_on_the_page_that_suits_it(tmp_path: Path) -> None:
    """The wide 一览表 landscape, a narrow 表格 after it portrait (9704 8: landscape only where needed);
    the file's last section is then a portrait one (``report-portrait-end.docx``)."""
    import io

    import docx
    from docx.enum.section import WD_ORIENT

    from tests.conftest import QINGSHAN

    notice = (QINGSHAN.parent / "qingshan-notice-2024q3.yaml").read_text("utf-8")
    narrow = notice[notice.index("表格:") :].split("    合计应等于")[0]
    report = reportgen.loads(JIALING.read_text("utf-8") + "\n" + narrow, str(tmp_path / "mixed.yaml"))
    assert [a.portrait for a in report.document.attachments] == [False, True]
    sections = docx.Document(io.BytesIO(report.to_bytes("docx"))).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert [round(s.page_width.mm) for s in sections] == [210, 297, 210]
    [path] = report.render("pdf", tmp_path)
    assert orientations(path) == "PPPLP"
    texts = page_texts(path)
    assert texts[3].startswith("附件1") and texts[4].startswith("附件2")
    assert "城关镇" in texts[4] and "—5—" in texts[4]  # numbering runs on into the portrait section


def test_a_template_without_page_shapes_sets_every_attachment_landscape(tmp_path: Path) -> None:
    """A user's copy of an older report.docx has one landscape section for all attachments and no
    ``attachment.portrait``: a table that suits portrait is then laid out at the landscape width,
    not as a narrow portrait table on a landscape page."""
    import io
    import zipfile

    import docx

    from reportgen.render.docx.template_builder import build_template

    notice = QINGSHAN_NOTICE.read_text("utf-8")
    builtin = zipfile.ZipFile(io.BytesIO(build_template(attachments=True)))
    old = tmp_path / "old.docx"
    with zipfile.ZipFile(old, "w") as out:
        for item in builtin.infolist():
            data = builtin.read(item)
            if item.filename == "word/document.xml":  # the loop as it was: no branch on the page shape
                text = data.decode("utf-8").replace("attachment.portrait", "false")
                data = text.encode("utf-8")
            out.writestr(item, data)
    report = reportgen.loads(notice, str(tmp_path / "n.yaml"), options=RenderOptions(docx_template=old))
    assert report.document.attachments[0].portrait
    grid = docx.Document(io.BytesIO(report.to_bytes("docx"))).tables[-1]._tbl.tblGrid
    import reportgen.render.docx.layout as L

    assert sum(int(c.w.twips) for c in grid.gridCol_lst) == L.LANDSCAPE_BODY_WIDTH
    # and the default template: portrait
    grid = (
        docx.Document(io.BytesIO(reportgen.loads(notice, "n.yaml").to_bytes("docx"))).tables[-1]._tbl.tblGrid
    )
    assert sum(int(c.w.twips) for c in grid.gridCol_lst) == L.BODY_WIDTH
