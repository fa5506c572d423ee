"""Load & validate: the first layer. A ledger file — YAML, or an Excel workbook laid out by
``excel.layout`` — becomes a checked ``model.Ledger`` or a ``LedgerError`` listing every problem
with its place (file and line, or ``sheet!cell``), value and expectation.  Both formats give the
same plain values to one schema, and ``convert`` writes either from them; so do Python values
(``values``: a ledger built in code), whose problems name their field path."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.ledger.excel.sniff import is_workbook
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.values import read_values
from reportgen.ledger.yaml.read import parse_yaml, read_yaml
from reportgen.model import Ledger

if TYPE_CHECKING:
    from reportgen.ledger.convert import WRITABLE, example_bytes, ledger_bytes, read_ledger

__all__ = [
    "WRITABLE",
    "example_bytes",
    "ledger_bytes",
    "ledger_from_data",
    "load_ledger",
    "parse_ledger",
    "read_ledger",
]

# Writing workbooks and converting need openpyxl: imported on first use, so that loading a YAML
# ledger (``reportgen check`` on one) does not pay for it (issue 18, part 6).
_CONVERT = ("WRITABLE", "example_bytes", "ledger_bytes", "read_ledger")


def __getattr__(name: str) -> object:
    if name not in _CONVERT:
        raise AttributeError(f"module 'reportgen.ledger' has no attribute {name!r}")
    return getattr(importlib.import_module("reportgen.ledger.convert"), name)


def load_ledger(path: str | Path, needs: NeedsOf | None = None) -> Ledger:
    """Read and validate the ledger at ``path``: a workbook by its suffix (.xlsx, .xlsm), else YAML.

    ``needs`` gives the parts the ledger's 类型 requires (``schema.build_ledger``), for a workbook too."""
    source = Path(path)
    if is_workbook(source):
        from reportgen.ledger.excel.read import load_workbook

        return load_workbook(source, needs)
    return build_ledger(read_yaml(source), source, needs, files=source.parent)


def parse_ledger(
    text: str | bytes, name: str = "<台账>", needs: NeedsOf | None = None, *, files: Path | None = None
) -> Ledger:
    """Validate a ledger held in memory (tests, batches, pipelines that build ledgers themselves):
    workbook bytes (by ``name``'s suffix or the zip signature), else YAML text.  ``files`` is the
    folder it may name files in (its 印章), as for a ledger read from that folder; None: none."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if is_workbook(name, raw):
        from reportgen.ledger.excel.read import parse_workbook_ledger

        return parse_workbook_ledger(raw, Path(name), needs, files=files)
    return build_ledger(parse_yaml(raw, name), Path(name), needs, files=files)


def ledger_from_data(data: object, name: str = "<台账>", needs: NeedsOf | None = None) -> Ledger:
    """Validate a ledger given as Python values (``values.read_values``): the same schema and coded
    problems as a file, each naming its field path.  Like any ledger held in memory it may name no
    file (印章)."""
    return build_ledger(read_values(data, name), Path(name), needs)
