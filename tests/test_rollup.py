"""汇总 (issue 18 part 1): a parent ledger's figures are its units' sums, computed, checked and printed.

The sample tree samples/rollup/ (青山市 ← 2 县 ← 3 乡镇 each) is the reference: every summed figure is
compared with the sum of the township ledgers' own numbers, read here independently of reportgen; the
error cases are built in a temporary copy of it, one fault each, and must name the unit at fault.
"""

from __future__ import annotations

import io
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document as WordDocument

import reportgen
from reportgen.base.errors import LedgerError
from reportgen.batch.tree import units_of
from reportgen.cli import main as cli_main
from reportgen.ledger.excel.layout import INFO_ROWS
from reportgen.ledger.excel.read import parse_workbook, parse_workbook_ledger
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.ledger.yaml.write import yaml_text
from reportgen.rollup import load_ledger_tree, parse_ledger_tree, unit_summary

ROOT = Path(__file__).resolve().parents[1]
TREE = ROOT / "samples" / "rollup"
CITY = TREE / "青山市.yaml"


def township_values(figure_id: str, county: str | None = None) -> list[Decimal]:
    """The townships' typed 数值 of ``figure_id``, read from the files with PyYAML (not reportgen)."""
    values = []
    for path in sorted((TREE / "县").glob(f"{county or '*'}/*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        values.append(Decimal(str(data["指标"][figure_id]["数值"])))
    return values


def copy_tree(tmp_path: Path) -> Path:
    shutil.copytree(TREE, tmp_path / "tree")
    return tmp_path / "tree"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def problems_of(path: Path) -> str:
    with pytest.raises(LedgerError) as caught:
        reportgen.load(path)
    return "\n".join(p.describe() for p in caught.value.problems)


# -- sums, ratios, tables ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("figure_id", "unit"),
    [
        ("低保对象", "人"),
        ("低保金", "万元"),
        ("特困对象", "人"),
        ("临时救助人次", "人次"),
        ("临时救助金", "万元"),
    ],
)
def test_a_summed_figure_is_the_exact_sum_of_every_township(figure_id: str, unit: str) -> None:
    report = reportgen.load(CITY)
    value = report.computed.values[figure_id]
    assert value is not None
    assert (value.value, value.unit.symbol) == (sum(township_values(figure_id)), unit)
    for county in ("东城县", "西山县"):
        county_report = reportgen.load(TREE / "县" / f"{county}.yaml")
        county_value = county_report.computed.values[figure_id]
        assert county_value is not None and county_value.value == sum(township_values(figure_id, county))


def test_a_rate_is_recomputed_from_the_summed_parts_not_averaged() -> None:
    report = reportgen.load(CITY)
    rate = report.computed.values["低保覆盖率"]
    people, population = sum(township_values("低保对象")), sum(township_values("户籍人口"))
    assert rate is not None and rate.value == people / population * 100
    townships = [
        a / b * 100 for a, b in zip(township_values("低保对象"), township_values("户籍人口"), strict=True)
    ]
    assert rate.value != sum(townships) / len(townships)  # the average of rates is another number


def test_earlier_periods_are_summed_too_so_the_parent_can_say_tongbi() -> None:
    report = reportgen.load(CITY)
    earlier = report.computed.baselines["上年同期"].values["低保金"]
    expected = sum(
        Decimal(str(yaml.safe_load(p.read_text("utf-8"))["指标"]["低保金"]["上年同期"]))
        for p in (TREE / "县").glob("*/*.yaml")
    )
    assert earlier is not None and earlier.value == expected
    assert "同比增长6.8%" in report.to_bytes("md").decode()


def test_the_parent_typed_figure_that_disagrees_is_caught_naming_the_units() -> None:
    found = [f for f in reportgen.load(CITY).check() if f.code == "RG216"]
    assert len(found) == 1
    text = found[0].describe()
    assert "本级填写 2537.89万元" in text and "下级之和 2537.99万元" in text and "相差 0.10万元" in text
    assert "东城县 1311.84万元" in text and "西山县 1226.15万元" in text
    assert found[0].problem.place == "指标.低保金.数值"


def test_a_typed_figure_within_its_rounding_is_no_finding(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "青山市.yaml", "数值: 2537.89, 单位: 万元", "数值: 2538, 单位: 万元")
    assert not [f for f in reportgen.load(tree / "青山市.yaml").check() if f.code == "RG216"]
    edit(tree / "青山市.yaml", "数值: 2538, 单位: 万元", "数值: 25379900, 单位: 元")  # the same in 元
    report = reportgen.load(tree / "青山市.yaml")
    assert not [f for f in report.check() if f.code == "RG216"]
    value = report.computed.values["低保金"]
    assert value is not None and (value.value, value.unit.symbol) == (Decimal("25379900"), "元")


def test_a_typed_figure_without_its_unit_is_refused_not_replaced_by_the_sum(tmp_path: Path) -> None:
    """The sum brings a 单位: a typed number without one would otherwise be swapped for the sum unchecked."""
    tree = copy_tree(tmp_path)
    edit(tree / "青山市.yaml", "数值: 2537.89, 单位: 万元", "数值: 2537.89")
    text = problems_of(tree / "青山市.yaml")
    assert "RG104" in text and "指标.低保金.单位" in text


def test_the_units_table_has_a_row_per_unit_and_a_total_that_recomputes_the_rate() -> None:
    report = reportgen.load(CITY)
    (table,) = report.computed.tables
    text = report.to_bytes("md").decode()
    assert "| 东城县 | 102865 | 2762 | 1311.84 | 2.69% | 2 |" in text
    assert "| 西山县 | 86800 | 2629 | 1226.15 | 3.03% | 1 |" in text
    assert "| **全市** | **189665** | **5391** | **2537.99** | **2.84%** |" in text
    assert table is not None


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_every_format_prints_the_same_summed_figures(fmt: str) -> None:
    data = reportgen.load(CITY).to_bytes(fmt)
    if fmt == "docx":
        document = WordDocument(io.BytesIO(data))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
        text = "\n".join(cells)
    else:
        text = re.sub(r"<[^>]+>", "", data.decode())
        cells = [text]
    assert "2537.99万元" in text or fmt == "xlsx"
    joined = "\n".join(cells)
    assert "全市" in joined and "东城县" in joined and "西山县" in joined
    assert any(c in ("2537.99", "2537.99万元") or "2537.99" in c for c in cells)


def test_known_summaries_give_the_same_ledger_as_loading_the_units() -> None:
    """A batch hands the parent its units' summaries instead of loading them again."""
    counties = [TREE / "县" / "东城县.yaml", TREE / "县" / "西山县.yaml"]
    known = {str(p.resolve()): unit_summary(load_ledger_tree(p)) for p in counties}
    loaded = load_ledger_tree(CITY)
    handed = parse_ledger_tree(CITY.read_bytes(), str(CITY), files=CITY.parent, known=known)
    assert handed.figures == loaded.figures and handed.tables == loaded.tables


def test_any_depth_and_an_excel_unit(tmp_path: Path) -> None:
    """A province over the city (4 levels), with one township as an Excel ledger."""
    tree = copy_tree(tmp_path)
    township = tree / "县" / "东城县" / "河口镇.yaml"
    reportgen.convert_ledger(township, township.with_suffix(".xlsx"))
    township.unlink()
    (tree / "省").mkdir()
    province = (
        CITY.read_text("utf-8")
        .replace("青山市", "青山省")
        .replace("下级: [县/]", "下级: [青山市.yaml]")
        .replace("名单: [东城县, 西山县]", "名单: [青山市]")
        .replace("全市", "全省")
    )
    province = re.sub(r"指标:\n  #.*\n  #.*\n  低保金: .*\n", "", province)
    (tree / "青山省.yaml").write_text(province, "utf-8")
    report = reportgen.load(tree / "青山省.yaml")
    value = report.computed.values["低保金"]
    assert value is not None and value.value == sum(township_values("低保金"))
    assert report.ledger.rollup is not None
    assert [c.name for c in report.ledger.rollup.children] == ["青山市"]


# -- what cannot be summed, each naming the unit -----------------------------------------------------
def test_a_unit_without_the_figure_is_named(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "西山县" / "青龙乡.yaml", "  特困对象:", "  特困人数:")
    text = problems_of(tree / "青山市.yaml")
    assert "RG131" in text and "青龙乡" in text and "特困对象" in text


def test_a_unit_of_another_period_is_named(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "东城县" / "石桥乡.yaml", "月份: 1—9", "月份: 1—6")
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "石桥乡" in text and "期间" in text


def test_a_unit_in_an_incomparable_unit_is_named(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "东城县" / "城关镇.yaml", "数值: 96.35, 单位: 万元", "数值: 96.35, 单位: 人")
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "城关镇" in text and "临时救助金" in text


def test_units_of_another_basis_are_not_added(tmp_path: Path) -> None:
    """A stock (时点) and a flow (累计) of one figure cannot be summed: RG131 names the unit."""
    tree = copy_tree(tmp_path)
    edit(
        tree / "县" / "东城县" / "河口镇.yaml",
        "数值: 842, 单位: 人, 口径: 时点",
        "数值: 842, 单位: 人, 口径: 累计",
    )
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "河口镇" in text and "口径" in text
    # the sum takes the units' 口径, so the parent's own checks (RG212) see it
    county = reportgen.load(TREE / "县" / "东城县.yaml").ledger.figure("低保对象")
    assert county is not None and county.basis == "时点"
    tree = copy_tree(tmp_path / "again")
    edit(
        tree / "青山市.yaml",
        "  低保金: {名称: 发放城乡低保金, 数值: 2537.89, 单位: 万元}",
        "  低保金: {口径: 时点}",
    )
    assert "RG130" in problems_of(tree / "青山市.yaml")


def test_a_units_table_column_without_a_unit_never_mixes_units(tmp_path: Path) -> None:
    """A column without 单位 prints each unit's number as its unit has it: 万元 beside 元 is RG131."""
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "东城县.yaml", "{名称: 低保金, 单位: 万元}", "{名称: 低保金}")
    edit(tree / "县" / "东城县" / "河口镇.yaml", "数值: 401.27, 单位: 万元", "数值: 4012700, 单位: 元")
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "没有写单位" in text and "万元" in text and "、元" in text


