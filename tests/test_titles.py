"""Titles broken between words in 梯形 or 菱形 (GB/T 9704 7.3.1; ``document.titles``), in every format."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reportgen
from reportgen.document.titles import VOCABULARY, line_width, note_lines, title_capacity, title_lines
from reportgen.render.pdf.soffice import pdf_available

ROOT = Path(__file__).resolve().parents[1]
PORTRAIT = title_capacity(Decimal(156))
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _shape_ok(lines: tuple[str, ...]) -> bool:
    sizes = [line_width(line) for line in lines]
    trapezoid = all(a <= b + 100 for a, b in itertools.pairwise(sizes))
    diamond = len(sizes) == 3 and sizes[1] + 100 >= max(sizes[0], sizes[2])
    return trapezoid or diamond


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        # the faults: never “困难群/众”, “民生/实事”, nor a long line over a short one
        (
            "南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告",
            ["南充市嘉陵区民政局"],
            ("南充市嘉陵区民政局关于", "2024年1—9月民生实事推进情况的报告"),
        ),
        (
            "新平县民政局聚焦困难群众，切实保障困难群众基本生活",
            [],
            ("新平县民政局聚焦困难群众，", "切实保障困难群众基本生活"),
        ),
        (
            "青山县2024年第四批城乡最低生活保障新增对象公示",
            [],
            ("青山县2024年第四批城乡", "最低生活保障新增对象公示"),
        ),
        (
            "青山县民政局关于2024年前三季度民生实事项目推进情况的报告",
            ["青山县民政局"],
            ("青山县民政局关于", "2024年前三季度", "民生实事项目推进情况的报告"),
        ),
        ("民政局脱贫攻坚重点工作报告", [], ("民政局脱贫攻坚重点工作报告",)),
    ],
)
def test_titles_break_between_words(title: str, names: list[str], expected: tuple[str, ...]) -> None:
    assert title_lines(title, PORTRAIT, names) == expected


def test_a_name_the_ledger_gives_is_never_broken() -> None:
    title = "青山县民政局关于2024年度困难群众救助补助资金绩效自评情况的报告"
    name = "困难群众救助补助资金"
    start = title.index(name)
    lines = title_lines(title, PORTRAIT, [name])
    assert len(lines) >= 2 and "".join(lines) == title
    cuts = [sum(map(len, lines[:k])) for k in range(1, len(lines))]
    assert not any(start < cut < start + len(name) for cut in cuts), lines


def test_a_title_that_cannot_be_broken_is_kept_whole() -> None:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3  # one run: the writer wraps it, nothing is dropped
    assert title_lines(letters, PORTRAIT) == (letters,)
    assert title_lines("", PORTRAIT) == ()
    endless = "关于" + "进一步加强和改进困难群众基本生活保障工作" * 50  # beyond MAX_LINES: left to the writer
    assert title_lines(endless, PORTRAIT) == (endless,)


_WORDS = st.sampled_from([*sorted(VOCABULARY), "2024年", "1—9月", "，", "（试行）", "青山县", "嘉陵区"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=16))
def test_lines_keep_every_character_fit_and_keep_the_shape(words: list[str]) -> None:
    title = "".join(words).strip()
    lines = title_lines(title, PORTRAIT)
    assert "".join(lines) == title
    if len(lines) > 1:
        assert all(line_width(line) <= PORTRAIT for line in lines)
        assert _shape_ok(lines)
        for above, line in itertools.pairwise(lines):
            assert line[0] not in "，、。）》”"  # closing punctuation stays with what it closes
            assert not (above[-1].isdigit() and (line[0].isdigit() or line[0] in "年月日号—"))


def _title_paragraph(docx: bytes, style_id: str = "RGTitle") -> list[str]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is not None and style.get(f"{W}val") == style_id:
            pieces: list[str] = [""]
            for node in paragraph.iter(f"{W}t", f"{W}br"):
                if node.tag == f"{W}br":
                    pieces.append("")
                else:
                    pieces[-1] += node.text or ""
            return pieces
    raise AssertionError("no title paragraph")


def test_every_writer_prints_the_lines() -> None:
    report = reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml")
    lines = report.document.title_lines
    assert lines == ("青山县民政局关于", "2024年前三季度", "民生实事项目推进情况的报告")
    assert _title_paragraph(report.to_bytes("docx")) == list(lines)
    html = report.to_bytes("html").decode()
    assert '<h1 class="title">青山县民政局关于<br>2024年前三季度<br>民生实事项目推进情况的报告</h1>' in html
    assert "# 青山县民政局关于2024年前三季度民生实事项目推进情况的报告" in report.to_bytes("md").decode()


@pytest.mark.skipif(not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice missing")
@pytest.mark.parametrize(
    "sample", ["jialing-2024q3", "qingshan-2024q3", "xinping-2023h1", "qingshan-publicity-2024"]
)
def test_the_pdf_prints_the_planned_lines_and_no_more(sample: str, tmp_path: Path) -> None:
    """LibreOffice must not wrap a planned line again (the capacity keeps a margin for bold digits)."""
    report = reportgen.load(ROOT / "samples" / f"{sample}.yaml")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(report.to_bytes("pdf"))
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = ["".join(line.split()) for line in text.splitlines() if line.strip()]
    lines = report.document.title_lines
    assert printed[: len(lines)] == list(lines)
    assert len(lines) >= 2


def test_an_attachment_title_is_broken_for_its_page() -> None:
    """9704 7.3.7: the 附件标题 is set like the title, here on a portrait attachment page (20 字)."""
    source = (ROOT / "tests" / "data" / "tables" / "fund-use.yaml").read_text("utf-8")
    long_title = "青山县2024年第三季度各乡镇（街道）临时救助资金审批发放和使用情况统计表"
    report = reportgen.loads(
        source.replace("标题: 各乡镇临时救助资金使用情况", f"标题: {long_title}"), "t.yaml"
    )
    [attachment] = report.document.attachments
    assert attachment.portrait and len(attachment.title_lines) >= 2
    assert "".join(attachment.title_lines) == long_title
    assert all(line_width(line) <= PORTRAIT for line in attachment.title_lines)
    assert _title_paragraph(report.to_bytes("docx"), "RGAttachmentTitle") == list(attachment.title_lines)
    html = report.to_bytes("html").decode()
    assert '<h2 class="table-title">' + "<br>".join(attachment.title_lines) + "</h2>" in html


def test_an_attachment_note_breaks_between_words() -> None:
    """9704 7.3.4: a long 附件 name wraps under its first character, here never inside 一览表."""
    assert note_lines("附件：2024年1—9月民生实事项目推进和资金执行情况一览表") == (
        "附件：2024年1—9月民生实事项目推进和资金执行情况",
        "一览表",
    )
    assert note_lines("2.各乡镇老年助餐点建设情况") == ("2.各乡镇老年助餐点建设情况",)


@pytest.mark.skipif(not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice missing")
def test_the_pdf_prints_the_notes_lines_and_aligns_the_names(tmp_path: Path) -> None:
    report = reportgen.load(ROOT / "samples" / "complete" / "qingshan-complete-2024q3.yaml")
    lines = [line for note in report.document.attachment_note_lines for line in note]
    assert lines == [
        "附件：1.2024年1—9月民生实事项目推进和资金执行",
        "情况一览表",
        "2.各乡镇老年助餐点建设情况",
    ]
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(report.to_bytes("pdf"))
    boxes = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    starts = {
        word: float(x)
        for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
        if word in ("附件：1.2024", "情况一览表", "2.各乡镇老年助餐点建设情况")
    }
    assert len(starts) == 3, boxes
    # the wrapped line and the second entry both start under the first name's first character (5 字)
    zi = 16 - 0.25  # a 3号 character tightened to the grid
    assert starts["情况一览表"] == pytest.approx(starts["附件：1.2024"] + 3 * zi, abs=1.0)
    assert starts["2.各乡镇老年助餐点建设情况"] == pytest.approx(starts["情况一览表"], abs=0.5)
