"""A user's .docx template checked on load: the package, its names, its active content, its links.

A template is a Word file someone sent; its bytes are as untrusted as a ledger's.  ``read_package``
is the one entry point both ``render`` (through ``compile_docx``) and ``reportgen lint`` use:

- the zip itself through ``reportgen.base.boundedzip`` with ``DOCX_LIMITS`` (member count, per-member and
  total uncompressed size stated by the central directory and then counted while decompressing,
  compression ratio), ``RG320``; member names (``..``, absolute paths, drive letters, backslashes,
  control characters, duplicates also ignoring case), ``RG321``; a broken zip, ``RG305``;
- active content: a macro-enabled content type, ``vbaProject.bin``/``vbaData.xml``, ActiveX controls
  and embedded OLE objects (by part name, content type or relationship type), a ``.docm``, ``RG322``:
  the output is a published document and must carry none of them;
- relationships (every ``*.rels``) that leave the package — ``TargetMode="External"``, a URL or
  file target, a path climbing out — ``RG323`` naming the part and the target: a linked picture or
  a hyperlink would make Word, LibreOffice or a reader fetch an address.  The scanner is the PDF
  converters' own (``render.package.relationships_outside``, RG411 there), so a template is refused
  on load for what conversion would refuse later;
- every ``*.xml`` part must be well-formed XML without a DTD (no entity can reach a file or the
  network; a broken part copied into the output would make Word refuse it), and the parts read as
  text (``[Content_Types].xml``, ``*.rels``, the parts that may carry tags) UTF-8 — a UTF-16
  ``document.xml`` is ``RG305`` naming the part, not a traceback.

Problems of one kind are reported together (``lint`` lists them all); a package outside the zip
limits stops at the first, since nothing in it is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from reportgen.base import boundedzip
from reportgen.base.boundedzip import ZipLimits
from reportgen.base.errors import Problem, TemplateError
from reportgen.render.package import XML_PARSER, relationships_outside

# A Word template is a few hundred kilobytes; the biggest parts are pictures and fonts.
DOCX_LIMITS = ZipLimits(members=2_000, member_bytes=50_000_000, total_bytes=100_000_000, ratio=100)
DOCUMENT = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"

# Parts whose XML may carry template tags (docxtpl renders the same ones).
TEMPLATE_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
_ACTIVE_NAME = re.compile(
    r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml|oleObject\d*\.\w+)$|(?:^|/)activeX/", re.IGNORECASE
)
_ACTIVE_TYPE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX|oleObject|\bole\b|control", re.IGNORECASE)
_EXPECTED = "Word/WPS 保存的 .docx（不启用宏）"
_UTF8 = "UTF-8 编码（Word 保存的 .docx 都是）"
_DECLARED = re.compile(r"\ufeff?<\?xml[^>]*encoding=[\"']([^\"']+)")
_XML = re.compile(r"\.xml$", re.IGNORECASE)


def read_package(data: bytes, name: str, *, what: str = "模板") -> list[tuple[str, bytes]]:
    """The template's members in order, once every check above has passed.  ``what`` is what the
    messages call the file (a ``reportgen.Subdoc`` is read here too: ``子文档``)."""
    path = Path(name)
    try:
        members = boundedzip.read(data, DOCX_LIMITS)
    except boundedzip.ZipRefused as refused:
        code = {"corrupt": "RG305", "limit": "RG320", "name": "RG321"}[refused.kind]
        message = (
            refused.message
            if refused.kind != "corrupt"
            else f"{what}不是有效的 .docx 文件（" + refused.message + "）"
        )
        raise TemplateError(
            Problem(
                code, message, file=path, place=refused.place, value=refused.value, expected=refused.expected
            )
        ) from None
    parts = dict(members)
    if DOCUMENT not in parts:
        raise _error("RG305", f"{what}中没有 word/document.xml", path, "Word 保存的 .docx")
    problems: list[Problem] = []
    trees: dict[str, etree._Element] = {}
    for member, content in members:
        as_text = member == CONTENT_TYPES or member.endswith(".rels") or bool(TEMPLATE_PART.match(member))
        if as_text or _XML.search(member):
            parsed = _strict_xml(content, member, path, problems, utf8=as_text, what=what)
            if parsed is not None:
                trees[member] = parsed
    problems[:0] = _active_content(path, [m for m, _ in members], trees, what)  # the gravest first
    for part, root in trees.items():
        if part.endswith(".rels"):
            problems += [
                Problem(
                    "RG323",
                    f"{what}引用了文档以外的内容（{reference.why}）",
                    file=path,
                    place=part,
                    value=reference.target,
                    expected=f"把图片插入（而非链接）到{what}中；超链接改为文字",
                )
                for reference in relationships_outside(part, root)
            ]
    if problems:
        raise TemplateError(*problems)
    return members


def _active_content(
    path: Path, names: list[str], trees: dict[str, etree._Element], what: str
) -> list[Problem]:
    found: list[tuple[str, str]] = []
    if path.suffix.lower() in (".docm", ".dotm"):
        found.append(("", path.name))
    found += [(name, name) for name in names if _ACTIVE_NAME.search(name)]
    types = trees.get(CONTENT_TYPES)
    for entry in _elements(types) if types is not None else ():
        kind = str(entry.get("ContentType", ""))
        if _ACTIVE_TYPE.search(kind):
            found.append((CONTENT_TYPES, kind))
    for part, root in trees.items():
        if part.endswith(".rels"):
            found += [
                (part, str(r.get("Type")))
                for r in _elements(root)
                if _ACTIVE_TYPE.search(str(r.get("Type", "")))
            ]
    return [
        Problem(
            "RG322",
            f"{what}含宏、ActiveX 控件或嵌入的 OLE 对象",
            file=path,
            place=place or None,
            value=value,
            expected="另存为不含宏的 Word 文档（.docx），删除控件和嵌入对象",
        )
        for place, value in dict.fromkeys(found)
    ]


def _strict_xml(
    content: bytes, part: str, path: Path, problems: list[Problem], *, utf8: bool, what: str
) -> etree._Element | None:
    """The part parsed as XML without a DTD — as UTF-8 when ``utf8`` (a part read as text) —
    or ``None`` and a problem naming the part."""
    if utf8:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "UTF-16" if content[:2] in (b"\xff\xfe", b"\xfe\xff") else "非 UTF-8 编码"
            problems.append(_problem("RG305", f"{what}的 {part} 是 {encoding}", path, part, _UTF8))
            return None
        declared = _DECLARED.match(text)
        if declared and declared.group(1).replace("-", "").replace("_", "").lower() != "utf8":
            message = f"{what}的 {part} 声明为 {declared.group(1)} 编码"
            problems.append(_problem("RG305", message, path, part, _UTF8))
            return None
    try:
        root = etree.fromstring(content, XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        problems.append(_problem("RG305", f"{what}的 {part} 不是合法的 XML", path, part, _EXPECTED))
        return None
    if getattr(root.getroottree().docinfo, "doctype", ""):  # a DTD declares entities
        message = f"{what}的 {part} 含 DOCTYPE（实体声明）"
        problems.append(_problem("RG305", message, path, part, "不含 DOCTYPE 的 XML"))
        return None
    return root


def _elements(root: etree._Element) -> list[etree._Element]:
    """The child elements (not comments or processing instructions, which have no attributes)."""
    return [child for child in root if isinstance(child.tag, str)]


def _problem(code: str, message: str, path: Path, place: str, expected: str) -> Problem:
    return Problem(code, message, file=path, place=place, expected=expected)


def _error(code: str, message: str, path: Path, expected: str) -> TemplateError:
    return TemplateError(Problem(code, message, file=path, expected=expected))
