"""Same input, same bytes: Office zip packages with fixed member timestamps.

``normalize_zip`` (in ``reportgen.stablezip``, shared with the Excel ledger writer) rewrites a package
that openpyxl or python-docx wrote; ``write_zip`` writes precompressed members of compiled templates
directly with the same fixed timestamp.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.stablezip import FIXED_TIME, normalize_zip

__all__ = ["FIXED_TIME", "ZipEntry", "deflate", "normalize_zip", "write_zip"]


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One member, already deflated: unchanged template parts are compressed once, not per report."""

    name: str
    deflated: bytes
    crc: int
    size: int


def deflate(name: str, data: bytes) -> ZipEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return ZipEntry(name, compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


_DOS_TIME, _DOS_DATE = 0, (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]


def write_zip(entries: Iterable[ZipEntry]) -> bytes:
    """A zip of deflated entries with the fixed timestamp, as ``zipfile`` would write it, without
    compressing again what was compressed when the template was compiled."""
    out = bytearray()
    directory = bytearray()
    count = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        offset = len(out)
        sizes = (entry.crc, len(entry.deflated), entry.size)
        stamp = (_DOS_TIME, _DOS_DATE)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, *stamp, *sizes, len(name), 0)
        out += name
        out += entry.deflated
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, flags, 8, *stamp, *sizes, len(name), 0, 0, 0, 0, 0o644 << 16, offset,
        )  # fmt: skip
        directory += name
        count += 1
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0)
    return bytes(out)
