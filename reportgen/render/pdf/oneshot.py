"""PDF through LibreOffice: the .docx and .xlsx we write, converted by the program offices print with.

We do not lay out PDF ourselves: LibreOffice already renders Word and Excel files the way they print,
so a PDF made from our own .docx/.xlsx shows exactly what those files show.  Each conversion runs in
a fresh temporary directory with its own LibreOffice user profile, so conversions in parallel (threads
or processes) never share a profile lock; it runs in its own process group with a time limit, and the
whole group is killed when the limit passes.  Bytes are returned only when the file is a complete PDF.

The documents name the official 公文 fonts (仿宋_GB2312, 方正小标宋简体 …), which are never bundled.
A generated fontconfig file (``FALLBACK_FONTS``) puts free look-alikes right *after* each official
name, so an installed official font still wins and a missing one falls to a font of the same style
instead of fontconfig's default sans.  (``<accept>``, not ``<prefer>``: ``<prefer>`` would put the
substitutes ahead of an installed official font.)

LibreOffice writes the clock time, a checksum of it and a random-looking document id into every PDF
(it ignores SOURCE_DATE_EPOCH).  ``stable_pdf`` replaces these fixed-width fields in place — the
date by the 成文日期, the id and checksum by a digest of the rest — so offsets stay valid and the
same report gives the same PDF bytes, as the .docx and .xlsx do.

LibreOffice reaches nothing (issue 14).  A Word file can link a picture, a template or an OLE
object by URL, and LibreOffice fetches it while converting.  So (1) ``refuse_outside_references``
refuses (RG411) a package with any relationship that leaves it, before LibreOffice starts, and
(2) every LibreOffice process runs in a network namespace of its own (``isolated``: ``unshare --net``
for root, ``unshare --user --map-current-user --net`` otherwise), where no address, not even
127.0.0.1, can be reached.  Where no namespace can be made (a container without the capability,
user namespaces switched off, no ``unshare``), conversions run unisolated after one logged warning;
the package check still applies.  (3) The profile turns off what would load or update linked
content (``PROFILE_SETTINGS``): defence in depth, the namespace is the guarantee.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import glob
import hashlib
import itertools
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from reportgen.base.errors import Problem, RenderError, os_error_text
from reportgen.render.package import refuse_outside_references

SUFFIXES = (".docx", ".xlsx")

# Official font name → free substitutes, best first (Fandol ships with TeX Live; Noto CJK with most
# Linux distributions; AR PL and LXGW are common packages).  Quoted by the docs: keep it a constant.
FALLBACK_FONTS: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("Noto Serif CJK SC", "FandolSong"),
    "FZXiaoBiaoSong-B05S": ("Noto Serif CJK SC", "FandolSong"),
    "仿宋_GB2312": ("FandolFang", "Noto Serif CJK SC"),
    "仿宋": ("FandolFang", "Noto Serif CJK SC"),
    "FangSong": ("FandolFang", "Noto Serif CJK SC"),
    "楷体_GB2312": ("FandolKai", "AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC"),
    "楷体": ("FandolKai", "AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC"),
    "KaiTi": ("FandolKai", "AR PL UKai CN", "LXGW WenKai", "Noto Serif CJK SC"),
    "黑体": ("Noto Sans CJK SC", "FandolHei"),
    "SimHei": ("Noto Sans CJK SC", "FandolHei"),
    "宋体": ("Noto Serif CJK SC", "FandolSong"),
    "SimSun": ("Noto Serif CJK SC", "FandolSong"),
}

# 小标宋 is a heavy face: its substitutes are asked for in bold.  The official font itself has one
# weight; when installed it is used as is, never synthetically emboldened.
BOLD_SUBSTITUTES = ("方正小标宋简体", "FZXiaoBiaoSong-B05S")

_MACOS_SOFFICE = "/Applications/LibreOffice.app/Contents/MacOS/soffice"
_INSTALL_HINT = (
    "请安装 LibreOffice（Debian/Ubuntu：apt install libreoffice-writer-nogui libreoffice-calc-nogui），"
    "或将环境变量 REPORTGEN_SOFFICE 设为 soffice 的完整路径"
)


def find_soffice() -> str | None:
    """The LibreOffice program to run, or None.

    ``REPORTGEN_SOFFICE`` decides when set (a wrong value gives None rather than silently another
    program); then ``soffice`` and ``libreoffice`` on PATH; then the usual install folders.
    """
    configured = os.environ.get("REPORTGEN_SOFFICE")
    if configured:
        return shutil.which(configured)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = [
        "/usr/lib/libreoffice/program/soffice",
        *sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True),
        _MACOS_SOFFICE,
    ]
    return next((c for c in candidates if shutil.which(c)), None)


def pdf_available() -> bool:
    return find_soffice() is not None


def fontconfig_file() -> str:
    """The fontconfig configuration used for conversions: the system's plus ``FALLBACK_FONTS``."""
    base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    rules: list[str] = []
    for family, substitutes in FALLBACK_FONTS.items():
        accepted = "".join(f"<family>{escape(s)}</family>" for s in substitutes)
        rules.append(
            f'<alias binding="same"><family>{escape(family)}</family><accept>{accepted}</accept></alias>'
        )
    for family in BOLD_SUBSTITUTES:
        # A non-bold request becomes weight 201: still nearest the substitutes' Bold face, and a mark
        # that lets the second rule give an installed official font (one weight) back without fake bold.
        is_family = f'<test name="family"><string>{escape(family)}</string></test>'
        not_bold = '<test name="weight" qual="all" compare="less"><const>bold</const></test>'
        marked = '<test target="pattern" name="weight"><int>201</int></test>'
        rules.append(
            f'<match target="pattern">{is_family}{not_bold}'
            '<edit name="weight" mode="assign"><int>201</int></edit></match>'
        )
        rules.append(
            f'<match target="font">{is_family}{marked}'
            '<edit name="weight" mode="assign"><const>regular</const></edit>'
            '<edit name="embolden" mode="assign"><bool>false</bool></edit></match>'
        )
    header = '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
    include = f'<include ignore_missing="yes">{escape(base)}</include>'
    return "\n  ".join([header, include, *rules]) + "\n</fontconfig>\n"


