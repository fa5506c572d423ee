"""Report kinds as template packs: listing, choosing by 类型 or --kind, a user's own kind in a folder
of their own, the parts a kind needs, and broken kind definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportgen
from reportgen import LedgerError, ReportChoices, TemplateError
from reportgen.base.resources import builtin_templates
from reportgen.kinds import find_kinds
from tests.conftest import JIALING, MINIMAL
from tests.test_cli import run

REPOSITORY = Path(__file__).resolve().parent.parent

MARKDOWN = "# {{ doc.title }}（{{ doc.signer }}，自定义类型）\n"


def user_kind(folder: Path, kind_id: str, type_name: str, needs: str = "[正文]") -> Path:
    pack = folder / kind_id
    pack.mkdir(parents=True)
    (pack / "kind.yaml").write_text(f"类型: {type_name}\n名称: {type_name}报告\n需要: {needs}\n", "utf-8")
    (pack / "report.md.j2").write_text(MARKDOWN, "utf-8")
    return pack


def test_the_builtin_kinds_are_listed_with_their_samples() -> None:
    kinds = {k.type_name: k for k in find_kinds((), builtin_templates())}
    assert kinds["民生实事"].id == "project-progress"
    for kind in kinds.values():
        assert kind.sample and (REPOSITORY / kind.sample).is_file()
    listing = run("kinds")
    assert listing.returncode == 0 and "民生实事（project-progress）" in listing.stdout


def test_an_unknown_kind_is_rg117_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(MINIMAL.replace("落款:", "类型: 新闻稿\n落款:"), "t.yaml")
    problem = caught.value.problems[0]
    assert (
        problem.code == "RG117"
        and problem.value == "新闻稿"
        and "民生实事（project-progress）" in str(problem.expected)
    )
    cli = run("render", JIALING, "-o", tmp_path, "-f", "md", "--kind", "新闻稿")
    assert cli.returncode == 2 and "RG117" in cli.stderr and "Traceback" not in cli.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_users_kind_in_a_folder_of_their_own(tmp_path: Path) -> None:
    user_kind(tmp_path, "my-kind", "我的类型")
    assert "我的类型（my-kind）" in run("kinds", "--templates", tmp_path).stdout
    # chosen by --kind for a ledger of another 类型: its own Markdown, the built-in .docx as fallback
    report = reportgen.load(JIALING, templates=[tmp_path], choices=ReportChoices(kind="我的类型"))
    markdown = report.to_bytes("md").decode()
    assert (
        markdown
        == "# 南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告（南充市嘉陵区民政局，自定义类型）\n"
    )
    assert report.to_bytes("docx")[:2] == b"PK"
    # chosen by the ledger's 类型, and by the folder id too
    assert (
        "自定义类型"
        in reportgen.loads(MINIMAL.replace("落款:", "类型: 我的类型\n落款:"), "t.yaml", templates=[tmp_path])
        .to_bytes("md")
        .decode()
    )
    by_id = reportgen.load(JIALING, templates=[tmp_path], choices=ReportChoices(kind="my-kind"))
    assert by_id.kind.type_name == "我的类型"


def test_a_user_can_override_a_builtin_kind(tmp_path: Path) -> None:
    user_kind(tmp_path, "project-progress", "民生实事")
    report = reportgen.load(JIALING, templates=[tmp_path])
    assert report.kind.folders == (
        tmp_path.resolve() / "project-progress",
        builtin_templates() / "project-progress",
    )
    assert report.to_bytes("md").decode().endswith("自定义类型）\n")
    assert reportgen.load(JIALING).to_bytes("md").decode().startswith("# 南充市")  # the built-in one


def test_a_kind_names_every_part_the_ledger_lacks(tmp_path: Path) -> None:
    user_kind(tmp_path, "needs-more", "要求多", needs="[正文, 一览表, 导语, 主送机关]")
    text = MINIMAL[: MINIMAL.index("一览表:")]  # no 一览表
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(text, "t.yaml", templates=[tmp_path], choices=ReportChoices(kind="要求多"))
    assert [(p.code, p.place) for p in caught.value.problems] == [
        ("RG104", "一览表"),
        ("RG104", "导语"),
        ("RG104", "主送机关"),
    ]
    assert "“要求多”报告需要“一览表”" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("名称: 没有类型\n", "缺少必填字段“类型”"),
        ("类型: 甲\n名称: 甲\n需要: [附图]\n", "未知的台账部分“附图”"),
        ("类型: 甲\n名称: 甲\n需要: {正文: 必须}\n", "不认识的要求“必须”"),
        ("类型: 甲\n名称: 甲\n需要: {附图: 必填}\n", "未知的台账部分“附图”"),
        ("类型: 甲\n名称: 甲\n版式: 海报\n", "未知的版式“海报”"),
        ("类型: 甲\n名称: 甲\n模版: x\n", "未知字段“模版”"),
        ("类型: 甲\n名称: 甲\n表格位置: 附录\n", "不认识的表格位置“附录”"),
        ("类型: 甲\n名称: 甲\n表格位置: {章节: 总体情况}\n", "表格位置不能指定章节"),
        ("类型: 甲\n名称: 甲\n版式: 登记表\n正文栏: 情况\n表格位置: 正文\n", "与正文栏“情况”不能同用"),
        ("类型: [甲\n", "YAML"),
    ],
)
def test_a_broken_kind_definition_is_rg311(tmp_path: Path, content: str, fragment: str) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "kind.yaml").write_text(content, "utf-8")
    with pytest.raises(TemplateError) as caught:
        find_kinds([tmp_path], builtin_templates())
    assert caught.value.code == "RG311" and fragment in caught.value.problems[0].message
    assert "kind.yaml" in str(caught.value.problems[0].file)


# -- 社会救助 (samples/xinping-2023h1.yaml) ------------------------------------------------------------
XINPING = Path(__file__).resolve().parent.parent / "samples" / "xinping-2023h1.yaml"


def test_the_assistance_summary_reproduces_seed_001_without_its_garbles() -> None:
    report = reportgen.load(XINPING)
    assert report.kind.id == "assistance-summary" and report.check() == []
    markdown = report.to_bytes("md").decode()
    # the web article's byline and no 落款 block
    assert markdown.splitlines()[2] == "来源：新平县民政局　时间：2023年7月21日"
    assert not markdown.rstrip().endswith("2023年7月21日")
    # 户 and 人 side by side (its source printed 10371412人), the year kept (its source: 截至20236月)
    pairs = ("城市最低生活保障1037户1412人", "农村最低生活保障4116户7594人", "清退城乡低保对象126户315人")
    assert all(text in markdown for text in pairs)
    assert "截至2023年6月" in markdown and "20236月" not in markdown
    assert "10371412" not in markdown and "56户81名纳入城市低保" in markdown  # the persons' own unit
    # 月人均保障水平 = 463.33万元 ÷ 8520人次, computed (543.8086… → 543.81; its source printed 543.82)
    assert "月人均保障水平543.81元" in markdown and "月人均保障水平397.29元" in markdown
    # the official .docx keeps its 落款
    assert "新平县民政局" in report.document.signer


def test_a_report_without_a_table_gets_its_figures_in_the_workbook() -> None:
    import io

    import openpyxl

    report = reportgen.load(XINPING)
    book = openpyxl.load_workbook(io.BytesIO(report.to_bytes("xlsx")))
    sheet = book.worksheets[0]
    assert sheet["A2"].value == "新平县民政局2023年上半年主要指标"
    rows = {r[1]: (r[2], r[3]) for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]}
    assert rows["城市最低生活保障对象户数"] == (1037, "户")
    assert rows["城市低保月人均保障水平"][1] == "元" and str(rows["城市低保月人均保障水平"][0]) == "543.81"
    assert rows["特困供养人员"] == (838, "人")  # a 合计: 236 + 602


# -- 新闻发布 (samples/yijiang-2019m10.yaml) -----------------------------------------------------------
YIJIANG = Path(__file__).resolve().parent.parent / "samples" / "yijiang-2019m10.yaml"


def test_the_press_statement_reproduces_seed_003_without_its_garbles(tmp_path: Path) -> None:
    import docx

    report = reportgen.load(YIJIANG)
    assert report.kind.id == "press-release" and report.check() == []
    markdown = report.to_bytes("md").decode()
    # the period keeps its 年 and its dash (its source: 20191-10月份); a share computed (5087 ÷ 16783)
    assert "介绍一下2019年1—10月份" in markdown and "20191" not in markdown
    assert "预警5087户，占比30.3%" in markdown
    # one spelling of households and persons, and of standards (its source had three of each)
    assert "共有低保3387户、4776人" in markdown and "核对16783户、34671人" in markdown
    assert "低保标准从每人每月636元提高到每人每月662元" in markdown
    assert "残疾等级一、二级每人每年1460元" in markdown
    # spoken: 一是……八是, no 落款, ends with the thanks
    assert markdown.count("是做好") == 2 and "八是做好困难群众帮扶。" in markdown
    assert markdown.rstrip().endswith("谢谢大家！")
    (tmp_path / "s.docx").write_bytes(report.to_bytes("docx"))
    texts = [p.text for p in docx.Document(str(tmp_path / "s.docx")).paragraphs if p.text.strip()]
    assert texts[:6] == [
        "2019年弋江区民政局新闻发布会实录",
        "发布时间：2019年11月1日",
        "发布地点：弋江区为民服务中心2208会议室",
        "发布单位：区民政局",
        "发布人：孙亚敏",
        "尊敬的各位领导、各位来宾、媒体朋友们：",
    ]
    assert texts[-1] == "谢谢大家！"  # no 署名, no 成文日期


# -- 重点工作 (samples/key-tasks-2020.yaml) ------------------------------------------------------------
KEY_TASKS = Path(__file__).resolve().parent.parent / "samples" / "key-tasks-2020.yaml"


def test_the_key_tasks_report_reproduces_seed_002_and_finds_its_problems() -> None:
    report = reportgen.load(KEY_TASKS)
    assert report.kind.id == "key-tasks"
    # its source's real problems: a 其中 in 户 under a total in 人次, three targets with no value
    # (the heading “公墓覆盖率达100%” reads as done, yet none of the 3 公墓 is finished)
    found = {(f.code, f.problem.place) for f in report.check()}
    assert found == {
        ("RG211", "指标.公墓覆盖率.目标"),
        ("RG211", "指标.乡镇养老中心.目标"),
        ("RG211", "指标.村级养老服务站.目标"),
        ("RG213", "指标.临时救助人次.其中"),
    }
    [attachment] = report.document.attachments
    rows = [tuple(cell.text for cell in row.cells[1:]) for row in attachment.table.rows]
    assert rows[:4] == [
        ("每千名老人拥有养老床位数", "不少于45张", "45.1张", "已完成"),
        ("护理型床位比例", "不低于35%", "37.1%", "已完成"),  # 3015 ÷ 8125, computed
        ("生活不能自理特困人员集中供养率", "不低于50%", "61.9%", "已完成"),  # 573 ÷ 925
        ("乡镇级养老中心", "达到4个", "—", "—"),
    ]
    markdown = report.to_bytes("md").decode()
    assert (
        "2020年低保标准由2019年的每人每年6996元（每人每月583元）提高到每人每年7500元（每人每月625元）"
        in markdown
    )


def test_the_key_tasks_report_in_traditional_characters() -> None:
    report = reportgen.load(KEY_TASKS, choices=ReportChoices(script="hant"))
    assert report.document.title == "民政局脫貧攻堅重點工作報告"
    markdown = report.to_bytes("md").decode()
    assert "低保標準由2019年的每人每年6996元" in markdown and "不少於45張" in markdown


def test_a_report_with_a_target_table_but_no_project_table_has_both_sheets() -> None:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(reportgen.load(KEY_TASKS).to_bytes("xlsx")))
    assert book.sheetnames == ["附件", "主要指标"]
    assert book["附件"]["A2"].value == "2020年“双基”建设目标任务完成情况表"
    names = [row[1] for row in book["主要指标"].iter_rows(min_row=5, values_only=True)]
    assert "护理型床位比例" in names and "城乡低保标准" in names


# -- 年度报告 (samples/linyou-2022.yaml) ---------------------------------------------------------------
LINYOU = Path(__file__).resolve().parent.parent / "samples" / "linyou-2022.yaml"


def test_the_annual_report_finds_seed_004s_arithmetic_errors() -> None:
    report = reportgen.load(LINYOU)
    assert report.kind.id == "annual-report"
    warnings = {(f.code, f.problem.place) for f in report.check() if f.severity.value == "警告"}
    assert warnings == {
        ("RG208", "指标.农村特困户数.分项"),  # 222户 + 171户 = 393户 ≠ 392户
        ("RG208", "指标.三类人员.分项"),  # 682 + 634 + 161 = 1477 ≠ 1507
        ("RG210", "指标.集中供养率.公布值"),  # printed 60.09%, 227 ÷ 402 = 56.47%
    }
    markdown = report.to_bytes("md").decode()
    # the output prints the computed values, never its source's typed ones
    assert "集中供养率为56.47%" in markdown and "60.09" not in markdown
    assert "兜底保障比例达63.77%" in markdown  # 961 ÷ 1507
    assert "| 从业人数 | 7人 |" in markdown
    assert "数据比对37万人次" in markdown and "七是开展居民家庭经济状况核对" in markdown
    assert "| 资产损益情况 | 年初数0.75万元，年末数0.93万元 |" in markdown


def test_the_annual_report_is_a_registration_form_in_word(tmp_path: Path) -> None:
    """The 要素 as a 登记表 (label | value); the narrative in the 开展业务活动情况 row's cell."""
    import docx

    (tmp_path / "a.docx").write_bytes(reportgen.load(LINYOU).to_bytes("docx"))
    [form] = docx.Document(str(tmp_path / "a.docx")).tables
    rows = {row.cells[0].text: row.cells[1] for row in form.rows}
    assert list(rows)[:4] == ["单位名称", "宗旨和业务范围", "住所", "法定代表人"]
    assert rows["开办资金"].text == "1.45万元" and rows["从业人数"].text == "7人"
    body = [p.text for p in rows["开展业务活动情况"].paragraphs]
    assert body[1] == "一、按照登记的宗旨和业务范围，开展业务活动情况"
    assert any(text.startswith("（一）落实分级审批") for text in body) and len(body) > 15
    assert list(rows)[-3:] == [
        "相关资质认可或执业许可证明文件及有效期",
        "绩效和受奖惩及诉讼投诉情况",
        "接收捐赠资助及使用情况",
    ]


