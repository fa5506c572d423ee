"""Report kinds as template packs: which templates a 社会救助 summary or a 新闻发布稿 is drawn with.

A bureau writes several kinds of report from the same figures (the five samples/*.yaml reproduce one
published report of each kind).  Each kind is a folder
``templates/<id>/`` holding a ``kind.yaml`` (its 类型, name, the ledger parts it needs, its sample)
and whichever templates it draws differently; anything it lacks comes from ``templates/`` itself,
so a pack can be as small as its ``kind.yaml``.  A user adds or overrides a kind with a folder of
their own (``--templates DIR`` → ``DIR/<id>/kind.yaml``) without touching the package.

The ledger's ``类型`` picks the kind (``--kind`` overrides it); an unknown 类型 is an error that lists
the known ones.  A kind's ``需要`` says which ledger parts it requires, lets go without or does not use
(``ledger.parts``): the loader applies it with every other check (``needs_of``), ``check_parts`` again
for a ledger drawn as another kind.  Its ``表格位置`` says where the ledger's tables go when a table
gives no 位置 of its own (附件, or 正文 for a 公示 whose list is what it publishes); the document is built
with it (``document.build``), so a ledger drawn as another kind follows that kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportgen.base.errors import LedgerError, Problem, TemplateError
from reportgen.base.inputfile import read_input
from reportgen.ledger.fields import FieldReader
from reportgen.ledger.keys import PLACEMENT_SECTION, PLACEMENTS
from reportgen.ledger.parts import REQUIRED, Needs, NeedsOf, read_needs, unmet
from reportgen.ledger.yaml.read import parse_yaml
from reportgen.model import DIRECTIONS, Ledger

KIND_FILE = "kind.yaml"
MAX_KIND_BYTES = 1024 * 1024  # a kind.yaml is a few hundred bytes; anything near this is not one
KIND_KEYS = ("类型", "名称", "说明", "示例", "需要", "版式", "落款", "正文栏", "表格位置", "行文")
LAYOUTS = ("公文", "网页", "发布稿", "登记表")


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of report: its 类型 (what a ledger says), its pack folder(s) and what it needs."""

    id: str  # the folder name: ASCII, safe in archives and on every file system
    type_name: str  # 类型, as written in a ledger
    title: str  # 名称: what the kind is called in lists
    description: str
    sample: str  # 示例: a ledger that shows the kind, relative to the repository
    needs: Needs  # 需要: the ledger parts the kind requires, lets go without, does not use
    layout: str  # 公文 (GB/T 9704), 网页, 发布稿, 登记表
    folders: tuple[Path, ...]  # template folders of the kind, the user's before the built-in one
    signature: bool = True  # 落款: whether the document ends with the 署名 and 成文日期 block
    body_row: str = ""  # 正文栏: the 要素 row of a form (登记表) whose cell holds the narrative
    table_placement: str = PLACEMENTS[0]  # 表格位置: where a declared table without 位置 goes, 附件 or 正文

    @property
    def required(self) -> tuple[str, ...]:
        """The parts its kind.yaml lists as required (落款, 成文日期, 期间 are too unless it says not)."""
        return tuple(part for part, state in self.needs.declared if state == REQUIRED)


def find_kinds(template_dirs: Iterable[Path], builtin: Path) -> tuple[Kind, ...]:
    """Every kind in the user's folders and the built-in ``templates/``, sorted by folder id.

    A user's kind with the 类型 of a built-in one replaces it (its folder is searched first and the
    built-in pack's templates remain the fallback).
    """
    return _find_kinds(tuple(Path(d).resolve() for d in template_dirs), builtin.resolve())


@lru_cache(maxsize=32)
def _find_kinds(template_dirs: tuple[Path, ...], builtin: Path) -> tuple[Kind, ...]:
    found: dict[str, Kind] = {}
    for root in (*template_dirs, builtin):
        if not root.is_dir():
            continue
        for kind_file in sorted(root.glob(f"*/{KIND_FILE}")):
            kind = _read_kind(kind_file)
            if kind.type_name in found:  # an earlier (user) folder already has it: add the fallback
                first = found[kind.type_name]
                found[kind.type_name] = dataclasses.replace(first, folders=(*first.folders, kind_file.parent))
            else:
                found[kind.type_name] = kind
    return tuple(sorted(found.values(), key=lambda k: k.id))


