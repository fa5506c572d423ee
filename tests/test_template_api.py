"""``reportgen.Template`` (issue 18, part 4): a user's docxtpl-syntax template with the user's own data.

The templates are built here with python-docx, as a person would type them in Word; every result is
opened with python-docx, and compared with what plain docxtpl makes of the same template and data.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from markupsafe import Markup

import reportgen
from reportgen.base.errors import LedgerError, TemplateError
from reportgen.render.docx.template_values import PLACEHOLDER


def _template(*paragraphs: str, table: bool = True) -> bytes:
    """Paragraphs, then a table whose middle row repeats for each of ``项目`` (``{%tr for %}``)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=4, cols=3)
        grid.cell(0, 0).text, grid.cell(0, 1).text, grid.cell(0, 2).text = "序号", "项目", "金额（万元）"
        grid.cell(1, 0).text = "{%tr for 行 in 项目 %}"
        grid.cell(2, 0).text = "{{ loop.index }}"
        grid.cell(2, 1).text = "{{ 行.名称 }}"
        grid.cell(2, 2).text = "{{ 行.金额 }}"
        grid.cell(3, 0).text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


REPORT = _template(
    "{{ 单位 }}关于{{ 期间 }}工作情况的报告",
    "{%p if 备注 %}",
    "备注：{{ 备注 }}",
    "{%p endif %}",
    "{%p if 附言 %}",
    "附言：{{ 附言 }}",
    "{%p endif %}",
    "共{{ 项目 | length }}个项目，负责人{{ 负责人.姓名 }}（{{ 负责人['电话'] }}）。",
)


def _context(rows: int = 30) -> dict[str, object]:
    return {
        "单位": "嘉陵区民政局 & <办公室>",
        "期间": "2024年1—9月",
        "备注": "数据截至9月底",
        "附言": "",
        "负责人": {"姓名": "张三", "电话": "0817-1234567"},
        "项目": [{"名称": f"项目{i}", "金额": Decimal(i) / 4} for i in range(1, rows + 1)],
    }


def _texts(data: bytes) -> tuple[list[str], list[list[str]]]:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


def test_paragraphs_conditions_and_a_table_of_thirty_rows() -> None:
    paragraphs, rows = _texts(reportgen.Template(REPORT).render(_context()))
    assert paragraphs == [
        "嘉陵区民政局 & <办公室>关于2024年1—9月工作情况的报告",
        "备注：数据截至9月底",  # {%p if %} kept its paragraph; the empty 附言 removed its own
        "共30个项目，负责人张三（0817-1234567）。",
    ]
    assert rows[0] == ["序号", "项目", "金额（万元）"]
    assert len(rows) == 31
    assert rows[1] == ["1", "项目1", "0.25"]
    assert rows[30] == ["30", "项目30", "7.5"]


def test_the_same_context_gives_the_same_bytes_and_a_path_the_same_as_bytes(tmp_path: Path) -> None:
    path = tmp_path / "我的模板.docx"
    path.write_bytes(REPORT)
    template = reportgen.Template(path)
    first = template.render(_context())
    assert first == template.render(_context()) == reportgen.Template(REPORT).render(_context())
    assert template.render(_context(29)) != first
    stream = io.BytesIO()
    template.render_to(_context(), stream)
    assert stream.getvalue() == first
    again = pickle.loads(pickle.dumps(template))  # what a worker process receives
    assert again.render(_context()) == first


