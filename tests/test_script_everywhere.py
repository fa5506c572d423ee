"""Traditional output everywhere: no output of any sample keeps a text that conversion would change.

Every sample is rendered in every format in Simplified and with ``--script hant``, and every text a
reader can meet is taken out of the real files: the .docx body, headers, footers, core properties
and picture alt texts; every .xlsx cell, sheet name, chart text and property; the HTML's text and
``alt``/``title``; the Markdown; for one sample the PDF.  Each text of the Traditional file must be
the conversion of the same text of the Simplified one, so a word a writer or template prints on its
own, bypassing the conversion, is caught.  (Converting the Traditional text once more is no test:
OpenCC's tables are not idempotent, 干預 → 幹預, 鄉里 → 鄉裡.)  Font names (attributes, and the CSS)
are names, not text, and stay as the fonts are called.
"""

from __future__ import annotations

import io
import pickle
import re
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

import reportgen
from reportgen import ReportChoices
from reportgen.document.traditional import convert_text
from tests.conftest import SAMPLES

SAMPLE_PATHS = sorted(SAMPLES.glob("*.yaml"))
FORMATS = ("md", "html", "docx", "xlsx")

# What published Traditional documents print (samples/key-tasks-2020.yaml's source), and OpenCC's forms
# they do not print.
PUBLISHED = {"为": "為", "审核": "審核", "群众": "群眾", "占": "占", "扎实": "扎實", "依托": "依托"}
UNPUBLISHED = re.compile("[爲牀覈羣衆佔]|紮實|依託")


def _xml_texts(data: bytes) -> list[str]:
    """Every text node of an XML part, and the attributes that are text: sheet names, alt texts."""
    root = ElementTree.fromstring(data)
    texts: list[str] = []
    for element in root.iter():
        texts.extend(t for t in (element.text, element.tail) if t and t.strip())
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1]
            if local in ("descr", "title") or (local == "name" and element.tag.endswith("}sheet")):
                texts.append(value)
    return texts


def _package_texts(data: bytes) -> list[str]:
    """The texts of every XML part of an OOXML package (.docx, .xlsx)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            text
            for name in archive.namelist()
            if name.endswith((".xml", ".rels")) and not name.endswith(".rels")
            for text in _xml_texts(archive.read(name))
        ]


class _HtmlText(HTMLParser):
    """The text of a page, ``alt``/``title`` attributes and ``<title>``; not the style sheet."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.lang = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.texts.append(value)
            if tag == "html" and name == "lang":
                self.lang = value or ""

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style and data.strip():
            self.texts.append(data)


def output_texts(report: reportgen.Report, fmt: str) -> list[str]:
    data = report.to_bytes(fmt)
    if fmt in ("docx", "xlsx"):
        return _package_texts(data)
    if fmt == "html":
        parser = _HtmlText()
        parser.feed(data.decode("utf-8"))
        return parser.texts
    return data.decode("utf-8").splitlines()


def _left_over(simplified: list[str], traditional: list[str]) -> list[tuple[str, str]]:
    """The texts of the Traditional output that are not the conversion of the Simplified ones, each
    with what it should have been."""
    assert len(simplified) == len(traditional)
    return [
        (t, convert_text(s, "hant"))
        for s, t in zip(simplified, traditional, strict=True)
        if convert_text(s, "hant") != t
    ]


def _both(sample: Path, fmt: str) -> tuple[list[str], list[str]]:
    """The texts of ``sample`` in ``fmt``, in Simplified and in Traditional (charts on)."""
    simplified, traditional = (
        output_texts(reportgen.load(sample, choices=ReportChoices(script=script, charts=True)), fmt)
        for script in ("hans", "hant")
    )
    return simplified, traditional


