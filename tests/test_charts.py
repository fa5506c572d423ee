"""Charts (issue 7): one spec from the computed table, drawn as a PNG (.docx, HTML, PDF) and as native
Excel charts; checked on the real artefacts, and charts off leaves every output as it was."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest

import reportgen
from reportgen import ReportChoices
from reportgen.base.errors import RenderError
from reportgen.document.charts import CATEGORIES_PER_CHART, Chart, category_label
from reportgen.document.tables import Table
from reportgen.render import chart_image as image_module
from reportgen.render.chart_image import chart_image
from reportgen.render.docx import layout as L
from reportgen.render.pdf.soffice import pdf_available
from reportgen.render.xlsx.charts import block_top
from tests.conftest import JIALING, MINIMAL, QINGSHAN, ROOT, yaml_quoted

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def charts_of(report: reportgen.Report) -> tuple[Chart, ...]:
    return report.document.attachments[0].charts


def table_of(report: reportgen.Report) -> Table:
    return report.document.attachments[0].table


def many_projects(count: int = 10) -> str:
    """A ledger with charts on, ``count`` projects, some without a target, a plan or a payment."""
    lines = [MINIMAL.split("一览表:")[0].rstrip(), "图表: 是", "一览表:", "  金额单位: 万元", "  项目:"]
    for n in range(1, count + 1):
        lines += [
            f"    - 项目名称: 第{n}项，提高困难群众基本生活保障水平",
            "      目标任务: 完成",
            "      实施进度: 推进",
        ]
        if n % 3:
            lines += [
                f"      目标: {{数值: {10 * n}, 单位: 个}}",
                f"      实际完成: {{数值: {7 * n}, 单位: 个}}",
            ]
        if n != 4:
            lines.append(f"      计划安排资金: {100 * n + 37.5}")
        lines.append(f"      下达预算: {90 * n}")
        if n not in (6, 7):
            lines.append(f"      实际拨付: {60 * n + 3.125}")
    return "\n".join(lines) + "\n"


# -- the spec --------------------------------------------------------------------------------------
def test_the_spec_holds_the_tables_values_and_texts() -> None:
    report = reportgen.load(QINGSHAN)
    completion, funding = charts_of(report)
    table = table_of(report)
    keys = [column.key for column in table.spec.columns]
    assert completion.caption == "图1 各项目完成比例" and funding.caption == "图2 各项目资金执行情况"
    # 完成比例 only where computable: project 1 has no numeric target
    assert completion.rows == (1, 2, 3)
    assert completion.categories == (
        "2.新增养老床位",
        "3.特殊困难老年人家庭适老化改造",
        "4.老年助餐服务点建设",
    )
    [ratio] = completion.series
    for point, row in zip(ratio.points, completion.rows, strict=True):
        cell = table.rows[row].cells[keys.index("completion")]
        assert isinstance(cell.value, Decimal)
        assert point.value == cell.value * 100 and point.text == cell.text
    assert [p.text for p in ratio.points] == ["104.00%", "87.20%", "75.00%"]
    assert completion.value_axis == "完成比例（%）" and completion.reference == 100
    assert [s.name for s in funding.series] == ["计划安排资金", "下达预算", "实际拨付"]
    assert funding.value_axis == "金额（万元）" and funding.rows == (0, 1, 2, 3)
    for series in funding.series:
        for point, row in zip(series.points, funding.rows, strict=True):
            cell = table.rows[row].cells[keys.index(series.column)]
            assert point.value == cell.value and point.text == cell.text
    assert funding.series[2].points[0] == reportgen.document.charts.Point(Decimal("5505.5817"), "5505.58")


def test_missing_values_are_gaps_and_long_tables_get_several_charts() -> None:
    report = reportgen.loads(many_projects())
    charts = charts_of(report)
    assert [c.caption for c in charts] == [
        "图1 各项目完成比例",
        "图2 各项目资金执行情况（第1—8项）",
        "图3 各项目资金执行情况（第9—10项）",
    ]
    assert all(len(c.categories) <= CATEGORIES_PER_CHART for c in charts)
    assert charts[0].rows == (0, 1, 3, 4, 6, 7, 9)  # every third project has no target
    plan, budget, paid = charts[1].series
    assert plan.points[3] == reportgen.document.charts.Point(None, "—")  # project 4 has no plan: a gap, not 0
    assert paid.points[5].value is None and paid.points[6].value is None
    assert budget.points[3].value == Decimal(360)


def test_no_computable_ratio_no_completion_chart_and_the_ledger_or_the_options_decide() -> None:
    assert charts_of(reportgen.load(JIALING)) == ()  # no 图表 key: off
    assert charts_of(reportgen.load(QINGSHAN, choices=ReportChoices(charts=False))) == ()
    [funding] = charts_of(reportgen.load(JIALING, choices=ReportChoices(charts=True)))
    assert funding.caption == "图1 各项目资金执行情况"  # samples/jialing-2024q3.yaml has no numeric targets
    whole = "适度提高城乡低保、特困供养等救助保障标准低限，为困难群众提供基本生活保障"
    assert funding.categories[0] == "1." + whole


def test_category_labels_are_whole_names() -> None:
    """The whole name (the image wraps it; it was once cut to 12 characters with half the page free)."""
    assert category_label(1, "城乡低保和临时救助") == "1.城乡低保和临时救助"
    name = "提高重度残疾人护理补贴标准，一、二级重度残疾人护理补贴标准分别达到每人每月110元、80元"
    assert category_label(2, name) == "2." + name
    assert category_label(3, "  老年助餐\n服务点（含配送）") == "3.老年助餐 服务点（含配送）"


def test_traditional_output_converts_the_chart_texts() -> None:
    completion, funding = charts_of(reportgen.load(QINGSHAN, choices=ReportChoices(script="hant")))
    assert completion.title == "各項目完成比例" and funding.series[1].name == "下達預算"
    assert funding.categories[0] == "1.城鄉低保和臨時救助" and funding.unit == "萬元"
    assert funding.value_axis == "金額（萬元）" and funding.caption == "圖2 各項目資金執行情況"
    assert funding.description.startswith(
        "圖2 各項目資金執行情況（單位：萬元）。1.城鄉低保和臨時救助：計劃安排資金7200.00"
    )


# -- the image ---------------------------------------------------------------------------------------
def test_png_is_deterministic_in_one_process_and_without_missing_glyphs() -> None:
    completion, funding = charts_of(reportgen.load(QINGSHAN))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        first = chart_image.__wrapped__(funding)
        second = chart_image.__wrapped__(funding)
    assert first.png == second.png and first.png.startswith(PNG_SIGNATURE)
    assert b"Software" not in first.png and b"matplotlib" not in first.png
    width, height = int.from_bytes(first.png[16:20], "big"), int.from_bytes(first.png[20:24], "big")
    assert (width, height) == (image_module.WIDTH_IN * image_module.DPI, int(first.height_in * 200))
    assert first.height_in <= Decimal(str(image_module.MAX_HEIGHT_IN))
    assert chart_image(completion).png != first.png


def test_png_is_the_same_in_a_fresh_process() -> None:
    script = (
        "import hashlib, reportgen\n"
        "from reportgen.render.chart_image import chart_image\n"
        f"report = reportgen.load({str(QINGSHAN)!r})\n"
        "print(' '.join(hashlib.sha256(chart_image(c).png).hexdigest() "
        "for c in report.document.attachments[0].charts))\n"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    here = [hashlib.sha256(chart_image(c).png).hexdigest() for c in charts_of(reportgen.load(QINGSHAN))]
    assert fresh == here


def test_no_chinese_font_is_rg408(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    image_module.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    monkeypatch.setattr(image_module, "_fontconfig_chinese_fonts", lambda: [])
    try:
        with pytest.raises(RenderError) as caught:
            image_module.cjk_font()
        assert caught.value.problems[0].code == "RG408"
    finally:
        image_module.cjk_font.cache_clear()


NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
needs_noto = pytest.mark.skipif(not NOTO.exists(), reason="fonts-noto-cjk not installed")
SC_FACES = {("Noto Sans CJK SC", "Regular"), ("Noto Sans CJK SC", "Bold")}


def drawn_faces(chart: Chart, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """(family, style) of the first font of every font list the PNG's texts were drawn with, read
    from the face matplotlib opened (file and face index of a .ttc), not from the names asked for."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    opened: set[tuple[str, int]] = set()
    real = font_manager._get_font

    def spy(paths: tuple[tuple[str, int], ...], **kwargs: object) -> object:
        opened.add(paths[0])
        return real(paths, **kwargs)

    monkeypatch.setattr(font_manager, "_get_font", spy)
    chart_image.__wrapped__(chart)
    monkeypatch.undo()
    faces = {FT2Font(path, face_index=index) for path, index in opened}
    return {(face.family_name, face.style_name) for face in faces}


