"""Narrative text rendered in the sandbox, and every template failure explained in Chinese.

``render_text`` renders one ledger string (a 段落, a title), compiling only its ``{{ }}`` expressions
so that thousands of units share compiled templates; ``explain_template_error`` turns what compiling
or rendering any template raises (``TEMPLATE_FAILURES``) into a code and a message, one wording for
narrative text, Word and HTML/Markdown templates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from reportgen.base.errors import Problem, TemplateError
from reportgen.base.escape import TEMPLATE_SYNTAX, xml_text
from reportgen.templating.messages import Known, translate
from reportgen.templating.quotes import QuoteError
from reportgen.templating.sandbox import LimitError, ReportEnvironment, render_bounded
from reportgen.templating.values import FilterError

_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_NEWLINES = re.compile(r"\r\n|\r|\n")
_SEPARATOR = "\x1f"  # a control character: ``printable`` removes it from every value, so it splits safely


@functools.lru_cache(maxsize=1024)
def _compiled_text(env: ReportEnvironment, source: str) -> jinja2.Template:
    return env.from_string(source)


def _render_source(env: ReportEnvironment, source: str, context: Mapping[str, object]) -> str:
    """Render a narrative string, compiling only its ``{{ }}`` expressions.

    Every unit's title names its own county around the same ``{{ 期间.年月 }}``: compiling the
    expressions alone (joined by a separator) lets thousands of such strings share one compiled
    template, where compiling each string would cost more than rendering the whole .docx.
    Statements, comments and anything the split cannot read exactly go through Jinja whole.
    """
    if source.count("{{") != source.count("}}"):  # an unclosed tag: Jinja reports it (and the split
        return render_bounded(_compiled_text(env, source), context)  # would rescan the text per "{{")
    literals = _EXPRESSION.split(source)
    expressions = _EXPRESSION.findall(source)
    if (
        "{%" in source
        or "{#" in source
        or any("{{" in literal or "}}" in literal for literal in literals)
        or any(e.startswith("{{-") or e.endswith("-}}") for e in expressions)  # whitespace control
    ):
        return render_bounded(_compiled_text(env, source), context)
    literals = [_NEWLINES.sub(env.newline_sequence, literal) for literal in literals]  # as Jinja's lexer does
    try:
        values = render_bounded(_compiled_text(env, _SEPARATOR.join(expressions)), context).split(_SEPARATOR)
    except jinja2.TemplateSyntaxError:
        return render_bounded(_compiled_text(env, source), context)  # the error, as the whole string shows
    if len(values) != len(expressions):
        return render_bounded(_compiled_text(env, source), context)
    return "".join(literal + value for literal, value in zip(literals, [*values, ""], strict=True))


def render_text(
    env: ReportEnvironment, source: str, context: Mapping[str, object], *, file: Path | None, place: str
) -> str:
    """Render one narrative string; every failure becomes a ``TemplateError`` naming its place.

    Text without template syntax is returned as it is, and compiled templates are reused across
    reports (a batch renders the same 段落 wording for thousands of units).
    """
    if not TEMPLATE_SYNTAX.search(source):
        return xml_text(source)
    try:
        return _render_source(env, source, context)
    except TEMPLATE_FAILURES as exc:
        code, message = explain_template_error(exc, env, context)
        shown = source[:200] if code == "RG306" else source
        expected = _EXPECTED.get(code)
        if code == "RG302" and "期间" not in context:  # the ledger has none (its kind lets it go without)
            expected = "“指标”中定义过的编号；本台账没有“期间”，要引用期间请先在台账中填写“期间”"
        raise TemplateError(
            Problem(code, message, file=file, place=place, value=shown, expected=expected)
        ) from None


# What compiling or rendering a template can raise: Jinja's errors, ours (FilterError is a
# ValueError, LimitError a SecurityError), and Python's from a filter given the wrong value.
# Jinja parses and compiles recursively: some hundred nested "(", "not", filters or blocks exhaust
# Python's stack or its nesting limit (RecursionError, SyntaxError, MemoryError).
TEMPLATE_FAILURES = (
    jinja2.TemplateError,
    RecursionError,
    SyntaxError,
    MemoryError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
)
_EXPECTED = {
    "RG301": "{{ 指标编号 | 过滤器 }} 形式的引用",
    "RG302": "“指标”中定义过的编号，或 期间",
    "RG307": "{{ 表格.表格编号.行名称.列名称 }}，名称照台账“表格”中所写（合计、组名.小计 见 docs/tables.md）",
}


def explain_template_error(
    exc: BaseException, env: jinja2.Environment, names: Iterable[str] = ()
) -> tuple[str, str]:
    """The code and the Chinese message for one of ``TEMPLATE_FAILURES``: Jinja's and Python's
    English translated (``templating.messages``), with "did you mean" among ``names`` (the context:
    figure ids, 期间 …) and the environment's filters.  One place for narrative text, Word and
    HTML/Markdown templates, so they all say the same thing."""
    functions = {getattr(f, "__name__", n): n for n, f in env.filters.items()}
    known = Known(tuple(names), tuple(env.filters), functions)
    if isinstance(exc, jinja2.TemplateSyntaxError):  # TemplateAssertionError (unknown filter) too
        return "RG301", "模板语法错误：" + translate(exc.message or "", known)
    if isinstance(exc, jinja2.UndefinedError):
        return "RG302", "模板引用了未定义的名称：" + translate(exc.message or "", known)
    if isinstance(exc, LimitError):
        return "RG306", str(exc)
    if isinstance(exc, RecursionError | SyntaxError | MemoryError):
        return "RG306", "模板嵌套过深（括号、过滤器或语句层层相套），无法处理"
    if isinstance(exc, SecurityError):
        return "RG304", translate(str(exc))
    if isinstance(exc, QuoteError):
        return "RG307", str(exc)
    if isinstance(exc, FilterError):
        return "RG303", str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        return "RG303", f"找不到模板“{exc.name}”"
    return "RG303", "模板执行出错：" + translate(str(exc), known)