def test_a_broken_unit_is_named_with_its_own_problems(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "西山县" / "柳溪镇.yaml", "数值: 27390", "数值: 二万")
    text = problems_of(tree / "青山市.yaml")
    assert "RG131" in text and "西山县" in text
    assert "柳溪镇.yaml" in text and "RG106" in text  # the township's own problem, with its file


def test_a_unit_that_sums_its_parent_is_a_cycle(tmp_path: Path) -> None:
    """Units must lie in the parent's folder, so a cycle goes through two ledgers of one folder."""
    tree = copy_tree(tmp_path)
    county = tree / "县" / "东城县.yaml"
    edit(county, "下级: [东城县/]", "下级: [东城县/, 西山县.yaml]")
    edit(tree / "县" / "西山县.yaml", "下级: [西山县/]", "下级: [西山县/, 东城县.yaml]")
    text = problems_of(county)
    assert "RG130" in text and "循环" in text and "东城县.yaml" in text


def test_a_folder_never_lists_the_parent_itself(tmp_path: Path) -> None:
    """A folder of units that holds the parent (a link to it, or ``下级: [./]``) sums the others."""
    tree = copy_tree(tmp_path)
    (tree / "县" / "东城县" / "回环.yaml").symlink_to(tree / "县" / "东城县.yaml")
    report = reportgen.load(tree / "县" / "东城县.yaml")
    assert report.ledger.rollup is not None and len(report.ledger.rollup.children) == 3


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("[../县/]", "文件夹"),
        ("[/etc/]", "文件夹"),
        ("[没有这个/]", "不存在"),
        ("[东城县/城关镇.yaml, 东城县/]", "两次"),
        ("[东城县.yaml]", "本台账自己"),
    ],
)
def test_units_written_wrongly_are_rg130(tmp_path: Path, written: str, why: str) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "东城县.yaml", "下级: [东城县/]", f"下级: {written}")
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG130" in text and why in text


