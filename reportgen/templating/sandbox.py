"""The one Jinja environment, ``ReportEnvironment``: the sandbox every template renders in.

Narrative text in a ledger and every output template render here.  The sandbox is immutable and
refuses arithmetic operators, so a template can only quote figures through filters — it cannot
compute a figure that the ledger does not hold.  Only the reviewed filters, tests, globals and
attributes exist, every render spends from one ``Budget`` (``LIMITS``), and includes stay inside the
template folders (``ConfinedLoader``).
"""

from __future__ import annotations

import contextvars
import enum
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.base.errors import TemplateError
from reportgen.base.escape import printable, xml_text
from reportgen.base.inputfile import read_input
from reportgen.base.resources import builtin_templates
from reportgen.templating.filters import FILTERS
from reportgen.templating.quotes import QUOTE_TYPES
from reportgen.templating.values import FigureValue, FilterError


@dataclass(frozen=True, slots=True)
class Limits:
    """What one render of one template may spend (docs/templates.md “限额”).  Every figure is per
    render: a narrative string, a Word template's part, an HTML or Markdown layout.  A template that
    exceeds one stops with RG306 naming its place; a real report uses a small fraction of each."""

    steps: int = 1_000_000  # loop iterations, calls and items filters walk through, nested loops included
    chars: int = 20_000_000  # characters built: output as it grows, and every string made on the way
    range_items: int = 10_000  # one range()
    macro_depth: int = 64  # macros (and recursive loops) calling themselves


LIMITS = Limits()
MAX_OUTPUT_CHARS = LIMITS.chars  # one rendered part; a 300-project .docx body is about 1.5 million

# The template language, as an allow-list (docs/templates.md lists it).  Jinja's own filters kept:
# pure functions of their arguments that lay text out or pick items; none computes a figure, none
# prints an address, reads the clock or chance, and each is wrapped so that what it walks and builds
# counts against the render's budget.  Not offered (RG301): arithmetic and binary floats (``sum``
# ``round`` ``abs`` ``int`` ``float``), text of any length from a number (``center`` ``indent``
# ``wordwrap`` ``format`` ``replace``), reprs and foreign formats (``pprint`` ``tojson`` ``attr``
# ``filesizeformat`` ``urlize`` ``urlencode`` ``xmlattr``), raw markup (``safe`` ``forceescape``: a
# ledger's text would go into Word XML or HTML unescaped), chance (``random``), and every filter a
# later Jinja adds until it is reviewed here.
JINJA_FILTERS = frozenset(
    {
        "batch", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "groupby",
        "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "reverse", "select", "selectattr", "slice", "sort", "string", "striptags", "title", "trim",
        "truncate", "unique", "upper", "wordcount",
    }
)  # fmt: skip
# Jinja's tests kept; ``sameas`` (object identity, which interning decides) is not.
JINJA_TESTS = frozenset(
    {
        "!=", "<", "<=", "==", ">", ">=", "boolean", "callable", "defined", "divisibleby", "eq", "equalto",
        "escaped", "even", "false", "filter", "float", "ge", "greaterthan", "gt", "in", "integer",
        "iterable", "le", "lessthan", "lower", "lt", "mapping", "ne", "none", "number", "odd", "sequence",
        "string", "test", "true", "undefined", "upper",
    }
)  # fmt: skip
# Globals: ``range`` (bounded) and ``dict``; not ``lipsum`` (text of any length), ``namespace``
# (mutable state), ``cycler``/``joiner`` (objects whose text is their address).
GLOBALS = ("range", "dict")
# Attributes a template may read.  Text: methods that return text no longer than 3× the string (no
# ``ljust`` ``center`` ``zfill`` ``replace`` ``format`` ``encode`` …).  Mappings: their items.
# reportgen's own values (document, blocks, tables, 期间 …): their public data and properties, and
# the methods below; a figure only its 名称 (its value is printed through the number filters); the
# declared tables' quotes (表格.资金使用.城关镇.资金使用率) none: each name there is an item.
# Numbers, dates and everything else: nothing (``.scaleb`` ``.quantize`` ``.to_bytes`` compute).
STR_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith"}
)
MAPPING_METHODS = frozenset({"items", "keys", "values", "get"})
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0",
     "previtem", "nextitem", "changed", "cycle"}
)  # fmt: skip
DOCUMENTED_METHODS = frozenset({"header_rows", "flat_labels"})  # TableSpec, docs/templates.md
FIGURE_ATTRIBUTES = frozenset({"名称"})


