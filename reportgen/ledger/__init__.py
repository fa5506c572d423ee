"""Load & validate: the first layer. A YAML ledger file becomes a checked ``model.Ledger`` or a
``LedgerError`` listing every problem with its file, line, field path, value and expectation."""

from __future__ import annotations

from pathlib import Path

from reportgen.ledger.schema import build_ledger
from reportgen.ledger.yamlread import parse_yaml, read_yaml
from reportgen.model import Ledger

__all__ = ["load_ledger", "parse_ledger"]


def load_ledger(path: str | Path) -> Ledger:
    """Read and validate the ledger at ``path``."""
    source = Path(path)
    return build_ledger(read_yaml(source), source)


def parse_ledger(text: str | bytes, name: str = "<台账>") -> Ledger:
    """Validate ledger text held in memory (tests, pipelines that build YAML themselves)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return build_ledger(parse_yaml(raw, name), Path(name))
