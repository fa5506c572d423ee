"""Bounded extraction of untrusted zip packages (.xlsx ledgers, .docx templates).

A zip states each member's sizes in its central directory, so a 1 MB file can promise (or hide) a
gigabyte.  ``inspect`` checks what the directory says before anything is decompressed: the number
of members, each member's and the total uncompressed size, the compression ratio of large members,
and the names (no ``..``, absolute paths, drive letters, backslashes, control characters or
duplicates, also ignoring case — another program unpacking the package would write outside its
folder or keep the wrong one of two).  ``read`` then decompresses within the same limits, counting
the bytes that really come out, so a header that lies about a size cannot get past them either.
Only stored and deflated members are read (the methods Office writes): zipfile inflates the others
in unbounded steps.

A leaf module: it knows no error codes.  A failure is a ``ZipRefused`` with a Chinese message and
its ``kind``; the caller (the Excel reader, the .docx template loader) turns it into its own coded
error naming its file.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

RefusalKind = Literal["corrupt", "limit", "name"]

_CHUNK = 1 << 16
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f\\]|^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What a package may hold.  ``ratio`` applies to members larger than ``ratio_from`` bytes
    (small parts of repetitive XML compress far better than 100:1 and are harmless)."""

    members: int
    member_bytes: int
    total_bytes: int
    ratio: int | None = None
    ratio_from: int = 1 << 20
    # Stored and deflated: what Word, Excel and WPS write.  zipfile inflates bzip2 and LZMA without
    # bounding one call's output (79 bytes of bzip2 are 64 MiB), so they are refused unread.
    methods: frozenset[int] = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


class ZipRefused(Exception):
    """A package outside its limits, broken, or with a member name no safe package has."""

    def __init__(
        self,
        kind: RefusalKind,
        message: str,
        expected: str,
        place: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind, self.message, self.expected, self.place, self.value = kind, message, expected, place, value


def inspect(raw: bytes, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The members as the central directory lists them, once every limit and name has passed."""
    stated = _stated_count(raw)
    if stated is not None and stated > limits.members:  # before zipfile builds an object per member
        raise ZipRefused("limit", f"文件包含 {stated} 个部件", f"不超过 {limits.members} 个部件")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ZipRefused(
            "corrupt", "文件已损坏，或不是 zip 格式的 Office 文件", "用 Office/WPS 重新保存的文件"
        ) from None
    if len(infos) > limits.members:
        raise ZipRefused("limit", f"文件包含 {len(infos)} 个部件", f"不超过 {limits.members} 个部件")
    total = 0
    seen: dict[str, str] = {}
    for info in infos:
        name = info.orig_filename  # ``filename`` is cut at a NUL
        _check_name(name, seen)
        if info.compress_type not in limits.methods:
            message = f"部件使用了 Office 不用的压缩方式（{info.compress_type}）"
            raise ZipRefused("corrupt", message, "存储或 deflate 压缩（Office/WPS 保存的文件）", name)
        if info.file_size > limits.member_bytes:
            raise ZipRefused(
                "limit",
                f"部件解压后有 {info.file_size} 字节",
                f"每个部件解压后不超过 {limits.member_bytes} 字节",
                name,
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise ZipRefused(
                "limit", "各部件解压后合计超过上限", f"解压后合计不超过 {limits.total_bytes} 字节", name
            )
        if (
            limits.ratio is not None
            and info.file_size > limits.ratio_from
            and info.file_size > limits.ratio * max(info.compress_size, 1)
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ZipRefused(
                "limit", f"部件的压缩比为 {ratio}:1（压缩炸弹）", f"压缩比不超过 {limits.ratio}:1", name
            )
    return infos


def _stated_count(raw: bytes) -> int | None:
    """The member count the end-of-central-directory record states (``None`` if not found)."""
    at = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 65_557))
    if at < 0 or len(raw) < at + 22:
        return None
    return int.from_bytes(raw[at + 10 : at + 12], "little")


def _check_name(name: str, seen: dict[str, str]) -> None:
    parts = name.split("/")
    if not name or name.startswith("/") or _BAD_NAME.search(name) or ".." in parts or "" in parts[:-1]:
        raise ZipRefused(
            "name",
            "部件名不安全（含“..”、绝对路径、盘符、反斜杠或控制字符）",
            "包内的相对路径，如 word/document.xml",
            value=name.encode("unicode_escape").decode("ascii") if _BAD_NAME.search(name) else name,
        )
    folded = name.casefold()
    if folded in seen:
        same = "" if seen[folded] == name else f"（与“{seen[folded]}”只差大小写）"
        raise ZipRefused("name", f"部件名重复{same}", "每个部件名只出现一次", value=name)
    seen[folded] = name


def read(raw: bytes, limits: ZipLimits) -> list[tuple[str, bytes]]:
    """Every member's bytes, in order, decompressed within ``limits`` whatever the headers claim."""
    infos = inspect(raw, limits)
    archive = zipfile.ZipFile(io.BytesIO(raw))
    out: list[tuple[str, bytes]] = []
    total = 0
    for info in infos:
        chunks: list[bytes] = []
        size = 0
        for chunk in _chunks(archive, info):
            size += len(chunk)
            total += len(chunk)
            if size > limits.member_bytes or total > limits.total_bytes:
                raise ZipRefused(
                    "limit", "部件解压后超过上限", f"每个部件不超过 {limits.member_bytes} 字节", info.filename
                )
            chunks.append(chunk)
        out.append((info.filename, b"".join(chunks)))
    return out


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                yield chunk
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,  # an encrypted member
    ):
        raise ZipRefused(
            "corrupt",
            "部件已损坏（大小、校验值或压缩数据与记录不符）",
            "用 Office/WPS 重新保存的文件",
            info.filename,
        ) from None
