"""LibreOffice as reportgen runs it: finding the program, the one command line, its environment, fonts,
profile and isolation, and what its failures mean.  Both converters use this and nothing else of
each other: the one-shot ``oneshot.convert_to_pdf`` and the warm ``pool.PdfPool``.

We do not lay out PDF ourselves: LibreOffice already renders Word and Excel files the way they print,
so a PDF made from our own .docx/.xlsx shows exactly what those files show.  Every LibreOffice runs
with a fresh user profile of its own (``write_profile``), so conversions in parallel (threads or
processes) never share a profile lock, in an environment of ours (``office_environment``), started
by ``office_command`` and prefixed by ``isolated``.

The documents name the official 公文 fonts (仿宋_GB2312, 方正小标宋简体 …), which are never bundled.
A generated fontconfig file (``FALLBACK_FONTS``) puts free look-alikes right *after* each official
name, so an installed official font still wins and a missing one falls to a font of the same style
instead of fontconfig's default sans.  (``<accept>``, not ``<prefer>``: ``<prefer>`` would put the
substitutes ahead of an installed official font.)

LibreOffice reaches nothing (issue 14).  A Word file can link a picture, a template or an OLE
object by URL, and LibreOffice fetches it while converting.  So (1) ``refuse_outside_references``
refuses (RG411) a package with any relationship that leaves it, before LibreOffice starts (each
converter calls it), and (2) every LibreOffice process runs in a network namespace of its own
(``isolated``: ``unshare --net`` for root, ``unshare --user --map-current-user --net`` otherwise),
where no address, not even 127.0.0.1, can be reached.  Where no namespace can be made (a container
without the capability, user namespaces switched off, no ``unshare``), conversions run unisolated
after one logged warning; the package check still applies.  (3) The profile turns off what would
load or update linked content (``PROFILE_SETTINGS``): defence in depth, the namespace is the guarantee.
"""

from __future__ import annotations

import errno
import glob
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from reportgen.base.errors import Problem, RenderError, os_error_text
from reportgen.base.escape import xml_attribute, xml_content

SUFFIXES = (".docx", ".xlsx")
# LibreOffice's PDF export filter for each source, and its settings.  Both converters take them from
# here: the one-shot command line as JSON, the warm pool as the filter's ``FilterData``.
FILTERS = {".docx": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}
# A Word file keeps the pages LibreOffice adds itself (the blank page before a 版记 that must fall on
# an even page, docs/standards.md §9.20): the export leaves them out by default, and the 版记 would
# then print on an odd page.
WRITER_SETTINGS: dict[str, int | bool] = {"IsSkipEmptyPages": False}
# PDF/A-2b (ISO 19005-2 level B, for archiving): every font embedded, tagged (the structure a screen
# reader and an archive read), XMP metadata and an output intent.
ARCHIVE_SETTINGS: dict[str, int | bool] = {"SelectPdfVersion": 2, "UseTaggedPDF": True}


def export_settings(suffix: str, archive: bool) -> dict[str, int | bool]:
    """The PDF export filter's settings for a ``suffix`` file (its ``FilterData``), PDF/A-2b when
    ``archive``."""
    settings = dict(WRITER_SETTINGS) if suffix == ".docx" else {}
    return settings | ARCHIVE_SETTINGS if archive else settings


