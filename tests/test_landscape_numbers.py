"""Page numbers on landscape 附件 pages (GB/T 9704 8 and 7.5; docs/standards.md §9.16).

A landscape page is the sheet turned clockwise, its head toward the 订口 of an odd page: its left edge
is the sheet's foot, where every page carries its number.  So the number stands along the left edge,
turned with the page, 7 mm outside the 版心; on an odd page at the end (1 字 above the 版心's bottom, the
sheet's right), on an even page at the start (1 字 below its top).  Checked in the .docx (the
sections' footers) and on the PDF's glyph positions (``pdftotext -bbox``).
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import reportgen
from reportgen.render.pdf.soffice import pdf_available

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MM = 72 / 25.4  # points per mm


def _footers_by_section(docx: bytes) -> list[tuple[bool, dict[str, str]]]:
    """Each section: whether it is landscape, and its footers' XML by type (default = odd pages)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        sections = []
        for properties in root.iter(f"{W}sectPr"):
            size = properties.find(f"{W}pgSz")
            landscape = size is not None and size.get(f"{W}orient") == "landscape"
            footers = {
                ref.get(f"{W}type"): package.read("word/" + targets[ref.get(f"{R}id")]).decode()
                for ref in properties.findall(f"{W}footerReference")
            }
            sections.append((landscape, footers))
    return sections


def test_every_section_names_the_footers_of_its_page_shape() -> None:
    report = reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml")  # portrait body, landscape 附件
    sections = _footers_by_section(report.to_bytes("docx"))
    assert [landscape for landscape, _ in sections] == [False, True]
    for landscape, footers in sections:
        assert set(footers) == {"default", "even"}
        for kind, xml in footers.items():
            assert " PAGE " in xml
            if landscape:  # turned with the page, at the sheet's foot
                assert "layout-flow:vertical" in xml and "mso-position-horizontal-relative:page" in xml
                assert f'w:val="{"right" if kind == "default" else "left"}"' in xml
            else:
                assert "v:textbox" not in xml
                assert f'<w:jc w:val="{"right" if kind == "default" else "left"}"/>' in xml


def _number_boxes(pdf: Path, page: int) -> list[tuple[float, float, float, float]]:
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(
        r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)</word>', text
    )
    # the number's glyphs: “—”, its digits and “—”, each set alone along the left edge
    return [tuple(float(v) / MM for v in w[:4]) for w in words if float(w[2]) < 35 * MM]  # type: ignore[misc]


@pytest.mark.skipif(not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice missing")
def test_the_pdf_prints_the_number_at_the_sheets_foot(tmp_path: Path) -> None:
    report = reportgen.load(ROOT / "samples" / "qingshan-2024q3.yaml")
    pdf = tmp_path / "q.pdf"
    pdf.write_bytes(report.to_bytes("pdf"))
    # pages 1–2 portrait, 3 (odd) the landscape table, 4 (even) its charts
    odd, even = _number_boxes(pdf, 3), _number_boxes(pdf, 4)
    assert len(odd) == 3 and len(even) == 3  # — 3 — and — 4 —, nothing else near the left edge
    for glyphs in (odd, even):
        left, right = min(g[0] for g in glyphs), max(g[2] for g in glyphs)
        # 7 mm outside the 版心 (36 mm from the edge): the glyphs' tops face it (font boxes ±1 mm)
        assert 27 <= right <= 30 and 20 <= left <= 25, glyphs
    # odd: it ends 1 字 (4.94 mm) above the 版心's bottom (210 − 26 mm); even: it starts 1 字 below its top
    assert max(g[3] for g in odd) == pytest.approx(210 - 26 - 4.94, abs=1.0)
    assert min(g[1] for g in even) == pytest.approx(28 + 4.94, abs=1.0)
    # the glyphs run down the edge (turned with the page): stacked, not side by side
    assert all(a[3] <= b[1] + 0.5 for a, b in itertools.pairwise(odd))
    # portrait pages keep theirs at the foot: page 1 right, page 2 left
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    first, second = text.split("\f")[:2]
    assert (
        first.rstrip().splitlines()[-1].strip() == "—1—" and len(first.rstrip().splitlines()[-1]) > 30
    )  # right
    assert (
        second.rstrip().splitlines()[-1].strip() == "—2—" and len(second.rstrip().splitlines()[-1]) < 10
    )  # left
