"""Traditional output (``--script hant``): every text converted by OpenCC, figures untouched."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

import reportgen
from reportgen import ReportChoices, ReportError
from tests.conftest import JIALING


@pytest.fixture(scope="module")
def traditional() -> reportgen.Report:
    return reportgen.load(JIALING, choices=ReportChoices(script="hant"))


def test_document_texts_are_traditional_and_numbers_unchanged(traditional: reportgen.Report) -> None:
    simplified = reportgen.load(JIALING).document
    document = traditional.document
    assert document.title == "南充市嘉陵區民政局關於2024年1—9月民生實事推進情況的報告"
    assert document.blocks[0].full == "一、基本情況"  # type: ignore[union-attr]
    assert document.date == simplified.date == "2024年9月23日"
    table = document.attachments[0].table
    assert table.spec.title == "2024年1—9月民生實事項目推進和資金執行情況一覽表"

    def numbers(rows: tuple[reportgen.document.tables.Row, ...]) -> list[list[object]]:  # type: ignore[name-defined]
        return [[c.value for c in row.cells if not isinstance(c.value, str)] for row in rows]

    assert numbers(table.rows) == numbers(simplified.attachments[0].table.rows)
    assert table.rows[-1].cells[1].text == "合計"


def test_every_format_carries_the_traditional_text(traditional: reportgen.Report) -> None:
    paragraphs = [p.text for p in docx.Document(io.BytesIO(traditional.to_bytes("docx"))).paragraphs]
    assert paragraphs[0].startswith("南充市嘉陵區民政局關於") and "附件說明" not in paragraphs
    header = docx.Document(io.BytesIO(traditional.to_bytes("docx"))).tables[0].rows[0].cells[2].text
    assert header == "項目推進情況"
    sheet = openpyxl.load_workbook(io.BytesIO(traditional.to_bytes("xlsx"))).active
    assert sheet["F4"].value == "資金執行情況（萬元、%）" and sheet["F10"].value == 14037
    assert "實際撥付" in traditional.to_bytes("html").decode("utf-8").replace("<wbr>", "")  # break offers


def test_unknown_script_is_a_coded_error() -> None:
    with pytest.raises(ReportError) as caught:
        _ = reportgen.load(JIALING, choices=ReportChoices(script="latin")).document
    assert caught.value.code == "RG402"


def test_cli_script_option(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "reportgen.cli",
        "render",
        str(JIALING),
        "-o",
        str(tmp_path),
        "-f",
        "md",
        "--script",
        "hant",
        "--quiet",
    ]
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert (tmp_path / "jialing-2024q3.md").read_text("utf-8").startswith("# 南充市嘉陵區民政局關於")