@needs_noto
def test_labels_are_simplified_chinese_regular_and_titles_bold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the Japanese face (index 0 of the .ttc): 直 骨 没 are drawn differently there."""
    _completion, funding = charts_of(reportgen.load(QINGSHAN))
    assert drawn_faces(funding, monkeypatch) == SC_FACES


@needs_noto
def test_a_stale_font_cache_still_gives_the_sc_faces_and_no_warnings(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """matplotlib's font list built before fonts-noto-cjk was installed: the fonts come from fontconfig
    (this drew everything in the bold JP face and logged ``findfont`` warnings)."""
    from matplotlib import font_manager

    _completion, funding = charts_of(reportgen.load(QINGSHAN))
    stale = [entry for entry in font_manager.fontManager.ttflist if "CJK" not in entry.name]
    image_module.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    try:
        with caplog.at_level("WARNING"), warnings.catch_warnings():
            warnings.simplefilter("error")
            faces = drawn_faces(funding, monkeypatch)
    finally:
        image_module.cjk_font.cache_clear()
        font_manager.fontManager._findfont_cached.cache_clear()
    assert faces == SC_FACES
    assert [record.getMessage() for record in caplog.records] == []


def stale_font_cache(folder: Path) -> dict[str, str]:
    """An environment whose matplotlib font cache has no CJK font (built before they were installed)."""
    import json

    import matplotlib

    [cache] = Path(matplotlib.get_cachedir()).glob("fontlist-v*.json")
    data = json.loads(cache.read_text("utf-8"))
    data["ttflist"] = [entry for entry in data["ttflist"] if "CJK" not in entry["name"]]
    (folder / cache.name).write_text(json.dumps(data), "utf-8")
    return {"MPLCONFIGDIR": str(folder), "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


@needs_noto
def test_render_and_batch_print_nothing_but_their_own_lines_on_stderr(tmp_path: Path) -> None:
    env = stale_font_cache(tmp_path)
    command = [sys.executable, "-m", "reportgen.cli"]
    render = subprocess.run(
        [*command, "render", str(QINGSHAN), "-o", str(tmp_path / "one"), "-f", "docx,html", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert render.returncode == 0 and render.stderr == ""
    # the same faces, so the same bytes as with a fresh font cache
    assert (tmp_path / "one" / "qingshan-2024q3.docx").read_bytes() == reportgen.load(QINGSHAN).to_bytes(
        "docx"
    )
    batch = subprocess.run(
        [*command, "batch", str(QINGSHAN), str(JIALING), "-o", str(tmp_path / "many"), "-j", "1", "--charts"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert batch.returncode == 0
    assert [line for line in batch.stderr.splitlines() if not line.startswith("[批量]")] == []


def named_projects(*names: str) -> str:
    """A ledger with charts on and one project per name, each with a ratio and three amounts."""
    lines = [MINIMAL.split("一览表:")[0].rstrip(), "图表: 是", "一览表:", "  金额单位: 万元", "  项目:"]
    for n, name in enumerate(names, start=1):
        lines += [
            f"    - 项目名称: {yaml_quoted(name)}",
            "      目标任务: 完成",
            "      实施进度: 推进",
            f"      目标: {{数值: {10 * n}, 单位: 个}}",
            f"      实际完成: {{数值: {9 * n}, 单位: 个}}",
            f"      计划安排资金: {100 * n}",
            f"      下达预算: {90 * n}",
            f"      实际拨付: {80 * n}",
        ]
    return "\n".join(lines) + "\n"


def drawn_texts(chart: Chart, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Every string the PNG's renderer drew, with how (``ismath``: False is literal text)."""
    from matplotlib.backends.backend_agg import RendererAgg

    drawn: list[tuple[str, object]] = []
    real_text, real_math = RendererAgg.draw_text, RendererAgg.draw_mathtext

    def text(
        self: RendererAgg,
        gc: object,
        x: float,
        y: float,
        s: str,
        prop: object,
        angle: float,
        ismath: object = False,
        mtext: object = None,
    ) -> None:
        drawn.append((s, ismath))
        real_text(self, gc, x, y, s, prop, angle, ismath, mtext)

    def math(self: RendererAgg, gc: object, x: float, y: float, s: str, prop: object, angle: float) -> None:
        drawn.append((s, "math"))
        real_math(self, gc, x, y, s, prop, angle)

    monkeypatch.setattr(RendererAgg, "draw_text", text)
    monkeypatch.setattr(RendererAgg, "draw_mathtext", math)
    chart_image.__wrapped__(chart)
    monkeypatch.undo()
    return drawn