def test_the_output_is_plain_docxtpls_for_the_same_template_and_context() -> None:
    plain = DocxTemplate(io.BytesIO(REPORT))
    plain.render(_context(), autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    assert _texts(reportgen.Template(REPORT).render(_context())) == _texts(buffer.getvalue())


def test_values_are_text_never_xml() -> None:
    """``Markup`` is read as the text it holds: a value never becomes Word XML, ``|safe`` or not."""
    template = reportgen.Template(_template("{{ a }}", "{{ a | safe }}", table=False))
    raw = Markup("<w:r><w:t>注入</w:t></w:r>")
    paragraphs, _ = _texts(template.render({"a": raw}))
    assert paragraphs == [str(raw), str(raw)]


def test_a_huge_loop_stops_with_rg306() -> None:
    template = reportgen.Template(
        _template(
            "{%p for a in 数 %}",
            "{%p for b in 数 %}",
            "{{ a }}",
            "{%p endfor %}",
            "{%p endfor %}",
            table=False,
        )
    )
    with pytest.raises(TemplateError) as caught:
        template.render({"数": list(range(2000))})  # 4 million steps
    assert caught.value.code == "RG306"
    assert "word/document.xml" in str(caught.value.problems[0].place)


@pytest.mark.parametrize(
    "tag", ["{{ 单位.__class__ }}", "{{ 单位.ljust(1000) }}", "{{ 负责人.__class__.__mro__ }}", "{{ 1 + 2 }}"]
)
def test_attributes_beyond_the_allow_list_and_arithmetic_are_rg304(tag: str) -> None:
    template = reportgen.Template(_template(tag, table=False))
    with pytest.raises(TemplateError) as caught:
        template.render({"单位": "嘉陵区", "负责人": {"姓名": "张三"}})
    assert caught.value.code == "RG304"


def test_a_missing_name_is_rg302_naming_the_paragraph() -> None:
    context = _context()
    del context["负责人"]
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(REPORT, name="我的模板.docx").render(context)
    [problem] = caught.value.problems
    assert problem.code == "RG302"
    assert "负责人" in problem.message
    assert str(problem.file) == "我的模板.docx"
    assert problem.place is not None and problem.place.startswith("word/document.xml 第")


@pytest.mark.parametrize(
    "value,code",
    [
        (1.5, "RG106"),  # a binary double: Decimal or text, as everywhere in reportgen
        (object(), "RG105"),
        (b"bytes", "RG105"),
    ],
)
def test_values_that_are_not_plain_data_are_refused_with_their_path(value: object, code: str) -> None:
    context = _context()
    context["项目"][2]["金额"] = value  # type: ignore[index]
    with pytest.raises(LedgerError) as caught:
        reportgen.Template(REPORT).render(context)
    [problem] = caught.value.problems
    assert (problem.code, problem.place) == (code, "项目[3].金额")


def test_docxtpls_rich_values_are_refused_not_written_as_xml() -> None:
    from docxtpl import RichText

    with pytest.raises(LedgerError) as caught:
        reportgen.Template(REPORT).render({**_context(), "备注": RichText("粗体", bold=True)})
    assert caught.value.code == "RG105"


def test_a_context_that_is_not_a_mapping_is_rg303() -> None:
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(REPORT).render([("单位", "x")])  # type: ignore[arg-type]
    assert caught.value.code == "RG303"


@pytest.mark.parametrize(
    "paragraphs,code",
    [
        (("{{ 单位 | 万 }}",), "RG301"),  # no such filter: custom filters are refused by design
        (("{%p if 备注 %}", "备注"), "RG310"),  # no endif
        (("前言{%p if 备注 %}", "{%p endif %}"), "RG309"),  # {%p must stand alone: the rest would be lost
    ],
)
def test_a_broken_template_fails_when_loaded(paragraphs: tuple[str, ...], code: str) -> None:
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(_template(*paragraphs, table=False))
    assert code in {p.code for p in caught.value.problems}


def test_the_package_is_checked_when_loaded(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(b"not a zip")
    assert caught.value.code == "RG305"
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(tmp_path / "none.docx")
    assert caught.value.code == "RG305"


def _with_part(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    """The package with one part's XML changed, as another writer would have saved it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            target.writestr(
                item, change(content.decode("utf-8")).encode("utf-8") if item.filename == part else content
            )
    return buffer.getvalue()


def test_quotes_libreoffice_stores_as_references_are_the_quotes_typed() -> None:
    """LibreOffice saves ``"`` and ``'`` in text as ``&quot;``/``&apos;``: the tag is what the user typed
    (docxtpl's test suite: header_footer_entities, less_cells_after_loop, word2016), not RG301."""
    typed = _template("{{ \"甲\" if 标志 else '乙' }}", table=False)
    saved = _with_part(
        typed,
        "word/document.xml",
        lambda xml: xml.replace('"甲"', "&quot;甲&quot;").replace("'乙'", "&apos;乙&apos;"),
    )
    assert b"&quot;" in zipfile.ZipFile(io.BytesIO(saved)).read("word/document.xml")
    template = reportgen.Template(saved)
    assert _texts(template.render({"标志": True}))[0] == ["甲"]
    assert _texts(template.render({"标志": False}))[0] == ["乙"]


def test_an_ampersand_typed_inside_a_tag_prints_once() -> None:
    """Word stores the ``&`` typed in a tag's string as ``&amp;``; it prints as ``&``, as in docxtpl's
    default rendering (docxtpl's test suite: header_footer_entities), not as ``&amp;``."""
    template_bytes = _template('{{ "甲&乙" if 标志 else "" }}', table=False)
    plain = DocxTemplate(io.BytesIO(template_bytes))
    plain.render({"标志": True})
    buffer = io.BytesIO()
    plain.save(buffer)
    ours = reportgen.Template(template_bytes).render({"标志": True})
    assert _texts(ours)[0] == ["甲&乙"] == _texts(buffer.getvalue())[0]
    less_than = reportgen.Template(_template('{{ "<甲>" }}', table=False)).render({})
    assert _texts(less_than)[0] == ["<甲>"]


def test_paragraph_and_page_breaks_in_a_value_are_words_as_in_docxtpl() -> None:
    """docxtpl makes ``\\a`` in a value a new paragraph and ``\\f`` a page break (its test suite: escape);
    they no longer vanish with the characters XML forbids, which still do (``\\x01``)."""
    template_bytes = _template("前{{ a }}后", table=False)
    context = {"a": "甲&\a乙\f丙\n丁\x01"}
    plain = DocxTemplate(io.BytesIO(template_bytes))
    plain.render(context, autoescape=True)
    buffer = io.BytesIO()
    plain.save(buffer)
    ours = reportgen.Template(template_bytes).render(context)
    assert _texts(ours)[0] == ["前甲&", "乙", "", "丙\n丁后"] == _texts(buffer.getvalue())[0]
    assert b'w:type="page"' in zipfile.ZipFile(io.BytesIO(ours)).read("word/document.xml")


def _column_template(*, nested: bool = False) -> bytes:
    """A table whose columns repeat for each of ``列`` (``{%tc for %}``), under a heading row that
    spans them (``{% colspan %}``); ``nested`` puts a three-column table in its first cell."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    table.cell(0, 0).text = "地区"
    heading = table.cell(0, 1).merge(table.cell(0, 3))
    heading.text = "{% colspan 列|length %}指标"
    table.cell(1, 0).text = "{{ 地区 }}"
    table.cell(1, 1).text = "{%tc for 列名 in 列 %}"
    table.cell(1, 2).text = "{{ 列名 }}"
    table.cell(1, 3).text = "{%tc endfor %}"
    if nested:
        table.cell(1, 0).add_table(rows=1, cols=3)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _grids(data: bytes) -> list[list[int]]:
    """Each table's grid column widths (twips), outer tables first, as Word and LibreOffice read them."""
    document = docx.Document(io.BytesIO(data))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return [
        [int(col.get(f"{w}w")) for col in table.find(f"{w}tblGrid").findall(f"{w}gridCol")]
        for table in document.element.body.iter(f"{w}tbl")
    ]


@pytest.mark.parametrize("count", [1, 2, 3, 6])
def test_a_column_loop_gets_a_grid_of_its_columns_as_wide_as_before(count: int) -> None:
    """After ``{%tc for %}`` the grid has one column per cell of the widest row, spans counted (docxtpl
    repairs it too): a stale grid drops a column or overflows the margin in LibreOffice."""
    template = _column_template()
    before = _grids(template)[0]
    ours = reportgen.Template(template).render({"地区": "嘉陵区", "列": [f"指标{i}" for i in range(count)]})
    grid = _grids(ours)[0]
    assert len(grid) == 1 + count
    assert sum(grid) == sum(before)  # exactly: docxtpl's truncation narrows the table by a few twips
    assert max(grid) - min(grid) <= max(before)  # no column left at zero or holding the removed width alone
    rows = docx.Document(io.BytesIO(ours)).tables[0].rows
    assert [len(row.cells) for row in rows] == [1 + count, 1 + count]


def test_a_nested_tables_rows_do_not_widen_the_outer_grid_and_a_fitting_grid_is_unchanged() -> None:
    """Only a table's own rows count (docxtpl also counts a nested table's, adding columns no row
    uses); a grid that already fits is left as it is."""
    template = _column_template(nested=True)
    ours = reportgen.Template(template).render({"地区": "嘉陵区", "列": ["甲"]})
    outer, inner = _grids(ours)
    assert len(outer) == 2 and inner == _grids(template)[1]
    fitting = reportgen.Template(template).render({"地区": "嘉陵区", "列": ["甲", "乙", "丙"]})
    assert _grids(fitting)[0] == _grids(template)[0]


def test_the_document_properties_are_rendered_as_docxtpl_does() -> None:
    """docxtpl renders the title, subject, author, comments, identifier and language with the context
    (its test suite: doc_properties); other properties, such as the keywords, keep their text."""
    document = docx.Document()
    document.add_paragraph("{{ 单位 }}")
    properties = document.core_properties
    properties.title = "{{ 单位 }}{{ 期间 }}工作情况"
    properties.subject, properties.author = "{{ 期间 }}", "{{ 单位 }}"
    properties.keywords = "{{ 期间 }}"
    buffer = io.BytesIO()
    document.save(buffer)
    context = {"单位": "嘉陵区民政局 & <办公室>", "期间": "2024年1—9月"}
    plain = DocxTemplate(io.BytesIO(buffer.getvalue()))
    plain.render(context)
    theirs = io.BytesIO()
    plain.save(theirs)
    ours = docx.Document(io.BytesIO(reportgen.Template(buffer.getvalue()).render(context))).core_properties
    expected = docx.Document(theirs).core_properties
    assert ours.title == expected.title == "嘉陵区民政局 & <办公室>2024年1—9月工作情况"
    assert (
        (ours.subject, ours.author) == (expected.subject, expected.author) == ("2024年1—9月", context["单位"])
    )
    assert ours.keywords == expected.keywords == "{{ 期间 }}"
    with pytest.raises(TemplateError) as raised:
        reportgen.Template(buffer.getvalue()).render({"单位": "嘉陵区民政局"})
    assert raised.value.problems[0].code == "RG302"
    assert raised.value.problems[0].place == "文档属性“标题”（docProps/core.xml）"


def _image(kind: str = "PNG", size: tuple[int, int] = (120, 60)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def _picture_template() -> bytes:
    """A picture in a run's text, one in a paragraph of its own (``{{p }}``), in a cell, in the header."""
    document = docx.Document()
    document.add_paragraph("照片：{{ 照片 }}（本人）")
    document.add_paragraph("{{p 合影 }}")
    table = document.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr for 人 in 人员 %}"
    table.cell(1, 0).text = "{{ 人.姓名 }}{{ 人.照片 }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    document.sections[0].header.paragraphs[0].text = "{{ 照片 }}页眉"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pictures_are_inline_drawings_with_their_parts_in_the_package() -> None:
    """``reportgen.Picture`` prints as a ``w:drawing`` where the tag stands; the image part, its
    relationship from each part that shows it and its content type are in the package, so Word and
    python-docx find every picture (docxtpl's InlineImage, without raw XML from the data)."""
    png, jpeg = _image(), _image("JPEG", (80, 100))
    context = {
        "照片": reportgen.Picture(png, width_mm=30),
        "合影": reportgen.Picture(jpeg, height_mm=Decimal("50")),
        "人员": [{"姓名": "张三", "照片": reportgen.Picture(png, width_mm=10, height_mm=10)}],
    }
    template = reportgen.Template(_picture_template())
    data = template.render(context)
    assert data == template.render(context)  # the same context, the same bytes
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["照片：（本人）", ""]
    sizes = [(shape.width, shape.height) for shape in document.inline_shapes]
    mm = 36000  # EMU
    assert sizes == [(30 * mm, 15 * mm), (40 * mm, 50 * mm), (10 * mm, 10 * mm)]  # one side: in proportion
    body, header = document.part, document.sections[0].header.part
    blips = [(part, blip) for part in (body, header) for blip in part.element.iter(f"{_A}blip")]
    assert len(blips) == 4  # the text, the paragraph, the cell, the header
    images = {part.rels[blip.get(f"{_R}embed")].target_part.blob for part, blip in blips}
    assert images == {png, jpeg}  # each shown from a relationship its own part has
    package = zipfile.ZipFile(io.BytesIO(data))
    assert sum(name.startswith("word/media/reportgen-picture") for name in package.namelist()) == 2
    types = package.read("[Content_Types].xml").decode()
    assert 'Extension="png" ContentType="image/png"' in types and 'Extension="jpeg"' in types
    run = document.paragraphs[0].runs[0]._r  # the text split around the drawing, in the same run
    assert [child.tag.rsplit("}", 1)[1] for child in run if child.tag != f"{_W}rPr"] == ["t", "drawing", "t"]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: reportgen.Picture(b"GIF89a" + bytes(100)), "不是 PNG 或 JPEG"),
        (lambda: reportgen.Picture(_image()[:20]), "不是 PNG 或 JPEG"),  # a PNG cut before its size
        (lambda: reportgen.Picture(_image("JPEG")[:30]), "不是 PNG 或 JPEG"),
        (lambda: reportgen.Picture(_image(size=(8, 200))), "8×200 像素"),
        (lambda: reportgen.Picture(_image(size=(4001, 20))), "4001×20 像素"),
        (lambda: reportgen.Picture(_image() + bytes(2 * 1024 * 1024)), "字节"),
        (lambda: reportgen.Picture(_image(), width_mm=30.5), "width_mm 不能是 float"),  # type: ignore[arg-type]
        (lambda: reportgen.Picture(_image(), height_mm=0), "height_mm 为 0"),
        (lambda: reportgen.Picture("/nonexistent/照片.png"), "无法读取文件"),
    ],
)
def test_a_picture_that_is_not_a_sensible_png_or_jpeg_is_rg313(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        make()
    assert raised.value.code == "RG313" and message in raised.value.problems[0].message


def test_a_picture_is_only_a_picture_where_a_template_prints_it() -> None:
    """A picture printed in a document property is dropped (a property is text); one a filter changed
    shows nothing rather than its placeholder, and the rest of the context is checked as always."""
    document = docx.Document()
    document.add_paragraph("{{ 照片 | upper }}")
    document.add_paragraph("{{ 文字 }}")
    document.core_properties.title = "{{ 照片 }}"
    buffer = io.BytesIO()
    document.save(buffer)
    template = reportgen.Template(buffer.getvalue())
    forged = PLACEHOLDER.format(0)  # a placeholder typed in the data is text
    result = docx.Document(io.BytesIO(template.render({"照片": reportgen.Picture(_image()), "文字": forged})))
    assert result.core_properties.title == "" and [p.text for p in result.paragraphs] == ["", forged]
    assert not result.inline_shapes
    with pytest.raises(LedgerError) as raised:
        template.render({"照片": reportgen.Picture(_image()), "文字": "", "其他": 1.5})
    assert raised.value.code == "RG106"


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _rich_template() -> bytes:
    """Rich text in a run's text (italic around it), in place of a run (``{{r }}``), as a paragraph."""
    document = docx.Document()
    document.add_paragraph().add_run("前{{ 说明 }}后").italic = True
    document.add_paragraph("{{r 说明 }}")
    document.add_paragraph("{{p 说明 }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_rich_text_prints_runs_of_its_own_formatting_and_only_text_from_the_data() -> None:
    """``reportgen.RichText`` is docxtpl's RichText as values: each run's formatting written by our
    code, its text escaped (``<w:r>`` in the data is text), ``\\n`` a line break, ``\\a`` a new
    paragraph as in docxtpl; the text after it in the run keeps the run's formatting."""
    from docxtpl import RichText as DocxtplRichText

    rich = reportgen.RichText("共").add("12", bold=True, color="#c00000", size_pt=Decimal("10.5"))
    rich.add("个<w:r>项目</w:r>&\n次行", underline=True, italic=True, font="黑体")
    template = _rich_template()
    data = reportgen.Template(template).render({"说明": rich})
    assert data == reportgen.Template(template).render({"说明": rich})
    document = docx.Document(io.BytesIO(data))
    text = "共12个<w:r>项目</w:r>&\n次行"
    assert [p.text for p in document.paragraphs] == ["前" + text + "后", text, text]
    runs = document.paragraphs[0].runs
    assert [run.text for run in runs] == ["前", "共", "12", "个<w:r>项目</w:r>&\n次行", "后"]
    assert [(run.bold, run.italic, run.underline) for run in runs] == [
        (None, True, None),
        (None, None, None),
        (True, None, None),
        (None, True, True),
        (None, True, None),  # the template's run goes on after the rich text, still italic
    ]
    assert runs[2].font.color.rgb == docx.shared.RGBColor(0xC0, 0, 0) and runs[2].font.size.pt == 10.5
    assert runs[3].font.name == "黑体"
    theirs = DocxTemplate(io.BytesIO(template))  # the text docxtpl's RichText gives with {{r }}
    plain = DocxtplRichText("共")
    plain.add("12", bold=True, color="c00000", size=21)
    plain.add("个<w:r>项目</w:r>&\n次行", underline=True, italic=True, font="黑体")
    theirs.render({"说明": plain})
    buffer = io.BytesIO()
    theirs.save(buffer)
    assert docx.Document(buffer).paragraphs[1].text == text  # {{r }}: docxtpl's RichText is for a run only
    paragraphs = reportgen.Template(template).render({"说明": reportgen.RichText("甲\a乙")})
    assert [p.text for p in docx.Document(io.BytesIO(paragraphs)).paragraphs] == [
        "前甲",
        "乙后",
        "甲",
        "乙",
        "甲",
        "乙",
    ]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: reportgen.RichText("x", color="red"), "颜色"),
        (lambda: reportgen.RichText("x", color="#12345"), "颜色"),
        (lambda: reportgen.RichText().add("x", size_pt=Decimal("10.3")), "字号为 10.3"),
        (lambda: reportgen.RichText().add("x", size_pt=10.5), "不是整数或 Decimal"),  # type: ignore[arg-type]
        (lambda: reportgen.RichText().add("x", font='宋体"/><w:b/>'), "字体名"),
        (lambda: reportgen.RichText().add(12), "文字不能是 int"),  # type: ignore[arg-type]
        (lambda: reportgen.RichText().add("x", bold="yes"), "bold"),  # type: ignore[arg-type]
    ],
)
def test_rich_text_formatting_that_is_not_a_value_word_takes_is_rg314(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        make()
    assert raised.value.code == "RG314" and message in raised.value.problems[0].message


def test_a_rows_skipped_columns_count_and_a_grid_without_widths_only_changes_its_count() -> None:
    """``gridBefore``/``gridAfter`` are columns of the row (docxtpl drops them and removes a used
    column); a grid whose widths are not all given keeps Word's sizing, only its count changes."""
    from lxml import etree

    from reportgen.render.docx.table_grid import repair_grids

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def table(grid: str, rows: str) -> etree._Element:
        return etree.fromstring(f'<w:tbl xmlns:w="{w}"><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>')

    cell = "<w:tc><w:p/></w:tc>"
    skipped = f'<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>{cell}{cell}</w:tr>'
    fits = table('<w:gridCol w:w="1000"/>' * 4, skipped + f"<w:tr>{cell * 4}</w:tr>")
    assert not repair_grids(fits)
    grown = table('<w:gridCol w:w="1000"/>' * 3, skipped)
    assert repair_grids(grown)
    assert [c.get(f"{{{w}}}w") for c in grown.iter(f"{{{w}}}gridCol")] == ["750"] * 4
    bare = table("<w:gridCol/>" * 3, f"<w:tr>{cell}</w:tr>")
    assert repair_grids(bare) and [c.attrib for c in bare.iter(f"{{{w}}}gridCol")] == [{}]


def _docx(build: Callable[[docx.document.Document], object]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _block_template(*, title: bool = True) -> bytes:
    """A value as paragraphs between two, in a table cell alone, and as the title property."""

    def build(document: docx.document.Document) -> None:
        document.add_paragraph("前言")
        document.add_paragraph("{{p 内容 }}")
        document.add_paragraph("结语")
        document.add_table(rows=1, cols=1).cell(0, 0).text = "{{p 内容 }}"
        document.core_properties.title = "{{ 内容 }}" if title else ""

    return _docx(build)


def _findings(data: bytes, tmp_path: Path, name: str) -> list[str]:
    """What tests/ooxml.py finds wrong; python-docx's own template has two findings of its own
    (``stylesWithEffects.xml``), so a result is compared with its template's."""
    from tests.ooxml import ooxml_findings

    path = tmp_path / name
    path.write_bytes(data)
    return ooxml_findings(path)


def test_rich_text_paragraphs_print_a_paragraph_each_in_the_style_and_alignment_given(tmp_path: Path) -> None:
    """``reportgen.RichTextParagraph`` is docxtpl's without raw XML: one ``w:p`` per paragraph where
    ``{{p }}`` stands (in a cell too), the style found by name or id among the template's, the
    alignment in Chinese or Word's words, the text escaped; ``\\a`` starts another paragraph of the
    same style, as in docxtpl; the text is docxtpl's for the same values."""
    from docxtpl import RichText as DocxtplRichText
    from docxtpl import RichTextParagraph as DocxtplParagraph

    value = reportgen.RichTextParagraph("一、总体情况", style="heading 1", align="中")
    value.add(reportgen.RichText("共").add("12<w:b/>", bold=True), style="Heading2", align="两端")
    value.add("甲\a乙", align="right").add("")
    template = _block_template()
    data = reportgen.Template(template).render({"内容": value})
    assert data == reportgen.Template(template).render({"内容": value})
    document = docx.Document(io.BytesIO(data))
    texts = ["一、总体情况", "共12<w:b/>", "甲", "乙", ""]
    assert [p.text for p in document.paragraphs] == ["前言", *texts, "结语"]
    shown = [(p.style.name, p.alignment) for p in document.paragraphs[1:5]]
    align = docx.enum.text.WD_ALIGN_PARAGRAPH
    assert shown == [
        ("Heading 1", align.CENTER),
        ("Heading 2", align.JUSTIFY),
        ("Normal", align.RIGHT),
        ("Normal", align.RIGHT),  # \a: the next paragraph keeps the paragraph's properties
    ]
    assert [run.bold for run in document.paragraphs[2].runs] == [None, True]
    assert [p.text for p in document.tables[0].cell(0, 0).paragraphs] == texts
    assert document.core_properties.title == "\n".join(["一、总体情况", "共12<w:b/>", "甲", "乙", ""])
    assert _findings(data, tmp_path, "ours.docx") == _findings(template, tmp_path, "template.docx")
    theirs = DocxTemplate(io.BytesIO(_block_template(title=False)))  # docxtpl would put XML in the title
    plain = DocxtplParagraph("一、总体情况", parastyle="Heading1")
    plain.add(DocxtplRichText("共12<w:b/>"), parastyle="Heading2")
    plain.add("甲\a乙")
    plain.add("")
    theirs.render({"内容": plain}, autoescape=True)
    buffer = io.BytesIO()
    theirs.save(buffer)
    assert [p.text for p in docx.Document(buffer).paragraphs] == ["前言", *texts, "结语"]


@pytest.mark.parametrize(
    "paragraphs, value, code, message",
    [
        (
            ("{{p 内容 }}",),
            lambda: reportgen.RichTextParagraph("x", style="我的样式"),
            "RG315",
            "没有段落样式",
        ),
        (
            ("{{p 内容 }}",),
            lambda: reportgen.RichTextParagraph("x", style="Default Paragraph Font"),
            "RG315",
            "",
        ),
        (("正文{{ 内容 }}",), lambda: reportgen.RichTextParagraph("x"), "RG315", "只能单独占一段"),
        (("{{p 内容 }}",), lambda: reportgen.RichTextParagraph("x", align="居中"), "RG314", "对齐方式"),
        (("{{p 内容 }}",), lambda: reportgen.RichTextParagraph("x", style='a"/><w:b/>'), "RG314", "样式名"),
        (("{{p 内容 }}",), lambda: reportgen.RichTextParagraph(12), "RG314", "段落不能是 int"),  # type: ignore[arg-type]
    ],
)
def test_a_paragraph_style_the_template_lacks_or_a_paragraph_inside_a_paragraph_is_refused(
    paragraphs: tuple[str, ...], value: Callable[[], object], code: str, message: str
) -> None:
    """Never a paragraph silently in another style (a character style is not a paragraph style),
    nor a ``w:p`` inside a ``w:p``."""
    with pytest.raises(TemplateError) as raised:
        reportgen.Template(_template(*paragraphs, table=False)).render({"内容": value()})
    assert raised.value.code == code and message in raised.value.problems[0].message


def _subdocument() -> bytes:
    """What a colleague sends: a heading, formatted runs, a centred paragraph in a style the template
    lacks, a picture, a table in a style, a landscape section, a bookmark."""
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm

    def build(document: docx.document.Document) -> None:
        document.add_heading("一、总体情况", level=1)
        paragraph = document.add_paragraph("资金到位率")
        paragraph.add_run("92.3%").bold = True
        paragraph.add_run("，&<w:t>").italic = True
        document.styles.add_style("子文档专用", WD_STYLE_TYPE.PARAGRAPH)
        centred = document.add_paragraph("居中的说明", style="子文档专用")
        centred.alignment = docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
        document.add_picture(io.BytesIO(_image()), width=Mm(30))
        table = document.add_table(rows=2, cols=2)
        table.style = "Table Grid"
        table.cell(0, 0).text, table.cell(1, 1).text = "项目", "金额"
        document.sections[0].orientation = WD_ORIENT.LANDSCAPE
        body = document.element.body
        body.insert(0, body.makeelement(f"{_W}bookmarkStart", {f"{_W}id": "0", f"{_W}name": "_GoBack"}))

    return _docx(build)


def test_a_subdocuments_body_is_printed_with_its_formatting_pictures_and_tables(tmp_path: Path) -> None:
    """``reportgen.Subdoc``: the paragraphs, runs' and paragraphs' direct formatting, tables and
    pictures of another .docx where ``{{p }}`` stands (a cell too); a style the template has kept, one
    it lacks carried in; its section and bookmarks dropped; every picture's part,
    relationship (from the part that shows it) and content type in the package; valid OOXML."""
    source = _subdocument()
    template = _block_template()
    path = tmp_path / "子文档.docx"
    path.write_bytes(source)
    values = [reportgen.Subdoc(source), reportgen.Subdoc(path), reportgen.Subdoc(io.BytesIO(source))]
    outputs = {reportgen.Template(template).render({"内容": value}) for value in values}
    assert len(outputs) == 1  # bytes, a path or a stream: the same bytes
    [data] = outputs
    document = docx.Document(io.BytesIO(data))
    texts = ["一、总体情况", "资金到位率92.3%，&<w:t>", "居中的说明", ""]
    assert [p.text for p in document.paragraphs] == ["前言", *texts, "结语"]
    heading, runs, centred = document.paragraphs[1], document.paragraphs[2].runs, document.paragraphs[3]
    assert heading.style.name == "Heading 1" and centred.style.name == "子文档专用"  # carried in
    assert centred.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert [(run.bold, run.italic) for run in runs] == [(None, None), (True, None), (None, True)]
    assert [[c.text for c in row.cells] for row in document.tables[0].rows] == [["项目", ""], ["", "金额"]]
    assert document.tables[0].style.name == "Table Grid"
    assert [p.text for p in document.tables[1].cell(0, 0).paragraphs] == [*texts, ""]  # a cell ends in a w:p
    assert [shape.width for shape in document.inline_shapes] == [30 * 36000] * 2
    blips = list(document.part.element.iter(f"{_A}blip"))
    assert {document.part.rels[b.get(f"{_R}embed")].target_part.blob for b in blips} == {_image()}
    package = zipfile.ZipFile(io.BytesIO(data))
    assert [n for n in package.namelist() if n.startswith("word/media/reportgen")] == [
        "word/media/reportgen-picture1.png"
    ]
    assert package.read("word/styles.xml").decode().count('w:styleId="子文档专用"') == 1  # placed twice
    body = document.element.body
    assert len(list(body.iter(f"{_W}sectPr"))) == 1 and not list(body.iter(f"{_W}bookmarkStart"))
    assert document.sections[0].orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    assert len({d.get("id") for d in body.iter(f"{_WP}docPr")}) == 2  # each drawing its own id
    assert document.core_properties.title == "\n".join([*texts[:3], "", "项目", "", "", "金额"])
    assert _findings(data, tmp_path, "ours.docx") == _findings(template, tmp_path, "template.docx")
    with pytest.raises(TemplateError) as raised:
        reportgen.Template(_template("正文{{ 内容 }}", table=False)).render({"内容": values[0]})
    assert raised.value.code == "RG315"


def _with_xml(source: bytes, member: str, change: Callable[[str], str], add: Mapping[str, bytes]) -> bytes:
    """``source`` with one member's text changed and members added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, change(data.decode()).encode() if item.filename == member else data)
        for name, data in add.items():
            new.writestr(name, data)
    return buffer.getvalue()


_DOC = "word/document.xml"
_RELS = "word/_rels/document.xml.rels"
_SECOND = "<w:r><w:t>资金到位率</w:t></w:r>"


@pytest.mark.parametrize(
    "member, change, add, code, message",
    [
        (
            _DOC,
            lambda x: x.replace(_SECOND, _SECOND + '<w:r><w:footnoteReference w:id="1"/></w:r>'),
            {},
            "RG316",
            "脚注",
        ),
        (
            _DOC,
            lambda x: x.replace(
                '<w:pStyle w:val="Heading1"/>',
                '<w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>',
            ),
            {},
            "RG316",
            "自动编号",
        ),
        (_DOC, lambda x: x.replace("<w:tbl>", '<w:altChunk r:id="rId9"/><w:tbl>'), {}, "RG316", "嵌入的文档"),
        (
            _RELS,
            lambda x: x.replace('Target="media/', 'TargetMode="External" Target="http://example.com/'),
            {},
            "RG323",
            "子文档引用了文档以外的内容",
        ),
        (_DOC, lambda x: x, {"word/vbaProject.bin": b"macro"}, "RG322", "子文档含宏"),
        (
            _RELS,
            lambda x: x.replace('Target="media/image1.png"', 'Target="media/image1.gif"'),
            {"word/media/image1.gif": b"GIF89a"},
            "RG313",
            "不是 PNG 或 JPEG",
        ),
    ],
)
def test_a_subdocument_is_read_as_untrusted_and_what_it_cannot_carry_is_refused(
    member: str, change: Callable[[str], str], add: dict[str, bytes], code: str, message: str
) -> None:
    """The template's package checks (macros RG322, external targets RG323), and RG316 naming what
    needs a part the template does not share and where — never a dangling reference."""
    source = _with_xml(_subdocument(), member, change, add)
    with pytest.raises(TemplateError) as raised:
        reportgen.Subdoc(source, name="来稿.docx")
    problem = raised.value.problems[0]
    assert (problem.code, str(problem.file)) == (code, "来稿.docx") and message in problem.message
    if code == "RG316":
        assert problem.place is not None and "正文第" in problem.place
    with pytest.raises(TemplateError) as raised:
        reportgen.Subdoc(b"not a zip")
    assert (raised.value.code, str(raised.value.problems[0].file)) == ("RG305", "<子文档>")


def test_a_comment_in_a_subdocument_is_dropped_with_its_text_kept() -> None:
    """An XML comment (here one shaped like a value's placeholder) never reaches the placement pass."""
    forged = PLACEHOLDER.format(0)
    source = _with_xml(
        _subdocument(), _DOC, lambda x: x.replace("资金到位率</w:t>", f"资金{forged}到位率</w:t>"), {}
    )
    assert forged in zipfile.ZipFile(io.BytesIO(source)).read(_DOC).decode()
    data = reportgen.Template(_block_template()).render({"内容": reportgen.Subdoc(source)})
    assert "reportgen:value" not in zipfile.ZipFile(io.BytesIO(data)).read(_DOC).decode()
    assert docx.Document(io.BytesIO(data)).paragraphs[2].text == "资金到位率92.3%，&<w:t>"


_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


def _styled_subdocument(change: Callable[[docx.document.Document], object] = lambda _: None) -> bytes:
    """A heading in a paragraph style of its own (``标题甲``, bold 16 pt through the ``基础`` it is
    based on), a run in a character style of its own, a paragraph in ``Heading 1`` drawn otherwise
    than the template's; the styles as Word leaves them (``w:rsid``, a ``w14`` attribute, ``基础`` the
    sub-document's default) and ``标题甲`` followed by a style nobody defines."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    def build(document: docx.document.Document) -> None:
        base = document.styles.add_style("基础", WD_STYLE_TYPE.PARAGRAPH)
        base.font.bold, base.font.size = True, Pt(16)
        base.next_paragraph_style = document.styles["Normal"]
        base.element.set(f"{_W}default", "1")
        heading = document.styles.add_style("标题甲", WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = base
        heading.element.set(f"{_W14}paraId", "1A2B3C4D")
        heading.element.append(heading.element.makeelement(f"{_W}next", {f"{_W}val": "不存在"}))
        heading.element.append(heading.element.makeelement(f"{_W}rsid", {f"{_W}val": "00AB12CD"}))
        document.styles.add_style("强调甲", WD_STYLE_TYPE.CHARACTER).font.italic = True
        document.styles["Heading 1"].font.color.rgb = RGBColor(0xFF, 0, 0)
        document.styles["Heading 1"].font.size = Pt(30)
        document.add_paragraph("一、总体情况", style="标题甲").add_run("（续）", style="强调甲")
        document.add_paragraph("二、下一步", style="Heading 1")
        change(document)

    return _docx(build)


def _through(style: docx.styles.style.ParagraphStyle | None, attribute: str) -> object:
    """A font attribute as Word resolves it: the style's, else its base's, and so on."""
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return value
        style = style.base_style
    return None


def _style_elements(data: bytes) -> dict[str, list[bytes]]:
    """Each ``w:style`` of the package's ``styles.xml`` (which must parse), by id, in the file's order."""
    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml"))
    found: dict[str, list[bytes]] = {}
    for style in root.iter(f"{_W}style"):
        found.setdefault(str(style.get(f"{_W}styleId")), []).append(etree.tostring(style))
    return found


def test_a_subdocuments_styles_the_template_lacks_are_carried_into_it(tmp_path: Path) -> None:
    """A heading in a style the template lacks keeps its look: the style, and the one it is based on,
    copied into the output's ``styles.xml`` once however often it is placed, cleaned of what belongs
    to the sub-document (revision ids, ``w14`` ids, its being the default, a ``w:next`` to nothing);
    a later value finds it as the template's; the same context gives the same bytes; valid OOXML."""
    template = _block_template()  # the value twice: between paragraphs and in a cell
    data = reportgen.Template(template).render({"内容": reportgen.Subdoc(_styled_subdocument())})
    assert data == reportgen.Template(template).render({"内容": reportgen.Subdoc(_styled_subdocument())})
    document = docx.Document(io.BytesIO(data))
    heading = document.paragraphs[1]
    assert (heading.text, heading.style.name, heading.style.base_style.name) == (
        "一、总体情况（续）",
        "标题甲",
        "基础",
    )
    assert (_through(heading.style, "bold"), _through(heading.style, "size")) == (True, docx.shared.Pt(16))
    assert heading.runs[1].style.name == "强调甲" and heading.runs[1].style.font.italic
    cell = document.tables[0].cell(0, 0).paragraphs[0]
    assert (cell.style.name, cell.runs[1].style.name) == ("标题甲", "强调甲")
    styles = _style_elements(data)
    assert all(len(styles[i]) == 1 for i in ("标题甲", "基础", "强调甲", "Heading1", "Normal"))
    carried = b"".join(styles["标题甲"] + styles["基础"])
    assert b"rsid" not in carried and b"paraId" not in carried and b"default" not in carried
    assert heading.style.next_paragraph_style.name == "标题甲"  # 不存在 removed: Word's own default
    assert document.styles["基础"].next_paragraph_style.name == "Normal"  # the template's Normal
    assert document.styles.default(docx.enum.style.WD_STYLE_TYPE.PARAGRAPH).name == "Normal"
    assert list(styles)[-3:] == ["标题甲", "基础", "强调甲"]  # appended, in first-use order
    assert _findings(data, tmp_path, "ours.docx") == _findings(template, tmp_path, "template.docx")
    twice = reportgen.Template(_template("{{p 甲 }}", "{{p 乙 }}", "{{p 丙 }}", table=False)).render(
        {
            "甲": reportgen.Subdoc(_styled_subdocument()),
            "乙": reportgen.Subdoc(_styled_subdocument()),
            "丙": reportgen.RichTextParagraph("三、其他", style="标题甲"),  # RG315 unless carried
        }
    )
    assert all(len(found) == 1 for found in _style_elements(twice).values())
    names = [p.style.name for p in docx.Document(io.BytesIO(twice)).paragraphs]
    assert names == ["标题甲", "Heading 1", "标题甲", "Heading 1", "标题甲"]


def test_a_style_the_template_has_keeps_the_templates_definition() -> None:
    """The template decides how its own styles look: the sub-document's red 30 pt ``Heading 1`` is not
    carried, and the template's ``styles.xml`` is left as it is when nothing is carried."""
    template = _block_template()
    data = reportgen.Template(template).render({"内容": reportgen.Subdoc(_styled_subdocument())})
    assert _style_elements(data)["Heading1"] == _style_elements(template)["Heading1"]
    font = docx.Document(io.BytesIO(data)).paragraphs[2].style.font
    assert font.size == docx.shared.Pt(14) and font.color.rgb != docx.shared.RGBColor(0xFF, 0, 0)
    plain = _docx(lambda document: document.add_paragraph("正文", style="Heading 1"))
    unchanged = reportgen.Template(template).render({"内容": reportgen.Subdoc(plain)})
    read = zipfile.ZipFile(io.BytesIO(unchanged)).read
    assert read("word/styles.xml") == zipfile.ZipFile(io.BytesIO(template)).read("word/styles.xml")


def _localized_ids(document: docx.document.Document) -> None:
    """The ids a Chinese Word gives its built-in styles (``a`` for Normal, ``1`` for heading 1) under
    their English names; ``标题甲`` based on ``a``, a heading in ``1`` drawn red."""
    from docx.shared import RGBColor

    document.styles["Heading 1"].font.color.rgb = RGBColor(0xFF, 0, 0)
    for name, style_id in (("Normal", "a"), ("Heading 1", "1")):
        old = document.styles[name].style_id
        for reference in document.element.body.iter(f"{_W}pStyle", f"{_W}basedOn", f"{_W}next"):
            if reference.get(f"{_W}val") == old:
                reference.set(f"{_W}val", style_id)
        for style in document.styles.element.iter(f"{_W}style"):
            for pointer in style.iter(f"{_W}basedOn", f"{_W}next", f"{_W}link"):
                if pointer.get(f"{_W}val") == old:
                    pointer.set(f"{_W}val", style_id)
        document.styles[name].style_id = style_id
    document.styles["标题甲"].base_style = document.styles["Normal"]


def test_a_style_the_template_has_by_another_id_is_the_templates_by_name() -> None:
    """A sub-document from a Chinese Word names ``1`` and ``a`` where the template says ``Heading1`` and
    ``Normal``: the same names, so the template's styles — a second “heading 1” would redefine the
    template's own (LibreOffice draws every heading by the last definition of a name)."""
    template = _block_template()
    data = reportgen.Template(template).render(
        {"内容": reportgen.Subdoc(_styled_subdocument(_localized_ids))}
    )
    styles = _style_elements(data)
    assert "1" not in styles and "a" not in styles
    assert styles["Heading1"] == _style_elements(template)["Heading1"]
    document = docx.Document(io.BytesIO(data))
    assert [p.style.name for p in document.paragraphs[1:3]] == ["标题甲", "Heading 1"]
    assert document.paragraphs[1].style.base_style.name == "Normal"  # the sub-document's ``a``
    names = [n.get(f"{_W}val") for n in document.styles.element.iter(f"{_W}name")]
    assert len(names) == len(set(names))


def _without(source: bytes, member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            if item.filename != member:
                new.writestr(item, old.read(item))
    return buffer.getvalue()


def _tag_only(document: docx.document.Document) -> None:
    document.add_paragraph("{{p 内容 }}")


def _tag_and_a_character_style_of_the_headings_id(document: docx.document.Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    document.styles.add_style("标题甲", WD_STYLE_TYPE.CHARACTER)
    document.add_paragraph("{{p 内容 }}")


@pytest.mark.parametrize(
    "template, source",
    [
        (_docx(_tag_and_a_character_style_of_the_headings_id), _styled_subdocument()),
        (
            _docx(_tag_only),
            _with_xml(_styled_subdocument(), _DOC, lambda x: x.replace("标题甲", "无此样式"), {}),
        ),
        (_without(_docx(_tag_only), "word/styles.xml"), _styled_subdocument()),
    ],
    ids=[
        "the-template-uses-the-id-for-another-type",
        "the-subdocument-lacks-it",
        "the-template-has-no-styles",
    ],
)
def test_a_style_that_cannot_be_carried_is_removed(template: bytes, source: bytes) -> None:
    """The template's default then applies, as before styles were carried: never a reference to a
    style of the wrong type or to none, and nothing copied."""
    from lxml import etree

    data = reportgen.Template(template).render({"内容": reportgen.Subdoc(source)})
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(_DOC))
    heading = next(p for p in body.iter(f"{_W}p") if "一、总体情况" in "".join(p.itertext()))
    assert not list(heading.iter(f"{_W}pStyle"))
    if "word/styles.xml" in zipfile.ZipFile(io.BytesIO(template)).namelist():
        assert "基础" not in _style_elements(data)


def _numbered(document: docx.document.Document) -> None:
    """``标题甲`` based on a style with list numbering; a paragraph in the numbered ``List Number``."""
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style("编号甲", WD_STYLE_TYPE.PARAGRAPH)
    properties = style.element.get_or_add_pPr()
    numbering = properties.makeelement(f"{_W}numPr", {})
    numbering.append(properties.makeelement(f"{_W}numId", {f"{_W}val": "5"}))
    properties.append(numbering)
    document.styles["标题甲"].base_style = style


def test_a_style_with_list_numbering_is_rg316_when_it_would_be_carried() -> None:
    """Its numbering is in a part the template does not share: RG316 naming the style; a numbered
    style the template has (``List Number``) is the template's, and fine."""
    value = reportgen.Subdoc(_styled_subdocument(_numbered), name="来稿.docx")  # refused once copied
    with pytest.raises(TemplateError) as raised:
        reportgen.Template(_block_template()).render({"内容": value})
    problem = raised.value.problems[0]
    assert (problem.code, str(problem.file), problem.place) == ("RG316", "来稿.docx", "word/styles.xml")
    assert "样式“编号甲”使用自动编号" in problem.message
    numbered = reportgen.Subdoc(_docx(lambda document: document.add_paragraph("第一项", style="List Number")))
    data = reportgen.Template(_block_template()).render({"内容": numbered})
    assert docx.Document(io.BytesIO(data)).paragraphs[1].style.name == "List Number"


def _cell_paragraph_template() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{{p x }}"
    table.cell(0, 1).text = "右"
    document.add_paragraph("{{p y }}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_cell_whose_only_paragraph_a_p_tag_took_keeps_a_paragraph() -> None:
    """``{{p x }}`` with an empty value took the cell's only paragraph: docxtpl writes a cell without
    one, which Word calls damaged; the cell gets the empty paragraph Word itself would write."""
    data = reportgen.Template(_cell_paragraph_template()).render({"x": "", "y": ""})
    cell = docx.Document(io.BytesIO(data)).tables[0].rows[0].cells[0]
    assert len(cell.paragraphs) == 1 and cell.paragraphs[0].text == ""
    assert b"<w:tcW" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


@pytest.mark.parametrize("where", ["x", "y"])
def test_plain_text_where_a_p_tag_stands_is_rg315_not_a_damaged_file(where: str) -> None:
    """docxtpl puts such text bare in the cell or the body (outside any paragraph)."""
    context = {"x": "", "y": "", where: "一段文字"}
    with pytest.raises(TemplateError) as caught:
        reportgen.Template(_cell_paragraph_template()).render(context)
    assert (
        caught.value.code == "RG315" and "一段文字" in str(caught.value) and "{{ 变量 }}" in str(caught.value)
    )


@pytest.mark.parametrize(
    ("xml", "good"),
    [
        (b'<w:document xmlns:w="urn:w"><w:p><w:t>a &amp; b</w:t></w:p></w:document>', True),
        (b'<w:document xmlns:w="urn:w"><w:p><w:t>a</w:p></w:t></w:document>', False),
        (b'<w:document xmlns:w="urn:w"><w:p>a &nbsp; b</w:p></w:document>', False),
        (b'<w:document xmlns:w="urn:w"><w:p>\x01</w:p></w:document>', False),
        (b'<w:document xmlns:w="urn:w"><w:p>', False),
        (b'<w:document xmlns:w="urn:w"></w:document><w:p/>', False),
    ],
)
def test_a_part_is_proved_well_formed_as_lxml_would(xml: bytes, good: bool) -> None:
    """The tree-less check parts without paragraph or cell tags get (expat) agrees with lxml."""
    from lxml import etree

    from reportgen.render.docx.engine import _well_formed

    assert _well_formed(xml) is good
    try:
        etree.fromstring(xml)
    except etree.XMLSyntaxError:
        assert not good
    else:
        assert good
