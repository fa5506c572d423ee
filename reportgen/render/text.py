"""Markdown and HTML: the document through the shared Jinja environment's built-in templates.

HTML is autoescaped by the environment (the template name ends in ``.html.j2``); Markdown escapes
through the ``md`` filters.  Both templates only lay out; the numbers arrive formatted.  Charts are
images in the HTML (``figures``: PNG data URIs, the same PNG as in the .docx); Markdown names each
chart by its caption only, since a plain-text file cannot carry the picture usefully.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from reportgen.base.errors import Problem, TemplateError
from reportgen.document.blocks import SEAL_MM, Document
from reportgen.document.charts import Chart
from reportgen.render.chart_image import chart_image
from reportgen.render.options import DEFAULT_OPTIONS, RenderOptions
from reportgen.templating.narrative import TEMPLATE_FAILURES, explain_template_error
from reportgen.templating.sandbox import ReportEnvironment, render_bounded

HEADING_TAGS = {1: "h2", 2: "h3", 3: "h4", 4: "h5"}


def _render(env: ReportEnvironment, name: str, context: dict[str, object]) -> str:
    """A layout template, built in or the user's (``--templates``): its errors are coded and Chinese."""
    try:
        return render_bounded(env.get_template(name), context)
    except TEMPLATE_FAILURES as exc:
        code, message = explain_template_error(exc, env, context)
        file = getattr(exc, "filename", None)
        line = getattr(exc, "lineno", None)
        raise TemplateError(Problem(code, message, file=file, place=name, line=line)) from None


def render_markdown(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    text = _render(env, "report.md.j2", {"doc": document})
    return _tidy(text).encode("utf-8")


def render_html(
    document: Document, env: ReportEnvironment, options: RenderOptions = DEFAULT_OPTIONS
) -> bytes:
    figures = [[_figure(chart) for chart in a.charts] for a in document.attachments]
    context = {"doc": document, "heading_tags": HEADING_TAGS, "figures": figures, "seal": _seal(document)}
    return _render(env, "report.html.j2", context).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart for the HTML template: the PNG as a data URI (the page stays one file), its caption
    and the chart in words for ``alt``."""

    src: str
    width: str  # CSS: the size it is drawn for (its fonts then print at their point sizes)
    caption: str
    description: str


def _figure(chart: Chart) -> Figure:
    image = chart_image(chart)
    src = "data:image/png;base64," + base64.b64encode(image.png).decode("ascii")
    return Figure(src, f"{image.width_in}in", chart.caption, chart.description)


def _seal(document: Document) -> Figure | None:
    """The 印章 as a data URI, drawn ``SEAL_MM`` wide over the 落款 (its place is the page's CSS)."""
    if document.seal is None:
        return None
    src = "data:image/png;base64," + base64.b64encode(document.seal.png).decode("ascii")
    return Figure(src, f"{SEAL_MM}mm", "印章", "印章")


def _tidy(text: str) -> str:
    """Collapse runs of blank lines the template's conditionals leave behind; end with one newline.

    Lines are split at LF only, Markdown's line end: ``splitlines`` would also break at U+0085 and
    U+2028 inside a ledger's text and change it."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
