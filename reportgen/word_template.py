"""``reportgen.Template``: your own docxtpl-syntax Word template, filled with your own data.

docxtpl users keep their templates and their tags (``{{ }}``, ``{%p %}``, ``{%tr %}``, ``{%tc %}``,
``{%r %}``) and get the compiled engine the reports use (``render.docx.engine``): the template is
checked and compiled once, each ``render`` is one Jinja render per tagged part and a zip write.

What a template from outside needs and docxtpl does not give, kept here as for a report's template:

- the package is as untrusted as a ledger (``package_checks``: zip limits, macros, external links),
  and the tags are linted before any data arrives (RG301 syntax, RG309 misplaced tags, RG310
  unbalanced blocks), so a broken template fails at ``Template(...)``, not at the thousandth render;
- the data is plain values, read by the one reader of Python values (``ledger.values.read_values``,
  the reader behind ``reportgen.from_data``): text, integers, ``Decimal``, dates, lists, dicts.  A
  ``float`` is refused (RG106) as everywhere in reportgen, and so is any other object (RG105) —
  docxtpl's ``RichText``, ``InlineImage``, ``Subdoc`` and ``Markup`` would write raw XML, which no
  value may; a ``Markup`` string is read as the plain text it holds, and printed escaped;
- the render runs in the one sandbox (``ReportEnvironment``): no arithmetic, no custom filters, no
  attributes beyond the allow-list, every render within the budget (RG306), undefined names RG302.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from reportgen.base.errors import Problem, Severity, TemplateError
from reportgen.ledger.values import read_values
from reportgen.render.docx import MAX_TEMPLATE_BYTES, read_docx_template
from reportgen.render.docx.engine import CompiledDocx, compile_members
from reportgen.render.docx.package_checks import read_package
from reportgen.render.docx.template_lint import lint_compiled
from reportgen.templating.sandbox import make_environment

if TYPE_CHECKING:
    from reportgen.api import BinaryStream

DEFAULT_NAME = "<模板>"  # the file named in a message when the template was given as bytes


class Template:
    """A docxtpl-syntax .docx, checked and compiled once, rendered with any number of contexts.

    ``source`` is a path, the file's bytes, or a binary file object; ``name`` is the file named in
    messages (a path names itself).  Every error is a ``reportgen.ReportError`` with a code."""

    def __init__(self, source: str | os.PathLike[str] | bytes | BinaryIO, *, name: str | None = None) -> None:
        data, self.name = _read(source, name)
        members = read_package(data, self.name)
        self._compiled = compile_members(members, self.name)
        self._env = make_environment()
        found = lint_compiled(Path(self.name), self._env, members, self._compiled, report=False)
        errors = [f.problem for f in found if f.severity is Severity.ERROR]
        if errors:
            raise TemplateError(*errors)

    def render(self, context: Mapping[str, object]) -> bytes:
        """The filled .docx: the same bytes for the same context."""
        if not isinstance(context, Mapping):
            raise TemplateError(
                Problem(
                    "RG303",
                    f"模板数据必须是字典（名称 → 值），不能是 {type(context).__name__}",
                    file=Path(self.name),
                    expected="dict，如 {'标题': '……', '项目': [{'名称': '……'}]}",
                )
            )
        values = read_values(context, self.name).data
        assert isinstance(values, dict)
        return self._compiled.render(self._env, values)

    def render_to(self, context: Mapping[str, object], stream: BinaryStream) -> None:
        """``render`` into anything with ``write(bytes)``; nothing is written when rendering fails."""
        stream.write(self.render(context))

    def __getstate__(self) -> dict[str, object]:
        """Only strings and bytes travel to a worker process; it compiles the Jinja code on first use."""
        return {"name": self.name, "compiled": self._compiled}

    def __setstate__(self, state: dict[str, object]) -> None:
        name, compiled = state["name"], state["compiled"]
        assert isinstance(name, str) and isinstance(compiled, CompiledDocx)
        self.name, self._compiled, self._env = name, compiled, make_environment()

    def __repr__(self) -> str:
        return f"Template({self.name!r})"


def _read(source: str | os.PathLike[str] | bytes | BinaryIO, name: str | None) -> tuple[bytes, str]:
    """The template's bytes, at most ``MAX_TEMPLATE_BYTES`` however given (RG305 beyond), and its name."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return read_docx_template(path), name or os.fspath(path)
    shown = name or getattr(source, "name", None) or DEFAULT_NAME
    shown = shown if isinstance(shown, str) else DEFAULT_NAME
    data = (
        bytes(source)
        if isinstance(source, bytes | bytearray | memoryview)
        else source.read(MAX_TEMPLATE_BYTES + 1)
    )
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            Problem(
                "RG305",
                f"模板超过 {MAX_TEMPLATE_BYTES // 2**20} MiB",
                file=Path(shown),
                expected="Word 保存的 .docx（带图片的信笺模板也远小于 1 MiB）",
            )
        )
    return data, shown
