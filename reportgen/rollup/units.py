"""Where a parent ledger's units are: ``汇总.下级`` read into ledger files, confined to the parent's folder.

A unit is a ledger file (YAML or workbook) or a folder of them.  The names come from a ledger, which is
untrusted: every path must stay inside the parent ledger's own folder once links are resolved (a clerk's
``../`` or an absolute path is RG130, as for the 印章), a folder is read one level deep, and the number
of units and the depth of the tree are bounded, so a hostile tree can neither leave the job's files nor
make a load unbounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen.base.errors import LedgerError
from reportgen.ledger.fields import FieldReader
from reportgen.ledger.keys import ROLLUP
from reportgen.ledger.plain import PlainLedger

CHILDREN = "下级"  # the files and folders of the units
FIGURES = "指标"  # the figure ids summed from the units
ROSTER = "名单"  # the units expected, by 填报单位: a folder then cannot silently miss or gain one
ROLLUP_KEYS = (CHILDREN, FIGURES, ROSTER)
LEDGER_SUFFIXES = (".yaml", ".yml", ".xlsx", ".xlsm")
MAX_UNITS = 5000  # units of one parent
MAX_DEPTH = 8  # 村 → 乡镇 → 县 → 市 → 省 has 5 levels


@dataclass(frozen=True, slots=True)
class Declaration:
    """A parent's ``汇总`` as read: its units' files (resolved, in the order the ledger gives them,
    a folder's files by name), each with the text a message shows, and the figure ids to sum."""

    files: tuple[tuple[Path, str], ...]
    figure_ids: tuple[tuple[str, int], ...]  # (id, its position in 汇总.指标, 1-based)
    roster: tuple[str, ...] = ()  # 名单: the units' names expected (empty: not said)


def read_declaration(plain: PlainLedger, source: Path, folder: Path) -> Declaration:
    """``汇总`` of ``plain`` (the ledger at ``source``, whose units are in ``folder``); RG130 for every
    problem at once, each naming its place."""
    reader = FieldReader(plain, source)
    data = plain.data
    assert isinstance(data, dict)  # the caller found 汇总 in it
    fields = reader.mapping(data[ROLLUP], (ROLLUP,), required=(CHILDREN,), optional=(FIGURES, ROSTER)) or {}
    files: list[tuple[Path, str]] = []
    root = folder.resolve()
    own = source.resolve()
    for i, item in enumerate(reader.sequence(fields.get(CHILDREN), (ROLLUP, CHILDREN)), start=1):
        at = (ROLLUP, CHILDREN, i)
        written = reader.text(item, at)
        if written:
            files.extend(_unit_files(reader, written, root, own, at))
    if fields.get(CHILDREN) is not None and not files and not reader.problems:
        reader.report("RG130", "“汇总”没有下级台账", (ROLLUP, CHILDREN), None, "至少一个下级台账")
    seen: dict[Path, int] = {}
    for index, (path, shown) in enumerate(files):
        if path in seen:
            reader.report(
                "RG130", f"下级台账“{shown}”列了两次", (ROLLUP, CHILDREN), shown, "每个下级只列一次"
            )
        seen.setdefault(path, index)
    if len(files) > MAX_UNITS:
        reader.report(
            "RG130", f"下级台账有 {len(files)} 个", (ROLLUP, CHILDREN), None, f"不超过 {MAX_UNITS} 个"
        )
    ids = _figure_ids(reader, fields)
    roster = _roster(reader, fields)
    if reader.problems:
        raise LedgerError(*reader.problems)
    return Declaration(tuple(files), ids, roster)


def read_figure_ids(plain: PlainLedger, source: Path, units: Sequence[str]) -> Declaration:
    """``汇总`` of a ledger held in memory whose units the caller gives (``units``, the names shown in
    messages): only ``指标``; a ``下级`` of files as well is RG130 (which of them would be summed?)."""
    reader = FieldReader(plain, source)
    data = plain.data
    fields: dict[str, object] = {}
    if not isinstance(data, dict) or ROLLUP not in data:
        reader.report(
            "RG130", "给出了下级（units），台账却没有“汇总”", (ROLLUP,), None, "汇总: {指标: [编号, …]}"
        )
    else:
        fields = (
            reader.mapping(data[ROLLUP], (ROLLUP,), required=(FIGURES,), optional=(CHILDREN, ROSTER)) or {}
        )
        if fields.get(CHILDREN) is not None:
            reader.report(
                "RG130",
                "给出了下级（units），“汇总”又写了“下级”文件：不知道该汇总哪些",
                (ROLLUP, CHILDREN),
                None,
                "二者取其一：在程序中给出 units 时删去“下级”",
            )
    if not units:
        reader.report("RG130", "“汇总”没有下级台账", (ROLLUP,), None, "units 中至少一个下级")
    ids = _figure_ids(reader, fields)
    roster = _roster(reader, fields)
    if reader.problems:
        raise LedgerError(*reader.problems)
    return Declaration(tuple((Path(shown), shown) for shown in units), ids, roster)


def _figure_ids(reader: FieldReader, fields: dict[str, object]) -> tuple[tuple[str, int], ...]:
    ids: list[tuple[str, int]] = []
    for i, item in enumerate(reader.sequence(fields.get(FIGURES), (ROLLUP, FIGURES)), start=1):
        figure_id = reader.text(item, (ROLLUP, FIGURES, i))
        if figure_id and figure_id in [f for f, _ in ids]:
            reader.report(
                "RG130", f"指标“{figure_id}”列了两次", (ROLLUP, FIGURES, i), figure_id, "每个编号只列一次"
            )
        elif figure_id:
            ids.append((figure_id, i))
    return tuple(ids)


def _roster(reader: FieldReader, fields: dict[str, object]) -> tuple[str, ...]:
    """名单: the units' 填报单位 the parent expects, each once."""
    names: list[str] = []
    for i, item in enumerate(reader.sequence(fields.get(ROSTER), (ROLLUP, ROSTER)), start=1):
        name = reader.text(item, (ROLLUP, ROSTER, i))
        if name in names:
            reader.report("RG130", f"名单中“{name}”列了两次", (ROLLUP, ROSTER, i), name, "每个下级只列一次")
        elif name:
            names.append(name)
    return tuple(names)


def _unit_files(
    reader: FieldReader, written: str, root: Path, own: Path, at: tuple[str | int, ...]
) -> list[tuple[Path, str]]:
    """The ledger files ``written`` names: itself, or a folder's ledgers (not the parent itself, not
    hidden files or Excel's ``~$`` lock files), each confined to ``root``."""
    relative = PurePosixPath(written.strip().replace("\\", "/"))
    expected = "台账所在文件夹中的文件或文件夹，如 乡镇/ 或 乡镇/东风镇.yaml"
    if relative.is_absolute() or ".." in relative.parts or ":" in written:
        reader.report("RG130", "下级须在本台账所在的文件夹或其子文件夹中", at, written, expected)
        return []
    target = root.joinpath(*relative.parts)
    if not _inside(target, root):
        reader.report("RG130", "下级经链接指向了本台账所在文件夹以外", at, written, expected)
        return []
    if target.is_dir():
        entries = sorted(
            entry
            for entry in target.iterdir()
            if entry.suffix.lower() in LEDGER_SUFFIXES
            and not entry.name.startswith((".", "~$"))
            and entry.is_file()
            and entry.resolve() != own
        )
        found = [
            (entry.resolve(), f"{written.rstrip('/')}/{entry.name}")
            for entry in entries
            if _inside(entry, root)
        ]
        if not found:
            reader.report("RG130", "文件夹中没有台账（.yaml、.yml、.xlsx）", at, written, expected)
        return found
    if not target.is_file() or target.suffix.lower() not in LEDGER_SUFFIXES:
        reader.report("RG130", "下级台账不存在或不是台账文件", at, written, expected)
        return []
    if target.resolve() == own:
        reader.report("RG130", "下级不能是本台账自己", at, written, "其他台账")
        return []
    return [(target.resolve(), written)]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (OSError, ValueError):
        return False
    return True