def test_every_text_is_drawn_literally_never_as_mathtext(monkeypatch: pytest.MonkeyPatch) -> None:
    """``$x^{$`` was a traceback, ``$100$`` was drawn as maths."""
    # "{x}}" rather than "{{x}}": 项目名称 is plain text, where an opening "{{" is refused (RG120)
    names = ("$x^{$", "$100$元", "a\\nb", "{x}}", "\\alpha_1 ^ %", "100$")
    completion, funding = charts_of(reportgen.loads(named_projects(*names)))
    for chart in (completion, funding):
        drawn = drawn_texts(chart, monkeypatch)
        assert [s for s, how in drawn if how is not False] == []
        lines = {line for s, _ in drawn for line in s.split("\n")}
        assert {f"{n}.{name}" for n, name in enumerate(names, start=1)} <= lines


LONG_NAMES = tuple(
    f"第{n}项：提高城乡困难群众生活保障水平，低保标准分别达到每人每月{700 + n}.5元和{500 + n}元（含临时救助）"
    for n in range(1, 11)
)


def test_long_names_wrap_instead_of_being_cut_and_nothing_overlaps() -> None:
    assert min(len(name) for name in LONG_NAMES) > 40
    charts = charts_of(reportgen.loads(named_projects(*LONG_NAMES)))
    assert len(charts) == 4  # 8 + 2 projects, two charts each
    for chart in charts:
        figure = image_module.draw_figure(chart)
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        [axes] = figure.axes
        labels = [t for t in axes.get_yticklabels() if t.get_text()]
        assert [t.get_text().replace("\n", "") for t in labels] == list(chart.categories)  # whole, no “…”
        boxes = [t.get_window_extent(renderer) for t in labels]
        page = figure.bbox
        plot = axes.get_window_extent(renderer)
        for i, box in enumerate(boxes):
            assert box.x0 >= page.x0 and box.x1 <= plot.x0 and box.y0 >= page.y0 and box.y1 <= page.y1
            assert all(not box.overlaps(other) for other in boxes[i + 1 :]), labels[i].get_text()
        low, high = axes.get_xlim()
        ticks = [t.label1 for t in axes.xaxis.get_major_ticks() if low <= t.get_loc() <= high]
        legends = [t for legend in figure.legends for t in legend.get_texts()]
        for text in [*ticks, *axes.texts, axes.xaxis.label, *legends]:  # bar labels, gaps' “—”, titles
            box = text.get_window_extent(renderer)
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
        assert Decimal(str(figure.get_figheight())) <= Decimal(str(image_module.MAX_HEIGHT_IN))
        assert max(t.get_text().count("\n") for t in labels) >= 1


