"""A .docx template compiled once and rendered many times: docxtpl's tag syntax, our Jinja.

A template is a Word file with docxtpl tags (``{{ }}``, ``{%p %}``, ``{%tr %}``, ``{%tc %}`` …).
Compiling it runs docxtpl's own tag clean-up (``DocxTemplate.patch_xml``, which also mends tags
Word split across runs) on the parts that carry tags, and compiles each into a Jinja template of
the one sandboxed ``ReportEnvironment`` with XML autoescaping.  Every other zip member is kept as
ready bytes.  Rendering a report is then one Jinja render per changed part, a strict XML parse to
prove the result well-formed, and a zip write — no python-docx objects and no re-parse of unchanged
parts.  docxtpl itself parses with ``recover=True``, which silently drops what a stray ``&`` broke;
here a malformed result is an ``RG407`` error and nothing is written.

The compiled object keeps only strings and bytes, so it pickles to worker processes; each process
compiles the Jinja code again on first use.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from xml.parsers import expat

import jinja2
from docxtpl import DocxTemplate
from lxml import etree
from markupsafe import Markup, escape

from reportgen.base.errors import Problem, RenderError, TemplateError
from reportgen.base.zipfiles import CORE_PART, ZipEntry, deflate, write_zip
from reportgen.render.docx.package_checks import TEMPLATE_PART, read_package
from reportgen.render.docx.table_grid import repair_grids
from reportgen.templating.narrative import TEMPLATE_FAILURES, explain_template_error
from reportgen.templating.sandbox import ReportEnvironment, charge_text, render_bounded

_TAG = re.compile(r"\{[{%#]")
_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_XML_TAGS = re.compile(r"<[^>]+>")
_CONTROL_IN_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\n\a\f]")
_DECLARATION = re.compile(r"<\?xml[^>]*\?>\s*")
_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")  # the line breaks added for error positions, and Jinja's


@dataclass
class CompiledDocx:
    """The template's members in order: deflated bytes for the unchanged ones, a name whose Jinja
    source is in ``sources`` for the ones each report renders; ``regrid`` names the parts whose cell
    tags can change a table's columns, whose grids are repaired after each render (``table_grid``)."""

    name: str
    members: tuple[ZipEntry | str, ...]
    sources: dict[str, str]
    regrid: frozenset[str] = frozenset()
    whole: frozenset[str] = (
        frozenset()
    )  # parts with paragraph tags ({{p }}, {%p %}): checked after each render
    _compiled: dict[tuple[int, str], jinja2.Template] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {
            "name": self.name,
            "members": self.members,
            "sources": self.sources,
            "regrid": self.regrid,
            "whole": self.whole,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.name, self.members, self.sources = state["name"], state["members"], state["sources"]
        self.regrid, self.whole = state["regrid"], state["whole"]
        self._compiled = {}

    def render(
        self,
        env: ReportEnvironment,
        context: Mapping[str, object],
        replace: Mapping[str, bytes] = {},
        fragments: Mapping[str, str] = {},
        add: Sequence[ZipEntry] = (),
        finish: Callable[[str], str] | None = None,
        rendered: Mapping[str, str] | None = None,
    ) -> bytes:
        """The filled .docx.  ``replace`` swaps whole members (the writer's core properties);
        ``fragments`` maps placeholders the context put in (XML comments) to XML our own code built —
        the template's output is proved well-formed with the placeholders, then they are filled in;
        ``add`` are new members (chart images), written last in the order given; ``finish`` changes
        each rendered part's XML last (the 版记's section, ``colophon_xml``); ``rendered`` holds the
        parts ``render_parts`` already rendered, for a caller that must see every part's XML before
        it knows the other members (the pictures and rich text of ``template_values``)."""
        entries: list[ZipEntry] = []
        for member in self.members:
            name = member.name if isinstance(member, ZipEntry) else member
            if name in replace:
                entries.append(deflate(name, replace[name]))
            elif isinstance(member, ZipEntry):
                entries.append(member)
            else:
                xml = rendered[member] if rendered is not None else self._render_part(env, member, context)
                for placeholder, fragment in fragments.items():
                    xml = xml.replace(placeholder, fragment)
                if finish is not None:
                    xml = finish(xml)
                entries.append(deflate(member, xml.encode("utf-8")))
        entries.extend(add)
        return write_zip(entries)

    def render_parts(self, env: ReportEnvironment, context: Mapping[str, object]) -> dict[str, str]:
        """Every tagged part rendered, checked well-formed and its grids repaired, by name."""
        return {part: self._render_part(env, part, context) for part in self.sources}

    def member(self, name: str) -> bytes | None:
        """An unchanged member's bytes (a part the writer patches, such as the relationships)."""
        for member in self.members:
            if isinstance(member, ZipEntry) and member.name == name:
                return zlib.decompress(member.deflated, -15)
        return None

    def template(self, env: ReportEnvironment, part: str) -> jinja2.Template:
        key = (id(env), part)
        found = self._compiled.get(key)
        if found is None:
            source = self.sources[part]
            try:
                found = word_environment(env).from_string(
                    "{% autoescape true %}" + source + "{% endautoescape %}"
                )
            except jinja2.TemplateSyntaxError as exc:
                code, message = explain_template_error(exc, env)
                raise _template_problem(code, message, self.name, part, source, exc.lineno) from None
            self._compiled[key] = found
        return found

    def _render_part(self, env: ReportEnvironment, part: str, context: Mapping[str, object]) -> str:
        template = self.template(env, part)
        source = self.sources[part]
        try:
            xml = render_bounded(template, context)
        except TEMPLATE_FAILURES as exc:
            code, message = explain_template_error(exc, env, context)
            raise _template_problem(code, message, self.name, part, source, _line(exc)) from None
        xml = _after_render(xml)
        data = xml.encode("utf-8")
        # A part no check walks is only proved well-formed (``_well_formed``); a failure is parsed again
        # by lxml, which explains it (RG407).
        if part not in self.whole and part not in self.regrid and _well_formed(data):
            return xml
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError as exc:
            raise RenderError(
                Problem(
                    "RG407",
                    f"模板 {self.name} 渲染出的 {part} 不是合法的 XML（{_xml_problem(exc.msg)}，"
                    f"第{exc.position[0]}行第{exc.position[1]}列）",
                    value=_excerpt(xml, exc.position[0]),
                    expected="模板标签成对、不截断表格或段落",
                )
            ) from None
        closed = False
        if part in self.whole:  # a {{p }} or {%p %} can leave text or a cell without its paragraph
            _check_loose_text(root, self.name, part)
            closed = _close_cells(root)
        regridded = part in self.regrid and repair_grids(root)
        if closed or regridded:  # rewritten only when a cell or a grid changed
            declaration = _DECLARATION.match(xml)
            xml = (declaration.group() if declaration else "") + etree.tostring(root, encoding="unicode")
        return xml


_W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# Where Word keeps paragraphs and tables, and text only inside them: a value printed by ``{{p x }}``
# (which stands for the whole paragraph) that is plain text would sit there bare, which Word reports as
# a damaged file and LibreOffice drops.  Compiled XPath: the walk is lxml's, not Python's.
_LOOSE_TEXT = etree.XPath(
    "(//w:body|//w:tc|//w:hdr|//w:ftr|//w:txbxContent|//w:footnote)/text()[normalize-space()]",
    namespaces=_W_NS,
)
# Cells whose content does not end with a paragraph (none left, or a table last), but for one holding a
# value still to be placed (an XML comment placeholder: ``template_values`` ends that cell itself).
_OPEN_CELLS = etree.XPath(
    "//w:tc[not(comment())][not((w:p|w:tbl|w:sdt|w:customXml)[last()][not(self::w:tbl)])]",
    namespaces=_W_NS,
)


_PARAGRAPH = "{" + _W_NS["w"] + "}p"


def _well_formed(data: bytes) -> bool:
    """Whether ``data`` is well-formed XML, by expat without a tree (half of lxml's time).  Prefixes
    are not resolved (expat's namespace mode is as slow as lxml): the template's parts were proved
    namespace-well-formed when it was read, and a tag can only remove a declaring element's start tag
    together with its end tag — otherwise the tags no longer match, which expat does catch."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def _check_loose_text(root: etree._Element, name: str, part: str) -> None:
    """RG315 for text outside any paragraph (``{{p x }}`` given plain text: docxtpl writes such a file)."""
    loose = cast(list[str], _LOOSE_TEXT(root))
    if loose:
        text = "".join(loose).strip()
        raise TemplateError(
            Problem(
                "RG315",
                f"模板 {name} 的 {part} 中，文字“{text[:20]}”不在段落之中："
                "{{p 变量 }} 代替整个段落，它的值须是段落（RichTextParagraph、Subdoc），不能是普通文字",
                value=text[:40],
                expected="普通文字写 {{ 变量 }}（或 {{r 变量 }}），放在段落里",
            )
        )


def _close_cells(root: etree._Element) -> bool:
    """Give every table cell the paragraph it must end with (a ``{{p }}`` or ``{%p %}`` that took its
    only paragraph, or a table left last in it), as Word does on saving; True when one was added."""
    cells = cast(list[etree._Element], _OPEN_CELLS(root))
    for cell in cells:
        etree.SubElement(cell, _PARAGRAPH)
    return bool(cells)


@functools.lru_cache(maxsize=16)
def word_environment(env: ReportEnvironment) -> ReportEnvironment:
    """``env`` for Word XML parts: no template can print ledger text as raw XML.

    The parts render with autoescaping; two things would still let text through unescaped, so both
    are closed here: ``|safe`` (and ``{% filter safe %}``) marks any string as XML — in this
    environment it is a filter that only returns the plain text, which is then escaped — and
    ``{% autoescape false %}`` turns escaping off — here ``finalize`` escapes every printed value
    that is not already ``Markup``.  Markup then only comes from the template itself (a macro, a
    ``set`` block, whose printed values were escaped) or from our code (the table placeholders)."""
    word = env.overlay(finalize=_word_text(env.finalize))
    word.filters = {**env.filters, "safe": _plain_text}
    return word


def _plain_text(value: object) -> str:
    """``|safe`` in a Word part: Markup stays (it is already XML we trust), anything else is text,
    its length charged to the render's budget before it is built (a list of references prints long)."""
    if isinstance(value, Markup):
        return value
    charge_text(value)
    return str(value)


def _word_text(finalize: Any) -> Any:
    """Every printed value escaped after ``finalize`` (which drops what XML forbids) — except docxtpl's
    paragraph (``\\a``) and page (``\\f``) breaks in text, which are kept between the escaped pieces
    for ``_after_render`` to make Word's, as docxtpl does, instead of vanishing with the rest."""

    def shown(value: object) -> Markup:
        text = finalize(value) if finalize is not None else value
        return text if isinstance(text, Markup) else escape(text)

    def escaped(value: object) -> object:
        if isinstance(value, str) and not isinstance(value, Markup) and _BREAKS.search(value):
            return Markup("").join(
                Markup(piece) if _BREAKS.fullmatch(piece) else shown(piece) for piece in _BREAKS.split(value)
            )
        return shown(value)

    return escaped


_BREAKS = re.compile(r"([\a\f])")


# libxml2's messages → Chinese (first match); the element names they quote are kept.
_XML_PROBLEMS = (
    (r"Opening and ending tag mismatch: (\S+)", "开始标签 {0} 与结束标签不成对"),
    (r"Premature end of data in tag (\S+)", "标签 {0} 没有结束"),
    (r"EndTag: '</' not found", "缺少结束标签"),
    (r"Extra content at the end of the document", "文档末尾有多余内容"),
    (r".*EntityRef", "“&”之后不是合法的字符引用（文字中的 & 应写成 &amp;）"),
    (r"StartTag: invalid element name", "标签名无效"),
    (r"(?:attributes construct error|Couldn't find end of Start Tag)", "标签的属性写法不对"),
    (r"Namespace prefix (\S+)", "名称空间前缀 {0} 未定义"),
)


def _xml_problem(message: str) -> str:
    for pattern, chinese in _XML_PROBLEMS:
        found = re.match(pattern, message)
        if found:
            return chinese.format(*found.groups())
    return "结构无效"


def compile_docx(data: bytes, name: str) -> CompiledDocx:
    """Check a .docx template's package (``package_checks``), then keep its tagged parts as Jinja
    sources."""
    return compile_members(read_package(data, name), name)


def compile_members(members: Sequence[tuple[str, bytes]], name: str) -> CompiledDocx:
    """The compiled template of members ``read_package`` checked (the tagged parts are UTF-8)."""
    sources: dict[str, str] = {}
    regrid: set[str] = set()
    whole: set[str] = set()
    compiled: list[ZipEntry | str] = []
    for member, content in members:
        text = content.decode("utf-8") if TEMPLATE_PART.match(member) else ""
        if member == CORE_PART:
            text = _properties_source(content)
            if text:
                sources[member] = text
                compiled.append(member)
                continue
        if _TAG.search(text):
            sources[member] = _before_render(text)
            compiled.append(member)
            tags = _XML_TAGS.sub("", text)
            if _CELL_TAG.search(tags):
                regrid.add(member)
            if _PARAGRAPH_TAG.search(tags):
                whole.add(member)
        else:
            compiled.append(deflate(member, content))
    return CompiledDocx(name, tuple(compiled), sources, frozenset(regrid), frozenset(whole))


# docxtpl's tags that change a row's cells (as its ``patch_xml`` matches them, in the part's text with
# the runs Word split a tag into joined): ``{%tc }``/``{{tc }}``/``{#tc }`` repeat, drop or comment out a
# cell, ``colspan`` and ``hm`` widen one.  Only parts with one pay for the grid repair's walk over tables.
_CELL_TAG = re.compile(r"\{[%{#]tc |\{%\s*(?:colspan\s|hm\s*%\})")
# docxtpl's tags that stand for a whole paragraph: its ``{{p }}`` value or its ``{%p %}`` block.
_PARAGRAPH_TAG = re.compile(r"\{[%{]p ")


def _properties_source(content: bytes) -> str:
    """docProps/core.xml as a Jinja source when a property docxtpl renders holds a tag, else ``""``.

    docxtpl renders the title, subject, author (``dc:creator``), comments (``dc:description``),
    identifier and language with the context (``DocxTemplate.render_properties``), so a template
    titled ``{{ 标题 }}`` is filed, listed and printed under each report's own title.  Those six
    elements' text goes through the tag clean-up every part does; the rest of the part is Jinja
    ``raw``, printed as it is, so a ``{{`` in the keywords stays what the author typed, as in docxtpl."""
    try:
        xml = content.decode("utf-8")
    except UnicodeDecodeError:
        return ""  # another encoding: the part is kept as it is
    pieces, end = ["{% raw %}"], 0
    for found in _PROPERTY.finditer(xml):
        if _TAG.search(found.group(2)):
            # on a line of its own: an error names the property (_template_problem)
            element = _before_render(found.group())
            pieces += [xml[end : found.start()], "{% endraw %}\n", element, "\n{% raw %}"]
            end = found.end()
    if end == 0:
        return ""
    return "".join([*pieces, xml[end:], "{% endraw %}"])


# The properties docxtpl renders (python-docx's title, subject, author, comments, identifier, language),
# by the names Word's 文件 → 信息 → 属性 shows them.
_PROPERTY = re.compile(r"<(dc:(?:title|subject|creator|description|identifier|language))>([^<]*)</\1>")
_PROPERTY_NAMES = {
    "dc:title": "标题",
    "dc:subject": "主题",
    "dc:creator": "作者",
    "dc:description": "备注",
    "dc:identifier": "标识符",
    "dc:language": "语言",
}


def _before_render(xml: str) -> str:
    """Quotes stored as references in text made characters (``_QUOTES``), one paragraph per line (so
    an error's line number names a paragraph as Word counts them, tag paragraphs included), then
    docxtpl's tag clean-up and an ``&`` inside a tag made a character (``_INSIDE_TAG``), then docxtpl's
    escaped braces (``{_{``
    prints ``{{``) as Jinja literals: replaced in the template, not in the rendered part (as docxtpl
    does), so ledger text that holds ``{_{`` is printed as typed."""
    xml = _TEXT.sub(lambda m: _QUOTE_REFERENCE.sub(lambda q: _QUOTES[q.group()], m.group()), xml)
    patched = cast(str, DocxTemplate.patch_xml(cast(Any, None), _PARAGRAPH_START.sub(r"\n<w:p\1", xml)))
    patched = _INSIDE_TAG.sub(lambda m: m.group().replace("&amp;", "&"), patched)
    return _ESCAPED_BRACES.sub(lambda m: "{{ '" + _ESCAPES[m.group()] + "' }}", patched)


# Quotes some writers (LibreOffice) store as references in text, where they mean the character:
# docxtpl reads the part with lxml, which writes text's quotes back as characters, so a tag such as
# ``{{ x|default(&quot;—&quot;) }}`` is the ``"—"`` the user typed.  Only text between elements is
# changed; an attribute's ``&quot;`` stays what it is.
_QUOTES = {"&quot;": '"', "&#34;": '"', "&#x22;": '"', "&apos;": "'", "&#39;": "'", "&#x27;": "'"}
_QUOTE_REFERENCE = re.compile("|".join(re.escape(q) for q in _QUOTES))
_TEXT = re.compile(r">[^<]*&(?:quot|apos|#34|#39|#x22|#x27);[^<]*<")

# Inside a tag an ``&`` the user typed is stored as ``&amp;``; docxtpl's clean-up makes ``&lt;``/``&gt;``
# characters there but leaves it, so ``default("a&b")`` would print ``a&amp;b`` once escaped (docxtpl,
# which does not escape, prints ``a&b``).  The span is docxtpl's own (``patch_xml``'s ``clean_tags``).
_INSIDE_TAG = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")

# docxtpl's way to write a tag's braces as text in a Word template.
_ESCAPES = {"{_{": "{{", "}_}": "}}", "{_%": "{%", "%_}": "%}"}
_ESCAPED_BRACES = re.compile("|".join(re.escape(e) for e in _ESCAPES))


def _after_render(xml: str) -> str:
    """Undo the line breaks and let ``\\n``/``\\t`` in text become breaks and tabs, as docxtpl's
    ``render_xml_part`` does — but only when some text holds one, since docxtpl's pass over every
    paragraph is most of a render's time.  (Escaped braces were restored before rendering.)"""
    return _BETWEEN_TAGS.sub("><", resolve_controls(xml))


def resolve_controls(xml: str) -> str:
    """``\\n``, ``\\t``, ``\\a`` and ``\\f`` in a part's text made Word's line break, tab, new paragraph
    and page break, by docxtpl's own pass (``resolve_listing``), when some text holds one."""
    if _CONTROL_IN_TEXT.search(xml):
        return cast(str, DocxTemplate.resolve_listing(cast(Any, None), xml))
    return xml


def _line(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    tb = exc.__traceback__
    found: int | None = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _template_problem(
    code: str, message: str, name: str, part: str, source: str, line: int | None
) -> TemplateError:
    """Name the paragraph a person can find in Word: its number in the part and its first words."""
    place = part
    value = None
    if line is not None:
        lines = source.splitlines()
        if 0 < line <= len(lines):
            text = _XML_TAGS.sub("", lines[line - 1]).strip()
            number = sum(1 for row in lines[:line] if row.startswith(("<w:p", "{")))
            place = f"{part} 第{number}段"
            value = text[:60] or None
            found = _PROPERTY.match(lines[line - 1])
            if part == CORE_PART and found:
                place = f"文档属性“{_PROPERTY_NAMES[found.group(1)]}”（{part}）"
    return TemplateError(Problem(code, message, file=Path(name), place=place, value=value))


def _excerpt(xml: str, line: int) -> str:
    lines = xml.splitlines()
    text = _XML_TAGS.sub(" ", lines[line - 1] if 0 < line <= len(lines) else xml)
    return " ".join(text.split())[:80]