@pytest.mark.parametrize("sample", SAMPLE_PATHS, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_text_of_every_output_is_converted(sample: Path, fmt: str) -> None:
    simplified, traditional = _both(sample, fmt)
    assert _left_over(simplified, traditional) == []
    assert not UNPUBLISHED.findall("".join(traditional))


def test_the_pdf_too() -> None:
    """The PDF (through LibreOffice) of the 重点工作 sample, the kind its source published in Traditional."""

    def lines(script: str) -> list[str]:
        report = reportgen.load(SAMPLES / "key-tasks-2020.yaml", choices=ReportChoices(script=script))
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=report.to_bytes("pdf"), capture_output=True, check=True
        ).stdout.decode("utf-8")
        return [line for line in text.splitlines() if line.strip()]

    traditional = lines("hant")
    assert "重點工作" in "".join(traditional) and not UNPUBLISHED.findall("".join(traditional))
    # Lines break where the glyphs' widths put them; compare the text without the breaks.
    simplified = "".join(lines("hans")).replace(" ", "")
    assert convert_text(simplified, "hant") == "".join(traditional).replace(" ", "")


def test_default_forms_are_the_published_ones() -> None:
    simplified = "为确保审核到位，床位占比达标，扎实推进，依托敬老院，群众满意。"
    published = "為確保審核到位，床位占比達標，扎實推進，依托敬老院，群眾滿意。"
    assert convert_text(simplified, "hant") == published
    for hans, hant in PUBLISHED.items():
        assert convert_text(hans, "hant") == hant


def test_other_variants_stay_options() -> None:
    assert convert_text("为群众审核床位", "hant-opencc") == "爲羣衆審覈牀位"  # OpenCC's standard s2t
    assert convert_text("项目信息", "hant-tw") == "專案資訊"  # Taiwan vocabulary (s2twp)
    assert convert_text("群众说", "hant-hk") == "羣眾説"  # Hong Kong forms (s2hk)
    assert convert_text("项目信息", "hant") == "項目信息"  # the default rewrites no words


def test_html_language_follows_the_script() -> None:
    sample = SAMPLES / "key-tasks-2020.yaml"
    languages = {}
    for script in ("hans", "hant", "hant-tw", "hant-hk"):
        parser = _HtmlText()
        parser.feed(reportgen.load(sample, choices=ReportChoices(script=script)).to_bytes("html").decode())
        languages[script] = parser.lang
    assert languages == {"hans": "zh-CN", "hant": "zh-Hant", "hant-tw": "zh-Hant-TW", "hant-hk": "zh-Hant-HK"}


def test_a_word_left_in_simplified_is_caught() -> None:
    """The check above can fail: the Simplified output of a sample is not its Traditional output."""
    for fmt in FORMATS:
        simplified, _ = _both(SAMPLES / "linyou-2022.yaml", fmt)
        assert _left_over(simplified, simplified), fmt


def test_the_words_reported_left_in_simplified() -> None:
    """要素, 称呼, the 登记表 and the 主要指标 sheet: what the defect report found."""
    annual = reportgen.load(SAMPLES / "linyou-2022.yaml", choices=ReportChoices(script="hant"))
    assert annual.document.particulars[0] == ("單位名稱", "麟遊縣城鄉居民最低生活保障管理中心")
    assert annual.document.form is not None and annual.document.form.rows[0].cells[0].text == "單位名稱"
    sheets = openpyxl.load_workbook(io.BytesIO(annual.to_bytes("xlsx"))).sheetnames
    assert sheets == ["登記表", "主要指標"]
    statement = reportgen.load(SAMPLES / "yijiang-2019m10.yaml", choices=ReportChoices(script="hant"))
    assert statement.document.salutation == "尊敬的各位領導、各位來賓、媒體朋友們："
    charts = reportgen.load(SAMPLES / "qingshan-2024q3.yaml", choices=ReportChoices(script="hant"))
    assert openpyxl.load_workbook(io.BytesIO(charts.to_bytes("xlsx"))).sheetnames == ["附件", "圖表"]


def test_a_converted_document_still_pickles_and_hashes() -> None:
    """A worker process or a cache may hold documents: the layouts' words keep them picklable."""
    document = reportgen.load(SAMPLES / "linyou-2022.yaml", choices=ReportChoices(script="hant")).document
    copy = pickle.loads(pickle.dumps(document))
    assert copy == document and hash(copy) == hash(document) and copy.words["登记表"] == "登記表"