def test_a_folder_outside_by_a_link_is_refused(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    outside = tmp_path / "outside"
    shutil.copytree(TREE / "县" / "东城县", outside)
    (tree / "县" / "外链").symlink_to(outside)
    edit(tree / "县" / "东城县.yaml", "下级: [东城县/]", "下级: [外链/]")
    assert "链接" in problems_of(tree / "县" / "东城县.yaml")


def test_two_units_of_one_name_are_refused(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(tree / "县" / "东城县" / "河口镇.yaml", "填报单位: 河口镇", "填报单位: 城关镇")
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "城关镇" in text


def test_a_parent_defining_a_summed_rate_itself_is_refused(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    edit(
        tree / "青山市.yaml",
        "  低保金: {名称: 发放城乡低保金, 数值: 2537.89, 单位: 万元}",
        "  低保覆盖率: {比例: {分子: 低保对象, 分母: 特困对象}}",
    )
    text = problems_of(tree / "青山市.yaml")
    assert "RG130" in text and "低保覆盖率" in text


def test_a_ledger_in_memory_cannot_sum_files() -> None:
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(CITY.read_bytes(), "青山市.yaml")
    assert caught.value.code == "RG130"
    assert "内存" in str(caught.value)


def test_a_township_alone_is_unchanged_by_the_tree() -> None:
    """The units load as any ledger: no 汇总, no rollup."""
    township = reportgen.load(TREE / "县" / "东城县" / "城关镇.yaml")
    assert township.ledger.rollup is None


# -- in Python, without files ----------------------------------------------------------------------
def test_a_parent_built_in_python_sums_units_built_in_python() -> None:
    """``from_data(parent, units=[…])``: the same figures and rows as the parent ledger file's."""
    counties = []
    for county in ("东城县", "西山县"):
        townships = [
            reportgen.from_data(_decimals(yaml.safe_load(p.read_text("utf-8"))))
            for p in sorted((TREE / "县" / county).glob("*.yaml"))
        ]
        data = yaml.safe_load((TREE / "县" / f"{county}.yaml").read_text("utf-8"))
        del data["汇总"]["下级"]
        counties.append(reportgen.from_data(_decimals(data), units=townships))
    city = yaml.safe_load(CITY.read_text("utf-8"))
    del city["汇总"]["下级"]
    report = reportgen.from_data(_decimals(city), "青山市.yaml", units=counties)
    from_files = reportgen.load(CITY)
    assert report.computed.values == from_files.computed.values
    assert report.to_bytes("md") == from_files.to_bytes("md")
    assert [f.code for f in report.check()] == [f.code for f in from_files.check()]


def test_units_given_with_files_named_too_is_rg130() -> None:
    city = _decimals(yaml.safe_load(CITY.read_text("utf-8")))
    with pytest.raises(LedgerError) as caught:
        reportgen.from_data(city, units=[reportgen.load(TREE / "县" / "东城县.yaml")])
    assert caught.value.code == "RG130" and "下级" in str(caught.value)


def _decimals(data: object) -> object:
    """PyYAML's floats as Decimal text (from_data refuses floats, RG106) and dates as text."""
    if isinstance(data, dict):
        return {k: _decimals(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_decimals(v) for v in data]
    if isinstance(data, float):
        return Decimal(repr(data))
    return data


# -- a parent ledger in Excel ----------------------------------------------------------------------
PARENTS = [CITY, TREE / "县" / "东城县.yaml", TREE / "县" / "西山县.yaml"]
TAKEN = (  # 取数 and 名称列 written out: a column named otherwise than its figure, the name column explicit
    ("      - {名称: 特困对象, 单位: 人}\n", "      - {名称: 特困人员, 单位: 人}\n"),
    ("    合计名称: 全市\n", "    合计名称: 全市\n    名称列: 县区\n    取数: {特困人员: 特困对象}\n"),
)


def excel_parent(tmp_path: Path, edits: tuple[tuple[str, str], ...] = ()) -> Path:
    """A copy of the sample tree whose 青山市 is the workbook ``reportgen convert`` makes of it."""
    tree = copy_tree(tmp_path)
    for old, new in edits:
        edit(tree / "青山市.yaml", old, new)
    assert cli_main(["convert", str(tree / "青山市.yaml"), str(tree / "青山市.xlsx")]) == 0
    return tree / "青山市.xlsx"


@pytest.mark.parametrize("edits", [(), TAKEN], ids=["sample", "取数"])
@pytest.mark.parametrize("path", PARENTS, ids=[p.stem for p in PARENTS])
def test_a_parent_ledger_round_trips_through_excel(path: Path, edits: tuple[tuple[str, str], ...]) -> None:
    """YAML → .xlsx → YAML: 汇总, the 下级 table (取数, 名称列) and every other value come back; the
    workbook of that YAML is the same bytes."""
    text = path.read_text("utf-8")
    for old, new in edits if path == CITY else ():
        text = text.replace(old, new)
    plain = parse_yaml(text.encode("utf-8"), path.name).data
    assert isinstance(plain, dict) and "汇总" in plain
    workbook = workbook_bytes(plain)
    back, early = parse_workbook(workbook, "a.xlsx")
    assert early == []
    assert isinstance(back.data, dict)
    for key in plain:
        if key != "正文":  # a folded YAML paragraph comes back unfolded, as for any ledger
            assert back.data[key] == plain[key], key
    again = parse_yaml(yaml_text(back.data).encode("utf-8"), "b.yaml").data
    assert isinstance(again, dict) and workbook_bytes(again) == workbook


def test_the_rollup_rows_are_in_the_workbook_of_a_parent_only() -> None:
    """下级 a row per folder after 月份, 汇总指标 as ids with 、; a township's 基本信息 has neither."""
    city = openpyxl.load_workbook(io.BytesIO(workbook_bytes(parse_yaml(CITY.read_bytes(), CITY).data)))  # type: ignore[arg-type]
    labels = [(row[0].value, row[1].value) for row in city["基本信息"].iter_rows(min_row=2, max_col=2)]
    at = labels.index(("月份", "1—9"))
    assert labels[at + 1 : at + 3] == [
        ("下级", "县/"),
        ("汇总指标", "低保对象、低保金、特困对象、临时救助人次、临时救助金、低保覆盖率"),
    ]
    assert city["基本信息"].cell(at + 3, 3).value.startswith("汇总：")  # type: ignore[union-attr]
    township = TREE / "县" / "东城县" / "城关镇.yaml"
    book = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(parse_yaml(township.read_bytes(), township).data))
    )  # type: ignore[arg-type]
    assert [row[0].value for row in book["基本信息"].iter_rows(min_row=2, max_col=1)] == [
        row.header for row in INFO_ROWS
    ]
    assert not any("汇总指标" in str(row[0].value) for row in book["选项"].iter_rows())


def _city_workbook_taken() -> openpyxl.Workbook:
    """The city ledger with ``TAKEN``'s 取数 and 名称列, as the workbook ``convert`` writes."""
    text = CITY.read_text("utf-8")
    for old, new in TAKEN:
        text = text.replace(old, new)
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(parse_yaml(text.encode(), "a.yaml").data)))  # type: ignore[arg-type]