def test_a_character_no_font_has_is_rg408_not_a_box() -> None:
    """matplotlib drew a box for it and printed a warning on stderr: a lost character in a published
    chart.  Now the report stops and says which character, where."""
    [completion, _funding] = charts_of(reportgen.loads(named_projects("城乡低保", "藏文\u0f40项目")))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RenderError) as caught:
            chart_image.__wrapped__(completion)
    [problem] = caught.value.problems
    assert problem.code == "RG408" and "\u0f40" in problem.message and "U+0F40" in problem.message
    assert "2.藏文\u0f40项目" in problem.message


def test_wrap_label_breaks_between_characters_never_in_a_number_or_after_an_opening_bracket() -> None:
    wrap = image_module.wrap_label
    assert wrap("1.城乡低保和临时救助", 40, 3) == ("1.城乡低保和临时救助",)
    assert wrap("1.提高城乡低保标准", 10, 3) == ("1.提高城乡", "低保标准")  # 10 half-字 a line
    # 1234.5 is never split; the line breaks before it instead
    assert wrap("1.标准达到1234.5元", 12, 3) == ("1.标准达到", "1234.5元")
    assert wrap("1.每人每月110元、80元", 14, 3) == ("1.每人每月", "110元、80元")  # nor its unit
    # no line ends with an opening bracket or starts with closing punctuation
    assert wrap("1.救助费（含临时救助）", 10, 3) == ("1.救助费", "（含临时救", "助）")
    assert wrap("1.补贴标准，一二级", 11, 3) == ("1.补贴标", "准，一二级")
    # Latin words break at spaces, which do not start or end a line
    assert wrap("1.Community care project", 16, 3) == ("1.Community care", "project")
    # cut only after the last line that fits, with “…”
    assert wrap("1.一二三四五六七八九十一二三四五六七八九十", 10, 2) == ("1.一二三四", "五六七八…")


