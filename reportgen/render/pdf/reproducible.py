"""Reproducible PDF: LibreOffice's output edited so the same report gives the same bytes.

LibreOffice writes the clock time, a checksum of it and a random-looking document id into every PDF
(it ignores SOURCE_DATE_EPOCH).  ``stable_pdf`` replaces these fixed-width fields in place — the
date by the 成文日期, the id and checksum by a digest of the rest — so offsets stay valid and the
same report gives the same PDF bytes, as the .docx and .xlsx do.  It also renumbers the font ids a
warm LibreOffice counts on (so a PDF from the pool is byte for byte a cold one's) and sets the
document's language.  A PDF/A file also carries the dates in its XMP metadata and in the header of
its output intent's colour profile: both are set to the 成文日期 too.  Pure bytes in, bytes out: no
LibreOffice runs here.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\(D:\d{14}")
_PDF_ID = re.compile(rb"/ID \[\s*<([0-9A-F]{32})>\s*<([0-9A-F]{32})>")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")
# A PDF/A file repeats the dates in its XMP metadata (uncompressed, as LibreOffice writes it), where
# they must agree with the document information's: the same fixed width, the time zone kept.
_XMP_DATE = re.compile(rb"<xmp:(CreateDate|ModifyDate|MetadataDate)>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def stable_pdf(data: bytes, date: datetime.date, language: str = "zh-CN") -> bytes:
    """Make a LibreOffice PDF reproducible: fixed dates, font ids as a fresh process numbers them,
    the document's language (``/Lang``) as given, and a document id derived from the content.

    LibreOffice's /Lang is the .docx's default language for Western text (``w:lang w:val``), which
    Chinese Word writes as en-US next to ``w:eastAsia="zh-CN"``; making it zh-CN in the .docx would
    reflow the page (LibreOffice then breaks and spaces digits and dashes differently), so the PDF
    says what the document is after export."""
    data = _edit_objects(data, language.encode("ascii"), date)
    stamp = date.strftime("%Y%m%d000000").encode()
    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b"(D:" + stamp, data)
    moment = date.strftime("%Y-%m-%dT00:00:00").encode()
    data = _XMP_DATE.sub(lambda m: b"<xmp:" + m.group(1) + b">" + moment, data)
    varying = {v for m in _PDF_ID.finditer(data) for v in m.groups()}
    varying |= {m.group(1) for m in _PDF_CHECKSUM.finditer(data)}
    neutral = data
    for value in varying:
        neutral = neutral.replace(value, b"0" * 32)
    digest = hashlib.md5(neutral, usedforsecurity=False).hexdigest().upper().encode()
    for value in varying:
        data = data.replace(value, digest)
    return data


# LibreOffice (7.x) embeds CFF fonts (Noto CJK, Fandol) as Type 1 subsets whose ``/UniqueID`` comes
# from a counter that lives as long as the process: 4100001, 4100002 … in a fresh one, higher in a
# warm one (``pool``).  The id is written twice, in the clear part of the font and in its
# eexec-encrypted Private dict.  Where it is not what a fresh process writes, we renumber it in order
# of appearance (same width), re-encrypt, recompress the way LibreOffice does (zlib level 6,
# memLevel 9, which gives its very bytes) and move the xref offsets, so a warm conversion gives the
# same bytes as a cold one.  The catalog's ``/Lang`` is rewritten the same way.  A PDF not shaped as
# LibreOffice writes it (one classic xref table, binary eexec) is left as it is.
_UNIQUE_ID_BASE = 4100000
_UNIQUE_ID = re.compile(rb"/UniqueID (\d+) def")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_HEAD = re.compile(rb"xref\s+0 (\d+)\s+")
_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])[ \r]?\n")
_STREAM_DICT = re.compile(rb"\d+ 0 obj\s*<<([^<>]*)>>\s*stream\r?\n")
_STREAM_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+0\s+R)?")
_TYPE1_LENGTHS = re.compile(rb"/Length1\s+(\d+).*?/Length2\s+(\d+)", re.S)
_NUMBER_OBJECT = re.compile(rb"\d+ 0 obj\s*(\d+)\s*endobj")
_CATALOG_LANG = re.compile(rb"\d+ 0 obj\s*<</Type/Catalog(?:[^()]|\([^()\\]*\))*?/Lang\(([A-Za-z0-9-]*)\)")

_Edit = tuple[int, int, bytes]  # replace data[start:stop] by the bytes


def _edit_objects(data: bytes, language: bytes, date: datetime.date) -> bytes:
    end = _STARTXREF.search(data, max(0, len(data) - 64))
    head = _XREF_HEAD.match(data, int(end.group(1))) if end else None
    if end is None or head is None:
        return data
    entries: list[re.Match[bytes]] = []
    position = head.end()
    for _ in range(int(head.group(1))):
        entry = _XREF_ENTRY.match(data, position)
        if entry is None:
            return data
        entries.append(entry)
        position = entry.end()
    edits = _font_id_edits(data, entries) or []
    edits += _profile_date_edits(data, entries, date)
    for offset in (int(e.group(1)) for e in entries if e.group(3) == b"n"):
        found = _CATALOG_LANG.match(data, offset)
        if found and found.group(1) != language:
            edits.append((found.start(1), found.end(1), language))
    edits.sort()
    if not edits or any(a[1] > b[0] for a, b in itertools.pairwise(edits)):
        return data

    def moved(offset: int) -> int:  # edits lie inside objects, so whole edits precede an object start
        return offset + sum(len(new) - (stop - start) for start, stop, new in edits if stop <= offset)

    parts: list[bytes] = []
    position = 0
    for start, stop, new in edits:
        parts += [data[position:start], new]
        position = stop
    parts.append(data[position : entries[0].start()])
    for entry in entries:
        offset = int(entry.group(1))
        parts.append(b"%010d" % (moved(offset) if entry.group(3) == b"n" else offset))
        parts.append(data[entry.start(2) - 1 : entry.end()])
    parts += [data[entries[-1].end() : end.start(1)], b"%d" % moved(int(end.group(1))), data[end.end(1) :]]
    return b"".join(parts)


def _streams(data: bytes, entries: list[re.Match[bytes]]) -> Iterator[_Stream | None]:
    """Each Flate stream object (in file order) with its dictionary and where its bytes and length
    are; None for one whose length is not where LibreOffice writes it (the caller gives up).  Only
    the streams a caller picks by their dictionary are inflated (``_Stream.inflated``)."""
    for offset in sorted(int(e.group(1)) for e in entries if e.group(3) == b"n"):
        stream = _STREAM_DICT.match(data, offset)
        if stream is None or b"/FlateDecode" not in stream.group(1):
            continue
        length = _STREAM_LENGTH.search(stream.group(1))
        if length is None:
            yield None
            continue
        if length.group(2):  # "/Length 18 0 R": the number is object 18
            number = int(length.group(1))
            holder = (
                _NUMBER_OBJECT.match(data, int(entries[number].group(1))) if number < len(entries) else None
            )
            if holder is None:
                yield None
                continue
            size, span = int(holder.group(1)), holder.span(1)
        else:
            start = stream.start(1) + length.start(1)
            size, span = int(length.group(1)), (start, start + len(length.group(1)))
        yield _Stream(data, stream.group(1), (stream.end(), stream.end() + size), span)


@dataclass(frozen=True, slots=True)
class _Stream:
    data: bytes  # the whole file
    dictionary: bytes
    body: tuple[int, int]  # where the compressed bytes are
    length: tuple[int, int]  # where their length is written (in the dictionary or its own object)

    def inflated(self) -> bytes | None:
        """The stream's bytes; None when they do not inflate."""
        try:
            return zlib.decompress(self.data[self.body[0] : self.body[1]])
        except zlib.error:
            return None

    def replaced(self, content: bytes) -> list[_Edit]:
        """The edits that put ``content`` in place of the stream's, compressed as LibreOffice does
        (zlib level 6, memLevel 9: its very bytes), its length written anew."""
        packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9)
        packed = packer.compress(content) + packer.flush()
        return [(*self.body, packed), (*self.length, b"%d" % len(packed))]