def _read_kind(path: Path) -> Kind:
    """Read and validate one ``kind.yaml``; problems are RG311 naming the file and the field."""
    raw = read_input(
        path, limit=MAX_KIND_BYTES, error=TemplateError, code="RG311", expected="报告类型定义文件"
    )
    try:
        document = parse_yaml(raw, path)
    except LedgerError as exc:
        raise TemplateError(Problem("RG311", f"无法读取报告类型定义：{exc}", file=path)) from None
    reader = FieldReader(document, path)
    fields = reader.mapping(document.data, (), required=("类型", "名称"), optional=KIND_KEYS[2:]) or {}
    type_name = reader.text(fields.get("类型"), ("类型",))
    layout = reader.text(fields.get("版式"), ("版式",), required=False) or "公文"
    if layout not in LAYOUTS:
        reader.report("RG105", f"未知的版式“{layout}”", ("版式",), layout, "、".join(LAYOUTS))
    direction = reader.text(fields.get("行文"), ("行文",), required=False)
    if direction and direction not in DIRECTIONS:
        reader.report("RG105", f"未知的行文方向“{direction}”", ("行文",), direction, "、".join(DIRECTIONS))
    kind = Kind(
        id=path.parent.name,
        type_name=type_name,
        title=reader.text(fields.get("名称"), ("名称",)),
        description=reader.prose(fields.get("说明"), ("说明",), required=False),
        sample=reader.text(fields.get("示例"), ("示例",), required=False),
        needs=dataclasses.replace(read_needs(reader, fields.get("需要"), type_name), direction=direction),
        layout=layout,
        folders=(path.parent,),
        signature=reader.boolean(fields.get("落款"), ("落款",), default=True),
        body_row=reader.text(fields.get("正文栏"), ("正文栏",), required=False),
        table_placement=_table_placement(reader, fields.get("表格位置")),
    )
    if kind.body_row and kind.table_placement == PLACEMENTS[1]:
        message = (
            f"表格位置“{PLACEMENTS[1]}”与正文栏“{kind.body_row}”不能同用：正文写在登记表的一格里，容不下表格"
        )
        reader.report(
            "RG105", message, ("表格位置",), PLACEMENTS[1], f"表格位置: {PLACEMENTS[0]}，或删去正文栏"
        )
    if reader.problems:
        details = "；".join(p.describe() for p in reader.problems)
        raise TemplateError(Problem("RG311", f"报告类型定义有误：{details}", file=path))
    return kind


def _table_placement(reader: FieldReader, value: object) -> str:
    """表格位置: where the kind's declared tables go when a table says no 位置 of its own — 附件 (the
    default) or 正文 (the end of the body; a 公示 publishes its list there, a form is its tables).

    Only the two places every ledger has: ``{章节: 标题}`` names a section of one ledger, and no kind
    knows the section titles of the ledgers drawn with it (RG127 would meet every other one)."""
    if value is None:
        return PLACEMENTS[0]
    at = ("表格位置",)
    expected = (
        f"{'或'.join(PLACEMENTS)}（放在某一章节之后，由每张表的 位置: {{{PLACEMENT_SECTION}: 标题}} 指定）"
    )
    if isinstance(value, dict):
        reader.report("RG105", "表格位置不能指定章节：各台账的章节标题不同", at, None, expected)
        return PLACEMENTS[0]
    text = reader.text(value, at)
    if text not in PLACEMENTS:
        reader.report("RG105", f"不认识的表格位置“{text}”", at, text, expected)
        return PLACEMENTS[0]
    return text


def _lookup(kinds: tuple[Kind, ...], name: str) -> Kind | None:
    return next((kind for kind in kinds if name in (kind.type_name, kind.id)), None)


def kind_named(kinds: Iterable[Kind], type_name: str, *, file: Path | None = None) -> Kind:
    """The kind whose 类型 (or folder id) is ``type_name``; RG117 listing the known ones otherwise."""
    known = tuple(kinds)
    found = _lookup(known, type_name)
    if found is not None:
        return found
    names = "、".join(f"{k.type_name}（{k.id}）" for k in known)
    raise LedgerError(
        Problem(
            "RG117",
            f"没有“{type_name}”这种报告类型",
            file=file,
            place="类型",
            value=type_name,
            expected=f"已有的类型之一：{names}；或在 --templates 目录中添加 <编号>/kind.yaml",
        )
    )


def needs_of(kinds: Iterable[Kind], chosen: str | None = None) -> NeedsOf:
    """What the loader asks of a ledger whose 类型 is given: the needs of ``chosen`` (``--kind``) or of
    that 类型; None for a kind not among ``kinds`` (the report then says RG117, not a missing part)."""
    known = tuple(kinds)

    def needs(type_name: str) -> Needs | None:
        found = _lookup(known, chosen or type_name)
        return found.needs if found is not None else None

    return needs


def check_parts(kind: Kind, ledger: Ledger) -> None:
    """RG104 for each part the kind needs and the ledger lacks, RG103 for each it has and the kind
    does not use (all of them at once); the loader checked them already when it knew the kind."""
    problems = [
        Problem(code, message, file=ledger.source, place=part, expected=expected)
        for code, part, message, expected in unmet(kind.needs, ledger)
    ]
    if problems:
        raise LedgerError(*problems)
