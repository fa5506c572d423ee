"""Table-first kinds (issue 16): 通报, 公示, 绩效自评表, and what a kind requires of a ledger (``需要``).

A kind declares each part required, optional or unused; the loader applies the ledger's kind with every
other check, so a 公示 without 落款 loads and the same ledger as a 民生实事 report is RG104 naming the file
and the field.  Nothing is made up for an absent part: no sentence for a missing 正文, no date for a
missing 成文日期 (the document properties use the fixed ``UNDATED``)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document as WordDocument

import reportgen
from reportgen import LedgerError, ReportChoices, TemplateError
from reportgen.base.resources import builtin_templates
from reportgen.document.blocks import UNDATED, TableBlock
from reportgen.kinds import find_kinds
from reportgen.ledger import parse_ledger
from reportgen.ledger.parts import OPTIONAL, REQUIRED, UNUSED
from tests.conftest import SAMPLES
from tests.test_cli import run

NOTICE = SAMPLES / "qingshan-notice-2024q3.yaml"
PUBLICITY = SAMPLES / "qingshan-publicity-2024.yaml"
EVALUATION = SAMPLES / "qingshan-evaluation-2024.yaml"

# A 公示 in a few lines: no 落款, no 期间, no 正文 (its kind lets it go without them).
PUBLIC = """\
类型: 公示
标题: 测试县新增低保对象公示
成文日期: 2024-12-09
填报单位: 测试县民政局
要素: {公示期: 2024年12月9日至2024年12月15日}
导语: [拟将以下对象纳入低保范围，现予以公示。]
表格:
  - 编号: 名单
    标题: 新增对象名单
    列: [{名称: 户主姓名, 文本: 是}, {名称: 保障人数, 单位: 人}]
    行: [{户主姓名: 张*华, 保障人数: 3}]