def _font_id_edits(data: bytes, entries: list[re.Match[bytes]]) -> list[_Edit] | None:
    """The edits that give each Type 1 font subset its fresh-process id; None when unsure."""
    edits: list[_Edit] = []
    fonts = 0
    for stream in _streams(data, entries):
        if stream is None:
            return None
        lengths = _TYPE1_LENGTHS.search(stream.dictionary)
        if lengths is None:
            continue
        font = stream.inflated()
        if font is None:
            return None
        clear, secret = int(lengths.group(1)), int(lengths.group(2))
        found = _UNIQUE_ID.search(font, 0, clear)
        if found is None:
            continue
        fonts += 1
        old, new = found.group(0), b"/UniqueID %d def" % (_UNIQUE_ID_BASE + fonts)
        if old == new:
            continue
        if (
            len(old) != len(new)
            or secret < 4
            or all(chr(b) in "0123456789abcdefABCDEF" for b in font[clear : clear + 4])
        ):
            return None  # a different width, or hex eexec: not what LibreOffice writes
        private = _eexec(font[clear : clear + secret], decrypt=True).replace(old, new)
        font = font[:clear].replace(old, new) + _eexec(private, decrypt=False) + font[clear + secret :]
        edits += stream.replaced(font)
    return edits


# The sRGB profile of a PDF/A file's output intent is made by lcms when the PDF is written, with
# the clock time in its header (ICC.1:2010 7.2.1: bytes 24–35, six big-endian numbers): set to the
# 成文日期 like every other date of the file.
_ICC_SIGNATURE = (36, b"acsp")
_ICC_DATE = slice(24, 36)


def _profile_date_edits(data: bytes, entries: list[re.Match[bytes]], date: datetime.date) -> list[_Edit]:
    edits: list[_Edit] = []
    stamp = struct.pack(">6H", date.year, date.month, date.day, 0, 0, 0)
    where, signature = _ICC_SIGNATURE
    for stream in _streams(data, entries):
        if stream is None or b"/N " not in stream.dictionary:
            continue
        profile = stream.inflated()
        if (
            profile is None
            or profile[where : where + len(signature)] != signature
            or profile[_ICC_DATE] == stamp
        ):
            continue
        edits += stream.replaced(profile[: _ICC_DATE.start] + stamp + profile[_ICC_DATE.stop :])
    return edits


def _eexec(data: bytes, *, decrypt: bool) -> bytes:
    """Type 1 eexec encryption (Adobe Type 1 Font Format, 7.2): key 55665, c1 52845, c2 22719."""
    key = 55665
    out = bytearray(data)
    if decrypt:
        for i, cipher in enumerate(data):
            out[i] = cipher ^ (key >> 8)
            key = ((cipher + key) * 52845 + 22719) & 0xFFFF
    else:
        for i, plain in enumerate(data):
            cipher = plain ^ (key >> 8)
            out[i] = cipher
            key = ((cipher + key) * 52845 + 22719) & 0xFFFF
    return bytes(out)
