"""Every kind of .docx and .xlsx reportgen writes is valid Office Open XML (tests/ooxml.py), and the
check fails on the faults that make Word or Excel “repair” a file.

The outputs: each sample rendered as each report kind (the kind's own layout and the others'), each
sample with charts and 合计 formulas, twenty projects with gaps (five charts), each
sample in Traditional characters, the plain template chosen by hand, a user's own Word template (its
own faults excepted), the Excel ledger of ``reportgen init --excel`` and each sample converted to an
Excel ledger.  Each ``.docx``/``.xlsx`` writer path of ``Report.render``, ``new_ledger`` and
``convert_ledger`` is among them; a batch writes the same bytes (test_batch).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import reportgen
from reportgen import LedgerError, RenderOptions, ReportChoices
from reportgen.api import DEFAULT_CHOICES
from reportgen.base.resources import builtin_templates
from reportgen.kinds import find_kinds
from reportgen.render import DEFAULT_OPTIONS
from tests.conftest import JIALING, MINIMAL, QINGSHAN, SAMPLES
from tests.ooxml import assert_valid_ooxml, ooxml_findings
from tests.test_charts import many_projects
from tests.test_docx import _user_template as user_template

SAMPLE_PATHS = sorted(SAMPLES.glob("*.yaml"))
KINDS = [kind.id for kind in find_kinds((), builtin_templates())]
Writer = Callable[[Path], list[Path]]


def _report(
    sample: Path, choices: ReportChoices = DEFAULT_CHOICES, options: RenderOptions = DEFAULT_OPTIONS
) -> Writer:
    def write(out: Path) -> list[Path]:
        return reportgen.load(sample, choices=choices, options=options).render("docx,xlsx", out)

    return write


def _fits(sample: Path, kind: str) -> bool:
    """Whether ``sample`` has every part ``kind`` requires (a 通报 needs a 表格 the older samples lack)."""
    try:
        reportgen.load(sample, choices=ReportChoices(kind=kind))
    except LedgerError:
        return False
    return True


def _cases() -> dict[str, Writer]:
    cases: dict[str, Writer] = {}
    for sample in SAMPLE_PATHS:
        for kind in KINDS:
            if _fits(sample, kind):
                cases[f"{sample.stem}-as-{kind}"] = _report(sample, ReportChoices(kind=kind))
        cases[f"{sample.stem}-charts-formulas"] = _report(
            sample, ReportChoices(charts=True), RenderOptions(xlsx_total_formulas=True)
        )
        cases[f"{sample.stem}-hant"] = _report(sample, ReportChoices(script="hant"))
        cases[f"{sample.stem}-ledger"] = lambda out, s=sample: [
            reportgen.convert_ledger(s, out / f"{s.stem}.xlsx")
        ]
    cases["twenty-projects-charts-gaps"] = lambda out: reportgen.loads(
        many_projects(20), str(out / "many.yaml"), options=RenderOptions(xlsx_total_formulas=True)
    ).render("docx,xlsx", out)
    cases["plain-template"] = _report(
        JIALING, options=RenderOptions(docx_template=builtin_templates() / "report-plain.docx")
    )
    cases["init-excel-ledger"] = lambda out: [reportgen.new_ledger(out / "台账.xlsx")]
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", list(CASES))
def test_every_output_is_valid_office_open_xml(case: str, tmp_path: Path) -> None:
    written = CASES[case](tmp_path)
    assert written and all(p.suffix in (".docx", ".xlsx") for p in written)
    for path in written:
        assert_valid_ooxml(path)


def test_a_users_template_comes_out_no_less_valid_than_it_went_in(tmp_path: Path) -> None:
    """A user's Word file is theirs: reportgen may add no finding to the ones it already has.

    python-docx's stock document, the user's template here, has two of openxml-audit's own Word
    checks (not the SDK's) against it: its stylesWithEffects.xml lacks the Header/Footer styles and
    has other docDefaults than styles.xml.  Word opens such files; they are the template's, not ours.
    """
    template = user_template(
        tmp_path, "{{ document.title }}", "{%p for b in document.blocks %}", "{{ b.text }}", "{%p endfor %}"
    )
    [path] = reportgen.loads(MINIMAL, options=RenderOptions(docx_template=template)).render("docx", tmp_path)
    assert ooxml_findings(path) == ooxml_findings(template)


# -- the check can fail ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A report with chart pictures (a png part) and its .xlsx, both valid to start with."""
    out = tmp_path_factory.mktemp("valid")
    docx_path, xlsx_path = reportgen.load(QINGSHAN).render("docx,xlsx", out)
    for path in (docx_path, xlsx_path):
        assert ooxml_findings(path) == []
    return {"docx": docx_path, "xlsx": xlsx_path}


def _broken(source: Path, member: str, change: Callable[[str], str], out: Path) -> Path:
    """``source`` with one member's text changed (the change must apply)."""
    target = out / f"broken{source.suffix}"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == member:
                text = data.decode("utf-8")
                changed = change(text)
                assert changed != text, f"the change did not apply to {member}"
                data = changed.encode("utf-8")
            new.writestr(info.filename, data)
    return target


def _first(pattern: str, replacement: str) -> Callable[[str], str]:
    return lambda text: re.sub(pattern, replacement, text, count=1)


@pytest.mark.parametrize(
    "fmt,member,change,expected",
    [
        (  # w:jc before w:pStyle: CT_PPr is a sequence
            "docx",
            "word/document.xml",
            _first(r"<w:pPr>(<w:pStyle [^>]*/>)(<w:jc [^>]*/>)", r"<w:pPr>\2\1"),
            "/pPr[1]: Unexpected element 'pStyle' found",
        ),
        (
            "docx",
            "word/document.xml",
            _first(r"<w:p>", '<w:p w:bogus="1">'),
            "/word/document.xml:/document[1]/body[1]/p[1]: The 'bogus' attribute is not declared.",
        ),
        (
            "docx",
            "word/document.xml",
            _first(r'<w:jc w:val="center"/>', '<w:jc w:val="middle"/>'),
            "Invalid value for attribute 'val': Value 'middle' is not in allowed values",
        ),
        (  # the chart pictures lose their content type
            "docx",
            "[Content_Types].xml",
            _first(r'<Default Extension="png"[^>]*/>', ""),
            "[package] /word/media/reportgen-chart1.png: no content type",
        ),
        (
            "docx",
            "[Content_Types].xml",
            _first(r'<Override PartName="/word/styles.xml"[^>]*/>', ""),
            "Relationship target '/word/styles.xml' has content type 'application/xml'",
        ),
        (
            "docx",
            "word/_rels/document.xml.rels",
            _first(r'Target="styles.xml"', 'Target="missing.xml"'),
            "Relationship target not found: /word/missing.xml",
        ),
        (  # mergeCells before sheetData: CT_Worksheet is a sequence
            "xlsx",
            "xl/worksheets/sheet1.xml",
            lambda s: re.sub(
                r"(<sheetData>.*</sheetData>)(<mergeCells .*?</mergeCells>)", r"\2\1", s, flags=re.S
            ),
            "Unexpected element 'sheetData' found",
        ),
        (  # Excel's repair: “Cell information from /xl/worksheets/sheet1.xml”
            "xlsx",
            "xl/worksheets/sheet1.xml",
            _first(r'<row r="8"', '<row r="7"'),
            "[sheet] /xl/worksheets/sheet1.xml: row 7 after row 7",
        ),
        (
            "xlsx",
            "xl/worksheets/sheet1.xml",
            _first(r'<c r="A8"', '<c r="A9"'),
            "[sheet] /xl/worksheets/sheet1.xml: cell A9 in row 8 after column 0",
        ),
        (
            "xlsx",
            "xl/worksheets/sheet1.xml",
            _first(r'<mergeCell ref="K4:K6"/>', '<mergeCell ref="K4:K6"/><mergeCell ref="J5:K5"/>'),
            "merged range J5:K5 overlaps K4:K6",
        ),
        (
            "xlsx",
            "xl/workbook.xml",
            _first(r'name="附件"', 'name="附件[1]"'),
            "sheet name “附件[1]” is not one Excel accepts",
        ),
        (  # the tolerated font order still may not repeat an element
            "xlsx",
            "xl/styles.xml",
            _first(r'<sz val="14"/>', '<sz val="14"/><sz val="12"/>'),
            "[schema] /xl/styles.xml: font 2 has unexpected or repeated ['sz']",
        ),
    ],
    ids=[
        "order",
        "attribute",
        "value",
        "png-type",
        "override",
        "dangling",
        "sheet-order",
        "row-twice",
        "cell-row",
        "merge-overlap",
        "sheet-name",
        "font-twice",
    ],
)
def test_a_broken_package_fails(
    valid: dict[str, Path], tmp_path: Path, fmt: str, member: str, change: Callable[[str], str], expected: str
) -> None:
    findings = ooxml_findings(_broken(valid[fmt], member, change, tmp_path))
    assert any(expected in finding for finding in findings), findings
    with pytest.raises(AssertionError, match="is not valid Office Open XML"):
        assert_valid_ooxml(_broken(valid[fmt], member, change, tmp_path))