def test_the_units_table_sheet_says_where_the_units_rows_go() -> None:
    """行: 下级 is a line marked 下级 (with its help); 取数 and 名称列 are declaration rows of that sheet."""
    book = _city_workbook_taken()
    sheet = book["县区"]
    marks = {str(row[0].value): row[0] for row in sheet.iter_rows(min_row=2, max_col=1) if row[0].value}
    assert marks["下级"].comment is not None and "每个下级台账一行" in marks["下级"].comment.text
    take, name = marks["取数"].row, marks["名称列"].row
    assert [c.value for c in sheet[take][1:]] == [None] * 6 + ["特困对象", None, None]
    assert [c.value for c in sheet[name][1:]] == ["是"] + [None] * 8
    assert marks["合计"].row == marks["下级"].row + 1


def test_a_table_of_units_typed_with_rows_names_the_cell() -> None:
    raw = workbook_bytes(parse_yaml(CITY.read_bytes(), CITY).data)  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(raw))
    sheet = book["县区"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2, max_col=1) if r[0].value == "下级")
    sheet.insert_rows(row + 1)
    sheet.cell(row + 1, 2, "东城县")
    sheet.cell(row, 3, 100)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(LedgerError) as caught:
        parse_workbook_ledger(out.getvalue(), Path("a.xlsx"))
    found = {(p.code, p.place) for p in caught.value.problems}
    assert ("RG105", f"县区!C{row}") in found and ("RG105", f"县区!B{row + 1}") in found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("    合计名称: 全市\n", "    合计名称: 全市\n    名称列: 没有这列\n"),
        ("  - 编号: 县区\n", "  - 编号: 县区\n    取数: {县区: 低保对象}\n    行: []\n"),
    ],
    ids=["名称列 not a column", "取数 in a table of rows"],
)
def test_a_units_table_the_sheet_cannot_hold_is_rg126(old: str, new: str) -> None:
    """What the sheet has no place for is refused rather than lost; the sample's table is written."""
    assert workbook_bytes(parse_yaml(CITY.read_bytes(), CITY).data)  # type: ignore[arg-type]
    text = CITY.read_text("utf-8").replace(old, new)
    if "行: []" in new:
        text = text.replace("    行: 下级\n", "")
    with pytest.raises(LedgerError) as caught:
        workbook_bytes(parse_yaml(text.encode(), "a.yaml").data)  # type: ignore[arg-type]
    assert caught.value.code == "RG126"