def convert_to(suffix: str, archive: bool) -> str:
    """``--convert-to``'s argument: plain ``pdf``, or the filter with its settings in the JSON form
    LibreOffice (7.4 and later) reads on the command line.

    >>> convert_to(".xlsx", False)
    'pdf'
    >>> convert_to(".docx", False)
    'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    """
    settings = export_settings(suffix, archive)
    if not settings:
        return "pdf"
    typed = {
        name: {"type": "boolean", "value": str(value).lower()}
        if isinstance(value, bool)
        else {"type": "long", "value": str(value)}
        for name, value in settings.items()
    }
    return f"pdf:{FILTERS[suffix]}:{json.dumps(typed, separators=(',', ':'))}"


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
INSTALL_HINT = (
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
        accepted = "".join(f"<family>{xml_content(s)}</family>" for s in substitutes)
        rules.append(
            f'<alias binding="same"><family>{xml_content(family)}</family><accept>{accepted}</accept></alias>'
        )
    for family in BOLD_SUBSTITUTES:
        # A non-bold request becomes weight 201: still nearest the substitutes' Bold face, and a mark
        # that lets the second rule give an installed official font (one weight) back without fake bold.
        is_family = f'<test name="family"><string>{xml_content(family)}</string></test>'
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
    include = f'<include ignore_missing="yes">{xml_content(base)}</include>'
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
        f'<item oor:path="{xml_attribute(path)}"><prop oor:name="{xml_attribute(name)}" oor:op="fuse">'
        f"<value>{xml_content(value)}</value></prop></item>\n"
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


def office_command(program: str, profile: Path, *task: str) -> list[str]:
    """The one LibreOffice command line, for a one-shot conversion and a warm office alike: ``program``
    with the user ``profile`` (made by ``write_profile``), no window, no restore dialog, no lock check,
    no start document or logo, then the ``task`` (``--convert-to pdf …`` or ``--accept=pipe,…``).
    Run it through ``isolated``, in ``office_environment``."""
    return [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        *task,
    ]


def prepare_office(work: Path, program: str, *task: str, temporary: Path) -> tuple[list[str], dict[str, str]]:
    """Lay out ``work`` for one LibreOffice (its fontconfig file and a fresh profile) and give the
    command line that runs ``task`` there (not yet ``isolated``: that may raise the OSError that
    starting would) and the environment to run it in, with ``temporary`` as its temporary folder."""
    fonts = work / "fonts.conf"
    fonts.write_text(fontconfig_file(), "utf-8")
    write_profile(work / "profile")
    return office_command(program, work / "profile", *task), office_environment(fonts, temporary)


def require_soffice(soffice: str | None = None) -> str:
    """``soffice`` or the program ``find_soffice`` finds; RenderError RG404 saying how to install it."""
    program = soffice or find_soffice()
    if program is None:
        setting = os.environ.get("REPORTGEN_SOFFICE")
        message = f"找不到 REPORTGEN_SOFFICE 指定的程序；{INSTALL_HINT}" if setting else INSTALL_HINT
        raise RenderError(Problem("RG404", message, file=setting))
    return program


def start_failed(error: OSError, program: str) -> RenderError:
    """RG404: the operating system would not start ``program``."""
    return RenderError(
        Problem("RG404", f"无法启动 LibreOffice（{os_error_text(error)}）；{INSTALL_HINT}", file=program)
    )


# --- what went wrong -------------------------------------------------------------------------------


def office_exit(status: int) -> str:
    """How a LibreOffice process ended, from its (non-zero) exit status."""
    return f"LibreOffice 被信号 {-status} 终止" if status < 0 else f"LibreOffice 以状态码 {status} 退出"


def folder_failed(error: OSError) -> RenderError:
    """RG406: our temporary folder could not be made or written."""
    return RenderError(Problem("RG406", f"无法创建或写入临时文件夹（{os_error_text(error)}）"))


def is_complete_pdf(pdf: bytes) -> bool:
    """``%PDF-`` … ``%%EOF``: the only PDF a converter returns."""
    return pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def incomplete_pdf(pdf: bytes, output: bytes) -> RenderError:
    """RG406 for a PDF that is not ``is_complete_pdf``."""
    complete = "以 %PDF- 开头、以 %%EOF 结尾的完整 PDF"
    return conversion_failed(f"LibreOffice 生成的 PDF 不完整（{len(pdf)} 字节）", output, complete)


def timed_out(timeout: float) -> RenderError:
    """RG405: a conversion passed its time limit (its LibreOffice is killed)."""
    return RenderError(
        Problem(
            "RG405",
            f"LibreOffice 在 {timeout:g} 秒内未完成转换，已终止；文档很大时请加大时限（timeout）后重试，"
            "一直超时则检查 LibreOffice 能否单独运行",
            value=f"{timeout:g} 秒",
        )
    )


def conversion_failed(what: str, output: bytes, expected: str | None = None) -> RenderError:
    """RG406: ``what`` went wrong, with what LibreOffice printed (``output``) in Chinese."""
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