# -- the writers -------------------------------------------------------------------------------------
def test_docx_has_the_pictures_with_their_relationships_and_captions() -> None:
    report = reportgen.load(QINGSHAN)
    data = report.to_bytes("docx")
    assert data == reportgen.load(QINGSHAN).to_bytes("docx")  # same bytes twice
    document = docx.Document(io.BytesIO(data))
    shapes = document.inline_shapes
    assert len(shapes) == 2
    max_width = L.LANDSCAPE_BODY_WIDTH * 635
    max_height = (L.LANDSCAPE_HEIGHT - L.LANDSCAPE_TOP - L.LANDSCAPE_BOTTOM) * 635
    for shape, chart in zip(shapes, charts_of(report), strict=True):
        rel = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        part = document.part.related_parts[rel]
        assert part.content_type == "image/png" and part.blob == chart_image(chart).png
        assert 0 < shape.width <= max_width and 0 < shape.height <= max_height
        assert shape._inline.docPr.get("descr") == chart.description
    texts = [p.text for p in document.paragraphs]
    assert texts.index("图1 各项目完成比例") < texts.index("图2 各项目资金执行情况")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist()[-2:] == ["word/media/reportgen-chart1.png", "word/media/reportgen-chart2.png"]
    assert b'<Default Extension="png" ContentType="image/png"/>' in archive.read("[Content_Types].xml")
    body = archive.read("word/document.xml").decode()
    assert body.index("</w:tbl>") < body.index("<w:drawing>")  # after the 一览表