def assert_same_renders(ledger: Path, workbook: Path, tmp_path: Path) -> None:
    """``reportgen render`` of a YAML ledger and of its workbook give the same md/html/docx/xlsx bytes."""
    formats = "md,html,docx,xlsx"
    assert cli_main(["render", str(ledger), "-f", formats, "-o", str(tmp_path / "y")]) == 0
    assert cli_main(["render", str(workbook), "-f", formats, "-o", str(tmp_path / "x")]) == 0
    made = sorted(p.relative_to(tmp_path / "y") for p in (tmp_path / "y").rglob("*") if p.is_file())
    assert {p.suffix for p in made} == {".md", ".html", ".docx", ".xlsx"}
    for path in made:
        assert (tmp_path / "x" / path).read_bytes() == (tmp_path / "y" / path).read_bytes(), path


def test_an_excel_parent_prints_the_same_bytes_as_its_yaml(tmp_path: Path) -> None:
    """reportgen convert 青山市.yaml 青山市.xlsx; reportgen render of either gives the same files."""
    workbook = excel_parent(tmp_path)
    assert_same_renders(workbook.parent / "青山市.yaml", workbook, tmp_path)
    city = reportgen.load(workbook)
    assert [f.code for f in city.check()] == ["RG216"]
    assert "指标!C2" in city.check()[0].describe()  # the 本级 低保金 the clerk typed


