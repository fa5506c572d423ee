"""Same input, same bytes: Office zip packages (.docx, .xlsx) written with fixed member timestamps,
and the one ``docProps/core.xml`` they carry.

openpyxl and python-docx stamp every zip member with the current time, and core.xml with the clock,
so two writes of one ledger or report would differ byte for byte and ``make``, a batch's
skip-unchanged check or a diff could not tell that nothing changed.  Every package reportgen writes
goes through ``write_zip``: members in the order given, deflated at level 6, dated ``FIXED_TIME``,
mode 0644.  ``normalize_zip`` rewrites a package a library wrote; ``deflate`` compresses a member
once (the compiled templates keep their unchanged parts deflated, not compressed again per report).
A leaf module, because both the renderers and the Excel ledger writer need it.
"""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from reportgen.base.escape import xml_content

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
CORE_PART = "docProps/core.xml"

_DOS_TIME, _DOS_DATE = 0, (FIXED_TIME[0] - 1980) << 9 | FIXED_TIME[1] << 5 | FIXED_TIME[2]
# "Version made by": the high byte names the writing system.  ``zipfile`` records Unix (3), and the
# packages ``normalize_zip`` rewrites always said so; the compiled templates' say MS-DOS (0).
MS_DOS, UNIX = 0, 3


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


def write_zip(entries: Iterable[ZipEntry], system: int = MS_DOS) -> bytes:
    """A zip of deflated entries with the fixed timestamp, as ``zipfile`` would write it, without
    compressing again what was compressed when the template was compiled.  ``system`` is the
    "made by" system recorded in the central directory (``MS_DOS`` or ``UNIX``)."""
    out = bytearray()
    directory = bytearray()
    count = 0
    made_by = system << 8 | 20
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
            0x02014B50, made_by, 20, flags, 8, *stamp, *sizes, len(name), 0, 0, 0, 0, 0o644 << 16, offset,
        )  # fmt: skip
        directory += name
        count += 1
    start = len(out)
    out += directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0)
    return bytes(out)


def normalize_zip(data: bytes) -> bytes:
    """Rewrite a package openpyxl or python-docx wrote through ``write_zip``, keeping member order and
    content: the clock's timestamps are gone."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = (deflate(item.filename, source.read(item.filename)) for item in source.infolist())
    return write_zip(entries, UNIX)


# How python-docx and openpyxl spell core.xml (declaration quotes, namespaces, revision): each format
# keeps its library's spelling, so Word and Excel read the part they have always read.
_CORE_HEAD = {
    "docx": (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" ',
        "<cp:revision>1</cp:revision>",
    ),
    "xlsx": ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', "", ""),
}


def core_xml(title: str, creator: str, issued: datetime.date, spelling: Literal["docx", "xlsx"]) -> bytes:
    """docProps/core.xml: the title, the author, and the 成文日期 as creation and modification date —
    never the clock.  Written by hand, so it gets the template engine's guarantee by hand: the text is
    escaped and loses every character XML forbids (a control character in 落款 once made a whole
    .docx unreadable)."""
    declaration, dcmitype, revision = _CORE_HEAD[spelling]
    stamp = datetime.datetime.combine(issued, datetime.time()).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{declaration}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        f'{dcmitype}xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_content(title)}</dc:title><dc:creator>{xml_content(creator)}</dc:creator>"
        f'{revision}<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    ).encode()