"""


def problems(error: pytest.ExceptionInfo[LedgerError]) -> list[tuple[str, str | None]]:
    return [(p.code, p.place) for p in error.value.problems]


# -- what a kind declares ----------------------------------------------------------------------------
def test_the_three_kinds_declare_what_they_need() -> None:
    kinds = {k.type_name: k for k in find_kinds((), builtin_templates())}
    notice, public, form = kinds["通报"], kinds["公示"], kinds["绩效自评表"]
    assert (notice.id, public.id, form.id) == ("notice", "publicity", "self-evaluation")
    assert notice.required == ("正文", "表格") and notice.needs.state("落款") == REQUIRED
    assert public.needs.state("落款") == OPTIONAL and public.needs.state("成文日期") == REQUIRED
    assert public.needs.state("一览表") == UNUSED and public.needs.state("期间") == OPTIONAL
    assert form.needs.relaxed() == ("落款", "成文日期") and form.needs.state("正文") == OPTIONAL
    # the old list form still means "these are required", the rest as before
    old = kinds["民生实事"].needs
    assert old.declared == (("正文", REQUIRED),) and old.parts(REQUIRED) == (
        "正文",
        "落款",
        "成文日期",
        "期间",
    )
    listing = run("kinds").stdout
    assert (
        "公示（publicity）：公示；版式：公文；需要：表格、要素、导语；可不填：落款、期间；不用：一览表、目标表"
        in listing
    )
    assert "民生实事（project-progress）：民生实事推进情况报告；版式：公文；需要：正文\n" in listing


# -- the loader applies the ledger's kind ------------------------------------------------------------
def test_a_publicity_without_signer_and_period_loads_clean() -> None:
    report = reportgen.loads(PUBLIC, "公示.yaml")
    assert report.kind.id == "publicity" and report.check() == []
    ledger = report.ledger
    assert (ledger.signer, ledger.period, ledger.sections) == ("", None, ())
    document = report.document
    assert (document.signer, document.signer_line, document.date) == ("", "", "2024年12月9日")


def test_the_same_ledger_as_another_kind_is_rg104_naming_file_and_field() -> None:
    text = PUBLIC.replace("类型: 公示", "类型: 民生实事")
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(text, "公示.yaml")
    assert problems(caught) == [("RG104", "落款"), ("RG104", "期间"), ("RG104", "正文")]
    first = caught.value.problems[0]
    assert first.message == "缺少必填字段“落款”" and str(first.file) == "公示.yaml"
    assert caught.value.problems[2].message == "“民生实事”报告需要“正文”"
    # --kind decides at load too, with every other problem at once
    with pytest.raises(LedgerError) as chosen:
        reportgen.loads(PUBLIC + "图表: 也许\n", "公示.yaml", choices=ReportChoices(kind="民生实事"))
    assert ("RG104", "落款") in problems(chosen) and ("RG105", "图表") in problems(chosen)
    # a required part given empty is missing too, not printed as nothing
    with pytest.raises(LedgerError) as empty:
        reportgen.loads(
            text.replace("成文日期:", '落款: ""\n期间: {年度: 2024, 月份: 12}\n成文日期:'), "公示.yaml"
        )
    assert [(p.code, p.place, p.message) for p in empty.value.problems] == [
        ("RG104", "正文", "“民生实事”报告需要“正文”"),
        ("RG104", "落款", "“民生实事”报告需要“落款”"),
    ]
    # a ledger read on its own (no kind known) needs what every kind needs unless it says otherwise
    with pytest.raises(LedgerError) as alone:
        parse_ledger(PUBLIC, "公示.yaml")
    assert problems(alone) == [("RG104", "落款"), ("RG104", "期间")]


def test_the_command_names_file_and_field(tmp_path: Path) -> None:
    ledger = tmp_path / "通报.yaml"
    head = PUBLIC.split("表格:")[0].replace("类型: 公示", "类型: 通报")
    ledger.write_text(head + "落款: 测试县民政局\n期间: {年度: 2024, 月份: 12}\n", "utf-8")
    done = run("check", ledger)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split("（")[0] for line in lines[:2]] == ["RG104 缺少必填字段", "RG104 缺少必填字段"]
    assert all("通报.yaml" in line for line in lines[:2])
    assert "“通报”报告需要“正文”" in lines[0] and "“通报”报告需要“表格”" in lines[1]


def test_a_part_the_kind_does_not_use_is_rg103_not_dropped() -> None:
    text = PUBLIC + "一览表:\n  标题: 项目表\n  金额单位: 万元\n  项目: []\n"
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(text, "公示.yaml")
    assert problems(caught) == [("RG103", "一览表")]
    assert caught.value.problems[0].message == "“公示”报告不用“一览表”，不会印出"
    assert caught.value.problems[0].line == 13


def test_an_empty_required_part_is_missing_and_an_unknown_kind_is_rg117_first() -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(PUBLIC.split("表格:")[0] + "表格: []\n", "公示.yaml")
    assert problems(caught) == [("RG104", "表格")]
    with pytest.raises(LedgerError) as unknown:
        reportgen.loads(PUBLIC.replace("类型: 公示", "类型: 告示"), "公示.yaml")
    assert problems(unknown) == [("RG117", "类型")]


@pytest.mark.parametrize(
    ("blank", "part"),
    [
        ('导语: [" "]', "导语"),
        ('导语: ""', "导语"),
        ('要素: {公示期: ""}', "要素"),
    ],
)
def test_a_required_part_of_blank_text_is_missing(blank: str, part: str) -> None:
    """A space or an empty string prints nothing, so it does not meet a kind's 必填 (RG104)."""
    original = next(line for line in PUBLIC.splitlines() if line.startswith(part + ":"))
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(PUBLIC.replace(original, blank), "公示.yaml")
    assert (("RG104", part)) in problems(caught)


