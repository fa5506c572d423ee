"""The HTML prints as the bureau expects: A4 portrait body, A4 landscape 一览表 (headless Chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import reportgen
from tests.conftest import JIALING

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFINFO = shutil.which("pdfinfo")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFINFO), reason="needs chromium and poppler-utils (.ci/run installs them)"
)


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    assert PDFINFO is not None
    info = subprocess.run(
        [PDFINFO, "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    )
    return [
        (float(w), float(h))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    ]


def test_html_prints_portrait_body_and_landscape_table(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    [html] = reportgen.load(JIALING).render("html", tmp_path)
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    sizes = page_sizes(pdf)
    assert len(sizes) >= 2
    a4 = (595, 842)
    assert all(round(w) == a4[0] and round(h) == a4[1] for w, h in sizes[:-1])  # body pages portrait
    width, height = sizes[-1]
    assert (round(width), round(height)) == (a4[1], a4[0])  # the 一览表 page is landscape
