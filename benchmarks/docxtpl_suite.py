"""docxtpl's own test suite as a compatibility yardstick for ``reportgen.Template`` (issue 18 part 4).

Not a unit test: docxtpl's scripts and templates are not ours to ship, so they are read from a checkout
given on the command line (or extracted from a bare mirror into a temporary folder) and never copied
into this repository.  Each script of docxtpl's ``tests/`` folder runs as docxtpl wrote it, with
``DocxTemplate.render`` watched: every render's template, context and docxtpl's result are recorded.
The same template is then rendered by ``reportgen.Template`` with the context a reportgen user would
pass — the script's own when it is plain values, or the per-script adapter's (``ADAPTERS``: RichText
reduced to its text, JSON floats read as ``Decimal``, ``InlineImage`` as ``reportgen.Picture``), or,
when no plain form exists, the original context, whose refusal is then expected with the code named
in the table.

Results, per render: **identical** (the text of python-docx's paragraphs, tables — nested cells too —
headers and footers, the document properties docxtpl renders, and each part's pictures' sizes are
equal), **different** (the first differing line is shown), **refused** (a coded ``ReportError``; *by
design* when the code is the one the adapter table expects, e.g. RG105 for a docxtpl object, RG106
for a float, RG301 for a custom filter), or **crashed** (anything else from our side: a bug).  A
table whose grid (``w:tblGrid``) has another number of columns than docxtpl's repaired one is noted,
since text alone cannot show a column that disappears.

    python benchmarks/docxtpl_suite.py /path/to/python-docx-template
    python benchmarks/docxtpl_suite.py --mirror /work/.mirror/elapouya+python-docx-template/repo
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

SKIPPED = {"runtests.py", "__init__.py"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Render:
    """One ``DocxTemplate.render`` call seen while a script ran."""

    template: str
    context: dict[str, Any]
    result: bytes | None
    error: str | None = None


@dataclass
class Adapter:
    """How a script's context becomes plain values, or why it cannot.

    ``plain`` maps docxtpl's context to the one a reportgen user passes (``None``: it already is plain);
    ``refused`` names the code expected when no plain form exists and the reason it is by design."""

    plain: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    refused: tuple[str, str] | None = None
    note: str = ""


def _mapped(context: dict[str, Any], leaf: Callable[[Any], Any]) -> dict[str, Any]:
    """``context`` with every value below it (dicts and lists, any depth) given to ``leaf``, which
    returns its replacement or ``_KEEP``: the one walk each adapter below shares."""

    def walk(value: Any) -> Any:
        replaced = leaf(value)
        if replaced is not _KEEP:
            return replaced
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {k: walk(v) for k, v in context.items()}


_KEEP = object()  # ``_mapped``'s leaf: not mine, walk on


def _decimals(context: dict[str, Any]) -> dict[str, Any]:
    """A float as the Decimal of its shortest repr: what reportgen asks for instead of a float."""
    return _mapped(context, lambda value: Decimal(repr(value)) if isinstance(value, float) else _KEEP)


def _pictures(context: dict[str, Any]) -> dict[str, Any]:
    """docxtpl's ``InlineImage`` (any depth) as ``reportgen.Picture``: the same file, the same size
    (python-docx's ``Length`` is EMU, 36 000 to the millimetre)."""
    import reportgen

    def millimetres(length: Any) -> Decimal | None:
        return None if length is None else Decimal(int(length)) / 36000

    def leaf(value: Any) -> Any:
        if type(value).__name__ != "InlineImage":
            return _KEEP
        source = value.image_descriptor
        data = source if isinstance(source, str | Path) else source.read()
        return reportgen.Picture(data, millimetres(value.width), millimetres(value.height))

    return _mapped(context, leaf)


def _rich(value: Any) -> Any:
    """A docxtpl ``RichText`` (its runs' XML) as ``reportgen.RichText``: each run's text (breaks and
    tabs as characters) with what ours keeps — bold, italic, underline, colour, size, font; a style,
    highlight, strike, sub/superscript and a hyperlink are dropped (their text stays)."""
    from lxml import etree

    # \a and \f (docxtpl's paragraph and page breaks) are no XML characters: kept aside while parsing
    xml = f'<r xmlns:w="{W[1:-1]}" xmlns:r="{_R_NS}">{value.xml}</r>'.replace("\a", "\ue0a7").replace(
        "\f", "\ue00c"
    )
    return _rich_runs(etree.fromstring(xml.encode()))


def _rich_runs(element: Any) -> Any:
    """The runs in ``element`` (docxtpl's XML, ``\\a``/``\\f`` kept aside) as ``reportgen.RichText``."""
    import reportgen

    rich = reportgen.RichText()
    for run in element.iter(f"{W}r"):
        text = (
            "".join(
                child.text or ""
                if child.tag == f"{W}t"
                else {f"{W}br": "\n", f"{W}tab": "\t"}.get(child.tag, "")
                for child in run
            )
            .replace("\ue0a7", "\a")
            .replace("\ue00c", "\f")
        )
        props = run.find(f"{W}rPr")

        def prop(tag: str, props: Any = props) -> Any:
            return None if props is None else props.find(f"{W}{tag}")

        color, size, font = prop("color"), prop("sz"), prop("rFonts")
        rich.add(
            text,
            bold=prop("b") is not None,
            italic=prop("i") is not None,
            underline=prop("u") is not None,
            color=None if color is None else color.get(f"{W}val"),
            size_pt=None if size is None else Decimal(size.get(f"{W}val")) / 2,
            font=None if font is None else next(iter(font.attrib.values()), None),
        )
    return rich


def _rich_paragraphs(context: dict[str, Any]) -> dict[str, Any]:
    """docxtpl's ``RichTextParagraph`` (its paragraphs' XML) as ``reportgen.RichTextParagraph``: each
    ``w:p``'s style (``parastyle``) and runs (``_rich_runs``)."""
    from lxml import etree

    import reportgen

    def leaf(value: Any) -> Any:
        if type(value).__name__ != "RichTextParagraph":
            return _KEEP
        xml = f'<r xmlns:w="{W[1:-1]}" xmlns:r="{_R_NS}">{value.xml}</r>'.replace("\a", "\ue0a7")
        paragraphs = reportgen.RichTextParagraph()
        for paragraph in etree.fromstring(xml.encode()).iter(f"{W}p"):
            style = paragraph.find(f"{W}pPr/{W}pStyle")
            paragraphs.add(_rich_runs(paragraph), style=None if style is None else style.get(f"{W}val"))
        return paragraphs

    return _mapped(context, leaf)


def _subdocs(context: dict[str, Any]) -> dict[str, Any]:
    """docxtpl's ``Subdoc`` as ``reportgen.Subdoc`` of a .docx built first: its body (python-docx's
    ``new_subdoc`` shares the template's part, docxcompose's ``new_subdoc(path)`` re-points the
    references into it, so each picture is read from the template's part) saved in a fresh document —
    with the styles of the file ``new_subdoc(path)`` read, as ``reportgen.Subdoc(path)`` would see
    them, so its styles the template lacks are carried as docxcompose carries them."""
    import docx

    import reportgen

    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    embed = f"{{{_R_NS}}}embed"

    def convert(value: Any) -> Any:
        fresh = docx.Document()
        body = fresh.element.body
        for child in list(body):
            body.remove(child)
        for child in value.subdocx.element.body:
            body.append(copy.deepcopy(child))
        if value.subdocx.part is not value.docx.part:  # new_subdoc(path): the file's own styles
            fresh.part._styles_part._element = copy.deepcopy(value.subdocx.part._styles_part.element)
        rels = value.docx.part.rels
        for image in body.iter(blip):
            rel = rels.get(image.get(embed))
            if rel is not None and not rel.is_external:
                image.set(embed, fresh.part.get_or_add_image(io.BytesIO(rel.target_part.blob))[0])
        buffer = io.BytesIO()
        fresh.save(buffer)
        return reportgen.Subdoc(buffer.getvalue())

    return _mapped(context, lambda value: convert(value) if type(value).__name__ == "Subdoc" else _KEEP)


def _rich_texts(context: dict[str, Any]) -> dict[str, Any]:
    """Every docxtpl ``RichText`` in the context (any depth) as ``reportgen.RichText`` (``_rich``), a
    ``Listing`` as its text (a plain value keeps its line, paragraph and page breaks, as a Listing does)."""
    import html

    def leaf(value: Any) -> Any:
        if type(value).__name__ == "RichText":
            return _rich(value)
        if type(value).__name__ == "Listing":
            return html.unescape(value.xml)
        return _KEEP

    return _mapped(context, leaf)


_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RICH = "RichText → reportgen.RichText (style, highlight, strike, sub/superscript, links dropped)"
SUBDOC = "Subdoc → reportgen.Subdoc of its body saved as a .docx (needs docxcompose for docxtpl's side)"
ADAPTERS: dict[str, Adapter] = {
    "cellbg": Adapter(_rich_texts, note=RICH),
    "custom_jinja_filters": Adapter(refused=("RG301", "custom filters and a float are refused by design")),
    "embedded": Adapter(note="replace_embedded/replace_zipname: no equivalent (embedded files unchanged)"),
    "escape": Adapter(_rich_texts, note=RICH + "; Listing → its text"),
    "escape_auto": Adapter(refused=("RG105", "a function (iteritems) in the context is not a value")),
    "get_undeclared_variables": Adapter(
        note="an incomplete context is RG302 by design (docxtpl prints nothing)"
    ),
    "header_footer": Adapter(_subdocs, note=SUBDOC),
    "header_footer_utf8": Adapter(_subdocs, note=SUBDOC),
    "header_footer_image": Adapter(note="replace_media: no equivalent (the header's picture unchanged)"),
    "header_footer_image_file_obj": Adapter(
        note="replace_media: no equivalent (the header's picture unchanged)"
    ),
    "header_footer_inline_image": Adapter(_pictures, note="InlineImage → reportgen.Picture"),
    "inline_image": Adapter(_pictures, note="InlineImage → reportgen.Picture"),
    "merge_docx": Adapter(
        _subdocs, note=SUBDOC + "; styles the master lacks are copied into it, as docxcompose does"
    ),
    "module_execute": Adapter(
        _decimals, note="JSON float 1.234 → Decimal('1.234'), which Jinja's `is float` test does not pass"
    ),
    "replace_picture": Adapter(note="replace_pic: no equivalent (the picture unchanged)"),
    "richtext": Adapter(_rich_texts, note=RICH),
    "richtext_and_if": Adapter(_rich_texts, note=RICH),
    "richtext_eastAsia": Adapter(_rich_texts, note=RICH),
    "richtextparagraph": Adapter(
        _rich_paragraphs, note="RichTextParagraph → reportgen.RichTextParagraph (parastyle → style)"
    ),
    "subdoc": Adapter(_subdocs, note=SUBDOC),
    "template_error": Adapter(refused=("RG301", "a template syntax error: docxtpl raises too")),
    "word2016": Adapter(_rich_texts, note=RICH),
}


@contextlib.contextmanager
def watched_renders(seen: list[Render]) -> Iterator[None]:
    """Record every ``DocxTemplate.render`` (template, context, docxtpl's bytes) while scripts run."""
    import docxtpl

    original = docxtpl.DocxTemplate.render

    def render(self: Any, context: Any = None, *args: Any, **kwargs: Any) -> None:
        template = (
            str(Path(str(self.template_file)).resolve()) if isinstance(self.template_file, str | Path) else ""
        )
        try:
            saved = copy.copy(context or {})
        except Exception:  # a context that cannot be copied is recorded as it is
            saved = context or {}
        try:
            original(self, context, *args, **kwargs)
        except Exception as error:
            seen.append(Render(template, saved, None, f"{type(error).__name__}: {error}"))
            raise
        buffer = io.BytesIO()
        self.save(buffer)
        seen.append(Render(template, saved, buffer.getvalue()))

    docxtpl.DocxTemplate.render = render
    try:
        yield
    finally:
        docxtpl.DocxTemplate.render = original


def run_script(tests: Path, name: str) -> tuple[list[Render], str | None]:
    """Run one docxtpl script in its folder; ``module_execute`` (a shell call) renders its JSON directly."""
    seen: list[Render] = []
    cwd = os.getcwd()
    os.chdir(tests)
    (tests / "output").mkdir(exist_ok=True)
    failure = None
    try:
        with watched_renders(seen), contextlib.redirect_stdout(io.StringIO()):
            if name == "module_execute":
                import docxtpl

                tpl = docxtpl.DocxTemplate("templates/module_execute_tpl.docx")
                tpl.render(json.loads(Path("templates/module_execute.json").read_text("utf-8")))
            else:
                runpy.run_path(str(tests / f"{name}.py"), run_name="__main__")
    except BaseException as error:  # the script's own failure is reported, the rest goes on
        failure = f"{type(error).__name__}: {error}"
    finally:
        os.chdir(cwd)
    return seen, failure


def _table_texts(table: Any) -> Iterator[str]:
    """Each cell's paragraphs, nested tables in place; read from the XML, since python-docx's ``cells``
    fails on the merged cells some of docxtpl's outputs have."""
    from docx.text.paragraph import Paragraph

    for row in table.findall(f"{W}tr"):
        for cell in row.findall(f"{W}tc"):
            for child in cell:
                if child.tag == f"{W}p":
                    yield Paragraph(child, cast(Any, None)).text
                elif child.tag == f"{W}tbl":
                    yield from _table_texts(child)


PROPERTIES = ("title", "subject", "author", "comments", "identifier", "language")  # docxtpl renders these


def texts(data: bytes) -> list[str]:
    """Paragraphs, then tables (nested cells too), then every section's headers and footers, then the
    document properties docxtpl renders (``PROPERTIES``; an empty one and a missing one are alike),
    then each part's pictures (``pictures``)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [f"¶ {p.text}" for p in document.paragraphs]
    for table in document.tables:
        lines += [f"▦ {t}" for t in _table_texts(table._tbl)]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                lines += [f"⌂ {p.text}" for p in part.paragraphs]
                for table in part.tables:
                    lines += [f"⌂▦ {t}" for t in _table_texts(table._tbl)]
    properties = document.core_properties
    lines += [f"ⓘ {name}: {getattr(properties, name) or ''}" for name in PROPERTIES]
    return lines + pictures(document)


def pictures(document: Any) -> list[str]:
    """Per part (the body, then each header and footer part once): its pictures' sizes in whole
    millimetres, and how many show an image the package does not have (a relationship missing)."""
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    blip = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
    embed = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
    parts = [document.part] + [
        rel.target_part
        for rel in document.part.rels.values()
        if rel.reltype.endswith(("/header", "/footer")) and not rel.is_external
    ]
    lines = []
    for part in parts:
        sizes, missing = [], 0
        for inline in part.element.iter(f"{wp}inline", f"{wp}anchor"):
            extent = inline.find(f"{wp}extent")
            sizes.append(f"{round(int(extent.get('cx')) / 36000)}×{round(int(extent.get('cy')) / 36000)}")
            for image in inline.iter(blip):
                rel = part.rels.get(image.get(embed))
                missing += rel is None or rel.is_external
        if sizes:
            lines.append(
                f"🖼 {part.partname}: {' '.join(sizes)}" + (f"; {missing} missing" if missing else "")
            )
    return lines


def grids(data: bytes) -> list[tuple[int, int]]:
    """Per table: columns of ``w:tblGrid`` and the widest row's cells (counting ``gridSpan``)."""
    import docx

    document = docx.Document(io.BytesIO(data))
    result = []
    for table in document.element.body.iter(f"{W}tbl"):
        grid = table.find(f"{W}tblGrid")
        columns = len(grid.findall(f"{W}gridCol")) if grid is not None else 0
        widest = 0
        for row in table.findall(f"{W}tr"):
            width = 0
            for cell in row.findall(f"{W}tc"):
                span = cell.find(f"{W}tcPr/{W}gridSpan")
                width += int(span.get(f"{W}val")) if span is not None else 1
            widest = max(widest, width)
        result.append((columns, widest))
    return result


@dataclass
class Outcome:
    script: str
    result: str
    note: str
    notes: list[str] = field(default_factory=list)


def _short(text: str, limit: int = 70) -> str:
    text = text.replace("|", "\\|").replace("\n", "⏎")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compare(name: str, render: Render, adapter: Adapter) -> tuple[str, str]:
    """(result, note) for one render of one script."""
    import reportgen

    if adapter.plain is not None and adapter.refused is not None:
        # No plain form keeps docxtpl's result: ours is expected to refuse docxtpl's objects, and the
        # plain form is compared with what docxtpl makes of that same plain context.
        result, note = compare(name, render, Adapter(refused=adapter.refused))
        return (
            result,
            f"{note}; {adapter.note}; with the text as plain values: {_against_plain(render, adapter.plain)}",
        )
    context = render.context if adapter.plain is None else adapter.plain(render.context)
    try:
        ours = reportgen.Template(render.template).render(context)
    except reportgen.ReportError as error:
        expected = adapter.refused[0] if adapter.refused else None
        if render.result is None:
            return "refused by design", f"{error.code}; docxtpl raises too ({_short(render.error or '', 50)})"
        if error.code == expected and adapter.refused:
            return "refused by design", f"{error.code}: {adapter.refused[1]}"
        if error.code == "RG302" and name == "get_undeclared_variables":
            return "refused by design", f"RG302: {adapter.note}"
        return "refused", f"{error.code} (not expected): {_short(str(error), 120)}"
    except Exception:
        return "crashed", _short(traceback.format_exc().strip().splitlines()[-1], 120)
    if render.result is None:
        return "different", f"docxtpl raises ({_short(render.error or '', 60)}); we render"
    theirs_text, ours_text = texts(render.result), texts(ours)
    notes = [adapter.note] if adapter.note else []
    if adapter.refused:
        notes.append(f"expected {adapter.refused[0]}, but rendered")
    theirs_grid = grids(render.result)
    for index, (column, _widest) in enumerate(grids(ours)):
        if index < len(theirs_grid) and theirs_grid[index][0] != column:
            notes.append(f"table {index + 1}: grid {column} columns, docxtpl {theirs_grid[index][0]}")
    if theirs_text == ours_text:
        return "identical", "; ".join(notes)
    for index, (a, b) in enumerate(zip(theirs_text, ours_text, strict=False)):
        if a != b:
            return "different", f"line {index + 1}: docxtpl {_short(a)!r} / ours {_short(b)!r}; " + "; ".join(
                notes
            )
    return "different", f"{len(theirs_text)} lines, ours {len(ours_text)}; " + "; ".join(notes)


def _against_plain(render: Render, plain: Callable[[dict[str, Any]], dict[str, Any]]) -> str:
    """Ours and docxtpl's on the same plain context: identical, or the first differing line."""
    import docxtpl

    import reportgen

    context = plain(render.context)
    theirs = docxtpl.DocxTemplate(render.template)
    theirs.render(context)
    buffer = io.BytesIO()
    theirs.save(buffer)
    try:
        ours = reportgen.Template(render.template).render(context)
    except reportgen.ReportError as error:
        return f"ours {error.code}"
    theirs_text, ours_text = texts(buffer.getvalue()), texts(ours)
    if theirs_text == ours_text:
        return "identical to docxtpl's"
    for index, (a, b) in enumerate(zip(theirs_text, ours_text, strict=False)):
        if a != b:
            return f"line {index + 1}: docxtpl {_short(a)!r} / ours {_short(b)!r}"
    return f"{len(theirs_text)} lines, ours {len(ours_text)}"


def extract(mirror: Path, commit: str, into: Path) -> Path:
    """docxtpl's ``tests/`` folder from a bare mirror into a temporary folder (git archive | tar)."""
    archive = subprocess.run(
        ["git", "-C", str(mirror), "archive", commit, "tests"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "tests"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("checkout", nargs="?", type=Path, help="a docxtpl checkout (its tests/ is used)")
    parser.add_argument("--mirror", type=Path, help="a bare git mirror of docxtpl instead of a checkout")
    parser.add_argument("--commit", default="HEAD", help="the mirror's commit (default HEAD)")
    parser.add_argument("--only", nargs="*", default=None, help="only these scripts (names without .py)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="docxtpl-suite-") as temporary:
        if args.mirror:
            tests = extract(args.mirror, args.commit, Path(temporary))
        elif args.checkout:
            tests = Path(temporary) / "tests"
            shutil.copytree(args.checkout / "tests", tests)  # scripts write output/: never into the checkout
        else:
            parser.error("a checkout or --mirror")
        outcomes = run_all(tests, args.only)
    print("| script | result | note |\n|---|---|---|")
    for outcome in outcomes:
        print(f"| {outcome.script} | {outcome.result} | {outcome.note} |")
    kinds = ("identical", "refused by design", "refused", "different", "crashed", "not run")
    counts = {kind: sum(o.result == kind for o in outcomes) for kind in kinds}
    print(
        f"\n{counts['identical']} identical, {counts['refused by design']} refused by design, "
        f"{counts['refused']} refused (not by design), {counts['different']} different, "
        f"{counts['crashed']} crashed, {counts['not run']} not run — {len(outcomes)} renders"
    )
    return 0


def run_all(tests: Path, only: list[str] | None) -> list[Outcome]:
    """Every script's renders compared; a script with several renders gets one row each (``name#2``)."""
    sys.path.insert(0, str(tests))
    outcomes = []
    for script in sorted(tests.glob("*.py")):
        name = script.stem
        if script.name in SKIPPED or (only and name not in only):
            continue
        seen, failure = run_script(tests, name)
        adapter = ADAPTERS.get(name, Adapter())
        if not seen:
            why = _short(failure or "", 80)
            expected = f"; ours: {adapter.refused[0]} by design" if adapter.refused else ""
            outcomes.append(Outcome(name, "not run", f"docxtpl's script rendered nothing ({why}){expected}"))
            continue
        for index, render in enumerate(seen):
            label = name if len(seen) == 1 else f"{name}#{index + 1}"
            with contextlib.chdir(tests):  # the scripts name their pictures relative to their folder
                result, note = compare(name, render, adapter)
            outcomes.append(Outcome(label, result, note))
    return outcomes


if __name__ == "__main__":
    sys.exit(main())
