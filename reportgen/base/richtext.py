"""``reportgen.RichText``: text in runs of their own formatting for a ``Template`` context — docxtpl's
``RichText`` without its raw XML.

docxtpl's ``RichText`` is a string of WordprocessingML its caller builds; a style name, a colour or a
URL from the data goes into it unescaped, so data can write any XML into the document.  Here a
``RichText`` holds only values: each run's text and a closed set of formatting — bold, italic,
underline, a colour as six hex digits, a size in points (half points at most: what Word stores), a
font name — each checked when the run is added (RG314), and the XML is written by our code with
every text escaped (``render.docx.template_values``).  In a document property a ``RichText`` is its
plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportgen.base.errors import Problem, TemplateError

MAX_RICH_CHARS = 1_000_000  # the text of one RichText: far beyond a report's longest paragraph
MAX_RUNS = 10_000
MIN_SIZE_PT, MAX_SIZE_PT = Decimal(1), Decimal(1638)  # Word's range for a font size
_COLOR = re.compile(r"#?[0-9A-Fa-f]{6}")
_FONT = re.compile(r"[^\x00-\x1f<>&\"]{1,64}")  # a family name; escaped anyway, but never a tag or a line
NAME = "<富文本>"  # the file a message names: a RichText comes from code, not from a file


@dataclass(frozen=True, slots=True)
class Run:
    """One run: its text and formatting, as checked (``color`` without ``#``, ``size_pt`` exact)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None
    size_pt: Decimal | None = None
    font: str | None = None


class RichText:
    """Text in runs of their own formatting: ``RichText("共").add("12", bold=True, color="C00000")``.

    ``{{ 文字 }}`` in a paragraph prints the runs where the tag stands (the text around it keeps its
    own formatting), ``{{r 文字 }}`` in place of the tag's run, ``{{p 文字 }}`` as a paragraph of
    its own.  Line breaks and tabs in the text become Word's; every text is escaped."""

    __slots__ = ("_chars", "runs")

    def __init__(self, text: str = "", **style: object) -> None:
        self.runs: list[Run] = []
        self._chars = 0
        if text or style:
            self.add(text, **style)  # type: ignore[arg-type]

    def add(
        self,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        color: str | None = None,
        size_pt: int | Decimal | None = None,
        font: str | None = None,
    ) -> RichText:
        """One more run (or every run of another ``RichText``, as docxtpl allows); ``self``, to chain."""
        if isinstance(text, RichText):
            for run in text.runs:
                self._append(run)
            return self
        if not isinstance(text, str):
            raise _refused(
                f"文字不能是 {type(text).__name__}（{text!r}）", "文字（str）；数字请先格式化成文字"
            )
        for label, flag in (("bold", bold), ("italic", italic), ("underline", underline)):
            if not isinstance(flag, bool):
                raise _refused(f"{label} 为 {flag!r}", "True 或 False")
        if color is not None and not (isinstance(color, str) and _COLOR.fullmatch(color)):
            raise _refused(f"颜色 {color!r} 无效", "六位十六进制颜色，如 C00000 或 #C00000")
        if font is not None and not (isinstance(font, str) and _FONT.fullmatch(font)):
            raise _refused(f"字体名 {font!r} 无效", "字体名称，如 仿宋_GB2312，不超过 64 个字符")
        size = _size(size_pt)
        self._append(Run(text, bold, italic, underline, color and color.lstrip("#").upper(), size, font))
        return self

    def _append(self, run: Run) -> None:
        self._chars += len(run.text)
        if self._chars > MAX_RICH_CHARS or len(self.runs) >= MAX_RUNS:
            raise _refused("富文本过长", f"不超过 {MAX_RICH_CHARS} 个字符、{MAX_RUNS} 段")
        self.runs.append(run)

    @property
    def text(self) -> str:
        """The runs' text, without formatting (what a document property shows)."""
        return "".join(run.text for run in self.runs)

    def __repr__(self) -> str:
        return f"RichText({self.text[:40]!r}, {len(self.runs)} 段)"


def _size(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _refused(f"字号 {value!r} 不是整数或 Decimal", "以磅计的字号，如 14 或 Decimal('10.5')")
    size = Decimal(value)
    if not size.is_finite() or not MIN_SIZE_PT <= size <= MAX_SIZE_PT or (size * 2) % 1:
        raise _refused(f"字号为 {value}", f"{MIN_SIZE_PT}～{MAX_SIZE_PT} 磅，精确到半磅，如 10.5")
    return size


def _refused(message: str, expected: str) -> TemplateError:
    return TemplateError(Problem("RG314", message, file=Path(NAME), expected=expected))


ALIGNMENTS = {"左": "left", "中": "center", "右": "right", "两端": "both"} | {
    name: name for name in ("left", "center", "right", "both")
}
_STYLE = re.compile(
    r"[^\x00-\x1f<>&\"]{1,100}"
)  # a style's id or name: escaped anyway, never a tag or a line


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a ``RichTextParagraph``: its runs, the style named (an id or a name, found in
    the template when it renders) and Word's alignment (``left``, ``center``, ``right``, ``both``)."""

    text: RichText
    style: str | None = None
    align: str | None = None


class RichTextParagraph:
    """Paragraphs of rich text, each with a style and an alignment of its own, for ``{{p 名称 }}``:
    ``RichTextParagraph("一、总体情况", style="标题 2").add(RichText("共").add("12", bold=True))``.

    docxtpl's ``RichTextParagraph`` (``parastyle=`` becomes ``style=``) without its raw XML: each
    paragraph is a ``RichText`` (a ``str`` is one plain run), the style is looked up among the
    template's paragraph styles when it renders — by id, then by name (``Heading1`` or ``heading 1``),
    a style the template lacks being RG315, never a paragraph silently in another style — and the
    alignment is one of ``ALIGNMENTS``.  It prints one paragraph each where ``{{p }}`` stands (RG315
    inside a paragraph's text, where a paragraph cannot go); ``\\a`` in a text starts another
    paragraph of the same style, as in docxtpl."""

    __slots__ = ("_chars", "paragraphs")

    def __init__(
        self, text: str | RichText | None = None, *, style: str | None = None, align: str | None = None
    ) -> None:
        self.paragraphs: list[Paragraph] = []
        self._chars = 0
        if text is not None:
            self.add(text, style=style, align=align)

    def add(
        self, text: str | RichText, *, style: str | None = None, align: str | None = None
    ) -> RichTextParagraph:
        """One more paragraph; ``self``, to chain."""
        rich = RichText(text) if isinstance(text, str) else text
        if not isinstance(rich, RichText):
            raise _refused(
                f"段落不能是 {type(text).__name__}（{text!r}）", "文字（str）或 reportgen.RichText"
            )
        if style is not None and not (isinstance(style, str) and _STYLE.fullmatch(style)):
            raise _refused(f"段落样式名 {style!r} 无效", "模板中段落样式的名称或标识，如 标题 1、Heading1")
        if align is not None and align not in ALIGNMENTS:
            raise _refused(f"对齐方式 {align!r} 无效", "左、中、右、两端（或 left、center、right、both）")
        self._chars += len(rich.text)
        if len(self.paragraphs) >= MAX_RUNS or self._chars > MAX_RICH_CHARS:
            raise _refused("富文本段落过多", f"不超过 {MAX_RUNS} 段、{MAX_RICH_CHARS} 个字符")
        self.paragraphs.append(Paragraph(rich, style, None if align is None else ALIGNMENTS[align]))
        return self

    @property
    def text(self) -> str:
        """The paragraphs' text, one line each, ``\\a`` too (what a document property shows)."""
        return "\n".join(paragraph.text.text.replace("\a", "\n") for paragraph in self.paragraphs)

    def __repr__(self) -> str:
        return f"RichTextParagraph({self.text[:40]!r}, {len(self.paragraphs)} 段)"