def test_rollup_problems_in_a_workbook_name_the_cell(tmp_path: Path) -> None:
    workbook = excel_parent(tmp_path)
    book = openpyxl.load_workbook(workbook)
    info = book["基本信息"]
    rows = {row[0].value: row[0].row for row in info.iter_rows(min_row=2, max_col=1)}
    info.cell(rows["汇总指标"], 2, "低保对象、没有的指标")
    book.save(workbook)
    text = problems_of(workbook)
    assert "RG131" in text and f"基本信息!B{rows['汇总指标']}" in text and "没有的指标" in text
    info.cell(rows["下级"], 2, "../县/")
    book.save(workbook)
    assert f"RG130 汇总的写法有误（{workbook} 基本信息!B{rows['下级']}）" in problems_of(workbook)


def test_an_excel_parent_held_in_memory_is_rg130(tmp_path: Path) -> None:
    workbook = excel_parent(tmp_path)
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(workbook.read_bytes(), "青山市.xlsx")
    assert caught.value.code == "RG130" and "内存" in str(caught.value)


def test_a_batch_finds_an_excel_parent_and_reads_no_township_workbook_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook = excel_parent(tmp_path)
    tree = workbook.parent
    (tree / "青山市.yaml").unlink()
    township = tree / "县" / "东城县" / "河口镇.yaml"
    assert cli_main(["convert", str(township), str(township.with_suffix(".xlsx"))]) == 0
    township.unlink()
    assert units_of(workbook.read_bytes(), str(workbook)) == tuple(
        str((tree / "县" / f"{c}.yaml").resolve()) for c in ("东城县", "西山县")
    )
    import reportgen.ledger.excel.read as excel_read

    def no_read(*_: object) -> None:
        raise AssertionError("a workbook without 下级 read in full to find its units")

    with monkeypatch.context() as patched:
        patched.setattr(excel_read, "parse_workbook", no_read)
        assert units_of(township.with_suffix(".xlsx").read_bytes(), "河口镇.xlsx") is None
    files = [workbook, *sorted((tree / "县").glob("*.yaml")), *sorted((tree / "县").glob("*/*.*"))]
    summary = reportgen.render_batch(files, "md", tmp_path / "out", executor="serial", progress=False)
    assert summary.ok
    printed = (tmp_path / "out" / "青山市" / "青山市.md").read_text("utf-8")
    assert "2537.99万元" in printed


def test_the_name_column_is_one_column_marked_yes() -> None:
    """名称列 是 in two columns is RG105 at the second; 否 is as blank."""
    book = _city_workbook_taken()
    sheet = book["县区"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2, max_col=1) if r[0].value == "名称列")
    sheet.cell(row, 3, "否")
    out = io.BytesIO()
    book.save(out)
    table = parse_workbook(out.getvalue(), "a.xlsx")[0].data["表格"][0]  # type: ignore[index]
    assert table["名称列"] == "县区"
    sheet.cell(row, 4, "是")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(LedgerError) as caught:
        parse_workbook_ledger(out.getvalue(), Path("a.xlsx"))
    assert ("RG105", f"县区!D{row}") in {(p.code, p.place) for p in caught.value.problems}


def test_the_batchs_look_into_a_workbook_is_bounded() -> None:
    """The coordinator looks for 下级 in every workbook it is given: a member inflating past the Excel
    reader's bound is refused before it is read (True: the unit's own load then reports RG114)."""
    import time
    import zipfile

    from reportgen.ledger.excel.sniff import workbook_mentions

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (200 * 1024 * 1024) + b"</sst>")
    started = time.perf_counter()
    assert workbook_mentions(buffer.getvalue(), "下级")
    assert time.perf_counter() - started < 2
    # sheets each under a member's bound, together over the package's: refused, not read to the end
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(5):
            archive.writestr(f"xl/worksheets/sheet{number}.xml", b" " * (20 * 1024 * 1024))
    assert workbook_mentions(many.getvalue(), "下级")
    small = io.BytesIO()
    with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>城关镇</t></si></sst>".encode())
    assert not workbook_mentions(small.getvalue(), "下级")


def test_a_roster_catches_a_missing_or_an_extra_unit(tmp_path: Path) -> None:
    """名单: a township's file not yet in the folder, or an old copy under another name left in it,
    would change the county's sum without a word; with a 名单 each is RG131 naming the unit."""
    tree = copy_tree(tmp_path)
    (tree / "县" / "东城县" / "石桥乡.yaml").unlink()
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "名单中的下级“石桥乡”没有台账" in text
    tree = copy_tree(tmp_path / "again")
    extra = tree / "县" / "东城县" / "新村乡.yaml"
    extra.write_text(
        (tree / "县" / "东城县" / "石桥乡.yaml").read_text("utf-8").replace("石桥乡", "新村乡"), "utf-8"
    )
    text = problems_of(tree / "县" / "东城县.yaml")
    assert "RG131" in text and "新村乡" in text and "不在名单中" in text


