"""The fonts a PDF substituted (RG412): read back from real PDFs, checked against ``pdffonts``."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import docx
import pytest

import reportgen
from reportgen.base.errors import Severity
from reportgen.render import RenderOptions
from reportgen.render.pdf.fonts import embedded_fonts, font_findings, pdf_font_findings, requested_fonts
from reportgen.render.pdf.oneshot import convert_to_pdf
from reportgen.render.pdf.pool import pool_available
from reportgen.render.pdf.soffice import find_soffice
from tests.conftest import QINGSHAN
from tests.test_pdf import installed_families

# The real-artefact tests expect this machine's fonts: fonts-noto-cjk, no official font, no Fandol.
needs_libreoffice = pytest.mark.skipif(
    find_soffice() is None
    or not shutil.which("pdffonts")
    or not shutil.which("fc-list")
    or not {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= installed_families()
    or bool({"FandolFang", "仿宋_GB2312", "黑体", "SimHei"} & installed_families()),
    reason="needs LibreOffice, pdffonts and fonts-noto-cjk without the official fonts or Fandol",
)


def pdffonts(pdf: bytes, folder: Path) -> set[str]:
    """poppler's list of the PDF's fonts, subset prefix removed: the reader's yardstick."""
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0] for line in listed.splitlines()[2:] if line.strip()}
    return {name.split("+", 1)[1] if name[6:7] == "+" else name for name in names}


def docx_in(*runs: tuple[str, str]) -> bytes:
    """A .docx with one paragraph per (font, text), the font named for every script."""
    document = docx.Document()
    for font, text in runs:
        run = document.add_paragraph().add_run(text)
        run.font.name = font
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(docx.oxml.ns.qn("w:eastAsia"), font)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


# -- the reader, on PDFs made here -------------------------------------------------------------------


def test_reader_finds_the_names_with_subset_prefix_escapes_and_object_streams() -> None:
    plain = b"1 0 obj\n<</Type/Font/Subtype/Type1/BaseFont/BAAAAA+NotoSerifCJKjp-Bold-VKana>>\nendobj\n"
    chinese = "/BaseFont/CAAAAA+" + "".join(f"#{b:02X}" for b in "仿宋_GB2312".encode("gb18030"))
    packed = zlib.compress(b"<</Type/FontDescriptor/FontName/DAAAAA+FandolFang-Regular>>")
    stream = b"2 0 obj\n<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>\nstream\n" % len(packed)
    pdf = b"%PDF-1.5\n" + plain + chinese.encode() + b"\n" + stream + packed + b"\nendstream\nendobj\n%%EOF\n"
    assert embedded_fonts(pdf) == ("NotoSerifCJKjp-Bold-VKana", "仿宋_GB2312", "FandolFang-Regular")


@needs_libreoffice
def test_reader_agrees_with_pdffonts_on_a_pdf_made_here(tmp_path: Path) -> None:
    source = docx_in(("仿宋_GB2312", "正文仿宋"), ("黑体", "标题黑体"), ("华文中宋", "华文中宋字样"))
    pdf = convert_to_pdf(source, ".docx")
    assert requested_fonts(source)[-3:] == ("仿宋_GB2312", "黑体", "华文中宋")
    assert set(embedded_fonts(pdf)) == pdffonts(pdf, tmp_path) != set()


# -- which fonts were substituted --------------------------------------------------------------------


def test_an_installed_official_font_is_no_notice_and_its_postscript_name_counts() -> None:
    assert font_findings(["仿宋_GB2312", "黑体"], ["FangSong_GB2312", "SimHei"]) == []
    assert font_findings(["方正小标宋简体"], ["FZXBSJW--GB1-0"]) == []


def test_the_documented_fallback_is_one_notice_naming_each_pair() -> None:
    (notice,) = font_findings(
        ["方正小标宋简体", "仿宋_GB2312", "黑体"],
        ["NotoSerifCJKjp-Bold-VKana", "FandolFang-Regular", "SimHei"],
    )
    assert notice.severity is Severity.NOTICE and notice.code == "RG412"
    message = notice.problem.message
    assert "“方正小标宋简体”由“Noto Serif CJK SC”代替" in message
    assert "“仿宋_GB2312”由“FandolFang”代替" in message and "黑体" not in message


