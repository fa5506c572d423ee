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

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from reportgen.errors import LedgerError, Problem

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
_MAX_INT_DIGITS = 100

# The composer recurses once per nesting level: libyaml's, in C, overflows the stack and kills the
# process at some 30 000 levels of "[" (fewer in a thread), the pure-Python one raises RecursionError.
# Every collection needs its own "[", "{", "-", ":" or "?", so a text with few of them cannot nest
# deeply; any other is scanned event by event (iteratively) first and refused beyond MAX_DEPTH.
_NESTING_INDICATORS = "[{-:?"
_SURELY_SHALLOW = 1_000

Value = object  # str | Decimal | int | bool | None | datetime.date | list[Value] | dict[str, Value]

_PLAIN_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_INT_RE = re.compile(r"^[-+]?[0-9][0-9_]*$")
_TIMESTAMP_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass
class YamlDocument:
    """Plain values plus where each field path (e.g. ``("项目", 2, "名称")``) came from.

    A YAML file fills ``lines`` (1-based); an Excel ledger fills ``cells`` (``项目!F7``), so one
    schema validates both and every problem names the place the person has to go and fix.
    """

    data: Value
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    cells: dict[tuple[str | int, ...], str] = field(default_factory=dict)


def read_yaml(path: Path) -> YamlDocument:
    """Load ``path``; every failure is a ``LedgerError`` naming the file, never a library traceback."""
    return parse_yaml(read_ledger_file(path), path)


def read_ledger_file(path: Path) -> bytes:
    """The bytes of a ledger file (YAML or workbook), or RG101 naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LedgerError(
            Problem(
                "RG101", f"无法读取文件（{exc.strerror or exc}）", file=path, expected="存在且可读的台账文件"
            )
        ) from None


def parse_yaml(raw: bytes, path: Path | str) -> YamlDocument:
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
        raise LedgerError(
            Problem("RG114", "嵌套过深", file=path, expected=f"不超过 {MAX_DEPTH} 层")
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if _is_nesting_limit(exc):
            raise LedgerError(
                Problem(
                    "RG114",
                    "嵌套过深",
                    file=path,
                    line=mark.line + 1 if mark else None,
                    expected=f"不超过 {MAX_DEPTH} 层",
                )
            ) from None
        raise LedgerError(
            Problem(
                "RG102",
                f"YAML 格式错误：{exc.problem or exc}",
                file=path,
                line=mark.line + 1 if mark else None,
                expected="合法的 YAML（注意冒号后加空格、缩进用空格不用 Tab）",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise LedgerError(Problem("RG102", f"YAML 格式错误：{exc}", file=path)) from None
    document = YamlDocument(data=None)
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
    """Refuse a text nested deeper than the walker allows, before the recursive composer sees it."""
    if sum(text.count(indicator) for indicator in _NESTING_INDICATORS) <= _SURELY_SHALLOW:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the walker counts the levels below the top one
                raise LedgerError(
                    Problem(
                        "RG114",
                        "嵌套过深",
                        file=path,
                        line=event.start_mark.line + 1 if event.start_mark else None,
                        expected=f"不超过 {MAX_DEPTH} 层",
                    )
                )
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


class _Walker:
    def __init__(self, path: Path | str, document: YamlDocument) -> None:
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
            return Decimal(digits) if len(digits) > _MAX_INT_DIGITS else int(digits)
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
                year, month, day = (int(part) for part in text.split("-"))
                try:
                    return datetime.date(year, month, day)
                except ValueError:
                    raise self.fail(
                        "RG110", f"“{text}”不是有效日期", node, path, expected="如 2024-09-23"
                    ) from None
            raise self.fail("RG110", f"“{text}”含有时刻", node, path, expected="只写日期，如 2024-09-23")
        raise self.fail(
            "RG105", f"不支持的 YAML 标记 {tag}", node, path, expected="普通文字、数字、日期、列表或字段"
        )


def format_path(path: tuple[str | int, ...]) -> str:
    """``("一览表", "项目", 2, "计划安排资金")`` → ``一览表.项目[2].计划安排资金`` (1-based, like 序号)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text
