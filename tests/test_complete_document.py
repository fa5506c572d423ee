"""The complete 公文 of issue 17 (samples/complete/qingshan-complete-2024q3.yaml): every element of GB/T 9704
on the pages LibreOffice prints, page by page — 版头 with 签发人, the title in lines, two 附件 (one landscape,
one portrait), a seal over the 落款, the 版记 on the last even page — and the page numbers where 7.5 and §8
put them.  Each element has its own tests (test_banner, test_titles, test_colophon,
test_landscape_numbers); this one checks that they hold together in one document."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import reportgen
from reportgen.render.pdf.soffice import pdf_available

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = ROOT / "samples" / "complete" / "qingshan-complete-2024q3.yaml"
pytestmark = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftoppm") is None, reason="LibreOffice or poppler-utils missing"
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("complete") / "complete.pdf"
    path.write_bytes(reportgen.load(COMPLETE).to_bytes("pdf"))
    return path


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return ["".join(page.split()) for page in text.stdout.split("\f")][:-1]


def _sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _red_share(pdf: Path, page: int, tmp_path: Path) -> float:
    """The share of strongly red pixels on a page (the 标志 and its rule, or the seal)."""
    from PIL import Image

    stem = tmp_path / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page), str(pdf), str(stem)], check=True
    )
    [png] = tmp_path.glob(f"p{page}*.png")
    image = Image.open(png).convert("RGB")
    data = image.tobytes()  # RGB triples
    pixels = len(data) // 3
    return (
        sum(data[i] > 180 and data[i + 1] < 90 and data[i + 2] < 90 for i in range(0, len(data), 3)) / pixels
    )


def test_every_element_on_its_page(pdf: Path, tmp_path: Path) -> None:
    pages = _pages(pdf)
    sizes = _sizes(pdf)
    assert len(pages) == len(sizes) == 6
    shapes = ["P" if w < h else "L" for w, h in sizes]
    assert shapes == ["P", "P", "L", "L", "P", "P"]
    first, second, table, charts, annex, colophon = pages
    # page 1: the 版头 (份号, 紧急程度, red 标志, 发文字号 with 签发人) and the title in its lines
    assert first.startswith("000012加急青山县民政局文件青民报〔2024〕12号签发人：王建国李明")
    assert "青山县民政局关于2024年前三季度民生实事项目推进情况的报告" in first and first.endswith("—1—")
    assert _red_share(pdf, 1, tmp_path) > 0.005
    # page 2: the end of the body, the 附件说明 numbered, the 落款 under its seal, — 2 —
    assert "附件：1.2024年1—9月民生实事项目推进和资金执行情况一览表2.各乡镇老年助餐点建设情况" in second
    assert "青山县民政局2024年10月12日" in second and second.endswith("—2—")
    assert _red_share(pdf, 2, tmp_path) > 0.001  # the seal (none on a page without one)
    assert _red_share(pdf, 5, tmp_path) == 0
    # pages 3–4: 附件1 landscape (the table, then its charts), numbered along the left edge
    assert table.startswith("附件1") or "附件1" in table[:20]
    assert "2024年1—9月民生实事项目推进和资金执行情况一览表" in table and "合计" in table
    assert "—3—" in table and "—4—" in charts
    # page 5: 附件2 portrait, — 5 —
    assert "附件2" in annex and "各乡镇老年助餐点建设情况" in annex and annex.endswith("—5—")
    # page 6: the 版记 alone, no number
    assert colophon == "抄送：县财政局，县审计局，各乡镇人民政府。青山县民政局办公室2024年10月12日印发"
