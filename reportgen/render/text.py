"""Markdown and HTML: the document through the shared Jinja environment's built-in templates.

HTML is autoescaped by the environment (the template name ends in ``.html.j2``); Markdown escapes
through the ``md`` filters.  Both templates only lay out; the numbers arrive formatted.
"""

from __future__ import annotations

from reportgen.document import Document
from reportgen.errors import Problem, TemplateError
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.templating import LimitError, ReportEnvironment, render_bounded

HEADING_TAGS = {1: "h2", 2: "h3", 3: "h4", 4: "h5"}


def _render(env: ReportEnvironment, name: str, context: dict[str, object]) -> str:
    try:
        return render_bounded(env.get_template(name), context)
    except LimitError as exc:
        raise TemplateError(Problem("RG306", str(exc), place=name)) from None


def render_markdown(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    text = _render(env, "report.md.j2", {"doc": document})
    return _tidy(text).encode("utf-8")


def render_html(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    context = {"doc": document, "heading_tags": HEADING_TAGS}
    return _render(env, "report.html.j2", context).encode("utf-8")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the template's conditionals leave behind; end with one newline."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