def test_xlsx_has_native_charts_on_the_cells_of_the_table() -> None:
    report = reportgen.load(QINGSHAN)
    data = report.to_bytes("xlsx")
    assert data == reportgen.load(QINGSHAN).to_bytes("xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["附件", "图表"]
    sheet = workbook["图表"]
    completion, funding = sheet._charts
    assert completion.type == "bar" and len(completion.series) == 1 and len(funding.series) == 3
    [ratio] = completion.series
    assert ratio.tx.strRef.f == "'图表'!$B$2"
    assert ratio.cat.strRef.f == "'图表'!$A$3:$A$5" and ratio.val.numRef.f == "'图表'!$B$3:$B$5"
    top = block_top(1)  # the 资金执行 block: caption, header, then the four projects
    assert [s.val.numRef.f for s in funding.series] == [
        f"'图表'!${c}${top + 2}:${c}${top + 5}" for c in "BCD"
    ]
    assert sheet["A1"].value == "图1 各项目完成比例" and sheet["B2"].value == "完成比例"
    assert [sheet.cell(top + 1, c).value for c in range(1, 5)] == [
        "项目",
        "计划安排资金",
        "下达预算",
        "实际拨付",
    ]
    assert sheet["A3"].value == "2.新增养老床位" and sheet["B3"].value == "='附件'!E8"
    assert sheet.cell(top + 2, 4).value == "='附件'!I7"
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    table, charts = cached["附件"], cached["图表"]
    assert charts["B3"].value == table["E8"].value == 1.04
    assert charts.cell(top + 2, 4).value == table["I7"].value == 5505.5817
    assert charts["B3"].number_format == table["E8"].number_format == "0.00%"


def test_xlsx_gaps_are_empty_cells() -> None:
    data = reportgen.loads(many_projects()).to_bytes("xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["图表"]
    assert len(sheet._charts) == 3
    assert [chart.anchor._from.row + 1 for chart in sheet._charts] == [block_top(i) for i in range(3)]
    top = block_top(1)  # 图2: projects 1–8, project n on row top + 1 + n
    assert sheet.cell(top, 1).value == "图2 各项目资金执行情况（第1—8项）"
    assert sheet.cell(top + 5, 2).value is None  # project 4's plan: empty, not ='附件'!F10 (which is 0)
    assert sheet.cell(top + 7, 4).value is None and sheet.cell(top + 8, 4).value is None
    assert sheet.cell(top + 5, 3).value == "='附件'!G10"


def test_html_has_the_figures_and_markdown_the_captions() -> None:
    report = reportgen.load(QINGSHAN)
    html = report.to_bytes("html").decode()
    figures = re.findall(
        r'<figure class="chart"[^>]*>\s*<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"[^>]*>\s*'
        r"<figcaption[^>]*>([^<]+)</figcaption>",
        html,
    )
    assert [caption for _, _, caption in figures] == ["图1 各项目完成比例", "图2 各项目资金执行情况"]
    for (encoded, alt, _), chart in zip(figures, charts_of(report), strict=True):
        assert base64.b64decode(encoded) == chart_image(chart).png
        assert alt == chart.description
    assert html.index("</table>") < html.index("<figure")
    markdown = report.to_bytes("md").decode()
    assert "**图1 各项目完成比例**（图略，见 HTML、Word 或 PDF 版）" in markdown


def test_charts_off_leaves_every_output_as_it_was() -> None:
    """The ledger without 图表 (as before charts existed) and with 图表 but charts=False: same bytes."""
    text = QINGSHAN.read_text("utf-8")
    without = re.sub(r"^图表:.*\n", "", text, flags=re.MULTILINE)
    assert without != text
    plain = reportgen.loads(without, "qingshan-2024q3.yaml")
    off = reportgen.loads(text, "qingshan-2024q3.yaml", choices=ReportChoices(charts=False))
    for fmt in ("md", "html", "docx", "xlsx"):
        assert plain.to_bytes(fmt) == off.to_bytes(fmt), fmt
    assert b"<figure" not in plain.to_bytes("html")
    assert "xl/charts/chart1.xml" not in zipfile.ZipFile(io.BytesIO(plain.to_bytes("xlsx"))).namelist()


# -- printed by LibreOffice ----------------------------------------------------------------------------
@pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice or poppler-utils missing"
)
def test_libreoffice_prints_the_charts(tmp_path: Path) -> None:
    from reportgen.render.pdf.oneshot import convert_to_pdf

    report = reportgen.load(QINGSHAN)
    pages: dict[str, list[str]] = {}
    for fmt in ("docx", "xlsx"):
        pdf = tmp_path / f"charts-{fmt}.pdf"
        pdf.write_bytes(convert_to_pdf(report.to_bytes(fmt), "." + fmt))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        pages[fmt] = ["".join(page.split()) for page in text.split("\f")[:-1]]
    docx_text = "".join(pages["docx"])
    assert "图1各项目完成比例" in docx_text and "图2各项目资金执行情况" in docx_text
    # .xlsx: the 一览表 page, then one page per chart with its title, axis title and bar labels
    assert len(pages["xlsx"]) == 3
    assert "图1各项目完成比例" in pages["xlsx"][1] and "104.00%" in pages["xlsx"][1]
    # the whole chart on its page: its axis title was once cut off by the page break below the block
    assert "完成比例（%）" in pages["xlsx"][1] and "完成比例（%）" not in pages["xlsx"][2]
    assert "金额（万元）" in pages["xlsx"][2] and "5505.58" in pages["xlsx"][2]
