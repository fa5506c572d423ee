"""Which fonts a PDF really used: the names its .docx asks for, the faces the PDF embeds, and the
notices (RG412) that tell the user every font LibreOffice substituted.

The documents name the official 公文 fonts, which are never bundled (``soffice.FALLBACK_FONTS``);
where one is missing LibreOffice silently prints with another.  A font is only known to have been
used when the PDF embeds it, so the substitutes are read back from the PDF itself
(``embedded_fonts``: each font's ``/BaseFont`` and its descriptor's ``/FontName``, subset prefix
``ABCDEF+`` removed) and compared with the names the .docx asks for (``requested_fonts``).

The PDF does not say which requested name a face stands for, so ``font_findings`` attributes them by
the documented chains: a requested font embedded under its own name (or its PostScript name, e.g.
仿宋_GB2312 as ``FangSong_GB2312``) is fine; else the first substitute of its chain that the PDF
embeds is the documented fallback (one plain notice for all of them); else the font was replaced by
something nobody documented, and the faces no requested font or chain explains are named (all
non-official faces when none is unexplained) in a warning per font, with what to install.  Pure
bytes in, findings out: same PDF, same notices.  Nothing here fails a render.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping

from reportgen.base.errors import Finding, Problem, Severity
from reportgen.render.pdf.soffice import FALLBACK_FONTS

# The PostScript names the official fonts embed under (Windows' and 方正's own files), so an installed
# official font is recognised in the PDF whatever the name the document used.
POSTSCRIPT_NAMES: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "FZXBSJW--GB1-0", "FZXBSJW"),
    "FZXiaoBiaoSong-B05S": ("FZXBSJW--GB1-0", "FZXBSJW"),
    "仿宋_GB2312": ("FangSong_GB2312",),
    "仿宋": ("FangSong",),
    "楷体_GB2312": ("KaiTi_GB2312",),
    "楷体": ("KaiTi",),
    "黑体": ("SimHei",),
    "宋体": ("SimSun",),
}

# The .docx parts whose runs carry text, and the styles they use: where a document names its fonts.
_CONTENT_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_STYLES_PART = "word/styles.xml"
_RFONTS = re.compile(r"<w:rFonts\b([^>]*)>")
_FONT_ATTRIBUTE = re.compile(r'\bw:(?:eastAsia|ascii|hAnsi)="([^"]+)"')
_STYLE_USE = re.compile(r'<w:(?:pStyle|rStyle|tblStyle)\s+w:val="([^"]+)"')
_STYLE = re.compile(r"<w:style\b([^>]*)>(.*?)</w:style>", re.S)
_STYLE_ID = re.compile(r'\bw:styleId="([^"]+)"')
_BASED_ON = re.compile(r'<w:basedOn\s+w:val="([^"]+)"')
_DEFAULTS = re.compile(r"<w:docDefaults>.*?</w:docDefaults>", re.S)

# A font dictionary's /BaseFont and a descriptor's /FontName, as LibreOffice writes them (also inside
# compressed object streams, which other writers use).
_FONT_NAME = re.compile(rb"/(?:BaseFont|FontName)\s*/([^\s/<>\[\]()%{}]+)")
_OBJECT_STREAM = re.compile(rb"<<([^<>]*/Type\s*/ObjStm[^<>]*)>>\s*stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_SUBSET = re.compile(r"^[A-Z]{6}\+")
MAX_OBJECT_STREAM = 16 * 2**20  # bytes inflated per object stream, at most (a stream never needs more)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def requested_fonts(docx: bytes) -> tuple[str, ...]:
    """The font names a .docx asks for (``w:rFonts`` eastAsia, ascii, hAnsi), in order of first
    appearance: its body, headers, footers and notes, then the styles they use (with the styles these
    are based on, the default paragraph style and the document defaults).  A style nobody uses is
    not read: Word's own templates name Courier for 宏文本, which no report prints.  Theme fonts are
    not names and not read."""
    names: dict[str, None] = {}
    used: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = package.namelist()
        for part in sorted(n for n in parts if _CONTENT_PARTS.fullmatch(n)):
            text = package.read(part).decode("utf-8", "replace")
            names.update(dict.fromkeys(_fonts_in(text)))
            used.update(_STYLE_USE.findall(text))
        styles = package.read(_STYLES_PART).decode("utf-8", "replace") if _STYLES_PART in parts else ""
    defaults = _DEFAULTS.search(styles)
    names.update(dict.fromkeys(_fonts_in(defaults.group(0) if defaults else "")))
    by_id: dict[str, str] = {}
    for head, body in _STYLE.findall(styles):
        identity = _STYLE_ID.search(head)
        if identity:
            by_id[identity.group(1)] = body
            if 'w:default="1"' in head and 'w:type="paragraph"' in head:
                used.add(identity.group(1))
    pending = sorted(used)
    while pending:
        style = pending.pop()
        body = by_id.get(style, "")
        names.update(dict.fromkeys(_fonts_in(body)))
        base = _BASED_ON.search(body)
        if base and base.group(1) not in used:
            used.add(base.group(1))
            pending.append(base.group(1))
    return tuple(names)


def _fonts_in(xml: str) -> list[str]:
    return [name for attributes in _RFONTS.findall(xml) for name in _FONT_ATTRIBUTE.findall(attributes)]


def embedded_fonts(pdf: bytes) -> tuple[str, ...]:
    """The fonts a PDF names (``/BaseFont``, ``/FontName``), subset prefix removed, in order of first
    appearance; object streams are read too.  ``#xx`` escapes are decoded as UTF-8, else GB18030
    (a Windows font with only a Chinese name)."""
    sources = [pdf]
    for found in _OBJECT_STREAM.finditer(pdf):
        length = _LENGTH.search(found.group(1))
        if length and b"/FlateDecode" in found.group(1):
            try:
                inflater = zlib.decompressobj()  # bounded: an object stream of font dictionaries is small
                data = pdf[found.end() : found.end() + int(length.group(1))]
                sources.append(inflater.decompress(data, MAX_OBJECT_STREAM))
            except zlib.error:
                continue
    names: dict[str, None] = {}
    for source in sources:
        for raw in _FONT_NAME.findall(source):
            names[_SUBSET.sub("", _pdf_name(raw))] = None
    return tuple(names)


def _pdf_name(raw: bytes) -> str:
    data = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _key(name: str) -> str:
    """A name compared loosely: case, spaces, ``_`` and ``-`` ignored.  Noto's CJK collections embed
    one font program named after the Japanese face (``NotoSerifCJKjp-Regular``) whichever region was
    asked for, so the region of a ``Noto … CJK XX`` family is dropped."""
    key = re.sub(r"[\s_\-,]", "", name).casefold()
    return re.sub(r"(cjk)(sc|tc|jp|kr|hk)$", r"\1", key)


def is_face_of(family: str, embedded: str) -> bool:
    """Whether the embedded font ``embedded`` (a PostScript name: ``FandolFang-Regular``,
    ``NotoSerifCJKjp-Bold-VKana``) is a face of ``family`` (``FandolFang``, ``Noto Serif CJK SC``)."""
    return any(_key(embedded).startswith(_key(name)) for name in (family, *POSTSCRIPT_NAMES.get(family, ())))


def font_findings(
    requested: Iterable[str],
    embedded: Iterable[str],
    chains: Mapping[str, tuple[str, ...]] = FALLBACK_FONTS,
) -> list[Finding]:
    """RG412 for every requested font the PDF does not embed: one notice listing the documented free
    fallbacks used (``chains``), one warning per font replaced by anything else.  Empty when every
    font is the one asked for."""
    requested, embedded = tuple(requested), tuple(embedded)

    def faces(family: str) -> list[str]:
        return [font for font in embedded if is_face_of(family, font)]

    official = {font for name in requested for font in faces(name)}
    explained = official | {font for name in requested for s in chains.get(name, ()) for font in faces(s)}
    strangers = [font for font in embedded if font not in explained] or [
        font for font in embedded if font not in official
    ]
    fallbacks: list[tuple[str, str]] = []
    found: list[Finding] = []
    for name in requested:
        if faces(name):
            continue
        substitute = next((s for s in chains.get(name, ()) if faces(s)), None)
        if substitute is not None:
            fallbacks.append((name, substitute))
        elif strangers:
            used = "、".join(f"“{_shown(font, chains)}”" for font in strangers)
            message = f"PDF 中“{name}”由{used}代替；如需与正式公文一致，请安装{name}字体"
            found.append(Finding(Problem("RG412", message), Severity.WARNING))
    if fallbacks:
        pairs = "、".join(f"“{name}”由“{substitute}”代替" for name, substitute in fallbacks)
        message = (
            f"本机未安装公文字体，PDF 按文档说明使用免费替代字体：{pairs}；"
            f"如需与正式公文一致，请安装{'、'.join(dict.fromkeys(n for n, _ in fallbacks))}字体"
        )
        found.insert(0, Finding(Problem("RG412", message), Severity.NOTICE))
    return found


def _shown(font: str, chains: Mapping[str, tuple[str, ...]]) -> str:
    """An embedded font as the user installs it: the family of a known substitute (``Noto Sans CJK
    SC`` for ``NotoSansCJKjp-Regular-VKana``), else the name the PDF gives it."""
    families = dict.fromkeys(family for chain in chains.values() for family in chain)
    return next((family for family in families if is_face_of(family, font)), font)


def pdf_font_findings(docx: bytes, pdf: bytes) -> list[Finding]:
    """RG412 notices for the PDF printed from ``docx`` (``font_findings`` of what each holds)."""
    return font_findings(requested_fonts(docx), embedded_fonts(pdf))
