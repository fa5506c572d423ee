"""Load & validate: the first layer. A ledger file — YAML, or an Excel workbook laid out by
``excel.layout`` — becomes a checked ``model.Ledger`` or a ``LedgerError`` listing every problem
with its place (file and line, or ``sheet!cell``), value and expectation.  Both formats give the
same plain values to one schema, and ``convert`` writes either from them."""

from __future__ import annotations

from pathlib import Path

from reportgen.ledger.convert import WRITABLE, example_bytes, ledger_bytes, read_ledger
from reportgen.ledger.excel.extract import is_workbook
from reportgen.ledger.excel.read import load_workbook, parse_workbook_ledger
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.yaml.read import parse_yaml, read_yaml
from reportgen.model import Ledger

__all__ = ["WRITABLE", "example_bytes", "ledger_bytes", "load_ledger", "parse_ledger", "read_ledger"]


def load_ledger(path: str | Path, needs: NeedsOf | None = None) -> Ledger:
    """Read and validate the ledger at ``path``: a workbook by its suffix (.xlsx, .xlsm), else YAML.

    ``needs`` gives the parts the ledger's 类型 requires (``schema.build_ledger``), for a workbook too."""
    source = Path(path)
    if is_workbook(source):
        return load_workbook(source, needs)
    return build_ledger(read_yaml(source), source, needs, files=source.parent)


def parse_ledger(text: str | bytes, name: str = "<台账>", needs: NeedsOf | None = None) -> Ledger:
    """Validate a ledger held in memory (tests, batches, pipelines that build ledgers themselves):
    workbook bytes (by ``name``'s suffix or the zip signature), else YAML text."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if is_workbook(name, raw):
        return parse_workbook_ledger(raw, Path(name), needs)
    return build_ledger(parse_yaml(raw, name), Path(name), needs)