# LibreOffice writes the PDF's dates in the machine's time zone (``+08'00'`` or ``Z'``) and takes its
# locale from the environment (the default language of text that names none, and so the PDF's
# /Lang, and fontconfig's language preference).  Every conversion runs with these instead, so the
# user's TZ and LANG never reach the output: Beijing time as a POSIX rule (no tz database needed)
# and the C.UTF-8 locale that every glibc has.
OFFICE_TIME_ZONE = "CST-8"
OFFICE_LOCALE = "C.UTF-8"


def office_environment(fonts: Path, temporary: Path) -> dict[str, str]:
    """The environment LibreOffice runs in: ours, with the fontconfig file, its own temporary folder
    (its files stay there, removed even when we kill it) and a fixed time zone and locale."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("LC_", "LANG")) and name not in ("TZ", "LANGUAGE")
    }
    return {
        **inherited,
        "FONTCONFIG_FILE": str(fonts),
        "TMPDIR": str(temporary),
        "TZ": OFFICE_TIME_ZONE,
        "LANG": OFFICE_LOCALE,
        "LC_ALL": OFFICE_LOCALE,
    }


# --- reaching nothing ------------------------------------------------------------------------------

# How to start a program with no network, best first: root (or CAP_SYS_ADMIN) makes a network namespace
# directly; anyone else through a user namespace that maps their own uid to itself, so the program
# still sees its own uid (the warm pool's UNO pipe is named after it) and files it writes are theirs.
# A new network namespace has only a loopback interface, and it is down: nothing, not 127.0.0.1, answers.
# Unix sockets named by a path (the pool's UNO pipe) still work across it.
ISOLATIONS: tuple[tuple[str, ...], ...] = (
    ("unshare", "--net"),
    ("unshare", "--user", "--map-current-user", "--net"),
)
ISOLATION_WARNING = (
    "无法为 LibreOffice 建立隔离的网络环境（unshare 不可用：本机不是 Linux、容器未授予权限"
    "或禁用了用户命名空间），"
    "PDF 转换将在不隔离网络的情况下进行；文档中的外部链接仍会被拒绝（RG411）"
)
logger = logging.getLogger("reportgen.pdf")
_isolation: list[tuple[str, ...]] = []  # the prefix found, once per process
_isolation_lock = threading.Lock()


def isolation() -> tuple[str, ...]:
    """The command prefix that runs a program without network here, or ``()`` when none works.

    Found once per process by running ``true`` under each of ``ISOLATIONS`` (~5 ms); when none
    works a Chinese warning is logged once and conversions run as before."""
    with _isolation_lock:
        if not _isolation:
            _isolation.append(_probe_isolation())
            if not _isolation[0]:
                logger.warning(ISOLATION_WARNING)
        return _isolation[0]


def _probe_isolation() -> tuple[str, ...]:
    if not sys.platform.startswith("linux"):
        return ()
    for program, *flags in ISOLATIONS:
        found = shutil.which(program)
        if found is None:
            continue
        try:
            probe = subprocess.run(
                [found, *flags, "true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return (found, *flags)
    return ()


def isolated(command: list[str]) -> list[str]:
    """``command`` run in a network namespace of its own (unchanged when ``isolation()`` found none);
    ``unshare`` execs the program, so the process id and group stay the program's.  OSError when the
    program cannot be run, as ``Popen`` would raise it without ``unshare`` in front (RG404, not an
    exit status of ``unshare``)."""
    prefix = isolation()
    if prefix and shutil.which(command[0]) is None:
        code = errno.EACCES if os.path.exists(command[0]) else errno.ENOENT
        raise OSError(code, os.strerror(code), command[0])
    return [*prefix, *command]


# What the profile turns off (``registrymodifications.xcu``, written before LibreOffice first starts):
# images linked from an untrusted document, macros, and updating links (Writer 0 and Calc 1 = never).
PROFILE_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "1"),
)


def write_profile(profile: Path) -> None:
    """A new LibreOffice user profile holding ``PROFILE_SETTINGS``; LibreOffice adds the rest."""
    items = "".join(
        f'<item oor:path="{escape(path)}"><prop oor:name="{escape(name)}" oor:op="fuse">'
        f"<value>{escape(value)}</value></prop></item>\n"
        for path, name, value in PROFILE_SETTINGS
    )
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
        ' xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n",
        "utf-8",
    )


def convert_to_pdf(data: bytes, suffix: str, *, timeout: float = 120.0, soffice: str | None = None) -> bytes:
    """The PDF of a .docx or .xlsx given as bytes; RenderError RG404/RG405/RG406 when it cannot be made,
    RG411 (before LibreOffice starts) when the package links to anything outside itself."""
    if suffix not in SUFFIXES:
        raise ValueError(f"convert_to_pdf handles {SUFFIXES}, not {suffix!r}")
    refuse_outside_references(data, suffix)
    program = soffice or find_soffice()
    if program is None:
        setting = os.environ.get("REPORTGEN_SOFFICE")
        raise RenderError(
            Problem(
                "RG404",
                f"找不到 REPORTGEN_SOFFICE 指定的程序；{_INSTALL_HINT}" if setting else _INSTALL_HINT,
                file=setting,
            )
        )
    try:
        with tempfile.TemporaryDirectory(prefix="reportgen-pdf-", ignore_cleanup_errors=True) as temp:
            return _convert_in(Path(temp), program, data, suffix, timeout)
    except OSError as exc:  # the temporary folder itself
        raise RenderError(Problem("RG406", f"无法创建或写入临时文件夹（{os_error_text(exc)}）")) from None


def _convert_in(work: Path, program: str, data: bytes, suffix: str, timeout: float) -> bytes:
    source = work / f"document{suffix}"
    source.write_bytes(data)
    (work / "fonts.conf").write_text(fontconfig_file(), "utf-8")
    write_profile(work / "profile")
    out = work / "out"
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        str(source),
    ]
    environment = office_environment(work / "fonts.conf", work)
    try:
        process = subprocess.Popen(
            isolated(command),
            cwd=work,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderError(
            Problem("RG404", f"无法启动 LibreOffice（{os_error_text(exc)}）；{_INSTALL_HINT}", file=program)
        ) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise _timed_out(timeout) from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        status = process.returncode
        how = f"被信号 {-status} 终止" if status < 0 else f"以状态码 {status} 退出"
        raise _failed(f"LibreOffice {how}", stderr or stdout)
    produced = out / "document.pdf"
    try:
        pdf = produced.read_bytes()
    except OSError:
        raise _failed("LibreOffice 没有生成 PDF 文件", stderr or stdout) from None
    if not _is_complete(pdf):
        raise _incomplete(pdf, stderr or stdout)
    return pdf


def _is_complete(pdf: bytes) -> bool:
    return pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def _incomplete(pdf: bytes, output: bytes) -> RenderError:
    complete = "以 %PDF- 开头、以 %%EOF 结尾的完整 PDF"
    return _failed(f"LibreOffice 生成的 PDF 不完整（{len(pdf)} 字节）", output, complete)


def _timed_out(timeout: float) -> RenderError:
    return RenderError(
        Problem(
            "RG405",
            f"LibreOffice 在 {timeout:g} 秒内未完成转换，已终止；文档很大时请加大时限（timeout）后重试，"
            "一直超时则检查 LibreOffice 能否单独运行",
            value=f"{timeout:g} 秒",
        )
    )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill LibreOffice and everything it started; the group id is still ours until we reap."""
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # a grandchild left the group and holds the pipes
        process.kill()
        process.wait()


