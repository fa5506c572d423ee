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
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from reportgen.errors import Problem, RenderError

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


def convert_to_pdf(data: bytes, suffix: str, *, timeout: float = 120.0, soffice: str | None = None) -> bytes:
    """The PDF of a .docx or .xlsx given as bytes; RenderError RG404/RG405/RG406 when it cannot be made."""
    if suffix not in SUFFIXES:
        raise ValueError(f"convert_to_pdf handles {SUFFIXES}, not {suffix!r}")
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
        raise RenderError(Problem("RG406", f"无法创建或写入临时文件夹（{exc.strerror or exc}）")) from None


def _convert_in(work: Path, program: str, data: bytes, suffix: str, timeout: float) -> bytes:
    source = work / f"document{suffix}"
    source.write_bytes(data)
    (work / "fonts.conf").write_text(fontconfig_file(), "utf-8")
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
    environment = {**os.environ, "FONTCONFIG_FILE": str(work / "fonts.conf")}
    try:
        process = subprocess.Popen(
            command,
            cwd=work,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderError(
            Problem("RG404", f"无法启动 LibreOffice（{exc.strerror or exc}）；{_INSTALL_HINT}", file=program)
        ) from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(
            Problem(
                "RG405",
                f"LibreOffice 在 {timeout:g} 秒内未完成转换，已终止；文档很大时请加大时限（timeout）后重试，"
                "一直超时则检查 LibreOffice 能否单独运行",
                value=f"{timeout:g} 秒",
            )
        ) from None
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
    if not (pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")):
        complete = "以 %PDF- 开头、以 %%EOF 结尾的完整 PDF"
        raise _failed(f"LibreOffice 生成的 PDF 不完整（{len(pdf)} 字节）", stderr or stdout, complete)
    return pdf


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
    tail = output.decode("utf-8", "replace").strip().splitlines()[-5:]
    detail = "；输出：" + " / ".join(line.strip() for line in tail) if tail else ""
    return RenderError(
        Problem(
            "RG406",
            f"{what}{detail}；请确认文件能用 LibreOffice 打开，或在命令行运行 soffice --headless 查看原因",
            expected=expected,
        )
    )


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\(D:\d{14}")
_PDF_ID = re.compile(rb"/ID \[\s*<([0-9A-F]{32})>\s*<([0-9A-F]{32})>")
_PDF_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]{32})")


def stable_pdf(data: bytes, date: datetime.date) -> bytes:
    """Make a LibreOffice PDF reproducible: fixed dates, and an id derived from the content."""
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
