"""Typed readers for ledger fields that collect every problem instead of stopping at the first.

An office worker fixing a ledger wants all the mistakes at once, each with the field path, the line,
the value and what was expected.  ``FieldReader`` turns loose YAML values into checked Python values
and records a ``Problem`` for each thing that is wrong; the schema module decides what goes where.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from reportgen.base.errors import Problem
from reportgen.base.escape import BIDI_CONTROL, NOT_XML, TEMPLATE_SYNTAX, code_points
from reportgen.base.units import Family, Unit, known_units, unit
from reportgen.ledger.plain import At, PlainLedger, format_path
from reportgen.model import Quantity
from reportgen.numbers.dates import parse_date

MAX_MAGNITUDE = Decimal(10) ** 15  # a county's figures never reach 千万亿; larger is a typo or an attack
MAX_DECIMALS = 10

_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_LEADING_NUMBER = re.compile(r"^\s*[+-]?\d+(\.\d+)?", re.ASCII)
# ``1e400``, ``1.5E+07``: Excel shows big numbers this way, rounded; not a unit glued to a number.
_EXPONENT_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)[eE][+-]?\d+$", re.ASCII)
# A space that YAML line folding (``>``) leaves between two Chinese characters or marks.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d\u2018\u2019"
# A fold next to a figure reference counts too: ``…达到{{ x | 人 }}，\n  二级`` is ``}}`` then 二级, and
# ``…达到\n  {{ x | 人 }}`` is 达到 then ``{{`` (spaces inside ``{{ }}`` are never between these).
# And a fold between Chinese and a number (``联动机制，\n  1月``): Chinese sets no space there either.
_FOLDED_SPACE = re.compile(f"(?<=[{_CJK}}}])[ \t]+(?=[{_CJK}{{0-9])|(?<=[0-9])[ \t]+(?=[{_CJK}{{])")
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def plain_number(text: str) -> Decimal | None:
    """The exact number a text holds when it is nothing but a plain decimal, else None.

    Full-width digits (１２３) are the same number typed with a Chinese input method: read them.
    """
    stripped = text.strip().translate(FULL_WIDTH_DIGITS)
    if _PLAIN_NUMBER.match(stripped):
        try:
            return Decimal(stripped)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            pass
    return None


def unfold(text: str) -> str:
    """Running Chinese text as one line: see ``FieldReader.prose``."""
    joined = "".join(line.strip() for line in text.splitlines())
    return _FOLDED_SPACE.sub("", joined)


class FieldReader:
    """Reads fields of one YAML document, accumulating problems with their places."""

    def __init__(self, document: PlainLedger, file: Path | str | None) -> None:
        self.document = document
        self.file = file
        self.problems: list[Problem] = []

    # -- reporting ---------------------------------------------------------------------------------
    def place(self, at: At) -> str:
        """Where ``at`` is, for messages and the model's ``place``: ``项目!F7`` for a workbook (the
        cell of the field, or of its nearest enclosing row), else the field path."""
        cells = self.document.cells
        if cells:
            probe = at
            while probe:
                if probe in cells:
                    return cells[probe]
                probe = probe[:-1]
        return format_path(at)

    def field_places(self, at: At, fields: Iterable[tuple[str, At]]) -> tuple[tuple[str, str], ...]:
        """(name, cell) for each field of ``at`` that has a cell of its own — only in a workbook,
        where a row's fields are in different cells (``Placed.place_of`` falls back to the path)."""
        cells = self.document.cells
        return tuple((name, cells[(*at, *sub)]) for name, sub in fields if (*at, *sub) in cells)

    def line_of(self, at: At) -> int | None:
        while at:
            if at in self.document.lines:
                return self.document.lines[at]
            at = at[:-1]
        return self.document.lines.get(())

    def report(
        self, code: str, message: str, at: At, value: object = None, expected: str | None = None
    ) -> None:
        place = self.place(at) or None
        if any(p.code == code and p.place == place for p in self.problems):
            return  # one problem per place: a missing key is not also “missing content”
        self.problems.append(
            Problem(
                code,
                message,
                file=self.file,
                place=place,
                line=self.line_of(at),
                value=value,
                expected=expected,
            )
        )

    # -- structure ---------------------------------------------------------------------------------
    def mapping(
        self, value: object, at: At, *, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> dict[str, object] | None:
        """A mapping with exactly the allowed keys; unknown keys get a “did you mean” hint."""
        if not isinstance(value, dict):
            self.report("RG105", "此处应为若干“字段: 值”", at, value, "字段: 值 形式的映射")
            return None
        required = tuple(required)
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.5)
                hint = f"，是否应为“{close[0]}”" if close else ""
                self.report("RG103", f"未知字段“{key}”{hint}", (*at, key), None, "、".join(allowed))
        for key in required:
            if key not in value or value[key] is None:
                self.report("RG104", f"缺少必填字段“{key}”", (*at, key), None, f"填写“{key}”")
        return value

    def sequence(self, value: object, at: At) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.report("RG105", "此处应为列表（每项以“- ”开头）", at, value, "列表")
            return []
        return value

    # -- scalars -----------------------------------------------------------------------------------
    def text(self, value: object, at: At, *, required: bool = True, template: bool = False) -> str:
        """Text; a number or date typed where text belongs is accepted as its exact written form.

        Every text reaches some output, so a character XML cannot hold is refused (RG119) rather than
        dropped, which would change what is published; ``{{``/``{%``/``{#`` in a field that is not a
        ``template`` is refused (RG120) rather than printed with its braces (docs/ledger.md “文字字段”).
        """
        if value is None:
            if required:
                self.report("RG104", "缺少内容", at, None, "文字")
            return ""
        if isinstance(value, bool):
            self.report(
                "RG105", "此处应为文字（YAML 把 是/否、yes/no 当作真假值，请加引号）", at, value, "文字"
            )
            return ""
        if isinstance(value, str):
            return self._checked(value, at, template=template)
        if isinstance(value, int | Decimal):
            return str(value)
        if isinstance(value, datetime.date):
            return value.isoformat()  # YAML reads a date only from YYYY-MM-DD, so this is as typed
        self.report("RG105", "此处应为文字", at, value, "文字")
        return ""

    def _checked(self, text: str, at: At, *, template: bool) -> str:
        """``text`` after RG119/RG120 (the forbidden characters left out, so later checks judge the
        rest of the value and report nothing more about them)."""
        bad = NOT_XML.search(text)
        if bad is not None:
            count, first = len(NOT_XML.findall(text)), f"U+{ord(bad.group()):04X}"
            self.report(
                "RG119",
                f"有 {count} 个控制字符或非字符（第一个是第{bad.start() + 1}个字符 {first}），"
                "屏幕上通常看不见，Word、Excel 文件都无法保存",
                at,
                code_points(text),
                "删去这些字符（多由复制粘贴带入）；换行直接换行，不用控制字符",
            )
            text = NOT_XML.sub("", text)
        bidi = BIDI_CONTROL.search(text)
        if bidi is not None:
            self.report(
                "RG119",
                f"有双向文字控制符（第{bidi.start() + 1}个字符 U+{ord(bidi.group()):04X}），"
                "看不见，却会把后面的文字倒过来或挪位印出",
                at,
                code_points(text, BIDI_CONTROL),
                "删去这些字符（多由复制粘贴带入）",
            )
            text = BIDI_CONTROL.sub("", text)
        syntax = None if template else TEMPLATE_SYNTAX.search(text)
        if syntax is not None:
            name = next((str(p) for p in reversed(at) if isinstance(p, str)), "此字段")
            self.report(
                "RG120",
                f"“{name}”是普通文字，不是模板：其中的“{syntax.group()}”会连同括号原样印出",
                at,
                text,
                "删去 {{ }}、{% %}、{# #}；要引用指标或期间，请写在标题、导语、正文、结语、称呼、要素内容、"
                "一览表标题、目标任务、实施进度或目标表标题中（这些字段是模板）",
            )
        return text

    def prose(self, value: object, at: At, *, required: bool = True, template: bool = False) -> str:
        """Chinese running text: line breaks and folding spaces between Chinese characters removed.

        A long paragraph is naturally written over several YAML lines; Chinese takes no space where
        a line was broken, so the lines are joined directly.
        """
        return unfold(self.text(value, at, required=required, template=template))

    def texts(self, value: object, at: At, *, template: bool = False) -> tuple[str, ...]:
        """A single paragraph or a list of paragraphs (each read as ``prose``)."""
        if value is None:
            return ()
        if isinstance(value, list):
            return tuple(
                self.prose(item, (*at, i), template=template) for i, item in enumerate(value, start=1)
            )
        return (self.prose(value, at, template=template),)

    def boolean(self, value: object, at: At, default: bool = False) -> bool:
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in ("是", "否"):
            return value == "是"
        self.report("RG105", "此处应为“是”或“否”", at, value, "是 / 否")
        return default

    def integer(
        self, value: object, at: At, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or value != int(value):
            self.report("RG106", "此处应为整数", at, value, f"{low}～{high} 的整数")
            return default
        number = int(value)
        if not low <= number <= high:
            self.report("RG106", "整数超出范围", at, value, f"{low}～{high} 的整数")
            return default
        return number

    def number(
        self,
        value: object,
        at: At,
        *,
        allow_negative: bool = False,
        unit_key: str = "数值",
        unit_note: str | None = None,
    ) -> Decimal | None:
        """An exact Decimal from a YAML number or a plain numeric string; anything else is refused.

        ``"18所"`` is refused with a message that says where the unit belongs, because a unit hidden
        in a number is exactly how a 万元 figure ends up in a 亿元 column.  The advice shows the form
        this field takes: by default the number beside a ``单位`` as ``{数值: 18, 单位: 所}`` (``unit_key``
        names the number's key when it is not 数值: ``{不少于: 45, 单位: 张}``); a field with no 单位 of
        its own (公布值, 调整前, 上年同期) passes ``unit_note``, which unit its bare number is in.
        """
        if isinstance(value, bool) or value is None:
            self.report("RG106", "此处应为数字", at, value, "数字，如 1234.5")
            return None
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, Decimal):
            number = value
        elif isinstance(value, str):
            parsed = self._number_from_text(value, at, unit_key, unit_note)
            if parsed is None:
                return None
            number = parsed
        else:
            self.report("RG106", "此处应为数字", at, value, "数字，如 1234.5")
            return None
        if number.is_zero():
            # -0 is 0; and a zero may carry any exponent (0.0e+999999999), which would slip past the
            # checks below and break quantize and formatting later: keep only the typed decimals.
            exponent = number.as_tuple().exponent
            assert isinstance(exponent, int)  # finite: YAML .nan/.inf and "NaN" never get here
            number = Decimal((0, (0,), min(exponent, 0)))
        if abs(number) >= MAX_MAGNITUDE or number.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
            self.report(
                "RG106", "数值过大或小数位过多", at, value, f"绝对值小于 10^15、不超过 {MAX_DECIMALS} 位小数"
            )
            return None
        if number.is_signed() and not allow_negative:
            self.report("RG108", "此处不能为负数", at, value, "大于或等于 0 的数字")
            return None
        return number

    def _number_from_text(self, text: str, at: At, unit_key: str, unit_note: str | None) -> Decimal | None:
        number = plain_number(text)
        if number is not None:
            return number
        stripped = text.strip().translate(FULL_WIDTH_DIGITS)
        if "," in stripped or "，" in stripped:
            self.report("RG106", "数字中含有分节逗号", at, text, "不带逗号的数字，如 1234.5")
        elif _EXPONENT_NUMBER.match(stripped):
            self.report("RG106", "数值用了科学计数法", at, text, "写出全部数字，如 1234.5（不写 1.2345e3）")
        elif (lead := _LEADING_NUMBER.match(stripped)) is not None:
            stray = stripped[lead.end() :].strip()
            # “12.3万” means 万元: suggest a unit that exists rather than “万”.
            hint = stray + "元" if unit(stray) is None and unit(stray + "元") is not None else stray
            digits = lead.group().strip()
            if unit_note is None:
                advice = f"单独的数字；单位写在“单位”字段，如 {{{unit_key}: {digits}, 单位: {hint}}}"
            else:
                advice = f"只填数字，如 {at[-1]}: {digits}（{unit_note}）"
            self.report("RG106", f"数值中混入了文字“{stray}”", at, text, advice)
        else:
            self.report("RG106", "此处应为数字", at, text, "数字，如 1234.5")
        return None

    def unit(
        self, value: object, at: At, *, families: Iterable[Family] | None = None, what: str = ""
    ) -> Unit | None:
        symbol = self.text(value, at)
        if not symbol:
            return None
        found = unit(symbol.strip())
        if found is None:
            self.report("RG107", f"不认识的单位“{symbol}”", at, symbol, "、".join(known_units()))
            return None
        allowed = tuple(families) if families is not None else None
        if allowed is not None and found.family not in allowed:
            names = [s for s in known_units() if (u := unit(s)) is not None and u.family in allowed]
            self.report("RG107", f"单位“{symbol}”不适用于{what or '此字段'}", at, symbol, "、".join(names))
            return None
        return found

    def quantity(
        self,
        value: object,
        at: At,
        *,
        default_unit: Unit | None,
        families: Iterable[Family] | None = None,
        what: str = "",
        allow_negative: bool = False,
    ) -> Quantity | None:
        """``844`` (in the declared default unit) or ``{数值: 1.3168, 单位: 亿元}``."""
        families = tuple(families) if families is not None else None
        if isinstance(value, Mapping):
            fields = self.mapping(value, at, required=("数值", "单位"))
            if fields is None:
                return None
            number = self.number(fields.get("数值"), (*at, "数值"), allow_negative=allow_negative)
            declared = self.unit(fields.get("单位"), (*at, "单位"), families=families, what=what)
            if number is None or declared is None:
                return None
            return Quantity(number, declared)
        number = self.number(value, at, allow_negative=allow_negative)
        if number is None:
            return None
        if default_unit is None:
            self.report("RG107", "未声明单位", at, value, "{数值: …, 单位: …}，或在上级声明“金额单位”")
            return None
        return Quantity(number, default_unit)

    def date(self, value: object, at: At, *, required: bool = True) -> datetime.date | None:
        if value is None:
            if required:
                self.report("RG104", "缺少日期", at, None, "日期，如 2024-09-23")
            return None
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and (day := parse_date(value)) is not None:
            return day
        self.report("RG110", "不是有效日期", at, value, "日期，如 2024-09-23 或 2024年9月23日")
        return None


def is_figure_text(text: str) -> bool:
    """``3.5万元``, ``100``, ``60%``, ``12.3万``: a number alone or with a unit is a figure, not a name."""
    match = _LEADING_NUMBER.match(text)
    if match is None:
        return False
    rest = text[match.end() :].strip()
    return not rest or unit(rest) is not None or unit(rest + "元") is not None