def _failed(what: str, output: bytes, expected: str | None = None) -> RenderError:
    said = libreoffice_says(output.decode("utf-8", "replace"))
    return RenderError(
        Problem(
            "RG406",
            f"{what}{'；LibreOffice 提示：' + said if said else ''}"
            "；请确认文件能用 LibreOffice 打开，或在命令行运行 soffice --headless 查看原因",
            expected=expected,
        )
    )


# What LibreOffice, its UNO bridge and our helper print (English) → Chinese.  Lines not listed are
# not shown: the message says how to see them (soffice --headless), and no English reaches the user.
LIBREOFFICE_MESSAGES: tuple[tuple[str, str | None], ...] = (
    ("source file could not be loaded", "无法打开源文件（文件损坏，或不是 Word/Excel 文件）"),
    ("couldn't connect", "无法连接 LibreOffice"),
    ("cannot connect", "无法连接 LibreOffice"),
    ("NoConnectException", "无法连接 LibreOffice"),
    ("Unsupported URL", "不支持的文件路径"),
    ("DisposedException", "与 LibreOffice 的连接已断开"),
    ("bridge disposed", "与 LibreOffice 的连接已断开"),
    ("General input/output error", "读写文件出错"),
    ("General Error", "读写文件出错"),
    ("IOException", "读写文件出错"),
    ("Fontconfig", "字体配置出错"),
    ("javaldx", None),  # "failed to launch javaldx": Java is not needed for conversions
)


