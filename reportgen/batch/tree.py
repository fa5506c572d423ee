"""Units before their parents: a batch's ledgers with ``汇总`` wait for the units they sum.

A ledger that sums units (``汇总``) is held back from the first wave.  After the first wave the held
ones are ordered by level — a 县 whose 乡镇 are in the batch before the 市 that sums the 县 — and each
level runs as a wave of its own on the same executor.  A parent is handed the summaries (computed
figures) of its units that this batch rendered, so every level prints from the same figures and no unit
is loaded twice; a unit the batch skipped or did not render is loaded by the parent itself.  A parent
whose unit failed fails too, naming it (RG507), and so do its own parents; the rest goes on.

Which summaries to keep is known only from the parents' lists of units, so when the batch is given a
list (the command line, most callers) it reads its ledger files once beforehand (``wanted_units``) and
keeps just those; given a lazy stream, a parent loads its units itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from reportgen.base.errors import ReportError
from reportgen.ledger.excel.sniff import is_workbook
from reportgen.ledger.keys import ROLLUP
from reportgen.ledger.yaml.read import read_ledger_file
from reportgen.rollup import unit_files
from reportgen.rollup.units import LEDGER_SUFFIXES, MAX_DEPTH

MARK = ROLLUP.encode("utf-8")  # a YAML ledger without these bytes has no 汇总: not parsed to find out


def file_key(name: str | Path) -> str:
    """How a unit's ledger file is named between the batch and the roll-up: its resolved path."""
    return str(Path(name).resolve())


def units_of(raw: bytes, name: str) -> tuple[str, ...] | None:
    """The keys of the units a ledger file's bytes sum (None: it sums none); RG130 is raised."""
    if MARK not in raw and not is_workbook(name, raw):  # a workbook's text is zipped: ``unit_files`` looks
        return None
    files = unit_files(raw, name, Path(name).resolve().parent)
    return tuple(str(path) for path in files) if files else None


def wanted_units(items: Iterable[object]) -> set[str]:
    """The keys of every unit some listed ledger file sums: the summaries a batch keeps.  A file that
    cannot be read or whose 汇总 is wrong is skipped here; its own unit reports it."""
    wanted: set[str] = set()
    for item in items:
        if not isinstance(item, (str, Path)) or Path(item).suffix.lower() not in LEDGER_SUFFIXES:
            continue
        try:
            units = units_of(read_ledger_file(Path(item)), str(item))
        except ReportError:
            continue
        wanted.update(units or ())
    return wanted


def levels(parents: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Each parent's wave: 1 + the highest wave of its units that are parents in the batch (a unit not
    held back ran in wave 0).  A cycle or a tree deeper than ``MAX_DEPTH`` is cut there: the parent's
    own load reports it (RG130)."""
    found: dict[str, int] = {}

    def level(key: str, depth: int) -> int:
        if key in found:
            return found[key]
        if depth > MAX_DEPTH:
            return 1
        found[key] = 1  # while its units are visited: a cycle back to it ends here
        found[key] = 1 + max((level(unit, depth + 1) for unit in parents[key] if unit in parents), default=0)
        return found[key]

    for key in parents:
        level(key, 0)
    return found


def tree_digest(raw: bytes, name: str) -> bytes:
    """A hash of every ledger file under a parent (its units, theirs …), for the parent's fingerprint:
    a parent is rendered again when any unit below it changed, though its own file did not."""
    digest = hashlib.sha256()
    seen: set[str] = set()

    def visit(data: bytes, file: str, depth: int) -> None:
        try:
            units = units_of(data, file)
        except ReportError:
            units = None  # the parent's load reports it; its bytes are in the fingerprint already
        for unit in units or ():
            if unit in seen or depth > MAX_DEPTH:
                continue
            seen.add(unit)
            try:
                unit_raw = read_ledger_file(Path(unit))
            except ReportError:
                unit_raw = b""
            digest.update(unit.encode() + b"\0" + hashlib.sha256(unit_raw).digest())
            visit(unit_raw, unit, depth + 1)

    visit(raw, name, 0)
    return digest.digest()