# -- units placed in groups ({下级: 名称}) ---------------------------------------------------------------
_UNITS_TABLE = """\
    行: 下级
    合计行: 是
    合计名称: 全县
    列:
      - {名称: 乡镇, 文本: 是}
"""


def grouped_county(tmp_path: Path, rows: str) -> Path:
    """东城县 with its townships' table in 片区 groups, the rows written as ``rows``."""
    tree = copy_tree(tmp_path)
    grouped = (
        "    分组列: [片区]\n    名称列: 乡镇\n    行:\n"
        + rows
        + "    合计行: 是\n    合计名称: 全县\n    列:\n"
        + "      - {名称: 片区, 文本: 是}\n      - {名称: 乡镇, 文本: 是}\n"
    )
    edit(tree / "县" / "东城县.yaml", _UNITS_TABLE, grouped)
    return tree / "县" / "东城县.yaml"


_IN_GROUPS = """\
      - 分组: 镇
        小计: 是
        行: [{下级: 河口镇}, {下级: 城关镇}]
      - 分组: 乡
        小计: 是
        行: [{下级: 石桥乡}]
"""


def test_units_placed_in_groups_get_subtotals_that_recompute_the_rate(tmp_path: Path) -> None:
    """市区/县市, 东片/西片: the parent chooses the order and the groups; each subtotal is its units' sum
    (read from the township files with PyYAML) and its rate Σ÷Σ; the 全县 row is unchanged."""
    county = grouped_county(tmp_path, _IN_GROUPS)
    document = WordDocument(io.BytesIO(reportgen.load(county).to_bytes("docx")))
    table = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    names = [row[1] for row in rows]
    assert names.index("河口镇") < names.index("城关镇") < names.index("石桥乡")  # as placed, not file order
    towns = {
        yaml.safe_load(p.read_text("utf-8"))["填报单位"]: yaml.safe_load(p.read_text("utf-8"))["指标"]
        for p in (county.parent / "东城县").glob("*.yaml")
    }
    people = sum(Decimal(str(towns[t]["户籍人口"]["数值"])) for t in ("河口镇", "城关镇"))
    poor = sum(Decimal(str(towns[t]["低保对象"]["数值"])) for t in ("河口镇", "城关镇"))
    subtotal = next(row for row in rows if row[0] == "镇" and row[1] == "小计")
    assert subtotal[2] == str(people) and subtotal[3] == str(poor)
    assert subtotal[5] == f"{(poor / people * 100).quantize(Decimal('0.01'))}%"
    whole = next(row for row in rows if row[0] == "全县")
    assert whole[3] == str(sum(Decimal(str(t["低保对象"]["数值"])) for t in towns.values()))


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (_IN_GROUPS.replace("{下级: 石桥乡}", "{下级: 石桥镇}"), "表中的下级“石桥镇”不是本台账汇总的下级"),
        (_IN_GROUPS.replace("{下级: 石桥乡}", "{下级: 城关镇}"), "下级“城关镇”在表中出现了两次"),
        (_IN_GROUPS.replace("[{下级: 石桥乡}]", "[{乡镇: 石桥乡, 户籍人口: 1}]"), "下级“石桥乡”没有写入表格"),
    ],
)
def test_a_unit_placed_wrongly_twice_or_not_at_all_is_rg131(tmp_path: Path, rows: str, said: str) -> None:
    """A subtotal must never silently miss a township or count one twice."""
    text = problems_of(grouped_county(tmp_path, rows))
    assert "RG131" in text and said in text


def test_a_unit_row_outside_a_rollup_is_rg130() -> None:
    text = (
        "标题: 甲\n落款: 乙\n成文日期: 2024-10-15\n填报单位: 乙\n期间: {年度: 2024, 月份: 1—9}\n"
        "正文: [{标题: 一, 段落: [见附表。]}]\n"
        "表格:\n  - 编号: 乡镇\n    标题: 各乡镇\n    行: [{下级: 城关镇}]\n"
        "    列: [{名称: 乡镇, 文本: 是}]\n"
    )
    with pytest.raises(LedgerError) as caught:
        reportgen.loads(text, "甲.yaml")
    assert [p.code for p in caught.value.problems] == ["RG130"]
    assert caught.value.problems[0].place == "表格[1].行[1].下级"