class Budget:
    """What one render has spent so far (``LIMITS``); one per ``render_bounded``, in a context variable."""

    __slots__ = ("chars", "depth", "steps")

    def __init__(self) -> None:
        self.steps = 0
        self.chars = 0
        self.depth = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > LIMITS.steps:
            raise LimitError(f"模板循环或调用超过 {LIMITS.steps} 步，已停止")

    def text(self, count: int) -> None:
        self.chars += count
        if self.chars > LIMITS.chars:
            raise LimitError(f"模板输出或生成的文字超过 {LIMITS.chars} 个字符，已停止")


_budget: contextvars.ContextVar[Budget] = contextvars.ContextVar("reportgen_template_budget")


def current_budget() -> Budget:
    """The render's budget; a lone call outside a render (Jinja folding a constant expression while
    compiling, ``'x'|batch(…)``) gets a budget of its own, so it is bounded too."""
    return _budget.get(None) or Budget()


def walk(iterable: Any) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: each item counts one step."""
    budget = current_budget()
    for item in iterable:
        budget.step()
        yield item


_SCALAR_TEXT = 64  # at most what a scalar a template can reach prints as (a Decimal, a figure, a date)


def text_size(value: object, budget: Budget) -> int:
    """The length ``str(value)`` will have, found without building it: a list printed holds its
    items' text (a list of 10 000 references to one long string is short, its text is not)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset):
        budget.step(len(value))
        return 2 + sum(text_size(item, budget) + 2 for item in value)
    if isinstance(value, Mapping):
        budget.step(len(value))
        return 2 + sum(text_size(k, budget) + text_size(v, budget) + 4 for k, v in value.items())
    return _SCALAR_TEXT  # a figure, number, date: short, and not formatted twice to find out


def charge_text(value: object) -> None:
    """Count what printing ``value`` builds, before it is built."""
    budget = current_budget()
    budget.text(text_size(value, budget))


def joined(parts: Iterable[str]) -> str:
    """``environment.concat``: a macro's, block's or ``{% set %}``'s output, checked before joining."""
    pieces = list(parts)
    current_budget().text(sum(map(len, pieces)))
    return "".join(pieces)