def test_an_undocumented_substitute_is_a_warning_naming_it_and_what_to_install() -> None:
    found = font_findings(["仿宋_GB2312", "华文中宋"], ["NotoSerifCJKjp-Regular-VKana", "DejaVuSans"])
    assert [f.severity for f in found] == [Severity.NOTICE, Severity.WARNING]
    assert (
        found[1].problem.message
        == "PDF 中“华文中宋”由“DejaVuSans”代替；如需与正式公文一致，请安装华文中宋字体"
    )


def test_no_documented_substitute_installed_names_the_font_used_instead() -> None:
    # only WenQuanYi installed: fontconfig's Chinese default prints everything
    (warning,) = font_findings(["仿宋_GB2312"], ["WenQuanYiZenHei"])
    assert warning.severity is Severity.WARNING and "由“WenQuanYiZenHei”代替" in warning.problem.message


# -- on the real artefact ----------------------------------------------------------------------------


@needs_libreoffice
def test_a_missing_font_without_fallback_is_named_as_the_pdf_embeds_it(tmp_path: Path) -> None:
    source = docx_in(("仿宋_GB2312", "正文仿宋"), ("华文中宋", "华文中宋字样"))
    pdf = convert_to_pdf(source, ".docx")
    found = pdf_font_findings(source, pdf)
    warnings = [f for f in found if f.severity is Severity.WARNING]
    (warning,) = warnings
    # 仿宋_GB2312 fell to Noto Serif CJK (documented); 华文中宋 to fontconfig's Chinese default
    assert pdffonts(pdf, tmp_path) == {"NotoSerifCJKjp-Regular-VKana", "NotoSansCJKjp-Regular-VKana"}
    assert warning.problem.message == (
        "PDF 中“华文中宋”由“Noto Sans CJK SC”代替；如需与正式公文一致，请安装华文中宋字体"
    )
    assert pdf_font_findings(source, pdf) == found  # same input, same notices


@needs_libreoffice
def test_an_installed_font_asked_for_by_name_gives_no_notice() -> None:
    source = docx_in(("Noto Serif CJK SC", "已安装的字体"))
    assert pdf_font_findings(source, convert_to_pdf(source, ".docx")) == []


@needs_libreoffice
def test_a_sample_pdf_says_which_free_fonts_replaced_the_official_ones(tmp_path: Path) -> None:
    report = reportgen.load(QINGSHAN)
    assert report.render_notices == []
    pdf = report.to_bytes("pdf")
    (notice,) = report.render_notices
    assert notice.code == "RG412" and notice.severity is Severity.NOTICE
    embedded = pdffonts(pdf, tmp_path)  # this machine: fonts-noto-cjk, no official font, no Fandol
    assert {"NotoSerifCJKjp-Bold-VKana", "NotoSansCJKjp-Regular-VKana"} <= embedded
    for official, free in [("方正小标宋简体", "Noto Serif CJK SC"), ("黑体", "Noto Sans CJK SC")]:
        assert f"“{official}”由“{free}”代替" in notice.problem.message
    assert "“仿宋_GB2312”由“Noto Serif CJK SC”代替" in notice.problem.message


@needs_libreoffice
def test_render_pdf_prints_the_font_notice(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reportgen.cli", "render", str(QINGSHAN), "-f", "pdf", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "[提示] RG412 PDF 中的字体被替换" in result.stderr
        and "“黑体”由“Noto Sans CJK SC”代替" in result.stderr
    )


@needs_libreoffice
@pytest.mark.skipif(not pool_available(), reason="needs python3-uno for the warm pool")
def test_a_batch_on_the_warm_pool_reports_the_same_notice_in_its_row(tmp_path: Path) -> None:
    cold = reportgen.load(QINGSHAN)
    cold.to_bytes("pdf")
    options = RenderOptions(pdf_warm=True)
    summary = reportgen.render_batch(
        [QINGSHAN], "pdf", tmp_path, executor="serial", progress=False, options=options
    )
    (row,) = summary.rows()
    assert row["status"] == "ok" and row["message"] == cold.render_notices[0].describe()
