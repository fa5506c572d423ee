"""Ledgers between YAML and Excel, and the example ledger that ``reportgen init`` writes.

A ledger is converted only after it validated completely (an invalid one raises the usual
``LedgerError`` and nothing is produced), from the plain values its reader produced: the YAML
writer and the workbook writer both take those values, and each reader gives back values that
write the same bytes again, so converting back and forth is lossless and stable.  The example is
one YAML file (``templates/ledger/示例台账.yaml``), the single source of both blank ledgers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from reportgen.base.resources import example_ledger
from reportgen.ledger.excel.read import read_workbook, validate_workbook
from reportgen.ledger.excel.sniff import WORKBOOK_SUFFIXES, is_workbook
from reportgen.ledger.excel.write import workbook_bytes
from reportgen.ledger.keys import PERIOD, ROLLUP
from reportgen.ledger.parts import NeedsOf
from reportgen.ledger.schema import build_ledger
from reportgen.ledger.yaml.read import parse_yaml, read_yaml
from reportgen.ledger.yaml.write import yaml_text
from reportgen.model import Ledger

YAML_SUFFIXES = (".yaml", ".yml")
WRITABLE = (".xlsx", *YAML_SUFFIXES)


def read_ledger(
    path: Path, needs: NeedsOf | None = None, *, tree: Callable[[Path, NeedsOf | None], Ledger] | None = None
) -> tuple[Mapping[str, object], Ledger]:
    """The plain values of the ledger at ``path`` (YAML or workbook) and the validated ledger
    (``needs``: the parts its 类型 requires, ``schema.build_ledger``).

    A ledger that sums its units (``汇总``) validates only with them: ``tree`` loads it so
    (``rollup.load_ledger_tree``, a layer above this one, hence given by the caller) while its plain
    values, which are converted, keep ``汇总`` and ``行: 下级`` as written.  Without ``tree`` such a
    ledger is RG130, as wherever the schema meets 汇总."""
    if is_workbook(path):
        document, early = read_workbook(path)
        if tree is not None and _sums(document.data):
            ledger = tree(path, needs)
        else:
            ledger = validate_workbook(document, early, path, needs, files=path.parent)
    else:
        document = read_yaml(path)
        if tree is not None and _sums(document.data):
            ledger = tree(path, needs)
        else:
            ledger = build_ledger(document, path, needs, files=path.parent)
    assert isinstance(document.data, Mapping)  # a ledger validated, so its top is a mapping
    if ledger.period is None and document.data.get(PERIOD) == {}:  # a workbook's blank 年度/月份: no 期间
        return {key: value for key, value in document.data.items() if key != PERIOD}, ledger
    return document.data, ledger


def _sums(data: object) -> bool:
    return isinstance(data, Mapping) and ROLLUP in data


def ledger_bytes(data: Mapping[str, object], target: Path) -> bytes:
    """The ledger's values in the format ``target``'s suffix names (.xlsx, .yaml, .yml)."""
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return workbook_bytes(data)
    if suffix in YAML_SUFFIXES:
        return yaml_text(data).encode("utf-8")
    raise ValueError(f"no ledger format for {target.name}: use one of {', '.join(WRITABLE)}")


def example_bytes(target: Path, example: Path | None = None, needs: NeedsOf | None = None) -> bytes:
    """The example ledger (or ``example``, a kind's sample ledger, valid with its kind's ``needs``)
    in ``target``'s format; the YAML one is the file itself, with its comments."""
    example = example or example_ledger()
    raw = example.read_bytes()
    document = parse_yaml(raw, example)
    build_ledger(document, example, needs)  # the examples are valid (tested); a broken edit fails here
    if target.suffix.lower() in YAML_SUFFIXES:
        return raw
    assert isinstance(document.data, Mapping)
    return ledger_bytes(document.data, target)


__all__ = ["WORKBOOK_SUFFIXES", "WRITABLE", "example_bytes", "ledger_bytes", "read_ledger"]