def scan_cost(value: object, budget: Budget) -> None:
    """Reading ``value`` once: one step per item, per 100 characters of a string (``x in big``,
    ``a == b`` on long strings, ``big|wordcount`` — each cheap once, not a million times in a loop)."""
    if isinstance(value, str):
        budget.step(len(value) // 100 + 1)
    elif isinstance(value, Sized):
        budget.step(len(value) + 1)


def compare_cost(operator: str, left: object, right: object, budget: Budget) -> None:
    """What one comparison reads: the container of ``in``; the left side of ``==``/``<`` … between
    two strings or two sequences (Python compares them item by item)."""
    if operator in ("in", "notin"):
        scan_cost(right, budget)
    elif isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
        scan_cost(left, budget)


def bounded_test(name: str, test: Callable[..., Any]) -> Callable[..., Any]:
    """A Jinja test that compares (``is in``, ``is eq`` …), at the cost ``compare_cost`` says."""

    @functools.wraps(test)
    def apply(value: object, *args: Any) -> Any:
        if args:
            compare_cost("in" if name == "in" else "eq", value, args[0], current_budget())
        return test(value, *args)

    return apply


def _walks(value: object, budget: Budget) -> None:
    """A filter that walks its input: one step per item (a string's items are its characters)."""
    if isinstance(value, Sized):
        budget.step(len(value))


# Filters that walk their input item by item; the others are O(1) or work on one string.
_WALKING = frozenset(
    {"batch", "slice", "join", "list", "map", "select", "reject", "selectattr", "rejectattr", "sort",
     "unique", "groupby", "dictsort", "items", "max", "min", "reverse", "wordcount"}
)  # fmt: skip


def bounded_filter(name: str, jinja_filter: Callable[..., Any]) -> Callable[..., Any]:
    """One of Jinja's filters, charged to the render's budget: the items it walks, the count it is
    asked to build from a number (``batch(10**9, x)``, ``slice(10**9)``) before building, the text
    a ``join`` will make before making it, and any text it returns; lazy results count as they are read."""
    passes = jinja2.utils._PassArg.from_obj(jinja_filter) is not None

    @functools.wraps(jinja_filter)
    def apply(*args: Any, **kwargs: Any) -> Any:
        budget = current_budget()
        value = args[1] if passes else args[0]
        rest = list(args[2:] if passes else args[1:])
        if isinstance(value, str):
            scan_cost(value, budget)  # every filter reads its text at least once
        if name in _WALKING:
            _walks(value, budget)
        if name == "string" and not isinstance(value, str):
            charge_text(value)  # a list's text holds its items' text: counted before it is built
        if name in ("batch", "slice"):
            count = rest[0] if rest else kwargs.get("linecount", kwargs.get("slices", 0))
            filling = len(rest) > 1 or "fill_with" in kwargs
            if isinstance(count, int) and (name == "slice" or filling):
                budget.step(max(count, 0))
        if name == "join":
            items = list(walk(value))
            separator = rest[0] if rest else kwargs.get("d", "")
            sizes = sum(text_size(item, budget) for item in items)
            budget.text(sizes + len(str(separator)) * max(len(items) - 1, 0))
            args = (*args[:1], items, *args[2:]) if passes else (items, *args[1:])
        result = jinja_filter(*args, **kwargs)
        if isinstance(result, str):
            budget.text(len(result))
        elif isinstance(result, Iterator):
            result = walk(result)
        return result

    return apply


def bounded_range(*args: int) -> Iterator[int]:
    """``range`` for templates: at most ``LIMITS.range_items`` items, each one step of the budget."""
    numbers = range(*args)
    if len(numbers) > LIMITS.range_items:
        raise LimitError(f"range() 最多 {LIMITS.range_items} 项，模板请求了 {len(numbers)} 项")
    return walk(numbers)


class Unprintable:
    """A function or method a template reached (``range``, ``低保金.goal``, ``'x'.upper``): it can be
    called, never printed.  Python's text for it holds a memory address (``<bound method … at
    0x7f…>``), different in every run, so ``{{ }}``, ``~``, ``string`` and ``join`` refuse it."""

    __slots__ = ("target",)

    def __init__(self, target: Callable[..., object]) -> None:
        self.target = target

    def __str__(self) -> str:
        raise FilterError("模板只能输出文字和台账中的指标，不能输出函数或方法（调用时请加括号，如 x.y()）")

    __repr__ = __str__


def unprintable(value: Any) -> Any:
    """``value``, or an ``Unprintable`` wrapping it when it is a function or method (not a figure,
    a macro or an undefined name, which print or fail as before)."""
    if callable(value) and not isinstance(value, jinja2.Undefined | jinja2.runtime.Macro | type):
        return Unprintable(value)
    return value


def _finalize(value: object) -> object:
    """Every ``{{ }}``: an object whose only text is its memory address is refused; its text is
    counted before it is built; then ``printable``."""
    if type(value) is str:  # most of what prints: plain text (``printable``'s case, without its tests)
        return xml_text(value)
    kind = type(value)
    if isinstance(value, Unprintable | type) or (
        kind.__str__ is object.__str__ and kind.__repr__ is object.__repr__
    ):
        raise FilterError("模板只能输出文字和台账中的指标，不能输出程序内部的对象")
    if isinstance(value, list | tuple | set | frozenset | Mapping):
        charge_text(value)  # a container prints its items' text; the output itself counts as it grows
    return printable(value)


class LimitError(SecurityError):
    """A template asked for more than a report can need (``LIMITS``): RG306."""


def render_bounded(template: jinja2.Template, context: Mapping[str, object]) -> str:
    """``template.render`` with one ``Budget``: output counted as it grows, and everything the
    sandbox counts on the way.  Deep nesting that Python's own recursion limit stops is a LimitError too."""
    chunks: list[str] = []
    budget = Budget()
    token = _budget.set(budget)
    try:
        for chunk in template.generate(context):
            budget.text(len(chunk))
            chunks.append(chunk)
    except RecursionError:
        raise LimitError("模板嵌套过深或宏调用自身，已停止") from None
    finally:
        _budget.reset(token)
    return "".join(chunks)


class BudgetedCode(CodeGenerator):
    """Jinja's code generator with two changes: every ``{% for %}`` walks its iterable through
    ``environment.walk`` (so loops over lists, strings and mappings count, not only ``range``), and
    ``~`` checks the length of what it joins before joining.  Everything else compiles as Jinja
    compiles it; output buffers go through ``environment.concat`` (``joined``)."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        for loop in node.find_all(nodes.For):
            walked = nodes.Call(nodes.EnvironmentAttribute("walk"), [loop.iter], [], None, None)
            loop.iter = walked.set_lineno(loop.iter.lineno or 1).set_environment(self.environment)
        super().visit_Template(node, frame)

    @optimizeconst
    def visit_Compare(self, node: nodes.Compare, frame: Frame) -> None:
        """Comparisons read their operands (``x in big``, ``a == b`` of long strings): every chain
        goes through ``environment.compare``, which charges what it reads."""
        self.write("environment.compare(")
        self.visit(node.expr, frame)
        self.write(", (")
        for op in node.ops:
            self.write(f"({op.op!r}, ")
            self.visit(op.expr, frame)
            self.write("), ")
        self.write("))")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.join_checked({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


@functools.lru_cache(maxsize=4096)
def _allowed_attribute(kind: type, attr: str, is_method: bool) -> bool:
    """The attribute allow-list (see ``STR_METHODS``), decided once per type and name."""
    if issubclass(kind, str):
        return attr in STR_METHODS
    if issubclass(kind, Mapping):
        return attr in MAPPING_METHODS
    if issubclass(kind, jinja2.runtime.LoopContext):
        return attr in LOOP_ATTRIBUTES
    if issubclass(kind, FigureValue):
        return attr in FIGURE_ATTRIBUTES
    if issubclass(kind, QUOTE_TYPES):
        return False  # 表格.编号.行.列: names are looked up as items, never Python attributes
    if issubclass(kind, enum.Enum):
        return attr in ("name", "value")
    if kind.__module__.startswith("reportgen.") and not attr.startswith("_"):
        return not is_method or attr in DOCUMENTED_METHODS
    return False


# Autoescaping by template name: an HTML layout (report.html.j2) escapes what it prints; a Markdown layout
# escapes through the ``md`` filters, a Word part is compiled escaped (``render.docx.engine``), and a
# narrative string (``from_string``) is text.
AUTOESCAPE = jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "htm"), default_for_string=False)
MAX_TEMPLATE_BYTES = 4 * 1024 * 1024  # one template file; the built-in ones are a few KiB
# What a template may include or extend: templates and the style sheet the HTML one inlines, never
# a kind.yaml, a .docx, Python or anything else that happens to lie in a template folder.
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".css", ".html", ".htm", ".md", ".txt")


class ConfinedLoader(jinja2.FileSystemLoader):
    """A ``FileSystemLoader`` whose templates stay inside its folders.

    Jinja already refuses ``..`` in a name, but it follows symbolic links wherever they lead and
    opens whatever it finds: a link in a template folder could have ``{% include %}`` print any
    file, and a FIFO would block the render.  Here the name is resolved with its links, must lie in
    the folder it was found in, end in one of ``TEMPLATE_SUFFIXES``, and is read by ``read_input``
    (a regular file, of bounded size).
    A refusal is a ``SecurityError``, which the caller reports as RG304 at the text's place.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if not template.lower().endswith(TEMPLATE_SUFFIXES):
            raise SecurityError(
                f"“{template}”不是模板文件，不能包含（只能是 {'、'.join(TEMPLATE_SUFFIXES)} 文件）"
            )
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = os.path.join(folder, *pieces)
            if not os.path.lexists(candidate):
                continue
            root, real = os.path.realpath(folder), os.path.realpath(candidate)
            if os.path.commonpath([root, real]) != root:
                raise SecurityError(f"模板“{template}”经符号链接指向模板目录之外，不能读取")
            try:
                raw = read_input(real, limit=MAX_TEMPLATE_BYTES, error=TemplateError, code="RG304")
            except TemplateError as error:
                raise SecurityError(f"模板“{template}”{error.problems[0].message}") from None
            mtime = os.path.getmtime(real)

            def uptodate(real: str = real, mtime: float = mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return raw.decode(self.encoding), os.path.normpath(candidate), uptodate
        raise jinja2.TemplateNotFound(template)


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """The template language of docs/templates.md and nothing else, however the environment is built.

    Sandboxed and immutable; arithmetic operators are refused (numbers come from the ledger); only
    the allow-listed filters, tests, globals and attributes exist; and every render spends from one
    ``Budget`` (``LIMITS``): loop steps, calls, macro depth, and the text it builds, counted before
    the text is built.  Undefined names fail (``StrictUndefined``), every ``{{ }}`` goes through
    ``_finalize``, HTML templates are autoescaped (``AUTOESCAPE``), and templates are read only from
    the environment's ``folders``, through ``ConfinedLoader``."""

    code_generator_class = BudgetedCode
    concat = staticmethod(joined)
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        """``folders``: where templates are looked up before the built-in ``templates/``, in order (a
        report kind's pack folders, then the user's ``--templates``).  Nothing else can be chosen: the
        whole policy is fixed here, so an environment built directly is the one ``make_environment``
        builds."""
        self._folders: tuple[Path, ...] = (*folders, builtin_templates())
        super().__init__(
            loader=ConfinedLoader(self._folders),
            undefined=jinja2.StrictUndefined,
            finalize=_finalize,
            autoescape=AUTOESCAPE,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        builtin = self.filters
        self.filters = {name: bounded_filter(name, builtin[name]) for name in sorted(JINJA_FILTERS)}
        self.filters.update(FILTERS)
        self.tests = {
            name: bounded_test(name, cast(Callable[..., Any], test))
            for name, test in self.tests.items()
            if name in JINJA_TESTS
        }
        self.globals = {"range": Unprintable(bounded_range), "dict": Unprintable(dict)}

    @property
    def folders(self) -> tuple[Path, ...]:
        """The whole search path, in order, the built-in folder last: what the loader reads, and the
        value the writer of a non-Jinja template (the .docx writer's report.docx) looks it up in."""
        return self._folders

    walk = staticmethod(walk)

    @staticmethod
    def compare(left: Any, chain: tuple[tuple[str, Any], ...]) -> bool:
        """A comparison chain, each comparison charged as ``compare_cost`` says, so ``x in long_list``
        or ``a == b`` of long strings in a loop is bounded."""
        budget = current_budget()
        for operator, right in chain:
            compare_cost(operator, left, right, budget)
            if not nodes._cmpop_to_func[operator](left, right):
                return False
            left = right
        return True

    @staticmethod
    def join_checked(join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b``: refused before joining when the result would exceed the budget."""
        charge_text(list(parts))
        return join(parts)

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format``/``format_map`` (Jinja would offer a sandboxed one before asking
        ``is_safe_attribute``): ``'{:>1000000000}'.format(1)`` builds a gigabyte; ``|format`` is gone too."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        kind: type = type(obj)
        return bool(super().is_safe_attribute(obj, attr, value)) and _allowed_attribute(
            kind, attr, callable(value)
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        return unprintable(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return unprintable(super().getitem(obj, argument))

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Calls what ``getattr`` wrapped (the sandbox checks the real function), one step each;
        macros, blocks (``self.b()``) and recursive loops (``loop(children)``) nest at most
        ``LIMITS.macro_depth`` deep, and a recursive loop's new items count as any loop's do."""
        budget = current_budget()
        budget.step()
        target = obj.target if isinstance(obj, Unprintable) else obj
        nests = isinstance(
            target, jinja2.runtime.Macro | jinja2.runtime.LoopContext | jinja2.runtime.BlockReference
        )
        bound_to = getattr(target, "__self__", None)
        if isinstance(bound_to, str):
            scan_cost(bound_to, budget)  # 'text'.upper(): reads the text
        if isinstance(target, jinja2.runtime.LoopContext) and args:
            args = (walk(args[0]), *args[1:])
        if not nests:
            result = super().call(context, target, *args, **kwargs)
            if isinstance(result, str):
                budget.text(len(result))
            return result
        budget.depth += 1
        try:
            if budget.depth > LIMITS.macro_depth:
                raise LimitError(f"宏、块或递归循环嵌套超过 {LIMITS.macro_depth} 层，已停止")
            return super().call(context, target, *args, **kwargs)
        finally:
            budget.depth -= 1

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        raise SecurityError(f"模板中不能做算术（{operator}）：数字须来自台账，合计与比例由程序计算")

    def call_unop(self, context: jinja2.runtime.Context, operator: str, arg: Any) -> Any:
        raise SecurityError(f"模板中不能做算术（{operator}）")


@functools.lru_cache(maxsize=16)
def make_environment(
    template_dirs: tuple[Path, ...] = (), kind_folders: tuple[Path, ...] = ()
) -> ReportEnvironment:
    """The environment for one run: the report kind's pack folders first (``reportgen.kinds``),
    then the user's template folders, then the built-in ``templates/``.  The sandbox policy lives in
    ``ReportEnvironment`` itself; this only chooses the folders.

    Cached per folder list: every report of a batch shares one environment, so templates (and the
    compiled .docx parts keyed by it) are compiled once, not once per unit.
    """
    return ReportEnvironment((*kind_folders, *template_dirs))
