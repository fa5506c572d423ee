"""Lint a Word template before it is used: every problem with a place a person can find in Word.

A template is edited in Word by many people; Word splits a tag over runs when one character's
format changes, a ``{%p if %}`` loses its ``{%p endif %}`` in a copy-paste, a variable is misspelt.
Rendering would stop at the first such error; the lint reads the whole template and reports all of
them, each at its paragraph (number and first words) or table cell, with a code:

- RG308 (notice) a tag split across runs — repaired on compile, reported so the template can be tidied;
- RG309 (error) an unknown ``{% %}`` tag, or a ``{%p``/``{%tr``/``{%tc`` tag where it cannot work;
- RG310 (error) unbalanced block tags (``for``/``if``/… without their ``end``, or the reverse);
- RG301 (error) Jinja syntax errors; RG302 (error) names the template context does not provide;
- RG207 (warning) digits typed into the template's own text — figures belong in the ledger.

With a report (``--ledger``), the template is also rendered once with its document, so errors that
depend on the data (a filter on the wrong unit) are found too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from lxml import etree

from reportgen.base.errors import Finding, Problem, ReportError, Severity, TemplateError
from reportgen.document.blocks import Document
from reportgen.render.docx.engine import CompiledDocx, compile_members
from reportgen.render.docx.package_checks import read_package
from reportgen.render.docx.wordml import W_NS
from reportgen.templating.sandbox import ReportEnvironment

W = f"{{{W_NS}}}"
_TAG = re.compile(r"\{%-?\s*(p|tr|tc|r)?\s*(\w*)(.*?)-?%\}|\{\{(p|r)?\s.*?\}\}|\{#.*?#\}", re.DOTALL)
_DIGITS = re.compile(r"[0-9０-９]+")
_EXPRESSIONS = re.compile(r"\{\{-?\s*(?:p\s|r\s)?(.*?)-?\}\}", re.DOTALL)
_FOR_TARGETS = re.compile(r"\{%-?\s*(?:p|tr|tc|r)?\s*for\s+([\w\s,]+?)\s+in\s")
_BINDINGS = re.compile(r"\{%-?\s*(?:p|tr|tc|r)?\s*set\s+(\w+)")
OPENERS = {"for", "if", "with", "macro", "call", "filter", "raw", "autoescape", "block"}
MIDDLES = {"elif": {"if"}, "else": {"if", "for"}}
SIMPLE = {"set", "include", "import", "from", "extends", "do"}
DOCXTPL_CELL_TAGS = {"colspan", "cellbg", "vm", "hm"}
CONTEXT_NAMES = {"document", "tables", "body_tables", "banner", "colophon", "seal"}


@dataclass(frozen=True, slots=True)
class _Paragraph:
    place: str
    runs: tuple[str, ...]  # the text of each w:t, in order
    in_cell: bool

    @property
    def text(self) -> str:
        return "".join(self.runs)


def lint_template(path: Path, env: ReportEnvironment, document: Document | None = None) -> list[Finding]:
    """Every finding for the .docx template at ``path``; ``document`` also renders it once."""
    from reportgen.render.docx import read_docx_template  # the package imports this module

    data = read_docx_template(path)
    try:
        members = read_package(data, str(path))
        compiled = compile_members(members, str(path))
    except ReportError as error:
        return [Finding(p, Severity.ERROR) for p in error.problems]
    found = lint_compiled(path, env, members, compiled, report=True)
    if document is not None and not any(f.severity is Severity.ERROR for f in found):
        from reportgen.render.docx import missing_parts, render_with  # the writer, as a report renders

        try:
            render_with(compiled, document, env)
        except ReportError as error:
            found += [Finding(p, Severity.ERROR) for p in error.problems]
        found += missing_parts(compiled, document, path)
    return found


def compile_checked(data: bytes, name: str, env: ReportEnvironment) -> CompiledDocx:
    """A user's own template (``reportgen.Template``) compiled once and linted before any data
    arrives: its package checked (``read_package``), every tagged part compiled in ``env`` (RG301),
    and every lint error (RG309, RG310) raised together as one ``TemplateError``, so a broken
    template fails when it is loaded, not at its thousandth render."""
    members = read_package(data, name)
    compiled = compile_members(members, name)
    found = lint_compiled(Path(name), env, members, compiled, report=False)
    errors = [finding.problem for finding in found if finding.severity is Severity.ERROR]
    if errors:
        raise TemplateError(*errors)
    return compiled


def lint_compiled(
    path: Path,
    env: ReportEnvironment,
    members: Sequence[tuple[str, bytes]],
    compiled: CompiledDocx,
    *,
    report: bool,
) -> list[Finding]:
    """The findings of a compiled template's tagged parts, part by part: Jinja syntax, split tags,
    misplaced and unbalanced tags.  A report's template (``report``) is also checked for what only a
    report's data makes wrong — digits typed in the text, names its context lacks; a user's own
    template with their own data (``reportgen.Template``) has its own names and its own figures."""
    found: list[Finding] = []
    parts = dict(members)
    for part in sorted(compiled.sources):
        try:
            compiled.template(env, part)
        except ReportError as error:
            found += [Finding(p, Severity.ERROR) for p in error.problems]
        paragraphs = list(_paragraphs(parts[part], part))
        found += _split_tags(path, paragraphs)
        found += _tags_and_blocks(path, paragraphs)
        if report:
            found += _digits(path, paragraphs)
            found += _names(path, env, compiled.sources[part], part)
    return found


def _paragraphs(xml: bytes, part: str) -> list[_Paragraph]:
    """Paragraphs in reading order, placed as Word shows them: 第N段 in the body, 表T第R行第C列 in tables."""
    root = etree.fromstring(xml)
    body = root.find(f"{W}body")
    container = body if body is not None else root
    label = "" if part == "word/document.xml" else part.removeprefix("word/").removesuffix(".xml") + " "
    out: list[_Paragraph] = []
    number = tables = 0
    for child in container:
        if child.tag == f"{W}p":
            number += 1
            out.append(_paragraph(child, f"{label}第{number}段", in_cell=False))
        elif child.tag == f"{W}tbl":
            tables += 1
            for r, row in enumerate(child.iter(f"{W}tr"), start=1):
                for c, cell in enumerate(row.findall(f"{W}tc"), start=1):
                    for paragraph in cell.iter(f"{W}p"):
                        out.append(_paragraph(paragraph, f"{label}表{tables}第{r}行第{c}列", in_cell=True))
    return out


def _paragraph(element: etree._Element, place: str, *, in_cell: bool) -> _Paragraph:
    runs = tuple(t.text or "" for t in element.iter(f"{W}t"))
    text = "".join(runs).strip()
    words = f"“{text[:16]}{'…' if len(text) > 16 else ''}”" if text else ""
    return _Paragraph(f"{place}{words}", runs, in_cell)


def _finding(
    path: Path, code: str, severity: Severity, message: str, paragraph: _Paragraph, value: str
) -> Finding:
    return Finding(Problem(code, message, file=path, place=paragraph.place, value=value), severity)


def _split_tags(path: Path, paragraphs: list[_Paragraph]) -> list[Finding]:
    found = []
    for paragraph in paragraphs:
        bounds, offset = [], 0
        for run in paragraph.runs:
            offset += len(run)
            bounds.append(offset)
        for match in _TAG.finditer(paragraph.text):
            if any(match.start() < bound < match.end() for bound in bounds):
                message = "标签跨越了几段不同格式的文字（Word 修改格式或拼写检查所致），编译时已自动合并"
                found.append(_finding(path, "RG308", Severity.NOTICE, message, paragraph, match.group()))
    return found


def _tags_and_blocks(path: Path, paragraphs: list[_Paragraph]) -> list[Finding]:
    found: list[Finding] = []
    stack: list[tuple[str, _Paragraph, str]] = []
    for paragraph in paragraphs:
        for match in _TAG.finditer(paragraph.text):
            prefix, keyword, tag = match.group(1), match.group(2), match.group()
            if not tag.startswith("{%"):
                continue
            if prefix in ("tr", "tc") and not paragraph.in_cell:
                message = f"“{{%{prefix}”标签只能写在表格单元格里（按行/列重复）"
                found.append(_finding(path, "RG309", Severity.ERROR, message, paragraph, tag))
            if prefix == "p" and paragraph.text.strip() != tag.strip():
                message = "“{%p”标签须独占一段：它会替换整个段落，同段的其他文字会丢失"
                found.append(_finding(path, "RG309", Severity.ERROR, message, paragraph, tag))
            if keyword in OPENERS:
                stack.append((keyword, paragraph, tag))
            elif keyword in MIDDLES:
                if not stack or stack[-1][0] not in MIDDLES[keyword]:
                    message = f"“{keyword}”前没有对应的 {'/'.join(sorted(MIDDLES[keyword]))}"
                    found.append(_finding(path, "RG310", Severity.ERROR, message, paragraph, tag))
            elif keyword.startswith("end") and keyword[3:] in OPENERS:
                if stack and stack[-1][0] == keyword[3:]:
                    stack.pop()
                else:
                    opened = f"，最近打开的是“{stack[-1][0]}”（{stack[-1][1].place}）" if stack else ""
                    message = f"“{keyword}”没有对应的“{keyword[3:]}”{opened}"
                    found.append(_finding(path, "RG310", Severity.ERROR, message, paragraph, tag))
            elif keyword in DOCXTPL_CELL_TAGS:
                if not paragraph.in_cell:
                    message = f"docxtpl 的“{keyword}”只能用在表格单元格里"
                    found.append(_finding(path, "RG309", Severity.ERROR, message, paragraph, tag))
            elif keyword not in SIMPLE:
                message = f"未知的标签“{keyword or tag}”"
                found.append(_finding(path, "RG309", Severity.ERROR, message, paragraph, tag))
    for keyword, paragraph, tag in stack:
        message = f"“{keyword}”没有对应的“end{keyword}”"
        found.append(_finding(path, "RG310", Severity.ERROR, message, paragraph, tag))
    return found


def _digits(path: Path, paragraphs: list[_Paragraph]) -> list[Finding]:
    found = []
    for paragraph in paragraphs:
        literal = _TAG.sub("", paragraph.text)
        numbers = _DIGITS.findall(literal)
        if numbers and not paragraph.in_cell:
            message = f"模板文字中直接写入了数字 {'、'.join(numbers[:5])}：数字应登记在台账中，模板引用"
            found.append(_finding(path, "RG207", Severity.WARNING, message, paragraph, literal.strip()[:40]))
    return found


def _names(path: Path, env: ReportEnvironment, source: str, part: str) -> list[Finding]:
    """Names the context lacks, and ``document.<field>`` that ``Document`` does not have.

    Each ``{{ }}`` is parsed on its own, so one broken tag elsewhere does not hide these; names a
    ``for`` or ``set`` tag binds count as known.
    """
    bound = set(_BINDINGS.findall(source)) | {"loop"}
    for group in _FOR_TARGETS.findall(source):
        bound.update(name.strip() for name in group.split(","))
    known = {f.name for f in fields(Document)} | {"full"}
    unknown: dict[str, str] = {}
    for expression in _EXPRESSIONS.findall(source):
        try:
            tree = env.parse("{{ " + expression + " }}")
            # an unknown filter (or ``|safe``, which only a Word part's environment has) fails here
            undeclared = meta.find_undeclared_variables(tree)
        except jinja2.TemplateSyntaxError:
            continue  # compiling the template reports it, at its paragraph
        for name in undeclared - CONTEXT_NAMES - set(env.globals) - bound:
            unknown.setdefault(
                name,
                f"模板引用了“{name}”，但模板只能得到 document、tables、body_tables、banner、colophon 和 seal",
            )
        for node in tree.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name == "document" and node.attr not in known:
                fields_list = "、".join(sorted(known - {"full"}))
                unknown.setdefault(node.attr, f"document 没有“{node.attr}”（可用：{fields_list}）")
    return [
        Finding(Problem("RG302", message, file=path, place=part, value=name), Severity.ERROR)
        for name, message in sorted(unknown.items())
    ]