def test_check_parts_applies_the_chosen_kind_to_a_ledger_built_elsewhere() -> None:
    ledger = reportgen.loads(PUBLIC, "公示.yaml").ledger
    with pytest.raises(LedgerError) as caught:
        reportgen.Report(ledger, choices=ReportChoices(kind="通报"))
    assert problems(caught) == [("RG104", "正文"), ("RG104", "落款"), ("RG104", "期间")]


# -- nothing is made up ------------------------------------------------------------------------------
def test_no_period_means_no_period_in_templates(tmp_path: Path) -> None:
    text = PUBLIC.replace("导语: [", '导语: ["{{ 期间 }}", ')
    with pytest.raises(TemplateError) as caught:
        reportgen.loads(text, "公示.yaml").document  # noqa: B018 - building it is the test
    assert caught.value.code == "RG302" and "名称“期间”没有定义" in str(caught.value)
    assert "本台账没有“期间”" in str(caught.value.problems[0].expected)
    # the 一览表's default title comes from the 期间: without one, the 一览表 needs its own
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "kind.yaml").write_text(
        "类型: 测试\n名称: 测试\n需要: {落款: 可选, 期间: 可选}\n", "utf-8"
    )
    with pytest.raises(LedgerError) as untitled:
        reportgen.loads(
            PUBLIC.replace("类型: 公示", "类型: 测试") + "一览表: {金额单位: 万元, 项目: []}\n",
            "公示.yaml",
            templates=[tmp_path],
        )
    assert problems(untitled) == [("RG104", "一览表.标题")]


