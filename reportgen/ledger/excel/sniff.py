"""Is this ledger a workbook?  By its name or its first bytes, without importing openpyxl.

Apart from ``extract`` (which reads workbooks with openpyxl) so that loading a YAML ledger, and
``reportgen check`` on one, never pays for openpyxl's import (issue 18, part 6); a ledger read from
standard input has no name, only bytes, and is sniffed by them.  ``workbook_mentions`` looks for a
word in a workbook's text the same way (an unzip, no openpyxl), so that a batch finds the few workbooks
worth reading in full.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.base import boundedzip
from reportgen.base.boundedzip import ZipLimits

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


MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all zip members together, once inflated
XLSX_LIMITS = ZipLimits(members=10_000, member_bytes=MAX_UNPACKED_BYTES, total_bytes=MAX_UNPACKED_BYTES)
_TEXT_MEMBERS = ("xl/sharedStrings.xml", "xl/worksheets/")


def workbook_mentions(raw: bytes, word: str) -> bool:
    """Whether ``word`` may be typed in the workbook ``raw``: it is in the shared strings (where Excel,
    WPS and LibreOffice keep a cell's text) or a sheet (inline strings, as openpyxl writes them), as
    UTF-8 or as XML character references (``&#19979;``, which openpyxl writes).  A cheap filter, not a
    reading: True also when the zip is refused or cannot be looked into, so that the full read reports
    why; False only when no text holds the word in any of these spellings.  The package is read within
    the Excel reader's own bounds (``XLSX_LIMITS``, ``base.boundedzip``): a batch's coordinator calls
    this on every workbook it is given, outside any bounded worker."""
    needles = (
        word.encode("utf-8"),
        "".join(f"&#{ord(ch)};" for ch in word).encode("ascii"),
        "".join(f"&#x{ord(ch):x};" for ch in word).encode("ascii"),
        "".join(f"&#x{ord(ch):X};" for ch in word).encode("ascii"),
    )
    try:
        for name, text in boundedzip.read(raw, XLSX_LIMITS):
            if name.startswith(_TEXT_MEMBERS) and any(needle in text for needle in needles):
                return True
    except boundedzip.ZipRefused:
        return True
    return False