def test_every_builtin_kind_has_its_sample_and_renders_every_format(tmp_path: Path) -> None:
    kinds = find_kinds((), builtin_templates())
    assert sorted(k.type_name for k in kinds) == [
        "公示",
        "年度报告",
        "新闻发布",
        "民生实事",
        "社会救助",
        "绩效自评表",
        "通报",
        "重点工作",
    ]
    for kind in kinds:
        report = reportgen.load(REPOSITORY / kind.sample)
        assert report.kind == kind
        for fmt in ("md", "html", "docx", "xlsx"):
            assert report.to_bytes(fmt), (kind.id, fmt)


def test_the_annual_report_workbook_starts_with_the_form() -> None:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(reportgen.load(LINYOU).to_bytes("xlsx")))
    assert book.sheetnames == ["登记表", "主要指标"]
    form = book["登记表"]
    rows = {r[0]: r[1] for r in form.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["单位名称"] == "麟游县城乡居民最低生活保障管理中心" and rows["开办资金"] == "1.45万元"
    body = rows["开展业务活动情况"]
    assert (
        body.splitlines()[1] == "一、按照登记的宗旨和业务范围，开展业务活动情况"
        and "集中供养率为56.47%" in body
    )
    assert all((d.height or 0) <= 409 for d in form.row_dimensions.values())  # Excel's limit