def test_units_placed_in_groups_from_python_match_the_files(tmp_path: Path) -> None:
    """``from_data(county, units=[…])`` places ``{下级: …}`` rows as the file tree does, byte for byte."""
    county = grouped_county(tmp_path, _IN_GROUPS)
    townships = [
        reportgen.from_data(_decimals(yaml.safe_load(p.read_text("utf-8"))))
        for p in sorted((county.parent / "东城县").glob("*.yaml"))
    ]
    data = yaml.safe_load(county.read_text("utf-8"))
    del data["汇总"]["下级"]
    report = reportgen.from_data(_decimals(data), "东城县.yaml", units=townships)
    assert report.to_bytes("md") == reportgen.load(county).to_bytes("md")
    assert "| **镇** | **小计** |" in report.to_bytes("md").decode()


# -- units placed in groups, in an Excel parent ------------------------------------------------------
def excel_county(tmp_path: Path, rows: str = _IN_GROUPS) -> Path:
    """``grouped_county`` converted by ``reportgen convert`` to 东城县.xlsx beside its YAML."""
    county = grouped_county(tmp_path, rows)
    assert cli_main(["convert", str(county), str(county.with_suffix(".xlsx"))]) == 0
    return county.with_suffix(".xlsx")


def _unit_lines(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, int]:
    """The row of each 下级 line of a table's sheet, by the unit's name typed in the 乡镇 column (C)."""
    return {
        str(row[2].value): int(row[0].row)  # type: ignore[arg-type]
        for row in sheet.iter_rows(min_row=2, max_col=3)
        if row[0].value == "下级"
    }


def test_units_placed_in_groups_round_trip_through_excel_and_print_the_same_bytes(tmp_path: Path) -> None:
    """YAML → .xlsx → YAML gives the same ledger: each {下级: 名称} a 下级 line with the unit's name in the
    名称列, 镇 merged over its lines; rendering the workbook gives the YAML's bytes in every format."""
    county = grouped_county(tmp_path / "plain", _IN_GROUPS)
    plain = parse_yaml(county.read_bytes(), county.name).data
    assert isinstance(plain, dict)
    workbook = workbook_bytes(plain)
    back, early = parse_workbook(workbook, "a.xlsx")
    assert early == [] and isinstance(back.data, dict)
    for key in plain:
        if key != "正文":  # a folded YAML paragraph comes back unfolded, as for any ledger
            assert back.data[key] == plain[key], key
    again = parse_yaml(yaml_text(back.data).encode("utf-8"), "b.yaml").data
    assert isinstance(again, dict) and workbook_bytes(again) == workbook
    sheet = openpyxl.load_workbook(io.BytesIO(workbook))["乡镇"]
    lines = _unit_lines(sheet)
    assert list(lines) == ["河口镇", "城关镇", "石桥乡"]
    town = lines["河口镇"]  # 河口镇, 城关镇, then the 镇 小计: one merged 镇 over the three
    assert sheet.cell(town, 2).value == "镇" and sheet.cell(town + 2, 1).value == "小计"
    assert f"B{town}:B{town + 2}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.cell(lines["石桥乡"], 2).value == "乡"
    name_row = next(r[0].row for r in sheet.iter_rows(min_row=2, max_col=1) if r[0].value == "名称列")
    assert sheet.cell(name_row, 3).value == "是"  # 名称列: 乡镇, written over its column

    workbook_path = excel_county(tmp_path / "tree")
    assert_same_renders(workbook_path.parent / "东城县.yaml", workbook_path, tmp_path)


def test_a_unit_line_typed_wrongly_in_a_workbook_names_its_cell(tmp_path: Path) -> None:
    """A name that is no unit is RG131 at the name's cell; a number typed in a 下级 line (the program
    fills it) and an empty 下级 line beside named ones are RG105 at their cells."""
    workbook = excel_county(tmp_path)
    book = openpyxl.load_workbook(workbook)
    sheet = book["乡镇"]
    row = _unit_lines(sheet)["石桥乡"]
    sheet.cell(row, 3, "石桥镇")
    book.save(workbook)
    text = problems_of(workbook)
    assert "RG131" in text and "表中的下级“石桥镇”不是本台账汇总的下级" in text and f"乡镇!C{row}" in text
    sheet.cell(row, 3, "石桥乡")
    sheet.cell(row, 4, 1234)
    book.save(workbook)
    with pytest.raises(LedgerError) as caught:
        reportgen.load(workbook)
    assert ("RG105", f"乡镇!D{row}") in {(p.code, p.place) for p in caught.value.problems}
    sheet.cell(row, 4).value = None
    sheet.cell(row, 3).value = None  # 下级 with no name: 行: 下级, which named lines cannot stand beside
    book.save(workbook)
    with pytest.raises(LedgerError) as caught:
        reportgen.load(workbook)
    assert ("RG105", f"乡镇!B{_unit_lines(sheet)['河口镇']}") in {
        (p.code, p.place) for p in caught.value.problems
    }
