"""Read a YAML ledger safely into plain values, remembering the line of every field.

PyYAML's loaders turn ``8123.0395`` into a float (losing exactness), silently keep the last of two
duplicate keys, and know nothing of field paths.  Here the file is composed into nodes with the safe
loader (no tags that build objects), then walked by hand: numbers become ``Decimal`` from their exact
text, duplicate keys are errors, aliases are counted so an alias bomb cannot exhaust memory, and each
value's line is recorded under its field path for error messages.

Untrusted input is bounded at every step: the file's size, the nesting depth (checked before the
recursive composer runs), and the number of values and of characters after aliases are expanded.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from reportgen.base.errors import LedgerError, Problem
from reportgen.base.inputfile import read_input
from reportgen.ledger.plain import PlainLedger, Value, format_path
from reportgen.numbers.dates import parse_date

# libyaml's composer when PyYAML was built with it (ten times faster on a batch of ledgers); the
# nodes, marks and tags are the same, and our walker builds every value either way.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
# Characters of all keys and scalars once aliases are expanded.  Without aliases a file can never
# reach it (every character comes from at least one byte); with them, one long string aliased a
# thousand times would otherwise take minutes and gigabytes to read, check and render.
MAX_TEXT_CHARS = MAX_FILE_BYTES
# Python refuses int() of more than 4 300 digits (ValueError); a longer integer is kept as an exact
# Decimal instead, which the field readers refuse as too large (RG106) like any other.
MAX_INT_DIGITS = 100

# The composer recurses once per nesting level: libyaml's, in C, overflows the stack and kills the
# process at some 30 000 levels of "[" (fewer in a thread), the pure-Python one raises RecursionError.
# Every collection needs its own "[", "{", "-", ":" or "?", so a text with few of them cannot nest
# deeply; any other is scanned event by event (iteratively) first and refused beyond MAX_DEPTH.
_NESTING_INDICATORS = "[{-:?"
_SURELY_SHALLOW = 1_000

_PLAIN_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")
_TIMESTAMP_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def read_yaml(path: Path) -> PlainLedger:
    """Load ``path``; every failure is a ``LedgerError`` naming the file, never a library traceback."""
    return parse_yaml(read_ledger_file(path), path)


def read_ledger_file(path: Path) -> bytes:
    """The bytes of a ledger file (YAML or workbook): RG101 unless it is a readable regular file (a
    FIFO or a device would block or never end), RG114 beyond ``MAX_FILE_BYTES`` (checked before reading)."""
    return read_input(
        path,
        limit=MAX_FILE_BYTES,
        error=LedgerError,
        code="RG101",
        large_code="RG114",
        expected="存在且可读的台账文件",
    )


def parse_yaml(raw: bytes, path: Path | str) -> PlainLedger:
    if len(raw) > MAX_FILE_BYTES:
        raise LedgerError(
            Problem("RG114", f"文件有 {len(raw)} 字节", file=path, expected=f"不超过 {MAX_FILE_BYTES} 字节")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LedgerError(
            Problem(
                "RG101",
                f"文件不是 UTF-8 编码（第 {exc.start} 字节处无法解码）",
                file=path,
                expected="以 UTF-8 编码保存（记事本“另存为”时选择 UTF-8）",
            )
        ) from None
    try:
        _check_nesting(text, path)
        node = yaml.compose(text, Loader=_LOADER)
    except RecursionError:  # pragma: no cover - only the pure-Python composer, on a shallow-looking text
        raise _too_deep(path, None) from None
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text, path) from None
    document = PlainLedger(data=None)
    if node is None:
        return document
    walker = _Walker(path, document)
    document.data = walker.value(node, ())
    return document


def _is_nesting_limit(exc: yaml.MarkedYAMLError) -> bool:
    """Whether the parser itself refused the depth (PyYAML ≥ 6.0.3 / libyaml limit their flow levels).

    Such a text is deeper than ``MAX_DEPTH`` anyway, so it is RG114 like our own check, not a syntax error.
    """
    said = f"{exc.context or ''} {exc.problem or ''}"
    return "nesting depth" in said or "flow level" in said


def _check_nesting(text: str, path: Path | str) -> None:
    """Refuse a text nested deeper than the walker allows, before the recursive composer sees it.

    Needed only where the parser itself lets any depth through (PyYAML before 6.0.3, whose libyaml
    composer then recursed until the process crashed): with a parser that stops at its own limit,
    the composer never recurses deeper than a text of ``_SURELY_SHALLOW`` indicators may, and this
    second parse (a sixth of reading a 1 000-row ledger) is skipped."""
    if _parser_limits_depth() or (
        sum(text.count(indicator) for indicator in _NESTING_INDICATORS) <= _SURELY_SHALLOW
    ):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the walker counts the levels below the top one
                raise _too_deep(path, event.start_mark.line + 1 if event.start_mark else None)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


@functools.cache
def _parser_limits_depth() -> bool:
    """Whether the installed parser refuses nesting deeper than ``_SURELY_SHALLOW`` levels itself
    (libyaml and PyYAML ≥ 6.0.3 stop at a thousand), probed once by parsing a text that is deeper:
    events only, so a parser without the limit is not made to recurse."""
    deeper = _SURELY_SHALLOW + 100
    try:
        for _ in yaml.parse("[" * deeper + "]" * deeper, Loader=_LOADER):
            pass
    except yaml.MarkedYAMLError as exc:
        return _is_nesting_limit(exc)
    return False


def _too_deep(path: Path | str, line: int | None) -> LedgerError:
    return LedgerError(Problem("RG114", "嵌套过深", file=path, line=line, expected=f"不超过 {MAX_DEPTH} 层"))


# PyYAML's and libyaml's problems (scanner, parser, composer, reader) → Chinese.  Matched from the
# start of the problem text; one not listed is reported by its place alone, never in English.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "此处不能再出现“名称: 值”；值里有冒号加空格时，请给整个值加引号"),
    ("found a tab character", "缩进里有 Tab 字符；缩进只能用空格"),
    ("found character '\\t'", "缩进里有 Tab 字符；缩进只能用空格"),
    ("found character", "这个字符不能作为值的开头（以 @、` 等开头的值请加引号）"),
    ("did not find expected key", "这里应是“名称: 值”：可能是缩进没有对齐，或上面有引号、括号没有闭合"),
    ("did not find expected '-' indicator", "列表的缩进没有对齐（每项以“- ”开头）"),
    ("could not find expected ':'", "缺少冒号“:”（名称与值之间要有冒号和空格）"),
    ("did not find expected ',' or ']'", "方括号“[”没有闭合，或项与项之间缺少逗号"),
    ("did not find expected ',' or '}'", "花括号“{”没有闭合，或项与项之间缺少逗号"),
    ("expected ',' or ']'", "方括号“[”没有闭合，或项与项之间缺少逗号"),
    ("expected ',' or '}'", "花括号“{”没有闭合，或项与项之间缺少逗号"),
    ("found unexpected end of stream", "文件在引号闭合之前就结束了"),
    ("did not find expected node content", "此处缺少值"),
    ("expected the node content", "此处缺少值"),
    (
        "did not find expected alphabetic or numeric character",
        "“*”“&”之后应是别名；以 * 或 & 开头的值请加引号",
    ),
    ("expected alphabetic or numeric character", "“*”“&”之后应是别名；以 * 或 & 开头的值请加引号"),
    ("found undefined alias", "引用了没有定义的别名（*名称）"),
    ("found duplicate anchor", "别名（&名称）定义了两次"),
    ("found unknown escape character", "双引号内有无效的转义“\\”；反斜杠请写成 \\\\，或改用单引号"),
    ("expected escape sequence", "双引号内的转义序列无效"),
    ("did not find expected hexdecimal number", "双引号内的转义序列无效"),
    ("found invalid Unicode character escape code", "双引号内的转义序列无效"),
    ("found undefined tag handle", "未定义的标记（以 ! 开头的值请加引号）"),
    ("found unknown tag handle", "未定义的标记（以 ! 开头的值请加引号）"),
    ("did not find expected tag URI", "标记（!）写法不对；以 ! 开头的值请加引号"),
    ("did not find the expected '>'", "标记（!）写法不对；以 ! 开头的值请加引号"),
    ("found incompatible YAML document", "不支持这个 YAML 版本声明；请删去 %YAML 一行"),
    ("found duplicate %", "“%”开头的指令重复了；请删去"),
    ("but found another document", "文件里有不止一份内容（用“---”分开）；台账只能有一份"),
    ("expected a single document", "文件里有不止一份内容（用“---”分开）；台账只能有一份"),
    ("did not find expected <document start>", "内容结束后还有多余的文字"),
    ("block sequence entries are not allowed", "此处不能出现列表项“- ”（缩进没有对齐？）"),
    ("mapping keys are not allowed", "此处不能出现“? ”"),
    ("did not find expected comment or line break", "此处之后应是行尾或注释"),
    ("found unexpected ':'", "此处不能有冒号；值里有冒号请给整个值加引号"),
    ("found unexpected document indicator", "引号内出现了“---”或“...”"),
    ("found an indentation indicator equal to 0", "多行文字的缩进标记不能为 0"),
    ("did not find expected whitespace or line break", "此处应为空格或换行"),
    ("found unexpected non-alphabetical character", "“%”开头的指令写法不对"),
    ("did not find expected directive name", "“%”开头的指令写法不对"),
    ("found unknown directive name", "“%”开头的指令写法不对"),
)
_YAML_CONTEXTS = {
    "quoted scalar": "引号",
    "flow sequence": "方括号“[”",
    "flow mapping": "花括号“{”",
    "block mapping": "字段",
    "block collection": "列表",
    "simple key": "字段名",
    "block scalar": "多行文字",
    "alias": "别名",
    "anchor": "别名",
    "tag": "标记",
    "directive": "指令",
}


def yaml_error(exc: yaml.YAMLError, text: str, path: Path | str) -> LedgerError:
    """PyYAML's error as RG102 (RG114 when nesting is too deep) in Chinese: what is wrong, at which
    line and column, the character there, and where the unclosed quote or bracket began."""
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts bytes of UTF-8, PyYAML characters: the first such character is the one.
        found = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        row, column = _line_column(text, found if found >= 0 else exc.position)
        return LedgerError(
            Problem(
                "RG102",
                f"第{row}行第{column}列有不允许的控制字符 U+{exc.character:04X}",
                file=path,
                line=row,
                expected="删去这个字符（常见于从网页或其他软件复制的文字）",
            )
        )
    problem = getattr(exc, "problem", None) or ""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    if isinstance(exc, yaml.MarkedYAMLError) and _is_nesting_limit(exc):
        return _too_deep(path, line)
    explained = next((chinese for english, chinese in _YAML_PROBLEMS if problem.startswith(english)), None)
    message = "YAML 格式错误" + (f"：{explained}" if explained else "")
    if mark is not None:
        message += f"（第{mark.column + 1}列{_character_at(text, mark.line, mark.column)}）"
    context, start = getattr(exc, "context", None) or "", getattr(exc, "context_mark", None)
    opened = next((name for key, name in _YAML_CONTEXTS.items() if context.endswith(key)), None)
    if opened and start is not None and (mark is None or start.line != mark.line):
        message += f"；有关的{opened}从第{start.line + 1}行第{start.column + 1}列开始"
    return LedgerError(
        Problem(
            "RG102",
            message,
            file=path,
            line=line,
            expected="合法的 YAML（注意冒号后加空格、缩进用空格不用 Tab）",
        )
    )


def _line_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _character_at(text: str, line: int, column: int) -> str:
    """``，字符“@”`` for the character a mark points at; ``，文件末尾`` past the end."""
    lines = text.split("\n")
    if line >= len(lines) or column >= len(lines[line].rstrip("\r")):
        return "，文件末尾" if line >= len(lines) - 1 else "，行末"
    character = lines[line][column]
    if character == "\t":
        return "，Tab 字符"
    return f"，字符“{character}”" if character.isprintable() and not character.isspace() else ""


class _Walker:
    def __init__(self, path: Path | str, document: PlainLedger) -> None:
        self.path = path
        self.document = document
        self.visited = 0
        self.chars = 0

    def count_text(self, text: str, node: yaml.Node, path: tuple[str | int, ...]) -> None:
        """Count characters as aliases expand them; see ``MAX_TEXT_CHARS``."""
        self.chars += len(text)
        if self.chars > MAX_TEXT_CHARS:
            raise self.fail(
                "RG114",
                "文字总量过大（可能是 YAML 别名把长文字重复了多次）",
                node,
                path,
                expected=f"展开后不超过 {MAX_TEXT_CHARS} 个字符；不要用别名",
            )

    def fail(
        self, code: str, message: str, node: yaml.Node, path: tuple[str | int, ...], **kw: str
    ) -> LedgerError:
        return LedgerError(
            Problem(
                code,
                message,
                file=self.path,
                place=format_path(path) or None,
                line=node.start_mark.line + 1,
                expected=kw.get("expected"),
            )
        )

    def value(self, node: yaml.Node, path: tuple[str | int, ...]) -> Value:
        self.visited += 1
        if self.visited > MAX_NODES or len(path) > MAX_DEPTH:
            raise self.fail(
                "RG114",
                "内容过多或嵌套过深（可能是 YAML 别名展开过多）",
                node,
                path,
                expected=f"不超过 {MAX_NODES} 个值、{MAX_DEPTH} 层",
            )
        self.document.lines.setdefault(path, node.start_mark.line + 1)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_COLLECTION_TAGS:
            raise self.fail(
                "RG105", f"不支持的 YAML 标记 {node.tag}", node, path, expected="普通的列表或字段"
            )
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Value] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail("RG105", "字段名必须是文字", key_node, path)
                key = key_node.value
                self.count_text(key, key_node, path)
                if key == "<<":
                    raise self.fail(
                        "RG105", "不支持 YAML 合并键“<<”", key_node, path, expected="逐项写出字段"
                    )
                if key in result:
                    raise self.fail(
                        "RG103", f"字段“{key}”重复出现", key_node, (*path, key), expected="每个字段只写一次"
                    )
                result[key] = self.value(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value, start=1)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: tuple[str | int, ...]) -> Value:
        tag = node.tag
        text = node.value
        self.count_text(text, node, path)
        if tag == "tag:yaml.org,2002:str":
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return text.lower() in ("yes", "true", "on", "y")
        if tag == "tag:yaml.org,2002:int":
            if not _INT_RE.match(text):
                # 0x1F, 0o17, 1:30 (sexagesimal): YAML 1.1 oddities that no ledger means.
                raise self.fail(
                    "RG106", f"“{text}”不是十进制数字", node, path, expected="十进制数字，如 1234.5"
                )
            digits = text.replace("_", "")
            return Decimal(digits) if len(digits) > MAX_INT_DIGITS else int(digits)
        if tag == "tag:yaml.org,2002:float":
            cleaned = text.replace("_", "")
            try:
                number = Decimal(cleaned)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                raise self.fail("RG106", f"“{text}”不是有限的数字", node, path, expected="有限的十进制数字")
            return number
        if tag == "tag:yaml.org,2002:timestamp":
            if _TIMESTAMP_DATE_RE.match(text):
                day = parse_date(text)
                if day is None:
                    raise self.fail("RG110", f"“{text}”不是有效日期", node, path, expected="如 2024-09-23")
                return day
            raise self.fail("RG110", f"“{text}”含有时刻", node, path, expected="只写日期，如 2024-09-23")
        raise self.fail(
            "RG105", f"不支持的 YAML 标记 {tag}", node, path, expected="普通文字、数字、日期、列表或字段"
        )
