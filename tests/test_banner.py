"""The 版头 (GB/T 9704 7.2, docs/standards.md §9.19) from the ledger to the page.

The ledger: every form of 发文字号 a clerk types instead of ``青民发〔2024〕12号`` is RG128 with the
corrected text, in a YAML ledger (field path) and in a workbook (sheet!cell); 份号, 密级, 紧急程度 likewise;
a 上行文 kind needs 签发人 (RG104); YAML ⇄ Excel keeps the 版头.  The artefacts: the .docx read with
python-docx (red 标志 runs, the fonts of each part, the order of the paragraphs) and the PDF LibreOffice
prints from it, measured with ``pdftotext -bbox`` and by the red pixels of its first page: the 标志's
top 35 mm below the 版心's, the 发文字号 centred or 1 字 in from the left beside the 签发人 1 字 in from
the right, the red rule the width of the 版心 4 mm under the 发文字号, the title two lines under it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from PIL import Image

import reportgen
from reportgen.base.errors import LedgerError
from reportgen.render.pdf.soffice import pdf_available

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "qingshan-report-2024q3.yaml"
TEXT = SAMPLE.read_text("utf-8")
NUMBER = "青民报〔2024〕12号"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# The sample's 版头 made joint and 下行文-like (no 签发人: the 发文字号 centred), with 密级 and 保密期限; as a
# 社会救助 report, a kind that names no 行文.
JOINT = TEXT.replace(
    """  份号: "000012"
  紧急程度: 加急
  发文机关标志: 青山县民政局文件
  发文字号: 青民报〔2024〕12号
  签发人: [王建国, 李明]
""",
    """  份号: "000012"
  密级: 秘密
  保密期限: 1年
  紧急程度: 特急
  发文机关标志: [青山县人力资源和社会保障局, 青山县民政局, 青山县财政局]
  标志后缀: 文件
  发文字号: 青民发〔2024〕3号
