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
