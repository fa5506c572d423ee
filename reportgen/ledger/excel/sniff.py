"""Is this ledger a workbook?  By its name or its first bytes, without importing openpyxl.

Apart from ``extract`` (which reads workbooks with openpyxl) so that loading a YAML ledger, and
``reportgen check`` on one, never pays for openpyxl's import (issue 18, part 6); a ledger read from
standard input has no name, only bytes, and is sniffed by them.
"""

from __future__ import annotations

from pathlib import Path

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Spreadsheet formats openpyxl cannot read: say how to save the file instead of "not UTF-8".
OTHER_SPREADSHEETS = (".xls", ".et", ".ods", ".numbers")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .et, old .doc


def is_workbook(name: Path | str, raw: bytes | None = None) -> bool:
    """Whether ``name`` (or, if given, the bytes) is an Excel workbook rather than a YAML ledger."""
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES + OTHER_SPREADSHEETS:
        return True
    return raw is not None and raw[:4] in (ZIP_MAGIC, OLE_MAGIC)