def libreoffice_says(output: str) -> str:
    """The last lines LibreOffice printed, as the Chinese of the ones we know (“、” between them)."""
    said: list[str] = []
    for line in output.strip().splitlines()[-5:]:
        for english, chinese in LIBREOFFICE_MESSAGES:
            if english.lower() in line.lower():
                if chinese and chinese not in said:
                    said.append(chinese)
                break
    return "、".join(said)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\(D:\d{14}")
_PDF_ID = re.compile(rb"/ID \[\s*<([0-9A-F]{32})>\s*<([0-9A-F]{32})>")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


def stable_pdf(data: bytes, date: datetime.date, language: str = "zh-CN") -> bytes:
    """Make a LibreOffice PDF reproducible: fixed dates, font ids as a fresh process numbers them,
    the document's language (``/Lang``) as given, and a document id derived from the content.

    LibreOffice's /Lang is the .docx's default language for Western text (``w:lang w:val``), which
    Chinese Word writes as en-US next to ``w:eastAsia="zh-CN"``; making it zh-CN in the .docx would
    reflow the page (LibreOffice then breaks and spaces digits and dashes differently), so the PDF
    says what the document is after export."""
    data = _edit_objects(data, language.encode("ascii"))
    stamp = date.strftime("%Y%m%d000000").encode()
    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b"(D:" + stamp, data)
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
# warm one (``pdf_pool``).  The id is written twice, in the clear part of the font and in its
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


def _edit_objects(data: bytes, language: bytes) -> bytes:
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


def _font_id_edits(data: bytes, entries: list[re.Match[bytes]]) -> list[_Edit] | None:
    """The edits that give each Type 1 font subset its fresh-process id; None when unsure."""
    edits: list[_Edit] = []
    fonts = 0
    for offset in sorted(int(e.group(1)) for e in entries if e.group(3) == b"n"):
        stream = _STREAM_DICT.match(data, offset)
        lengths = _TYPE1_LENGTHS.search(stream.group(1)) if stream else None
        if stream is None or lengths is None or b"/FlateDecode" not in stream.group(1):
            continue
        length = _STREAM_LENGTH.search(stream.group(1))
        if length is None:
            return None
        if length.group(2):  # "/Length 18 0 R": the number is object 18
            number = int(length.group(1))
            holder = (
                _NUMBER_OBJECT.match(data, int(entries[number].group(1))) if number < len(entries) else None
            )
            if holder is None:
                return None
            size, span = int(holder.group(1)), holder.span(1)
        else:
            start = stream.start(1) + length.start(1)
            size, span = int(length.group(1)), (start, start + len(length.group(1)))
        try:
            font = zlib.decompress(data[stream.end() : stream.end() + size])
        except zlib.error:
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
        packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9)
        packed = packer.compress(font) + packer.flush()
        edits += [(stream.end(), stream.end() + size, packed), (*span, b"%d" % len(packed))]
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
