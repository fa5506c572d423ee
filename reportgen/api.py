"""The library's front door: ``load`` a ledger, ``check`` it, ``render`` it.

This module only wires the layers together (load & validate → model → compute → format → render),
so a pipeline can stop at any step and inspect what it got.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from reportgen.base.errors import Finding, LedgerError, Problem, RenderError, TemplateError
from reportgen.base.resources import builtin_templates
from reportgen.compute.checks import findings
from reportgen.compute.figures import ComputedReport, compute
from reportgen.compute.narrative_lint import lint_narrative
from reportgen.document.blocks import Document
from reportgen.document.build import build_document
from reportgen.document.traditional import convert_document
from reportgen.kinds import Kind, check_parts, find_kinds, kind_named, needs_of
from reportgen.ledger import ledger_from_data, parse_ledger
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.values import read_values
from reportgen.model import Ledger
from reportgen.render import (
    DEFAULT_OPTIONS,
    WRITERS,
    RenderOptions,
    check_formats,
    parse_formats,
)
from reportgen.render.output import DEFAULT_NAME, STALE_AFTER, remove_stale_temps, safe_name, write_atomic
from reportgen.rollup import UnitSummary, ledger_from_units, load_ledger_tree
from reportgen.rollup.summary import summarize
from reportgen.templating.quotes import quote_forms
from reportgen.templating.sandbox import ReportEnvironment, make_environment

if TYPE_CHECKING:
    from reportgen.render.docx.engine import CompiledDocx


class BinaryStream(Protocol):
    """Where ``Report.write`` puts a file: anything with ``write(bytes)`` (an open file, ``BytesIO``,
    a web framework's response body)."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True, slots=True)
class ReportChoices:
    """What a caller may choose about the report itself, whatever formats it is written in.

    Each choice decides the ``Document`` before any writer sees it (which kind pack draws it, whether
    the 一览表's charts are in it, which characters it is written in), so they live apart from
    ``RenderOptions``, which only the writers read.
    """

    kind: str | None = None  # report kind (类型 or pack id, reportgen.kinds); None: the ledger's 类型
    charts: bool | None = None  # the 一览表's charts: True/False, or None for the ledger's 图表 to decide
    script: str = "hans"  # a key of document.traditional.SCRIPTS: hans, or hant… (Traditional, OpenCC)


DEFAULT_CHOICES = ReportChoices()


class Report:
    """One ledger, computed; documents and outputs are built on first use and cached."""

    def __init__(
        self,
        ledger: Ledger,
        *,
        templates: Iterable[str | Path] = (),
        choices: ReportChoices = DEFAULT_CHOICES,
        options: RenderOptions = DEFAULT_OPTIONS,
    ) -> None:
        self.ledger = ledger
        self.choices = choices
        self.options = options
        folders = tuple(Path(t) for t in templates)
        self.kind: Kind = kind_named(
            find_kinds(folders, builtin_templates()), choices.kind or ledger.kind, file=ledger.source
        )
        check_parts(self.kind, ledger)
        self.env: ReportEnvironment = make_environment(folders, self.kind.folders)
        self.computed: ComputedReport = compute(ledger)
        self._notices: dict[str, list[Finding]] = {}  # format → what its last rendering noticed

    @property
    def name(self) -> str:
        """Base name of the outputs: the ledger file's stem, made a safe file name (``safe_name``)."""
        return safe_name(self.ledger.source.stem) if self.ledger.source is not None else DEFAULT_NAME

    def check(self) -> list[Finding]:
        """Findings (RG2xx) in ledger order; a broken narrative template raises ``TemplateError``."""
        _ = self.document
        quotes = quote_forms(self.computed.tables)
        return [*findings(self.computed), *lint_narrative(self.ledger, self.env, quotes)]

    @cached_property
    def document(self) -> Document:
        document = build_document(
            self.computed,
            self.env,
            charts=self.choices.charts,
            signature=self.kind.signature,
            body_row=self.kind.body_row,
            table_placement=self.kind.table_placement,
        )
        return convert_document(document, self.choices.script)

    def to_bytes(self, fmt: str) -> bytes:
        """One format's bytes; RG402 when ``fmt`` names none.  What the rendering noticed (for a PDF,
        the fonts it substituted: RG412) is kept for ``render_notices``."""
        check_formats([fmt])
        if fmt == "pdf":
            from reportgen.render.pdf.writer import render_pdf_noticed  # LibreOffice's side: on first PDF

            data, self._notices[fmt] = render_pdf_noticed(self.document, self.env, self.options)
            return data
        if fmt == "docx":
            from reportgen.render.docx import render_docx_noticed

            data, self._notices[fmt] = render_docx_noticed(self.document, self.env, self.options)
            return data
        return WRITERS[fmt][1](self.document, self.env, self.options)

    def write(self, fmt: str, stream: BinaryStream) -> None:
        """Write one format's bytes to ``stream`` (``to_bytes``): the whole file is made first, so a
        failed rendering writes nothing to it."""
        stream.write(self.to_bytes(fmt))

    @property
    def render_notices(self) -> list[Finding]:
        """What the outputs made so far noticed, by format in the order first made: for a .docx (and
        its PDF), a 版头, 印章 or 版记 the template has no place for (RG312); for a PDF, every font it
        printed with instead of the one the document names (RG412, a 提示 when it is the documented
        free fallback, a 警告 otherwise).  Never an error: the output was made."""
        return [finding for found in self._notices.values() for finding in found]

    def render(self, formats: str | Iterable[str] = "html", out: str | Path = "out") -> list[Path]:
        """Write ``out/<name>.<ext>`` for each format; nothing is written unless every format rendered."""
        wanted = parse_formats(formats)
        started, folder = time.time(), Path(out)
        rendered = [(fmt, self.to_bytes(fmt)) for fmt in wanted]
        paths = [folder / (self.name + WRITERS[fmt][0]) for fmt, _ in rendered]
        remove_stale_temps(folder, started - STALE_AFTER, [path.name for path in paths])
        for path, (_, data) in zip(paths, rendered, strict=True):
            write_atomic(path, data, inside=folder)
        return paths


def load(
    path: str | Path,
    *,
    templates: Iterable[str | Path] = (),
    choices: ReportChoices = DEFAULT_CHOICES,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Report:
    """Load, validate and compute the ledger at ``path``; raises ``LedgerError`` listing every problem
    (the parts its kind requires among them).  A ledger with ``汇总`` is loaded with its units, their
    figures summed into it (docs/rollup.md); each unit is loaded with its own 类型's needs."""
    ledger = load_ledger_tree(
        path, kind_needs(templates, choices), unit_needs=kind_needs(templates, DEFAULT_CHOICES)
    )
    return Report(ledger, templates=templates, choices=choices, options=options)


def loads(
    text: str | bytes,
    name: str = "<台账>",
    *,
    templates: Iterable[str | Path] = (),
    choices: ReportChoices = DEFAULT_CHOICES,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Report:
    """Like ``load`` for ledger text in memory."""
    ledger = parse_ledger(text, name, kind_needs(templates, choices))
    return Report(ledger, templates=templates, choices=choices, options=options)


def from_data(
    data: Mapping[str, object],
    name: str = "<台账>",
    *,
    units: Iterable[Report | Ledger] | None = None,
    templates: Iterable[str | Path] = (),
    choices: ReportChoices = DEFAULT_CHOICES,
    options: RenderOptions = DEFAULT_OPTIONS,
) -> Report:
    """Like ``load`` for a ledger built in Python: a mapping with a YAML ledger's keys, holding text,
    ``int``, ``Decimal``, ``datetime.date``, lists and mappings (rows also as a pandas DataFrame).
    A ``float`` is refused (RG106: pass ``Decimal`` or text), as is any other object; every problem
    names its field path (``ledger.values``).  ``name`` is the file name the outputs and messages use.

    ``units``: the reports (or ledgers) this ledger's ``汇总`` sums, made in Python too, instead of
    ledger files (``汇总: {指标: […]}`` without ``下级``): the same sums, checks and rows
    (docs/rollup.md)."""
    needs = kind_needs(templates, choices)
    if units is None:
        ledger = ledger_from_data(data, name, needs)
    else:
        summaries = [_unit_of(unit) for unit in units]
        ledger = ledger_from_units(read_values(data, name), name, needs, summaries)
    return Report(ledger, templates=templates, choices=choices, options=options)


def _unit_of(unit: Report | Ledger) -> tuple[str, UnitSummary]:
    """A unit given to ``from_data``: the name its messages show and its computed figures."""
    computed = unit.computed if isinstance(unit, Report) else compute(unit)
    ledger = computed.ledger
    shown = ledger.filler or (ledger.source.name if ledger.source is not None else "")
    return shown, summarize(computed, shown)


def kind_needs(templates: Iterable[str | Path] = (), choices: ReportChoices = DEFAULT_CHOICES) -> NeedsOf:
    """What the loader asks of a ledger drawn with these template folders and choices: the parts of
    ``choices.kind``, or of the kind its 类型 names (``kinds.needs_of``)."""
    return needs_of(find_kinds(tuple(Path(t) for t in templates), builtin_templates()), choices.kind)


def convert_ledger(source: str | Path, target: str | Path, *, force: bool = False) -> Path:
    """Convert a ledger between YAML and Excel, by the files' suffixes (.yaml/.yml, .xlsx).

    The ledger is validated completely first: with any error it raises ``LedgerError`` and writes
    nothing.  An existing ``target`` is replaced only with ``force``.
    """
    from reportgen.ledger.convert import ledger_bytes, read_ledger  # openpyxl: only when converting

    source, target = Path(source), Path(target)
    _check_target(target, force)
    data, _ = read_ledger(source, kind_needs(), tree=load_ledger_tree)  # 汇总: validated with its units
    write_atomic(target, ledger_bytes(data, target))
    return target


def new_ledger(target: str | Path, *, force: bool = False, kind: str | None = None) -> Path:
    """Write the example ledger to start from: an Excel workbook for .xlsx, YAML for .yaml/.yml.
    ``kind`` (a 类型 or a kind's id, ``reportgen kinds``) writes that kind's sample ledger instead
    (a 通报's text and table, a 公示's list …); RG117 for a kind without one."""
    from reportgen.ledger.convert import example_bytes

    target = Path(target)
    _check_target(target, force)
    if kind is None:
        write_atomic(target, example_bytes(target))
    else:
        kinds = find_kinds((), builtin_templates())
        write_atomic(target, example_bytes(target, _kind_sample(kinds, kind), needs_of(kinds, kind)))
    return target


def _kind_sample(kinds: tuple[Kind, ...], name: str) -> Path:
    """The installed sample ledger of the built-in kind ``name`` (类型 or id)."""
    from reportgen.base.resources import sample_ledger

    kind = kind_named(kinds, name)
    found = sample_ledger(kind.sample) if kind.sample else None
    if found is None:
        raise LedgerError(
            Problem(
                "RG117",
                f"报告类型“{kind.type_name}”没有示例台账",
                value=name,
                expected="已有示例的类型之一："
                + "、".join(k.type_name for k in kinds if k.sample and sample_ledger(k.sample)),
            )
        )
    return found


def _check_target(target: Path, force: bool) -> None:
    from reportgen.ledger.convert import WRITABLE

    if target.suffix.lower() not in WRITABLE:
        raise RenderError(
            Problem(
                "RG402",
                f"不支持的台账格式“{target.suffix or '（无扩展名）'}”",
                file=target,
                expected="文件名以 .xlsx（Excel 台账）或 .yaml（YAML 台账）结尾",
            )
        )
    if target.exists() and not force:
        raise RenderError(
            Problem("RG401", "文件已存在，没有覆盖", file=target, expected="换一个文件名，或加 --force 覆盖")
        )


class Template:
    """Your own docxtpl-syntax Word template, filled with your own data (docs/api.md).

    docxtpl's tags (``{{ }}``, ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``) in the compiled engine
    the reports use (``render.docx.engine``): ``source`` (a path, the file's bytes or a binary file
    object) is checked and compiled once (``compile_checked``: package limits, macros, external links,
    RG301/RG309/RG310 for the tags), so a broken template fails here, not at its thousandth render.
    Each ``render`` reads the context with the one reader of Python values (``read_values``, the
    reader behind ``from_data``: text, ``int``, ``Decimal``, dates, lists, dicts; a ``float`` RG106,
    any other object RG105 — docxtpl's ``RichText``/``InlineImage``/``Subdoc`` would write raw XML,
    which no value may; ``reportgen.RichText``, ``RichTextParagraph``, ``Picture`` and ``Subdoc`` are
    lifted out first and written by our code after the render, ``template_values``), then renders in
    the one sandbox (no arithmetic, no custom filters, no attributes beyond the allow-list, the budget
    RG306, undefined names RG302).  ``name`` is the file messages name (a path names itself; bytes
    are ``<模板>``)."""

    def __init__(self, source: str | Path | bytes | BinaryIO, *, name: str | None = None) -> None:
        from reportgen.render.docx import template_bytes  # docxtpl and lxml: only when a template is used
        from reportgen.render.docx.template_lint import compile_checked

        data, self.name = template_bytes(source, name)
        self._env = make_environment()
        self._compiled: CompiledDocx = compile_checked(data, self.name, self._env)

    def render(self, context: Mapping[str, object]) -> bytes:
        """The filled .docx: the same bytes for the same context."""
        if not isinstance(context, Mapping):
            message = f"模板数据必须是字典（名称 → 值），不能是 {type(context).__name__}"
            expected = "dict，如 {'标题': '……', '项目': [{'名称': '……'}]}"
            raise TemplateError(Problem("RG303", message, file=Path(self.name), expected=expected))
        from reportgen.render.docx.template_values import (
            check_total,
            place_values,
            put_placeholders,
            take_values,
        )

        plain, found = take_values(context)
        check_total(found, self.name)
        values = read_values(plain, self.name).data
        assert isinstance(values, dict)
        if not found:
            return self._compiled.render(self._env, values)
        put_placeholders(values, found)
        parts = self._compiled.render_parts(self._env, values)
        parts, replace, added = place_values(self._compiled, parts, [value for _, value in found], self.name)
        return self._compiled.render(self._env, values, replace, add=added, rendered=parts)

    def render_to(self, context: Mapping[str, object], stream: BinaryStream) -> None:
        """``render`` into anything with ``write(bytes)``; nothing is written when rendering fails."""
        stream.write(self.render(context))

    def __getstate__(self) -> dict[str, object]:
        """Only strings and bytes go to a worker process, which compiles the Jinja code on first use."""
        return {"name": self.name, "compiled": self._compiled}

    def __setstate__(self, state: dict[str, object]) -> None:
        name, compiled = state["name"], state["compiled"]
        assert isinstance(name, str)
        self.name, self._env = name, make_environment()
        self._compiled = compiled  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Template({self.name!r})"