""",
).replace("标题: 青山", "类型: 社会救助\n标题: 青山", 1)

# What clerks type (notices print them so), each with what is wrong.
BAD_NUMBERS = [
    ("青民报[2024]12号", "六角括号"),
    ("青民报［2024］12号", "六角括号"),
    ("青民报（2024）12号", "六角括号"),
    ("青民报(2024)12号", "六角括号"),
    ("青民报【2024】12号", "六角括号"),
    ("青民报〔24〕12号", "年份写全称"),
    ("青民报〔2024〕012号", "不编虚位"),
    ("青民报〔2024〕第12号", "不加“第”"),
    ("青民报〔2024〕12", "后加“号”"),
    ("青民报〔2024年〕12号", "不加“年”"),
    ("青民报[24]第012", "六角括号"),
]


def problems(text: str, name: str = "台账.yaml") -> list[tuple[str, str, str]]:
    """(code, place, message with its expected text) of every problem loading ``text``."""
    with pytest.raises(LedgerError) as raised:
        reportgen.loads(text, name)
    return [(p.code, p.place or "", p.describe()) for p in raised.value.problems]


# -- the ledger ------------------------------------------------------------------------------------
def test_the_sample_loads_with_its_banner() -> None:
    banner = reportgen.load(SAMPLE).ledger.banner
    assert banner is not None
    assert (banner.agencies, banner.number, banner.signers) == (
        ("青山县民政局文件",),
        NUMBER,
        ("王建国", "李明"),
    )
    assert (banner.copy_number, banner.urgency, banner.secrecy) == ("000012", "加急", "")


@pytest.mark.parametrize(("typed", "why"), BAD_NUMBERS)
def test_a_number_not_as_9704_writes_it_is_an_error_with_the_fix(typed: str, why: str) -> None:
    found = problems(TEXT.replace(NUMBER, typed))
    assert [(code, place) for code, place, _ in found] == [("RG128", "版头.发文字号")]
    message = found[0][2]
    assert f"应写作 {NUMBER}" in message and why in message and f"当前值：“{typed}”" in message
    assert "台账.yaml" in message and "第9行" in message


def test_a_number_with_no_bracketed_year_says_what_a_number_is() -> None:
    [(code, place, message)] = problems(TEXT.replace(NUMBER, "青民报2024年12号"))
    assert (code, place) == ("RG128", "版头.发文字号") and "机关代字〔年份〕序号号" in message


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("份号", "000012", '份号: "000012"'),  # unquoted: YAML reads the number 12
        ("份号", '"12"', "应写作 000012"),
        ("份号", '"0000123"', "6位阿拉伯数字"),
        ("份号", '"A00012"', "6位阿拉伯数字"),
        ("紧急程度", "急件", "特急、加急"),
        ("紧急程度", "特提", "特急、加急"),
    ],
)
def test_copy_number_and_urgency_as_9704_writes_them(field: str, typed: str, expected: str) -> None:
    current = {"份号": '"000012"', "紧急程度": "加急"}[field]
    found = problems(TEXT.replace(f"  {field}: {current}\n", f"  {field}: {typed}\n"))
    assert [(code, place) for code, place, _ in found] == [("RG128", f"版头.{field}")]
    assert expected in found[0][2]


def test_secrecy_levels_and_what_they_need() -> None:
    bad = problems(JOINT.replace("密级: 秘密", "密级: 内部"))
    assert [(c, p) for c, p, _ in bad] == [("RG128", "版头.密级")] and "绝密、机密、秘密" in bad[0][2]
    no_copy = problems(JOINT.replace('  份号: "000012"\n', ""))
    assert [(c, p) for c, p, _ in no_copy] == [("RG104", "版头.份号")] and "涉密" in no_copy[0][2]
    term_alone = problems(JOINT.replace("  密级: 秘密\n", ""))
    assert [(c, p) for c, p, _ in term_alone] == [("RG104", "版头.密级")]


def test_an_upward_report_needs_its_signers() -> None:
    """民生实事 is a 上行文 (its kind.yaml says 行文: 上行文): a 版头 without 签发人 is RG104."""
    found = problems(TEXT.replace("  签发人: [王建国, 李明]\n", ""))
    assert [(c, p) for c, p, _ in found] == [("RG104", "版头.签发人")]
    assert "上行文" in found[0][2] and "7.2.6" in found[0][2]
    # a kind that names no 行文 takes a 版头 without 签发人, and a ledger without a 版头 needs none
    assert reportgen.loads(JOINT, "x.yaml").ledger.banner is not None
    assert reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml").ledger.banner is None


def test_signers_need_a_number_and_a_suffix_needs_joint_agencies() -> None:
    found = problems(TEXT.replace(f"  发文字号: {NUMBER}\n", ""))
    assert [(c, p) for c, p, _ in found] == [("RG104", "版头.发文字号")]
    found = problems(
        TEXT.replace("  发文机关标志: 青山县民政局文件\n", "  发文机关标志: 青山县民政局\n  标志后缀: 文件\n")
    )
    assert [(c, p) for c, p, _ in found] == [("RG128", "版头.标志后缀")] and "青山县民政局文件" in found[0][2]
    found = problems(TEXT.replace("  发文机关标志: 青山县民政局文件\n", ""))
    assert [(c, p) for c, p, _ in found] == [("RG104", "版头.发文机关标志")]


def workbook_of(text: str, tmp_path: Path) -> Path:
    source = tmp_path / "台账.yaml"
    source.write_text(text, "utf-8")
    target = tmp_path / "台账.xlsx"
    reportgen.convert_ledger(source, target, force=True)
    return target


def info_cell(book: openpyxl.Workbook, label: str, nth: int = 0) -> openpyxl.cell.Cell:
    rows = [row for row in book["基本信息"].iter_rows() if row[0].value == label]
    return rows[nth][1]


@pytest.mark.parametrize(("typed", "why"), BAD_NUMBERS[::2])
def test_a_workbook_number_not_as_9704_writes_it_names_its_cell(typed: str, why: str, tmp_path: Path) -> None:
    path = workbook_of(TEXT, tmp_path)
    book = openpyxl.load_workbook(path)
    cell = info_cell(book, "发文字号")
    cell.value = typed
    book.save(path)
    with pytest.raises(LedgerError) as raised:
        reportgen.load(path)
    [problem] = raised.value.problems
    assert (problem.code, problem.place) == ("RG128", f"基本信息!{cell.coordinate}")
    assert f"应写作 {NUMBER}" in problem.describe() and why in problem.describe()


def test_a_workbook_copy_number_typed_as_a_number_and_no_signers(tmp_path: Path) -> None:
    path = workbook_of(TEXT, tmp_path)
    book = openpyxl.load_workbook(path)
    copy = info_cell(book, "份号")
    copy.value = 12  # Excel drops the zeros of a number typed into a general cell
    for nth in (0, 1):
        info_cell(book, "签发人", nth).value = None
    signer = info_cell(book, "签发人")
    book.save(path)
    with pytest.raises(LedgerError) as raised:
        reportgen.load(path)
    found = {(p.code, p.place): p.describe() for p in raised.value.problems}
    assert set(found) == {
        ("RG128", f"基本信息!{copy.coordinate}"),
        ("RG104", f"基本信息!{signer.coordinate}"),
    }
    assert "应写作 000012" in found["RG128", f"基本信息!{copy.coordinate}"]


@pytest.mark.parametrize("text", [TEXT, JOINT], ids=["single", "joint"])
def test_yaml_and_excel_hold_the_same_banner(text: str, tmp_path: Path) -> None:
    """YAML → Excel → YAML → Excel: the same 版头, the same workbook bytes, the same report."""
    first = workbook_of(text, tmp_path)
    back = tmp_path / "back.yaml"
    reportgen.convert_ledger(first, back, force=True)
    again = tmp_path / "again.xlsx"
    reportgen.convert_ledger(back, again, force=True)
    assert first.read_bytes() == again.read_bytes()
    original = reportgen.loads(text, "台账.yaml")
    for path in (first, back):
        converted = reportgen.load(path)
        assert converted.ledger.banner is not None and original.ledger.banner is not None
        assert converted.ledger.banner.agencies == original.ledger.banner.agencies
        assert (converted.ledger.banner.number, converted.ledger.banner.signers) == (
            original.ledger.banner.number,
            original.ledger.banner.signers,
        )
        assert converted.document.banner == original.document.banner
    labels = [row[0].value for row in openpyxl.load_workbook(first)["基本信息"].iter_rows(min_row=2)]
    assert labels[:8] == ["份号", "密级", "保密期限", "紧急程度", "发文机关标志", *labels[5:8]]
    assert labels.count("发文机关标志") == (3 if text is JOINT else 1)


def test_a_workbook_without_a_banner_has_no_banner_rows(tmp_path: Path) -> None:
    path = workbook_of((ROOT / "samples" / "qingshan-2024q3.yaml").read_text("utf-8"), tmp_path)
    book = openpyxl.load_workbook(path)
    labels = {row[0].value for row in book["基本信息"].iter_rows()}
    offered = {row[2].value for row in book["选项"].iter_rows()}
    assert not {"份号", "发文机关标志", "发文字号", "签发人"} & (labels | offered)


# -- the .docx -------------------------------------------------------------------------------------
def paragraphs(data: bytes) -> list[tuple[str, list[tuple[str, str, str, float]]]]:
    """Each body paragraph (and each table cell's) with its runs' (text, eastAsia font, colour, size)."""
    document = docx.Document(io.BytesIO(data))
    found = []
    for element in document.element.body.iter(f"{W}p"):
        runs = []
        for run in element.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            fonts = run.find(f"{W}rPr/{W}rFonts")
            colour = run.find(f"{W}rPr/{W}color")
            size = run.find(f"{W}rPr/{W}sz")
            runs.append(
                (
                    text,
                    fonts.get(f"{W}eastAsia") if fonts is not None else "",
                    colour.get(f"{W}val") if colour is not None else "",
                    int(size.get(f"{W}val")) / 2 if size is not None else 0,
                )
            )
        found.append(("".join(r[0] for r in runs), runs))
    return found


def test_the_docx_banner_parts_in_their_fonts_and_order() -> None:
    report = reportgen.load(SAMPLE)
    paras = [(text, runs) for text, runs in paragraphs(report.to_bytes("docx")) if text]
    texts = [text for text, _ in paras]
    title = report.document.title
    assert texts[: texts.index(title) + 1] == [
        "000012",
        "加急",
        "青山县民政局文件",
        f"{NUMBER}签发人：王建国　李明",
        title,
    ]
    by_text = {run[0]: run for _, runs in paras[:4] for run in runs if run[0]}
    assert by_text["000012"][1:] == ("仿宋_GB2312", "", 16)
    assert by_text["加急"][1:] == ("黑体", "", 16)  # 9704 7.2.3: 3号黑体
    assert by_text["青山县民政局文件"][1:] == ("方正小标宋简体", "FF0000", 42)  # red 小标宋
    assert by_text[NUMBER][1:] == ("仿宋_GB2312", "", 16)
    assert by_text["签发人："][1:] == ("仿宋_GB2312", "", 16)  # 7.2.6: 3号仿宋, the names 3号楷体
    assert by_text["王建国　李明"][1:] == ("楷体_GB2312", "", 16)
    red = [run for _, runs in paragraphs(report.to_bytes("docx")) for run in runs if run[2] == "FF0000"]
    assert [run[0] for run in red] == ["青山县民政局文件"]


def test_the_docx_red_rule_and_the_joint_agencies() -> None:
    data = reportgen.loads(JOINT, "joint.yaml").to_bytes("docx")
    document = docx.Document(io.BytesIO(data))
    rules = [
        border
        for border in document.element.body.iter(f"{W}bottom")
        if border.getparent().tag == f"{W}pBdr" and border.get(f"{W}color") == "FF0000"
    ]
    assert len(rules) == 1 and rules[0].get(f"{W}val") == "single"
    [table] = [t for t in document.tables if "文件" in t.cell(0, 1).text]
    names = [p.text for p in table.cell(0, 0).paragraphs]
    assert names == ["青山县人力资源和社会保障局", "青山县民政局", "青山县财政局"]  # 主办 first, stacked
    assert table.cell(0, 1).text == "文件"
    assert table.cell(0, 1)._tc.find(f"{W}tcPr/{W}vAlign").get(f"{W}val") == "center"
    marks = [run for text, runs in paragraphs(data) for run in runs if run[2] == "FF0000"]
    assert {run[0] for run in marks} == {*names, "文件"} and {run[3] for run in marks} == {29}
    texts = [text for text, _ in paragraphs(data) if text]
    assert texts[:3] == ["000012", "秘密★1年", "特急"] and "青民发〔2024〕3号" in texts


def test_no_banner_no_banner_markup() -> None:
    data = reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml").to_bytes("docx")
    assert b"FF0000" not in data and "发文字号" not in str(paragraphs(data))
    assert "banner" not in reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml").to_bytes("html").decode()


def test_html_and_markdown_print_the_banner() -> None:
    report = reportgen.load(SAMPLE)
    page = report.to_bytes("html").decode()
    assert '<p class="banner-mark" style="font-size: 42pt">青山县民政局文件</p>' in page
    assert "color: #f00" in page and '<hr class="banner-rule">' in page
    assert page.index("banner-mark") < page.index('<h1 class="title">')
    text = report.to_bytes("md").decode()
    assert text.startswith(
        "000012\n\n加急\n\n**青山县民政局文件**\n\n青民报〔2024〕12号　　签发人：王建国　李明\n\n---\n\n# "
    )


# -- the PDF ---------------------------------------------------------------------------------------
needs_pdf = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice or poppler-utils missing",
)
MM = Decimal("72") / Decimal("25.4")  # points per millimetre
TOP, LEFT, RIGHT = 37, 28, 184  # the 版心 of an odd page, mm from the page's top and left edges
CHAR_MM = 16 / MM  # one 字 of 3号 text
LINE_MM = Decimal(225) / 22


def words(pdf: bytes) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    """Page 1's words: (text, left, top, right, bottom) in mm."""
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [
        (text, *(Decimal(v) / MM for v in values))  # type: ignore[misc]
        for *values, text in re.findall(pattern, out)
    ]


def red_bands(pdf: bytes, dpi: int = 150) -> list[tuple[Decimal, Decimal, Decimal, Decimal]]:
    """Page 1's red ink as bands of rows: (top, bottom, left, right) in mm."""
    png = subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-png", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    bands: list[list[int]] = []
    for y in range(height):
        xs = [x for x in range(width) if (p := pixels[x, y])[0] > 180 and p[1] < 90 and p[2] < 90]
        if not xs:
            continue
        if bands and y - bands[-1][1] <= 2:
            bands[-1][1:] = [y, min(bands[-1][2], xs[0]), max(bands[-1][3], xs[-1])]
        else:
            bands.append([y, y, xs[0], xs[-1]])
    scale = Decimal("25.4") / dpi
    return [(a * scale, (b + 1) * scale, c * scale, (d + 1) * scale) for a, b, c, d in bands]


@pytest.fixture(scope="module")
def upward_pdf() -> bytes:
    return reportgen.load(SAMPLE).to_bytes("pdf")


@pytest.fixture(scope="module")
def joint_pdf() -> bytes:
    return reportgen.loads(JOINT, "joint.yaml").to_bytes("pdf")


def near(value: Decimal, target: Decimal | int | float, tolerance: float = 0.6) -> bool:
    return abs(value - Decimal(str(target))) <= Decimal(str(tolerance))


@needs_pdf
@pytest.mark.parametrize("case", ["upward", "joint"])
def test_the_mark_stands_35_mm_below_the_top_of_the_type_area(
    case: str, request: pytest.FixtureRequest
) -> None:
    """7.2.4: whether one line (份号, 紧急程度) or three (份号, 密级, 紧急程度) stand above it."""
    pdf = request.getfixturevalue(f"{case}_pdf")
    *marks, _rule = red_bands(pdf)  # a joint 标志 is a band a name, 文件 beside the middle one
    assert near(marks[0][0], TOP + 35), marks
    left, right = min(m[2] for m in marks), max(m[3] for m in marks)
    assert near((left + right) / 2, (LEFT + RIGHT) / 2, 1.5), marks  # centred
    first = words(pdf)[0]
    assert first[0] == "000012" and near(first[1], LEFT, 0.3) and first[2] < TOP + LINE_MM  # 份号 line 1


@needs_pdf
def test_the_number_flush_left_and_the_signers_right_on_one_line(upward_pdf: bytes) -> None:
    found = words(upward_pdf)
    number = next(w for w in found if w[0].startswith("青民报"))
    label = next(w for w in found if w[0].startswith("签发人"))
    last = next(w for w in found if w[0] == "李明")
    assert near(number[1], LEFT + CHAR_MM, 0.3)  # 7.2.5: 居左空一字
    assert near(last[3], RIGHT - CHAR_MM, 0.3)  # 7.2.6: 右空一字
    assert number[2] == label[2] == last[2]  # one line
    mark = red_bands(upward_pdf)[0]
    assert 2 * LINE_MM < number[2] - mark[1] < 3 * LINE_MM  # 7.2.5: two empty lines under the 标志


@needs_pdf
@pytest.mark.parametrize("case", ["upward", "joint"])
def test_the_red_rule_under_the_number_and_the_title_under_it(
    case: str, request: pytest.FixtureRequest
) -> None:
    pdf = request.getfixturevalue(f"{case}_pdf")
    rule = red_bands(pdf)[-1]
    assert near(rule[2], LEFT, 0.3) and near(rule[3], RIGHT, 0.3)  # the width of the 版心
    assert rule[1] - rule[0] < 1  # a rule, not text
    found = words(pdf)
    number = next(w for w in found if w[0].startswith("青民"))
    assert near(rule[0] - number[4], 4, 0.3)  # 7.2.7: 4 mm under the 发文字号
    if case == "joint":  # no 签发人: the 发文字号 (pdftotext splits off its 号) centred
        line = [w for w in found if w[2] == number[2]]
        assert "".join(w[0] for w in line) == "青民发〔2024〕3号"
        assert near((line[0][1] + line[-1][3]) / 2, (LEFT + RIGHT) / 2, 0.5)
    title = next(w for w in found if w[0].startswith("青山县民政局关于"))
    assert near(title[2] - rule[1], 2 * LINE_MM, 4)  # 7.3.1: 空二行
