"""Every text field of a ledger follows one rule (docs/ledger.md “文字字段”):

- a template field (标题, 导语, 正文, 结语, 称呼, 要素 values, 一览表.标题, 目标任务, 实施进度, 目标表.标题)
  is rendered by the one sandboxed environment, so ``{{ 期间 }}`` there becomes 1—9月;
- a plain field (落款, 填报单位, 主送机关, 要素 labels, 指标 名称/说明/调整时间, 一览表.填表单位, 项目名称,
  责任单位, 备注) is printed as typed, so ``{{``, ``{%`` or ``{#`` there is refused (RG120) rather than
  printed with its braces;
- no field may hold a character XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE, U+FFFF, lone
  surrogates): refused at load (RG119) naming the field, since dropping it would change published text.
  The writers cannot emit one either (defence in depth for ledgers built in code).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree

import reportgen
from reportgen.base.errors import LedgerError, Problem
from reportgen.ledger import parse_ledger
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from reportgen.model import Ledger, Project, Section
from reportgen.render.options import RenderOptions
from tests.conftest import JIALING, MINIMAL
from tests.test_cli import run as cli
from tests.test_excel_ledger import example_workbook, patch_cell

FORBIDDEN = ["\x01", "\x0b", "\x1f", "\ufffe", "\uffff"]  # a lone surrogate cannot come through YAML

Data = dict[str, object]


def base() -> Data:
    """MINIMAL with every optional text field present, as a mutable tree."""
    data = parse_yaml(MINIMAL.encode("utf-8"), "t.yaml").data
    assert isinstance(data, dict)
    data["主送机关"] = ["区政府办"]
    data["称呼"] = "各位领导"
    data["要素"] = {"发布时间": "2024年9月23日"}
    data["导语"] = ["现将有关情况报告如下。"]
    data["结语"] = ["特此报告。"]
    figures = data["指标"]
    assert isinstance(figures, dict)
    figures["低保金"].update({"说明": "按月发放", "调整前": 90, "调整时间": "7月", "目标": {"不少于": 100}})
    data["目标表"] = {"标题": "目标任务完成情况表", "指标": ["低保金"]}
    table = data["一览表"]
    assert isinstance(table, dict)
    table["标题"] = "民生实事一览表"
    table["填表单位"] = "测试局"
    table["项目"][0].update({"责任单位": "社会救助股", "备注": "无"})
    return data


def at(data: Data, path: tuple[str | int, ...]) -> tuple[object, str | int]:
    """The container holding ``path`` and the key/index in it (list indices 1-based, as in messages)."""
    node: object = data
    for key in path[:-1]:
        node = node[key - 1] if isinstance(key, int) else node[key]  # type: ignore[index]
    last = path[-1]
    return node, (last - 1 if isinstance(last, int) else last)


def set_field(data: Data, path: tuple[str | int, ...], value: str) -> None:
    if path == ("要素", "<标签>"):
        data["要素"] = {value: "2024年9月23日"}
        return
    node, key = at(data, path)
    node[key] = value  # type: ignore[index]


def place(path: tuple[str | int, ...]) -> str:
    if path == ("要素", "<标签>"):
        return "要素"
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


# Plain text: printed as typed.
PLAIN: list[tuple[str | int, ...]] = [
    ("落款",),
    ("填报单位",),
    ("主送机关", 1),
    ("要素", "<标签>"),
    ("指标", "低保金", "名称"),
    ("指标", "低保金", "说明"),
    ("指标", "低保金", "调整时间"),
    ("一览表", "填表单位"),
    ("一览表", "项目", 1, "项目名称"),
    ("一览表", "项目", 1, "责任单位"),
    ("一览表", "项目", 1, "备注"),
]
# Templates: rendered with the figures and 期间.
TEMPLATES: list[tuple[str | int, ...]] = [
    ("标题",),
    ("导语", 1),
    ("称呼",),
    ("要素", "发布时间"),
    ("正文", 1, "标题"),
    ("正文", 1, "段落", 1),
    ("结语", 1),
    ("一览表", "标题"),
    ("一览表", "项目", 1, "目标任务"),
    ("一览表", "项目", 1, "实施进度"),
    ("目标表", "标题"),
]


def load(data: Data) -> reportgen.Report:
    return reportgen.loads(yaml_text(data), "t.yaml")


def refused(data: Data) -> list[Problem]:
    with pytest.raises(LedgerError) as caught:
        load(data)
    return list(caught.value.problems)


def test_the_base_ledger_loads_and_renders() -> None:
    report = load(base())
    for fmt in ("md", "html", "docx", "xlsx"):
        assert report.to_bytes(fmt)


# -- defect 7: braces printed literally ---------------------------------------------------------------


def test_table_title_is_a_template() -> None:
    """Defect 7: ``一览表.标题`` printed ``{{ … }}`` with its braces."""
    data = base()
    set_field(data, ("一览表", "标题"), "{{ 期间.年月 }}民生实事一览表")
    report = load(data)
    title = "2024年1—9月民生实事一览表"
    assert report.document.attachments[0].table.spec.title == title
    assert f"附件：1.{title}" in report.document.attachment_note
    document = docx.Document(io.BytesIO(report.to_bytes("docx")))
    assert title in [p.text for p in document.paragraphs]
    sheet = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx"))).worksheets[0]
    assert sheet["A2"].value == title
    for fmt in ("md", "html"):
        assert b"{{" not in report.to_bytes(fmt)
    for fmt in ("docx", "xlsx"):  # the parts as written, not their deflated bytes (where {{ may occur)
        with zipfile.ZipFile(io.BytesIO(report.to_bytes(fmt))) as package:
            assert not [name for name in package.namelist() if b"{{" in package.read(name)], fmt


def test_a_table_title_template_is_linted_like_section_titles() -> None:
    data = base()
    set_field(data, ("一览表", "标题"), "{{ 期间.年月 }}共12个项目一览表")
    findings = load(data).check()
    assert [(f.code, f.problem.place) for f in findings if f.code == "RG207"] == [("RG207", "一览表.标题")]


@pytest.mark.parametrize("path", PLAIN, ids=place)
@pytest.mark.parametrize("syntax", ["{{ 低保金 | 万元 }}", "{% if true %}是{% endif %}", "{# 注 #}"])
def test_template_syntax_in_a_plain_field_is_refused(path: tuple[str | int, ...], syntax: str) -> None:
    """Defect 7: ``项目名称`` printed ``{{ … }}`` literally and ``check`` was silent."""
    data = base()
    set_field(data, path, f"低保{syntax}项目")
    found = [p for p in refused(data) if p.code == "RG120"]
    assert len(found) == 1, found
    assert found[0].place == place(path)
    assert found[0].value == f"低保{syntax}项目"
    assert "模板" in found[0].message and found[0].expected


def test_check_reports_template_syntax_in_a_project_name(tmp_path: Path) -> None:
    data = base()
    set_field(data, ("一览表", "项目", 1, "项目名称"), "低保{{ 低保金 | 万元 }}")
    path = tmp_path / "t.yaml"
    path.write_text(yaml_text(data), "utf-8")
    result = cli("check", str(path))
    assert result.returncode == 2
    assert "RG120" in result.stderr and "一览表.项目[1].项目名称" in result.stderr
    assert "Traceback" not in result.stderr


def test_template_syntax_in_an_excel_project_name_names_the_cell() -> None:
    raw = patch_cell(
        example_workbook(), 4, "A2", '<c r="A2" t="inlineStr"><is><t>低保{{ 期间 }}</t></is></c>'
    )
    with pytest.raises(LedgerError) as caught:
        parse_ledger(raw, "台账.xlsx")
    [problem] = caught.value.problems
    assert (problem.code, problem.place, problem.value) == ("RG120", "项目!A2", "低保{{ 期间 }}")


@pytest.mark.parametrize("path", TEMPLATES, ids=place)
def test_every_template_field_renders(path: tuple[str | int, ...]) -> None:
    data = base()
    set_field(data, path, "截至{{ 期间.年月 }}完成")
    report = load(data)
    for fmt in ("md", "html", "docx"):
        page = report.to_bytes(fmt).decode("utf-8", "replace") if fmt != "docx" else _docx_text(report)
        assert "截至2024年1—9月完成" in page, fmt
        assert "{{" not in page


def _docx_text(report: reportgen.Report) -> str:
    document = docx.Document(io.BytesIO(report.to_bytes("docx")))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(texts)


# -- defect 8: characters XML cannot hold --------------------------------------------------------------


def test_a_control_character_in_the_signer_is_refused(tmp_path: Path) -> None:
    """Defect 8: U+0001 in 落款 gave exit 0 and a .docx that does not open (core.xml)."""
    data = base()
    set_field(data, ("落款",), "测试\x01局")
    path = tmp_path / "t.yaml"
    path.write_text(yaml_text(data), "utf-8")
    out = tmp_path / "out"
    result = cli("render", str(path), "-f", "docx", "-o", str(out))
    assert result.returncode == 2, result.stdout
    assert "RG119" in result.stderr and "落款" in result.stderr and "U+0001" in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("path", PLAIN + TEMPLATES, ids=place)
@pytest.mark.parametrize("char", FORBIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_a_forbidden_character_is_refused_in_every_field(path: tuple[str | int, ...], char: str) -> None:
    data = base()
    set_field(data, path, f"甲{char}乙")
    found = [p for p in refused(data) if p.code == "RG119"]
    assert [p.place for p in found] == [place(path)]
    assert f"U+{ord(char):04X}" in found[0].message
    assert char not in str(found[0].value)  # the message shows the character by its code point


def with_shared_string(raw: bytes, sheet: int, cell: str, text: str) -> bytes:
    """``raw`` with ``cell`` holding ``text`` as a shared string, the way Excel stores text.

    openpyxl refuses control characters when it writes, but reads ``_x0001_`` in a shared string as
    U+0001 (the escape Excel writes for them), so the workbook is built at the XML level."""
    raw = patch_cell(raw, sheet, cell, f'<c r="{cell}" t="s"><v>0</v></c>')
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    content = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename).decode("utf-8")
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    "</Relationships>",
                    f'<Relationship Id="rIdS" Type="{kind}" Target="sharedStrings.xml"/></Relationships>',
                )
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    "</Types>",
                    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content}"/></Types>',
                )
            target.writestr(item, data.encode("utf-8"))
        target.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'.encode(),
        )
    return out.getvalue()


@pytest.mark.parametrize(
    "cell,sheet,text",
    [
        ("A2", 4, "低保_x0001_项目"),  # 项目名称
        ("D2", 5, "基本_xFFFE_情况"),  # 正文 段落
        ("B4", 2, "测试_xD800_局"),  # 落款: a lone surrogate
        ("B4", 2, "测试_x000B_局"),
    ],
)
def test_forbidden_characters_in_an_excel_ledger_name_the_cell(cell: str, sheet: int, text: str) -> None:
    raw = with_shared_string(example_workbook(), sheet, cell, text)
    with pytest.raises(LedgerError) as caught:
        parse_ledger(raw, "台账.xlsx")
    found = [p for p in caught.value.problems if p.code == "RG119"]
    assert [p.place for p in found] == [f"{['', '', '基本信息', '', '项目', '正文'][sheet]}!{cell}"]
    assert "U+" in found[0].message


# -- defence in depth: a ledger built in code ----------------------------------------------------------

HOSTILE = "甲\x01\x0b\ufffe\uffff\ud800乙"


def hostile_ledger() -> Ledger:
    """Every text field of the model holding characters XML forbids (the loader refuses them; code
    that builds a ``Ledger`` itself does not go through the loader)."""
    ledger = load(base()).ledger
    assert ledger.table is not None and ledger.target_table is not None

    def section(s: Section) -> Section:
        return dataclasses.replace(
            s, title=s.title + HOSTILE, paragraphs=tuple(p + HOSTILE for p in s.paragraphs)
        )

    def project(p: Project) -> Project:
        return dataclasses.replace(
            p,
            name=p.name + HOSTILE,
            target_text=p.target_text + HOSTILE,
            progress_text=p.progress_text + HOSTILE,
            owner=p.owner + HOSTILE,
            note=p.note + HOSTILE,
        )

    return dataclasses.replace(
        ledger,
        title=ledger.title + HOSTILE,
        signer=ledger.signer + HOSTILE,
        filler=ledger.filler + HOSTILE,
        recipients=tuple(r + HOSTILE for r in ledger.recipients),
        intro=tuple(p + HOSTILE for p in ledger.intro),
        closing=tuple(p + HOSTILE for p in ledger.closing),
        salutation=ledger.salutation + HOSTILE,
        particulars=tuple((k + HOSTILE, v + HOSTILE) for k, v in ledger.particulars),
        sections=tuple(section(s) for s in ledger.sections),
        figures=tuple(
            dataclasses.replace(f, name=f.name + HOSTILE, note=f.note + HOSTILE) for f in ledger.figures
        ),
        table=dataclasses.replace(
            ledger.table,
            title=(ledger.table.title or "") + HOSTILE,
            filler=ledger.table.filler + HOSTILE,
            projects=tuple(project(p) for p in ledger.table.projects),
        ),
        target_table=dataclasses.replace(ledger.target_table, title=ledger.target_table.title + HOSTILE),
        charts=True,
    )


def assert_parts_parse(data: bytes) -> None:
    """Every XML part of an OOXML package parses strictly."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # raises on a forbidden character


