"""Write a ledger's plain values as YAML in the samples' style (``reportgen convert 台账.xlsx 台账.yaml``).

Block style with the keys in the documented order (``keys.TOP_ORDER``, ``FIGURE_ORDER`` …), one blank
line between the top-level parts, each figure on one line as a flow mapping
(``低保金: {名称: 发放低保金, 数值: 8123.0395, 单位: 万元}``), amounts as
``{数值: 1.3168, 单位: 亿元}`` or ``{指标: 编号}``, 是/否 for true and false.  Numbers
are written with exactly their digits (``Decimal`` never passes through ``float``); a text that YAML
would read as something else (``"9"``, ``"是"`` is fine, ``"yes"``, ``"2024-09-23"``, ``"{{ 期间 }}…"``) is
double-quoted.  PyYAML's emitter decides what needs quoting, so what is written reads back as the
same values through ``yaml.read``.  Comments of a YAML ledger are not carried through a workbook.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import yaml

from reportgen.ledger.excel.cellvalues import number_text
from reportgen.ledger.excel.layout import PROJECTS_SHEET
from reportgen.ledger.keys import (
    BANNER,
    BANNER_KEYS,
    COLOPHON,
    COLOPHON_ORDER,
    COLUMN_KEYS,
    COPY_TO,
    DECLARED_TABLE_OPTIONAL,
    DECLARED_TABLE_REQUIRED,
    FIGURE_ORDER,
    FIGURES,
    FUNDING_SOURCES,
    NAMES,
    PERIOD,
    PERIOD_KEYS,
    PROJECTS,
    QUOTIENT_KEYS,
    ROW_GROUP_KEYS,
    SECTION_ORDER,
    SECTIONS,
    SUBSECTIONS,
    TABLE,
    TABLE_KEYS,
    TABLES,
    TARGET_TABLE,
    TARGET_TABLE_KEYS,
    TITLE,
    TOP_ORDER,
)
from reportgen.model import TARGET_WORDS

HEADER = (
    "# reportgen 台账（YAML）。字段说明见 docs/ledger.md；检查：reportgen check 本文件。\n"
    "# 由 reportgen 写出：与 Excel 台账互相转换时，注释、批注和格式不保留。\n\n"
)
_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_PROJECT_ORDER = tuple(dict.fromkeys(column.key[0] for column in PROJECTS_SHEET.columns))  # the workbook's
_SPACED = tuple(f"{key}:" for key in (FIGURES, "导语", SECTIONS, "结语", TABLE, TABLES, COLOPHON))
# A declared table as docs/tables.md writes it: 编号, 标题, 列 … (行 before the 合计 settings).
_DECLARED_ORDER = (
    *DECLARED_TABLE_REQUIRED[:3],
    *DECLARED_TABLE_OPTIONAL[:2],
    "行",
    *DECLARED_TABLE_OPTIONAL[2:],
)
_WIDTH = 1 << 30  # never fold a line: Chinese text has no spaces to fold at
# The tag YAML gives a plain scalar (int, float, timestamp …), so a number or date is written plain.
_implicit_tag: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = yaml.resolver.Resolver().resolve


class _Dumper(yaml.SafeDumper):
    """Block sequences indented under their key, and double quotes where PyYAML picks single."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        style: str = super().choose_scalar_style()
        return '"' if style == "'" else style


def yaml_text(data: Mapping[str, object]) -> str:
    """The YAML text of a validated ledger's plain values."""
    node = _mapping(data, TOP_ORDER, _top_child)
    body = yaml.serialize(node, Dumper=_Dumper, allow_unicode=True, width=_WIDTH)
    lines = [("\n" + line if line.startswith(_SPACED) else line) for line in body.splitlines()]
    return HEADER + "\n".join(lines) + "\n"


Child = Any  # (key, value) → node


def _top_child(key: str, value: object) -> yaml.Node:
    if key == FIGURES and isinstance(value, Mapping):
        return _mapping(value, (), lambda _, spec: _mapping(spec, FIGURE_ORDER, _flow, flow=True))
    if key in ("主送机关", NAMES):
        return _flow(key, value)
    if key == BANNER and isinstance(value, Mapping):
        return _mapping(value, BANNER_KEYS, _flow)
    if key == PERIOD:
        return _mapping(value, PERIOD_KEYS, _block) if isinstance(value, Mapping) else _scalar(value)
    if key == SECTIONS:
        return _sections(value)
    if key == TARGET_TABLE:
        return _mapping(value, TARGET_TABLE_KEYS, _flow)
    if key == COLOPHON:  # 抄送 on one line, like 主送机关
        return _mapping(value, COLOPHON_ORDER, lambda k, v: _flow(k, v) if k == COPY_TO else _block(k, v))
    if key == TABLE and isinstance(value, Mapping):
        return _mapping(value, TABLE_KEYS, _table_child)
    if key == TABLES and isinstance(value, list):
        return yaml.SequenceNode(_SEQ, [_mapping(item, _DECLARED_ORDER, _declared_child) for item in value])
    return _block(key, value)