def test_a_form_without_text_signer_and_date_prints_none(tmp_path: Path) -> None:
    report = reportgen.load(EVALUATION)
    assert report.kind.id == "self-evaluation" and report.check() == []
    document = report.document
    # no text block: the body is the two tables (位置: 正文), no sentence made up around them
    assert [type(b) for b in document.blocks] == [TableBlock, TableBlock]
    assert document.recipients == "" and document.salutation == ""
    assert (document.signer, document.date, document.signer_line, document.date_line) == ("", "", "", "")
    assert document.issued == UNDATED
    assert [label for label, _ in document.particulars] == [
        "项目名称",
        "主管部门",
        "实施单位",
        "年度目标",
        "完成情况",
    ]
    # the only text of the Markdown is the title, the 要素 and the two tables (位置: 正文), nothing after
    markdown = report.to_bytes("md").decode()
    lines = [line for line in markdown.splitlines() if line.strip()]
    assert lines[0] == "# 2024年困难群众救助补助资金绩效自评表"
    assert lines[1:6] == [f"{label}：{value}" for label, value in document.particulars]
    assert lines[6] == "**资金情况**" and lines[13] == "**绩效指标**"
    assert all(line.startswith("|") for line in lines[7:13] + lines[14:])
    assert document.attachments == () and document.attachment_note == ()
    # document properties: the fixed date, in every package
    for fmt in ("docx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(report.to_bytes(fmt))) as package:
            core = package.read("docProps/core.xml").decode()
        assert "1980-01-01T00:00:00Z" in core, fmt
        assert "日" not in core


# -- where a kind's tables go (kind.yaml 表格位置) ----------------------------------------------------
def _docx_text(data: bytes) -> list[str]:
    return [p.text for p in WordDocument(io.BytesIO(data)).paragraphs]


def _unplaced(sample: Path, folder: Path) -> Path:
    """A copy of ``sample`` whose tables say no 位置 (the samples say 位置: 正文 on every one)."""
    text = sample.read_text("utf-8")
    unplaced = re.sub(r"(?m)^ +位置: 正文.*\n", "", text)
    assert unplaced != text and not re.search(r"(?m)^ +位置:", unplaced)
    copy = folder / sample.name
    copy.write_text(unplaced, "utf-8")
    return copy


def test_a_kinds_tables_go_where_it_says_and_a_tables_own_place_wins() -> None:
    kinds = {k.type_name: k.table_placement for k in find_kinds((), builtin_templates())}
    assert (kinds["公示"], kinds["绩效自评表"], kinds["通报"], kinds["民生实事"]) == (
        "正文",
        "正文",
        "附件",
        "附件",
    )
    # PUBLIC says no 位置: the 公示's list is in the body, after the 导语, with no 附件 note
    report = reportgen.loads(PUBLIC, "公示.yaml")
    document = report.document
    assert [type(b).__name__ for b in document.blocks] == ["Paragraph", "TableBlock"]
    assert document.attachments == () and document.attachment_note == ()
    assert not any(text.startswith("附件") for text in _docx_text(report.to_bytes("docx")))
    # the table's own 位置 still wins over its kind's
    attached = reportgen.loads(
        PUBLIC.replace("    标题: 新增对象名单\n", "    标题: 新增对象名单\n    位置: 附件\n"), "公示.yaml"
    )
    assert [type(b).__name__ for b in attached.document.blocks] == ["Paragraph"]
    assert attached.document.attachment_note == ("附件：新增对象名单",)
    assert "附件：新增对象名单" in _docx_text(attached.to_bytes("docx"))
    assert "；表格位置：正文" in run("kinds").stdout.split("公示（publicity）")[1].splitlines()[0]


@pytest.mark.parametrize("sample", [PUBLICITY, EVALUATION], ids=["publicity", "evaluation"])
def test_the_samples_without_their_place_print_the_same(tmp_path: Path, sample: Path) -> None:
    """The samples say 位置: 正文 on every table; their kind says it for them, to the same bytes."""
    placed, default = reportgen.load(sample), reportgen.load(_unplaced(sample, tmp_path))
    assert default.document.attachments == ()
    for fmt in ("md", "docx", "xlsx"):
        assert default.to_bytes(fmt) == placed.to_bytes(fmt), fmt


def test_an_excel_ledgers_blank_place_is_the_kinds(tmp_path: Path) -> None:
    """The table sheet's 位置 (B2) left blank is the kind's 表格位置, as a YAML table without 位置."""
    workbook = reportgen.convert_ledger(_unplaced(PUBLICITY, tmp_path), tmp_path / "公示.xlsx")
    book = openpyxl.load_workbook(workbook)
    sheet = next(s for s in book.worksheets if s["A1"].value == "表格编号")
    assert sheet["A2"].value == "位置" and sheet["B2"].value is None
    report = reportgen.load(workbook)
    assert any(isinstance(b, TableBlock) for b in report.document.blocks)
    assert report.document.attachments == ()
    assert report.to_bytes("docx") == reportgen.load(PUBLICITY).to_bytes("docx")
    sheet["B2"] = "附件"  # the clerk's own 位置 wins
    book.save(workbook)
    attached = reportgen.load(workbook).document
    assert len(attached.attachments) == 1 and not any(isinstance(b, TableBlock) for b in attached.blocks)


def test_a_users_kind_moves_the_tables_that_say_no_place(tmp_path: Path) -> None:
    """A user's 通报 (same 类型, in their --templates folder) whose tables go in the body: the sample's
    table, which says no 位置, follows its kind; the built-in 通报 attaches it."""
    pack = tmp_path / "notice"
    pack.mkdir()
    kind = (builtin_templates() / "notice" / "kind.yaml").read_text("utf-8")
    (pack / "kind.yaml").write_text(kind.replace("表格位置: 附件", "表格位置: 正文"), "utf-8")
    moved = reportgen.load(NOTICE, templates=[tmp_path]).document
    assert moved.attachments == () and isinstance(moved.blocks[-1], TableBlock)
    builtin = reportgen.load(NOTICE).document
    assert len(builtin.attachments) == 1 and not any(isinstance(b, TableBlock) for b in builtin.blocks)


def test_a_table_too_wide_for_the_body_its_kind_chose_says_so(tmp_path: Path) -> None:
    """Thirteen 万元 columns put in the body by the kind's 表格位置 (the table says no 位置): RG126 says
    the kind put it there; the table's own 位置: 附件 is the way out."""
    pack = tmp_path / "wide"
    pack.mkdir()
    (pack / "kind.yaml").write_text("类型: 宽表\n名称: 宽表\n需要: [表格]\n表格位置: 正文\n", "utf-8")
    columns = "\n".join(f"      - {{名称: 金额{i}, 单位: 万元}}" for i in range(12))
    cells = ", ".join(f"金额{i}: 12345.67" for i in range(12))
    text = (
        "类型: 宽表\n标题: 宽表\n落款: 某区民政局\n成文日期: 2024-10-10\n填报单位: 某区民政局\n"
        "期间: {年度: 2024, 月份: 1—9}\n表格:\n  - 编号: 宽表\n    标题: 宽表\n"
        f"    列:\n      - {{名称: 单位, 文本: 是}}\n{columns}\n    行:\n      - {{单位: 城关镇, {cells}}}\n"
    )
    with pytest.raises(LedgerError) as caught:
        _ = reportgen.loads(text, "宽表.yaml", templates=[tmp_path]).document
    problem = caught.value.problems[0]
    assert (problem.code, problem.place) == ("RG126", "表格“宽表”.位置")
    assert problem.message.endswith("（这张表没写位置，这类报告的表格默认放在正文中）")
    attached = text.replace("    标题: 宽表\n", "    标题: 宽表\n    位置: 附件\n")
    assert len(reportgen.loads(attached, "宽表.yaml", templates=[tmp_path]).document.attachments) == 1


# -- every sample in every format --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (NOTICE, ("各乡镇人民政府：", "资金使用率94.12%", "青山县民政局", "2024年10月15日")),
        (PUBLICITY, ("公示期：2024年12月9日至2024年12月15日", "拟将以下12户26人", "张*华", "2024年12月9日")),
        (EVALUATION, ("项目名称：困难群众救助补助资金", "绩效指标", "96.94")),
    ],
    ids=["notice", "publicity", "evaluation"],
)
def test_each_sample_renders_in_every_format(tmp_path: Path, sample: Path, expected: tuple[str, ...]) -> None:
    done = run("render", sample, "-o", tmp_path, "-f", "md,html,docx,xlsx,pdf", "--quiet")
    assert done.returncode == 0, done.stderr
    stem = sample.stem
    markdown = (tmp_path / f"{stem}.md").read_text("utf-8").replace("\\*", "*")
    html = (tmp_path / f"{stem}.html").read_text("utf-8")
    word = WordDocument(str(tmp_path / f"{stem}.docx"))
    docx_text = "\n".join(
        [p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells]
    )
    book = openpyxl.load_workbook(tmp_path / f"{stem}.xlsx")
    cells = " ".join(
        str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None
    )
    pdf = (
        subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / f"{stem}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.replace(" ", "")
        .replace("\n", "")
    )
    for text in expected:
        assert text in markdown and text in html and text in docx_text.replace("\u3000", ""), text
        assert text.replace(" ", "") in pdf, text
    tables = reportgen.load(sample).computed.tables
    assert len(book.worksheets) >= len(tables)
    # the 合计 of each table is in the workbook as a number, not text
    numbers = [
        c.value for s in book.worksheets for r in s.iter_rows() for c in r if isinstance(c.value, int | float)
    ]
    assert numbers
    if sample == PUBLICITY:
        assert "张*华" in cells and 11340 in numbers and 26 in numbers  # the 要素 are not in the workbook
    # the PDF's dates: the 成文日期, or UNDATED for a form without one (never the clock)
    issued = reportgen.load(sample).document.issued.strftime("%Y%m%d")
    assert f"/CreationDate(D:{issued}000000+08'00')".encode() in (tmp_path / f"{stem}.pdf").read_bytes()
    if sample == EVALUATION:
        assert issued == "19800101"
        assert "2024年" not in docx_text.split("绩效自评表")[-1].split("附件")[0]  # no date under the form