BAD = set("\x01\x0b\ufffe\uffff\ud800")


@pytest.mark.parametrize("without_table", [False, True])
def test_no_writer_emits_a_forbidden_character(without_table: bool) -> None:
    ledger = hostile_ledger()
    if without_table:
        ledger = dataclasses.replace(ledger, table=None, target_table=None)  # the 主要指标 sheet
    report = reportgen.Report(ledger)
    data = report.to_bytes("docx")
    assert_parts_parse(data)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "测试局关于2024年1—9月工作情况的报告甲乙"
    assert document.core_properties.author == "测试局甲乙"
    workbook = report.to_bytes("xlsx")
    assert_parts_parse(workbook)
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        assert not BAD & set(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and BAD & set(cell.value)), cell.coordinate
    for fmt in ("md", "html"):
        assert not BAD & set(report.to_bytes(fmt).decode("utf-8"))


def test_a_lone_surrogate_in_yaml_is_a_syntax_error() -> None:
    """YAML cannot carry a lone surrogate at all: its reader refuses the escape (RG102), no crash."""
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(MINIMAL.replace("落款: 测试局", '落款: "测试\\uD800局"'), "t.yaml")
    assert caught.value.code == "RG102"


def cell_holding(raw: bytes, marker: str) -> tuple[int, str, str]:
    """(sheet number, cell, text) of the one cell of a workbook whose text holds ``marker`` (the
    hidden 选项 sheet lists 责任单位 for the drop-down too; the ledger is read from the visible one)."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    found = [
        (number, cell.coordinate, cell.value)
        for number, sheet in enumerate(book.worksheets, start=1)
        if sheet.sheet_state == "visible"
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and marker in cell.value
    ]
    assert len(found) == 1, found
    return found[0]


def excel_ledger_with(path: tuple[str | int, ...], text: str) -> bytes:
    data = base()
    set_field(data, path, text)
    return workbook_bytes(data)


@pytest.mark.parametrize("path", PLAIN + TEMPLATES, ids=place)
def test_every_field_of_an_excel_ledger_is_checked_naming_its_cell(path: tuple[str | int, ...]) -> None:
    """The same rules in a workbook: RG119 (Excel stores U+0001 as ``_x0001_``) and, in a plain
    field, RG120, each naming the cell the field is in."""
    raw = excel_ledger_with(path, "甲MARK乙")
    number, cell, shown = cell_holding(raw, "MARK")
    sheet = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[number - 1].title
    bad = with_shared_string(raw, number, cell, shown.replace("MARK", "_x0001_"))
    with pytest.raises(LedgerError) as caught:
        parse_ledger(bad, "台账.xlsx")
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG119", f"{sheet}!{cell}")]
    templated = excel_ledger_with(path, "甲{{ 期间 }}乙")
    if path in TEMPLATES:
        assert "甲1—9月乙" in _docx_text(reportgen.Report(parse_ledger(templated, "台账.xlsx")))
        return
    with pytest.raises(LedgerError) as caught:
        parse_ledger(templated, "台账.xlsx")
    assert [(p.code, p.place) for p in caught.value.problems] == [("RG120", f"{sheet}!{cell}")]


@pytest.mark.parametrize(
    "path", [("落款",), ("标题",), ("一览表", "标题"), ("正文", 1, "段落", 1)], ids=place
)
def test_docxtpl_brace_escapes_in_ledger_text_are_printed_as_typed(path: tuple[str | int, ...]) -> None:
    """``{_{`` is how a Word template writes a literal ``{{``; the engine once turned it into ``{{`` in
    the rendered part, so ledger text ``甲{_{乙`` came out as ``甲{{乙`` (found by the property test)."""
    data = base()
    set_field(data, path, "甲{_{乙}_}丙{_%丁%_}")
    assert "甲{_{乙}_}丙{_%丁%_}" in _docx_text(load(data))


def test_a_word_template_still_prints_escaped_braces(tmp_path: Path) -> None:
    template = docx.Document()
    template.add_paragraph("{{ document.title }}")
    template.add_paragraph("写 {_{ 指标 }_} 或 {_% if %_}")
    path = tmp_path / "mine.docx"
    template.save(str(path))
    report = reportgen.Report(load(base()).ledger, options=RenderOptions(docx_template=path))
    paragraphs = [p.text for p in docx.Document(io.BytesIO(report.to_bytes("docx"))).paragraphs]
    assert paragraphs[1] == "写 {{ 指标 }} 或 {% if %}"


def test_a_bidi_override_is_refused_not_printed_reversed() -> None:
    """U+202E in a project name prints the rest of the name backwards on the page ("Trojan Source")."""
    source = JIALING.read_text("utf-8").replace("项目名称: ", "项目名称: 甲\u202e乙丙", 1)
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(source, "t.yaml")
    (problem,) = [p for p in caught.value.problems if p.code == "RG119"]
    assert "U+202E" in str(problem) and "双向文字控制符" in str(problem)