def _declared_child(key: str, value: object) -> yaml.Node:
    """A declared table's parts: each column, spanner and data row on one line, groups as blocks."""
    if key == "列" and isinstance(value, list):
        return yaml.SequenceNode(_SEQ, [_mapping(c, COLUMN_KEYS, _flow, flow=True) for c in value])
    if key == "行":
        return _declared_rows(value)
    if key in (TITLE, "编号", "合计行", "合计名称"):
        return _block(key, value)
    if key == "表头" and isinstance(value, list):
        return yaml.SequenceNode(_SEQ, [_node(item, flow=True) for item in value])
    return _flow(key, value)


def _declared_rows(value: object) -> yaml.Node:
    if not isinstance(value, list):
        return _block("", value)
    items: list[yaml.Node] = []
    for row in value:
        if isinstance(row, Mapping) and "分组" in row:
            own = [k for k in row if k not in ROW_GROUP_KEYS]
            order = ("分组", *own, "核对", "小计", "小计公布值", "行")
            items.append(_mapping(row, order, _group_child))
        else:
            items.append(_mapping(row, (), _flow, flow=True))
    return yaml.SequenceNode(_SEQ, items)


def _group_child(key: str, value: object) -> yaml.Node:
    return _declared_rows(value) if key == "行" else _flow(key, value)


def _table_child(key: str, value: object) -> yaml.Node:
    if key == PROJECTS and isinstance(value, list):
        return yaml.SequenceNode(_SEQ, [_mapping(item, _PROJECT_ORDER, _project_child) for item in value])
    return _block(key, value)


def _project_child(key: str, value: object) -> yaml.Node:
    if key == "资金来源" and isinstance(value, Mapping):
        return _mapping(value, FUNDING_SOURCES, _flow, flow=True)
    return _flow(key, value)  # scalars stay scalars; {数值, 单位} and {指标} on one line


def _sections(value: object) -> yaml.Node:
    if not isinstance(value, list):
        return _block("", value)
    return yaml.SequenceNode(_SEQ, [_mapping(item, SECTION_ORDER, _section_child) for item in value])


def _section_child(key: str, value: object) -> yaml.Node:
    return _sections(value) if key == SUBSECTIONS else _block(key, value)


def _block(_: str, value: object) -> yaml.Node:
    return _node(value, flow=False)


def _flow(_: str, value: object) -> yaml.Node:
    return _node(value, flow=True)


def _mapping(value: object, order: Sequence[str], child: Child, *, flow: bool = False) -> yaml.Node:
    if not isinstance(value, Mapping):
        return _node(value, flow=flow)
    rank = {key: index for index, key in enumerate(order)}
    keys = sorted((k for k in value if value[k] is not None), key=lambda k: rank.get(k, len(rank)))
    pairs = [(_scalar(str(key)), child(str(key), value[key])) for key in keys]
    return yaml.MappingNode(_MAP, pairs, flow_style=flow)


def _node(value: object, *, flow: bool) -> yaml.Node:
    if isinstance(value, Mapping):
        return _mapping(
            value,
            (*TARGET_WORDS, "数值", "单位", FIGURES, *QUOTIENT_KEYS),
            _flow if flow else _block,
            flow=flow,
        )
    if isinstance(value, list | tuple):
        return yaml.SequenceNode(_SEQ, [_node(item, flow=flow) for item in value], flow_style=flow)
    return _scalar(value)


def _scalar(value: object) -> yaml.ScalarNode:
    if isinstance(value, bool):
        return yaml.ScalarNode(_STR, "是" if value else "否")
    if isinstance(value, int | Decimal):
        text = number_text(value)
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    else:
        return yaml.ScalarNode(_STR, "" if value is None else str(value))
    tag = _implicit_tag(yaml.ScalarNode, text, (True, False))
    return yaml.ScalarNode(tag, text)
