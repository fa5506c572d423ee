"""Office packages as untrusted input: what a .docx or .xlsx points to outside itself.

``outside_references`` reads every relationship whose target is not a part of the package (a URL, a
local file, a path climbing out of the package).  LibreOffice fetches such targets while converting
(a linked picture, an attached template, an OLE link), so the PDF converters refuse them
(``refuse_outside_references``, RG411) before LibreOffice starts.  ``XML_PARSER`` is how any part of
an untrusted package is parsed.  (Writing packages, deterministically, is ``base.zipfiles``.)
"""

from __future__ import annotations

import posixpath
import urllib.parse
import zipfile
from dataclasses import dataclass
from io import BytesIO

from lxml import etree

from reportgen.base.errors import Problem, RenderError

__all__ = [
    "XML_PARSER",
    "NotAPackage",
    "OutsideReference",
    "outside_references",
    "refuse_outside_references",
    "relationships_outside",
]


# A relationships part is a few kilobytes; a bigger one is not something Word or we wrote.
RELS_LIMIT = 4 * 1024 * 1024


class NotAPackage(ValueError):
    """The bytes are not a zip package whose relationships can be read (the message is Chinese)."""


@dataclass(frozen=True, slots=True)
class OutsideReference:
    """One relationship that points outside its package: where it is written and why it is refused."""

    part: str  # the relationships part, e.g. word/_rels/document.xml.rels
    id: str  # its Id, e.g. rId7
    kind: str  # the last word of its Type: image, hyperlink, attachedTemplate, oleObject … (``KINDS``)
    target: str  # the Target as written
    why: str  # in Chinese


def outside_references(data: bytes) -> list[OutsideReference]:
    """Every relationship of an Office package (.docx, .xlsx, .pptx) whose target is not inside it.

    Refused are: ``TargetMode`` other than ``Internal`` (``External``, or anything unknown); a target
    with a URL scheme (``http:``, ``file:``, ``c:``), a network path (``//host``) or a backslash; and a
    relative target that climbs out of the package (``../../etc/passwd``), also percent-encoded.  A
    relationships part with a DOCTYPE is refused whole (its entities could spell a target).  Pure: no
    file is written, nothing is fetched; ``NotAPackage`` when the zip or a relationships part cannot
    be read.  Shared by the PDF converters and the template checks."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAPackage("不是 zip 格式的 Word/Excel 文件") from None
    found: list[OutsideReference] = []
    with archive:
        for member in archive.infolist():
            if not member.filename.lower().endswith(".rels"):
                continue
            if member.file_size > RELS_LIMIT:
                raise NotAPackage(f"关系部件 {member.filename} 过大（{member.file_size} 字节）")
            try:
                with archive.open(member) as stream:
                    text = stream.read(RELS_LIMIT + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                raise NotAPackage(f"关系部件 {member.filename} 无法解压") from None
            found += _part_references(member.filename, text)
    return found


# Untrusted package XML: no entities resolved, no DTD loaded, nothing fetched, no huge trees.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _part_references(part: str, text: bytes) -> list[OutsideReference]:
    try:
        root = etree.fromstring(text, XML_PARSER)
    except etree.XMLSyntaxError:
        raise NotAPackage(f"关系部件 {part} 不是有效的 XML") from None
    return relationships_outside(part, root)


def relationships_outside(part: str, root: etree._Element) -> list[OutsideReference]:
    """The relationships of one parsed ``*.rels`` part (``part`` is its name in the package) whose
    targets leave the package; for checks that have parsed the part already."""
    # DocInfo.doctype ("<!DOCTYPE …>" or "") is missing from lxml-stubs.
    if getattr(root.getroottree().docinfo, "doctype", ""):
        why = "关系部件中有 DOCTYPE，其中的实体可能拼出外部地址"
        return [OutsideReference(part, "", "", "<!DOCTYPE …>", why)]
    # word/_rels/document.xml.rels belongs to word/document.xml: relative targets start in word/.
    folder = posixpath.dirname(posixpath.dirname(part))
    found = []
    for element in root.iter("{*}Relationship"):
        target = element.get("Target") or ""
        mode = (element.get("TargetMode") or "").strip()
        external = mode.lower() == "external"
        why = "外部链接，TargetMode=External" if external else _outside(folder, target, mode)
        if why:
            kind = (element.get("Type") or "").rsplit("/", 1)[-1]
            found.append(OutsideReference(part, element.get("Id") or "", kind, target, why))
    return found


def _outside(folder: str, target: str, mode: str) -> str:
    """Why an internal-looking target is outside the package, or "" when it is a part of it."""
    if mode not in ("", "Internal"):
        return f"未知的 TargetMode：{mode}"
    path = target.strip()
    for _ in range(4):  # %252e%252e → %2e%2e → ..: decoded until it stays the same
        path, previous = urllib.parse.unquote(path), path
        if path == previous:
            break
    else:
        return "经过多重编码的地址"
    if "\\" in path or path.startswith("//"):
        return "网络或本机路径"
    if ":" in path.split("/", 1)[0]:
        return "网址或文件地址"
    # Not posixpath.normpath: it turns /../etc into /etc, hiding the climb out.
    inside: list[str] = [] if path.startswith("/") else [s for s in folder.split("/") if s]
    for segment in path.split("/"):
        if segment == "..":
            if not inside:
                return "跳出文档包的路径"
            inside.pop()
        elif segment not in ("", "."):
            inside.append(segment)
    return ""


# Relationship types (the last word of ``Type``) as a message names them; others are “关系”.
KINDS = {
    "image": "图片",
    "hyperlink": "超链接",
    "attachedTemplate": "附加模板",
    "oleObject": "链接的对象",
    "package": "嵌入的文件",
    "subDocument": "子文档",
    "frame": "框架",
    "externalLinkPath": "外部引用",
    "audio": "音频",
    "video": "视频",
}


def refuse_outside_references(data: bytes, suffix: str, source: str | None = None) -> None:
    """RenderError RG411 naming every relationship that leaves the package, RG406 when it is no
    package: what LibreOffice would otherwise fetch or open while converting ``data``.  ``source``
    says where the package came from (the Word template), for the message."""
    try:
        references = outside_references(data)
    except NotAPackage as exc:
        message = f"没有生成 PDF：无法打开源文件（{exc}），未交给 LibreOffice 转换"
        raise RenderError(Problem("RG406", message, expected=f"{suffix} 文件")) from None
    if references:
        raise RenderError(
            *(_refusal(reference, source or f"要转换的 {suffix} 文件") for reference in references)
        )


def _refusal(reference: OutsideReference, source: str) -> Problem:
    message = (
        f"文档的{KINDS.get(reference.kind, '关系')} {reference.id} 指向文档以外（{reference.why}），"
        "转换 PDF 时不读取文档以外的任何内容；请把链接的图片改为嵌入（插入图片时不选“链接到文件”），"
        "删除指向外部的超链接、附加模板或链接的对象后重试"
    )
    return Problem("RG411", message, file=source, place=reference.part, value=reference.target)
