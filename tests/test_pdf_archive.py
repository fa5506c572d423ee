"""PDF/A-2b for archiving (``RenderOptions.pdf_archive``, ``reportgen render --pdf-a``; issue 17 part 6).

No PDF/A validator installs here (veraPDF needs Maven Central, which this machine does not reach), so
the tests check what a validator checks first, on the file itself: the XMP identification (part 2,
level B), an output intent, the tagged structure and the document's language, every font embedded,
and dates that agree between the document information and the XMP; and that the archive file is as
reproducible as the plain one, from a cold LibreOffice and from the warm pool alike.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reportgen
from reportgen.render.docx import render_docx
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.render.pdf.pool import PdfPool, pool_available
from reportgen.render.pdf.reproducible import stable_pdf
from reportgen.render.pdf.soffice import convert_to, pdf_available
from reportgen.render.pdf.writer import render_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "jialing-2024q3.yaml"
ARCHIVE = dataclasses.replace(DEFAULT_OPTIONS, pdf_archive=True)
needs_pdf = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdffonts") is None, reason="LibreOffice or poppler-utils missing"
)


def test_the_command_line_names_the_filter_and_its_settings() -> None:
    assert convert_to(".xlsx", False) == "pdf"
    assert convert_to(".docx", True) == (
        'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"},'
        '"SelectPdfVersion":{"type":"long","value":"2"},"UseTaggedPDF":{"type":"boolean","value":"true"}}'
    )


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, Path]:
    if not pdf_available():
        pytest.skip("LibreOffice missing")
    report = reportgen.load(SAMPLE)
    folder = tmp_path_factory.mktemp("pdfa")
    data = _render(report, ARCHIVE)
    plain = _render(report, DEFAULT_OPTIONS)
    path = folder / "a.pdf"
    path.write_bytes(data)
    return data, plain, path


def _render(report: reportgen.Report, options: RenderOptions) -> bytes:
    return render_pdf(report.document, report.env, options)


@needs_pdf
def test_the_file_says_pdfa_2b_and_carries_what_it_requires(archived: tuple[bytes, bytes, Path]) -> None:
    data, plain, path = archived
    xmp = re.search(rb"<x:xmpmeta.*?</x:xmpmeta>", data, re.S)
    assert xmp is not None
    assert (
        b"<pdfaid:part>2</pdfaid:part>" in xmp.group()
        and b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp.group()
    )
    assert b"/GTS_PDFA1" in data and b"/OutputIntents" in data  # the output intent (sRGB)
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", data) and b"/StructTreeRoot" in data
    catalog = re.search(rb"<</Type/Catalog.*?endobj", data, re.S)
    assert catalog is not None and b"/Lang(zh-CN)" in catalog.group()
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and re.search(r"Metadata Stream:\s+yes", info)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the emb column
    # the plain PDF is none of this
    assert b"pdfaid" not in plain and b"/OutputIntents" not in plain


@needs_pdf
def test_dates_agree_and_come_from_the_date_of_issue(archived: tuple[bytes, bytes, Path]) -> None:
    data, _, _ = archived
    created = re.search(rb"<xmp:CreateDate>([^<]*)</xmp:CreateDate>", data)
    info = re.search(rb"/CreationDate\(D:(\d{14})([^)]*)\)", data)
    assert created is not None and info is not None
    assert created.group(1).decode() == "2024-09-23T00:00:00+08:00"  # samples/jialing: 成文日期 2024年9月23日
    assert info.group(1) == b"20240923000000" and info.group(2) == b"+08'00'"


@needs_pdf
def test_the_archive_prints_the_same_text_and_is_reproducible(archived: tuple[bytes, bytes, Path]) -> None:
    data, plain, path = archived
    report = reportgen.load(SAMPLE)
    assert _render(report, ARCHIVE) == data  # same bytes on a second render
    plain_path = path.with_name("plain.pdf")
    plain_path.write_bytes(plain)

    def text(pdf: Path) -> str:
        return subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout

    assert text(path) == text(plain_path)


@needs_pdf
@pytest.mark.skipif(not pool_available(), reason="python3-uno missing")
def test_the_warm_pool_writes_the_same_archive(archived: tuple[bytes, bytes, Path]) -> None:
    """The pool passes the export settings to a running office (``uno_helper``'s FilterData)."""
    data, _, _ = archived
    report = reportgen.load(SAMPLE)
    source = render_docx(report.document, report.env, ARCHIVE)
    with PdfPool(1) as pool:  # its own pool, closed here: no office outlives the test
        warm = pool.convert(source, ".docx", archive=True)
    assert stable_pdf(warm, report.document.issued, report.document.language) == data


@needs_pdf
def test_the_command_line_option(tmp_path: Path, archived: tuple[bytes, bytes, Path]) -> None:
    data, _, _ = archived
    subprocess.run(
        [
            sys.executable,
            "-m",
            "reportgen",
            "render",
            str(SAMPLE),
            "-o",
            str(tmp_path),
            "-f",
            "pdf",
            "--pdf-a",
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "jialing-2024q3.pdf").read_bytes() == data
